// Freeze windows: periods (cron + duration, or from/until) during which the listed production lanes may not
// run, unless a member of one of the window's override seats overrides it for a lane with a reason.
// Pure: the clock is a parameter. Cron expressions are evaluated in UTC with croner.
import { Cron } from 'croner';
import type { Catalog, FreezeWindow } from './catalog-model.ts';
import { durationMs } from './catalog-model.ts';
import type { FreezeOverride } from './release-model.ts';
import { iso, isSeatMember } from './release-model.ts';

export type Clock = string | number | Date;

export function toMs(t: Clock): number {
  if (typeof t === 'number') return t;
  if (t instanceof Date) return t.getTime();
  return Date.parse(t);
}

/** One occurrence of a freeze window: [start, end). */
export interface FreezeOccurrence {
  windowId: string;
  name: string;
  start: string;
  end: string;
  lanes: string[];
  overrideSeats: string[];
}

function occurrence(w: FreezeWindow, startMs: number, endMs: number): FreezeOccurrence {
  return {
    windowId: w.id,
    name: w.name ?? w.id,
    start: iso(startMs),
    end: iso(endMs),
    lanes: [...w.lanes],
    overrideSeats: [...w.override_seats],
  };
}

/** The occurrence of `w` that contains `now`, or null. */
export function freezeOccurrenceAt(w: FreezeWindow, now: Clock): FreezeOccurrence | null {
  const t = toMs(now);
  if (w.cron) {
    if (!w.duration) return null; // rejected by catalog validation; defensive
    const cron = new Cron(w.cron, { timezone: 'UTC', paused: true });
    // previousRuns is strictly before its reference: +1 ms so that a fire exactly at `now` counts.
    const prev = cron.previousRuns(1, new Date(t + 1))[0];
    if (!prev) return null;
    const start = prev.getTime();
    const end = start + durationMs(w.duration);
    return t >= start && t < end ? occurrence(w, start, end) : null;
  }
  if (w.from) {
    const start = Date.parse(w.from);
    const end = w.until ? Date.parse(w.until) : w.duration ? start + durationMs(w.duration) : start;
    return t >= start && t < end ? occurrence(w, start, end) : null;
  }
  return null;
}

/** The next occurrence of `w` starting strictly after `now` (for display and timers), or null. */
export function nextFreezeOccurrence(w: FreezeWindow, now: Clock): FreezeOccurrence | null {
  const t = toMs(now);
  if (w.cron) {
    if (!w.duration) return null;
    const next = new Cron(w.cron, { timezone: 'UTC', paused: true }).nextRun(new Date(t));
    if (!next) return null;
    return occurrence(w, next.getTime(), next.getTime() + durationMs(w.duration));
  }
  if (w.from) {
    const start = Date.parse(w.from);
    if (start <= t) return null;
    const end = w.until ? Date.parse(w.until) : w.duration ? start + durationMs(w.duration) : start;
    return occurrence(w, start, end);
  }
  return null;
}

/** All freeze occurrences active at `now` that list the lane, latest end first. */
export function activeFreezes(c: Catalog, laneId: string, now: Clock): FreezeOccurrence[] {
  return c.freeze_windows
    .filter((w) => w.lanes.includes(laneId))
    .map((w) => freezeOccurrenceAt(w, now))
    .filter((o): o is FreezeOccurrence => o !== null)
    .sort((a, b) => Date.parse(b.end) - Date.parse(a.end));
}

/** The active freeze window occurrence on a lane (the one ending last), or null. */
export function activeFreeze(c: Catalog, laneId: string, now: Clock): FreezeOccurrence | null {
  return activeFreezes(c, laneId, now)[0] ?? null;
}

/** The earliest upcoming freeze occurrence on a lane, or null. */
export function nextFreeze(c: Catalog, laneId: string, now: Clock): FreezeOccurrence | null {
  return (
    c.freeze_windows
      .filter((w) => w.lanes.includes(laneId))
      .map((w) => nextFreezeOccurrence(w, now))
      .filter((o): o is FreezeOccurrence => o !== null)
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0] ?? null
  );
}

