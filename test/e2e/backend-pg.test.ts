/**
 * The product's stack with shared state: a CDKTF stack (WorkZoneOAuthClient constructs) with cdktf's
 * PgBackend, applied by real terraform against the WorkZone emulator. The state lives in PostgreSQL (read
 * back with psql), the next plan finds no changes, destroy empties it.
 *
 * PostgreSQL: $WORKZONE_CPR_TEST_PG (set by .ci/run), else a throwaway server from scripts/ci/postgres.sh;
 * declared skipped (the reason in its name, counted as skipped) where PostgreSQL is not installed, failed
 * instead when CI=true.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PgBackend } from 'cdktf';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, WorkZoneOAuthClient } from '../../lib/constructs';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { lockTimeoutEnv, postgresForTests, postgresMissing, synthStack, terraformHarness, type Harness, type TestPostgres } from './harness';

jest.setTimeout(120_000);

let wz: WorkZoneEmulator;
let harness: Harness;
let pg: TestPostgres | undefined;
const pgMissing = postgresMissing();

beforeAll(async () => {
  if (pgMissing) return;
  pg = postgresForTests();
  wz = await startWorkZoneEmulator({ port: 0 });
  harness = await terraformHarness({ providers: ['workzone'], prefix: 'backend-pg-' });
});

afterAll(async () => {
  harness?.cleanup();
  await wz?.close();
  pg?.stop();
});

(pgMissing ? it.skip : it)(`a CDKTF stack with PgBackend: apply, state in PostgreSQL, no-change plan, destroy${pgMissing ? ` (cannot run here: ${pgMissing})` : ''}`, async () => {
  const db = pg!;
  const schema = db.uniqueSchema('cpr_pg');
  const ids = ['pg-test', 'pg-prod'];
  const json = synthStack(harness.root, 'pg', (stack) => {
    new PgBackend(stack, { connStr: db.connStr, schemaName: schema });
    new WorkzoneProvider(stack, 'workzone');
    for (const id of ids) new WorkZoneOAuthClient(stack, id, { clientId: id, clientSecret: ClientSecret.generatedByWorkZone() });
  });
  expect(JSON.parse(json).terraform.backend.pg).toEqual({ conn_str: db.connStr, schema_name: schema });

  const w = harness.workdir({ 'cdk.tf.json': json }, {
    WORKZONE_URL: wz.url,
    WORKZONE_USERNAME: wz.username,
    WORKZONE_PASSWORD: wz.password,
    // Other test files may be creating their first state in the same database: wait for that lock.
    ...lockTimeoutEnv('60s'),
  });
  await w.init();
  await w.apply();
  expect(ids.map((id) => wz.data.getClient(id)?.ClientId)).toEqual(ids);

  // The state is in PostgreSQL, not on disk: one row for the default workspace, holding both clients.
  expect(db.psql(`select name from ${schema}.states`)).toBe('default');
  const stored = JSON.parse(db.psql(`select data from ${schema}.states where name = 'default'`));
  const clientIds = stored.resources
    .filter((r: any) => r.type === 'workzone_oauth_client')
    .flatMap((r: any) => r.instances.map((i: any) => i.attributes.client_id))
    .sort();
  expect(clientIds).toEqual([...ids].sort());
  expect(existsSync(join(w.dir, 'terraform.tfstate'))).toBe(false);

  expect((await w.plan()).code).toBe(0);

  await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
  expect(ids.map((id) => wz.data.getClient(id))).toEqual([undefined, undefined]);
  const after = JSON.parse(db.psql(`select data from ${schema}.states where name = 'default'`));
  expect(after.resources).toEqual([]);
  expect(after.serial).toBeGreaterThan(stored.serial);
});
