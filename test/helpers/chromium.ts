// The Chromium the browser tests drive, on any machine with Node.js and npm: `LANES_CHROMIUM` when set,
// else a system Chromium at /usr/bin/chromium (Debian's package, what CI installs), else the headless
// Chromium shipped inside the @sparticuz/chromium npm package (unpacked to the OS temp directory on first
// use). `LANES_CHROMIUM=npm` forces the packaged one, to prove that path on a machine that has both.
// Every test launches it the same way: headless, no sandbox (containers run us as root), no GPU, and no
// background traffic (updates, sync, first-run pages) that could make a test slow or flaky.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ChromiumChoice {
  path: string;
  source: 'LANES_CHROMIUM' | 'system' | '@sparticuz/chromium';
}

/** Which Chromium binary to run (see the header for the order). */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const wanted = env.LANES_CHROMIUM?.trim();
  if (wanted && wanted !== 'npm') {
    if (!existsSync(wanted)) throw new Error(`LANES_CHROMIUM=${wanted}: no such file`);
    return { path: wanted, source: 'LANES_CHROMIUM' };
  }
  if (!wanted && existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'system' };
  // Imported lazily: unpacking the packaged binary costs a second or two, only paid when it is used.
  const packaged = (await import('@sparticuz/chromium')).default;
  return { path: await packaged.executablePath(), source: '@sparticuz/chromium' };
}

/** Launch the resolved Chromium, headless, with CHROMIUM_ARGS. */
export async function launchChromium(): Promise<Browser> {
  const { path } = await resolveChromium();
  return chromium.launch({ executablePath: path, args: CHROMIUM_ARGS, headless: true });
}
