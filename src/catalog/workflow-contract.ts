// The contract between lanes.yaml and the repository's .github/workflows files, checked before GitHub
// rejects a dispatch at release time. Pure: callers hand in the catalog and the workflow files' text.
// Guarantees: every workflow the catalog names must exist; every workflow Lanes dispatches must accept
// workflow_dispatch and declare every input Lanes sends for each lane bound to it (GitHub answers 422 to an
// undeclared input) and must not require an input Lanes never sends; every job and GitHub environment a
// binding names must be in the file; optionally, every job deploying to a gate-step environment must start
// with the Lanes gate step. The input sets mirror the engine's dispatch payloads (core/promotion.ts
// dispatchEffects and planRollback, engine/release-engine.ts release opening and rollback) through the one
// list in core/dispatch-inputs.ts, which the engine's effect builder enforces.
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { Catalog, Lane, LaneBinding, Workflow } from './catalog-schema.ts';

import { DISPATCH_INPUTS, ROLLBACK_INPUTS } from '../core/dispatch-inputs.ts';

// One list for the engine and the check (src/core/dispatch-inputs.ts), re-exported for existing callers.
export { DISPATCH_INPUTS, ROLLBACK_INPUTS };
/** GitHub's limit on workflow_dispatch inputs (25 on github.com; 10 on older GitHub Enterprise Server). */
export const DEFAULT_MAX_INPUTS = 25;

export interface DispatchInput {
  required: boolean;
  hasDefault: boolean;
  type: string | null;
}

export interface WorkflowJob {
  /** The key under `jobs:`. */
  id: string;
  /** `name:` when set (what workflow_job events carry), else the key. */
  name: string;
  /** Environment names (`environment: x` or `environment: { name: x }`); expressions kept verbatim. */
  environments: string[];
  steps: { uses: string | null; run: string | null }[];
}

export interface WorkflowFile {
  /** Repository-relative path, e.g. .github/workflows/deploy.yml */
  file: string;
  events: string[];
  dispatchInputs: Map<string, DispatchInput> | null;
  jobs: WorkflowJob[];
}

export type ParsedWorkflow =
  { ok: true; workflow: WorkflowFile } | { ok: false; file: string; message: string };

export type DriftKind =
  | 'missing_workflow'
  | 'unreadable_workflow'
  | 'missing_trigger'
  | 'missing_input'
  | 'unsent_required_input'
  | 'typed_input'
  | 'too_many_inputs'
  | 'missing_job'
  | 'missing_environment'
  | 'missing_gate_step';

export interface Drift {
  kind: DriftKind;
  severity: 'error' | 'warning';
  /** Catalog workflow id (WF-xx). */
  workflow: string;
  file: string;
  lanes: string[];
  message: string;
}

const isExpression = (s: string) => s.includes('${{');

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

function obj(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Parse one workflow file (YAML 1.2 core schema, so `on:` stays a string key). */
export function parseWorkflowFile(text: string, file: string): ParsedWorkflow {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    return { ok: false, file, message: e instanceof Error ? e.message : String(e) };
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e ? lineCounter.linePos(e.pos[0]) : { line: 1, col: 1 };
    return {
      ok: false,
      file,
      message: `${pos.line}:${pos.col}: ${e?.message.split('\n')[0] ?? 'YAML error'}`,
    };
  }
  if (!isMap(doc.contents)) return { ok: false, file, message: 'not a mapping' };
  const root = obj(doc.toJS({ maxAliasCount: 100 }));
  if (!root) return { ok: false, file, message: 'not a mapping' };
  const on: unknown = root.on;
  const events: string[] = [];
  let dispatch: unknown;
  const onMap = obj(on);
  if (typeof on === 'string') {
    events.push(on);
  } else if (Array.isArray(on)) {
    for (const e of on as unknown[]) if (typeof e === 'string') events.push(e);
  } else if (onMap) {
    events.push(...Object.keys(onMap));
    dispatch = onMap.workflow_dispatch;
  }
  let dispatchInputs: Map<string, DispatchInput> | null = null;
  if (events.includes('workflow_dispatch')) {
    dispatchInputs = new Map();
    for (const [name, spec] of Object.entries(obj(obj(dispatch)?.inputs) ?? {})) {
      const s = obj(spec) ?? {};
      dispatchInputs.set(name, {
        required: s.required === true || s.required === 'true',
        hasDefault: s.default !== undefined && s.default !== null,
        type: str(s.type),
      });
    }
  }
  const jobs: WorkflowJob[] = [];
  for (const [id, spec] of Object.entries(obj(root.jobs) ?? {})) {
    const j = obj(spec) ?? {};
    const env = j.environment;
    const envName = typeof env === 'string' ? env : str(obj(env)?.name);
    const steps = (Array.isArray(j.steps) ? (j.steps as unknown[]) : []).map((s) => ({
      uses: str(obj(s)?.uses),
      run: str(obj(s)?.run),
    }));
    jobs.push({ id, name: str(j.name) ?? id, environments: envName ? [envName] : [], steps });
  }
  return { ok: true, workflow: { file, events, dispatchInputs, jobs } };
}

