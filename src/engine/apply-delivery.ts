// One delivery → normalised facts → one transaction: state, delivery mark, audit and change feed commit
// together. Replaying the same delivery applies nothing new (every upsert is ordered by GitHub's own
// timestamps and attempts, so arrival order does not matter).
// Scope: a delivery from a repository the catalog does not name is stored, marked ignored with the reason,
// and changes nothing (core `repositoryKnown`). Evidence GitHub reports (a job or check run) is kept only
// from the sources the catalog allows for the check (core `mayReportEvidence`), with its provenance; a check
// run that does not count marks its delivery ignored with the reason (core `ignoredCheckRun`).
import type { Catalog } from '../core/catalog-model.ts';
import { holderOf, type CatalogHolder } from './catalog-holder.ts';
import type { NormalisedFact } from '../core/run-model.ts';
import { authorityOf, mayReportEvidence } from '../core/evidence-provenance.ts';
import { deliveredEvidenceClaim, ignoredCheckRun } from '../core/check-run-evidence.ts';
import { releaseNamedByRun, repositoryKnown } from '../core/run-scope.ts';
import { normaliseDelivery } from '../github/normalise-event.ts';
import { makeWorkflowResolver } from '../github/workflow-mapping.ts';
import type { AuditEvent, Delivery, OutboxEffect, Store, StoreTx } from '../store/store.ts';
import { FactBatch, type Slot } from './fact-batch.ts';

export const MAX_PROCESSED_BODY_BYTES = 25 * 1024 * 1024;

export interface ApplyOutcome {
  status: 'processed' | 'ignored' | 'failed';
  applied: number;
  topics: string[];
  /** Commits whose state changed (releases on them need a new decision). */
  shas: string[];
  /** Releases a run names in its title (a dispatched run in another repository, on that repo's commit). */
  releases: string[];
  detail?: string;
}

export class DeliveryApplier {
  private readonly catalogs: CatalogHolder;
  private resolver: { catalog: Catalog; resolve: ReturnType<typeof makeWorkflowResolver> } | undefined;

  constructor(
    private readonly store: Store,
    catalog: Catalog | CatalogHolder,
    /** Catalog from Git: the fetch effect a push asks for (src/engine/catalog-from-git.ts), if any. */
    private readonly catalogPush?: (event: string, payload: unknown, now: string) => OutboxEffect | undefined,
  ) {
    this.catalogs = holderOf(catalog);
  }

  /** The process's current catalog (src/engine/catalog-holder.ts). */
  private get catalog(): Catalog {
    return this.catalogs.current().catalog;
  }

  /** The workflow resolver of the current catalog, rebuilt once after a swap. */
  private get resolveWorkflow(): ReturnType<typeof makeWorkflowResolver> {
    const catalog = this.catalog;
    if (this.resolver?.catalog !== catalog)
      this.resolver = { catalog, resolve: makeWorkflowResolver(catalog) };
    return this.resolver.resolve;
  }

  async apply(d: Delivery, now: string): Promise<ApplyOutcome> {
    const [out] = await this.applyBatch([d], now);
    if (!out) throw new Error('no outcome');
    return out;
  }

