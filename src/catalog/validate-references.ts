// Cross-reference rules a schema cannot express: ids that must exist, ids that must be unique,
// acyclic lane ordering, valid globs and cron expressions. Pure: catalog in, issues out.
import picomatch from 'picomatch';
import { Cron } from 'croner';
import type { Catalog } from '../core/catalog-model.ts';
import { lanePredecessors } from '../core/catalog-model.ts';

/** Kept for callers that imported it from here; the core owns it. */
export { lanePredecessors };

export interface ReferenceIssue {
  path: (string | number)[];
  message: string;
}

export function validateReferences(c: Catalog): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });

  const unique = (section: keyof Catalog, items: { id: string }[]) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const first = seen.get(item.id);
      if (first !== undefined)
        add([section, i, 'id'], `duplicate id ${item.id} (first defined at ${section}[${first}])`);
      else seen.set(item.id, i);
    });
    return new Set(items.map((x) => x.id));
  };
  const seats = unique('seats', c.seats);
  const envs = unique('environments', c.environments);
  const workflows = unique('workflows', c.workflows);
  const lanes = unique('lanes', c.lanes);
  unique('gates', c.gates);
  unique('branch_policy', c.branch_policy);
  unique('freeze_windows', c.freeze_windows);
  unique('alert_routes', c.alert_routes);

  const laneRef = (path: (string | number)[], ref: string) => {
    if (!lanes.has(ref)) add(path, `unknown lane ${ref}`);
  };
  const glob = (path: (string | number)[], pattern: string) => {
    const problem = globProblem(pattern);
    if (problem) add(path, `invalid glob "${pattern}": ${problem}`);
  };
  const cron = (path: (string | number)[], expr: string) => {
    const problem = cronProblem(expr);
    if (problem) add(path, `invalid cron "${expr}": ${problem}`);
  };

  c.lanes.forEach((lane, i) => {
    const t = lane.trigger;
    const tp = ['lanes', i, 'trigger'];
    switch (t.on) {
      case 'pull_request':
        t.branches?.forEach((b, j) => glob([...tp, 'branches', j], b));
        t.paths?.forEach((p, j) => glob([...tp, 'paths', j], p));
        break;
      case 'push':
        t.branches.forEach((b, j) => glob([...tp, 'branches', j], b));
        t.paths?.forEach((p, j) => glob([...tp, 'paths', j], p));
        break;
      case 'tag':
        t.tags.forEach((b, j) => glob([...tp, 'tags', j], b));
        break;
      case 'schedule':
        cron([...tp, 'cron'], t.cron);
        break;
      case 'manual':
        t.after?.forEach((l, j) => laneRef([...tp, 'after', j], l));
        break;
      case 'approval':
        t.after.forEach((l, j) => laneRef([...tp, 'after', j], l));
        break;
      case 'after':
      case 'hold':
        laneRef([...tp, 'lane'], t.lane);
        if (t.lane === lane.id) add([...tp, 'lane'], `lane ${lane.id} cannot follow itself`);
        break;
    }
    lane.environment.forEach((e, j) => {
      if (!envs.has(e)) add(['lanes', i, 'environment', j], `unknown environment ${e}`);
    });
    lane.run_by.forEach((b, j) => {
      if (!workflows.has(b.workflow))
        add(['lanes', i, 'run_by', j, 'workflow'], `unknown workflow ${b.workflow}`);
      b.environment?.forEach((e, k) => glob(['lanes', i, 'run_by', j, 'environment', k], e));
    });
  });

  // Lane ordering must be acyclic.
  const edges = new Map<string, string[]>();
  c.lanes.forEach((lane) => edges.set(lane.id, lanePredecessors(lane.trigger)));
  const cycle = findCycle(edges);
  if (cycle) {
    const at = c.lanes.findIndex((l) => l.id === cycle[0]);
    add(['lanes', Math.max(at, 0), 'trigger'], `lane ordering has a cycle: ${cycle.join(' → ')}`);
  }

  c.gates.forEach((g, i) => {
    if (!seats.has(g.owner)) add(['gates', i, 'owner'], `gate ${g.id} is owned by undefined seat ${g.owner}`);
    g.criteria.lanes.forEach((l, j) => laneRef(['gates', i, 'criteria', 'lanes', j], l));
    g.blocks.forEach((l, j) => laneRef(['gates', i, 'blocks', j], l));
    const seat = c.seats.find((s) => s.id === g.owner);
    if (seat && g.approvals > seat.members.length)
      add(
        ['gates', i, 'approvals'],
        `gate ${g.id} needs ${g.approvals} approvals but seat ${g.owner} has only ${plural(seat.members.length, 'member')}`,
      );
  });

  c.branch_policy.forEach((r, i) => {
    r.refs.forEach((ref, j) => glob(['branch_policy', i, 'refs', j], ref));
    r.lanes.forEach((l, j) => laneRef(['branch_policy', i, 'lanes', j], l));
  });

  if (c.promotion) {
    // First definition wins, as everywhere else (a duplicate id is reported on its own).
    const kindOf = new Map<string, Catalog['lanes'][number]['kind']>();
    for (const l of c.lanes) if (!kindOf.has(l.id)) kindOf.set(l.id, l.kind);
    c.promotion.flow.forEach((l, j) => {
      laneRef(['promotion', 'flow', j], l);
      const kind = kindOf.get(l);
      if (kind && kind !== 'delivery')
        add(
          ['promotion', 'flow', j],
          `promotion flow names ${kind} lane ${l}; rollback lanes belong under promotion.rollback`,
        );
    });
    c.promotion.rollback.forEach((l, j) => {
      laneRef(['promotion', 'rollback', j], l);
      const kind = kindOf.get(l);
      if (kind === 'delivery')
        add(
          ['promotion', 'rollback', j],
          `lane ${l} is not a rollback lane (set kind: rollback or rollback-drill)`,
        );
    });
  }

  c.freeze_windows.forEach((f, i) => {
    if (f.cron) cron(['freeze_windows', i, 'cron'], f.cron);
    if (f.cron && !f.duration) add(['freeze_windows', i], 'a cron freeze window needs a duration');
    if (!f.cron && !(f.from && f.until))
      add(['freeze_windows', i], 'a freeze window needs cron + duration or from + until');
    if (f.from && f.until && Date.parse(f.from) >= Date.parse(f.until))
      add(['freeze_windows', i, 'until'], 'until must be after from');
    f.lanes.forEach((l, j) => laneRef(['freeze_windows', i, 'lanes', j], l));
    f.override_seats.forEach((s, j) => {
      if (!seats.has(s)) add(['freeze_windows', i, 'override_seats', j], `unknown seat ${s}`);
    });
  });

  c.alert_routes.forEach((r, i) => {
    if (!r.url && !r.url_env) add(['alert_routes', i], 'an alert route needs url or url_env');
  });

  const seatRef = (path: (string | number)[], s: string) => {
    if (!seats.has(s)) add(path, `unknown seat ${s}`);
  };
  const workflowRef = (path: (string | number)[], w: string) => {
    if (!workflows.has(w)) add(path, `unknown workflow ${w}`);
  };
  const repos = new Set([c.repository, ...c.repositories]);

  c.lanes.forEach((lane, i) => {
    if (lane.drill_grace && lane.kind !== 'rollback-drill')
      add(['lanes', i, 'drill_grace'], `drill_grace applies only to a rollback-drill lane`);
  });
  c.workflows.forEach((w, i) => {
    if (w.repository && !repos.has(w.repository))
      add(['workflows', i, 'repository'], `repository ${w.repository} is not listed under repositories`);
  });
  if (c.phases) {
    const names = new Set<string>();
    c.phases.forEach((p, i) => {
      if (names.has(p.name)) add(['phases', i, 'name'], `duplicate phase ${p.name}`);
      names.add(p.name);
    });
    c.gates.forEach((g, i) => {
      if (!names.has(g.phase)) add(['gates', i, 'phase'], `unknown phase ${g.phase}`);
    });
  }
  c.promotion?.candidate_requires?.forEach((l, j) => laneRef(['promotion', 'candidate_requires', j], l));

  const checkNames = new Set([
    ...c.lanes.flatMap((l) => l.checks),
    ...c.gates.flatMap((g) => g.criteria.checks),
  ]);
  const declared = new Set<string>();
  c.checks.forEach((chk, i) => {
    if (declared.has(chk.name)) add(['checks', i, 'name'], `duplicate check ${chk.name}`);
    declared.add(chk.name);
    if (!checkNames.has(chk.name))
      add(['checks', i, 'name'], `check ${chk.name} is listed by no lane and no gate`);
    chk.sources.forEach((src, j) => {
      const at = ['checks', i, 'sources', j];
      if ('github' in src) {
        const g = src.github;
        if ('workflow' in g) workflowRef([...at, 'github', 'workflow'], g.workflow);
        else if (g.repository && !repos.has(g.repository))
          add([...at, 'github', 'repository'], `repository ${g.repository} is not listed under repositories`);
      } else if ('oidc' in src) {
        workflowRef([...at, 'oidc', 'workflow'], src.oidc.workflow);
        if (src.oidc.repository && !repos.has(src.oidc.repository))
          add(
            [...at, 'oidc', 'repository'],
            `repository ${src.oidc.repository} is not listed under repositories`,
          );
      } else if ('seat' in src) seatRef([...at, 'seat'], src.seat);
    });
  });

  if (c.policy) {
    const pol = c.policy;
    pol.release_seats.forEach((s, j) => seatRef(['policy', 'release_seats', j], s));
    const principals = (key: string, list: string[] | undefined) =>
      list?.forEach((p, j) => {
        if (p.startsWith('SEAT-')) seatRef(['policy', key, j], p);
      });
    principals('create_release', pol.create_release);
    principals('promote', pol.promote);
    principals('rollback', pol.rollback);
    principals('alerts', pol.alerts);
    principals('manage_tokens', pol.manage_tokens);
    principals('override_freeze', pol.override_freeze);
    principals('retry_effect', pol.retry_effect);
    pol.trigger.forEach((r, i) => {
      r.lanes.forEach((l, j) => laneRef(['policy', 'trigger', i, 'lanes', j], l));
      r.who.forEach((p, j) => {
        if (p.startsWith('SEAT-')) seatRef(['policy', 'trigger', i, 'who', j], p);
      });
      r.refs.forEach((ref, j) => glob(['policy', 'trigger', i, 'refs', j], ref));
    });
  }
  return issues;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    const s = state.get(n);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (!edges.has(m)) continue;
      const found = visit(m);
      if (found) return found;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of edges.keys()) {
    const found = visit(n);
    if (found) return found;
  }
  return undefined;
}

export function globProblem(pattern: string): string | undefined {
  if (pattern.trim() !== pattern || pattern === '') return 'empty or padded with spaces';
  try {
    picomatch.makeRe(pattern, { strictBrackets: true });
    const open = (pattern.match(/\{/g) ?? []).length;
    const close = (pattern.match(/\}/g) ?? []).length;
    if (open !== close) return 'unbalanced braces';
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export function cronProblem(expr: string): string | undefined {
  try {
    new Cron(expr, { paused: true, timezone: 'UTC' }).stop();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
