// The one route table of the API: method, path, summary, the scope a caller needs, and the request and
// response schemas. The OpenAPI document is generated from it (src/contract/openapi.ts) and the HTTP
// layer registers its handlers through it (src/http/route.ts), so the two cannot drift apart.
import type { z } from 'zod';
import {
  ApproveRequest,
  AlertsQuery,
  AuditQuery,
  CreateReleaseRequest,
  DeliveriesQuery,
  DetailQuery,
  EvidenceRequest,
  NoteRequest,
  PromoteRequest,
  ReconcileRequest,
  RollbackRequest,
  TriggerRequest,
} from './requests.ts';
import {
  AlertList,
  AuditList,
  CatalogVersionList,
  EvidenceResult,
  GateList,
  LaneList,
  ReleaseList,
  TriggerResult,
  WorkflowList,
} from './results.ts';
import {
  AlertView,
  DeliveryList,
  FreezeList,
  GateView,
  LaneDetail,
  LiveEvent,
  Overview,
  ReconcileResult,
  ReleaseView,
  WorkflowDetail,
} from './views.ts';
import { GateStepRequest, GateStepsQuery } from './requests.ts';
import { GateStepList } from './results.ts';
import { GateStepView } from './views.ts';
import { ReleaseTimeline } from './views.ts';
import { SessionView } from './views.ts';
import { EffectsQuery } from './requests.ts';
import { EffectList } from './results.ts';
import { EffectView } from './views.ts';
import { CreateTokenRequest } from './requests.ts';
import { CreatedToken, TokenList, TokenView } from './results.ts';

export type Scope = 'read' | 'operate' | 'admin';

export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI form: `/api/v1/lanes/{id}`. */
  path: string;
  summary: string;
  /** 'read' routes are open to anonymous callers when the server runs with open reads. */
  scope: Scope;
  body?: z.ZodType;
  query?: z.ZodType;
  response: z.ZodType;
  /** Status of a successful answer (an action that creates something answers 201 instead). */
  status: 200 | 202;
  /** Served as Server-Sent Events instead of JSON. */
  stream?: true;
}

const get = <R extends z.ZodType, Q extends z.ZodType | undefined = undefined>(
  path: string,
  summary: string,
  response: R,
  query?: Q,
) => ({ method: 'get', path, summary, scope: 'read', response, query: query as Q, status: 200 }) as const;

const post = <B extends z.ZodType, R extends z.ZodType>(
  path: string,
  summary: string,
  body: B,
  response: R,
  status: 200 | 202 = 200,
) => ({ method: 'post', path, summary, scope: 'operate', body, response, status }) as const;

