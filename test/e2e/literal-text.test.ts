/**
 * Literal text stays literal, end to end: a property-based set of client ids, names and users full of what
 * terraform's templates treat specially (`${`, `%{`, `$${`, quotes, backslashes, non-ASCII), some mixed
 * with variables, synthesized by the constructs into one stack, applied once by real terraform against the
 * emulators. WorkZone must store every value byte for byte as typed, the outputs must show them so, the
 * descriptions must carry the construct paths verbatim, and a second plan must find nothing to change.
 * A KMD Logic product check whose message names a construct path full of template syntax fails the plan
 * with that path as written.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { TerraformVariable } from 'cdktf';
import { KmdlogicProvider } from '../../lib/bindings/kmdlogic';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, CprUpdateSetup, KmdLogicSubscription } from '../../lib/constructs';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { synthStack, terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(300_000);

const COUNT = 24;
/** Construct ids that look like template syntax: they reach descriptions and messages. */
const SPECIAL_ID = 'Env ${terraform.workspace} %{ if true }x%{ endif } $${y}';

let wz: WorkZoneEmulator;
let kmd: KmdLogicEmulator;
let harness: Harness;

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ port: 0 });
  kmd = await startKmdLogicEmulator({ port: 0 });
  harness = await terraformHarness({ providers: ['workzone', 'kmdlogic'], prefix: 'literal-text-' });
});

afterAll(async () => {
  harness?.cleanup();
  await wz?.close();
  await kmd?.close();
});

const providerEnv = () => ({
  WORKZONE_URL: wz.url,
  WORKZONE_USERNAME: wz.username,
  WORKZONE_PASSWORD: wz.password,
  KMDLOGIC_TOKEN_URL: kmd.tokenUrl,
  KMDLOGIC_API_URL: kmd.url,
});

// ---------- generators ----------

const SPECIAL = ['${', '%{', '$${', '%%{', '}', '${terraform.workspace}', '%{if}', '%{endif}', '${"$"}', '$', '%', '$$', '\\', '"', "'", '~'];
const CHARS = [...'aZ9-_.:@/', 'æ', 'ø', 'å', '€', '😀', 'é', 'ß']; // NFC only: other text is refused (terraform keeps text in NFC)
const piece = fc.oneof(fc.constantFrom(...SPECIAL), fc.constantFrom(...CHARS));
/** Names may hold whitespace and a whole directive; ids and users may not. */
const spaced = fc.oneof(piece, fc.constantFrom(' ', '\t', '\n', '%{ if true }x%{ endif }'));
const text = (options: { minLength?: number; spaces?: boolean }) =>
  fc
    .array(options.spaces ? spaced : piece, { minLength: options.minLength ?? 1, maxLength: 10 })
    .map((parts) => parts.join(''))
    .filter((s) => s.trim() !== '' && s.length <= 60);

interface Entry {
  readonly clientId: string;
  readonly clientName: string;
  readonly user: string;
  /** Literal text around a variable in the client name (when set): `${before}${var}${after}`. */
  readonly nameAround?: readonly [string, string];
  /** Literal text before a variable in the client id (when set). */
  readonly idBefore?: string;
}

const entry: fc.Arbitrary<Entry> = fc.record(
  {
    clientId: text({}),
    clientName: text({ spaces: true }),
    user: text({}),
    nameAround: fc.tuple(fc.string({ unit: piece, maxLength: 4 }), fc.string({ unit: piece, maxLength: 4 })),
    idBefore: text({}),
  },
  { requiredKeys: ['clientId', 'clientName', 'user'] },
);

const entries = fc.uniqueArray(entry, { minLength: COUNT, maxLength: COUNT, selector: (e) => e.clientId + (e.idBefore ?? '') });
const variableValues = fc.tuple(text({ spaces: true }), text({}));

/** The values WorkZone must end up with. */
const expected = (e: Entry, nameVar: string, idVar: string) => ({
  clientId: e.idBefore !== undefined ? `${e.idBefore}${idVar}` : e.clientId,
  clientName: e.nameAround ? `${e.nameAround[0]}${nameVar}${e.nameAround[1]}` : e.clientName,
  user: e.user,
});

// ---------- the tests ----------

