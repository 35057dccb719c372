// Lanes: the list, one lane with its runs and evidence, and a manual trigger of the lane's workflow.
import { Hono } from 'hono';
import { accept } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { ReadModel } from '../../engine/read-model.ts';
import type { AppEnv, ReleaseActions } from '../app-env.ts';
import { found, route } from '../route.ts';

export function laneRoutes(deps: {
  readModel: ReadModel;
  engine: ReleaseActions;
  clock: () => Date;
}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // The clock decides a drill lane's next due and missed-after (issue 15).
  route(app, API.lanes, async () => accept({ lanes: await deps.readModel.lanes(deps.clock()) }));
  route(app, API.lane, async ({ param, query }) =>
    found(await deps.readModel.lane(param('id'), query.limit, deps.clock()), `no lane ${param('id')}`),
  );
  route(app, API.triggerLane, ({ actor, param, body }) => deps.engine.triggerLane(actor, param('id'), body));
  return app;
}
