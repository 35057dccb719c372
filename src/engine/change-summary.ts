// A release's change summary from GitHub (issue 11): at creation the release is compared with the last one
// that reached production; the compare is an outbox effect ('github.compare', key `compare:<release>`)
// enqueued in create-release's transaction, so it is retried and delivered like a dispatch. Its handler
// stores the commits (bounded, once per release) and, in the same transaction, the "release created"
// notification for alert routes that take release summaries. No previous production release (or the same
// commit) needs no compare: the notification is enqueued at creation instead.
import { z } from 'zod';
import {
  changeSummaryStatus,
  compareKey,
  firstLine,
  keptCommits,
  lastProductionRelease,
  summaryMessage,
  summaryRoutes,
  type CompareBase,
} from '../core/change-summary.ts';
import type { ChangeSummaryView } from '../contract/views.ts';
import type { ReconcileClient } from '../github/reconcile-client.ts';
import type { OutboxEffect, ReleaseCommitRecord, ReleaseRecord } from '../store/store.ts';
import { auditEntry } from './audit-entry.ts';
import { nowIso, type EngineContext } from './engine-context.ts';
import { waitForGitHub, type EffectOutcome, type OutboxHandlers } from './outbox-worker.ts';
import { milestonesOf } from './release-history.ts';

export const COMPARE_KIND = 'github.compare';

const comparePayload = z.looseObject({
  repo: z.string().min(1),
  base: z.string().min(1),
  head: z.string().min(1),
  releaseId: z.string().min(1),
});

function dataOf(rec: Pick<ReleaseRecord, 'data'>): Record<string, unknown> {
  return rec.data !== null && typeof rec.data === 'object' ? (rec.data as Record<string, unknown>) : {};
}

const baseSchema = z.object({ releaseId: z.string(), version: z.string(), sha: z.string() });

/** The compare base recorded in the release at creation (null: the first release to production). */
export function compareBaseOf(rec: Pick<ReleaseRecord, 'data'>): CompareBase | null {
  const b = baseSchema.safeParse(dataOf(rec).compareBase);
  return b.success ? b.data : null;
}

/** The last release that reached production before `excludeId` was created. */
export async function findCompareBase(ctx: EngineContext, excludeId: string): Promise<CompareBase | null> {
  const all = await ctx.store.listReleases({ limit: 200 });
  return lastProductionRelease(
    all.map((r) => ({ ...r, reachedProductionAt: milestonesOf(r).reachedProductionAt })),
    excludeId,
  );
}

function callerLines(rec: Pick<ReleaseRecord, 'changeSummary'>): string[] {
  return (rec.changeSummary ?? '').split('\n').filter((l) => l.trim() !== '');
}

