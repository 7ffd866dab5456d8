/**
 * Figures 4 and 6: plan, apply, no-change plan and destroy with 1, 10, 100 and 500 workzone_oauth_client
 * resources against the WorkZone emulator, each beside the same count of built-in terraform_data (the
 * floor: terraform's own cost, no provider process, no HTTP); and the providers' peak memory (VmHWM of
 * every workzone provider process terraform started, see bench/support/peak-memory.ts).
 *
 * Each count runs the cycle init, plan (creates), apply, plan -detailed-exitcode (no change, with
 * refresh), destroy, in a fresh working directory; small counts repeat the cycle and report medians.
 */
import { startWorkZoneEmulator } from '../../lib/emulators/workzone';
import { peakMemory } from '../support/peak-memory';
import { oauthClientsConfig, terraformDataConfig } from '../support/configs';
import { median, round } from '../support/stats';
import { COMMANDS, type BenchWorkdir } from '../support/terraform';
import type { Row, Section } from '../support/types';

type Step = keyof typeof COMMANDS;
const STEPS: readonly Step[] = ['plan', 'apply', 'noChangePlan', 'destroy'];
const STEP_LABEL: Record<Step, string> = { plan: 'plan', apply: 'apply', noChangePlan: 'no-change plan', destroy: 'destroy' };

/** Cycles per count: medians where cheap, one cycle where a cycle takes many seconds. */
const cyclesFor = (count: number, quick: boolean) => (quick ? 1 : count === 1 ? 5 : count <= 10 ? 3 : count <= 100 ? 2 : 1);

async function cycle(w: BenchWorkdir, extraEnv: NodeJS.ProcessEnv = {}): Promise<Record<Step, number>> {
  const out = {} as Record<Step, number>;
  for (const step of STEPS) out[step] = await w.time(COMMANDS[step], extraEnv);
  return out;
}

export const scaleSection: Section = {
  name: 'scale',
  title: 'Plan/apply at scale: workzone_oauth_client vs terraform_data',
  async run(ctx) {
    const tf = await ctx.terraform();
    const counts = ctx.quick ? [1, 10] : [1, 10, 100, 500];
    const wz = await startWorkZoneEmulator({ port: 0 });
    const memory = peakMemory(ctx.work);
    const providerEnv = { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password, ...memory.env };
    const times: Record<number, { ours: Record<Step, number[]>; floor: Record<Step, number[]>; peakMB: number; requests: number }> = {};
    try {
      for (const count of counts) {
        const cycles = cyclesFor(count, ctx.quick);
        const ours = tf.workdir(`scale-ours-${count}`, { 'main.tf': oauthClientsConfig(tf.bundles, count, `bench-${count}`) }, providerEnv);
        const floor = tf.workdir(`scale-floor-${count}`, { 'main.tf': terraformDataConfig(count, `bench-${count}`) });
        await ours.init();
        await floor.init();
        memory.take();
        wz.faults.resetCounters();
        const entry = { ours: {} as Record<Step, number[]>, floor: {} as Record<Step, number[]>, peakMB: 0, requests: 0 };
        for (const step of STEPS) entry.ours[step] = [];
        for (const step of STEPS) entry.floor[step] = [];
        for (let i = 0; i < cycles; i++) {
          ctx.log(`${count} clients, cycle ${i + 1}/${cycles}`);
          const o = await cycle(ours);
          const f = await cycle(floor);
          for (const step of STEPS) {
            entry.ours[step].push(o[step]);
            entry.floor[step].push(f[step]);
          }
        }
        if (wz.data.listClients().length !== 0) throw new Error(`${wz.data.listClients().length} clients left in WorkZone after destroy`);
        entry.peakMB = memory.take().maxMB;
        entry.requests = wz.faults.counters.requests / cycles;
        times[count] = entry;
      }
    } finally {
      await wz.close();
    }

    const rows: Row[] = [];
    const med = (count: number, side: 'ours' | 'floor', step: Step) => median(times[count][side][step]);
    for (const count of counts) {
      for (const step of STEPS) {
        const ours = med(count, 'ours', step);
        const row: Row = { figure: `${count} client${count === 1 ? '' : 's'}: ${STEP_LABEL[step]} (median of ${times[count].ours[step].length})`, ours, floor: med(count, 'floor', step), floorLabel: 'terraform_data', unit: 's' };
        if (count === 1 && step === 'plan') Object.assign(row, { target: '<= 0.8 s', pass: ours <= 0.8 });
        if (count === 1 && step === 'noChangePlan') Object.assign(row, { target: '<= 0.8 s', pass: ours <= 0.8 });
        rows.push(row);
      }
    }
    const largest = counts[counts.length - 1];
    for (const step of ['plan', 'noChangePlan'] as const) {
      const growth = med(largest, 'ours', step) / med(1, 'ours', step);
      const floorGrowth = med(largest, 'floor', step) / med(1, 'floor', step);
      rows.push({ figure: `${STEP_LABEL[step]}: ${largest} clients / 1 client`, ours: growth, floor: floorGrowth, floorLabel: 'terraform_data', unit: 'x', target: '<= 2x', pass: growth <= 2 });
    }
    const peakMB = Math.max(...counts.map((c) => times[c].peakMB));
    rows.push({ figure: `workzone provider peak memory (VmHWM, up to ${largest} clients)`, ours: peakMB, unit: 'MB', target: '<= 80 MB', pass: peakMB <= 80 });

    return {
      rows,
      figures: {
        counts,
        byCount: Object.fromEntries(
          counts.map((c) => [
            c,
            {
              ...Object.fromEntries(STEPS.map((s) => [`${s}S`, { ours: round(med(c, 'ours', s)), floor: round(med(c, 'floor', s)), ratio: round(med(c, 'ours', s) / med(c, 'floor', s), 2) }])),
              requestsPerCycle: times[c].requests,
              peakMemoryMB: round(times[c].peakMB, 1),
            },
          ]),
        ),
        planGrowth: round(med(largest, 'ours', 'plan') / med(1, 'ours', 'plan'), 2),
        noChangePlanGrowth: round(med(largest, 'ours', 'noChangePlan') / med(1, 'ours', 'noChangePlan'), 2),
        peakMemoryMB: round(peakMB, 1),
      },
    };
  },
};
