// The layering rules of docs/ARCHITECTURE.md, checked over the source text: file size, which folder may
// import which, that nothing in src/ leans on the example catalog's own names, and that the architecture
// document names only files that exist. The checks read files as text (imports by regex), so they run in
// milliseconds and need no build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rel = (abs: string): string => relative(root, abs).split(sep).join('/');

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (keep(abs)) out.push(rel(abs));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const codeFile = (p: string): boolean => /\.(ts|tsx|css)$/.test(p);
const srcFiles = filesUnder('src', codeFile);
const webFiles = filesUnder('web/src', codeFile);

/** Relative import specifiers of a file, resolved to repository paths ('src/core/gates.ts'). */
export function importsOf(path: string, text: string): string[] {
  const specs = [
    ...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|^\s*import\s+'([^']+)'/gm),
  ].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) =>
      normalize(join(dirname(path), s))
        .split(sep)
        .join('/'),
    );
}

const layerOf = (path: string): string =>
  path === 'src/server.ts' ? 'server' : path.startsWith('src/') ? (path.split('/')[1] ?? '') : 'web';

/** Why an import from `from` to `to` breaks the layering, or null when it is allowed. */
export function layeringBreak(from: string, to: string): string | null {
  const a = layerOf(from);
  const b = to.startsWith('src/') ? layerOf(to) : 'outside';
  const lower = ['engine', 'store', 'github', 'core', 'catalog'];
  if (lower.includes(a) && ['http', 'cli', 'server'].includes(b)) return `${a} must not import ${b}`;
  if (a === 'core' && b !== 'core' && b !== 'contract') return 'core imports only core and contract';
  if (['store', 'github', 'catalog'].includes(a) && b === 'engine') return `${a} must not import the engine`;
  if (a === 'web' && to.startsWith('src/') && b !== 'contract')
    return 'web imports only src/contract from src/';
  return null;
}

/** Layering exceptions, each with its reason. Empty: every break is fixed by moving code. */
const layeringExceptions: ReadonlyArray<{ from: string; to: string; why: string }> = [];

void test('the layering checker itself: what it allows and what it refuses', () => {
  const cases: Array<[string, string, boolean]> = [
    ['src/core/gates.ts', 'src/core/catalog-model.ts', true],
    ['src/core/gates.ts', 'src/contract/refusal.ts', true],
    ['src/core/gates.ts', 'src/catalog/load-catalog.ts', false],
    ['src/core/gates.ts', 'src/config.ts', false],
    ['src/engine/effects.ts', 'src/http/app.ts', false],
    ['src/engine/effects.ts', 'src/server.ts', false],
    ['src/engine/effects.ts', 'src/store/store.ts', true],
    ['src/store/store.ts', 'src/engine/effects.ts', false],
    ['src/github/github-client.ts', 'src/engine/effects.ts', false],
    ['src/catalog/load-catalog.ts', 'src/cli/main.ts', false],
    ['src/http/app.ts', 'src/engine/lanes-engine.ts', true],
    ['src/cli/main.ts', 'src/server.ts', true],
    ['web/src/app.tsx', 'src/contract/views.ts', true],
    ['web/src/app.tsx', 'src/engine/read-model.ts', false],
    ['web/src/app.tsx', 'web/src/lib/api.ts', true],
  ];
  for (const [from, to, ok] of cases) assert.equal(layeringBreak(from, to) === null, ok, `${from} -> ${to}`);
  assert.deepEqual(
    importsOf(
      'src/engine/x.ts',
      `import a from '../core/a.ts';\nconst b = await import('./b.ts');\nimport 'zod';\n`,
    ),
    ['src/core/a.ts', 'src/engine/b.ts'],
  );
});

void test('no file under src/ or web/src/ is over 500 lines (styles included)', () => {
  const long = [...srcFiles, ...webFiles]
    .map((p) => ({ p, lines: read(p).split('\n').length - (read(p).endsWith('\n') ? 1 : 0) }))
    .filter((f) => f.lines > 500)
    .map((f) => `${f.p}: ${f.lines} lines`);
  assert.ok(srcFiles.length > 50 && webFiles.some((p) => p.endsWith('.css')), 'the walk found the tree');
  assert.deepEqual(long, []);
});

