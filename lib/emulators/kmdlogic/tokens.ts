/**
 * Access tokens of the emulated Logic identity service. Opaque random strings kept in memory only: a
 * restart of the emulator invalidates every token, as a key rollover would, which lets tests exercise the
 * client's renew-on-401 path.
 */
import { randomBytes } from 'node:crypto';

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

export class TokenIssuer {
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  issued = 0;

  constructor(
    private readonly lifetimeSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(clientId: string): IssuedToken {
    this.prune();
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { clientId, expiresAt: this.now() + this.lifetimeSeconds * 1000 });
    this.issued++;
    return { accessToken, expiresIn: this.lifetimeSeconds };
  }

  /** The client id a valid token was issued to, or undefined for unknown and expired tokens. */
  verify(accessToken: string): string | undefined {
    const entry = this.tokens.get(accessToken);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.tokens.delete(accessToken);
      return undefined;
    }
    return entry.clientId;
  }

  /** Invalidates every token (tests: a rollover before expiry). */
  revokeAll(): void {
    this.tokens.clear();
  }

  private prune(): void {
    const now = this.now();
    for (const [token, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(token);
  }
}
