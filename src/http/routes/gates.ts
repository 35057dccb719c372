// Release gates: their state for the current release, one gate, and approving a gate.
import { Hono } from 'hono';
import { accept } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { ReadModel } from '../../engine/read-model.ts';
import type { AppEnv, ReleaseActions } from '../app-env.ts';
import { found, route } from '../route.ts';

export function gateRoutes(deps: {
  readModel: ReadModel;
  engine: ReleaseActions;
  clock: () => Date;
}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.gates, async () => accept({ gates: await deps.readModel.gates(deps.clock()) }));
  route(app, API.gate, async ({ param }) => {
    const gates = await deps.readModel.gates(deps.clock());
    return found(
      gates.find((g) => g.id === param('id')),
      `no gate ${param('id')}`,
    );
  });
  route(app, API.approveGate, ({ actor, param, body }) => deps.engine.approve(actor, param('id'), body));
  return app;
}
