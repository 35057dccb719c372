// Tokens on a demo clock: credentials live in real time, the audit in the demo's. Against a Lanes running on
// the demo clock (March 2026, flowing at real speed) on both stores: a token made through the API is valid
// on creation (its createdAt/expiresAt are real time, so the real-time check accepts it), its revocation is
// real time too, and the audit entries are on the demo clock, newest first. `lanes token create --data
// <demo dir>` (another process, on the store directly) writes its audit entry on the same demo clock.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { demoClock, readDemoActions, type DemoClock } from '../src/cli/demo-loader.ts';
import { issueToken } from '../src/http/auth.ts';
import { STORE_KINDS, startTestLanes } from './helpers/lanes-harness.ts';
import { freshSqliteDir } from './helpers/test-database.ts';

type Json = Record<string, unknown>;
const DAY = 86_400_000;

function lanesCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.DATABASE_URL;
  delete env.LANES_DATA_DIR;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

for (const kind of STORE_KINDS) {
  describe(`tokens on a demo-clock Lanes (${kind})`, () => {
    let lanes: Awaited<ReturnType<typeof startTestLanes>>;
    let clock: DemoClock;
    let dataDir = '';
    let admin = '';
    const call = async (token: string, method: string, p: string, body?: unknown) => {
      const res = await fetch(`${lanes.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const tokenAudit = async () =>
      (await call(admin, 'GET', '/api/v1/audit?objectType=token&limit=200')).body.events as {
        at: string;
        action: string;
        actor: string;
        objectId: string;
      }[];
    /** Newest first, and every entry on the demo clock (at most the clock's reading now, in March 2026). */
    const assertOneTimeline = async () => {
      const events = await tokenAudit();
      const demoNow = clock().getTime();
      for (const e of events) {
        assert.ok(Date.parse(e.at) <= demoNow, `${e.action} at ${e.at} is after the demo's now`);
        assert.ok(Date.parse(e.at) > demoNow - DAY, `${e.action} at ${e.at} is not on the demo clock`);
      }
      const ats = events.map((e) => Date.parse(e.at));
      assert.deepEqual(
        ats,
        [...ats].sort((a, b) => b - a),
        'newest first',
      );
      return events;
    };

    before(async () => {
      dataDir = await freshSqliteDir();
      clock = demoClock(readDemoActions().now, { record: dataDir });
      lanes = await startTestLanes(kind, { dataDir }, { clock });
      // An admin token as `lanes token create` makes it: real time.
      admin = (
        await issueToken(lanes.store, { personId: 'jonas', name: 'a', scope: 'admin', now: new Date() })
      ).token;
      assert.ok(clock().getTime() < Date.now() - 30 * DAY, 'the demo clock runs in the past');
    });
    after(async () => {
      await lanes.close();
    });

    it('a token made through the API is valid on creation and expires in real time; audit on the demo clock', async () => {
      const t0 = Date.now();
      const created = await call(admin, 'POST', '/api/v1/tokens', {
        person: 'giulia',
        scope: 'operate',
        name: 'laptop',
        expiresIn: '90d',
      });
      const t1 = Date.now();
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const createdAt = Date.parse(String(created.body.createdAt));
      assert.ok(
        createdAt >= t0 - 1000 && createdAt <= t1 + 1000,
        `createdAt ${String(created.body.createdAt)}`,
      );
      assert.equal(Date.parse(String(created.body.expiresAt)) - createdAt, 90 * DAY);
      const secret = String(created.body.token);
      const used = await call(secret, 'GET', '/api/v1/overview');
      assert.equal(used.status, 200, JSON.stringify(used.body));

      const revoked = await call(admin, 'DELETE', `/api/v1/tokens/${String(created.body.id)}`);
      assert.equal(revoked.status, 200);
      const revokedAt = Date.parse(String(revoked.body.revokedAt));
      assert.ok(revokedAt >= t0 - 1000 && revokedAt <= Date.now() + 1000, 'revokedAt is real time');
      assert.equal((await call(secret, 'GET', '/api/v1/overview')).status, 401);

      const events = await assertOneTimeline();
      assert.deepEqual(
        events.filter((e) => e.objectId === created.body.id).map((e) => e.action),
        ['token.revoked', 'token.created'],
      );
    });

    if (kind === 'sqlite')
      it('`lanes token create --data <demo dir>` audits on the demo clock; the token works at once', async () => {
        const out = await lanesCli([
          'token',
          'create',
          '--person',
          'jonas',
          '--scope',
          'admin',
          '--name',
          'cli-admin',
          '--data',
          dataDir,
          '--catalog',
          'examples/ops/lanes.yaml',
        ]);
        assert.equal(out.code, 0, out.stderr);
        const cliAdmin = out.stdout.trim();
        assert.equal((await call(cliAdmin, 'GET', '/api/v1/tokens')).status, 200);
        // Another entry from the server after it: it must be the newer one.
        const later = await call(cliAdmin, 'POST', '/api/v1/tokens', { person: 'hana', scope: 'read' });
        assert.equal(later.status, 201, JSON.stringify(later.body));
        const events = await assertOneTimeline();
        const cli = events.findIndex((e) => e.actor.startsWith('cli:token-create'));
        const api = events.findIndex((e) => e.objectId === later.body.id);
        assert.ok(cli >= 0 && api >= 0);
        assert.ok(api < cli, 'the later API entry is listed before the CLI one');

        const rev = await lanesCli(['token', 'revoke', String(later.body.id), '--data', dataDir]);
        assert.equal(rev.code, 0, rev.stderr);
        const revoked = (await assertOneTimeline())[0];
        assert.deepEqual([revoked?.action, revoked?.objectId], ['token.revoked', later.body.id]);
      });
  });
}
