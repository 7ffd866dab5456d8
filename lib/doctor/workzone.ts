/**
 * The read-only WorkZone checks: reachability and TLS, credentials and rights, the OData root, the service
 * document and `$metadata` against the provider's wire table, the user, the discovery document and the
 * token endpoint. Only GETs, plus one token request for a client that does not exist (which changes
 * nothing). Each check records one result per assumption (assumptions.ts); a check that cannot run because
 * an earlier one failed says so.
 */
import { randomBytes } from 'node:crypto';
import { HttpRequestError, redactUrl, type HttpClient, type HttpResponse } from '../providers/http';
import { scrubSecrets } from '../providers/scrub';
import { DEFAULT_TOKEN_PATH, DISCOVERY_PATH, parseDiscoveryDocument, underWorkZone, type DiscoveryDocument } from '../providers/workzone/discovery';
import { OAUTH_CLIENT_WIRE, USER_WIRE, type WireProperty } from '../providers/workzone/wire';
import { parseCsdl, type CsdlEntityType, type CsdlModel } from './csdl';
import { nearestName } from './near-name';
import type { CheckResult, WireChange } from './report';
import { parseServiceDocument, type ServiceDocument } from './service-document';
import type { WorkZoneDoctorSettings } from './settings';
import { whereToSet } from './settings';
import { transportProblem } from './transport';

/** Roots tried when the configured one has no OData service (docs/doctor.md). */
export const CANDIDATE_ROOTS = ['/odata', '/OData', '/api/odata', '/odata/v4'] as const;

/** What the checks found that the --write round trip needs: the settings that reach this server. */
export interface WorkZoneFindings {
  readonly url: string;
  readonly odataPath: string;
  readonly oauthClientsPath: string;
  readonly usersPath: string;
  /** The token endpoint the provider would use; undefined when none answered. */
  readonly tokenUrl?: string;
  /** Whether a round trip can run at all (reached, authenticated, the clients set found and usable). */
  readonly writable: boolean;
  readonly wireNames: { readonly clientSecret: string };
}

type Record_ = (result: CheckResult) => void;

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, '');
const rootOf = (url: string, path: string) => (trimSlashes(path) ? underWorkZone(url, trimSlashes(path)) : url.replace(/\/+$/, ''));
const keyUrl = (root: string, set: string, key: string) => `${root}/${set}(${encodeURIComponent(`'${key.replace(/'/g, "''")}'`)})`;

