// Feed recorded deliveries (JSONL: {event, guid, payload}) through the same signed HTTP path GitHub uses.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface RecordedDelivery {
  event: string;
  guid: string;
  payload: unknown;
}

export function readDeliveries(file: string): RecordedDelivery[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: RecordedDelivery[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let d: unknown;
    try {
      d = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
    const r = d as Partial<RecordedDelivery>;
    if (
      typeof r !== 'object' ||
      r === null ||
      typeof r.event !== 'string' ||
      typeof r.guid !== 'string' ||
      r.payload === undefined
    ) {
      throw new Error(`${file}:${i + 1}: expected {"event", "guid", "payload"}`);
    }
    out.push({ event: r.event, guid: r.guid, payload: r.payload });
  });
  return out;
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface ReplayResult {
  accepted: number;
  duplicate: number;
  failed: { guid: string; status: number; body: string }[];
}

export async function replayDeliveries(
  url: string,
  secret: string,
  deliveries: RecordedDelivery[],
  opts: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ReplayResult> {
  const result: ReplayResult = { accepted: 0, duplicate: 0, failed: [] };
  let next = 0;
  let done = 0;
  const target = `${url.replace(/\/$/, '')}/webhooks/github`;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const d = deliveries[i];
      if (!d) return;
      const body = JSON.stringify(d.payload);
      let status = 0;
      let text = '';
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const res = await fetch(target, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-github-event': d.event,
              'x-github-delivery': d.guid,
              'x-hub-signature-256': signBody(secret, body),
              'user-agent': 'GitHub-Hookshot/lanes-replay',
            },
            body,
          });
          status = res.status;
          text = await res.text();
          if (status !== 503) break;
        } catch (e) {
          text = e instanceof Error ? e.message : String(e);
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
      if (status === 202) result.accepted++;
      else if (status === 200) result.duplicate++;
      else result.failed.push({ guid: d.guid, status, body: text.slice(0, 200) });
      opts.onProgress?.(++done, deliveries.length);
    }
  };
  // In order within one worker by default: the server must not depend on it, but replays should be reproducible.
  await Promise.all(Array.from({ length: opts.concurrency ?? 1 }, worker));
  return result;
}

export function progressBar(
  stream: NodeJS.WriteStream = process.stderr,
): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const pct = Math.floor((done / total) * 100);
    if (pct === last && done !== total) return;
    last = pct;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${pct}%)`;
    if (stream.isTTY) stream.write(`\r${bar}${done === total ? '\n' : ''}`);
    else if (done === total || pct % 25 === 0) stream.write(`${bar}\n`);
  };
}

/** Calls `report` at 0, 25, 50, 75 and 100 %: progress for a log rather than a terminal. */
export function quarterProgress(
  report: (done: number, total: number) => void,
): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const quarter = total > 0 ? Math.floor((done / total) * 4) : 4;
    if (quarter === last) return;
    last = quarter;
    report(done, total);
  };
}
