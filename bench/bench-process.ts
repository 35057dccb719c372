// Child processes for the benchmarks: each server runs alone in its own process (the load generator
// stays in the parent), and its peak RSS is read from /proc/<pid>/status (VmHWM).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

export interface ServerChild {
  child: ChildProcess;
  url: string;
  pid: number;
  /** Peak resident set size so far, in MB (VmHWM), or null when /proc is not available. */
  peakRssMb(): number | null;
  stop(): Promise<void>;
}

export function readVmHwmMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

export async function startServerChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { readyTimeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<ServerChild> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...args], {
    env: { ...process.env, ...env },
    // stdout is read too: `lanes up` announces itself in its JSON log there (drained throughout)
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start: ${err.slice(-2000)}`)),
      opts.readyTimeoutMs ?? 60_000,
    );
    let ready = false;
    const onData = (b: Buffer) => {
      if (ready) return;
      err += b.toString();
      if (err.length > 100_000) err = err.slice(-20_000);
      const m = /serving (http:\/\/[^\s"]+)/.exec(err);
      if (m?.[1]) {
        ready = true;
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (${code ?? signal}): ${err.slice(-2000)}`));
    });
  });
  const pid = child.pid ?? 0;
  return {
    child,
    url,
    pid,
    peakRssMb: () => readVmHwmMb(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
