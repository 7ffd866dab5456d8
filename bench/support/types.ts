/**
 * The contract between the bench runner (bench/main.ts) and its sections (bench/sections/*.ts).
 *
 * A section is `{ name, title, run(ctx) }`; `run` measures, then returns table rows and a JSON object of
 * figures. The runner prints every section's rows in one table and, as its last line, one JSON object
 * `{ machine, sections: { <name>: figures } , misses }`. Sections never print the table themselves; they may
 * call `ctx.log` for progress (stderr).
 */

/** One line of the table. `ratio` is printed as ours / floor (lower is better unless the target says so). */
export interface Row {
  /** What was measured, e.g. "synth example app (median of 7)". */
  readonly figure: string;
  /** Our value in `unit`. */
  readonly ours: number;
  /** The floor (the same work done by the simplest thing that does it), in `unit`; omitted when there is none. */
  readonly floor?: number;
  /** Label of the floor, e.g. "ts-node", "node -e 0", "terraform_data", "ideal". */
  readonly floorLabel?: string;
  readonly unit: 's' | 'ms' | 'MB' | 'x';
  /** Human-readable target, e.g. "<= 0.5 s"; omitted for figures without a target. */
  readonly target?: string;
  /** Whether the target is met; omitted when there is no target. */
  readonly pass?: boolean;
}

export interface SectionResult {
  readonly rows: Row[];
  /** Every figure of the section, JSON-serialisable (seconds/ms as numbers, with units in the key names). */
  readonly figures: Record<string, unknown>;
}

export interface BenchContext {
  /** Repository root (where package.json is). */
  readonly root: string;
  /** A temp directory for this run, removed at exit; sections make their own sub-directories. */
  readonly work: string;
  /** Fewer repetitions and smaller counts (`--quick`): for checking the bench itself, not for figures. */
  readonly quick: boolean;
  /** Progress line on stderr. */
  log(message: string): void;
  /**
   * Provider bundles built once per run (scripts/build-providers.mjs) into a filesystem mirror, with the
   * terraform environment to use them (terraformEnv: own CLI config, CHECKPOINT_DISABLE=1). Lazy: the first
   * call builds, later calls share the result. See bench/support/terraform.ts.
   */
  terraform(): Promise<import('./terraform').TerraformSetup>;
}

export interface Section {
  /** Key in the JSON line and for `--only <name>`, e.g. "synth", "reattach". */
  readonly name: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}
