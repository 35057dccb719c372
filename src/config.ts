// Configuration from flags and environment variables, validated at start with a clear message.
import { z } from 'zod';
import { loadLimits, type ResourceLimits } from './resource-limits.ts';
import { readStoredApp } from './github/manifest-exchange.ts';

const configSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  catalog: z.string().min(1),
  dataDir: z.string().min(1),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, {
      message: 'DATABASE_URL must start with postgres:// (leave it unset for SQLite)',
    })
    .optional(),
  webhookSecrets: z
    .array(z.string().min(8, { message: 'LANES_WEBHOOK_SECRET must be at least 8 characters' }))
    .min(1),
  openReads: z.boolean(),
  demo: z.boolean(),
  githubApiUrl: z.url(),
  githubToken: z.string().optional(),
  githubAppId: z.string().optional(),
  githubAppPrivateKey: z.string().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  maxBodyBytes: z.number().int().positive(),
  workers: z.enum(['all', 'none'], { message: 'LANES_WORKERS must be all or none' }),
  oidcIssuer: z.url({ message: 'LANES_OIDC_ISSUER must be a URL' }),
  oidcAudience: z.string().min(1, { message: 'LANES_OIDC_AUDIENCE must not be empty' }),
  githubClientId: z.string().optional(),
  githubClientSecret: z.string().optional(),
  /** GitHub's web host for the OAuth authorize page (a local stand-in in tests). */
  githubWebUrl: z.url(),
  allowCatalogChange: z.boolean(),
  /** Seconds between reconcile passes; 0 turns the loop off (`lanes reconcile` still runs one pass). */
  reconcileIntervalS: z.coerce
    .number()
    .int()
    .min(0, { message: 'LANES_RECONCILE_INTERVAL must be 0 (off) or a number of seconds' }),
  /** Catalog from Git: the repository (owner/name) whose lanes.yaml Lanes follows; unset: the file only. */
  catalogRepo: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: 'LANES_CATALOG_REPO must be owner/name' })
    .optional(),
  /** The catalog's path in that repository. */
  catalogPath: z.string().min(1),
  /** The branch followed; unset: the repository's default branch. */
  catalogBranch: z.string().min(1).optional(),
  outboxLeaseMs: z.coerce
    .number()
    .int()
    .min(2000, { message: 'LANES_OUTBOX_LEASE_MS must be at least 2000' }),
  inboxLeaseMs: z.coerce.number().int().min(2000, { message: 'LANES_INBOX_LEASE_MS must be at least 2000' }),
  /** Sign in with GitHub: the URL people open Lanes at (redirect_uri, Origin checks, Secure cookie). */
  publicUrl: z.url({ message: 'LANES_PUBLIC_URL must be a URL' }).optional(),
  /** How long a dashboard session lasts, in hours. */
  sessionTtlHours: z.coerce
    .number()
    .positive({ message: 'LANES_SESSION_TTL_HOURS must be a positive number of hours' }),
  /** Secure on the session cookie: undefined = when the public URL (or the request) is https. */
  cookieSecure: z.boolean().optional(),
});

/** `limits`: every bound on what callers can make the server hold (src/resource-limits.ts). */
export type Config = z.infer<typeof configSchema> & { limits: ResourceLimits };

export const DEMO_WEBHOOK_SECRET = 'lanes-demo-secret-not-for-production';
/** Where `lanes up --demo` keeps its store: apart from a real `.lanes-data`. */
export const DEMO_DATA_DIR = '.lanes-demo-data';

