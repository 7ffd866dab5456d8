/**
 * Whether a server answers at all, judged once per HTTP client (one provider process) for every request to
 * it, so that a dead server costs one retry budget, not one per request.
 *
 * Requests report each attempt here. Any HTTP response, even a 5xx, proves the server there. Transport
 * failures (connection refused, timeouts, dropped connections) with no response in between start a streak;
 * when the streak has lasted its budget the server is judged unreachable: requests retrying or in flight
 * end at once with the verdict, and later ones fail without being sent. A refused connection means nothing
 * listens, so it is worth a few quick retries (refusedMs, e.g. a restart), not the whole retry budget that
 * timeouts and dropped connections get. The latest failure decides which budget the streak has: a server
 * killed under load first drops the connections in flight, then refuses new ones, and is as dead as one
 * that refused from the start. One failure is never a verdict: a server that answers again within the
 * budget is used as before.
 */
import { setMaxListeners } from 'node:events';

export interface ReachabilityOptions {
  /** Budget of a streak of timeouts or dropped connections. */
  readonly retryMaxMs: number;
  /** Budget of a streak of refused connections (nothing listens), at most retryMaxMs. */
  readonly refusedMs: number;
  /** Phrases the budgets for messages, e.g. "retry_max_seconds (120 s)". */
  readonly describeBudget: (refused: boolean) => string;
  readonly log?: { warn?(message: string, fields?: Record<string, unknown>): void };
}

/** The judgement that a server is down: the same for every request it ends. */
export interface Verdict {
  readonly origin: string;
  /** Node error code of the last failure, e.g. ECONNREFUSED, ETIMEDOUT. */
  readonly code: string;
  /** What was tried, naming the budget that ran out; no method, path or secret. */
  readonly message: string;
}

/** Codes meaning the server was never reached: nothing listens, or no route to it. */
const NOT_REACHED = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

export const isNotReached = (code: string): boolean => NOT_REACHED.has(code);

interface Streak {
  /**
   * Start of the earliest failed attempt since the server last answered. Failures of concurrent requests
   * arrive in any order: an earlier start reported later moves it back, so that no request's own budget
   * (which starts with its first attempt) ends before the server's.
   */
  since: number;
  attempts: number;
  readonly requests: Set<number>;
  lastCode: string;
  lastFailure: string;
  /** Whether the latest failure says nothing is there (refused, no route): the streak then has the short budget. */
  refused: boolean;
  /** Whether every failure of the streak said so. */
  onlyRefused: boolean;
  timer?: NodeJS.Timeout;
}

interface Server {
  streak?: Streak;
  /** When the server last answered: a streak never starts before it. */
  lastAnswer: number;
  verdict?: Verdict;
  /** Requests under way (retrying or in flight). */
  active: number;
  /** Attempts in flight. */
  inFlight: number;
  /** Aborted with the verdict: wakes waiting requests and ends attempts in flight. */
  readonly down: AbortController;
}

export class Reachability {
  private readonly servers = new Map<string, Server>();
  private nextRequest = 0;

  constructor(private readonly o: ReachabilityOptions) {}

  /** A request to `origin` starts; call `end()` when it is over. */
  begin(origin: string): { readonly id: number; readonly down: AbortSignal; attempt(): () => void; end(): void } {
    const server = this.server(origin);
    server.active++;
    let ended = false;
    return {
      id: ++this.nextRequest,
      down: server.down.signal,
      attempt: () => {
        server.inFlight++;
        return () => server.inFlight--;
      },
      end: () => {
        if (!ended) server.active--;
        ended = true;
      },
    };
  }

  /** The verdict on `origin`, once it is judged unreachable. */
  verdict(origin: string): Verdict | undefined {
    return this.servers.get(origin)?.verdict;
  }

  /** The server answered (any HTTP status): it is there, whatever failed before. */
  answered(origin: string): void {
    const server = this.servers.get(origin);
    if (!server || server.verdict) return;
    server.lastAnswer = Date.now();
    if (!server.streak) return;
    clearTimeout(server.streak.timer);
    server.streak = undefined;
  }

