// workflow_job → a job fact and the job's evidence (key job:<id>, outcome from ./evidence-outcome.ts). When
// the payload has a top-level deployment, its environment travels with the job fact.
import type { EvidenceRecord, JobRecord, NormalisedFact } from '../../core/run-model.ts';
import { evidenceOutcome } from './evidence-outcome.ts';
import {
  MAX_TEXT,
  own,
  fail,
  reqObj,
  optObj,
  optStr,
  nonEmpty,
  optId,
  reqId,
  optTime,
  reqSha,
  optLink,
  reqText,
  optText,
  repoOf,
  reqStatus,
  optConclusion,
  type Obj,
} from './field-readers.ts';

export function workflowJob(p: Obj): NormalisedFact[] {
  const repo = repoOf(p);
  const wj = reqObj(p, 'workflow_job', 'workflow_job');
  const startedAt = optTime(wj, 'started_at', 'workflow_job.started_at');
  const completedAt = optTime(wj, 'completed_at', 'workflow_job.completed_at');
  const createdAt = optTime(wj, 'created_at', 'workflow_job.created_at');
  const updatedAt = completedAt ?? startedAt ?? createdAt;
  if (updatedAt === null) fail('workflow_job has no completed_at, started_at or created_at');
  const labelsRaw = own(wj, 'labels');
  if (labelsRaw !== undefined && labelsRaw !== null && !Array.isArray(labelsRaw))
    fail('workflow_job.labels is not a list');
  const labels = Array.isArray(labelsRaw)
    ? labelsRaw
        .slice(0, 100)
        .filter((l): l is string => typeof l === 'string' && l.length > 0 && l.length <= MAX_TEXT)
    : [];
  const job: JobRecord = {
    jobId: reqId(wj, 'id', 'workflow_job.id'),
    runId: reqId(wj, 'run_id', 'workflow_job.run_id'),
    runAttempt: optId(wj, 'run_attempt', 'workflow_job.run_attempt') ?? 1,
    name: reqText(wj, 'name', 'workflow_job.name'),
    status: reqStatus(wj, 'status', 'workflow_job.status'),
    conclusion: optConclusion(wj, 'conclusion', 'workflow_job.conclusion'),
    startedAt,
    completedAt,
    htmlUrl: optLink(wj, 'html_url', 'workflow_job.html_url'),
    labels,
    runnerName: optText(wj, 'runner_name', 'workflow_job.runner_name'),
    updatedAt,
  };
  const headSha = reqSha(wj, 'head_sha', 'workflow_job.head_sha');
  const deployment = optObj(p, 'deployment', 'deployment');
  const environment =
    deployment === null ? null : optText(deployment, 'environment', 'deployment.environment');
  const outcome = evidenceOutcome(job.status, job.conclusion);
  const evidence: EvidenceRecord = {
    key: `job:${job.jobId}`,
    check: job.name,
    outcome,
    sha: headSha,
    runId: job.runId,
    laneId: null,
    source: 'job',
    url: job.htmlUrl,
    details: job.conclusion ?? job.status,
    recordedAt: updatedAt,
    reportedBy: null,
  };
  return [
    {
      kind: 'job',
      job,
      repo,
      workflowName: nonEmpty(optStr(wj, 'workflow_name', 'workflow_job.workflow_name')),
      environment,
    },
    { kind: 'evidence', evidence },
  ];
}
