// Three replicas (compiled `node bin/lanes.js up` processes) over one PostgreSQL database under a steady
// stream of signed deliveries, with a release in flight against the local GitHub stand-in: the replica
// holding the release's dispatch is killed with SIGKILL mid-run and restarted (the scenario is in
// helpers/scale-out-kill-scenario.ts, shared with the bench's kill case). Proves that every acknowledged
// delivery is processed exactly once, the dispatch is sent once, timers fire once, the killed replica's
// leases (its outbox effect and any inbox claims) are taken over within the lease time, and the surviving
// replicas' SSE clients see every change.
//
// Short form (CI): 50 deliveries/s for 15 s. LANES_LONG=1: 200/s for 60 s. Needs the compiled server
// (`npm run --silent build:server`) and PostgreSQL (LANES_TEST_DATABASE_URL, or the embedded one).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INBOX_LEASE_MS, OUTBOX_LEASE_MS, runKillScenario } from './helpers/scale-out-kill-scenario.ts';

const LONG = process.env.LANES_LONG === '1';
const RATE = LONG ? 200 : 50;
const DURATION_S = LONG ? 60 : 15;
// Polling intervals of the workers that take a lease over (outbox idle poll 1 s) plus scheduling slack
// on a loaded 2-core machine.
const TAKEOVER_SLACK_MS = 2500;

describe('three replicas over one PostgreSQL, one killed mid-run', () => {
  it(`every acknowledged delivery once, the dispatch once, leases taken over (${RATE}/s for ${DURATION_S} s)`, async () => {
    const r = await runKillScenario({
      rate: RATE,
      durationS: DURATION_S,
      onProgress: (m) => process.stderr.write(`scale-out-kill: ${m}\n`),
    });
    process.stderr.write(
      `scale-out-kill: ${r.acked.length} acknowledged, ${r.sendErrors} not (killed replica), ` +
        `${r.orphaned.length} inbox claims orphaned, outbox take-over ${r.outboxTakeoverMs} ms, ` +
        `${r.ackedAfterKill} acknowledged after the kill (${r.ackedByRestarted} by the restarted replica)\n`,
    );
    // Every acknowledged delivery is processed (by some replica), exactly once.
    assert.deepEqual(r.notProcessed, [], 'every acknowledged delivery processed');
    assert.deepEqual(r.notAppliedOnce, [], 'every acknowledged delivery applied once');
    // The dispatch is taken over by a survivor within the outbox lease, and sent once.
    assert.ok(r.outboxTakeoverMs !== null, 'the dispatch re-sent by a surviving replica');
    assert.ok(
      r.outboxTakeoverMs <= OUTBOX_LEASE_MS + TAKEOVER_SLACK_MS,
      `outbox lease taken over after ${r.outboxTakeoverMs} ms (lease ${OUTBOX_LEASE_MS} ms)`,
    );
    assert.equal(r.dispatches, 1, 'dispatch sent once');
    // The killed replica's inbox claims were taken over within the inbox lease.
    for (const o of r.orphaned) {
      assert.ok(o.afterKillMs !== null, `orphaned claim ${o.guid} processed`);
      assert.ok(
        o.afterKillMs <= INBOX_LEASE_MS + TAKEOVER_SLACK_MS,
        `claim ${o.guid} taken over after ${o.afterKillMs} ms`,
      );
    }
    // Every timer fired, once; none left pending or lost with the killed replica.
    assert.deepEqual(r.timersNotFiredOnce, [], 'every timer fired once');
    // The surviving replicas' SSE clients saw every change.
    assert.deepEqual(r.sseMissing, [0, 0], "every change on the surviving replicas' SSE streams");
    assert.ok(r.acked.length >= RATE * DURATION_S * 0.8, `most deliveries acknowledged (${r.acked.length})`);
    assert.ok(
      r.ackedAfterKill > 0 && r.ackedByRestarted > 0,
      'the stream ran through the kill and the restart',
    );
  });
});
