/**
 * Peak memory of the provider processes terraform starts. terraform hands its environment to providers,
 * so NODE_OPTIONS=--require <hook> reaches every provider's node; the hook appends the process's VmHWM
 * (peak resident set, from /proc/self/status) to a file when the process exits. Providers exit through
 * process.exit on GRPCController/Shutdown, so the 'exit' event fires.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HOOK = `const { appendFileSync, readFileSync } = require('node:fs');
process.on('exit', () => {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name) => Number((status.match(new RegExp('^' + name + ':\\\\s+(\\\\d+)', 'm')) || [])[1] || 0);
    appendFileSync(process.env.BENCH_PEAK_MEMORY_FILE, JSON.stringify({ script: process.argv[1], hwmKB: kb('VmHWM'), heapMB: process.memoryUsage().heapUsed / 2 ** 20 }) + '\\n');
  } catch {}
});
`;

export interface PeakMemory {
  /** Environment to give terraform so that its providers report. */
  readonly env: Record<string, string>;
  /** Peaks (MB) reported since the last call, then forgets them. */
  take(): { processes: number; maxMB: number; byProvider: Record<string, number> };
}

export function peakMemory(dir: string): PeakMemory {
  const hook = join(dir, 'peak-memory-hook.cjs');
  const file = join(dir, 'peak-memory.jsonl');
  writeFileSync(hook, HOOK);
  writeFileSync(file, '');
  return {
    env: { NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${JSON.stringify(hook)}`].filter(Boolean).join(' '), BENCH_PEAK_MEMORY_FILE: file },
    take() {
      const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
      writeFileSync(file, '');
      const byProvider: Record<string, number> = {};
      for (const line of lines) {
        const { script, hwmKB } = JSON.parse(line) as { script: string; hwmKB: number };
        const name = /terraform-provider-([a-z0-9]+)/.exec(script)?.[1] ?? script;
        byProvider[name] = Math.max(byProvider[name] ?? 0, hwmKB / 1024);
      }
      return { processes: lines.length, maxMB: Math.max(0, ...Object.values(byProvider)), byProvider };
    },
  };
}
