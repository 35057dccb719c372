// GET /api/v1/events: changes arrive as Server-Sent Events; a client that reconnects with Last-Event-ID
// after a server restart misses nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startLanes } from '../src/server.ts';
import { sendDelivery, testConfig, waitFor, workflowRunPayload } from './helpers/lanes-harness.ts';

interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A minimal SSE reader over fetch (the same wire format a browser's EventSource reads). */
function openStream(url: string, lastEventId?: string) {
  const events: SseEvent[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(url, {
      headers: lastEventId ? { 'last-event-id': lastEventId } : {},
      signal: controller.signal,
    });
    assert.equal(res.headers.get('content-type')?.startsWith('text/event-stream'), true);
    const reader = res.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let idx;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        const e: SseEvent = { data: '' };
        for (const line of block.split('\n')) {
          if (line.startsWith('id:')) e.id = line.slice(3).trim();
          else if (line.startsWith('event:')) e.event = line.slice(6).trim();
          else if (line.startsWith('data:')) e.data += line.slice(5).trim();
        }
        if (e.event || e.id) events.push(e);
      }
    }
  })().catch(() => undefined);
  return { events, close: () => controller.abort(), done };
}

const run = (runId: number, status: string, conclusion: string | null, minute: number) =>
  workflowRunPayload({
    runId,
    workflowFile: 'deploy-staging.yml',
    workflowName: 'deploy-staging',
    status,
    conclusion,
    startedAt: '2026-03-12T10:00:00Z',
    updatedAt: `2026-03-12T10:${String(minute).padStart(2, '0')}:00Z`,
  });

describe('live events', () => {
  it('streams run changes and resumes from Last-Event-ID across a restart', async () => {
    const config = await testConfig('sqlite', { openReads: true });
    let lanes = await startLanes(config, { log: pino({ level: 'silent' }) });
    const s1 = openStream(`${lanes.url}/api/v1/events`);
    await waitFor(async () => s1.events.some((e) => e.event === 'hello'), 'hello event');
    assert.equal((await sendDelivery(lanes.url, 'workflow_run', run(1, 'in_progress', null, 1))).status, 202);
    const first = await waitFor(async () => s1.events.find((e) => e.event === 'run'), 'run event');
    assert.ok(first.id && /^\d+$/.test(first.id));
    assert.equal(JSON.parse(first.data).data.status, 'in_progress');
    s1.close();

    // Restart on the same data; changes happen while no client is connected.
    await lanes.close();
    lanes = await startLanes({ ...config, port: 0 }, { log: pino({ level: 'silent' }) });
    try {
      assert.equal(
        (await sendDelivery(lanes.url, 'workflow_run', run(1, 'completed', 'success', 5))).status,
        202,
      );
      assert.equal(
        (await sendDelivery(lanes.url, 'workflow_run', run(2, 'in_progress', null, 6))).status,
        202,
      );
      await lanes.worker.drain();
      const s2 = openStream(`${lanes.url}/api/v1/events`, first.id);
      const missed = await waitFor(async () => {
        const runs = s2.events.filter((e) => e.event === 'run');
        return runs.length >= 2 ? runs : undefined;
      }, 'missed events replayed');
      const ids = missed.map((e) => Number(e.id));
      assert.ok(
        ids.every((id) => id > Number(first.id)),
        'only events after Last-Event-ID',
      );
      assert.deepEqual(
        missed.map((e) => JSON.parse(e.data).data.status),
        ['completed', 'in_progress'],
      );
      s2.close();
    } finally {
      await lanes.close();
    }
  });
});
