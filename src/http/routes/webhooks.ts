// POST /webhooks/github: verify the signature over the raw bytes, store the delivery durably, then answer.
// 202 = stored now (processed asynchronously), 200 = this GUID was already stored, 401 = bad signature
// (nothing stored), 413 = body over the limit (never buffered whole), 503 = no durable write possible,
// or the budget of unauthenticated body bytes in flight is spent (nothing read; see body-budget.ts).
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { verifySignatureAny } from '../../github/verify-signature.ts';
import { IngestQueueFull, type DeliveryWriter } from '../../store/group-commit.ts';
import type { AppEnv } from '../app-env.ts';
import { nodeIncoming, readIncomingWithinBudget, readWithinBudget, type BodyBudget } from '../body-budget.ts';
import { AppError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';

export interface WebhookDeps {
  secrets: string[];
  writer: DeliveryWriter;
  metrics: Metrics;
  maxBodyBytes: number;
  /** Shared by every request on this route: the bytes of unverified bodies held at once. */
  budget: BodyBudget;
  log?: Pick<Logger, 'warn'>;
  onStored: () => void;
  clock: () => Date;
}

const GUID = /^[A-Za-z0-9-]{1,100}$/;
const EVENT = /^[a-z_]{1,64}$/;
/** One decoder for every request (non-fatal: invalid UTF-8 becomes U+FFFD, as before). */
const UTF8 = new TextDecoder('utf-8', { fatal: false });

export function webhookRoutes(deps: WebhookDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/webhooks/github', async (c) => {
    const reject = (reason: string, err: AppError): never => {
      deps.metrics.inc('lanes_webhook_deliveries_rejected_total', { reason });
      throw err;
    };
    const lengthHeader = c.req.header('content-length');
    const declared =
      lengthHeader !== undefined &&
      /^\d+$/.test(lengthHeader) &&
      c.req.header('transfer-encoding') === undefined
        ? Number(lengthHeader)
        : undefined;
    if (declared !== undefined && declared > deps.maxBodyBytes) {
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
      ? await readIncomingWithinBudget(incoming, deps.maxBodyBytes, deps.budget, declared)
      : await readWithinBudget(c.req.raw, deps.maxBodyBytes, deps.budget, declared);
    if (body === 'over_budget')
      return reject(
        'over_budget',
        new AppError('overloaded', 'too many webhook bodies in flight; retry later'),
      );
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
      if (e instanceof IngestQueueFull)
        return reject('queue_full', new AppError('overloaded', 'the ingest queue is full; retry later'));
      deps.metrics.inc('lanes_webhook_deliveries_rejected_total', { reason: 'store_unavailable' });
      // The cause goes to the log, never to the (unauthenticated) caller.
      deps.log?.warn({ err: e instanceof Error ? e.message : String(e) }, 'delivery not stored');
      throw new AppError(
        'store_unavailable',
        'the delivery could not be stored durably; GitHub will redeliver',
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
