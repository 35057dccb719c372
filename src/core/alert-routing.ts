// Which of the catalog's alert routes an alert goes to: by severity and rule, when the route filters.
import type { AlertRoute, Catalog } from './catalog-model.ts';
import type { AlertRule, AlertSeverity } from './alert-model.ts';

/** Alert routes of the catalog that match an alert (by severity and rule, when the route filters). */
export function routesFor(c: Catalog, a: { rule: AlertRule; severity: AlertSeverity }): AlertRoute[] {
  return c.alert_routes.filter(
    (r) =>
      (!r.match.severity || r.match.severity.includes(a.severity)) &&
      (!r.match.rules || r.match.rules.includes(a.rule)),
  );
}
