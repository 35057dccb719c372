// The catalog-from-Git alert (issue 12): a rejected lanes.yaml is one incident per file of one repository
// (key catalog_rejected:<repo>:<path>), each rejected commit one occurrence (the count grows, the routes
// are told once); a valid catalog accepted from that file resolves it. Routed like every other alert
// through the catalog's alert routes (src/core/alert-routing.ts) by the engine's applyAlerts.
import { alertKey, type RaiseIntent, type ResolveIntent } from './alert-model.ts';

export interface CatalogCommit {
  repo: string;
  path: string;
  sha: string;
}

export function catalogRejectedKey(c: { repo: string; path: string }): string {
  return alertKey('catalog_rejected', c.repo, c.path);
}

/** The alert for a commit whose catalog was rejected, naming every file:line:col error. */
export function catalogRejectedAlert(c: CatalogCommit, errors: readonly string[]): RaiseIntent {
  return {
    action: 'raise',
    key: catalogRejectedKey(c),
    rule: 'catalog_rejected',
    severity: 'critical',
    title: `${c.path} at ${c.sha.slice(0, 7)} rejected: the previous catalog stays`,
    detail: errors.join('\n'),
    occurrence: c.sha,
    subject: {},
  };
}

/** A valid catalog from that file was accepted: the rejection is over. */
export function catalogAcceptedAlert(c: CatalogCommit, versionId: number): ResolveIntent {
  return {
    action: 'resolve',
    key: catalogRejectedKey(c),
    rule: 'catalog_rejected',
    reason: `catalog version ${versionId} accepted from ${c.repo}@${c.sha.slice(0, 7)}`,
  };
}
