// The OpenAPI 3.1 document served at /api/v1/openapi.json, generated from the route table
// (src/contract/routes.ts) and its zod schemas: request bodies, query strings and responses are the
// schemas the server validates with and the types the CLI and the web compile against.
import { z } from 'zod';
import { API, type RouteSpec } from './routes.ts';
import * as results from './results.ts';
import * as views from './views.ts';

const COMPONENT_PREFIX = '#/components/schemas/';

/** Every named response shape becomes a component; routes and other components refer to it by name. */
function components(): { registry: z.core.$ZodRegistry<{ id: string }>; names: Map<z.ZodType, string> } {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [name, schema] of Object.entries({ ...views, ...results })) {
    if (!(schema instanceof z.ZodType) || name === 'ApiErrorSchema') continue;
    registry.add(schema, { id: name });
    names.set(schema, name);
  }
  registry.add(results.ApiErrorSchema, { id: 'Error' });
  return { registry, names };
}

function clean(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function queryParameters(query: z.ZodType): Record<string, unknown>[] {
  const json = z.toJSONSchema(query, { io: 'input' }) as {
    properties?: Record<string, Record<string, unknown>>;
  };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: schema,
  }));
}

function operation(r: RouteSpec, names: Map<z.ZodType, string>): Record<string, unknown> {
  const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const name = names.get(r.response);
  const schema = name
    ? { $ref: `${COMPONENT_PREFIX}${name}` }
    : clean(z.toJSONSchema(r.response) as Record<string, unknown>);
  const op: Record<string, unknown> = {
    summary: r.summary,
    parameters: [...pathParams, ...(r.query ? queryParameters(r.query) : [])],
    // Reads may be open to anonymous callers (LANES_OPEN_READS); writes always need a token.
    security: r.scope === 'read' ? [{ bearer: ['read'] }, {}] : [{ bearer: [r.scope] }],
    responses: {
      [String(r.status)]: {
        description: name ?? 'ok',
        content: r.stream
          ? { 'text/event-stream': { schema, description: 'each event: id = seq, event = topic' } }
          : { 'application/json': { schema } },
      },
      ...(r.method === 'post' && r.status === 200 ? { '201': { description: 'created' } } : {}),
      default: {
        description: 'Error (a code of the refusal catalogue)',
        content: { 'application/json': { schema: { $ref: `${COMPONENT_PREFIX}Error` } } },
      },
    },
  };
  if (r.body) {
    op.requestBody = {
      required: true,
      content: {
        'application/json': {
          schema: clean(z.toJSONSchema(r.body, { io: 'input' }) as Record<string, unknown>),
        },
      },
    };
  }
  return op;
}

export function buildOpenApi(): Record<string, unknown> {
  const { registry, names } = components();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of Object.values(API) as RouteSpec[]) {
    paths[r.path] = { ...(paths[r.path] ?? {}), [r.method]: operation(r, names) };
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
  const generated = z.toJSONSchema(registry, { uri: (id) => `${COMPONENT_PREFIX}${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  const schemas = Object.fromEntries(Object.entries(generated.schemas).map(([k, v]) => [k, clean(v)]));
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
      schemas,
    },
  };
}
