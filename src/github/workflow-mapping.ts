// Which catalog workflow (WF-xx) a GitHub run belongs to. Pure: built once from the catalog, then a lookup.
//
// Rules:
// - By file path first. GitHub's workflow_run.path is ".github/workflows/ci.yml"; some payloads append the ref
//   ("...ci.yml@refs/heads/main"). The "@..." suffix and a leading "./" are dropped before comparing; the
//   comparison is exact (GitHub paths are case-sensitive).
// - When a path is given, it decides: a path that is not in the catalog maps to null even if the display name
//   matches a catalog workflow. Otherwise any other workflow file (e.g. one added in a pull request) could take
//   a catalog workflow's name and pass for it.
// - By name only when no path is known (workflow_job payloads carry workflow_name but no path).
// - Ambiguity maps to null: two catalog workflows with the same file, or the same name, are never guessed at.
import type { Workflow } from '../core/catalog-model.ts';

export type WorkflowResolver = (path: string | null, name: string | null) => string | null;

export type WorkflowCatalog = { readonly workflows: readonly Pick<Workflow, 'id' | 'name' | 'file'>[] };

/** ".github/workflows/ci.yml@refs/heads/main" → ".github/workflows/ci.yml"; "" or only "@..." → null. */
export function normaliseWorkflowPath(path: string): string | null {
  const at = path.indexOf('@');
  let p = at >= 0 ? path.slice(0, at) : path;
  if (p.startsWith('./')) p = p.slice(2);
  return p.length > 0 ? p : null;
}

function uniqueIndex(entries: readonly (readonly [string, string])[]): Map<string, string | null> {
  const index = new Map<string, string | null>();
  for (const [key, id] of entries) {
    const seen = index.get(key);
    if (seen === undefined) index.set(key, id);
    else if (seen !== id) index.set(key, null); // ambiguous
  }
  return index;
}

export function makeWorkflowResolver(catalog: WorkflowCatalog): WorkflowResolver {
  const byPath = uniqueIndex(
    catalog.workflows.flatMap((w) => {
      const p = normaliseWorkflowPath(w.file);
      return p === null ? [] : [[p, w.id] as const];
    }),
  );
  const byName = uniqueIndex(catalog.workflows.map((w) => [w.name, w.id] as const));

  return (path, name) => {
    if (typeof path === 'string' && path.length > 0) {
      const p = normaliseWorkflowPath(path);
      return p === null ? null : (byPath.get(p) ?? null);
    }
    if (typeof name === 'string' && name.length > 0) return byName.get(name) ?? null;
    return null;
  };
}
