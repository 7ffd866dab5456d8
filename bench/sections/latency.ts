/**
 * Figure 5: apply of 100 OAuth clients with 20 ms emulator latency (PUT /_emulator/faults), against the
 * ideal: requests x latency / parallelism, where requests are the emulator's own count for that apply
 * and parallelism is terraform's default of 10 concurrent operations. The ideal is the time latency must
 * add; terraform's and the providers' own cost is measured by the same apply without latency, and the
 * target (<= 1.5x ideal) applies to the time the latency added.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startWorkZoneEmulator } from '../../lib/emulators/workzone';
import { oauthClientsConfig } from '../support/configs';
import { median, round } from '../support/stats';
import { COMMANDS } from '../support/terraform';
import type { Row, Section } from '../support/types';

const LATENCY_MS = 20;
const PARALLELISM = 10;
const CHECK_LATENCY_MS = 200; // terraform's -parallelism default

async function putFaults(url: string, config: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/_emulator/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(config) });
  if (!res.ok) throw new Error(`PUT /_emulator/faults answered ${res.status}: ${await res.text()}`);
}

export const latencySection: Section = {
  name: 'latency',
  title: `Apply with ${LATENCY_MS} ms WorkZone latency vs the ideal`,
  async run(ctx) {
    const tf = await ctx.terraform();
    const count = ctx.quick ? 20 : 100;
    const wz = await startWorkZoneEmulator({ port: 0 });
    try {
      const w = tf.workdir(`latency-${count}`, { 'main.tf': oauthClientsConfig(tf.bundles, count, 'latency') }, { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password });
      await w.init();
      // Back to nothing between applies without paying for a destroy: no state, no clients.
      const forget = () => {
        for (const c of wz.data.listClients()) wz.data.deleteClient(c.ClientId);
        for (const f of ['terraform.tfstate', 'terraform.tfstate.backup']) rmSync(join(w.dir, f), { force: true });
      };
      // Interleaved, so that the machine's drift hits all alike: the same apply without latency (terraform's
      // and the providers' own cost), with 20 ms, and with 200 ms (a check: there the latency outweighs the
      // noise of a busy 2-core machine, so the share of ideal that parallelism reaches is visible). An added
      // time below the ideal means terraform did its own work while requests waited.
      const reps = ctx.quick ? 1 : 5;
      const latencies = [0, LATENCY_MS, CHECK_LATENCY_MS];
      const times = new Map<number, number[]>(latencies.map((l) => [l, []]));
      const requests = new Map<number, number>();
      for (let i = 0; i < reps; i++) {
        ctx.log(`${count} clients: apply with ${latencies.join(', ')} ms latency, ${i + 1}/${reps}`);
        for (const latencyMs of latencies) {
          await putFaults(wz.url, { latencyMs });
          wz.faults.resetCounters();
          times.get(latencyMs)!.push(await w.time(COMMANDS.apply));
          requests.set(latencyMs, wz.faults.counters.requests);
          await putFaults(wz.url, { latencyMs: 0 });
          forget();
        }
      }
      const noLatency = median(times.get(0)!);
      // What the machine's noise alone moves a median by: half the spread of the no-latency samples.
      const noise = (Math.max(...times.get(0)!) - Math.min(...times.get(0)!)) / 2;
      const figures: Record<string, unknown> = { count, parallelism: PARALLELISM, reps, applyWithoutLatencyS: round(noLatency), noiseS: round(noise), samplesWithoutS: times.get(0)!.map((x) => round(x)) };
      const rows: Row[] = [{ figure: `apply ${count} clients, no latency (median of ${reps}, noise +-${noise.toFixed(2)} s)`, ours: noLatency, unit: 's' }];
      for (const latencyMs of [LATENCY_MS, CHECK_LATENCY_MS]) {
        const withLatency = median(times.get(latencyMs)!);
        const n = requests.get(latencyMs)!;
        const ideal = (n * latencyMs) / 1000 / PARALLELISM;
        const added = withLatency - noLatency;
        rows.push({ figure: `apply ${count} clients, ${latencyMs} ms latency (${n} requests)`, ours: withLatency, floor: noLatency + ideal, floorLabel: 'no-latency + ideal', unit: 's' });
        rows.push({
          figure: `  time ${latencyMs} ms latency added (ideal = requests x latency / ${PARALLELISM})`,
          ours: added,
          floor: ideal,
          floorLabel: 'ideal',
          unit: 's',
          target: '<= 1.5x ideal',
          pass: added <= 1.5 * ideal,
        });
        figures[`latency${latencyMs}ms`] = { requests: n, applyS: round(withLatency), idealS: round(ideal), addedS: round(added), addedVsIdeal: round(added / ideal, 2), applyVsIdeal: round(withLatency / ideal, 2), samplesS: times.get(latencyMs)!.map((x) => round(x)) };
      }
      return { rows, figures };
    } finally {
      await wz.close();
    }
  },
};
