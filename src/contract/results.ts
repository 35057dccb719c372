// Response shapes that are not views of the catalog: list envelopes, action results, the audit log,
// health. Zod schemas with their inferred types, like src/contract/views.ts.
import { z } from 'zod';
import { REFUSAL_STATUS, type RefusalCode } from './refusal.ts';
import { AlertView, GateView, LaneView, ReleaseView, WorkflowView } from './views.ts';
import { CatalogVersionView } from './views.ts';
import { GateStepView } from './views.ts';
import { EffectView } from './views.ts';

export const LaneList = z.object({ lanes: z.array(LaneView) });
export type LaneList = z.infer<typeof LaneList>;
export const WorkflowList = z.object({ workflows: z.array(WorkflowView) });
export type WorkflowList = z.infer<typeof WorkflowList>;
export const GateList = z.object({ gates: z.array(GateView) });
export type GateList = z.infer<typeof GateList>;
export const ReleaseList = z.object({ releases: z.array(ReleaseView) });
export type ReleaseList = z.infer<typeof ReleaseList>;
export const AlertList = z.object({ alerts: z.array(AlertView) });
export type AlertList = z.infer<typeof AlertList>;

export const TriggerResult = z.object({
  lane: z.string(),
  dispatches: z.array(z.string()).describe('outbox keys of the queued workflow dispatches'),
});
export type TriggerResult = z.infer<typeof TriggerResult>;

export const EvidenceResult = z.object({
  key: z.string(),
  status: z.enum(['recorded', 'unchanged']),
});
export type EvidenceResult = z.infer<typeof EvidenceResult>;

export const AuditEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string().describe("person id, 'token:<id>', 'github:<delivery guid>', 'system'"),
  action: z.string().describe('e.g. run.updated, gate.approved, gate.approval_refused'),
  objectType: z.string(),
  objectId: z.string(),
  reason: z.string().nullable(),
  data: z.unknown(),
  catalogVersion: z
    .number()
    .int()
    .nullable()
    .optional()
    .describe('the catalog version (GET /api/v1/catalog/versions) the decision was taken with'),
});
export type AuditEvent = z.infer<typeof AuditEvent>;
export const AuditList = z.object({ events: z.array(AuditEvent) });
export type AuditList = z.infer<typeof AuditList>;

export const Health = z.object({ status: z.literal('ok') });
export const Readiness = z.object({
  ready: z.boolean(),
  store: z.string(),
  error: z.string().optional(),
});
export type Readiness = z.infer<typeof Readiness>;

export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(REFUSAL_STATUS) as [RefusalCode, ...RefusalCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }),
});

export const CatalogVersionList = z.object({
  versions: z.array(CatalogVersionView),
  active: CatalogVersionView.nullable().describe('the version every decision uses now'),
  latestRejected: CatalogVersionView.nullable().describe(
    'the newest rejected version (catalog from Git), with its file:line:col errors; null when none was',
  ),
  rejectedSinceActive: z
    .boolean()
    .describe('the newest rejected version came after the active one: the file in Git is invalid now'),
});
export type CatalogVersionList = z.infer<typeof CatalogVersionList>;
export const GateStepList = z.object({ gateSteps: z.array(GateStepView) });
export type GateStepList = z.infer<typeof GateStepList>;

export const EffectList = z.object({ effects: z.array(EffectView) });
export type EffectList = z.infer<typeof EffectList>;
/** An API token as listed: never its secret nor its hash. */
export const TokenView = z.object({
  id: z.string().describe('tok_…'),
  name: z.string(),
  person: z.string().nullable().describe('the person it acts as (a service: the person it acts for)'),
  service: z.string().nullable(),
  scope: z.enum(['read', 'operate', 'admin']),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenView = z.infer<typeof TokenView>;
export const TokenList = z.object({ tokens: z.array(TokenView) });
export type TokenList = z.infer<typeof TokenList>;
export const CreatedToken = TokenView.extend({
  token: z.string().describe('the secret: shown once, only its hash is stored'),
});
export type CreatedToken = z.infer<typeof CreatedToken>;
