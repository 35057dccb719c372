// The API contract: the OpenAPI document is generated from the route table, request schemas refuse
// fields no action reads, and response schemas turn into named components.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOpenApi } from '../src/contract/openapi.ts';
import { PromoteRequest, TriggerRequest } from '../src/contract/requests.ts';
import { API, honoPath } from '../src/contract/routes.ts';

interface Doc {
  paths: Record<
    string,
    Record<string, { security: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>
  >;
  components: { schemas: Record<string, unknown> };
}

void describe('API contract', () => {
  const doc = buildOpenApi() as unknown as Doc;

  void it('documents every route of the table, and nothing else under /api/v1', () => {
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .filter((k) => k.includes('/api/v1/'))
      .sort();
    const table = Object.values(API)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    assert.deepEqual(documented, table);
  });

  void it('writes need a token with their scope; bodies and success statuses come from the table', () => {
    for (const r of Object.values(API)) {
      const op = doc.paths[r.path]?.[r.method];
      assert.ok(op, `${r.method} ${r.path}`);
      assert.equal(op.requestBody !== undefined, 'body' in r && r.body !== undefined, `${r.path} body`);
      assert.ok(String(r.status) in op.responses, `${r.path} answers ${r.status}`);
      if (r.scope !== 'read') assert.deepEqual(op.security, [{ bearer: [r.scope] }]);
    }
  });

  void it('response shapes are named components that refer to each other', () => {
    for (const name of [
      'Overview',
      'LaneDetail',
      'GateView',
      'ReleaseView',
      'AlertView',
      'AuditList',
      'Error',
    ])
      assert.ok(name in doc.components.schemas, name);
    assert.match(JSON.stringify(doc.components.schemas.Overview), /#\/components\/schemas\/GateView/);
  });

  void it('refuses fields that no action reads (promote.lane, trigger.release)', () => {
    assert.equal(PromoteRequest.safeParse({ lane: 'PL-08' }).success, false);
    assert.equal(TriggerRequest.safeParse({ release: 'rel-1' }).success, false);
    assert.equal(PromoteRequest.safeParse({ reason: 'go' }).success, true);
  });

  void it('paths convert to the router’s form', () => {
    assert.equal(honoPath('/api/v1/releases/{id}/promote'), '/api/v1/releases/:id/promote');
  });
});
