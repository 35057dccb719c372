// The demo history: recorded GitHub deliveries replayed through the signed webhook endpoint, then the
// people's actions (open releases, approve gates) through the REST API with their own tokens. Nothing is
// written to the store behind the API's back.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../http/auth.ts';
import type { LanesProcess } from '../server.ts';
import { readDeliveries, replayDeliveries, type ReplayResult } from './replay.ts';

export const DEMO_HISTORY = fileURLToPath(new URL('../../examples/ops/demo-history.jsonl', import.meta.url));
export const DEMO_ACTIONS = fileURLToPath(new URL('../../examples/ops/demo-actions.json', import.meta.url));

export interface DemoActions {
  now: string;
  actions: { as: string; method: 'POST'; path: string; body: unknown }[];
}

export function readDemoActions(file = DEMO_ACTIONS): DemoActions {
  return JSON.parse(readFileSync(file, 'utf8')) as DemoActions;
}

/** The demo's clock: time flows from the moment of the reference screen (12 March 2026, 09:45 UTC). */
export function demoClock(start = readDemoActions().now): () => Date {
  const offset = Date.now() - Date.parse(start);
  return () => new Date(Date.now() - offset);
}

export async function loadDemo(
  lanes: LanesProcess,
  secret: string,
  opts: { onProgress?: (done: number, total: number) => void; concurrency?: number } = {},
): Promise<{ replay: ReplayResult; actions: number }> {
  const replay = await replayDeliveries(lanes.url, secret, readDeliveries(DEMO_HISTORY), {
    onProgress: opts.onProgress,
    concurrency: opts.concurrency ?? 4,
  });
  await lanes.worker.drain();
  const { actions } = readDemoActions();
  const tokens = new Map<string, string>();
  let done = 0;
  for (const a of actions) {
    let token = tokens.get(a.as);
    if (!token) {
      token = (
        await issueToken(lanes.store, {
          personId: a.as,
          name: 'demo',
          scope: 'operate',
          now: new Date(),
          ttlDays: 1,
        })
      ).token;
      tokens.set(a.as, token);
    }
    const res = await fetch(`${lanes.url}${a.path}`, {
      method: a.method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(a.body),
    });
    if (res.status >= 300)
      throw new Error(`demo action ${a.as} ${a.path}: HTTP ${res.status} ${await res.text()}`);
    done++;
  }
  await lanes.worker.drain();
  return { replay, actions: done };
}
