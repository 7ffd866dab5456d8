/**
 * Figures 1 and 2: synthesis. The example app as cdktf.json runs it (`node dist/main.js`, compiled by
 * `npm run build`) against the way cdktf's own template runs an app (`npx ts-node main.ts`); and a stack
 * of 500 CprUpdateSetups, bundled the way a compiled app is loaded (lib inline, packages from node_modules).
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { median, round, run, samples } from '../support/stats';
import type { Section } from '../support/types';

/** The app command of cdktf.json, split on spaces (it is a plain `node <file>`). */
function appCommand(root: string): string[] {
  const app: string = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')).app;
  return app.split(/\s+/);
}

/** Files the compiled app loads must not be older than their sources: `npm run bench` builds first. */
function checkBuilt(root: string, log: (m: string) => void): void {
  const compiled = join(root, 'dist/main.js');
  if (!existsSync(compiled)) throw new Error('dist/main.js missing: run `npm run build` (npm run bench does)');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : e.name.endsWith('.ts') ? statSync(join(dir, e.name)).mtimeMs : 0), 0);
  if (Math.max(newest(join(root, 'lib')), statSync(join(root, 'main.ts')).mtimeMs) > statSync(compiled).mtimeMs) {
    log('WARNING: dist/ is older than the sources: the figures are of the last build (`npm run bench` builds first)');
  }
}

export const synthSection: Section = {
  name: 'synth',
  title: 'Synthesis',
  async run(ctx) {
    checkBuilt(ctx.root, ctx.log);
    const runs = ctx.quick ? 3 : 7;
    const setups = ctx.quick ? 50 : 500;
    const out = (name: string) => join(ctx.work, 'synth', name);
    // cdktf synth makes the output directory before it runs the app; so do we.
    const env = (name: string, extra: Record<string, string> = {}) => {
      mkdirSync(out(name), { recursive: true });
      return { ...process.env, CDKTF_OUTDIR: out(name), ...extra };
    };
    const stackFile = (name: string, stack: string) => join(out(name), 'stacks', stack, 'cdk.tf.json');

    const [cmd, ...args] = appCommand(ctx.root);
    ctx.log(`example app: ${[cmd, ...args].join(' ')} x${runs}`);
    const ours = await samples(runs, () => run(cmd === 'node' ? process.execPath : cmd, args, { cwd: ctx.root, env: env('app') }));
    ctx.log(`example app: npx ts-node main.ts x${Math.min(runs, 5)}`);
    const tsNode = await samples(Math.min(runs, 5), () => run('npx', ['ts-node', 'main.ts'], { cwd: ctx.root, env: env('ts-node') }), 1);
    // Both ways must produce the same stack, or the comparison is meaningless.
    if (readFileSync(stackFile('app', 'cpr-update'), 'utf8') !== readFileSync(stackFile('ts-node', 'cpr-update'), 'utf8')) {
      throw new Error('node dist/main.js and ts-node main.ts synthesize different stacks');
    }

    // The many-set-ups app, compiled once, placed inside the project so that packages resolve.
    const bundleDir = join(ctx.root, 'node_modules', '.cache', 'bench');
    mkdirSync(bundleDir, { recursive: true });
    const manyApp = join(bundleDir, `many-setups-${process.pid}.js`);
    process.on('exit', () => rmSync(manyApp, { force: true }));
    await build({ entryPoints: [join(ctx.root, 'bench/fixtures/many-setups.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', outfile: manyApp, logLevel: 'warning' });
    ctx.log(`${setups} CprUpdateSetups x${Math.min(runs, 5)}`);
    const many = await samples(Math.min(runs, 5), () => run(process.execPath, [manyApp], { cwd: ctx.root, env: env('many', { SETUPS: String(setups) }) }));
    const manyStack = JSON.parse(readFileSync(stackFile('many', 'many'), 'utf8'));
    const clients = Object.keys(manyStack.resource?.workzone_oauth_client ?? {}).length;
    if (clients !== setups) throw new Error(`the ${setups}-set-up stack holds ${clients} workzone_oauth_client resources`);

    const oursMedian = median(ours);
    const tsNodeMedian = median(tsNode);
    const manyMedian = median(many);
    return {
      rows: [
        { figure: `example app synth (node dist/main.js, median of ${runs})`, ours: oursMedian, floor: tsNodeMedian, floorLabel: 'ts-node', unit: 's', target: '<= 0.5 s', pass: oursMedian <= 0.5 },
        { figure: 'example app: ts-node time / ours', ours: tsNodeMedian / oursMedian, unit: 'x', target: '>= 10x', pass: tsNodeMedian / oursMedian >= 10 },
        { figure: `${setups} CprUpdateSetups synth (median of ${many.length})`, ours: manyMedian, unit: 's', target: '<= 3 s', pass: manyMedian <= 3 },
      ],
      figures: {
        exampleAppMedianS: round(oursMedian),
        exampleAppSamplesS: ours.map((s) => round(s)),
        tsNodeMedianS: round(tsNodeMedian),
        tsNodeSamplesS: tsNode.map((s) => round(s)),
        speedupVsTsNode: round(tsNodeMedian / oursMedian, 1),
        manySetups: setups,
        manySetupsMedianS: round(manyMedian),
        manySetupsSamplesS: many.map((s) => round(s)),
      },
    };
  },
};
