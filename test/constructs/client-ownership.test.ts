/**
 * One WorkZone client has one owner: two constructs with the same client id against the same workzone
 * provider configuration are refused at construction, in one error naming both; client ids that are tokens
 * are compared where that decides anything (the same expression twice), and say nothing otherwise.
 */
import { Fn, Lazy, TerraformVariable } from 'cdktf';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, CprUpdateSetup, PropsValidationError, WorkZoneOAuthClient } from '../../lib/constructs';
import { newStack, synthJson } from './helpers';

function refusal(fn: () => unknown): PropsValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PropsValidationError) return error;
    throw error;
  }
  throw new Error('expected a PropsValidationError');
}

const generated = ClientSecret.generatedByWorkZone;

test('two WorkZoneOAuthClients with one client id and one provider: one error naming both', () => {
  const stack = newStack();
  new WorkZoneOAuthClient(stack, 'First', { clientId: 'cpr-update', clientSecret: generated() });
  const error = refusal(() => new WorkZoneOAuthClient(stack, 'Second', { clientId: 'cpr-update', clientSecret: generated() }));
  expect(error.constructPath).toBe('test/Second');
  expect(error.fieldErrors).toEqual([
    expect.objectContaining({ prop: 'clientId', value: '"cpr-update"', message: expect.stringContaining("is already the client id of 'test/First'") }),
  ]);
  expect(error.message).toContain("Invalid props for WorkZoneOAuthClient at 'test/Second'");
  expect(error.message).toContain('One WorkZone OAuth client has one owner');
});

test('two CprUpdateSetups with one client id (supplied secrets of equal value) are refused the same way', () => {
  const stack = newStack();
  const secret = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true });
  new CprUpdateSetup(stack, 'Test', { clientId: 'cpr-update', clientSecret: ClientSecret.fromToken(secret.stringValue) });
  const error = refusal(() => new CprUpdateSetup(stack, 'Prod', { clientId: 'cpr-update', clientSecret: ClientSecret.fromToken(secret.stringValue) }));
  expect(error.constructPath).toBe('test/Prod/OAuthClient');
  expect(error.message).toContain("is already the client id of 'test/Test/OAuthClient'");
});

test("the stack's default provider is one configuration, whether it is chosen at synthesis or passed after being declared later", () => {
  const stack = newStack();
  new WorkZoneOAuthClient(stack, 'First', { clientId: 'cpr-update', clientSecret: generated() }); // no provider yet: chosen at synthesis
  const declaredLater = new WorkzoneProvider(stack, 'wz', { url: 'https://wz.example.dk' });
  const error = refusal(() => new WorkZoneOAuthClient(stack, 'Second', { clientId: 'cpr-update', provider: declaredLater, clientSecret: generated() }));
  expect(error.message).toContain("is already the client id of 'test/First'");
});

test('the same client id against different provider configurations (two WorkZones) is fine', () => {
  const stack = newStack();
  const test = new WorkzoneProvider(stack, 'test', { alias: 'test', url: 'https://wz-test.example.dk' });
  const prod = new WorkzoneProvider(stack, 'prod', { alias: 'prod', url: 'https://wz.example.dk' });
  new CprUpdateSetup(stack, 'Test', { clientId: 'cpr-update', provider: test, clientSecret: generated() });
  new CprUpdateSetup(stack, 'Prod', { clientId: 'cpr-update', provider: prod, clientSecret: generated() });
  expect(Object.keys(synthJson(stack).resource.workzone_oauth_client)).toHaveLength(2);
});

test('the same client id in two stacks is fine (each stack has its own provider configuration and state)', () => {
  const a = newStack();
  const b = newStack();
  new WorkZoneOAuthClient(a, 'Client', { clientId: 'cpr-update', clientSecret: generated() });
  new WorkZoneOAuthClient(b, 'Client', { clientId: 'cpr-update', clientSecret: generated() });
});

test('client ids that differ only in what terraform would make of them are different ids', () => {
  const stack = newStack();
  new WorkZoneOAuthClient(stack, 'A', { clientId: '${terraform.workspace}', clientSecret: generated() });
  new WorkZoneOAuthClient(stack, 'B', { clientId: 'default', clientSecret: generated() }); // literal text: no longer the same
});

describe('client ids that are tokens', () => {
  test('the same variable twice is the same id: refused', () => {
    const stack = newStack();
    const id = new TerraformVariable(stack, 'client_id', { type: 'string' });
    new WorkZoneOAuthClient(stack, 'A', { clientId: id.stringValue, clientSecret: generated() });
    const error = refusal(() => new WorkZoneOAuthClient(stack, 'B', { clientId: id.stringValue, clientSecret: generated() }));
    expect(error.fieldErrors[0]).toMatchObject({ prop: 'clientId', value: '(token)' });
    expect(error.message).toContain("is already the client id of 'test/A'");
  });

  test('the same expression built twice, and the same text around a variable, are refused', () => {
    const stack = newStack();
    const env = new TerraformVariable(stack, 'env', { type: 'string' });
    new WorkZoneOAuthClient(stack, 'A', { clientId: Fn.lower(env.stringValue), clientSecret: generated() });
    refusal(() => new WorkZoneOAuthClient(stack, 'B', { clientId: Fn.lower(env.stringValue), clientSecret: generated() }));
    new WorkZoneOAuthClient(stack, 'C', { clientId: `cpr-${env.stringValue}`, clientSecret: generated() });
    refusal(() => new WorkZoneOAuthClient(stack, 'D', { clientId: `cpr-${env.stringValue}`, clientSecret: generated() }));
  });

  test('undecidable: different variables, a function that differs per call, a value not known yet: nothing said', () => {
    const stack = newStack();
    const a = new TerraformVariable(stack, 'a', { type: 'string' });
    const b = new TerraformVariable(stack, 'b', { type: 'string' });
    new WorkZoneOAuthClient(stack, 'A', { clientId: a.stringValue, clientSecret: generated() });
    new WorkZoneOAuthClient(stack, 'B', { clientId: b.stringValue, clientSecret: generated() });
    new WorkZoneOAuthClient(stack, 'U1', { clientId: Fn.uuid(), clientSecret: generated() });
    new WorkZoneOAuthClient(stack, 'U2', { clientId: Fn.uuid(), clientSecret: generated() });
    const notYet = () =>
      Lazy.stringValue({
        produce: () => {
          throw new Error('not known yet');
        },
      });
    new WorkZoneOAuthClient(stack, 'L1', { clientId: notYet(), clientSecret: generated() });
    new WorkZoneOAuthClient(stack, 'L2', { clientId: notYet(), clientSecret: generated() });
  });
});
