// A status is always a word plus a colour (dot + tint), never colour alone.

export type Tone = 'ok' | 'info' | 'warn' | 'bad' | 'neutral';

const TONES: Record<string, Tone> = {
  green: 'ok',
  success: 'ok',
  passed: 'ok',
  completed: 'ok',
  resolved: 'ok',
  approved: 'ok',
  promoted: 'ok',
  released: 'ok',
  done: 'ok',
  healthy: 'ok',
  live: 'ok',
  running: 'info',
  in_progress: 'info',
  promoting: 'info',
  deploying: 'info',
  acked: 'info',
  acknowledged: 'info',
  info: 'info',
  pending: 'warn',
  queued: 'warn',
  waiting: 'warn',
  requested: 'warn',
  candidate: 'warn',
  warning: 'warn',
  action_required: 'warn',
  failed: 'bad',
  failure: 'bad',
  blocked: 'bad',
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
};

export function toneOf(status: string | null | undefined): Tone {
  if (!status) return 'neutral';
  return TONES[status.toLowerCase().replace(/[\s-]+/g, '_')] ?? 'neutral';
}

export function StatusPill({
  status,
  testId,
  small,
}: {
  status: string | null | undefined;
  testId?: string;
  small?: boolean;
}) {
  const word = status ?? 'unknown';
  const tone = toneOf(word);
  return (
    <span className={`pill tone-${tone}${small ? ' pill-sm' : ''}`} data-testid={testId} data-status={word}>
      <span className="dot" aria-hidden="true" />
      {word}
    </span>
  );
}
