// The overview's four cards, derived from lane definitions only.
import type { Catalog, Lane } from './catalog-model.ts';

export interface CatalogSummary {
  automated: number;
  manual: number;
  prod: number;
  rollback: number;
}

export function isAutomated(lane: Lane): boolean {
  return lane.trigger.on !== 'manual';
}

export function isManual(lane: Lane): boolean {
  return lane.trigger.on === 'manual' || lane.requires_approval;
}

export function touchesProduction(c: Catalog, lane: Lane): boolean {
  return lane.environment.some((e) => c.environments.find((x) => x.id === e)?.production === true);
}

export function isRollback(lane: Lane): boolean {
  return lane.kind === 'rollback' || lane.kind === 'rollback-drill';
}

export function summarizeCatalog(c: Catalog): CatalogSummary {
  const count = (p: (l: Lane) => boolean) => c.lanes.filter(p).length;
  return {
    automated: count(isAutomated),
    manual: count(isManual),
    prod: count((l) => touchesProduction(c, l)),
    rollback: count(isRollback),
  };
}
