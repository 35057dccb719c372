// Builds the dashboard into web/dist with Vite's JS API, then reports the production bundle's
// JavaScript size (raw and gzip). Fails (exit 1) when the gzip JS exceeds the budget.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

// LANES_WEB_BUDGET_KB lowers the budget (e.g. to check that the guard fails a build).
const BUDGET_GZIP_KB = Number(process.env.LANES_WEB_BUDGET_KB ?? 200);
const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(root, 'dist');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

const kb = (n: number): string => (n / 1024).toFixed(1);

async function main(): Promise<void> {
  await build({
    configFile: join(root, 'vite.config.ts'),
    root,
    base: '/',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });

  let rawJs = 0;
  let gzipJs = 0;
  let rawCss = 0;
  let gzipCss = 0;
  const rows: string[] = [];
  for (const file of filesUnder(outDir).sort()) {
    const isJs = file.endsWith('.js');
    const isCss = file.endsWith('.css');
    if (!isJs && !isCss) continue;
    const buf = readFileSync(file);
    const gz = gzipSync(buf).length;
    if (isJs) {
      rawJs += buf.length;
      gzipJs += gz;
    } else {
      rawCss += buf.length;
      gzipCss += gz;
    }
    rows.push(
      `  ${relative(root, file).padEnd(40)} ${kb(buf.length).padStart(8)} KB raw ${kb(gz).padStart(7)} KB gzip`,
    );
  }
  if (rawJs === 0) {
    console.error('web build: no JavaScript asset found in web/dist');
    process.exit(1);
  }
  console.log('web build: web/dist');
  for (const r of rows) console.log(r);
  console.log(`web build: JS ${kb(rawJs)} KB raw, ${kb(gzipJs)} KB gzip (budget ${BUDGET_GZIP_KB} KB gzip)`);
  console.log(`web build: CSS ${kb(rawCss)} KB raw, ${kb(gzipCss)} KB gzip`);
  if (gzipJs > BUDGET_GZIP_KB * 1024) {
    console.error(`web build: gzip JS ${kb(gzipJs)} KB exceeds the ${BUDGET_GZIP_KB} KB budget`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error('web build failed:', err);
  process.exit(1);
});
