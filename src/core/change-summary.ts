// A release's change summary: which release it is compared with (the last one that reached production, by
// when it did, whatever happened after), the bounds kept of GitHub's answer, and the message sent to alert
// routes when the summary is known. Pure: the engine (src/engine/change-summary.ts) fetches and stores.
import type { AlertRoute } from './catalog-model.ts';

/** Commits kept per release (the newest ones when GitHub lists more). */
export const MAX_SUMMARY_COMMITS = 50;
/** Characters kept of a commit message's first line. */
export const MAX_MESSAGE_CHARS = 200;
/** The rule name an alert route may list (`match.rules`) to receive release summaries. */
export const RELEASE_SUMMARY_RULE = 'release_created';

/** What the summary compares the release with; null for the first release to reach production. */
export interface CompareBase {
  releaseId: string;
  version: string;
  sha: string;
}

export interface ProductionEntry {
  id: string;
  version: string;
  sha: string;
  createdAt: string;
  reachedProductionAt: string | null;
}

/** The release that reached production last (excluding `exclude`), or null when none ever did. */
export function lastProductionRelease(
  releases: readonly ProductionEntry[],
  exclude?: string,
): CompareBase | null {
  const reached = releases.filter((r) => r.id !== exclude && r.reachedProductionAt !== null);
  reached.sort(
    (a, b) =>
      Date.parse(b.reachedProductionAt as string) - Date.parse(a.reachedProductionAt as string) ||
      Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
  const r = reached[0];
  return r ? { releaseId: r.id, version: r.version, sha: r.sha } : null;
}

/** The idempotency key of a release's compare effect (one per release). */
export function compareKey(releaseId: string): string {
  return `compare:${releaseId}`;
}

/** The first line of a commit message, control characters removed, at most `max` characters. */
export function firstLine(message: string, max = MAX_MESSAGE_CHARS): string {
  const line = (message.split(/\r?\n/)[0] ?? '')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The newest `max` of commits listed oldest first (GitHub's compare order). */
export function keptCommits<T>(commits: readonly T[], max = MAX_SUMMARY_COMMITS): T[] {
  return commits.slice(Math.max(0, commits.length - max));
}

export type ChangeSummaryStatus = 'first_release' | 'same_commit' | 'pending' | 'fetched' | 'failed';

/** Where the summary stands, from the base chosen at creation and what the compare effect did. */
export function changeSummaryStatus(
  base: CompareBase | null,
  headSha: string,
  fetched: boolean,
  compareDead: boolean,
): ChangeSummaryStatus {
  if (base === null) return 'first_release';
  if (base.sha === headSha) return 'same_commit';
  if (fetched) return 'fetched';
  return compareDead ? 'failed' : 'pending';
}

/** Alert routes that take release summaries: info severity allowed, and no rule list or one naming it. */
export function summaryRoutes(routes: readonly AlertRoute[]): AlertRoute[] {
  return routes.filter(
    (r) =>
      (!r.match.severity || r.match.severity.includes('info')) &&
      (!r.match.rules || r.match.rules.includes(RELEASE_SUMMARY_RULE)),
  );
}

export interface SummaryMessageInput {
  zone: string;
  version: string;
  sha: string;
  createdBy: string;
  base: CompareBase | null;
  commits: readonly { sha: string; author: string | null; message: string }[];
  totalCommits: number;
  /** Lines the caller gave with the release. */
  lines: readonly string[];
}

/** The "release created" message: plain text (bounded) plus a Slack section. */
export function summaryMessage(m: SummaryMessageInput): { text: string; detail: string } {
  const title = `[${m.zone}] release ${m.version} (${m.sha.slice(0, 7)}) created by ${m.createdBy}`;
  const out: string[] = [];
  if (m.base === null) out.push('First release: no earlier release reached production.');
  else if (m.base.sha === m.sha) out.push(`Same commit as ${m.base.version}, now in production.`);
  else {
    out.push(`${m.totalCommits} commit(s) since ${m.base.version} (${m.base.sha.slice(0, 7)}):`);
    for (const c of m.commits)
      out.push(`• ${c.sha.slice(0, 7)} ${c.message}${c.author ? ` (${c.author})` : ''}`);
    const hidden = m.totalCommits - m.commits.length;
    if (hidden > 0) out.push(`… and ${hidden} more`);
  }
  if (m.lines.length > 0) out.push('Notes:', ...m.lines.slice(0, 20).map((l) => `• ${firstLine(l)}`));
  return { text: title, detail: out.join('\n').slice(0, 3000) };
}
