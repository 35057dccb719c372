// The security headers as a browser obeys them (issue 13): the dashboard renders under its own
// Content-Security-Policy with no violation (the built page needs no inline script or style), and a page
// on another origin that frames a Lanes page gets nothing rendered in the frame — no Promote button to
// click-jack.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Browser } from 'playwright-core';
import type { LanesProcess } from '../src/server.ts';
import { SECURITY_HEADERS } from '../src/http/security-headers.ts';
import { startTestLanes } from './helpers/lanes-harness.ts';
import { launchChromium } from './helpers/chromium.ts';

describe('security headers in Chromium', () => {
  let lanes: LanesProcess;
  let browser: Browser;
  let attacker: http.Server;
  let attackerUrl = '';

  before(async () => {
    lanes = await startTestLanes('sqlite', { openReads: true });
    browser = await launchChromium();
    attacker = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><title>evil</title><h1>win a prize</h1><iframe id="victim" src="${lanes.url}/lanes/PL-01" width="800" height="600"></iframe>`,
      );
    });
    await new Promise<void>((r) => attacker.listen(0, 'localhost', r));
    const a = attacker.address();
    attackerUrl = `http://localhost:${typeof a === 'object' && a ? a.port : 0}/`;
  });

  after(async () => {
    await browser?.close();
    attacker?.close();
    await lanes?.close();
  });

  it('renders the dashboard under its CSP with no violation', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const res = await page.goto(lanes.url);
    assert.ok(res);
    const headers = res.headers();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(headers[name], value, name);
    await page.getByTestId('lane-status-PL-01').waitFor();
    assert.deepEqual(
      problems.filter((p) => /Content Security Policy|Refused to/i.test(p)),
      [],
    );
    await page.close();
  });

  it('does not render a Lanes page inside another site’s frame', async () => {
    const page = await browser.newPage();
    await page.goto(attackerUrl);
    await page.locator('h1').waitFor();
    const frameEl = await page.$('#victim');
    assert.ok(frameEl);
    await page.waitForTimeout(1500); // long enough for the framed page to render if it were allowed
    const frame = await frameEl.contentFrame();
    // Blocked by frame-ancestors: Chromium shows its error page in the frame, with none of the app.
    const rendered = frame ? await frame.locator('[data-testid^="lane-status-"], #root > *').count() : 0;
    assert.equal(rendered, 0, 'the framed dashboard did not render');
    assert.ok(!frame || !frame.url().startsWith(lanes.url) || rendered === 0);
    await page.close();
  });
});
