// Plumbing shared by the API commands: connection flags (--url/--server, --token, --json), the typed call
// of one route of the contract's table, printing, and the mapping of failures to messages and exit codes
// (0 ok; 1 the API answered an error; 2 usage error or the server could not be reached).
import { InvalidArgumentError, type Command, type CommanderError } from 'commander';
import type { ApiRoutes, RequestOf, ResponseOf, RouteName } from '../contract/routes.ts';
import { API } from '../contract/routes.ts';
import {
  ApiClient,
  ApiRequestError,
  ConnectionError,
  DEFAULT_URL,
  resolveConnection,
  type QueryValue,
} from './api-client.ts';
import { humaniseTimes } from '../contract/time-format.ts';
import { statusStyle, text, useColor, type Column } from './format-table.ts';
import { sanitiseText, terminalLine } from './terminal-text.ts';

type Row = Record<string, unknown>;

export interface ConnectionFlags {
  url?: string;
  server?: string;
  token?: string;
  json?: boolean;
}

/** Usage errors (unknown option, missing argument, bad value) exit 2; --help and --version exit 0. */
export function usageExit(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

export function withConnection(cmd: Command): Command {
  return cmd
    .option('--url <url>', `Lanes server URL (LANES_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'API token (LANES_TOKEN)')
    .option('--json', 'print the API response as JSON')
    .exitOverride(usageExit);
}

function clientFor(flags: ConnectionFlags): ApiClient {
  return new ApiClient(resolveConnection({ url: flags.server ?? flags.url, token: flags.token }));
}

/** A line for people: terminal-safe, and every ISO time in it in the one human form ("… UTC"). */
export function out(line = ''): void {
  process.stdout.write(`${humaniseTimes(terminalLine(line))}\n`);
}

/** --json: the API's answer as it is (ISO times kept), made terminal-safe. */
export function printJson(value: unknown): void {
  process.stdout.write(`${terminalLine(JSON.stringify(value, null, 2))}\n`);
}

/** Runs a command body; maps failures to the CLI's messages and exit codes. */
export async function run(
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
    const lines = [`lanes: ${e.code}: ${e.message}`, ...detailLines(e.details)].map((l) =>
      humaniseTimes(sanitiseText(l)),
    );
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

/** What a call of one route carries: the path's `{params}`, the query and the body. */
export interface CallOptions<N extends RouteName> {
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: RequestOf<N>;
}

/** Calls one route of the contract's table; the path's `{params}` are filled in and encoded. */
export async function callApi<N extends RouteName>(
  client: ApiClient,
  name: N,
  opts: CallOptions<N> = {},
): Promise<ResponseOf<N>> {
  return (await callApiStatus(client, name, opts)).body;
}

/** callApi with the HTTP status: where it tells what happened (201 created, 200 the existing one). */
export async function callApiStatus<N extends RouteName>(
  client: ApiClient,
  name: N,
  opts: CallOptions<N> = {},
): Promise<{ status: number; body: ResponseOf<N> }> {
  const spec: ApiRoutes[RouteName] = API[name];
  const path = spec.path.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(opts.params?.[k] ?? ''));
  return spec.method === 'get'
    ? await client.get<ResponseOf<N>>(path, opts.query)
    : spec.method === 'delete'
      ? await client.delete<ResponseOf<N>>(path)
      : await client.post<ResponseOf<N>>(path, opts.body ?? {});
}

export const statusColumn = <R>(header: string, value: (r: R) => string): Column<R> => ({
  header,
  value,
  style: statusStyle,
});

// ---- argument parsers ---------------------------------------------------------------------------

/** A whole number from 1 (to `max`, when given): anything else is a usage error (exit 2), not the API's refusal. */
export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
      throw new InvalidArgumentError(`${name} must be a positive integer`);
    }
    if (Number(v) > max) throw new InvalidArgumentError(`${name} must be at most ${max}`);
    return Number(v);
  };
}

export function collectPair(v: string, previous: Record<string, string> | undefined): Record<string, string> {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`expected key=value, got "${v}"`);
  return { ...(previous ?? {}), [v.slice(0, i)]: v.slice(i + 1) };
}

export function collectLine(v: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), v];
}
