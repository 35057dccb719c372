// Migration 0010: a one-row-per-probe table for /readyz's write probe (src/store/kysely-store.ts
// `probeWrite`). It holds nothing of the domain: a ready store is one that can commit a write and grow.
import { type Kysely, type Migration } from 'kysely';

export function writeProbe(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('write_probe')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
