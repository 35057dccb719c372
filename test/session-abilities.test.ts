// GET /api/v1/session answers what the caller may do, as the core policy decides it (src/core/abilities.ts),
// on both stores, for a GitHub session (operate scope, never admin), operate and admin tokens and a service
// token on the example catalog; and each shipped decision is what the API then does (a refused promote is
// refused with the rule the session named; an allowed one is not refused by the policy).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { issueToken } from '../src/http/auth.ts';
import { startSession } from '../src/http/session-auth.ts';
import type { SessionView } from '../src/contract/views.ts';
import { alertAbility } from '../src/contract/abilities.ts';
import { STORE_KINDS, startTestLanes } from './helpers/lanes-harness.ts';

type Lanes = Awaited<ReturnType<typeof startTestLanes>>;

for (const kind of STORE_KINDS) {
  describe(`the session's abilities (${kind})`, () => {
    let lanes: Lanes;
    const tokens: Record<string, string> = {};

    const sessionOf = async (headers: Record<string, string>): Promise<SessionView> => {
      const res = await fetch(`${lanes.url}/api/v1/session`, { headers });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as SessionView;
    };
    const bearer = (t: string | undefined) => ({ authorization: `Bearer ${t ?? ''}` });

    before(async () => {
      lanes = await startTestLanes(kind);
      const now = new Date();
      const mint = async (personId: string, scope: 'read' | 'operate' | 'admin', service?: string) =>
        (await issueToken(lanes.store, { personId, name: 't', scope, now, ...(service ? { service } : {}) }))
          .token;
      tokens.hanaOperate = await mint('hana', 'operate');
      tokens.giuliaOperate = await mint('giulia', 'operate');
      tokens.jonasAdmin = await mint('jonas', 'admin');
      tokens.ciBot = await mint('service:ci-bot', 'operate', 'ci-bot');
      tokens.reader = await mint('hana', 'read');
    });
    after(async () => {
      await lanes.close();
    });

    it('a GitHub session never retries effects; its seats decide promote, approve and alerts', async () => {
      const s = await startSession(lanes.store, { login: 'giulia', now: new Date(), ttlHours: 1 });
      const view = await sessionOf({ cookie: `lanes_session=${s.sessionId}` });
      assert.equal(view.via, 'session');
      const a = view.abilities;
      assert.deepEqual(
        { allowed: a.actions.retryEffect.allowed, rule: a.actions.retryEffect.rule },
        { allowed: false, rule: 'scope.admin' },
      );
      assert.equal(a.actions.manageTokens.allowed, false);
      assert.equal(a.actions.overrideFreeze.allowed, false);
      assert.equal(a.actions.promote.allowed, false, 'giulia is not in the release seat');
      assert.match(a.actions.promote.reason ?? '', /giulia may not promote a release; allowed: SEAT-RELEASE/);
      assert.equal(a.actions.rollback.allowed, false);
      assert.equal(a.approveGates['RG-10']?.allowed, true, 'SEAT-PRODUCT owns RG-10');
      assert.equal(a.approveGates['RG-09']?.allowed, false);
      assert.equal(a.approveGates['RG-09']?.rule, 'approve.owner_seat');
      // RG-05 (SEAT-PRODUCT) judges PL-05: giulia owns that lane's alerts, not PL-04's (SEAT-OPS).
      assert.equal(alertAbility(a, { laneId: 'PL-05', gateId: null }).allowed, true);
      assert.equal(alertAbility(a, { laneId: 'PL-04', gateId: null }).allowed, false);
      assert.equal(alertAbility(a, { laneId: 'PL-04', gateId: 'RG-10' }).allowed, true, 'either owner set');
      assert.equal(alertAbility(a, { laneId: null, gateId: null }).allowed, false);
    });

    it('tokens: the release seat promotes and rolls back, admin retries but does not promote, a service never approves', async () => {
      const hana = (await sessionOf(bearer(tokens.hanaOperate))).abilities;
      assert.equal(hana.actions.promote.allowed, true);
      assert.equal(hana.actions.promote.rule, 'default.release_seats');
      assert.equal(hana.actions.rollback.allowed, true);
      assert.equal(hana.actions.retryEffect.allowed, false);
      assert.equal(alertAbility(hana, { laneId: null, gateId: null }).allowed, true);

      const admin = (await sessionOf(bearer(tokens.jonasAdmin))).abilities;
      assert.deepEqual(
        [
          admin.actions.retryEffect.allowed,
          admin.actions.manageTokens.allowed,
          admin.actions.promote.allowed,
        ],
        [true, true, false],
        'admin manages Lanes (effects, tokens); it does not stand in for the release seats',
      );
      assert.equal(admin.approveGates['RG-10']?.allowed, false, 'admin scope does not widen approval');

      const bot = (await sessionOf(bearer(tokens.ciBot))).abilities;
      assert.equal(bot.approveGates['RG-09']?.rule, 'approve.person');
      assert.equal(bot.actions.promote.allowed, false);

      const reader = (await sessionOf(bearer(tokens.reader))).abilities;
      assert.equal(reader.actions.promote.rule, 'scope.operate');
      assert.equal(reader.triggerLanes['PL-08']?.allowed, false);
    });

    it('what the session says is what the API does', async () => {
      const giulia = (await sessionOf(bearer(tokens.giuliaOperate))).abilities;
      assert.equal(giulia.actions.createRelease.allowed, false);
      const refused = await fetch(`${lanes.url}/api/v1/releases`, {
        method: 'POST',
        headers: { ...bearer(tokens.giuliaOperate), 'content-type': 'application/json' },
        body: JSON.stringify({ version: 'v9.0.0', sha: 'a'.repeat(40) }),
      });
      assert.equal(refused.status, 403);
      const body = (await refused.json()) as { error: { message: string } };
      assert.equal(body.error.message, giulia.actions.createRelease.reason);

      const hana = (await sessionOf(bearer(tokens.hanaOperate))).abilities;
      assert.equal(hana.actions.createRelease.allowed, true);
      const created = await fetch(`${lanes.url}/api/v1/releases`, {
        method: 'POST',
        headers: { ...bearer(tokens.hanaOperate), 'content-type': 'application/json' },
        body: JSON.stringify({ version: 'v9.0.0', sha: 'a'.repeat(40) }),
      });
      assert.notEqual(created.status, 403, await created.clone().text());
    });
  });
}
