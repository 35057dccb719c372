// Alert intents and records: what a rule says (raise with a dedupe key and an occurrence id, or resolve
// because the cause cleared) and what the store keeps (one incident = one record with a count).
export type AlertRule =
  | 'lane_failed'
  | 'gate_blocked'
  | 'hold_broken'
  | 'drill_failed'
  | 'drill_missed'
  | 'unsanctioned_change'
  | 'effect_dead'
  | 'catalog_rejected';
export type AlertSeverity = 'critical' | 'warning' | 'info';

export interface AlertSubject {
  releaseId?: string;
  laneId?: string;
  gateId?: string;
}

export interface RaiseIntent {
  action: 'raise';
  /** Dedupe key: one incident = one key (e.g. lane_failed:<release>:<lane>, drill_missed:<lane>). */
  key: string;
  rule: AlertRule;
  severity: AlertSeverity;
  title: string;
  detail: string;
  /**
   * Identity of this occurrence of the cause (e.g. run:123:1, or the missed cron fire). Re-evaluating the same
   * situation yields the same occurrence; a new failing run yields a new one (the alert's count goes up).
   */
  occurrence: string;
  subject: AlertSubject;
}

export interface ResolveIntent {
  action: 'resolve';
  key: string;
  rule: AlertRule;
  reason: string;
}

export type AlertIntent = RaiseIntent | ResolveIntent;

export function alertKey(rule: AlertRule, ...parts: string[]): string {
  return [rule, ...parts].join(':');
}

// ------------------------------------------------------------------------------------------ dedupe

export type AlertStatus = 'open' | 'acked' | 'resolved';

export interface AlertRecord {
  key: string;
  rule: AlertRule;
  severity: AlertSeverity;
  title: string;
  detail: string;
  subject: AlertSubject;
  status: AlertStatus;
  /** Occurrences of the cause folded into this alert. */
  count: number;
  lastOccurrence: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  resolution: string | null;
}

export type AlertChange = 'opened' | 'counted' | 'reopened' | 'resolved' | 'unchanged';
