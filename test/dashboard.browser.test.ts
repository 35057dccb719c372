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
  it('first-day details: one time format, one Evidence column, headings, nothing cut or overflowing', async () => {
    // a fresh page, so the 404 of the unknown lane is not one of the console errors checked above
    const desk = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
    try {
      // the gate page: times as "… UTC", no raw ISO; a gate without approvals says so (not "0 of 0")
      await desk.goto(`${lanes.url}/gates/RG-11`);
      await desk.getByTestId('criteria-table').waitFor();
      const gateText = (await desk.locator('main').textContent()) ?? '';
      assert.doesNotMatch(gateText, ISO);
      assert.match(gateText, /failed at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
      assert.equal(
        (await desk.getByTestId('gate-detail-approvals').textContent())?.trim(),
        'none (criteria only)',
      );
      assert.ok(!gateText.includes('0 of 0'), 'no "0 of 0 required"');
      assert.ok(!gateText.includes('signs off; 0 required'));

      // the alerts page: the detail's time in the same format; the table is not cut on the right
      await desk.goto(`${lanes.url}/alerts`);
      const open = (await (await fetch(`${lanes.url}/api/v1/alerts`)).json()) as { alerts: { id: number }[] };
      const first = open.alerts[0];
      assert.ok(first, 'the demo has an alert');
      const detail = (await desk.getByTestId(`alert-detail-${first.id}`).textContent()) ?? '';
      assert.doesNotMatch(detail, ISO);
      assert.match(detail, /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
      const cut = await desk.evaluate(() =>
        [...document.querySelectorAll('.table-wrap')].map((e) => e.scrollWidth - e.clientWidth),
      );
      assert.ok(
        cut.every((px) => px <= 1),
        `alerts table fits (${cut.join(', ')} px hidden)`,
      );

      // the lane page: one "Evidence" column header across its tables
      await desk.goto(`${lanes.url}/lanes/PL-09`);
      await desk.getByTestId('evidence-table').waitFor();
      const headers = await desk.locator('main thead th').allTextContents();
      assert.equal(headers.filter((h) => h.trim().toLowerCase() === 'evidence').length, 1, headers.join('|'));

      // the overview: the PROD tag keeps its distance from the lane name; promotion names are whole
      await desk.goto(lanes.url);
      await desk.getByTestId('lane-status-PL-08').waitFor();
      const gap = await desk.getByTestId('lane-name-PL-08').evaluate((td) => {
        const tag = td.querySelector('.tag-prod');
        const range = document.createRange();
        range.selectNodeContents(td.firstChild as Node);
        return tag ? tag.getBoundingClientRect().left - range.getBoundingClientRect().right : -1;
      });
      assert.ok(gap >= 4, `PROD tag ${gap}px from the name`);
      const clipped = await desk.evaluate(() =>
        [...document.querySelectorAll('.chip-name')]
          .filter((e) => e.scrollWidth > e.clientWidth + 1)
          .map((e) => e.textContent),
      );
      assert.deepEqual(clipped, [], 'no promotion card name is cut');

      // a run still in progress links no artifacts yet
      const wf = (await (await fetch(`${lanes.url}/api/v1/workflows/WF-04`)).json()) as {
        runs: { runId: number; status: string }[];
      };
      const running = wf.runs.find((r) => r.status !== 'completed');
      if (running) {
        await desk.goto(`${lanes.url}/workflows/WF-04`);
        await desk.getByTestId(`run-artifacts-pending-${running.runId}`).waitFor();
        const links = await desk
          .getByTestId(`run-row-${running.runId}`)
          .locator('a[href*="#artifacts"]')
          .count();
        assert.equal(links, 0);
      }

      // an unknown lane: a page with a heading that says so
      await desk.goto(`${lanes.url}/lanes/PL-99`);
      await desk.getByTestId('state-missing').waitFor();
      assert.equal((await desk.locator('h1').textContent())?.trim(), 'Lane not found');
      // a rollback lane offers no free ref: it points to the release flow
      await desk.goto(`${lanes.url}/lanes/PL-11`);
      await desk.getByTestId('rollback-pointer').waitFor();
      assert.equal(await desk.getByTestId('trigger-ref').count(), 0);
    } finally {
      await desk.close();
    }

    // the workflow catalog at 390 px: runs become cards, nothing wider than the screen
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(`${lanes.url}/workflows`);
      await phone.getByTestId('catalog-WF-01').waitFor();
      const wide = await phone.evaluate(() =>
        [...document.querySelectorAll('main *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .map((e) => `${e.tagName}.${e.className}`),
      );
      assert.deepEqual(wide, [], 'no element reaches past 390 px');
      const hidden = await phone.evaluate(() =>
        [...document.querySelectorAll('.table-wrap')].map((e) => e.scrollWidth - e.clientWidth),
      );
      assert.ok(
        hidden.every((px) => px <= 1),
        `runs tables fit (${hidden.join(', ')} px hidden)`,
      );
      await phone.screenshot({ path: `${OUT}/workflows-390.png`, fullPage: true });
    } finally {
      await phone.close();
    }
  });
});
