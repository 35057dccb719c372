// A release's timeline: what was decided, sent, approved, run, alerted and answered, merged in time order.
// Pure: the engine (src/engine/release-timeline.ts) reads the sources and hands plain items here.
import type { TimelineEntry } from '../contract/views.ts';

export type TimelineKind = TimelineEntry['kind'];

/** Kinds at the same instant, in causal order: a run is seen, a decision follows, its effects go out. */
const KIND_ORDER: Record<TimelineKind, number> = {
  run: 0,
  protection: 1,
  approval: 2,
  decision: 3,
  alert: 4,
  effect: 5,
};

/** Audit entries of one instant keep the order they were written in (their id). */
function auditOrder(a: TimelineEntry, b: TimelineEntry): number {
  const x = a.links.audit;
  const y = b.links.audit;
  return typeof x === 'number' && typeof y === 'number' ? x - y : 0;
}

/** Oldest first; ties by kind (causal order), audit entries by id, then the order the sources gave them. */
export function mergeTimeline(items: readonly TimelineEntry[]): TimelineEntry[] {
  return items
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .filter((x) => !Number.isNaN(x.t))
    .sort(
      (a, b) => a.t - b.t || KIND_ORDER[a.e.kind] - KIND_ORDER[b.e.kind] || auditOrder(a.e, b.e) || a.i - b.i,
    )
    .map((x) => x.e);
}

/** Whether an outbox row belongs to the release: its payload or key names it, or it is a status on its commit. */
export function effectBelongsTo(
  effect: { key: string; kind: string; payload: unknown },
  release: { id: string; sha: string },
): boolean {
  const p =
    effect.payload !== null && typeof effect.payload === 'object'
      ? (effect.payload as Record<string, unknown>)
      : {};
  if (p.releaseId === release.id) return true;
  if (effect.key.includes(`:${release.id}:`) || effect.key.endsWith(`:${release.id}`)) return true;
  return effect.kind === 'github.commit_status' && p.sha === release.sha;
}

/** One line for an outbox row's target, from its payload (no URLs: alert routes may carry secrets). */
export function effectTarget(kind: string, payload: unknown): string {
  const p = payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  const s = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  switch (kind) {
    case 'github.dispatch':
      return `dispatch ${s(p.workflowFile)} @ ${s(p.ref)}`;
    case 'github.protection_review':
      return `protection answer ${s(p.state)} for run ${s(p.runId)} (${s(p.environment)})`;
    case 'github.commit_status':
      return `commit status ${s(p.context)} = ${s(p.state)}`;
    case 'github.compare':
      return `compare ${s(p.base).slice(0, 7)}...${s(p.head).slice(0, 7)}`;
    case 'alert.notify':
      return 'notification';
    default:
      return kind;
  }
}
