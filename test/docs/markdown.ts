/**
 * What the docs tests read in Markdown: the pages, the code they quote (inline code spans with their line,
 * fenced TypeScript blocks) and the identifiers among it that name this package's exports.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PublicName } from '../surface/public-api';

export const root = join(__dirname, '..', '..');

/** README.md and docs/**\/*.md (the generated reference pages too: they cost nothing to check), from the root. */
export function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'));
  return ['README.md', ...docs.sort()];
}

export interface Quote {
  readonly line: number;
  /** The quoted code, e.g. `ClientSecret.random()`, or `Head.member` for the `Head.a`/`b` shorthand. */
  readonly text: string;
  /** The paragraph (or code line) it stands in, for the deprecation note. */
  readonly context: string;
}

export interface Problem {
  readonly line: number;
  readonly text: string;
  readonly message: string;
}

const FENCE = /^\s*(```|~~~)(\S*)/;

/** The lines of a page outside fenced code blocks (the fence lines left out too), with their index. */
function proseLines(markdown: string): { text: string; index: number }[] {
  const lines: { text: string; index: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const open = FENCE.exec(text);
    if (open) fence = fence === undefined ? open[1] : text.trim().startsWith(fence) ? undefined : fence;
    else if (fence === undefined) lines.push({ text, index });
  });
  return lines;
}

/** Inline code spans outside fenced blocks, with their paragraph as context; `A.b`/`c` also yields `A.c`. */
export function inlineCode(markdown: string): Quote[] {
  const quotes: Quote[] = [];
  const lines = markdown.split('\n');
  const paragraphOf = (index: number): string => {
    let start = index;
    let end = index;
    while (start > 0 && lines[start - 1].trim() !== '') start--;
    while (end < lines.length - 1 && lines[end + 1].trim() !== '') end++;
    return lines.slice(start, end + 1).join('\n');
  };
  for (const { text, index } of proseLines(markdown)) {
    let previous: { text: string; end: number } | undefined;
    for (const span of text.matchAll(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)) {
      const code = span[2].trim();
      const start = span.index!;
      const alternative = previous && text.slice(previous.end, start) === '/' && /^[a-z_$][\w$]*(\(.*\))?$/.test(code) && /\.[\w$]+(\(.*\))?$/.exec(previous.text);
      quotes.push({ line: index + 1, text: alternative ? previous!.text.slice(0, alternative.index) + '.' + code : code, context: paragraphOf(index) });
      previous = { text: alternative ? quotes[quotes.length - 1].text : code, end: start + span[0].length };
    }
  }
  return quotes;
}

/** The bodies of ```ts fences (ts, typescript, tsx, js), with the line of their first line. */
export function codeBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  let current: { line: number; lines: string[]; fence: string; script: boolean } | undefined;
  markdown.split('\n').forEach((text, index) => {
    const open = FENCE.exec(text);
    if (current === undefined) {
      if (open) current = { line: index + 2, lines: [], fence: open[1], script: /^(ts|typescript|tsx|js|javascript|mjs|cjs)$/.test(open[2]) };
    } else if (text.trim().startsWith(current.fence)) {
      if (current.script) blocks.push({ line: current.line, code: current.lines.join('\n') });
      current = undefined;
    } else {
      current.lines.push(text);
    }
  });
  return blocks;
}

/** An identifier expression: `Name`, `Name.member`, `ns.Name.member()`, call arguments allowed at the end. */
const EXPRESSION = /^(?:new\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\(.*\))?$/s;

/** A file name such as `kmdlogic.json` (an emulator's data file) is not a member of the namespace `kmdlogic`. */
const FILE_NAME = /\.(json|md|ts|cts|mts|js|mjs|cjs|tf|tfstate|sh|rc|hcl|ya?ml|proto|tgz|lock|pem|log)$/;

