/**
 * Data source `workzone_update_service_health` against the WorkZone emulator's update services: the report
 * read into attributes, a service not Healthy failing with its parts named (or not, when asked), and the
 * answers that are not a health report.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../../lib/emulators/workzone';
import { WorkZoneClient } from '../../../lib/providers/workzone/client';
import { parseReadiness, updateServiceHealthDataSource } from '../../../lib/providers/workzone/update-service-health';
import { DiagnosticError } from '../../../lib/providers/plugin/types';
import { context } from '../provider-context';

let wz: WorkZoneEmulator;
let client: WorkZoneClient;

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ adminPassword: 'Adm1n-S3cret-pw' });
  client = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password }, { httpOptions: { retryMaxMs: 1000, initialBackoffMs: 20 } });
});
afterAll(async () => {
  client.close();
  await wz.close();
});
afterEach(() => wz.health.reset());

const read = (config: Record<string, unknown>, c = client) =>
  updateServiceHealthDataSource.read({ config: { service: 'CvrSubscriptionService', readiness_path: null, base_url: null, fail_when_unhealthy: null, ...config } as never, client: c }, context().ctx);

async function failure(p: Promise<unknown>): Promise<DiagnosticError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DiagnosticError);
  return err as DiagnosticError;
}

test('Healthy: the status, each part, nothing unhealthy; the URL is the main page (the provider url) plus service and path', async () => {
  expect(await read({})).toEqual({
    id: `${wz.url}/CvrSubscriptionService/readiness`,
    status: 'Healthy',
    entries: { self: 'Healthy', OData: 'Healthy', Logic: 'Healthy' },
    unhealthy: [],
    total_duration: expect.stringMatching(/^00:00:00/),
  });
  // base_url, a service written with slashes and another readiness path (liveness: the text "Healthy").
  expect(await read({ service: '/CprSubscriptionService/', readiness_path: 'liveness', base_url: `${wz.url}/` })).toMatchObject({ id: `${wz.url}/CprSubscriptionService/liveness`, status: 'Healthy', entries: {} });
});

test('a part not Healthy fails the read at once (503 is an answer, not retried), naming the part and its description', async () => {
  wz.health.set('cvr', 'Logic', 'Unhealthy');
  const before = wz.faults.counters.requests;
  const err = await failure(read({}));
  expect(wz.faults.counters.requests - before).toBe(1);
  expect(err.summary).toBe('CvrSubscriptionService is Unhealthy: Logic (Unhealthy: Logic switched to Unhealthy in the emulator (/_emulator/health))');
  expect(err.detail).toContain(`Read from ${wz.url}/CvrSubscriptionService/readiness`);
  expect(err.detail).toContain('fail_when_unhealthy = false');
  // Degraded is not Healthy either.
  wz.health.set('cvr', 'Logic', 'Degraded');
  expect((await failure(read({}))).summary).toMatch(/^CvrSubscriptionService is Degraded: Logic \(Degraded/);
});

test('fail_when_unhealthy = false: the status and the parts that are not Healthy, for a check of your own', async () => {
  wz.health.set('cvr', 'OData', 'Unhealthy');
  wz.health.set('cvr', 'Logic', 'Degraded');
  expect(await read({ fail_when_unhealthy: false })).toMatchObject({ status: 'Unhealthy', unhealthy: ['OData', 'Logic'], entries: { self: 'Healthy', OData: 'Unhealthy', Logic: 'Degraded' } });
});

test('no service there: a 404 names service and base_url; a server that is not there is named with base_url', async () => {
  const err = await failure(read({ service: 'NoSuchService' }));
  expect(err.summary).toBe(`No update service answers at ${wz.url}/NoSuchService/readiness (HTTP 404)`);
  expect(err.detail).toMatch(/Check service \("NoSuchService"\) and readiness_path, and base_url/);
  const down = await failure(read({ base_url: 'http://127.0.0.1:9' }));
  expect(down.summary).toBe('The update service at http://127.0.0.1:9/CvrSubscriptionService/readiness did not answer');
  expect(down.attribute).toEqual(['base_url']);
  expect(`${down.summary} ${down.detail}`).not.toContain(wz.password);
});

test('an answer that is not a health report is refused, saying what was expected', async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url?.includes('html') ? 200 : 500, { 'Content-Type': 'text/html' });
    res.end('<html>login</html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const err = await failure(read({ base_url: base, service: 'html' }));
    expect(err.summary).toBe(`Unexpected answer from the update service at ${base}/html/readiness`);
    expect(err.detail).toMatch(/^HTTP 200, without a health report/);
  } finally {
    server.close();
  }
});

test('parseReadiness: the guide\'s JSON, plain text, and a part with a status it does not know counted Unhealthy', () => {
  const guide =
    '{"status":"Healthy","totalDuration":"00:00:24.4954484","entries":{"self":{"data":{},"duration":"00:00:00.0000435","status":"Healthy","tags":["liveness","readiness"]},"OData":{"data":{},"duration":"00:00:24.4947925","status":"Healthy","tags":["readiness"]},"Logic":{"data":{},"duration":"00:00:02.2812385","status":"Healthy","tags":["readiness"]}}}';
  expect(parseReadiness(guide)).toEqual({
    status: 'Healthy',
    totalDuration: '00:00:24.4954484',
    entries: ['self', 'OData', 'Logic'].map((name) => ({ name, status: 'Healthy' })),
  });
  expect(parseReadiness(' Unhealthy\n')).toEqual({ status: 'Unhealthy', entries: [] });
  expect(parseReadiness('{"status":"Healthy","entries":{"X":{"status":"Weird"}}}')!.entries).toEqual([{ name: 'X', status: 'Unhealthy' }]);
  expect(parseReadiness('{"status":"fine"}')).toBeUndefined();
  expect(parseReadiness('<html>')).toBeUndefined();
});
