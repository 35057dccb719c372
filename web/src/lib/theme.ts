// Light / dark: follows prefers-color-scheme until the user picks one (stored in localStorage).
import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'lanes-theme';
const listeners = new Set<() => void>();

function readStored(): Theme | null {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

let choice: Theme | null = null;

const media = (): MediaQueryList | null =>
  typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;

export function effectiveTheme(): Theme {
  return choice ?? (media()?.matches ? 'dark' : 'light');
}

/** Sets data-theme on <html>; called before the first render and on every change. */
export function applyTheme(): void {
  const t = effectiveTheme();
  document.documentElement.dataset.theme = t;
  document.documentElement.style.colorScheme = t;
  for (const l of listeners) l();
}

export function setTheme(t: Theme): void {
  choice = t;
  try {
    window.localStorage.setItem(KEY, t);
  } catch {
    // storage unavailable (private mode): the choice still holds for this page
  }
  applyTheme();
}

export function initTheme(): void {
  choice = readStored();
  applyTheme();
  media()?.addEventListener('change', applyTheme);
  window.addEventListener('storage', (e) => {
    if (e.key === KEY) {
      choice = readStored();
      applyTheme();
    }
  });
}

export function useTheme(): Theme {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'),
    () => 'light',
  );
}
