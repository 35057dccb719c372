// Report evidence: a check result posted through the API by a CI step or a person. Moved unchanged from
// the HTTP route (src/http/app.ts) so the route is thin: the evidence row, its audit entry and its change
// event are written in one transaction; a repeat of the same result is `unchanged` and writes nothing.
import type { EvidenceRequest } from '../../contract/requests.ts';
import { accept, refuse, type Outcome } from '../../contract/refusal.ts';
import type { EvidenceResult } from '../../contract/results.ts';
import type { Catalog } from '../../core/catalog-model.ts';
import type { Store } from '../../store/store.ts';

export interface EvidenceContext {
  store: Store;
  catalog: Catalog;
  clock: () => Date;
}

/** Who reports: the person behind the token, and the token (its id scopes the idempotency key). */
export interface EvidenceReporter {
  personId: string;
  tokenId: string;
  label: string; // for the audit log: "alice (tok_ab12)"
}

export async function reportEvidence(
  ctx: EvidenceContext,
  actor: EvidenceReporter,
  body: EvidenceRequest,
): Promise<Outcome<EvidenceResult>> {
  if (body.lane && !ctx.catalog.lanes.some((l) => l.id === body.lane))
    return refuse('not_found', `no lane ${body.lane}`);
  const now = ctx.clock().toISOString();
  const key = `api:${actor.tokenId}:${body.key ?? `${body.sha}:${body.lane ?? '-'}:${body.check}`}`;
  const result = await ctx.store.transaction(async (tx) => {
    const r = await tx.upsertEvidence({
      key,
      check: body.check,
      outcome: body.outcome,
      sha: body.sha,
      runId: body.runId ?? null,
      laneId: body.lane ?? null,
      source: 'api',
      url: body.url ?? null,
      details: body.details ?? null,
      recordedAt: now,
      reportedBy: actor.personId,
    });
    if (r === 'applied') {
      await tx.appendAudit({
        at: now,
        actor: actor.label,
        action: 'evidence.reported',
        objectType: 'evidence',
        objectId: key,
        reason: body.details ?? null,
        data: { check: body.check, outcome: body.outcome, sha: body.sha, lane: body.lane ?? null },
      });
      await tx.appendChange(
        'evidence',
        { key, check: body.check, outcome: body.outcome, sha: body.sha, lane: body.lane ?? null },
        now,
      );
    }
    return r;
  });
  if (result === 'applied') await ctx.store.notify('changes');
  return result === 'applied'
    ? accept({ key, status: 'recorded' }, true)
    : accept({ key, status: 'unchanged' });
}
