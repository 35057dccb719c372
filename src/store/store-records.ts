// Record types of the connect tables (catalog versions, sessions, reconcile progress) and of a release's
// change summary and timeline, split from store.ts (one file a sitting). store.ts re-exports them.
import type { OutboxItem } from './store.ts';

/** A catalog Lanes accepted (0005). */
export interface NewCatalogVersion {
  digest: string; // sha256 hex of body
  zone: string;
  repository: string;
  source: 'file' | 'git';
  path: string;
  commitSha: string | null;
  body: string;
  loadedAt: string;
}

export interface CatalogVersion extends NewCatalogVersion {
  id: number;
  /** 0012: a rejected version is kept with its errors (file:line:col) and never decides anything. */
  status: 'accepted' | 'rejected';
  errors: string[];
}

/** A dashboard sign-in session (0005): hashes only. */
export interface SessionRecord {
  idHash: string;
  login: string;
  csrfHash: string;
  createdAt: string;
  expiresAt: string;
}

export interface ReconcileProgress {
  source: string;
  checkedUntil: string | null;
  found: number;
  filled: number;
  updatedAt: string;
}

/** One commit of a release's change summary, in GitHub's order (oldest first). */
export interface ReleaseCommitRecord {
  position: number;
  sha: string;
  author: string | null;
  /** The first line of the commit message, bounded. */
  message: string;
  url: string | null;
}

/** What GitHub's compare answered for a release: base (previous production release) ... head (the release). */
export interface ReleaseCompareRecord {
  releaseId: string;
  baseSha: string;
  headSha: string;
  /** Commits GitHub counted; more than `commits` holds when the list was bounded. */
  totalCommits: number;
  fetchedAt: string;
  commits: ReleaseCommitRecord[];
}

/** An outbox row with its times, for a release's timeline. */
export interface OutboxHistoryItem extends OutboxItem {
  createdAt: string;
  doneAt: string | null;
}
