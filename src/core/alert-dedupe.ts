// The pure reducer the store applies to alerts: one incident is one alert with an occurrence count; a
// repeated evaluation of the same cause changes nothing; a new occurrence reopens a resolved alert.
import type { AlertChange, AlertIntent, AlertRecord } from './alert-model.ts';
import type { Clock } from './freeze-windows.ts';
import { toMs } from './freeze-windows.ts';

/**
 * Apply one intent to the stored alert with its key (undefined when none). `notify` says whether the alert
 * routes should be told (opened, reopened, resolved); a repeated evaluation of the same cause changes nothing.
 * A raise for a resolved alert with the same occurrence stays resolved (a person resolved it, or a rollback
 * did); a new occurrence reopens it.
 */
export function applyAlertIntent(
  existing: AlertRecord | undefined,
  intent: AlertIntent,
  now: Clock,
): { record: AlertRecord | undefined; change: AlertChange; notify: boolean } {
  const at = new Date(toMs(now)).toISOString();
  if (intent.action === 'resolve') {
    if (!existing || existing.status === 'resolved')
      return { record: existing, change: 'unchanged', notify: false };
    return {
      record: { ...existing, status: 'resolved', resolvedAt: at, resolution: intent.reason },
      change: 'resolved',
      notify: true,
    };
  }
  if (!existing) {
    return {
      record: {
        key: intent.key,
        rule: intent.rule,
        severity: intent.severity,
        title: intent.title,
        detail: intent.detail,
        subject: intent.subject,
        status: 'open',
        count: 1,
        lastOccurrence: intent.occurrence,
        firstSeenAt: at,
        lastSeenAt: at,
        resolvedAt: null,
        resolution: null,
      },
      change: 'opened',
      notify: true,
    };
  }
  if (existing.lastOccurrence === intent.occurrence)
    return { record: existing, change: 'unchanged', notify: false };
  const updated: AlertRecord = {
    ...existing,
    severity: intent.severity,
    title: intent.title,
    detail: intent.detail,
    count: existing.count + 1,
    lastOccurrence: intent.occurrence,
    lastSeenAt: at,
  };
  if (existing.status === 'resolved') {
    return {
      record: { ...updated, status: 'open', resolvedAt: null, resolution: null },
      change: 'reopened',
      notify: true,
    };
  }
  return { record: updated, change: 'counted', notify: false };
}
