// Catalog from Git (issue 12, deliverable 4) on both stores, through the signed webhook path and the local
// GitHub stand-in serving the repository's contents: a push that changes lanes.yaml swaps the catalog (the
// version list shows it active, a lane it adds is listed, a later decision's audit names it); an invalid
// push keeps the previous catalog, raises an alert with file:line:col and posts a failing `lanes/catalog`
// status on that commit; a reconcile pass picks up a change no push announced.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { issueToken } from '../src/http/auth.ts';
import type { AlertList, AuditList, CatalogVersionList, LaneList } from '../src/contract/results.ts';
import type { FakeGitHub } from './helpers/fake-github.ts';
import type { FakeGitRepo } from './helpers/fake-git-contents.ts';
import { startCatalogFromGit } from './helpers/catalog-from-git-harness.ts';
import { example, sendDelivery, STORE_KINDS, waitFor } from './helpers/lanes-harness.ts';
import type { LanesProcess } from '../src/server.ts';

const TOKEN = 'ghp_catalog_from_git_token';
const REPO = 'acme/checkout';
const BASE = readFileSync('examples/multi-repo/lanes.yaml', 'utf8');
/** The base catalog with one more lane. */
const WITH_LINT = BASE.replace(
  '\ngates:',
  `  - id: PL-LINT
    name: lint
    trigger: { on: push, branches: [main] }
    run_by: [{ workflow: WF-CI }]

gates:`,
);
/** A lane bound to a workflow the catalog does not declare: an error at a known line and column. */
const BROKEN = BASE.replace(
  '\ngates:',
  `  - id: PL-BROKEN
    name: broken
    trigger: { on: manual }
    run_by: [{ workflow: WF-NOPE }]

gates:`,
);
const BROKEN_LINE = BROKEN.split('\n').findIndex((l) => l.includes('WF-NOPE')) + 1;

function pushPayload(sha: string, touched: string[]): Record<string, unknown> {
  const p = example('push');
  Object.assign(p, {
    ref: 'refs/heads/main',
    after: sha,
    commits: [{ id: sha, message: 'catalog change', added: [], removed: [], modified: touched }],
  });
  Object.assign(p.repository as Record<string, unknown>, { full_name: REPO, default_branch: 'main' });
  return p;
}

