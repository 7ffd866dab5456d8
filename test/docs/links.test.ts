/** Every relative link in the README and the docs points at a file that exists, and at a heading of it that exists. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { headingAnchors, markdownFiles, relativeLinks, root } from './markdown';

function brokenLinks(file: string): string[] {
  const page = readFileSync(join(root, file), 'utf8');
  return relativeLinks(page).flatMap(({ line, target }) => {
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const resolved = path === '' ? join(root, file) : join(root, dirname(file), decodeURIComponent(path));
    const where = `${file}:${line}: ${target}`;
    if (relative(root, resolved).startsWith('..')) return [`${where} leaves the repository`];
    if (!existsSync(resolved)) return [`${where}: no such file`];
    if (anchor === undefined || !resolved.endsWith('.md') || statSync(resolved).isDirectory()) return [];
    return headingAnchors(readFileSync(resolved, 'utf8')).has(anchor) ? [] : [`${where}: no heading with that anchor`];
  });
}

describe('links in the docs', () => {
  test.each(markdownFiles())('%s links only to files and headings that exist', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  test('anchors are made the way GitHub makes them', () => {
    const anchors = headingAnchors('# `CprUpdateSetup` props\n## Layers and names\n## GeneratedSecret (and `ClientSecret.random()`)\n```\n# not a heading\n```\n## Layers and names\n');
    expect([...anchors]).toEqual(['cprupdatesetup-props', 'layers-and-names', 'generatedsecret-and-clientsecretrandom', 'layers-and-names-1']);
  });

  test('finds links in prose, not in code', () => {
    const page = 'See [usage](docs/usage.md#client-secret) and [site](https://example.dk), `[x](y.md)`.\n```\n[z](z.md)\n```\n';
    expect(relativeLinks(page)).toEqual([{ line: 1, target: 'docs/usage.md#client-secret' }]);
  });
});
