// Request bodies, validated with zod at the edge (and documented in the OpenAPI file from the same schemas).
import { z } from 'zod';

const reason = z.string().trim().min(1).max(2000);

export const requestSchemas = {
  trigger: z
    .object({
      ref: z.string().min(1).max(255).optional(),
      release: z.string().optional(),
      reason: reason.optional(),
      inputs: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
  approve: z.object({ release: z.string().optional(), comment: z.string().max(2000).optional() }).strict(),
  createRelease: z
    .object({
      version: z.string().regex(/^[A-Za-z0-9._+-]{1,64}$/),
      sha: z.string().regex(/^[0-9a-f]{7,40}$/),
      manifest: z.record(z.string(), z.string()).default({}),
      changeSummary: z.array(z.string().max(500)).max(500).default([]),
      includesMigrations: z.boolean().default(false),
      reason: reason.optional(),
    })
    .strict(),
  promote: z
    .object({
      lane: z.string().optional(),
      override: z.object({ reason }).strict().optional(),
      reason: reason.optional(),
    })
    .strict(),
  rollback: z
    .object({ reason, incident: z.string().min(1).max(200), owner: z.string().min(1).max(100) })
    .strict(),
  note: z.object({ comment: z.string().max(2000).optional() }).strict(),
  evidence: z
    .object({
      check: z.string().min(1).max(200),
      outcome: z.enum(['passed', 'failed', 'pending']),
      sha: z.string().regex(/^[0-9a-f]{7,40}$/),
      lane: z
        .string()
        .regex(/^PL-[A-Z0-9-]+$/)
        .optional(),
      runId: z.number().int().positive().optional(),
      url: z.url().optional(),
      details: z.string().max(10_000).optional(),
      key: z.string().min(1).max(200).optional(),
    })
    .strict(),
} as const;
