/**
 * The KMD Logic checks, when credentials are given: a token from the configured token endpoint (and which
 * of KMD's token servers answered), the subscription's CPR configurations through the provider's own
 * client, and whether the product id is one of them. Read-only: a token request and GETs.
 */
import { HttpRequestError, redactUrl, type HttpClient } from '../providers/http';
import { KmdLogicClient, KmdLogicError } from '../providers/kmdlogic/client';
import { scrub } from '../providers/kmdlogic/errors';
import { KMDLOGIC_TOKEN_URL } from '../schemas/kmdlogic';
import type { CheckResult } from './report';
import { whereToSet, type KmdLogicDoctorSettings } from './settings';
import { transportProblem } from './transport';

/** KMD's two token servers (Kmd.Logic.Identity.Authorization), and the B2C one's other host name. */
export const AZURE_AD_TOKEN_URL = 'https://login.microsoftonline.com/logicidentityprod.onmicrosoft.com/oauth2/v2.0/token';

/** Which token server a URL points at, in words for the report. */
export function tokenServer(url: string): string {
  const u = new URL(url);
  const query = [...new URLSearchParams(u.search).keys()];
  const withQuery = query.length ? ` with query parameters ${query.join(', ')}` : '';
  if (u.host === new URL(KMDLOGIC_TOKEN_URL).host) return `KMD Logic Identity (Azure AD B2C, KMD's default)${withQuery}`;
  if (u.host === 'login.microsoftonline.com') return `Azure AD (tenant ${u.pathname.split('/')[1] || '?'})${withQuery}`;
  if (u.host.endsWith('.b2clogin.com')) return `Azure AD B2C at ${u.host}${withQuery}`;
  return `another server (${u.host})${withQuery}`;
}