/** Does binding `b` let Lanes dispatch the workflow (no event filter, or one naming workflow_dispatch)? */
function dispatchable(b: LaneBinding): boolean {
  return !b.event || b.event.includes('workflow_dispatch');
}

/** Whether Lanes itself dispatches this lane (promotion, approval, hold, rollback), as the engine does. */
export function dispatchedByLanes(lane: Lane): boolean {
  return (
    lane.kind === 'rollback' ||
    lane.trigger.on === 'manual' ||
    lane.trigger.on === 'approval' ||
    lane.trigger.on === 'hold'
  );
}

/** The workflow_dispatch inputs Lanes sends when it dispatches `lane` (empty when it never does). */
export function dispatchInputsFor(c: Catalog, lane: Lane): string[] {
  if (!dispatchedByLanes(lane)) return [];
  const listed = c.promotion?.rollback ?? [];
  const rollback = lane.kind === 'rollback' && (listed.length === 0 || listed.includes(lane.id));
  return rollback ? [...DISPATCH_INPUTS, ...ROLLBACK_INPUTS] : [...DISPATCH_INPUTS];
}

/** Shell-style glob (only `*`) used by catalog environment patterns such as prod-*. */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(name);
}

/** A step that runs the Lanes gate: the composite action, or `lanes gate wait` in a run script. */
export function isGateStep(step: { uses: string | null; run: string | null }): boolean {
  return (
    (step.uses !== null && /lanes[^@]*gate/i.test(step.uses)) ||
    (step.run !== null && /\blanes\s+gate\s+wait\b/.test(step.run))
  );
}

export interface ContractOptions {
  /** GitHub environments (names or globs) whose jobs must start with the Lanes gate step (issue 16 gate-step mode). */
  gateStepEnvironments?: string[];
  maxInputs?: number;
  /** Check only the workflows of this repository (owner/name): a workflow's own, else the catalog's. */
  repository?: string;
}

/** The repository a catalog workflow lives in (multi-repository catalogs may name one per workflow). */
export function workflowRepository(c: Catalog, wf: Workflow): string {
  return 'repository' in wf && typeof wf.repository === 'string' ? wf.repository : c.repository;
}

/** Compare the catalog with the workflow files found (those missing from `files` are reported missing). */
export function checkWorkflowContract(
  c: Catalog,
  files: readonly ParsedWorkflow[],
  o: ContractOptions = {},
): Drift[] {
  const drifts: Drift[] = [];
  const byFile = new Map(files.map((f) => [f.ok ? f.workflow.file : f.file, f]));
  const gated = new Set(
    c.lanes
      .filter((l) => l.requires_approval || c.gates.some((g) => g.blocks.includes(l.id)))
      .map((l) => l.id),
  );
  for (const wf of c.workflows) {
    if (o.repository !== undefined && workflowRepository(c, wf) !== o.repository) continue;
    const bound = c.lanes.flatMap((l) =>
      l.run_by.filter((b) => b.workflow === wf.id).map((b) => ({ lane: l, b })),
    );
    const add = (kind: DriftKind, severity: Drift['severity'], lanes: string[], message: string) =>
      drifts.push({ kind, severity, workflow: wf.id, file: wf.file, lanes, message });
    const parsed = byFile.get(wf.file);
    if (!parsed) {
      add(
        'missing_workflow',
        'error',
        bound.map((x) => x.lane.id),
        `${wf.id} names ${wf.file}, which does not exist`,
      );
      continue;
    }
    if (!parsed.ok) {
      add('unreadable_workflow', 'error', [], `${wf.file}: ${parsed.message}`);
      continue;
    }
    checkOne(c, wf, parsed.workflow, bound, gated, o, add);
  }
  return drifts;
}

