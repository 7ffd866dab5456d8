/**
 * The checks of the OAuth client's props, for the constructs that take them (WorkZoneOAuthClient, and flat
 * the set-ups of the update modules): the props that set attributes follow the schema's rules (props.ts);
 * these are the checks of its own props.
 */
import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { ClientSecret, suppliedToken } from './client-secret';
import { propsSchema, type ConstructSpec } from './props';
import { checkSecret } from './secret-expression';
import { providerOf } from './validation';

const LITERAL_SECRET =
  'a literal secret would be written into cdk.tf.json and version control; pass a token (a sensitive TerraformVariable, a value read from a vault) or use ClientSecret.random()';

const ownChecks = (scope: IConstruct, constructType: string) => ({
  clientSecret: z
    .custom<ClientSecret>((v) => v instanceof ClientSecret, {
      message: 'must be a ClientSecret: ClientSecret.random(), ClientSecret.fromToken(token), ClientSecret.fromVariable() or ClientSecret.generatedByWorkZone()',
    })
    .superRefine((secret, ctx) => {
      const supplied = suppliedToken(secret);
      if (typeof supplied !== 'string') return;
      checkSecret(scope, constructType, supplied, ctx, LITERAL_SECRET);
    }),
  verifyUser: z.boolean(),
  provider: providerOf('workzone'),
});

/**
 * The props check of a construct with the OAuth client's props (`spec`; a set-up's adds its own props,
 * checked by `more`), at `scope` (secrets are resolved in its stack); `constructType` names it in messages.
 */
export const oauthClientPropsSchema = <Props>(
  scope: IConstruct,
  spec: ConstructSpec,
  more: { readonly [prop: string]: z.ZodType } = {},
  constructType = spec.construct,
) => propsSchema<Props>(spec, { ...ownChecks(scope, constructType), ...more });
