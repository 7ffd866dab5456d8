/**
 * Handlers of `workzone_oauth_client` called directly against the WorkZone emulator, for what terraform
 * cannot easily provoke: a create whose outcome is unknown (connection dropped by fault injection), and
 * private state across updates.
 */
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../../lib/emulators/workzone';
import { DiagnosticError, Unknown, type Context, type ObjectValue, type ResourceDefinition } from '../../../lib/providers/plugin/types';
import { hashClientSecret, WorkZoneClient } from '../../../lib/providers/workzone/client';
import { oauthClientResource } from '../../../lib/providers/workzone/oauth-client';

/** The handlers as the plugin runtime calls them: with plain objects of attribute values. */
const resource: ResourceDefinition<WorkZoneClient> = oauthClientResource;

const SECRET = 'supplied-secret-0123456789';

function context(): Context & { diagnostics: { severity: string; summary: string; detail?: string }[] } {
  const noop = () => undefined;
  const diagnostics: { severity: string; summary: string; detail?: string }[] = [];
  return {
    log: { trace: noop, debug: noop, info: noop, warn: noop, error: noop },
    signal: new AbortController().signal,
    diagnostics,
    warn: (summary, detail) => void diagnostics.push({ severity: 'warning', summary, detail }),
    error: (summary, detail) => void diagnostics.push({ severity: 'error', summary, detail }),
  };
}

/** A planned/config object with the schema's defaults. */
function object(values: Partial<ObjectValue>): ObjectValue {
  return {
    id: Unknown,
    client_id: 'cpr-update',
    client_name: 'Contact update - CPR',
    enabled: true,
    allow_access_token_via_browser: false,
    allow_offline_access: false,
    require_pkce: false,
    grant_type: 'CLNTCRED',
    user: 'CPRBATCHUSER',
    client_secret: null,
    client_secret_wo: null,
    client_secret_wo_version: null,
    ...values,
  };
}

const stored = (clientId: string, secret: string) => ({
  ClientId: clientId,
  ClientName: 'Contact update - CPR',
  Enabled: true,
  AllowAccessTokensViaBrowser: false,
  AllowOfflineAccess: false,
  RequirePkce: false,
  GrantType: 'CLNTCRED' as const,
  User: 'CPRBATCHUSER',
  ClientSecret: secret,
});

async function rejection(p: Promise<unknown>): Promise<DiagnosticError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DiagnosticError);
    return err as DiagnosticError;
  }
  throw new Error('expected a DiagnosticError');
}

let wz: WorkZoneEmulator;
let client: WorkZoneClient;

beforeEach(async () => {
  wz = await startWorkZoneEmulator({ port: 0 });
  client = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password }, { httpOptions: { retryMaxMs: 1000, initialBackoffMs: 10, maxBackoffMs: 50 } });
});
afterEach(async () => {
  client.close();
  await wz.close();
});

/**
 * The create POST's connection is dropped after WorkZone "processed" it: during the injected latency,
 * `meanwhile` puts the client in WorkZone's data, as the real server would have before the answer got lost.
 */
function dropCreate(meanwhile?: () => void): void {
  wz.faults.set({ latencyMs: 150, dropRate: 1, limit: 1 });
  if (meanwhile) setTimeout(meanwhile, 50);
}

