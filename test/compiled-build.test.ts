// The compiled build (`npm run build` → dist/): what production runs. Checks that dist/ is plain JavaScript
// that never reaches for TypeScript or tsx, that bin/lanes.js runs it with tsx kept out of the module graph,
// and that every asset path built from import.meta.url resolves to the same file from src/ and from dist/.
// Needs `npm run build` first (npm test does it).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const DIST = 'dist';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Imports a compiled module by path (computed, so the typechecker never needs dist/ to exist). */
async function importDist(rel: string): Promise<Record<string, unknown>> {
  const mod: unknown = await import(pathToFileURL(join(DIST, rel)).href);
  assert.ok(typeof mod === 'object' && mod !== null);
  return mod as Record<string, unknown>;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

void describe('compiled build', () => {
  void test('dist/ mirrors src/: one .js per .ts, no .ts specifier and no tsx import left', () => {
    assert.ok(existsSync(DIST), 'dist/ is missing: run `npm run build`');
    const sources = filesUnder('src').filter((f) => f.endsWith('.ts'));
    for (const s of sources) {
      const out = join(DIST, s.slice('src/'.length).replace(/\.ts$/, '.js'));
      assert.ok(existsSync(out), `${out} missing (stale dist/?)`);
    }
    const outputs = filesUnder(DIST).filter((f) => f.endsWith('.js'));
    assert.equal(outputs.length, sources.length, 'dist/ has files no source produces (stale dist/?)');
    for (const f of outputs) {
      let text = readFileSync(f, 'utf8');
      // One allowed mention: the SQLite ingest thread, started from source (tests, `npm run dev`), registers tsx
      // in the worker, which does not inherit the parent's --import hooks. From dist/ that branch is never taken.
      if (f.endsWith(join('store', 'sqlite-ingest-client.js'))) {
        assert.match(
          text,
          /if \(!FROM_SOURCE\)\s+return new Worker\(ENTRY/,
          'the tsx boot is for sources only',
        );
        text = text.replace("import('tsx/esm/api')", '');
      }
      assert.doesNotMatch(
        text,
        /from\s+["'][^"']+\.tsx?["']|import\(\s*["'][^"']+\.tsx?["']\s*\)/,
        `${f} imports a .ts file`,
      );
      assert.doesNotMatch(text, /["']tsx(\/[^"']*)?["']/, `${f} imports tsx`);
    }
  });

  void test('tsx and TypeScript are not runtime dependencies; the removed @octokit packages stay removed', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    for (const name of [
      'tsx',
      'typescript',
      'esbuild',
      '@octokit/rest',
      '@octokit/auth-app',
      '@octokit/webhooks-methods',
    ])
      assert.equal(pkg.dependencies[name], undefined, `${name} must not be a runtime dependency`);
  });

  void test('asset paths resolve to the same files from src/ (tsx) and from dist/ (node)', async () => {
    const cases: { module: string; exportName: string }[] = [
      { module: 'server', exportName: 'WEB_DIST' },
      { module: 'cli/demo-loader', exportName: 'DEMO_HISTORY' },
      { module: 'cli/demo-loader', exportName: 'DEMO_ACTIONS' },
    ];
    for (const c of cases) {
      const fromSrc: unknown = (
        (await import(pathToFileURL(join('src', `${c.module}.ts`)).href)) as Record<string, unknown>
      )[c.exportName];
      const fromDist = (await importDist(`${c.module}.js`))[c.exportName];
      assert.equal(typeof fromSrc, 'string', `${c.module}.${c.exportName}`);
      assert.equal(fromDist, fromSrc, `${c.module}.${c.exportName} differs between src/ and dist/`);
      assert.ok(existsSync(fromDist as string), `${c.exportName}: ${String(fromDist)} does not exist`);
    }
  });

  void test('bin/lanes.js runs dist/ with tsx refused by the module loader', async () => {
    // A resolve hook that throws on any attempt to load tsx: if the CLI reached for it, --help would fail.
    const hook = encodeURIComponent(
      "export async function resolve(s, c, next) { if (s === 'tsx' || s.startsWith('tsx/')) throw new Error('tsx loaded'); return next(s, c); }",
    );
    const denyTsx = `data:text/javascript,${encodeURIComponent(
      `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${hook}`)});`,
    )}`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    const r = await run(['--import', denyTsx, 'bin/lanes.js', '--help'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: lanes/);
    // The control: the same hook does stop a process that loads tsx, so the check above can fail.
    const control = await run(['--import', denyTsx, '--import', 'tsx', 'src/cli/main.ts', '--help'], env);
    assert.notEqual(control.code, 0, 'the deny-tsx hook did not stop tsx');
    assert.match(control.stderr, /tsx loaded/);
  });
});
