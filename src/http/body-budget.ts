// A budget of request-body bytes held in memory at once by unauthenticated callers (the webhook route:
// its signature can only be checked over the whole body, so the body must be read first). A request
// reserves its declared Content-Length before a byte is read, or grows its reservation chunk by chunk
// when the length is not declared; when the budget cannot cover it the request is refused at once
// (nothing more is read). Whatever a request reserved is given back when it settles, however it ends.
import { IncomingMessage } from 'node:http';

export class BodyBudget {
  private used = 0;
  /** Requests refused because the budget was spent (for metrics and tests). */
  refused = 0;

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` from the budget; false (and nothing taken) when that would exceed it. */
  tryReserve(bytes: number): boolean {
    if (bytes < 0 || this.used + bytes > this.capacity) {
      this.refused++;
      return false;
    }
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

export type LimitedRead = Uint8Array | 'too_large' | 'over_budget';

/**
 * Reads a body of at most `limit` bytes within `budget`: with a declared length the whole of it is
 * reserved up front; without one, each chunk is reserved as it arrives. The stream is cancelled as soon
 * as either bound is crossed. The reservation is released before this returns.
 */
export async function readWithinBudget(
  req: Request,
  limit: number,
  budget: BodyBudget,
  declared: number | undefined,
): Promise<LimitedRead> {
  if (!req.body) return new Uint8Array(0);
  let reserved = 0;
  if (declared !== undefined) {
    if (declared > limit) return 'too_large';
    if (!budget.tryReserve(declared)) {
      await req.body.cancel().catch(() => undefined);
      return 'over_budget';
    }
    reserved = declared;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return 'too_large';
      }
      if (size > reserved) {
        if (!budget.tryReserve(size - reserved)) {
          await reader.cancel().catch(() => undefined);
          return 'over_budget';
        }
        reserved = size;
      }
      chunks.push(value);
    }
  } finally {
    budget.release(reserved);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.byteLength;
  }
  return out;
}

/**
 * The same bounds read straight off the Node request (the hot path under @hono/node-server): wrapping it
 * in a WHATWG Request with a web ReadableStream cost more CPU than the signature check in the ingest
 * profile (bench/README.md). Over the limit or the budget, the rest is discarded as it arrives, so the
 * connection stays usable for the answer.
 */
export function readIncomingWithinBudget(
  incoming: IncomingMessage,
  limit: number,
  budget: BodyBudget,
  declared: number | undefined,
): Promise<LimitedRead> {
  let reserved = 0;
  if (declared !== undefined) {
    if (declared > limit) return Promise.resolve('too_large');
    if (!budget.tryReserve(declared)) {
      incoming.resume();
      return Promise.resolve('over_budget');
    }
    reserved = declared;
  }
  return new Promise<LimitedRead>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
      budget.release(reserved);
      reserved = 0;
    };
    const stop = (why: 'too_large' | 'over_budget'): void => {
      settle();
      incoming.resume();
      resolve(why);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > limit) return stop('too_large');
      if (size > reserved) {
        if (!budget.tryReserve(size - reserved)) return stop('over_budget');
        reserved = size;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      settle();
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      settle();
      reject(err);
    };
    const onClose = (): void => {
      settle();
      if (!incoming.complete) reject(new Error('client closed the connection before the body ended'));
      else resolve(Buffer.concat(chunks, size));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

/** The Node request under @hono/node-server (absent when the app is called through fetch, as in tests). */
export function nodeIncoming(env: unknown): IncomingMessage | undefined {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = env.incoming;
  return incoming instanceof IncomingMessage && !incoming.readableDidRead ? incoming : undefined;
}
