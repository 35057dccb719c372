// Request bodies and query strings of the REST API, validated with zod at the HTTP edge and documented in
// the OpenAPI document from the same schemas. Every field here is honoured by the action it reaches:
// a field that nothing reads does not belong in a schema.
import { z } from 'zod';

const reason = z.string().trim().min(1).max(2000);
const sha = z.string().regex(/^[0-9a-f]{7,40}$/);

export const TriggerRequest = z
  .object({
    ref: z.string().min(1).max(255).optional(),
    reason: reason.optional(),
    inputs: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type TriggerRequest = z.output<typeof TriggerRequest>;

export const ApproveRequest = z
  .object({ release: z.string().optional(), comment: z.string().max(2000).optional() })
  .strict();
export type ApproveRequest = z.output<typeof ApproveRequest>;

export const CreateReleaseRequest = z
  .object({
    version: z.string().regex(/^[A-Za-z0-9._+-]{1,64}$/),
    sha,
    manifest: z.record(z.string(), z.string()).default({}),
    changeSummary: z.array(z.string().max(500)).max(500).default([]),
    includesMigrations: z.boolean().default(false),
    reason: reason.optional(),
  })
  .strict();
export type CreateReleaseRequest = z.output<typeof CreateReleaseRequest>;

export const PromoteRequest = z
  .object({ override: z.object({ reason }).strict().optional(), reason: reason.optional() })
  .strict();
export type PromoteRequest = z.output<typeof PromoteRequest>;

export const RollbackRequest = z
  .object({ reason, incident: z.string().min(1).max(200), owner: z.string().min(1).max(100) })
  .strict();
export type RollbackRequest = z.output<typeof RollbackRequest>;

export const NoteRequest = z.object({ comment: z.string().max(2000).optional() }).strict();
export type NoteRequest = z.output<typeof NoteRequest>;

export const EvidenceRequest = z
  .object({
    check: z.string().min(1).max(200),
    outcome: z.enum(['passed', 'failed', 'pending']),
    sha,
    lane: z
      .string()
      .regex(/^PL-[A-Z0-9-]+$/)
      .optional(),
    runId: z.number().int().positive().optional(),
    // Only web links are stored: a javascript: or data: URL would run in whoever clicks it.
    url: z.url({ protocol: /^https?$/, message: 'url must be an http(s) URL' }).optional(),
    details: z.string().max(10_000).optional(),
    key: z.string().min(1).max(200).optional(),
  })
  .strict();
export type EvidenceRequest = z.output<typeof EvidenceRequest>;

// Query strings arrive as text: these schemas coerce and bound them.
const limit = (fallback: number, max: number) =>
  z.coerce
    .number()
    .int()
    .min(1, `limit must be an integer 1..${max}`)
    .max(max, `limit must be an integer 1..${max}`)
    .default(fallback);

export const DetailQuery = z.object({ limit: limit(20, 200) });
export type DetailQuery = z.output<typeof DetailQuery>;

export const AlertsQuery = z.object({
  all: z.string().optional().describe('"true" or "1" includes resolved alerts'),
});
export type AlertsQuery = z.output<typeof AlertsQuery>;

export const AuditQuery = z.object({
  limit: limit(100, 1000),
  before: z
    .string()
    .regex(/^\d+$/, 'before must be an audit event id')
    .optional()
    .describe('audit event id: list the events before it'),
  objectType: z.string().optional().describe('empty means any'),
  objectId: z.string().optional().describe('empty means any'),
});
export type AuditQuery = z.output<typeof AuditQuery>;

/** `lanes reconcile`: one pass now; nothing to choose. */
export const ReconcileRequest = z.object({}).strict();
export type ReconcileRequest = z.output<typeof ReconcileRequest>;
export const DeliveriesQuery = z.object({
  status: z.enum(['pending', 'processed', 'ignored', 'failed']).optional().describe('empty means any'),
  limit: limit(100, 1000),
  before: z
    .string()
    .regex(/^\d+$/, 'before must be a delivery seq')
    .optional()
    .describe('delivery seq: list the deliveries before it'),
});
export type DeliveriesQuery = z.output<typeof DeliveriesQuery>;
/** The gate step's request; who is asking (repository, run, attempt, sha, environment) is the OIDC token. */
export const GateStepRequest = z
  .object({
    lane: z.string().regex(/^PL-[A-Z0-9-]+$/),
    waitSeconds: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(0)
      .describe('long-poll: answer as soon as the decision is final, or after this many seconds'),
  })
  .strict();
export type GateStepRequest = z.output<typeof GateStepRequest>;

export const GateStepsQuery = z.object({
  runId: z.coerce.number().int().positive().optional(),
  limit: limit(50, 500),
});
export type GateStepsQuery = z.output<typeof GateStepsQuery>;

export const EffectsQuery = z.object({
  state: z
    .enum(['pending', 'retrying', 'done', 'dead'])
    .optional()
    .describe('empty means any; retrying = pending after a failed attempt'),
  release: z.string().max(200).optional().describe('only the effects of this release id'),
  limit: limit(100, 1000),
});
export type EffectsQuery = z.output<typeof EffectsQuery>;
/** POST /api/v1/tokens (admin): a token for a person (a seat member) or a named service (CI). */
export const CreateTokenRequest = z
  .object({
    person: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/)
      .optional()
      .describe('the seat member the token acts as; with `service`, the person the service acts for'),
    service: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
      .optional()
      .describe('bind the token to a named service (CI); a service never approves a gate'),
    scope: z.enum(['read', 'operate', 'admin']),
    name: z.string().trim().min(1).max(100).default('api').describe('what the token is for'),
    expiresIn: z
      .string()
      .regex(/^([1-9]\d{0,4}[hd]|never)$/, 'expiresIn is like 12h, 30d or never')
      .default('90d'),
  })
  .strict()
  .refine((b) => b.person !== undefined || b.service !== undefined, {
    message: 'person or service is required',
  });
export type CreateTokenRequest = z.output<typeof CreateTokenRequest>;
