// The authorisation matrix, generated from the contract's route table (the source of the OpenAPI
// document): every route × every kind of caller, with the status each must get, on both stores. A route
// added to the table without a row here fails the test. No release exists, so an allowed action answers
// with the state's refusal (404/409) while a caller the policy refuses gets 401/403 before anything else.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API, type RouteName } from '../src/contract/routes.ts';
import { hashToken, issueToken } from '../src/http/auth.ts';
import { STORE_KINDS, startTestLanes } from './helpers/lanes-harness.ts';

const CALLERS = [
  'anonymous',
  'expired',
  'revoked',
  'read',
  'rightSeat',
  'otherSeat',
  'service',
  'admin',
] as const;
type Caller = (typeof CALLERS)[number];
type Row = { path: string; body?: unknown; rightSeat: string; status: Partial<Record<Caller, number>> };

const UNAUTH = { anonymous: 401, expired: 401, revoked: 401 } as const;
const READ_OK = { ...UNAUTH, read: 200, rightSeat: 200, otherSeat: 200, service: 200, admin: 200 };

// Per route: a concrete path and body, the person of "the right seat", and the statuses.
const MATRIX: Record<RouteName, Row> = {
  overview: { path: '/api/v1/overview', rightSeat: 'hana', status: READ_OK },
  lanes: { path: '/api/v1/lanes', rightSeat: 'hana', status: READ_OK },
  lane: { path: '/api/v1/lanes/PL-01', rightSeat: 'hana', status: READ_OK },
  workflows: { path: '/api/v1/workflows', rightSeat: 'hana', status: READ_OK },
  workflow: { path: '/api/v1/workflows/WF-01', rightSeat: 'hana', status: READ_OK },
  gates: { path: '/api/v1/gates', rightSeat: 'hana', status: READ_OK },
  gate: { path: '/api/v1/gates/RG-07', rightSeat: 'hana', status: READ_OK },
  releases: { path: '/api/v1/releases', rightSeat: 'hana', status: READ_OK },
  release: {
    path: '/api/v1/releases/rel-none',
    rightSeat: 'hana',
    status: { ...UNAUTH, read: 404, rightSeat: 404, otherSeat: 404, service: 404, admin: 404 },
  },
  alerts: { path: '/api/v1/alerts', rightSeat: 'hana', status: READ_OK },
  audit: { path: '/api/v1/audit', rightSeat: 'hana', status: READ_OK },
  events: { path: '/api/v1/events', rightSeat: 'hana', status: READ_OK },
  triggerLane: {
    path: '/api/v1/lanes/PL-01/trigger',
    body: { ref: 'feature/x', reason: 'rerun' },
    rightSeat: 'hana', // a release seat may start PL-01 on its feature refs; admin scope outside the seats may not
    status: { ...UNAUTH, read: 403, rightSeat: 202, otherSeat: 403, service: 403, admin: 403 },
  },
  approveGate: {
    path: '/api/v1/gates/RG-07/approve',
    body: {},
    rightSeat: 'ivan', // SEAT-RELEASE owns RG-07; no release is open → 404
    status: { ...UNAUTH, read: 403, rightSeat: 404, otherSeat: 403, service: 403, admin: 403 },
  },
  createRelease: {
    path: '/api/v1/releases',
    body: { version: 'v9.9.9', sha: 'c0ffee0000000000000000000000000000000009' },
    rightSeat: 'hana', // allowed, then refused: no green staging build; admin scope does not widen the seats
    status: { ...UNAUTH, read: 403, rightSeat: 409, otherSeat: 403, service: 403, admin: 403 },
  },
  promote: {
    path: '/api/v1/releases/rel-none/promote',
    body: {},
    rightSeat: 'hana',
    status: { ...UNAUTH, read: 403, rightSeat: 404, otherSeat: 403, service: 403, admin: 403 },
  },
  rollback: {
    path: '/api/v1/releases/rel-none/rollback',
    body: { reason: 'r', incident: 'INC-1', owner: 'elena' },
    rightSeat: 'elena', // SEAT-OPS may roll back (policy.rollback)
    status: { ...UNAUTH, read: 403, rightSeat: 404, otherSeat: 403, service: 403, admin: 404 },
  },
  ackAlert: {
    path: '/api/v1/alerts/999/ack',
    body: {},
    rightSeat: 'hana',
    status: { ...UNAUTH, read: 403, rightSeat: 404, otherSeat: 404, service: 404, admin: 404 },
  },
  resolveAlert: {
    path: '/api/v1/alerts/999/resolve',
    body: {},
    rightSeat: 'hana',
    status: { ...UNAUTH, read: 403, rightSeat: 404, otherSeat: 404, service: 404, admin: 404 },
  },
  catalogVersions: { path: '/api/v1/catalog/versions', rightSeat: 'hana', status: READ_OK },
  deliveries: { path: '/api/v1/deliveries?status=ignored', rightSeat: 'hana', status: READ_OK },
  freezes: { path: '/api/v1/freezes', rightSeat: 'hana', status: READ_OK },
  gateSteps: { path: '/api/v1/gate-steps', rightSeat: 'hana', status: READ_OK },
  // who is signed in: every token answers itself; nobody signed in is 401 even with open reads
  session: { path: '/api/v1/session', rightSeat: 'hana', status: READ_OK },
  askGateStep: {
    path: '/api/v1/gate-steps',
    body: { lane: 'PL-08' },
    rightSeat: 'hana', // only a GitHub Actions OIDC token is accepted: every API token is refused
    status: { ...UNAUTH, read: 401, rightSeat: 401, otherSeat: 401, service: 401, admin: 401 },
  },
  reconcile: {
    path: '/api/v1/reconcile',
    body: {},
    rightSeat: 'hana', // admin scope only; without GitHub credentials the admin gets not_configured
    status: { ...UNAUTH, read: 403, rightSeat: 403, otherSeat: 403, service: 403, admin: 503 },
  },
  reportEvidence: {
    path: '/api/v1/evidence',
    body: { check: 'report success', outcome: 'passed', sha: 'c0ffee0000000000000000000000000000000009' },
    rightSeat: 'hana', // SEAT-RELEASE is a declared source of `report success`
    status: { ...UNAUTH, read: 403, rightSeat: 201, otherSeat: 403, service: 403, admin: 403 },
  },
  releaseTimeline: {
    path: '/api/v1/releases/rel-none/timeline',
    rightSeat: 'hana',
    status: { ...UNAUTH, read: 404, rightSeat: 404, otherSeat: 404, service: 404, admin: 404 },
  },
  effects: { path: '/api/v1/effects?state=dead', rightSeat: 'hana', status: READ_OK },
  effect: {
    path: '/api/v1/effects/999',
    rightSeat: 'hana',
    status: { ...UNAUTH, read: 404, rightSeat: 404, otherSeat: 404, service: 404, admin: 404 },
  },
  retryEffect: {
    path: '/api/v1/effects/999/retry',
    body: {},
    rightSeat: 'hana', // admin scope only (policy effect.retry, refusals audited); no effect 999 → 404
    status: { ...UNAUTH, read: 403, rightSeat: 403, otherSeat: 403, service: 403, admin: 404 },
  },
  tokens: {
    path: '/api/v1/tokens',
    rightSeat: 'ivan', // token management is admin scope only, whatever the seat
    status: { ...UNAUTH, read: 403, rightSeat: 403, otherSeat: 403, service: 403, admin: 200 },
  },
  createToken: {
    path: '/api/v1/tokens',
    body: { person: 'giulia', scope: 'read', expiresIn: '1d' },
    rightSeat: 'ivan',
    status: { ...UNAUTH, read: 403, rightSeat: 403, otherSeat: 403, service: 403, admin: 201 },
  },
  revokeToken: {
    path: '/api/v1/tokens/tok_000000000000',
    rightSeat: 'ivan', // allowed for admin, then: no such token
    status: { ...UNAUTH, read: 403, rightSeat: 403, otherSeat: 403, service: 403, admin: 404 },
  },
};

