// The outbox worker performs effects that must survive a crash. The engine enqueues them inside the decision's
// transaction (tx.enqueue({key, kind, payload, runAt}): the key dedupes), so a decision and its effects commit
// together; this worker then claims due items, runs the handler for item.kind and records the outcome:
//   ok                          → completeOutbox (done: never claimed again)
//   retryable failure           → failOutbox(retryAt = now + max(exponential backoff with jitter, retryAfterMs))
//   retryable, attempts ≥ max   → dead (failOutbox with retryAt null, or the onDead hook), logged
//   final failure / bad payload → dead at once
//   wait (a precondition, e.g. GitHub not configured) → deferOutbox: pending again at now + retryAfterMs
//                                 (default 60 s), the claim's attempt given back, never dead, never alerted
// The engine's onDead hook writes the dead mark together with its audit entry and alert (effect-alerts.ts);
// onRecovered runs after an effect that had failed is done (resolves its alert). An admin's retry moves a
// dead row back to pending (same key), so it is claimed again like any due item.
//
// Delivery guarantee and the crash window. claimOutbox leases an item (row lock + SKIP LOCKED on PostgreSQL,
// a lease column on both), so two workers never hold the same item, and a completed item is never claimed
// again. The one window left is: the HTTP call succeeded, then the process died before completeOutbox
// committed; the lease then expires and the item is delivered once more (at-least-once for that call).
// GitHub's workflow dispatch is not idempotent, so the window is kept as small as we can make it:
//   - completeOutbox is the very next thing after the call returns (per item, not after the batch), and is
//     retried a few times within the lease if the database hiccups;
//   - every call runs under an AbortSignal that fires before the lease ends (lease − margin), so a slow call
//     can never outlive its lease and overlap with another worker's re-delivery of the same item;
//   - items of one claim run concurrently, so no item waits in a batch while its lease runs down.
// Commit statuses and protection reviews are idempotent in effect (last write wins / a repeated review is
// refused by GitHub once answered); alerts may repeat in that window.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OutboxItem, Store } from '../store/store.ts';
import type { GitHubClient } from '../github/github-client.ts';
import type { AlertNotifier } from './alert-notifier.ts';
import { sanitiseErrorText, waitingNote } from '../core/effect-state.ts';
import { PollingWorker } from './polling-worker.ts';

export type EffectOutcome =
  | { ok: true }
  | { ok: false; retryable: boolean; retryAfterMs?: number; message: string }
  /** Not an attempt: the effect cannot go out yet (say why); it is polled again after retryAfterMs. */
  | { ok: false; wait: true; retryAfterMs?: number; message: string };

/** Without GitHub credentials a GitHub effect waits (every handler that needs GitHub returns this). */
export function waitForGitHub(): EffectOutcome {
  return {
    ok: false,
    wait: true,
    message: 'GitHub is not configured (set LANES_GITHUB_TOKEN or LANES_GITHUB_APP_ID)',
  };
}

export interface EffectContext {
  item: OutboxItem;
  /** Fires shortly before the item's lease ends: pass it to fetch. */
  signal: AbortSignal;
}

export type OutboxHandler = (payload: unknown, ctx: EffectContext) => Promise<EffectOutcome>;
export type OutboxHandlers = Record<string, OutboxHandler>;

export interface OutboxWorkerOptions {
  /** Items claimed per step (run concurrently). Default 10. */
  batch?: number;
  /** Lease per claim. Default 60 s. Calls are aborted at lease − margin. */
  leaseMs?: number;
  /** Poll interval when idle (PostgreSQL NOTIFY / in-process notify wake it sooner). Default 1000 ms. */
  pollMs?: number;
  /** Attempts (claims) before a retryable failure becomes dead. Default 8. */
  maxAttempts?: number;
  /** First retry delay before jitter. Default 2000 ms; doubles per attempt. */
  baseBackoffMs?: number;
  /** Backoff cap (retry-after from the server may exceed it). Default 10 minutes. */
  maxBackoffMs?: number;
  /** Time source for the store's run_at/lease values. */
  clock?: () => Date;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** How soon a waiting effect (outcome `wait`) is polled again unless the handler says. Default 60 s. */
  waitPollMs?: number;
  /** Replaces failOutbox(…, null): marks the item dead with whatever must commit with it. */
  onDead?: (item: OutboxItem, message: string, now: string) => Promise<void>;
  /** After an item that had failed before (lastError set) is done. Errors are logged, not retried. */
  onRecovered?: (item: OutboxItem, now: string) => Promise<void>;
}

/** Exponential backoff with "equal jitter": a delay in [d/2, d], d = min(max, base · 2^(attempt−1)). */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  return Math.round(d / 2 + (d / 2) * random());
}

