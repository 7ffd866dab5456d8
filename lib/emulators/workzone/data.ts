/**
 * The WorkZone emulator's data: OAuth clients and users, persisted as JSON. Also the direct (non-HTTP)
 * door for tests that simulate changes made in WorkZone by hand (drift).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { JsonStore } from '../common/store';

/** Grant type codes of the Configurator form. Only CLNTCRED is confirmed; see docs/workzone-api.md. */
export const GRANT_TYPES = ['CLNTCRED', 'AUTHCODE', 'HYBRID', 'IMPLICIT', 'PASSWORD'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export interface StoredClient {
  ClientId: string;
  ClientName: string;
  Enabled: boolean;
  AllowAccessTokensViaBrowser: boolean;
  AllowOfflineAccess: boolean;
  RequirePkce: boolean;
  GrantType: GrantType;
  User: string;
  /** base64(SHA-256(secret)), IdentityServer's Sha256(); null when the client has no secret. */
  ClientSecretHash: string | null;
  /** Store-wide change counter at the last change: the ETag. */
  Version: number;
}

export interface StoredUser {
  Id: string;
  Initials: string;
  Name: string;
  Active: boolean;
}

interface ClientsDoc {
  seq: number;
  clients: Record<string, StoredClient>;
}
interface UsersDoc {
  users: Record<string, StoredUser>;
}

export const SEED_USERS: readonly StoredUser[] = [{ Id: '1001', Initials: 'CPRBATCHUSER', Name: 'Captia CPR batch afvikler', Active: true }];

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
  private readonly clientsStore: JsonStore<ClientsDoc>;
  private readonly usersStore: JsonStore<UsersDoc>;

  constructor(dataDir?: string) {
    this.clientsStore = new JsonStore<ClientsDoc>('oauth-clients', { dataDir, initial: () => ({ seq: 0, clients: {} }) });
    this.usersStore = new JsonStore<UsersDoc>('users', {
      dataDir,
      initial: () => ({ users: Object.fromEntries(SEED_USERS.map((u) => [u.Initials, { ...u }])) }),
    });
  }

  getClient(clientId: string): StoredClient | undefined {
    const found = own(this.clientsStore.get().clients, clientId);
    return found ? { ...found } : undefined;
  }

  listClients(): StoredClient[] {
    return Object.values(this.clientsStore.get().clients)
      .map((c) => ({ ...c }))
      .sort((a, b) => (a.ClientId < b.ClientId ? -1 : a.ClientId > b.ClientId ? 1 : 0));
  }

  /** Inserts a client; returns undefined when the id is taken. */
  createClient(client: Omit<StoredClient, 'Version' | 'ClientSecretHash'> & { ClientSecret?: string | null }): StoredClient | undefined {
    return this.clientsStore.update((doc) => {
      if (own(doc.clients, client.ClientId)) return undefined;
      const { ClientSecret, ...props } = client;
      const stored: StoredClient = { ...props, ClientSecretHash: ClientSecret ? hashSecret(ClientSecret) : null, Version: ++doc.seq };
      setOwn(doc.clients, client.ClientId, stored);
      return { ...stored };
    });
  }

  /** Changes a client and gives it a new ETag; undefined when missing. */
  updateClient(clientId: string, change: ClientChange): StoredClient | undefined {
    return this.clientsStore.update((doc) => {
      const current = own(doc.clients, clientId);
      if (!current) return undefined;
      const { ClientSecret, ...props } = change;
      const next: StoredClient = { ...current, ...props, ClientId: clientId, Version: ++doc.seq };
      if (ClientSecret !== undefined) next.ClientSecretHash = ClientSecret === null ? null : hashSecret(ClientSecret);
      setOwn(doc.clients, clientId, next);
      return { ...next };
    });
  }

  deleteClient(clientId: string): boolean {
    return this.clientsStore.update((doc) => {
      if (!own(doc.clients, clientId)) return false;
      delete doc.clients[clientId];
      doc.seq++;
      return true;
    });
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
