// Alert routes out: POST a Slack-compatible JSON message ({text, blocks?, attachments?}) to a webhook URL.
// 2xx is delivered; 429, 408, 5xx and network errors are retryable (honouring retry-after); other 4xx are
// final. The URL may carry a secret (Slack's do), so it is never logged: only its origin is.
import type { Logger } from 'pino';
import type { AlertRecord } from '../store/store.ts';
import { retryAfterFrom } from '../github/github-client.ts';

export interface SlackMessage {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

export type NotifyOutcome =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; retryAfterMs?: number; status: number; message: string };

export interface AlertNotifierOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
  log?: Logger;
  clock?: () => number;
}

/** Where a webhook URL points, without its path (Slack webhook paths are secrets). */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}

export class AlertNotifier {
  constructor(private readonly opts: AlertNotifierOptions = {}) {}

  async post(url: string, message: SlackMessage, signal?: AbortSignal): Promise<NotifyOutcome> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return { ok: false, retryable: false, status: 0, message: 'invalid webhook url' };
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      return {
        ok: false,
        retryable: false,
        status: 0,
        message: `webhook url must be http(s), not ${u.protocol}`,
      };
    }
    if (typeof message.text !== 'string' || message.text === '') {
      return { ok: false, retryable: false, status: 0, message: 'message text is required' };
    }
    const body: SlackMessage = { text: message.text };
    if (message.blocks !== undefined) body.blocks = message.blocks;
    if (message.attachments !== undefined) body.attachments = message.attachments;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 10_000);
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(u, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'lanes' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (e) {
      const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      this.opts.log?.warn({ to: u.origin, err: m }, 'alert webhook failed (network)');
      return { ok: false, retryable: true, status: 0, message: `network: ${m}` };
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const retryable = res.status === 429 || res.status === 408 || res.status >= 500;
    const retryAfterMs = retryable ? retryAfterFrom(res.headers, (this.opts.clock ?? Date.now)()) : undefined;
    this.opts.log?.warn({ to: u.origin, status: res.status, retryable }, 'alert webhook refused');
    return {
      ok: false,
      retryable,
      status: res.status,
      message: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
}

const SEVERITY_EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
};

/** A Slack-compatible message for an alert (text for plain webhooks, blocks for Slack). */
export function alertMessage(
  alert: Pick<AlertRecord, 'id' | 'title' | 'severity' | 'rule' | 'status' | 'count' | 'lastAt'>,
  dashboardUrl?: string,
): SlackMessage {
  const emoji = SEVERITY_EMOJI[alert.severity] ?? ':white_circle:';
  const state = alert.status === 'resolved' ? 'RESOLVED' : alert.severity.toUpperCase();
  const repeat = alert.count > 1 ? ` (×${alert.count})` : '';
  const link = dashboardUrl ? `${dashboardUrl.replace(/\/+$/, '')}/alerts/${alert.id}` : undefined;
  const text = `[${state}] ${alert.title}${repeat}${link ? ` ${link}` : ''}`;
  const detail = `${emoji} *${alert.title}*${repeat}\nrule \`${alert.rule}\` · ${alert.status} · last ${alert.lastAt}${link ? ` · <${link}|open>` : ''}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: detail } }] };
}
