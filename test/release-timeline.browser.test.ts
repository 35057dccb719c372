// The release page's Changes and Timeline sections in a real browser (Debian's Chromium) against a Lanes
// server holding the demo history: the timeline shows what the API's timeline holds, in the same order,
// with times in the UTC format; the change summary says where it stands. Needs `npm run build:web` first.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { demoClock, loadDemo } from '../src/cli/demo-loader.ts';
import type { ReleaseTimeline, ReleaseView } from '../src/contract/views.ts';
import type { LanesProcess } from '../src/server.ts';
import { SECRET, startTestLanes } from './helpers/lanes-harness.ts';
import { launchChromium } from './helpers/chromium.ts';

const RELEASE = 'rel-v1.4.0';

describe('release page: changes and timeline in Chromium', () => {
  let lanes: LanesProcess;
  let browser: Browser;

  before(async () => {
    lanes = await startTestLanes('sqlite', { openReads: true }, { clock: demoClock() });
    const res = await loadDemo(lanes, SECRET);
    assert.equal(res.replay.failed.length, 0);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await lanes?.close();
  });

  it('shows the timeline rows the API lists, oldest first, and the change summary', async () => {
    const tl = (await (
      await fetch(`${lanes.url}/api/v1/releases/${RELEASE}/timeline`)
    ).json()) as ReleaseTimeline;
    const view = (await (await fetch(`${lanes.url}/api/v1/releases/${RELEASE}`)).json()) as ReleaseView;
    assert.ok(tl.entries.length > 0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${lanes.url}/releases/${RELEASE}`);
    await page.getByTestId('section-release-timeline').waitFor();
    await page.getByTestId(`timeline-${tl.entries.length - 1}`).waitFor();
    const first = (await page.getByTestId('timeline-0').textContent()) ?? '';
    assert.ok(first.includes(tl.entries[0]?.summary ?? '?'), first);
    assert.match(first, /\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const changes = (await page.getByTestId('section-release-changes').textContent()) ?? '';
    const c = view.commits;
    assert.ok(c, 'the view has a change summary');
    assert.match(
      changes,
      c.status === 'first_release'
        ? /First release/
        : c.status === 'pending'
          ? /waiting for GitHub/
          : /commit|Same commit|failed/,
    );
    for (const line of c.lines) assert.ok(changes.includes(line), `note "${line}" shown`);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
