// `lanes release show <id> [--json]`: one release at a glance — its header, lanes and gates, the change
// summary from GitHub (with the caller's lines beside it) and its timeline (every decision, effect,
// approval, run, protection answer and alert, oldest first). Times in the CLI's one format
// ('YYYY-MM-DD HH:MM UTC'); every text that came from users or GitHub is sanitised before it is printed.
import type { Command } from 'commander';
import type { ChangeSummaryView, ReleaseTimeline, ReleaseView } from '../../contract/views.ts';
import {
  callApi,
  out,
  printJson,
  run,
  statusColumn,
  withConnection,
  type ConnectionFlags,
} from '../command-kit.ts';
import { formatTable, paintStatus, utcMinute } from '../format-table.ts';
import { sanitiseText } from '../terminal-text.ts';

const clean = (s: string): string => sanitiseText(s).replace(/[\r\n\t]+/g, ' ');

function changeSummaryLines(c: ChangeSummaryView | undefined, fallback: string | null): string[] {
  const lines: string[] = [];
  if (!c) {
    if (fallback) lines.push(...fallback.split('\n').map((l) => `  note: ${clean(l)}`));
    return lines.length > 0 ? lines : ['  (none)'];
  }
  switch (c.status) {
    case 'first_release':
      lines.push('  first release: no earlier release reached production');
      break;
    case 'same_commit':
      lines.push(`  same commit as ${clean(c.base?.version ?? '?')}, the release in production`);
      break;
    case 'pending':
      lines.push(`  commits since ${clean(c.base?.version ?? '?')}: waiting for GitHub`);
      break;
    case 'failed':
      lines.push(
        `  commits since ${clean(c.base?.version ?? '?')}: GitHub's compare failed (see the timeline)`,
      );
      break;
    case 'fetched': {
      lines.push(
        `  ${c.totalCommits} commit(s) since ${clean(c.base?.version ?? '?')} (${(c.base?.sha ?? '').slice(0, 7)})`,
      );
      for (const x of c.commits)
        lines.push(`  ${x.sha.slice(0, 7)}  ${clean(x.message)}${x.author ? `  (${clean(x.author)})` : ''}`);
      const hidden = c.totalCommits - c.commits.length;
      if (hidden > 0) lines.push(`  … and ${hidden} older commit(s) not listed`);
      break;
    }
  }
  for (const l of c.lines) lines.push(`  note: ${clean(l)}`);
  return lines;
}

export function renderReleaseShow(r: ReleaseView, t: ReleaseTimeline, color: boolean): string {
  const parts: string[] = [];
  parts.push(
    `release ${clean(r.id)}${r.version !== r.id ? ` (${clean(r.version)})` : ''} ${r.sha.slice(0, 12)} ${paintStatus(r.state, color)}`,
    `created ${utcMinute(r.createdAt)} by ${clean(r.createdBy)} · outcome ${clean(r.outcome)} · migrations ${r.includesMigrations ? 'yes' : 'no'} · previous ${clean(r.previousReleaseId ?? '-')}`,
    '',
    'Lanes',
    formatTable(
      [
        { header: 'ID', value: (l) => l.id },
        { header: 'Name', value: (l) => l.name },
        statusColumn<ReleaseView['lanes'][number]>('Status', (l) => (l.applies ? l.status : 'skipped')),
        { header: 'Run', value: (l) => (l.runId === null ? '-' : String(l.runId)) },
        { header: 'Started', value: (l) => utcMinute(l.startedAt) },
      ],
      r.lanes,
      { color, indent: '  ' },
    ),
    '',
    'Gates',
    formatTable(
      [
        { header: 'ID', value: (g) => g.id },
        { header: 'Phase', value: (g) => g.phase },
        { header: 'Owner', value: (g) => g.owner },
        statusColumn<ReleaseView['gates'][number]>('State', (g) => g.state),
        {
          header: 'Approvals',
          value: (g) =>
            g.approvalsRequired > 0
              ? `${g.approvals.length}/${g.approvalsRequired} ${g.approvals.map((a) => a.by).join(', ')}`.trim()
              : '-',
        },
      ],
      r.gates,
      { color, indent: '  ' },
    ),
    '',
    'Change summary',
    ...changeSummaryLines(r.commits, r.changeSummary),
    '',
    `Timeline${t.truncated ? ' (truncated: the oldest or busiest sources hold more)' : ''}`,
    t.entries.length === 0
      ? '  (empty)'
      : formatTable(
          [
            { header: 'When', value: (e) => utcMinute(e.at) },
            { header: 'Kind', value: (e) => e.kind },
            { header: 'Who', value: (e) => e.who, max: 30 },
            { header: 'What', value: (e) => e.summary, max: 160 },
          ],
          t.entries,
          { color, indent: '  ' },
        ),
  );
  return parts.join('\n');
}

/** Registers `show` under the `release` command. */
export function registerReleaseShow(release: Command): void {
  withConnection(
    release
      .command('show')
      .argument('<id>', 'release id')
      .description('one release: lanes, gates, change summary and timeline'),
  ).action(async (id: string, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags>();
    await run(flags, async (client, color) => {
      const release = await callApi(client, 'release', { params: { id } });
      const timeline = await callApi(client, 'releaseTimeline', { params: { id } });
      if (flags.json) return printJson({ release, timeline });
      out(renderReleaseShow(release, timeline, color));
    });
  });
}
