// The demo's clock, written beside its store. `lanes up --demo` runs the engine on a demo clock (March 2026,
// src/cli/demo-loader.ts); `lanes token create|revoke --data <demo dir>` runs in another process, on the
// store directly, and must write its audit entry on that same clock, or the demo's audit stops being one
// ordered timeline (a December entry among March ones). The record is the clock's anchor: the demo moment
// it read at one real moment; it flows at real speed from there. Credentials themselves stay on real time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FILE = 'demo-clock.json';

/** Record that the demo clock reads `demoAt` at the real moment `realAt`. */
export function recordDemoClock(dataDir: string, demoAt: string, realAt: Date = new Date()): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, FILE), `${JSON.stringify({ demoAt, realAt: realAt.toISOString() })}\n`);
}

/** What the demo clock of this data directory reads now; undefined when the directory holds no demo. */
export function recordedDemoNow(dataDir: string, real: Date = new Date()): Date | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as { demoAt?: unknown; realAt?: unknown };
    const demoAt = typeof r.demoAt === 'string' ? Date.parse(r.demoAt) : NaN;
    const realAt = typeof r.realAt === 'string' ? Date.parse(r.realAt) : NaN;
    if (Number.isNaN(demoAt) || Number.isNaN(realAt)) return undefined;
    return new Date(demoAt + (real.getTime() - realAt));
  } catch {
    return undefined;
  }
}

/**
 * The clock an offline command (on the store directly) writes audit entries with: the demo's when the data
 * directory holds a demo (never with DATABASE_URL: the demo keeps to its own SQLite directory), else real time.
 */
export function auditClockFor(dataDir: string, databaseUrl: string | undefined): () => Date {
  return () => (databaseUrl ? undefined : recordedDemoNow(dataDir)) ?? new Date();
}
