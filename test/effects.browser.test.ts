// The release page's Effects section in a real browser (Chromium) against a real Lanes server holding the
// demo history (no GitHub configured, so its effects wait in the outbox): each effect of the release shows
// with its state; a dead one has a Retry button; an operate token is refused with the API's code, an admin
// token re-queues it (same key) and the pill moves on. Needs `npm run build:web` first.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoClock, loadDemo } from '../src/cli/demo-loader.ts';
import { issueToken } from '../src/http/auth.ts';
import type { LanesProcess } from '../src/server.ts';
import { SECRET, startTestLanes } from './helpers/lanes-harness.ts';
import { launchChromium } from './helpers/chromium.ts';

const RELEASE = 'rel-v1.4.0';

describe('the Effects section in Chromium', () => {
  let lanes: LanesProcess;
  let browser: Browser;
  let deadId = 0;
  const contexts: BrowserContext[] = [];
  const tokens: Record<string, string> = {};

  async function pageAs(token: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(ctx);
    await ctx.addInitScript((t) => window.localStorage.setItem('lanes-token', t), token);
    return ctx.newPage();
  }

  before(async () => {
    lanes = await startTestLanes('sqlite', { openReads: true }, { clock: demoClock() });
    const res = await loadDemo(lanes, SECRET);
    assert.equal(res.replay.failed.length, 0);
    const now = new Date();
    tokens.operate = (
      await issueToken(lanes.store, { personId: 'hana', name: 'b', scope: 'operate', now })
    ).token;
    tokens.admin = (
      await issueToken(lanes.store, { personId: 'jonas', name: 'b', scope: 'admin', now })
    ).token;
    // The outbox worker gives up on one of the release's effects (what 8 failed attempts would do).
    const [effect] = await lanes.store.listOutbox({ releaseId: RELEASE, limit: 1 });
    assert.ok(effect, 'the demo release has effects');
    deadId = effect.id;
    await lanes.store.transaction((tx) =>
      tx.markOutboxDead(deadId, 'HTTP 502: bad gateway', demoClock()().toISOString()),
    );
    browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await lanes?.close();
  });

  it('shows the release’s effects with their state; an operator’s retry is refused with the code', async () => {
    const page = await pageAs(tokens.operate ?? '');
    await page.goto(`${lanes.url}/releases/${RELEASE}`);
    const section = page.getByTestId('section-release-effects');
    await section.waitFor({ timeout: 15_000 });
    await page.getByTestId(`effect-state-${deadId}`).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId(`effect-state-${deadId}`).getAttribute('data-status'), 'dead');
    const rows = await section.locator('tbody tr').count();
    assert.ok(rows >= 1);
    await page.getByTestId(`effect-retry-button-${deadId}`).click();
    const msg = page.getByTestId(`effect-retry-result-${deadId}`);
    await msg.waitFor({ timeout: 10_000 });
    assert.equal(await msg.getAttribute('data-code'), 'insufficient_scope');
    assert.equal((await lanes.store.getOutbox(deadId))?.status, 'dead');
  });

  it('an admin’s retry re-queues it with the same key; the pill leaves dead', async () => {
    const page = await pageAs(tokens.admin ?? '');
    await page.goto(`${lanes.url}/releases/${RELEASE}`);
    await page.getByTestId(`effect-retry-button-${deadId}`).click();
    await page.waitForFunction(
      (id) =>
        document.querySelector(`[data-testid="effect-state-${id}"]`)?.getAttribute('data-status') !== 'dead',
      deadId,
      { timeout: 10_000 },
    );
    const msg = page.getByTestId(`effect-retry-result-${deadId}`);
    await msg.waitFor({ timeout: 10_000 });
    assert.equal(await msg.getAttribute('data-code'), 'ok');
    assert.equal(await page.getByTestId(`effect-retry-button-${deadId}`).count(), 0, 'no Retry once queued');
    const after = await lanes.store.getOutbox(deadId);
    assert.notEqual(after?.status, 'dead');
    assert.equal(after?.deaths, 1);
  });
});
