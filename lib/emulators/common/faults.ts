/**
 * Fault injection for the emulators: error responses, latency and dropped connections, switchable at
 * start-up and at run time (PUT /_emulator/faults), so that retry and timeout paths run against real HTTP.
 */

export interface FaultConfig {
  /** Share of requests (0..1) answered with `errorStatus` instead of being handled. */
  readonly errorRate: number;
  /** Status of injected errors (e.g. 503, 429, 500). */
  readonly errorStatus: number;
  /** When set, each injected error takes one of these statuses at random instead of `errorStatus` (a mix such as [503, 429, 500]). */
  readonly errorStatuses?: readonly number[] | null;
  /** Delay before every request is handled (or dropped), in milliseconds. */
  readonly latencyMs: number;
  /**
   * Delay between handling a request and sending its answer, in milliseconds: the work is done, the answer
   * is late. What a client that dies in that gap leaves behind (a created client it never heard of).
   */
  readonly answerDelayMs?: number;
  /** Share of requests (0..1) whose connection is destroyed without a response. */
  readonly dropRate: number;
  /** When set, injected errors carry `Retry-After: <seconds>`. */
  readonly retryAfterSeconds?: number | null;
  /** When set, at most this many faults (errors + drops) are injected, then requests pass; makes tests deterministic. */
  readonly limit?: number | null;
}

export const NO_FAULTS: FaultConfig = Object.freeze({
  errorRate: 0,
  errorStatus: 503,
  errorStatuses: null,
  latencyMs: 0,
  answerDelayMs: 0,
  dropRate: 0,
  retryAfterSeconds: null,
  limit: null,
});

export interface FaultCounters {
  /** Requests seen by the injector (admin routes excluded). */
  requests: number;
  errors: number;
  drops: number;
}

/** What to do with one request. */
export type FaultDecision = { kind: 'pass' } | { kind: 'error'; status: number; retryAfterSeconds?: number } | { kind: 'drop' };

export class FaultConfigError extends Error {}

/** Checks a (partial) fault config from JSON, naming the bad field. */
export function parseFaultConfig(input: unknown, base: FaultConfig = NO_FAULTS): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultConfigError('fault config must be a JSON object such as {"errorRate":0.5,"errorStatus":503}');
  }
  const known = new Set(Object.keys(NO_FAULTS));
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(input)) {
    if (!known.has(key)) throw new FaultConfigError(`unknown fault setting "${key}"; known: ${[...known].join(', ')}`);
    out[key] = value;
  }
  const rate = (name: string) => {
    const v = out[name];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new FaultConfigError(`${name} must be a number from 0 to 1 (got ${JSON.stringify(v)})`);
  };
  rate('errorRate');
  rate('dropRate');
  const status = out.errorStatus;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw new FaultConfigError(`errorStatus must be an HTTP error status from 400 to 599 (got ${JSON.stringify(status)})`);
  }
  const statuses = out.errorStatuses;
  if (statuses === undefined || statuses === null) out.errorStatuses = null;
  else if (!Array.isArray(statuses) || statuses.length === 0 || !statuses.every((s) => Number.isInteger(s) && s >= 400 && s <= 599)) {
    throw new FaultConfigError(`errorStatuses must be null or a non-empty list of HTTP error statuses from 400 to 599 (got ${JSON.stringify(statuses)})`);
  } else out.errorStatuses = Object.freeze([...statuses]);
  for (const name of ['latencyMs', 'answerDelayMs']) {
    const ms = out[name];
    if (typeof ms !== 'number' || !(ms >= 0) || !Number.isFinite(ms)) {
      throw new FaultConfigError(`${name} must be a number of milliseconds >= 0 (got ${JSON.stringify(ms)})`);
    }
  }
  for (const name of ['retryAfterSeconds', 'limit']) {
    const v = out[name];
    if (v === undefined || v === null) {
      out[name] = null;
      continue;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new FaultConfigError(`${name} must be a whole number >= 0 or null (got ${JSON.stringify(v)})`);
  }
  return Object.freeze(out as unknown as FaultConfig);
}

export class FaultInjector {
  private current: FaultConfig;
  private injected = 0;
  readonly counters: FaultCounters = { requests: 0, errors: 0, drops: 0 };
  /** Injected errors by status, e.g. { "503": 4, "429": 2 }. */
  readonly errorsByStatus: Record<string, number> = {};

  /** `random` is injectable so that tests can make rates deterministic. */
  constructor(
    initial: Partial<FaultConfig> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.current = parseFaultConfig(initial);
  }

  get config(): FaultConfig {
    return this.current;
  }

  /** Replaces the settings given (others keep their values) and restarts the `limit` count. */
  set(change: Partial<FaultConfig>): FaultConfig {
    this.current = parseFaultConfig(change, this.current);
    this.injected = 0;
    return this.current;
  }

  /** Back to no faults; counters are kept. */
  reset(): void {
    this.current = NO_FAULTS;
    this.injected = 0;
  }

  resetCounters(): void {
    this.counters.requests = 0;
    this.counters.errors = 0;
    this.counters.drops = 0;
    for (const status of Object.keys(this.errorsByStatus)) delete this.errorsByStatus[status];
  }

  /** Decides the fate of one request (latency is applied separately by `delay`). */
  decide(): FaultDecision {
    this.counters.requests++;
    const c = this.current;
    if (c.limit !== null && c.limit !== undefined && this.injected >= c.limit) return { kind: 'pass' };
    if (c.dropRate > 0 && this.random() < c.dropRate) {
      this.injected++;
      this.counters.drops++;
      return { kind: 'drop' };
    }
    if (c.errorRate > 0 && this.random() < c.errorRate) {
      this.injected++;
      this.counters.errors++;
      const mix = c.errorStatuses;
      const status = mix ? mix[Math.min(mix.length - 1, Math.floor(this.random() * mix.length))] : c.errorStatus;
      this.errorsByStatus[status] = (this.errorsByStatus[status] ?? 0) + 1;
      return c.retryAfterSeconds !== null && c.retryAfterSeconds !== undefined
        ? { kind: 'error', status, retryAfterSeconds: c.retryAfterSeconds }
        : { kind: 'error', status };
    }
    return { kind: 'pass' };
  }

  /** Waits the configured latency; resolves early when `signal` aborts (the client went away, the server closes). */
  delay(signal?: AbortSignal): Promise<void> {
    const ms = this.current.latencyMs;
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
    });
  }

  /** The configured answer delay (0: answers go out as soon as they are ready). */
  get answerDelayMs(): number {
    return this.current.answerDelayMs ?? 0;
  }

  /** JSON view for GET /_emulator/faults. */
  snapshot(): { config: FaultConfig; counters: FaultCounters; errorsByStatus: Record<string, number> } {
    return { config: this.current, counters: { ...this.counters }, errorsByStatus: { ...this.errorsByStatus } };
  }
}
