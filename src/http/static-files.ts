// The dashboard's built files (web/dist): hashed assets, the favicon, and index.html for every other GET
// outside /api and /webhooks (client-side routing). Without a build, a plain hint instead.
import type { Context, Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { AppEnv } from './app-env.ts';
import { AppError } from './errors.ts';

export function isApiPath(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/webhooks/');
}

export function serveDashboard(app: Hono<AppEnv>, webDist: string | undefined): void {
  if (webDist && existsSync(webDist)) {
    const root = relative(process.cwd(), resolve(webDist)) || '.';
    app.use('/assets/*', serveStatic({ root }));
    app.get('/favicon.svg', serveStatic({ root }));
  }
  app.get('*', (c) => {
    if (isApiPath(c.req.path)) throw new AppError('not_found', `no route GET ${c.req.path}`);
    return spaFallback(c, webDist);
  });
}

export function spaFallback(c: Context, webDist: string | undefined): Response {
  const index = webDist ? resolve(webDist, 'index.html') : undefined;
  if (c.req.method === 'GET' && index && existsSync(index)) {
    return c.html(readFileSync(index, 'utf8'));
  }
  return c.text('Lanes: the dashboard is not built (npm run build:web). The API is at /api/v1.', 404);
}