/** The `iss` claim of a JWT access token (decoded, not verified: only to say who issued it), else undefined. */
export function issuerOf(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

export async function examineKmdLogic(s: KmdLogicDoctorSettings, http: HttpClient, record: (r: CheckResult) => void): Promise<void> {
  const skip = (ids: string[], why: string) => ids.forEach((id) => record({ id, outcome: 'skipped', summary: why }));
  const server = tokenServer(s.tokenUrl);
  const at = `${redactUrl(s.tokenUrl)}, ${server}`;

  // The token, asked the way the provider asks (form post, scope).
  let accessToken: string | undefined;
  try {
    const res = await http.request({
      method: 'POST',
      url: s.tokenUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: s.scope }).toString(),
      retrySafe: true,
    });
    const body = res.json() as Record<string, unknown> | undefined;
    const error = typeof body?.error === 'string' ? body.error : undefined;
    const said = scrub(String(body?.error_description ?? body?.message ?? ''), [s.clientSecret]);
    if (res.status === 200 && typeof body?.access_token === 'string' && body.access_token !== '') {
      accessToken = body.access_token;
      const issuer = issuerOf(accessToken);
      record({
        id: 'logic-token',
        outcome: 'holds',
        summary: `${at} issued a ${String(body.token_type ?? 'Bearer')} token${typeof body.expires_in === 'number' ? ` for ${body.expires_in} s` : ''}${issuer ? `; issuer ${issuer}` : ''}`,
        ...(s.tokenUrl !== KMDLOGIC_TOKEN_URL && { details: [`Not KMD's default token server (${KMDLOGIC_TOKEN_URL}): keep ${whereToSet('kmdlogic', 'token_url')} set to this one in the provider too.`] }),
        facts: { tokenServer: server, tokenUrl: redactUrl(s.tokenUrl), issuer: issuer ?? null, tokenType: body.token_type ?? null, expiresIn: body.expires_in ?? null },
      });
    } else if (res.status === 401 || ((res.status === 400 || res.status === 403) && (error === 'invalid_client' || error === 'unauthorized_client'))) {
      record({
        id: 'logic-token',
        outcome: 'blocked',
        summary: `${at} refused client_id ${s.clientId} with its secret (HTTP ${res.status}${error ? ` ${error}` : ''})`,
        details: [
          `Check ${whereToSet('kmdlogic', 'client_id')} and ${whereToSet('kmdlogic', 'client_secret')} against the client credential in the KMD Logic console.`,
          `A credential issued by the other token server is refused here: KMD's servers are ${KMDLOGIC_TOKEN_URL} (B2C, the default) and ${AZURE_AD_TOKEN_URL} (Azure AD); set ${whereToSet('kmdlogic', 'token_url')} to the other to try it.`,
          ...(said ? [`The server said: ${said}`] : []),
        ],
      });
    } else {
      record({
        id: 'logic-token',
        outcome: error === 'invalid_scope' ? 'fails' : 'blocked',
        summary: `${at} answered HTTP ${res.status}${error ? ` ${error}` : ''}${res.status === 200 ? ' without an access_token' : ''}`,
        details: [
          error === 'invalid_scope'
            ? `Check ${whereToSet('kmdlogic', 'scope')}: use the scope the KMD Logic console shows with the client credential.`
            : `Check ${whereToSet('kmdlogic', 'token_url')}: is it a KMD Logic token endpoint?`,
          ...(said ? [`The server said: ${said}`] : []),
        ],
      });
    }
  } catch (err) {
    if (!(err instanceof HttpRequestError)) throw err;
    const problem = transportProblem(err, 'kmdlogic', 'token_url');
    record({ id: 'logic-token', outcome: 'blocked', summary: `${problem.summary} (${at})`, details: problem.details });
  }
  if (!accessToken) return skip(['logic-subscription', 'logic-product', 'logic-provider-value'], 'not checked: no KMD Logic token');
  if (!s.subscriptionId) {
    return skip(['logic-subscription', 'logic-product', 'logic-provider-value'], `not checked: give ${whereToSet('kmdlogic', 'subscription_id')}`);
  }

  // The subscription's configurations, through the provider's client (its own token request).
  const client = new KmdLogicClient({ ...s, fromEnv: undefined });
  try {
    const configurations = await client.listConfigurations(s.subscriptionId);
    record({
      id: 'logic-subscription',
      outcome: 'holds',
      summary: `subscription ${s.subscriptionId} has ${configurations.length} CPR configuration${configurations.length === 1 ? '' : 's'}${configurations.length ? `: ${configurations.map((c) => `${c.name} (${c.environment})`).join(', ')}` : ''}`,
      facts: { configurations: configurations.map((c) => ({ id: c.id, name: c.name, environment: c.environment, provider: c.cpr_provider })) },
    });
    const providers = [...new Set(configurations.map((c) => c.cpr_provider))];
    if (!s.productId) {
      record({ id: 'logic-product', outcome: 'skipped', summary: `not checked: give ${whereToSet('kmdlogic', 'product_id')}` });
    } else {
      const product = configurations.find((c) => c.id.toLowerCase() === s.productId!.toLowerCase());
      record(
        product
          ? { id: 'logic-product', outcome: 'holds', summary: `product id ${s.productId} is CPR configuration "${product.name}" (${product.environment})` }
          : {
              id: 'logic-product',
              outcome: 'fails',
              summary: `product id ${s.productId} is none of the subscription's CPR configurations`,
              details: [
                configurations.length ? `Its configurations: ${configurations.map((c) => `${c.id} (${c.name})`).join(', ')}.` : 'The subscription has no CPR configuration yet.',
                'If the CPR update module\'s "Product ID" is not a configuration id, send the --json report: it is an assumption (docs/kmdlogic-api.md).',
              ],
            },
      );
      if (product) {
        record({
          id: 'logic-provider-value',
          outcome: product.cpr_provider === 'DataDistributor' ? 'holds' : 'adapts',
          summary: `the product's configuration has provider ${JSON.stringify(product.cpr_provider)}${providers.length > 1 ? `; the subscription's carry ${providers.map((p) => JSON.stringify(p)).join(', ')}` : ''}`,
          ...(product.cpr_provider !== 'DataDistributor' && { details: ['The provider reads the value back after every write, so it copes; send the --json report so that docs/kmdlogic-api.md can say it.'] }),
        });
      }
    }
    if (!s.productId || !configurations.some((c) => c.id.toLowerCase() === s.productId!.toLowerCase())) {
      record({
        id: 'logic-provider-value',
        outcome: providers.length === 0 ? 'skipped' : providers.includes('DataDistributor') ? 'holds' : 'adapts',
        summary: providers.length === 0 ? 'not checked: no configuration to read it from' : `the subscription's configurations carry provider ${providers.map((p) => JSON.stringify(p)).join(', ')}`,
      });
    }
  } catch (err) {
    if (!(err instanceof KmdLogicError)) throw err;
    const blocked = err.kind === 'credentials' || err.kind === 'unavailable';
    record({ id: 'logic-subscription', outcome: blocked ? 'blocked' : 'fails', summary: err.summary, ...(err.detail && { details: [err.detail] }) });
    skip(['logic-product', 'logic-provider-value'], 'not checked: the subscription could not be read');
  } finally {
    client.close();
  }
}
