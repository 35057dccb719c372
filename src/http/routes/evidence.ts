// POST /api/v1/evidence: a check result from a CI step, recorded by the report-evidence action.
import { Hono } from 'hono';
import { API } from '../../contract/routes.ts';
import type { AppDeps, AppEnv } from '../app-env.ts';
import { route } from '../route.ts';

export function evidenceRoutes(reportEvidence: AppDeps['reportEvidence']): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.reportEvidence, ({ actor, body }) => reportEvidence(actor, body));
  return app;
}
