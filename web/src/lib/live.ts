// The live stream: one EventSource on /api/v1/events. Every change event schedules one debounced
// refetch of whatever the current page watches. EventSource reconnects by itself (sending
// Last-Event-ID); when the server closes the stream for good we open a new one with back-off.
// It authenticates by the session cookie (same origin), never by a token in the URL; it reopens when the
// person signed in changes.
import { useSyncExternalStore } from 'react';
import { API, refreshWatched } from './api.ts';
import { currentSession, onSessionChange } from './session.ts';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Topics the server publishes (store ChangeEvent.topic) plus unnamed messages. */
export const LIVE_TOPICS = [
  'message',
  'change',
  'run',
  'job',
  'evidence',
  'ref',
  'deployment',
  'protection_request',
  'release',
  'lane',
  'workflow',
  'gate',
  'approval',
  'alert',
  'audit',
  'timer',
  'hold',
  'catalog',
  'deployment_review',
  'effect',
] as const;

const DEBOUNCE_MS = 100;

interface LiveSnapshot {
  state: LiveState;
  lastSeq: string | null;
  lastEventAt: number | null;
}

let snap: LiveSnapshot = { state: 'connecting', lastSeq: null, lastEventAt: null };
const listeners = new Set<() => void>();
let source: EventSource | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;
let retryDelay = 1000;
let hadError = false;

function set(next: Partial<LiveSnapshot>): void {
  snap = { ...snap, ...next };
  for (const l of listeners) l();
}

function scheduleRefresh(): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    refreshWatched();
  }, DEBOUNCE_MS);
}

function onEvent(e: MessageEvent): void {
  set({ lastSeq: e.lastEventId || snap.lastSeq, lastEventAt: Date.now(), state: 'live' });
  scheduleRefresh();
}

function open(): void {
  if (typeof EventSource === 'undefined') {
    set({ state: 'offline' });
    return;
  }
  const es = new EventSource(`${API}/events`);
  source = es;
  es.onopen = () => {
    retryDelay = 1000;
    set({ state: 'live' });
    // anything missed while disconnected: refetch once
    if (hadError) scheduleRefresh();
    hadError = false;
  };
  es.onerror = () => {
    hadError = true;
    if (es.readyState === EventSource.CLOSED) {
      set({ state: 'offline' });
      es.close();
      if (source === es) source = null;
      if (!retry) {
        retry = setTimeout(() => {
          retry = null;
          set({ state: 'reconnecting' });
          open();
        }, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 15000);
      }
    } else {
      set({ state: 'reconnecting' });
    }
  };
  for (const topic of LIVE_TOPICS) es.addEventListener(topic, onEvent);
}

function restart(): void {
  source?.close();
  source = null;
  if (retry) clearTimeout(retry);
  retry = null;
  retryDelay = 1000;
  set({ state: 'connecting' });
  open();
}

let signedInAs: string | undefined;

/** Idempotent: opens the stream once for the page's lifetime (reopened when the person signed in changes). */
export function startLive(): void {
  if (source || retry) return;
  onSessionChange(() => {
    const s = currentSession();
    const who = s.status === 'unknown' ? signedInAs : (s.view?.person ?? '');
    if (who === signedInAs) return;
    const first = signedInAs === undefined;
    signedInAs = who;
    if (!first) restart();
  });
  open();
}

export function useLive(): LiveSnapshot {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => snap,
    () => snap,
  );
}
