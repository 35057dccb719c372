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
