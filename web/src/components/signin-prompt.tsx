// Asks the person to sign in: when the server wants a signed-in reader (401), or when an action (approve,
// trigger, promote …) starts without one. "Sign in with GitHub" is the way when the server offers it; an
// API token (kept in this page's memory only) stays as the fallback for local and demo use.
import { signInHref, useSession } from '../lib/session.ts';
import { TokenForm } from './token-form.tsx';

export function SignInPrompt({
  message,
  purpose,
  onSaved,
  onCancel,
}: {
  message?: string;
  /** set for an action: "approve", "trigger PL-06" … */
  purpose?: string;
  onSaved?: () => void;
  onCancel?: () => void;
}) {
  const session = useSession();
  const tokenForm = (
    <TokenForm
      {...(message !== undefined ? { message } : {})}
      {...(purpose !== undefined ? { purpose } : {})}
      {...(onSaved ? { onSaved } : {})}
      {...(onCancel ? { onCancel } : {})}
    />
  );
  if (!session.githubSignIn) return tokenForm;
  return (
    <div className="notice signin-prompt" data-testid="signin-prompt">
      <p>
        <strong>{purpose ? `Sign in to ${purpose}.` : 'Sign in to read this Lanes server.'}</strong>
      </p>
      <div className="token-row">
        <a className="button-solid signin-github" href={signInHref()} data-testid="signin-github-prompt">
          Sign in with GitHub
        </a>
        {onCancel ? (
          <button type="button" className="button-plain" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      <details className="signin-token-fallback">
        <summary>Use an API token instead</summary>
        {tokenForm}
      </details>
    </div>
  );
}
