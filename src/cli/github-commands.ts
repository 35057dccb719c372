// `lanes github manifest | exchange`: register the Lanes GitHub App from a manifest and keep its credentials.
// Offline except for exchange (one unauthenticated POST to GitHub). Secrets are written to the data dir and
// never printed; exit 2 for usage errors, 1 for a refused exchange.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  buildAppManifest,
  manifestFormAction,
  manifestFormHtml,
  PERMISSIONS,
} from '../github/app-manifest.ts';
import {
  credentialsPath,
  exchangeManifestCode,
  saveStoredApp,
  summariseApp,
} from '../github/manifest-exchange.ts';

function usage(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 2;
}

interface ManifestFlags {
  url?: string;
  name?: string;
  org?: string;
  html?: boolean;
  githubUrl?: string;
  redirectUrl?: string;
  explain?: boolean;
}

interface ExchangeFlags {
  apiUrl?: string;
  data?: string;
  force?: boolean;
  json?: boolean;
}

export function registerGitHubCommands(program: Command): void {
  const gh = program.command('github').description('connect Lanes to GitHub (App manifest flow)');

  gh.command('manifest')
    .description('print the GitHub App manifest with exactly the permissions and events Lanes uses')
    .option('--url <base>', 'public base URL of the Lanes server (default $LANES_PUBLIC_URL)')
    .option('--name <name>', 'App name (unique on GitHub, at most 34 characters)')
    .option('--org <org>', 'register the App under this organisation (with --html)')
    .option('--html', 'print an HTML page whose form posts the manifest to GitHub')
    .option(
      '--github-url <url>',
      'GitHub web URL for --html (GitHub Enterprise Server host)',
      'https://github.com',
    )
    .option('--redirect-url <url>', 'where GitHub sends the browser with ?code= after creating the App')
    .option('--explain', 'print each permission and why Lanes needs it')
    .action((o: ManifestFlags) => {
      const baseUrl = o.url ?? process.env.LANES_PUBLIC_URL;
      if (!baseUrl)
        return usage('lanes github manifest: --url <public base url> (or LANES_PUBLIC_URL) is required');
      const r = buildAppManifest({
        baseUrl,
        ...(o.name !== undefined ? { name: o.name } : {}),
        ...(o.redirectUrl !== undefined ? { redirectUrl: o.redirectUrl } : {}),
      });
      if (!r.ok) return usage(r.errors.map((e) => `lanes github manifest: ${e}`).join('\n'));
      if (o.explain) {
        for (const [k, v] of Object.entries(PERMISSIONS))
          process.stdout.write(`${k.padEnd(14)} ${v.level.padEnd(6)} ${v.why}\n`);
        process.stdout.write(`events: ${r.manifest.default_events.join(', ')}\n`);
        return;
      }
      if (o.html) {
        const form = {
          state: randomBytes(16).toString('hex'),
          ...(o.githubUrl !== undefined ? { githubUrl: o.githubUrl } : {}),
          ...(o.org !== undefined ? { org: o.org } : {}),
        };
        try {
          manifestFormAction(form);
        } catch (e) {
          return usage(`lanes github manifest: ${e instanceof Error ? e.message : String(e)}`);
        }
        process.stdout.write(manifestFormHtml(r.manifest, form));
        return;
      }
      process.stdout.write(`${JSON.stringify(r.manifest, null, 2)}\n`);
    });

  gh.command('exchange')
    .argument('<code>', 'the ?code= GitHub appended to the redirect URL (valid for one hour)')
    .description('trade the manifest code for the App credentials; store them (0600) under the data dir')
    .option('--api-url <url>', 'GitHub API URL (default $LANES_GITHUB_API_URL or https://api.github.com)')
    .option('--data <dir>', 'data directory (default $LANES_DATA_DIR or .lanes-data)')
    .option('--force', 'replace an existing credentials file')
    .option('--json', 'print JSON')
    .action(async (code: string, o: ExchangeFlags) => {
      const apiUrl = o.apiUrl ?? process.env.LANES_GITHUB_API_URL ?? 'https://api.github.com';
      const dataDir = o.data ?? process.env.LANES_DATA_DIR ?? '.lanes-data';
      // Check before the code is spent: once exchanged, the key exists only in this process.
      if (existsSync(credentialsPath(dataDir)) && o.force !== true)
        return usage(
          `lanes github exchange: ${credentialsPath(dataDir)} already exists (another App's key); pass --force to replace it`,
        );
      const r = await exchangeManifestCode(code, { apiUrl });
      if (!r.ok) {
        if (r.status === 0 && !r.retryable) return usage(`lanes github exchange: ${r.message}`);
        process.stderr.write(`lanes github exchange: GitHub refused the code: ${r.message}\n`);
        if (r.status === 404) process.stderr.write('(codes are single-use and expire after one hour)\n');
        process.exitCode = 1;
        return;
      }
      const saved = saveStoredApp(dataDir, r.data, o.force === true);
      if (!saved.ok) {
        // The App now exists on GitHub but its key is only in this process: say so plainly.
        process.stderr.write(
          `lanes github exchange: ${saved.message}\nThe App ${r.data.slug} (id ${r.data.appId}) was created; generate a new private key in its settings if this one is lost.\n`,
        );
        process.exitCode = 1;
        return;
      }
      const summary = { ...summariseApp(r.data), file: saved.file };
      if (o.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `GitHub App ${summary.slug} (id ${summary.appId}, client id ${summary.clientId}) stored in ${saved.file} (mode 0600)\n` +
          `Install it on your repositories: ${summary.htmlUrl ?? 'https://github.com/apps/' + summary.slug}/installations/new\n`,
      );
    });
}
