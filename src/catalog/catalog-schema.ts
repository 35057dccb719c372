// The lanes.yaml schema (zod 4). Types of the catalog model are inferred from it; the core imports
// them as types only. Cross-reference rules live in validate-references.ts.
import { z } from 'zod';

const id = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[A-Z0-9][A-Z0-9-]*$`), { message: `must look like ${prefix}-xx` });

const text = z.string().min(1);
export const durationPattern = /^(\d+)(s|m|h|d)$/;
const duration = z.string().regex(durationPattern, { message: 'must be a duration like 15m, 24h or 7d' });

export const laneIdSchema = id('PL');
export const workflowIdSchema = id('WF');
export const gateIdSchema = id('RG');
export const seatIdSchema = id('SEAT');
const slug = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'must be a lowercase slug' });

export const phases = ['PR', 'Staging', 'Pre-Prod', 'Post-Prod 15m', 'Post-Prod 24h'] as const;
export const runnerKinds = ['github-hosted', 'self-hosted'] as const;
export const laneKinds = ['delivery', 'rollback', 'rollback-drill'] as const;

const prTypes = z.enum(['opened', 'synchronize', 'reopened', 'ready_for_review', 'closed', 'labeled']);

const triggerSchema = z.discriminatedUnion('on', [
  z
    .object({
      on: z.literal('pull_request'),
      types: z.array(prTypes).optional(),
      branches: z.array(text).min(1).optional(),
      paths: z.array(text).min(1).optional(),
      text: text.optional(),
    })
    .strict(),
  z
    .object({
      on: z.literal('push'),
      branches: z.array(text).min(1),
      paths: z.array(text).min(1).optional(),
      text: text.optional(),
    })
    .strict(),
  z.object({ on: z.literal('tag'), tags: z.array(text).min(1), text: text.optional() }).strict(),
  z.object({ on: z.literal('schedule'), cron: text, text: text.optional() }).strict(),
  z
    .object({ on: z.literal('manual'), after: z.array(laneIdSchema).optional(), text: text.optional() })
    .strict(),
  z.object({ on: z.literal('after'), lane: laneIdSchema, text: text.optional() }).strict(),
  z
    .object({ on: z.literal('approval'), after: z.array(laneIdSchema).min(1), text: text.optional() })
    .strict(),
  z.object({ on: z.literal('hold'), lane: laneIdSchema, hold: duration, text: text.optional() }).strict(),
]);

const bindingSchema = z
  .object({
    workflow: workflowIdSchema,
    jobs: z.array(text).min(1).optional(),
    environment: z.array(text).min(1).optional(),
    event: z.array(text).min(1).optional(),
  })
  .strict();

const laneSchema = z
  .object({
    id: laneIdSchema,
    name: text,
    kind: z.enum(laneKinds).default('delivery'),
    trigger: triggerSchema,
    requires_approval: z.boolean().default(false),
    when: z.object({ migrations: z.boolean() }).strict().optional(),
    environment: z.array(slug).default([]),
    checks: z.array(text).default([]),
    run_by: z.array(bindingSchema).default([]),
  })
  .strict();

const workflowSchema = z
  .object({
    id: workflowIdSchema,
    name: text,
    file: z.string().regex(/^\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml$/, {
      message: 'must be a file under .github/workflows/',
    }),
    runner: z.object({ kind: z.enum(runnerKinds), labels: z.array(text).default([]) }).strict(),
    environment: z.array(text).default([]),
    evidence: text.optional(),
  })
  .strict();

const gateSchema = z
  .object({
    id: gateIdSchema,
    phase: z.enum(phases),
    owner: seatIdSchema,
    name: text.optional(),
    criteria: z
      .object({ lanes: z.array(laneIdSchema).default([]), checks: z.array(text).default([]) })
      .strict()
      .default({ lanes: [], checks: [] }),
    approvals: z.number().int().min(0).max(10).default(0),
    self_approval: z.boolean().default(false),
    window: duration.optional(),
    blocks: z.array(laneIdSchema).default([]),
    optional_when_lanes_skipped: z.boolean().default(false),
  })
  .strict();

const branchRuleSchema = z
  .object({
    id: slug,
    title: text,
    text: text.optional(),
    event: z.enum(['pull_request', 'push', 'tag']),
    refs: z.array(text).min(1),
    lanes: z.array(laneIdSchema).min(1),
  })
  .strict();

const freezeSchema = z
  .object({
    id: slug,
    name: text.optional(),
    cron: text.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    duration: duration.optional(),
    lanes: z.array(laneIdSchema).min(1),
    override_seats: z.array(seatIdSchema).default([]),
  })
  .strict();

const alertRouteSchema = z
  .object({
    id: slug,
    url: z.url().optional(),
    url_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
    match: z
      .object({
        severity: z.array(z.enum(['critical', 'warning', 'info'])).optional(),
        rules: z.array(text).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export const catalogSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    zone: z
      .object({
        id: slug,
        name: text,
        title: text,
        breadcrumbs: z.array(text).default([]),
        branch_policy_note: text.optional(),
        promotion_note: text.optional(),
        workflows_note: text.optional(),
        gates_note: text.optional(),
      })
      .strict(),
    repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: 'must be owner/name' }),
    seats: z
      .array(z.object({ id: seatIdSchema, name: text, members: z.array(slug).default([]) }).strict())
      .default([]),
    environments: z
      .array(z.object({ id: slug, name: text.optional(), production: z.boolean().default(false) }).strict())
      .default([]),
    workflows: z.array(workflowSchema).default([]),
    lanes: z.array(laneSchema).min(1),
    gates: z.array(gateSchema).default([]),
    branch_policy: z.array(branchRuleSchema).default([]),
    promotion: z
      .object({
        flow: z.array(laneIdSchema).min(1),
        rollback: z.array(laneIdSchema).default([]),
        text: text.optional(),
        retain: z.array(text).default([]),
      })
      .strict()
      .optional(),
    freeze_windows: z.array(freezeSchema).default([]),
    alert_routes: z.array(alertRouteSchema).default([]),
  })
  .strict();

export type Catalog = z.output<typeof catalogSchema>;
export type Lane = Catalog['lanes'][number];
export type Trigger = Lane['trigger'];
export type LaneBinding = Lane['run_by'][number];
export type Workflow = Catalog['workflows'][number];
export type Gate = Catalog['gates'][number];
export type Seat = Catalog['seats'][number];
export type BranchRule = Catalog['branch_policy'][number];
export type FreezeWindow = Catalog['freeze_windows'][number];
export type AlertRoute = Catalog['alert_routes'][number];
export type Phase = (typeof phases)[number];

/** JSON Schema (draft 2020-12) for editors, e.g. yaml-language-server. */
export function catalogJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(catalogSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: 'Lanes catalog (lanes.yaml)',
    $id: 'https://lanes.dev/schema/lanes.schema.json',
  };
}
