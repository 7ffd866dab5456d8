/**
 * An OData service's model from its `$metadata` document (CSDL XML): entity sets, the entity types behind
 * them (keys, properties, types, inherited ones included) and whether changes need ETags. Reads OData v4
 * (Core.OptimisticConcurrency on the entity set, inline or as external Annotations) and the WCF Data
 * Services dialect of OData v1-v3 (ConcurrencyMode="Fixed" on properties), since WorkZone's OData is built
 * on WCF Data Services.
 */
import { attr, childrenNamed, parseXml, type XmlElement } from './xml';

const EDMX_V4 = 'http://docs.oasis-open.org/odata/ns/edmx';
const EDMX_V1_3 = 'http://schemas.microsoft.com/ado/2007/06/edmx';
const DATASERVICES_METADATA = 'http://schemas.microsoft.com/ado/2007/08/dataservices/metadata';
const CORE = 'Org.OData.Core.V1';

export interface CsdlProperty {
  readonly name: string;
  /** Qualified type as written, alias resolved: Edm.String, Collection(Edm.String), NS.ComplexType. */
  readonly type: string;
  readonly nullable: boolean;
  /** Core.Computed, or Core.Permissions Read: the server fills it; clients cannot write it. */
  readonly computed: boolean;
  /** Core.Permissions Write (or None): clients can write it but never read it back. */
  readonly writeOnly: boolean;
}

export interface CsdlEntityType {
  /** Namespace-qualified. */
  readonly qualifiedName: string;
  readonly key: readonly string[];
  /** Own and inherited properties, base type first. */
  readonly properties: readonly CsdlProperty[];
}

export interface CsdlEntitySet {
  readonly name: string;
  readonly entityType: string;
  /** Properties declared for ETags (v4 Core.OptimisticConcurrency paths, or v1-v3 ConcurrencyMode="Fixed"). */
  readonly concurrency: { readonly declared: boolean; readonly how?: string; readonly properties: readonly string[] };
}

export interface CsdlModel {
  /** The OData version the document is written for: "4.0", "4.01", or "3.0"/"2.0"/"1.0" for WCF Data Services. */
  readonly odataVersion: string;
  readonly entitySets: ReadonlyMap<string, CsdlEntitySet>;
  readonly entityTypes: ReadonlyMap<string, CsdlEntityType>;
}

export class CsdlError extends Error {}