it('one apply of many clients: WorkZone stores every id, name and user byte for byte; outputs and descriptions as written', async () => {
  await fc.assert(
    fc.asyncProperty(entries, variableValues, async (list, [nameVar, idVar]) => {
      const uniqueIds = new Set(list.map((e) => expected(e, nameVar, idVar).clientId));
      fc.pre(uniqueIds.size === list.length);
      for (const user of new Set(list.map((e) => e.user))) wz.data.putUser({ Id: randomUUID(), Initials: user, Name: `User ${user}`, Active: true });

      const paths: string[] = [];
      const json = synthStack(harness.root, `many${Date.now()}`, (stack) => {
        new WorkzoneProvider(stack, 'workzone');
        const namePart = new TerraformVariable(stack, 'name_part', { type: 'string' });
        const idPart = new TerraformVariable(stack, 'id_part', { type: 'string' });
        const kmdSecret = new TerraformVariable(stack, 'kmd_secret', { type: 'string', sensitive: true });
        const kmdLogic = new KmdLogicSubscription(stack, `Logic ${SPECIAL_ID}`, {
          clientId: kmd.clientId,
          clientSecret: kmdSecret.stringValue,
          subscriptionId: kmd.subscriptionId,
          productId: kmd.productId,
        });
        list.forEach((e, i) => {
          const setup = new CprUpdateSetup(stack, `${SPECIAL_ID} ${i}`, {
            clientId: e.idBefore !== undefined ? `${e.idBefore}${idPart.stringValue}` : e.clientId,
            clientName: e.nameAround ? `${e.nameAround[0]}${namePart.stringValue}${e.nameAround[1]}` : e.clientName,
            user: e.user,
            outputPrefix: `c${i}`,
            kmdLogic,
            clientSecret: i === 0 ? ClientSecret.fromVariable('first_secret') : ClientSecret.generatedByWorkZone(),
          });
          paths.push(setup.node.path);
        });
      });
      const w = harness.workdir(
        { 'cdk.tf.json': json },
        { ...providerEnv(), TF_VAR_name_part: nameVar, TF_VAR_id_part: idVar, TF_VAR_kmd_secret: kmd.clientSecret, TF_VAR_first_secret: `first-${randomUUID()}` },
      );
      await w.init();
      await w.apply();

      const want = list.map((e) => expected(e, nameVar, idVar));
      // Exactly the typed clients, none with an evaluated id or name.
      expect(new Set(wz.data.listClients().map((c) => c.ClientId))).toEqual(new Set(want.map((x) => x.clientId)));
      const outputs = await w.outputs();
      want.forEach((x, i) => {
        expect(wz.data.getClient(x.clientId)).toMatchObject({ ClientId: x.clientId, ClientName: x.clientName, User: x.user });
        expect(outputs[`c${i}_cpr_client_id`].value).toBe(x.clientId);
        expect(outputs[`c${i}_kmd_logic_product_id`].value).toBe(kmd.productId);
      });

      // Terraform's state agrees with the configuration: nothing to change.
      const { code, json: plan } = await w.plan();
      expect(code).toBe(0);
      const config = plan.configuration.root_module;
      paths.forEach((path, i) => {
        expect(config.outputs[`c${i}_cpr_client_id`].description).toBe(`Contact update - CPR, Client ID for the CPR update module (${path})`);
      });
      expect(config.variables.first_secret.description).toBe(`Client secret of the WorkZone OAuth client at ${paths[0]}/OAuthClient`);

      for (const x of want) wz.data.deleteClient(x.clientId);
    }),
    { numRuns: 1, endOnFailure: true },
  );
});

it('a failed product check names the construct path as written, not evaluated', async () => {
  const json = synthStack(harness.root, 'product', (stack) => {
    const secret = new TerraformVariable(stack, 'kmd_secret', { type: 'string', sensitive: true });
    new KmdlogicProvider(stack, 'kmdlogic', { clientId: kmd.clientId, clientSecret: secret.stringValue });
    new KmdLogicSubscription(stack, SPECIAL_ID, {
      clientId: kmd.clientId,
      clientSecret: secret.stringValue,
      subscriptionId: kmd.subscriptionId,
      productId: randomUUID(), // matches no CPR configuration
    });
  });
  const w = harness.workdir({ 'cdk.tf.json': json }, { ...providerEnv(), TF_VAR_kmd_secret: kmd.clientSecret });
  await w.init();
  const plan = await w.tf(['plan', '-input=false', '-json']);
  expect(plan.code).not.toBe(0);
  const errors = Workdir.diagnostics(plan.stdout).filter((d) => d.severity === 'error');
  expect(errors.map((e) => e.detail)).toEqual([expect.stringContaining(`(product/${SPECIAL_ID}: productId; productIdCheck relaxes this check)`)]);
});
