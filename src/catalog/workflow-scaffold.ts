// `lanes workflows scaffold <WF-id>`: a starting workflow file that satisfies the workflow contract for that
// catalog workflow — the triggers its bindings name, every workflow_dispatch input Lanes sends (all optional
// strings, so a hand-run dispatch works too), the jobs and GitHub environments the catalog binds, the gate
// step first in gated deploy jobs, and an evidence step that reports to Lanes with the job's OIDC token.
// Pure text generation; the test feeds the output back through checkWorkflowContract.
import type { Catalog, Lane, Workflow } from './catalog-schema.ts';
import { DISPATCH_INPUTS, ROLLBACK_INPUTS, dispatchInputsFor } from './workflow-contract.ts';

const INPUT_HELP: Record<string, string> = {
  release: 'Lanes release id',
  version: 'release version (the ref Lanes dispatches)',
  sha: 'commit the release is built from',
  lane: 'the lane Lanes is running (PL-xx)',
  effect_id: "Lanes' effect id (its outbox key), for de-duplicating a repeated dispatch",
  target_release: 'rollback: release to return to',
  target_version: 'rollback: version to return to',
  target_sha: 'rollback: commit to return to',
  target_manifest: 'rollback: JSON manifest of the target release',
  requested_by: 'rollback: who asked for it',
  reason: 'rollback: why',
  incident: 'rollback: incident reference',
  owner: 'rollback: incident owner',
  environment: 'GitHub environment to deploy to',
};

const q = (s: string) => JSON.stringify(s); // a YAML double-quoted scalar is a JSON string

interface JobPlan {
  id: string;
  environment: string | null;
  lanes: Lane[];
}