void test('imports follow the layers: core ← catalog/store/github ← engine ← http/cli; web → contract only', () => {
  const breaks: string[] = [];
  for (const from of [...srcFiles, ...webFiles]) {
    for (const to of importsOf(from, read(from))) {
      const why = layeringBreak(from, to);
      if (why && !layeringExceptions.some((e) => e.from === from && e.to === to))
        breaks.push(`${from} -> ${to}: ${why}`);
    }
  }
  assert.deepEqual(breaks, []);
});

/**
 * Files allowed to name the example catalog, each with its reason. Only comments should need this; code that
 * branches on an example name is a defect (what differs between catalogs is a catalog field).
 */
const exampleNameAllowList: ReadonlyArray<{ file: string; why: string }> = [];

/** The names the example catalog (examples/ops/lanes.yaml) gives its environments and phases. */
function exampleNames(): string[] {
  const yaml = read('examples/ops/lanes.yaml');
  const envBlock = /^environments:\n((?:[ \t].*\n|\n)*)/m.exec(yaml)?.[1] ?? '';
  const envs = [...envBlock.matchAll(/^\s+- id: (\S+)/gm)].map((m) => m[1] ?? '');
  const envRefs = [...yaml.matchAll(/environment: \[([^\]]*)\]/g)].flatMap((m) =>
    (m[1] ?? '').split(',').map((s) => s.trim()),
  );
  const phases = [...yaml.matchAll(/^\s+- \{ name: ([^,]+),/gm)].map((m) => (m[1] ?? '').trim());
  const names = [...new Set([...envs, ...envRefs, ...phases])].filter((n) => n && !n.includes('*'));
  assert.ok(
    names.includes('staging') && names.includes('prod-ops') && names.includes('Pre-Prod'),
    names.join(),
  );
  return names;
}

/** Where a source text leans on the example catalog: its ids, its phase family, its names as string literals. */
export function exampleMentions(text: string, names: readonly string[]): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const hit = (what: string): void => void found.push(`${i + 1}: ${what}: ${line.trim()}`);
    for (const m of line.matchAll(/\b(PL|RG|WF)-\d\d\b/g)) hit(m[0]);
    if (line.includes('Post-Prod')) hit('Post-Prod');
    for (const n of names) if (["'", '"', '`'].some((q) => line.includes(`${q}${n}${q}`))) hit(`'${n}'`);
  });
  return found;
}

void test('nothing in src/ depends on a lane, gate or workflow id, phase or environment name of the example', () => {
  const names = exampleNames();
  assert.equal(exampleMentions(`const x = 'staging';`, names).length, 1);
  assert.equal(exampleMentions(`if (phase.startsWith('Post-Prod')) {`, names).length, 1);
  assert.equal(exampleMentions(`if (phase === "Pre-Prod") {`, names).length, 1);
  assert.equal(exampleMentions(`// the lane PL-06 opens releases`, names).length, 1);
  assert.equal(exampleMentions(`const env = lane.environment; // a catalog field`, names).length, 0);
  const found = srcFiles
    .filter((p) => !exampleNameAllowList.some((a) => a.file === p))
    .flatMap((p) => exampleMentions(read(p), names).map((m) => `${p}:${m}`));
  assert.deepEqual(found, []);
  for (const a of exampleNameAllowList)
    assert.ok(existsSync(join(root, a.file)), `allow-listed ${a.file} exists`);
});

void test('docs/ARCHITECTURE.md names only files and folders that exist', () => {
  const doc = read('docs/ARCHITECTURE.md');
  const quoted = [...doc.matchAll(/`([^`\s]+)`/g)].map((m) => m[1] ?? '');
  const paths = quoted.filter((q) => /^(src|web|test|bench|bin|examples|dist|docs)\//.test(q));
  assert.ok(paths.length >= 15, `the document names the main modules (found ${paths.length})`);
  // dist/ is the compiled output, produced by `npm run build`: it is named, not checked.
  const missing = paths.filter((p) => !p.startsWith('dist/') && !existsSync(join(root, p)));
  // A bare file name (`views.ts`, in a folder's paragraph) must be the name of some file of the tree.
  const names = new Set(
    [...srcFiles, ...webFiles, ...filesUnder('test', codeFile)].map((p) => p.split('/').pop()),
  );
  const bare = quoted.filter((q) => /^[\w.-]+\.(ts|tsx|json)$/.test(q) && !q.includes('/'));
  missing.push(...bare.filter((b) => !names.has(b) && !existsSync(join(root, b))));
  assert.deepEqual(missing, []);
});