describe('create whose outcome is unknown', () => {
  it('adopts the client when it exists with the secret sent', async () => {
    dropCreate(() => wz.data.createClient(stored('cpr-update', SECRET)));
    const planned = object({ client_secret: SECRET });
    const ctx = context();
    const result = await resource.create({ planned, config: planned, client }, ctx);
    expect(wz.faults.counters.drops).toBe(1); // the fault did happen
    expect(result.state).toMatchObject({ id: 'cpr-update', client_id: 'cpr-update', client_secret: SECRET, enabled: true });
    expect(wz.data.listClients()).toHaveLength(1);
  });

  it('adopts a write-only create the same way, keeping the secret out of state', async () => {
    dropCreate(() => wz.data.createClient(stored('cpr-update', SECRET)));
    const planned = object({ client_secret_wo_version: 1 });
    const result = await resource.create({ planned, config: { ...planned, client_secret_wo: SECRET }, client }, context());
    expect(result.state).toMatchObject({ client_secret: null, client_secret_wo: null, client_secret_wo_version: 1 });
    expect(result.private).toEqual({ owner: expect.any(String), woHash: hashClientSecret(SECRET) });
  });

  it('refuses when the client exists with another secret (someone else created it): names import', async () => {
    dropCreate(() => wz.data.createClient(stored('cpr-update', 'someone-elses-secret-123')));
    const planned = object({ client_secret: SECRET });
    const err = await rejection(resource.create({ planned, config: planned, client }, context()));
    expect(err.summary).toBe('OAuth client "cpr-update" may have been created by this apply, but Terraform cannot prove it');
    expect(err.detail).toContain('Unless another Terraform resource (in this or another configuration) manages it, import it with `terraform import <resource address> cpr-update`');
    expect(err.attribute).toEqual(['client_id']);
    expect(err.message).not.toContain(SECRET);
  });

  it('refuses a generated-secret create that may have happened: the secret it returned is lost', async () => {
    dropCreate(() => wz.data.createClient(stored('cpr-update', 'generated-by-workzone-123')));
    const planned = object({ client_secret: Unknown });
    const err = await rejection(resource.create({ planned, config: object({}), client }, context()));
    expect(err.summary).toMatch(/may have been created by this apply, but Terraform cannot prove it/);
  });

  it('tries again when the look-up shows the failed create had no effect: one client', async () => {
    dropCreate();
    const planned = object({ client_secret: SECRET });
    const result = await resource.create({ planned, config: planned, client }, context());
    expect(wz.faults.counters.drops).toBe(1);
    expect(result.state).toMatchObject({ client_id: 'cpr-update', client_secret: SECRET });
    expect(wz.data.listClients().map((c) => c.ClientId)).toEqual(['cpr-update']);
  });

  it('gives up after a bounded number of tries, reporting the unknown outcome', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 503 });
    const planned = object({ client_secret: SECRET });
    const err = await rejection(resource.create({ planned, config: planned, client }, context()));
    expect(err.summary).toBe('The outcome is unknown: creating OAuth client "cpr-update"');
    expect(err.detail).toMatch(/^POST .*\/odata\/OAuthClients got HTTP 503 Service Unavailable and was not retried/);
    expect(wz.data.listClients()).toEqual([]);
  });

  it('adopts, with a warning, a client already there (409) that carries the secret in the configuration', async () => {
    // An earlier apply created it and was killed before recording it; its properties may differ.
    wz.data.createClient({ ...stored('cpr-update', SECRET), Enabled: false });
    const planned = object({ client_secret: SECRET });
    const ctx = context();
    const result = await resource.create({ planned, config: planned, client }, ctx);
    expect(result.state).toMatchObject({ client_id: 'cpr-update', client_secret: SECRET, enabled: true });
    expect(wz.data.getClient('cpr-update')?.Enabled).toBe(true);
    expect(ctx.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', summary: 'Adopted the existing OAuth client "cpr-update"' })]);
  });

  it('does not adopt a client already there (409) with another secret, or a generated one: names import', async () => {
    wz.data.createClient(stored('cpr-update', 'someone-elses-secret-123'));
    const planned = object({ client_secret: SECRET });
    const err = await rejection(resource.create({ planned, config: planned, client }, context()));
    expect(err.summary).toBe('OAuth client "cpr-update" already exists in WorkZone');
    expect(err.detail).toContain('terraform import <resource address> cpr-update');
    expect(err.message).not.toContain(SECRET);
    const generated = await rejection(resource.create({ planned: object({ client_secret: Unknown }), config: object({}), client }, context()));
    expect(generated.summary).toBe('OAuth client "cpr-update" already exists in WorkZone');
    expect(generated.detail).toMatch(/terraform import <resource address> cpr-update.*WorkZone generated its secret/);
    expect(wz.data.getClient('cpr-update')?.ClientSecretHash).toBe(hashClientSecret('someone-elses-secret-123'));
  });
});

