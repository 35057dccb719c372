// lanes.yaml → Catalog. YAML is parsed with source positions so that every error, whether from the
// YAML syntax, the zod schema or the cross-reference rules, names file:line:column.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { catalogSchema, type Catalog } from './catalog-schema.ts';
import { validateReferences } from './validate-references.ts';

export interface CatalogError {
  file: string;
  line: number;
  column: number;
  /** Path inside the document, e.g. lanes[3].trigger.cron */
  path: string;
  message: string;
}

export type CatalogResult = { ok: true; catalog: Catalog; source: string } | { ok: false; errors: CatalogError[] };

export function formatCatalogError(e: CatalogError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

export function loadCatalogFile(file: string): CatalogResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    return { ok: false, errors: [{ file, line: 1, column: 1, path: '', message: `cannot read catalog (${code})` }] };
  }
  return parseCatalog(text, file);
}

export function parseCatalog(text: string, file = 'lanes.yaml'): CatalogResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((err) => ({ file, ...at(err.pos[0]), path: '', message: firstLine(err.message) })),
    };
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => zodIssueToError(issue, doc.contents, file, at));
    return { ok: false, errors: sortErrors(errors) };
  }
  const refIssues = validateReferences(parsed.data);
  if (refIssues.length > 0) {
    return {
      ok: false,
      errors: sortErrors(
        refIssues.map((i) => ({ file, ...at(locate(doc.contents, i.path).offset), path: pathText(i.path), message: i.message })),
      ),
    };
  }
  return { ok: true, catalog: parsed.data, source: file };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function sortErrors(errors: CatalogError[]): CatalogError[] {
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}

function zodIssueToError(
  issue: z.core.$ZodIssue,
  root: unknown,
  file: string,
  at: (offset: number) => { line: number; column: number },
): CatalogError {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    const keyPath = [...path, issue.keys[0] as string];
    const loc = locate(root, keyPath, true);
    return { file, ...at(loc.offset), path: pathText(keyPath), message: `unknown key "${issue.keys.join('", "')}"` };
  }
  const loc = locate(root, path);
  let message = issue.message;
  if (!loc.exact && issue.code === 'invalid_type' && issue.input === undefined) {
    message = `missing required key "${String(path[path.length - 1])}"`;
  } else if (issue.code === 'invalid_union' && path[path.length - 1] === 'trigger') {
    message = 'invalid trigger: "on" must be one of pull_request, push, tag, schedule, manual, after, approval, hold';
  }
  return { file, ...at(loc.offset), path: pathText(path), message };
}

/** The source offset of the node at `path`, or of its deepest existing ancestor. */
function locate(root: unknown, path: (string | number)[], wantKey = false): { offset: number; exact: boolean } {
  let node = root as Node | null | undefined;
  let offset = (node as Node | undefined)?.range?.[0] ?? 0;
  for (const [i, seg] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
      if (!pair) return { offset, exact: false };
      const keyNode = pair.key as Node;
      if (last && wantKey) return { offset: keyNode.range?.[0] ?? offset, exact: true };
      const value = pair.value as Node | null;
      offset = value?.range?.[0] ?? keyNode.range?.[0] ?? offset;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return { offset, exact: false };
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return { offset, exact: false };
    }
  }
  return { offset, exact: true };
}

function pathText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
