// "Approve" on a gate page: shown while the gate still needs a sign-off. The API decides who may
// approve (a member of the owner seat, not the release's author); its refusal is shown as given. When the
// session's abilities say the policy refuses this caller (not in the seat, a service), the button is
// disabled with that reason; self-approval is judged on the approval itself.
import { useId, useState, type FormEvent } from 'react';
import type { GateView } from '../../../src/contract/views.ts';
import { postJson } from '../lib/api.ts';
import { ActionButton, ActionMessage, NotAllowed, useAction } from './action-kit.tsx';
import { refused, useAbility } from '../lib/abilities.ts';
import { Section } from './layout-parts.tsx';

export function needsApproval(g: GateView): boolean {
  return g.approvalsRequired > 0 && g.state !== 'passed' && g.approvals.length < g.approvalsRequired;
}

export function GateApprove({ gate }: { gate: GateView }) {
  const [comment, setComment] = useState('');
  const action = useAction<GateView>();
  const may = useAbility((a) => a.approveGates[gate.id]);
  const id = useId();
  const needed = needsApproval(gate);
  const last = action.last;
  // keep the answer visible after the gate stops needing approval
  if (!needed && !last) return null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      ...(gate.release ? { release: gate.release } : {}),
      ...(comment.trim() ? { comment: comment.trim() } : {}),
    };
    void action.run('approve', 'approve', () =>
      postJson<GateView>(`/gates/${encodeURIComponent(gate.id)}/approve`, body),
    );
  };

  return (
    <Section
      id="approve"
      title="Sign off"
      note={`A member of ${gate.owner} approves ${gate.id}${gate.release ? ` for ${gate.release}` : ''}; ${gate.approvals.length} of ${gate.approvalsRequired} given.`}
    >
      {needed ? (
        gate.release ? (
          <form className="action-form" onSubmit={submit} data-testid="approve-form">
            <div className="field field-wide">
              <label htmlFor={`${id}-comment`}>
                Comment <span className="muted">(optional)</span>
              </label>
              <textarea
                id={`${id}-comment`}
                rows={2}
                maxLength={2000}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
                data-testid="approve-comment"
              />
            </div>
            <div className="action-row">
              <ActionButton
                type="submit"
                busy={action.busy === 'approve'}
                busyText="Approving…"
                testId="approve-button"
                disabled={refused(may)}
              >
                Approve {gate.id}
              </ActionButton>
            </div>
            {refused(may) ? <NotAllowed reason={may.reason} testId="approve-denied" /> : null}
          </form>
        ) : (
          <p className="empty">There is no release to approve this gate for yet.</p>
        )
      ) : null}
      {action.prompt}
      {last ? (
        <ActionMessage key={last.n} error={last.error} testId="approve-result">
          {last.value
            ? `Approval recorded. ${last.value.id} is now ${last.value.state}` +
              ` (${last.value.approvals.length} of ${last.value.approvalsRequired} approvals).`
            : null}
        </ActionMessage>
      ) : null}
    </Section>
  );
}
