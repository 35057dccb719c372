// Puts the app on a socket with every connection-level bound set (src/resource-limits.ts): the time a
// client may take to send its headers and its whole request, how long an idle keep-alive connection is
// kept, and how many connections are held at once (more are refused by the kernel-facing server). A
// failure to listen (port in use, no permission, unknown host) rejects with one plain sentence.
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';
import type { ResourceLimits } from '../resource-limits.ts';

/** A start-up failure whose message is fit for the operator as it is (no stack trace needed). */
export class StartupError extends Error {}

function describeListenError(err: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`;
  switch (err.code ?? '') {
    case 'EADDRINUSE':
      return `port ${port} is already in use on ${host} (stop the other process or pass --port / PORT)`;
    case 'EACCES':
      return `no permission to listen on ${where} (ports below 1024 need privileges; pass --port / PORT)`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on ${where}: the address is not on this machine (check --host / LANES_HOST)`;
    default:
      return `cannot listen on ${where}: ${err.message}`;
  }
}

export function listen(
  app: Hono<AppEnv>,
  at: { port: number; host: string },
  limits: ResourceLimits,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: app.fetch,
        port: at.port,
        hostname: at.host,
        serverOptions: {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          // How often the timeouts above are enforced (Node's default, 30 s, would let slow clients linger).
          connectionsCheckingInterval: Math.max(
            250,
            Math.min(5_000, Math.trunc(limits.headersTimeoutMs / 4)),
          ),
        },
      },
      () => {
        server.off('error', onError);
        resolve(server);
      },
    );
    server.maxConnections = limits.maxConnections;
    const onError = (err: NodeJS.ErrnoException) => {
      server.close();
      reject(new StartupError(describeListenError(err, at.host, at.port)));
    };
    server.once('error', onError);
  });
}
