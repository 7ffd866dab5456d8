/**
 * Generates the CDKTF bindings (lib/bindings/<provider>.ts) from a provider schema, so that the schema
 * stays the one source of truth. `npm run generate` writes them; a test fails when they are stale.
 */
import { camelCase as camel } from '../../lib/schemas/names';
import type { AttributeSchema, AttributeType, BlockSchema, ProviderSchema } from '../../lib/schemas/types';

const pascal = (name: string): string => camel(name).replace(/^[a-z]/, (c) => c.toUpperCase());

interface TypeInfo {
  /** TypeScript type of the config property. */
  readonly ts: string;
  /** cdktf helpers that render the value in JSON and in HCL. */
  readonly toTerraform: string;
  readonly toHcl: string;
  readonly hclType: string;
  readonly storageClass: string;
  /** Expression (on `this`) that reads the attribute as a reference. */
  readonly getter: (attribute: string) => string;
}

function typeInfo(type: AttributeType): TypeInfo {
  switch (type) {
    case 'string':
      return {
        ts: 'string',
        toTerraform: 'cdktf.stringToTerraform',
        toHcl: 'cdktf.stringToHclTerraform',
        hclType: 'simple',
        storageClass: 'string',
        getter: (a) => `this.getStringAttribute('${a}')`,
      };
    case 'bool':
      return {
        ts: 'boolean | cdktf.IResolvable',
        toTerraform: 'cdktf.booleanToTerraform',
        toHcl: 'cdktf.booleanToHclTerraform',
        hclType: 'simple',
        storageClass: 'boolean',
        getter: (a) => `this.getBooleanAttribute('${a}')`,
      };
    case 'number':
      return {
        ts: 'number',
        toTerraform: 'cdktf.numberToTerraform',
        toHcl: 'cdktf.numberToHclTerraform',
        hclType: 'simple',
        storageClass: 'number',
        getter: (a) => `this.getNumberAttribute('${a}')`,
      };
    default:
      // Collections and objects are only computed in our schemas: referenced, never set.
      return {
        ts: 'cdktf.IResolvable',
        toTerraform: 'cdktf.anyToTerraform',
        toHcl: 'cdktf.anyToHclTerraform',
        hclType: 'simple',
        storageClass: 'any',
        getter: (a) => `this.interpolationForAttribute('${a}')`,
      };
  }
}

const settable = (a: AttributeSchema): boolean => Boolean(a.required || a.optional);

