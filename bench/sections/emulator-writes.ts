/**
 * What a write costs the WorkZone emulator as its data grows: N OAuth clients created over HTTP (10 at a
 * time, terraform's default parallelism), then deleted, in memory and with a data directory. A store whose
 * writes are proportional to the change costs the same per create at 2,000 clients as at 100; one that
 * copies or rewrites its whole data set per write costs more with every client.
 *
 * Floor: the same number of authenticated GETs of one user (HTTP, auth and routing, no write).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { round } from '../support/stats';
import type { Row, Section } from '../support/types';

const PARALLELISM = 10;

async function inParallel(count: number, one: (i: number) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLELISM }, async () => {
      while (next < count) await one(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
}

/** ms per request: creates, deletes, and the floor (GETs), for `count` clients. */
async function measure(wz: WorkZoneEmulator, count: number): Promise<{ create: number; remove: number; floor: number }> {
  const auth = { Authorization: `Basic ${Buffer.from(`${wz.username}:${wz.password}`).toString('base64')}` };
  const clients = `${wz.odataUrl}/OAuthClients`;
  const floor = await inParallel(count, async () => expectStatus(await fetch(`${wz.odataUrl}/Users('CPRBATCHUSER')`, { headers: auth }), 200, 'GET user'));
  const create = await inParallel(count, async (i) => {
    const body = JSON.stringify({ ClientId: `bench-${i}`, ClientName: `Bench ${i}`, GrantType: 'CLNTCRED', User: 'CPRBATCHUSER', ClientSecret: `secret-${i}-0123456789` });
    await expectStatus(await fetch(clients, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body }), 201, 'POST client');
  });
  const remove = await inParallel(count, async (i) => expectStatus(await fetch(`${clients}('bench-${i}')`, { method: 'DELETE', headers: auth }), 204, 'DELETE client'));
  return { create: create / count, remove: remove / count, floor: floor / count };
}

export const emulatorWritesSection: Section = {
  name: 'emulatorWrites',
  title: 'WorkZone emulator: cost of a write as the data grows',
  async run(ctx) {
    const counts = ctx.quick ? [50, 200] : [100, 500, 2000];
    const rows: Row[] = [];
    const figures: Record<string, unknown> = {};
    // Warm up the JIT and the HTTP client, so the first count is not charged for them.
    const warm = await startWorkZoneEmulator({ port: 0 });
    await measure(warm, 200).finally(() => warm.close());
    for (const storage of ['memory', 'data dir'] as const) {
      const byCount: Record<number, { create: number; remove: number; floor: number }> = {};
      for (const count of counts) {
        ctx.log(`${storage}: ${count} clients`);
        const dir = storage === 'data dir' ? mkdtempSync(join(ctx.work, 'wz-writes-')) : undefined;
        const wz = await startWorkZoneEmulator({ port: 0, dataDir: dir });
        try {
          byCount[count] = await measure(wz, count);
        } finally {
          await wz.close();
          if (dir) rmSync(dir, { recursive: true, force: true });
        }
        const m = byCount[count];
        rows.push({ figure: `${storage}, ${count} clients: create, per client`, ours: m.create, floor: m.floor, floorLabel: 'GET user', unit: 'ms' });
        rows.push({ figure: `${storage}, ${count} clients: delete, per client`, ours: m.remove, floor: m.floor, floorLabel: 'GET user', unit: 'ms' });
      }
      const write = (c: number) => byCount[c].create + byCount[c].remove;
      const growth = write(counts[counts.length - 1]) / write(counts[0]);
      rows.push({ figure: `${storage}: create + delete per client, ${counts[counts.length - 1]} / ${counts[0]} clients`, ours: growth, unit: 'x', target: '<= 1.5x', pass: growth <= 1.5 });
      figures[storage === 'memory' ? 'memory' : 'dataDir'] = {
        perClientMs: Object.fromEntries(counts.map((c) => [c, { create: round(byCount[c].create), delete: round(byCount[c].remove), floor: round(byCount[c].floor) }])),
        writeGrowth: round(growth, 2),
      };
    }
    return { rows, figures };
  },
};
