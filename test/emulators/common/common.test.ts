import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FaultInjector, parseFaultConfig, NO_FAULTS } from '../../../lib/emulators/common/faults';
import { z } from 'zod';
import { DataFileError, recordOf } from '../../../lib/emulators/common/data-file';
import { JsonStore } from '../../../lib/emulators/common/store';
import { HttpError, parseBasicAuth, sendJson, startServer, type RunningServer } from '../../../lib/emulators/common/server';

describe('parseFaultConfig', () => {
  test('merges a partial config over the base', () => {
    expect(parseFaultConfig({ errorRate: 0.5 })).toEqual({ ...NO_FAULTS, errorRate: 0.5 });
  });
  test.each([
    [{ errorRate: 2 }, /errorRate must be a number from 0 to 1/],
    [{ dropRate: -0.1 }, /dropRate must be a number from 0 to 1/],
    [{ errorStatus: 200 }, /errorStatus must be an HTTP error status/],
    [{ latencyMs: 'slow' }, /latencyMs must be a number/],
    [{ answerDelayMs: -1 }, /answerDelayMs must be a number of milliseconds >= 0/],
    [{ limit: 1.5 }, /limit must be a whole number/],
    [{ colour: 'red' }, /unknown fault setting "colour"/],
    ['nope', /must be a JSON object/],
  ])('rejects %j naming the field', (input, message) => {
    expect(() => parseFaultConfig(input)).toThrow(message);
  });
});

describe('FaultInjector', () => {
  test('rates decide with the given random source; limit caps injected faults', () => {
    const draws = [0.1, 0.9, 0.2];
    const faults = new FaultInjector({ errorRate: 0.5, errorStatus: 429, retryAfterSeconds: 2 }, () => draws.shift() ?? 0.99);
    expect(faults.decide()).toEqual({ kind: 'error', status: 429, retryAfterSeconds: 2 });
    expect(faults.decide()).toEqual({ kind: 'pass' });
    faults.set({ errorRate: 0, dropRate: 1, limit: 1 });
    expect(faults.decide()).toEqual({ kind: 'drop' });
    expect(faults.decide()).toEqual({ kind: 'pass' });
    expect(faults.counters).toEqual({ requests: 4, errors: 1, drops: 1 });
    faults.reset();
    expect(faults.config).toEqual(NO_FAULTS);
  });
});

