// The dashboard's files: a built asset is served, a missing one is a 404 (never the SPA's index.html, which a
// browser would try to run as a script), and client routes (including ids with dots) still get index.html.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { WEB_DIST } from '../src/server.ts';
import { startTestLanes } from './helpers/lanes-harness.ts';

describe('static files and the SPA fallback', () => {
  let lanes: Awaited<ReturnType<typeof startTestLanes>>;
  before(async () => {
    lanes = await startTestLanes('sqlite', { openReads: true });
  });
  after(async () => {
    await lanes.close();
  });

  it('missing files are 404; client routes get the dashboard', async () => {
    const built = readdirSync(`${WEB_DIST}/assets`).find((f) => f.endsWith('.js'));
    assert.ok(built, 'the dashboard is built (npm run build:web)');
    const ok = await fetch(`${lanes.url}/assets/${built}`);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /javascript/);
    await ok.arrayBuffer();
    for (const p of [
      '/assets/nonexist.js',
      '/assets/nonexist.css',
      '/assets/sub/x',
      '/nonexist.js',
      '/robots.txt',
    ]) {
      const r = await fetch(`${lanes.url}${p}`);
      const text = await r.text();
      assert.equal(r.status, 404, p);
      assert.doesNotMatch(r.headers.get('content-type') ?? '', /text\/html/, p);
      assert.ok(!text.includes('<html'), p);
    }
    // The icon of pages that name none (server-rendered sign-in and set-up pages): no console error there.
    for (const p of ['/favicon.svg', '/favicon.ico']) {
      const r = await fetch(`${lanes.url}${p}`);
      assert.equal(r.status, 200, p);
      assert.match(r.headers.get('content-type') ?? '', /^image\/svg\+xml/, p);
      assert.match(await r.text(), /<svg/, p);
    }
    for (const p of ['/', '/releases/rel-v1.4.0', '/lanes/PL-01', '/alerts']) {
      const r = await fetch(`${lanes.url}${p}`);
      assert.equal(r.status, 200, p);
      assert.match(r.headers.get('content-type') ?? '', /text\/html/, p);
      assert.match(await r.text(), /<html/i, p);
    }
  });
});
