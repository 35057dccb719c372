// The overview's Catalog panel in a real browser (Chromium), against a real Lanes server that follows
// lanes.yaml in Git (the local GitHub stand-in serves the repository): the active version is shown; after a
// push of an invalid file the newest rejected version appears with its file:line:col errors as a current
// problem; after a valid push it is shown as history and the new version is active. Screenshots go to
// LANES_SCREENSHOTS when set. Needs `npm run build:web` first.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { LanesProcess } from '../src/server.ts';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.ts';
import { fakeGitRepo, type FakeGitRepo } from './helpers/fake-git-contents.ts';
import { example, sendDelivery, startTestLanes, waitFor } from './helpers/lanes-harness.ts';
import { launchChromium } from './helpers/chromium.ts';

const TOKEN = 'ghp_dashboard_catalog';
const REPO = 'acme/checkout';
const SHOTS = process.env.LANES_SCREENSHOTS;
const BASE = readFileSync('examples/multi-repo/lanes.yaml', 'utf8');
const BROKEN = BASE.replace(
  '\ngates:',
  `  - id: PL-BROKEN\n    name: broken\n    trigger: { on: manual }\n    run_by: [{ workflow: WF-NOPE }]\n\ngates:`,
);
const BROKEN_LINE = BROKEN.split('\n').findIndex((l) => l.includes('WF-NOPE')) + 1;

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

describe('the Catalog panel in Chromium', () => {
  let gh: FakeGitHub;
  let git: FakeGitRepo;
  let lanes: LanesProcess;
  let browser: Browser;
  let page: Page;

  const push = async (text: string) => {
    const sha = git.commit({ 'lanes.yaml': text });
    assert.equal((await sendDelivery(lanes.url, 'push', pushPayload(sha))).status, 202);
    await waitFor(async () => (await lanes.store.catalogVersionOfCommit(sha)) ?? false, `${sha} judged`);
    return sha;
  };

  before(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
    git = fakeGitRepo(REPO);
    git.commit({ 'lanes.yaml': BASE });
    gh.setResponder(git.responder);
    lanes = await startTestLanes('sqlite', {
      catalog: 'examples/multi-repo/lanes.yaml',
      githubApiUrl: gh.url,
      githubToken: TOKEN,
      reconcileIntervalS: 0,
      catalogRepo: REPO,
      catalogPath: 'lanes.yaml',
      openReads: true,
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await lanes?.close();
    await gh?.close();
  });

  it('shows the active version, then a rejected one with file:line:col, then that rejection as history', async () => {
    await page.goto(`${lanes.url}/`);
    const active = page.getByTestId('catalog-active');
    await active.waitFor({ timeout: 15_000 });
    assert.match(
      await active.innerText(),
      /Active: version 1 — examples\/multi-repo\/lanes\.yaml \(file at start-up\)/,
    );
    assert.equal(await page.getByTestId('catalog-rejected').count(), 0);

    const bad = await push(BROKEN);
    await page.reload();
    const rejected = page.getByTestId('catalog-rejected');
    await rejected.waitFor({ timeout: 15_000 });
    assert.equal(await rejected.getAttribute('data-current'), 'true');
    const text = await rejected.innerText();
    assert.match(text, new RegExp(`Rejected: version \\d+ — lanes\\.yaml at ${REPO}@${bad.slice(0, 7)}`));
    assert.match(text, /previous catalog stays in force/);
    assert.match(
      await page.getByTestId('catalog-errors').innerText(),
      new RegExp(`lanes\\.yaml:${BROKEN_LINE}:\\d+: .*WF-NOPE`),
    );
    assert.match(await active.innerText(), /Active: version 1 /);
    if (SHOTS) {
      await page.getByTestId('section-catalog').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/leftovers-catalog-rejected.png` });
    }

    const good = await push(BASE.replace('# ', '#  '));
    await page.reload();
    await page.getByTestId('catalog-rejected').waitFor({ timeout: 15_000 });
    await waitFor(
      async () => (await page.getByTestId('catalog-active').innerText()).includes(good.slice(0, 7)),
      'the new version is shown active',
    );
    assert.equal(await page.getByTestId('catalog-rejected').getAttribute('data-current'), 'false');
    assert.match(
      await page.getByTestId('catalog-rejected').innerText(),
      /Last rejected: version \d+ \(since replaced/,
    );
    if (SHOTS) {
      await page.getByTestId('section-catalog').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/leftovers-catalog-replaced.png` });
    }
  });
});
