/**
 * Real terraform in a temp working dir with our kmdlogic provider from a fresh bundle in a filesystem
 * mirror (the runtime's build script, mirror and terraform-env helpers). Shared by the kmdlogic e2e tests.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installProviders } from '../../lib/providers/mirror';
import { terraformEnv } from '../../lib/providers/terraform-env';

const repo = join(__dirname, '../..');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Diag {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
}

export class Terraform {
  private constructor(
    readonly tmp: string,
    readonly work: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Bundles the provider(s) once, installs the mirror and writes a CLI config of our own. */
  static async create(prefix: string, extra: Record<string, string> = {}): Promise<Terraform> {
    const tmp = mkdtempSync(join(tmpdir(), prefix));
    const bundles = join(tmp, 'bundles');
    execFileSync(process.execPath, [join(repo, 'scripts/build-providers.mjs'), '--entry', `kmdlogic=${join(repo, 'lib/providers/kmdlogic/main.ts')}`, '--outdir', bundles], {
      stdio: 'pipe',
    });
    const mirror = await installProviders({ dir: join(tmp, 'mirror'), bundleDir: bundles, providers: ['kmdlogic'] });
    const env = await terraformEnv({ cliConfig: mirror.cliConfig, dir: tmp, extra: { TF_LOG_PROVIDER: 'DEBUG', TF_LOG_PATH: join(tmp, 'terraform.log'), ...extra } });
    const work = join(tmp, 'work');
    mkdirSync(work, { recursive: true });
    return new Terraform(tmp, work, env);
  }

  get logFile(): string {
    return join(this.tmp, 'terraform.log');
  }

  write(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(this.work, name), text);
  }

  run(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve) => {
      execFile('terraform', args, { cwd: this.work, env: { ...this.env, ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  }

  async ok(args: string[], env: Record<string, string> = {}): Promise<string> {
    const r = await this.run(args, env);
    if (r.code !== 0) throw new Error(`terraform ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  /** Runs a command with -json and returns its exit code and the diagnostics it streamed. */
  async diagnostics(args: string[], env: Record<string, string> = {}): Promise<{ code: number; diags: Diag[]; run: Run }> {
    const run = await this.run([...args, '-json'], env);
    const diags: Diag[] = [];
    const toDiag = (d: any): Diag => ({ severity: d.severity, summary: d.summary, detail: d.detail ?? '' });
    // `validate -json` prints one document; plan/apply/destroy stream one JSON message a line.
    if (args[0] === 'validate') return { code: run.code, diags: (JSON.parse(run.stdout).diagnostics ?? []).map(toDiag), run };
    for (const line of run.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const msg = JSON.parse(line);
      if (msg.type === 'diagnostic') diags.push(toDiag(msg.diagnostic));
    }
    return { code: run.code, diags, run };
  }

  /** address → values from `terraform show -json`. */
  async state(): Promise<Map<string, Record<string, any>>> {
    const shown = JSON.parse(await this.ok(['show', '-json']));
    const out = new Map<string, Record<string, any>>();
    const walk = (module: any) => {
      for (const r of module?.resources ?? []) out.set(r.address, r.values);
      for (const child of module?.child_modules ?? []) walk(child);
    };
    walk(shown.values?.root_module);
    return out;
  }

  /** address → actions of a saved plan. */
  async plan(args: string[] = []): Promise<Map<string, string[]>> {
    await this.ok(['plan', '-input=false', '-out=tfplan', ...args]);
    const json = JSON.parse(await this.ok(['show', '-json', 'tfplan']));
    return new Map((json.resource_changes ?? []).map((c: any) => [c.address, c.change.actions]));
  }

  cleanup(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** The provider block requirement shared by the HCL fixtures. */
export const REQUIRED_PROVIDERS = `terraform {
  required_providers {
    kmdlogic = { source = "workzone-cpr.local/cpr/kmdlogic" }
  }
}
`;