export async function examineWorkZone(s: WorkZoneDoctorSettings, http: HttpClient, record: Record_): Promise<WorkZoneFindings | undefined> {
  const secrets = [s.password, Buffer.from(`${s.username}:${s.password}`).toString('base64')];
  const auth = { Authorization: `Basic ${secrets[1]}`, 'OData-MaxVersion': '4.0' };
  /** What a server said in an error body (OData v4, v3 JSON light or verbose), scrubbed, cut. */
  const said = (res: HttpResponse): string => {
    const b = res.json() as Record<string, any> | undefined;
    const e = b?.error ?? b?.['odata.error'];
    const m = e?.message;
    const text = typeof m === 'string' ? m : typeof m?.value === 'string' ? m.value : typeof b?.error_description === 'string' ? b.error_description : '';
    const clean = scrubSecrets(String(text), secrets).replace(/\s+/g, ' ').trim();
    return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
  };
  const skipAll = (ids: readonly string[], why: string) => ids.forEach((id) => record({ id, outcome: 'skipped', summary: why }));
  const ODATA_CHECKS = ['odata-root', 'odata-v4', 'admin-right', 'oauth-clients-set', 'oauth-client-properties', 'secret-hash', 'etag', 'users-set', 'cpr-user'];

  // Reachability, TLS and credentials: the service document at the configured root.
  const configuredPath = s.odataPath ?? '/odata';
  const configuredRoot = rootOf(s.url, configuredPath);
  let first: HttpResponse;
  try {
    first = await http.request({ method: 'GET', url: configuredRoot, headers: auth });
  } catch (err) {
    if (!(err instanceof HttpRequestError)) throw err;
    const problem = transportProblem(err, 'workzone', 'url');
    record({ id: 'reachable', outcome: 'blocked', summary: problem.summary, details: problem.details });
    skipAll(['basic-auth', ...ODATA_CHECKS, 'identityserver', 'client-credentials', 'token-endpoint'], 'not checked: WorkZone could not be reached');
    return undefined;
  }
  const https = new URL(s.url).protocol === 'https:';
  record({
    id: 'reachable',
    outcome: 'holds',
    summary: `WorkZone answers at ${new URL(s.url).origin} ${https ? (s.insecureSkipVerify ? 'over HTTPS, but TLS checks are OFF' : 'over HTTPS with a trusted certificate') : 'over plain HTTP'}`,
    details: [
      ...(https && s.insecureSkipVerify ? [`${whereToSet('workzone', 'insecure_skip_verify')} is on: anyone on the network path can read the credentials; set ca_file instead outside tests.`] : []),
      ...(!https ? ['Plain HTTP sends the admin password and client secrets unencrypted: use https:// outside a test machine.'] : []),
    ],
  });

  if (first.status === 401) {
    const schemes = ([] as string[]).concat(first.headers['www-authenticate'] ?? []).map((h) => h.split(/\s/)[0]).filter(Boolean);
    const basic = schemes.length === 0 || schemes.some((x) => /^basic$/i.test(x));
    record({
      id: 'basic-auth',
      outcome: 'blocked',
      summary: `WorkZone refused the credentials of user ${JSON.stringify(s.username)} (HTTP 401)`,
      details: basic
        ? [`Check ${whereToSet('workzone', 'username')} and ${whereToSet('workzone', 'password')}.`, ...(said(first) ? [`WorkZone said: ${said(first)}`] : [])]
        : [
            `WorkZone asks for ${schemes.join(', ')} authentication, not Basic: the provider sends HTTP Basic only.`,
            'Enable Basic authentication for the OData service in IIS, or send the --json report.',
          ],
      facts: { wwwAuthenticate: schemes },
    });
    skipAll(ODATA_CHECKS, 'not checked: the credentials were refused');
    await examineTokenEndpoint(s, http, record);
    return undefined;
  }
  record({ id: 'basic-auth', outcome: 'holds', summary: `WorkZone accepts the credentials of user ${JSON.stringify(s.username)} (HTTP Basic)` });
  if (first.status === 403) {
    record({
      id: 'admin-right',
      outcome: 'fails',
      summary: `user ${JSON.stringify(s.username)} may not read the OData service at ${redactUrl(configuredRoot)} (HTTP 403)`,
      details: ['Give the user the access codes for the OData service and for OAuth settings administration (e.g. OAUTH2ADM), or use another admin user.', ...(said(first) ? [`WorkZone said: ${said(first)}`] : [])],
    });
    skipAll(ODATA_CHECKS.filter((id) => id !== 'admin-right'), 'not checked: the OData service refused the user (HTTP 403)');
    await examineTokenEndpoint(s, http, record);
    return undefined;
  }

  // The OData root: the configured one, else the first candidate with a service document.
  let root = configuredRoot;
  const effective = { url: s.url, odataPath: configuredPath };
  let service = first.status === 200 ? parseServiceDocument(first.text(), String(first.headers['content-type'] ?? '')) : undefined;
  let serviceRes = first;
  if (service) {
    record({ id: 'odata-root', outcome: 'holds', summary: `an OData service document at ${redactUrl(root)} (${service.format}, ${service.entitySets.length} entity sets)` });
  } else {
    const tried: string[] = [redactUrl(configuredRoot)];
    const origin = new URL(s.url).origin;
    const candidates = [...new Set([...CANDIDATE_ROOTS.map((p) => rootOf(s.url, p)), ...CANDIDATE_ROOTS.map((p) => rootOf(origin, p)), s.url.replace(/\/+$/, '')])].filter((c) => c !== configuredRoot);
    for (const candidate of candidates) {
      tried.push(redactUrl(candidate));
      const res = await http.request({ method: 'GET', url: candidate, headers: auth }).catch(() => undefined);
      const found = res?.status === 200 ? parseServiceDocument(res.text(), String(res.headers['content-type'] ?? '')) : undefined;
      if (found) {
        root = candidate;
        service = found;
        serviceRes = res!;
        break;
      }
    }
    const answered = first.status === 200 ? `answered 200 with ${String(first.headers['content-type'] ?? 'no content type')}, not a service document` : `answered HTTP ${first.status}`;
    if (!service) {
      record({
        id: 'odata-root',
        outcome: 'fails',
        summary: `no OData service at ${redactUrl(configuredRoot)} (${answered}), nor at the usual roots`,
        details: [`Tried: ${tried.join(', ')}.`, `Set ${whereToSet('workzone', 'odata_path')} (and ${whereToSet('workzone', 'url')}) to where WorkZone serves OData; its documentation says <WorkZone URL>/odata.`],
      });
      skipAll(ODATA_CHECKS.filter((id) => id !== 'odata-root'), 'not checked: no OData service was found');
      await examineTokenEndpoint(s, http, record);
      return undefined;
    }
    // odata_path is below url: a root outside it needs url changed too.
    const base = s.url.replace(/\/+$/, '');
    const under = root === base || root.startsWith(`${base}/`);
    effective.url = under ? s.url : origin;
    effective.odataPath = `/${trimSlashes(root.slice((under ? base : origin).length))}`;
    const settings: Record<string, string> = under ? { odata_path: effective.odataPath } : { url: origin, odata_path: effective.odataPath };
    record({
      id: 'odata-root',
      outcome: 'differs',
      summary: `no OData service at ${redactUrl(configuredRoot)} (${answered}); found one at ${redactUrl(root)}`,
      settings,
    });
  }

  // $metadata.
  let model: CsdlModel | undefined;
  let metadataProblem: string | undefined;
  try {
    const res = await http.request({ method: 'GET', url: `${root}/$metadata`, headers: { ...auth, Accept: 'application/xml' } });
    if (res.status !== 200) metadataProblem = `$metadata answered HTTP ${res.status}${said(res) ? `: ${said(res)}` : ''}`;
    else model = parseCsdl(res.text());
  } catch (err) {
    metadataProblem = `$metadata could not be read: ${(err as Error).message}`;
  }

  // The protocol version.
  const header = (name: string) => String(([] as string[]).concat(serviceRes.headers[name] ?? [])[0] ?? '').replace(/;.*$/, '').trim();
  const version = header('odata-version') || header('dataserviceversion');
  const v4 = service.format === 'OData v4 JSON' && (model === undefined || model.odataVersion.startsWith('4'));
  record({
    id: 'odata-v4',
    outcome: v4 ? 'holds' : 'fails',
    summary: v4
      ? `OData ${model?.odataVersion ?? (version || '4.0')} (${service.format})`
      : `WorkZone speaks OData ${model?.odataVersion ?? (version || 'below 4')} (${service.format}${version ? `, version header ${version}` : ''}); the provider speaks OData v4 JSON`,
    ...(!v4 && { details: ['The provider reads v4 JSON bodies (@odata.etag, OData-Version: 4.0): send the --json report so that it learns this dialect.'] }),
    facts: { serviceDocument: service.format, versionHeader: version || null, metadataVersion: model?.odataVersion ?? null },
  });

  // The OAuth clients set, its type and key.
  const clients = findSet(s.oauthClientsPath ?? 'OAuthClients', service, model, OAUTH_CLIENT_WIRE, 'oauth_clients_path');
  const users = findSet(s.usersPath ?? 'Users', service, model, USER_WIRE, 'users_path');
  const clientType = clients.set ? typeOf(model, clients.set) : undefined;
  const keyWanted = Object.values(OAUTH_CLIENT_WIRE as Record<string, WireProperty>).find((p) => p.key)!.property;
  {
    const keyProblem = clientType && !(clientType.key.length === 1 && clientType.key[0] === keyWanted) ? `keyed by ${clientType.key.join(', ') || 'nothing'}, not by ${keyWanted}` : undefined;
    const keyNear = keyProblem && clientType ? nearestName(keyWanted, clientType.key) : undefined;
    record({
      id: 'oauth-clients-set',
      outcome: !clients.set ? 'fails' : keyProblem ? 'fails' : clients.setting ? 'differs' : 'holds',
      summary: !clients.set
        ? clients.summary
        : `${clients.summary}${clientType ? `; entity type ${clientType.qualifiedName}, ${keyProblem ?? `keyed by ${keyWanted}`}` : metadataProblem ? ` (${metadataProblem})` : ''}`,
      ...(clients.setting && { settings: { oauth_clients_path: clients.set! } }),
      ...(keyNear && { wire: [wireChange('OAUTH_CLIENT_WIRE', OAUTH_CLIENT_WIRE, keyWanted, keyNear.name, keyNear.why)] }),
      ...(keyProblem && !keyNear && { details: ['The provider reads, updates and deletes clients by key (the client id): send the --json report.'] }),
      facts: { entitySets: service.entitySets.map((e) => e.name), entityType: clientType?.qualifiedName ?? null, key: clientType?.key ?? null },
    });
  }

  // Properties, the secret hash and ETags.
  const noType = clients.set ? (metadataProblem ?? `no entity type for ${clients.set} in $metadata`) : 'no OAuth clients set was found';
  if (clientType) {
    const { hash, rest } = splitHash(compareProperties(clientType, OAUTH_CLIENT_WIRE, 'OAUTH_CLIENT_WIRE'));
    const concurrency = model!.entitySets.get(clients.set!)!.concurrency;
    record(propertiesResult('oauth-client-properties', clientType, rest, concurrency.properties));
    record(hashResult(hash));
    record(
      concurrency.declared
        ? { id: 'etag', outcome: 'holds', summary: `changes need ETags (${concurrency.how}${concurrency.properties.length ? ` over ${concurrency.properties.join(', ')}` : ''})` }
        : {
            id: 'etag',
            outcome: 'fails',
            summary: `$metadata declares no optimistic concurrency for ${clients.set}`,
            details: ['The provider sends the ETag of its last read with every update (If-Match); a server that gives none fails every update: send the --json report.'],
          },
    );
  } else {
    skipAll(['oauth-client-properties', 'secret-hash', 'etag'], `not checked: ${noType}`);
  }

  // The right to administer OAuth clients.
  let writable = false;
  if (clients.set) {
    const url = `${root}/${clients.set}?$top=1`;
    const res = await http.request({ method: 'GET', url, headers: auth }).catch((err: Error) => err);
    if (res instanceof Error) {
      record({ id: 'admin-right', outcome: 'fails', summary: `reading ${clients.set} failed: ${res.message}` });
    } else if (res.status === 200) {
      writable = true;
      record({ id: 'admin-right', outcome: 'holds', summary: `user ${JSON.stringify(s.username)} may read ${clients.set}` });
    } else if (res.status === 403) {
      record({
        id: 'admin-right',
        outcome: 'fails',
        summary: `user ${JSON.stringify(s.username)} may not use ${clients.set} (HTTP 403)`,
        details: ['Give the user the access code for OAuth settings administration (e.g. OAUTH2ADM), or use another admin user.', ...(said(res) ? [`WorkZone said: ${said(res)}`] : [])],
      });
    } else {
      record({ id: 'admin-right', outcome: 'fails', summary: `reading ${clients.set} answered HTTP ${res.status}${said(res) ? `: ${said(res)}` : ''}` });
    }
  } else {
    record({ id: 'admin-right', outcome: 'skipped', summary: 'not checked: no OAuth clients set was found' });
  }

  // Users: the set, its key and properties, and the user the CPR client acts as.
  const userType = users.set ? typeOf(model, users.set) : undefined;
  const initials = USER_WIRE.initials.property;
  const userKeyProblem = userType && !(userType.key.length === 1 && userType.key[0] === initials) ? `keyed by ${userType.key.join(', ') || 'nothing'}, not by ${initials}` : undefined;
  {
    const compared = userType ? compareProperties(userType, USER_WIRE, 'USER_WIRE') : [];
    const problems = compared.filter((c) => c.problem && !c.optional);
    const outcome = !users.set || userKeyProblem || problems.length ? 'fails' : users.setting ? 'differs' : 'holds';
    record({
      id: 'users-set',
      outcome,
      summary: !users.set
        ? users.summary
        : `${users.summary}${userType ? `; entity type ${userType.qualifiedName}, ${userKeyProblem ?? `keyed by ${initials}`}${problems.length ? `; ${problems.length} of ${compared.length} properties do not fit` : ''}` : metadataProblem ? ` (${metadataProblem})` : ''}`,
      details: [
        ...(userKeyProblem ? ['The provider reads a user by key with its initials (Users(\'CPRBATCHUSER\')): send the --json report.'] : []),
        ...compared.filter((c) => c.problem).map((c) => c.problem!),
      ],
      ...(users.setting && { settings: { users_path: users.set! } }),
      wire: compared.flatMap((c) => (c.wire ? [c.wire] : [])),
    });
  }
  if (users.set) {
    const res = await http.request({ method: 'GET', url: keyUrl(root, users.set, s.user), headers: auth }).catch((err: Error) => err);
    if (res instanceof Error) {
      record({ id: 'cpr-user', outcome: 'fails', summary: `reading user ${s.user} failed: ${res.message}` });
    } else if (res.status === 200) {
      const body = res.json() as Record<string, unknown> | undefined;
      const active = body?.[USER_WIRE.active.property];
      record({
        id: 'cpr-user',
        outcome: active === false ? 'fails' : 'holds',
        summary: `user ${s.user} exists${typeof body?.[USER_WIRE.name.property] === 'string' ? ` (${body[USER_WIRE.name.property]})` : ''}${active === false ? ' but is not active' : ''}`,
        ...(active === false && { details: ['Activate the user in WorkZone: the CPR update client acts as this user.'] }),
      });
    } else if (res.status === 404) {
      // Not found by key: maybe the key is not the initials (the set's key says so); look by filter.
      const filtered = userKeyProblem
        ? await http.request({ method: 'GET', url: `${root}/${users.set}?$filter=${encodeURIComponent(`${initials} eq '${s.user.replace(/'/g, "''")}'`)}`, headers: auth }).catch(() => undefined)
        : undefined;
      const byFilter = (filtered?.json() as { value?: unknown[] } | undefined)?.value?.length;
      record({
        id: 'cpr-user',
        outcome: 'fails',
        summary: byFilter ? `user ${s.user} exists, but not under that key (${userKeyProblem})` : `WorkZone has no user ${s.user}`,
        details: byFilter
          ? ['The provider looks users up by key: send the --json report.']
          : [`Create the user in WorkZone (for the CPR update module: ${USER_WIRE.initials.property} CPRBATCHUSER, "Captia CPR batch afvikler"), or check with ${'--user'} which user the client should act as.`],
      });
    } else {
      record({ id: 'cpr-user', outcome: 'fails', summary: `reading user ${s.user} answered HTTP ${res.status}${said(res) ? `: ${said(res)}` : ''}` });
    }
  } else {
    record({ id: 'cpr-user', outcome: 'skipped', summary: 'not checked: no users set was found' });
  }

  const tokenUrl = await examineTokenEndpoint(s, http, record);
  return {
    ...effective,
    oauthClientsPath: clients.set ?? s.oauthClientsPath ?? 'OAuthClients',
    usersPath: users.set ?? s.usersPath ?? 'Users',
    ...(tokenUrl && { tokenUrl }),
    writable: writable && !!clients.set,
    wireNames: { clientSecret: OAUTH_CLIENT_WIRE.client_secret.property },
  };
}

