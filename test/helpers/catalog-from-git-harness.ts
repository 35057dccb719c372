// A Lanes that follows lanes.yaml in a stand-in Git repository (the contents API of the local GitHub
// stand-in), with an admin token: shared by the catalog-from-Git and catalog-rejection-alert suites.
import { issueToken } from '../../src/http/auth.ts';
import type { LanesProcess } from '../../src/server.ts';
import { startFakeGitHub, type FakeGitHub } from './fake-github.ts';
import { fakeGitRepo, type FakeGitRepo } from './fake-git-contents.ts';
import { startTestLanes, type StoreKind } from './lanes-harness.ts';

export interface CatalogFromGit {
  gh: FakeGitHub;
  git: FakeGitRepo;
  lanes: LanesProcess;
  admin: string;
}

/** `catalog` is the file Lanes starts with; `base` the lanes.yaml of the repository's first commit. */
export async function startCatalogFromGit(
  kind: StoreKind,
  opts: { repo: string; token: string; catalog: string; base: string },
): Promise<CatalogFromGit> {
  const gh = await startFakeGitHub({ token: opts.token });
  const git = fakeGitRepo(opts.repo);
  git.commit({ 'lanes.yaml': opts.base });
  gh.setResponder(git.responder);
  const lanes = await startTestLanes(kind, {
    catalog: opts.catalog,
    githubApiUrl: gh.url,
    githubToken: opts.token,
    reconcileIntervalS: 0,
    catalogRepo: opts.repo,
    catalogPath: 'lanes.yaml',
  });
  const admin = (
    await issueToken(lanes.store, { personId: 'rita', name: 'a', scope: 'admin', now: new Date() })
  ).token;
  return { gh, git, lanes, admin };
}
