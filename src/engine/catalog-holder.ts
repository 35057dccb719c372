// The one catalog a process decides with, swappable while it runs (issue 12: catalog from Git).
// Guarantees: every component (engine actions, deliveries, read model, authentication, reconcile) reads
// the catalog through one holder constructed once per process; an action takes ONE snapshot at its start
// and decides with it to the end, so a swap in the middle of an action never mixes two catalogs; a swap
// replaces catalog and version together (one assignment), so a reader never sees the catalog of one
// version with the id of another.
import type { Catalog } from '../core/catalog-model.ts';

export interface CatalogSnapshot {
  readonly catalog: Catalog;
  /** The catalog_versions row this catalog was accepted as; null when none was recorded (tests). */
  readonly version: number | null;
}

export class CatalogHolder {
  private snap: CatalogSnapshot;
  private readonly listeners = new Set<(s: CatalogSnapshot) => void>();

  constructor(catalog: Catalog, version: number | null = null) {
    this.snap = { catalog, version };
  }

  /** The snapshot to decide with: read once at the start of an action or a read. */
  current(): CatalogSnapshot {
    return this.snap;
  }

  /** Replaces the catalog atomically; listeners hear of it after the swap. */
  swap(catalog: Catalog, version: number | null): void {
    if (this.snap.catalog === catalog && this.snap.version === version) return;
    this.snap = { catalog, version };
    for (const fn of this.listeners) fn(this.snap);
  }

  onSwap(fn: (s: CatalogSnapshot) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/** Components accept either a fixed catalog (tests, offline tools) or the process's holder. */
export function holderOf(c: Catalog | CatalogHolder): CatalogHolder {
  return c instanceof CatalogHolder ? c : new CatalogHolder(c);
}
