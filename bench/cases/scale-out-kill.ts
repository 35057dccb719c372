// (e) Three replicas over one PostgreSQL under a steady 200 deliveries/s with a release in flight: one
// replica killed with SIGKILL mid-run (the one holding the release's dispatch), then restarted. The
// scenario is the test's (test/helpers/scale-out-kill-scenario.ts); here it is reported, not asserted.
import {
  INBOX_LEASE_MS,
  OUTBOX_LEASE_MS,
  runKillScenario,
} from '../../test/helpers/scale-out-kill-scenario.ts';
import { QUICK, SSE_RATE, log } from '../bench-common.ts';

export interface KillFigure {
  rate: number;
  durationS: number;
  acknowledged: number;
  notAcknowledged: number;
  /** Acknowledged deliveries processed exactly once (status processed, one run.updated audit entry). */
  processedExactlyOnce: boolean;
  notProcessed: number;
  notAppliedOnce: number;
  /** The release's dispatch reached GitHub once. */
  effectsOnce: boolean;
  dispatches: number;
  timersFiredOnce: boolean;
  /** Kill → the hung dispatch re-sent by a survivor (outbox lease OUTBOX_LEASE_MS). */
  outboxTakeoverMs: number | null;
  outboxLeaseMs: number;
  /** Kill → the last of the killed replica's inbox claims processed (inbox lease INBOX_LEASE_MS). */
  inboxTakeoverMs: number | null;
  inboxClaimsOrphaned: number;
  inboxLeaseMs: number;
  sseMissingOnSurvivors: number[];
}

export async function killCase(): Promise<KillFigure> {
  const durationS = QUICK ? 15 : 60;
  log(`(e) three replicas, kill -9 one mid-run: ${SSE_RATE}/s for ${durationS} s`);
  const r = await runKillScenario({ rate: SSE_RATE, durationS, onProgress: (m) => log(`  ${m}`) });
  const inboxTimes = r.orphaned.map((o) => o.afterKillMs);
  const fig: KillFigure = {
    rate: r.rate,
    durationS: r.durationS,
    acknowledged: r.acked.length,
    notAcknowledged: r.sendErrors,
    processedExactlyOnce: r.notProcessed.length === 0 && r.notAppliedOnce.length === 0,
    notProcessed: r.notProcessed.length,
    notAppliedOnce: r.notAppliedOnce.length,
    effectsOnce: r.dispatches === 1,
    dispatches: r.dispatches,
    timersFiredOnce: r.timersNotFiredOnce.length === 0,
    outboxTakeoverMs: r.outboxTakeoverMs,
    outboxLeaseMs: OUTBOX_LEASE_MS,
    inboxTakeoverMs: inboxTimes.some((t) => t === null)
      ? null
      : inboxTimes.length === 0
        ? 0
        : Math.max(...inboxTimes.filter((t): t is number => t !== null)),
    inboxClaimsOrphaned: r.orphaned.length,
    inboxLeaseMs: INBOX_LEASE_MS,
    sseMissingOnSurvivors: r.sseMissing,
  };
  log(
    `  kill: ${fig.acknowledged} acknowledged (${fig.notAcknowledged} not: the killed replica), processed exactly once ${fig.processedExactlyOnce}, dispatch sent ${fig.dispatches}×, timers once ${fig.timersFiredOnce}, outbox take-over ${fig.outboxTakeoverMs} ms (lease ${OUTBOX_LEASE_MS}), ${fig.inboxClaimsOrphaned} inbox claims taken over after ≤ ${fig.inboxTakeoverMs} ms (lease ${INBOX_LEASE_MS}), SSE missing on survivors ${fig.sseMissingOnSurvivors.join('/')}`,
  );
  return fig;
}