/** The alert.notify rows announcing the release's summary (one per route that takes summaries). */
export function summaryNotifications(
  ctx: EngineContext,
  rec: ReleaseRecord,
  base: CompareBase | null,
  commits: readonly ReleaseCommitRecord[],
  totalCommits: number,
  now: string,
): OutboxEffect[] {
  const m = summaryMessage({
    zone: ctx.catalog.zone.name,
    version: rec.version,
    sha: rec.sha,
    createdBy: rec.createdBy,
    base,
    commits,
    totalCommits,
    lines: callerLines(rec),
  });
  const link = ctx.publicUrl ? `\n${ctx.publicUrl.replace(/\/+$/, '')}/releases/${rec.id}` : '';
  const out: OutboxEffect[] = [];
  for (const route of summaryRoutes(ctx.catalog.alert_routes)) {
    const url = route.url ?? (route.url_env ? ctx.alertRouteUrl?.(route.url_env) : undefined);
    if (!url) continue;
    out.push({
      key: `notify:${route.id}:release-summary:${rec.id}`,
      kind: 'alert.notify',
      runAt: now,
      payload: {
        url,
        payload: {
          text: `:information_source: ${m.text}`,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${m.text}*\n${m.detail}${link}` } }],
        },
      },
    });
  }
  return out;
}

/** What create-release enqueues for the summary: the compare, or (nothing to compare) the notification. */
export function changeSummaryEffects(
  ctx: EngineContext,
  rec: ReleaseRecord,
  base: CompareBase | null,
  now: string,
): OutboxEffect[] {
  if (base === null || base.sha === rec.sha) return summaryNotifications(ctx, rec, base, [], 0, now);
  return [
    {
      key: compareKey(rec.id),
      kind: COMPARE_KIND,
      runAt: now,
      payload: { repo: rec.repo ?? ctx.catalog.repository, base: base.sha, head: rec.sha, releaseId: rec.id },
    },
  ];
}

/** The 'github.compare' handler: GitHub's compare → release_commits (once) + the summary notification. */
/** ctxOf: the engine context of the moment (the catalog may be swapped while the process runs). */
export function compareHandlers(
  ctxOf: () => EngineContext,
  client: ReconcileClient | undefined,
): OutboxHandlers {
  return {
    [COMPARE_KIND]: async (payload, { signal }): Promise<EffectOutcome> => {
      const ctx = ctxOf();
      const p = comparePayload.safeParse(payload);
      if (!p.success) return { ok: false, retryable: false, message: `invalid ${COMPARE_KIND} payload` };
      if (!client) return waitForGitHub();
      const rec = await ctx.store.getRelease(p.data.releaseId);
      if (!rec) return { ok: false, retryable: false, message: `no release ${p.data.releaseId}` };
      const r = await client.compareCommits(p.data.repo, p.data.base, p.data.head, { signal });
      if (!r.ok)
        return {
          ok: false,
          retryable: r.retryable,
          message: r.message,
          ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
        };
      const kept = keptCommits(r.data.commits);
      const commits: ReleaseCommitRecord[] = kept.map((c, i) => ({
        position: i,
        sha: c.sha,
        author: c.author,
        message: firstLine(c.message),
        url: c.url,
      }));
      const total = Math.max(r.data.totalCommits, r.data.commits.length);
      const now = nowIso(ctx);
      const base = compareBaseOf(rec);
      await ctx.store.transaction(async (tx) => {
        const saved = await tx.saveReleaseCompare({
          releaseId: rec.id,
          baseSha: p.data.base,
          headSha: p.data.head,
          totalCommits: total,
          fetchedAt: now,
          commits,
        });
        if (saved === 'exists') return;
        await tx.appendAudit(
          auditEntry({
            catalogVersion: ctx.catalogVersion,
            at: now,
            actor: 'system',
            action: 'release.commits_fetched',
            object: { type: 'release', id: rec.id },
            data: { base: p.data.base, head: p.data.head, total, kept: commits.length },
          }),
        );
        for (const n of summaryNotifications(ctx, rec, base, commits, total, now)) await tx.enqueue(n);
        await tx.appendChange('release', { release: rec.id, commits: total }, now);
      });
      await ctx.store.notify('outbox');
      return { ok: true };
    },
  };
}

/** The change summary of the release view. */
export async function changeSummaryView(ctx: EngineContext, rec: ReleaseRecord): Promise<ChangeSummaryView> {
  const base = compareBaseOf(rec);
  const lines = callerLines(rec);
  const needsCompare = base !== null && base.sha !== rec.sha;
  const compare = needsCompare ? await ctx.store.getReleaseCompare(rec.id) : undefined;
  let dead = false;
  if (needsCompare && !compare) {
    const rows = await ctx.store.listOutboxSince({ since: rec.createdAt, limit: 500 });
    dead = rows.some((o) => o.key === compareKey(rec.id) && o.status === 'dead');
  }
  return {
    status: changeSummaryStatus(base, rec.sha, compare !== undefined, dead),
    base,
    totalCommits: compare?.totalCommits ?? 0,
    commits: (compare?.commits ?? []).map((c) => ({
      sha: c.sha,
      author: c.author,
      message: c.message,
      url: c.url,
    })),
    lines,
  };
}
