// POST /webhooks/github: verify the signature over the raw bytes, store the delivery durably, then answer.
// 202 = stored now (processed asynchronously), 200 = this GUID was already stored, 401 = bad signature
// (nothing stored), 413 = body over the limit (never buffered whole), 503 = no durable write possible.
import { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { verifySignatureAny } from '../../github/verify-signature.ts';
import type { DeliveryWriter } from '../../store/group-commit.ts';
import type { AppEnv } from '../app-env.ts';
import { AppError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';

export interface WebhookDeps {
  secrets: string[];
  writer: DeliveryWriter;
  metrics: Metrics;
  maxBodyBytes: number;
  onStored: () => void;
  clock: () => Date;
}

const GUID = /^[A-Za-z0-9-]{1,100}$/;
const EVENT = /^[a-z_]{1,64}$/;
const UTF8 = new TextDecoder('utf-8', { fatal: false });

export function webhookRoutes(deps: WebhookDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/webhooks/github', async (c) => {
    const reject = (reason: string, err: AppError): never => {
      deps.metrics.inc('lanes_webhook_deliveries_rejected_total', { reason });
      throw err;
    };
    const declared = Number(c.req.header('content-length') ?? '0');
    if (Number.isFinite(declared) && declared > deps.maxBodyBytes) {
      reject('too_large', new AppError('payload_too_large', `body over ${deps.maxBodyBytes} bytes`));
    }
    const guid = c.req.header('x-github-delivery');
    const event = c.req.header('x-github-event');
    if (!guid || !GUID.test(guid))
      reject('missing_header', new AppError('missing_header', 'X-GitHub-Delivery missing or malformed'));
    if (!event || !EVENT.test(event))
      reject('missing_header', new AppError('missing_header', 'X-GitHub-Event missing or malformed'));
    // The Node fast path only with a declared length (GitHub always sends one): Node's framing then bounds the
    // body, and a streamed upload over the limit keeps the web-stream path whose cancel answers 413 cleanly.
    const incoming = c.req.header('content-length') !== undefined ? nodeIncoming(c.env) : undefined;
    const body = incoming
      ? await readIncomingLimited(incoming, deps.maxBodyBytes)
      : await readLimited(c.req.raw, deps.maxBodyBytes);
    if (body === 'too_large')
      return reject('too_large', new AppError('payload_too_large', `body over ${deps.maxBodyBytes} bytes`));
    const verdict = verifySignatureAny(deps.secrets, body, c.req.header('x-hub-signature-256'));
    if (verdict !== 'ok')
      return reject(`signature_${verdict}`, new AppError('invalid_signature', `signature ${verdict}`));

    const text = UTF8.decode(body);
    let action: string | null = null;
    const contentType = c.req.header('content-type') ?? 'application/json';
    if (contentType.includes('application/x-www-form-urlencoded')) {
      return reject(
        'form_encoded',
        new AppError('unsupported_media_type', 'set the webhook content type to application/json'),
      );
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const a = (parsed as Record<string, unknown>).action;
        if (typeof a === 'string') action = a.slice(0, 64);
      } else {
        return reject('not_an_object', new AppError('invalid_json', 'payload must be a JSON object'));
      }
    } catch {
      return reject('invalid_json', new AppError('invalid_json', 'payload is not valid JSON'));
    }

    let result: 'inserted' | 'duplicate';
    try {
      result = await deps.writer.write({
        guid: guid as string,
        event: event as string,
        action,
        receivedAt: deps.clock().toISOString(),
        body: text,
        source: 'webhook',
      });
    } catch (e) {
      deps.metrics.inc('lanes_webhook_deliveries_rejected_total', { reason: 'store_unavailable' });
      throw new AppError(
        'store_unavailable',
        'the delivery could not be stored durably; GitHub will redeliver',
        {
          cause: e instanceof Error ? e.message.slice(0, 200) : 'unknown',
        },
      );
    }
    if (result === 'duplicate') {
      deps.metrics.inc('lanes_webhook_deliveries_duplicate_total');
      return c.json({ status: 'duplicate', guid }, 200);
    }
    deps.metrics.inc('lanes_webhook_deliveries_received_total', { event: event as string });
    deps.onStored();
    return c.json({ status: 'accepted', guid }, 202);
  });
  return app;
}

/** The Node request under @hono/node-server (absent when the app is called through fetch, as in tests). */
function nodeIncoming(env: unknown): IncomingMessage | undefined {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = env.incoming;
  return incoming instanceof IncomingMessage && !incoming.readableDidRead ? incoming : undefined;
}

/**
 * readLimited straight off the Node stream: the hot path of every delivery, and building a WHATWG Request
 * with a web ReadableStream around it (abort signal, transferable stream, per-chunk promises) cost more
 * CPU than the signature check in the ingest profile.
 */
function readIncomingLimited(incoming: IncomingMessage, limit: number): Promise<Uint8Array | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > limit) {
        done();
        // Never buffer the rest: it is discarded as it arrives, and the connection stays usable for the 413.
        incoming.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onClose = (): void => {
      done();
      if (!incoming.complete) reject(new Error('client closed the connection before the body ended'));
      else resolve(Buffer.concat(chunks, size));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

/** Read a request body, stopping (and cancelling the stream) as soon as it exceeds `limit` bytes. */
async function readLimited(req: Request, limit: number): Promise<Uint8Array | 'too_large'> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.byteLength;
  }
  return out;
}