/** The discovery document and the token endpoint the provider would use; returns that endpoint when it answers. */
async function examineTokenEndpoint(s: WorkZoneDoctorSettings, http: HttpClient, record: Record_): Promise<string | undefined> {
  const documentUrl = underWorkZone(s.url, DISCOVERY_PATH);
  const fallback = underWorkZone(s.url, DEFAULT_TOKEN_PATH);
  let discovery: DiscoveryDocument | undefined;
  try {
    const res = await http.request({ method: 'GET', url: documentUrl });
    if (res.status === 200) {
      const parsed = parseDiscoveryDocument(res.json(), documentUrl);
      discovery = parsed.document;
      record({
        id: 'identityserver',
        outcome: parsed.problems.length ? 'adapts' : 'holds',
        summary: `a discovery document at ${redactUrl(documentUrl)}${discovery.issuer ? ` (issuer ${redactUrl(discovery.issuer)})` : ''}${parsed.problems.length ? `, not usable: ${parsed.problems.join('; ')}` : ''}`,
        ...(parsed.problems.length && { details: [`Without it the provider uses ${whereToSet('workzone', 'token_url')}, else ${redactUrl(fallback)}.`] }),
        facts: {
          issuer: discovery.issuer ?? null,
          tokenEndpoint: discovery.tokenEndpoint ? redactUrl(discovery.tokenEndpoint) : null,
          grantTypesSupported: discovery.grantTypesSupported ?? null,
          tokenEndpointAuthMethodsSupported: discovery.tokenEndpointAuthMethodsSupported ?? null,
        },
      });
    } else {
      record({
        id: 'identityserver',
        outcome: 'adapts',
        summary: `no discovery document at ${redactUrl(documentUrl)} (HTTP ${res.status})`,
        details: [`The provider then uses ${whereToSet('workzone', 'token_url')}, else ${redactUrl(fallback)}.`],
      });
    }
  } catch (err) {
    if (!(err instanceof HttpRequestError)) throw err;
    record({ id: 'identityserver', outcome: 'skipped', summary: `the discovery document could not be read: ${transportProblem(err, 'workzone', 'url').summary}` });
  }

  // The grants and client authentication methods it declares.
  if (discovery?.grantTypesSupported || discovery?.tokenEndpointAuthMethodsSupported) {
    const grants = discovery.grantTypesSupported;
    const methods = discovery.tokenEndpointAuthMethodsSupported;
    const problems = [
      ...(grants && !grants.includes('client_credentials') ? [`grant_types_supported (${grants.join(', ')}) lacks client_credentials`] : []),
      ...(methods && !methods.includes('client_secret_basic') ? [`token_endpoint_auth_methods_supported (${methods.join(', ')}) lacks client_secret_basic, which the provider uses`] : []),
    ];
    record({
      id: 'client-credentials',
      outcome: problems.length ? 'fails' : 'holds',
      summary: problems.length ? problems.join('; ') : `the discovery document lists client_credentials${methods ? ' and client_secret_basic' : ''}`,
      ...(problems.length && { details: ['Send the --json report.'] }),
    });
  } else {
    record({ id: 'client-credentials', outcome: 'skipped', summary: 'not checked: no discovery document lists grant types (--write gets a real token)' });
  }

  // The endpoint the provider would use, asked for a token for a client that does not exist.
  const used = s.tokenUrl ?? discovery?.tokenEndpoint ?? fallback;
  const how = s.tokenUrl ? 'token_url' : discovery?.tokenEndpoint ? 'the discovery document' : 'the default';
  const probe = async (url: string): Promise<{ ok: boolean; what: string }> => {
    const id = `workzone-cpr-doctor-probe-${randomBytes(6).toString('hex')}`;
    const secret = randomBytes(24).toString('base64url');
    try {
      const res = await http.request({
        method: 'POST',
        url,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
        retrySafe: true,
      });
      const error = (res.json() as { error?: unknown } | undefined)?.error;
      if ((res.status === 400 || res.status === 401) && typeof error === 'string') return { ok: true, what: `an OAuth token endpoint (an unknown client gets HTTP ${res.status} ${error})` };
      return { ok: false, what: `HTTP ${res.status}${typeof error === 'string' ? ` ${error}` : ''}, not an OAuth token endpoint's answer` };
    } catch (err) {
      if (!(err instanceof HttpRequestError)) throw err;
      return { ok: false, what: transportProblem(err, 'workzone', 'token_url').summary };
    }
  };
  const answer = await probe(used);
  if (answer.ok) {
    const viaDiscovery = !s.tokenUrl && discovery?.tokenEndpoint && discovery.tokenEndpoint !== fallback;
    record({
      id: 'token-endpoint',
      outcome: viaDiscovery ? 'adapts' : 'holds',
      summary: `${redactUrl(used)} (from ${how}) is ${answer.what}`,
      details: [
        ...(viaDiscovery ? [`It is not the default ${redactUrl(fallback)}: the provider finds it by discovery when token_url is not set.`] : []),
        ...(s.tokenUrl && discovery?.tokenEndpoint && discovery.tokenEndpoint !== s.tokenUrl ? [`The discovery document names ${redactUrl(discovery.tokenEndpoint)} instead.`] : []),
      ],
      ...(viaDiscovery && { settings: { token_url: discovery!.tokenEndpoint! } }),
    });
    return used;
  }
  // The one in use does not answer: is there one that does?
  const others = [...new Set([discovery?.tokenEndpoint, fallback].filter((u): u is string => !!u && u !== used))];
  for (const other of others) {
    const alt = await probe(other);
    if (alt.ok) {
      record({ id: 'token-endpoint', outcome: 'differs', summary: `${redactUrl(used)} (from ${how}) answered ${answer.what}; ${redactUrl(other)} is ${alt.what}`, settings: { token_url: other } });
      return other;
    }
  }
  record({
    id: 'token-endpoint',
    outcome: 'fails',
    summary: `${redactUrl(used)} (from ${how}) answered ${answer.what}`,
    details: [`Set ${whereToSet('workzone', 'token_url')} to WorkZone's OAuth token endpoint (IdentityServer's is <base>/connect/token).`],
  });
  return undefined;
}

