// The release page's "Effects" section: every outbox effect of the release (dispatches, protection answers,
// commit statuses) with its state pill, attempts, next attempt and sanitised last error (or, for an effect
// that waits, what it waits for: GitHub not configured). A dead effect has a Retry button: the policy lets
// only an admin re-send it (same effect_id); for a caller it refuses (the session's abilities say so) the
// button is disabled with the policy's reason. The API's answer stays in the
// row after the effect leaves `dead`.
import type { EffectList } from '../../../src/contract/results.ts';
import type { EffectView } from '../../../src/contract/views.ts';
import { releaseEffectsPath, retryEffect, useApi } from '../lib/api.ts';
import { ActionButton, ActionMessage, NotAllowed, useAction } from './action-kit.tsx';
import { refused, useAbility } from '../lib/abilities.ts';
import { GenericTable } from './generic-table.tsx';
import { Empty, Section } from './layout-parts.tsx';
import { LoadState } from './load-state.tsx';
import { StatusPill } from './status-pill.tsx';
import { TimeText } from './time-text.tsx';

function RetryButton({ effect }: { effect: EffectView }) {
  const action = useAction<EffectView>();
  const may = useAbility((a) => a.actions.retryEffect);
  const last = action.last;
  return (
    <div className="action-inline" data-testid={`effect-retry-${effect.id}`}>
      {effect.state === 'dead' ? (
        <ActionButton
          kind="plain"
          disabled={refused(may)}
          busy={action.busy === 'retry'}
          busyText="Re-sending…"
          onClick={() =>
            void action.run('retry', `re-send effect ${effect.id} (admin token)`, () =>
              retryEffect<EffectView>(effect.id),
            )
          }
          testId={`effect-retry-button-${effect.id}`}
        >
          Retry
        </ActionButton>
      ) : null}
      {effect.state === 'dead' && refused(may) ? (
        <NotAllowed reason={may.reason} testId={`effect-retry-denied-${effect.id}`} />
      ) : null}
      {action.prompt}
      {last ? (
        <ActionMessage key={last.n} error={last.error} testId={`effect-retry-result-${effect.id}`}>
          {last.value ? `Queued again as ${last.value.key} (${last.value.state}).` : null}
        </ActionMessage>
      ) : null}
    </div>
  );
}

export function ReleaseEffects({ releaseId }: { releaseId: string }) {
  const snap = useApi<EffectList>(releaseEffectsPath(releaseId));
  return (
    <Section
      id="release-effects"
      title="Effects"
      note="What Lanes asked GitHub to do for this release; a dead effect can be re-sent by an admin."
    >
      <LoadState snap={snap} what="effects">
        {(data) =>
          data.effects.length ? (
            <GenericTable<EffectView>
              label="Effects"
              rows={data.effects}
              rowKey={(e) => String(e.id)}
              rowTestId={(e) => `effect-row-${e.id}`}
              columns={[
                { key: 'id', label: 'ID', className: 'mono' },
                {
                  key: 'state',
                  label: 'State',
                  render: (e) => <StatusPill status={e.state} small testId={`effect-state-${e.id}`} />,
                },
                { key: 'kind', label: 'Kind', render: (e) => e.kind.replace(/^github\./, '') },
                { key: 'target', label: 'Target', className: 'mono' },
                { key: 'key', label: 'Effect id', className: 'mono' },
                { key: 'attempts', label: 'Attempts' },
                {
                  key: 'when',
                  label: 'Next attempt / updated',
                  render: (e) => <TimeText iso={e.nextAttemptAt ?? e.updatedAt} />,
                },
                {
                  key: 'lastError',
                  label: 'Last error',
                  // A waiting effect has no error: it says what it waits for (no attempt is used meanwhile).
                  render: (e) =>
                    e.state === 'done'
                      ? null
                      : e.waitingFor
                        ? `Waiting: ${e.waitingFor}`
                        : (e.lastError ?? null),
                },
                {
                  key: 'action',
                  label: 'Action',
                  // Mounted for every effect that ever died, so the retry's answer stays once it is no longer dead.
                  render: (e) => (e.deaths > 0 ? <RetryButton effect={e} /> : null),
                },
              ]}
            />
          ) : (
            <Empty>No effects for this release yet.</Empty>
          )
        }
      </LoadState>
    </Section>
  );
}
