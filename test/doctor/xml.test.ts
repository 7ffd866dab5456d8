/** The doctor's XML reader (lib/doctor/xml.ts): namespaces, entities, and clear refusals. */
import fc from 'fast-check';
import { attr, parseXml, XmlError, type XmlElement } from '../../lib/doctor/xml';

describe('parseXml', () => {
  test('resolves namespaces of elements and attributes, decodes entities, keeps text and CDATA', () => {
    const root = parseXml(`<?xml version="1.0" encoding="utf-8"?>
<!-- a comment -->
<e:Root xmlns:e="urn:e" xmlns="urn:default" xmlns:m="urn:m" m:Version="3.0" Plain="a &amp; b &lt;c&gt; &#65;&#x42; &quot;q&quot; &apos;s&apos;">
  <Child Name='one'>text &amp; more<![CDATA[ <raw> & ]]></Child>
  <e:Other/>
  <Inner xmlns="urn:inner"><Deep/></Inner>
</e:Root>`);
    expect(root).toMatchObject({ name: 'Root', ns: 'urn:e' });
    expect(attr(root, 'Version', 'urn:m')).toBe('3.0');
    expect(attr(root, 'Version')).toBeUndefined();
    expect(attr(root, 'Plain')).toBe('a & b <c> AB "q" \'s\'');
    const [child, other, inner] = root.children;
    expect(child).toMatchObject({ name: 'Child', ns: 'urn:default', text: 'text & more <raw> & ' });
    expect(attr(child, 'Name')).toBe('one');
    expect(other).toMatchObject({ name: 'Other', ns: 'urn:e', children: [] });
    expect(inner.children[0]).toMatchObject({ name: 'Deep', ns: 'urn:inner' });
  });

  test.each([
    ['<a><b></a>', '</a> where </b> was expected at line 1, column 7'],
    ['<a>', '<a> is not closed'],
    ['<a/><b/>', 'a second root element'],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'a DTD or declaration (documents with DTDs are not read) at line 1, column 1'],
    ['<a>&x;</a>', 'an unknown entity &x;'],
    ['<a>fish & chips</a>', 'a bare & (write &amp;)'],
    ['<p:a/>', 'an undeclared namespace prefix "p"'],
    ['<a x="1" x="2"/>', 'attribute x given twice in <a>'],
    ['<a x=1/>', 'a malformed attribute in <a>'],
    ['text', 'text outside the root element'],
    ['', 'no root element'],
    ['<a>\n<b>\n</c></a>', '</c> where </b> was expected at line 3, column 1'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseXml(text)).toThrow(XmlError);
    expect(() => parseXml(text)).toThrow(message);
  });

  test('reads back any tree it is given, as serialized', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/);
    const text = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/g, ''));
    interface Tree {
      name: string;
      attributes: [string, string][];
      text: string;
      children: Tree[];
    }
    const treeOf = (depth: number): fc.Arbitrary<Tree> =>
      fc.record({
        name,
        attributes: fc.uniqueArray(fc.tuple(name, text), { selector: (a) => a[0], maxLength: 3 }).map((as) => as.filter(([n]) => n !== 'xmlns')),
        text,
        children: depth === 0 ? fc.constant([]) : fc.array(treeOf(depth - 1), { maxLength: 3 }),
      });
    const tree = treeOf(3);
    const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const write = (t: Tree): string => `<${t.name}${t.attributes.map(([n, v]) => ` ${n}="${escape(v)}"`).join('')}>${escape(t.text)}${t.children.map(write).join('')}</${t.name}>`;
    const read = (e: XmlElement): Tree => ({ name: e.name, attributes: [...e.attributes], text: e.text, children: e.children.map(read) });
    fc.assert(fc.property(tree, (t) => expect(read(parseXml(write(t)))).toEqual(t)), { numRuns: 200 });
  });
});