interface FoundSet {
  readonly set?: string;
  readonly summary: string;
  /** The set is not the configured one: the setting to change. */
  readonly setting?: string;
}

/** The configured set, else one of a near name, else the one whose type has most of the wire table's properties. */
function findSet(wanted: string, service: ServiceDocument, model: CsdlModel | undefined, wire: Record<string, WireProperty>, setting: string): FoundSet {
  const name = trimSlashes(wanted);
  const listed = service.entitySets.map((e) => e.url);
  if (listed.includes(name)) return { set: name, summary: `entity set ${name} is listed` };
  const near = nearestName(name, listed);
  if (near) return { set: near.name, summary: `no entity set ${name}; ${near.name} is listed (${near.why})`, setting };
  if (model) {
    const score = (type: CsdlEntityType | undefined) => Object.values(wire).filter((p) => type?.properties.some((q) => q.name === p.property || nearestName(p.property, [q.name]))).length;
    const ranked = [...model.entitySets.values()].map((e) => ({ set: e.name, score: score(model.entityTypes.get(e.entityType)) })).sort((a, b) => b.score - a.score);
    const best = ranked[0];
    if (best && best.score * 2 >= Object.keys(wire).length && listed.includes(best.set)) {
      return { set: best.set, summary: `no entity set ${name}; ${best.set} has ${best.score} of the ${Object.keys(wire).length} properties`, setting };
    }
  }
  return { summary: `no entity set ${name} (listed: ${listed.join(', ') || 'none'}); set ${whereToSet('workzone', setting)}` };
}

