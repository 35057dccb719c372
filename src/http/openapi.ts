// The OpenAPI 3.1 document served at /api/v1/openapi.json. Request bodies come from the same zod schemas
// the routes validate with; responses name the shapes in src/contract/views.ts.
import { z } from 'zod';
import { requestSchemas } from './request-schemas.ts';

interface Route {
  method: 'get' | 'post';
  path: string;
  summary: string;
  body?: keyof typeof requestSchemas;
  scope?: 'read' | 'operate' | 'admin';
  response: string;
}

export const ROUTES: Route[] = [
  {
    method: 'get',
    path: '/api/v1/overview',
    summary: 'The control plane overview (the reference screen)',
    response: 'Overview',
  },
  {
    method: 'get',
    path: '/api/v1/lanes',
    summary: 'All lanes with status and last run',
    response: 'LaneView[]',
  },
  {
    method: 'get',
    path: '/api/v1/lanes/{id}',
    summary: 'A lane with its recent runs, checks and evidence',
    response: 'LaneDetail',
  },
  {
    method: 'post',
    path: '/api/v1/lanes/{id}/trigger',
    summary: 'Dispatch the lane’s workflow',
    body: 'trigger',
    scope: 'operate',
    response: 'TriggerResult',
  },
  {
    method: 'get',
    path: '/api/v1/workflows',
    summary: 'GitHub Actions workflows with status',
    response: 'WorkflowView[]',
  },
  {
    method: 'get',
    path: '/api/v1/workflows/{id}',
    summary: 'A workflow with runs, jobs, artifacts and lanes served',
    response: 'WorkflowDetail',
  },
  {
    method: 'get',
    path: '/api/v1/gates',
    summary: 'Release gates with state for the current release',
    response: 'GateView[]',
  },
  { method: 'get', path: '/api/v1/gates/{id}', summary: 'One release gate', response: 'GateView' },
  {
    method: 'post',
    path: '/api/v1/gates/{id}/approve',
    summary: 'Approve a gate (members of its owner seat)',
    body: 'approve',
    scope: 'operate',
    response: 'GateView',
  },
  { method: 'get', path: '/api/v1/releases', summary: 'Releases', response: 'ReleaseView[]' },
  {
    method: 'post',
    path: '/api/v1/releases',
    summary: 'Open a release candidate (PL-06)',
    body: 'createRelease',
    scope: 'operate',
    response: 'ReleaseView',
  },
  {
    method: 'post',
    path: '/api/v1/releases/{id}/promote',
    summary: 'Promote a release to its next lane',
    body: 'promote',
    scope: 'operate',
    response: 'ReleaseView',
  },
  {
    method: 'post',
    path: '/api/v1/releases/{id}/rollback',
    summary: 'Roll back to the previous good release (PL-11)',
    body: 'rollback',
    scope: 'operate',
    response: 'ReleaseView',
  },
  { method: 'get', path: '/api/v1/alerts', summary: 'Alerts (open first)', response: 'AlertView[]' },
  {
    method: 'post',
    path: '/api/v1/alerts/{id}/ack',
    summary: 'Acknowledge an alert',
    body: 'note',
    scope: 'operate',
    response: 'AlertView',
  },
  {
    method: 'post',
    path: '/api/v1/alerts/{id}/resolve',
    summary: 'Resolve an alert',
    body: 'note',
    scope: 'operate',
    response: 'AlertView',
  },
  {
    method: 'post',
    path: '/api/v1/evidence',
    summary: 'Report a check result from a CI step',
    body: 'evidence',
    scope: 'operate',
    response: 'EvidenceResult',
  },
  { method: 'get', path: '/api/v1/audit', summary: 'The audit log (newest first)', response: 'AuditEvent[]' },
  {
    method: 'get',
    path: '/api/v1/events',
    summary: 'Live changes (Server-Sent Events; honours Last-Event-ID)',
    response: 'text/event-stream',
  },
];

export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const op: Record<string, unknown> = {
      summary: r.summary,
      parameters: params,
      security: r.scope ? [{ bearer: [r.scope] }] : [{ bearer: ['read'] }, {}],
      responses: {
        '200': {
          description: r.response,
          content: { [r.response === 'text/event-stream' ? 'text/event-stream' : 'application/json']: {} },
        },
        default: {
          description: 'Error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    if (r.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: z.toJSONSchema(requestSchemas[r.body], { io: 'input' }) } },
      };
    }
    paths[r.path] = { ...(paths[r.path] ?? {}), [r.method]: op };
  }
  paths['/webhooks/github'] = {
    post: {
      summary: 'GitHub webhook receiver (X-Hub-Signature-256 verified; stored before 202)',
      responses: {
        '202': { description: 'stored' },
        '200': { description: 'duplicate delivery' },
        '401': { description: 'bad signature' },
        '413': { description: 'too large' },
        '503': { description: 'store unavailable' },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lanes API',
      version: '1',
      description: 'Delivery control plane: lanes, workflows, gates, releases, alerts, audit.',
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'lanes_<id>_<secret> API token' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: {},
                requestId: { type: 'string' },
              },
            },
          },
        },
      },
    },
  };
}
