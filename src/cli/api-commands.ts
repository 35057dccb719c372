// `lanes status|gates|approve|trigger|release|evidence|alerts|audit`: commands over the REST API with a token.
// Every command takes --url (LANES_URL) and --token (LANES_TOKEN) and --json (the API's JSON as is).
// Exit codes: 0 ok; 1 the API answered an error; 2 usage error or the server could not be reached.
import { InvalidArgumentError, Option, type Command, type CommanderError } from 'commander';
import type { GateView, LaneView, Overview, WorkflowView } from '../contract/views.ts';
import { ApiClient, ApiRequestError, ConnectionError, DEFAULT_URL, resolveConnection } from './api-client.ts';
import {
  formatTable,
  paintStatus,
  plural,
  red,
  statusStyle,
  text,
  useColor,
  utcMinute,
  type Column,
} from './format-table.ts';

type Row = Record<string, unknown>;

interface ConnectionFlags {
  url?: string;
  server?: string;
  token?: string;
  json?: boolean;
}

// ---- plumbing -----------------------------------------------------------------------------------

/** Usage errors (unknown option, missing argument, bad value) exit 2; --help and --version exit 0. */
function usageExit(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

function withConnection(cmd: Command, urlFlag: '--url' | '--server' = '--url'): Command {
  return cmd
    .option(`${urlFlag} <url>`, `Lanes server URL (LANES_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'API token (LANES_TOKEN)')
    .option('--json', 'print the API response as JSON')
    .exitOverride(usageExit);
}

function clientFor(flags: ConnectionFlags): ApiClient {
  return new ApiClient(resolveConnection({ url: flags.server ?? flags.url, token: flags.token }));
}

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** Runs a command body; maps failures to the CLI's messages and exit codes. */
async function run(
  flags: ConnectionFlags,
  body: (client: ApiClient, color: boolean) => Promise<void>,
): Promise<void> {
  const client = clientFor(flags);
  try {
    await body(client, useColor());
  } catch (e) {
    process.exitCode = reportFailure(e, client, flags.json === true);
  }
}

export function reportFailure(e: unknown, client: ApiClient, json: boolean): number {
  if (e instanceof ApiRequestError) {
    const lines = [`lanes: ${e.code}: ${e.message}`, ...detailLines(e.details)];
    if (e.status === 401 && !client.connection.token)
      lines.push('lanes: hint: pass --token or set LANES_TOKEN');
    process.stderr.write(`${lines.join('\n')}\n`);
    if (json)
      printJson({
        error: {
          code: e.code,
          message: e.message,
          ...(e.details === undefined ? {} : { details: e.details }),
        },
      });
    return 1;
  }
  if (e instanceof ConnectionError) {
    process.stderr.write(`lanes: cannot reach ${e.url}: ${e.reason}\n`);
    return 2;
  }
  if (e instanceof InvalidArgumentError) {
    process.stderr.write(`lanes: ${e.message}\n`);
    return 2;
  }
  process.stderr.write(`lanes: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}

/** Validation details ([{path, message}]) one per line; anything else as compact JSON. */
function detailLines(details: unknown): string[] {
  if (details === undefined || details === null) return [];
  if (Array.isArray(details)) {
    return details.map((d) => {
      if (typeof d === 'object' && d !== null && 'message' in d) {
        const o = d as { path?: unknown; message?: unknown };
        const path = typeof o.path === 'string' && o.path !== '' ? o.path : '(body)';
        return `  ${path}: ${text(o.message)}`;
      }
      return `  ${text(d)}`;
    });
  }
  if (typeof details === 'object') {
    return Object.entries(details as Row).map(
      ([k, v]) => `  ${k}: ${Array.isArray(v) ? v.map(text).join(', ') : text(v)}`,
    );
  }
  return [`  ${text(details)}`];
}

/** The API answers lists as {key:[...]}; accept a bare array too. */
function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    const v = (body as Row)[key];
    if (Array.isArray(v)) return v as T[];
  }
  return [];
}

function field(row: unknown, ...keys: string[]): unknown {
  if (typeof row !== 'object' || row === null) return undefined;
  for (const k of keys) {
    const v = (row as Row)[k];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

const seg = (s: string) => encodeURIComponent(s);

const statusColumn = <R>(header: string, value: (r: R) => string): Column<R> => ({
  header,
  value,
  style: statusStyle,
});

// ---- argument parsers ---------------------------------------------------------------------------

function positiveInt(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
      throw new InvalidArgumentError(`${name} must be a positive integer`);
    }
    return Number(v);
  };
}

