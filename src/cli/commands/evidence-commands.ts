// `lanes evidence report`: a check result from a CI step. The server is --url (or LANES_URL) as on every
// other command; the link to the check's output is --link. `--server` is kept, hidden, for scripts written
// before: `--server S --url L` still means server S and link L (with a warning on stderr).
import { Option, type Command } from 'commander';
import {
  callApi,
  out,
  positiveInt,
  printJson,
  run,
  usageExit,
  withConnection,
  type ConnectionFlags,
} from '../command-kit.ts';
import { paintStatus } from '../format-table.ts';

type Outcome = 'passed' | 'failed' | 'pending';

/** --url is the server and --link the link; the old spelling (--server for the server, --url for the link) still works. */
export function serverAndLink(flags: { url?: string; server?: string; link?: string }): {
  server: string | undefined;
  link: string | undefined;
} {
  if (flags.server === undefined) return { server: flags.url, link: flags.link };
  process.stderr.write(
    'lanes: --server is deprecated on evidence report: pass the server as --url and the evidence link as --link\n',
  );
  if (flags.link === undefined) return { server: flags.server, link: flags.url };
  return { server: flags.server, link: flags.link };
}

export function registerEvidenceCommands(program: Command): void {
  const evidence = program
    .command('evidence')
    .description('evidence for lane checks')
    .exitOverride(usageExit);
  withConnection(
    evidence
      .command('report')
      .requiredOption('--check <name>', 'check name, as in the lane’s checks')
      .addOption(
        new Option('--outcome <outcome>', 'check outcome')
          .choices(['passed', 'failed', 'pending'])
          .makeOptionMandatory(),
      )
      .requiredOption('--sha <sha>', 'commit sha the check ran on (7-40 hex)')
      .option('--lane <lane>', 'catalog lane id (PL-xx)')
      .option('--link <url>', 'link to the check’s output (http or https)')
      .addOption(new Option('--server <url>', 'deprecated: use --url').hideHelp())
      .option('--details <text>', 'details')
      .option('--run-id <n>', 'GitHub Actions run id', positiveInt('--run-id'))
      .option('--key <key>', 'idempotency key (default: sha + lane + check)')
      .description('report a check result from a CI step'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<
      ConnectionFlags & {
        check: string;
        outcome: Outcome;
        sha: string;
        lane?: string;
        details?: string;
        runId?: number;
        key?: string;
        link?: string;
      }
    >();
    const { server, link } = serverAndLink(flags);
    await run({ ...flags, url: server, server: undefined }, async (client, color) => {
      const body = await callApi(client, 'reportEvidence', {
        body: {
          check: flags.check,
          outcome: flags.outcome,
          sha: flags.sha,
          ...(flags.lane ? { lane: flags.lane } : {}),
          ...(link ? { url: link } : {}),
          ...(flags.details ? { details: flags.details } : {}),
          ...(flags.runId !== undefined ? { runId: flags.runId } : {}),
          ...(flags.key ? { key: flags.key } : {}),
        },
      });
      if (flags.json) return printJson(body);
      out(
        `evidence ${body.status}: ${flags.check} ${paintStatus(flags.outcome, color)} for ${flags.sha.slice(0, 12)}${flags.lane ? ` on ${flags.lane}` : ''} (key ${body.key})`,
      );
    });
  });
}
