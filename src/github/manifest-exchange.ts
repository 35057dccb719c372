// The second half of GitHub's manifest flow: trade the one-hour code for the new App's credentials
// (POST /app-manifests/{code}/conversions, no authentication) and keep them in one file under the data dir.
// Guarantees: the credentials file is created with mode 0600 inside a 0700 directory, written to a temporary
// name and renamed (never half-written), and never silently replaced (it holds the only copy of the App's key).
// Nothing here logs or returns a secret except readStoredApp, which the config loader calls.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { classifyFailure, DEFAULT_GITHUB_API_URL, type GitHubOutcome } from './github-client.ts';

/** File name under the data dir. */
export const APP_CREDENTIALS_FILE = 'github-app.json';

export interface StoredApp {
  appId: string;
  slug: string;
  name: string;
  owner: string | null;
  htmlUrl: string | null;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  privateKey: string;
  createdAt: string;
}

/** What may be printed: everything but the client secret, webhook secret and key. */
export type AppSummary = Pick<StoredApp, 'appId' | 'slug' | 'name' | 'owner' | 'htmlUrl' | 'clientId'>;

export function summariseApp(a: StoredApp): AppSummary {
  return {
    appId: a.appId,
    slug: a.slug,
    name: a.name,
    owner: a.owner,
    htmlUrl: a.htmlUrl,
    clientId: a.clientId,
  };
}

const CODE_RE = /^[A-Za-z0-9_-]{1,200}$/;

function str(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Parse GitHub's conversion response; undefined when a credential is missing. */
export function parseConversion(body: unknown, nowIso: string): StoredApp | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const appId = str(b, 'id');
  const slug = str(b, 'slug');
  const clientId = str(b, 'client_id');
  const clientSecret = str(b, 'client_secret');
  const webhookSecret = str(b, 'webhook_secret');
  const privateKey = str(b, 'pem');
  if (!appId || !slug || !clientId || !clientSecret || !webhookSecret || !privateKey) return undefined;
  const owner = b.owner !== null && typeof b.owner === 'object' ? (b.owner as Record<string, unknown>) : {};
  return {
    appId,
    slug,
    name: str(b, 'name') ?? slug,
    owner: str(owner, 'login') ?? null,
    htmlUrl: str(b, 'html_url') ?? null,
    clientId,
    clientSecret,
    webhookSecret,
    privateKey,
    createdAt: nowIso,
  };
}

export interface ExchangeOptions {
  apiUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  clock?: () => number;
}

/** POST {api}/app-manifests/{code}/conversions (201). The code is single-use and expires after one hour. */
export async function exchangeManifestCode(
  code: string,
  o: ExchangeOptions = {},
): Promise<GitHubOutcome<StoredApp>> {
  if (!CODE_RE.test(code))
    return { ok: false, retryable: false, status: 0, message: 'invalid manifest code' };
  const base = (o.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  const now = o.clock ?? Date.now;
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(`${base}/app-manifests/${code}/conversions`, {
      method: 'POST',
      headers: {
        accept: 'application/vnd.github+json',
        'user-agent': 'lanes',
        'x-github-api-version': '2022-11-28',
      },
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
    });
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { ok: false, retryable: true, status: 0, message: `network: ${message}` };
  }
  const text = await res.text().catch(() => '');
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.status !== 201 && res.status !== 200) {
    const msg =
      json !== null && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string'
        ? (json as { message: string }).message
        : text.slice(0, 200);
    return classifyFailure(res.status, res.headers, msg, now());
  }
  const app = parseConversion(json, new Date(now()).toISOString());
  if (!app)
    return {
      ok: false,
      retryable: false,
      status: res.status,
      message:
        'GitHub answered without the App credentials (id, slug, client_id, client_secret, webhook_secret, pem)',
    };
  return { ok: true, data: app, status: res.status };
}

export function credentialsPath(dataDir: string): string {
  return path.join(dataDir, APP_CREDENTIALS_FILE);
}

export type SaveResult = { ok: true; file: string } | { ok: false; message: string };

/** Write the credentials (0600 in a 0700 dir); refuses to replace an existing file unless `replace`. */
export function saveStoredApp(dataDir: string, app: StoredApp, replace = false): SaveResult {
  const file = credentialsPath(dataDir);
  if (existsSync(file) && !replace)
    return {
      ok: false,
      message: `${file} already exists (it holds another App's private key); pass --force to replace it`,
    };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // mkdir's mode does not apply to a directory that already exists; tighten it either way.
  chmodSync(dataDir, 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(app, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return { ok: true, file };
}

export type ReadResult = { ok: true; app: StoredApp } | { ok: false; missing: boolean; message: string };

/**
 * For the config loader: the stored App, when the file exists. Refuses a file others can read (the key
 * would be exposed), like ssh does.
 */
export function readStoredApp(dataDir: string): ReadResult {
  const file = credentialsPath(dataDir);
  if (!existsSync(file)) return { ok: false, missing: true, message: `${file} does not exist` };
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0)
    return { ok: false, missing: false, message: `${file} is readable by others; chmod 600 it` };
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ok: false, missing: false, message: `${file} is not valid JSON` };
  }
  const b = body as Partial<StoredApp> | null;
  if (
    !b ||
    typeof b.appId !== 'string' ||
    typeof b.privateKey !== 'string' ||
    typeof b.webhookSecret !== 'string' ||
    typeof b.clientId !== 'string' ||
    typeof b.clientSecret !== 'string' ||
    typeof b.slug !== 'string'
  )
    return { ok: false, missing: false, message: `${file} lacks the App credentials` };
  return { ok: true, app: b as StoredApp };
}