function docComment(text: string, indent: string, extra: string[] = []): string {
  const lines = [...text.split('\n'), ...extra];
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l.replace(/\*\//g, '*\\/')}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

function attributeDoc(name: string, a: AttributeSchema): string[] {
  const extra: string[] = [];
  if (a.default !== undefined) extra.push(`@default ${JSON.stringify(a.default)}`);
  if (a.sensitive) extra.push('Sensitive.');
  if (a.writeOnly) extra.push('Write-only: never stored in plan or state.');
  extra.push(`Terraform attribute \`${name}\`.`);
  return extra;
}

export type Kind = 'provider' | 'resource' | 'data';

/**
 * The class name `cdktf get` gives a provider, resource or data source, so the bindings read like every
 * prebuilt `@cdktf/provider-*` package: `WorkzoneProvider`; a resource without the provider prefix
 * (`workzone_oauth_client` → `OauthClient`, as `random_password` → `Password`); a data source with it
 * (`workzone_user` → `DataWorkzoneUser`). The prefix-free resource names also keep the low-level bindings
 * apart from the constructs (`workzone.OauthClient` beside the construct `WorkZoneOAuthClient`).
 */
export function bindingClassName(kind: Kind, providerName: string, type: string): string {
  if (kind === 'provider') return `${pascal(providerName)}Provider`;
  if (kind === 'data') return `Data${pascal(type)}`;
  return pascal(type.startsWith(`${providerName}_`) ? type.slice(providerName.length + 1) : type);
}

/**
 * Resource classes used to carry the provider prefix (`WorkzoneOauthClient`). The old names
 * stay as deprecated aliases for one minor version, so that code written against them keeps compiling.
 */
function deprecatedAliases(schema: ProviderSchema, type: string): string {
  const className = bindingClassName('resource', schema.name, type);
  const oldName = pascal(type);
  if (oldName === className) return '';
  const note = (name: string) =>
    docComment(`@deprecated Renamed to {@link ${name}}, as \`cdktf get\` names \`${type}\`; this alias will be removed in the next minor version.`, '');
  let out = '\n';
  out += note(className);
  out += `export const ${oldName} = ${className};\n`;
  out += note(className);
  out += `export type ${oldName} = ${className};\n`;
  out += note(`${className}Config`);
  out += `export type ${oldName}Config = ${className}Config;\n`;
  return out;
}

function renderClass(kind: Kind, schema: ProviderSchema, type: string, block: BlockSchema): string {
  const className = bindingClassName(kind, schema.name, type);
  const base =
    kind === 'provider' ? 'cdktf.TerraformProvider' : kind === 'data' ? 'cdktf.TerraformDataSource' : 'cdktf.TerraformResource';
  const metaBase = kind === 'provider' ? '' : ' extends cdktf.TerraformMetaArguments';
  const attributes = Object.entries(block.attributes);
  const inputs = attributes.filter(([, a]) => settable(a));
  const anyRequired = inputs.some(([, a]) => a.required);
  const configName = `${className}Config`;

  let out = '';
  out += docComment(`Configuration of {@link ${className}}.`, '');
  out += `export interface ${configName}${metaBase} {\n`;
  for (const [name, a] of inputs) {
    out += docComment(a.description, '  ', attributeDoc(name, a));
    out += `  readonly ${camel(name)}${a.required ? '' : '?'}: ${typeInfo(a.type).ts};\n`;
  }
  if (kind === 'provider') {
    out += docComment('Alias of this provider configuration, for several configurations in one stack.', '  ');
    out += '  readonly alias?: string;\n';
  }
  out += '}\n\n';

  const what = kind === 'provider' ? `the \`${schema.name}\` provider` : `\`${type}\``;
  out += docComment(`${block.description}\n\nGenerated from the schema of ${what}.`, '');
  out += `export class ${className} extends ${base} {\n`;
  const tfType = kind === 'provider' ? schema.name : type;
  out += `  public static readonly tfResourceType = '${tfType}';\n\n`;
  if (kind === 'provider') {
    out += `  public constructor(scope: Construct, id: string, config: ${configName} = {}) {\n`;
    out += `    super(frameworkScope(scope, '${className}'), id, {\n`;
    out += `      terraformResourceType: '${tfType}',\n`;
    out += `      terraformGeneratorMetadata: { providerName: '${schema.name}', providerVersion: '${schema.version}', providerVersionConstraint: '${schema.version}' },\n`;
    out += `      terraformProviderSource: '${schema.source}',\n`;
    out += '    });\n';
    out += '    this._alias = config.alias;\n';
  } else {
    out += `  public constructor(scope: Construct, id: string, config: ${configName}${anyRequired ? '' : ' = {}'}) {\n`;
    out += `    super(frameworkScope(scope, '${className}'), id, {\n`;
    out += `      terraformResourceType: '${tfType}',\n`;
    out += `      terraformGeneratorMetadata: { providerName: '${schema.name}', providerVersion: '${schema.version}', providerVersionConstraint: '${schema.version}' },\n`;
    out += '      provider: config.provider,\n';
    out += '      dependsOn: config.dependsOn,\n';
    out += '      count: config.count,\n';
    out += '      lifecycle: config.lifecycle,\n';
    out += '      forEach: config.forEach,\n';
    if (kind === 'resource') {
      out += '      provisioners: config.provisioners,\n';
      out += '      connection: config.connection,\n';
    }
    out += '    });\n';
  }
  // Kept for synthesis; a block without inputs has nothing to synthesize from it.
  const keepsConfig = inputs.length > 0 || kind === 'provider';
  if (keepsConfig) out += '    this.config = config;\n';
  out += '  }\n\n';
  if (keepsConfig) out += `  private readonly config: ${configName};\n`;
  if (kind === 'provider') {
    out += '  private _alias?: string;\n';
    out += '  public get alias(): string | undefined {\n    return this._alias;\n  }\n';
    out += '  public set alias(value: string | undefined) {\n    this._alias = value;\n  }\n';
  }

  for (const [name, a] of attributes) {
    if (a.writeOnly || kind === 'provider') continue; // write-only attributes cannot be read back
    out += '\n';
    out += docComment(`Reference to \`${name}\`${a.sensitive ? ' (sensitive)' : ''}.`, '  ');
    out += `  public get ${camel(name)}() {\n    return ${typeInfo(a.type).getter(name)};\n  }\n`;
  }

  out += '\n  protected synthesizeAttributes(): { [name: string]: any } {\n    return {\n';
  for (const [name, a] of inputs) {
    out += `      ${name}: ${typeInfo(a.type).toTerraform}(this.config.${camel(name)}),\n`;
  }
  if (kind === 'provider') out += '      alias: cdktf.stringToTerraform(this.alias),\n';
  out += '    };\n  }\n';

  // A block without inputs: typed, so that the empty object filters as one with them.
  const typed = inputs.length === 0 && kind !== 'provider' ? ': { [name: string]: { value: unknown } }' : '';
  out += `\n  protected synthesizeHclAttributes(): { [name: string]: any } {\n    const attrs${typed} = {\n`;
  const hclAttr = (name: string, t: TypeInfo, value: string): string =>
    `      ${name}: { value: ${t.toHcl}(${value}), isBlock: false, type: '${t.hclType}', storageClassType: '${t.storageClass}' },\n`;
  for (const [name, a] of inputs) out += hclAttr(name, typeInfo(a.type), `this.config.${camel(name)}`);
  if (kind === 'provider') out += hclAttr('alias', typeInfo('string'), 'this.alias');
  out += '    };\n';
  out += '    return Object.fromEntries(Object.entries(attrs).filter(([, a]) => a.value !== undefined));\n';
  out += '  }\n';
  out += '}\n';
  return out;
}

/** The full text of lib/bindings/<provider>.ts. */
export function generateBindings(schema: ProviderSchema, schemaModule: string): string {
  let out = `// Generated by \`npm run generate\` from ${schemaModule}. Do not edit: edit the schema.\n`;
  out += "import { Construct } from 'constructs';\n";
  out += "import * as cdktf from 'cdktf';\n";
  out += "import { frameworkScope } from '../constructs/framework';\n\n";
  out += renderClass('provider', schema, schema.name, schema.provider);
  for (const [type, block] of Object.entries(schema.resources)) out += '\n' + renderClass('resource', schema, type, block) + deprecatedAliases(schema, type);
  for (const [type, block] of Object.entries(schema.dataSources)) out += '\n' + renderClass('data', schema, type, block);
  return out;
}
