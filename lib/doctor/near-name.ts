/**
 * "Present under a near name": the name a server most likely uses for one we expect, such as
 * `AllowAccessTokenViaBrowser` for `AllowAccessTokensViaBrowser`, or `oauthclients` for `OAuthClients`.
 * Near means the same letters in another case or without separators, a few typing differences
 * (Damerau-Levenshtein distance, at most one per six characters), or one name being the other with a
 * prefix or suffix (`IsEnabled`, `UserInitials`). It is a suggestion to confirm, never applied by itself.
 */

export interface NearMatch {
  readonly name: string;
  /** Why it is near, for the report. */
  readonly why: string;
  /** Lower is nearer. */
  readonly score: number;
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** How near `candidate` is to `wanted`, or undefined when it is not near. */
export function nearness(wanted: string, candidate: string): NearMatch | undefined {
  if (candidate === wanted) return { name: candidate, why: 'the same name', score: 0 };
  if (candidate.toLowerCase() === wanted.toLowerCase()) return { name: candidate, why: 'the same name in another case', score: 1 };
  const w = squash(wanted);
  const c = squash(candidate);
  if (w === '' || c === '') return undefined;
  if (w === c) return { name: candidate, why: 'the same name without separators', score: 1 };
  const distance = editDistance(w, c);
  if (distance <= Math.max(1, Math.floor(w.length / 6))) return { name: candidate, why: `${distance} letter${distance === 1 ? '' : 's'} apart`, score: 1 + distance };
  const [short, long] = w.length <= c.length ? [w, c] : [c, w];
  if (short.length >= 4 && short.length * 3 >= long.length && (long.startsWith(short) || long.endsWith(short))) {
    return { name: candidate, why: `${candidate.length > wanted.length ? 'with' : 'without'} a ${long.startsWith(short) ? 'suffix' : 'prefix'}`, score: 10 + long.length - short.length };
  }
  return undefined;
}

/** The nearest of `candidates` to `wanted` (ties: the first), or undefined when none is near. */
export function nearestName(wanted: string, candidates: Iterable<string>): NearMatch | undefined {
  let best: NearMatch | undefined;
  for (const candidate of candidates) {
    const match = nearness(wanted, candidate);
    if (match && (!best || match.score < best.score)) best = match;
  }
  return best;
}
