/**
 * Resource `kmdlogic_cpr_configuration` (data-distributor kind). Logic never returns the certificate or
 * its password, so state keeps what was sent; name and environment are read back, so changes made in the
 * Logic console show as drift. There is no delete API: destroy only forgets the object, and says so.
 */
import { CPR_ENVIRONMENTS, kmdlogicSchema } from '../../schemas/kmdlogic';
import { isGuid } from '../../schemas/rules';
import type { AttributeNameOf, StateResultOf } from '../../schemas/types';
import { backoffMs, sleep } from '../http';
import { pick } from '../pick';
import { DiagnosticError, type ResourceDefinition } from '../plugin/types';
import type { CprConfiguration, CprEnvironment, DataDistributorInput, KmdLogicClient } from './client';
import { KmdLogicError } from './errors';
import { REPORTED_FIELDS, type ReportedAttribute } from './wire';

const block = kmdlogicSchema.resources.kmdlogic_cpr_configuration;
type Block = typeof block;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Creates sent per apply when each fails with an unknown outcome and nothing appeared. */
const MAX_CREATE_ATTEMPTS = 5;

/** The PKCS#12 bytes from the base64 attribute; never echoes the value (it is secret). */
function certificateBytes(value: unknown): Buffer | string {
  if (typeof value !== 'string') return 'certificate is required: the base64 of the .pfx file, e.g. filebase64("distributor.pfx")';
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    return 'certificate must be the base64 of the .pfx file, e.g. filebase64("distributor.pfx"); the value is not valid base64 (not shown: it is sensitive)';
  }
  return Buffer.from(compact, 'base64');
}

const isEnvironment = (value: string): value is CprEnvironment => (CPR_ENVIRONMENTS as readonly string[]).includes(value);

/** What the form sends, from the configuration at apply. */
function input(config: { readonly name: string; readonly environment: string; readonly certificate: string; readonly certificate_password: string | null }): DataDistributorInput {
  const certificate = certificateBytes(config.certificate);
  if (typeof certificate === 'string') throw new DiagnosticError('Invalid certificate', certificate, ['certificate']);
  // The schema's rule has refused any other environment before apply.
  if (!isEnvironment(config.environment)) throw new DiagnosticError('Invalid environment', `Got ${JSON.stringify(config.environment)}; use Production or Test.`, ['environment']);
  return { name: config.name, environment: config.environment, certificate, certificatePassword: config.certificate_password ?? undefined };
}

/** What state takes from KMD Logic's answer: the reported attributes of the resource (wire.ts). */
const REPORTED = REPORTED_FIELDS.map(([attribute]) => attribute).filter((a): a is Extract<ReportedAttribute, AttributeNameOf<Block>> => a in block.attributes);

/**
 * State from what Logic returned, plus what only we know: the certificate and its password, which Logic
 * never returns (left out when unknown, after an import: the runtime then stores null).
 */
function toState(
  c: CprConfiguration,
  known: { readonly subscription_id?: string | null; readonly certificate?: string | null; readonly certificate_password?: string | null },
): StateResultOf<Block> {
  return {
    ...pick(c, REPORTED),
    subscription_id: known.subscription_id ?? c.subscription_id,
    ...(typeof known.certificate === 'string' && { certificate: known.certificate }),
    certificate_password: known.certificate_password ?? null,
  };
}

/** `<subscription_id>/<configuration_id>`, both GUIDs. */
export function parseImportId(id: string): { subscriptionId: string; configurationId: string } {
  const parts = id.split('/');
  if (parts.length !== 2 || !isGuid(parts[0]) || !isGuid(parts[1])) {
    throw new DiagnosticError(
      'Invalid import id for kmdlogic_cpr_configuration',
      `Got ${JSON.stringify(id)}; use <subscription_id>/<configuration_id>, two GUIDs from the KMD Logic console, e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6/0b6e0f4c-6c55-4f0e-9d1b-8a0d2f9c2e11.`,
    );
  }
  return { subscriptionId: parts[0], configurationId: parts[1] };
}

