// The freeze windows as screens and `lanes freezes` show them: for each window of the catalog, the
// occurrence active now (with its end) and the next one to start. Pure: the clock is a parameter.
import type { Catalog } from './catalog-model.ts';
import type { Clock } from './freeze-windows.ts';
import { freezeOccurrenceAt, nextFreezeOccurrence, toMs, type FreezeOccurrence } from './freeze-windows.ts';

export interface FreezeScheduleEntry {
  windowId: string;
  name: string;
  lanes: string[];
  overrideSeats: string[];
  /** The occurrence containing `now`, or null. */
  active: { start: string; end: string } | null;
  /** The next occurrence starting after `now` (after the active one's start), or null. */
  next: { start: string; end: string } | null;
}

const span = (o: FreezeOccurrence | null) => (o ? { start: o.start, end: o.end } : null);

export function freezeSchedule(c: Catalog, now: Clock): FreezeScheduleEntry[] {
  const t = toMs(now);
  return c.freeze_windows.map((w) => ({
    windowId: w.id,
    name: w.name ?? w.id,
    lanes: [...w.lanes],
    overrideSeats: [...w.override_seats],
    active: span(freezeOccurrenceAt(w, t)),
    next: span(nextFreezeOccurrence(w, t)),
  }));
}

/** The next occurrence of each window that holds any of `laneIds` (a release's remaining lanes). */
export function nextFreezesFor(
  c: Catalog,
  laneIds: readonly string[],
  now: Clock,
): { window: string; name: string; lanes: string[]; start: string; end: string }[] {
  const t = toMs(now);
  return c.freeze_windows.flatMap((w) => {
    const lanes = w.lanes.filter((l) => laneIds.includes(l));
    const next = lanes.length > 0 ? nextFreezeOccurrence(w, t) : null;
    return next ? [{ window: w.id, name: w.name ?? w.id, lanes, start: next.start, end: next.end }] : [];
  });
}
