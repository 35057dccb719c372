// One status → tone map for every status word Lanes shows (lanes, workflows, gates, checks, releases,
// alerts, effects). The CLI colours and the dashboard badges both read it, so they cannot disagree.

export type Tone = 'good' | 'warn' | 'bad' | 'neutral' | 'info';

const TONES: Record<string, Tone> = {
  green: 'good',
  success: 'good',
  passed: 'good',
  deployed: 'good',
  done: 'good',
  resolved: 'good',
  rolled_back: 'neutral',
  superseded: 'neutral',
  idle: 'neutral',
  missing: 'neutral',
  acked: 'info',
  running: 'info',
  promoting: 'info',
  rolling_back: 'info',
  created: 'info',
  pending: 'warn',
  queued: 'warn',
  waiting: 'warn',
  open: 'bad',
  failed: 'bad',
  blocked: 'bad',
  dead: 'bad',
  rejected: 'bad',
};

export function toneOf(status: string): Tone {
  return TONES[status] ?? 'neutral';
}
