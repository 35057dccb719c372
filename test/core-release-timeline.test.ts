// The pure parts of the change summary and the timeline (src/core/change-summary.ts,
// src/core/release-timeline.ts): which release a new one is compared with, the bounds kept of GitHub's
// answer, which alert routes take the summary, and the timeline's order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  changeSummaryStatus,
  firstLine,
  keptCommits,
  lastProductionRelease,
  summaryMessage,
  summaryRoutes,
} from '../src/core/change-summary.ts';
import { effectBelongsTo, mergeTimeline } from '../src/core/release-timeline.ts';
import type { TimelineEntry } from '../src/contract/views.ts';

const rel = (id: string, createdAt: string, reachedProductionAt: string | null) => ({
  id,
  version: id.replace('rel-', ''),
  sha: `${id}-sha`,
  createdAt,
  reachedProductionAt,
});

describe('change summary rules', () => {
  it('compares with the release that reached production last, whatever came after', () => {
    const list = [
      rel('rel-a', '2026-04-01T08:00:00Z', '2026-04-01T09:00:00Z'),
      rel('rel-b', '2026-04-02T08:00:00Z', '2026-04-02T09:00:00Z'), // later rolled back: still the base
      rel('rel-c', '2026-04-03T08:00:00Z', null), // never reached production
    ];
    assert.deepEqual(lastProductionRelease(list, 'rel-d'), {
      releaseId: 'rel-b',
      version: 'b',
      sha: 'rel-b-sha',
    });
    assert.equal(lastProductionRelease(list, 'rel-b')?.releaseId, 'rel-a', 'never itself');
    assert.equal(lastProductionRelease([rel('rel-c', '2026-04-03T08:00:00Z', null)]), null);
  });

  it('keeps the first line of a message, without control characters, bounded', () => {
    assert.equal(firstLine('Fix queue\n\nbody'), 'Fix queue');
    assert.equal(firstLine('a\u001b[31mred\u0007\tx'), 'a[31mred x');
    assert.equal(firstLine('x'.repeat(300)).length, 200);
    assert.deepEqual(keptCommits([1, 2, 3, 4], 2), [3, 4], 'the newest');
  });

  it('says where the summary stands', () => {
    const base = { releaseId: 'rel-a', version: 'a', sha: 's1' };
    assert.equal(changeSummaryStatus(null, 's2', false, false), 'first_release');
    assert.equal(changeSummaryStatus(base, 's1', false, false), 'same_commit');
    assert.equal(changeSummaryStatus(base, 's2', false, false), 'pending');
    assert.equal(changeSummaryStatus(base, 's2', false, true), 'failed');
    assert.equal(changeSummaryStatus(base, 's2', true, false), 'fetched');
  });

  it('goes to routes that allow info and either list no rules or list release_created', () => {
    const routes = [
      { id: 'all', match: {} },
      { id: 'loud', match: { severity: ['critical' as const, 'warning' as const] } },
      { id: 'failures', match: { rules: ['lane_failed'] } },
      { id: 'notes', match: { rules: ['release_created'] } },
    ];
    assert.deepEqual(
      summaryRoutes(routes).map((r) => r.id),
      ['all', 'notes'],
    );
  });

  it('writes a bounded message naming what is hidden', () => {
    const m = summaryMessage({
      zone: 'Ops',
      version: 'v2',
      sha: 'abcdef1234',
      createdBy: 'hana',
      base: { releaseId: 'rel-v1', version: 'v1', sha: '1234567890' },
      commits: [{ sha: 'fedcba9876', author: 'ivan', message: 'Tune' }],
      totalCommits: 60,
      lines: ['note'],
    });
    assert.equal(m.text, '[Ops] release v2 (abcdef1) created by hana');
    assert.match(
      m.detail,
      /^60 commit\(s\) since v1 \(1234567\):\n• fedcba9 Tune \(ivan\)\n… and 59 more\nNotes:\n• note$/,
    );
  });
});

describe('timeline order', () => {
  const e = (at: string, kind: TimelineEntry['kind'], summary: string, audit?: number): TimelineEntry => ({
    at,
    kind,
    who: 'x',
    summary,
    links: audit === undefined ? {} : { audit },
  });

  it('sorts by time, then cause before consequence, audit entries by id', () => {
    const merged = mergeTimeline([
      e('2026-04-01T08:00:00Z', 'effect', 'sent dispatch'),
      e('2026-04-01T08:00:00Z', 'decision', 'gate.passed', 12),
      e('2026-04-01T08:00:00Z', 'decision', 'release.created', 11),
      e('2026-04-01T07:59:00Z', 'run', 'staging done'),
      e('2026-04-01T08:00:00Z', 'approval', 'approved RG-07'),
      e('not a time', 'alert', 'dropped'),
    ]);
    assert.deepEqual(
      merged.map((x) => x.summary),
      ['staging done', 'approved RG-07', 'release.created', 'gate.passed', 'sent dispatch'],
    );
  });

  it('takes the outbox rows of the release only', () => {
    const r = { id: 'rel-v1', sha: 'abc' };
    assert.equal(
      effectBelongsTo({ key: 'dispatch:rel-v1:PL-06', kind: 'github.dispatch', payload: {} }, r),
      true,
    );
    assert.equal(
      effectBelongsTo({ key: 'dispatch:rel-v10:PL-06', kind: 'github.dispatch', payload: {} }, r),
      false,
    );
    assert.equal(effectBelongsTo({ key: 'compare:rel-v1', kind: 'github.compare', payload: {} }, r), true);
    assert.equal(
      effectBelongsTo({ key: 'k', kind: 'github.protection_review', payload: { releaseId: 'rel-v1' } }, r),
      true,
    );
    assert.equal(
      effectBelongsTo(
        { key: 'status:abc:RG-01:passed', kind: 'github.commit_status', payload: { sha: 'abc' } },
        r,
      ),
      true,
    );
    assert.equal(
      effectBelongsTo(
        { key: 'status:abd:RG-01:passed', kind: 'github.commit_status', payload: { sha: 'abd' } },
        r,
      ),
      false,
    );
  });
});
