import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decide,
  freeTrigger,
  isReleaseFlowLane,
  type Identity,
  type PolicyRequest,
} from '../src/core/policy.ts';
import { smallCatalog, SMALL_YAML } from './helpers/small-catalog.ts';
import { seatsOf } from '../src/core/release-model.ts';

const c = smallCatalog();
const person = (login: string, scope: Identity['scope'] = 'operate'): Identity => ({
  kind: 'person',
  login,
  seats: seatsOf(c, login),
  scope,
});
const service = (name: string, scope: Identity['scope'] = 'operate'): Identity => ({
  kind: 'service',
  name,
  scope,
});

const rita = person('rita'); // SEAT-SHIP (release seat)
const sam = person('sam'); // SEAT-SHIP + SEAT-QA
const quinn = person('quinn'); // SEAT-QA
const dora = person('dora'); // SEAT-DB
const outsider = person('mallory'); // no seat
const root = person('root', 'admin'); // admin, no seat
const reader = person('quinn', 'read');
const ci = service('ci');
const qaBot = service('qa-bot');

type Row = [string, Identity, PolicyRequest, true | [code: string, rule: string]];
const T = true as const;
const create = { action: 'release.create' } as const;
const approve = (gate: string, createdBy: string | null): PolicyRequest => ({
  action: 'gate.approve',
  gate,
  release: { createdBy },
});
const trigger = (lane: string, ref: string): PolicyRequest => ({ action: 'lane.trigger', lane, ref });
const ack = (subject: { laneId?: string; gateId?: string }): PolicyRequest => ({
  action: 'alert.acknowledge',
  subject,
});

