// The lanes.yaml schema (zod 4). The catalog model's types belong to the core (src/core/catalog-model.ts);
// the parsed output of this schema is checked against them at compile time, so the two cannot drift.
// Cross-reference rules live in validate-references.ts.
import { z } from 'zod';
import type * as Model from '../core/catalog-model.ts';

const id = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[A-Z0-9][A-Z0-9-]*$`), { message: `must look like ${prefix}-xx` });

const text = z.string().min(1);
export const durationPattern = /^(\d+)(s|m|h|d)$/;
const duration = z.string().regex(durationPattern, { message: 'must be a duration like 15m, 24h or 7d' });

export const laneIdSchema = id('PL');
export const workflowIdSchema = id('WF');
export const gateIdSchema = id('RG');
export const seatIdSchema = id('SEAT');
const repositorySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: 'must be owner/name' });
const slug = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'must be a lowercase slug' });

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
    drill_grace: duration.optional(),
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
    repository: repositorySchema.optional(),
  })
  .strict();

const gateSchema = z
  .object({
    id: gateIdSchema,
    phase: text,
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

const phaseSchema = z
  .object({
    name: text,
    event: z.enum(['pull_request', 'push', 'tag']).optional(),
    holds: text.optional(),
    after_production: z.boolean().default(false),
  })
  .strict();

// A GitHub App's slug as in its check runs (check_run.app.slug). GitHub Actions is not one: any workflow
// step may create a check run under it, so Actions jobs are named by their workflow ({ github: { workflow } }).
const appSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, { message: 'must be a GitHub App slug' })
  .refine((s) => s !== 'github-actions', {
    message: 'GitHub Actions jobs are named by their workflow: { github: { workflow: WF-xx } }',
  });

const evidenceSourceSchema = z.union([
  z
    .object({
      github: z.union([
        z.object({ workflow: workflowIdSchema, job: text.optional() }).strict(),
        z.object({ app: appSlug, repository: repositorySchema.optional() }).strict(),
      ]),
    })
    .strict(),
  z.object({ service: slug }).strict(),
  z.object({ seat: seatIdSchema }).strict(),
  z
    .object({
      oidc: z.object({ workflow: workflowIdSchema, repository: repositorySchema.optional() }).strict(),
    })
    .strict(),
]);

const checkSchema = z.object({ name: text, sources: z.array(evidenceSourceSchema).min(1) }).strict();

export const principalPattern = /^(SEAT-[A-Z0-9][A-Z0-9-]*|service:[a-z0-9][a-z0-9._-]*|owners|admin)$/;
const principal = z.string().regex(principalPattern, {
  message: 'must be a seat id, service:<name>, owners or admin',
});
const principals = z.array(principal);

const policySchema = z
  .object({
    release_seats: z.array(seatIdSchema).default([]),
    create_release: principals.optional(),
    promote: principals.optional(),
    rollback: principals.optional(),
    trigger: z
      .array(
        z
          .object({ lanes: z.array(laneIdSchema).min(1), who: principals, refs: z.array(text).default([]) })
          .strict(),
      )
      .default([]),
    alerts: principals.optional(),
    manage_tokens: principals.optional(),
    override_freeze: principals.optional(),
    retry_effect: principals.optional(),
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
    repository: repositorySchema,
    repositories: z.array(repositorySchema).default([]),
    seats: z
      .array(z.object({ id: seatIdSchema, name: text, members: z.array(slug).default([]) }).strict())
      .default([]),
    environments: z
      .array(
        z
          .object({
            id: slug,
            name: text.optional(),
            production: z.boolean().default(false),
            unsanctioned_changes: z.enum(['reject', 'alert', 'ignore']).optional(),
            enforcement: z.enum(['protection-rule', 'gate-step', 'both']).default('protection-rule'),
          })
          .strict(),
      )
      .default([]),
    workflows: z.array(workflowSchema).default([]),
    lanes: z.array(laneSchema).min(1),
    phases: z.array(phaseSchema).min(1).optional(),
    gates: z.array(gateSchema).default([]),
    branch_policy: z.array(branchRuleSchema).default([]),
    promotion: z
      .object({
        flow: z.array(laneIdSchema).min(1),
        rollback: z.array(laneIdSchema).default([]),
        text: text.optional(),
        retain: z.array(text).default([]),
        candidate_requires: z.array(laneIdSchema).optional(),
      })
      .strict()
      .optional(),
    freeze_windows: z.array(freezeSchema).default([]),
    alert_routes: z.array(alertRouteSchema).default([]),
    checks: z.array(checkSchema).default([]),
    policy: policySchema.optional(),
  })
  .strict();

export type {
  Catalog,
  Lane,
  Trigger,
  LaneBinding,
  Workflow,
  Gate,
  Seat,
  BranchRule,
  FreezeWindow,
  AlertRoute,
  Phase,
} from '../core/catalog-model.ts';

// Compile-time proof that the parser produces the core's model, and accepts nothing the model lacks.
type Parsed = z.output<typeof catalogSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const parsedIsModel: Same<Parsed, Model.Catalog> = true;
void parsedIsModel;

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