function jobPlans(wf: Workflow, bound: { lane: Lane; jobs: string[]; envs: string[] }[]): JobPlan[] {
  const plans: JobPlan[] = [];
  const get = (id: string) => plans.find((p) => p.id === id);
  for (const b of bound) {
    const names = b.jobs.length > 0 ? b.jobs : [];
    for (const name of names) {
      const p = get(name) ?? { id: name, environment: null, lanes: [] };
      if (!get(name)) plans.push(p);
      p.lanes.push(b.lane);
      p.environment ??= b.envs[0] ?? wf.environment.find((e) => !e.includes('*')) ?? null;
    }
  }
  const targeted = () => plans.map((p) => p.environment).filter((e): e is string => e !== null);
  const glob = (pattern: string, name: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(name);
  const wanted = [...new Set([...bound.flatMap((b) => b.envs), ...wf.environment])];
  const unbound = bound.filter((b) => b.jobs.length === 0).map((b) => b.lane);
  for (const env of wanted) {
    if (targeted().some((t) => glob(env, t))) continue;
    const id = `deploy-${env.replace(/\*/g, 'any').replace(/[^A-Za-z0-9_-]/g, '-')}`;
    plans.push({ id, environment: env.includes('*') ? '${{ inputs.environment }}' : env, lanes: unbound });
  }
  if (plans.length === 0)
    plans.push({ id: wf.environment.length ? 'deploy' : 'build', environment: null, lanes: unbound });
  return plans;
}

/** The workflow file text for catalog workflow `wfId`, or undefined when the catalog has no such workflow. */
export function scaffoldWorkflow(c: Catalog, wfId: string): string | undefined {
  const wf = c.workflows.find((w) => w.id === wfId);
  if (!wf) return undefined;
  const bound = c.lanes.flatMap((lane) =>
    lane.run_by
      .filter((b) => b.workflow === wf.id)
      .map((b) => ({ lane, events: b.event ?? [], jobs: b.jobs ?? [], envs: b.environment ?? [] })),
  );
  const inputs = new Set<string>(['lane']);
  for (const b of bound)
    if (b.events.length === 0 || b.events.includes('workflow_dispatch'))
      for (const i of dispatchInputsFor(c, b.lane)) inputs.add(i);
  const ordered: string[] = [...DISPATCH_INPUTS, ...ROLLBACK_INPUTS].filter((i) => inputs.has(i));
  const plans = jobPlans(wf, bound);
  if (plans.some((p) => p.environment === '${{ inputs.environment }}')) ordered.push('environment');

  const on: string[] = ['  workflow_dispatch:', '    inputs:'];
  for (const i of ordered)
    on.push(
      `      ${i}:`,
      `        description: ${q(INPUT_HELP[i] ?? i)}`,
      '        required: false',
      '        type: string',
    );
  const seen = new Set<string>();
  for (const b of bound) {
    const t = b.lane.trigger;
    const evs = b.events.length > 0 ? b.events : [];
    if (evs.length === 0) {
      if (t.on === 'push' && !seen.has('push'))
        on.push('  push:', `    branches: ${JSON.stringify(t.branches)}`);
      if (t.on === 'tag' && !seen.has('push')) on.push('  push:', `    tags: ${JSON.stringify(t.tags)}`);
      if (t.on === 'pull_request' && !seen.has('pull_request'))
        on.push('  pull_request:', ...(t.branches ? [`    branches: ${JSON.stringify(t.branches)}`] : []));
      if (t.on === 'schedule' && !seen.has('schedule')) on.push('  schedule:', `    - cron: ${q(t.cron)}`);
      seen.add(t.on === 'tag' ? 'push' : t.on);
    }
    for (const ev of evs) {
      if (ev === 'workflow_dispatch' || seen.has(ev)) continue;
      seen.add(ev);
      if (ev === 'schedule')
        on.push('  schedule:', `    - cron: ${q(t.on === 'schedule' ? t.cron : '0 6 * * 1')}`);
      else on.push(`  ${ev}:`);
    }
  }

  const gated = new Set(
    c.lanes
      .filter((l) => l.requires_approval || c.gates.some((g) => g.blocks.includes(l.id)))
      .map((l) => l.id),
  );
  const runsOn =
    wf.runner.kind === 'self-hosted'
      ? JSON.stringify(wf.runner.labels)
      : q(wf.runner.labels[0] ?? 'ubuntu-latest');
  const jobs: string[] = [];
  for (const p of plans) {
    const gatedLane = p.lanes.find((l) => gated.has(l.id));
    jobs.push(`  ${p.id}:`, `    runs-on: ${runsOn}`);
    if (p.environment) jobs.push(`    environment: ${q(p.environment)}`);
    jobs.push(
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ inputs.sha || github.sha }}',
    );
    if (gatedLane && p.environment)
      jobs.push(
        '      # Gate step: waits until Lanes allows this run (every plan; see docs/connect-github.md).',
        '      - name: Wait for Lanes',
        '        uses: ./.github/actions/lanes-gate # copy examples/actions/lanes-gate here',
        '        with:',
        `          lane: ${q(inputsLane(gatedLane))}`,
        '          lanes-url: ${{ vars.LANES_URL }}',
      );
    jobs.push(
      `      - name: ${q(`${wf.name}: your steps here`)}`,
      '        run: echo "lane=${{ inputs.lane }} version=${{ inputs.version }} sha=${{ inputs.sha || github.sha }}"',
    );
    jobs.push(
      '      # Evidence: the job proves who it is with its OIDC token (no stored secret).',
      '      - name: Report evidence to Lanes',
      '        if: always()',
      '        uses: ./.github/actions/lanes-evidence # copy examples/actions/lanes-evidence here',
      '        with:',
      '          lanes-url: ${{ vars.LANES_URL }}',
      `          check: ${q(wf.evidence ?? wf.name)}`,
      `          lane: ${q(inputsLane(p.lanes[0]))}`,
      "          outcome: ${{ job.status == 'success' && 'passed' || 'failed' }}",
    );
  }
  return [
    `# Scaffolded by \`lanes workflows scaffold ${wf.id}\` from the ${c.zone.id} catalog (${wf.name}).`,
    '# Lanes dispatches it with the inputs below; keep them declared (`lanes workflows check` verifies).',
    `name: ${q(wf.name)}`,
    'on:',
    ...on,
    'permissions:',
    '  contents: read',
    '  id-token: write # the OIDC token the gate and evidence steps present to Lanes',
    'jobs:',
    ...jobs,
    '',
  ].join('\n');
}

/** The lane id a step reports: the dispatch input when Lanes sent one, else the catalog's lane. */
function inputsLane(lane: Lane | undefined): string {
  return lane ? `\${{ inputs.lane || '${lane.id}' }}` : '${{ inputs.lane }}';
}
