// The GitHub App manifest flow's redirect (docs/connect-github.md step 4) lands on a real page: the one-time
// code and the exact command to exchange it, not the dashboard's "Page not found". CSP-safe (no script, no
// inline style), not cached, and an unexpected code is never echoed as markup.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestLanes } from './helpers/lanes-harness.ts';

describe('GET /setup/github/app-created', () => {
  let lanes: Awaited<ReturnType<typeof startTestLanes>>;
  before(async () => {
    lanes = await startTestLanes('sqlite');
  });
  after(async () => {
    await lanes.close();
  });

  it('shows the code and the exchange command', async () => {
    const r = await fetch(`${lanes.url}/setup/github/app-created?code=0a1b2c3d4e5f&state=xyz`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src/);
    const html = await r.text();
    assert.ok(html.includes('lanes github exchange 0a1b2c3d4e5f --data'), html);
    assert.ok(!/Page not found/i.test(html));
    assert.ok(!/<script|style=|<style/i.test(html), 'no script or inline style');
  });

  it('without a valid code: 400, and the input is not echoed', async () => {
    const r = await fetch(`${lanes.url}/setup/github/app-created?code=${encodeURIComponent('<img src=x>')}`);
    assert.equal(r.status, 400);
    const html = await r.text();
    assert.ok(!html.includes('<img'), html);
    assert.match(html, /lanes github manifest/);
  });
});
