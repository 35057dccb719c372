// The dashboard's actions in a real browser (Debian's Chromium driven by playwright-core) against a real
// Lanes server holding the demo history: a seat member approves a gate, a non-member is refused and sees
// the API's message, an alert is acked and resolved, a rollback is validated and started, a lane the
// policy lets start by hand is triggered on an allowed ref (release-flow lanes have no button). Every
// outcome is checked in the page and through the API. Screenshots in test-results/.
// Needs `npm run build:web` first (the server serves web/dist).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { demoClock, loadDemo } from '../src/cli/demo-loader.ts';
import { issueToken } from '../src/http/auth.ts';
import { startSession } from '../src/http/session-auth.ts';
import type { GateView, Overview } from '../src/contract/views.ts';
import type { AlertView } from '../src/contract/views.ts';
import type { LanesProcess } from '../src/server.ts';
import { SECRET, startTestLanes } from './helpers/lanes-harness.ts';
import { launchChromium } from './helpers/chromium.ts';

/** The 401 of the dashboard's "who is signed in" probe while nobody is (expected on anonymous pages). */
const nobodySignedIn = (m: ConsoleMessage): boolean =>
  /status of 401/.test(m.text()) && new URL(m.location().url).pathname === '/api/v1/session';

const OUT = 'test-results';
const RELEASE = 'rel-v1.4.0';

