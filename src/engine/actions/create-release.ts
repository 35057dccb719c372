// Action: open a release candidate. The policy first (`release.create`, refusals audited). Checks
// (src/core/release-candidate.ts `checkCandidateCommit`): the lanes the catalog requires are green on the
// commit; the version is new (the same version on the same commit answers the existing release). Writes the
// release, its audit entry, the opening dispatch and the change summary's compare (src/engine/change-summary.ts)
// in ONE transaction, then evaluates it once.
import { defaultManifest, openingDispatches } from '../../core/engine-rules-actions.ts';
import { laneRunState } from '../../core/lane-status.ts';
import { checkCandidateCommit } from '../../core/release-candidate.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import type { ReleaseView } from '../../contract/views.ts';
import type { ReleaseRecord } from '../../store/store.ts';
import { auditEntry } from '../audit-entry.ts';
import { changeSummaryEffects, findCompareBase } from '../change-summary.ts';
import { authorize, identityOf } from './authorize.ts';
import { dispatchEffect } from '../effects.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { reevaluateRelease } from '../evaluate-release.ts';
import { commitFacts } from '../load-release-state.ts';
import { rollbackTargetOf } from '../release-history.ts';
import { auditedRefusal } from '../refusal-audit.ts';
import { releaseView } from '../release-views.ts';

export interface CreateReleaseInput {
  version: string;
  sha: string;
  manifest: Record<string, string>;
  changeSummary: string[];
  includesMigrations: boolean;
  reason?: string;
}

export async function createRelease(
  ctx: EngineContext,
  actor: Actor,
  input: CreateReleaseInput,
): Promise<Outcome<ReleaseView>> {
  const { store, catalog } = ctx;
  const allowed = await authorize(
    ctx,
    actor,
    { action: 'release.create' },
    { type: 'release', id: `rel-${input.version}` },
    { version: input.version, sha: input.sha },
  );
  if (!allowed.ok) return allowed;
  const now = nowIso(ctx);
  const identity = identityOf(actor);
  const existing = (await store.listReleases({ tag: input.version, limit: 1 }))[0];
  if (existing) {
    if (existing.sha === input.sha)
      return { ok: true, value: await releaseView(ctx, existing), created: false };
    return refuse('conflict', `release ${input.version} already exists for ${existing.sha.slice(0, 12)}`);
  }
  // The runs another release on this commit was dispatched for are not this one's (core run-attribution):
  // its candidate opens again for it, and nothing of theirs is borrowed.
  const facts = await commitFacts(ctx, input.sha, {
    id: `rel-${input.version}`,
    version: input.version,
    tag: input.version,
  });
  const check = checkCandidateCommit(catalog, input.sha, (laneId) => {
    const lane = catalog.lanes.find((l) => l.id === laneId);
    return lane ? laneRunState(lane, facts.runs, facts.jobs, facts.evidence).status : 'idle';
  });
  if (!check.ok)
    return auditedRefusal(
      ctx,
      actor,
      'release.create_refused',
      { type: 'release', id: input.version },
      refuse(check.code, check.message, check.details),
      { sha: input.sha },
    );

  const id = `rel-${input.version}`;
  const previous = await rollbackTargetOf(ctx, id);
  // The change summary compares with the last release that reached production (issue 11).
  const compareBase = await findCompareBase(ctx, id);
  const given = Object.entries(input.manifest).map(([name, ref]) => ({ name, ref }));
  const rec: ReleaseRecord = {
    id,
    repo: catalog.repository,
    tag: input.version,
    version: input.version,
    sha: input.sha,
    manifest: given.length > 0 ? given : defaultManifest(catalog, facts.runs),
    changeSummary: input.changeSummary.length > 0 ? input.changeSummary.join('\n') : null,
    includesMigrations: input.includesMigrations,
    state: 'candidate',
    currentLane: null,
    previousReleaseId: previous?.id ?? null,
    createdBy: actor.personId,
    createdAt: now,
    updatedAt: now,
    // The person behind a service's release is the token's owner (createdBy); the service is kept beside.
    data: {
      reason: input.reason ?? null,
      service: identity.kind === 'service' ? identity.name : null,
      compareBase,
    },
  };
  const dispatches = openingDispatches(catalog, rec, facts.runs);
  const result = await store.transaction(async (tx) => {
    const r = await tx.createRelease(rec);
    if (r === 'duplicate') return r;
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: actor.label,
        action: 'release.created',
        object: { type: 'release', id },
        reason: input.reason,
        data: {
          version: input.version,
          sha: input.sha,
          includesMigrations: input.includesMigrations,
          previous: rec.previousReleaseId,
          rule: allowed.rule,
        },
      }),
    );
    for (const d of dispatches)
      await tx.enqueue(dispatchEffect(ctx, { ...d, ref: input.version, releaseId: id }, now));
    for (const e of changeSummaryEffects(ctx, rec, compareBase, now)) await tx.enqueue(e);
    await tx.appendChange('release', { release: id, state: 'candidate' }, now);
    return r;
  });
  if (result === 'duplicate') return refuse('conflict', `release ${id} already exists`);
  await store.notify('outbox');
  await reevaluateRelease(ctx, rec, 'release created', actor.label);
  const fresh = (await store.getRelease(id)) ?? rec;
  return { ok: true, value: await releaseView(ctx, fresh), created: true };
}
