/**
 * Whether a secret in state still is the client's secret, on a WorkZone that does not report
 * `ClientSecretHash` (docs/workzone-api.md): then only the token endpoint can tell. It is asked for a
 * client-credentials token with the secret; `invalid_client` means the secret no longer works (changed in
 * WorkZone). A disabled client is refused whatever its secret, so it is not asked.
 */
import type { OAuthClient, WorkZoneClient } from './client';

/** True when the token endpoint refuses `secret` for a client whose hash WorkZone does not report. */
export async function secretRefusedWithoutHash(api: WorkZoneClient, client: OAuthClient, secret: string): Promise<boolean> {
  if (client.client_secret_hash !== undefined || !client.enabled) return false;
  const check = await api.requestToken(undefined, client.client_id, secret);
  // unauthorized_client and the like come after the client authenticated: the secret works.
  return !check.ok && check.error === 'invalid_client';
}
