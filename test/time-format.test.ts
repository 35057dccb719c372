// One time format for people, in the dashboard and the CLI: "2026-03-10 20:51 UTC" (src/contract/time-format.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatUtcTime, humaniseTimes } from '../src/contract/time-format.ts';
import { formatTable, utcMinute } from '../src/cli/format-table.ts';
import { formatUtc } from '../web/src/lib/time.ts';

describe('the one human time format', () => {
  it('formats an instant the same in the dashboard and the CLI', () => {
    for (const iso of ['2026-03-10T20:51:07.000Z', '2026-03-10T21:51:07+01:00', '2026-12-31T23:59:59Z']) {
      assert.equal(formatUtc(iso), utcMinute(iso), iso);
      assert.equal(formatUtc(iso), formatUtcTime(iso));
    }
    assert.equal(utcMinute('2026-03-10T21:51:07+01:00'), '2026-03-10 20:51 UTC');
    assert.equal(formatUtcTime('not a time'), null);
  });

  it('rewrites every ISO instant inside free text (details, reasons), zone-less ones read as UTC', () => {
    assert.equal(
      humaniseTimes(
        'PL-09 failed at 2026-03-10T20:51:07.000Z for release v1.4.0; green at 2026-03-10T20:32:57Z',
      ),
      'PL-09 failed at 2026-03-10 20:51 UTC for release v1.4.0; green at 2026-03-10 20:32 UTC',
    );
    assert.equal(humaniseTimes('until 2026-03-13T08:00'), 'until 2026-03-13 08:00 UTC');
    assert.equal(humaniseTimes('version 2026-03 and sha 6b398a8'), 'version 2026-03 and sha 6b398a8');
  });

  it('CLI tables show the format in every cell, aligned on the formatted text', () => {
    const rows = [{ what: 'failed at 2026-03-10T20:51:07.000Z', n: '1' }];
    const table = formatTable(
      [
        { header: 'Detail', value: (r: (typeof rows)[number]) => r.what },
        { header: 'N', value: (r: (typeof rows)[number]) => r.n },
      ],
      rows,
    );
    assert.equal(table, 'Detail                          N\nfailed at 2026-03-10 20:51 UTC  1');
  });
});
