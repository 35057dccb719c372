// The workflow_dispatch inputs Lanes sends, in one place for both sides of the contract: the engine's
// dispatch builders (promotion, release opening, rollback) and `lanes workflows check|scaffold`, which
// tells a workflow to declare them. GitHub answers 422 to a dispatch carrying an undeclared input, so a
// name sent but not listed here would pass the check and fail at release time: the effect builder
// (src/engine/effects.ts) refuses to build such a dispatch.

/** Inputs every dispatch of a promotion lane carries (release opening sends a subset of them). `effect_id`
 * is the outbox key, so a workflow can drop the one duplicate a crash may cause (docs/release-lifecycle.md). */
export const DISPATCH_INPUTS = ['release', 'version', 'sha', 'lane', 'effect_id'] as const;
/** Inputs a rollback adds (the rollback plan, plus incident/owner/reason from the rollback request). */
export const ROLLBACK_INPUTS = [
  'target_release',
  'target_version',
  'target_sha',
  'target_manifest',
  'requested_by',
  'reason',
  'incident',
  'owner',
] as const;

/**
 * Every input name Lanes itself sets on the dispatches it sends: a free trigger may not set any of them
 * (src/core/engine-rules-actions.ts), so a dispatch cannot pose as the release flow or as another effect.
 * Derived from the two lists above: a new input Lanes sends is reserved the moment it is declared.
 */
export const LANES_INPUTS: readonly DispatchInputName[] = [...DISPATCH_INPUTS, ...ROLLBACK_INPUTS];

export type DispatchInputName = (typeof DISPATCH_INPUTS)[number] | (typeof ROLLBACK_INPUTS)[number];

const KNOWN: ReadonlySet<string> = new Set<string>([...DISPATCH_INPUTS, ...ROLLBACK_INPUTS]);

/** Input names outside the contract (empty when every name is one the workflow check asks for). */
export function undeclaredInputs(inputs: Record<string, string>): string[] {
  return Object.keys(inputs).filter((k) => !KNOWN.has(k));
}
