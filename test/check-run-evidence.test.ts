// GitHub check runs as evidence, end to end over signed webhook deliveries (GitHub's published check_run
// shape with our fields set) on both stores. The catalog is the example one with `secret scan` declared as
// reported by its workflow (WF-01) or by the GitHub App `secret-scanner`, and a second listed repository.
// A failing check run of that App blocks RG-02 (which requires the check), a newer passing one passes it.
// Check runs that do not count — another App, GitHub Actions, a check the catalog does not name, another
// repository (listed or not), no App at all — are stored, marked ignored with their reason, counted in
// /metrics, and change no evidence and no gate.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STORE_KINDS, example, sendDelivery } from './helpers/lanes-harness.ts';
import { sendGreenStaging } from './helpers/github-events.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';

const T0 = '2026-04-01T08:00:00.000Z'; // a Wednesday: no freeze window
const SHA = 'c0ffee00000000000000000000000000000000c1';
const APP = 'secret-scanner';

/** The example catalog, with `secret scan` declared (WF-01 or the App) and nata-onl/pulse listed. */
function scenarioCatalog(): string {
  let yaml = readFileSync('examples/ops/lanes.yaml', 'utf8');
  const repo = 'repository: nata-onl/ops\n';
  const checks = '\nchecks:\n';
  assert.ok(yaml.includes(repo) && yaml.includes(checks), 'the example catalog changed shape');
  yaml = yaml.replace(repo, `${repo}repositories: [nata-onl/pulse]\n`);
  yaml = yaml.replace(
    checks,
    `${checks}  - name: secret scan\n    sources: [{ github: { workflow: WF-01 } }, { github: { app: ${APP} } }]\n`,
  );
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lanes-checkrun-')), 'lanes.yaml');
  writeFileSync(file, yaml);
  return file;
}

type Json = Record<string, unknown>;
let nextId = 31_000_000;

/** A completed check_run delivery (GitHub's published example with our fields set). */
function checkRun(o: {
  name: string;
  conclusion: 'success' | 'failure';
  at: string;
  app?: string | null;
  repo?: string;
  sha?: string;
}): Json {
  const p = example('check_run', 0);
  const cr = p.check_run as Json;
  const app = o.app === undefined ? APP : o.app;
  const appObj = { ...(cr.app as Json) };
  if (app === null) delete appObj.slug;
  else appObj.slug = app;
  Object.assign(cr, {
    id: nextId++,
    name: o.name,
    head_sha: o.sha ?? SHA,
    status: 'completed',
    conclusion: o.conclusion,
    started_at: o.at,
    completed_at: o.at,
    app: appObj,
  });
  p.action = 'completed';
  (p.repository as Json).full_name = o.repo ?? 'nata-onl/ops';
  return p;
}

