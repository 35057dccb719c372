// Action: a person or pipeline reports evidence (a check's outcome for a commit, optionally a lane) through
// the API. Keyed per token (or person) and check, so a repeated report is "unchanged" and changes nothing.
// The evidence, its audit entry and its change event commit in ONE transaction.
import { refuse, type Outcome } from '../../contract/refusal.ts';
import { auditEntry } from '../audit-entry.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';

export interface EvidenceReport {
  check: string;
  outcome: 'passed' | 'failed' | 'pending';
  sha: string;
  lane?: string;
  runId?: number;
  url?: string;
  details?: string;
  /** The caller's own idempotency key; default: sha, lane and check. */
  key?: string;
}

export interface EvidenceReceipt {
  key: string;
  status: 'recorded' | 'unchanged';
}

/** `created` is true when the evidence was recorded (a 201), false when it was already there. */
export async function reportEvidence(
  ctx: EngineContext,
  actor: Actor,
  body: EvidenceReport,
): Promise<Outcome<EvidenceReceipt>> {
  const { store, catalog } = ctx;
  if (body.lane && !catalog.lanes.some((l) => l.id === body.lane))
    return refuse('not_found', `no lane ${body.lane}`);
  const now = nowIso(ctx);
  const lane = body.lane ?? null;
  const key = `api:${actor.tokenId ?? actor.personId}:${body.key ?? `${body.sha}:${body.lane ?? '-'}:${body.check}`}`;
  const result = await store.transaction(async (tx) => {
    const r = await tx.upsertEvidence({
      key,
      check: body.check,
      outcome: body.outcome,
      sha: body.sha,
      runId: body.runId ?? null,
      laneId: lane,
      source: 'api',
      url: body.url ?? null,
      details: body.details ?? null,
      recordedAt: now,
      reportedBy: actor.personId,
    });
    if (r !== 'applied') return r;
    await tx.appendAudit(
      auditEntry({
        at: now,
        actor: actor.label,
        action: 'evidence.reported',
        object: { type: 'evidence', id: key },
        reason: body.details,
        data: { check: body.check, outcome: body.outcome, sha: body.sha, lane },
      }),
    );
    await tx.appendChange(
      'evidence',
      { key, check: body.check, outcome: body.outcome, sha: body.sha, lane },
      now,
    );
    return r;
  });
  const recorded = result === 'applied';
  if (recorded) await store.notify('changes');
  return { ok: true, value: { key, status: recorded ? 'recorded' : 'unchanged' }, created: recorded };
}