function collectPair(v: string, previous: Record<string, string> | undefined): Record<string, string> {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`expected key=value, got "${v}"`);
  return { ...(previous ?? {}), [v.slice(0, i)]: v.slice(i + 1) };
}

function collectLine(v: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), v];
}

// ---- views --------------------------------------------------------------------------------------

export function renderOverview(o: Overview, color: boolean): string {
  const lines: string[] = [];
  const crumbs = o.zone.breadcrumbs.length > 0 ? ` · ${o.zone.breadcrumbs.join(' / ')}` : '';
  lines.push(`${o.zone.title}  (zone ${o.zone.name}${crumbs})`);
  const alerts = `${o.alerts.open} open alert${o.alerts.open === 1 ? '' : 's'}`;
  lines.push(
    `Automated ${o.summary.automated} · Manual ${o.summary.manual} · Prod lanes ${o.summary.prod} · Rollback lanes ${o.summary.rollback} · ${color && o.alerts.open > 0 ? red(alerts) : alerts}`,
  );
  if (o.gates.length > 0) {
    const counts = new Map<string, number>();
    for (const g of o.gates) counts.set(g.state, (counts.get(g.state) ?? 0) + 1);
    const release = o.gates.find((g) => g.release)?.release;
    const parts = (['passed', 'pending', 'blocked'] as const)
      .filter((s) => counts.has(s))
      .map((s) => `${counts.get(s)} ${paintStatus(s, color)}`);
    lines.push(`Gates${release ? ` (${release})` : ''}: ${parts.join(', ')}`);
  }
  lines.push('', 'Lanes');
  lines.push(
    formatTable<LaneView>(
      [
        { header: 'ID', value: (l) => l.id },
        { header: 'Name', value: (l) => l.name },
        { header: 'Trigger', value: (l) => l.trigger, max: 44 },
        { header: 'Environment', value: (l) => l.environment },
        statusColumn('Status', (l) => l.status),
        { header: 'Last run', value: (l) => utcMinute(l.lastRunAt) },
      ],
      o.lanes,
      { color },
    ),
  );
  lines.push('', 'Workflows');
  lines.push(
    formatTable<WorkflowView>(
      [
        { header: 'ID', value: (w) => w.id },
        statusColumn('Status', (w) => w.status),
        { header: 'Name', value: (w) => w.name },
        { header: 'Runner · env', value: (w) => `${w.runner} · ${w.environment || '-'}` },
        { header: 'Evidence', value: (w) => w.evidence ?? '-' },
      ],
      o.workflows,
      { color },
    ),
  );
  return lines.join('\n');
}

/** What a gate waits on: its window, missing approvals, or the criteria that block it. */
export function gateWaits(g: GateView): string {
  const parts: string[] = [];
  const missing = g.approvalsRequired - g.approvals.length;
  if (g.state !== 'passed' && missing > 0) parts.push(`needs ${plural(missing, 'approval')} (${g.owner})`);
  if (g.waitsUntil) parts.push(`waits until ${utcMinute(g.waitsUntil)}`);
  if (g.state === 'blocked') {
    const failed = g.criteria.filter((c) => c.state === 'failed').map((c) => c.name);
    if (failed.length > 0) parts.push(`failed: ${failed.join(', ')}`);
  }
  if (g.state === 'pending' && parts.length === 0) {
    const open = g.criteria.filter((c) => c.state !== 'passed').map((c) => c.name);
    if (open.length > 0) parts.push(`waiting on: ${open.join(', ')}`);
  }
  if (parts.length === 0 && g.approvals.length > 0)
    parts.push(`approved by ${g.approvals.map((a) => a.by).join(', ')}`);
  return parts.join('; ') || '-';
}

export function renderGates(gates: GateView[], color: boolean): string {
  if (gates.length === 0) return 'no gates';
  const releases = [...new Set(gates.map((g) => g.release).filter((r): r is string => !!r))];
  const head = releases.length > 0 ? `Release ${releases.join(', ')}\n` : '';
  return (
    head +
    formatTable<GateView>(
      [
        { header: 'Gate', value: (g) => g.id },
        { header: 'Phase', value: (g) => g.phase },
        { header: 'Owner', value: (g) => g.owner },
        statusColumn('State', (g) => g.state),
        { header: 'Waits until / missing approvals', value: gateWaits, max: 80 },
      ],
      gates,
      { color },
    )
  );
}

