/**
 * Installs our provider bundles into a terraform filesystem mirror and returns the CLI configuration
 * that makes terraform use it for our sources (and the registry for everything else).
 *
 * Layout (unpacked): <dir>/<host>/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>.
 * A bundle is a script, so the same file serves every platform. No heavy imports: the CLI calls this.
 *
 * Lock-file stability: for an unpacked mirror terraform records an "h1:" hash of each platform directory
 * (file names and contents, not modes or times). Every platform directory holds exactly one file, the
 * bundle under a fixed name, so the hash depends on the bundle's bytes only: the same on every install,
 * into any directory, on every platform.
 */
import { chmod, copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

export const PLATFORMS = ['linux_amd64', 'linux_arm64', 'darwin_amd64', 'darwin_arm64', 'windows_amd64'] as const;

export interface InstallOptions {
  /** Mirror directory (created when missing). */
  readonly dir: string;
  /** Provider names (such as "workzone"); default: every bundle in bundleDir. */
  readonly providers?: string[];
  /** Where scripts/build-providers.mjs wrote the bundles; default dist/providers of this package. */
  readonly bundleDir?: string;
}

interface Manifest {
  readonly name: string;
  readonly source: string;
  readonly version: string;
  readonly file: string;
}

/** <package root>/dist/providers, from lib/providers (sources) or dist/lib/providers (compiled). */
const defaultBundleDir = () => {
  const fromDist = __dirname.split(sep).slice(-3).join('/') === 'dist/lib/providers';
  return resolve(__dirname, fromDist ? '../../..' : '../..', 'dist', 'providers');
};

async function readManifest(bundleDir: string, name: string): Promise<Manifest> {
  const path = join(bundleDir, `terraform-provider-${name}.json`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  } catch {
    throw new Error(`No bundle of provider "${name}" in ${bundleDir}: run \`npm run build:providers\` first.`);
  }
  if (!/^[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(manifest.source) || !/^\d+\.\d+\.\d+/.test(manifest.version)) {
    throw new Error(`${path} has a bad source or version; rebuild the providers.`);
  }
  return manifest;
}

const hcl = (text: string) => JSON.stringify(text); // HCL string literals accept JSON escapes

/** The CLI configuration: our sources from the mirror only, all others direct from their registries. */
export function cliConfig(mirrorDir: string, sources: readonly string[]): string {
  const list = sources.map(hcl).join(', ');
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${hcl(mirrorDir)}`,
    `    include = [${list}]`,
    '  }',
    '  direct {',
    `    exclude = [${list}]`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function installProviders(options: InstallOptions): Promise<{ dir: string; cliConfig: string }> {
  const dir = resolve(options.dir);
  const bundleDir = resolve(options.bundleDir ?? defaultBundleDir());
  let names = options.providers;
  if (!names) {
    const files = await readdir(bundleDir).catch(() => [] as string[]);
    names = files.filter((f) => /^terraform-provider-.+\.json$/.test(f)).map((f) => f.slice('terraform-provider-'.length, -'.json'.length));
    if (names.length === 0) throw new Error(`No provider bundles in ${bundleDir}: run \`npm run build:providers\` first.`);
  }
  const sources: string[] = [];
  for (const name of names) {
    const manifest = await readManifest(bundleDir, name);
    const [, , type] = manifest.source.split('/');
    for (const platform of PLATFORMS) {
      const target = join(dir, ...manifest.source.split('/'), manifest.version, platform);
      // Start empty: a stray file left in the platform directory would change terraform's hash.
      await rm(target, { recursive: true, force: true });
      await mkdir(target, { recursive: true });
      const executable = join(target, `terraform-provider-${type}_v${manifest.version}`);
      await copyFile(join(bundleDir, manifest.file), executable);
      await chmod(executable, 0o755);
    }
    sources.push(manifest.source);
  }
  return { dir, cliConfig: cliConfig(dir, sources) };
}
