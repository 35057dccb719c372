// A middleware that only requests able to carry a body go through. For GET and HEAD the Fetch API's
// Request has no body (`body` is null), so hono's bodyLimit always lets them pass — but asking for the
// body makes @hono/node-server build the full WHATWG Request behind its lightweight one (undici Request,
// Headers, AbortController): the largest allocation of a cached GET /api/v1/overview (bench/README.md,
// "Start-up and memory"). Skipping the middleware for them answers exactly as before, without it.
import type { MiddlewareHandler } from 'hono';

export function writesOnly(middleware: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : middleware(c, next));
}