/** The lanes a release goes to next (nextLanes), else its current lane. */
function nextOf(r: unknown): string {
  const next = field(r, 'nextLanes');
  if (Array.isArray(next)) return next.length > 0 ? next.map(text).join(', ') : '-';
  return text(field(r, 'currentLane', 'lane'));
}

function releaseLine(r: unknown, color: boolean): string {
  const id = text(field(r, 'id', 'tag', 'version'));
  const version = text(field(r, 'version', 'tag'));
  const state = text(field(r, 'state', 'status'));
  const next = nextOf(r);
  const sha = text(field(r, 'sha')).slice(0, 12);
  return `release ${id}${version !== id ? ` (${version})` : ''} ${sha} ${paintStatus(state, color)}${next !== '-' ? `, next: ${next}` : ''}`;
}

export function renderReleases(rows: unknown[], color: boolean): string {
  if (rows.length === 0) return 'no releases';
  return formatTable<unknown>(
    [
      { header: 'ID', value: (r) => text(field(r, 'id')) },
      { header: 'Version', value: (r) => text(field(r, 'version', 'tag')) },
      { header: 'SHA', value: (r) => text(field(r, 'sha')).slice(0, 12) },
      statusColumn('State', (r) => text(field(r, 'state', 'status'))),
      { header: 'Next', value: nextOf, max: 30 },
      { header: 'Migrations', value: (r) => (field(r, 'includesMigrations') === true ? 'yes' : 'no') },
      { header: 'Created', value: (r) => utcMinute(field(r, 'createdAt') as string | undefined) },
      { header: 'By', value: (r) => text(field(r, 'createdBy')) },
    ],
    rows,
    { color },
  );
}

export function renderAlerts(rows: unknown[], color: boolean, all: boolean): string {
  if (rows.length === 0) return all ? 'no alerts' : 'no open alerts';
  return formatTable<unknown>(
    [
      { header: 'ID', value: (r) => text(field(r, 'id', 'key')) },
      statusColumn('Status', (r) => text(field(r, 'status', 'state'))),
      { header: 'Severity', value: (r) => text(field(r, 'severity')) },
      { header: 'Count', value: (r) => text(field(r, 'count')) },
      { header: 'Title', value: (r) => text(field(r, 'title', 'message')), max: 70 },
      { header: 'Last seen', value: (r) => utcMinute(field(r, 'lastAt', 'firstAt') as string | undefined) },
    ],
    rows,
    { color },
  );
}

export function renderAudit(rows: unknown[], color: boolean): string {
  if (rows.length === 0) return 'no audit events';
  return formatTable<unknown>(
    [
      { header: 'When', value: (r) => utcMinute(field(r, 'at') as string | undefined) },
      { header: 'Actor', value: (r) => text(field(r, 'actor')), max: 40 },
      { header: 'Action', value: (r) => text(field(r, 'action')) },
      {
        header: 'Object',
        value: (r) => `${text(field(r, 'objectType'))} ${text(field(r, 'objectId'))}`,
        max: 60,
      },
      { header: 'Reason', value: (r) => text(field(r, 'reason')), max: 60 },
    ],
    rows,
    { color },
  );
}