  /**
   * An attempt that started at `attemptStarted` failed without a response (`what` says how). Returns the
   * verdict when this failure ends the streak's budget, else when the budget ends (a time, as Date.now()),
   * the latest a request's next attempt may start, so that the last attempt falls on the end, not after it.
   * A time, not a wait: a wait would be measured against another clock reading than the caller's.
   */
  failed(origin: string, request: number, attemptStarted: number, code: string, what: string): { verdict: Verdict } | { until: number } {
    const server = this.server(origin);
    if (server.verdict) return { verdict: server.verdict };
    const now = Date.now();
    const refused = isNotReached(code);
    const start = Math.max(server.lastAnswer, Math.min(attemptStarted, now));
    const streak = server.streak ?? this.startStreak(origin, server, start, code, what);
    if (start < streak.since) {
      streak.since = start;
      this.armTimer(origin, server, streak); // the budget ends earlier now
    }
    streak.attempts++;
    streak.requests.add(request);
    streak.lastCode = code;
    streak.lastFailure = what;
    streak.refused = refused;
    streak.onlyRefused &&= refused;
    const until = streak.since + this.budget(streak.refused);
    if (until <= now) return { verdict: this.judge(origin, server, streak) };
    return { until };
  }

  private startStreak(origin: string, server: Server, since: number, code: string, what: string): Streak {
    const refused = isNotReached(code);
    const streak: Streak = { since, attempts: 0, requests: new Set(), lastCode: code, lastFailure: what, refused, onlyRefused: refused };
    server.streak = streak;
    this.o.log?.warn?.(`${origin} is not answering (${what}); retrying for up to ${this.o.describeBudget(refused)} before taking it as down`, { origin });
    this.armTimer(origin, server, streak);
    return streak;
  }

  /** Attempts in flight (timeouts) must not outlive the budget: judge when it ends, if anyone still waits. */
  private armTimer(origin: string, server: Server, streak: Streak): void {
    clearTimeout(streak.timer);
    streak.timer = setTimeout(() => {
      if (server.streak === streak && server.active > 0) this.judge(origin, server, streak);
    }, Math.max(0, streak.since + this.o.retryMaxMs - Date.now()));
    streak.timer.unref();
  }

  private budget(refused: boolean): number {
    return refused ? Math.min(this.o.refusedMs, this.o.retryMaxMs) : this.o.retryMaxMs;
  }

  private judge(origin: string, server: Server, streak: Streak): Verdict {
    clearTimeout(streak.timer);
    const seconds = ((Date.now() - streak.since) / 1000).toFixed(1);
    // Attempts still in flight are cut short by this verdict: they count as tried too.
    const tries = `${streak.attempts + server.inFlight} attempt(s) by ${streak.requests.size} request(s)`;
    const refusing = streak.lastCode === 'ECONNREFUSED';
    const failing = streak.onlyRefused
      ? (refusing ? 'refused every connection' : 'could not be reached')
      : `did not answer, then ${refusing ? 'refused connections' : 'could not be reached'},`;
    const message = streak.refused
      ? `${origin} ${failing} for ${seconds} s (${tries}; last: ${streak.lastFailure}); ` +
        `${refusing ? 'a refused connection' : 'a server that cannot be reached'} is retried for ${this.o.describeBudget(true)}, then the server is taken as down for the rest of this run`
      : `${origin} did not answer for ${seconds} s (${tries}; last: ${streak.lastFailure}); after ${this.o.describeBudget(false)}, the server is taken as down for the rest of this run`;
    const verdict: Verdict = { origin, code: streak.lastCode, message };
    server.verdict = verdict;
    this.o.log?.warn?.(`${origin} taken as down: ${message}`, { origin });
    server.down.abort();
    return verdict;
  }

  private server(origin: string): Server {
    let server = this.servers.get(origin);
    if (!server) {
      server = { active: 0, inFlight: 0, lastAnswer: 0, down: new AbortController() };
      // Every request and attempt in flight listens to it: terraform's parallelism of 10 is no leak.
      setMaxListeners(0, server.down.signal);
      this.servers.set(origin, server);
    }
    return server;
  }
}
