/**
 * The emulated Logic endpoints as plain functions from a request to a reply, kept apart from the HTTP
 * server so that the contract (docs/kmdlogic-api.md) reads top to bottom here.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { JsonStore } from '../common/store';
import { MultipartError, readMultipart } from './multipart';
import {
  applyUpdate,
  ENVIRONMENTS,
  newConfiguration,
  sameId,
  toModel,
  toWriteResponse,
  type ConfigurationInput,
  type Environment,
  type KmdLogicData,
} from './state';
import type { TokenIssuer } from './tokens';

export interface Request {
  readonly method: string;
  /** Path below the mount point, without query string. */
  readonly path: string;
  readonly headers: { readonly [name: string]: string | string[] | undefined };
  readonly body: Buffer;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface Stats {
  tokenRequests: number;
  tokensIssued: number;
  apiRequests: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

const header = (req: Request, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Gateway-style error body (assumed shape, see the contract). */
const fail = (status: number, message: string, extra?: { headers?: Record<string, string>; errors?: Record<string, string[]> }): Reply => ({
  status,
  body: { statusCode: status, message, ...(extra?.errors && { errors: extra.errors }) },
  ...(extra?.headers && { headers: extra.headers }),
});

/** RFC 6749 §5.2 error body. */
const oauthFail = (status: number, error: string, description: string, headers: Record<string, string> = {}): Reply => ({
  status,
  body: { error, error_description: description },
  headers: { ...NO_STORE, ...headers },
});

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class KmdLogicRoutes {
  constructor(
    private readonly store: JsonStore<KmdLogicData>,
    private readonly tokens: TokenIssuer,
    private readonly scope: string,
    readonly stats: Stats,
  ) {}

  /** POST <token_url>: client credentials grant (form fields or HTTP Basic client authentication). */
  token(req: Request): Reply {
    this.stats.tokenRequests++;
    if (req.method !== 'POST') return oauthFail(405, 'invalid_request', 'the token endpoint accepts POST only', { allow: 'POST' });
    const type = (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return oauthFail(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(req.body.toString('utf8'));
    for (const key of new Set(form.keys())) {
      if (form.getAll(key).length > 1) return oauthFail(400, 'invalid_request', `parameter ${JSON.stringify(key.slice(0, 40))} is given more than once; send it once`);
    }

    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    let basic = false;
    const auth = header(req, 'authorization');
    if (auth && /^basic /i.test(auth)) {
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return oauthFail(400, 'invalid_request', 'Basic credentials must be client_id:client_secret');
      if (clientId !== undefined || clientSecret !== undefined) {
        return oauthFail(400, 'invalid_request', 'send client credentials either in the form or with Basic auth, not both');
      }
      try {
        // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
        clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      } catch {
        return oauthFail(400, 'invalid_request', 'Basic credentials have a malformed percent-encoding');
      }
      basic = true;
    }

    const grant = form.get('grant_type');
    if (!grant) return oauthFail(400, 'invalid_request', 'grant_type is missing; send grant_type=client_credentials');
    if (grant !== 'client_credentials') {
      return oauthFail(400, 'unsupported_grant_type', 'only grant_type=client_credentials is supported');
    }
    const challenge: Record<string, string> = basic ? { 'www-authenticate': 'Basic realm="kmdlogic"' } : {};
    if (!clientId || clientSecret === undefined) {
      return oauthFail(401, 'invalid_client', 'client_id and client_secret are required', challenge);
    }
    const credential = this.store.get().credentials.find((c) => sameId(c.clientId, clientId));
    // One answer for unknown id and wrong secret, like a real OAuth server: no probing for valid ids.
    if (!credential || !safeEqual(credential.clientSecret, clientSecret)) {
      return oauthFail(401, 'invalid_client', 'client authentication failed', challenge);
    }
    const scope = form.get('scope');
    if (!scope) return oauthFail(400, 'invalid_scope', 'scope is missing; request the KMD Logic API scope');
    if (scope !== this.scope) return oauthFail(400, 'invalid_scope', `scope ${JSON.stringify(scope)} is not known here`);

    const token = this.tokens.issue(credential.clientId);
    return {
      status: 200,
      body: { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn },
      headers: NO_STORE,
    };
  }

  /** Everything below the CPR API base (`/cpr/v1`). */
  async api(req: Request): Promise<Reply> {
    this.stats.apiRequests++;
    const m = /^\/subscriptions\/([^/]+)\/cpr\/configurations(?:\/(data-distributor))?(?:\/([^/]+))?\/?$/.exec(req.path);
    if (!m) return fail(404, `No route for ${req.path}.`);
    let segments: (string | undefined)[];
    try {
      segments = m.map((s) => (s === undefined ? s : decodeURIComponent(s)));
    } catch {
      return fail(400, 'The path has a malformed percent-encoding.');
    }
    const [, sub, distributor, rawId] = segments;
    const rawSub = sub as string;
    const route: { allow: string; run: () => Reply | Promise<Reply> } | undefined = distributor
      ? rawId
        ? { allow: 'PUT', run: () => this.update(rawSub, rawId, req) }
        : { allow: 'POST', run: () => this.create(rawSub, req) }
      : rawId
        ? { allow: 'GET', run: () => this.read(rawSub, rawId) }
        : { allow: 'GET', run: () => this.list(rawSub) };
    if (req.method !== route.allow) {
      return fail(405, `${req.method} is not supported here; KMD Logic has no delete for CPR configurations.`, {
        headers: { allow: route.allow },
      });
    }

    const clientId = this.authenticate(req);
    if (!clientId) {
      return fail(401, 'Access token is missing, invalid or expired.', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    if (!GUID.test(rawSub)) return fail(400, `Subscription id ${JSON.stringify(rawSub)} is not a GUID.`);
    if (rawId !== undefined && !GUID.test(rawId)) return fail(400, `Configuration id ${JSON.stringify(rawId)} is not a GUID.`);
    const data = this.store.get();
    if (!data.subscriptions.some((s) => sameId(s.id, rawSub))) return fail(404, `Subscription ${rawSub} was not found.`);
    const credential = data.credentials.find((c) => sameId(c.clientId, clientId));
    if (!credential?.subscriptionIds.some((s) => sameId(s, rawSub))) {
      return fail(403, `Client ${clientId} may not use subscription ${rawSub}.`);
    }
    return route.run();
  }

  private authenticate(req: Request): string | undefined {
    const auth = header(req, 'authorization');
    const m = auth ? /^bearer\s+(\S+)\s*$/i.exec(auth) : null;
    return m ? this.tokens.verify(m[1]) : undefined;
  }

  private list(sub: string): Reply {
    const items = this.store
      .get()
      .configurations.filter((c) => sameId(c.subscriptionId, sub))
      .map(toModel);
    return { status: 200, body: items };
  }

  private read(sub: string, id: string): Reply {
    const config = this.find(sub, id);
    return config ? { status: 200, body: toModel(config) } : fail(404, `Configuration ${id} was not found in subscription ${sub}.`);
  }

  private async create(sub: string, req: Request): Promise<Reply> {
    const input = await formInput(req);
    if ('status' in input) return input;
    const id = randomUUID();
    const created = this.store.update((d) => {
      const c = newConfiguration(id, sub.toLowerCase(), input);
      d.configurations.push(c);
      return c;
    });
    return { status: 200, body: toWriteResponse(created) };
  }

  private async update(sub: string, id: string, req: Request): Promise<Reply> {
    if (!this.find(sub, id)) return fail(404, `Configuration ${id} was not found in subscription ${sub}.`);
    const input = await formInput(req);
    if ('status' in input) return input;
    const updated = this.store.update((d) => {
      const c = d.configurations.find((x) => sameId(x.id, id) && sameId(x.subscriptionId, sub));
      if (!c) throw new Error(`configuration ${id} vanished during the update`);
      applyUpdate(c, input);
      return c;
    });
    return { status: 200, body: toWriteResponse(updated) };
  }

  private find(sub: string, id: string) {
    return this.store.get().configurations.find((c) => sameId(c.id, id) && sameId(c.subscriptionId, sub));
  }
}

/** Parses and checks the data-distributor form; a Reply is a 400 naming every bad field. */
async function formInput(req: Request): Promise<ConfigurationInput | Reply> {
  let form: FormData;
  try {
    form = await readMultipart(header(req, 'content-type'), req.body);
  } catch (err) {
    if (err instanceof MultipartError) return fail(400, `Malformed multipart/form-data body: ${err.message}.`);
    throw err;
  }
  const errors: Record<string, string[]> = {};
  const problem = (field: string, message: string) => (errors[field] ??= []).push(message);
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name)) problem(name, `${name} is given more than once; send it once`);
    seen.add(name);
  }
  const text = (field: string): string | undefined => {
    const value = form.get(field);
    if (value === null) return undefined;
    if (typeof value !== 'string') problem(field, `${field} must be a text field, not a file`);
    return typeof value === 'string' ? value : undefined;
  };

  const name = text('name');
  if (name === undefined || name.trim() === '') problem('name', 'name is required and must not be blank');
  const environment = text('environment');
  if (!ENVIRONMENTS.includes(environment as Environment)) {
    problem('environment', `environment must be one of ${ENVIRONMENTS.join(', ')}`);
  }
  const password = text('certificatePassword') ?? '';
  const cert = form.get('certificate');
  let certificate = Buffer.alloc(0);
  if (cert === null) problem('certificate', 'certificate is required: upload the PKCS#12 (.pfx) file');
  else if (typeof cert === 'string') problem('certificate', 'certificate must be a file part (with a filename)');
  else {
    certificate = Buffer.from(await cert.arrayBuffer());
    if (certificate.length === 0) problem('certificate', 'certificate is empty');
    else if (certificate[0] !== 0x30) problem('certificate', 'certificate is not a PKCS#12 (DER) file');
  }

  const fields = Object.keys(errors);
  if (fields.length > 0) {
    return fail(400, `Invalid ${fields.join(', ')}: ${Object.values(errors).flat().join('; ')}.`, { errors });
  }
  return {
    name: name as string,
    environment: environment as Environment,
    certificateFileName: (cert as File).name,
    certificate,
    certificatePassword: password,
  };
}
