#!/usr/bin/env node
// The `lanes` command. Runs the compiled JavaScript in dist/ (`npm run build`); tsx is a development
// tool only and is never loaded here. Development without a build: `npm run dev -- <args>`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'lanes: dist/ is missing; run `npm run build` first (or `npm run dev -- <args>` from source)\n',
  );
  process.exit(1);
}
await import(entry.href);
