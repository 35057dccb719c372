// Offline catalog commands: validate, summary, explain, schema. They read the YAML file directly.
import type { Command } from 'commander';
import { loadCatalogFile, formatCatalogError, type CatalogError } from '../catalog/load-catalog.ts';
import { catalogJsonSchema, type Catalog } from '../catalog/catalog-schema.ts';
import { summarizeCatalog } from '../core/catalog-summary.ts';
import { explainRef, type RefEvent } from '../core/branch-policy.ts';

export const DEFAULT_CATALOG = process.env.LANES_CATALOG ?? 'lanes.yaml';

function reportErrors(file: string, errors: CatalogError[]): void {
  for (const e of errors) process.stderr.write(`${formatCatalogError(e)}\n`);
  process.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${file}\n`);
}

/** Load and validate, or print every error (file:line:column) and return undefined with exit code 1. */
function load(file: string): Catalog | undefined {
  const r = loadCatalogFile(file);
  if (!r.ok) {
    reportErrors(file, r.errors);
    process.exitCode = 1;
    return undefined;
  }
  return r.catalog;
}

export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('work with the lanes.yaml catalog (offline)');

  catalog
    .command('validate')
    .argument('[file]', 'catalog file', DEFAULT_CATALOG)
    .option('--json', 'print JSON')
    .description('validate the catalog; exit 1 with every error (file:line:column)')
    .action((file: string, opts: { json?: boolean }) => {
      const r = loadCatalogFile(file);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(r.ok ? { ok: true, file } : { ok: false, errors: r.errors }, null, 2)}\n`,
        );
        if (!r.ok) process.exitCode = 1;
        return;
      }
      if (!r.ok) {
        reportErrors(file, r.errors);
        process.exitCode = 1;
        return;
      }
      const c = r.catalog;
      process.stdout.write(
        `${file}: ok (${c.lanes.length} lanes, ${c.workflows.length} workflows, ${c.gates.length} gates, ${c.seats.length} seats)\n`,
      );
    });

  catalog
    .command('summary')
    .argument('[file]', 'catalog file', DEFAULT_CATALOG)
    .option('--json', 'print JSON')
    .description('counts derived from the lane definitions')
    .action((file: string, opts: { json?: boolean }) => {
      const c = load(file);
      if (!c) return;
      const s = summarizeCatalog(c);
      if (opts.json) process.stdout.write(`${JSON.stringify(s)}\n`);
      else
        process.stdout.write(
          `Automated ${s.automated}\nManual    ${s.manual}\nProd      ${s.prod}\nRollback  ${s.rollback}\n`,
        );
    });

  catalog
    .command('explain')
    .argument('<ref>', 'branch or tag (feature/x, main, v1.4.0, refs/tags/v1.4.0)')
    .option('-f, --file <file>', 'catalog file', DEFAULT_CATALOG)
    .option('--event <event>', 'pull_request | push | tag (inferred when omitted)')
    .option('--changed <path...>', 'changed paths')
    .option('--migrations', 'the release includes migrations')
    .option('--json', 'print JSON')
    .description('which lanes apply to a ref, in order, and which gates block it')
    .action(
      (
        ref: string,
        opts: { file: string; event?: string; changed?: string[]; migrations?: boolean; json?: boolean },
      ) => {
        if (opts.event && !['pull_request', 'push', 'tag'].includes(opts.event)) {
          process.stderr.write(`--event must be pull_request, push or tag (got ${opts.event})\n`);
          process.exitCode = 2;
          return;
        }
        const c = load(opts.file);
        if (!c) return;
        const e = explainRef(c, {
          ref,
          event: opts.event as RefEvent | undefined,
          changed: opts.changed ?? [],
          migrations: opts.migrations === true,
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(e, null, 2)}\n`);
          return;
        }
        const out: string[] = [
          `${e.ref} (${e.event}) — branch policy: ${e.rules.join(', ') || 'no rule matches'}`,
        ];
        if (e.lanes.length === 0) out.push('  no lanes apply');
        let n = 1;
        for (const s of e.steps) {
          switch (s.kind) {
            case 'lane':
              out.push(`  ${n++}. ${s.lane} ${s.name}  (${s.why})`);
              break;
            case 'hold':
              out.push(`     hold ${s.duration} after ${s.after} before ${s.before}`);
              break;
            case 'gates':
              out.push(`     gate ${s.phase}: ${s.gates.join(', ')} — blocks ${s.blocks}`);
              break;
          }
        }
        for (const s of e.skipped) out.push(`  skipped ${s.lane}: ${s.why}`);
        process.stdout.write(`${out.join('\n')}\n`);
      },
    );

  catalog
    .command('schema')
    .description('print the JSON Schema of lanes.yaml (for yaml-language-server and editors)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(catalogJsonSchema(), null, 2)}\n`);
    });
}