export class OutboxWorker extends PollingWorker {
  /** Counters (for metrics and tests). */
  done = 0;
  retried = 0;
  dead = 0;
  /** Claims that found their effect still waiting (outcome `wait`). */
  waited = 0;

  constructor(
    store: Store,
    private readonly handlers: OutboxHandlers,
    log: Logger,
    private readonly opts: OutboxWorkerOptions = {},
  ) {
    super(store, log, 'outbox', 'outbox');
  }

  private now(): Date {
    return (this.opts.clock ?? (() => new Date()))();
  }

  protected idleMs(): number {
    return this.opts.pollMs ?? 1000;
  }

  /** Claim one batch of due items and perform them. Returns how many were claimed. */
  protected async stepOnce(): Promise<number> {
    const leaseMs = this.opts.leaseMs ?? 60_000;
    const items = await this.store.claimOutbox({
      limit: this.opts.batch ?? 10,
      now: this.now().toISOString(),
      leaseMs,
    });
    if (items.length === 0) return 0;
    // Real elapsed time bounds the calls (the lease is compared against other workers' clocks).
    const budgetMs = Math.max(1, leaseMs - Math.min(5_000, Math.floor(leaseMs / 5)));
    await Promise.all(items.map((item) => this.perform(item, budgetMs)));
    return items.length;
  }

  private async perform(item: OutboxItem, budgetMs: number): Promise<void> {
    const handler = this.handlers[item.kind];
    if (!handler) {
      await this.settle(item, {
        ok: false,
        retryable: false,
        message: `no handler for outbox kind "${item.kind}"`,
      });
      return;
    }
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error('outbox lease about to expire')), budgetMs);
    let outcome: EffectOutcome;
    try {
      outcome = await handler(item.payload, { item, signal: ac.signal });
    } catch (e) {
      outcome = {
        ok: false,
        retryable: true,
        message: `handler threw: ${e instanceof Error ? e.message : String(e)}`,
      };
    } finally {
      clearTimeout(timer);
    }
    await this.settle(item, outcome);
  }

  private async settle(item: OutboxItem, outcome: EffectOutcome): Promise<void> {
    const now = this.now();
    if (outcome.ok) {
      // The crash window: keep it short, and survive a transient database error if we can.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.store.completeOutbox(item.id, now.toISOString());
          break;
        } catch (e) {
          if (attempt >= 3) throw e;
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
      this.done++;
      if (item.lastError !== null && this.opts.onRecovered)
        await this.opts
          .onRecovered(item, now.toISOString())
          .catch((e: unknown) =>
            this.log.error({ id: item.id, key: item.key, err: String(e) }, 'outbox recovery hook failed'),
          );
      this.log.debug(
        { id: item.id, key: item.key, kind: item.kind, attempts: item.attempts },
        'outbox effect done',
      );
      return;
    }
    // Error text from GitHub or a webhook may echo a credential or a URL: sanitised once, here, so the log,
    // the stored lastError, the audit entry and the alert all carry the same safe text.
    const message = sanitiseErrorText(outcome.message);
    if ('wait' in outcome) {
      const runAt = new Date(now.getTime() + (outcome.retryAfterMs ?? this.opts.waitPollMs ?? 60_000));
      await this.store.deferOutbox(item.id, waitingNote(message), runAt.toISOString());
      this.waited++;
      this.log.debug({ id: item.id, key: item.key, kind: item.kind, err: message }, 'outbox effect waits');
      return;
    }
    const maxAttempts = this.opts.maxAttempts ?? 8;
    if (!outcome.retryable || item.attempts >= maxAttempts) {
      if (this.opts.onDead) await this.opts.onDead(item, message, now.toISOString());
      else await this.store.failOutbox(item.id, message, null);
      this.dead++;
      this.log.error(
        {
          id: item.id,
          key: item.key,
          kind: item.kind,
          attempts: item.attempts,
          err: message,
          retryable: outcome.retryable,
        },
        outcome.retryable ? 'outbox effect dead after max attempts' : 'outbox effect dead (not retryable)',
      );
      return;
    }
    const delay = Math.max(
      backoffMs(
        item.attempts,
        this.opts.baseBackoffMs ?? 2_000,
        this.opts.maxBackoffMs ?? 600_000,
        this.opts.random,
      ),
      outcome.retryAfterMs ?? 0,
    );
    const retryAt = new Date(now.getTime() + delay).toISOString();
    await this.store.failOutbox(item.id, message, retryAt);
    this.retried++;
    this.log.warn(
      { id: item.id, key: item.key, kind: item.kind, attempts: item.attempts, retryAt, err: message },
      'outbox effect will retry',
    );
  }
}

// ----------------------------------------------------------------------------------------- handlers

