// Migration 0003: a delivery's body moves to its own table, written once at ingest. Status updates
// (leases, attempts, marks) then rewrite only the small inbox row, never the 8 KB body beside it.
// Existing bodies are copied before the column is dropped, in the same migration.
import { sql, type Kysely, type Migration } from 'kysely';

export function deliveryBodies(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const seq = dialect === 'postgres' ? sql`bigint primary key` : sql`integer primary key`;
      await sql`create table delivery_bodies (seq ${seq}, body text not null)`.execute(db);
      await sql`insert into delivery_bodies (seq, body) select seq, body from deliveries`.execute(db);
      await sql`alter table deliveries drop column body`.execute(db);
    },
  };
}
