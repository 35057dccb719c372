// The limit: a bare Hono route on @hono/node-server that reads the body and answers 202 (no verification,
// no storage). Run as its own process by bench/run-bench.ts.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/webhooks/github', async (c) => {
  await c.req.arrayBuffer();
  return c.json({ status: 'accepted' }, 202);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stderr.write(`bare route serving http://127.0.0.1:${info.port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