function typeOf(model: CsdlModel | undefined, set: string): CsdlEntityType | undefined {
  const e = model?.entitySets.get(set);
  return e ? model!.entityTypes.get(e.entityType) : undefined;
}

interface Compared {
  readonly entry: string;
  readonly property: string;
  readonly optional: boolean;
  /** Undefined when it fits. */
  readonly problem?: string;
  readonly wire?: WireChange;
  readonly found?: string;
}

/** Each wire table entry against the entity type: present, missing, of another type, or under a near name. */
function compareProperties(type: CsdlEntityType, wire: Record<string, WireProperty>, table: WireChange['table']): Compared[] {
  const names = type.properties.map((p) => p.name);
  const claimed = new Set(Object.values(wire).map((p) => p.property).filter((n) => names.includes(n)));
  return Object.entries(wire).map(([entry, w]) => {
    const optional = w.optional === true;
    const exact = type.properties.find((p) => p.name === w.property);
    if (exact) {
      const problems = [
        ...(exact.type !== w.type ? [`${w.property} is ${exact.type}, not ${w.type}`] : []),
        ...(!w.readOnly && exact.computed ? [`${w.property} is computed by the server, but the provider writes it`] : []),
      ];
      return { entry, property: w.property, optional, found: w.property, ...(problems.length && { problem: problems.join('; ') }) };
    }
    const near = nearestName(w.property, names.filter((n) => !claimed.has(n)));
    if (near) {
      const found = type.properties.find((p) => p.name === near.name)!;
      return {
        entry,
        property: w.property,
        optional,
        found: near.name,
        problem: `${w.property} is missing; present as ${near.name} (${near.why}${found.type !== w.type ? `, and ${found.type}, not ${w.type}` : ''})`,
        wire: wireChange(table, wire, w.property, near.name, near.why),
      };
    }
    return { entry, property: w.property, optional, problem: `${w.property} (${w.type}) is missing` };
  });
}

