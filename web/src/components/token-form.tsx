// Asks for an API token: when the server wants one for reads (401), or when a person starts an action
// (approve, trigger, promote …) without one — the fallback to Sign in with GitHub (signin-prompt.tsx) for
// local and demo use. The token is kept in this page's memory only: never stored, gone on reload.
import { useId, useState, type FormEvent } from 'react';
import { setToken } from '../lib/api.ts';

export function TokenForm({
  message,
  purpose,
  onSaved,
  onCancel,
}: {
  message?: string;
  /** set for an action: "approve", "trigger PL-06" … (asks for an operate-scope token) */
  purpose?: string;
  onSaved?: () => void;
  onCancel?: () => void;
}) {
  const [value, setValue] = useState('');
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = value.trim();
    if (!t) return;
    setToken(t);
    onSaved?.();
  };
  const forAction = purpose !== undefined;
  return (
    <form
      className="notice token-form"
      onSubmit={submit}
      data-testid={forAction ? 'signin-form' : 'token-form'}
      aria-label={forAction ? `Sign in to ${purpose}` : 'API token'}
    >
      <p>
        <strong>
          {forAction ? `Sign in with an API token to ${purpose}.` : 'This server needs an API token to read.'}
        </strong>{' '}
        {message}
      </p>
      <div className="token-row">
        <label htmlFor={id}>API token ({forAction ? 'operate' : 'read'} scope)</label>
        <input
          id={id}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          autoFocus={forAction}
          onChange={(e) => setValue(e.target.value)}
          data-testid={forAction ? 'signin-token' : undefined}
        />
        <button type="submit" className="button-solid" disabled={!value.trim()}>
          {forAction ? 'Sign in and continue' : 'Use token'}
        </button>
        {onCancel ? (
          <button type="button" className="button-plain" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      <p className="small muted">
        Create one with <code>lanes token create</code>. It is kept in this page&apos;s memory only (a reload
        forgets it).
      </p>
    </form>
  );
}
