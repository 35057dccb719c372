// Action: open a release candidate. The policy first (`release.create`, refusals audited). Checks (src/core/engine-rules-actions.ts): the commit has a green staging
// build; the version is new (the same version on the same commit answers the existing release). Writes the
// release, its audit entry and the opening dispatch in ONE transaction, then evaluates it once.
import { candidateCheck, defaultManifest, openingDispatches } from '../../core/engine-rules-actions.ts';
import { previousGoodRelease } from '../../core/promotion.ts';
import type { ReleaseState } from '../../core/release-model.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import type { ReleaseView } from '../../contract/views.ts';
import type { ReleaseRecord } from '../../store/store.ts';
import { auditEntry } from '../audit-entry.ts';
import { authorize, identityOf } from './authorize.ts';
import { dispatchEffect } from '../effects.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { reevaluateRelease } from '../evaluate-release.ts';
import { commitFacts, loadReleaseState } from '../load-release-state.ts';
import { releaseView } from '../release-views.ts';

export interface CreateReleaseInput {
  version: string;
  sha: string;
  manifest: Record<string, string>;
  changeSummary: string[];
  includesMigrations: boolean;
  reason?: string;
}

function draftState(id: string, input: CreateReleaseInput, actor: Actor, now: string): ReleaseState {
  return {
    id,
    version: input.version,
    sha: input.sha,
    createdBy: actor.personId,
    createdAt: now,
    includesMigrations: input.includesMigrations,
    manifest: [],
    changeSummary: null,
    previousReleaseId: null,
    laneRuns: {},
    skippedLanes: [],
    evidence: {},
    approvals: [],
    overrides: [],
    protectionRequests: [],
  };
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
  const facts = await commitFacts(ctx, input.sha);
  const check = candidateCheck(catalog, input.sha, facts);
  if (!check.ok) return refuse(check.code, check.message, check.details);

  const all = await store.listReleases({ limit: 50 });
  const states = await Promise.all(all.map((r) => loadReleaseState(ctx, r)));
  const id = `rel-${input.version}`;
  const previous = previousGoodRelease(catalog, states, draftState(id, input, actor, now));
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
    data: { reason: input.reason ?? null, service: identity.kind === 'service' ? identity.name : null },
  };
  const dispatches = openingDispatches(catalog, rec, facts.runs);
  const result = await store.transaction(async (tx) => {
    const r = await tx.createRelease(rec);
    if (r === 'duplicate') return r;
    await tx.appendAudit(
      auditEntry({
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
    await tx.appendChange('release', { release: id, state: 'candidate' }, now);
    return r;
  });
  if (result === 'duplicate') return refuse('conflict', `release ${id} already exists`);
  await store.notify('outbox');
  await reevaluateRelease(ctx, rec, 'release created', actor.label);
  const fresh = (await store.getRelease(id)) ?? rec;
  return { ok: true, value: await releaseView(ctx, fresh), created: true };
}
