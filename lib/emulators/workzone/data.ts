/**
 * The WorkZone emulator's data: OAuth clients and users, persisted as JSON. Also the direct (non-HTTP)
 * door for tests that simulate changes made in WorkZone by hand (drift).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { recordOf } from '../common/data-file';
import { KeyedStore } from '../common/keyed-store';
import { JsonStore } from '../common/store';

/** Grant type codes of the Configurator form. Only CLNTCRED is confirmed; see docs/workzone-api.md. */
export const GRANT_TYPES = ['CLNTCRED', 'AUTHCODE', 'HYBRID', 'IMPLICIT', 'PASSWORD'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/**
 * The OAuthClient entity as this server models it (docs/workzone-api.md): each property's JSON type, and
 * what a POST without it does (`create`: required, or the value it gets). One line per property: the
 * stored data, the request checks (entity.ts), the view and the defaults of a create follow from it.
 */
export const CLIENT_PROPERTIES = {
  ClientId: { type: 'string', key: true, create: 'required', maxLength: 200 },
  ClientName: { type: 'string', create: 'required', maxLength: 200 },
  Enabled: { type: 'boolean', create: true },
  AllowAccessTokensViaBrowser: { type: 'boolean', create: false },
  AllowOfflineAccess: { type: 'boolean', create: false },
  RequirePkce: { type: 'boolean', create: false },
  GrantType: { type: 'string', create: 'required' },
  User: { type: 'string', create: 'required' },
  /** Plaintext, sent only; stored as ClientSecretHash. */
  ClientSecret: { type: 'string', writeOnly: true, maxLength: 500 },
  /** base64(SHA-256(secret)), IdentityServer's Sha256(); null when the client has no secret. */
  ClientSecretHash: { type: 'string', readOnly: true, nullable: true },
} as const satisfies Record<string, StoredProperty>;

export interface StoredProperty {
  readonly type: 'string' | 'boolean';
  readonly key?: boolean;
  /** A POST without it fails (`required`) or sets this value. Stored properties have it. */
  readonly create?: 'required' | string | boolean;
  readonly writeOnly?: boolean;
  readonly readOnly?: boolean;
  readonly nullable?: boolean;
  readonly maxLength?: number;
}

type Properties = typeof CLIENT_PROPERTIES;
/** The properties a client stores as sent: all with a `create`. */
type Setting = { [K in keyof Properties]: Properties[K] extends { create: unknown } ? K : never }[keyof Properties];
/** The properties a create sets when the request leaves them out. */
export type Defaulted = { [K in Setting]: Properties[K] extends { create: 'required' } ? never : K }[Setting];
type JsonOf<T> = T extends 'boolean' ? boolean : string;

export type StoredClient = { -readonly [K in Exclude<Setting, 'GrantType'>]: JsonOf<Properties[K]['type']> } & {
  GrantType: GrantType;
  ClientSecretHash: string | null;
  /** Store-wide change counter at the last change: the ETag. */
  Version: number;
};

export interface StoredUser {
  Id: string;
  Initials: string;
  Name: string;
  Active: boolean;
}

interface UsersDoc {
  users: Record<string, StoredUser>;
  /**
   * The seeded users this data has had (deleted ones included), so that a seed added in a later version
   * reaches an existing data directory once, and a seeded user deleted on purpose stays deleted. Absent in
   * files written before it existed: those had CPRBATCHUSER.
   */
  seeded?: string[];
}

// The shapes of the data files, checked when they are loaded.
const SETTING_TYPES = { string: z.string(), boolean: z.boolean() };
const storedClientSchema = z.strictObject({
  ...Object.fromEntries(Object.entries(CLIENT_PROPERTIES).flatMap(([name, p]) => ('create' in p ? [[name, SETTING_TYPES[p.type]]] : []))),
  ClientId: z.string().min(1),
  GrantType: z.enum(GRANT_TYPES),
  ClientSecretHash: z.base64().length(44, 'expected base64 of a SHA-256 hash (44 characters)').nullable(),
  Version: z.number().int().positive(),
}) as unknown as z.ZodType<StoredClient>;
const storedUserSchema: z.ZodType<StoredUser> = z.strictObject({ Id: z.string(), Initials: z.string().min(1), Name: z.string(), Active: z.boolean() });
const usersDocSchema: z.ZodType<UsersDoc> = z.strictObject({ users: recordOf(storedUserSchema), seeded: z.array(z.string()).optional() }).superRefine((doc, ctx) => {
  for (const [key, user] of Object.entries(doc.users)) {
    if (user.Initials !== key) ctx.addIssue({ code: 'custom', path: ['users', key], message: `the user's Initials are ${JSON.stringify(user.Initials)}, not ${JSON.stringify(key)}` });
  }
});

/** The batch users of the contact update modules, as WorkZone's guides name them: CPR update and CVR update. */
export const SEED_USERS: readonly StoredUser[] = [
  { Id: '1001', Initials: 'CPRBATCHUSER', Name: 'Captia CPR batch afvikler', Active: true },
  { Id: '1002', Initials: 'CVRBATCHUSER', Name: 'Captia CVR batch afvikler', Active: true },
];
/** What a users file without `seeded` was seeded with. */
const FIRST_SEEDS = ['CPRBATCHUSER'];

/** IdentityServer's Sha256() secret hash. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64');
}

/** Constant-time check of a presented secret against a stored hash. */
export function secretMatches(secret: string, hash: string | null): boolean {
  if (hash === null) return false;
  const a = Buffer.from(hashSecret(secret), 'base64');
  const b = Buffer.from(hash, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What WorkZone is assumed to generate: 32 random bytes, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function etagOf(client: StoredClient): string {
  return `W/"${client.Version}"`;
}

/** Client properties a change may set; `ClientSecret` is plaintext and is stored hashed. */
export type ClientChange = Partial<Omit<StoredClient, 'ClientId' | 'Version' | 'ClientSecretHash'>> & {
  ClientSecret?: string | null;
};

export class WorkZoneData {
  private readonly clients: KeyedStore<StoredClient>;
  private readonly usersStore: JsonStore<UsersDoc>;

  /** `notice`: told of repairs made on load (an unfinished journal line dropped after a crash). */
  constructor(dataDir?: string, notice?: (message: string) => void) {
    this.usersStore = new JsonStore<UsersDoc>('users', {
      dataDir,
      schema: usersDocSchema,
      holds: "the WorkZone emulator's users",
      ifDeleted: `the emulator starts with its seeded users ${SEED_USERS.map((u) => u.Initials).join(', ')} only`,
      initial: () => ({ users: Object.fromEntries(SEED_USERS.map((u) => [u.Initials, { ...u }])), seeded: SEED_USERS.map((u) => u.Initials) }),
    });
    const seeded = this.usersStore.get().seeded ?? FIRST_SEEDS;
    const missing = SEED_USERS.filter((u) => !seeded.includes(u.Initials));
    if (missing.length > 0 || this.usersStore.get().seeded === undefined) {
      this.usersStore.update((doc) => {
        for (const user of missing) if (!own(doc.users, user.Initials)) setOwn(doc.users, user.Initials, { ...user });
        doc.seeded = [...seeded, ...missing.map((u) => u.Initials)];
      });
    }
    // Clients are many and change often: a write appends one journal line (keyed-store.ts).
    this.clients = new KeyedStore<StoredClient>('oauth-clients', {
      dataDir,
      field: 'clients',
      record: storedClientSchema,
      keyOf: (c) => c.ClientId,
      seqOf: (c) => c.Version,
      holds: "the WorkZone emulator's OAuth clients",
      ifDeleted: 'the emulator starts with no OAuth clients',
      notice,
    });
  }

  getClient(clientId: string): StoredClient | undefined {
    const found = this.clients.get(clientId);
    return found ? { ...found } : undefined;
  }

  listClients(): StoredClient[] {
    return [...this.clients.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => (a.ClientId < b.ClientId ? -1 : a.ClientId > b.ClientId ? 1 : 0));
  }

  /** Inserts a client; returns undefined when the id is taken. */
  createClient(client: Omit<StoredClient, 'Version' | 'ClientSecretHash'> & { ClientSecret?: string | null }): StoredClient | undefined {
    if (this.clients.get(client.ClientId)) return undefined;
    const { ClientSecret, ...props } = client;
    const hash = ClientSecret ? hashSecret(ClientSecret) : null;
    return { ...this.clients.put((seq) => ({ ...props, ClientSecretHash: hash, Version: seq })) };
  }

  /** Changes a client and gives it a new ETag; undefined when missing. */
  updateClient(clientId: string, change: ClientChange): StoredClient | undefined {
    const current = this.clients.get(clientId);
    if (!current) return undefined;
    const { ClientSecret, ...props } = change;
    const hash = ClientSecret === undefined ? current.ClientSecretHash : ClientSecret === null ? null : hashSecret(ClientSecret);
    return { ...this.clients.put((seq) => ({ ...current, ...props, ClientId: clientId, ClientSecretHash: hash, Version: seq })) };
  }

  deleteClient(clientId: string): boolean {
    return this.clients.delete(clientId);
  }

  /** Writes the clients' snapshot and closes their journal (the emulator's close). */
  close(): void {
    this.clients.close();
  }

  getUser(initials: string): StoredUser | undefined {
    const found = own(this.usersStore.get().users, initials);
    return found ? { ...found } : undefined;
  }

  listUsers(): StoredUser[] {
    return Object.values(this.usersStore.get().users).map((u) => ({ ...u }));
  }

  /** Adds or replaces a user (tests: users other than the seeded one, inactive users). */
  putUser(user: StoredUser): void {
    this.usersStore.update((doc) => {
      setOwn(doc.users, user.Initials, { ...user });
    });
  }

  deleteUser(initials: string): boolean {
    return this.usersStore.update((doc) => {
      if (!own(doc.users, initials)) return false;
      delete doc.users[initials];
      return true;
    });
  }
}

/** Keys come from requests: "constructor" or "__proto__" must never reach Object.prototype. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