export const API = {
  overview: get('/api/v1/overview', 'The control plane overview (the reference screen)', Overview),
  lanes: get('/api/v1/lanes', 'All lanes with status and last run', LaneList),
  lane: get(
    '/api/v1/lanes/{id}',
    'A lane with its recent runs, checks and evidence',
    LaneDetail,
    DetailQuery,
  ),
  triggerLane: post(
    '/api/v1/lanes/{id}/trigger',
    'Dispatch the lane’s workflow',
    TriggerRequest,
    TriggerResult,
    202,
  ),
  workflows: get('/api/v1/workflows', 'GitHub Actions workflows with status', WorkflowList),
  workflow: get(
    '/api/v1/workflows/{id}',
    'A workflow with runs, jobs, artifacts and lanes served',
    WorkflowDetail,
    DetailQuery,
  ),
  gates: get('/api/v1/gates', 'Release gates with state for the current release', GateList),
  gate: get('/api/v1/gates/{id}', 'One release gate', GateView),
  approveGate: post(
    '/api/v1/gates/{id}/approve',
    'Approve a gate (members of its owner seat)',
    ApproveRequest,
    GateView,
  ),
  releases: get('/api/v1/releases', 'Releases, newest first', ReleaseList),
  release: get('/api/v1/releases/{id}', 'One release with its lanes, gates and freezes', ReleaseView),
  createRelease: post('/api/v1/releases', 'Open a release candidate', CreateReleaseRequest, ReleaseView),
  promote: post(
    '/api/v1/releases/{id}/promote',
    'Promote a release to its next lane',
    PromoteRequest,
    ReleaseView,
    202,
  ),
  rollback: post(
    '/api/v1/releases/{id}/rollback',
    'Roll back to the previous good release',
    RollbackRequest,
    ReleaseView,
    202,
  ),
  alerts: get(
    '/api/v1/alerts',
    'Live alerts (open first); all=true includes resolved ones',
    AlertList,
    AlertsQuery,
  ),
  ackAlert: post('/api/v1/alerts/{id}/ack', 'Acknowledge an alert', NoteRequest, AlertView),
  resolveAlert: post('/api/v1/alerts/{id}/resolve', 'Resolve an alert', NoteRequest, AlertView),
  reportEvidence: post(
    '/api/v1/evidence',
    'Report a check result from a CI step',
    EvidenceRequest,
    EvidenceResult,
  ),
  audit: get('/api/v1/audit', 'The audit log (newest first)', AuditList, AuditQuery),
  deliveries: get(
    '/api/v1/deliveries',
    'Stored GitHub deliveries, newest first; status=ignored lists the dropped ones with their reason',
    DeliveryList,
    DeliveriesQuery,
  ),
  freezes: get(
    '/api/v1/freezes',
    'Freeze windows: the active occurrence (with its end) and the next',
    FreezeList,
  ),
  askGateStep: post(
    '/api/v1/gate-steps',
    'The gate step asks whether its run may deploy (Bearer = the job’s GitHub Actions OIDC token only)',
    GateStepRequest,
    GateStepView,
  ),
  gateSteps: get(
    '/api/v1/gate-steps',
    'Gate-step requests and their decisions (newest first)',
    GateStepList,
    GateStepsQuery,
  ),
  events: {
    ...get('/api/v1/events', 'Live changes (Server-Sent Events; honours Last-Event-ID)', LiveEvent),
    stream: true,
  },
  reconcile: {
    ...post(
      '/api/v1/reconcile',
      'Run one reconcile pass now: redeliver failed App deliveries, feed runs no webhook announced',
      ReconcileRequest,
      ReconcileResult,
    ),
    scope: 'admin',
  },
  catalogVersions: get(
    '/api/v1/catalog/versions',
    'Catalog versions this store accepted, newest first (the first is the active one)',
    CatalogVersionList,
  ),
  releaseTimeline: get(
    '/api/v1/releases/{id}/timeline',
    'A release’s decisions, effects, approvals, runs, protection answers and alerts, oldest first',
    ReleaseTimeline,
  ),
  session: get(
    '/api/v1/session',
    'Who is signed in (the session cookie or the Bearer token) and, for a session, its CSRF token; 401 when nobody',
    SessionView,
  ),
  effects: get(
    '/api/v1/effects',
    'Outbox effects (dispatches, protection answers, statuses, notifications), newest first',
    EffectList,
    EffectsQuery,
  ),
  effect: get('/api/v1/effects/{id}', 'One outbox effect', EffectView),
  // Operate scope at the door so a refusal is the policy's (effect.retry: admin) and is audited.
  retryEffect: post(
    '/api/v1/effects/{id}/retry',
    'Re-send a dead effect (admin): pending again, attempts reset, same key and effect_id',
    NoteRequest,
    EffectView,
    202,
  ),
  // Token management: admin scope, judged by the policy (`token.manage`) so that refusals are audited.
  tokens: {
    ...get('/api/v1/tokens', 'API tokens (admin): never their secrets', TokenList),
    scope: 'operate',
  },
  createToken: post(
    '/api/v1/tokens',
    'Create an API token (admin); the secret is answered once',
    CreateTokenRequest,
    CreatedToken,
  ),
  revokeToken: {
    method: 'delete',
    path: '/api/v1/tokens/{id}',
    summary: 'Revoke an API token at once (admin)',
    scope: 'operate',
    response: TokenView,
    status: 200,
  },
} as const satisfies Record<string, RouteSpec>;

export type ApiRoutes = typeof API;
export type RouteName = keyof ApiRoutes;

/** The JSON body a route answers with. */
export type ResponseOf<N extends RouteName> = z.infer<ApiRoutes[N]['response']>;
/** The JSON body a route accepts (before defaults are applied). */
export type RequestOf<N extends RouteName> = ApiRoutes[N] extends { body: infer B extends z.ZodType }
  ? z.input<B>
  : never;

/** `/api/v1/lanes/{id}` → `/api/v1/lanes/:id` (Hono's form). */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
