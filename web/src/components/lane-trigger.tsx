// "Trigger" on a lane's page, only where the catalog's policy allows a free trigger (LaneView.freeTrigger):
// dispatches the lane's workflow(s) on one of the allowed refs (workflow_dispatch via the outbox). The API
// answers 202 with the queued dispatches, or refuses (frozen, forbidden …). A manual lane of the release
// flow (promotion, rollback, production) shows why it has no button: the release flow dispatches it. For a
// caller the policy refuses (the session's abilities), the button is disabled with the policy's reason.
import { useId, useState, type FormEvent } from 'react';
import type { TriggerResult } from '../../../src/contract/results.ts';
import type { LaneView } from '../../../src/contract/views.ts';
import { postJson } from '../lib/api.ts';
import { ActionButton, ActionMessage, NotAllowed, useAction } from './action-kit.tsx';
import { refused, useAbility } from '../lib/abilities.ts';
import { Link } from '../lib/router.tsx';
import { Section } from './layout-parts.tsx';

/** Lanes whose page has a trigger section: those the policy lets start by hand, and manual lanes (which
 * say who dispatches them instead). Lanes after an approval or hold are started by promotion. */
export const isTriggerable = (l: LaneView): boolean => l.freeTrigger.allowed || l.triggerKind === 'manual';

const isLiteral = (ref: string): boolean => !/[*?[\]{}!]/.test(ref);

/** A rollback lane's page: where its runs come from instead of a trigger form with a free ref. */
export function RollbackLaneNote({ lane }: { lane: LaneView }) {
  return (
    <Section
      id="trigger"
      title="Run this lane"
      note={`${lane.id} runs when a release is rolled back: it deploys the previous good release, on that release's commit.`}
    >
      <p className="empty" data-testid="rollback-pointer">
        To roll back, open the release that failed on <Link to="/releases">Releases</Link> and use{' '}
        <strong>Roll back</strong> (it asks for a reason, an incident and an owner).
      </p>
    </Section>
  );
}

/** "trigger:PL-06:WF-05:2026-…" → "WF-05" */
const workflowOf = (key: string): string => key.split(':')[2] ?? key;

export function LaneTrigger({ lane }: { lane: LaneView }) {
  if (!lane.freeTrigger.allowed)
    return (
      <Section id="trigger" title="Run this lane" note={`${lane.id} starts ${lane.trigger}.`}>
        <p className="muted" data-testid="trigger-release-flow">
          {lane.freeTrigger.reason ?? `${lane.id} cannot be triggered by hand`}.
        </p>
      </Section>
    );
  return <TriggerForm lane={lane} />;
}

function TriggerForm({ lane }: { lane: LaneView }) {
  const refs = lane.freeTrigger.refs;
  const literal = refs.filter(isLiteral);
  const [ref, setRef] = useState(literal[0] ?? '');
  const [reason, setReason] = useState('');
  const [sentRef, setSentRef] = useState('');
  const action = useAction<TriggerResult>();
  const may = useAbility((a) => a.triggerLanes[lane.id]);
  const id = useId();
  const last = action.last;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = ref.trim();
    if (!r) return;
    setSentRef(r);
    const body = { ref: r, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    void action.run('trigger', `trigger ${lane.id}`, () =>
      postJson<TriggerResult>(`/lanes/${encodeURIComponent(lane.id)}/trigger`, body),
    );
  };

  const done = last?.value;
  return (
    <Section
      id="trigger"
      title="Run this lane"
      note={`${lane.id} may be started by hand on ${refs.join(', ')} (the catalog's policy says who).`}
    >
      <form className="action-form" onSubmit={submit} data-testid="trigger-form">
        <div className="field">
          <label htmlFor={`${id}-ref`}>
            Ref <span className="muted">(allowed: {refs.join(', ')})</span>
          </label>
          <input
            id={`${id}-ref`}
            value={ref}
            required
            list={`${id}-refs`}
            placeholder={refs[0]}
            maxLength={255}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setRef(e.target.value)}
            className="mono"
            data-testid="trigger-ref"
          />
          <datalist id={`${id}-refs`} data-testid="trigger-ref-choices">
            {refs.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-reason`}>
            Reason <span className="muted">(optional, kept in the audit log)</span>
          </label>
          <input
            id={`${id}-reason`}
            value={reason}
            maxLength={2000}
            onChange={(e) => setReason(e.target.value)}
            data-testid="trigger-reason"
          />
        </div>
        <div className="action-row">
          <ActionButton
            type="submit"
            busy={action.busy === 'trigger'}
            busyText="Triggering…"
            testId="trigger-button"
            disabled={refused(may)}
          >
            Trigger {lane.id}
          </ActionButton>
        </div>
        {refused(may) ? <NotAllowed reason={may.reason} testId="trigger-denied" /> : null}
      </form>
      {action.prompt}
      {last ? (
        <ActionMessage key={last.n} error={last.error} testId="trigger-result">
          {done
            ? done.dispatches.length
              ? `Accepted (202): ${done.dispatches.length} workflow dispatch${done.dispatches.length > 1 ? 'es' : ''} queued on ${sentRef} — ${done.dispatches.map(workflowOf).join(', ')}.`
              : `Accepted (202), but ${done.lane} has no workflow to dispatch.`
            : null}
        </ActionMessage>
      ) : null}
    </Section>
  );
}
