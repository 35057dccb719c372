// Preloaded into a server by bench/profile-startup.ts (`node --import ./bench/mem-probe.mjs`): samples
// process.memoryUsage() and the V8 heap spaces every 100 ms, keeps the peak of each figure, and on SIGUSR2
// writes the latest and the peaks (and, with LANES_MEM_SNAPSHOT=1, a heap snapshot) to $LANES_MEM_PROBE.
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import v8 from 'node:v8';

const file = process.env.LANES_MEM_PROBE;
if (file) {
  const peak = {};
  const sample = () => {
    const mu = process.memoryUsage();
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]),
    );
    const flat = { ...mu };
    for (const [k, v] of Object.entries(spaces)) {
      flat[`${k}.size`] = v.size;
      flat[`${k}.used`] = v.used;
    }
    for (const [k, v] of Object.entries(flat)) peak[k] = Math.max(peak[k] ?? 0, v);
    return { memoryUsage: mu, spaces, heap: v8.getHeapStatistics() };
  };
  setInterval(sample, 100).unref();
  // Garbage collections by kind: how many, and their total pause (ms).
  const gc = {};
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const k = kinds[e.detail?.kind] ?? 'other';
      gc[k] ??= { count: 0, ms: 0 };
      gc[k].count++;
      gc[k].ms += e.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    const latest = sample();
    let snapshot;
    if (process.env.LANES_MEM_SNAPSHOT === '1') snapshot = v8.writeHeapSnapshot(`${file}.heapsnapshot`);
    writeFileSync(file, JSON.stringify({ latest, peak, gc, snapshot }));
  });
}
