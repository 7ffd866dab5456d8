/**
 * Spawn timing for the start-up benches (bench/provider-startup.mjs, bench/runtime-libraries.mjs): the
 * milliseconds from spawn to a program's first stdout line (or to its exit), sampled round-robin so that
 * a noisy, shared machine slows every program alike rather than whichever ran during a busy spell.
 */
import { spawn } from 'node:child_process';

/**
 * ms from spawn to the first stdout line (`untilLine`; the child is then killed) or to a clean exit.
 * `check(line)` may throw to reject a wrong first line.
 */
export function spawnTime(command, argv, env, { untilLine = true, check } = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    let out = '';
    let err = '';
    let done = false;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (untilLine && !done && out.includes('\n')) {
        done = true;
        const ms = elapsed();
        child.kill('SIGTERM');
        try {
          check?.(out);
          resolvePromise(ms);
        } catch (error) {
          reject(error);
        }
      }
    });
    child.on('exit', (code) => {
      if (!untilLine) return code === 0 ? resolvePromise(elapsed()) : reject(new Error(`${command} ${argv.join(' ')}: exit ${code}: ${err}`));
      if (!done) reject(new Error(`${command} ${argv.join(' ')} exited (${code}) before printing a line: ${err}`));
    });
  });
}

/**
 * Samples every target `runs` times, round-robin, after one warm-up each (file cache). A target is
 * `{ label, command, args, env: () => env, untilLine, check }`. Returns `{ label, median, p10, p90 }` rows
 * in the targets' order.
 */
export async function sampleInterleaved(targets, runs) {
  const once = (t) => spawnTime(t.command, t.args, t.env(), { untilLine: t.untilLine ?? true, check: t.check });
  for (const t of targets) await once(t);
  const samples = targets.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, t] of targets.entries()) samples[j].push(await once(t));
  }
  return targets.map((t, j) => ({ label: t.label, ...summary(samples[j]) }));
}

export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: pick(0.5), p10: pick(0.1), p90: pick(0.9) };
}
