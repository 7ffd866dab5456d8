/**
 * One WorkZone OAuth client has one owner. Two `workzone_oauth_client` resources with one client_id would
 * both manage one client: the second create fails (and the advice to import would make two owners) or
 * adopts the first's client, and destroying either deletes the other's. This registry notices such a pair
 * among the resources one provider process sees in one run, which is one provider configuration of one
 * terraform command (a long-lived provider configures a new client per command and alias).
 *
 * What one provider process sees (terraform 1.11, measured): in a plan, ReadResource for every object in
 * state (refresh; not with -refresh=false) and PlanResourceChange for every resource instance in the
 * configuration, twice for an instance being replaced (the second time with a null prior state and the
 * first call's private state); in the apply that follows, in a new process, PlanResourceChange and then
 * ApplyResourceChange for each instance that changes, nothing for the others. So a plan sees every pair in
 * the configuration, and a resource in state that the configuration lost (a rename without a `moved` block)
 * as long as it is refreshed; `-target` and a second provider configuration for the same WorkZone hide
 * the other one.
 *
 * Owners are told apart by an id each object keeps in its private state (set at create, import and read),
 * so that the two plans of one replaced instance are one owner. An instance about to be created has no id
 * yet: each such plan is an owner of its own. Terraform runs up to 10 operations at once; every check and
 * record here is synchronous, so none interleave.
 */
import { randomUUID } from 'node:crypto';
import { DiagnosticError, type PrivateData } from '../plugin/types';

/** Whether the owner has the client in state ("manages") or plans to create it. */
type ClaimKind = 'manages' | 'creates';

/** The owner id an object keeps in its private state. */
export interface OwnedPrivate extends PrivateData {
  owner?: string;
}

export const newOwnerId = (): string => randomUUID();

/**
 * The owner a plan acts for: the object's own id; for an object written before owner ids and not refreshed
 * since (-refresh=false), one owner per client id; for an instance not created yet, a new one. (A replaced
 * instance's second plan has a null prior state but the object's private state.)
 */
export function ownerOf(priv: PrivateData | undefined, clientId: string, inState: boolean): string {
  const owner = (priv as OwnedPrivate | undefined)?.owner;
  if (typeof owner === 'string') return owner;
  return inState || priv !== undefined ? `unnamed:${clientId}` : `new:${randomUUID()}`;
}

const TWO_OWNERS = (clientId: string) => `OAuth client "${clientId}" would have two owners`;
const WHY =
  "One WorkZone client has one owner: two resources would overwrite each other's settings and secret, and destroying either would delete the other's client.";

export class ClientOwnership {
  /** client id → owner → what the owner does with it. */
  private readonly claims = new Map<string, Map<string, ClaimKind>>();
  /** Client ids whose second owner has been reported: one error per client, whichever comes second. */
  private readonly reported = new Set<string>();

  /**
   * A plan: the owner manages (prior state) or creates the client. Throws when another owner claims it
   * too; the claim is recorded either way, so that neither goes on to create or adopt it.
   */
  plan(clientId: string, owner: string, kind: ClaimKind): void {
    const others = this.record(clientId, owner, kind);
    if (others.length === 0 || !this.report(clientId)) return;
    throw new DiagnosticError(
      TWO_OWNERS(clientId),
      `Another workzone_oauth_client of this provider configuration ${others.includes('manages') ? 'already manages' : 'also creates'} client_id "${clientId}". ${WHY} ` +
        'Give each resource its own client_id. If both are in state already, keep one and remove the other from state with `terraform state rm <address>`; ' +
        'if you renamed a resource, declare it with a `moved` block; to hand a client id from one resource to another, free it in one apply and take it in the next.',
      ['client_id'],
    );
  }

  /** A refresh: the owner has the client in state. Throws when another resource plans to create it. */
  read(clientId: string, owner: string): void {
    const others = this.record(clientId, owner, 'manages');
    // Two in state: the plan says so (a destroy, which refreshes but does not plan, must still work).
    if (!others.includes('creates') || !this.report(clientId)) return;
    throw new DiagnosticError(
      TWO_OWNERS(clientId),
      `This resource manages client_id "${clientId}", and another workzone_oauth_client of this provider configuration plans to create it. ${WHY} ` +
        'If you renamed or moved this resource, declare it with a `moved` block (or `terraform state mv`) so that one resource keeps the client; otherwise give the new resource another client_id.',
      ['client_id'],
    );
  }

  /**
   * Before a create sends its request or adopts an existing client: refused when more than one owner
   * claims the client in this run (the plan that found the second has failed, but this one may not know).
   */
  beforeCreate(clientId: string): void {
    if ((this.claims.get(clientId)?.size ?? 0) <= 1) return;
    throw new DiagnosticError(
      TWO_OWNERS(clientId),
      `Another workzone_oauth_client of this provider configuration claims client_id "${clientId}" in this run, so Terraform neither creates nor adopts it. ${WHY} Give each resource its own client_id.`,
      ['client_id'],
    );
  }

  /** An import: refused when a resource of this run already manages or creates the client. */
  beforeImport(clientId: string): void {
    if ((this.claims.get(clientId)?.size ?? 0) === 0) return;
    throw new DiagnosticError(
      TWO_OWNERS(clientId),
      `Another workzone_oauth_client of this provider configuration already manages or creates client_id "${clientId}". ${WHY} Import it into one resource only.`,
    );
  }

  /** True the first time a client's second owner is reported. */
  private report(clientId: string): boolean {
    if (this.reported.has(clientId)) return false;
    this.reported.add(clientId);
    return true;
  }

  /** Records the claim; returns what the other owners of the client do with it. */
  private record(clientId: string, owner: string, kind: ClaimKind): ClaimKind[] {
    const owners = this.claims.get(clientId) ?? this.claims.set(clientId, new Map()).get(clientId)!;
    if (owners.get(owner) !== 'creates') owners.set(owner, kind);
    return [...owners].filter(([other]) => other !== owner).map(([, otherKind]) => otherKind);
  }
}

const registries = new WeakMap<object, ClientOwnership>();

/** The registry of one configured provider (its API client): one provider configuration in one run. */
export function ownershipOf(client: object): ClientOwnership {
  return registries.get(client) ?? registries.set(client, new ClientOwnership()).get(client)!;
}
