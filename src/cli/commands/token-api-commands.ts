// `lanes token list|create|revoke --url <server>`: token management over the API (GET/POST /api/v1/tokens,
// DELETE /api/v1/tokens/{id}) with an admin token (--token / LANES_TOKEN), for operators who are not on
// the server machine. The server judges every call (policy `token.manage`, audited, refusals included); a
// created token's secret is printed once, on stdout, and nowhere else. Exit codes as every API command:
// 0 ok; 1 the API refused (e.g. 403 insufficient_scope, 403 not_seat_member, 404 for an unknown id);
// 2 a usage error or no server to talk to.
import type { CreateTokenRequest } from '../../contract/requests.ts';
import type { TokenView } from '../../contract/results.ts';
import { callApi, out, printJson, run, type ConnectionFlags } from '../command-kit.ts';
import { formatTable, utcMinute } from '../format-table.ts';

export function renderTokens(rows: TokenView[]): string {
  if (rows.length === 0) return 'no tokens';
  return formatTable<TokenView>(
    [
      { header: 'ID', value: (t) => t.id },
      { header: 'Person', value: (t) => t.person ?? '' },
      { header: 'Service', value: (t) => t.service ?? '' },
      { header: 'Scope', value: (t) => t.scope },
      {
        header: 'State',
        value: (t) =>
          t.revokedAt
            ? `revoked ${utcMinute(t.revokedAt)}`
            : t.expiresAt
              ? `expires ${utcMinute(t.expiresAt)}`
              : 'no expiry',
      },
      { header: 'Last used', value: (t) => (t.lastUsedAt ? utcMinute(t.lastUsedAt) : 'never') },
      { header: 'Name', value: (t) => t.name, max: 40 },
    ],
    rows,
    { color: false },
  );
}

export function listTokensApi(flags: ConnectionFlags): Promise<void> {
  return run(flags, async (client) => {
    const body = await callApi(client, 'tokens');
    if (flags.json) return printJson(body);
    out(renderTokens(body.tokens));
  });
}

/** ttlDays 0 = never; the API takes `expiresIn` like 30d. */
export function createTokenApi(
  flags: ConnectionFlags,
  t: { person?: string; service?: string; scope: CreateTokenRequest['scope']; name: string; ttlDays: number },
): Promise<void> {
  return run(flags, async (client) => {
    const created = await callApi(client, 'createToken', {
      body: {
        ...(t.person ? { person: t.person } : {}),
        ...(t.service ? { service: t.service } : {}),
        scope: t.scope,
        name: t.name,
        expiresIn: t.ttlDays === 0 ? 'never' : `${t.ttlDays}d`,
      },
    });
    if (flags.json) return printJson(created);
    process.stdout.write(`${created.token}\n`);
    const who = created.service
      ? `service ${created.service}${created.person ? ` on behalf of ${created.person}` : ''}`
      : (created.person ?? '');
    const expiry = created.expiresAt ? `, expires ${utcMinute(created.expiresAt)}` : '';
    process.stderr.write(`token ${created.id} for ${who} (${created.scope}${expiry}); shown once\n`);
  });
}

export function revokeTokenApi(flags: ConnectionFlags, id: string): Promise<void> {
  return run(flags, async (client) => {
    const t = await callApi(client, 'revokeToken', { params: { id } });
    if (flags.json) return printJson(t);
    out(`revoked ${t.id}`);
  });
}