describe('JsonStore', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const counter = { schema: z.strictObject({ n: z.number().int() }), holds: 'a counter', ifDeleted: 'it starts again at 1' };

  test('persists the seed at once, updates atomically, reloads on restart', () => {
    const a = new JsonStore<{ n: number }>('counter', { ...counter, dataDir: path.join(dir, 'nested'), initial: () => ({ n: 1 }) });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'nested', 'counter.json'), 'utf8'))).toEqual({ n: 1 });
    a.update((d) => {
      d.n = 2;
    });
    expect(fs.readdirSync(path.join(dir, 'nested'))).toEqual(['counter.json']); // no temp file left behind
    const b = new JsonStore<{ n: number }>('counter', { ...counter, dataDir: path.join(dir, 'nested'), initial: () => ({ n: 99 }) });
    expect(b.get()).toEqual({ n: 2 });
  });

  test('a change that throws leaves memory and file untouched', () => {
    const s = new JsonStore<{ n: number }>('x', { ...counter, dataDir: dir, initial: () => ({ n: 1 }) });
    expect(() =>
      s.update((d) => {
        d.n = 5;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.get()).toEqual({ n: 1 });
    expect(JSON.parse(fs.readFileSync(s.file!, 'utf8'))).toEqual({ n: 1 });
  });

  test('a write that fails leaves memory untouched', () => {
    const s = new JsonStore<{ n: number }>('x', { ...counter, dataDir: dir, initial: () => ({ n: 1 }) });
    fs.rmSync(dir, { recursive: true });
    fs.writeFileSync(dir, 'a file where the directory was');
    expect(() => s.set({ n: 2 })).toThrow();
    expect(s.get()).toEqual({ n: 1 });
    fs.rmSync(dir);
  });

  test('in memory without a data dir; bad names refused', () => {
    const s = new JsonStore<number[]>('mem', { schema: z.array(z.number()), holds: 'numbers', ifDeleted: 'none', initial: () => [] });
    s.set([1]);
    expect(s.get()).toEqual([1]);
    expect(s.file).toBeUndefined();
    expect(() => new JsonStore('../escape', { schema: z.number(), holds: 'x', ifDeleted: 'x', initial: () => 0 })).toThrow(/store name/);
  });

  test.each([
    ['', /is empty/],
    ['  \n', /is empty/],
    ['{not json', /is not valid JSON/],
    ['null', /\(the whole file\): expected object, found null/],
    ['{"n":"5"}', /n: expected number, found a string/],
    ['{}', /n: expected number, found nothing \(missing\)/],
    ['{"n":1,"extra":true}', /\(the whole file\): unknown property "extra"/],
  ])('a file holding %j stops the load with its path, the problem and the fix', (text, problem) => {
    const file = path.join(dir, 'counter.json');
    fs.writeFileSync(file, text);
    let error: unknown;
    try {
      new JsonStore('counter', { ...counter, dataDir: dir, initial: () => ({ n: 1 }) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DataFileError);
    const message = (error as Error).message;
    expect(message).toContain(`data file ${file} (a counter) `);
    expect(message).toMatch(problem);
    expect(message).toMatch(/Fix it, or delete it: it starts again at 1\.$/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text); // left as it was for the user to look at
  });

  test('the messages never show a value from the file (they hold secrets)', () => {
    fs.writeFileSync(path.join(dir, 'secret.json'), JSON.stringify({ password: 12345, token: 'tok-VERY-SECRET' }));
    expect(() => new JsonStore('secret', { schema: z.strictObject({ password: z.string() }), holds: 'a password', ifDeleted: 'x', dataDir: dir, initial: () => ({ password: 'p' }) })).toThrow(
      expect.objectContaining({ message: expect.not.stringMatching(/12345|VERY-SECRET/) }),
    );
  });
});

describe('recordOf', () => {
  test('checks every own key, "__proto__" included (z.record skips it)', () => {
    const schema = recordOf(z.strictObject({ a: z.number() }));
    const parsed = JSON.parse('{"__proto__": {"a": "bad"}, "x": {"a": 1}}');
    const result = schema.safeParse(parsed);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['__proto__', 'a']);
    expect(schema.parse(JSON.parse('{"__proto__": {"a": 2}}'))).toEqual(JSON.parse('{"__proto__": {"a": 2}}'));
  });
});

describe('parseBasicAuth', () => {
  test('absent, malformed, valid (password may contain colons)', () => {
    expect(parseBasicAuth(undefined)).toBeUndefined();
    expect(parseBasicAuth('Bearer x')).toBeNull();
    expect(parseBasicAuth(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeNull();
    expect(parseBasicAuth(`Basic ${Buffer.from('u:p:q').toString('base64')}`)).toEqual({ user: 'u', password: 'p:q' });
  });
});

describe('startServer', () => {
  let server: RunningServer;
  let faults: FaultInjector;
  let logs: string[];
  beforeEach(async () => {
    logs = [];
    faults = new FaultInjector();
    server = await startServer({
      faults,
      log: (l) => logs.push(l),
      name: 't',
      bodyLimitBytes: 100,
      handler: (req, res) => {
        if (req.path === '/boom') throw new Error('unexpected');
        if (req.path === '/teapot') throw new HttpError(418, 'Teapot', 'short and stout');
        sendJson(res, 200, { path: req.path, bytes: req.body.length });
      },
    });
  });
  afterEach(() => server.close());

  test('serves, answers HttpErrors in OData shape, hides unexpected errors behind 500', async () => {
    expect(await (await fetch(`${server.url}/a?secret=s3cr3t`)).json()).toEqual({ path: '/a', bytes: 0 });
    const tea = await fetch(`${server.url}/teapot`);
    expect(tea.status).toBe(418);
    expect(await tea.json()).toEqual({ error: { code: 'Teapot', message: 'short and stout' } });
    const boom = await fetch(`${server.url}/boom`);
    expect(boom.status).toBe(500);
    expect((await boom.json()).error.message).toBe('internal emulator error');
    await new Promise((r) => setTimeout(r, 20));
    expect(logs).toContain('[t] GET /a 200 ' + logs.find((l) => l.startsWith('[t] GET /a '))!.split(' ').pop());
    expect(logs.join('\n')).not.toContain('s3cr3t'); // query strings are not logged
  });

  test('body limit → 413', async () => {
    const res = await fetch(`${server.url}/x`, { method: 'POST', body: 'x'.repeat(101) });
    expect(res.status).toBe(413);
    expect((await fetch(`${server.url}/x`, { method: 'POST', body: 'x'.repeat(100) })).status).toBe(200);
  });

  test('fault admin route: GET, PUT (validated), DELETE; faults apply to other routes only', async () => {
    const put = await fetch(`${server.url}/_emulator/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"errorRate":1,"errorStatus":502}' });
    expect(put.status).toBe(200);
    expect((await put.json()).config.errorStatus).toBe(502);
    expect((await fetch(`${server.url}/a`)).status).toBe(502);
    const got = await (await fetch(`${server.url}/_emulator/faults`)).json();
    expect(got.counters).toEqual({ requests: 1, errors: 1, drops: 0 });
    const bad = await fetch(`${server.url}/_emulator/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"errorRate":7}' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/errorRate/);
    expect((await fetch(`${server.url}/_emulator/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${server.url}/a`)).status).toBe(200);
  });

  test('latency delays, drops destroy the connection', async () => {
    faults.set({ latencyMs: 150 });
    const t0 = Date.now();
    await fetch(`${server.url}/a`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    faults.set({ latencyMs: 0, dropRate: 1 });
    await expect(fetch(`${server.url}/a`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 20));
    expect(logs.some((l) => l.endsWith('ms') && l.includes('GET /a dropped'))).toBe(true);
  });

  test('answerDelayMs: the request is handled at once, its answer comes late; a client gone meanwhile gets none', async () => {
    let handled = 0;
    const counting = await startServer({
      faults: new FaultInjector({ answerDelayMs: 300 }),
      name: 'late',
      handler: (_req, res) => {
        handled++;
        sendJson(res, 200, { ok: true });
      },
    });
    try {
      const t0 = Date.now();
      const answer = fetch(`${counting.url}/a`);
      await new Promise((r) => setTimeout(r, 100));
      expect(handled).toBe(1); // done before the answer
      expect(await (await answer).json()).toEqual({ ok: true });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      // A client that goes away before the answer: the work stays done.
      const gone = new AbortController();
      const abandoned = fetch(`${counting.url}/b`, { signal: gone.signal }).catch((e) => e);
      await new Promise((r) => setTimeout(r, 100));
      gone.abort();
      await abandoned;
      expect(handled).toBe(2);
    } finally {
      await counting.close();
    }
  });

  test('close() ends keep-alive connections instead of hanging', async () => {
    faults.set({ latencyMs: 5000 });
    const pending = fetch(`${server.url}/slow`).catch((e) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await pending).toHaveProperty('message', 'fetch failed'); // TypeError from another realm: no instanceof
  });
});
