// A store belongs to one catalog: versions are recorded at start (unchanged text adds none), another zone
// or repository is refused with the reason and the flag, and --allow-catalog-change adopts it. The stored
// App credentials (lanes github exchange) stand in for LANES_GITHUB_APP_* when those are unset.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { saveStoredApp } from '../src/github/manifest-exchange.ts';
import { startLanes } from '../src/server.ts';
import { STORE_KINDS, testConfig } from './helpers/lanes-harness.ts';

const silent = pino({ level: 'silent' });

function catalogCopy(dir: string, name: string, edit: (text: string) => string): string {
  const file = path.join(dir, name);
  writeFileSync(file, edit(readFileSync('examples/ops/lanes.yaml', 'utf8')));
  return file;
}

for (const kind of STORE_KINDS) {
  describe(`catalog versions on ${kind}`, () => {
    it('records versions, refuses another repository without the flag, adopts it with the flag', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'lanes-catver-'));
      const config = await testConfig(kind);
      const edited = catalogCopy(dir, 'edited.yaml', (t) => t.replace('name: Ops', 'name: Ops (edited)'));
      const other = catalogCopy(dir, 'other.yaml', (t) =>
        t.replace('repository: nata-onl/ops', 'repository: someone-else/ops'),
      );

      let lanes = await startLanes(config, { log: silent });
      await lanes.close();
      lanes = await startLanes(config, { log: silent });
      assert.equal((await lanes.store.listCatalogVersions()).length, 1, 'same text: no new version');
      await lanes.close();

      lanes = await startLanes({ ...config, catalog: edited }, { log: silent });
      const versions = await lanes.store.listCatalogVersions();
      assert.equal(versions.length, 2, 'an edited catalog of the same zone and repository is a new version');
      assert.equal(versions[0]?.path, edited);
      assert.equal(versions[0]?.source, 'file');
      await lanes.close();

      await assert.rejects(startLanes({ ...config, catalog: other }, { log: silent }), (e: Error) => {
        assert.match(e.message, /created for the catalog of zone "ops" in nata-onl\/ops/);
        assert.match(e.message, /someone-else\/ops/);
        assert.match(e.message, /--allow-catalog-change/);
        return true;
      });

      lanes = await startLanes({ ...config, catalog: other, allowCatalogChange: true }, { log: silent });
      const after = await lanes.store.listCatalogVersions();
      assert.equal(after.length, 3);
      assert.equal(after[0]?.repository, 'someone-else/ops');
      assert.equal((await lanes.store.firstCatalogVersion())?.repository, 'nata-onl/ops');
      await lanes.close();
    });
  });
}

describe('configuration from the stored App', () => {
  const app = {
    appId: '4242',
    slug: 'lanes-test',
    name: 'Lanes test',
    owner: 'nata-onl',
    htmlUrl: null,
    clientId: 'Iv1.client',
    clientSecret: 'client-secret-value',
    webhookSecret: 'stored-webhook-secret',
    privateKey: '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\n',
    createdAt: '2026-12-01T00:00:00.000Z',
  };

  it('reads id, key, client and webhook secret from the data dir when the variables are unset', () => {
    const data = mkdtempSync(path.join(tmpdir(), 'lanes-app-'));
    assert.equal(saveStoredApp(data, app).ok, true);
    const r = loadConfig({ data }, {});
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.config.githubAppId, '4242');
    assert.equal(r.config.githubAppPrivateKey, app.privateKey);
    assert.equal(r.config.githubClientId, 'Iv1.client');
    assert.equal(r.config.githubClientSecret, 'client-secret-value');
    assert.deepEqual(r.config.webhookSecrets, ['stored-webhook-secret']);
  });

  it('the variables win over the file; a world-readable file is refused; no file means no App', () => {
    const data = mkdtempSync(path.join(tmpdir(), 'lanes-app-'));
    saveStoredApp(data, app);
    const env = {
      LANES_GITHUB_APP_ID: '7',
      LANES_GITHUB_APP_PRIVATE_KEY: 'k',
      LANES_WEBHOOK_SECRET: 'env-secret-1',
    };
    const r = loadConfig({ data }, env);
    assert.ok(r.ok);
    assert.equal(r.config.githubAppId, '7');
    assert.deepEqual(r.config.webhookSecrets, ['env-secret-1']);

    chmodSync(path.join(data, 'github-app.json'), 0o644);
    const open = loadConfig({ data }, {});
    assert.equal(open.ok, false);
    assert.match(open.ok ? '' : open.errors.join(), /readable by others/);

    const none = loadConfig(
      { data: mkdtempSync(path.join(tmpdir(), 'lanes-app-')) },
      { LANES_WEBHOOK_SECRET: 'env-secret-1' },
    );
    assert.ok(none.ok);
    assert.equal(none.config.githubAppId, undefined);
  });
});
