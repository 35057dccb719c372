// What every engine action works with: the store, the catalog, the clock and the few deployment settings
// that shape effects. Actions are plain functions of this context, so each can be read and tested alone.
import type { Catalog } from '../core/catalog-model.ts';
import type { Identity } from '../core/policy.ts';
import type { Store } from '../store/store.ts';

export interface EngineContext {
  readonly store: Store;
  /** The snapshot this action decides with (src/engine/catalog-holder.ts): fixed for its whole decision. */
  readonly catalog: Catalog;
  /** The catalog version of that snapshot, written on the action's audit entries. */
  readonly catalogVersion?: number | null;
  readonly clock: () => Date;
  /** Resolves an alert route's `url_env` to its URL (the process environment in production). */
  readonly alertRouteUrl?: (envName: string) => string | undefined;
  /** Base URL of the dashboard, linked from commit statuses. */
  readonly publicUrl?: string;
}

/** Who asked for an action. */
export interface Actor {
  /** The person behind the action: the token's person, or for a service token the person it acts for. */
  personId: string;
  label: string; // for the audit log: "alice (tok_ab12)"
  seats: string[];
  /** The API token used, when the action came through the API (keys evidence reported per token). */
  tokenId?: string;
  /** Who the policy judges (src/core/policy.ts); absent = the person with operate scope (in-process callers). */
  identity?: Identity;
  /** Set when a GitHub Actions OIDC token authenticated the call: the claims evidence is bound to. */
  workflow?: WorkflowClaims;
}

/** The verified claims of a GitHub Actions OIDC token that evidence is bound to. */
export interface WorkflowClaims {
  repository: string;
  workflowFile: string;
  ref: string;
  sha: string;
  runId: number;
  runAttempt: number;
}

export function nowIso(ctx: EngineContext): string {
  return ctx.clock().toISOString();
}

/** Small per-release engine state (freeze overrides, green-at times), kept in typed store tables. */
