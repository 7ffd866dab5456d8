/**
 * The entity sets an OData service document lists, in any of the shapes a server may answer with: OData v4
 * JSON (`@odata.context`, `value`), OData v3 "JSON light" (`odata.metadata`, `value`), the v2/v3 verbose
 * JSON of WCF Data Services (`{"d": {"EntitySets": [...]}}`) and the AtomPub service document (XML).
 */
import { attr, childrenNamed, parseXml } from './xml';

const APP = 'http://www.w3.org/2007/app';

export interface ServiceDocument {
  /** How it was written, for the report. */
  readonly format: 'OData v4 JSON' | 'OData v3 JSON' | 'OData verbose JSON' | 'AtomPub XML';
  readonly entitySets: readonly { readonly name: string; readonly url: string }[];
  /** The `$metadata` URL the document names, when it names one. */
  readonly metadataUrl?: string;
}

/** The service document in `body`, or undefined when it is none of the known shapes (an HTML login page...). */
export function parseServiceDocument(body: string, contentType: string): ServiceDocument | undefined {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return undefined;
    }
    return fromJson(json);
  }
  if (trimmed.startsWith('<') && /xml/i.test(contentType || 'xml')) {
    try {
      const root = parseXml(body);
      if (root.name !== 'service' || root.ns !== APP) return undefined;
      const sets = childrenNamed(root, 'workspace', APP).flatMap((w) =>
        childrenNamed(w, 'collection', APP).map((c) => {
          const href = attr(c, 'href') ?? '';
          const title = c.children.find((t) => t.name === 'title')?.text.trim();
          return { name: title || href, url: href };
        }),
      );
      const base = attr(root, 'base', 'http://www.w3.org/XML/1998/namespace');
      return { format: 'AtomPub XML', entitySets: sets, ...(base && { metadataUrl: `${base.replace(/\/+$/, '')}/$metadata` }) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function fromJson(json: unknown): ServiceDocument | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const j = json as Record<string, unknown>;
  const d = j.d as Record<string, unknown> | undefined;
  if (d && typeof d === 'object' && Array.isArray(d.EntitySets)) {
    const names = d.EntitySets.filter((n): n is string => typeof n === 'string');
    return { format: 'OData verbose JSON', entitySets: names.map((name) => ({ name, url: name })) };
  }
  if (!Array.isArray(j.value)) return undefined;
  const context = typeof j['@odata.context'] === 'string' ? j['@odata.context'] : undefined;
  const v3 = typeof j['odata.metadata'] === 'string' ? j['odata.metadata'] : undefined;
  if (!context && !v3) return undefined;
  const sets = j.value
    .filter((s): s is Record<string, unknown> => !!s && typeof s === 'object' && (s.kind === undefined || s.kind === 'EntitySet'))
    .map((s) => {
      const name = typeof s.name === 'string' ? s.name : typeof s.url === 'string' ? s.url : '';
      return { name, url: typeof s.url === 'string' ? s.url : name };
    })
    .filter((s) => s.name !== '');
  return { format: context ? 'OData v4 JSON' : 'OData v3 JSON', entitySets: sets, metadataUrl: context ?? v3 };
}
