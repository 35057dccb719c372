// check_run → one evidence fact (key check_run:<id>), with the repository it was delivered for and the App
// that created it (reportedBy: check_run.app.slug). A check run names no workflow run, so runId is null; the
// details are the output title (else conclusion, else status), clipped. Whether it counts for a check is the
// catalog's decision (src/core/check-run-evidence.ts).
import type { EvidenceRecord, NormalisedFact } from '../../core/run-model.ts';
import { evidenceOutcome } from './evidence-outcome.ts';
import {
  fail,
  reqObj,
  optObj,
  optStr,
  reqStr,
  nonEmpty,
  reqId,
  optTime,
  reqSha,
  optLink,
  reqText,
  optText,
  repoOf,
  RUN_STATUSES,
  optConclusion,
  clip,
  type Obj,
} from './field-readers.ts';

export function checkRun(p: Obj): NormalisedFact[] {
  const repo = repoOf(p);
  const cr = reqObj(p, 'check_run', 'check_run');
  const status = reqStr(cr, 'status', 'check_run.status', 32);
  if (!RUN_STATUSES.some((s) => s === status)) fail(`check_run.status "${status}" is not a known status`);
  const conclusion = optConclusion(cr, 'conclusion', 'check_run.conclusion');
  const recordedAt =
    optTime(cr, 'completed_at', 'check_run.completed_at') ??
    optTime(cr, 'started_at', 'check_run.started_at');
  if (recordedAt === null) fail('check_run has no completed_at or started_at');
  const output = optObj(cr, 'output', 'check_run.output');
  const title = output === null ? null : nonEmpty(optStr(output, 'title', 'check_run.output.title', 65_535));
  const app = optObj(cr, 'app', 'check_run.app');
  const evidence: EvidenceRecord = {
    key: `check_run:${reqId(cr, 'id', 'check_run.id')}`,
    check: reqText(cr, 'name', 'check_run.name'),
    outcome: evidenceOutcome(status, conclusion),
    sha: reqSha(cr, 'head_sha', 'check_run.head_sha'),
    runId: null, // a check run does not name its workflow run
    laneId: null,
    source: 'check_run',
    url: optLink(cr, 'html_url', 'check_run.html_url'),
    details: clip(title ?? conclusion ?? status),
    recordedAt,
    reportedBy: app === null ? null : optText(app, 'slug', 'check_run.app.slug'),
  };
  return [{ kind: 'evidence', evidence, repo }];
}