describe('dashboard actions in Chromium', () => {
  let lanes: LanesProcess;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const consoleErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${lanes.url}/api/v1${path}`);
    assert.equal(res.status, 200, path);
    return (await res.json()) as T;
  };

  /** A fresh browser profile; signed in as `as` (a session cookie, as Sign in with GitHub leaves) when given. */
  async function pageAs(as: string | null, width = 1280): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    contexts.push(ctx);
    if (as) {
      const s = await startSession(lanes.store, { login: as, now: new Date(), ttlHours: 1 });
      await ctx.addCookies([
        { name: 'lanes_session', value: s.sessionId, url: lanes.url, httpOnly: true, sameSite: 'Lax' },
      ]);
    }
    const page = await ctx.newPage();
    page.on('console', (m) => {
      // an anonymous page asks GET /api/v1/session who is signed in: nobody is a 401, not an error
      if (m.type() === 'error' && !nobodySignedIn(m)) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    return page;
  }

  /** Whether any localStorage or sessionStorage value holds `secret`. */
  const storedAnywhere = (page: Page, secret: string): Promise<boolean> =>
    page.evaluate(
      (t) => [...Object.values(localStorage), ...Object.values(sessionStorage)].some((v) => v.includes(t)),
      secret,
    );

  const textOf = async (page: Page, testId: string): Promise<string> =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim();

  const waitText = (page: Page, testId: string, want: string) =>
    page.waitForFunction(
      ([id, w]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === w,
      [testId, want] as const,
      { timeout: 10_000 },
    );

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    lanes = await startTestLanes('sqlite', { openReads: true }, { clock: demoClock() });
    const res = await loadDemo(lanes, SECRET);
    assert.equal(res.replay.failed.length, 0);
    for (const personId of ['jonas', 'hana', 'elena', 'ivan']) {
      tokens[personId] = (
        await issueToken(lanes.store, { personId, name: 'browser test', scope: 'operate', now: new Date() })
      ).token;
    }
    browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await lanes?.close();
  });

  it('jonas (SEAT-COMPUTE) approves RG-09 for rel-v1.4.0 from the gate page; it passes', async () => {
    const before = await api<GateView>('/gates/RG-09');
    assert.equal(before.release, RELEASE);
    assert.equal(before.state, 'pending');
    assert.equal(before.approvals.length, 0);
    assert.equal(before.approvalsRequired, 1);
    // the only other criterion already holds, so one approval passes the gate
    assert.deepEqual(
      before.criteria.filter((c) => c.kind !== 'approval').map((c) => [c.name, c.state]),
      [['freeze window', 'passed']],
    );

    const page = await pageAs('jonas');
    await page.goto(`${lanes.url}/gates/RG-09`);
    await waitText(page, 'gate-detail-state', 'pending');
    assert.equal(await textOf(page, 'gate-detail-approvals'), '0 of 1 required');
    await page.getByTestId('approve-comment').fill('compute capacity checked for the pulse rollout');
    const button = page.getByRole('button', { name: 'Approve RG-09' });
    // keyboard: a real button, reachable and pressed with Enter
    await button.focus();
    assert.equal(await button.evaluate((el) => el.tagName), 'BUTTON');
    await page.keyboard.press('Enter');

    await waitText(page, 'gate-detail-state', 'passed');
    assert.match(await textOf(page, 'approve-result-text'), /Approval recorded\. RG-09 is now passed/);
    assert.equal(await page.getByTestId('approve-button').count(), 0, 'no approve button on a passed gate');
    await page.getByTestId('approvals-table').getByText('jonas').waitFor();
    await page.getByTestId('approvals-table').getByText('compute capacity checked').waitFor();

    const after = await api<GateView>('/gates/RG-09');
    assert.equal(after.state, 'passed');
    assert.deepEqual(
      after.approvals.map((a) => [a.by, a.comment]),
      [['jonas', 'compute capacity checked for the pulse rollout']],
    );
    await page.screenshot({ path: `${OUT}/actions-gate-RG-09-approved-1280.png`, fullPage: true });
  });

  it('hana signs in from the approve button, is refused on RG-10 (not in SEAT-PRODUCT) and nothing changes', async () => {
    const page = await pageAs(null);
    await page.goto(`${lanes.url}/gates/RG-10`);
    await waitText(page, 'gate-detail-state', 'pending');
    await page.getByRole('button', { name: 'Approve RG-10' }).click();
    // no token yet: the sign-in form, then the approval proceeds
    const form = page.getByTestId('signin-form');
    await form.waitFor();
    assert.match((await form.textContent()) ?? '', /Sign in with an API token to approve/);
    await page.getByTestId('signin-token').fill(tokens.hana ?? '');
    await form.getByRole('button', { name: 'Sign in and continue' }).click();

    const result = page.getByTestId('approve-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('role'), 'alert');
    assert.equal(await result.getAttribute('data-code'), 'not_seat_member');
    assert.equal(
      await textOf(page, 'approve-result-text'),
      'hana is not a member of SEAT-PRODUCT, which owns RG-10',
    );
    assert.equal(await page.getByTestId('signin-form').count(), 0);
    // the token is held in the page's memory only
    assert.equal(await storedAnywhere(page, tokens.hana ?? 'x'), false);
    // signed in now, the session's abilities say the policy refuses hana here: the button is disabled with
    // the reason (not stuck in flight), and the gate is unchanged
    await page.getByTestId('approve-denied').waitFor();
    assert.match(
      await textOf(page, 'approve-denied'),
      /hana is not a member of SEAT-PRODUCT, which owns RG-10/,
    );
    assert.equal(await page.getByTestId('approve-button').isDisabled(), true);
    assert.equal(await page.getByTestId('approve-button').getAttribute('aria-busy'), null);
    assert.equal(await textOf(page, 'gate-detail-state'), 'pending');
    assert.equal(await textOf(page, 'gate-detail-approvals'), '0 of 1 required');
    const gate = await api<GateView>('/gates/RG-10');
    assert.equal(gate.state, 'pending');
    assert.equal(gate.approvals.length, 0);
    const audit = await api<{ events: { action: string; objectId: string }[] }>('/audit?objectType=gate');
    assert.ok(
      audit.events.some((e) => e.action === 'gate.approval_refused' && e.objectId === `${RELEASE}/RG-10`),
    );
    await page.screenshot({ path: `${OUT}/actions-gate-RG-10-refused-1280.png`, fullPage: true });
  });

  it('elena acks the open alert, then resolves it; the header count follows', async () => {
    const open = (await api<{ alerts: AlertView[] }>('/alerts')).alerts.filter((a) => a.status === 'open');
    assert.equal(open.length, 1);
    const alert = open[0];
    assert.ok(alert);
    const id = String(alert.id);

    const page = await pageAs('elena');
    await page.goto(`${lanes.url}/alerts`);
    await waitText(page, `alert-state-${id}`, 'open');
    await waitText(page, 'alerts-count', '1');
    await page.getByTestId(`alert-ack-${id}`).click();
    await waitText(page, `alert-state-${id}`, 'acked');
    assert.match(await textOf(page, 'alert-action-result-text'), new RegExp(`Alert ${id} acknowledged`));
    assert.equal(await page.getByTestId(`alert-ack-${id}`).count(), 0, 'no Ack on an acked alert');
    const acked = (await api<{ alerts: AlertView[] }>('/alerts')).alerts.find((a) => a.id === alert.id);
    assert.equal(acked?.status, 'acked');
    assert.equal(acked?.ackedBy, 'elena');
    // acked is still unresolved: the header keeps counting it
    assert.equal((await api<Overview>('/overview')).alerts.open, 1);
    assert.equal(await textOf(page, 'alerts-count'), '1');
    await page.screenshot({ path: `${OUT}/actions-alert-acked-1280.png`, fullPage: true });

    await page.getByTestId(`alert-resolve-${id}`).click();
    await waitText(page, 'alerts-count', '0');
    await page.getByText('No alerts. All quiet.').waitFor();
    assert.match(await textOf(page, 'alert-action-result-text'), new RegExp(`Alert ${id} resolved`));
    const all = (await api<{ alerts: AlertView[] }>('/alerts?all=1')).alerts.find((a) => a.id === alert.id);
    assert.equal(all?.status, 'resolved');
    assert.equal(all?.resolvedBy, 'elena');
  });

  it('rollback at 390 px: the form requires reason, incident and owner, then ivan starts it', async () => {
    const page = await pageAs('ivan', 390);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await page.goto(`${lanes.url}/releases/${RELEASE}`);
    await page.getByTestId('rollback-open').click();
    await page.getByTestId('rollback-form').waitFor();
    await page.getByTestId('rollback-incident').fill('INC-2041');
    await page.getByTestId('rollback-submit').click();
    await page.getByText('Reason is required.').waitFor();
    await page.getByText('Owner is required.').waitFor();
    assert.equal(await page.getByText('Incident is required.').count(), 0);
    assert.equal(await page.getByTestId('rollback-reason').getAttribute('aria-invalid'), 'true');
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
      'rollback-reason',
    );
    assert.deepEqual(posts, [], 'nothing sent while the form is incomplete');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scroll at 390 px (overflow ${overflow}px)`);
    await page.screenshot({ path: `${OUT}/actions-rollback-form-390.png`, fullPage: true });
    await page
      .getByTestId('section-release-actions')
      .screenshot({ path: `${OUT}/actions-rollback-form-390-section.png` });

    await page.getByTestId('rollback-reason').fill('PL-09 failed: pulse feed stale after deploy');
    await page.getByTestId('rollback-owner').fill('ivan');
    await page.getByTestId('rollback-submit').click();
    await page.getByTestId(`rollback-result-${RELEASE}`).waitFor();
    assert.match(
      await textOf(page, `rollback-result-${RELEASE}-text`),
      /Rollback started \(202\): rel-v1\.4\.0 goes back to rel-v1\.3\.2/,
    );
    assert.equal(posts.length, 1);
    const audit = await api<{
      events: { action: string; objectId: string; reason: string | null; data: unknown }[];
    }>(`/audit?objectType=release&objectId=${RELEASE}`);
    const started = audit.events.find((e) => e.action === 'release.rollback_started');
    assert.ok(started, 'rollback audited');
    assert.equal(started.reason, 'PL-09 failed: pulse feed stale after deploy');
    assert.deepEqual(
      [(started.data as { incident?: string }).incident, (started.data as { owner?: string }).owner],
      ['INC-2041', 'ivan'],
    );
    await page
      .getByTestId('section-release-actions')
      .screenshot({ path: `${OUT}/actions-rollback-started-390-section.png` });
  });

  it('release-flow lanes show no Trigger button, only who dispatches them (PL-06, PL-07, PL-11)', async () => {
    const page = await pageAs('hana');
    // the rollback lane points to a release's Roll back (reason, incident, owner) instead
    await page.goto(`${lanes.url}/lanes/PL-11`);
    await page.getByTestId('rollback-pointer').waitFor();
    assert.equal(await page.getByTestId('trigger-button').count(), 0, 'PL-11 has no button');
    assert.equal(await page.getByTestId('trigger-ref').count(), 0);
    for (const lane of ['PL-06', 'PL-07']) {
      await page.goto(`${lanes.url}/lanes/${lane}`);
      await page.getByTestId('trigger-release-flow').waitFor();
      assert.match(await textOf(page, 'trigger-release-flow'), /dispatched by the release flow/);
      assert.equal(await page.getByTestId('trigger-button').count(), 0, `${lane} has no button`);
      assert.equal(await page.getByTestId('trigger-ref').count(), 0);
    }
    await page.screenshot({ path: `${OUT}/actions-lane-PL-06-release-flow-1280.png`, fullPage: true });
    // lanes started by approval or hold are promoted, not triggered: no button there
    await page.goto(`${lanes.url}/lanes/PL-09`);
    await page.getByTestId('lane-detail-status').waitFor();
    assert.equal(await page.getByTestId('trigger-button').count(), 0);
  });

  it('hana triggers PL-01 on an allowed ref only: the choices are the policy’s refs, never main', async () => {
    const page = await pageAs('hana');
    await page.goto(`${lanes.url}/lanes/PL-01`);
    await page.getByTestId('trigger-button').waitFor();
    assert.equal(await page.getByTestId('trigger-ref').inputValue(), '', 'no default ref, and never main');
    const choices = await page
      .getByTestId('trigger-ref-choices')
      .evaluate((d) => [...d.querySelectorAll('option')].map((o) => o.value));
    assert.deepEqual(choices, ['feature/*', 'fix/*', 'hotfix/*']);
    await page.getByTestId('trigger-ref').fill('main');
    await page.getByRole('button', { name: 'Trigger PL-01' }).click();
    await page.getByTestId('trigger-result').waitFor();
    assert.match(await textOf(page, 'trigger-result-text'), /PL-01 may be triggered on feature\/\*/);
    await page.getByTestId('trigger-ref').fill('feature/faster-lint');
    await page.getByTestId('trigger-reason').fill('re-run the fast checks');
    await page.getByRole('button', { name: 'Trigger PL-01' }).click();
    await page.waitForFunction(
      () =>
        /Accepted \(202\)/.test(
          document.querySelector('[data-testid="trigger-result-text"]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 10_000 },
    );
    const audit = await api<{ events: { action: string; actor: string; data: { ref?: string } }[] }>(
      '/audit?objectType=lane&objectId=PL-01',
    );
    const triggered = audit.events.filter((e) => e.action === 'lane.triggered');
    assert.deepEqual(
      triggered.map((e) => e.data.ref),
      ['feature/faster-lint'],
    );
    assert.ok(audit.events.some((e) => e.action === 'lane.trigger_refused' && /^hana /.test(e.actor)));
    await page.screenshot({ path: `${OUT}/actions-lane-PL-01-triggered-1280.png`, fullPage: true });
  });

  it('action pages fit 390 px, and the sign-in form opens from a button there', async () => {
    const page = await pageAs(null, 390);
    for (const [path, ready] of [
      ['/gates/RG-13', 'approve-button'],
      ['/lanes/PL-01', 'trigger-button'],
      ['/lanes/PL-11', 'rollback-pointer'],
      ['/releases', `release-row-${RELEASE}`],
      [`/releases/${RELEASE}`, 'rollback-open'],
    ] as const) {
      await page.goto(`${lanes.url}${path}`);
      await page.getByTestId(ready).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${path}: no sideways scroll at 390 px (overflow ${overflow}px)`);
    }
    await page.goto(`${lanes.url}/gates/RG-13`);
    await page.getByTestId('approve-button').click();
    await page.getByTestId('signin-form').waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
      'signin-token',
    );
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `sign-in form fits (overflow ${overflow}px)`);
    await page.getByTestId('section-approve').screenshot({ path: `${OUT}/actions-signin-390-section.png` });
    // cancel: no token stored, the button is back
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByTestId('signin-form').count(), 0);
    assert.equal(await storedAnywhere(page, 'lanes_'), false);
  });

  it('has no console errors other than the expected refusals', async () => {
    const unexpected = consoleErrors.filter((m) => !/status of 40[39]/.test(m));
    assert.deepEqual(unexpected, []);
  });
});
