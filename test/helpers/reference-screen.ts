// The reference screen (../shared/seed/control-plane-snapshot.txt) as expected data: what the demo history
// must reproduce through the real ingest path (test/webhook-ingest.test.ts, test/dashboard.browser.test.ts,
// test/demo-consistency.test.ts). Times are the screen's "YYYY-MM-DD HH:MM UTC".
export const SCREEN_LANES: Record<
  string,
  { name: string; trigger: string; environment: string; gate: string; status: string; lastRun: string }
> = {
  'PL-01': {
    name: 'ci-pr-fast',
    trigger: 'pull_request open/sync',
    environment: 'none',
    gate: 'lint, typecheck, unit, schema drift, secret scan',
    status: 'green',
    lastRun: '2026-03-12 09:42 UTC',
  },
  'PL-02': {
    name: 'ci-pr-contract-e2e-lite',
    trigger: 'PR with api/contracts/migrations changes',
    environment: 'local/ephemeral',
    gate: 'contract diff, migration dry-run, ws handshake smoke',
    status: 'green',
    lastRun: '2026-03-12 09:39 UTC',
  },
  'PL-03': {
    name: 'build-main-release-assets',
    trigger: 'push to main',
    environment: 'registry only',
    gate: 'container build, image scan, SBOM, release manifest',
    status: 'green',
    lastRun: '2026-03-12 09:31 UTC',
  },
  'PL-04': {
    name: 'deploy-staging-core',
    trigger: 'successful main build',
    environment: 'staging',
    gate: 'deploy preflight, env diff, secrets present, config validation',
    status: 'pending',
    lastRun: '2026-03-12 09:26 UTC',
  },
  'PL-05': {
    name: 'staging-smoke-pack',
    trigger: 'post staging deploy',
    environment: 'staging',
    gate: 'overview smoke, ws connect, queue, memory, reports, alerts',
    status: 'green',
    lastRun: '2026-03-12 09:19 UTC',
  },
  'PL-06': {
    name: 'create-release-candidate',
    trigger: 'manual from green staging build',
    environment: 'release journal',
    gate: 'change summary, freeze window, rollback target exists',
    status: 'pending',
    lastRun: '2026-03-11 18:05 UTC',
  },
  'PL-07': {
    name: 'prod-db-preflight',
    trigger: 'manual if migrations included',
    environment: 'prod',
    gate: 'backup snapshot, additive-only review, read path compatibility',
    status: 'pending',
    lastRun: '2026-03-10 20:14 UTC',
  },
  'PL-08': {
    name: 'deploy-prod-ops',
    trigger: 'approved release candidate',
    environment: 'prod',
    gate: 'ops checklist, canary health, queue backlog threshold',
    status: 'green',
    lastRun: '2026-03-10 20:32 UTC',
  },
  'PL-09': {
    name: 'deploy-prod-pulse',
    trigger: 'ops stable hold passed',
    environment: 'prod',
    gate: '15 min green after ops, feed freshness, workspace isolation',
    status: 'failed',
    lastRun: '2026-03-10 20:48 UTC',
  },
  'PL-10': {
    name: 'post-prod-verification',
    trigger: 'immediately after prod deploy',
    environment: 'prod',
    gate: '5xx, ws disconnect, queue lag, report success, alert duplication',
    status: 'pending',
    lastRun: '2026-03-10 21:03 UTC',
  },
  'PL-11': {
    name: 'rollback-service-bundle',
    trigger: 'manual by incident or failed gate',
    environment: 'staging/prod',
    gate: 'incident declared, previous version healthy, owner assigned',
    status: 'green',
    lastRun: '2026-03-06 14:22 UTC',
  },
  'PL-12': {
    name: 'weekly-rollback-drill',
    trigger: 'scheduled weekly',
    environment: 'staging',
    gate: 'simulate bad deploy, rollback, smoke verify, lessons learned',
    status: 'green',
    lastRun: '2026-03-09 16:00 UTC',
  },
};

