// Promotion, gathered for the callers that import it from one place. Each concept has its own module:
// lane-readiness, dispatch-plan, protection-decision, release-outcome, release-evaluation, promote-plan,
// rollback-plan, effect-model.
export * from './effect-model.ts';
export * from './lane-readiness.ts';
export * from './dispatch-plan.ts';
export * from './protection-decision.ts';
export * from './release-outcome.ts';
export * from './release-evaluation.ts';
export * from './promote-plan.ts';
export * from './rollback-plan.ts';
