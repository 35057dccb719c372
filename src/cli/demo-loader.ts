// The demo: recorded GitHub deliveries (examples/ops/demo-history.jsonl) and what people did
// (examples/ops/demo-actions.json: open releases, approve gates), played on ONE timeline through the real
// paths: deliveries through the signed webhook endpoint, actions through the REST API with each person's own
// token. Nothing is written to the store behind the API's back, so the engine enforces on the demo exactly
// what it enforces on a real installation, and the audit is the incident timeline it would have written.
//
// Clocks. The demo's "now" is the moment of the reference screen (2026-03-12 09:45 UTC): its "Last run"
// column and gate windows are dates in March 2026, so the engine, the audit and the read model run on the
// demo clock. While the history loads, that clock is pinned to each moment of the history in turn (a
// delivery at GitHub's own time, an action at its `at`, a timer at its fire time), and the workers are
// drained before it moves on: every audit event carries the time it happened, in order, on one clock.
// After loading, the clock flows from the demo's "now" at real speed. Credentials are not part of the
// story: tokens are issued and checked against real time (src/http/auth-middleware.ts authenticates with
// `new Date()`; POST /api/v1/tokens and `lanes token create` issue with it), so a token that has expired in
// the real world is refused whatever the demo's date, and a new one is never expired on creation. Their audit
// entries are on the demo clock like every other (`lanes token` reads it from src/cli/demo-clock-record.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../http/auth.ts';
import { recordDemoClock } from './demo-clock-record.ts';
import type { LanesProcess } from '../server.ts';
import { readDeliveries, replayDeliveries, type RecordedDelivery, type ReplayResult } from './replay.ts';

export const DEMO_HISTORY = fileURLToPath(new URL('../../examples/ops/demo-history.jsonl', import.meta.url));
export const DEMO_ACTIONS = fileURLToPath(new URL('../../examples/ops/demo-actions.json', import.meta.url));

export interface DemoAction {
  /** When the person acted, on the history's clock. Without it, the action comes after the history. */
  at?: string;
  as: string;
  method: 'POST';
  path: string;
  body: unknown;
}

export interface DemoActions {
  /** The demo's present: the reference screen's moment. */
  now: string;
  actions: DemoAction[];
}

export function readDemoActions(file = DEMO_ACTIONS): DemoActions {
  return JSON.parse(readFileSync(file, 'utf8')) as DemoActions;
}

/** A clock for the demo: flows at real speed from a given moment, or stands pinned at one. */
export interface DemoClock {
  (): Date;
  /** Stand still at `at` (while the history loads). */
  pin(at: string): void;
  /** Flow at real speed from `at` on. */
  flowFrom(at: string): void;
}

// The clock handed to the demo's Lanes process is the one loadDemo drives: one demo per process.
let current: DemoClock | undefined;

/**
 * The demo's clock, flowing from the reference screen's moment (12 March 2026, 09:45 UTC). With `record`
 * (the demo's data directory), each time it starts flowing it writes its anchor there, so offline commands
 * on that store write their audit on the same clock (src/cli/demo-clock-record.ts).
 */
export function demoClock(start = readDemoActions().now, opts: { record?: string } = {}): DemoClock {
  let pinned: number | null = null;
  let offset = 0;
  const flow = (at: string) => {
    const real = new Date();
    pinned = null;
    offset = real.getTime() - Date.parse(at);
    if (opts.record !== undefined) recordDemoClock(opts.record, at, real);
  };
  flow(start);
  const clock = Object.assign(() => new Date(pinned ?? Date.now() - offset), {
    pin(at: string) {
      pinned = Date.parse(at);
    },
    flowFrom: flow,
  });
  current = clock;
  return clock;
}

function field(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
}

