/**
 * Figure 3: provider spawn-to-handshake, median of 30, against a bare `node -e 0` (the floor). The
 * measuring is bench/provider-startup.mjs (also usable alone); this section runs it on the bundles the
 * bench built and reads its JSON line.
 */
import { join } from 'node:path';
import { PROVIDERS } from '../support/terraform';
import { run } from '../support/stats';
import type { Row, Section } from '../support/types';

interface StartupJson {
  runs: number;
  nodeMedianMs: number;
  rows: { label: string; medianMs: number; p10Ms: number; p90Ms: number }[];
}

const TARGET_MS = 150;

export const startupSection: Section = {
  name: 'startup',
  title: 'Provider start-up (spawn to handshake line)',
  async run(ctx) {
    const tf = await ctx.terraform();
    const runs = ctx.quick ? 5 : 30;
    const bundles = PROVIDERS.map((name) => join(tf.bundles, `terraform-provider-${name}.js`));
    ctx.log(`spawn → handshake x${runs} for node -e 0 and ${PROVIDERS.join(', ')}`);
    const out = await run(process.execPath, [join(ctx.root, 'bench/provider-startup.mjs'), '--runs', String(runs), ...bundles], { cwd: ctx.root });
    const json: StartupJson = JSON.parse(out.trim().split('\n').pop()!);
    const [floor, ...rest] = json.rows;
    const providers = json.rows.filter((r) => r.label.includes('terraform-provider-'));
    const rows: Row[] = [
      ...rest.filter((r) => !providers.includes(r)).map((r) => ({ figure: `${r.label}, median of ${runs}`, ours: r.medianMs, unit: 'ms' as const })),
      ...providers.map((r) => ({
        figure: `${r.label.replace(/^.*\//, '').replace(/\.js$/, '')}, median of ${runs} (p90 ${r.p90Ms})`,
        ours: r.medianMs,
        floor: floor.medianMs,
        floorLabel: floor.label.includes('CA_CERTS set') ? 'node -e 0, extra CA set' : 'node -e 0',
        unit: 'ms' as const,
        target: `<= ${TARGET_MS} ms`,
        pass: r.medianMs <= TARGET_MS,
      })),
    ];
    return {
      rows,
      figures: {
        runs,
        nodeMedianMs: floor.medianMs,
        floorLabel: floor.label,
        rows: json.rows.map((r) => ({ ...r, label: r.label.replace(/^.*\//, '') })),
        targetMs: TARGET_MS,
      },
    };
  },
};
