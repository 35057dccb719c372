// No secrets in logs: GitHub's error text may echo a credential. The outbox sanitises a failure once, where
// the message is made, so the JSON log line, the stored lastError, the audit entry and the alert all carry
// the same redacted text. Real server on both stores, the local GitHub stand-in, pino writing JSON lines
// to a destination the test reads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { EffectView } from '../src/contract/views.ts';
import { STORE_KINDS } from './helpers/lanes-harness.ts';
import { outboxRows } from './helpers/store-rows.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';

const T0 = '2026-04-01T08:00:00.000Z'; // a Wednesday: no freeze window
const SECRET_TOKEN = 'ghs_reviewer_secret_token_abcdef123456';

for (const kind of STORE_KINDS) {
  describe(`outbox failures are sanitised before anyone sees them (${kind})`, () => {
    let h: ReleaseHarness;
    const lines: string[] = [];
    before(async () => {
      const dest = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(
            ...chunk
              .toString()
              .split('\n')
              .filter((l) => l.trim() !== ''),
          );
          done();
        },
      });
      h = await releaseHarness(kind, T0, {}, { log: pino({ level: 'debug' }, dest) });
      h.github.setResponder((c) =>
        c.method === 'POST' && c.path.endsWith('/dispatches')
          ? { status: 422, body: { message: `Unexpected inputs provided token=${SECRET_TOKEN}` } }
          : undefined,
      );
    });
    after(async () => {
      await h.close();
    });

    it('a dispatch refused with a token in its body: log, API, audit and alert show it redacted', async () => {
      const r = await h.api('hana', 'POST', '/api/v1/lanes/PL-01/trigger', { ref: 'feature/x' });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.ok(h.dispatches().length > 0, 'the stand-in was called');

      const dead = lines
        .map((l) => JSON.parse(l) as { msg?: string; err?: string })
        .filter((l) => l.msg === 'outbox effect dead (not retryable)');
      assert.ok(dead.length > 0, 'the dead effect was logged');
      for (const l of dead) assert.match(l.err ?? '', /Unexpected inputs provided token=\[redacted\]/);
      for (const l of lines) assert.ok(!l.includes(SECRET_TOKEN), `secret in log line: ${l}`);

      const effects = (await h.api('elena', 'GET', '/api/v1/effects?state=dead')).body
        .effects as EffectView[];
      assert.ok(effects.length > 0);
      for (const e of effects) assert.match(e.lastError ?? '', /token=\[redacted\]/);
      const everything = JSON.stringify([
        effects,
        (await h.api('admin:jonas', 'GET', '/api/v1/audit?limit=1000')).body,
        (await h.api('elena', 'GET', '/api/v1/alerts?all=1')).body,
      ]);
      assert.ok(everything.includes('effect_dead'), 'the dead effect raised an alert');
      assert.ok(!everything.includes(SECRET_TOKEN), 'secret in the API');
      // What is stored (read straight from the store) is the sanitised text too.
      const stored = JSON.stringify(await outboxRows(h.lanes.store, { status: 'dead' }));
      assert.ok(stored.includes('[redacted]'));
      assert.ok(!stored.includes(SECRET_TOKEN), 'secret in the store');
    });
  });
}
