// The catalog model as the core sees it: types only (inferred from the schema) plus small pure helpers.
export type {
  Catalog,
  Lane,
  Trigger,
  LaneBinding,
  Workflow,
  Gate,
  Seat,
  BranchRule,
  FreezeWindow,
  AlertRoute,
  Phase,
} from '../catalog/catalog-schema.ts';
import type { Catalog, Lane, Workflow } from '../catalog/catalog-schema.ts';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "15m" → 900000. Durations are validated by the schema, so a bad one is a programming error. */
export function durationMs(d: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(d);
  if (!m) throw new Error(`invalid duration ${d}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export function laneById(c: Catalog, id: string): Lane | undefined {
  return c.lanes.find((l) => l.id === id);
}

export function workflowById(c: Catalog, id: string): Workflow | undefined {
  return c.workflows.find((w) => w.id === id);
}

/** Display text of a lane's environment: "staging/prod", or "none". */
export function laneEnvironmentText(c: Catalog, lane: Lane): string {
  if (lane.environment.length === 0) return 'none';
  return lane.environment.map((e) => c.environments.find((x) => x.id === e)?.name ?? e).join('/');
}

export function workflowEnvironmentText(w: Workflow): string {
  return w.environment.length === 0 ? '-' : w.environment.join('/');
}

export function triggerText(lane: Lane): string {
  const t = lane.trigger;
  if (t.text) return t.text;
  switch (t.on) {
    case 'pull_request':
      return `pull_request${t.branches ? ` on ${t.branches.join(', ')}` : ''}`;
    case 'push':
      return `push to ${t.branches.join(', ')}`;
    case 'tag':
      return `tag ${t.tags.join(', ')}`;
    case 'schedule':
      return `schedule ${t.cron}`;
    case 'manual':
      return 'manual';
    case 'after':
      return `after ${t.lane}`;
    case 'approval':
      return `approval after ${t.after.join(', ')}`;
    case 'hold':
      return `${t.hold} hold after ${t.lane}`;
  }
}
