/**
 * A small XML reader for what the doctor reads: OData `$metadata` (CSDL) and Atom service documents. It
 * builds a tree of elements with namespace-resolved names and keeps text; it refuses DTDs (no entity
 * expansion, so no entity bombs), and reports malformed input with line and column.
 *
 * Why not a package: CSDL is machine-written, well-formed XML with no DTD, and this is all the doctor
 * needs; a parser dependency would ship to every consumer of the construct library for one command.
 */

export interface XmlElement {
  /** Local name, without prefix. */
  readonly name: string;
  /** Namespace URI ('' for none). */
  readonly ns: string;
  /** Attributes by `{ns}local` for prefixed ones and `local` for unprefixed ones (no namespace). */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own text (character data and CDATA), entities decoded. */
  readonly text: string;
}

export class XmlError extends Error {}

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** The attribute `local` of `element`, unprefixed or in namespace `ns`. */
export function attr(element: XmlElement, local: string, ns = ''): string | undefined {
  return element.attributes.get(ns ? `{${ns}}${local}` : local);
}

/** Child elements named `local` (in any namespace, or in `ns`). */
export function childrenNamed(element: XmlElement, local: string, ns?: string): XmlElement[] {
  return element.children.filter((c) => c.name === local && (ns === undefined || c.ns === ns));
}

interface Building {
  readonly name: string;
  readonly qname: string;
  readonly ns: string;
  readonly attributes: Map<string, string>;
  readonly children: XmlElement[];
  text: string;
  readonly scope: Map<string, string>;
}

const NAME = /^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?$/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parses a whole document; throws XmlError naming where it went wrong. */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const at = (pos = i) => {
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    return `line ${line}, column ${pos - before.lastIndexOf('\n')}`;
  };
  const fail = (what: string, pos = i): never => {
    throw new XmlError(`${what} at ${at(pos)}`);
  };
  const decode = (raw: string, pos: number): string =>
    raw.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|&/g, (whole, ref: string | undefined) => {
      if (!ref) return fail('a bare & (write &amp;)', pos);
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!(code > 0 && code <= 0x10ffff)) fail(`an invalid character reference ${whole}`, pos);
        return String.fromCodePoint(code);
      }
      if (!Object.prototype.hasOwnProperty.call(ENTITIES, ref)) fail(`an unknown entity ${whole} (documents with DTDs are not read)`, pos);
      return ENTITIES[ref];
    });

  const stack: Building[] = [];
  let root: XmlElement | undefined;
  const top = () => stack[stack.length - 1];
  const resolve = (qname: string, scope: ReadonlyMap<string, string>, isAttribute: boolean, pos: number): { ns: string; local: string } => {
    const colon = qname.indexOf(':');
    if (colon < 0) return { ns: isAttribute ? '' : (scope.get('') ?? ''), local: qname };
    const prefix = qname.slice(0, colon);
    const ns = prefix === 'xml' ? XML_NS : scope.get(prefix);
    if (ns === undefined) fail(`an undeclared namespace prefix "${prefix}"`, pos);
    return { ns: ns!, local: qname.slice(colon + 1) };
  };

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk !== '') {
      if (stack.length > 0) top().text += decode(chunk, i);
      else if (chunk.trim() !== '') fail('text outside the root element');
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end < 0) fail('an unterminated processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) fail('an unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i);
      if (end < 0) fail('an unterminated CDATA section');
      if (stack.length === 0) fail('CDATA outside the root element');
      top().text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      fail('a DTD or declaration (documents with DTDs are not read)');
    } else if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i);
      if (end < 0) fail('an unterminated end tag');
      const qname = text.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open) fail(`an end tag </${qname}> without a start tag`);
      if (open!.qname !== qname) fail(`</${qname}> where </${open!.qname}> was expected`);
      finish(open!);
      i = end + 1;
    } else {
      const start = i;
      i++;
      const nameEnd = text.slice(i).search(/[\s/>]/);
      if (nameEnd < 0) fail('an unterminated start tag', start);
      const qname = text.slice(i, i + nameEnd);
      if (!NAME.test(qname)) fail(`an invalid element name ${JSON.stringify(qname.slice(0, 40))}`, start);
      i += nameEnd;
      const raw: [string, string, number][] = [];
      let selfClosing = false;
      for (;;) {
        while (i < text.length && /\s/.test(text[i])) i++;
        if (i >= text.length) fail(`an unterminated start tag <${qname}>`, start);
        if (text[i] === '>') {
          i++;
          break;
        }
        if (text.startsWith('/>', i)) {
          i += 2;
          selfClosing = true;
          break;
        }
        const m = /^([^\s=/>]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/.exec(text.slice(i, i + 65536));
        if (!m || !NAME.test(m[1])) fail(`a malformed attribute in <${qname}>`);
        raw.push([m![1], m![2] ?? m![3], i]);
        i += m![0].length;
      }
      const scope = new Map(stack.length ? top().scope : []);
      const attributes = new Map<string, string>();
      for (const [name, value, pos] of raw) {
        const decoded = decode(value, pos);
        if (name === 'xmlns') scope.set('', decoded);
        else if (name.startsWith('xmlns:')) scope.set(name.slice(6), decoded);
      }
      for (const [name, value, pos] of raw) {
        if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
        const { ns, local } = resolve(name, scope, true, pos);
        const key = ns ? `{${ns}}${local}` : local;
        if (attributes.has(key)) fail(`attribute ${name} given twice in <${qname}>`, pos);
        attributes.set(key, decode(value, pos));
      }
      const { ns, local } = resolve(qname, scope, false, start);
      if (stack.length === 0 && root) fail('a second root element', start);
      const element: Building = { name: local, qname, ns, attributes, children: [], text: '', scope };
      if (selfClosing) {
        if (stack.length === 0) root = freeze(element);
        else top().children.push(freeze(element));
      } else {
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) fail(`<${top().qname}> is not closed`, text.length);
  if (!root) fail('no root element', 0);
  return root!;

  function finish(open: Building): void {
    const done = freeze(open);
    if (stack.length === 0) {
      if (root) fail('a second root element');
      root = done;
    } else {
      top().children.push(done);
    }
  }
}

function freeze(b: Building): XmlElement {
  return { name: b.name, ns: b.ns, attributes: b.attributes, children: b.children, text: b.text };
}
