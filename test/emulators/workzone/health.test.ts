/**
 * The WorkZone emulator's update services: health endpoints under the main page (healthy by default, each
 * part switchable), and the batch users of both contact update modules, seeded once also into data
 * directories written before the CVR user existed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UPDATE_MODULES } from '../../../lib/constructs/update-module';
import { SEED_USERS, UPDATE_SERVICES, parseHealthSwitch, startWorkZoneEmulator, type WorkZoneEmulator } from '../../../lib/emulators/workzone';

describe('update service health endpoints', () => {
  let wz: WorkZoneEmulator;
  beforeEach(async () => {
    wz = await startWorkZoneEmulator({ port: 0 });
  });
  afterEach(() => wz.close());

  test('readiness of CPR and CVR: Healthy JSON with the parts WorkZone documents; liveness: the text Healthy', async () => {
    for (const service of ['CvrSubscriptionService', 'CprSubscriptionService', 'cvrsubscriptionservice']) {
      const res = await fetch(`${wz.url}/${service}/readiness`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ status: 'Healthy', totalDuration: expect.stringMatching(/^\d\d:\d\d:\d\d\.\d+$/) });
      expect(Object.keys(body.entries)).toEqual(['self', 'OData', 'Logic']);
      expect(body.entries.self).toMatchObject({ status: 'Healthy', tags: ['liveness', 'readiness'] });
      const live = await fetch(`${wz.url}/${service}/liveness`);
      expect([live.status, await live.text()]).toEqual([200, 'Healthy']);
    }
    // No credentials needed, and an unknown service is a plain 404, as anything outside the OData root.
    expect((await fetch(`${wz.url}/OtherService/readiness`)).status).toBe(404);
  });

  test('a part switched at run time: 503 with the worst status; Degraded answers 200; reset makes all Healthy', async () => {
    wz.health.set('cvr', 'Logic', 'Unhealthy');
    const res = await fetch(`${wz.url}/CvrSubscriptionService/readiness`);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe('Unhealthy');
    expect(body.entries.Logic).toMatchObject({ status: 'Unhealthy', description: expect.stringContaining('Logic') });
    expect(body.entries.OData.status).toBe('Healthy');
    // Liveness reports `self` only; the other service is untouched.
    expect((await fetch(`${wz.url}/CvrSubscriptionService/liveness`)).status).toBe(200);
    expect((await fetch(`${wz.url}/CprSubscriptionService/readiness`)).status).toBe(200);

    wz.health.set('CvrSubscriptionService', 'Logic', 'Degraded');
    const degraded = await fetch(`${wz.url}/CvrSubscriptionService/readiness`);
    expect([degraded.status, (await degraded.json()).status]).toEqual([200, 'Degraded']);
    wz.health.reset();
    expect((await (await fetch(`${wz.url}/CvrSubscriptionService/readiness`)).json()).status).toBe('Healthy');
  });

  test('the admin route switches a part over HTTP and refuses what it does not know', async () => {
    const put = (body: unknown) => fetch(`${wz.url}/_emulator/health`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put({ service: 'cpr', part: 'OData', status: 'Unhealthy' })).status).toBe(204);
    expect((await fetch(`${wz.url}/CprSubscriptionService/readiness`)).status).toBe(503);
    expect(await (await fetch(`${wz.url}/_emulator/health`)).json()).toEqual({ 'CprSubscriptionService:OData': 'Unhealthy' });
    const bad = await put({ service: 'cpr', part: 'Datafordeler' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/unknown part "Datafordeler"; known: "self", "OData", "Logic"/);
    expect((await fetch(`${wz.url}/_emulator/health`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${wz.url}/CprSubscriptionService/readiness`)).status).toBe(200);
  });

  test('--unhealthy specs: start unhealthy; bad specs name what is known', async () => {
    const other = await startWorkZoneEmulator({ unhealthy: ['cvr:Logic', 'cpr:self=Degraded'] });
    try {
      expect((await fetch(`${other.url}/CvrSubscriptionService/readiness`)).status).toBe(503);
      expect((await fetch(`${other.url}/CvrSubscriptionService/liveness`)).status).toBe(200);
      expect(await (await fetch(`${other.url}/CprSubscriptionService/liveness`)).text()).toBe('Degraded');
    } finally {
      await other.close();
    }
    expect(() => parseHealthSwitch('cvr')).toThrow(/not SERVICE:PART\[=STATUS\]/);
    expect(() => parseHealthSwitch('xyz:Logic')).toThrow(/unknown service "xyz"; known: "cpr", "cvr", "CprSubscriptionService", "CvrSubscriptionService"/);
    expect(() => parseHealthSwitch('cvr:Logic=Broken')).toThrow(/unknown status "Broken"/);
  });
});

test("the emulator stands for every module of the family: its user, with the name WorkZone's guides give it, and its service", () => {
  for (const module of UPDATE_MODULES) {
    expect(SEED_USERS).toContainEqual(expect.objectContaining({ Initials: module.client.user, Name: module.userName, Active: true }));
    expect((UPDATE_SERVICES as Record<string, string>)[module.id]).toBe(module.service);
  }
});

describe('batch users of both modules', () => {
  test('CPRBATCHUSER and CVRBATCHUSER are seeded', async () => {
    const wz = await startWorkZoneEmulator();
    try {
      expect(wz.data.getUser('CVRBATCHUSER')).toEqual({ Id: '1002', Initials: 'CVRBATCHUSER', Name: 'Captia CVR batch afvikler', Active: true });
      expect(wz.data.getUser('CPRBATCHUSER')?.Name).toBe('Captia CPR batch afvikler');
    } finally {
      await wz.close();
    }
  });

  test('a data directory from before the CVR user gets it once; a seeded user deleted on purpose stays deleted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wz-seed-'));
    try {
      // As written by an earlier version: no `seeded`, the CPR user deleted by hand, another user added.
      const users = { users: { JD: { Id: '7', Initials: 'JD', Name: 'Jane Doe', Active: true } } };
      fs.writeFileSync(path.join(dir, 'users.json'), JSON.stringify(users));
      const first = await startWorkZoneEmulator({ dataDir: dir });
      expect(first.data.listUsers().map((u) => u.Initials).sort()).toEqual(['CVRBATCHUSER', 'JD']);
      first.data.deleteUser('CVRBATCHUSER');
      await first.close();
      const second = await startWorkZoneEmulator({ dataDir: dir });
      expect(second.data.listUsers().map((u) => u.Initials)).toEqual(['JD']);
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
