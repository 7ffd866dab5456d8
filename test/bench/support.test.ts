/**
 * The bench's own measuring parts: the median, and the NODE_OPTIONS exit hook that reports a provider
 * process's peak memory (bench/support/peak-memory.ts), on real child processes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakMemory } from '../../bench/support/peak-memory';
import { median } from '../../bench/support/stats';

describe('median', () => {
  it('takes the middle sample, or the mean of the two middle ones, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it('refuses no samples', () => {
    expect(() => median([])).toThrow('median of no samples');
  });
});

describe('peakMemory', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'bench-peak-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const runNode = (script: string, code: string, env: Record<string, string>) =>
    execFileSync(process.execPath, ['-e', code, script], { env: { ...process.env, ...env }, stdio: 'pipe' });

  it('reports the peak resident set of each exiting node process, by provider name, once', () => {
    const memory = peakMemory(dir);
    // A "provider" that holds ~120 MB for a moment, and one that stays small.
    runNode('/x/terraform-provider-big_v1', 'const b = Buffer.alloc(120 * 2 ** 20, 1); process.exitCode = b[0] === 1 ? 0 : 1;', memory.env);
    runNode('/x/terraform-provider-small_v1', 'process.exit(0)', memory.env);
    const first = memory.take();
    expect(first.processes).toBe(2);
    expect(first.byProvider.big).toBeGreaterThan(120);
    expect(first.byProvider.small).toBeLessThan(first.byProvider.big - 100);
    expect(first.maxMB).toBe(first.byProvider.big);
    expect(memory.take()).toEqual({ processes: 0, maxMB: 0, byProvider: {} });
  });
});
