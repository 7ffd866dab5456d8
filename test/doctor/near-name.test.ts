/** "Present under a near name" (lib/doctor/near-name.ts). */
import { editDistance, nearestName, nearness } from '../../lib/doctor/near-name';
import { OAUTH_CLIENT_WIRE } from '../../lib/providers/workzone/wire';

describe('near names', () => {
  test('edit distance counts adjacent transpositions as one', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('enabled', 'enalbed')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  test.each([
    ['AllowAccessTokensViaBrowser', 'AllowAccessTokenViaBrowser', '1 letter apart'],
    ['ClientId', 'clientId', 'the same name in another case'],
    ['ClientId', 'Client_Id', 'the same name without separators'],
    ['OAuthClients', 'OAuth2Clients', '1 letter apart'],
    ['Enabled', 'IsEnabled', 'with a prefix'],
    ['User', 'UserInitials', 'with a suffix'],
    ['ClientSecretHash', 'SecretHash', 'without a prefix'],
    ['RequirePkce', 'RequirePKCE', 'the same name in another case'],
  ])('%s ~ %s (%s)', (wanted, candidate, why) => {
    expect(nearness(wanted, candidate)?.why).toBe(why);
  });

  test.each([
    ['User', 'Users'],
    ['GrantType', 'GrantTypes'],
  ])('%s ~ %s: one letter is near', (wanted, candidate) => {
    expect(nearness(wanted, candidate)).toBeDefined();
  });

  test.each([
    ['Enabled', 'Name'],
    ['User', 'Id'],
    ['ClientName', 'ClientId'],
    ['AllowOfflineAccess', 'AllowAccessTokensViaBrowser'],
    ['RequirePkce', 'RequireConsent'],
  ])('%s is not near %s', (wanted, candidate) => {
    expect(nearness(wanted, candidate)).toBeUndefined();
  });

  test('the nearest of several; wire properties are not near one another, but for the secret and its hash', () => {
    expect(nearestName('AllowAccessTokensViaBrowser', ['AllowOfflineAccess', 'AllowAccessTokenViaBrowser', 'allowaccesstokensviabrowser'])?.name).toBe('allowaccesstokensviabrowser');
    const names = Object.values(OAUTH_CLIENT_WIRE).map((w) => w.property);
    const near = names.flatMap((name) => {
      const match = nearestName(name, names.filter((n) => n !== name));
      return match ? [`${name} ~ ${match.name}`] : [];
    });
    // The doctor offers only names no other wire property has exactly, so these two never stand in for each other.
    expect(near).toEqual(['ClientSecret ~ ClientSecretHash', 'ClientSecretHash ~ ClientSecret']);
  });
});