for (const kind of STORE_KINDS) {
  describe(`authorisation matrix (${kind})`, () => {
    let lanes: Awaited<ReturnType<typeof startTestLanes>>;
    const tokens = new Map<string, string>();
    const token = async (person: string, scope: 'read' | 'operate' | 'admin', service?: string) => {
      const k = `${person}:${scope}:${service ?? ''}`;
      let t = tokens.get(k);
      if (!t) {
        const now = new Date();
        t = (
          await issueToken(lanes.store, {
            personId: person,
            name: 't',
            scope,
            now,
            ...(service ? { service } : {}),
          })
        ).token;
        tokens.set(k, t);
      }
      return t;
    };
    before(async () => {
      lanes = await startTestLanes(kind);
    });
    after(async () => {
      await lanes.close();
    });

    it('every route of the table has a row with a status for every caller', () => {
      for (const name of Object.keys(API) as RouteName[]) {
        const row = MATRIX[name];
        assert.ok(row, `route ${name} has no row`);
        for (const c of CALLERS) assert.ok(row.status[c] !== undefined, `${name} × ${c} has no status`);
      }
    });

    it('each caller gets the expected status on each route', async () => {
      const expiredSecret = 'lanes_deadbeef00_expiredexpiredexpired00';
      await lanes.store.createToken({
        id: 'tok_deadbeef00',
        personId: 'hana',
        name: 'old',
        hash: hashToken(expiredSecret),
        scope: 'operate',
        createdAt: '2020-01-01T00:00:00.000Z',
        expiresAt: '2020-02-01T00:00:00.000Z',
        revokedAt: null,
        lastUsedAt: null,
      });
      const revoked = await issueToken(lanes.store, {
        personId: 'hana',
        name: 'r',
        scope: 'operate',
        now: new Date(),
      });
      await lanes.store.revokeToken(revoked.record.id, new Date().toISOString());
      const failures: string[] = [];
      for (const [name, spec] of Object.entries(API) as [RouteName, (typeof API)[RouteName]][]) {
        const row = MATRIX[name];
        for (const caller of CALLERS) {
          const bearer: Record<Caller, () => Promise<string | undefined>> = {
            anonymous: async () => undefined,
            expired: async () => expiredSecret,
            revoked: async () => revoked.token,
            read: () => token('hana', 'read'),
            rightSeat: () => token(row.rightSeat, 'operate'),
            otherSeat: () => token('giulia', 'operate'), // SEAT-PRODUCT
            service: () => token('hana', 'operate', 'ci-bot'),
            admin: () => token('jonas', 'admin'), // SEAT-COMPUTE, admin scope
          };
          const t = await bearer[caller]();
          const ac = new AbortController();
          const res = await fetch(`${lanes.url}${row.path}`, {
            method: spec.method.toUpperCase(),
            headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) },
            ...(spec.method === 'post' ? { body: JSON.stringify(row.body ?? {}) } : {}),
            signal: ac.signal,
          });
          ac.abort(); // the SSE route never ends by itself
          if (res.status !== row.status[caller])
            failures.push(`${name} × ${caller}: ${res.status}, want ${row.status[caller]}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
