// Registers a handler for one entry of the contract's route table (src/contract/routes.ts): the method
// and path come from the table, so the OpenAPI document describes exactly what is served. Every route
// runs the same steps: scope check → validate body and query against the table's schemas → the handler's
// one call → present its Outcome (the route's status, 201 when created, or the refusal's status).
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { accept, refuse, type Outcome } from '../contract/refusal.ts';
import { honoPath, type RouteSpec } from '../contract/routes.ts';
import type { ApiActor, AppEnv } from './app-env.ts';
import { requirePrincipal } from './auth-middleware.ts';
import type { Principal } from './auth.ts';
import type { Identity } from '../core/policy.ts';
import { present } from './errors.ts';
import { validBody, validQuery } from './validate.ts';

type BodyOf<R> = R extends { body: infer B extends z.ZodType } ? z.output<B> : undefined;
type QueryOf<R> = R extends { query: infer Q extends z.ZodType } ? z.output<Q> : undefined;
type ActorOf<R> = R extends { scope: 'read' } ? undefined : ApiActor;

export interface RouteRequest<R extends RouteSpec> {
  c: Context<AppEnv>;
  /** The authenticated caller; routes that only read have none (reads may be anonymous). */
  actor: ActorOf<R>;
  body: BodyOf<R>;
  query: QueryOf<R>;
  param(name: string): string;
}

/** A handler answers with an Outcome of the route's response type, or (SSE, cached bodies) a Response. */
export type RouteAnswer<R extends RouteSpec> = Outcome<z.infer<R['response']>> | Response;

export function actorOf(p: Principal): ApiActor {
  const identity: Identity = p.service
    ? { kind: 'service', name: p.service, scope: p.scope }
    : { kind: 'person', login: p.personId, seats: p.seats, scope: p.scope };
  const who = p.service ? `service:${p.service}` : p.personId;
  return {
    personId: p.personId,
    tokenId: p.tokenId,
    label: `${who} (${p.tokenId})`,
    seats: p.seats,
    identity,
    ...(p.workflow ? { workflow: p.workflow } : {}),
  };
}

export function route<R extends RouteSpec>(
  app: Hono<AppEnv>,
  spec: R,
  handler: (req: RouteRequest<R>) => Promise<RouteAnswer<R>> | RouteAnswer<R>,
): void {
  app.on(spec.method.toUpperCase(), honoPath(spec.path), async (c) => {
    const actor = spec.scope === 'read' ? undefined : actorOf(requirePrincipal(c, spec.scope));
    const body = spec.body ? await validBody(c, spec.body) : undefined;
    const query = spec.query ? validQuery(c, spec.query) : undefined;
    // The conditional types above are what these values are, by the checks on `spec` just made.
    const answer = await handler({
      c,
      actor: actor as ActorOf<R>,
      body: body as BodyOf<R>,
      query: query as QueryOf<R>,
      param: (name) => c.req.param(name) ?? '',
    });
    return answer instanceof Response ? answer : present(c, answer, spec.status);
  });
}

/** A read that may find nothing: the value, or not_found with the given message. */
export function found<T>(value: T | undefined, message: string): Outcome<T> {
  return value === undefined ? refuse('not_found', message) : accept(value);
}
