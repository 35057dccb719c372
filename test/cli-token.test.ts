// `lanes token create|list|revoke` on the server's own data: the printed secret authenticates against a
// server on the same store; list never shows secrets or hashes; a revoked token gets 401.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pino from 'pino';
import { startLanes } from '../src/server.ts';
import { testConfig } from './helpers/lanes-harness.ts';

const run = promisify(execFile);

describe('lanes token', () => {
  it('creates a working token shown once, lists without secrets, and revokes it', async () => {
    const config = await testConfig('sqlite');
    const lanesCli = (...args: string[]) =>
      run(process.execPath, ['bin/lanes.js', 'token', ...args, '--data', config.dataDir], {
        env: { ...process.env, DATABASE_URL: '' },
      });
    const created = await lanesCli(
      'create',
      '--person',
      'ivan',
      '--scope',
      'operate',
      '--catalog',
      'examples/ops/lanes.yaml',
    );
    const secret = created.stdout.trim();
    assert.match(secret, /^lanes_[a-z0-9]+_[A-Za-z0-9_-]+$/);
    assert.match(created.stderr, /tok_[a-z0-9]+ for ivan \(operate/);

    const listed = await lanesCli('list', '--json');
    const tokens = JSON.parse(listed.stdout) as Record<string, unknown>[];
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]?.personId, 'ivan');
    assert.ok(
      !listed.stdout.includes(secret.split('_').slice(2).join('_') || 'x'),
      'the secret is never listed',
    );
    assert.ok(!('hash' in (tokens[0] ?? {})), 'nor its hash');

    const lanes = await startLanes(config, { log: pino({ level: 'silent' }) });
    try {
      const ok = await fetch(`${lanes.url}/api/v1/lanes`, { headers: { authorization: `Bearer ${secret}` } });
      assert.equal(ok.status, 200);
      await lanesCli('revoke', String(tokens[0]?.id));
      const revoked = await fetch(`${lanes.url}/api/v1/lanes`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(revoked.status, 401);
      const audit = await lanes.store.listAudit({ objectType: 'token', limit: 10 });
      assert.deepEqual(audit.map((e) => e.action).sort(), ['token.created', 'token.revoked']);
    } finally {
      await lanes.close();
    }
  });
});