/** A one-line `key=value` summary of an object's scalar fields (for responses whose shape may grow). */
function scalars(o: unknown): string {
  if (typeof o !== 'object' || o === null) return text(o);
  return Object.entries(o as Row)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${text(v)}`)
    .join(' ');
}

// ---- commands -----------------------------------------------------------------------------------

export function registerApiCommands(program: Command): void {
  // `release create --version v1.4.0`: the program's own -V/--version must only be read before a subcommand.
  program.enablePositionalOptions();
  withConnection(
    program.command('status').description('the control plane overview: lanes, workflows, gates, alerts'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags>();
    await run(flags, async (client, color) => {
      const { body } = await client.get<Overview>('/api/v1/overview');
      if (flags.json) return printJson(body);
      out(renderOverview(body, color));
    });
  });

  withConnection(
    program.command('gates').description('release gates: phase, owner seat, state, what each waits on'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags>();
    await run(flags, async (client, color) => {
      const { body } = await client.get<{ gates: GateView[] }>('/api/v1/gates');
      if (flags.json) return printJson(body);
      out(renderGates(listOf<GateView>(body, 'gates'), color));
    });
  });

  withConnection(
    program
      .command('approve')
      .argument('<gate>', 'gate id, e.g. RG-09')
      .option('--release <id>', 'the release to approve the gate for (default: the current one)')
      .option('--comment <text>', 'a comment kept with the approval')
      .description('approve a release gate (members of its owner seat)'),
  ).action(async (gate: string, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { release?: string; comment?: string }>();
    await run(flags, async (client, color) => {
      const { body } = await client.post<GateView>(`/api/v1/gates/${seg(gate)}/approve`, {
        ...(flags.release ? { release: flags.release } : {}),
        ...(flags.comment !== undefined ? { comment: flags.comment } : {}),
      });
      if (flags.json) return printJson(body);
      const state = text(field(body, 'state'));
      const release = field(body, 'release');
      out(
        `approved ${text(field(body, 'id')) === '-' ? gate : text(field(body, 'id'))}${release ? ` for ${text(release)}` : ''}: gate is ${paintStatus(state, color)}`,
      );
      if (Array.isArray(field(body, 'criteria'))) out(`  ${gateWaits(body)}`);
    });
  });

  withConnection(
    program
      .command('trigger')
      .argument('<lane>', 'lane id, e.g. PL-04')
      .option('--ref <ref>', 'git ref to run on')
      .option('--release <id>', 'the release this run belongs to')
      .option('--reason <text>', 'why (kept in the audit log)')
      .description('dispatch the lane’s workflow'),
  ).action(async (lane: string, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<
      ConnectionFlags & { ref?: string; release?: string; reason?: string }
    >();
    await run(flags, async (client) => {
      const { body } = await client.post<unknown>(`/api/v1/lanes/${seg(lane)}/trigger`, {
        ...(flags.ref ? { ref: flags.ref } : {}),
        ...(flags.release ? { release: flags.release } : {}),
        ...(flags.reason ? { reason: flags.reason } : {}),
      });
      if (flags.json) return printJson(body);
      const dispatches = field(body, 'dispatches');
      if (Array.isArray(dispatches)) {
        out(
          `triggered ${lane}: ${plural(dispatches.length, 'dispatch')} queued${dispatches.length > 0 ? ` (${dispatches.map(text).join(', ')})` : ''}`,
        );
      } else {
        const summary = scalars(body);
        out(`triggered ${lane}${summary ? `: ${summary}` : ''}`);
      }
    });
  });

  // release create | list | promote | rollback
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
      .description('open a release candidate (PL-06)'),
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
      const { body } = await client.post<unknown>('/api/v1/releases', {
        version: flags.version,
        sha: flags.sha,
        manifest: flags.manifest ?? {},
        changeSummary: flags.summary ?? [],
        includesMigrations: flags.migrations === true,
        ...(flags.reason ? { reason: flags.reason } : {}),
      });
      if (flags.json) return printJson(body);
      out(`created ${releaseLine(body, color)}`);
    });
  });

  withConnection(release.command('list').description('releases, newest first')).action(
    async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<ConnectionFlags>();
      await run(flags, async (client, color) => {
        const { body } = await client.get<unknown>('/api/v1/releases');
        if (flags.json) return printJson(body);
        out(renderReleases(listOf<unknown>(body, 'releases'), color));
      });
    },
  );

  withConnection(
    release
      .command('promote')
      .argument('<id>', 'release id')
      .option('--lane <lane>', 'the lane to promote to (default: the next in the promotion flow)')
      .option('--override-reason <text>', 'override a failed gate (audited; needs the right to override)')
      .option('--reason <text>', 'why (kept in the audit log)')
      .description('promote a release to its next lane'),
  ).action(async (id: string, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<
      ConnectionFlags & { lane?: string; overrideReason?: string; reason?: string }
    >();
    await run(flags, async (client, color) => {
      const { body } = await client.post<unknown>(`/api/v1/releases/${seg(id)}/promote`, {
        ...(flags.lane ? { lane: flags.lane } : {}),
        ...(flags.overrideReason ? { override: { reason: flags.overrideReason } } : {}),
        ...(flags.reason ? { reason: flags.reason } : {}),
      });
      if (flags.json) return printJson(body);
      out(`promoted ${releaseLine(body, color)}`);
    });
  });

  withConnection(
    release
      .command('rollback')
      .argument('<id>', 'release id')
      .requiredOption('--reason <text>', 'why')
      .requiredOption('--incident <id>', 'incident reference')
      .requiredOption('--owner <person>', 'who owns the rollback')
      .description('roll back to the previous good release (PL-11)'),
  ).action(async (id: string, _opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<
      ConnectionFlags & { reason: string; incident: string; owner: string }
    >();
    await run(flags, async (client, color) => {
      const { body } = await client.post<unknown>(`/api/v1/releases/${seg(id)}/rollback`, {
        reason: flags.reason,
        incident: flags.incident,
        owner: flags.owner,
      });
      if (flags.json) return printJson(body);
      out(`rolling back: ${releaseLine(body, color)}`);
    });
  });

  // evidence report (--url is the evidence link here; the server is --server or LANES_URL)
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
      .option('--lane <lane>', 'lane id, e.g. PL-05')
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
        outcome: string;
        sha: string;
        lane?: string;
        details?: string;
        runId?: number;
        key?: string;
      }
    >();
    // --url is the evidence link on this command; the connection comes from --server / LANES_URL.
    const link = flags.url;
    await run({ ...flags, url: undefined }, async (client, color) => {
      const { body } = await client.post<{ key?: string; status?: string }>('/api/v1/evidence', {
        check: flags.check,
        outcome: flags.outcome,
        sha: flags.sha,
        ...(flags.lane ? { lane: flags.lane } : {}),
        ...(link ? { url: link } : {}),
        ...(flags.details ? { details: flags.details } : {}),
        ...(flags.runId !== undefined ? { runId: flags.runId } : {}),
        ...(flags.key ? { key: flags.key } : {}),
      });
      if (flags.json) return printJson(body);
      out(
        `evidence ${text(body.status)}: ${flags.check} ${paintStatus(flags.outcome, color)} for ${flags.sha.slice(0, 12)}${flags.lane ? ` on ${flags.lane}` : ''} (key ${text(body.key)})`,
      );
    });
  });

  // alerts [--all] | alerts ack <id> | alerts resolve <id>
  const alerts = withConnection(
    program
      .command('alerts')
      .option('--all', 'include resolved alerts')
      .description('open alerts (deduplicated); ack or resolve them'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { all?: boolean }>();
    await run(flags, async (client, color) => {
      // The server lists live (open or acked) alerts, or all of them with ?all=true.
      const { body } = await client.get<unknown>('/api/v1/alerts', { all: flags.all ? 'true' : undefined });
      if (flags.json) return printJson(body);
      out(renderAlerts(listOf<unknown>(body, 'alerts'), color, flags.all === true));
    });
  });

  for (const [verb, past] of [
    ['ack', 'acknowledged'],
    ['resolve', 'resolved'],
  ] as const) {
    withConnection(
      alerts
        .command(verb)
        .argument('<id>', 'alert id')
        .option('--comment <text>', 'a comment kept in the audit log')
        .description(verb === 'ack' ? 'acknowledge an alert' : 'resolve an alert'),
    ).action(async (id: string, _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<ConnectionFlags & { comment?: string }>();
      await run(flags, async (client, color) => {
        const { body } = await client.post<unknown>(`/api/v1/alerts/${seg(id)}/${verb}`, {
          ...(flags.comment !== undefined ? { comment: flags.comment } : {}),
        });
        if (flags.json) return printJson(body);
        const status = text(field(body, 'status', 'state'));
        out(`${past} alert ${id}: ${paintStatus(status, color)} — ${text(field(body, 'title'))}`);
      });
    });
  }

  withConnection(
    program
      .command('audit')
      .option('--limit <n>', 'how many events (1-1000, default 100)', positiveInt('--limit'))
      .description('the audit log, newest first'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<ConnectionFlags & { limit?: number }>();
    await run(flags, async (client, color) => {
      const { body } = await client.get<unknown>('/api/v1/audit', { limit: flags.limit });
      if (flags.json) return printJson(body);
      out(renderAudit(listOf<unknown>(body, 'events'), color));
    });
  });
}
