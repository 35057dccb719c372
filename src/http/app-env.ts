// What the HTTP layer is given and what each request carries. The actions are described by the calls the
// routes make (structural types), so the engine can be arranged as it likes behind them.
import type { Logger } from 'pino';
import type { Identity } from '../core/policy.ts';
import type { WorkflowClaims } from '../engine/engine-context.ts';
import type { AlertView, GateView, ReconcileResult, ReleaseView } from '../contract/views.ts';
import type { Outcome } from '../contract/refusal.ts';
import type {
  ApproveRequest,
  CreateReleaseRequest,
  EvidenceRequest,
  PromoteRequest,
  RollbackRequest,
  TriggerRequest,
} from '../contract/requests.ts';
import type { EvidenceResult, TriggerResult } from '../contract/results.ts';
import type { CreatedToken, TokenList, TokenView } from '../contract/results.ts';
import type { CreateTokenRequest } from '../contract/requests.ts';
import type { ReadModel } from '../engine/read-model.ts';
import type { ResourceLimits } from '../resource-limits.ts';
import type { ActionsIdentity, OidcVerification } from '../github/actions-oidc.ts';
import type { GateStepRequest, GateStepsQuery } from '../contract/requests.ts';
import type { GateStepView } from '../contract/views.ts';
import type { ReleaseTimeline } from '../contract/views.ts';
import type { EffectView } from '../contract/views.ts';
import type { OutboxFilter } from '../store/store.ts';
import type { DeliveryWriter } from '../store/group-commit.ts';
import type { ReleaseRecord, Store } from '../store/store.ts';
import type { Authenticator, Principal } from './auth.ts';
import type { OidcVerifier } from './auth-middleware.ts';
import type { ChangeHub } from './live/change-hub.ts';
import type { Metrics } from './metrics.ts';
import type { SigninConfig } from './routes/signin.ts';
import type { SessionAuthenticator } from './session-auth.ts';

/** The caller of an action: the person, their token, their seats, and how the audit log names them. */
export interface ApiActor {
  personId: string;
  tokenId: string;
  label: string; // "alice (tok_ab12)"
  seats: string[];
  /** Who the policy judges: a person with seats, or a named service, with the token's scope. */
  identity: Identity;
  /** A GitHub Actions OIDC token's verified claims (evidence only). */
  workflow?: WorkflowClaims;
}

/** The release engine's calls the routes make. */
export interface ReleaseActions {
  listReleases(): Promise<ReleaseView[]>;
  getRelease(id: string): Promise<ReleaseRecord | undefined>;
  releaseView(rec: ReleaseRecord): Promise<ReleaseView>;
  createRelease(actor: ApiActor, input: CreateReleaseRequest): Promise<Outcome<ReleaseView>>;
  promote(actor: ApiActor, releaseId: string, input: PromoteRequest): Promise<Outcome<ReleaseView>>;
  rollback(actor: ApiActor, releaseId: string, input: RollbackRequest): Promise<Outcome<ReleaseView>>;
  approve(actor: ApiActor, gateId: string, input: ApproveRequest): Promise<Outcome<GateView>>;
  triggerLane(actor: ApiActor, laneId: string, input: TriggerRequest): Promise<Outcome<TriggerResult>>;
  alerts(all: boolean): Promise<AlertView[]>;
  ackAlert(actor: ApiActor, id: number, comment?: string): Promise<Outcome<AlertView>>;
  resolveAlert(actor: ApiActor, id: number, comment?: string): Promise<Outcome<AlertView>>;
  releaseTimeline(rec: ReleaseRecord): Promise<ReleaseTimeline>;
  effects(filter: OutboxFilter): Promise<EffectView[]>;
  effect(id: number): Promise<EffectView | undefined>;
  retryEffect(actor: ApiActor, id: number, comment?: string): Promise<Outcome<EffectView>>;
}

/** The gate step's calls: the OIDC verifier and the ask/list actions. */
export interface GateStepActions {
  verify(token: string): Promise<OidcVerification>;
  ask(who: ActionsIdentity, body: GateStepRequest, signal?: AbortSignal): Promise<Outcome<GateStepView>>;
  list(q: GateStepsQuery): Promise<GateStepView[]>;
}

export interface AppDeps {
  store: Store;
  readModel: ReadModel;
  engine: ReleaseActions;
  reportEvidence: (actor: ApiActor, body: EvidenceRequest) => Promise<Outcome<EvidenceResult>>;
  writer: DeliveryWriter;
  hub: ChangeHub;
  metrics: Metrics;
  auth: Authenticator;
  log: Logger;
  secrets: string[];
  maxBodyBytes: number;
  openReads: boolean;
  clock: () => Date;
  onDeliveryStored: () => void;
  webDist?: string;
  /** Verifies GitHub Actions OIDC tokens on POST /api/v1/evidence; absent = API tokens only. */
  oidc?: OidcVerifier;
  /** Bounds on what callers can hold (src/resource-limits.ts); the defaults when absent. */
  limits?: ResourceLimits;
  /** One reconcile pass now (`lanes reconcile`); undefined without GitHub credentials. */
  reconcile?: (() => Promise<ReconcileResult>) | undefined;
  /** Absent: POST /api/v1/gate-steps answers 503 and the list is empty. */
  gateSteps?: GateStepActions;
  /** Dashboard sessions (Sign in with GitHub); absent: API tokens only. */
  sessions?: SessionAuthenticator;
  /** The GitHub App's user authorization (client id/secret, hosts) and the session cookie settings. */
  signin?: SigninConfig;
  /** The URL people open Lanes at (Origin checks, the OAuth redirect_uri). */
  publicUrl?: string | undefined;
  /** Token management (admin): src/engine/actions/manage-token.ts. */
  tokens: TokenActions;
}

/** The token management calls the routes make. */
export interface TokenActions {
  list(actor: ApiActor): Promise<Outcome<TokenList>>;
  create(actor: ApiActor, input: CreateTokenRequest): Promise<Outcome<CreatedToken>>;
  revoke(actor: ApiActor, id: string): Promise<Outcome<TokenView>>;
}

export type AppEnv = { Variables: { principal: Principal | undefined; requestId: string } };
