/**
 * KMD Logic's names on the wire (docs/kmdlogic-api.md), by schema attribute of `kmdlogic_cpr_configuration`:
 * the JSON property of a configuration in responses (CprProviderConfigurationModel), and the part of the
 * multipart/form-data body of the data-distributor calls. A name the API changes is a change here only.
 */

export interface CprConfigurationWire {
  /** JSON property in responses. */
  readonly field?: string;
  /** Part of the request form. */
  readonly part?: string;
}

export const CPR_CONFIGURATION_WIRE = {
  id: { field: 'id' },
  subscription_id: { field: 'subscriptionId' },
  name: { field: 'name', part: 'name' },
  environment: { field: 'environment', part: 'environment' },
  /** `provider` is a Terraform meta-argument: the attribute is named otherwise. */
  cpr_provider: { field: 'provider' },
  certificate: { part: 'certificate' },
  certificate_password: { part: 'certificatePassword' },
} as const satisfies Record<string, CprConfigurationWire>;

type Wire = typeof CPR_CONFIGURATION_WIRE;
/** The attributes KMD Logic reports (those with a JSON property). */
export type ReportedAttribute = { [K in keyof Wire]: Wire[K] extends { field: string } ? K : never }[keyof Wire];
/** The attributes sent in the form. */
export type SentAttribute = { [K in keyof Wire]: Wire[K] extends { part: string } ? K : never }[keyof Wire];

/** The form part of an attribute. */
export const partOf = (attribute: SentAttribute): string => CPR_CONFIGURATION_WIRE[attribute].part;

/** Form part → attribute, so a 400 that names a part points at the attribute to fix. */
export const ATTRIBUTE_OF_PART: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CPR_CONFIGURATION_WIRE as Record<string, CprConfigurationWire>).flatMap(([attribute, w]) => (w.part === undefined ? [] : [[w.part, attribute]])),
);

/** The attributes KMD Logic reports, with their JSON property, in the order of the table. */
export const REPORTED_FIELDS: readonly (readonly [ReportedAttribute, string])[] = Object.entries(CPR_CONFIGURATION_WIRE as Record<string, CprConfigurationWire>).flatMap(
  ([attribute, w]) => (w.field === undefined ? [] : [[attribute as ReportedAttribute, w.field] as const]),
);
