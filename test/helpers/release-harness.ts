// A Lanes server on an injectable clock against the local GitHub stand-in, with token-carrying API calls,
// settle() (inbox, timers, outbox drained) and the dispatches and protection answers GitHub received.
// Shared by the release-flow and time-driven scenario tests.
import pino, { type Logger } from 'pino';
import { issueToken } from '../../src/http/auth.ts';
import { startLanes, type LanesProcess } from '../../src/server.ts';
import type { Config } from '../../src/config.ts';
import { startFakeGitHub, type FakeGitHub } from './fake-github.ts';
import { testConfig, type StoreKind } from './lanes-harness.ts';

export const GH_TOKEN = 'ghs_test_token_for_fake_github';

export interface ReleaseHarness {
  lanes: LanesProcess;
  github: FakeGitHub;
  setNow(iso: string): void;
  /** Moves the clock on and settles. */
  advance(minutes: number): Promise<void>;
  api(
    person: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  settle(): Promise<void>;
  dispatches(): { file: string; ref: string; inputs: Record<string, string> }[];
  reviews(): { runId: number; state: string; comment: string }[];
  close(): Promise<void>;
}

export async function releaseHarness(
  kind: StoreKind,
  start: string,
  overrides: Partial<Config> = {},
  opts: { log?: Logger } = {},
): Promise<ReleaseHarness> {
  const github = await startFakeGitHub({ token: GH_TOKEN });
  let now = Date.parse(start);
  const clock = () => new Date(now);
  const config = await testConfig(kind, { githubApiUrl: github.url, githubToken: GH_TOKEN, ...overrides });
  const lanes = await startLanes(config, { log: opts.log ?? pino({ level: 'silent' }), clock });
  const tokens = new Map<string, string>();
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await lanes.worker.drain();
      await lanes.timers.drain();
      await lanes.outbox.drain();
    }
  };
  return {
    lanes,
    github,
    setNow(iso) {
      now = Date.parse(iso);
    },
    async advance(minutes) {
      now += minutes * 60_000;
      await settle();
    },
    async api(person, method, path, body) {
      let token = tokens.get(person);
      if (!token) {
        // `admin:ivan` = ivan with an admin token (what overriding a freeze needs); otherwise operate.
        const admin = person.startsWith('admin:');
        const personId = admin ? person.slice('admin:'.length) : person;
        const scope = admin ? 'admin' : 'operate';
        token = (await issueToken(lanes.store, { personId, name: 'test', scope, now: clock() })).token;
        tokens.set(person, token);
      }
      const res = await fetch(`${lanes.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const out = { status: res.status, body: (await res.json()) as Record<string, unknown> };
      await settle();
      return out;
    },
    settle,
    dispatches: () =>
      github.calls
        .filter((c) => c.method === 'POST' && c.path.endsWith('/dispatches'))
        .map((c) => {
          const j = c.json as { ref: string; inputs?: Record<string, string> };
          return { file: c.path.split('/').at(-2) ?? '', ref: j.ref, inputs: j.inputs ?? {} };
        }),
    reviews: () =>
      github.calls
        .filter((c) => c.method === 'POST' && c.path.endsWith('/deployment_protection_rule'))
        .map((c) => {
          const j = c.json as { state: string; comment: string };
          return { runId: Number(c.path.split('/').at(-2)), state: j.state, comment: j.comment };
        }),
    async close() {
      await lanes.close();
      await github.close();
    },
  };
}
