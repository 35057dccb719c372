#!/usr/bin/env node
// The `lanes` command. Runs the compiled JavaScript in dist/ (`npm run build`); tsx is a development
// tool only and is never loaded here. Development without a build: `npm run dev -- <args>`.
import { existsSync } from 'node:fs';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'lanes: dist/ is missing; run `npm run build` first (or `npm run dev -- <args>` from source)\n',
  );
  process.exit(1);
}
// Start-up allocates tens of MB of long-lived objects (modules, schemas, the catalog); V8 reads that high
// survival rate as a reason to grow the young generation to its 16 MB semi-spaces, which then stay resident
// (32 MB of an idle server's RSS). The young generation keeps its initial size while the command starts and
// grows again as usual afterwards (under load), so only the start-up growth is avoided (measured in
// bench/README.md, "Start-up and memory").
v8.setFlagsFromString('--semi-space-growth-factor=1');
await import(entry.href);
v8.setFlagsFromString('--semi-space-growth-factor=2');
