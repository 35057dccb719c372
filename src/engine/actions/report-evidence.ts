// Action: a pipeline, a service or a person reports evidence (a check's outcome for a commit, optionally a
// lane) through the API. The policy first (`evidence.post`: only the sources the catalog allows for the
// check; refusals audited). The source is what authentication verified: a GitHub Actions OIDC token binds
// the report to its claims' repository, workflow, ref, sha and run (a body naming another sha is refused);
// a service token to its service; a person's token to the person and their seats. Keyed per source and
// check, so a newer result from the same source supersedes and a repeated one is "unchanged". The
// evidence, its audit entry and its change event commit in ONE transaction; the releases on that commit
// are then re-evaluated at once.
import type { EvidenceClaim } from '../../core/evidence-provenance.ts';
import { authorityOf, sourceKey } from '../../core/evidence-provenance.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import { auditEntry } from '../audit-entry.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { reevaluateCommits } from '../evaluate-release.ts';
import { auditedRefusal } from '../refusal-audit.ts';
import { authorize, identityOf } from './authorize.ts';

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

/** The verified source of the report. */
export function claimOf(actor: Actor): EvidenceClaim {
  if (actor.workflow)
    return { kind: 'oidc', repository: actor.workflow.repository, workflowFile: actor.workflow.workflowFile };
  const id = identityOf(actor);
  return id.kind === 'service'
    ? { kind: 'service', name: id.name }
    : { kind: 'person', login: id.login, seats: id.seats };
}

/** `created` is true when the evidence was recorded (a 201), false when it was already there. */
export async function reportEvidence(
  ctx: EngineContext,
  actor: Actor,
  body: EvidenceReport,
): Promise<Outcome<EvidenceReceipt>> {
  const { store, catalog } = ctx;
  const claim = claimOf(actor);
  const source = sourceKey(claim);
  const object = { type: 'evidence' as const, id: `${body.sha}:${body.check}` };
  const allowed = await authorize(ctx, actor, { action: 'evidence.post', check: body.check, claim }, object, {
    check: body.check,
    sha: body.sha,
    source,
  });
  if (!allowed.ok) return allowed;
  const wf = actor.workflow;
  if (wf && (body.sha !== wf.sha || (body.runId !== undefined && body.runId !== wf.runId)))
    return auditedRefusal(
      ctx,
      actor,
      'evidence.post_refused',
      object,
      refuse(
        'evidence_source_not_allowed',
        `the OIDC token is for ${wf.sha.slice(0, 12)} run ${wf.runId}; it cannot report on another commit or run`,
        { sha: wf.sha, runId: wf.runId },
      ),
      { check: body.check, sha: body.sha, source },
    );
  if (body.lane && !catalog.lanes.some((l) => l.id === body.lane))
    return refuse('not_found', `no lane ${body.lane}`);
  const now = nowIso(ctx);
  const lane = body.lane ?? null;
  const key = `api:${source}:${body.key ?? `${body.sha}:${body.lane ?? '-'}:${body.check}`}`;
  const runId = wf ? wf.runId : (body.runId ?? null);
  const result = await store.transaction(async (tx) => {
    const r = await tx.upsertEvidence({
      key,
      check: body.check,
      outcome: body.outcome,
      sha: body.sha,
      runId,
      laneId: lane,
      source: 'api',
      url: body.url ?? null,
      details: body.details ?? null,
      recordedAt: now,
      reportedBy: actor.personId,
      provenance: source,
      authority: authorityOf(claim),
    });
    if (r !== 'applied') return r;
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: actor.label,
        action: 'evidence.reported',
        object: { type: 'evidence', id: key },
        reason: body.details,
        data: {
          check: body.check,
          outcome: body.outcome,
          sha: body.sha,
          lane,
          source,
          rule: allowed.rule,
          ...(wf ? { workflow: wf } : {}),
        },
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
  if (recorded) {
    await store.notify('changes');
    await reevaluateCommits(ctx, [body.sha], `evidence ${body.check} from ${source}`);
  }
  return { ok: true, value: { key, status: recorded ? 'recorded' : 'unchanged' }, created: recorded };
}