describe('write-only secret across updates', () => {
  it('an update without a version bump sends no secret and keeps the hash of the one last sent', async () => {
    const planned = object({ client_secret_wo_version: 1 });
    const created = await resource.create({ planned, config: { ...planned, client_secret_wo: SECRET }, client }, context());
    const prior = created.state;
    const renamed = { ...prior, client_name: 'Renamed' };
    const updated = await resource.update(
      { prior, planned: renamed, config: { ...renamed, client_secret_wo: 'a-new-value-not-sent-yet' }, private: created.private, client },
      context(),
    );
    expect(wz.data.getClient('cpr-update')).toMatchObject({ ClientName: 'Renamed', ClientSecretHash: hashClientSecret(SECRET) });
    expect(updated.private).toEqual({ owner: created.private!.owner, woHash: hashClientSecret(SECRET) });
    const read = await resource.read({ state: updated.state, private: updated.private, client }, context());
    expect(read!.state.client_secret_wo_version).toBe(1); // no drift
  });

  it('a read after the secret changed in WorkZone forgets the version, so the next plan sends it again', async () => {
    const planned = object({ client_secret_wo_version: 3 });
    const created = await resource.create({ planned, config: { ...planned, client_secret_wo: SECRET }, client }, context());
    wz.data.updateClient('cpr-update', { ClientSecret: 'changed-by-hand-0123456' });
    const read = await resource.read({ state: created.state, private: created.private, client }, context());
    expect(read!.state.client_secret_wo_version).toBeNull();
  });
});

