// `lanes gate wait --lane <id>`: the gate step, run first in a gated job. It proves who it is with the
// job's GitHub Actions OIDC token (fetched from ACTIONS_ID_TOKEN_REQUEST_URL with the runner's request
// token, for the audience Lanes expects; or --oidc-token / LANES_OIDC_TOKEN) and long-polls
// POST /api/v1/gate-steps until Lanes decides. Exit 0: allowed. Exit 1: rejected, timed out, or the token
// was refused — with the reason on stderr. Exit 2: usage. A token fetched from the runner is fetched
// again for every request, so a wait longer than the token's lifetime still presents a valid one.
import type { Command } from 'commander';
import { ApiClient, ApiRequestError, ConnectionError, resolveConnection } from '../api-client.ts';
import { out, printJson, usageExit } from '../command-kit.ts';
import type { GateStepView } from '../../contract/views.ts';
import { API } from '../../contract/routes.ts';
import { humaniseTimes } from '../../contract/time-format.ts';
import { sanitiseText } from '../terminal-text.ts';

const LONG_POLL_S = 25;
const RETRY_MS = 2000;

interface WaitFlags {
  lane: string;
  timeout: string;
  url?: string;
  oidcToken?: string;
  audience?: string;
  json?: boolean;
}

/** "30m" / "90s" / "1h" → ms; undefined when malformed. */
export function parseTimeout(t: string): number | undefined {
  const m = /^(\d+)(s|m|h)?$/.exec(t.trim());
  if (!m) return undefined;
  const unit = m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : 1000;
  const ms = Number(m[1]) * unit;
  return ms > 0 ? ms : undefined;
}

/** The job's OIDC token: the flag, LANES_OIDC_TOKEN, or a fresh one from the Actions runtime. */
async function oidcToken(flags: WaitFlags, env: NodeJS.ProcessEnv): Promise<string> {
  const given = flags.oidcToken ?? (env.LANES_OIDC_TOKEN || undefined);
  if (given) return given.trim();
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer)
    throw new Error('no OIDC token: add "permissions: id-token: write" to the job (or pass --oidc-token)');
  const audience = flags.audience ?? (env.LANES_OIDC_AUDIENCE || 'lanes');
  const target = new URL(url);
  target.searchParams.set('audience', audience);
  const res = await fetch(target, {
    headers: { authorization: `bearer ${bearer}`, accept: 'application/json' },
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`the Actions runtime refused an OIDC token (${res.status})`);
  const body = (await res.json()) as { value?: unknown };
  if (typeof body.value !== 'string' || body.value === '')
    throw new Error('the Actions runtime answered without a token');
  return body.value;
}

function describe(v: GateStepView): string {
  const where = `${v.laneId}, run ${v.runId} attempt ${v.runAttempt}${v.environment ? `, ${v.environment}` : ''}`;
  return `${v.state} (${where}): ${v.reason}`;
}

export async function gateWait(flags: WaitFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const timeoutMs = parseTimeout(flags.timeout);
  if (timeoutMs === undefined) {
    process.stderr.write(`lanes gate wait: --timeout ${flags.timeout} is not a duration like 30m\n`);
    return 2;
  }
  const deadline = Date.now() + timeoutMs;
  const { url } = resolveConnection({ url: flags.url }, env);
  let last: GateStepView | undefined;
  let lastLine = '';
  let unreachable = '';
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    // The first ask answers at once, so the job log says what it waits for before the long-polls start.
    const waitSeconds =
      last === undefined ? 0 : Math.max(0, Math.min(LONG_POLL_S, Math.floor(remaining / 1000) - 1));
    try {
      const token = await oidcToken(flags, env);
      const client = new ApiClient({ url, token }, { timeoutMs: waitSeconds * 1000 + 15_000 });
      const res = await client.post<GateStepView>(API.askGateStep.path, { lane: flags.lane, waitSeconds });
      last = res.body;
      unreachable = '';
      const line = describe(last);
      if (line !== lastLine && !flags.json) out(`lanes gate: ${line}`);
      lastLine = line;
      if (last.state === 'allowed') {
        if (flags.json) printJson(last);
        return 0;
      }
      if (last.state === 'rejected') {
        if (flags.json) printJson(last);
        process.stderr.write(`lanes gate: rejected: ${humaniseTimes(sanitiseText(last.reason))}\n`);
        return 1;
      }
      for (const w of last.waitingFor) if (!flags.json) out(`  waiting for ${w.kind} ${w.id}: ${w.detail}`);
    } catch (e) {
      if (e instanceof ApiRequestError) {
        process.stderr.write(`lanes gate: refused (${e.code}): ${e.message}\n`);
        return 1;
      }
      if (e instanceof ConnectionError) {
        // Lanes restarting or a network blip: keep asking until the timeout.
        if (unreachable !== e.reason) process.stderr.write(`lanes gate: ${e.message}; retrying\n`);
        unreachable = e.reason;
        await new Promise((r) => setTimeout(r, Math.min(RETRY_MS, Math.max(0, deadline - Date.now()))));
        continue;
      }
      process.stderr.write(`lanes gate: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }
  if (flags.json && last) printJson(last);
  process.stderr.write(
    `lanes gate: timed out after ${flags.timeout}${last ? ` still waiting: ${last.reason}` : unreachable ? ` (${unreachable})` : ''}\n`,
  );
  return 1;
}

export function registerGateWaitCommand(program: Command): void {
  const gate = program
    .command('gate')
    .description('the gate step for gated jobs (gate-step enforcement)')
    .exitOverride(usageExit);
  gate
    .command('wait')
    .requiredOption('--lane <id>', 'the lane id this job runs (PL-xx)')
    .option('--timeout <duration>', 'fail the job after waiting this long (e.g. 30m, 90s)', '30m')
    .option('--url <url>', 'Lanes server URL (LANES_URL)')
    .option(
      '--oidc-token <jwt>',
      'the job’s OIDC token (default: LANES_OIDC_TOKEN, else fetched from the runner)',
    )
    .option('--audience <aud>', 'OIDC audience Lanes expects (LANES_OIDC_AUDIENCE, default lanes)')
    .option('--json', 'print the final decision as JSON')
    .description('wait until Lanes allows this run of the lane; exit 1 with the reason when it does not')
    .exitOverride(usageExit)
    .action(async (flags: WaitFlags) => {
      process.exitCode = await gateWait(flags);
    });
}
