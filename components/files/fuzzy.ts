// Quick-open matching: the query's characters must appear in order; matches on the file name,
// at word starts and in runs score higher, as in VS Code's Ctrl+P.

export interface FuzzyMatch {
  path: string;
  score: number;
  /** Indexes in `path` of the matched characters, for highlighting. */
  positions: number[];
}

const boundary = /[/\\._\-\s]/;

export function fuzzyMatch(query: string, path: string): FuzzyMatch | null {
  const q = query.replace(/\s+/g, '').toLowerCase();
  if (!q) return { path, score: 0, positions: [] };
  const lower = path.toLowerCase();
  const nameStart = path.lastIndexOf('/') + 1;
  // Prefer matching inside the file name: try it from there first, then the whole path.
  return best(match(q, lower, path, nameStart), match(q, lower, path, 0));
}

function match(q: string, lower: string, path: string, from: number): FuzzyMatch | null {
  const positions: number[] = [];
  let score = 0;
  let at = from;
  let previous = -2;
  for (const ch of q) {
    const index = lower.indexOf(ch, at);
    if (index === -1) return null;
    positions.push(index);
    score += 1;
    if (index === previous + 1) score += 5;
    if (index === 0 || boundary.test(path[index - 1]!)) score += 4;
    if (path[index] !== lower[index]) score += 1;
    previous = index;
    at = index + 1;
  }
  const nameStart = path.lastIndexOf('/') + 1;
  if (positions[0]! >= nameStart) score += 10;
  score -= path.length * 0.05;
  return { path, score, positions };
}

function best(a: FuzzyMatch | null, b: FuzzyMatch | null): FuzzyMatch | null {
  if (!a) return b;
  if (!b) return a;
  return a.score >= b.score ? a : b;
}

export function fuzzyFilter(query: string, paths: readonly string[], limit = 50): FuzzyMatch[] {
  const results: FuzzyMatch[] = [];
  for (const path of paths) {
    const m = fuzzyMatch(query, path);
    if (m) results.push(m);
  }
  return results.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path)).slice(0, limit);
}
