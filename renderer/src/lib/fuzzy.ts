// Fuzzy matching for the command palette, in the spirit of VS Code's quick open and Sublime's goto: the query's
// characters must appear in order; consecutive runs, word starts (after . _ - / space or a case change) and a match
// at the very start score higher, and shorter candidates win ties. Returns the matched positions for highlighting.
export interface FuzzyMatch {
  score: number;
  positions: number[];
}

const SEPARATORS = new Set([' ', '.', '_', '-', '/', ':']);

function isWordStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const prev = text[i - 1]!;
  if (SEPARATORS.has(prev)) return true;
  const c = text[i]!;
  return prev === prev.toLowerCase() && c !== c.toLowerCase();
}

function isSubsequence(q: string, t: string, from: number): boolean {
  for (const ch of q) {
    if (ch === ' ') continue;
    const i = t.indexOf(ch, from);
    if (i < 0) return false;
    from = i + 1;
  }
  return true;
}

export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const q = query.trim().toLowerCase();
  if (q === '') return { score: 0, positions: [] };
  const t = text.toLowerCase();
  // Exact substring: best, and the earlier the better.
  const at = t.indexOf(q);
  if (at >= 0) {
    const positions = Array.from({ length: q.length }, (_, k) => at + k);
    return { score: 1000 - at * 2 + (isWordStart(text, at) ? 200 : 0) - text.length * 0.1, positions };
  }
  // Greedy subsequence that prefers word starts ("ot" finds Orders-Topic's O and T rather than the o and t in
  // "Orders"), never at the cost of failing a match that exists.
  const positions: number[] = [];
  let score = 0;
  let from = 0;
  for (let k = 0; k < q.length; k++) {
    const ch = q[k]!;
    if (ch === ' ') continue;
    let i = t.indexOf(ch, from);
    if (i < 0) return null;
    const prev = positions[positions.length - 1];
    if (prev === undefined || i !== prev + 1) {
      // Not continuing a run: jump to a later word start with this char if the rest still matches after it.
      for (let j = i + 1; j < t.length; j++) {
        if (t[j] === ch && isWordStart(text, j) && isSubsequence(q.slice(k + 1), t, j + 1)) {
          if (!isWordStart(text, i)) i = j;
          break;
        }
      }
    }
    score += prev !== undefined && i === prev + 1 ? 15 : isWordStart(text, i) ? 10 : 1;
    if (prev !== undefined) score -= Math.min(i - prev - 1, 10) * 0.5;
    positions.push(i);
    from = i + 1;
  }
  return { score: score - text.length * 0.1, positions };
}

/**
 * The palette's ranking: the label matched first (its positions are highlighted); the hidden keywords only when the
 * label does not match, well below any label match; `bonus` breaks near-ties by kind (pages before brokers…).
 */
export function fuzzyRank<T>(
  query: string,
  items: readonly T[],
  get: { label: (item: T) => string; keywords?: (item: T) => string | undefined; bonus?: (item: T) => number },
  limit = 50,
): { item: T; match: FuzzyMatch }[] {
  if (query.trim() === '') return items.slice(0, limit).map((item) => ({ item, match: { score: 0, positions: [] } }));
  const out: { item: T; match: FuzzyMatch; order: number }[] = [];
  items.forEach((item, order) => {
    const bonus = get.bonus?.(item) ?? 0;
    const onLabel = fuzzyMatch(query, get.label(item));
    if (onLabel) return void out.push({ item, match: { score: onLabel.score + bonus, positions: onLabel.positions }, order });
    const keywords = get.keywords?.(item);
    const onKeywords = keywords ? fuzzyMatch(query, keywords) : null;
    if (onKeywords) out.push({ item, match: { score: onKeywords.score - 500 + bonus, positions: [] }, order });
  });
  out.sort((a, b) => b.match.score - a.match.score || a.order - b.order);
  return out.slice(0, limit).map(({ item, match }) => ({ item, match }));
}
