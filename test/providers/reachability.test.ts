/**
 * The judgement on a server, by itself: which budget a streak of failures gets, and from when it counts.
 * Failures are reported with the start of their attempt; concurrent requests report in any order.
 */
import { Reachability } from '../../lib/providers/reachability';

const ORIGIN = 'http://127.0.0.1:1';
const make = (retryMaxMs = 60_000, refusedMs = 1_000) => new Reachability({ retryMaxMs, refusedMs, describeBudget: (refused) => (refused ? 'the refused budget' : 'the whole budget') });
const waitOf = (r: ReturnType<Reachability['failed']>) => ('until' in r ? r.until - Date.now() : -1);

test('a refused connection gets the refused budget; a timeout the whole one', () => {
  const r = make();
  const a = r.begin(ORIGIN);
  expect(waitOf(r.failed(ORIGIN, a.id, Date.now(), 'ECONNREFUSED', 'refused'))).toBeLessThanOrEqual(1_000);
  const other = 'http://127.0.0.1:2';
  const b = r.begin(other);
  expect(waitOf(r.failed(other, b.id, Date.now(), 'ETIMEDOUT', 'timeout'))).toBeGreaterThan(59_000);
});

test('the latest failure decides: dropped connections, then refused ones, are judged with the refused budget', () => {
  const r = make();
  const a = r.begin(ORIGIN);
  const started = Date.now() - 1_500;
  expect(waitOf(r.failed(ORIGIN, a.id, started, 'ECONNRESET', 'reset'))).toBeGreaterThan(50_000);
  const judged = r.failed(ORIGIN, a.id, Date.now(), 'ECONNREFUSED', 'refused');
  expect('verdict' in judged && judged.verdict.message).toMatch(/^http:\/\/127\.0\.0\.1:1 did not answer, then refused connections, for 1\.\d s \(2 attempt\(s\) by 1 request\(s\); last: refused\); a refused connection is retried for the refused budget/);
});

test('concurrent requests reporting out of order: the streak counts from the earliest attempt, so no request outlives it', () => {
  const r = make(1_000, 1_000);
  const early = r.begin(ORIGIN);
  const late = r.begin(ORIGIN);
  const now = Date.now();
  // The later attempt's failure arrives first, then the earlier one's.
  r.failed(ORIGIN, late.id, now - 50, 'ECONNREFUSED', 'refused');
  const wait = waitOf(r.failed(ORIGIN, early.id, now - 60, 'ECONNREFUSED', 'refused'));
  // Within the early request's own budget (which started 60 ms ago): its wait never ends after it.
  expect(wait).toBeLessThanOrEqual(1_000 - 60 + 5);
  expect(wait).toBeGreaterThan(1_000 - 60 - 50);
});

test('a streak never counts from before the last answer', () => {
  const r = make(1_000, 1_000);
  const a = r.begin(ORIGIN);
  r.answered(ORIGIN);
  // An attempt that started long before the server last answered: the streak starts at the answer.
  const wait = waitOf(r.failed(ORIGIN, a.id, Date.now() - 900, 'ECONNREFUSED', 'refused'));
  expect(wait).toBeGreaterThan(900);
});
