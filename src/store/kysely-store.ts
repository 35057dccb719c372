// The one Store implementation, on Kysely, shared by SQLite and PostgreSQL: it composes the
// per-aggregate modules under repos/ over one Kysely handle — the pool / connection for the Store,
// the transaction's handle for a StoreTx — so there is no per-method wrapper. The dialect classes
// (sqlite-store.ts, postgres-store.ts) add connection set-up, how a transaction runs, migration
// locking and notifications.
//
// Guarantees: StoreTx writes exist only inside transaction(); the Store itself writes only through
// queue operations (claims, inbox batches, outbox completion) and the few single-statement writes
// of StoreAutoCommit. Dialect differences in SQL stay inside the modules (`pg` flag: FOR UPDATE,
// SKIP LOCKED, the change-feed lock).
import { sql } from 'kysely';
import { alertReads, alertWrites } from './repos/alerts.ts';
import { auditReads, auditWrites } from './repos/audit.ts';
import { changeLock, changeReads, changeWrites } from './repos/change-feed.ts';
import { deliveryStore, deliveryWrites } from './repos/deliveries.ts';
import { deploymentReads, deploymentWrites } from './repos/deployments.ts';
import { engineStateReads, engineStateWrites } from './repos/engine-state.ts';
import { evidenceReads, evidenceWrites } from './repos/evidence.ts';
import { gateReads, gateWrites } from './repos/gates.ts';
import { gateStepReads, gateStepWrites } from './repos/gate-steps.ts';
import { outboxStore, outboxWrites } from './repos/outbox.ts';
import { releaseReads, releaseWrites } from './repos/releases.ts';
import { runReads, runWrites } from './repos/runs.ts';
import type { Db, ReadCtx, StoreDialect, TxCtx } from './repos/shared.ts';
import { timerStore, timerWrites } from './repos/timers.ts';
import { tokenReads, tokenWrites } from './repos/tokens.ts';
import { catalogVersionReads, catalogVersionStore, catalogVersionWrites } from './repos/catalog-versions.ts';
import { deploymentReviewReads, deploymentReviewWrites } from './repos/deployment-reviews.ts';
import { reconcileStateStore } from './repos/reconcile-state.ts';
import { sessionStore } from './repos/sessions.ts';
import { releaseCommitReads, releaseCommitWrites } from './repos/release-commits.ts';
import { appliedBatchWrites } from './repos/applied-batch.ts';
import type {
  NotifyChannel,
  Store,
  StoreAutoCommit,
  StoreConnect,
  StoreQueues,
  StoreReads,
  StoreTx,
} from './store.ts';

export type { Db, StoreDialect } from './repos/shared.ts';
export { iso } from './repos/shared.ts';

/** Runs fn in one transaction on the dialect's terms and commits (or rolls back and rethrows). */
export type RunTx = <T>(fn: (db: Db) => Promise<T>) => Promise<T>;

/** The writes (and in-transaction reads) of one transaction, all over its handle. */
export function transactionOver(db: Db, dialect: StoreDialect): StoreTx {
  const pg = dialect === 'postgres';
  const ctx: TxCtx = { db, pg, lockChanges: changeLock(db, pg) };
  return {
    ...runWrites(ctx),
    getRun: runReads(ctx).getRun,
    ...evidenceWrites(ctx),
    ...deploymentWrites(ctx),
    ...deliveryWrites(ctx),
    ...auditWrites(ctx),
    ...changeWrites(ctx),
    ...outboxWrites(ctx),
    ...timerWrites(ctx),
    ...releaseWrites(ctx),
    ...gateWrites(ctx),
    ...alertWrites(ctx),
    ...tokenWrites(ctx),
    ...engineStateWrites(ctx),
    ...gateStepWrites(ctx),
    getGateStep: gateStepReads(ctx).getGateStep,
    ...catalogVersionWrites(ctx),
    ...releaseCommitWrites(ctx),
    ...deploymentReviewWrites(ctx),
    ...appliedBatchWrites(ctx),
  };
}

function readsOver(ctx: ReadCtx): StoreReads {
  return {
    ...runReads(ctx),
    ...evidenceReads(ctx),
    ...deploymentReads(ctx),
    ...auditReads(ctx),
    ...changeReads(ctx),
    ...tokenReads(ctx),
    ...releaseReads(ctx),
    ...gateReads(ctx),
    ...alertReads(ctx),
    ...gateStepReads(ctx),
    ...releaseCommitReads(ctx),
    ...deploymentReviewReads(ctx),
    ...engineStateReads(ctx),
  };
}

function queuesOver(ctx: ReadCtx, runTx: RunTx): StoreQueues {
  const storeCtx = { ...ctx, runTx };
  return { ...deliveryStore(storeCtx), ...outboxStore(storeCtx), ...timerStore(storeCtx) };
}

function connectOver(ctx: ReadCtx, runTx: RunTx): StoreConnect {
  return {
    ...catalogVersionStore({ ...ctx, runTx }),
    ...catalogVersionReads(ctx),
    ...sessionStore(ctx),
    ...reconcileStateStore(ctx),
  };
}

function autoCommitOver(db: Db): StoreAutoCommit {
  const { createToken, revokeToken, touchToken } = tokenWrites({ db });
  return { createToken, revokeToken, touchToken };
}

// The composed methods are assigned in the constructor; this merge tells the type system they exist.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface KyselyStore extends StoreReads, StoreQueues, StoreAutoCommit, StoreConnect {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class KyselyStore implements Store {
  protected constructor(
    readonly db: Db,
    readonly dialect: StoreDialect,
    private readonly runTx: RunTx,
  ) {
    const ctx: ReadCtx = { db, pg: dialect === 'postgres' };
    Object.assign(this, readsOver(ctx), queuesOver(ctx, runTx), autoCommitOver(db), connectOver(ctx, runTx));
  }

  abstract migrate(): Promise<void>;
  abstract close(): Promise<void>;
  abstract onNotify(channel: NotifyChannel, fn: () => void): () => void;
  abstract notify(channel: NotifyChannel): Promise<void>;
  abstract queryCount(): number;

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async probeWrite(): Promise<void> {
    // Two writes: a committed one of a few pages (one fixed row, overwritten each time), which must reach
    // the disk (the WAL on SQLite); and a rolled-back insert of many pages, which must be allocated (a
    // store that cannot grow fails it, though a rolled-back transaction may never touch the disk).
    await writeProbeRow(this.db, 'lanes:write-probe', 16 * 1024);
    const rolledBack = new Error('write probe rolled back');
    try {
      await this.runTx(async (db) => {
        await writeProbeRow(db, `lanes:write-probe:${process.pid}`, 64 * 1024);
        throw rolledBack;
      });
    } catch (err) {
      if (err !== rolledBack) throw err;
    }
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.runTx((db) => fn(transactionOver(db, this.dialect)));
  }
}

/** One upserted row of `size` bytes in the probe table (migration 0010); nothing else reads it. */
async function writeProbeRow(db: Db, id: string, size: number): Promise<void> {
  const at = new Date().toISOString();
  const payload = 'x'.repeat(size);
  await sql`insert into write_probe (id, payload, at) values (${id}, ${payload}, ${at})
    on conflict (id) do update set payload = excluded.payload, at = excluded.at`.execute(db);
}
