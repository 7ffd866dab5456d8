/** The KMD Logic wire table (lib/providers/kmdlogic/wire.ts) against the schema of kmdlogic_cpr_configuration. */
import { ATTRIBUTE_OF_PART, CPR_CONFIGURATION_WIRE, REPORTED_FIELDS } from '../../../lib/providers/kmdlogic/wire';
import { kmdlogicSchema } from '../../../lib/schemas/kmdlogic';

const attributes = kmdlogicSchema.resources.kmdlogic_cpr_configuration.attributes;

test('every entry is an attribute of the resource, and every attribute has an entry', () => {
  expect(Object.keys(CPR_CONFIGURATION_WIRE).filter((a) => !(a in attributes))).toEqual([]);
  expect(Object.keys(attributes).filter((a) => !(a in CPR_CONFIGURATION_WIRE))).toEqual([]);
});

test('what is sent is settable; what is only reported is computed', () => {
  for (const [part, attribute] of Object.entries(ATTRIBUTE_OF_PART)) {
    const a = attributes[attribute as keyof typeof attributes];
    expect({ part, settable: 'required' in a || 'optional' in a }).toEqual({ part, settable: true });
  }
  const sent = new Set(Object.values(ATTRIBUTE_OF_PART));
  for (const [attribute] of REPORTED_FIELDS.filter(([a]) => a in attributes && !sent.has(a) && a !== 'subscription_id')) {
    expect({ attribute, computed: 'computed' in attributes[attribute as keyof typeof attributes] }).toEqual({ attribute, computed: true });
  }
});

test('the form parts and JSON properties are those of the API (docs/kmdlogic-api.md)', () => {
  expect(ATTRIBUTE_OF_PART).toEqual({ name: 'name', environment: 'environment', certificate: 'certificate', certificatePassword: 'certificate_password' });
  expect(Object.fromEntries(REPORTED_FIELDS)).toEqual({
    id: 'id',
    subscription_id: 'subscriptionId',
    name: 'name',
    environment: 'environment',
    cpr_provider: 'provider',
  });
});