/**
 * Checks the quotes that name this package's API against it:
 * - a quote whose first name is an export (`ClientSecret.random()`, `CprUpdateSetup`) or a binding namespace
 *   (`workzone.WorkzoneProvider`) must exist, member by member;
 * - a name that differs from an export only in letter case is a mix-up of the two layers (`WorkzoneOauthClient`);
 * - a deprecated name is quoted only in a paragraph that says it is deprecated.
 * Anything else (environment variables, HCL attributes, CLI flags, wire names, cdktf's own classes) is not ours
 * and not checked.
 */
export function checkQuotes(api: ReadonlyMap<string, PublicName>, quotes: readonly Quote[]): Problem[] {
  const problems: Problem[] = [];
  const byLowerCase = new Map([...api.keys()].filter((n) => !n.includes('.')).map((n) => [n.toLowerCase(), n]));
  for (const quote of quotes) {
    const expression = EXPRESSION.exec(quote.text.trim());
    if (!expression || FILE_NAME.test(quote.text)) continue;
    const [head, ...members] = expression[1].split('.');
    const problem = (message: string) => problems.push({ line: quote.line, text: quote.text, message });
    if (!api.has(head)) {
      const other = byLowerCase.get(head.toLowerCase());
      if (other !== undefined && /^[A-Z]/.test(head)) problem(`differs from the export \`${other}\` only in letter case`);
      continue;
    }
    let name = head;
    for (const member of members) {
      const entry = api.get(name)!;
      if (entry.kind === 'namespace') {
        if (!api.has(`${name}.${member}`)) {
          const near = entry.members.find((m) => m.toLowerCase() === member.toLowerCase());
          problem(`\`${name}\` exports no \`${member}\`${near ? ` (it has \`${near}\`)` : ''}; its exports: ${entry.members.join(', ')}`);
          break;
        }
        name = `${name}.${member}`;
        continue;
      }
      if (!entry.members.includes(member)) problem(`\`${name}\` has no member \`${member}\`; it has ${entry.members.join(', ') || 'none'}`);
      break; // members of members are the framework's (setup.node.path): not checked
    }
    const deprecated = [head, ...members].map((_, i, parts) => parts.slice(0, i + 1).join('.')).find((n) => api.get(n)?.deprecated);
    if (deprecated !== undefined && !/deprecated/i.test(quote.context)) problem(`\`${deprecated}\` is deprecated; quote its new name`);
  }
  return problems;
}

/**
 * Checks a TypeScript block: every name it imports from the package (cdktf or cdktn flavour) is an export, and
 * every `export.member` it uses exists (as checkQuotes judges quotes).
 */
export function checkCode(api: ReadonlyMap<string, PublicName>, block: { line: number; code: string }): Problem[] {
  const problems: Problem[] = [];
  const quotes: Quote[] = [];
  const heads = [...api.keys()].filter((n) => !n.includes('.')).join('|');
  block.code.split('\n').forEach((context, index) => {
    const line = block.line + index;
    const imported = /import\s*\{([^}]*)\}\s*from\s*['"](?:cdktf|cdktn)-workzone-cpr['"]/.exec(context);
    for (const name of (imported?.[1] ?? '').split(',').map((n) => n.replace(/^\s*type\s+/, '').split(/\s+as\s+/)[0].trim())) {
      if (name !== '' && !api.has(name)) problems.push({ line, text: name, message: 'is imported from the package, which does not export it' });
    }
    for (const use of context.matchAll(new RegExp(`(?<![\\w$.])(?:${heads})(?:\\.[A-Za-z_$][\\w$]*)+`, 'g'))) quotes.push({ line, text: use[0], context });
  });
  return [...problems, ...checkQuotes(api, quotes)];
}

/** The relative links of a page outside code (`[text](target)`), with their line. */
export function relativeLinks(markdown: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const { text, index } of proseLines(markdown)) {
    const prose = text.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
    for (const link of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(link[1])) links.push({ line: index + 1, target: link[1] });
    }
  }
  return links;
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}
