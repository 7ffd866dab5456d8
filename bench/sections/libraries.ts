/**
 * Why the plugin runtime is hand-written (docs/decisions/0001-hand-written-plugin-runtime.md): the start-up
 * that @grpc/grpc-js, @grpc/proto-loader and a certificate library would each add to a provider, beside what
 * our whole runtime adds, over a bare `node -e 0`. The measuring is bench/runtime-libraries.mjs (also usable
 * alone); this section runs it and reads its JSON line.
 */
import { join } from 'node:path';
import { run } from '../support/stats';
import type { Row, Section } from '../support/types';

interface LibrariesJson {
  runs: number;
  nodeMedianMs: number;
  rows: { label: string; medianMs: number; p10Ms: number; p90Ms: number; addedMs: number }[];
}

export const librariesSection: Section = {
  name: 'libraries',
  title: 'Start-up added by gRPC and certificate libraries vs our runtime (over node -e 0)',
  async run(ctx) {
    const runs = ctx.quick ? 5 : 20;
    ctx.log(`spawn → first line x${runs}, round-robin, for node -e 0, our runtime and each library`);
    const out = await run(process.execPath, [join(ctx.root, 'bench/runtime-libraries.mjs'), '--runs', String(runs)], { cwd: ctx.root });
    const json: LibrariesJson = JSON.parse(out.trim().split('\n').pop()!);
    const [floor, ...rest] = json.rows;
    const rows: Row[] = rest.map((r) => ({
      figure: `${r.label}, median of ${runs} (added ${r.addedMs} ms)`,
      ours: r.medianMs,
      floor: floor!.medianMs,
      floorLabel: 'node -e 0',
      unit: 'ms' as const,
    }));
    return { rows, figures: json as unknown as Record<string, unknown> };
  },
};
