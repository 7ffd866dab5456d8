/**
 * The default provider of a construct that was given none is chosen at synthesis, so declaration order does
 * not matter: a provider declared after the constructs (with any id, anywhere in the stack) is the one they
 * use, and only when the stack has none is one created.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, CprUpdateSetup, WorkZoneOAuthClient } from '../../lib/constructs';
import { errorOf, newStack, only, synthJson } from './helpers';

const generated = { clientSecret: ClientSecret.generatedByWorkZone() };
const providersOf = (json: any, type: string) => (Object.values(json.resource?.[type] ?? {}) as any[]).map((r) => r.provider);

describe('a provider declared after the constructs', () => {
  test('with the default id: no clash; the constructs use it (cdk.tf.json from app.synth, validations on)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'default-provider-'));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'stack');
      new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-update', ...generated });
      new WorkzoneProvider(stack, 'workzone', { url: 'https://wz.example.dk' });
      app.synth();
      const json = JSON.parse(readFileSync(join(outdir, 'stacks/stack/cdk.tf.json'), 'utf8'));
      expect(json.provider.workzone).toEqual([{ url: 'https://wz.example.dk' }]);
      expect(only(json, 'resource', 'workzone_oauth_client').provider).toBe('workzone');
      expect(only(json, 'data', 'workzone_user').provider).toBe('workzone');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('with another id, inside a construct of the user: that one, and no second default', () => {
    const stack = newStack();
    new WorkZoneOAuthClient(stack, 'A', { clientId: 'a', ...generated });
    new CprUpdateSetup(stack, 'B', { clientId: 'b', ...generated });
    new WorkzoneProvider(new Construct(stack, 'Platform'), 'wz', { url: 'https://late.example.dk' });
    const json = synthJson(stack);
    expect(json.provider.workzone).toEqual([{ url: 'https://late.example.dk' }]);
    expect(providersOf(json, 'workzone_oauth_client')).toEqual(['workzone', 'workzone']);
  });

  test('an aliased one declared later is not the default: the default is created, once', () => {
    const stack = newStack();
    new WorkZoneOAuthClient(stack, 'A', { clientId: 'a', ...generated });
    new WorkZoneOAuthClient(stack, 'B', { clientId: 'b', ...generated });
    new WorkzoneProvider(stack, 'test', { alias: 'test' });
    const json = synthJson(stack);
    expect(json.provider.workzone).toHaveLength(2);
    expect(json.provider.workzone).toEqual(expect.arrayContaining([{ alias: 'test' }, {}]));
    expect(providersOf(json, 'workzone_oauth_client')).toEqual(['workzone', 'workzone']);
  });

  test('the random provider of ClientSecret.random() likewise', () => {
    const stack = newStack();
    new WorkzoneProvider(stack, 'workzone');
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-update' });
    new RandomProvider(stack, 'random-late');
    const json = synthJson(stack);
    expect(json.provider.random).toEqual([{}]);
    expect(only(json, 'resource', 'random_password').provider).toBe('random');
  });

  test('synthesizing twice changes nothing', () => {
    const stack = newStack();
    new WorkZoneOAuthClient(stack, 'A', { clientId: 'a', ...generated });
    const first = synthJson(stack);
    expect(synthJson(stack)).toEqual(first);
    expect(first.provider.workzone).toEqual([{}]);
  });

  test('none declared and the default id taken by something else: one error naming both and the fix', () => {
    const stack = newStack();
    new WorkZoneOAuthClient(stack, 'A', { clientId: 'a', ...generated });
    new TerraformVariable(stack, 'workzone', { type: 'string' });
    const message = errorOf(() => synthJson(stack));
    expect(message).toContain("test/A uses the stack's default workzone provider, and the stack has none");
    expect(message).toContain("'test/workzone', but that id is taken by another construct");
    expect(message).toContain("new WorkzoneProvider(stack, '<id>')");
  });
});
