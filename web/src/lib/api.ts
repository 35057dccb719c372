// JSON access to /api/v1 plus a small shared resource cache: every page reads through useData(),
// which keeps the last good data while refetching and refetches whenever the live stream says so.
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { ApiError as ApiErrorBody } from '../../../src/contract/views.ts';

export const API = '/api/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** the error body's `details` (validation issues, freeze conditions …) */
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function isErrorBody(v: unknown): v is ApiErrorBody {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = (v as { error: unknown }).error;
  return typeof e === 'object' && e !== null && 'message' in e;
}

// API token (a fallback for local and demo use; the dashboard signs in with GitHub): kept in this page's
// memory only — never in localStorage, sessionStorage or a URL — so a reload forgets it.
let memoryToken: string | null = null;
const tokenListeners = new Set<() => void>();

export function getToken(): string | null {
  return memoryToken;
}

export function setToken(token: string | null): void {
  memoryToken = token;
  for (const l of tokenListeners) l();
  refreshWatched();
}

// The signed-in session's CSRF token (web/src/lib/session.ts sets it): sent as X-CSRF-Token on every
// state change, which the server requires of a request authenticated by the session cookie.
let csrfToken: string | null = null;
let csrfReady: Promise<unknown> = Promise.resolve();

export function setCsrfToken(token: string | null, ready?: Promise<unknown>): void {
  csrfToken = token;
  if (ready) csrfReady = ready;
}

export function onTokenChange(fn: () => void): () => void {
  tokenListeners.add(fn);
  return () => tokenListeners.delete(fn);
}

export function useToken(): string | null {
  return useSyncExternalStore(onTokenChange, getToken, getToken);
}

async function request<T>(path: string, init: RequestInit, signal?: AbortSignal): Promise<T> {
  let res: Response;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.method !== undefined && init.method !== 'GET') {
    await csrfReady.catch(() => undefined);
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
  }
  try {
    // with a cookie session the server checks Origin (or Referer) against its own: send them same-origin
    res = await fetch(API + path, { ...init, headers, signal, referrerPolicy: 'same-origin' });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network', 'The Lanes server cannot be reached.');
  }
  const type = res.headers.get('content-type') ?? '';
  const isJson = type.includes('json');
  const body: unknown = isJson ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    if (isErrorBody(body))
      throw new ApiError(res.status, body.error.code, body.error.message, body.error.details);
    throw new ApiError(
      res.status,
      res.status === 404 ? 'not_found' : 'http_error',
      `${res.status} ${res.statusText}`.trim(),
    );
  }
  // An HTML answer means the route is not part of the API yet (SPA fallback): treat as missing.
  if (!isJson) throw new ApiError(404, 'not_found', `${API}${path} is not available on this server.`);
  return body as T;
}

export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { method: 'GET' }, signal);
}

/** POST /api/v1{path} with a JSON body (the session's CSRF token, or the token); throws ApiError on refusal. */
export function postJson<T>(path: string, body: unknown): Promise<T> {
  return request<T>(path, { method: 'POST', body: JSON.stringify(body ?? {}) });
}

/** Lists may come bare or wrapped ({items:[…]}, {lanes:[…]}…). */
export function asList<T>(data: unknown, ...keys: string[]): T[] {
  if (Array.isArray(data)) return data as T[];
  if (typeof data === 'object' && data !== null) {
    const rec = data as Record<string, unknown>;
    for (const k of [...keys, 'items', 'data', 'results']) {
      const v = rec[k];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}

export type LoadStatus = 'loading' | 'ready' | 'error' | 'missing';

export interface Snapshot<T> {
  status: LoadStatus;
  data: T | undefined;
  error: ApiError | undefined;
  /** true while a refetch runs over already-shown data */
  refreshing: boolean;
}

type Loader<T> = (signal: AbortSignal) => Promise<T>;

class Resource<T> {
  snap: Snapshot<T> = { status: 'loading', data: undefined, error: undefined, refreshing: false };
  readonly listeners = new Set<() => void>();
  loader: Loader<T>;
  private inflight: AbortController | null = null;
  private dirty = false;

  constructor(loader: Loader<T>) {
    this.loader = loader;
  }

  private set(next: Partial<Snapshot<T>>): void {
    this.snap = { ...this.snap, ...next };
    for (const l of this.listeners) l();
  }

  /** `again`: when a fetch is already running, run one more after it (its answer may predate a change). */
  load(again = true): void {
    if (this.inflight) {
      if (again) this.dirty = true;
      return;
    }
    const ac = new AbortController();
    this.inflight = ac;
    if (this.snap.data !== undefined) this.set({ refreshing: true });
    this.loader(ac.signal)
      .then(
        (data) => this.set({ status: 'ready', data, error: undefined, refreshing: false }),
        (err: unknown) => {
          if (ac.signal.aborted) return;
          const e =
            err instanceof ApiError
              ? err
              : new ApiError(0, 'client', err instanceof Error ? err.message : String(err));
          if (e.status === 404) this.set({ status: 'missing', data: undefined, error: e, refreshing: false });
          // keep the last good data on a transient failure
          else
            this.set({
              status: this.snap.data === undefined ? 'error' : 'ready',
              error: e,
              refreshing: false,
            });
        },
      )
      .finally(() => {
        this.inflight = null;
        if (this.dirty) {
          this.dirty = false;
          this.load();
        }
      });
  }
}

const cache = new Map<string, Resource<unknown>>();

/** Refetches every resource a mounted component is watching. */
export function refreshWatched(): void {
  for (const r of cache.values()) if (r.listeners.size > 0) r.load();
}

/** Reads `key` through `loader`; refetches on mount and on live refresh. */
export function useData<T>(key: string, loader: Loader<T>): Snapshot<T> {
  let res = cache.get(key) as Resource<T> | undefined;
  if (!res) {
    res = new Resource<T>(loader);
    cache.set(key, res as Resource<unknown>);
  }
  res.loader = loader;
  const resource = res;
  const subscribe = useCallback(
    (fn: () => void) => {
      resource.listeners.add(fn);
      return () => {
        resource.listeners.delete(fn);
      };
    },
    [resource],
  );
  const snap = useSyncExternalStore(
    subscribe,
    () => resource.snap,
    () => resource.snap,
  );
  useEffect(() => {
    resource.load(false);
  }, [resource]);
  return snap;
}

/** Shorthand: GET /api/v1{path}. */
export function useApi<T>(path: string): Snapshot<T> {
  return useData<T>(path, (signal) => getJson<T>(path, signal));
}

/** The outbox effects of one release (GET /api/v1/effects?release=…), newest first. */
export function releaseEffectsPath(releaseId: string): string {
  return `/effects?release=${encodeURIComponent(releaseId)}&limit=200`;
}

/** An admin re-sends a dead effect (POST /api/v1/effects/{id}/retry): same key and effect_id. */
export function retryEffect<T>(id: number, comment?: string): Promise<T> {
  return postJson<T>(`/effects/${id}/retry`, comment ? { comment } : {});
}
