/**
 * `npm run bench`: synthesis, provider start-up and plan/apply at scale, each beside its floor (issue #8).
 * Prints one table (figure, ours, floor, ratio, target, pass/miss) and, as its LAST line, one JSON object
 * with every figure. Progress goes to stderr.
 *
 * Usage: node scripts/run-ts.mjs bench/main.ts [--only name[,name]] [--quick]
 *
 * Sections are modules (bench/sections/*.ts) listed in bench/sections/index.ts. The interface
 * (bench/support/types.ts):
 *
 *   export const section: Section = {
 *     name: 'reattach',                       // key in the JSON line, and for --only
 *     title: 'Long-lived provider (TF_REATTACH_PROVIDERS)',
 *     async run(ctx: BenchContext): Promise<SectionResult> {
 *       const tf = await ctx.terraform();     // shared bundles + mirror + terraform env (built once)
 *       ...
 *       return { rows: [{ figure, ours, floor, floorLabel, unit: 's', target: '<= 0.8 s', pass }], figures: {...} };
 *     },
 *   };
 *
 * Rows: `ratio` is printed as ours / floor. A section that throws is reported as failed (its error on
 * stderr, `{ error }` in the JSON) and the others still run; the exit code is then 1. Misses of targets do
 * not change the exit code: they are findings, reported in the table and under `misses` in the JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { SECTIONS } from './sections';
import { setUpTerraform, type TerraformSetup } from './support/terraform';
import type { BenchContext, Row, SectionResult } from './support/types';

function parseArgs(argv: string[]): { only?: Set<string>; quick: boolean } {
  let only: Set<string> | undefined;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--only') only = new Set((argv[++i] ?? '').split(',').filter(Boolean));
    else if (arg.startsWith('--only=')) only = new Set(arg.slice(7).split(',').filter(Boolean));
    else throw new Error(`unknown argument ${arg}; usage: bench/main.ts [--only name,...] [--quick]`);
  }
  const known = new Set(SECTIONS.map((s) => s.name));
  for (const name of only ?? []) if (!known.has(name)) throw new Error(`--only: no section "${name}"; sections: ${[...known].join(', ')}`);
  return { only, quick };
}

const fmt = (x: number | undefined, unit?: string): string => {
  if (x === undefined) return '';
  const digits = unit === 'ms' || unit === 'MB' ? 1 : Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 10 ? 2 : 3;
  return x.toFixed(digits);
};

function table(results: { title: string; rows: readonly Row[] }[]): string {
  const header = ['figure', 'unit', 'ours', 'floor', 'ratio', 'target', 'result'];
  const lines: string[][] = [];
  for (const { title, rows } of results) {
    lines.push([`# ${title}`, '', '', '', '', '', '']);
    for (const r of rows) {
      const floor = r.floor === undefined ? '' : `${fmt(r.floor, r.unit)}${r.floorLabel ? ` (${r.floorLabel})` : ''}`;
      const ratio = r.floor ? (r.ours / r.floor).toFixed(2) : '';
      const result = r.pass === undefined ? '' : r.pass ? 'pass' : 'MISS';
      lines.push([r.figure, r.unit, fmt(r.ours, r.unit), floor, ratio, r.target ?? '', result]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.filter((l) => !l[0].startsWith('# ')).map((l) => l[i].length)));
  const pad = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [pad(header), ...lines.map((l) => (l[0].startsWith('# ') ? l[0] : pad(l)))].join('\n');
}

async function main(): Promise<void> {
  const { only, quick } = parseArgs(process.argv.slice(2));
  const root = resolve(process.cwd());
  const work = mkdtempSync(join(tmpdir(), 'bench-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  let setup: Promise<TerraformSetup> | undefined;
  const ctx: BenchContext = {
    root,
    work,
    quick,
    log: (message) => process.stderr.write(`[bench] ${message}\n`),
    terraform: () => (setup ??= setUpTerraform(root, join(work, 'terraform'))),
  };

  const started = Date.now();
  // Other work on the machine shows in every figure: the load average before and after says how much.
  const loadBefore = loadavg()[0];
  const done: { title: string; rows: readonly Row[] }[] = [];
  const sections: Record<string, unknown> = {};
  let failed = false;
  for (const section of SECTIONS) {
    if (only && !only.has(section.name)) continue;
    ctx.log(`${section.name}: ${section.title}`);
    const t0 = Date.now();
    try {
      const result: SectionResult = await section.run(ctx);
      done.push({ title: section.title, rows: result.rows });
      sections[section.name] = result.figures;
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      ctx.log(`${section.name} FAILED: ${message}`);
      done.push({ title: `${section.title} (FAILED)`, rows: [] });
      sections[section.name] = { error: message.split('\n')[0] };
    }
    ctx.log(`${section.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  const misses = done.flatMap((d) => d.rows.filter((r) => r.pass === false).map((r) => r.figure));
  const loadAfter = loadavg()[0];
  console.log(table(done));
  console.log(`load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadAfter.toFixed(2)} on ${cpus().length} CPUs; ${misses.length} target(s) missed`);
  console.log(
    JSON.stringify({
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, quick, loadBefore: Number(loadBefore.toFixed(2)), loadAfter: Number(loadAfter.toFixed(2)) },
      totalSeconds: Math.round((Date.now() - started) / 100) / 10,
      sections,
      misses,
    }),
  );
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
