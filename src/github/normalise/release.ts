// release → one release fact (tag, sha when target_commitish is a sha, action, time). GitHub dates only the
// creation and publication of a release; for other actions the time is when we received the delivery.
import type { NormalisedFact } from '../../core/run-model.ts';
import {
  reqObj,
  optStr,
  nonEmpty,
  optTime,
  SHA_RE,
  reqText,
  optText,
  repoOf,
  type Obj,
} from './field-readers.ts';

export function release(p: Obj, receivedAt: string): NormalisedFact[] {
  const repo = repoOf(p);
  const action = reqText(p, 'action', 'action');
  const rel = reqObj(p, 'release', 'release');
  const tag = reqText(rel, 'tag_name', 'release.tag_name');
  // target_commitish is usually a branch name; it is a sha only when it looks like one.
  const commitish = nonEmpty(optStr(rel, 'target_commitish', 'release.target_commitish'));
  const sha = commitish !== null && SHA_RE.test(commitish) ? commitish : null;
  const createdAt = optTime(rel, 'created_at', 'release.created_at');
  const publishedAt = optTime(rel, 'published_at', 'release.published_at');
  // The payload dates the release's creation and publication only. For those actions we use them; for
  // edited/deleted/unpublished GitHub sends no time of the change, so it is the time we received it.
  let at: string;
  switch (action) {
    case 'created':
      at = createdAt ?? receivedAt;
      break;
    case 'published':
    case 'released':
    case 'prereleased':
      at = publishedAt ?? createdAt ?? receivedAt;
      break;
    default:
      at = receivedAt;
  }
  return [{ kind: 'release', repo, tag, sha, name: optText(rel, 'name', 'release.name'), action, at }];
}
