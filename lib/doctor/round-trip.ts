/**
 * `--write`: a full round trip with a disposable OAuth client, made with the provider's own WorkZone client
 * (so that it exercises what `terraform apply` would send): create without a secret (WorkZone generates
 * one), read it back, get a token with the secret, update it with a new secret under the ETag, see a
 * stale ETag refused, delete it and confirm it is gone. The client is removed on any failure and on
 * Ctrl-C (`signal`); if even that fails, the result names it so that it can be deleted by hand.
 */
import { randomBytes } from 'node:crypto';
import { CPR_GRANT_TYPE, workzoneSchema } from '../schemas/workzone';
import type { AttributeSchema } from '../schemas/types';
import { DiagnosticError } from '../providers/plugin/types';
import type { HttpClient } from '../providers/http';
import { hashClientSecret, OAUTH_CLIENT_SETTINGS, OutcomeUnknownError, WorkZoneClient, type OAuthClientSettings } from '../providers/workzone/client';
import { underWorkZone } from '../providers/workzone/discovery';
import type { CheckResult } from './report';
import type { WorkZoneDoctorSettings } from './settings';

/** Every setting at the schema's default (what terraform plans for a client that sets none): the CPR update module's settings. */
const SCHEMA_DEFAULTS = Object.fromEntries(
  OAUTH_CLIENT_SETTINGS.map((name) => [name, (workzoneSchema.resources.workzone_oauth_client.attributes[name] as AttributeSchema).default]),
) as unknown as OAuthClientSettings;
import type { WorkZoneFindings } from './workzone';

/** The name a disposable client carries, so that one left behind is recognised in Configurator. */
export const DISPOSABLE_NAME = 'workzone-cpr doctor (temporary, safe to delete)';

export class Interrupted extends Error {}

export interface RoundTripEvents {
  /** Told the client id before anything is created (for the "will do" line and the Ctrl-C message). */
  readonly planned?: (clientId: string) => void;
  /** Every secret the round trip makes, so that the output can be scrubbed of them. */
  readonly secret?: (secret: string) => void;
  readonly cleanup?: (message: string) => void;
  /** The round trip is over: the disposable client is gone (or named in a cleanup message). */
  readonly done?: () => void;
}