for (const kind of STORE_KINDS) {
  describe(`check runs as evidence (${kind})`, () => {
    let h: ReleaseHarness;
    const rg02 = async () => {
      const gates = (await h.api('hana', 'GET', '/api/v1/releases/rel-v1.0.0')).body.gates as Json[];
      const g = gates.find((x) => x.id === 'RG-02');
      const scan = (g?.criteria as Json[]).find((c) => c.name === 'secret scan');
      return { gate: g?.state, scan: scan?.state };
    };
    const send = async (payload: Json) => {
      const r = await sendDelivery(h.lanes.url, 'check_run', payload);
      assert.equal(r.status, 202);
      await h.settle();
      return r.guid;
    };
    const delivery = async (guid: string) => {
      const rows = (await h.api('hana', 'GET', '/api/v1/deliveries?limit=500')).body.deliveries as Json[];
      return rows.find((d) => d.guid === guid);
    };
    const checkRunEvidence = async () =>
      (await h.lanes.store.listEvidence({ shas: [SHA] })).filter((e) => e.source === 'check_run');

    before(async () => {
      h = await releaseHarness(kind, T0, { catalog: scenarioCatalog() });
      await sendGreenStaging(h.lanes.url, SHA, '2026-04-01T07:00:00Z');
      await h.settle();
      const rel = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v1.0.0', sha: SHA });
      assert.equal(rel.status, 201, JSON.stringify(rel.body));
    });
    after(async () => {
      await h.close();
    });

    it('ignores, with its reason, every check run that may not report the check', async () => {
      assert.deepEqual(await rg02(), { gate: 'passed', scan: 'passed' }, 'WF-01 reported secret scan');
      const failing = (o: Partial<Parameters<typeof checkRun>[0]>) =>
        checkRun({ name: 'secret scan', conclusion: 'failure', at: '2026-04-01T08:01:00Z', ...o });
      const cases: [string, Json, string, RegExp][] = [
        ['another App', failing({ app: 'octo-linter' }), 'source_not_allowed', /octo-linter.*secret-scanner/],
        ['GitHub Actions', failing({ app: 'github-actions' }), 'actions_check_run', /workflow_job/],
        ['no App named', failing({ app: null }), 'source_not_allowed', /may not report "secret scan"/],
        [
          'another listed repository',
          failing({ repo: 'nata-onl/pulse' }),
          'source_not_allowed',
          /check_run:nata-onl\/pulse:secret-scanner/,
        ],
        ['a foreign repository', failing({ repo: 'evil-org/ops' }), 'unknown_repository', /evil-org\/ops/],
        [
          'a check the catalog does not name',
          checkRun({ name: 'made up', conclusion: 'failure', at: '2026-04-01T08:01:00Z' }),
          'check_not_in_catalog',
          /"made up"/,
        ],
      ];
      for (const [name, payload, reason, error] of cases) {
        const guid = await send(payload);
        const row = await delivery(guid);
        assert.equal(row?.status, 'ignored', name);
        assert.equal(row.ignoredReason, reason, name);
        assert.match(String(row.error), error, name);
      }
      assert.deepEqual(await checkRunEvidence(), [], 'no evidence kept');
      assert.deepEqual(await rg02(), { gate: 'passed', scan: 'passed' }, 'no gate changed');
      const audit = (await h.api('admin:jonas', 'GET', '/api/v1/audit?objectType=evidence&limit=500')).body
        .events as Json[];
      assert.equal(audit.filter((e) => String(e.objectId).startsWith('check_run:')).length, 0);
      const metrics = await (await fetch(`${h.lanes.url}/metrics`)).text();
      for (const [reason, n] of [
        ['source_not_allowed', 3],
        ['actions_check_run', 1],
        ['unknown_repository', 1],
        ['check_not_in_catalog', 1],
      ] as const)
        assert.match(metrics, new RegExp(`lanes_deliveries_ignored_total\\{reason="${reason}"\\} ${n}\\b`));
    });

    it('a failing check run of the allowed App blocks the gate; a newer passing one passes it', async () => {
      const failed = await send(
        checkRun({ name: 'secret scan', conclusion: 'failure', at: '2026-04-01T08:02:00Z' }),
      );
      assert.equal((await delivery(failed))?.status, 'processed');
      assert.deepEqual(await rg02(), { gate: 'blocked', scan: 'failed' });
      const [ev] = await checkRunEvidence();
      assert.equal(ev?.provenance, `check_run:nata-onl/ops:${APP}`);
      assert.equal(ev?.authority, 'github');
      assert.equal(ev?.reportedBy, APP);

      await h.advance(1);
      const passed = await send(
        checkRun({ name: 'secret scan', conclusion: 'success', at: '2026-04-01T08:03:00Z' }),
      );
      assert.equal((await delivery(passed))?.status, 'processed');
      assert.deepEqual(await rg02(), { gate: 'passed', scan: 'passed' });
      const audit = (await h.api('admin:jonas', 'GET', '/api/v1/audit?objectType=evidence&limit=500')).body
        .events as Json[];
      assert.equal(audit.filter((e) => String(e.objectId).startsWith('check_run:')).length, 2);
    });
  });
}
