// Migration 0006: who a token speaks for, and where each piece of evidence came from.
// - tokens.service: the named service (CI) a token is bound to; null for a person's token. A service token
//   keeps person_id as the person on whose behalf it acts (its owner), so self-approval compares persons.
// - evidence.provenance / evidence.authority: the verified source of a report (sourceKey of
//   src/core/evidence-provenance.ts) and whether GitHub vouches for it ('github') or only a token ('api').
//   Rows written before this migration keep null and are read as their legacy `source` kind.
import { sql, type Kysely, type Migration } from 'kysely';

export function policyIdentities(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`alter table tokens add column service text`.execute(db);
      await sql`alter table evidence add column provenance text`.execute(db);
      await sql`alter table evidence add column authority text`.execute(db);
    },
  };
}
