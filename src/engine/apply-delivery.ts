// One delivery → normalised facts → one transaction: state, delivery mark, audit and change feed commit
// together. Replaying the same delivery applies nothing new (every upsert is ordered by GitHub's own
// timestamps and attempts, so arrival order does not matter).
import type { Catalog } from '../core/catalog-model.ts';
import type { NormalisedFact } from '../core/run-model.ts';
import { normaliseDelivery } from '../github/normalise-event.ts';
import { makeWorkflowResolver } from '../github/workflow-mapping.ts';
import type { Delivery, Store, StoreTx } from '../store/store.ts';

export const MAX_PROCESSED_BODY_BYTES = 25 * 1024 * 1024;

export interface ApplyOutcome {
  status: 'processed' | 'ignored' | 'failed';
  applied: number;
  topics: string[];
  /** Commits whose state changed (releases on them need a new decision). */
  shas: string[];
  detail?: string;
}

export class DeliveryApplier {
  private readonly resolveWorkflow: ReturnType<typeof makeWorkflowResolver>;

  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
  ) {
    this.resolveWorkflow = makeWorkflowResolver(catalog);
  }

  async apply(d: Delivery, now: string): Promise<ApplyOutcome> {
    const [out] = await this.applyBatch([d], now);
    if (!out) throw new Error('no outcome');
    return out;
  }

  /**
   * Applies several deliveries in ONE transaction (one commit for the batch: what keeps the worker ahead of
   * a burst on PostgreSQL). Each delivery is still all-or-nothing; if the batch fails, each is retried alone
   * so that one bad delivery cannot hold the others back.
   */
  async applyBatch(ds: Delivery[], now: string): Promise<ApplyOutcome[]> {
    const prepared = await Promise.all(ds.map((d) => this.prepare(d)));
    try {
      return await this.store.transaction(async (tx) => {
        const outs: ApplyOutcome[] = [];
        for (const p of prepared) outs.push(await this.applyPrepared(tx, p, now));
        return outs;
      });
    } catch (e) {
      if (ds.length === 1) throw e;
      const outs: ApplyOutcome[] = [];
      for (const p of prepared) {
        try {
          outs.push(await this.store.transaction((tx) => this.applyPrepared(tx, p, now)));
        } catch (err) {
          outs.push({ status: 'failed', applied: 0, topics: [], shas: [], detail: err instanceof Error ? err.message : String(err) });
        }
      }
      return outs;
    }
  }

  private async prepare(d: Delivery): Promise<Prepared> {
    let payload: unknown;
    try {
      payload = JSON.parse(d.body);
    } catch {
      return { d, ignored: 'body is not valid JSON', detail: 'invalid JSON' };
    }
    const result = normaliseDelivery(d.event, payload, { resolveWorkflow: this.resolveWorkflow, receivedAt: d.receivedAt });
    if (!result.ok) return { d, ignored: `${result.reason}: ${result.detail}`, detail: result.reason };
    // Environment of a run is learned from deployments, which may arrive before or after the run.
    for (const f of result.facts) {
      if (f.kind === 'run' && f.run.environment === null) {
        const deps = await this.store.listDeployments({ runId: f.run.runId });
        const env = deps[0]?.environment;
        if (env) f.run.environment = env;
      }
    }
    return { d, facts: result.facts };
  }

  private async applyPrepared(tx: StoreTx, p: Prepared, now: string): Promise<ApplyOutcome> {
    const d = p.d;
    if ('ignored' in p) {
      await tx.markDelivery(d.guid, 'ignored', now, p.ignored.slice(0, 500));
      return { status: 'ignored', applied: 0, topics: [], shas: [], detail: p.detail };
    }
    const actor = `github:${d.guid}`;
    let applied = 0;
    const topics = new Set<string>();
    const shas = new Set<string>();
    for (const fact of p.facts) {
      const r = await applyFact(tx, fact);
      if (r === 'applied') {
        applied++;
        topics.add(fact.kind);
        const sha = await factSha(tx, fact);
        if (sha) shas.add(sha);
        await tx.appendAudit({
          at: now,
          actor,
          action: `${fact.kind}.updated`,
          objectType: fact.kind,
          objectId: factId(fact),
          reason: `GitHub ${d.event}${d.action ? `.${d.action}` : ''} delivery ${d.guid}`,
          data: factSummary(fact),
        });
        await tx.appendChange(fact.kind, { delivery: d.guid, id: factId(fact), ...factSummary(fact) }, now);
      }
    }
    await tx.markDelivery(d.guid, 'processed', now, null);
    return { status: 'processed', applied, topics: [...topics], shas: [...shas] };
  }
}

type Prepared = { d: Delivery; facts: NormalisedFact[] } | { d: Delivery; ignored: string; detail: string };

async function applyFact(tx: StoreTx, fact: NormalisedFact): Promise<'applied' | 'stale'> {
  switch (fact.kind) {
    case 'run':
      return tx.upsertRun(fact.run);
    case 'job': {
      const r = await tx.upsertJob(fact.job, fact.repo);
      if (fact.environment) await tx.setRunEnvironment(fact.job.runId, fact.environment);
      return r;
    }
    case 'evidence':
      return tx.upsertEvidence(fact.evidence);
    case 'ref':
      return tx.upsertRef(fact.ref);
    case 'deployment': {
      const r = await tx.upsertDeployment(fact.deployment);
      if (fact.deployment.runId !== null) await tx.setRunEnvironment(fact.deployment.runId, fact.deployment.environment);
      return r;
    }
    case 'protection_request': {
      const r = await tx.saveProtectionRequest(fact.request);
      await tx.setRunEnvironment(fact.request.runId, fact.request.environment);
      return r;
    }
    case 'release':
      return 'stale'; // releases are opened by PL-06 through the API; GitHub release events are informational
  }
}

async function factSha(tx: StoreTx, f: NormalisedFact): Promise<string | null> {
  switch (f.kind) {
    case 'run':
      return f.run.headSha;
    case 'evidence':
      return f.evidence.sha;
    case 'deployment':
      return f.deployment.sha;
    case 'protection_request':
      return f.request.sha ?? (await tx.getRun(f.request.runId))?.headSha ?? null;
    case 'job':
      return (await tx.getRun(f.job.runId))?.headSha ?? null;
    case 'ref':
      return f.ref.sha;
    case 'release':
      return f.sha;
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
  }
}
