// One status → tone map for every status word Lanes shows (lanes, workflows, runs, gates, checks,
// releases, alerts, effects). The CLI colours (src/cli/format-table.ts) and the dashboard's pills
// (web/src/components/status-pill.tsx, CSS classes `tone-<tone>`) both read it, so they cannot disagree.

export type Tone = 'ok' | 'info' | 'warn' | 'bad' | 'neutral';

const TONES: Record<string, Tone> = {
  green: 'ok',
  success: 'ok',
  passed: 'ok',
  completed: 'ok',
  deployed: 'ok',
  resolved: 'ok',
  approved: 'ok',
  promoted: 'ok',
  released: 'ok',
  recorded: 'ok',
  done: 'ok',
  healthy: 'ok',
  live: 'ok',
  running: 'info',
  in_progress: 'info',
  promoting: 'info',
  rolling_back: 'info',
  deploying: 'info',
  created: 'info',
  acked: 'info',
  acknowledged: 'info',
  info: 'info',
  pending: 'warn',
  retrying: 'warn',
  queued: 'warn',
  waiting: 'warn',
  requested: 'warn',
  candidate: 'warn',
  warning: 'warn',
  action_required: 'warn',
  failed: 'bad',
  failure: 'bad',
  blocked: 'bad',
  dead: 'bad',
  rejected: 'bad',
  error: 'bad',
  critical: 'bad',
  open: 'bad',
  timed_out: 'bad',
  startup_failure: 'bad',
  rolled_back: 'bad',
  idle: 'neutral',
  missing: 'neutral',
  skipped: 'neutral',
  neutral: 'neutral',
  cancelled: 'neutral',
  stale: 'neutral',
  superseded: 'neutral',
  ok: 'ok',
  missed: 'bad',
  frozen: 'warn',
};

/** The tone of a status word; case, spaces and dashes do not matter; unknown words are neutral. */
export function toneOf(status: string | null | undefined): Tone {
  if (!status) return 'neutral';
  return TONES[status.toLowerCase().replace(/[\s-]+/g, '_')] ?? 'neutral';
}
