/**
 * The local KMD Logic: token endpoint plus the CPR configuration API (docs/kmdlogic-api.md), with a
 * seeded console set-up (client credential, subscription, product configuration), persistence in a data
 * directory and fault injection.
 */
import { randomUUID } from 'node:crypto';
import { KMDLOGIC_SCOPE } from '../../schemas/kmdlogic';
import { isGuid } from '../../schemas/rules';
import { lockDataDir } from '../common/data-dir';
import { FaultInjector, type FaultConfig } from '../common/faults';
import { oauthError, sendJson, startServer, type ErrorFormatter } from '../common/server';
import { JsonStore } from '../common/store';
import { KmdLogicRoutes, type Stats } from './routes';
import { ensureSeed, kmdLogicDataSchema, sameId, type KmdLogicData, type SeedOptions } from './state';
import { TokenIssuer } from './tokens';

export type { KmdLogicData, StoredConfiguration, ConfigurationModel } from './state';

export const TOKEN_PATH = '/clientcredentials/token';
export const API_BASE_PATH = '/cpr/v1';
export const STATS_PATH = '/_emulator/stats';

export interface KmdLogicEmulatorOptions extends SeedOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Where `kmdlogic.json` lives, created when missing and locked until close; in memory when omitted. */
  readonly dataDir?: string;
  /** Lifetime of issued access tokens. Default 3600; tests use a few seconds to exercise renewal. */
  readonly tokenLifetimeSeconds?: number;
  /** The scope the token endpoint accepts. Default: the real Logic scope (the provider's default). */
  readonly scope?: string;
  readonly faults?: Partial<FaultConfig>;
  /** PEM key and certificate: serve HTTPS. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** One line per request (method, path, status, duration; never bodies or headers). */
  readonly log?: (line: string) => void;
}

export interface KmdLogicEmulator {
  /** The CPR API base: what the provider's `api_url` takes. */
  readonly url: string;
  /** What the provider's `token_url` takes. */
  readonly tokenUrl: string;
  /** Scheme, host and port, e.g. for `/_emulator/faults`. */
  readonly rootUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionId: string;
  /** Id of the seeded CPR configuration: the "KMD Logic Product ID" of the seeded set-up. */
  readonly productId: string;
  readonly scope: string;
  readonly faults: FaultInjector;
  /** Counters since start: token requests (all, failed included), tokens issued, CPR API requests. */
  stats(): Stats;
  /** A deep copy of the data as persisted. */
  data(): KmdLogicData;
  /** Adds a subscription (console-only in the real Logic); granted to the seeded client unless `granted` is false. */
  addSubscription(options?: { id?: string; granted?: boolean }): string;
  /** Invalidates all issued tokens, as a key rollover would. */
  revokeTokens(): void;
  close(): Promise<void>;
}

/**
 * Error body for errors the shared server raises (faults, oversized bodies, crashes): the gateway's style,
 * and on the token endpoint OAuth's.
 */
const errorBody: ErrorFormatter = (status, code, message, path) => (path === TOKEN_PATH ? oauthError(status, code, message, path) : { statusCode: status, message });

export async function startKmdLogicEmulator(options: KmdLogicEmulatorOptions = {}): Promise<KmdLogicEmulator> {
  checkOptions(options);
  const lock = options.dataDir === undefined ? undefined : lockDataDir(options.dataDir);
  try {
    const emulator = await serve(options);
    return {
      ...emulator,
      close: async () => {
        try {
          await emulator.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function serve(options: KmdLogicEmulatorOptions): Promise<KmdLogicEmulator> {
  const scope = options.scope ?? KMDLOGIC_SCOPE;
  const store = new JsonStore<KmdLogicData>('kmdlogic', {
    dataDir: options.dataDir,
    schema: kmdLogicDataSchema,
    holds: "the KMD Logic emulator's credentials, subscriptions and CPR configurations",
    ifDeleted: 'the emulator seeds a new client credential, subscription and product configuration',
    initial: () => ensureSeed(undefined, options),
  });
  store.update((d) => void ensureSeed(d, options));
  const { clientId, subscriptionId, productId } = store.get().seed;
  const credential = store.get().credentials.find((c) => sameId(c.clientId, clientId));
  if (!credential) throw new Error('emulator data has no seeded credential after seeding');

  const tokens = new TokenIssuer(options.tokenLifetimeSeconds ?? 3600);
  const stats: Stats = { tokenRequests: 0, tokensIssued: 0, apiRequests: 0 };
  const routes = new KmdLogicRoutes(store, tokens, scope, stats);
  const faults = new FaultInjector(options.faults ?? {});

  const server = await startServer({
    port: options.port,
    host: options.host,
    tls: options.tls,
    faults,
    errorFormat: errorBody,
    log: options.log,
    name: 'kmdlogic',
    handler: async (req, res) => {
      const request = { method: req.method, headers: req.headers, body: req.body };
      let reply;
      if (req.path === TOKEN_PATH) reply = routes.token({ ...request, path: req.path });
      else if (req.path.startsWith(`${API_BASE_PATH}/`)) reply = await routes.api({ ...request, path: req.path.slice(API_BASE_PATH.length) });
      else if (req.path === STATS_PATH && req.method === 'GET') reply = { status: 200, body: currentStats() };
      else reply = { status: 404, body: { statusCode: 404, message: `No route for ${req.path}.` } };
      sendJson(res, reply.status, reply.body, reply.headers);
    },
  });

  const currentStats = (): Stats => ({ ...stats, tokensIssued: tokens.issued });

  return {
    url: `${server.url}${API_BASE_PATH}`,
    tokenUrl: `${server.url}${TOKEN_PATH}`,
    rootUrl: server.url,
    clientId,
    clientSecret: credential.clientSecret,
    subscriptionId,
    productId,
    scope,
    faults,
    stats: currentStats,
    data: () => structuredClone(store.get()),
    addSubscription: ({ id, granted = true } = {}) => {
      const sub = (id ?? randomUUID()).toLowerCase();
      if (!isGuid(sub)) throw new Error(`addSubscription: id must be a GUID (got ${JSON.stringify(id)})`);
      store.update((d) => {
        if (!d.subscriptions.some((s) => sameId(s.id, sub))) d.subscriptions.push({ id: sub, name: 'Added subscription' });
        const c = d.credentials.find((x) => sameId(x.clientId, clientId));
        if (granted && c && !c.subscriptionIds.some((s) => sameId(s, sub))) c.subscriptionIds.push(sub);
      });
      return sub;
    },
    revokeTokens: () => tokens.revokeAll(),
    close: () => server.close(),
  };
}

function checkOptions(o: KmdLogicEmulatorOptions): void {
  for (const key of ['clientId', 'subscriptionId', 'productId'] as const) {
    const v = o[key];
    if (v !== undefined && !isGuid(v)) throw new Error(`startKmdLogicEmulator: ${key} must be a GUID (got ${JSON.stringify(v)})`);
  }
  if (o.clientSecret !== undefined && o.clientSecret.length === 0) {
    throw new Error('startKmdLogicEmulator: clientSecret must not be empty');
  }
  const life = o.tokenLifetimeSeconds;
  if (life !== undefined && !(Number.isInteger(life) && life >= 1)) {
    throw new Error(`startKmdLogicEmulator: tokenLifetimeSeconds must be a whole number >= 1 (got ${JSON.stringify(life)})`);
  }
  if (o.scope !== undefined && o.scope.trim() === '') throw new Error('startKmdLogicEmulator: scope must not be blank');
}
