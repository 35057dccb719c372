// The core's view of outbox effects (src/core/effect-state.ts): state words, a last error safe to show,
// where an effect goes without its secrets, and the one alert per dead effect.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyAlertIntent } from '../src/core/alert-dedupe.ts';
import {
  effectDeadAlert,
  effectRecoveredAlert,
  effectState,
  effectTarget,
  sanitiseEffectError,
  type EffectFacts,
} from '../src/core/effect-state.ts';

const dead: EffectFacts = {
  id: 7,
  kind: 'github.dispatch',
  key: 'dispatch:rel-x:L-2',
  status: 'dead',
  attempts: 8,
  lastError: 'HTTP 502: bad gateway',
  payload: { repo: 'o/r', workflowFile: 'deploy.yml', ref: 'v1.0.0' },
  releaseId: 'rel-x',
  laneId: 'L-2',
};

describe('effect state', () => {
  it('names pending, retrying, done and dead', () => {
    assert.equal(effectState({ status: 'pending', attempts: 0, lastError: null }), 'pending');
    assert.equal(
      effectState({ status: 'pending', attempts: 0, lastError: 'old' }),
      'pending',
      'after a retry',
    );
    assert.equal(effectState({ status: 'pending', attempts: 2, lastError: 'HTTP 503' }), 'retrying');
    assert.equal(effectState({ status: 'done', attempts: 1, lastError: null }), 'done');
    assert.equal(effectState({ status: 'dead', attempts: 8, lastError: 'x' }), 'dead');
  });

  it('never shows a credential or a URL path in the last error', () => {
    const raw =
      'POST https://user:pw@hooks.example.com/services/T0/B0/SECRET?x=1 failed: Bearer abcdefgh12345678 ' +
      'token ghs_0123456789abcdef, github_pat_11ABCDEFG_xyz, lanes_abc123def456, xoxb-1234-5678-abcdefgh, ' +
      'signature=deadbeef eyJhbGciOi.eyJzdWIiOi.sig';
    const shown = sanitiseEffectError(raw) ?? '';
    for (const secret of [
      'SECRET',
      'pw@',
      'abcdefgh12345678',
      'ghs_',
      'github_pat_',
      'lanes_abc',
      'xoxb-',
      'deadbeef',
      'eyJ',
    ])
      assert.ok(!shown.includes(secret), `${secret} leaked: ${shown}`);
    assert.match(shown, /https:\/\/hooks\.example\.com\//);
    assert.equal(sanitiseEffectError(null), null);
    assert.equal(sanitiseEffectError('HTTP 404: Not Found'), 'HTTP 404: Not Found');
  });

  it('says where an effect goes from public fields only', () => {
    assert.equal(effectTarget(dead.kind, dead.key, dead.payload), 'o/r deploy.yml@v1.0.0');
    const notify = effectTarget('alert.notify', 'notify:ops-chat:lane_failed:r:l:raised:3', {
      url: 'https://hooks.example.com/secret',
    });
    assert.equal(notify, 'alert route ops-chat');
    assert.equal(
      effectTarget('github.protection_review', 'k', { runId: 12, environment: 'prod', state: 'approved' }),
      'run 12 prod: approved',
    );
  });

  it('a dead effect is one alert; dying again after a retry counts on it; going through resolves it', () => {
    const first = effectDeadAlert(dead, '2026-01-01T00:00:00.000Z');
    assert.equal(first.action, 'raise');
    assert.equal(first.key, 'effect_dead:7');
    const opened = applyAlertIntent(undefined, first, '2026-01-01T00:00:00.000Z');
    assert.equal(opened.change, 'opened');
    assert.deepEqual(
      applyAlertIntent(opened.record, first, '2026-01-01T00:01:00.000Z').change,
      'unchanged',
      'the same death again changes nothing',
    );
    const again = applyAlertIntent(
      opened.record,
      effectDeadAlert(dead, '2026-01-01T01:00:00.000Z'),
      '2026-01-01T01:00:00.000Z',
    );
    assert.deepEqual([again.change, again.record?.count], ['counted', 2]);
    const resolved = applyAlertIntent(again.record, effectRecoveredAlert(7), '2026-01-01T02:00:00.000Z');
    assert.equal(resolved.change, 'resolved');
    const notify = effectDeadAlert({ ...dead, kind: 'alert.notify' }, 't');
    assert.equal(notify.action === 'raise' ? notify.severity : 'none', 'warning');
    assert.equal(first.action === 'raise' ? first.severity : 'none', 'critical');
  });
});