for (const kind of STORE_KINDS) {
  describe(`catalog from Git on ${kind}`, () => {
    let gh: FakeGitHub;
    let git: FakeGitRepo;
    let lanes: LanesProcess;
    let admin: string;
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${lanes.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as T;
    };
    const versions = async () => (await get<CatalogVersionList>('/api/v1/catalog/versions')).versions;
    const judged = (sha: string) =>
      waitFor(async () => (await lanes.store.catalogVersionOfCommit(sha)) ?? false, `commit ${sha} judged`);
    const statusesOn = (sha: string) =>
      gh.calls.filter((c) => c.method === 'POST' && c.path === `/repos/${REPO}/statuses/${sha}`);

    before(async () => {
      ({ gh, git, lanes, admin } = await startCatalogFromGit(kind, {
        repo: REPO,
        token: TOKEN,
        catalog: 'examples/multi-repo/lanes.yaml',
        base: BASE,
      }));
    });
    after(async () => {
      await lanes.close();
      await gh.close();
    });

    it('a push that changes lanes.yaml swaps the catalog; later decisions are audited with it', async () => {
      const before = await versions();
      assert.equal(before.length, 1);
      assert.equal(before[0]?.source, 'file');
      const sha = git.commit({ 'lanes.yaml': WITH_LINT });
      const res = await sendDelivery(lanes.url, 'push', pushPayload(sha, ['lanes.yaml']));
      assert.equal(res.status, 202);
      const v = await judged(sha);
      assert.equal(v.status, 'accepted');
      const list = await versions();
      const active = list.find((x) => x.active);
      assert.deepEqual(
        { id: active?.id, source: active?.source, commit: active?.commitSha, status: active?.status },
        { id: v.id, source: 'git', commit: sha, status: 'accepted' },
      );
      const lanesNow = (await get<LaneList>('/api/v1/lanes')).lanes.map((l) => l.id);
      assert.ok(lanesNow.includes('PL-LINT'), lanesNow.join(','));
      await waitFor(async () => statusesOn(sha).length > 0, 'success status');
      assert.equal((statusesOn(sha)[0]?.json as { state: string; context: string }).state, 'success');

      // A decision after the swap: its audit entry names the version that decided it.
      const operate = (
        await issueToken(lanes.store, { personId: 'rita', name: 'o', scope: 'operate', now: new Date() })
      ).token;
      const trig = await fetch(`${lanes.url}/api/v1/lanes/PL-SMOKE/trigger`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operate}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'smoke on the new catalog' }),
      });
      assert.equal(trig.status, 202, await trig.clone().text());
      const audit = await get<AuditList>('/api/v1/audit?objectType=lane&objectId=PL-SMOKE');
      const entry = audit.events.find((e) => e.action === 'lane.triggered');
      assert.equal(entry?.catalogVersion, v.id);
    });

    it('a push of an invalid lanes.yaml keeps the catalog, alerts with file:line:col, fails lanes/catalog', async () => {
      const activeBefore = (await versions()).find((x) => x.active)?.id;
      const sha = git.commit({ 'lanes.yaml': BROKEN });
      await sendDelivery(lanes.url, 'push', pushPayload(sha, ['lanes.yaml']));
      const v = await judged(sha);
      assert.equal(v.status, 'rejected');
      assert.ok(
        v.errors.some((e) => e.startsWith(`lanes.yaml:${BROKEN_LINE}:`)),
        v.errors.join('\n'),
      );
      const list = await versions();
      assert.equal(list.find((x) => x.active)?.id, activeBefore, 'the previous catalog stays active');
      assert.equal(list.find((x) => x.id === v.id)?.status, 'rejected');
      const lanesNow = (await get<LaneList>('/api/v1/lanes')).lanes.map((l) => l.id);
      assert.ok(!lanesNow.includes('PL-BROKEN') && lanesNow.includes('PL-LINT'));
      const alerts = (await get<AlertList>('/api/v1/alerts')).alerts.filter(
        (a) => a.rule === 'catalog_rejected',
      );
      assert.equal(alerts.length, 1);
      assert.match(alerts[0]?.detail ?? '', new RegExp(`lanes\\.yaml:${BROKEN_LINE}:\\d+: .*WF-NOPE`));
      await waitFor(async () => statusesOn(sha).length > 0, 'failing status');
      const status = statusesOn(sha)[0]?.json as { state: string; context: string; description: string };
      assert.deepEqual([status.state, status.context], ['failure', 'lanes/catalog']);
      assert.match(status.description, new RegExp(`lanes\\.yaml:${BROKEN_LINE}:`));
      // A redelivery of the same push judges nothing twice.
      await sendDelivery(lanes.url, 'push', pushPayload(sha, ['lanes.yaml']));
      await lanes.worker.drain();
      await lanes.outbox.drain();
      assert.equal((await versions()).filter((x) => x.commitSha === sha).length, 1);
    });

    it('a push that does not touch lanes.yaml fetches nothing', async () => {
      const sha = git.commit({ 'README.md': 'docs' });
      await sendDelivery(lanes.url, 'push', pushPayload(sha, ['README.md']));
      await lanes.worker.drain();
      await lanes.outbox.drain();
      assert.equal(await lanes.store.catalogVersionOfCommit(sha), undefined);
      assert.equal(gh.calls.filter((c) => c.path.includes('/contents/') && c.query.ref === sha).length, 0);
    });

    it('reconcile picks up a change no push announced, and resolves the rejection alert', async () => {
      const fixed = WITH_LINT.replace('name: lint', 'name: lint-all');
      const sha = git.commit({ 'lanes.yaml': fixed });
      assert.ok(lanes.reconciler, 'reconciler configured');
      const pass = await lanes.reconciler.runOnce();
      const src = pass.sources.find((s) => s.source === `catalog:${REPO}`);
      assert.deepEqual([src?.found, src?.filled], [1, 1]);
      const v = await judged(sha);
      assert.equal(v.status, 'accepted');
      assert.equal((await versions()).find((x) => x.active)?.commitSha, sha);
      const lint = (await get<LaneList>('/api/v1/lanes')).lanes.find((l) => l.id === 'PL-LINT');
      assert.equal(lint?.name, 'lint-all');
      const live = (await get<AlertList>('/api/v1/alerts')).alerts.filter(
        (a) => a.rule === 'catalog_rejected',
      );
      assert.equal(live.length, 0);
      // Nothing new at the head: the next pass finds nothing.
      const again = (await lanes.reconciler.runOnce()).sources.find((s) => s.source === `catalog:${REPO}`);
      assert.equal(again?.found, 0);
    });
  });
}