export const cprConfigurationResource: ResourceDefinition<KmdLogicClient, Block> = {
  validate(config, ctx) {
    if (typeof config.certificate === 'string') {
      const checked = certificateBytes(config.certificate);
      if (typeof checked === 'string') ctx.error('Invalid certificate', checked, ['certificate']);
    }
  },

  async create({ planned, config, client }, ctx) {
    const subscriptionId = planned.subscription_id;
    const wanted = input(config);
    const sameName = async () => (await client.listConfigurations(subscriptionId)).filter((c) => c.name === wanted.name);
    // Never two configurations for one resource: one of this name that is not in state (a killed apply, a
    // destroy, which only forgets) is imported, not duplicated.
    const before = await sameName();
    if (before.length > 0) {
      throw new DiagnosticError(
        `A CPR configuration named ${JSON.stringify(wanted.name)} already exists in KMD Logic subscription ${subscriptionId}`,
        `It is not in this state (id ${before.map((c) => c.id).join(', ')}). Import it with terraform import <address> ${subscriptionId}/${before[0].id}, or choose another name.`,
        ['name'],
      );
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return { state: toState(await client.createDataDistributor(subscriptionId, wanted), planned) };
      } catch (err) {
        if (!(err instanceof KmdLogicError && err.kind === 'outcome-unknown')) throw err;
        // The create may have happened, or may still be happening: wait, then a configuration of this name
        // that appeared since is this one.
        if (!(await sleep(backoffMs(attempt), ctx.signal))) throw err;
        const appeared = await sameName();
        if (appeared.length > 1) {
          throw new DiagnosticError(
            `KMD Logic now has ${appeared.length} CPR configurations named ${JSON.stringify(wanted.name)} in subscription ${subscriptionId}`,
            `A create failed with an unknown outcome (${err.message}), and its retry made another: ids ${appeared.map((c) => c.id).join(', ')}. Import one with terraform import <address> ${subscriptionId}/<id> and rename the other in the Logic console.`,
            ['name'],
          );
        }
        const made = appeared.length === 1 ? await client.getConfiguration(subscriptionId, appeared[0].id) : null;
        if (made) return { state: toState(made, planned) };
        if (attempt === MAX_CREATE_ATTEMPTS) throw err;
      }
    }
  },

  async read({ state, client }) {
    // After an import, read gets the subscription id that import put in state.
    const found = state.subscription_id === null ? null : await client.getConfiguration(state.subscription_id, state.id);
    // Gone from Logic (404): null makes terraform plan to create it again.
    return found ? { state: toState(found, state) } : null;
  },

  async update({ prior, planned, config, client }) {
    const updated = await client.updateDataDistributor(prior.subscription_id, prior.id, input(config));
    return { state: toState(updated, planned) };
  },

  async delete({ state }, ctx) {
    ctx.warn(
      `KMD Logic has no delete: CPR configuration ${state.id} still exists`,
      `Terraform removed it from state only. It stays in KMD Logic subscription ${state.subscription_id}; remove it in the KMD Logic console if it is no longer needed, or import it again with ${state.subscription_id}/${state.id}.`,
    );
  },

  async import({ id, client }, ctx) {
    const { subscriptionId, configurationId } = parseImportId(id);
    const found = await client.getConfiguration(subscriptionId, configurationId);
    if (!found) {
      throw new DiagnosticError(
        `CPR configuration ${configurationId} was not found in KMD Logic subscription ${subscriptionId}`,
        'Check the configuration id in the import id <subscription_id>/<configuration_id>.',
      );
    }
    ctx.warn(
      'The certificate of an imported CPR configuration cannot be read back',
      'KMD Logic never returns the certificate or its password. The next plan shows them as changes, and applying it uploads the certificate and password from your configuration.',
    );
    return { state: toState(found, { subscription_id: subscriptionId }) };
  },
};
