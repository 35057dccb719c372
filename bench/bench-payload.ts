// A realistic ~8 KB signed workflow_run delivery for the benchmarks: GitHub's published example
// (@octokit/webhooks-examples), mapped to a catalog workflow, with the URL templates of the nested
// repository objects dropped and a multi-line commit message, so the body lands at about 8 KB.
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

export const BENCH_SECRET = 'bench-webhook-secret-0123456789';
export const TARGET_BODY_BYTES = 8 * 1024;

type Obj = Record<string, unknown>;

function stripUrlTemplates(o: Obj | undefined): void {
  if (!o) return;
  for (const k of Object.keys(o)) if (k.endsWith('_url') && k !== 'html_url') delete o[k];
  stripUrlTemplates(o.owner as Obj | undefined);
}

export interface RunFields {
  runId: number;
  status?: 'requested' | 'queued' | 'in_progress' | 'completed';
  conclusion?: string | null;
  startedAt?: string;
  updatedAt?: string;
  workflowFile?: string;
  workflowName?: string;
  branch?: string;
}

/** A workflow_run payload (object) for a catalog workflow, about TARGET_BODY_BYTES when serialised. */
export function workflowRunBody(f: RunFields): Obj {
  const ex = EXAMPLES.find((e) => e.name === 'workflow_run')?.examples[0];
  if (!ex) throw new Error('no workflow_run example in @octokit/webhooks-examples');
  const p = structuredClone(ex);
  const wr = p.workflow_run as Obj;
  stripUrlTemplates(wr.repository as Obj);
  stripUrlTemplates(wr.head_repository as Obj);
  stripUrlTemplates(p.repository as Obj);
  stripUrlTemplates(p.sender as Obj);
  const t = f.startedAt ?? '2026-03-02T10:00:00.000Z';
  const status = f.status ?? 'completed';
  const file = f.workflowFile ?? 'deploy-staging.yml';
  Object.assign(wr, {
    id: f.runId,
    name: f.workflowName ?? 'deploy-staging',
    path: `.github/workflows/${file}`,
    run_attempt: 1,
    run_number: (f.runId % 100_000) + 1,
    event: 'push',
    head_branch: f.branch ?? 'main',
    head_sha: 'c0ffee'.padEnd(40, '7'),
    status,
    conclusion: status === 'completed' ? (f.conclusion === undefined ? 'success' : f.conclusion) : null,
    run_started_at: t,
    created_at: t,
    updated_at: f.updatedAt ?? t,
    html_url: `https://github.com/nata-onl/ops/actions/runs/${f.runId}`,
  });
  (p.repository as Obj).full_name = 'nata-onl/ops';
  p.action = status === 'completed' ? 'completed' : status === 'in_progress' ? 'in_progress' : 'requested';
  // Pad (or not) with a realistic multi-line commit message to reach the target size.
  const commit = (wr.head_commit as Obj | undefined) ?? {};
  wr.head_commit = commit;
  const base = JSON.stringify(p).length;
  const lines = [
    'Deploy staging: roll the ops API and the pulse workers together',
    '',
    '- bump the worker image to the release candidate built on main',
    '- run the contract suite against staging before switching traffic',
    '- keep the previous task definition for a one-command rollback',
    'Co-authored-by: Release Bot <release-bot@users.noreply.github.com>',
  ];
  let msg = String(commit.message ?? '');
  for (let i = 0; base - String(commit.message ?? '').length + msg.length < TARGET_BODY_BYTES - 80; i++) {
    msg += `\n${lines[i % lines.length]}`;
  }
  commit.message = msg;
  return p;
}

export function sign(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
