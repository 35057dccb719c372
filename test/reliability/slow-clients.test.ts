// 200 slow clients (raw sockets sending a POST at 1 byte/s: half still in the headers, half in the body)
// do not stop a signed delivery from being acknowledged. The measured time is printed (the bound asserted
// is generous on purpose: speed is measured by the benchmark, this test is about not being starved).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { sendDelivery, workflowRunPayload } from '../helpers/lanes-harness.ts';
import { freshSqliteDir } from '../helpers/test-database.ts';
import { LONG, sleep, startLanesChild } from './reliability-helpers.ts';

const CLIENTS = 200;
const TRICKLE_SECONDS = LONG ? 60 : 6;

describe('slow clients', () => {
  it(`${CLIENTS} clients at 1 byte/s do not starve a signed delivery`, async () => {
    const lanes = await startLanesChild({ LANES_DATA_DIR: await freshSqliteDir() });
    const sockets: net.Socket[] = [];
    const timers: NodeJS.Timeout[] = [];
    try {
      const u = new URL(lanes.url);
      const body = '{"action":"completed","workflow_run":{"id":1}}';
      for (let i = 0; i < CLIENTS; i++) {
        const s = net.connect(Number(u.port), u.hostname);
        s.on('error', () => undefined);
        s.on('data', () => undefined);
        sockets.push(s);
        const head = `POST /webhooks/github HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nX-GitHub-Event: workflow_run\r\nX-GitHub-Delivery: slow-${i}\r\nX-Hub-Signature-256: sha256=${'0'.repeat(64)}\r\nContent-Length: ${body.length}\r\n\r\n`;
        // Even clients trickle the headers; odd ones send the headers at once and trickle the body.
        const slow = i % 2 === 0 ? head + body : body;
        if (i % 2 === 1) s.write(head);
        let at = 0;
        timers.push(
          setInterval(() => {
            if (at < slow.length && !s.destroyed) s.write(slow[at++] ?? '');
          }, 1000),
        );
      }
      await sleep(1500); // every slow client is connected and trickling
      const times: number[] = [];
      for (let k = 0; k < TRICKLE_SECONDS; k++) {
        const t = new Date(Date.parse('2026-03-06T00:00:00Z') + k * 1000).toISOString();
        const payload = workflowRunPayload({
          runId: 900_000 + k,
          workflowFile: 'deploy-staging.yml',
          workflowName: 'deploy-staging',
          status: 'completed',
          conclusion: 'success',
          startedAt: t,
          updatedAt: t,
        });
        const t0 = performance.now();
        const r = await sendDelivery(lanes.url, 'workflow_run', payload);
        times.push(performance.now() - t0);
        assert.equal(r.status, 202);
        await sleep(1000);
      }
      const open = sockets.filter((s) => !s.destroyed).length;
      const max = Math.max(...times);
      console.log(
        `slow clients: ${open}/${CLIENTS} still open; delivery acknowledged in ${times.map((x) => x.toFixed(0)).join(', ')} ms (max ${max.toFixed(0)} ms)`,
      );
      assert.ok(open >= CLIENTS * 0.9, `the slow clients were still connected (${open})`);
      assert.ok(max < 5000, `acknowledged within 5 s (max ${max.toFixed(0)} ms)`);
      assert.ok(lanes.alive());
    } finally {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await lanes.stop();
    }
  });
});