function checkOne(
  c: Catalog,
  wf: Workflow,
  w: WorkflowFile,
  bound: { lane: Lane; b: LaneBinding }[],
  gated: Set<string>,
  o: ContractOptions,
  add: (kind: DriftKind, severity: Drift['severity'], lanes: string[], message: string) => void,
): void {
  // Inputs: the union over every lane Lanes dispatches through this workflow.
  const sent = new Map<string, string[]>();
  for (const { lane, b } of bound) {
    if (!dispatchable(b)) continue;
    for (const input of dispatchInputsFor(c, lane)) sent.set(input, [...(sent.get(input) ?? []), lane.id]);
  }
  const dispatchLanes = [...new Set([...sent.values()].flat())];
  if (dispatchLanes.length > 0 && !w.events.includes('workflow_dispatch')) {
    add(
      'missing_trigger',
      'error',
      dispatchLanes,
      `${w.file} has no workflow_dispatch trigger; Lanes dispatches it for ${dispatchLanes.join(', ')}`,
    );
  } else if (w.dispatchInputs && dispatchLanes.length > 0) {
    for (const [input, lanes] of sent)
      if (!w.dispatchInputs.has(input))
        add(
          'missing_input',
          'error',
          [...new Set(lanes)],
          `${w.file} does not declare workflow_dispatch input "${input}" (sent for ${[...new Set(lanes)].join(', ')}); GitHub rejects the dispatch`,
        );
    for (const [input, spec] of w.dispatchInputs) {
      if (spec.required && !spec.hasDefault && !sent.has(input))
        add(
          'unsent_required_input',
          'error',
          dispatchLanes,
          `${w.file} requires input "${input}", which Lanes never sends; give it a default or make it optional`,
        );
      if (sent.has(input) && spec.type !== null && spec.type !== 'string')
        add(
          'typed_input',
          'warning',
          sent.get(input) ?? [],
          `${w.file} declares input "${input}" as ${spec.type}; Lanes sends free text (declare type: string)`,
        );
    }
    const max = o.maxInputs ?? DEFAULT_MAX_INPUTS;
    if (w.dispatchInputs.size > max)
      add(
        'too_many_inputs',
        'error',
        dispatchLanes,
        `${w.file} declares ${w.dispatchInputs.size} workflow_dispatch inputs; GitHub allows ${max}`,
      );
  }
  // Other events a binding names (schedule for a drill, push for a build lane, …).
  for (const { lane, b } of bound)
    for (const ev of b.event ?? [])
      if (!w.events.includes(ev))
        add(
          'missing_trigger',
          'error',
          [lane.id],
          `${w.file} has no "${ev}" trigger, which ${lane.id}'s binding names`,
        );
  // Jobs: by key or by display name (workflow_job events carry the name).
  for (const { lane, b } of bound)
    for (const job of b.jobs ?? [])
      if (!w.jobs.some((j) => j.id === job || j.name === job))
        add('missing_job', 'error', [lane.id], `${w.file} has no job "${job}" (bound by ${lane.id})`);
  // Environments: the workflow's and each binding's must be targeted by some job; an expression may be any.
  const literal = w.jobs.flatMap((j) => j.environments).filter((e) => !isExpression(e));
  const dynamic = w.jobs.some((j) => j.environments.some(isExpression));
  const wanted = new Map<string, string[]>();
  for (const e of wf.environment) wanted.set(e, wanted.get(e) ?? []);
  for (const { lane, b } of bound)
    for (const e of b.environment ?? []) wanted.set(e, [...(wanted.get(e) ?? []), lane.id]);
  for (const [pattern, lanes] of wanted)
    if (!dynamic && !literal.some((e) => globMatch(pattern, e)))
      add(
        'missing_environment',
        'error',
        lanes,
        `${w.file}: no job targets environment "${pattern}" (${lanes.length ? `bound by ${lanes.join(', ')}` : `declared on ${wf.id}`})`,
      );
  // Gate step (gate-step enforcement): a gated lane's jobs that deploy to such an environment start with it.
  const gateEnvs = o.gateStepEnvironments ?? [];
  if (gateEnvs.length === 0) return;
  const gatedLanes = bound.filter((x) => gated.has(x.lane.id)).map((x) => x.lane.id);
  if (gatedLanes.length === 0) return;
  for (const j of w.jobs) {
    const envs = j.environments.filter((e) => gateEnvs.some((g) => globMatch(g, e)));
    if (envs.length === 0) continue;
    // Only a checkout may precede it (a local composite action needs the repository on disk).
    const at = j.steps.findIndex((st) => isGateStep(st));
    const beforeOk =
      at >= 0 && j.steps.slice(0, at).every((st) => st.uses !== null && /^actions\/checkout@/.test(st.uses));
    if (!beforeOk)
      add(
        'missing_gate_step',
        'error',
        [...new Set(gatedLanes)],
        `${w.file}: job "${j.id}" deploys to ${envs.join(', ')} but does not run the Lanes gate step first (only a checkout may precede it) (${[...new Set(gatedLanes)].join(', ')} gated)`,
      );
  }
}