export const SCREEN_WORKFLOWS: Record<
  string,
  { name: string; status: string; runner: string; environment: string; evidence: string }
> = {
  'WF-01': {
    name: 'ci-pr-fast',
    status: 'success',
    runner: 'github-hosted',
    environment: '-',
    evidence: 'pr-fast-report',
  },
  'WF-02': {
    name: 'ci-pr-contracts',
    status: 'success',
    runner: 'github-hosted',
    environment: '-',
    evidence: 'contract-and-migration-report',
  },
  'WF-03': {
    name: 'build-main-release-assets',
    status: 'success',
    runner: 'github-hosted',
    environment: '-',
    evidence: 'release-assets',
  },
  'WF-04': {
    name: 'deploy-staging',
    status: 'running',
    runner: 'self-hosted',
    environment: 'staging',
    evidence: 'staging-evidence-pack',
  },
  'WF-05': {
    name: 'open-release-candidate',
    status: 'pending',
    runner: 'github-hosted',
    environment: '-',
    evidence: 'release-candidate-journal',
  },
  'WF-06': {
    name: 'prod-db-preflight',
    status: 'pending',
    runner: 'self-hosted',
    environment: 'prod-db',
    evidence: 'prod-db-preflight-pack',
  },
  'WF-07': {
    name: 'release-prod-ops',
    status: 'success',
    runner: 'self-hosted',
    environment: 'prod-ops',
    evidence: 'prod-ops-evidence-pack',
  },
  'WF-08': {
    name: 'release-prod-pulse',
    status: 'failed',
    runner: 'self-hosted',
    environment: 'prod-pulse',
    evidence: 'prod-pulse-evidence-pack',
  },
  'WF-09': {
    name: 'post-release-verify',
    status: 'failed',
    runner: 'self-hosted',
    environment: 'staging/prod-*',
    evidence: 'post-release-verify-pack',
  },
  'WF-10': {
    name: 'rollback-prod-ops',
    status: 'success',
    runner: 'self-hosted',
    environment: 'prod-ops',
    evidence: 'rollback-ops-pack',
  },
  'WF-11': {
    name: 'rollback-prod-pulse',
    status: 'success',
    runner: 'self-hosted',
    environment: 'prod-pulse',
    evidence: 'rollback-pulse-pack',
  },
};

export const SCREEN_GATES: Record<string, { phase: string; owner: string; state: string }> = {
  'RG-01': { phase: 'PR', owner: 'SEAT-PLATFORM', state: 'passed' },
  'RG-02': { phase: 'PR', owner: 'SEAT-PLATFORM', state: 'passed' },
  'RG-03': { phase: 'PR', owner: 'SEAT-MEMORY', state: 'passed' },
  'RG-04': { phase: 'Staging', owner: 'SEAT-OPS', state: 'passed' },
  'RG-05': { phase: 'Staging', owner: 'SEAT-PRODUCT', state: 'passed' },
  'RG-06': { phase: 'Staging', owner: 'SEAT-RELEASE', state: 'passed' },
  'RG-07': { phase: 'Pre-Prod', owner: 'SEAT-RELEASE', state: 'passed' },
  'RG-08': { phase: 'Pre-Prod', owner: 'SEAT-MEMORY', state: 'passed' },
  'RG-09': { phase: 'Pre-Prod', owner: 'SEAT-COMPUTE', state: 'pending' },
  'RG-10': { phase: 'Pre-Prod', owner: 'SEAT-PRODUCT', state: 'pending' },
  'RG-11': { phase: 'Post-Prod 15m', owner: 'SEAT-OPS', state: 'blocked' },
  'RG-12': { phase: 'Post-Prod 15m', owner: 'SEAT-PRODUCT', state: 'pending' },
  'RG-13': { phase: 'Post-Prod 24h', owner: 'SEAT-RELEASE', state: 'pending' },
};

/** ISO → the screen's "2026-03-12 09:42 UTC". */
export function screenTime(iso: string | null): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}
