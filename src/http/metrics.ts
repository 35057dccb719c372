// Prometheus text-format metrics: counters kept in process, inbox gauges read from the store per scrape.
import type { Store } from '../store/store.ts';
import type { MiddlewareHandler } from 'hono';

/** One sample per reason; rows ignored before reasons were kept count as "unknown". */
function ignoredLines(counts: { reason: string | null; count: number }[]): string[] {
  const by = new Map<string, number>();
  for (const c of counts) by.set(c.reason ?? 'unknown', (by.get(c.reason ?? 'unknown') ?? 0) + c.count);
  if (by.size === 0) return ['lanes_deliveries_ignored_total 0'];
  return [...by].map(([reason, n]) => `lanes_deliveries_ignored_total${labelText({ reason })} ${n}`);
}

export class Metrics {
  readonly counters = new Map<string, number>();

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    const key = `${name}${labelText(labels)}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  async render(store: Store, now: Date): Promise<string> {
    const lines: string[] = [];
    const help: Record<string, string> = {
      lanes_webhook_deliveries_received_total: 'Signed webhook deliveries stored (202).',
      lanes_webhook_deliveries_duplicate_total:
        'Deliveries answered 200 because the GUID was already stored.',
      lanes_webhook_deliveries_rejected_total: 'Deliveries rejected before storing, by reason.',
      lanes_http_requests_total: 'HTTP requests by route group and status class.',
    };
    const byName = new Map<string, string[]>();
    for (const [key, v] of this.counters) {
      const name = key.split('{')[0] ?? key;
      byName.set(name, [...(byName.get(name) ?? []), `${key} ${v}`]);
    }
    for (const name of Object.keys(help)) {
      lines.push(
        `# HELP ${name} ${help[name]}`,
        `# TYPE ${name} counter`,
        ...(byName.get(name) ?? [`${name} 0`]),
      );
    }
    // Read before this scrape's own queries (they show in the next scrape).
    lines.push(
      '# HELP lanes_store_queries_total Statements this process sent to the database (round trips, BEGIN and COMMIT included).',
      '# TYPE lanes_store_queries_total counter',
      `lanes_store_queries_total${labelText({ store: store.dialect })} ${store.queryCount()}`,
    );
    try {
      const s = await store.inboxStats();
      const lag = s.oldestPendingAt ? Math.max(0, (now.getTime() - Date.parse(s.oldestPendingAt)) / 1000) : 0;
      lines.push(
        '# HELP lanes_inbox_deliveries Deliveries in the durable inbox by status.',
        '# TYPE lanes_inbox_deliveries gauge',
        `lanes_inbox_deliveries{status="pending"} ${s.pending}`,
        `lanes_inbox_deliveries{status="processed"} ${s.processed}`,
        `lanes_inbox_deliveries{status="ignored"} ${s.ignored}`,
        `lanes_inbox_deliveries{status="failed"} ${s.failed}`,
        '# HELP lanes_deliveries_processed_total Deliveries processed (applied or ignored) since the inbox began.',
        '# TYPE lanes_deliveries_processed_total counter',
        `lanes_deliveries_processed_total ${s.processed + s.ignored}`,
        '# HELP lanes_deliveries_ignored_total Deliveries stored but ignored (changed nothing), by reason code.',
        '# TYPE lanes_deliveries_ignored_total counter',
        ...ignoredLines(await store.ignoredDeliveryCounts()),
        '# HELP lanes_inbox_lag_seconds Age of the oldest unprocessed delivery.',
        '# TYPE lanes_inbox_lag_seconds gauge',
        `lanes_inbox_lag_seconds ${lag.toFixed(3)}`,
        '# HELP lanes_store_up 1 when the store answered this scrape.',
        '# TYPE lanes_store_up gauge',
        'lanes_store_up 1',
      );
      // Kept in the store (every replica's passes add up), so any replica's scrape shows the totals.
      const progress = await store.listReconcileProgress();
      lines.push(
        '# HELP lanes_reconcile_gaps_found_total Gaps the reconcile loop found, by source.',
        '# TYPE lanes_reconcile_gaps_found_total counter',
        ...progress.map(
          (p) => `lanes_reconcile_gaps_found_total${labelText({ source: p.source })} ${p.found}`,
        ),
        '# HELP lanes_reconcile_gaps_filled_total Gaps filled (redeliveries requested, runs and jobs fed to the inbox), by source.',
        '# TYPE lanes_reconcile_gaps_filled_total counter',
        ...progress.map(
          (p) => `lanes_reconcile_gaps_filled_total${labelText({ source: p.source })} ${p.filled}`,
        ),
      );
      lines.push(...effectLines(await store.outboxStats()));
    } catch {
      lines.push(
        '# HELP lanes_store_up 1 when the store answered this scrape.',
        '# TYPE lanes_store_up gauge',
        'lanes_store_up 0',
      );
    }
    return `${lines.join('\n')}\n`;
  }
}

/** Outbox effects by stored state, and every death (kept in the store, so a retry does not lower it). */
function effectLines(s: { byStatus: Record<string, number>; deaths: number }): string[] {
  return [
    '# HELP lanes_effects Outbox effects (dispatches, protection answers, statuses, notifications) by state.',
    '# TYPE lanes_effects gauge',
    ...['pending', 'done', 'dead'].map(
      (st) => `lanes_effects${labelText({ state: st })} ${s.byStatus[st] ?? 0}`,
    ),
    '# HELP lanes_effects_dead_total Effects that went dead (no more automatic attempts), counting each death.',
    '# TYPE lanes_effects_dead_total counter',
    `lanes_effects_dead_total ${s.deaths}`,
  ];
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}

/** Counts every HTTP request by route group (api, webhook, other) and status class. */
export function countRequests(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const group = c.req.path.startsWith('/api/')
      ? 'api'
      : c.req.path.startsWith('/webhooks/')
        ? 'webhook'
        : 'other';
    metrics.inc('lanes_http_requests_total', { group, code: `${Math.floor(c.res.status / 100)}xx` });
  };
}
