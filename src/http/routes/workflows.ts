// Workflows: the catalog's GitHub Actions workflows with status, and one with its runs and artifacts.
import { Hono } from 'hono';
import { accept } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { ReadModel } from '../../engine/read-model.ts';
import type { AppEnv } from '../app-env.ts';
import { found, route } from '../route.ts';

export function workflowRoutes(deps: { readModel: ReadModel }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.workflows, async () => accept({ workflows: await deps.readModel.workflows() }));
  route(app, API.workflow, async ({ param, query }) =>
    found(await deps.readModel.workflow(param('id'), query.limit), `no workflow ${param('id')}`),
  );
  return app;
}
