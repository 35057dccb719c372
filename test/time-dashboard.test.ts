// Drills and freezes on the screens (issue 15), through the real HTTP API on both stores with an injectable
// clock: the overview carries the freeze windows (active until when, the next) and the scheduled drills
// (next due, when each turns missed, state); the lane list and a drill lane's page carry its drill; a
// failed drill run and then a green one change the drill's state and its missed-after; `lanes drills`
// and `lanes gates` (the built CLI: npm run build:server) print the next due and missed-after. The
// dashboard's panel: time-dashboard.browser.test.ts.
import { describe, it, before, after } from 'node:test';
import { execFile } from 'node:child_process';
import assert from 'node:assert/strict';
import { issueToken } from '../src/http/auth.ts';
import type { LanesProcess } from '../src/server.ts';
import type { DrillView, LaneDetail, LaneView, Overview } from '../src/contract/views.ts';
import { drillsOf, renderDrills } from '../src/cli/commands/time-commands.ts';
import { STORE_KINDS, startTestLanes } from './helpers/lanes-harness.ts';
import { sendRun } from './helpers/github-events.ts';

const NOW = '2026-04-03T18:00:00.000Z'; // Friday: inside friday-evening (Fri 17:00 + 63h)
const SHA = 'd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1';

for (const kind of STORE_KINDS) {
  describe(`the overview and lane views show freezes and drills (${kind})`, () => {
    let lanes: LanesProcess;
    let token = '';
    let now = Date.parse(NOW);
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${lanes.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, path);
      return (await res.json()) as T;
    };
    /** The overview is cached per change: read it after the change settled. */
    const drillOf = async (): Promise<DrillView | undefined> =>
      (await get<LaneDetail>('/api/v1/lanes/PL-12')).drill;
    before(async () => {
      lanes = await startTestLanes(kind, {}, { clock: () => new Date(now) });
      token = (await issueToken(lanes.store, { personId: 'hana', name: 't', scope: 'read', now: new Date() }))
        .token;
    });
    after(async () => {
      await lanes.close();
    });

    it('GET /api/v1/overview: the active freeze until Monday 08:00, the next, and PL-12 next due', async () => {
      const o = await get<Overview>('/api/v1/overview');
      const f = o.freezes?.find((x) => x.windowId === 'friday-evening');
      assert.deepEqual(f?.active, { start: '2026-04-03T17:00:00.000Z', end: '2026-04-06T08:00:00.000Z' });
      assert.deepEqual(f?.next, { start: '2026-04-10T17:00:00.000Z', end: '2026-04-13T08:00:00.000Z' });
      // PL-12: cron '0 16 * * 1' (Mondays 16:00 UTC), default grace 2h, never run; watched since NOW, so
      // it turns missed at the first fire after that plus grace (drill_missed's rule): Monday 18:00.
      assert.deepEqual(o.drills, [
        {
          laneId: 'PL-12',
          name: 'weekly-rollback-drill',
          cron: '0 16 * * 1',
          graceMs: 7_200_000,
          nextDueAt: '2026-04-06T16:00:00.000Z',
          missedAfter: '2026-04-06T18:00:00.000Z',
          state: 'never',
          lastRun: null,
          lastSuccessAt: null,
        },
      ]);
    });

    it('GET /api/v1/lanes and /lanes/PL-12 carry the drill; other lanes none', async () => {
      const list = (await get<{ lanes: LaneView[] }>('/api/v1/lanes')).lanes;
      assert.deepEqual(
        list.filter((l) => l.drill).map((l) => l.id),
        ['PL-12'],
      );
      const d = await drillOf();
      assert.equal(d?.nextDueAt, '2026-04-06T16:00:00.000Z');
      assert.equal(d?.missedAfter, '2026-04-06T18:00:00.000Z');
      const text = renderDrills(drillsOf(list), false);
      assert.match(text, /PL-12 weekly-rollback-drill/);
      assert.match(text, /Next due/);
      assert.match(text, /2026-04-06 16:00/);
      assert.match(text, /2026-04-06 18:00/);
    });

    it('`lanes drills` and `lanes gates` (the built CLI) print the next due and missed-after', async () => {
      const env = { ...process.env, LANES_URL: lanes.url, LANES_TOKEN: token, NO_COLOR: '1' };
      for (const cmd of ['drills', 'gates']) {
        const r = await new Promise<{ code: number; stdout: string }>((resolve) => {
          execFile(process.execPath, ['bin/lanes.js', cmd], { timeout: 60_000, env }, (err, stdout) =>
            resolve({ code: err ? -1 : 0, stdout }),
          );
        });
        assert.equal(r.code, 0, cmd);
        assert.match(r.stdout, /PL-12 weekly-rollback-drill/, cmd);
        assert.match(r.stdout, /Next due/, cmd);
        assert.match(r.stdout, /2026-04-06 16:00 UTC/, cmd);
        assert.match(r.stdout, /2026-04-06 18:00 UTC/, cmd);
      }
    });

    it('a failed drill run turns it failed; a green one ok, missed at the next fire plus grace', async () => {
      now = Date.parse('2026-04-06T16:30:00.000Z');
      await sendRun(lanes.url, {
        file: 'rollback-prod-ops.yml',
        name: 'rollback-prod-ops',
        sha: SHA,
        at: '2026-04-06T16:00:00Z',
        event: 'schedule',
        conclusion: 'failure',
        jobs: [{ name: 'simulate bad deploy', conclusion: 'failure' }],
      });
      const failed = await waitDrill(drillOf, (d) => d.state === 'failed');
      assert.equal(failed.lastRun?.status, 'failed');
      assert.equal(failed.nextDueAt, '2026-04-13T16:00:00.000Z');

      now = Date.parse('2026-04-06T17:30:00.000Z');
      await sendRun(lanes.url, {
        file: 'rollback-prod-ops.yml',
        name: 'rollback-prod-ops',
        sha: SHA,
        at: '2026-04-06T17:00:00Z',
        event: 'schedule',
        conclusion: 'success',
        jobs: [{ name: 'simulate bad deploy' }],
      });
      const ok = await waitDrill(drillOf, (d) => d.state === 'ok' && d.lastRun?.status === 'green');
      assert.equal(ok.lastRun?.status, 'green');
      assert.ok(ok.lastSuccessAt);
      // The green run answers the 6th's fire; the next (the 13th 16:00) is missed at 18:00.
      assert.equal(ok.missedAfter, '2026-04-13T18:00:00.000Z');
      const o = await get<Overview>('/api/v1/overview');
      assert.equal(o.drills?.[0]?.state, 'ok', 'the overview agrees');
    });
  });
}

/** The drill view once `ok` holds (the delivery is processed asynchronously; no timing asserted). */
async function waitDrill(
  read: () => Promise<DrillView | undefined>,
  ok: (d: DrillView) => boolean,
): Promise<DrillView> {
  for (let i = 0; i < 400; i++) {
    const d = await read();
    if (d && ok(d)) return d;
    await new Promise((r) => setTimeout(r, 25));
  }
  const last = await read();
  assert.fail(`drill never reached the state: ${JSON.stringify(last)}`);
}
