// deployment and deployment_status → deployment facts (state 'created' at the deployment's creation, then each
// status's state). runId is the workflow run that created the deployment when the payload names it, which is how
// a run learns its environment.
import type { DeploymentRecord, NormalisedFact } from '../../core/run-model.ts';
import {
  fail,
  reqObj,
  optObj,
  reqStr,
  reqId,
  optTime,
  reqTime,
  reqSha,
  reqText,
  repoOf,
  type Obj,
} from './field-readers.ts';

/** The workflow run that created a deployment, when the payload says (Actions-created deployments). */
function deploymentRunId(p: Obj): number | null {
  const wr = optObj(p, 'workflow_run', 'workflow_run');
  return wr === null ? null : reqId(wr, 'id', 'workflow_run.id');
}

function deploymentBase(p: Obj): Omit<DeploymentRecord, 'state' | 'updatedAt'> & { dep: Obj } {
  const repo = repoOf(p);
  const dep = reqObj(p, 'deployment', 'deployment');
  return {
    dep,
    deploymentId: reqId(dep, 'id', 'deployment.id'),
    repo,
    environment: reqText(dep, 'environment', 'deployment.environment'),
    sha: reqSha(dep, 'sha', 'deployment.sha'),
    ref: reqText(dep, 'ref', 'deployment.ref'),
    runId: deploymentRunId(p),
  };
}

export function deployment(p: Obj): NormalisedFact[] {
  const { dep, ...base } = deploymentBase(p);
  // The deployment event announces the creation: its state is 'created', as of the deployment's created_at
  // (not updated_at, which moves with later statuses and would outrank them).
  const updatedAt =
    optTime(dep, 'created_at', 'deployment.created_at') ??
    reqTime(dep, 'updated_at', 'deployment.updated_at');
  return [{ kind: 'deployment', deployment: { ...base, state: 'created', updatedAt } }];
}

const DEPLOYMENT_STATE_RE = /^[a-z_]{1,32}$/;

export function deploymentStatus(p: Obj): NormalisedFact[] {
  const { dep: _dep, ...base } = deploymentBase(p);
  const ds = reqObj(p, 'deployment_status', 'deployment_status');
  const state = reqStr(ds, 'state', 'deployment_status.state', 32);
  if (!DEPLOYMENT_STATE_RE.test(state)) fail('deployment_status.state is not a state');
  const updatedAt =
    optTime(ds, 'updated_at', 'deployment_status.updated_at') ??
    reqTime(ds, 'created_at', 'deployment_status.created_at');
  return [{ kind: 'deployment', deployment: { ...base, state, updatedAt } }];
}
