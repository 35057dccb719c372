// Actions: list, create and revoke API tokens through the API. The policy first (`token.manage`: admin
// scope, then whom the catalog's policy names; refusals audited). A person's token is only for a member of
// a seat (rule identity.person_seat); a service token names its service and, optionally, the person it acts
// for. The secret is answered once; only its hash is stored. Each token and its audit entry commit in ONE
// transaction; listing never shows a secret or a hash.
// Two clocks. A token is a credential, checked against real time (src/http/auth-middleware.ts), so its own
// times (created, expires, revoked) are real time, whatever the engine's clock says; the audit entry is on the
// engine's clock like every other entry, so an audit on a demo clock stays one ordered timeline.
import { durationMs } from '../../core/catalog-model.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import type { CreateTokenRequest } from '../../contract/requests.ts';
import type { CreatedToken, TokenList, TokenView } from '../../contract/results.ts';
import type { TokenRecord } from '../../store/store.ts';
import { auditEntry } from '../audit-entry.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { auditedRefusal } from '../refusal-audit.ts';
import { mintToken } from '../token-mint.ts';
import { authorize } from './authorize.ts';

/** Real time, for a credential's own times (see the header): never the engine's (possibly demo) clock. */
function credentialNow(): Date {
  return new Date();
}

export function tokenView(t: TokenRecord): TokenView {
  const service = t.service ?? null;
  return {
    id: t.id,
    name: t.name,
    person: service && t.personId === `service:${service}` ? null : t.personId,
    service,
    scope: t.scope,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}

export async function listTokens(ctx: EngineContext, actor: Actor): Promise<Outcome<TokenList>> {
  const may = await authorize(ctx, actor, { action: 'token.manage' }, { type: 'token', id: '*' });
  if (!may.ok) return may;
  return { ok: true, value: { tokens: (await ctx.store.listTokens()).map(tokenView) } };
}

export async function createToken(
  ctx: EngineContext,
  actor: Actor,
  input: CreateTokenRequest,
): Promise<Outcome<CreatedToken>> {
  const object = {
    type: 'token' as const,
    id: input.service ? `service:${input.service}` : (input.person ?? '-'),
  };
  const data = { person: input.person ?? null, service: input.service ?? null, scope: input.scope };
  const may = await authorize(ctx, actor, { action: 'token.manage' }, object, data);
  if (!may.ok) return may;
  const person = input.person;
  if (person !== undefined && !ctx.catalog.seats.some((s) => s.members.includes(person)))
    return auditedRefusal(
      ctx,
      actor,
      'token.create_refused',
      object,
      refuse('not_seat_member', `${person} is not a member of any seat; a token is only for a seat member`, {
        rule: 'identity.person_seat',
      }),
      data,
    );
  const now = credentialNow();
  const ttlMs = input.expiresIn === 'never' ? undefined : durationMs(input.expiresIn);
  const { token, record } = mintToken({
    personId: person ?? `service:${input.service ?? ''}`,
    name: input.name,
    scope: input.scope,
    now,
    ...(ttlMs ? { ttlMs } : {}),
    ...(input.service ? { service: input.service } : {}),
  });
  const at = nowIso(ctx);
  await ctx.store.transaction(async (tx) => {
    await tx.createToken(record);
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at,
        actor: actor.label,
        action: 'token.created',
        object: { type: 'token', id: record.id },
        reason: input.name,
        data: { ...data, expiresAt: record.expiresAt, rule: may.rule },
      }),
    );
  });
  return { ok: true, value: { ...tokenView(record), token }, created: true };
}

export async function revokeToken(ctx: EngineContext, actor: Actor, id: string): Promise<Outcome<TokenView>> {
  const object = { type: 'token' as const, id };
  const may = await authorize(ctx, actor, { action: 'token.manage' }, object);
  if (!may.ok) return may;
  const rec = (await ctx.store.listTokens()).find((t) => t.id === id);
  if (!rec)
    return auditedRefusal(ctx, actor, 'token.revoke_refused', object, refuse('not_found', `no token ${id}`));
  if (rec.revokedAt) return { ok: true, value: tokenView(rec) };
  const at = nowIso(ctx);
  const revokedAt = credentialNow().toISOString();
  await ctx.store.transaction(async (tx) => {
    await tx.revokeToken(id, revokedAt);
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at,
        actor: actor.label,
        action: 'token.revoked',
        object,
        reason: null,
        data: { person: tokenView(rec).person, service: rec.service ?? null, rule: may.rule },
      }),
    );
  });
  return { ok: true, value: tokenView({ ...rec, revokedAt }) };
}

/** The calls the HTTP routes make. */
/** ctxOf: the engine context of the moment (one catalog snapshot per call). */
export function tokenActions(ctxOf: () => EngineContext) {
  return {
    list: (actor: Actor) => listTokens(ctxOf(), actor),
    create: (actor: Actor, input: CreateTokenRequest) => createToken(ctxOf(), actor, input),
    revoke: (actor: Actor, id: string) => revokeToken(ctxOf(), actor, id),
  };
}
