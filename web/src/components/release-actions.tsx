// Promote and roll back a release. Promote: when a freeze window holds the next lane the API answers
// 409 frozen; then a reason field appears and the promotion may be retried as an override (the API
// checks who may override). Roll back: reason, incident and owner are all required, checked here too.
// Each control is disabled with the policy's reason when the session's abilities say the API would refuse
// it (promote, override a freeze, roll back).
import { useId, useRef, useState, type FormEvent } from 'react';
import type { ReleaseView } from '../../../src/contract/views.ts';
import { postJson } from '../lib/api.ts';
import { Link, releasePath } from '../lib/router.tsx';
import { ActionButton, ActionMessage, NotAllowed, useAction } from './action-kit.tsx';
import { refused, useAbility } from '../lib/abilities.ts';

/** The fields of a ReleaseView the actions need. */
export interface ReleaseLike {
  id: string;
  state?: unknown;
  outcome?: unknown;
  previousReleaseId?: unknown;
  nextLanes?: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const TERMINAL = new Set(['rolled_back', 'superseded']);

export function canPromote(r: ReleaseLike): boolean {
  const state = str(r.state);
  const outcome = str(r.outcome);
  if (TERMINAL.has(state) || TERMINAL.has(outcome)) return false;
  if (outcome) return outcome === 'in_progress';
  return state === 'candidate' || state === 'promoting';
}

export function canRollback(r: ReleaseLike): boolean {
  const state = str(r.state);
  return str(r.previousReleaseId) !== '' && !TERMINAL.has(state) && !TERMINAL.has(str(r.outcome));
}

/** What promote and roll back answer: the release as it now stands. */
type ReleaseAnswer = ReleaseView;

function promotedText(v: ReleaseAnswer): string {
  const next = v.nextLanes.length ? `; next: ${v.nextLanes.join(', ')}` : '';
  return `Promotion accepted (202): ${v.id} is ${v.state}${next}.`;
}

export function PromoteAction({ release, compact }: { release: ReleaseLike; compact?: boolean }) {
  const action = useAction<ReleaseAnswer>();
  const mayPromote = useAbility((a) => a.actions.promote);
  const mayOverride = useAbility((a) => a.actions.overrideFreeze);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const last = action.last;
  const frozen = last?.error?.code === 'frozen' || (last?.key === 'override' && last.error !== undefined);
  const path = `/releases/${encodeURIComponent(release.id)}/promote`;

  const promote = () =>
    void action.run('promote', `promote ${release.id}`, () => postJson<ReleaseAnswer>(path, {}));

  const override = (e: FormEvent) => {
    e.preventDefault();
    const why = reason.trim();
    if (!why) {
      setMissing(true);
      input.current?.focus();
      return;
    }
    setMissing(false);
    void action.run('override', `override the freeze for ${release.id}`, () =>
      postJson<ReleaseAnswer>(path, { override: { reason: why }, reason: why }),
    );
  };

  return (
    <div className={compact ? 'action-inline' : 'action-block'} data-testid={`promote-${release.id}`}>
      {!frozen ? (
        <ActionButton
          busy={action.busy === 'promote'}
          busyText="Promoting…"
          onClick={promote}
          testId={`promote-button-${release.id}`}
          kind={compact ? 'plain' : 'solid'}
          disabled={refused(mayPromote)}
        >
          Promote{compact ? '' : ` ${release.id}`}
        </ActionButton>
      ) : refused(mayOverride) ? (
        <NotAllowed reason={mayOverride.reason} testId={`override-denied-${release.id}`} />
      ) : (
        <form className="action-form" onSubmit={override} noValidate data-testid="override-form">
          <div className="field field-wide">
            <label htmlFor={`${id}-override`}>Override reason (required)</label>
            <input
              id={`${id}-override`}
              ref={input}
              value={reason}
              maxLength={2000}
              required
              aria-invalid={missing || undefined}
              aria-describedby={missing ? `${id}-override-err` : undefined}
              onChange={(e) => setReason(e.target.value)}
              data-testid="override-reason"
            />
            {missing ? (
              <span className="field-error" id={`${id}-override-err`}>
                Say why the freeze must be overridden.
              </span>
            ) : null}
          </div>
          <div className="action-row">
            <ActionButton
              type="submit"
              kind="danger"
              busy={action.busy === 'override'}
              busyText="Promoting…"
              testId="override-button"
            >
              Override freeze and promote
            </ActionButton>
          </div>
        </form>
      )}
      {!frozen && refused(mayPromote) ? (
        <NotAllowed reason={mayPromote.reason} testId={`promote-denied-${release.id}`} />
      ) : null}
      {action.prompt}
      {last ? (
        <ActionMessage key={last.n} error={last.error} testId={`promote-result-${release.id}`}>
          {last.value ? promotedText(last.value) : null}
        </ActionMessage>
      ) : null}
    </div>
  );
}

type Field = 'reason' | 'incident' | 'owner';
const FIELDS: { key: Field; label: string; hint: string }[] = [
  { key: 'reason', label: 'Reason', hint: 'What went wrong and why roll back.' },
  { key: 'incident', label: 'Incident', hint: 'The incident id or link, e.g. INC-2041.' },
  { key: 'owner', label: 'Owner', hint: 'Who owns the rollback until it is verified.' },
];

export function RollbackAction({ release }: { release: ReleaseLike }) {
  const action = useAction<ReleaseAnswer>();
  const mayRollback = useAbility((a) => a.actions.rollback);
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<Field, string>>({ reason: '', incident: '', owner: '' });
  const [invalid, setInvalid] = useState<Field[]>([]);
  const refs = useRef<Partial<Record<Field, HTMLInputElement | HTMLTextAreaElement | null>>>({});
  const id = useId();
  const last = action.last;
  const target = str(release.previousReleaseId);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const bad = FIELDS.map((f) => f.key).filter((k) => !values[k].trim());
    setInvalid(bad);
    if (bad[0]) {
      refs.current[bad[0]]?.focus();
      return;
    }
    const body = {
      reason: values.reason.trim(),
      incident: values.incident.trim(),
      owner: values.owner.trim(),
    };
    void action.run('rollback', `roll back ${release.id}`, async () => {
      const v = await postJson<ReleaseAnswer>(`/releases/${encodeURIComponent(release.id)}/rollback`, body);
      setOpen(false);
      return v;
    });
  };