export function mayOverride(c: Catalog, occ: FreezeOccurrence, person: string): boolean {
  return occ.overrideSeats.some((s) => isSeatMember(c, s, person));
}

/**
 * Whether an override lifts this occurrence for this lane: same lane, same window (when it names one),
 * given during the occurrence, by a member of an override seat, with a non-empty reason.
 */
export function overrideLifts(c: Catalog, occ: FreezeOccurrence, laneId: string, o: FreezeOverride): boolean {
  if (o.lane !== laneId) return false;
  if (o.window && o.window !== occ.windowId) return false;
  if (o.reason.trim() === '') return false;
  const at = Date.parse(o.at);
  if (!(at >= Date.parse(occ.start) && at < Date.parse(occ.end))) return false;
  return mayOverride(c, occ, o.by);
}

/**
 * When an override stops lifting anything: the end of the occurrence it was given in (an override never
 * carries over to the next occurrence of its window). Null when it lifts no occurrence.
 */
export function overrideExpiresAt(c: Catalog, o: FreezeOverride): string | null {
  const ends = activeFreezes(c, o.lane, o.at)
    .filter((occ) => overrideLifts(c, occ, o.lane, o))
    .map((occ) => Date.parse(occ.end));
  return ends.length > 0 ? new Date(Math.max(...ends)).toISOString() : null;
}

export type FreezeStatus =
  | { state: 'clear' }
  | { state: 'frozen'; occurrence: FreezeOccurrence }
  | { state: 'overridden'; occurrence: FreezeOccurrence; override: FreezeOverride };

/**
 * The freeze status of a lane at `now`: clear, frozen (an active occurrence without a valid override), or
 * overridden (every active occurrence lifted by a valid override; the first is reported).
 */
export function freezeStatus(
  c: Catalog,
  laneId: string,
  overrides: readonly FreezeOverride[],
  now: Clock,
): FreezeStatus {
  const active = activeFreezes(c, laneId, now);
  if (active.length === 0) return { state: 'clear' };
  let lifted: { occurrence: FreezeOccurrence; override: FreezeOverride } | null = null;
  for (const occ of active) {
    const o = overrides.find((x) => overrideLifts(c, occ, laneId, x));
    if (!o) return { state: 'frozen', occurrence: occ };
    lifted ??= { occurrence: occ, override: o };
  }
  return lifted ? { state: 'overridden', ...lifted } : { state: 'clear' };
}

export type OverrideCheck =
  | { ok: true; windows: string[] }
  | {
      ok: false;
      code: 'unknown_lane' | 'no_active_freeze' | 'not_seat_member' | 'reason_required';
      message: string;
    };

/** May `person` override the freeze on `laneId` now, with this reason? (Validation for the API.) */
export function canOverrideFreeze(
  c: Catalog,
  laneId: string,
  person: string,
  reason: string | null | undefined,
  now: Clock,
): OverrideCheck {
  if (!c.lanes.some((l) => l.id === laneId))
    return { ok: false, code: 'unknown_lane', message: `unknown lane ${laneId}` };
  const active = activeFreezes(c, laneId, now);
  if (active.length === 0) {
    return { ok: false, code: 'no_active_freeze', message: `no freeze window is active on ${laneId}` };
  }
  if (!reason || reason.trim() === '') {
    return { ok: false, code: 'reason_required', message: 'a freeze override needs a reason' };
  }
  const denied = active.filter((occ) => !mayOverride(c, occ, person));
  if (denied.length > 0) {
    const seats = [...new Set(denied.flatMap((o) => o.overrideSeats))];
    return {
      ok: false,
      code: 'not_seat_member',
      message: `${person} is not a member of ${seats.length > 0 ? seats.join(', ') : 'any override seat'} (freeze ${denied.map((d) => d.windowId).join(', ')})`,
    };
  }
  return { ok: true, windows: active.map((o) => o.windowId) };
}
