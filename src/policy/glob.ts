// Wildcard matching for IAM patterns (`*` any run, `?` one character), in linear time.
//
// No regular expression is ever built from input. A pattern is split at `*` into fixed-length
// segments; the first must match at the start, the last at the end, and each middle segment is
// taken at its leftmost occurrence (greedy leftmost is optimal for `*`-separated segments, so no
// backtracking is needed). Literal segments use indexOf; segments with `?` are compared in place.
// `stats.steps` counts character comparisons so tests can bound the work without timing it.

export interface MatchStats {
  steps: number;
}

export interface Glob {
  readonly pattern: string;
  /** True when the pattern has no `*` or `?`. */
  readonly literal: boolean;
  /** The text before the first wildcard (lower-cased when case-insensitive). */
  readonly prefix: string;
  matches(s: string, stats?: MatchStats): boolean;
}

interface Segment {
  text: string;
  hasQ: boolean;
}

function segMatchAt(seg: Segment, s: string, at: number, stats?: MatchStats): boolean {
  const t = seg.text;
  if (!seg.hasQ) {
    if (stats) stats.steps += t.length;
    return s.startsWith(t, at);
  }
  for (let i = 0; i < t.length; i++) {
    if (stats) stats.steps++;
    const c = t.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== s.charCodeAt(at + i)) return false;
  }
  return true;
}

function segFind(seg: Segment, s: string, from: number, end: number, stats?: MatchStats): number {
  const len = seg.text.length;
  if (!seg.hasQ) {
    const i = s.indexOf(seg.text, from);
    if (stats) stats.steps += (i < 0 ? end : i) - from + len;
    return i >= 0 && i + len <= end ? i : -1;
  }
  for (let at = from; at + len <= end; at++) {
    if (segMatchAt(seg, s, at, stats)) return at;
  }
  return -1;
}

export function compileGlob(pattern: string, options: { caseInsensitive?: boolean } = {}): Glob {
  const ci = options.caseInsensitive === true;
  const p = ci ? pattern.toLowerCase() : pattern;
  const parts = p.split('*');
  const segs: Segment[] = parts.map((text) => ({ text, hasQ: text.includes('?') }));
  const hasStar = segs.length > 1;
  const literal = !hasStar && !segs[0]!.hasQ;
  const firstWild = p.search(/[*?]/);
  const prefix = firstWild < 0 ? p : p.slice(0, firstWild);
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  const minLen = segs.reduce((n, sg) => n + sg.text.length, 0);

  const matches = (input: string, stats?: MatchStats): boolean => {
    const s = ci ? input.toLowerCase() : input;
    if (!hasStar) {
      if (s.length !== first.text.length) return false;
      return literal
        ? (stats && (stats.steps += s.length), s === first.text)
        : segMatchAt(first, s, 0, stats);
    }
    if (s.length < minLen) return false;
    if (!segMatchAt(first, s, 0, stats)) return false;
    const end = s.length - last.text.length;
    if (!segMatchAt(last, s, end, stats)) return false;
    let pos = first.text.length;
    for (let i = 1; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      if (seg.text.length === 0) continue;
      const at = segFind(seg, s, pos, end, stats);
      if (at < 0) return false;
      pos = at + seg.text.length;
    }
    return pos <= end;
  };
  return { pattern, literal, prefix, matches };
}

/** actionMatcher's tests by pattern as written (bounded: patterns come from the repository). */
const actionMatchers = new Map<string, (action: string) => boolean>();

/**
 * A test of an action name (`s3:GetObject`, any case) against an IAM action pattern (`s3:Get*`,
 * case-insensitive, surrounding spaces ignored), made once per pattern.
 */
export function actionMatcher(pattern: string): (action: string) => boolean {
  let m = actionMatchers.get(pattern);
  if (!m) {
    const glob = compileGlob(pattern.trim(), { caseInsensitive: true });
    m = (action) => glob.matches(action.trim());
    if (actionMatchers.size >= 65_536) actionMatchers.clear();
    actionMatchers.set(pattern, m);
  }
  return m;
}

/** True when `pattern` has an IAM wildcard. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}
