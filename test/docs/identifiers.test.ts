/**
 * Every code identifier the README and the docs quote as this package's API exists: the exports, their
 * members (`ClientSecret.random()`) and the bindings (`workzone.WorkzoneProvider`), in inline code and in
 * the TypeScript examples. Environment variables, HCL attributes, CLI flags and wire names are not ours
 * and are left alone (test/docs/markdown.ts says how they are told apart).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicApi } from '../surface/public-api';
import { checkCode, checkQuotes, codeBlocks, inlineCode, markdownFiles, root, type Problem } from './markdown';

const api = publicApi();

const problemsIn = (markdown: string): Problem[] => [
  ...checkQuotes(api, inlineCode(markdown)),
  ...codeBlocks(markdown).flatMap((block) => checkCode(api, block)),
];
const show = (file: string, problems: Problem[]) => problems.map((p) => `${file}:${p.line}: \`${p.text}\` ${p.message}`);

describe('the identifiers the docs quote', () => {
  test.each(markdownFiles())('%s quotes only exports that exist', (file) => {
    expect(show(file, problemsIn(readFileSync(join(root, file), 'utf8')))).toEqual([]);
  });

  test('the check sees the API where the docs quote it: inline, and in the TypeScript examples', () => {
    const pages = markdownFiles().map((file) => readFileSync(join(root, file), 'utf8'));
    const quoted = pages.flatMap((page) => inlineCode(page).map((q) => q.text));
    for (const name of ['CprUpdateSetup', 'ClientSecret.random()', 'ClientSecret.fromToken(token)', 'workzone.OauthClient', 'WorkZoneOAuthClient']) {
      expect(quoted).toContain(name);
    }
    const examples = pages.flatMap((page) => codeBlocks(page)).map((block) => block.code);
    expect(examples.filter((code) => /from 'cdktf-workzone-cpr'/.test(code) && code.includes('new workzone.WorkzoneProvider(')).length).toBeGreaterThan(0);
  });
});

describe('the check', () => {
  test('finds a static member that does not exist, also in the `A.b`/`c` shorthand', () => {
    const markdown = 'A secret (`client_secret_wo`, `ClientSecret.fromVariable`/`literal`) carries it; also `ClientSecret.literal("x")`.';
    expect(show('x.md', problemsIn(markdown))).toEqual([
      'x.md:1: `ClientSecret.literal` `ClientSecret` has no member `literal`; it has bind, fromToken, fromVariable, generatedByWorkZone, random',
      'x.md:1: `ClientSecret.literal("x")` `ClientSecret` has no member `literal`; it has bind, fromToken, fromVariable, generatedByWorkZone, random',
    ]);
  });

  test('finds a binding the namespace does not export, and a name that differs from an export only in case', () => {
    const problems = problemsIn('Use `workzone.WorkZoneOAuthClient`, or `WorkzoneOauthClient`, or `kmdlogic.Nope.x`.');
    expect(problems.map((p) => p.text)).toEqual(['workzone.WorkZoneOAuthClient', 'WorkzoneOauthClient', 'kmdlogic.Nope.x']);
    expect(problems[0].message).toContain('exports no `WorkZoneOAuthClient`');
    expect(problems[1].message).toBe('differs from the export `WorkZoneOAuthClient` only in letter case');
  });

  test('a deprecated name only where its paragraph says it is deprecated', () => {
    expect(problemsIn('Create a `workzone.WorkzoneOauthClient`.').map((p) => p.message)).toEqual(['`workzone.WorkzoneOauthClient` is deprecated; quote its new name']);
    expect(problemsIn('`workzone.WorkzoneOauthClient` is an alias of `workzone.OauthClient`,\nkept deprecated.')).toEqual([]);
    expect(problemsIn('It is deprecated.\n\nCreate a `workzone.WorkzoneOauthClient`.')).toHaveLength(1);
  });

  test('checks TypeScript examples: imports from either package flavour and the members they use', () => {
    const markdown = [
      'Text',
      '```ts',
      "import { CprUpdateSetup, ClientSecret, workzoneSchema } from 'cdktn-workzone-cpr';",
      "new workzone.WorkzoneProvider(stack, 'wz');",
      "new CprUpdateSetup(stack, 'x', { clientId: 'c', clientSecret: ClientSecret.literal('s') });",
      '```',
    ].join('\n');
    expect(show('x.md', problemsIn(markdown))).toEqual([
      'x.md:3: `workzoneSchema` is imported from the package, which does not export it',
      'x.md:5: `ClientSecret.literal` `ClientSecret` has no member `literal`; it has bind, fromToken, fromVariable, generatedByWorkZone, random',
    ]);
  });

  test('leaves alone what is not ours: env variables, HCL attributes, CLI flags, wire names, cdktf classes, file names, fenced shell', () => {
    const markdown = [
      'Set `WORKZONE_URL`, `TF_VAR_prod_cpr_client_secret`, `CHECKPOINT_DISABLE=1`; the attribute `allow_access_token_via_browser`',
      'is `AllowAccessTokensViaBrowser` on the wire (`OAuthClients`); run with `--cli-config`; cdktf has `Fn.join` and `TerraformVariable`;',
      'the emulator keeps `kmdlogic.json`; construct id `CprUpdate`; a plain `ClientSecret` on the wire; `setup.identifiers`.',
      '```sh',
      'npx workzone-cpr providers install --dir ./m `ClientSecret.literal`',
      '```',
    ].join('\n');
    expect(problemsIn(markdown)).toEqual([]);
  });
});
