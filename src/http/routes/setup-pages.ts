// GET /setup/github/app-created?code=…: where GitHub sends the browser after the App manifest flow
// (docs/connect-github.md step 4). A minimal server-rendered page: the one-time code and the exact command
// that exchanges it. No script, no inline style (CSP-safe), nothing secret beyond GitHub's one-time code,
// which is already in the address bar; the page is never cached.
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { MANIFEST_REDIRECT_PATH } from '../../github/app-manifest.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function appCreatedPage(code: string | undefined): { status: 200 | 400; html: string } {
  const valid = code !== undefined && /^[A-Za-z0-9_-]{1,100}$/.test(code);
  const body = valid
    ? `<h1>GitHub App created</h1>
<p>GitHub gave this one-time code. Within one hour (it can be used once), on the Lanes server run:</p>
<pre><code>lanes github exchange ${escape(code)} --data /var/lib/lanes</code></pre>
<p>(<code>--data</code>: the server's data directory.) It writes <code>github-app.json</code> there and prints
the App id, slug and client id. Then install the App on the repositories the catalog names and restart Lanes:
see <code>docs/connect-github.md</code>, step 5.</p>`
    : `<h1>No App code</h1>
<p>This page is where GitHub sends you after creating the Lanes App, with <code>?code=…</code> in the address.
Start again from <code>lanes github manifest --html</code> (docs/connect-github.md).</p>`;
  return {
    status: valid ? 200 : 400,
    html: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Lanes · GitHub App created</title></head>
<body>
${body}
</body></html>
`,
  };
}

export function setupPageRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get(MANIFEST_REDIRECT_PATH, (c) => {
    const page = appCreatedPage(c.req.query('code'));
    c.header('cache-control', 'no-store');
    return c.html(page.html, page.status);
  });
  return app;
}
