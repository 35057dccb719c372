// `lanes evidence report`: a check result from a CI step. On this command --url is the evidence link;
// the server comes from --server or LANES_URL.
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
      .option('--url <link>', 'link to the check’s output')
      .option('--details <text>', 'details')
      .option('--run-id <n>', 'GitHub Actions run id', positiveInt('--run-id'))
      .option('--key <key>', 'idempotency key (default: sha + lane + check)')
      .description('report a check result from a CI step (server: --server or LANES_URL)'),
    '--server',
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
      }
    >();
    const link = flags.url;
    await run({ ...flags, url: undefined }, async (client, color) => {
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