const rows: Row[] = [
  // release actions: the release seats by default; admin scope does not widen that (issue 10: admin is for
  // managing Lanes, not for bypassing seats), unless the catalog lists `admin`
  ['release seat creates', rita, create, T],
  [
    'admin outside the release seats may not create',
    root,
    create,
    ['policy_denied', 'default.release_seats'],
  ],
  [
    'admin outside the release seats may not promote',
    root,
    { action: 'release.promote' },
    ['policy_denied', 'default.release_seats'],
  ],
  [
    'admin outside the release seats may not roll back',
    root,
    { action: 'release.rollback' },
    ['policy_denied', 'default.release_seats'],
  ],
  [
    'admin in a release seat promotes (as the seat)',
    { ...rita, scope: 'admin' },
    { action: 'release.promote' },
    T,
  ],
  ['person in another seat may not create', quinn, create, ['policy_denied', 'default.release_seats']],
  ['person in no seat may not create', outsider, create, ['policy_denied', 'default.release_seats']],
  ['service not listed may not create', ci, create, ['policy_denied', 'default.release_seats']],
  ['read scope may do nothing', reader, create, ['insufficient_scope', 'scope.operate']],
  ['release seat promotes', sam, { action: 'release.promote' }, T],
  [
    'another seat may not promote',
    dora,
    { action: 'release.promote' },
    ['policy_denied', 'default.release_seats'],
  ],
  ['release seat rolls back', rita, { action: 'release.rollback' }, T],
  [
    'service may not roll back',
    qaBot,
    { action: 'release.rollback' },
    ['policy_denied', 'default.release_seats'],
  ],
  // approvals
  ['owner seat member approves', quinn, approve('RG-WATCH', 'rita'), T],
  ['service never approves', ci, approve('RG-SHIP', 'rita'), ['service_cannot_approve', 'approve.person']],
  [
    'admin outside the seat may not approve',
    root,
    approve('RG-SHIP', 'rita'),
    ['not_seat_member', 'approve.owner_seat'],
  ],
  [
    'the person behind the release may not approve',
    rita,
    approve('RG-SHIP', 'rita'),
    ['self_approval', 'approve.self'],
  ],
  [
    'another member of the seat approves a service-created release for rita',
    sam,
    approve('RG-SHIP', 'rita'),
    T,
  ],
  ['unknown gate', quinn, approve('RG-NOPE', 'rita'), ['not_found', 'approve.gate']],
  // triggers
  [
    'flow lane only through the release flow',
    rita,
    trigger('PL-QA', 'trunk'),
    ['lane_not_triggerable', 'trigger.release_flow'],
  ],
  [
    'production lane only through the release flow',
    root,
    trigger('PL-LIVE', 'r1'),
    ['lane_not_triggerable', 'trigger.release_flow'],
  ],
  [
    'rollback lane only through the release flow',
    rita,
    trigger('PL-BACK', 'trunk'),
    ['lane_not_triggerable', 'trigger.release_flow'],
  ],
  [
    'drill lane only through its schedule',
    rita,
    trigger('PL-DRILL', 'trunk'),
    ['lane_not_triggerable', 'trigger.release_flow'],
  ],
  ['policy rule: seat on an allowed ref', quinn, trigger('PL-TOOLS', 'refs/heads/topic/x'), T],
  ['policy rule: service on an allowed ref', ci, trigger('PL-TOOLS', 'trunk'), T],
  [
    'policy rule: not on another ref',
    quinn,
    trigger('PL-TOOLS', 'refs/heads/untrusted'),
    ['policy_denied', 'policy.trigger.refs'],
  ],
  [
    'policy rule: release seat is not listed',
    rita,
    trigger('PL-TOOLS', 'trunk'),
    ['policy_denied', 'policy.trigger'],
  ],
  ['default rule: lane owners on the lane branches', quinn, trigger('PL-CI', 'topic/a'), T],
  [
    'default rule: not on a branch outside the trigger',
    quinn,
    trigger('PL-CI', 'main'),
    ['policy_denied', 'default.trigger.refs'],
  ],
  [
    'default rule: a seat that owns nothing on the lane',
    dora,
    trigger('PL-CI', 'topic/a'),
    ['policy_denied', 'default.trigger'],
  ],
  // evidence
  [
    'listed service reports its check',
    qaBot,
    { action: 'evidence.post', check: 'qa smoke', claim: { kind: 'service', name: 'qa-bot' } },
    T,
  ],
  [
    'a person of the listed seat reports',
    quinn,
    {
      action: 'evidence.post',
      check: 'qa smoke',
      claim: { kind: 'person', login: 'quinn', seats: ['SEAT-QA'] },
    },
    T,
  ],
  [
    'a person of another seat may not',
    rita,
    {
      action: 'evidence.post',
      check: 'qa smoke',
      claim: { kind: 'person', login: 'rita', seats: ['SEAT-SHIP'] },
    },
    ['evidence_source_not_allowed', 'evidence.sources'],
  ],
  [
    'another service may not',
    ci,
    { action: 'evidence.post', check: 'tests', claim: { kind: 'service', name: 'ci' } },
    ['evidence_source_not_allowed', 'evidence.sources'],
  ],
  // alerts: owners of the subject + release seats (admin scope alone does not widen it)
  [
    'admin outside the owners and release seats may not acknowledge',
    root,
    ack({ laneId: 'PL-LIVE' }),
    ['policy_denied', 'default.alert_owners'],
  ],
  ['gate owner acknowledges a gate alert', quinn, ack({ gateId: 'RG-WATCH' }), T],
  ['lane owner acknowledges a lane alert', quinn, ack({ laneId: 'PL-LIVE' }), T],
  ['release seat acknowledges any alert', rita, ack({ laneId: 'PL-CI' }), T],
  [
    'a seat unrelated to the alert may not',
    dora,
    ack({ laneId: 'PL-LIVE' }),
    ['policy_denied', 'default.alert_owners'],
  ],
  [
    'a person in no seat may not resolve',
    outsider,
    { action: 'alert.resolve', subject: { gateId: 'RG-SHIP' } },
    ['policy_denied', 'default.alert_owners'],
  ],
  // admin-only actions
  ['operate may not manage tokens', rita, { action: 'token.manage' }, ['insufficient_scope', 'scope.admin']],
  ['admin manages tokens', root, { action: 'token.manage' }, T],
  [
    'operate may not override a freeze',
    rita,
    { action: 'freeze.override', lane: 'PL-LIVE' },
    ['insufficient_scope', 'scope.admin'],
  ],
  ['admin overrides a freeze', root, { action: 'freeze.override', lane: 'PL-LIVE' }, T],
  ['operate may not retry an effect', sam, { action: 'effect.retry' }, ['insufficient_scope', 'scope.admin']],
  ['admin service retries an effect', service('ops', 'admin'), { action: 'effect.retry' }, T],
];

void test('decide: every identity × action on a small catalog of our own', () => {
  for (const [name, identity, req, want] of rows) {
    const d = decide(c, identity, req);
    if (want === true) assert.deepEqual(d.ok, true, `${name}: ${d.ok ? '' : d.message}`);
    else {
      assert.equal(d.ok, false, name);
      if (!d.ok) {
        assert.deepEqual([d.code, d.rule], want, `${name}: ${d.message}`);
        assert.ok(d.message.length > 0);
      }
    }
  }
});

