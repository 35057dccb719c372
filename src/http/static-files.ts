// The dashboard's built files (web/dist): hashed assets, the favicon, and index.html for every other GET
// outside /api and /webhooks (client-side routing), except a path naming a file that does not exist (under
// /assets/ or with a static file's extension): that is a 404. Without a build, a plain hint instead.
import type { Context, Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { AppEnv } from './app-env.ts';
import { AppError, errorBody } from './errors.ts';

export function isApiPath(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/webhooks/');
}

export function serveDashboard(app: Hono<AppEnv>, webDist: string | undefined): void {
  if (webDist && existsSync(webDist)) {
    const root = relative(process.cwd(), resolve(webDist)) || '.';
    app.use('/assets/*', serveStatic({ root }));
    app.get('/favicon.svg', serveStatic({ root }));
    // Browsers ask for /favicon.ico on pages that name no icon (the server-rendered sign-in and set-up pages).
    const icon = resolve(webDist, 'favicon.svg');
    if (existsSync(icon)) {
      const svg = readFileSync(icon);
      app.get('/favicon.ico', (c) => c.body(svg, 200, { 'content-type': 'image/svg+xml' }));
    }
  }
  app.get('*', (c) => {
    if (isApiPath(c.req.path)) throw new AppError('not_found', `no route GET ${c.req.path}`);
    return spaFallback(c, webDist);
  });
}

/** Built files the dashboard asks for: never answered with index.html (a missing one is a 404). */
const FILE_EXTENSIONS =
  /\.(?:js|mjs|css|map|json|svg|png|jpe?g|gif|webp|ico|woff2?|ttf|txt|webmanifest|wasm|html)$/i;

/** A request for a file (under /assets/, or named with a static file's extension), not a client route. */
export function isFilePath(path: string): boolean {
  return path.startsWith('/assets/') || FILE_EXTENSIONS.test(path);
}

export function spaFallback(c: Context, webDist: string | undefined): Response {
  // A missing asset is a 404, not the SPA's page: a stale bundle must fail loudly, not run HTML as script.
  if (isFilePath(c.req.path)) return c.json(errorBody('not_found', `no file ${c.req.path}`), 404);
  const index = webDist ? resolve(webDist, 'index.html') : undefined;
  if (c.req.method === 'GET' && index && existsSync(index)) {
    return c.html(readFileSync(index, 'utf8'));
  }
  return c.text('Lanes: the dashboard is not built (npm run build:web). The API is at /api/v1.', 404);
}
