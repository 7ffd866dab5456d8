/** What the WorkZone client tests share: the CPR update client's settings, and short retry waits. */
import type { OAuthClientSettings } from '../../../lib/providers/workzone/client';

export const CPR: OAuthClientSettings = {
  client_name: 'Contact update - CPR',
  enabled: true,
  allow_access_token_via_browser: false,
  allow_offline_access: false,
  require_pkce: false,
  grant_type: 'CLNTCRED',
  user: 'CPRBATCHUSER',
};

export const fastHttp = { initialBackoffMs: 10, maxBackoffMs: 50 };
