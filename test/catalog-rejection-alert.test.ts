// The catalog-rejection alert is an ordinary alert, on both stores: a push of an invalid lanes.yaml opens
// one `catalog_rejected` alert (visible in /api/v1/alerts) and sends it through the catalog's alert routes
// (a local receiver stands for Slack); a second invalid commit counts on the same alert and notifies
// nobody again; a valid catalog accepted from the file resolves it and the routes are told.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertList, CatalogVersionList } from '../src/contract/results.ts';
import type { LanesProcess } from '../src/server.ts';
import type { FakeGitHub } from './helpers/fake-github.ts';
import type { FakeGitRepo } from './helpers/fake-git-contents.ts';
import { startCatalogFromGit } from './helpers/catalog-from-git-harness.ts';
import { example, sendDelivery, STORE_KINDS, waitFor } from './helpers/lanes-harness.ts';

const TOKEN = 'ghp_catalog_rejection_alert';
const REPO = 'acme/checkout';

/** A Slack-compatible receiver on loopback: the messages it was sent, in order. */
async function startReceiver(): Promise<{ url: string; texts: string[]; close: () => Promise<void> }> {
  const texts: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      texts.push((JSON.parse(body) as { text: string }).text);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    texts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function pushPayload(sha: string): Record<string, unknown> {
  const p = example('push');
  Object.assign(p, {
    ref: 'refs/heads/main',
    after: sha,
    commits: [{ id: sha, message: 'catalog change', added: [], removed: [], modified: ['lanes.yaml'] }],
  });
  Object.assign(p.repository as Record<string, unknown>, { full_name: REPO, default_branch: 'main' });
  return p;
}

const broken = (base: string, wf: string) =>
  base.replace(
    '\ngates:',
    `  - id: PL-BROKEN\n    name: broken\n    trigger: { on: manual }\n    run_by: [{ workflow: ${wf} }]\n\ngates:`,
  );

for (const kind of STORE_KINDS) {
  describe(`the catalog-rejection alert is routed like any alert (${kind})`, () => {
    let gh: FakeGitHub;
    let git: FakeGitRepo;
    let lanes: LanesProcess;
    let hook: Awaited<ReturnType<typeof startReceiver>>;
    let admin: string;
    let base: string;

    const rejectionAlerts = async () => {
      const res = await fetch(`${lanes.url}/api/v1/alerts?all=true`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as AlertList).alerts.filter((a) => a.rule === 'catalog_rejected');
    };
    const catalog = async () => {
      const res = await fetch(`${lanes.url}/api/v1/catalog/versions`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      assert.equal(res.status, 200);
      return (await res.json()) as CatalogVersionList;
    };
    const push = async (text: string) => {
      const sha = git.commit({ 'lanes.yaml': text });
      assert.equal((await sendDelivery(lanes.url, 'push', pushPayload(sha))).status, 202);
      await waitFor(async () => (await lanes.store.catalogVersionOfCommit(sha)) ?? false, `${sha} judged`);
      await lanes.outbox.drain();
      return sha;
    };

    before(async () => {
      hook = await startReceiver();
      // The example catalog plus one alert route for critical alerts, pointing at the receiver.
      base = `${readFileSync('examples/multi-repo/lanes.yaml', 'utf8').trimEnd()}\n\nalert_routes:\n  - id: test-hook\n    url: ${hook.url}\n    match: { severity: [critical] }\n`;
      const file = join(mkdtempSync(join(tmpdir(), 'lanes-cat-')), 'lanes.yaml');
      writeFileSync(file, base);
      ({ gh, git, lanes, admin } = await startCatalogFromGit(kind, {
        repo: REPO,
        token: TOKEN,
        catalog: file,
        base,
      }));
    });
    after(async () => {
      await lanes.close();
      await gh.close();
      await hook.close();
    });

    it('opens once, counts a second rejected commit, resolves on a valid catalog; routes told twice', async () => {
      const first = await push(broken(base, 'WF-NOPE'));
      let alerts = await rejectionAlerts();
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]?.status, 'open');
      assert.equal(alerts[0]?.count, 1);
      assert.match(alerts[0]?.detail ?? '', /lanes\.yaml:\d+:\d+: .*WF-NOPE/);
      await waitFor(async () => hook.texts.length >= 1, 'the route is told');
      assert.match(hook.texts[0] ?? '', new RegExp(`lanes\\.yaml at ${first.slice(0, 7)} rejected`));

      // The catalog versions name the active one and the newest rejected one (the dashboard's panel).
      let c = await catalog();
      assert.equal(c.active?.source, 'file');
      assert.equal(c.latestRejected?.commitSha, first);
      assert.ok(c.latestRejected?.errors.some((e) => /^lanes\.yaml:\d+:\d+: .*WF-NOPE/.test(e)));
      assert.equal(c.rejectedSinceActive, true);

      const second = await push(broken(base, 'WF-OTHER'));
      assert.equal((await catalog()).latestRejected?.commitSha, second);
      alerts = await rejectionAlerts();
      assert.equal(alerts.length, 1, 'one incident per file');
      assert.equal(alerts[0]?.count, 2);
      assert.equal(hook.texts.length, 1, 'a counted occurrence notifies nobody again');

      const fixed = await push(base.replace('# ', '#  '));
      c = await catalog();
      assert.equal(c.active?.commitSha, fixed);
      assert.equal(c.latestRejected?.commitSha, second, 'the newest rejection stays listed');
      assert.equal(c.rejectedSinceActive, false);
      alerts = await rejectionAlerts();
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]?.status, 'resolved');
      await waitFor(async () => hook.texts.length >= 2, 'the route is told of the resolution');
      assert.match(hook.texts[1] ?? '', /resolved: lanes\.yaml at/);
      const audit = await lanes.store.listAudit({ limit: 100 });
      assert.ok(audit.some((e) => e.action === 'alert.raised' && e.actor === 'system:catalog'));
      assert.ok(audit.some((e) => e.action === 'alert.auto_resolved' && e.actor === 'system:catalog'));
    });
  });
}
