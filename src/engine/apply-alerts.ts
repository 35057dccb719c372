// Alert intents from the core (release and drill rules) → stored alerts, audit and notifications, inside the
// caller's transaction. The core's `applyAlertIntent` decides (one incident = one live alert per key; the
// same occurrence changes nothing; a new occurrence counts; a cleared cause resolves); this module only
// writes what it decided. Notifications are outbox rows, so they are sent if and only if the alert committed.
import {
  applyAlertIntent,
  routesFor,
  type AlertIntent,
  type AlertRecord as CoreAlert,
  type AlertRule,
  type AlertSeverity,
  type AlertSubject,
} from '../core/alert-rules.ts';
import type { AlertRecord, StoreTx } from '../store/store.ts';
import { auditEntry } from './audit-entry.ts';
import type { EngineContext } from './engine-context.ts';

interface StoredAlertData {
  detail?: string;
  occurrence?: string;
  subject?: AlertSubject;
}

/** The stored alert as the core sees it (rule and severity are written from the core's own unions). */
function coreAlertOf(a: AlertRecord): CoreAlert {
  const data = (a.data ?? {}) as StoredAlertData;
  return {
    key: a.key,
    rule: a.rule as AlertRule,
    severity: a.severity as AlertSeverity,
    title: a.title,
    detail: data.detail ?? '',
    subject: data.subject ?? {},
    status: a.status,
    count: a.count,
    lastOccurrence: data.occurrence ?? '',
    firstSeenAt: a.firstAt,
    lastSeenAt: a.lastAt,
    resolvedAt: a.resolvedAt,
    resolution: null,
  };
}

/** Applies intents against the live alerts read before the transaction; true when anything was written. */
export async function applyAlerts(
  tx: StoreTx,
  ctx: EngineContext,
  intents: readonly AlertIntent[],
  live: readonly AlertRecord[],
  now: string,
  actor: string,
  /** notify: false keeps the alert off the routes (a dead notification must not notify again). */
  opts: { notify?: boolean } = {},
): Promise<boolean> {
  const notify = opts.notify ?? true;
  let touched = false;
  for (const intent of intents) {
    const existing = live.find((a) => a.key === intent.key);
    const decision = applyAlertIntent(existing ? coreAlertOf(existing) : undefined, intent, now);
    if (decision.change === 'unchanged') continue;
    if (intent.action === 'resolve') {
      if (!existing) continue;
      const resolved = await tx.resolveAlert(existing.id, 'system', now);
      if (!resolved) continue;
      touched = true;
      await tx.appendAudit(
        auditEntry({
          catalogVersion: ctx.catalogVersion,
          at: now,
          actor,
          action: 'alert.auto_resolved',
          object: { type: 'alert', id: existing.id },
          reason: intent.reason,
          data: { key: intent.key },
        }),
      );
      await tx.appendChange('alert', { id: existing.id, status: 'resolved' }, now);
      const rule = coreAlertOf(existing);
      if (notify)
        await notifyRoutes(tx, ctx, {
          rule: rule.rule,
          severity: rule.severity,
          title: `resolved: ${existing.title}`,
          detail: intent.reason,
          key: `${intent.key}:resolved:${existing.id}`,
          now,
        });
      continue;
    }
    const { alert, created, repeated } = await tx.raiseAlert({
      key: intent.key,
      rule: intent.rule,
      severity: intent.severity,
      title: intent.title,
      at: now,
      data: { detail: intent.detail, occurrence: intent.occurrence, subject: intent.subject },
      occurrence: intent.occurrence,
    });
    if (!created && !repeated) continue; // another evaluation already counted this occurrence
    touched = true;
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor,
        action: created ? 'alert.raised' : 'alert.repeated',
        object: { type: 'alert', id: alert.id },
        reason: intent.detail,
        data: { key: intent.key, count: alert.count },
      }),
    );
    await tx.appendChange('alert', { id: alert.id, status: alert.status, count: alert.count }, now);
    // The store is the judge of "new" under concurrent evaluations: notify only the row it created.
    if (created && decision.notify && notify)
      await notifyRoutes(tx, ctx, {
        rule: intent.rule,
        severity: intent.severity,
        title: intent.title,
        detail: intent.detail,
        key: `${intent.key}:raised:${alert.id}`,
        now,
      });
  }
  return touched;
}

async function notifyRoutes(
  tx: StoreTx,
  ctx: EngineContext,
  n: { rule: AlertRule; severity: AlertSeverity; title: string; detail: string; key: string; now: string },
): Promise<void> {
  for (const route of routesFor(ctx.catalog, n)) {
    const url = route.url ?? (route.url_env ? ctx.alertRouteUrl?.(route.url_env) : undefined);
    if (!url) continue;
    const icon =
      n.severity === 'critical'
        ? ':rotating_light:'
        : n.severity === 'warning'
          ? ':warning:'
          : ':information_source:';
    await tx.enqueue({
      key: `notify:${route.id}:${n.key}`,
      kind: 'alert.notify',
      runAt: n.now,
      payload: {
        url,
        payload: {
          text: `${icon} [${ctx.catalog.zone.name}] ${n.title}`,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${n.title}*\n${n.detail}` } }],
        },
      },
    });
  }
}
