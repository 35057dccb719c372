// Alert rules, gathered for the callers that import them from one place. Each concept has its own module:
// alert-model (intents, records), release-alerts, drill-alerts, alert-routing, alert-dedupe.
export * from './alert-model.ts';
export { releaseAlerts } from './release-alerts.ts';
export {
  DEFAULT_DRILL_GRACE_MS,
  drillAlerts,
  drillMissed,
  drillGraceMs,
  nextDrillDue,
} from './drill-alerts.ts';
export type { DrillHistory, DrillSchedule } from './drill-alerts.ts';
export { routesFor } from './alert-routing.ts';
export { applyAlertIntent } from './alert-dedupe.ts';
export { rollbackSucceededAt } from './release-outcome.ts';
