/**
 * The KMD Logic emulator's data: what the Logic console would hold (client credentials, subscriptions)
 * plus the CPR configurations the API manages. Pure functions over a plain object, so the persistence
 * layer (JsonStore) stays a detail and tests can read the data as it is on disk.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isGuid } from '../../schemas/rules';

export const DATA_DISTRIBUTOR = 'DataDistributor';
export const ENVIRONMENTS = ['Production', 'Test'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface Credential {
  readonly clientId: string;
  /** Kept in clear: the emulator hands it to the sandbox, as the Logic console shows it once to a user. */
  readonly clientSecret: string;
  readonly subscriptionIds: string[];
}

export interface Subscription {
  readonly id: string;
  readonly name: string;
}

export interface StoredConfiguration {
  readonly id: string;
  readonly subscriptionId: string;
  name: string;
  environment: Environment;
  readonly provider: string;
  certificateFileName: string;
  /** Base64 of the uploaded file; stored, never returned by the API. */
  certificate: string;
  certificateSha256: string;
  /** Only a hash: enough for tests to check what arrived, useless to a reader of the data file. */
  certificatePasswordSha256: string;
  readonly createdAt: string;
  updatedAt: string;
}

export interface KmdLogicData {
  version: 1;
  /** The seeded set-up, handed to whoever starts the emulator. */
  seed: { clientId: string; subscriptionId: string; productId: string };
  credentials: Credential[];
  subscriptions: Subscription[];
  configurations: StoredConfiguration[];
}

// The shape of the data file, checked when it is loaded.
const guid = z.string().refine(isGuid, 'expected a GUID');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hash (64 hex digits)');
export const kmdLogicDataSchema: z.ZodType<KmdLogicData> = z.strictObject({
  version: z.literal(1),
  seed: z.strictObject({ clientId: guid, subscriptionId: guid, productId: guid }),
  credentials: z.array(z.strictObject({ clientId: guid, clientSecret: z.string().min(1), subscriptionIds: z.array(guid) })),
  subscriptions: z.array(z.strictObject({ id: guid, name: z.string() })),
  configurations: z.array(
    z.strictObject({
      id: guid,
      subscriptionId: guid,
      name: z.string(),
      environment: z.enum(ENVIRONMENTS),
      provider: z.string(),
      certificateFileName: z.string(),
      certificate: z.base64(),
      certificateSha256: sha256Hex,
      certificatePasswordSha256: sha256Hex,
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
    }),
  ),
});

/**
 * The configuration as the API shows it (CprProviderConfigurationModel of the CPR Service API swagger as of
 * Kmd.Logic.Cpr.Client 1.4.7, docs/kmdlogic-api.md): no certificate, no password, and no certificate file
 * name, which KMD removed from the models then (the emulator keeps the name it was sent, unshown).
 */
export interface ConfigurationModel {
  id: string;
  subscriptionId: string;
  name: string;
  environment: Environment;
  provider: string;
}

export interface SeedOptions {
  clientId?: string;
  clientSecret?: string;
  subscriptionId?: string;
  productId?: string;
}

export interface ConfigurationInput {
  name: string;
  environment: Environment;
  certificateFileName: string;
  certificate: Buffer;
  certificatePassword: string;
}

export const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** A stand-in for a PKCS#12 file: a DER SEQUENCE header, which is all the emulator checks. */
export const SEEDED_CERTIFICATE = Buffer.from('3003020103', 'hex');

/**
 * Makes sure the seeded credential, subscription and product configuration exist: generated on first
 * start of a data dir, then reused; ids fixed through options are added when missing.
 */
export function ensureSeed(data: KmdLogicData | undefined, options: SeedOptions, now = new Date()): KmdLogicData {
  const d: KmdLogicData = data ?? {
    version: 1,
    seed: { clientId: '', subscriptionId: '', productId: '' },
    credentials: [],
    subscriptions: [],
    configurations: [],
  };
  const subscriptionId = (options.subscriptionId ?? (d.seed.subscriptionId || randomUUID())).toLowerCase();
  const clientId = (options.clientId ?? (d.seed.clientId || randomUUID())).toLowerCase();
  const productId = (options.productId ?? (d.seed.productId || randomUUID())).toLowerCase();

  if (!d.subscriptions.some((s) => sameId(s.id, subscriptionId))) {
    d.subscriptions.push({ id: subscriptionId, name: 'Seeded subscription' });
  }
  let credential = d.credentials.find((c) => sameId(c.clientId, clientId));
  if (!credential) {
    credential = { clientId, clientSecret: options.clientSecret ?? randomUUID(), subscriptionIds: [] };
    d.credentials.push(credential);
  } else if (options.clientSecret !== undefined && options.clientSecret !== credential.clientSecret) {
    d.credentials[d.credentials.indexOf(credential)] = credential = { ...credential, clientSecret: options.clientSecret };
  }
  if (!credential.subscriptionIds.some((s) => sameId(s, subscriptionId))) credential.subscriptionIds.push(subscriptionId);
  if (!d.configurations.some((c) => sameId(c.id, productId))) {
    d.configurations.push(
      newConfiguration(productId, subscriptionId, {
        name: 'CPR update (seeded)',
        environment: 'Test',
        certificateFileName: 'seeded.pfx',
        certificate: SEEDED_CERTIFICATE,
        certificatePassword: '',
      }, now),
    );
  }
  d.seed = { clientId, subscriptionId, productId };
  return d;
}

export function newConfiguration(id: string, subscriptionId: string, input: ConfigurationInput, now = new Date()): StoredConfiguration {
  const at = now.toISOString();
  return {
    id,
    subscriptionId,
    provider: DATA_DISTRIBUTOR,
    createdAt: at,
    ...fieldsOf(input, at),
  };
}

export function applyUpdate(config: StoredConfiguration, input: ConfigurationInput, now = new Date()): void {
  Object.assign(config, fieldsOf(input, now.toISOString()));
}

function fieldsOf(input: ConfigurationInput, at: string) {
  return {
    name: input.name,
    environment: input.environment,
    certificateFileName: input.certificateFileName,
    certificate: input.certificate.toString('base64'),
    certificateSha256: sha256(input.certificate),
    certificatePasswordSha256: sha256(input.certificatePassword),
    updatedAt: at,
  };
}

export function toModel(c: StoredConfiguration): ConfigurationModel {
  return {
    id: c.id,
    subscriptionId: c.subscriptionId,
    name: c.name,
    environment: c.environment,
    provider: c.provider,
  };
}

/** The write response (CprProviderConfiguration): the model without `provider`, as the real API's swagger says. */
export function toWriteResponse(c: StoredConfiguration): Omit<ConfigurationModel, 'provider'> {
  const { provider: _omitted, ...rest } = toModel(c);
  return rest;
}
