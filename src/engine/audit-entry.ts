// The one builder of audit entries. Every decision and every person's action is audited through here, so
// each entry names its actor, action, object, reason and data the same way.
import type { AuditEvent } from '../store/store.ts';

export type AuditObject =
  | { type: 'release'; id: string }
  | { type: 'gate'; releaseId: string; gateId: string }
  | { type: 'lane'; id: string }
  | { type: 'alert'; id: number }
  | { type: 'evidence'; id: string }
  | { type: 'gate_step'; id: string }
  | { type: 'catalog'; id: number }
  | { type: 'effect'; id: number }
  | { type: 'token'; id: string };

function objectOf(o: AuditObject): { objectType: string; objectId: string } {
  if (o.type === 'gate') return { objectType: 'gate', objectId: `${o.releaseId}/${o.gateId}` };
  return { objectType: o.type, objectId: String(o.id) };
}

export function auditEntry(e: {
  at: string;
  actor: string;
  action: string;
  object: AuditObject;
  reason?: string | null;
  data?: unknown;
  /** The catalog version the decision was taken with (EngineContext.catalogVersion). */
  catalogVersion?: number | null | undefined;
}): AuditEvent {
  return {
    catalogVersion: e.catalogVersion ?? null,
    at: e.at,
    actor: e.actor,
    action: e.action,
    ...objectOf(e.object),
    reason: e.reason ?? null,
    data: e.data ?? {},
  };
}
