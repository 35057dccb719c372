// Migration 0011: drop the tables nothing reads or writes any more. `kv` lost its last caller when
// engine state moved to typed tables (0002 moved the rows; what it left there no code reads);
// `artifacts`, `release_lanes` and `people` were created by 0001 and never used (artifacts are read
// from GitHub on demand, a release's lanes live in its data, people are catalog seat members).
// Dropping a table drops its indexes in both dialects; no foreign key points at these tables.
import { type Kysely, type Migration } from 'kysely';

/** The tables this migration drops, in order. */
export const UNUSED_TABLES = ['kv', 'artifacts', 'release_lanes', 'people'] as const;

export function cleanup(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const table of UNUSED_TABLES) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
