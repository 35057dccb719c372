// `lanes token list|create|revoke --url <server>` (the compiled CLI, bin/lanes.js) against a real server on
// both stores: an admin token lists, creates (the secret printed once, on stdout only, and it works) and
// revokes (the secret is then refused); the API's refusals exit 1 with their code (a person in no seat, an
// operate token, an unknown id); no server or --url with --data exit 2. Needs `npm run build:server`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../src/http/auth.ts';
import type { CreatedToken, TokenList } from '../src/contract/results.ts';
import { STORE_KINDS, startTestLanes } from './helpers/lanes-harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The secret part of `lanes_<id>_<secret>` (which may itself hold `_`). */
const secretPart = (t: string): string => t.slice(t.indexOf('_', 'lanes_'.length) + 1);

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lanesCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/lanes.js', 'token', ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { ...process.env, LANES_URL: '', LANES_TOKEN: '', DATABASE_URL: '', NO_COLOR: '1', ...env },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

for (const kind of STORE_KINDS) {
  describe(`lanes token --url (${kind})`, () => {
    let lanes: Awaited<ReturnType<typeof startTestLanes>>;
    let admin: string;
    let operate: string;

    before(async () => {
      lanes = await startTestLanes(kind);
      const now = new Date();
      admin = (await issueToken(lanes.store, { personId: 'rita', name: 'admin', scope: 'admin', now })).token;
      operate = (await issueToken(lanes.store, { personId: 'ivan', name: 'op', scope: 'operate', now }))
        .token;
    });
    after(async () => {
      await lanes.close();
    });

    it('creates a token printed once, lists it without secrets, revokes it', async () => {
      const created = await lanesCli(
        ['create', '--url', lanes.url, '--person', 'ivan', '--scope', 'operate', '--name', 'laptop'],
        { LANES_TOKEN: admin },
      );
      assert.equal(created.code, 0, created.stderr);
      const secret = created.stdout.trim();
      assert.match(secret, /^lanes_[a-z0-9]+_[A-Za-z0-9_-]+$/);
      assert.equal(created.stdout, `${secret}\n`, 'stdout is the secret alone');
      const id = /token (tok_[a-z0-9]+) for ivan \(operate, expires .* UTC\); shown once/.exec(
        created.stderr,
      )?.[1];
      assert.ok(id, created.stderr);
      assert.ok(!created.stderr.includes(secret), 'the secret is not repeated on stderr');
      const works = await fetch(`${lanes.url}/api/v1/session`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(works.status, 200);

      const table = await lanesCli(['list', '--url', lanes.url, '--token', admin]);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, new RegExp(`${id}\\s+ivan\\s+operate`));
      assert.ok(!table.stdout.includes(secretPart(secret)));
      const json = await lanesCli(['list', '--url', lanes.url, '--token', admin, '--json']);
      const listed = (JSON.parse(json.stdout) as TokenList).tokens.find((t) => t.id === id);
      assert.deepEqual([listed?.person, listed?.scope, listed?.name], ['ivan', 'operate', 'laptop']);
      assert.ok(!json.stdout.includes(secretPart(secret)), 'no secret in the list');

      const revoked = await lanesCli(['revoke', id, '--url', lanes.url, '--token', admin]);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(revoked.stdout.trim(), `revoked ${id}`);
      const refused = await fetch(`${lanes.url}/api/v1/session`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(refused.status, 401);
      const audit = await lanes.store.listAudit({ objectType: 'token', limit: 20 });
      assert.ok(audit.some((e) => e.action === 'token.created' && e.objectId === id));
      assert.ok(audit.some((e) => e.action === 'token.revoked' && e.objectId === id));
    });

    it('--json answers the created token with its secret; a service token never expires with --ttl-days 0', async () => {
      const r = await lanesCli(
        [
          'create',
          '--url',
          lanes.url,
          '--service',
          'ci-bot',
          '--scope',
          'operate',
          '--ttl-days',
          '0',
          '--json',
        ],
        { LANES_TOKEN: admin },
      );
      assert.equal(r.code, 0, r.stderr);
      const t = JSON.parse(r.stdout) as CreatedToken;
      assert.equal(t.service, 'ci-bot');
      assert.equal(t.expiresAt, null);
      assert.match(t.token, /^lanes_/);
    });

    it('refusals exit 1 with their code; usage errors and no server exit 2', async () => {
      const noSeat = await lanesCli(
        ['create', '--url', lanes.url, '--person', 'mallory', '--scope', 'read'],
        { LANES_TOKEN: admin },
      );
      assert.equal(noSeat.code, 1);
      assert.match(noSeat.stderr, /not_seat_member/);
      assert.equal(noSeat.stdout, '');

      const notAdmin = await lanesCli(['list', '--url', lanes.url, '--token', operate]);
      assert.equal(notAdmin.code, 1);
      assert.match(notAdmin.stderr, /insufficient_scope/);

      const unknown = await lanesCli(['revoke', 'tok_nosuchtoken', '--url', lanes.url, '--token', admin]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /not_found/);

      const noToken = await lanesCli(['list', '--url', lanes.url]);
      assert.equal(noToken.code, 1);
      assert.match(noToken.stderr, /hint: pass --token or set LANES_TOKEN/);

      const both = await lanesCli(['list', '--url', lanes.url, '--data', '/tmp/x', '--token', admin]);
      assert.equal(both.code, 2);
      const badScope = await lanesCli(['create', '--url', lanes.url, '--person', 'ivan', '--scope', 'root']);
      assert.equal(badScope.code, 2);
      const down = await lanesCli(['list', '--url', 'http://127.0.0.1:9', '--token', admin]);
      assert.equal(down.code, 2);
      assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
    });
  });
}
