// What every engine action works with: the store, the catalog, the clock and the few deployment settings
// that shape effects. Actions are plain functions of this context, so each can be read and tested alone.
import type { Catalog } from '../core/catalog-model.ts';
import type { Store } from '../store/store.ts';

export interface EngineContext {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock: () => Date;
  /** Resolves an alert route's `url_env` to its URL (the process environment in production). */
  readonly alertRouteUrl?: (envName: string) => string | undefined;
  /** Base URL of the dashboard, linked from commit statuses. */
  readonly publicUrl?: string;
}

/** Who asked for an action. */
export interface Actor {
  personId: string;
  label: string; // for the audit log: "alice (tok_ab12)"
  seats: string[];
  /** The API token used, when the action came through the API (keys evidence reported per token). */
  tokenId?: string;
}

export function nowIso(ctx: EngineContext): string {
  return ctx.clock().toISOString();
}

/** Small per-release engine state (freeze overrides, green-at times), kept in typed store tables. */