export interface ConfigFlags {
  port?: string;
  host?: string;
  catalog?: string;
  data?: string;
  demo?: boolean;
  openReads?: boolean;
  allowCatalogChange?: boolean;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const demo = flags.demo === true;
  const dataDir = flags.data ?? (demo ? DEMO_DATA_DIR : (env.LANES_DATA_DIR ?? '.lanes-data'));
  // The App created by `lanes github exchange` (credentials kept under the data dir) stands in for the
  // LANES_GITHUB_APP_* variables when they are unset; an unreadable file is an error, not silently ignored.
  const stored = demo || env.LANES_GITHUB_APP_ID ? undefined : readStoredApp(dataDir);
  if (stored && !stored.ok && !stored.missing) return { ok: false, errors: [stored.message] };
  const app = stored?.ok ? stored.app : undefined;
  const secretText =
    env.LANES_WEBHOOK_SECRET ?? app?.webhookSecret ?? (demo ? DEMO_WEBHOOK_SECRET : undefined);
  const raw = {
    port: flags.port ?? env.PORT ?? '8080',
    // The demo has a public webhook secret and open reads: it listens on loopback unless told otherwise.
    host: flags.host ?? env.LANES_HOST ?? (demo ? '127.0.0.1' : '0.0.0.0'),
    catalog: flags.catalog ?? env.LANES_CATALOG ?? (demo ? 'examples/ops/lanes.yaml' : 'lanes.yaml'),
    // The demo never touches a real store: its own SQLite directory (unless --data names one), and neither
    // LANES_DATA_DIR nor DATABASE_URL, which point at the real installation's data.
    dataDir,
    databaseUrl: demo ? undefined : env.DATABASE_URL || undefined,
    webhookSecrets:
      secretText === undefined
        ? []
        : secretText
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    openReads:
      flags.openReads === true || env.LANES_OPEN_READS === '1' || env.LANES_OPEN_READS === 'true' || demo,
    demo,
    githubApiUrl: env.LANES_GITHUB_API_URL ?? 'https://api.github.com',
    githubToken: env.LANES_GITHUB_TOKEN || undefined,
    githubAppId: env.LANES_GITHUB_APP_ID || app?.appId,
    githubAppPrivateKey: env.LANES_GITHUB_APP_PRIVATE_KEY || app?.privateKey,
    githubClientId: env.LANES_GITHUB_CLIENT_ID || app?.clientId,
    githubClientSecret: env.LANES_GITHUB_CLIENT_SECRET || app?.clientSecret,
    githubWebUrl: env.LANES_GITHUB_WEB_URL ?? 'https://github.com',
    allowCatalogChange:
      flags.allowCatalogChange === true ||
      env.LANES_ALLOW_CATALOG_CHANGE === '1' ||
      env.LANES_ALLOW_CATALOG_CHANGE === 'true',
    reconcileIntervalS: env.LANES_RECONCILE_INTERVAL ?? (demo ? '0' : '300'),
    catalogRepo: env.LANES_CATALOG_REPO || undefined,
    catalogPath: env.LANES_CATALOG_PATH || 'lanes.yaml',
    catalogBranch: env.LANES_CATALOG_BRANCH || undefined,
    logLevel: env.LANES_LOG_LEVEL ?? 'info',
    maxBodyBytes: 25 * 1024 * 1024,
    outboxLeaseMs: env.LANES_OUTBOX_LEASE_MS ?? '60000',
    // GitHub Actions OIDC for POST /api/v1/evidence: whose tokens, for which audience.
    inboxLeaseMs: env.LANES_INBOX_LEASE_MS ?? '30000',
    // none: this process only acknowledges and serves (an ingest replica); another process runs the workers.
    workers: env.LANES_WORKERS ?? 'all',
    // GitHub Actions OIDC: the issuer of workflow ID tokens (GHES: https://HOST/_services/token) and the
    // audience workflows ask for.
    oidcIssuer: env.LANES_OIDC_ISSUER || 'https://token.actions.githubusercontent.com',
    oidcAudience: env.LANES_OIDC_AUDIENCE || 'lanes',
    publicUrl: env.LANES_PUBLIC_URL ? env.LANES_PUBLIC_URL.replace(/\/+$/, '') : undefined,
    sessionTtlHours: env.LANES_SESSION_TTL_HOURS ?? '12',
    cookieSecure:
      env.LANES_COOKIE_SECURE === undefined || env.LANES_COOKIE_SECURE === ''
        ? undefined
        : env.LANES_COOKIE_SECURE === '1' || env.LANES_COOKIE_SECURE === 'true',
  };
  const limits = loadLimits(env);
  const parsed = configSchema.safeParse(raw);
  if (!limits.ok) return { ok: false, errors: limits.errors };
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => {
        const key = i.path.join('.');
        if (key === 'webhookSecrets' && raw.webhookSecrets.length === 0)
          return 'LANES_WEBHOOK_SECRET is required (the secret configured on the GitHub webhook)';
        return `${key}: ${i.message}`;
      }),
    };
  }
  return {
    ok: true,
    config: { ...parsed.data, maxBodyBytes: limits.limits.webhookBodyBytes, limits: limits.limits },
  };
}
