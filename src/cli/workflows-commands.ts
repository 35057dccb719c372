// `lanes workflows check | scaffold`: the workflow contract, offline. check reads .github/workflows/*.yml|yaml
// under --repo-dir and exits 1 on drift (errors), 0 when clean (warnings allowed), 2 on usage errors or a
// catalog that does not load — so it can run as a step in the user's own CI.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { formatCatalogError, loadCatalogFile } from '../catalog/load-catalog.ts';
import type { Catalog } from '../catalog/catalog-schema.ts';
import {
  checkWorkflowContract,
  DEFAULT_MAX_INPUTS,
  parseWorkflowFile,
  type ParsedWorkflow,
} from '../catalog/workflow-contract.ts';
import { scaffoldWorkflow } from '../catalog/workflow-scaffold.ts';

const WORKFLOWS_DIR = '.github/workflows';

function usage(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 2;
}

function loadCatalog(file: string): Catalog | undefined {
  const r = loadCatalogFile(file);
  if (r.ok) return r.catalog;
  for (const e of r.errors) process.stderr.write(`${formatCatalogError(e)}\n`);
  usage(`lanes workflows: the catalog ${file} does not load`);
  return undefined;
}

/** Every .yml/.yaml file directly under <repoDir>/.github/workflows, parsed. */
export function readWorkflowFiles(repoDir: string): ParsedWorkflow[] {
  const dir = path.join(repoDir, WORKFLOWS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && statSync(path.join(dir, f)).isFile())
    .sort()
    .map((f) => parseWorkflowFile(readFileSync(path.join(dir, f), 'utf8'), `${WORKFLOWS_DIR}/${f}`));
}

interface CheckFlags {
  repoDir: string;
  catalog?: string;
  json?: boolean;
  repository?: string;
  gateStepEnv?: string;
  maxInputs?: string;
}

export function registerWorkflowsCommands(program: Command): void {
  const wf = program
    .command('workflows')
    .description('the contract between lanes.yaml and .github/workflows (offline)');

  wf.command('check')
    .description('report drift between the catalog and the workflow files; exit 1 on drift, 0 when clean')
    .option('--repo-dir <dir>', 'repository checkout to read .github/workflows from', '.')
    .option('--catalog <file>', 'catalog file (default $LANES_CATALOG or <repo-dir>/lanes.yaml)')
    .option(
      '--repository <owner/name>',
      'check only the workflows of this repository (multi-repository catalogs)',
    )
    .option(
      '--gate-step-env <envs>',
      "comma-separated GitHub environments (globs) whose gated jobs must run the gate step (default: from the catalog's enforcement per environment)",
    )
    .option(
      '--max-inputs <n>',
      `workflow_dispatch input limit (default ${DEFAULT_MAX_INPUTS}; 10 on older GHES)`,
    )
    .option('--json', 'print JSON')
    .action((o: CheckFlags) => {
      if (!existsSync(o.repoDir) || !statSync(o.repoDir).isDirectory())
        return usage(`lanes workflows check: --repo-dir ${o.repoDir} is not a directory`);
      const maxInputs = o.maxInputs === undefined ? undefined : Number(o.maxInputs);
      if (maxInputs !== undefined && (!Number.isInteger(maxInputs) || maxInputs < 1))
        return usage('lanes workflows check: --max-inputs must be a positive integer');
      const file = o.catalog ?? process.env.LANES_CATALOG ?? path.join(o.repoDir, 'lanes.yaml');
      const c = loadCatalog(file);
      if (!c) return;
      const drifts = checkWorkflowContract(c, readWorkflowFiles(o.repoDir), {
        ...(o.repository !== undefined ? { repository: o.repository } : {}),
        ...(o.gateStepEnv
          ? {
              gateStepEnvironments: o.gateStepEnv
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : {}),
        ...(maxInputs !== undefined ? { maxInputs } : {}),
      });
      const errors = drifts.filter((d) => d.severity === 'error').length;
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ ok: errors === 0, catalog: file, drifts }, null, 2)}\n`);
      } else {
        for (const d of drifts)
          process.stdout.write(`${d.severity}: ${d.workflow} ${d.kind}: ${d.message}\n`);
        const checked = c.workflows.length;
        process.stdout.write(
          errors === 0
            ? `${checked} workflows match ${file}${drifts.length ? ` (${drifts.length} warnings)` : ''}\n`
            : `${errors} drift error${errors === 1 ? '' : 's'} between ${file} and ${path.join(o.repoDir, WORKFLOWS_DIR)}\n`,
        );
      }
      if (errors > 0) process.exitCode = 1;
    });

  wf.command('scaffold')
    .argument('<workflow>', 'catalog workflow id (WF-xx)')
    .description(
      'print a starting workflow file: triggers, dispatch inputs, environments, gate and evidence steps',
    )
    .option('--catalog <file>', 'catalog file (default $LANES_CATALOG or lanes.yaml)')
    .action((id: string, o: { catalog?: string }) => {
      const c = loadCatalog(o.catalog ?? process.env.LANES_CATALOG ?? 'lanes.yaml');
      if (!c) return;
      const text = scaffoldWorkflow(c, id);
      if (text === undefined)
        return usage(
          `lanes workflows scaffold: no workflow ${id} in the catalog (${c.workflows.map((w) => w.id).join(', ')})`,
        );
      process.stdout.write(text);
    });
}