  /**
   * Applies several deliveries in ONE transaction (one commit for the batch: what keeps the worker ahead of
   * a burst on PostgreSQL), their runs and jobs in one multi-row upsert each (fact-batch.ts). Each delivery
   * is still all-or-nothing; if the batch fails, each is retried alone so that one bad delivery cannot hold
   * the others back.
   */
  async applyBatch(ds: Delivery[], now: string): Promise<ApplyOutcome[]> {
    const prepared = ds.map((d) => this.prepare(d));
    try {
      return await this.store.transaction((tx) => this.applyAll(tx, prepared, now));
    } catch (e) {
      if (process.env.LANES_DEBUG_BATCH)
        process.stderr.write(`batch of ${ds.length} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      if (ds.length === 1) throw e;
      const outs: ApplyOutcome[] = [];
      for (const p of prepared) {
        try {
          const [out] = await this.store.transaction((tx) => this.applyAll(tx, [p], now));
          if (!out) throw new Error('no outcome');
          outs.push(out);
        } catch (err) {
          outs.push({
            status: 'failed',
            applied: 0,
            topics: [],
            shas: [],
            releases: [],
            detail: err instanceof Error ? err.message : String(err),
          });
        }
      }
      return outs;
    }
  }

  private prepare(d: Delivery): Prepared {
    let payload: unknown;
    try {
      payload = JSON.parse(d.body);
    } catch {
      return { d, ignored: 'invalid_json: body is not valid JSON', detail: 'invalid_json' };
    }
    // Before the scope checks: the catalog's own repository need not be one the catalog covers.
    const fetch = this.catalogPush?.(d.event, payload, d.receivedAt);
    return fetch ? { ...this.prepareParsed(d, payload), fetch } : this.prepareParsed(d, payload);
  }

  private prepareParsed(d: Delivery, payload: unknown): Prepared {
    const result = normaliseDelivery(d.event, payload, {
      resolveWorkflow: this.resolveWorkflow,
      receivedAt: d.receivedAt,
    });
    if (!result.ok) return { d, ignored: `${result.reason}: ${result.detail}`, detail: result.reason };
    const repo = repositoryOf(payload);
    if (repo !== null) {
      const known = repositoryKnown(this.catalog, repo);
      if (!known.counts) return { d, ignored: known.reason, detail: 'unknown_repository' };
    }
    const check = ignoredCheckRun(this.catalog, result.facts);
    if (check) return { d, ignored: `${check.reason}: ${check.detail}`, detail: check.reason };
    return { d, facts: result.facts };
  }

  /** The deliveries' facts in order, the chunk's runs and jobs batched; then audit, changes and marks. */
  private async applyAll(tx: StoreTx, prepared: Prepared[], now: string): Promise<ApplyOutcome[]> {
    const batch = new FactBatch(tx);
    const applied: AppliedFact[][] = [];
    for (const p of prepared) {
      if (p.fetch) await tx.enqueue({ ...p.fetch, runAt: now });
      const facts: AppliedFact[] = [];
      if (!('ignored' in p))
        for (const fact of p.facts) facts.push({ fact, slot: await this.applyFact(tx, fact, batch) });
      applied.push(facts);
    }
    await batch.flush();
    // The commits of the runs that applied jobs and protection requests name, read once after the writes.
    const runIds = new Set<number>();
    for (const facts of applied)
      for (const { fact, slot } of facts) {
        const id = slot.outcome === 'applied' ? runNeededForSha(fact) : null;
        if (id !== null) runIds.add(id);
      }
    const headShas = new Map(
      (runIds.size > 0 ? await tx.getRuns([...runIds]) : []).map((r) => [r.runId, r.headSha]),
    );
    const sink = newSink();
    const outs = prepared.map((p, i) => record(p, applied[i] ?? [], now, sink, headShas));
    await flushSink(tx, sink);
    return outs;
  }

  /** One fact: runs and jobs are queued in the batch; anything touching runs writes the queued runs first. */
  private async applyFact(tx: StoreTx, fact: NormalisedFact, batch: FactBatch): Promise<Slot> {
    switch (fact.kind) {
      case 'run':
        // The environment of a run is learned from deployments, which may arrive before or after the run:
        // the upsert adopts a stored deployment's environment in its own write.
        return batch.run(fact.run);
      case 'job': {
        const slot = batch.job(fact.job, fact.repo);
        if (fact.environment) {
          await batch.flushRuns();
          await tx.setRunEnvironment(fact.job.runId, fact.environment);
        }
        return slot;
      }
      case 'evidence':
        await batch.flushRuns();
        return FactBatch.done(await this.applyEvidence(tx, fact));
      case 'ref':
        return FactBatch.done('stale'); // refs are not stored: nothing reads them
      case 'deployment': {
        await batch.flushRuns();
        const r = await tx.upsertDeployment(fact.deployment);
        if (fact.deployment.runId !== null)
          await tx.setRunEnvironment(fact.deployment.runId, fact.deployment.environment);
        return FactBatch.done(r);
      }
      case 'protection_request': {
        await batch.flushRuns();
        const r = await tx.saveProtectionRequest(fact.request);
        await tx.setRunEnvironment(fact.request.runId, fact.request.environment);
        return FactBatch.done(r);
      }
      case 'release':
        return FactBatch.done('stale'); // releases are opened through the API; GitHub release events are informational
      case 'deployment_review': {
        await batch.flushRuns();
        const r = await tx.saveDeploymentReview(fact.review);
        await tx.setRunEnvironment(fact.review.runId, fact.review.environment);
        return FactBatch.done(r);
      }
    }
  }

  /** GitHub's evidence, kept only from a source the catalog allows for the check, with its provenance. */
  private async applyEvidence(
    tx: StoreTx,
    fact: Extract<NormalisedFact, { kind: 'evidence' }>,
  ): Promise<'applied' | 'stale'> {
    const e = fact.evidence;
    const run = e.runId !== null ? await tx.getRun(e.runId) : undefined;
    const claim = deliveredEvidenceClaim(this.catalog, fact, run);
    const may = mayReportEvidence(this.catalog, e.check, claim);
    if (!may.ok) return 'stale';
    return tx.upsertEvidence({ ...e, provenance: may.source, authority: authorityOf(claim) });
  }
}

interface AppliedFact {
  fact: NormalisedFact;
  slot: Slot;
}

/** A delivery's outcome, audit entries and change-feed entries, once its facts' outcomes are known. */
function record(
  p: Prepared,
  facts: AppliedFact[],
  now: string,
  sink: Sink,
  headShas: Map<number, string>,
): ApplyOutcome {
  const d = p.d;
  if ('ignored' in p) {
    sink.marks.push({
      guid: d.guid,
      status: 'ignored',
      at: now,
      error: p.ignored.slice(0, 500),
      ignoredReason: p.detail,
    });
    return { status: 'ignored', applied: 0, topics: [], shas: [], releases: [], detail: p.detail };
  }
  const actor = `github:${d.guid}`;
  let applied = 0;
  const topics = new Set<string>();
  const shas = new Set<string>();
  const releases = new Set<string>();
  for (const { fact, slot } of facts) {
    if (slot.outcome === undefined) throw new Error(`no outcome for a ${fact.kind} fact`);
    if (slot.outcome !== 'applied') continue;
    applied++;
    topics.add(fact.kind);
    const sha = factSha(fact, headShas);
    if (sha) shas.add(sha);
    // A run dispatched in another repository names its release in its title: re-evaluate that release.
    const named = fact.kind === 'run' ? releaseNamedByRun(fact.run) : null;
    if (named) releases.add(named);
    sink.audits.push({
      at: now,
      actor,
      action: `${fact.kind}.updated`,
      objectType: fact.kind,
      objectId: factId(fact),
      reason: `GitHub ${d.event}${d.action ? `.${d.action}` : ''} delivery ${d.guid}`,
      data: factSummary(fact),
    });
    sink.changes.push({
      topic: fact.kind,
      data: { delivery: d.guid, id: factId(fact), ...factSummary(fact) },
      at: now,
    });
  }
  sink.marks.push({ guid: d.guid, status: 'processed', at: now, error: null });
  return { status: 'processed', applied, topics: [...topics], shas: [...shas], releases: [...releases] };
}

/** `repository.full_name` of a delivery's payload, when it names one (ping and app events may not). */
function repositoryOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || !('repository' in payload)) return null;
  const repo: unknown = payload.repository;
  if (typeof repo !== 'object' || repo === null || !('full_name' in repo)) return null;
  return typeof repo.full_name === 'string' ? repo.full_name : null;
}

/** Audit events, change-feed entries and delivery marks of one transaction (one statement on PostgreSQL). */
interface Sink {
  audits: AuditEvent[];
  changes: { topic: string; data: unknown; at: string }[];
  marks: {
    guid: string;
    status: 'processed' | 'ignored';
    at: string;
    error: string | null;
    ignoredReason?: string;
  }[];
}

function newSink(): Sink {
  return { audits: [], changes: [], marks: [] };
}

async function flushSink(tx: StoreTx, sink: Sink): Promise<void> {
  await tx.appendApplied(sink);
}

type Prepared = (
  { d: Delivery; facts: NormalisedFact[] } | { d: Delivery; ignored: string; detail: string }
) & { fetch?: OutboxEffect };

/** The run whose commit a fact needs read (a job; a protection request that does not say its sha). */
function runNeededForSha(f: NormalisedFact): number | null {
  if (f.kind === 'job') return f.job.runId;
  if (f.kind === 'protection_request' && f.request.sha === null) return f.request.runId;
  return null;
}

function factSha(f: NormalisedFact, headShas: Map<number, string>): string | null {
  switch (f.kind) {
    case 'run':
      return f.run.headSha;
    case 'evidence':
      return f.evidence.sha;
    case 'deployment':
      return f.deployment.sha;
    case 'protection_request':
      return f.request.sha ?? headShas.get(f.request.runId) ?? null;
    case 'job':
      return headShas.get(f.job.runId) ?? null;
    case 'ref':
      return f.ref.sha;
    case 'release':
      return f.sha;
    case 'deployment_review':
      return f.review.sha;
  }
}

function factId(f: NormalisedFact): string {
  switch (f.kind) {
    case 'run':
      return String(f.run.runId);
    case 'job':
      return String(f.job.jobId);
    case 'evidence':
      return f.evidence.key;
    case 'ref':
      return f.ref.ref;
    case 'deployment':
      return String(f.deployment.deploymentId);
    case 'protection_request':
      return `${f.request.runId}:${f.request.environment}`;
    case 'release':
      return f.tag;
    case 'deployment_review':
      return `${f.review.runId}:${f.review.runAttempt}:${f.review.environment}`;
  }
}

function factSummary(f: NormalisedFact): Record<string, unknown> {
  switch (f.kind) {
    case 'run':
      return {
        workflowId: f.run.workflowId,
        runAttempt: f.run.runAttempt,
        status: f.run.status,
        conclusion: f.run.conclusion,
        headSha: f.run.headSha,
      };
    case 'job':
      return { runId: f.job.runId, name: f.job.name, status: f.job.status, conclusion: f.job.conclusion };
    case 'evidence':
      return { check: f.evidence.check, outcome: f.evidence.outcome, sha: f.evidence.sha };
    case 'ref':
      return { sha: f.ref.sha };
    case 'deployment':
      return { environment: f.deployment.environment, state: f.deployment.state, runId: f.deployment.runId };
    case 'protection_request':
      return { runId: f.request.runId, environment: f.request.environment };
    case 'release':
      return { action: f.action, sha: f.sha };
    case 'deployment_review':
      return {
        runId: f.review.runId,
        environment: f.review.environment,
        state: f.review.state,
        reviewer: f.review.reviewer,
      };
  }
}