describe('import', () => {
  it('returns the client with a null secret and warns that it cannot be read back', async () => {
    wz.data.createClient(stored('made-by-hand', SECRET));
    const ctx = context();
    const imported = await resource.import!({ id: 'made-by-hand', client }, ctx);
    expect(imported.state).toMatchObject({ id: 'made-by-hand', client_secret: null, client_secret_wo_version: null });
    expect(ctx.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', summary: 'The secret of OAuth client "made-by-hand" cannot be read back from WorkZone' })]);
    const err = await rejection(resource.import!({ id: 'nope', client }, context()));
    expect(err.summary).toBe('WorkZone has no OAuth client "nope"');
  });
});

describe('one owner per client within one provider configuration and run (ownership.ts)', () => {
  const TWO_OWNERS = 'OAuth client "cpr-update" would have two owners';
  /** The plan hook as the runtime calls it for a create (prior null, no private state yet). */
  const planCreate = (planned: ObjectValue, c = client) => resource.plan!({ prior: null, planned, config: planned, priorPrivate: undefined, client: c }, context());
  const thrown = (fn: () => unknown): DiagnosticError => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(DiagnosticError);
      return error as DiagnosticError;
    }
    throw new Error('expected a DiagnosticError');
  };

  it('two resources planning to create one client_id: the second plan fails, on client_id, without advising import', () => {
    for (const secret of [{ client_secret: SECRET }, { client_secret: Unknown }] as Partial<ObjectValue>[]) {
      const fresh = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password });
      planCreate(object(secret), fresh);
      const err = thrown(() => planCreate(object(secret), fresh));
      expect(err.summary).toBe(TWO_OWNERS);
      expect(err.detail).toContain('also creates client_id "cpr-update"');
      expect(err.detail).not.toContain('terraform import');
      expect(err.attribute).toEqual(['client_id']);
      fresh.close();
    }
  });

  it('a resource in state and a new one with its client_id: refused in whichever order terraform sends them', async () => {
    const created = await resource.create({ planned: object({ client_secret: SECRET }), config: object({ client_secret: SECRET }), client }, context());
    const runs = [
      (c: WorkZoneClient) => resource.plan!({ prior: created.state, planned: created.state, config: created.state, priorPrivate: created.private, client: c }, context()),
      (c: WorkZoneClient) => planCreate(object({ client_secret: SECRET }), c),
    ];
    for (const order of [runs, [...runs].reverse()]) {
      const run = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password }); // a new provider process
      order[0](run);
      expect(thrown(() => order[1](run)).summary).toBe(TWO_OWNERS);
      run.close();
    }
  });

  it('a refresh of the one in state and the plan of the new one: refused in either order; two in state still refresh (destroy works)', async () => {
    const created = await resource.create({ planned: object({ client_secret: SECRET }), config: object({ client_secret: SECRET }), client }, context());
    const run1 = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password });
    planCreate(object({ client_secret: SECRET }), run1);
    const readErr = await rejection(resource.read({ state: created.state, private: created.private, client: run1 }, context()));
    expect(readErr.summary).toBe(TWO_OWNERS);
    expect(readErr.detail).toContain('`moved` block');
    run1.close();

    const run2 = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password });
    await resource.read({ state: created.state, private: created.private, client: run2 }, context());
    expect(thrown(() => planCreate(object({ client_secret: SECRET }), run2)).summary).toBe(TWO_OWNERS);
    run2.close();

    const run3 = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password });
    const twin = { ...created.private, owner: 'another-object' }; // a second object with this client in state (an import)
    await resource.read({ state: created.state, private: created.private, client: run3 }, context());
    await resource.read({ state: created.state, private: twin, client: run3 }, context());
    // ... but a plan says so.
    expect(thrown(() => resource.plan!({ prior: created.state, planned: created.state, config: created.state, priorPrivate: twin, client: run3 }, context())).detail).toContain(
      'already manages client_id "cpr-update"',
    );
    run3.close();
  });

  it('one resource replaced (two plans, the second with a null prior and its private state) is one owner', async () => {
    const created = await resource.create({ planned: object({ client_secret: SECRET }), config: object({ client_secret: SECRET }), client }, context());
    const run = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password });
    await resource.read({ state: created.state, private: created.private, client: run }, context());
    resource.plan!({ prior: created.state, planned: created.state, config: created.state, priorPrivate: created.private, client: run }, context());
    resource.plan!({ prior: null, planned: object({ client_secret: SECRET }), config: object({ client_secret: SECRET }), priorPrivate: created.private, client: run }, context());
    run.close();
  });

  it('objects written before owner ids get one at the next refresh, keeping the rest of their private state', async () => {
    const created = await resource.create({ planned: object({ client_secret: SECRET }), config: object({ client_secret: SECRET }), client }, context());
    const read = await resource.read({ state: created.state, private: { woHash: 'h' }, client }, context());
    expect(read!.private).toEqual({ woHash: 'h', owner: expect.any(String) });
  });

  it('a create neither sends its request nor adopts when another resource claims the client in this run', async () => {
    wz.data.createClient(stored('cpr-update', SECRET)); // as an interrupted apply leaves it: adoptable by its secret
    planCreate(object({ client_secret: SECRET }));
    thrown(() => planCreate(object({ client_secret: SECRET })));
    const err = await rejection(resource.create({ planned: object({ client_secret: SECRET }), config: object({ client_secret: SECRET }), client }, context()));
    expect(err.summary).toBe(TWO_OWNERS);
    expect(err.detail).toContain('neither creates nor adopts');
    expect(wz.data.listClients()).toHaveLength(1);
  });

  it('a single owner still adopts what an interrupted apply left (the plan ran first, as terraform does)', async () => {
    wz.data.createClient(stored('cpr-update', SECRET));
    planCreate(object({ client_secret: SECRET }));
    const ctx = context();
    await resource.create({ planned: object({ client_secret: SECRET }), config: object({ client_secret: SECRET }), client }, ctx);
    expect(ctx.diagnostics).toEqual([expect.objectContaining({ summary: 'Adopted the existing OAuth client "cpr-update"' })]);
  });

  it('an import of a client another resource of the run manages is refused', async () => {
    wz.data.createClient(stored('cpr-update', SECRET));
    planCreate(object({ client_secret: SECRET }));
    expect((await rejection(resource.import!({ id: 'cpr-update', client }, context()))).summary).toBe(TWO_OWNERS);
  });

  it('another provider configuration (another configured client) is another registry', () => {
    const other = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password });
    planCreate(object({}));
    planCreate(object({}), other);
    other.close();
  });
});

it('a client deleted outside terraform is re-created by its own resource: the refresh that finds it gone claims nothing', async () => {
  const created = await resource.create({ planned: object({ client_secret: SECRET }), config: object({ client_secret: SECRET }), client }, context());
  wz.data.deleteClient('cpr-update');
  const run = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password });
  expect(await resource.read({ state: created.state, private: created.private, client: run }, context())).toBeNull();
  resource.plan!({ prior: null, planned: object({ client_secret: SECRET }), config: object({ client_secret: SECRET }), priorPrivate: undefined, client: run }, context());
  run.close();
});
