/**
 * What a new TLS connection costs the providers' HTTP client with a `ca_file`: a POST is never sent on a
 * reused connection (lib/providers/http.ts), so an apply of N clients opens N of them. Given `ca`, a Node
 * agent builds a secure context (parsing every root certificate) per connection; the client builds one and
 * shares it. Both are shown, with the floor: the same request over a connection with Node's default context.
 * The server is a local HTTPS server with a certificate of the emulators' CA, answering at once.
 */
import { writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { createCertificateAuthority } from '../../lib/emulators/common/tls';
import { HttpClient } from '../../lib/providers/http';
import { median, round } from '../support/stats';
import type { Section } from '../support/types';

/** ms per request, `count` requests one after another. */
async function perRequest(count: number, one: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await one();
  return Number(process.hrtime.bigint() - started) / 1e6 / count;
}

function post(url: string, agent: https.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end('{}');
  });
}

export const tlsContextSection: Section = {
  name: 'tlsContext',
  title: 'A new TLS connection with ca_file: one shared secure context vs one per connection',
  async run(ctx) {
    const count = ctx.quick ? 20 : 100;
    const ca = createCertificateAuthority();
    const caFile = join(ctx.work, 'tls-context-ca.pem');
    writeFileSync(caFile, ca.certPem);
    const server = https.createServer(ca.issueServerCertificate(['localhost', '127.0.0.1']), (_req, res) => res.writeHead(400).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/odata/OAuthClients`;
    const client = new HttpClient({ caFile });
    const perConnection = new https.Agent({ keepAlive: false, ca: [...rootCertificates, ca.certPem] });
    // The floor trusts the server's certificate without a CA list of its own: Node's default context.
    const floorAgent = new https.Agent({ keepAlive: false, rejectUnauthorized: false });
    const rounds = { ours: [] as number[], perConnection: [] as number[], floor: [] as number[] };
    try {
      for (let r = 0; r < 3; r++) {
        ctx.log(`round ${r + 1} of 3: ${count} POSTs each, new connections`);
        rounds.ours.push(await perRequest(count, async () => void (await client.request({ method: 'POST', url, body: '{}' }))));
        rounds.perConnection.push(await perRequest(count, () => post(url, perConnection)));
        rounds.floor.push(await perRequest(count, () => post(url, floorAgent)));
      }
    } finally {
      client.close();
      perConnection.destroy();
      floorAgent.destroy();
      await new Promise((r) => server.close(r));
    }
    const ours = median(rounds.ours.slice(1));
    const before = median(rounds.perConnection.slice(1));
    const floor = median(rounds.floor.slice(1));
    return {
      rows: [
        { figure: `POST on a new TLS connection with ca_file, HttpClient (median of 2 rounds of ${count})`, ours, floor, floorLabel: 'default context', unit: 'ms' },
        { figure: 'the same with a context per connection (Node agent given `ca`)', ours: before, floor, floorLabel: 'default context', unit: 'ms' },
      ],
      figures: { requests: count, perRequestMs: { sharedContext: round(ours), contextPerConnection: round(before), defaultContext: round(floor) } },
    };
  },
};