const inputValue = z.union([z.string(), z.number(), z.boolean()]);

/** 'github.dispatch' — extra fields (the core's DispatchPayload: releaseId, laneId, ...) are ignored. */
export const dispatchPayloadSchema = z.looseObject({
  repo: z.string().min(1),
  workflowFile: z.string().min(1),
  ref: z.string().min(1),
  inputs: z.record(z.string(), inputValue).optional(),
  installationId: z.number().int().nullish(),
});
export type GitHubDispatchPayload = z.infer<typeof dispatchPayloadSchema>;

/** 'github.protection_review' — reviewPath is the relative path stored with the protection request. */
export const protectionReviewPayloadSchema = z.looseObject({
  reviewPath: z.string().min(1),
  state: z.enum(['approved', 'rejected']),
  comment: z.string(),
  environment: z.string().min(1),
  installationId: z.number().int().nullish(),
});
export type GitHubProtectionReviewPayload = z.infer<typeof protectionReviewPayloadSchema>;

/** 'github.commit_status' */
export const commitStatusPayloadSchema = z.looseObject({
  repo: z.string().min(1),
  sha: z.string().min(1),
  state: z.enum(['error', 'failure', 'pending', 'success']),
  context: z.string().min(1),
  description: z.string().nullish(),
  targetUrl: z.string().nullish(),
  installationId: z.number().int().nullish(),
});
export type GitHubCommitStatusPayload = z.infer<typeof commitStatusPayloadSchema>;

/** 'alert.notify' — payload is the Slack-compatible message. */
export const alertNotifyPayloadSchema = z.looseObject({
  url: z.string().min(1),
  payload: z.looseObject({
    text: z.string().min(1),
    blocks: z.array(z.unknown()).optional(),
    attachments: z.array(z.unknown()).optional(),
  }),
});
export type AlertNotifyPayload = z.infer<typeof alertNotifyPayloadSchema>;

function badPayload(kind: string, error: z.ZodError): EffectOutcome {
  return {
    ok: false,
    retryable: false,
    message: `invalid ${kind} payload: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  };
}

function fromCall(
  r: { ok: true } | { ok: false; retryable: boolean; retryAfterMs?: number; message: string },
): EffectOutcome {
  if (r.ok) return { ok: true };
  return {
    ok: false,
    retryable: r.retryable,
    message: r.message,
    ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
  };
}

function installation(id: number | null | undefined): { installationId?: number } {
  return typeof id === 'number' ? { installationId: id } : {};
}

/** Handlers for 'github.dispatch', 'github.protection_review', 'github.commit_status'. */
export function githubHandlers(client: GitHubClient): OutboxHandlers {
  return {
    'github.dispatch': async (payload, { signal }) => {
      const p = dispatchPayloadSchema.safeParse(payload);
      if (!p.success) return badPayload('github.dispatch', p.error);
      const inputs: Record<string, string> = {};
      for (const [k, v] of Object.entries(p.data.inputs ?? {})) inputs[k] = String(v);
      return fromCall(
        await client.dispatchWorkflow(p.data.repo, p.data.workflowFile, p.data.ref, inputs, {
          signal,
          ...installation(p.data.installationId),
        }),
      );
    },
    'github.protection_review': async (payload, { signal }) => {
      const p = protectionReviewPayloadSchema.safeParse(payload);
      if (!p.success) return badPayload('github.protection_review', p.error);
      return fromCall(
        await client.reviewProtectionRule(
          p.data.reviewPath,
          { state: p.data.state, comment: p.data.comment, environment_name: p.data.environment },
          { signal, ...installation(p.data.installationId) },
        ),
      );
    },
    'github.commit_status': async (payload, { signal }) => {
      const p = commitStatusPayloadSchema.safeParse(payload);
      if (!p.success) return badPayload('github.commit_status', p.error);
      return fromCall(
        await client.createCommitStatus(
          p.data.repo,
          p.data.sha,
          {
            state: p.data.state,
            context: p.data.context,
            description: p.data.description ?? null,
            target_url: p.data.targetUrl ?? null,
          },
          { signal, ...installation(p.data.installationId) },
        ),
      );
    },
  };
}

/** Handler for 'alert.notify'. */
export function alertHandlers(notifier: AlertNotifier): OutboxHandlers {
  return {
    'alert.notify': async (payload, { signal }) => {
      const p = alertNotifyPayloadSchema.safeParse(payload);
      if (!p.success) return badPayload('alert.notify', p.error);
      const { text, blocks, attachments } = p.data.payload;
      return fromCall(
        await notifier.post(
          p.data.url,
          { text, ...(blocks ? { blocks } : {}), ...(attachments ? { attachments } : {}) },
          signal,
        ),
      );
    },
  };
}
