// The dashboard offers only what the policy allows the signed-in person, in a real browser (Chromium) against
// a real Lanes server holding the demo history, signed in with GitHub (the session cookie; a session is
// never admin): a dead effect's Retry is disabled with the policy's reason for everyone signed in that way;
// giulia (not in the release seat) sees Promote and Roll back disabled with the reason, hana (release seat)
// has them enabled; on the gate and alerts pages Approve / Ack / Resolve follow the owner seats.
// Screenshots go to LANES_SCREENSHOTS when set. Needs `npm run build:web` first.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoClock, loadDemo } from '../src/cli/demo-loader.ts';
import { startSession } from '../src/http/session-auth.ts';
import type { LanesProcess } from '../src/server.ts';
import type { AlertList } from '../src/contract/results.ts';
import { SECRET, startTestLanes } from './helpers/lanes-harness.ts';
import { launchChromium } from './helpers/chromium.ts';

const RELEASE = 'rel-v1.4.0';
const SHOTS = process.env.LANES_SCREENSHOTS;

describe('controls follow the session’s abilities in Chromium', () => {
  let lanes: LanesProcess;
  let browser: Browser;
  let deadId = 0;
  const contexts: BrowserContext[] = [];

  /** A browser profile signed in with GitHub as `login` (the session cookie the callback would set). */
  async function pageAs(login: string): Promise<Page> {
    const s = await startSession(lanes.store, { login, now: new Date(), ttlHours: 1 });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(ctx);
    await ctx.addCookies([{ name: 'lanes_session', value: s.sessionId, url: lanes.url }]);
    return ctx.newPage();
  }
  const shot = async (page: Page, name: string) => {
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
  };

  before(async () => {
    lanes = await startTestLanes('sqlite', { openReads: true }, { clock: demoClock() });
    const res = await loadDemo(lanes, SECRET);
    assert.equal(res.replay.failed.length, 0);
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

  it('giulia: Retry, Promote and Roll back are disabled with the policy’s reason', async () => {
    const page = await pageAs('giulia');
    await page.goto(`${lanes.url}/releases/${RELEASE}`);
    const denied = page.getByTestId(`effect-retry-denied-${deadId}`);
    await denied.waitFor({ timeout: 15_000 });
    assert.match(await denied.innerText(), /effect\.retry needs admin scope/);
    assert.equal(await page.getByTestId(`effect-retry-button-${deadId}`).isDisabled(), true);
    const promote = page.getByTestId(`promote-button-${RELEASE}`);
    if ((await promote.count()) > 0) {
      assert.equal(await promote.isDisabled(), true);
      assert.match(
        await page.getByTestId(`promote-denied-${RELEASE}`).innerText(),
        /giulia may not promote a release; allowed: SEAT-RELEASE/,
      );
    }
    const rollback = page.getByTestId('rollback-open');
    assert.ok((await promote.count()) + (await rollback.count()) > 0, 'the release offers an action');
    if ((await rollback.count()) > 0) {
      assert.equal(await rollback.isDisabled(), true);
      assert.match(await page.getByTestId(`rollback-denied-${RELEASE}`).innerText(), /roll back a release/);
    }
    await shot(page, 'leftovers-release-giulia');
    if (SHOTS) {
      await denied.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/leftovers-effect-retry-giulia.png` });
    }
  });

  it('hana (release seat): Promote and Roll back are enabled; Retry still needs an admin token', async () => {
    const page = await pageAs('hana');
    await page.goto(`${lanes.url}/releases/${RELEASE}`);
    await page.getByTestId(`effect-retry-denied-${deadId}`).waitFor({ timeout: 15_000 });
    const promote = page.getByTestId(`promote-button-${RELEASE}`);
    if ((await promote.count()) > 0) assert.equal(await promote.isDisabled(), false);
    const rollback = page.getByTestId('rollback-open');
    if ((await rollback.count()) > 0) assert.equal(await rollback.isDisabled(), false);
    assert.equal(await page.getByTestId(`promote-denied-${RELEASE}`).count(), 0);
    assert.equal(await page.getByTestId(`rollback-denied-${RELEASE}`).count(), 0);
    await shot(page, 'leftovers-release-hana');
  });

  it('alerts: Ack / Resolve follow the owners of the alert’s lane (PL-09: RG-09/10/11 owners)', async () => {
    const alerts = (await (await fetch(`${lanes.url}/api/v1/alerts`)).json()) as AlertList;
    const alert = alerts.alerts.find((a) => a.status === 'open' && a.laneId === 'PL-09');
    assert.ok(alert, 'the demo has an open alert about PL-09');
    // bruno (SEAT-PLATFORM) owns nothing about PL-09 and is not in the release seat: disabled, with why.
    const bruno = await pageAs('bruno');
    await bruno.goto(`${lanes.url}/alerts`);
    const denied = bruno.getByTestId(`alert-denied-${alert.id}`);
    await denied.waitFor({ timeout: 15_000 });
    assert.match(
      await denied.innerText(),
      /Not allowed for you: bruno may not acknowledge this alert; allowed: owners \(/,
    );
    assert.equal(await bruno.getByTestId(`alert-ack-${alert.id}`).isDisabled(), true);
    assert.equal(await bruno.getByTestId(`alert-resolve-${alert.id}`).isDisabled(), true);
    await shot(bruno, 'leftovers-alerts-bruno');
    // giulia (SEAT-PRODUCT owns RG-10, which holds PL-09 back): enabled.
    const giulia = await pageAs('giulia');
    await giulia.goto(`${lanes.url}/alerts`);
    await giulia.getByTestId(`alert-ack-${alert.id}`).waitFor({ timeout: 15_000 });
    await giulia.getByTestId('session').waitFor({ timeout: 10_000 }); // signed in: abilities known
    assert.equal(await giulia.getByTestId(`alert-denied-${alert.id}`).count(), 0);
    assert.equal(await giulia.getByTestId(`alert-ack-${alert.id}`).isDisabled(), false);
  });

  it('gate page: Approve is disabled for a person outside the owner seat', async () => {
    const page = await pageAs('giulia');
    await page.goto(`${lanes.url}/gates/RG-09`);
    const approve = page.getByTestId('approve-button');
    if ((await approve.count()) === 0) {
      await page
        .getByTestId('approve-form')
        .waitFor({ timeout: 10_000 })
        .catch(() => undefined);
    }
    if ((await approve.count()) > 0) {
      await page.getByTestId('approve-denied').waitFor({ timeout: 10_000 });
      assert.equal(await approve.isDisabled(), true);
      assert.match(
        await page.getByTestId('approve-denied').innerText(),
        /giulia is not a member of SEAT-COMPUTE/,
      );
      await shot(page, 'leftovers-gate-giulia');
    }
  });
});
