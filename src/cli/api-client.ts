// A small HTTP client for the Lanes REST API (/api/v1), used by the CLI. One request = one fetch with a
// 15 s timeout and `Authorization: Bearer <token>`. Failures come back as two kinds of error:
// ApiRequestError (the server answered an error, normally {error:{code,message,details?}}, or a 2xx that is
// not JSON: code bad_response) and ConnectionError (no answer).
// The token is never part of any message.

export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const REQUEST_TIMEOUT_MS = 15_000;

export interface Connection {
  url: string;
  token: string | undefined;
}

/** --url / --token flags, else LANES_URL / LANES_TOKEN, else the local default (and no token). */
export function resolveConnection(
  flags: { url?: string; token?: string },
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const url = (flags.url ?? (env.LANES_URL || undefined) ?? DEFAULT_URL).trim().replace(/\/+$/, '');
  const token = (flags.token ?? (env.LANES_TOKEN || undefined))?.trim() || undefined;
  return { url, token };
}

/** The server answered with an error status. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** No answer at all: refused, host not found, reset, timeout, or a URL that is not http(s). */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${url}: ${reason}`);
    this.name = 'ConnectionError';
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export type QueryValue = string | number | boolean | undefined;

export class ApiClient {
  private readonly timeoutMs: number;

  constructor(
    readonly connection: Connection,
    opts: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  get<T>(path: string, query?: Record<string, QueryValue>): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, query);
  }

  post<T>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    query?: Record<string, QueryValue>,
  ): Promise<ApiResponse<T>> {
    const base = this.connection.url;
    let target: URL;
    try {
      target = new URL(`${base}${path}`);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new ConnectionError(base, 'not a valid http(s) URL');
    }
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) target.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'lanes-cli' };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    let res: Response;
    let raw: string;
    try {
      res = await fetch(target, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      raw = await res.text();
    } catch (e) {
      throw new ConnectionError(base, describeFetchError(e, this.timeoutMs));
    }

    let parsed: unknown;
    try {
      parsed = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const err = errorOf(parsed);
      if (err) throw new ApiRequestError(res.status, err.code, err.message, err.details, err.requestId);
      throw new ApiRequestError(res.status, `http_${res.status}`, res.statusText || `HTTP ${res.status}`);
    }
    if (parsed === undefined) {
      const type = res.headers.get('content-type')?.split(';')[0] ?? 'no content type';
      throw new ApiRequestError(
        res.status,
        'bad_response',
        `${method} ${path} answered ${res.status} with ${type}, not the API's JSON (is this a Lanes server with this route?)`,
      );
    }
    return { status: res.status, body: parsed as T };
  }
}

function errorOf(
  v: unknown,
): { code: string; message: string; details?: unknown; requestId?: string } | undefined {
  if (typeof v !== 'object' || v === null || !('error' in v)) return undefined;
  const e = (v as { error: unknown }).error;
  if (typeof e !== 'object' || e === null) return undefined;
  const o = e as Record<string, unknown>;
  if (typeof o.code !== 'string' || typeof o.message !== 'string') return undefined;
  return {
    code: o.code,
    message: o.message,
    details: o.details,
    requestId: typeof o.requestId === 'string' ? o.requestId : undefined,
  };
}

const FETCH_ERROR_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'host unreachable',
};

/** fetch's errors, in words: "connection refused", "timed out after 15 s", "host not found" ... */
export function describeFetchError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
    return `timed out after ${Math.round(timeoutMs / 1000)} s`;
  }
  const cause =
    e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const words = code ? FETCH_ERROR_WORDS[code] : undefined;
  if (words) return words;
  if (typeof cause?.message === 'string' && cause.message)
    return code ? `${cause.message} (${code})` : cause.message;
  return e instanceof Error ? e.message : String(e);
}