void test('a declared policy replaces the defaults', () => {
  const declared = smallCatalog(
    SMALL_YAML.replace(
      '  release_seats: [SEAT-SHIP]\n',
      '  release_seats: [SEAT-SHIP]\n  create_release: [service:ci]\n  alerts: [SEAT-DB]\n  manage_tokens: [SEAT-DB]\n',
    ),
  );
  const cases: [string, Identity, PolicyRequest, boolean][] = [
    ['listed service creates', ci, create, true],
    ['release seat no longer creates', rita, create, false],
    ['release seat still promotes (default)', rita, { action: 'release.promote' }, true],
    ['alerts: only the listed seat', dora, ack({ laneId: 'PL-CI' }), true],
    ['alerts: owners no longer', quinn, ack({ laneId: 'PL-CI' }), false],
    [
      'tokens: admin in the listed seat',
      { ...person('dora'), scope: 'admin' },
      { action: 'token.manage' },
      true,
    ],
    ['tokens: admin outside the listed seat', root, { action: 'token.manage' }, false],
  ];
  for (const [name, identity, req, ok] of cases) assert.equal(decide(declared, identity, req).ok, ok, name);
});

void test('admin runs releases when the catalog says so (a principal `admin` listed)', () => {
  const declared = smallCatalog(
    SMALL_YAML.replace(
      '  release_seats: [SEAT-SHIP]\n',
      '  release_seats: [SEAT-SHIP]\n  rollback: [SEAT-SHIP, admin]\n',
    ),
  );
  const cases: [string, Identity, PolicyRequest, boolean][] = [
    ['listed admin rolls back', root, { action: 'release.rollback' }, true],
    ['admin still may not promote (default: the release seats)', root, { action: 'release.promote' }, false],
    ['an operate token outside the seats may not roll back', outsider, { action: 'release.rollback' }, false],
  ];
  for (const [name, identity, req, ok] of cases) assert.equal(decide(declared, identity, req).ok, ok, name);
});

void test('without a policy section nobody but admin runs releases (safe default)', () => {
  const none = smallCatalog(SMALL_YAML.replace(/\npolicy:\n[\s\S]*$/, '\n'));
  assert.equal(none.policy, undefined);
  assert.equal(decide(none, rita, create).ok, false);
  assert.equal(decide(none, root, create).ok, true);
  assert.equal(decide(none, quinn, trigger('PL-TOOLS', 'trunk')).ok, false, 'a manual lane with no refs');
});

void test('freeTrigger: the catalog answer the dashboard shows, consistent with decide for every lane', () => {
  for (const lane of c.lanes) {
    const f = freeTrigger(c, lane);
    // Someone every principal matches (all seats, admin scope): only the lane and the ref decide.
    const everyone: Identity = {
      kind: 'person',
      login: 'all',
      seats: c.seats.map((x) => x.id),
      scope: 'admin',
    };
    const asAdmin = (ref: string) => decide(c, everyone, { action: 'lane.trigger', lane: lane.id, ref });
    if (!f.allowed) {
      assert.equal(f.refs.length, 0, lane.id);
      assert.ok(f.reason, `${lane.id} says why`);
      // Nobody may trigger it, on any ref.
      for (const ref of ['main', 'refs/heads/untrusted-branch', 'v1.0.0'])
        assert.equal(asAdmin(ref).ok, false, `${lane.id} on ${ref}`);
      continue;
    }
    assert.ok(f.refs.length > 0, lane.id);
    assert.equal(asAdmin('refs/heads/untrusted-branch').ok, false, `${lane.id} off its refs`);
    for (const pattern of f.refs) {
      const ref = pattern.replace(/\*+/g, 'x');
      assert.equal(asAdmin(ref).ok, true, `${lane.id} on ${ref} (${pattern})`);
    }
  }
  const released = c.lanes.filter((l) => isReleaseFlowLane(c, l));
  assert.ok(
    released.length > 0 && released.every((l) => /release flow/.test(freeTrigger(c, l).reason ?? '')),
  );
  assert.ok(
    c.lanes.some((l) => freeTrigger(c, l).allowed),
    'the small catalog has a free lane',
  );
});