  return (
    <div className="action-block" data-testid={`rollback-${release.id}`}>
      {!open ? (
        <button
          type="button"
          className="button-danger"
          aria-expanded={false}
          aria-controls={`${id}-form`}
          disabled={refused(mayRollback)}
          onClick={() => {
            action.clear();
            setOpen(true);
          }}
          data-testid="rollback-open"
        >
          Roll back to {target}…
        </button>
      ) : null}
      {!open && refused(mayRollback) ? (
        <NotAllowed reason={mayRollback.reason} testId={`rollback-denied-${release.id}`} />
      ) : null}
      {!open ? null : (
        <form
          id={`${id}-form`}
          className="action-form rollback-form"
          onSubmit={submit}
          noValidate
          aria-label={`Roll back ${release.id} to ${target}`}
          data-testid="rollback-form"
        >
          <p className="form-title">
            Roll back <span className="mono">{release.id}</span> to{' '}
            <Link to={releasePath(target)} className="mono">
              {target}
            </Link>
            : dispatches the rollback lane with the previous manifest. All fields are required.
          </p>
          {FIELDS.map((f) => {
            const bad = invalid.includes(f.key);
            const fid = `${id}-${f.key}`;
            const common = {
              id: fid,
              value: values[f.key],
              required: true,
              'aria-invalid': bad || undefined,
              'aria-describedby': `${fid}-hint`,
              onChange: (e: { target: { value: string } }) => {
                const v = e.target.value;
                setValues((old) => ({ ...old, [f.key]: v }));
                if (v.trim()) setInvalid((old) => old.filter((k) => k !== f.key));
              },
              'data-testid': `rollback-${f.key}`,
            };
            return (
              <div className={`field${f.key === 'reason' ? ' field-wide' : ''}`} key={f.key}>
                <label htmlFor={fid}>{f.label}</label>
                {f.key === 'reason' ? (
                  <textarea
                    {...common}
                    rows={2}
                    maxLength={2000}
                    autoFocus
                    ref={(el) => {
                      refs.current[f.key] = el;
                    }}
                  />
                ) : (
                  <input
                    {...common}
                    maxLength={f.key === 'owner' ? 100 : 200}
                    autoComplete="off"
                    ref={(el) => {
                      refs.current[f.key] = el;
                    }}
                  />
                )}
                <span id={`${fid}-hint`} className={bad ? 'field-error' : 'field-hint'}>
                  {bad ? `${f.label} is required.` : f.hint}
                </span>
              </div>
            );
          })}
          <div className="action-row">
            <ActionButton
              type="submit"
              kind="danger"
              busy={action.busy === 'rollback'}
              busyText="Starting rollback…"
              testId="rollback-submit"
            >
              Start rollback
            </ActionButton>
            <button
              type="button"
              className="button-plain"
              onClick={() => setOpen(false)}
              disabled={action.busy === 'rollback'}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      {action.prompt}
      {last ? (
        <ActionMessage key={last.n} error={last.error} testId={`rollback-result-${release.id}`}>
          {last.value ? `Rollback started (202): ${release.id} goes back to ${target}.` : null}
        </ActionMessage>
      ) : null}
    </div>
  );
}
