// Asked for when the server wants a token for reads (401): the token stays in this browser.
import { useState, type FormEvent } from 'react';
import { setToken } from '../lib/api.ts';

export function TokenForm({ message }: { message: string }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = value.trim();
    if (t) setToken(t);
  };
  return (
    <form className="notice token-form" onSubmit={submit} data-testid="token-form">
      <p>
        <strong>This server needs an API token to read.</strong> {message}
      </p>
      <div className="token-row">
        <label htmlFor="lanes-token">API token (read scope)</label>
        <input
          id="lanes-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" className="button-solid">
          Use token
        </button>
      </div>
      <p className="small muted">
        Create one with <code>lanes token create</code>. It is kept in this browser&apos;s local storage only.
      </p>
    </form>
  );
}