export async function roundTrip(
  s: WorkZoneDoctorSettings,
  found: WorkZoneFindings,
  http: HttpClient,
  record: (r: CheckResult) => void,
  signal: AbortSignal,
  events: RoundTripEvents = {},
): Promise<void> {
  const clientId = `workzone-cpr-doctor-${randomBytes(6).toString('hex')}`;
  events.planned?.(clientId);
  const api = new WorkZoneClient({
    ...s,
    url: found.url,
    odataPath: found.odataPath,
    oauthClientsPath: found.oauthClientsPath,
    usersPath: found.usersPath,
    ...(found.tokenUrl && { tokenUrl: found.tokenUrl }),
  });
  const props: OAuthClientSettings = { ...SCHEMA_DEFAULTS, client_name: DISPOSABLE_NAME, user: s.user };
  let step = 'create';
  /** Whether the client may exist: created, or a create whose outcome is unknown (or interrupted). */
  let created = false;
  let deleted = false;
  const done: string[] = [];
  const check = () => {
    if (signal.aborted) throw new Interrupted(`interrupted before "${step}"`);
  };
  try {
    check();
    // 1. Create without a secret: WorkZone generates one and returns it this once.
    const made = await api.createClient({ client_id: clientId, ...props }).catch((err: unknown) => {
      if (err instanceof OutcomeUnknownError) created = true;
      throw err;
    });
    created = true;
    const generated = made.generatedSecret!;
    events.secret?.(generated);
    record({ id: 'generated-secret', outcome: 'holds', summary: `WorkZone generated a secret (${generated.length} characters) and returned it in the create answer` });
    done.push('create (201)');

    // 2. Read it back: no secret in sight, the hash (if reported) is the generated secret's.
    step = 'read';
    check();
    const read = await api.getClient(clientId);
    if (!read) throw new DiagnosticError('The client just created cannot be read back', 'GET by key answered 404.');
    const raw = await fetchEntity(http, s, found, clientId);
    const leaked = raw.includes(generated) || new RegExp(`"${found.wireNames.clientSecret}"\\s*:\\s*"`).test(raw);
    record(
      leaked
        ? { id: 'secret-not-shown', outcome: 'fails', summary: 'reading the client back returns its secret', details: ['WorkZone shows the secret again: the provider never relies on that, but the contract says it does not.'] }
        : { id: 'secret-not-shown', outcome: 'holds', summary: 'reading the client back returns no secret' },
    );
    if (read.client.client_secret_hash !== undefined) {
      const matches = read.client.client_secret_hash === hashClientSecret(generated);
      record({
        id: 'secret-hash',
        outcome: matches ? 'holds' : 'fails',
        summary: matches
          ? 'ClientSecretHash is base64(SHA-256) of the secret: the provider sees a secret changed in WorkZone'
          : 'ClientSecretHash is not base64(SHA-256) of the secret: the provider would see every secret as changed',
        ...(!matches && { details: ['Send the --json report: the hash function differs from IdentityServer\'s Sha256().'] }),
      });
    }
    done.push('read (200, ETag)');

    // 3. A token with the generated secret.
    step = 'token';
    check();
    const token = await api.requestToken(undefined, clientId, generated);
    if (!token.ok) throw new DiagnosticError(`The token endpoint refused the new client: ${token.error}${token.description ? ` (${token.description})` : ''}`, `HTTP ${token.status}`);
    record({ id: 'client-credentials', outcome: 'holds', summary: `a ${token.tokenType} token for a ${CPR_GRANT_TYPE} client acting as ${s.user}, with its secret in HTTP Basic` });
    done.push('token (200)');

    // 4. Update with a new secret under the ETag; the new secret works, the old one no longer does.
    step = 'update';
    check();
    const secret = randomBytes(30).toString('base64url');
    events.secret?.(secret);
    const updated = await api.updateClient(clientId, read.etag, { client_name: `${DISPOSABLE_NAME} (updated)`, client_secret: secret });
    const again = await api.requestToken(undefined, clientId, secret);
    const old = await api.requestToken(undefined, clientId, generated);
    if (!again.ok) throw new DiagnosticError('After the update the new secret gets no token', again.error);
    if (old.ok) throw new DiagnosticError('After the update the old secret still gets a token', 'The update did not replace the secret.');
    done.push('update (204, If-Match)');

    // 5. A stale ETag is refused.
    step = 'stale update';
    check();
    const stale = await api.updateClient(clientId, read.etag, { enabled: false }).then(
      () => 'accepted',
      (err: Error) => (/was changed in WorkZone/.test(err.message) ? 'refused' : err.message),
    );
    if (stale !== 'refused') {
      record({
        id: 'etag',
        outcome: 'fails',
        summary: `an update with a stale ETag was ${stale === 'accepted' ? 'accepted' : `answered: ${stale}`}`,
        details: ['WorkZone does not enforce If-Match: a change made in Configurator between plan and apply would be overwritten. Send the --json report.'],
      });
    }
    done.push('stale update (412)');

    // 6. Delete, and gone.
    step = 'delete';
    check();
    const current = await api.getClient(clientId);
    await api.deleteClient(clientId, current?.etag ?? updated.etag);
    deleted = true;
    if (await api.getClient(clientId)) throw new DiagnosticError('The client is still there after the delete', 'DELETE answered, but GET still finds it.');
    done.push('delete (204)', 'gone (404)');
    record({ id: 'round-trip', outcome: 'holds', summary: `disposable client ${clientId}: ${done.join(', ')}` });
  } catch (err) {
    if (err instanceof Interrupted) {
      record({ id: 'round-trip', outcome: 'skipped', summary: `interrupted (Ctrl-C) at "${step}" after: ${done.join(', ') || 'nothing'}` });
    } else {
      const message = err instanceof DiagnosticError ? `${err.summary}${err.detail ? `: ${err.detail}` : ''}` : (err as Error).message;
      record({ id: 'round-trip', outcome: 'fails', summary: `"${step}" failed after: ${done.join(', ') || 'nothing'}`, details: [message, 'Send the --json report.'] });
      if (step === 'create') for (const id of ['generated-secret', 'secret-not-shown']) record({ id, outcome: 'skipped', summary: 'not checked: the create failed' });
    }
  } finally {
    if (created && !deleted) {
      const said = await removeClient(api, clientId);
      if (said) events.cleanup?.(said);
    }
    api.close();
    events.done?.();
  }
}

/** Deletes the disposable client whatever happened; says what became of it (nothing when it was never made). */
async function removeClient(api: WorkZoneClient, clientId: string): Promise<string | undefined> {
  try {
    const removed = await api.deleteClient(clientId);
    if (await api.getClient(clientId)) throw new Error('it is still there after the delete');
    return removed ? `removed the disposable client ${clientId}` : undefined;
  } catch (err) {
    const message = err instanceof DiagnosticError ? err.summary : (err as Error).message;
    return `could NOT remove the disposable client ${clientId} (${message}): delete it in Configurator > Global > OAuth settings`;
  }
}

/** The entity as WorkZone sends it, to see that it holds no secret (the provider's client maps fields away). */
async function fetchEntity(http: HttpClient, s: WorkZoneDoctorSettings, found: WorkZoneFindings, clientId: string): Promise<string> {
  const root = found.odataPath.replace(/^\/+|\/+$/g, '') ? underWorkZone(found.url, found.odataPath) : found.url.replace(/\/+$/, '');
  const url = `${root.replace(/\/+$/, '')}/${found.oauthClientsPath.replace(/^\/+|\/+$/g, '')}(${encodeURIComponent(`'${clientId.replace(/'/g, "''")}'`)})`;
  const res = await http.request({ method: 'GET', url, headers: { Authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}` } });
  return res.text();
}
