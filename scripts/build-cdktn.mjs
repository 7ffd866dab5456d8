#!/usr/bin/env node
/**
 * Builds the CDK Terrain package, cdktn-workzone-cpr, from the same source as cdktf-workzone-cpr: lib/ with
 * its framework imports rewritten (scripts/cdktn/flavour.json: cdktf -> cdktn, @cdktf/provider-random ->
 * @cdktn/provider-random), compiled by tsc against cdktn's own declarations, so the bindings and constructs
 * are type-checked for cdktn. The provider bundles, docs and examples are the same files: the providers know
 * no framework. Its package.json is the project's with the name, description, peer ranges and engines of
 * flavour.json, and no scripts. A build for one framework cannot run in an app of the other (each has its own
 * internals), hence two packages rather than one with both frameworks optional.
 *
 * Output: build/cdktn/package (a complete package folder); with --pack also its tarball, in the folder of
 * --pack-destination (default: the project root). Needs `npm run build` first (for dist/providers).
 *
 * Usage: node scripts/build-cdktn.mjs [--pack] [--pack-destination dir]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'build/cdktn');
const src = join(work, 'src');
const out = join(work, 'package');
const flavour = JSON.parse(readFileSync(join(root, 'scripts/cdktn/flavour.json'), 'utf8'));

/** `from 'x'`, `import('x')`, `require('x')`, `import 'x'`: the module specifiers of a TypeScript or declaration file. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\2/gm;

/** The specifier for the cdktn build: a rewritten package keeps its subpath (`@cdktf/provider-random/lib/password`). */
export function rewriteSpecifier(specifier) {
  for (const [from, to] of Object.entries(flavour.rewrite)) {
    if (specifier === from || specifier.startsWith(`${from}/`)) return to + specifier.slice(from.length);
  }
  return specifier;
}

export const rewriteImports = (text) => text.replace(SPECIFIER, (_, lead, quote, spec) => `${lead}${quote}${rewriteSpecifier(spec)}${quote}`);

/** The specifiers of the other framework still in a file: none may remain. */
export const leftovers = (text) => [...text.matchAll(SPECIFIER)].map((m) => m[3]).filter((spec) => rewriteSpecifier(spec) !== spec);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

function parseArgs(argv) {
  const options = { pack: false, packDestination: root };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--pack') options.pack = true;
    else if (argv[i] === '--pack-destination') options.packDestination = resolve(argv[++i] ?? '');
    else throw new Error(`unknown argument ${argv[i]}; usage: node scripts/build-cdktn.mjs [--pack] [--pack-destination dir]`);
  }
  return options;
}

export function packageJson() {
  const project = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const { scripts, devDependencies, peerDependencies, ...rest } = project;
  const manifest = { ...rest, name: flavour.name, description: flavour.description, engines: flavour.engines };
  // Same key order as the project's: peers after the dependencies.
  const ordered = {};
  for (const [key, value] of Object.entries(manifest)) {
    ordered[key] = value;
    if (key === 'dependencies') ordered.peerDependencies = flavour.peerDependencies;
  }
  return ordered;
}

function build(options) {
  const providers = join(root, 'dist/providers');
  if (!existsSync(providers) || !readdirSync(providers).some((f) => f.endsWith('.json'))) {
    throw new Error(`${relative(root, providers)} has no provider bundles: run \`npm run build\` first.`);
  }
  rmSync(work, { recursive: true, force: true });
  for (const file of files(join(root, 'lib'))) {
    const target = join(src, relative(root, file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.endsWith('.ts') ? rewriteImports(readFileSync(file, 'utf8')) : readFileSync(file));
  }
  // The project's compiler options; rootDir src keeps the package layout (dist/lib/...).
  const tsconfig = { extends: relative(work, join(root, 'tsconfig.json')), compilerOptions: { rootDir: 'src', outDir: 'package/dist', types: ['node'] }, include: ['src/lib/**/*.ts'], exclude: [] };
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], { stdio: 'inherit' });

  const compiled = files(join(out, 'dist/lib')).filter((f) => /\.(js|d\.ts)$/.test(f));
  const stale = compiled.flatMap((f) => leftovers(readFileSync(f, 'utf8')).map((spec) => `${relative(out, f)}: ${spec}`));
  if (stale.length) throw new Error(`framework imports not rewritten for cdktn:\n  ${stale.join('\n  ')}`);

  cpSync(providers, join(out, 'dist/providers'), { recursive: true });
  for (const entry of ['README.md', 'CHANGELOG.md', 'docs', 'examples']) cpSync(join(root, entry), join(out, entry), { recursive: true });
  writeFileSync(join(out, 'package.json'), JSON.stringify(packageJson(), null, 2) + '\n');
  console.log(`${relative(root, out)}: ${flavour.name}, ${compiled.length} compiled files`);

  if (options.pack) {
    mkdirSync(options.packDestination, { recursive: true });
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', options.packDestination], { cwd: out, encoding: 'utf8' });
    const [info] = JSON.parse(packed.slice(packed.search(/^\[/m)));
    console.log(join(options.packDestination, info.filename));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    build(parseArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
