// A release's change summary: the commits GitHub's compare API lists since the release in production
// (newest 50 kept), with the lines the release's creator gave beside them.
import type { ChangeSummaryView, ReleaseView } from '../../../src/contract/views.ts';
import { Empty, ExternalLink, Section } from './layout-parts.tsx';

/** Only web links are followed (the URL came from GitHub's answer). */
function webUrl(u: string | null): string | null {
  return u !== null && /^https?:\/\//i.test(u) ? u : null;
}

function statusNote(c: ChangeSummaryView): string {
  const base = c.base ? `${c.base.version} (${c.base.sha.slice(0, 7)})` : '';
  switch (c.status) {
    case 'first_release':
      return 'First release: no earlier release reached production.';
    case 'same_commit':
      return `Same commit as ${base}, the release in production.`;
    case 'pending':
      return `Commits since ${base}: waiting for GitHub.`;
    case 'failed':
      return `Commits since ${base}: GitHub's compare failed; see the timeline.`;
    case 'fetched': {
      const hidden = c.totalCommits - c.commits.length;
      return `${c.totalCommits} commit(s) since ${base}${hidden > 0 ? `; the newest ${c.commits.length} are listed` : ''}.`;
    }
  }
}

export function ChangeSummary({ release }: { release: ReleaseView }) {
  const c = release.commits;
  return (
    <Section id="release-changes" title="Changes" note={c ? statusNote(c) : null}>
      {c && c.commits.length > 0 ? (
        <ol className="change-list" data-testid="release-commits">
          {c.commits.map((x) => (
            <li key={x.sha} data-testid={`release-commit-${x.sha.slice(0, 7)}`}>
              <ExternalLink href={webUrl(x.url)}>
                <span className="mono">{x.sha.slice(0, 7)}</span>
              </ExternalLink>{' '}
              {x.message}
              {x.author ? <span className="muted"> — {x.author}</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {c && c.lines.length > 0 ? (
        <ul
          className="change-notes"
          aria-label="Notes from the release's creator"
          data-testid="release-notes"
        >
          {c.lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      ) : null}
      {!c || (c.commits.length === 0 && c.lines.length === 0 && c.status === 'fetched') ? (
        <Empty>No changes listed.</Empty>
      ) : null}
    </Section>
  );
}
