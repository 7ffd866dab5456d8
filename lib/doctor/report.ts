/**
 * The doctor's findings and how they are shown: one line per assumption (text), or one JSON document to
 * attach to a support request. Neither ever holds a secret: every secret the run knows is scrubbed from
 * the finished output as a last guard, on top of the checks never putting one in.
 */
import { ASSUMPTIONS, type Service, type Status } from './assumptions';

/**
 * holds: as assumed. adapts: differs, and the provider copes as configured (a fallback, discovery).
 * differs: a setting makes it fit (the report names it). fails: does not fit; a change in this project
 * is needed (send the report). blocked: could not connect or authenticate, so nothing behind it was checked.
 * skipped: not checked (needs --write, or credentials, or an earlier check failed).
 */
export type Outcome = 'holds' | 'adapts' | 'differs' | 'fails' | 'blocked' | 'skipped';

/** A change to the wire table (lib/providers/workzone/wire.ts) that would make a property fit. */
export interface WireChange {
  readonly table: 'OAUTH_CLIENT_WIRE' | 'USER_WIRE';
  /** The entry's schema attribute, e.g. allow_access_token_via_browser. */
  readonly entry: string;
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

export interface CheckResult {
  readonly id: string;
  readonly outcome: Outcome;
  /** One line: what was found. */
  readonly summary: string;
  readonly details?: readonly string[];
  /** Provider settings that make it fit (attribute → value), required for `differs`, optional for `adapts`. */
  readonly settings?: Readonly<Record<string, string>>;
  readonly wire?: readonly WireChange[];
  /** What was seen, for the JSON report (never a secret). */
  readonly facts?: Readonly<Record<string, unknown>>;
}

export interface ReportLine extends CheckResult {
  readonly service: Service;
  readonly status: Status;
  readonly item: string;
}

export interface DoctorReport {
  readonly tool: { readonly name: 'workzone-cpr doctor'; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
  /** What was checked, without secrets. */
  readonly target: Readonly<Record<string, unknown>>;
  readonly write: boolean;
  readonly interrupted: boolean;
  readonly results: readonly ReportLine[];
  /** Settings that fit the server: provider → attribute → value, `required` when the current ones do not. */
  readonly settings: readonly { readonly provider: Service; readonly name: string; readonly value: string; readonly required: boolean }[];
  readonly wire: readonly WireChange[];
  readonly summary: Readonly<Record<Outcome, number>> & { readonly exitCode: 0 | 1 | 2 };
}

/** 2: could not connect or authenticate; 1: some assumption fails or needs a setting; 0: everything fits. */
export function exitCodeOf(results: readonly CheckResult[]): 0 | 1 | 2 {
  if (results.some((r) => r.outcome === 'blocked')) return 2;
  if (results.some((r) => r.outcome === 'fails' || r.outcome === 'differs')) return 1;
  return 0;
}

/** The report from the results in assumption order (results for unknown ids are a bug, not output). */
export function buildReport(input: {
  readonly version: string;
  readonly startedAt: Date;
  readonly target: Record<string, unknown>;
  readonly write: boolean;
  readonly interrupted: boolean;
  readonly results: ReadonlyMap<string, CheckResult>;
  readonly services: readonly Service[];
}): DoctorReport {
  const lines: ReportLine[] = [];
  for (const a of ASSUMPTIONS) {
    if (!input.services.includes(a.service) || a.checked === false) continue;
    const result = input.results.get(a.id) ?? { id: a.id, outcome: 'skipped' as const, summary: 'not checked' };
    lines.push({ ...result, service: a.service, status: a.status, item: a.item });
  }
  for (const id of input.results.keys()) if (!lines.some((l) => l.id === id)) throw new Error(`doctor: result for unknown assumption ${id}`);
  const settings = lines.flatMap((l) =>
    Object.entries(l.settings ?? {}).map(([name, value]) => ({ provider: l.service, name, value, required: l.outcome === 'differs' })),
  );
  const counts: Record<Outcome, number> = { holds: 0, adapts: 0, differs: 0, fails: 0, blocked: 0, skipped: 0 };
  for (const l of lines) counts[l.outcome]++;
  return {
    tool: { name: 'workzone-cpr doctor', version: input.version },
    startedAt: input.startedAt.toISOString(),
    durationMs: Date.now() - input.startedAt.getTime(),
    target: input.target,
    write: input.write,
    interrupted: input.interrupted,
    results: lines,
    settings: dedupe(settings),
    wire: lines.flatMap((l) => l.wire ?? []),
    summary: { ...counts, exitCode: exitCodeOf(lines) },
  };
}

function dedupe<T extends { provider: string; name: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = `${i.provider}.${i.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const LABEL: Record<Outcome, string> = { holds: 'holds', adapts: 'adapts', differs: 'DIFFERS', fails: 'FAILS', blocked: 'BLOCKED', skipped: 'skipped' };
const SERVICE: Record<Service, string> = { workzone: 'WorkZone', kmdlogic: 'KMD Logic' };

/**
 * How to set a provider setting, for the text report: the attribute, its environment variable and the
 * doctor flag (from the provider schema, see settings.ts).
 */
export type SettingHint = (provider: Service, name: string, value: string) => string;

export function renderText(report: DoctorReport, hint: SettingHint): string {
  const out: string[] = [];
  const width = Math.max(...report.results.map((r) => r.id.length));
  for (const service of ['workzone', 'kmdlogic'] as const) {
    const lines = report.results.filter((r) => r.service === service);
    if (lines.length === 0) continue;
    out.push(SERVICE[service]);
    for (const r of lines) {
      out.push(`  ${LABEL[r.outcome].padEnd(7)}  ${r.id.padEnd(width)}  ${r.summary}`);
      for (const d of r.details ?? []) out.push(`  ${' '.repeat(7 + 2 + width)}  - ${d}`);
    }
    out.push('');
  }
  if (report.settings.length > 0) {
    out.push('Settings that fit this server');
    for (const s of report.settings) out.push(`  ${hint(s.provider, s.name, s.value)}${s.required ? '' : '  (optional: the provider finds it by itself)'}`);
    out.push('');
  }
  if (report.wire.length > 0) {
    out.push('Wire table changes (lib/providers/workzone/wire.ts): not a setting; send the --json report so that the next release fits');
    for (const w of report.wire) out.push(`  ${w.table}.${w.entry}.property: ${JSON.stringify(w.from)} → ${JSON.stringify(w.to)}  (${w.why})`);
    out.push('');
  }
  const s = report.summary;
  const counted = (['holds', 'adapts', 'differs', 'fails', 'blocked', 'skipped'] as const).filter((o) => s[o] > 0).map((o) => `${s[o]} ${o}`);
  const verdict =
    report.interrupted
      ? 'Interrupted.'
      : s.exitCode === 2
        ? 'Could not connect or authenticate: fix what BLOCKED says, then run the doctor again.'
        : s.exitCode === 1
          ? s.fails > 0
            ? 'This server does not fit every assumption: apply the settings above where given, and send the --json report (`workzone-cpr doctor --json > report.json`) with what FAILS.'
            : 'This server fits with the settings above: set them, and run the doctor again with them.'
          : 'This server fits the provider as configured.';
  out.push(`Summary: ${counted.join(', ')}. ${verdict}`);
  return `${out.join('\n')}\n`;
}

/**
 * Removes every known secret from finished output (text or JSON), as a last guard: as given, JSON-escaped,
 * form- and URI-encoded. (Server messages were scrubbed of credentials in header form when they were read.)
 */
export function scrubOutput(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2)]);
    for (const form of forms) out = out.split(form).join('***');
  }
  return out;
}
