// Every resource a caller can make the server hold is bounded here, each bound with a default and an
// environment variable (listed in the README's configuration table). The server, the HTTP app, the live
// hub and the ingest queue read their bound from this one record, so an operator tunes them in one place.
import { z } from 'zod';

const MB = 1024 * 1024;

/** Env variable → [record key, default]. The order is the README table's. */
export const LIMIT_VARIABLES = {
  LANES_HEADERS_TIMEOUT_MS: ['headersTimeoutMs', 20_000],
  LANES_REQUEST_TIMEOUT_MS: ['requestTimeoutMs', 60_000],
  LANES_KEEP_ALIVE_TIMEOUT_MS: ['keepAliveTimeoutMs', 5_000],
  LANES_MAX_CONNECTIONS: ['maxConnections', 1_000],
  LANES_WEBHOOK_MAX_BODY_BYTES: ['webhookBodyBytes', 25 * MB],
  LANES_WEBHOOK_INFLIGHT_BYTES: ['webhookInflightBytes', 64 * MB],
  LANES_API_MAX_BODY_BYTES: ['apiBodyBytes', 1 * MB],
  LANES_SSE_MAX_CLIENTS: ['sseMaxClients', 200],
  LANES_SSE_CLIENT_QUEUE: ['sseClientQueue', 1_000],
  LANES_INGEST_QUEUE: ['ingestQueue', 2_048],
  LANES_SQLITE_BUSY_TIMEOUT_MS: ['sqliteBusyTimeoutMs', 1_000],
  LANES_PG_POOL_MAX: ['pgPoolMax', 10],
} as const;

type LimitKey = (typeof LIMIT_VARIABLES)[keyof typeof LIMIT_VARIABLES][0];
export type ResourceLimits = Record<LimitKey, number>;

const positive = z.coerce.number().int().positive();

/** The limits from the environment (defaults for what is unset), or one message per invalid variable. */
export function loadLimits(
  env: NodeJS.ProcessEnv,
): { ok: true; limits: ResourceLimits } | { ok: false; errors: string[] } {
  const out: Partial<ResourceLimits> = {};
  const errors: string[] = [];
  for (const [name, [key, fallback]] of Object.entries(LIMIT_VARIABLES)) {
    const text = env[name];
    if (text === undefined || text.trim() === '') {
      out[key] = fallback;
      continue;
    }
    const parsed = positive.safeParse(text.trim());
    if (parsed.success) out[key] = parsed.data;
    else errors.push(`${name} must be a positive integer (got ${JSON.stringify(text)})`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, limits: out as ResourceLimits };
}

/** The defaults alone (tests and embedders that build a Config by hand). */
export const DEFAULT_LIMITS: ResourceLimits = (() => {
  const r = loadLimits({});
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.limits;
})();
