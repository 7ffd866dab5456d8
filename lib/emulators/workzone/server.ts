/**
 * The WorkZone emulator: the OAuth clients admin API (OData) with its service document and `$metadata`,
 * users, the token endpoint and the discovery document, as described in docs/workzone-api.md, or as a
 * variant that differs on purpose (model.ts). `startWorkZoneEmulator` is what the sandbox and the tests start.
 */
import type { ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';
import { lockDataDir } from '../common/data-dir';
import { JsonStore } from '../common/store';
import { FaultInjector, type FaultConfig } from '../common/faults';
import { HttpError, oauthError, odataError, parseBasicAuth, parseJsonBody, sendEmpty, sendJson, startServer, type EmulatorRequest } from '../common/server';
import { etagOf, generateSecret, WorkZoneData, type StoredClient, type StoredUser } from './data';
import { clientView, CREATE_DEFAULTS, parseClientBody, parseKeySegment, requireForCreate } from './entity';
import { UpdateServiceHealth, parseHealthSwitch } from './health';
import { discoveryDocument, metadataDocument } from './metadata';
import { ClientModel, DEFAULT_VARIANT, variantByName, type WorkZoneVariant } from './model';
import { KNOWN_GRANT_TYPES, tokenEndpoint } from './token';

export interface WorkZoneEmulatorOptions {
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /**
   * Directory for the data files, created when missing; one emulator process at a time may use it (it is
   * locked until close). @default - in memory, lost on close
   */
  readonly dataDir?: string;
  /** @default "wzadmin" */
  readonly adminUser?: string;
  /** @default - a random password, returned as `password` and kept in the data directory */
  readonly adminPassword?: string;
  readonly faults?: Partial<FaultConfig>;
  /** PEM key and certificate: serve HTTPS. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** Paths, to test the provider's path settings (over the variant's). @default /odata, OAuthClients, Users, /connect/token */
  readonly paths?: { readonly odata?: string; readonly oauthClients?: string; readonly users?: string; readonly token?: string };
  /** How this server differs from the assumed contract: a preset name (`renamed-property`, ...) or a variant. @default "default" */
  readonly variant?: string | WorkZoneVariant;
  /** One line per request (method, path, status, duration; never secrets). @default - silent */
  readonly log?: (line: string) => void;
  /**
   * Parts of the update services' readiness reports that start not Healthy: `cvr:Logic`, `cpr:OData=Degraded`
   * (health.ts). @default - every part of every service Healthy
   */
  readonly unhealthy?: readonly string[];
}

export interface WorkZoneEmulator {
  /** What the provider's `url` setting takes, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly odataUrl: string;
  readonly tokenUrl: string;
  /** The variant this server runs (`default` when it follows docs/workzone-api.md). */
  readonly variant: WorkZoneVariant;
  readonly port: number;
  /** Admin credentials for the OData API. */
  readonly username: string;
  readonly password: string;
  /** Switch faults at run time (also over HTTP: PUT /_emulator/faults). */
  readonly faults: FaultInjector;
  /** Direct access to the data, bypassing HTTP: simulate changes made in WorkZone by hand. */
  readonly data: WorkZoneData;
  /** The update services' health reports (`/<Service>/readiness`): switch parts at run time (also over HTTP: PUT /_emulator/health). */
  readonly health: UpdateServiceHealth;
  close(): Promise<void>;
}

const ODATA_HEADERS = { 'OData-Version': '4.0' };
/** Where IdentityServer publishes its discovery document, relative to its base address. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

export async function startWorkZoneEmulator(options: WorkZoneEmulatorOptions = {}): Promise<WorkZoneEmulator> {
  const lock = options.dataDir === undefined ? undefined : lockDataDir(options.dataDir);
  let data: WorkZoneData | undefined;
  try {
    // A generated password is kept in the data directory, so that a restart on the same data keeps it
    // (as the KMD Logic emulator keeps its seeded credentials).
    const password = options.adminPassword ?? adminPasswordStore(options.dataDir).get().password;
    const stored = (data = new WorkZoneData(options.dataDir, options.log && ((line) => options.log?.(`[workzone] ${line}`))));
    const emulator = await serve(options.adminUser ?? 'wzadmin', password, stored, options);
    return {
      ...emulator,
      close: async () => {
        try {
          await emulator.close();
          stored.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    data?.close();
    lock?.release();
    throw err;
  }
}

function adminPasswordStore(dataDir: string | undefined): JsonStore<{ password: string }> {
  return new JsonStore('admin', {
    dataDir,
    schema: z.strictObject({ password: z.string().min(1) }),
    holds: 'the WorkZone admin password',
    ifDeleted: 'a new admin password is generated',
    initial: () => ({ password: randomBytes(18).toString('base64url') }),
  });
}

async function serve(username: string, password: string, data: WorkZoneData, options: WorkZoneEmulatorOptions): Promise<WorkZoneEmulator> {
  const variant = typeof options.variant === 'string' ? variantByName(options.variant) : (options.variant ?? DEFAULT_VARIANT);
  const model = new ClientModel(variant);
  const wanted = { ...variant.paths, ...options.paths };
  const paths = {
    odata: normalisePath(wanted.odata ?? '/odata'),
    oauthClients: wanted.oauthClients ?? 'OAuthClients',
    users: wanted.users ?? 'Users',
    token: normalisePath(wanted.token ?? '/connect/token'),
  };
  const forbidden = new Set((variant.forbidden ?? []).map((set) => paths[set]));
  const name = (field: Parameters<ClientModel['nameOf']>[0]) => model.nameOf(field);
  // Hashed once: every OData request checks them.
  const adminDigests = { user: digest(username), password: digest(password) };
  const faults = new FaultInjector(options.faults);
  const health = new UpdateServiceHealth();
  for (const spec of options.unhealthy ?? []) {
    const { service, part, status } = parseHealthSwitch(spec);
    health.set(service, part, status);
  }
  let base = '';

  const handler = (req: EmulatorRequest, res: ServerResponse) => {
    if (req.path === paths.token) return tokenEndpoint(data, req, res);
    if (req.path === DISCOVERY_PATH && variant.discovery !== false) {
      allow(req, ['GET']);
      return sendJson(res, 200, discoveryDocument(base, paths.token, KNOWN_GRANT_TYPES));
    }
    if (req.path === paths.odata || req.path.startsWith(`${paths.odata}/`)) {
      checkAdmin(req, adminDigests);
      return odata(req, res);
    }
    // The update services are published under the main page, beside the OData root.
    if (health.handle(req, res)) return;
    // Outside the OData root a web server answers with a plain 404, not an OData error (as IIS would).
    res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 9 });
    res.end('Not Found');
  };

  const odata = (req: EmulatorRequest, res: ServerResponse) => {
    const root = `${base}${paths.odata}`;
    const rest = req.path.slice(paths.odata.length).replace(/^\//, '');
    if (rest === '') {
      allow(req, ['GET']);
      return sendJson(res, 200, {
        '@odata.context': `${root}/$metadata`,
        value: [paths.oauthClients, paths.users].map((set) => ({ name: set, kind: 'EntitySet', url: set })),
      }, ODATA_HEADERS);
    }
    if (rest === '$metadata') {
      allow(req, ['GET']);
      const xml = metadataDocument(model, paths);
      res.writeHead(200, { 'Content-Type': 'application/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(xml), ...ODATA_HEADERS });
      return void res.end(xml);
    }
    if (rest.includes('/')) throw new HttpError(404, 'NotFound', `no route for ${req.path}`);
    const clients = parseKeySegment(rest, paths.oauthClients);
    if (clients) {
      checkAllowed(paths.oauthClients);
      return clients.key === undefined ? clientsCollection(req, res, root) : clientEntity(req, res, root, clients.key);
    }
    const users = parseKeySegment(rest, paths.users);
    if (users) {
      checkAllowed(paths.users);
      return usersRoute(req, res, root, users.key);
    }
    throw new HttpError(404, 'NotFound', `no entity set ${JSON.stringify(decodeURIComponent(rest))} under ${paths.odata}`);
  };

  /** A variant's admin user lacks the access code for a set: authenticated, but refused. */
  const checkAllowed = (set: string) => {
    if (forbidden.has(set)) {
      throw new HttpError(403, 'Forbidden', `user ${JSON.stringify(username)} may not use ${set}: it lacks the access code for OAuth settings administration`, ODATA_HEADERS);
    }
  };

  const entityUrl = (root: string, set: string, key: string) => `${root}/${set}(${encodeURIComponent(`'${key.replace(/'/g, "''")}'`)})`;
  const clientBody = (root: string, c: StoredClient) => ({
    '@odata.context': `${root}/$metadata#${paths.oauthClients}/$entity`,
    '@odata.etag': etagOf(c),
    ...clientView(c, model),
  });

  const clientsCollection = (req: EmulatorRequest, res: ServerResponse, root: string) => {
    allow(req, ['GET', 'POST']);
    if (req.method === 'GET') {
      return sendJson(res, 200, {
        '@odata.context': `${root}/$metadata#${paths.oauthClients}`,
        value: data.listClients().map((c) => ({ '@odata.etag': etagOf(c), ...clientView(c, model) })),
      }, ODATA_HEADERS);
    }
    const body = parseClientBody(parseJsonBody(req), model);
    requireForCreate(body, model);
    checkUser(body.User);
    const generated = body.ClientSecret === undefined ? generateSecret() : undefined;
    const created = data.createClient({ ...CREATE_DEFAULTS, ...body, ClientSecret: body.ClientSecret ?? generated });
    if (!created) throw new HttpError(409, 'Conflict', `an OAuthClient with ${name('ClientId')} ${JSON.stringify(body.ClientId)} already exists`);
    const out: Record<string, unknown> = clientBody(root, created);
    // The one and only time a generated secret leaves the server.
    if (generated !== undefined) out[name('ClientSecret')] = generated;
    sendJson(res, 201, out, { ...ODATA_HEADERS, ETag: etagOf(created), Location: entityUrl(root, paths.oauthClients, created.ClientId) });
  };

  const clientEntity = (req: EmulatorRequest, res: ServerResponse, root: string, key: string) => {
    allow(req, ['GET', 'PATCH', 'DELETE']);
    const current = data.getClient(key);
    if (req.method === 'GET') {
      if (!current) throw notFound(paths.oauthClients, key);
      return sendJson(res, 200, clientBody(root, current), { ...ODATA_HEADERS, ETag: etagOf(current) });
    }
    if (req.method === 'DELETE') {
      if (!current) throw notFound(paths.oauthClients, key);
      checkIfMatch(req, current, false);
      data.deleteClient(key);
      return sendEmpty(res, 204, ODATA_HEADERS);
    }
    // PATCH: validate the body before the precondition, so a bad body is a 400 whatever the ETag.
    const body = parseClientBody(parseJsonBody(req), model);
    if (!current) throw notFound(paths.oauthClients, key);
    checkIfMatch(req, current, true);
    if (body.ClientId !== undefined && body.ClientId !== key) {
      throw new HttpError(400, 'BadRequest', `property ${name('ClientId')} is the key and cannot change (${JSON.stringify(key)} → ${JSON.stringify(body.ClientId)}); create a new client instead`);
    }
    if (body.User !== undefined) checkUser(body.User);
    const { ClientId: _ignored, ...change } = body;
    const updated = data.updateClient(key, change)!;
    sendEmpty(res, 204, { ...ODATA_HEADERS, ETag: etagOf(updated) });
  };

  const usersRoute = (req: EmulatorRequest, res: ServerResponse, root: string, key: string | undefined) => {
    allow(req, ['GET']);
    if (key === undefined) {
      return sendJson(res, 200, { '@odata.context': `${root}/$metadata#${paths.users}`, value: data.listUsers() }, ODATA_HEADERS);
    }
    const user: StoredUser | undefined = data.getUser(key);
    if (!user) throw notFound(paths.users, key);
    sendJson(res, 200, { '@odata.context': `${root}/$metadata#${paths.users}/$entity`, ...user }, ODATA_HEADERS);
  };

  const checkUser = (initials: string) => {
    if (!data.getUser(initials)) throw new HttpError(400, 'UserNotFound', `property ${name('User')}: no WorkZone user has the initials ${JSON.stringify(initials)}`);
  };

  const server = await startServer({
    port: options.port,
    host: options.host,
    tls: options.tls,
    handler,
    faults,
    // The token endpoint answers even the server's own errors (a body over the limit) the OAuth way.
    errorFormat: (status, code, message, path) => (path === paths.token ? oauthError : odataError)(status, code, message, path),
    log: options.log,
    name: 'workzone',
  });
  base = server.url;
  return {
    url: server.url,
    odataUrl: `${server.url}${paths.odata}`,
    tokenUrl: `${server.url}${paths.token}`,
    variant,
    port: server.port,
    username,
    password,
    faults,
    data,
    health,
    close: () => server.close(),
  };
}

