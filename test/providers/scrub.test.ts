import { scrubSecrets } from '../../lib/providers/scrub';

describe('scrubSecrets', () => {
  const secret = 'a+b/c=d e&f';

  it('removes a secret as sent: plain, form-encoded and URL-encoded', () => {
    const echoed = `got ${secret}; body client_secret=${new URLSearchParams({ v: secret }).toString().slice(2)}; url ?s=${encodeURIComponent(secret)}`;
    const out = scrubSecrets(echoed, [secret]);
    expect(out).toBe('got ***; body client_secret=***; url ?s=***');
  });

  it('removes credentials in HTTP auth header form, whatever they are', () => {
    expect(scrubSecrets('you sent Authorization: Basic dXNlcjpwYXNz and bearer eyJ.abc-_~', [])).toBe('you sent Authorization: Basic *** and bearer ***');
  });

  it('leaves text alone when there is nothing to remove; ignores empty and very short values', () => {
    expect(scrubSecrets('plain message', [undefined, '', 'ab'])).toBe('plain message');
  });
});
