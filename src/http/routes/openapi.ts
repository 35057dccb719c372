// GET /api/v1/openapi.json: the document generated from the contract's route table, built once.
import { Hono } from 'hono';
import { buildOpenApi } from '../../contract/openapi.ts';
import type { AppEnv } from '../app-env.ts';

export function openApiRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let doc: Record<string, unknown> | undefined;
  app.get('/api/v1/openapi.json', (c) => c.json((doc ??= buildOpenApi())));
  return app;
}
