// A local stand-in for GitHub's web flow (a GitHub App's user authorization) and GET /user, with GitHub's
// shapes: /login/oauth/authorize checks the client id and redirect_uri and, as the person "clicking
// Authorize", redirects back with a single-use code and the state it was given (or error=access_denied
// when `deny` is set); /login/oauth/access_token checks the client secret, the code (once, bound to the
// redirect_uri) and the PKCE S256 verifier, and answers 200 with `error` on refusal as GitHub does;
// GET /user answers the login of a user token. Every call is recorded.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOAuthCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, string>;
}

export interface FakeGitHubOAuth {
  url: string;
  clientId: string;
  clientSecret: string;
  /** The login the next authorization signs in as. */
  login: string;
  /** Set: the person declines on the authorize page (error=access_denied). */
  deny: boolean;
  /** Set: the authorize page waits (200, a page with no redirect), as GitHub's consent page would. */
  hold: boolean;
  calls: FakeOAuthCall[];
  /** User tokens handed out (none of them may ever show up in Lanes' store). */
  issuedTokens: string[];
  close(): Promise<void>;
}

interface Grant {
  login: string;
  redirectUri: string;
  challenge: string;
}

async function readBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const ch of req) chunks.push(ch as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('json')) {
    const v: unknown = JSON.parse(text);
    const out: Record<string, string> = {};
    if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
    return out;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export async function startFakeGitHubOAuth(
  opts: { clientId?: string; clientSecret?: string; login?: string } = {},
): Promise<FakeGitHubOAuth> {
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, string>();
  const fake: Omit<FakeGitHubOAuth, 'url' | 'close'> = {
    clientId: opts.clientId ?? 'Iv1.fakeclient0001',
    clientSecret: opts.clientSecret ?? 'fake-client-secret-0001',
    login: opts.login ?? 'jonas',
    deny: false,
    hold: false,
    calls: [],
    issuedTokens: [],
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://fake');
      const body = req.method === 'POST' ? await readBody(req) : {};
      const query = Object.fromEntries(u.searchParams);
      fake.calls.push({ method: req.method ?? 'GET', path: u.pathname, query, body });
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (req.method === 'GET' && u.pathname === '/login/oauth/authorize') {
        const redirect = query.redirect_uri ?? '';
        if (query.client_id !== fake.clientId || !/^https?:\/\//.test(redirect)) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('unknown application');
          return;
        }
        if (fake.hold) {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<!doctype html><title>Authorize application</title><h1>Authorize Lanes?</h1>');
          return;
        }
        const back = new URL(redirect);
        if (query.state) back.searchParams.set('state', query.state);
        if (fake.deny) back.searchParams.set('error', 'access_denied');
        else {
          const code = randomBytes(10).toString('hex');
          grants.set(code, {
            login: fake.login,
            redirectUri: redirect,
            challenge: query.code_challenge_method === 'S256' ? (query.code_challenge ?? '') : '',
          });
          back.searchParams.set('code', code);
        }
        res.writeHead(302, { location: back.toString() });
        res.end();
        return;
      }
      if (req.method === 'POST' && u.pathname === '/login/oauth/access_token') {
        if (body.client_id !== fake.clientId || body.client_secret !== fake.clientSecret)
          return json(200, { error: 'incorrect_client_credentials' });
        const grant = grants.get(body.code ?? '');
        grants.delete(body.code ?? '');
        if (!grant) return json(200, { error: 'bad_verification_code' });
        if (body.redirect_uri && body.redirect_uri !== grant.redirectUri)
          return json(200, { error: 'redirect_uri_mismatch' });
        if (grant.challenge) {
          const got = createHash('sha256')
            .update(body.code_verifier ?? '', 'ascii')
            .digest('base64url');
          if (got !== grant.challenge) return json(200, { error: 'bad_verification_code' });
        }
        const token = `ghu_${randomBytes(18).toString('hex')}`;
        tokens.set(token, grant.login);
        fake.issuedTokens.push(token);
        return json(200, { access_token: token, token_type: 'bearer', scope: '' });
      }
      if (req.method === 'GET' && u.pathname === '/user') {
        const auth = req.headers.authorization ?? '';
        const login = tokens.get(auth.replace(/^(Bearer|token) /, ''));
        if (!login) return json(401, { message: 'Bad credentials' });
        return json(200, { login, id: 1000 + login.length, type: 'User' });
      }
      json(404, { message: 'Not Found' });
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  });
}
