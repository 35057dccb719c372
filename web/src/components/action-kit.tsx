// What every action (approve, trigger, promote, rollback, ack, resolve) shares: one request at a time,
// a sign-in step when nobody is signed in (with a token, the action then proceeds), the API's refusal shown
// as it was given, and a refetch of the page on success (the live stream would also bring it).
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, refreshWatched } from '../lib/api.ts';
import { isSignedIn, loadSession } from '../lib/session.ts';
import { SignInPrompt } from './signin-prompt.tsx';

export interface ActionOutcome<T> {
  /** which action of the component (e.g. "2:ack") */
  key: string;
  /** a new number per outcome: key the message with it so it mounts (and announces) afresh */
  n: number;
  value?: T;
  error?: ApiError;
}

interface Pending<T> {
  key: string;
  purpose: string;
  go: () => Promise<T>;
  why?: string;
}

export interface Action<T> {
  /** key of the action in flight, if any */
  busy: string | null;
  last: ActionOutcome<T> | null;
  /** the sign-in form, when an action waits for a token (render it near the buttons) */
  prompt: ReactNode;
  run: (key: string, purpose: string, go: () => Promise<T>) => Promise<void>;
  clear: () => void;
}

const asApiError = (e: unknown): ApiError =>
  e instanceof ApiError ? e : new ApiError(0, 'client', e instanceof Error ? e.message : String(e));

export function useAction<T>(): Action<T> {
  const [busy, setBusy] = useState<string | null>(null);
  const [last, setLast] = useState<ActionOutcome<T> | null>(null);
  const [pending, setPending] = useState<Pending<T> | null>(null);
  const inflight = useRef(false);
  const seq = useRef(0);

  const run = async (key: string, purpose: string, go: () => Promise<T>): Promise<void> => {
    if (inflight.current) return;
    setLast(null);
    if (!isSignedIn()) {
      setPending({ key, purpose, go });
      return;
    }
    setPending(null);
    inflight.current = true;
    setBusy(key);
    try {
      const value = await go();
      setLast({ key, n: ++seq.current, value });
      refreshWatched();
    } catch (e) {
      const error = asApiError(e);
      setLast({ key, n: ++seq.current, error });
      // the session or token is no longer good: ask again, then retry
      if (error.status === 401) {
        setPending({ key, purpose, go, why: error.message });
        void loadSession();
      }
    } finally {
      inflight.current = false;
      setBusy(null);
    }
  };

  const prompt = pending ? (
    <SignInPrompt
      purpose={pending.purpose}
      {...(pending.why ? { message: `The server asks for a sign-in: ${pending.why}.` } : {})}
      onSaved={() => void run(pending.key, pending.purpose, pending.go)}
      onCancel={() => setPending(null)}
    />
  ) : null;

  return { busy, last, prompt, run, clear: () => setLast(null) };
}

const HINTS: Record<string, string> = {
  not_seat_member: 'Only members of the owner seat may do this.',
  self_approval: 'The person who opened the release cannot approve its gates.',
  already_approved: 'Your approval is already recorded.',
  frozen: 'A freeze window holds this lane.',
  gate_not_ready: 'A gate or lane before this step is not ready yet.',
  insufficient_scope: 'This token cannot act: create one with scope operate.',
  forbidden: 'This person may not do this.',
};

function detailLines(err: ApiError): string[] {
  const d = err.details;
  if (!Array.isArray(d)) return [];
  return d
    .map((x: unknown) => {
      if (typeof x === 'string') return x;
      if (typeof x === 'object' && x !== null) {
        const o = x as Record<string, unknown>;
        const path = typeof o.path === 'string' && o.path ? `${o.path}: ` : '';
        const msg = o.message ?? o.detail ?? o.reason ?? o.name;
        if (typeof msg === 'string') return path + msg;
      }
      return '';
    })
    .filter((s) => s)
    .slice(0, 8);
}

/** The answer to an action: the refusal (role=alert) or the success (role=status). Takes focus when the
 *  button that started it went away or was disabled meanwhile, so keyboard users are not lost. */
export function ActionMessage({
  error,
  children,
  testId = 'action-message',
}: {
  error?: ApiError;
  children?: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // on mount only: callers key this by the outcome's number
  useEffect(() => {
    const active = document.activeElement;
    if (!active || active === document.body) ref.current?.focus();
  }, []);
  if (error) {
    const hint = HINTS[error.code];
    const lines = detailLines(error);
    return (
      <div
        className="notice notice-bad action-msg"
        role="alert"
        tabIndex={-1}
        ref={ref}
        data-testid={testId}
        data-code={error.code}
      >
        <strong data-testid={`${testId}-text`}>{error.message}</strong>
        {hint ? <span className="muted"> {hint}</span> : null}
        {lines.length ? (
          <ul className="detail-list">
            {lines.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  return (
    <div
      className="notice notice-ok action-msg"
      role="status"
      tabIndex={-1}
      ref={ref}
      data-testid={testId}
      data-code="ok"
    >
      <span data-testid={`${testId}-text`}>{children}</span>
    </div>
  );
}

/** A real <button>: disabled (and saying so) while its request runs. */
export function ActionButton({
  busy,
  children,
  busyText,
  onClick,
  kind = 'solid',
  type = 'button',
  testId,
  disabled,
}: {
  busy: boolean;
  children: ReactNode;
  busyText?: string;
  onClick?: () => void;
  kind?: 'solid' | 'plain' | 'danger';
  type?: 'button' | 'submit';
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <button
      type={type}
      className={`button-${kind}`}
      onClick={onClick}
      disabled={busy || disabled}
      aria-busy={busy || undefined}
      data-testid={testId}
    >
      {busy ? (busyText ?? 'Working…') : children}
    </button>
  );
}

/** Why a control is disabled for this caller: the policy's reason, as the session answered it. */
export function NotAllowed({ reason, testId }: { reason: string | null; testId?: string }) {
  return (
    <p className="not-allowed muted" data-testid={testId}>
      <strong>Not allowed for you:</strong> {reason ?? 'the policy does not allow this.'}
    </p>
  );
}
