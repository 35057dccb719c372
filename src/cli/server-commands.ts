// `lanes up` (serve) and `lanes replay <file>` (feed recorded deliveries through the signed HTTP path).
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig, DEMO_WEBHOOK_SECRET } from '../config.ts';
import { utcMinute } from './format-table.ts';
import { progressBar, quarterProgress, readDeliveries, replayDeliveries } from './replay.ts';
import { DEMO_HISTORY, demoClock, loadDemo } from './demo-loader.ts';
import { auditClockFor } from './demo-clock-record.ts';

export { DEMO_HISTORY };

export function registerServerCommands(program: Command): void {
  program
    .command('up')
    .description('serve the dashboard, API and webhook receiver')
    .option('--catalog <file>', 'catalog file (LANES_CATALOG)')
    .option('--data <dir>', 'data directory for the SQLite default (LANES_DATA_DIR)')
    .option('--port <n>', 'port (PORT)')
    .option('--host <host>', 'bind address (LANES_HOST)')
    .option(
      '--demo',
      'example catalog, open reads, and the demo history replayed into a fresh data directory',
    )
    .option('--open-reads', 'allow unauthenticated GET on the API (trusted networks only)')
    .option(
      '--allow-catalog-change',
      'start even though the store was created for another catalog (zone or repository)',
    )
    .action(
      async (opts: {
        catalog?: string;
        data?: string;
        port?: string;
        host?: string;
        demo?: boolean;
        openReads?: boolean;
        allowCatalogChange?: boolean;
      }) => {
        // The server process writes one log: JSON lines (pino) on stdout, start-up failures included, never a
        // plain line or a stack trace. The few lines an operator waits for (serving, demo loaded, shutting
        // down) are logged at info even when LANES_LOG_LEVEL is warn or error (not when it is silent).
        const { makeLogger } = await import('../server.ts');
        const r = loadConfig({ ...opts });
        if (!r.ok) {
          let log;
          try {
            log = makeLogger(process.env.LANES_LOG_LEVEL || 'info');
          } catch {
            log = makeLogger('info'); // LANES_LOG_LEVEL itself may be the configuration error
          }
          for (const e of r.errors) log.fatal({ error: e }, `configuration error: ${e}`);
          process.exit(2);
        }
        const config = r.config;
        const log = makeLogger(config.logLevel);
        const announce = config.logLevel === 'silent' ? log : log.child({}, { level: 'info' });
        const { startLanes } = await import('../server.ts');
        let lanes;
        try {
          const clock = config.demo ? demoClock(undefined, { record: config.dataDir }) : undefined;
          lanes = await startLanes(config, { log, ...(clock ? { clock } : {}) });
        } catch (e) {
          log.fatal(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
          process.exit(1);
        }
        if (config.demo) {
          const stats = await lanes.store.inboxStats();
          if (stats.received === 0 && existsSync(DEMO_HISTORY)) {
            announce.info(
              "replaying the demo history: GitHub deliveries and people's actions (releases, approvals), in time order",
            );
            const res = await loadDemo(lanes, config.webhookSecrets[0] ?? DEMO_WEBHOOK_SECRET, {
              onProgress: quarterProgress((done, total) =>
                announce.info({ done, total }, `demo history: ${done}/${total}`),
              ),
            });
            announce.info(
              {
                accepted: res.replay.accepted,
                duplicate: res.replay.duplicate,
                failed: res.replay.failed.length,
                actions: res.actions,
              },
              `demo history: ${res.replay.accepted} deliveries accepted, ${res.replay.duplicate} duplicates, ${res.replay.failed.length} failed; ${res.actions} actions`,
            );
          }
          announce.info(
            'demo clock: time runs from 2026-03-12 09:45 UTC, the moment of the reference screen',
          );
        }
        announce.info(
          { url: lanes.url },
          `Lanes is serving ${lanes.url} (dashboard /, API /api/v1, webhooks /webhooks/github)`,
        );
        const shutdown = (signal: string) => {
          announce.info({ signal }, `${signal}: shutting down`);
          const t = setTimeout(() => process.exit(0), 5000);
          t.unref();
          void lanes.close().then(() => process.exit(0));
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      },
    );

  program
    .command('replay')
    .argument('<file>', 'JSONL file of recorded deliveries: {"event","guid","payload"} per line')
    .option('--url <url>', 'server URL', process.env.LANES_URL ?? 'http://127.0.0.1:8080')
    .option('--secret <secret>', 'webhook secret (LANES_WEBHOOK_SECRET)')
    .option('--concurrency <n>', 'parallel requests', '1')
    .description('feed recorded GitHub deliveries through the signed webhook endpoint')
    .action(async (file: string, opts: { url: string; secret?: string; concurrency: string }) => {
      const secret = opts.secret ?? process.env.LANES_WEBHOOK_SECRET;
      if (!secret) {
        process.stderr.write('lanes replay: --secret or LANES_WEBHOOK_SECRET is required\n');
        process.exit(2);
      }
      let deliveries;
      try {
        deliveries = readDeliveries(file);
      } catch (e) {
        process.stderr.write(`lanes replay: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      }
      const res = await replayDeliveries(opts.url, secret, deliveries, {
        concurrency: Math.max(1, Number(opts.concurrency) || 1),
        onProgress: progressBar(),
      });
      process.stdout.write(
        `${res.accepted} accepted, ${res.duplicate} duplicates, ${res.failed.length} failed\n`,
      );
      for (const f of res.failed.slice(0, 10))
        process.stdout.write(`  ${f.guid}: HTTP ${f.status} ${f.body}\n`);
      process.exit(res.failed.length > 0 ? 1 : 0);
    });
}

/** The API mode of `lanes token …`: --url <server>, with an admin token (--token / LANES_TOKEN). */
function withApiMode(cmd: Command, json = true): Command {
  cmd
    .option('--url <server>', 'manage tokens over the API of this Lanes server instead of the store')
    .option('--token <token>', 'with --url: an admin API token (LANES_TOKEN)');
  return json ? cmd.option('--json', 'print the API response as JSON (with --url)') : cmd;
}

/** --url and --data name two different places: a usage error. */
function apiMode(opts: { url?: string; data?: string }): boolean {
  if (opts.url !== undefined && opts.data !== undefined) {
    process.stderr.write(`lanes token: --url (over the API) and --data (on the store) exclude each other\n`);
    process.exit(2);
  }
  return opts.url !== undefined;
}

/**
 * `lanes token create|list|revoke`: administer API tokens directly on the store (run where the server's data
 * is), or with --url over the server's token API (src/cli/commands/token-api-commands.ts).
 */
export function registerTokenCommands(program: Command): void {
  const token = program
    .command('token')
    .description(
      'create, list and revoke API tokens: on the server machine (DATABASE_URL or --data), or with --url over the API (admin token)',
    );
  const storeFor = async (data?: string) => {
    const { openStore } = await import('../store/open-store.ts');
    return openStore({
      databaseUrl: process.env.DATABASE_URL || undefined,
      dataDir: data ?? process.env.LANES_DATA_DIR ?? '.lanes-data',
    });
  };
  // Token times are real time (credentials); the audit entry is on the store's own clock (a demo's is March).
  const auditNow = (data?: string) =>
    auditClockFor(
      data ?? process.env.LANES_DATA_DIR ?? '.lanes-data',
      process.env.DATABASE_URL || undefined,
    )();
  withApiMode(token.command('create'))
    .option('--person <id>', 'the person the token acts as (a seat member id in the catalog)')
    .option(
      '--service <name>',
      'bind the token to a named service (CI); --person then names who it acts for, if anyone',
    )
    .option('--scope <scope>', 'read | operate | admin', 'read')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--ttl-days <n>', 'expires after n days (default 90; 0 = never)', '90')
    .option('--data <dir>', 'SQLite data directory')
    .option(
      '--catalog <file>',
      'catalog file, to check the person belongs to a seat (the server checks it with --url)',
      process.env.LANES_CATALOG ?? 'lanes.yaml',
    )
    .description('create a token; the secret is printed once and only its hash is stored')
    .action(
      async (opts: {
        person?: string;
        service?: string;
        scope: string;
        name: string;
        ttlDays: string;
        data?: string;
        catalog: string;
        url?: string;
        token?: string;
        json?: boolean;
      }) => {
        const api = apiMode(opts);
        if (!['read', 'operate', 'admin'].includes(opts.scope)) {
          process.stderr.write(`lanes token: --scope must be read, operate or admin\n`);
          process.exit(2);
        }
        const ttl = Number(opts.ttlDays);
        if (!Number.isInteger(ttl) || ttl < 0) {
          process.stderr.write(`lanes token: --ttl-days must be a whole number\n`);
          process.exit(2);
        }
        if (opts.service !== undefined && !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(opts.service)) {
          process.stderr.write(`lanes token: --service must be lower-case letters, digits, - or _\n`);
          process.exit(2);
        }
        if (!opts.person && !opts.service) {
          process.stderr.write(`lanes token: --person or --service is required\n`);
          process.exit(2);
        }
        if (api) {
          const { createTokenApi } = await import('./commands/token-api-commands.ts');
          return createTokenApi(opts, {
            ...(opts.person ? { person: opts.person } : {}),
            ...(opts.service ? { service: opts.service } : {}),
            scope: opts.scope as 'read' | 'operate' | 'admin',
            name: opts.name,
            ttlDays: ttl,
          });
        }
        // A person's token is for a member of a seat: anyone else is refused (the catalog must load).
        if (opts.person) {
          const { loadCatalogFile } = await import('../catalog/load-catalog.ts');
          const cat = loadCatalogFile(opts.catalog);
          const person = opts.person;
          if (!cat.ok) {
            process.stderr.write(`lanes token: cannot load ${opts.catalog} to check ${person}'s seats\n`);
            process.exit(2);
          }
          if (!cat.catalog.seats.some((s) => s.members.includes(person))) {
            process.stderr.write(
              `lanes token: refused: ${person} is not a member of any seat in ${opts.catalog} (rule identity.person_seat)\n`,
            );
            process.exit(1);
          }
        }
        const personId = opts.person ?? `service:${opts.service ?? ''}`;
        const { issueToken } = await import('../http/auth.ts');
        const store = await storeFor(opts.data);
        try {
          const now = new Date();
          const { token: secret, record } = await issueToken(store, {
            personId,
            name: opts.name,
            ...(opts.service ? { service: opts.service } : {}),
            scope: opts.scope as 'read' | 'operate' | 'admin',
            now,
            ...(ttl > 0 ? { ttlDays: ttl } : {}),
          });
          await store.transaction((tx) =>
            tx.appendAudit({
              at: auditNow(opts.data).toISOString(),
              actor: 'cli:token-create',
              action: 'token.created',
              objectType: 'token',
              objectId: record.id,
              reason: opts.name,
              data: {
                person: opts.person ?? null,
                service: opts.service ?? null,
                scope: opts.scope,
                expiresAt: record.expiresAt,
              },
            }),
          );
          process.stdout.write(`${secret}\n`);
          process.stderr.write(
            `token ${record.id} for ${opts.service ? `service ${opts.service}${opts.person ? ` on behalf of ${opts.person}` : ''}` : personId} (${opts.scope}${record.expiresAt ? `, expires ${utcMinute(record.expiresAt)}` : ''}); shown once\n`,
          );
        } finally {
          await store.close();
        }
      },
    );
  withApiMode(token.command('list'), false)
    .option('--data <dir>', 'SQLite data directory')
    .option('--json', 'print JSON')
    .description('list tokens (never their secrets)')
    .action(async (opts: { data?: string; json?: boolean; url?: string; token?: string }) => {
      if (apiMode(opts)) {
        const { listTokensApi } = await import('./commands/token-api-commands.ts');
        return listTokensApi(opts);
      }
      const store = await storeFor(opts.data);
      try {
        const list = (await store.listTokens()).map(({ hash: _hash, ...t }) => t);
        if (opts.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else
          for (const t of list)
            process.stdout.write(
              `${t.id}  ${t.personId.padEnd(10)} ${t.scope.padEnd(8)} ${t.revokedAt ? 'revoked' : t.expiresAt ? `expires ${utcMinute(t.expiresAt)}` : 'no expiry'}  ${t.name}\n`,
            );
      } finally {
        await store.close();
      }
    });
  withApiMode(token.command('revoke'))
    .argument('<id>', 'token id (tok_…)')
    .option('--data <dir>', 'SQLite data directory')
    .description('revoke a token at once')
    .action(async (id: string, opts: { data?: string; url?: string; token?: string; json?: boolean }) => {
      if (apiMode(opts)) {
        const { revokeTokenApi } = await import('./commands/token-api-commands.ts');
        return revokeTokenApi(opts, id);
      }
      const store = await storeFor(opts.data);
      try {
        const now = new Date().toISOString();
        const ok = await store.revokeToken(id, now);
        if (ok)
          await store.transaction((tx) =>
            tx.appendAudit({
              at: auditNow(opts.data).toISOString(),
              actor: 'cli:token-revoke',
              action: 'token.revoked',
              objectType: 'token',
              objectId: id,
              reason: null,
              data: {},
            }),
          );
        process.stdout.write(ok ? `revoked ${id}\n` : `no active token ${id}\n`);
        process.exitCode = ok ? 0 : 1;
      } finally {
        await store.close();
      }
    });
}
