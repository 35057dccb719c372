// Who the dashboard is signed in as: GET /api/v1/session, read once at start and again after a token is
// given or a sign-out. A GitHub sign-in lives in an HttpOnly cookie this script cannot read; the server
// answers the session's CSRF token here, kept in memory and sent on every state change (lib/api.ts).
import { useSyncExternalStore } from 'react';
import type { SessionView } from '../../../src/contract/views.ts';
import { ApiError, getJson, getToken, onTokenChange, refreshWatched, setCsrfToken, setToken } from './api.ts';

export interface SessionState {
  status: 'unknown' | 'signed-in' | 'signed-out';
  view: SessionView | null;
  /** whether the server offers Sign in with GitHub (told when nobody is signed in) */
  githubSignIn: boolean;
}

let snap: SessionState = { status: 'unknown', view: null, githubSignIn: false };
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  snap = next;
  for (const l of listeners) l();
}

function githubSignInOf(e: unknown): boolean {
  if (!(e instanceof ApiError) || typeof e.details !== 'object' || e.details === null) return false;
  return (e.details as { githubSignIn?: unknown }).githubSignIn === true;
}

/** Reads GET /api/v1/session again (state changes wait for it, so they carry the fresh CSRF token). */
export function loadSession(): Promise<void> {
  const p = getJson<SessionView>('/session').then(
    (view) => {
      setCsrfToken(view.csrfToken);
      set({ status: 'signed-in', view, githubSignIn: snap.githubSignIn || view.via === 'session' });
    },
    (e: unknown) => {
      setCsrfToken(null);
      set({ status: 'signed-out', view: null, githubSignIn: githubSignInOf(e) });
    },
  );
  setCsrfToken(null, p);
  return p;
}

let started = false;

/** Idempotent: reads the session once, and again whenever the in-memory token changes. */
export function startSession(): void {
  if (started) return;
  started = true;
  onTokenChange(() => void loadSession());
  void loadSession();
}

export function isSignedIn(): boolean {
  return getToken() !== null || snap.status === 'signed-in';
}

/** Where "Sign in with GitHub" goes; back to `path` (this page by default) afterwards. */
export function signInHref(path = `${window.location.pathname}${window.location.search}`): string {
  return `/auth/github/login?next=${encodeURIComponent(path)}`;
}

/** Ends the GitHub session (server side) and forgets any token held in memory. */
export async function signOut(): Promise<void> {
  if (snap.view?.via === 'session' && snap.view.csrfToken) {
    await fetch('/auth/logout', {
      method: 'POST',
      headers: { 'x-csrf-token': snap.view.csrfToken },
      referrerPolicy: 'same-origin',
    }).catch(() => undefined);
  }
  if (getToken() !== null) setToken(null);
  else await loadSession();
  refreshWatched();
}

export function currentSession(): SessionState {
  return snap;
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => snap,
    () => snap,
  );
}

/** Subscribe to session changes outside React (the live stream reopens on them). */
export function onSessionChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
