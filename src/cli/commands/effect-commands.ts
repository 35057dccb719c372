// `lanes effects [--state dead] [--release <id>] [--limit n]`, `lanes effects retry <id>`: the outbox over the
// API — what Lanes has asked GitHub and the alert routes to do, and where each effect is (pending, retrying,
// done, dead). Retry re-sends a dead effect with the same effect_id (admin token; a refusal prints its code
// and exits 1, a usage error exits 2).
import { Option, type Command } from 'commander';
import type { EffectView } from '../../contract/views.ts';
import {
  callApi,
  out,
  positiveInt,
  printJson,
  run,
  statusColumn,
  withConnection,
  type ConnectionFlags,
} from '../command-kit.ts';
import { formatTable, paintStatus, utcMinute } from '../format-table.ts';

export function renderEffects(rows: EffectView[], color: boolean): string {
  if (rows.length === 0) return 'no effects';
  return formatTable<EffectView>(
    [
      { header: 'ID', value: (r) => String(r.id) },
      statusColumn('State', (r) => r.state),
      { header: 'Kind', value: (r) => r.kind.replace(/^github\./, '') },
      { header: 'Key', value: (r) => r.key, max: 48 },
      { header: 'Release', value: (r) => r.releaseId ?? '' },
      { header: 'Tries', value: (r) => String(r.attempts) },
      { header: 'Next / updated', value: (r) => utcMinute(r.nextAttemptAt ?? r.updatedAt) },
      {
        header: 'Last error',
        value: (r) =>
          r.state === 'done' ? '' : r.waitingFor ? `waiting: ${r.waitingFor}` : (r.lastError ?? ''),
        max: 50,
      },
    ],
    rows,
    { color },
  );
}

export function registerEffectCommands(program: Command): void {
  const effects = withConnection(
    program
      .command('effects')
      .addOption(
        new Option('--state <state>', 'only effects in this state').choices([
          'pending',
          'retrying',
          'done',
          'dead',
        ]),
      )
      .option('--release <id>', 'only the effects of this release (rel-…)')
      .option('--limit <n>', 'how many (1-1000, default 100)', positiveInt('--limit', 1000))
      .description(
        'outbox effects (dispatches, protection answers, statuses, notifications); retry a dead one',
      ),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<
      ConnectionFlags & { state?: EffectView['state']; release?: string; limit?: number }
    >();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'effects', {
        query: {
          state: flags.state,
          release: flags.release,
          limit: flags.limit !== undefined ? String(flags.limit) : undefined,
        },
      });
      if (flags.json) return printJson(body);
      out(renderEffects(body.effects, color));
    });
  });

  withConnection(
    effects
      .command('retry')
      .argument('<id>', 'effect id (from `lanes effects --state dead`)', positiveInt('<id>'))
      .option('--comment <text>', 'why, kept in the audit log')
      .description('re-send a dead effect with the same effect_id (admin token)'),
  ).action(async (id: number, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { comment?: string }>();
    await run(flags, async (client, color) => {
      const body = await callApi(client, 'retryEffect', {
        params: { id: String(id) },
        body: flags.comment !== undefined ? { comment: flags.comment } : {},
      });
      if (flags.json) return printJson(body);
      out(`effect ${body.id} ${paintStatus(body.state, color)} again: ${body.key} → ${body.target}`);
    });
  });
}
