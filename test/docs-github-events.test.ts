// docs/connect-github.md names the webhook events twice: the App's events (section 2) and the events to tick
// on a repository webhook (section 3). Both stay equal to what Lanes really subscribes to and accepts: the
// manifest `lanes github manifest` prints (the compiled CLI, as a reader runs it) and the normaliser's
// SUPPORTED_EVENTS. A repository webhook cannot subscribe to deployment_protection_rule (GitHub Apps only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_EVENTS } from '../src/github/normalise-event.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(`${ROOT}docs/connect-github.md`, 'utf8');

/** GitHub's labels on a repository webhook's "Let me select individual events" list. */
const REPOSITORY_LABELS: Record<string, string> = {
  'Check runs': 'check_run',
  'Branch or tag creation': 'create',
  'Branch or tag deletion': 'delete',
  Deployments: 'deployment',
  'Deployment reviews': 'deployment_review',
  'Deployment statuses': 'deployment_status',
  'Pull requests': 'pull_request',
  Pushes: 'push',
  Releases: 'release',
  'Workflow jobs': 'workflow_job',
  'Workflow runs': 'workflow_run',
};

/** The text of one bullet (`- <lead>…`) up to the next bullet or blank line, joined on one line. */
function bullet(lead: string): string {
  const start = DOC.indexOf(`\n- ${lead}`);
  assert.ok(start >= 0, `docs/connect-github.md has a "- ${lead}" bullet`);
  const rest = DOC.slice(start + 1);
  const end = rest.search(/\n(?:- |\n)/);
  return (end < 0 ? rest : rest.slice(0, end)).replace(/\s*\n\s*/g, ' ');
}

function manifestEvents(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/lanes.js', 'github', 'manifest', '--url', 'https://lanes.example.com'],
      { cwd: ROOT, timeout: 60_000 },
      (err, stdout) => {
        if (err) return reject(err);
        resolve((JSON.parse(stdout) as { default_events: string[] }).default_events);
      },
    );
  });
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

void test('the App events in the doc are the manifest’s events and the normaliser’s', async () => {
  const text = bullet('Events:');
  const listed = [...text.split(' — ')[0]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
  assert.deepEqual(sorted(listed), sorted(await manifestEvents()), text);
  assert.deepEqual(sorted(listed), sorted(SUPPORTED_EVENTS));
});

void test('the repository webhook events in the doc: every accepted event but the App-only protection rule', () => {
  const text = bullet('**Which events**');
  const labels = text
    .split('→')[1]!
    .split('.')[0]!
    .split(',')
    .map((l) => l.trim());
  for (const l of labels)
    assert.ok(REPOSITORY_LABELS[l], `"${l}" is a GitHub repository-webhook event label`);
  assert.deepEqual(
    sorted(labels.map((l) => REPOSITORY_LABELS[l]!)),
    sorted(SUPPORTED_EVENTS.filter((e) => e !== 'deployment_protection_rule')),
    text,
  );
});
