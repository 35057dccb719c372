// Branch policy: which lanes a ref enters, in which order, and which gates block it. A gate is relevant
// to a ref when its phase (declared in the catalog's `phases`) is about the ref's event, or when it blocks
// a lane the ref enters; nothing here knows a phase by name.
import picomatch from 'picomatch';
import type { Catalog, Gate, Lane, Phase } from './catalog-model.ts';
import { lanePredecessors, phaseOf } from './catalog-model.ts';

export type RefEvent = 'pull_request' | 'push' | 'tag';

export interface ExplainInput {
  ref: string;
  event?: RefEvent;
  changed?: string[];
  migrations?: boolean;
}

export type ExplainStep =
  | { kind: 'lane'; lane: string; name: string; why: string }
  | { kind: 'hold'; after: string; duration: string; before: string }
  | { kind: 'gates'; phase: Phase; gates: string[]; blocks: string };

export interface Explanation {
  ref: string;
  event: RefEvent;
  rules: string[];
  lanes: string[];
  steps: ExplainStep[];
  skipped: { lane: string; why: string }[];
  gates: { id: string; phase: Phase; owner: string; blocks: string }[];
}

export function normaliseRef(ref: string): { name: string; isTag: boolean } {
  if (ref.startsWith('refs/tags/')) return { name: ref.slice('refs/tags/'.length), isTag: true };
  if (ref.startsWith('refs/heads/')) return { name: ref.slice('refs/heads/'.length), isTag: false };
  return { name: ref, isTag: false };
}

export function globMatch(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => picomatch.isMatch(value, p, { dot: true }));
}

/** Infer the event when the caller did not say: tags by prefix or tag rule, else PR rule, else push. */
export function inferEvent(c: Catalog, ref: string): RefEvent {
  const { name, isTag } = normaliseRef(ref);
  if (isTag) return 'tag';
  const ruleFor = (event: RefEvent) =>
    c.branch_policy.some((r) => r.event === event && globMatch(r.refs, name));
  if (ruleFor('push')) return 'push';
  if (ruleFor('pull_request')) return 'pull_request';
  if (ruleFor('tag')) return 'tag';
  return 'push';
}

export function explainRef(c: Catalog, input: ExplainInput): Explanation {
  const { name } = normaliseRef(input.ref);
  const event = input.event ?? inferEvent(c, input.ref);
  const changed = input.changed ?? [];
  const rules = c.branch_policy.filter((r) => r.event === event && globMatch(r.refs, name));
  const candidateIds = [...new Set(rules.flatMap((r) => r.lanes))];
  const byId = new Map(c.lanes.map((l) => [l.id, l]));

  const applies: Lane[] = [];
  const skipped: { lane: string; why: string }[] = [];
  for (const id of candidateIds) {
    const lane = byId.get(id);
    if (!lane) continue;
    const why = laneSkipReason(lane, name, changed, input.migrations === true);
    if (why) skipped.push({ lane: id, why });
    else applies.push(lane);
  }
  const ordered = topoOrder(applies);
  const applied = new Set(ordered.map((l) => l.id));

  // Gates only block a ref that enters some lane; a ref no rule covers is not gated.
  // A gate applies when its phase belongs to the event, or when it explicitly blocks a lane this ref enters.
  const relevant =
    applied.size === 0
      ? []
      : c.gates.filter(
          (g) =>
            (phaseOf(c, g.phase).event === event || g.blocks.some((l) => applied.has(l))) &&
            !gateSkipped(g, applied),
        );
  const gateBlocks = (g: Gate): string => {
    const lane = g.blocks.find((l) => applied.has(l));
    if (lane) return lane;
    return phaseOf(c, g.phase).holds ?? `the ${g.phase} phase`;
  };

  const steps: ExplainStep[] = [];
  const placed = new Set<string>();
  for (const lane of ordered) {
    const before = relevant.filter((g) => !placed.has(g.id) && g.blocks.includes(lane.id));
    for (const phase of new Set(before.map((g) => g.phase))) {
      const ids = before.filter((g) => g.phase === phase).map((g) => g.id);
      ids.forEach((id) => placed.add(id));
      steps.push({ kind: 'gates', phase, gates: ids, blocks: lane.id });
    }
    if (lane.trigger.on === 'hold' && applied.has(lane.trigger.lane)) {
      steps.push({ kind: 'hold', after: lane.trigger.lane, duration: lane.trigger.hold, before: lane.id });
    }
    steps.push({
      kind: 'lane',
      lane: lane.id,
      name: lane.name,
      why: laneWhy(
        lane,
        rules.map((r) => r.id),
      ),
    });
  }
  const rest = relevant.filter((g) => !placed.has(g.id));
  for (const phase of new Set(rest.map((g) => g.phase))) {
    const ids = rest.filter((g) => g.phase === phase);
    steps.push({ kind: 'gates', phase, gates: ids.map((g) => g.id), blocks: gateBlocks(ids[0] as Gate) });
  }

  return {
    ref: input.ref,
    event,
    rules: rules.map((r) => r.id),
    lanes: ordered.map((l) => l.id),
    steps,
    skipped,
    gates: relevant.map((g) => ({ id: g.id, phase: g.phase, owner: g.owner, blocks: gateBlocks(g) })),
  };
}

function gateSkipped(g: Gate, applied: Set<string>): boolean {
  return (
    g.optional_when_lanes_skipped &&
    g.criteria.lanes.length > 0 &&
    g.criteria.lanes.every((l) => !applied.has(l))
  );
}

function laneSkipReason(lane: Lane, ref: string, changed: string[], migrations: boolean): string | undefined {
  const t = lane.trigger;
  if ((t.on === 'pull_request' || t.on === 'push') && t.branches && !globMatch(t.branches, ref)) {
    return `ref ${ref} does not match ${t.branches.join(', ')}`;
  }
  if ((t.on === 'pull_request' || t.on === 'push') && t.paths) {
    const hit = changed.find((p) => globMatch(t.paths ?? [], p));
    if (!hit) return `no changed path matches ${t.paths.join(', ')}`;
  }
  if (lane.when?.migrations === true && !migrations) return 'only when the release includes migrations';
  if (lane.when?.migrations === false && migrations) return 'only when the release has no migrations';
  return undefined;
}

function laneWhy(lane: Lane, rules: string[]): string {
  const t = lane.trigger;
  if ((t.on === 'pull_request' || t.on === 'push') && t.paths)
    return `changed paths match ${t.paths.join(', ')}`;
  if (lane.when?.migrations) return 'release includes migrations';
  return `branch policy ${rules.join(', ')}`;
}

/** Order lanes so that every lane comes after the lanes it follows; otherwise keep the given order. */
function topoOrder(lanes: Lane[]): Lane[] {
  const ids = new Set(lanes.map((l) => l.id));
  const out: Lane[] = [];
  const done = new Set<string>();
  const visit = (l: Lane, seen: Set<string>) => {
    if (done.has(l.id) || seen.has(l.id)) return;
    seen.add(l.id);
    for (const p of lanePredecessors(l.trigger)) {
      const pl = lanes.find((x) => x.id === p);
      if (pl && ids.has(p)) visit(pl, seen);
    }
    done.add(l.id);
    out.push(l);
  };
  lanes.forEach((l) => visit(l, new Set()));
  return out;
}
