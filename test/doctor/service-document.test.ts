/** Service documents in every shape a server may answer (lib/doctor/service-document.ts). */
import { parseServiceDocument } from '../../lib/doctor/service-document';

describe('parseServiceDocument', () => {
  test('OData v4 JSON', () => {
    const body = JSON.stringify({ '@odata.context': 'https://wz/odata/$metadata', value: [{ name: 'OAuthClients', kind: 'EntitySet', url: 'OAuthClients' }, { name: 'Top', kind: 'Singleton', url: 'Top' }] });
    expect(parseServiceDocument(body, 'application/json')).toEqual({ format: 'OData v4 JSON', entitySets: [{ name: 'OAuthClients', url: 'OAuthClients' }], metadataUrl: 'https://wz/odata/$metadata' });
  });

  test('OData v3 JSON light and verbose JSON (WCF Data Services)', () => {
    expect(parseServiceDocument(JSON.stringify({ 'odata.metadata': 'https://wz/odata/$metadata', value: [{ name: 'Contacts', url: 'Contacts' }] }), 'application/json;odata=minimalmetadata')).toEqual({
      format: 'OData v3 JSON',
      entitySets: [{ name: 'Contacts', url: 'Contacts' }],
      metadataUrl: 'https://wz/odata/$metadata',
    });
    expect(parseServiceDocument(JSON.stringify({ d: { EntitySets: ['Contacts', 'Records'] } }), 'application/json;odata=verbose')).toEqual({
      format: 'OData verbose JSON',
      entitySets: [{ name: 'Contacts', url: 'Contacts' }, { name: 'Records', url: 'Records' }],
    });
  });

  test('AtomPub XML', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<service xml:base="https://wz/odata/" xmlns="http://www.w3.org/2007/app" xmlns:atom="http://www.w3.org/2005/Atom">
  <workspace><atom:title>Default</atom:title>
    <collection href="Contacts"><atom:title>Contacts</atom:title></collection>
    <collection href="OAuthClients"><atom:title>OAuthClients</atom:title></collection>
  </workspace>
</service>`;
    expect(parseServiceDocument(xml, 'application/atomsvc+xml;charset=utf-8')).toEqual({
      format: 'AtomPub XML',
      entitySets: [{ name: 'Contacts', url: 'Contacts' }, { name: 'OAuthClients', url: 'OAuthClients' }],
      metadataUrl: 'https://wz/odata/$metadata',
    });
  });

  test.each([
    ['an HTML login page', '<!DOCTYPE html><html><body>Sign in</body></html>', 'text/html'],
    ['a JSON error', '{"error":{"code":"NotFound","message":"no"}}', 'application/json'],
    ['an entity collection without context', '{"value":[]}', 'application/json'],
    ['broken JSON', '{"value": [', 'application/json'],
    ['other XML', '<feed xmlns="http://www.w3.org/2005/Atom"/>', 'application/xml'],
  ])('%s is not a service document', (_what, body, type) => {
    expect(parseServiceDocument(body, type)).toBeUndefined();
  });
});