function wireChange(table: WireChange['table'], wire: Record<string, WireProperty>, from: string, to: string, why: string): WireChange {
  const entry = Object.entries(wire).find(([, w]) => w.property === from)![0];
  return { table, entry, from, to, why };
}

function splitHash(compared: Compared[]): { hash: Compared; rest: Compared[] } {
  const hash = compared.find((c) => c.entry === 'client_secret_hash')!;
  return { hash, rest: compared.filter((c) => c !== hash) };
}

/** `serverSet`: properties the server fills itself (its ETag's), which no client sends. */
function propertiesResult(id: string, type: CsdlEntityType, compared: Compared[], serverSet: readonly string[]): CheckResult {
  const bad = compared.filter((c) => c.problem);
  const known = new Set([...compared.map((c) => c.found).filter(Boolean), ...serverSet]);
  const unknownRequired = type.properties.filter((p) => !known.has(p.name) && !p.nullable && !p.computed && !type.key.includes(p.name)).map((p) => `${p.name} (${p.type})`);
  return {
    id,
    outcome: bad.length ? 'fails' : 'holds',
    summary: bad.length ? `${bad.length} of ${compared.length} properties do not fit: ${bad.map((c) => c.property).join(', ')}` : `all ${compared.length} properties present with their types`,
    details: [
      ...bad.map((c) => c.problem!),
      ...(unknownRequired.length ? [`Not nullable, and not sent by the provider: ${unknownRequired.join(', ')}; a create may be refused without them.`] : []),
    ],
    wire: bad.flatMap((c) => (c.wire ? [c.wire] : [])),
    facts: { entityType: type.qualifiedName, properties: type.properties.map((p) => ({ name: p.name, type: p.type, nullable: p.nullable })) },
  };
}

function hashResult(hash: Compared): CheckResult {
  if (!hash.problem) return { id: 'secret-hash', outcome: 'holds', summary: `${hash.property} is reported: the provider sees a secret changed in WorkZone by its hash` };
  const fallback = 'Without it, each refresh asks the token endpoint whether the secret in state still works (a token request per client).';
  if (hash.wire) return { id: 'secret-hash', outcome: 'adapts', summary: hash.problem, details: [fallback], wire: [hash.wire] };
  return { id: 'secret-hash', outcome: 'adapts', summary: `${hash.problem}: the provider checks secrets at the token endpoint instead`, details: [fallback] };
}
