// Where GET /api/v1/overview spends its time: the store calls of one overview, timed one by one
// (in process, on a seeded SQLite or PostgreSQL store). Evidence for the bench report.
//   node --import tsx bench/time-overview-queries.ts [sqlite|postgres] [runs]
import { loadCatalogFile } from '../src/catalog/load-catalog.ts';
import { ReadModel } from '../src/engine/read-model.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import {
  cleanupTestDatabases,
  freshPostgresDatabase,
  freshSqliteDir,
} from '../test/helpers/test-database.ts';
import { seedRunsTo } from './seed-history.ts';

const kind = (process.argv[2] ?? 'sqlite') as 'sqlite' | 'postgres';
const runs = Number(process.argv[3] ?? 10_000);
try {
  const dataDir = await freshSqliteDir();
  const databaseUrl = kind === 'postgres' ? await freshPostgresDatabase() : undefined;
  const s0 = await openStore({ databaseUrl, dataDir });
  await s0.close();
  await seedRunsTo({ kind, dataDir, databaseUrl }, runs);
  const store = await openStore({ databaseUrl, dataDir });
  const loaded = loadCatalogFile('examples/ops/lanes.yaml');
  if (!loaded.ok) throw new Error('catalog');
  const times = new Map<string, { n: number; ms: number }>();
  const timed = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const r = (v as (...a: unknown[]) => unknown).apply(target, args);
        const done = () => {
          const e = times.get(String(prop)) ?? { n: 0, ms: 0 };
          e.n++;
          e.ms += performance.now() - t0;
          times.set(String(prop), e);
        };
        if (r instanceof Promise) return r.finally(done);
        done();
        return r;
      };
    },
  }) as Store;
  const rm = new ReadModel(timed, loaded.catalog);
  for (let i = 0; i < 5; i++) await rm.overview(new Date()); // warm-up
  times.clear();
  const N = 20;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await rm.overview(new Date());
  const total = (performance.now() - t0) / N;
  console.log(
    `${kind}, ${runs} runs: overview ${total.toFixed(1)} ms each (no gate provider); store calls per overview:`,
  );
  for (const [k, v] of [...times].sort((a, b) => b[1].ms - a[1].ms))
    console.log(
      `  ${k.padEnd(16)} ${String(v.n / N).padStart(4)} calls  ${(v.ms / N).toFixed(1).padStart(7)} ms (wall, overlapping)`,
    );
  await store.close();
} finally {
  await cleanupTestDatabases();
}
