// lanes.yaml → Catalog. YAML is parsed with source positions so that every error, whether from the
// YAML syntax, the zod schema or the cross-reference rules, names file:line:column.
import { readFileSync } from 'node:fs';
import {
  LineCounter,
  parseDocument,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  visit,
  type ErrorCode,
  type Node,
} from 'yaml';
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

export type CatalogResult =
  { ok: true; catalog: Catalog; source: string } | { ok: false; errors: CatalogError[] };

export function formatCatalogError(e: CatalogError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

export function loadCatalogFile(file: string): CatalogResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    const why: Record<string, string> = {
      ENOENT: 'no such file',
      EISDIR: 'is a directory',
      EACCES: 'permission denied',
    };
    const message = `cannot read catalog: ${why[code] ?? code}`;
    return { ok: false, errors: [{ file, line: 1, column: 1, path: '', message }] };
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
      errors: sortErrors(
        doc.errors.map((err) => ({
          file,
          ...at(err.pos[0]),
          path: '',
          message: yamlErrorMessage(err.code, err.message, text.slice(err.pos[0])),
        })),
      ),
    };
  }
  // Aliases to anchors that do not exist (or are defined later) and collection keys are not syntax errors
  // for the parser, but would throw or warn while converting; report them with their position instead.
  const structureErrors: CatalogError[] = [];
  visit(doc, {
    Pair(_key, pair) {
      // A mapping or sequence used as a key (`? [a, b]: x`, `{a: 1}: x`, or an alias to one) has no place
      // in a catalog.
      const key: unknown = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (
        key !== null &&
        key !== undefined &&
        (!isScalar(key) || (typeof key.value === 'object' && key.value !== null))
      ) {
        structureErrors.push({
          file,
          ...at((pair.key as Node).range?.[0] ?? 0),
          path: '',
          message: 'keys must be plain strings, not mappings or sequences',
        });
        return visit.SKIP;
      }
      return undefined;
    },
    Alias(_key, node) {
      if (!node.resolve(doc)) {
        structureErrors.push({
          file,
          ...at(node.range?.[0] ?? 0),
          path: '',
          message: `unknown alias *${node.source} (the anchor must be defined before it is used)`,
        });
      }
    },
  });
  if (structureErrors.length > 0) return { ok: false, errors: sortErrors(structureErrors) };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, errors: [{ file, line: 1, column: 1, path: '', message: firstLine(message) }] };
  }
  if (raw === null || raw === undefined) {
    return { ok: false, errors: [{ file, line: 1, column: 1, path: '', message: 'catalog is empty' }] };
  }
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) => zodIssueToErrors(issue, doc.contents, file, at));
    return { ok: false, errors: sortErrors(errors) };
  }
  const refIssues = validateReferences(parsed.data);
  if (refIssues.length > 0) {
    return {
      ok: false,
      errors: sortErrors(
        refIssues.map((i) => ({
          file,
          ...at(locate(doc.contents, i.path).offset),
          path: pathText(i.path),
          message: i.message,
        })),
      ),
    };
  }
  return { ok: true, catalog: parsed.data, source: file };
}

function yamlErrorMessage(code: ErrorCode, message: string, source: string): string {
  if (code === 'DUPLICATE_KEY') {
    // `source` starts at the repeated key: take the key text up to its ":".
    const key = /^\s*("[^"]*"|'[^']*'|[^:,{}\n]+?)\s*:/.exec(source)?.[1]?.replace(/^["']|["']$/g, '');
    return key ? `duplicate key "${key}"` : 'duplicate key';
  }
  if (code === 'MULTIPLE_DOCS') return 'a catalog is a single YAML document (found a second one)';
  return firstLine(message);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function sortErrors(errors: CatalogError[]): CatalogError[] {
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}

const TRIGGER_KINDS = 'pull_request, push, tag, schedule, manual, after, approval, hold';

function zodIssueToErrors(
  issue: z.core.$ZodIssue,
  root: unknown,
  file: string,
  at: (offset: number) => { line: number; column: number },
): CatalogError[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    // One error per unknown key, each at its own position.
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      const loc = locate(root, keyPath, true);
      return { file, ...at(loc.offset), path: pathText(keyPath), message: `unknown key "${key}"` };
    });
  }
  const loc = locate(root, path);
  let message = issue.message;
  if (issue.code === 'invalid_union' && path[path.length - 1] === 'on') {
    // A discriminated union (the lane trigger) whose "on" is missing or not one of the options.
    message = loc.exact
      ? `unknown trigger "${String(valueAt(root, path))}": "on" must be one of ${TRIGGER_KINDS}`
      : `missing required key "on" (one of ${TRIGGER_KINDS})`;
  } else if (!loc.exact && issue.code === 'invalid_type' && issue.input === undefined) {
    message = `missing required key "${String(path[path.length - 1])}"`;
  } else if (issue.code === 'invalid_union' && path[path.length - 1] === 'trigger') {
    message = `invalid trigger: "on" must be one of ${TRIGGER_KINDS}`;
  }
  return [{ file, ...at(loc.offset), path: pathText(path), message }];
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let node = root as Node | null | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      node = pair?.value as Node | null | undefined;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg] as Node | undefined;
    } else return undefined;
  }
  return isScalar(node) ? node.value : undefined;
}

/** The source offset of the node at `path`, or of its deepest existing ancestor. */
function locate(
  root: unknown,
  path: (string | number)[],
  wantKey = false,
): { offset: number; exact: boolean } {
  let node = root as Node | null | undefined;
  let offset = (node as Node | undefined)?.range?.[0] ?? 0;
  for (const [i, seg] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
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
