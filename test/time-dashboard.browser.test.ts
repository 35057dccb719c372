// The dashboard's time panel in Chromium (issue 15), on an injectable clock inside the Friday freeze: the
// overview shows the active freeze with its end and PL-12's next due (below the reference content); PL-12's
// lane page shows when the drill turns missed. Needs the built dashboard (npm run build:web), like
// dashboard.browser.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { LanesProcess } from '../src/server.ts';
import { startTestLanes } from './helpers/lanes-harness.ts';
import { launchChromium } from './helpers/chromium.ts';

const NOW = '2026-04-03T18:00:00.000Z'; // Friday: inside friday-evening (Fri 17:00 + 63h)

describe('the dashboard shows the time panel (Chromium)', () => {
  let lanes: LanesProcess;
  let browser: Browser;
  before(async () => {
    lanes = await startTestLanes('sqlite', { openReads: true }, { clock: () => new Date(NOW) });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await lanes?.close();
  });

  it('overview: the active freeze with its end and PL-12 next due; the lane page of PL-12 its drill', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(lanes.url);
    await page.getByTestId('freeze-friday-evening-active').waitFor();
    assert.match(
      (await page.getByTestId('freeze-friday-evening-active').textContent()) ?? '',
      /2026-04-06 08:00/,
    );
    assert.match((await page.getByTestId('drill-PL-12-due').textContent()) ?? '', /2026-04-06 16:00/);
    await page.goto(`${lanes.url}/lanes/PL-12`);
    await page.getByTestId('section-drill').waitFor();
    assert.match(
      (await page.getByTestId('drill-PL-12-missed-after').textContent()) ?? '',
      /2026-04-06 18:00/,
    );
  });
});
