// The dashboard in a real browser (Debian's Chromium driven by playwright-core): the overview shows the
// demo history's data, a signed webhook changes a status cell live, navigation and deep links work, no
// console errors. Screenshots at 1280 and 390 px are written to test-results/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { demoClock, loadDemo } from '../src/cli/demo-loader.ts';
import type { Overview } from '../src/contract/views.ts';
import type { LanesProcess } from '../src/server.ts';
import { SECRET, sendDelivery, startTestLanes, workflowRunPayload } from './helpers/lanes-harness.ts';
import { SCREEN_GATES, SCREEN_LANES, SCREEN_WORKFLOWS } from './helpers/reference-screen.ts';
import { launchChromium } from './helpers/chromium.ts';

/** The 401 of the dashboard's "who is signed in" probe while nobody is (expected on anonymous pages). */
const nobodySignedIn = (m: ConsoleMessage): boolean =>
  /status of 401/.test(m.text()) && new URL(m.location().url).pathname === '/api/v1/session';

const OUT = 'test-results';

describe('dashboard in Chromium', () => {
  let lanes: LanesProcess;
  let browser: Browser;
  let page: Page;
  let overview: Overview;
  const consoleErrors: string[] = [];

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    lanes = await startTestLanes('sqlite', { openReads: true }, { clock: demoClock() });
    const res = await loadDemo(lanes, SECRET);
    assert.equal(res.replay.failed.length, 0);
    overview = (await (await fetch(`${lanes.url}/api/v1/overview`)).json()) as Overview;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      // an anonymous page asks GET /api/v1/session who is signed in: nobody is a 401, not an error
      if (m.type() === 'error' && !nobodySignedIn(m)) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await lanes?.close();
  });

  it('shows the reference screen from the API', async () => {
    await page.goto(lanes.url);
    await page.getByTestId('lane-status-PL-01').waitFor();
    assert.match((await page.locator('h1').first().textContent()) ?? '', /OPS — Control Plane/);
    for (const [key, want] of Object.entries({ automated: '9', manual: '5', prod: '5', rollback: '2' })) {
      assert.equal((await page.getByTestId(`summary-${key}`).textContent())?.trim(), want, key);
    }
    assert.equal(
      (await page.getByTestId('alerts-count').textContent())?.trim(),
      String(overview.alerts.open),
    );
    for (const lane of overview.lanes) {
      assert.equal(
        (await page.getByTestId(`lane-status-${lane.id}`).textContent())?.trim(),
        lane.status,
        lane.id,
      );
      assert.equal(lane.status, SCREEN_LANES[lane.id]?.status);
      assert.equal(
        (await page.getByTestId(`lane-lastrun-${lane.id}`).textContent())?.trim(),
        SCREEN_LANES[lane.id]?.lastRun,
        lane.id,
      );
    }
    for (const wf of overview.workflows) {
      assert.equal(
        (await page.getByTestId(`workflow-status-${wf.id}`).textContent())?.trim(),
        SCREEN_WORKFLOWS[wf.id]?.status,
        wf.id,
      );
    }
    for (const g of overview.gates) {
      assert.equal(
        (await page.getByTestId(`gate-state-${g.id}`).textContent())?.trim(),
        SCREEN_GATES[g.id]?.state,
        g.id,
      );
    }
    assert.equal((await page.getByTestId('alerts-count').textContent())?.trim(), '1');
    const body = (await page.locator('body').textContent()) ?? '';
    for (const text of [
      'Route zone',
      'production / delivery',
      'ci/cd catalog',
      'Branch policy',
      'Promotion flow',
      'CI/CD pipelines',
      'GitHub Actions',
      'Release gates',
      'Open workflow catalog',
      'ops checklist, canary health, queue backlog threshold',
    ]) {
      assert.ok(body.includes(text), `page shows "${text}"`);
    }
    await page.screenshot({ path: `${OUT}/overview-1280.png`, fullPage: true });
  });

  it('updates a status cell live when a signed webhook is accepted', async () => {
    const cell = page.getByTestId('lane-status-PL-04');
    assert.equal((await cell.textContent())?.trim(), 'pending');
    const wf04 = await lanes.store.listRuns({ workflowId: 'WF-04', limit: 1 });
    const current = wf04[0];
    assert.ok(current);
    // GitHub reports the staging deploy run completed (later updated_at than anything stored).
    const payload = workflowRunPayload({
      runId: current.runId,
      workflowFile: 'deploy-staging.yml',
      workflowName: 'deploy-staging',
      status: 'completed',
      conclusion: 'failure',
      startedAt: current.runStartedAt,
      updatedAt: '2026-03-12T09:40:00Z',
      sha: current.headSha,
      event: current.event,
    });
    (payload.repository as Record<string, unknown>).full_name = 'nata-onl/ops';
    assert.equal((await sendDelivery(lanes.url, 'workflow_run', payload)).status, 202);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="lane-status-PL-04"]')?.textContent?.trim() === 'failed',
      undefined,
      { timeout: 10_000 },
    );
    assert.equal((await page.getByTestId('workflow-status-WF-04').textContent())?.trim(), 'failed');
  });

  it('navigates to the workflow catalog and a lane page; deep links survive a reload', async () => {
    await page.getByRole('link', { name: /Open workflow catalog/ }).click();
    await page.waitForURL(/\/workflows$/);
    await page.getByText('post-release-verify').first().waitFor();
    await page.reload();
    await page.getByText('post-release-verify').first().waitFor();

    await page.goto(`${lanes.url}/lanes/PL-09`);
    await page.getByText('deploy-prod-pulse').first().waitFor();
    await page.getByText('feed freshness').first().waitFor();
    const text = (await page.locator('body').textContent()) ?? '';
    assert.ok(text.includes('failed'));
    await page.screenshot({ path: `${OUT}/lane-PL-09-1280.png`, fullPage: true });
  });

  it('is usable at 390 px and has no console errors', async () => {
    const mobile = await browser.newPage({ viewport: { width: 390, height: 844 } });
    mobile.on('console', (m) => {
      // an anonymous page asks GET /api/v1/session who is signed in: nobody is a 401, not an error
      if (m.type() === 'error' && !nobodySignedIn(m)) consoleErrors.push(m.text());
    });
    await mobile.goto(lanes.url);
    await mobile.getByTestId('lane-status-PL-01').waitFor();
    const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page does not scroll sideways at 390 px (overflow ${overflow}px)`);
    await mobile.screenshot({ path: `${OUT}/overview-390.png`, fullPage: true });
    await mobile.close();
    assert.deepEqual(consoleErrors, []);
  });
});
