// Times are shown in UTC like the reference screen ("2026-03-12 09:42 UTC"), relative on hover.

import { formatUtcTime } from '../../../src/contract/time-format.ts';

export { humaniseTimes } from '../../../src/contract/time-format.ts';

export function parseTime(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2026-03-12 09:42 UTC" (the one format, shared with the CLI: src/contract/time-format.ts) */
export function formatUtc(iso: string | null | undefined, withSeconds = false): string {
  return formatUtcTime(iso, withSeconds) ?? '—';
}

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 days ago", "in 5 minutes", "now" */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  const d = parseTime(iso);
  if (!d) return '';
  const diff = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(diff);
  if (abs < 10) return 'just now';
  for (const [unit, secs] of UNITS) {
    if (abs >= secs || unit === 'second') return rtf.format(Math.trunc(diff / secs), unit);
  }
  return '';
}

/** "4m 12s" between two instants. */
export function formatDuration(fromIso: string | null | undefined, toIso: string | null | undefined): string {
  const a = parseTime(fromIso);
  const b = parseTime(toIso);
  if (!a || !b) return '—';
  let s = Math.max(0, Math.round((b.getTime() - a.getTime()) / 1000));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
export const looksLikeTime = (v: unknown): v is string => typeof v === 'string' && ISO_RE.test(v);
