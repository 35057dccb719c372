// The peer: Probot's webhook server (createNodeMiddleware) on node:http, verifying the same signature and
// dispatching workflow_run to an app handler that does nothing. Run as its own process by bench/run-bench.ts.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { Probot, createNodeMiddleware } from 'probot';

const secret = process.env.BENCH_SECRET ?? '';
if (secret === '') throw new Error('BENCH_SECRET is required');
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const probot = new Probot({ appId: 1, privateKey, secret, logLevel: 'fatal' });
let received = 0;
const middleware = await createNodeMiddleware(
  (app) => {
    app.on('workflow_run', async () => {
      received++;
    });
  },
  { probot, webhooksPath: '/webhooks/github' },
);
const server = createServer((req, res) => {
  void middleware(req, res, () => {
    res.writeHead(404);
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stderr.write(`probot serving http://127.0.0.1:${port}\n`);
});
process.once('SIGTERM', () => {
  process.stderr.write(`probot received ${received} workflow_run deliveries\n`);
  server.close(() => process.exit(0));
});
