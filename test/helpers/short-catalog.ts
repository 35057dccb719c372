// The example catalog with the time-driven fields a test needs set (a drill grace, ...), written to a
// temporary file: scenario tests drive the real catalog loader and engine with an injectable clock instead
// of sleeping through real minutes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Copies examples/ops/lanes.yaml with PL-12's drill grace set; returns the file path. */
export function exampleCatalogWith(opts: { drillGrace?: string } = {}): string {
  let yaml = readFileSync('examples/ops/lanes.yaml', 'utf8');
  if (opts.drillGrace) {
    const trigger = "    trigger: { on: schedule, cron: '0 16 * * 1', text: scheduled weekly }\n";
    if (!yaml.includes(trigger)) throw new Error('PL-12 trigger not found in the example catalog');
    yaml = yaml.replace(trigger, `${trigger}    drill_grace: ${opts.drillGrace}\n`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lanes-catalog-'));
  const file = path.join(dir, 'lanes.yaml');
  writeFileSync(file, yaml);
  return file;
}
