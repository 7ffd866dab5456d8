/**
 * The doctor's settings are the providers' own: the attributes of the `workzone` and `kmdlogic` provider
 * schemas, with their environment variables, defaults and rules, as flags (`--odata-path`,
 * `--kmdlogic-token-url`). Secrets come only from the environment: a secret on the command line would be
 * in the process list and the shell history. Plus what the check needs besides: the user the CPR client
 * acts as, and the KMD Logic subscription and product ids.
 */
import { kmdlogicSchema } from '../schemas/kmdlogic';
import { guid, noWhitespace, oneOf } from '../schemas/rules';
import { UPDATE_MODULES } from '../constructs/update-module';
import { CPR_BATCH_USER, workzoneSchema } from '../schemas/workzone';
import type { AttributeSchema, Rule } from '../schemas/types';
import type { KmdLogicClientOptions } from '../providers/kmdlogic/client';
import type { WorkZoneSettings } from '../providers/workzone/client';
import type { Service } from './assumptions';

export class DoctorUsageError extends Error {}

export interface WorkZoneDoctorSettings extends WorkZoneSettings {
  /** Initials of the user the CPR client acts as. */
  readonly user: string;
}

/** The kmdlogic provider's settings, plus the ids to check. */
export interface KmdLogicDoctorSettings
  extends Pick<KmdLogicClientOptions, 'clientId' | 'clientSecret' | 'tokenUrl' | 'apiUrl' | 'scope' | 'caFile' | 'insecureSkipVerify' | 'requestTimeoutSeconds' | 'retryMaxSeconds'> {
  readonly subscriptionId?: string;
  readonly productId?: string;
}

export interface DoctorSettings {
  readonly workzone: WorkZoneDoctorSettings;
  /** Absent when no KMD Logic credentials are given. */
  readonly kmdlogic?: KmdLogicDoctorSettings;
}

interface Extra {
  readonly description: string;
  readonly env: readonly string[];
  readonly rules: readonly Rule[];
  readonly default?: string;
}

/** Settings the doctor takes besides the provider attributes. */
const EXTRA: Record<Service, Record<string, Extra>> = {
  workzone: {
    user: { description: `Initials of the user the update client acts as (default: the module's, ${CPR_BATCH_USER} for CPR).`, env: [], rules: [noWhitespace] },
    module: {
      description: `The contact update module whose user to check and act as: ${UPDATE_MODULES.map((m) => `${m.id} (${m.client.user})`).join(' or ')}; --user overrides its user.`,
      env: [],
      rules: [oneOf(UPDATE_MODULES.map((m) => m.id))],
      default: 'cpr',
    },
  },
  kmdlogic: {
    subscription_id: { description: 'The KMD Logic subscription id, to check its CPR configurations.', env: ['KMDLOGIC_SUBSCRIPTION_ID'], rules: [guid] },
    product_id: { description: 'The product id of the CPR update module, to find among them.', env: ['KMDLOGIC_PRODUCT_ID'], rules: [guid] },
  },
};

const PREFIX: Record<Service, string> = { workzone: '', kmdlogic: 'kmdlogic-' };
const ATTRIBUTES: Record<Service, Readonly<Record<string, AttributeSchema>>> = {
  workzone: workzoneSchema.provider.attributes,
  kmdlogic: kmdlogicSchema.provider.attributes,
};

/** The flag of a setting: `odata_path` → `--odata-path`, KMD Logic's `token_url` → `--kmdlogic-token-url`. */
export const flagOf = (service: Service, name: string) => `--${PREFIX[service]}${name.replace(/_/g, '-')}`;

/** Every setting with its flag (none for secrets), environment variables and type. */
export function settingList(): { service: Service; name: string; flag?: string; env: readonly string[]; type: 'string' | 'number' | 'bool'; secret: boolean; description: string }[] {
  const out: ReturnType<typeof settingList> = [];
  for (const service of ['workzone', 'kmdlogic'] as const) {
    for (const [name, a] of Object.entries(ATTRIBUTES[service])) {
      const secret = a.sensitive === true;
      out.push({ service, name, ...(!secret && { flag: flagOf(service, name) }), env: a.env ?? [], type: a.type as 'string' | 'number' | 'bool', secret, description: a.description });
    }
    for (const [name, e] of Object.entries(EXTRA[service])) out.push({ service, name, flag: flagOf(service, name), env: e.env, type: 'string', secret: false, description: e.description });
  }
  return out;
}

/** The parseArgs options for every setting (secrets included, so that they can be refused by name). */
export function settingOptions(): Record<string, { type: 'string' | 'boolean' }> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const s of settingList()) options[(s.flag ?? flagOf(s.service, s.name)).slice(2)] = { type: s.type === 'bool' ? 'boolean' : 'string' };
  return options;
}

/** "odata_path (WORKZONE_ODATA_PATH, --odata-path)": where a user sets it, for messages. */
export function whereToSet(service: Service, name: string): string {
  const s = settingList().find((x) => x.service === service && x.name === name);
  if (!s) return name;
  const ways = [...s.env, ...(s.flag ? [s.flag] : [])];
  return ways.length ? `${name} (${ways.join(', ')})` : name;
}

/** A value as it may be shown: cut when long. */
function shown(value: string): string {
  return value.length > 80 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value);
}

