/**
 * Generated regions of hand-written pages: the text between `<!-- name ... -->` and `<!-- /name -->` is
 * written by `npm run generate` (and checked by the staleness test); the rest of the page is prose.
 */

/** `page` with the text of region `name` replaced by `body` (ending with a newline); throws when its markers are missing. */
export function withRegion(page: string, path: string, name: string, body: string): string {
  // The opening marker may say where the text comes from: `<!-- name (generated from ...) -->`.
  const open = new RegExp(`<!-- ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?: [^\\n]*)? -->\\n`).exec(page);
  const end = `<!-- /${name} -->`;
  const to = open ? page.indexOf(end, open.index) : -1;
  if (!open || to < 0) throw new Error(`${path} has no region <!-- ${name} --> ... ${end}: put the markers where the generated text belongs`);
  return page.slice(0, open.index + open[0].length) + body + page.slice(to);
}
