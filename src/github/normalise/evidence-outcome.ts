// GitHub's status + conclusion of a job or check run → the evidence outcome a gate reads. Not completed →
// pending; success or neutral → passed (GitHub lets neutral satisfy required checks); failure, cancelled,
// timed_out, action_required, startup_failure, stale → failed; skipped → pending: a skipped job did not run,
// so it is no proof that the check passed (it would let a gate pass on nothing), and it did not fail either
// (conditional jobs are skipped on purpose). A completed job without a conclusion → pending.
import type { EvidenceOutcome, GhConclusion } from '../../core/run-model.ts';

export function evidenceOutcome(status: string, conclusion: GhConclusion | null): EvidenceOutcome {
  if (status !== 'completed' || conclusion === null) return 'pending';
  switch (conclusion) {
    case 'success':
    case 'neutral':
      return 'passed';
    case 'failure':
    case 'cancelled':
    case 'timed_out':
    case 'action_required':
    case 'startup_failure':
    case 'stale':
      return 'failed';
    case 'skipped':
      return 'pending';
  }
}