/** The settings from parsed flags and the environment; a wrong one is a DoctorUsageError naming the flag or variable. */
export function doctorSettings(flags: Readonly<Record<string, string | boolean | undefined>>, env: NodeJS.ProcessEnv): DoctorSettings {
  for (const s of settingList()) {
    if (s.secret && flags[flagOf(s.service, s.name).slice(2)] !== undefined) {
      throw new DoctorUsageError(
        `${flagOf(s.service, s.name)} is not accepted: a secret on the command line shows in the process list and the shell history; set ${s.env.join(' or ')} instead`,
      );
    }
  }
  const read = (service: Service) => {
    const values: Record<string, string | number | boolean | undefined> = {};
    const given = new Set<string>();
    for (const s of settingList().filter((x) => x.service === service)) {
      const attribute = ATTRIBUTES[service][s.name] as AttributeSchema | undefined;
      const extra = EXTRA[service][s.name] as Extra | undefined;
      const flag = s.flag ? flags[s.flag.slice(2)] : undefined;
      const envName = s.env.find((e) => env[e] !== undefined && env[e] !== '');
      const raw = flag ?? (envName ? env[envName] : undefined);
      const source = flag !== undefined ? s.flag! : envName;
      if (raw === undefined) {
        values[s.name] = attribute?.default ?? extra?.default;
        continue;
      }
      given.add(s.name);
      const bad = (why: string) =>
        new DoctorUsageError(`${source}: ${s.secret ? `${why} (the value is not shown: it is a secret)` : `${why} (got ${shown(String(raw))})`}`);
      let value: string | number | boolean;
      if (s.type === 'number') {
        value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      } else if (s.type === 'bool') {
        if (typeof raw === 'boolean') value = raw;
        else if (/^(true|1)$/i.test(raw)) value = true;
        else if (/^(false|0)$/i.test(raw)) value = false;
        else throw bad('must be true or false');
      } else {
        value = String(raw);
      }
      for (const rule of [...(attribute?.rules ?? []), ...(extra?.rules ?? [])]) {
        const why = rule(value);
        if (why) throw bad(why);
      }
      if (s.type === 'number' && !Number.isFinite(value as number)) throw bad('must be a number');
      values[s.name] = value;
    }
    return { values, given };
  };

  const { values: wz, given: wzGiven } = read('workzone');
  for (const name of ['url', 'username', 'password'] as const) {
    if (typeof wz[name] !== 'string' || (wz[name] as string).trim() === '') {
      throw new DoctorUsageError(`Missing WorkZone setting ${whereToSet('workzone', name)}: the doctor needs the provider's ${name}`);
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const workzone: WorkZoneDoctorSettings = {
    url: wz.url as string,
    username: wz.username as string,
    password: wz.password as string,
    odataPath: str(wz.odata_path),
    oauthClientsPath: str(wz.oauth_clients_path),
    usersPath: str(wz.users_path),
    tokenUrl: str(wz.token_url),
    caFile: str(wz.ca_file),
    insecureSkipVerify: wz.insecure_skip_verify === true,
    requestTimeoutSeconds: num(wz.request_timeout_seconds),
    retryMaxSeconds: num(wz.retry_max_seconds),
    // The module's batch user, unless --user names another.
    user: wzGiven.has('user') ? (wz.user as string) : (UPDATE_MODULES.find((m) => m.id === wz.module)?.client.user ?? CPR_BATCH_USER),
  };

  const logic = read('kmdlogic');
  const l = logic.values;
  if (!logic.given.has('client_id') && !logic.given.has('client_secret')) {
    const stray = [...logic.given][0];
    if (stray) throw new DoctorUsageError(`${whereToSet('kmdlogic', stray)} is set, but no KMD Logic credentials: set ${whereToSet('kmdlogic', 'client_id')} and ${whereToSet('kmdlogic', 'client_secret')} to check KMD Logic`);
    return { workzone };
  }
  for (const name of ['client_id', 'client_secret'] as const) {
    if (!logic.given.has(name)) throw new DoctorUsageError(`Missing KMD Logic setting ${whereToSet('kmdlogic', name)}: KMD Logic is checked with both the client id and its secret`);
  }
  if (logic.given.has('product_id') && !logic.given.has('subscription_id')) {
    throw new DoctorUsageError(`${whereToSet('kmdlogic', 'product_id')} is looked for in a subscription: set ${whereToSet('kmdlogic', 'subscription_id')} too`);
  }
  return {
    workzone,
    kmdlogic: {
      clientId: l.client_id as string,
      clientSecret: l.client_secret as string,
      tokenUrl: l.token_url as string,
      apiUrl: l.api_url as string,
      scope: l.scope as string,
      caFile: str(l.ca_file),
      insecureSkipVerify: l.insecure_skip_verify === true,
      requestTimeoutSeconds: num(l.request_timeout_seconds),
      retryMaxSeconds: num(l.retry_max_seconds),
      subscriptionId: str(l.subscription_id),
      productId: str(l.product_id),
    },
  };
}

/** `odata_path = "/api/odata"  (WORKZONE_ODATA_PATH=/api/odata, or --odata-path /api/odata)`: a setting as the user would set it. */
export function settingHint(service: Service, name: string, value: string): string {
  const s = settingList().find((x) => x.service === service && x.name === name);
  const ways = [...(s?.env ?? []).map((e) => `${e}=${value}`), ...(s?.flag ? [`${s.flag} ${value}`] : [])];
  return `${service} provider: ${name} = ${JSON.stringify(value)}${ways.length ? `  (${ways.join(', or ')})` : ''}`;
}