/** Parses `$metadata` text; throws CsdlError (or XmlError) saying what is not CSDL. */
export function parseCsdl(text: string): CsdlModel {
  const root = parseXml(text);
  if (root.name !== 'Edmx' || (root.ns !== EDMX_V4 && root.ns !== EDMX_V1_3)) {
    throw new CsdlError(`the document is not CSDL: its root element is <${root.name}>${root.ns ? ` in ${root.ns}` : ''}, not <edmx:Edmx>`);
  }
  const dataServices = childrenNamed(root, 'DataServices', root.ns)[0];
  if (!dataServices) throw new CsdlError('the CSDL document has no <edmx:DataServices>');
  const odataVersion = root.ns === EDMX_V4 ? (attr(root, 'Version') ?? '4.0') : (attr(dataServices, 'DataServiceVersion', DATASERVICES_METADATA) ?? '1.0');

  // Aliases: of the schemas themselves and of referenced vocabularies (Core).
  const aliases = new Map<string, string>();
  for (const reference of childrenNamed(root, 'Reference', root.ns)) {
    for (const include of childrenNamed(reference, 'Include', root.ns)) {
      const ns = attr(include, 'Namespace');
      const alias = attr(include, 'Alias');
      if (ns && alias) aliases.set(alias, ns);
    }
  }
  const schemas = childrenNamed(dataServices, 'Schema');
  for (const schema of schemas) {
    const ns = attr(schema, 'Namespace');
    const alias = attr(schema, 'Alias');
    if (ns && alias) aliases.set(alias, ns);
  }
  /** `Alias.Name` → `Namespace.Name`; `Collection(...)` kept around its resolved item type. */
  const qualify = (name: string): string => {
    const collection = /^Collection\((.*)\)$/.exec(name);
    if (collection) return `Collection(${qualify(collection[1])})`;
    const dot = name.lastIndexOf('.');
    if (dot < 0) return name;
    const prefix = name.slice(0, dot);
    return `${aliases.get(prefix) ?? prefix}${name.slice(dot)}`;
  };
  const term = (annotation: XmlElement) => qualify(attr(annotation, 'Term') ?? '');

  // Annotations written apart from their targets (v4 <Annotations Target="...">).
  const external = new Map<string, XmlElement[]>();
  for (const schema of schemas) {
    for (const group of childrenNamed(schema, 'Annotations')) {
      const target = qualifyTarget(attr(group, 'Target') ?? '', qualify);
      external.set(target, [...(external.get(target) ?? []), ...childrenNamed(group, 'Annotation')]);
    }
  }

  interface RawType {
    readonly qualifiedName: string;
    readonly baseType?: string;
    readonly key: string[];
    readonly properties: (CsdlProperty & { readonly fixed: boolean })[];
  }
  const raw = new Map<string, RawType>();
  const sets = new Map<string, CsdlEntitySet>();
  const setElements: { set: XmlElement; container: string }[] = [];
  for (const schema of schemas) {
    const ns = attr(schema, 'Namespace') ?? '';
    for (const type of childrenNamed(schema, 'EntityType')) {
      const qualifiedName = `${ns}.${attr(type, 'Name') ?? ''}`;
      const key = childrenNamed(type, 'Key').flatMap((k) => childrenNamed(k, 'PropertyRef').map((r) => attr(r, 'Name') ?? ''));
      const properties = childrenNamed(type, 'Property').map((p) => {
        const name = attr(p, 'Name') ?? '';
        const annotations = [...childrenNamed(p, 'Annotation'), ...(external.get(`${qualifiedName}/${name}`) ?? [])];
        const permission = annotations.find((a) => term(a) === `${CORE}.Permissions`);
        const permissionValue = permission ? (attr(permission, 'EnumMember') ?? childrenNamed(permission, 'EnumMember')[0]?.text ?? '').trim() : '';
        return {
          name,
          type: qualify(attr(p, 'Type') ?? ''),
          nullable: attr(p, 'Nullable') !== 'false',
          computed: annotations.some((a) => term(a) === `${CORE}.Computed` && attr(a, 'Bool') !== 'false') || /\/Read$/.test(permissionValue),
          writeOnly: /\/(Write|None)$/.test(permissionValue),
          fixed: attr(p, 'ConcurrencyMode') === 'Fixed',
        };
      });
      const baseType = attr(type, 'BaseType');
      raw.set(qualifiedName, { qualifiedName, ...(baseType && { baseType: qualify(baseType) }), key, properties });
    }
    for (const container of childrenNamed(schema, 'EntityContainer')) {
      const containerName = `${ns}.${attr(container, 'Name') ?? ''}`;
      for (const set of childrenNamed(container, 'EntitySet')) setElements.push({ set, container: containerName });
    }
  }

  // Inheritance: a derived type has its base's key and properties (a cycle is a broken document).
  const entityTypes = new Map<string, CsdlEntityType>();
  const resolveType = (name: string, seen: string[] = []): (CsdlEntityType & { fixed: string[] }) | undefined => {
    const t = raw.get(name);
    if (!t) return undefined;
    if (seen.includes(name)) throw new CsdlError(`entity type ${name} inherits from itself (${[...seen, name].join(' → ')})`);
    const base = t.baseType ? resolveType(t.baseType, [...seen, name]) : undefined;
    const properties = [...(base?.properties ?? []), ...t.properties.map(({ fixed: _fixed, ...p }) => p)];
    const fixed = [...(base?.fixed ?? []), ...t.properties.filter((p) => p.fixed).map((p) => p.name)];
    return { qualifiedName: name, key: t.key.length ? t.key : (base?.key ?? []), properties, fixed };
  };
  const fixedOf = new Map<string, string[]>();
  for (const name of raw.keys()) {
    const { fixed, ...type } = resolveType(name)!;
    entityTypes.set(name, type);
    fixedOf.set(name, fixed);
  }

  for (const { set, container } of setElements) {
    const name = attr(set, 'Name') ?? '';
    const entityType = qualify(attr(set, 'EntityType') ?? '');
    const annotations = [...childrenNamed(set, 'Annotation'), ...(external.get(`${container}/${name}`) ?? [])];
    const optimistic = annotations.find((a) => term(a) === `${CORE}.OptimisticConcurrency`);
    const fixed = fixedOf.get(entityType) ?? [];
    const concurrency = optimistic
      ? { declared: true, how: 'Core.OptimisticConcurrency', properties: collectPaths(optimistic) }
      : fixed.length > 0
        ? { declared: true, how: 'ConcurrencyMode="Fixed"', properties: fixed }
        : { declared: false, properties: [] };
    sets.set(name, { name, entityType, concurrency });
  }
  return { odataVersion, entitySets: sets, entityTypes };
}

/** The PropertyPath values of an annotation (`<Collection><PropertyPath>..`, or a Collection of them). */
function collectPaths(annotation: XmlElement): string[] {
  const out: string[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === 'PropertyPath') out.push(e.text.trim());
    for (const c of e.children) walk(c);
  };
  walk(annotation);
  return out;
}

/** `Alias.Container/Set` → `Namespace.Container/Set`. */
function qualifyTarget(target: string, qualify: (name: string) => string): string {
  const slash = target.indexOf('/');
  return slash < 0 ? qualify(target) : `${qualify(target.slice(0, slash))}${target.slice(slash)}`;
}
