// `lanes release create|list|promote|rollback|show`: release candidates over the API (show: release-show-command.ts).
import type { Command } from 'commander';
import type { ReleaseView } from '../../contract/views.ts';
import {
  callApi,
  callApiStatus,
  collectLine,
  collectPair,
  out,
  printJson,
  run,
  statusColumn,
  usageExit,
  withConnection,
  type ConnectionFlags,
} from '../command-kit.ts';
import { formatTable, paintStatus, utcMinute } from '../format-table.ts';
import { registerReleaseShow } from './release-show-command.ts';

/** The lanes a release goes to next. */
function nextOf(r: ReleaseView): string {
  return r.nextLanes.length > 0 ? r.nextLanes.join(', ') : '-';
}

function releaseLine(r: ReleaseView, color: boolean): string {
  const next = nextOf(r);
  return `release ${r.id}${r.version !== r.id ? ` (${r.version})` : ''} ${r.sha.slice(0, 12)} ${paintStatus(r.state, color)}${next !== '-' ? `, next: ${next}` : ''}`;
}

/**
 * What promote or rollback did, as the API answered it (`answer`): dispatched which effects, waiting for
 * ones already under way, or nothing to send and why; then the release as it now stands.
 */
export function renderActionAnswer(verb: 'promote' | 'rollback', r: ReleaseView, color: boolean): string {
  const a = r.answer;
  const head = !a
    ? `${verb}: the server did not say what it did`
    : a.did === 'dispatched'
      ? `${verb}: ${a.detail}`
      : a.did === 'waiting'
        ? `${verb}: waiting, nothing sent: ${a.detail}`
        : `${verb}: nothing to send: ${a.detail}`;
  const effects =
    a && a.effects.length > 0
      ? [`  ${a.did === 'dispatched' ? 'effects sent' : 'effects under way'}: ${a.effects.join(', ')}`]
      : [];
  return [head, ...effects, `  ${releaseLine(r, color)}`].join('\n');
}

export function renderReleases(rows: ReleaseView[], color: boolean): string {
  if (rows.length === 0) return 'no releases';
  return formatTable<ReleaseView>(
    [
      { header: 'ID', value: (r) => r.id },
      { header: 'Version', value: (r) => r.version },
      { header: 'SHA', value: (r) => r.sha.slice(0, 12) },
      statusColumn('State', (r) => r.state),
      { header: 'Next', value: nextOf, max: 30 },
      { header: 'Migrations', value: (r) => (r.includesMigrations ? 'yes' : 'no') },
      { header: 'Created', value: (r) => utcMinute(r.createdAt) },
      { header: 'By', value: (r) => r.createdBy },
    ],
    rows,
    { color },
  );
}

export function registerReleaseCommands(program: Command): void {
  const release = program
    .command('release')
    .description('release candidates: create, list, promote, roll back')
    .exitOverride(usageExit);

  withConnection(
    release
      .command('create')
      .requiredOption('--version <version>', 'release version / tag, e.g. v1.4.0')
      .requiredOption('--sha <sha>', 'commit sha (7-40 hex)')
      .option('--migrations', 'the release includes database migrations')
      .option(
        '--manifest <key=value...>',
        'artifacts / images, e.g. ops-api=ghcr.io/org/ops-api@sha256:…',
        collectPair,
      )
      .option('--summary <line...>', 'change summary lines', collectLine)
      .option('--reason <text>', 'why (kept in the audit log)')
      .description('open a release candidate'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<
      ConnectionFlags & {
        version: string;
        sha: string;
        migrations?: boolean;
        manifest?: Record<string, string>;
        summary?: string[];
        reason?: string;
      }
    >();
    await run(flags, async (client, color) => {
      const { status, body } = await callApiStatus(client, 'createRelease', {
        body: {
          version: flags.version,
          sha: flags.sha,
          manifest: flags.manifest ?? {},
          changeSummary: flags.summary ?? [],
          includesMigrations: flags.migrations === true,
          ...(flags.reason ? { reason: flags.reason } : {}),
        },
      });
      if (flags.json) return printJson(body);
      // 200: the same version on the same commit is the release already open; nothing was created.
      out(
        status === 201
          ? `created ${releaseLine(body, color)}`
          : `already open, nothing created: ${releaseLine(body, color)}`,
      );
    });
  });

  withConnection(release.command('list').description('releases, newest first')).action(
    async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<ConnectionFlags>();
      await run(flags, async (client, color) => {
        const body = await callApi(client, 'releases');
        if (flags.json) return printJson(body);
        out(renderReleases(body.releases, color));
      });
    },
  );

  withConnection(
    release
      .command('promote')
      .argument('<id>', 'release id')
      .option(
        '--override-reason <text>',
        "promote through an active freeze window, with this reason (audited; only members of the window's override_seats; the override ends with the window)",
      )
      .option('--reason <text>', 'why (kept in the audit log)')
      .description('promote a release to its next lane'),
  ).action(async (id: string, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { overrideReason?: string; reason?: string }>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'promote', {
        params: { id },
        body: {
          ...(flags.overrideReason ? { override: { reason: flags.overrideReason } } : {}),
          ...(flags.reason ? { reason: flags.reason } : {}),
        },
      });
      if (flags.json) return printJson(body);
      out(renderActionAnswer('promote', body, color));
    });
  });

  withConnection(
    release
      .command('rollback')
      .argument('<id>', 'release id')
      .requiredOption('--reason <text>', 'why')
      .requiredOption('--incident <id>', 'incident reference')
      .requiredOption('--owner <person>', 'who owns the rollback')
      .description('roll back to the previous good release'),
  ).action(async (id: string, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<
      ConnectionFlags & { reason: string; incident: string; owner: string }
    >();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'rollback', {
        params: { id },
        body: { reason: flags.reason, incident: flags.incident, owner: flags.owner },
      });
      if (flags.json) return printJson(body);
      out(renderActionAnswer('rollback', body, color));
    });
  });

  registerReleaseShow(release);
}