function normalisePath(p: string): string {
  const withSlash = p.startsWith('/') ? p : `/${p}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

function allow(req: EmulatorRequest, methods: string[]): void {
  if (!methods.includes(req.method)) {
    throw new HttpError(405, 'MethodNotAllowed', `${req.method} is not allowed here; use ${methods.join(', ')}`, { Allow: methods.join(', ') });
  }
}

function notFound(set: string, key: string): HttpError {
  return new HttpError(404, 'NotFound', `no ${set} entity with key ${JSON.stringify(key)}`, ODATA_HEADERS);
}

function checkIfMatch(req: EmulatorRequest, current: StoredClient, required: boolean): void {
  const header = req.headers['if-match'];
  if (header === undefined) {
    if (required) throw new HttpError(428, 'PreconditionRequired', 'If-Match is required: send the ETag from your last GET (or * to overwrite)');
    return;
  }
  const tags = header.split(/,(?=\s*(?:W\/)?")/).map((t) => t.trim());
  if (tags.includes('*') || tags.includes(etagOf(current))) return;
  throw new HttpError(412, 'PreconditionFailed', `the client was changed since your ETag ${header} was issued (now ${etagOf(current)}); read it again`, { ETag: etagOf(current) });
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison of the admin credentials (hashing first equalises lengths). */
function checkAdmin(req: EmulatorRequest, admin: { readonly user: Buffer; readonly password: Buffer }): void {
  const given = parseBasicAuth(req.headers.authorization);
  const ok =
    !!given &&
    timingSafeEqual(digest(given.user), admin.user) &&
    timingSafeEqual(digest(given.password), admin.password);
  if (!ok) {
    throw new HttpError(401, 'Unauthorized', given === undefined ? 'authentication required (HTTP Basic)' : 'wrong user name or password', {
      'WWW-Authenticate': 'Basic realm="WorkZone"',
      ...ODATA_HEADERS,
    });
  }
}