function timeOf(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** When GitHub sent a delivery: the time of the change it reports (null when the payload has none). */
export function deliveryTime(d: RecordedDelivery): number | null {
  const p = d.payload;
  switch (d.event) {
    case 'workflow_run':
      return timeOf(field(field(p, 'workflow_run'), 'updated_at'));
    case 'workflow_job': {
      const job = field(p, 'workflow_job');
      return (
        timeOf(field(job, 'completed_at')) ??
        timeOf(field(job, 'started_at')) ??
        timeOf(field(job, 'created_at'))
      );
    }
    case 'deployment':
      return timeOf(field(field(p, 'deployment'), 'created_at'));
    default:
      return null;
  }
}

type Step = { at: number; deliveries: RecordedDelivery[]; actions: DemoAction[] };
/** A step of the load: moments from `from` to `at`. */
export type DemoStep = Step & { from: number };

/**
 * Deliveries that GitHub sent within this long of each other are handed over together and recorded at the
 * last one's time (a plausible delivery delay): it keeps loading the demo to a few dozen steps.
 */
export const DEMO_DELIVERY_WINDOW_MS = 60_000;

/**
 * Deliveries and actions as steps, oldest first. A step is recorded at its `at`: its deliveries (none later
 * than `at`, none more than the window earlier), then its actions (at exactly `at`). An action closes a step.
 */
export function demoTimeline(deliveries: RecordedDelivery[], demo: DemoActions): DemoStep[] {
  const merged: DemoStep[] = [];
  for (const m of demoMoments(deliveries, demo)) {
    const open = merged.at(-1);
    if (open && open.actions.length === 0 && m.at - open.from <= DEMO_DELIVERY_WINDOW_MS) {
      open.at = m.at;
      open.deliveries.push(...m.deliveries);
      open.actions.push(...m.actions);
    } else merged.push({ ...m, from: m.at });
  }
  return merged;
}

/** Each distinct moment of the history: its deliveries, then its actions. */
function demoMoments(deliveries: RecordedDelivery[], demo: DemoActions): Step[] {
  const steps = new Map<number, Step>();
  const stepAt = (at: number) => {
    let s = steps.get(at);
    if (!s) steps.set(at, (s = { at, deliveries: [], actions: [] }));
    return s;
  };
  let last = -Infinity;
  for (const d of deliveries) {
    const t = deliveryTime(d) ?? last;
    last = Math.max(last, t);
    stepAt(t).deliveries.push(d);
  }
  const end = Math.max(last, Date.parse(demo.now));
  for (const a of demo.actions) stepAt(a.at ? Date.parse(a.at) : end).actions.push(a);
  return [...steps.values()].sort((a, b) => a.at - b.at);
}

export async function loadDemo(
  lanes: LanesProcess,
  secret: string,
  opts: {
    onProgress?: (done: number, total: number) => void;
    /** The clock `lanes` runs on (default: the last demoClock() made in this process). */
    clock?: DemoClock;
    history?: string;
    actions?: string;
  } = {},
): Promise<{ replay: ReplayResult; actions: number }> {
  const clock = opts.clock ?? current;
  const demo = readDemoActions(opts.actions ?? DEMO_ACTIONS);
  const deliveries = readDeliveries(opts.history ?? DEMO_HISTORY);
  const steps = demoTimeline(deliveries, demo);
  const total = deliveries.length + demo.actions.length;
  const replay: ReplayResult = { accepted: 0, duplicate: 0, failed: [] };
  const tokens = new Map<string, string>();
  let done = 0;

  // The recorded history already holds what the history's effects caused (the runs Lanes dispatched, the
  // answered protection requests), so they count as performed at the moment they were decided: sent now,
  // they would repeat history against whatever GitHub is configured. Only effects decided from the demo's
  // present are sent.
  const performedInThePast = async () => {
    const at = (clock ? clock() : new Date()).toISOString();
    const past = await lanes.store.claimOutbox({ limit: 100_000, now: at, leaseMs: 60_000 });
    for (const e of past) await lanes.store.completeOutbox(e.id, at);
  };
  const settle = async () => {
    await lanes.worker.drain();
    await lanes.timers.drain();
    await performedInThePast();
  };
  // A timer due between two moments (a hold or a gate window ending) fires at its own time.
  const fireTimersBefore = async (t: number) => {
    for (;;) {
      const due = (await lanes.store.listTimers({ status: 'pending', limit: 1000 }))
        .map((x) => Date.parse(x.fireAt))
        .filter((x) => x < t && x >= (clock ? clock().getTime() : -Infinity));
      if (due.length === 0) return;
      clock?.pin(new Date(Math.min(...due)).toISOString());
      await settle();
    }
  };

  // Effects on GitHub wait in the outbox meanwhile: retried while the clock leaps through ten days, they
  // would all give up (and say so) before the demo starts. They start being tried from the demo's present.
  await lanes.outbox.stop();
  for (const step of steps) {
    await fireTimersBefore(step.from);
    clock?.pin(new Date(step.at).toISOString());
    if (step.deliveries.length > 0) {
      // In any order within a step: the server orders by GitHub's own timestamps, not by arrival.
      const r = await replayDeliveries(lanes.url, secret, step.deliveries, { concurrency: 8 });
      replay.accepted += r.accepted;
      replay.duplicate += r.duplicate;
      replay.failed.push(...r.failed);
      done += step.deliveries.length;
      await settle();
    }
    for (const a of step.actions) {
      let token = tokens.get(a.as);
      if (!token) {
        // Real time: tokens are credentials, not part of the story (see the header).
        token = (
          await issueToken(lanes.store, {
            personId: a.as,
            name: 'demo',
            scope: 'operate',
            now: new Date(),
            ttlDays: 1,
          })
        ).token;
        tokens.set(a.as, token);
      }
      const res = await fetch(`${lanes.url}${a.path}`, {
        method: a.method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(a.body),
      });
      if (res.status >= 300)
        throw new Error(`demo action ${a.as} ${a.path}: HTTP ${res.status} ${await res.text()}`);
      done++;
      await settle();
    }
    opts.onProgress?.(done, total);
  }
  await fireTimersBefore(Date.parse(demo.now) + 1);
  clock?.pin(demo.now);
  await performedInThePast();
  clock?.flowFrom(demo.now);
  lanes.outbox.start();
  return { replay, actions: demo.actions.length };
}
