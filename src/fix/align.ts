// Which statements of the minimal policy come from which statement as written. The minimal policy
// (src/audit/minimal.ts) keeps a statement as written, drops it, or rewrites it into one or more
// parts (same keys in the same order, only Sid, Action, Resource and Condition changed): this
// finds the alignment that keeps the most statements as written. Pure.
import { isDeepStrictEqual } from 'node:util';
import { isObject } from '../core/json-lines.js';
import { compileGlob, hasWildcard } from '../policy/glob.js';

/** What becomes of one statement as written. */
export type StatementFate =
  { kind: 'keep' } | { kind: 'drop' } | { kind: 'rewrite'; parts: Record<string, unknown>[] };

/** Keys a minimal part may change (the rest must be as written). */
const CHANGEABLE = new Set(['Sid', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

/** Could `part` be a rewrite of `original` (see minimal.ts rewriteStatement)? */
export function derivable(part: unknown, original: unknown): boolean {
  if (!isObject(part) || !isObject(original)) return false;
  if (original.Effect === 'Deny') return false;
  // rewriteStatement keeps a Sid when there is one, always writes an Action, and keeps a
  // Condition (the written one, or one with the baseline's added)
  if ('Sid' in original !== 'Sid' in part || !('Action' in part)) return false;
  if ('Condition' in original && !('Condition' in part)) return false;
  for (const [k, v] of Object.entries(part)) {
    if (k === 'Sid') {
      const sid = original.Sid;
      if (typeof sid !== 'string' || typeof v !== 'string') return false;
      if (v !== sid && !(v.startsWith(sid) && /^\d+$/.test(v.slice(sid.length)))) return false;
      continue;
    }
    if (CHANGEABLE.has(k)) continue;
    if (!(k in original) || !isDeepStrictEqual(v, original[k])) return false;
  }
  for (const k of Object.keys(original)) if (!CHANGEABLE.has(k) && !(k in part)) return false;
  return true;
}

function asList(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  );
}

/**
 * A test of whether a part names an action its original does not write: one a pattern of its
 * Action matches (`ec2:DescribeImages` of `ec2:Describe*`, which the minimal policy names one by
 * one) is written. Made once per original (its names and compiled patterns).
 */
function foreignTest(original: unknown): (part: unknown) => boolean {
  if (!isObject(original)) return () => true;
  const written = new Set(
    [...asList(original.Action), ...asList(original.NotAction)].map((a) => a.toLowerCase()),
  );
  const globs = asList(original.Action)
    .filter(hasWildcard)
    .map((p) => compileGlob(p, { caseInsensitive: true }));
  return (part) =>
    !isObject(part) ||
    asList(part.Action).some(
      (a) => !written.has(a.toLowerCase()) && !globs.some((g) => g.matches(a.toLowerCase())),
    );
}

/** A value as text with each object's keys sorted: two values are deep-equal when their texts are. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    isObject(x) && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );
}

/**
 * The fate of each original statement, or undefined when the minimal statements cannot be read as
 * rewrites of the originals in order. Each original takes a run (maybe empty) of the minimal
 * statements; a run equal to the original is a keep (cost 0), anything else costs 1 (a part whose
 * actions are not all written in the original costs a quarter more: it breaks ties towards the
 * statement the actions come from). Of equal costs: keep, then drop, then the shortest rewrite.
 *
 * In O(n·m) steps: for an original, the parts it can take from minimal[j] on are a run of
 * derivable ones, so the best rewrite from j is a running minimum over that run, kept as j
 * goes down (a review: the run was walked again from each j, O(n·m²), and a policy of 1,000
 * statements without Sids did not finish `fix` in five minutes).
 */
export function alignStatements(originals: unknown[], minimal: unknown[]): StatementFate[] | undefined {
  const n = originals.length;
  const m = minimal.length;
  const INF = Number.POSITIVE_INFINITY;
  const originalText = originals.map(canonical);
  const minimalText = minimal.map(canonical);
  // best[i][j]: least cost aligning originals[i..] with minimal[j..]; choice: how (see below).
  const best: Float64Array[] = Array.from({ length: n + 1 }, () => new Float64Array(m + 1).fill(INF));
  const choice: Int32Array[] = Array.from({ length: n + 1 }, () => new Int32Array(m + 1).fill(-1));
  best[n]![m] = 0;
  for (let i = n - 1; i >= 0; i--) {
    const here = best[i]!;
    const next = best[i + 1]!;
    const how = choice[i]!;
    const foreign = foreignTest(originals[i]);
    // The best rewrite of originals[i] into minimal[j..t-1] for t in j+1..(end of j's run of
    // derivable parts): cost next[t] + 1 + 0.25 × (foreign parts in j..t-1), with the shortest t
    // of equal costs. As the foreign count from j is F(j) - F(t) (F counted from the run's end),
    // the minimum is of next[t] - 0.25 F(t), plus 1 + 0.25 F(j).
    let runMin = INF; // min over t of next[t] - 0.25 F(t), in the current run
    let runAt = -1; // its t (the smallest of equal values)
    let foreignFromEnd = 0; // F(j+1): foreign parts from j+1 to the run's end
    for (let j = m; j >= 0; j--) {
      // keep: exactly one, equal
      if (
        j < m &&
        minimalText[j] === originalText[i] &&
        next[j + 1]! < here[j]! &&
        isDeepStrictEqual(minimal[j], originals[i])
      ) {
        here[j] = next[j + 1]!;
        how[j] = 1 + 1_000_000; // marker: keep of length 1
      }
      // drop
      if (next[j]! + 1 < here[j]!) {
        here[j] = next[j]! + 1;
        how[j] = 0;
      }
      if (j === m) continue;
      if (!derivable(minimal[j], originals[i])) {
        runMin = INF;
        runAt = -1;
        foreignFromEnd = 0;
        continue;
      }
      // t = j + 1 joins the run's candidates (its F is F(j+1), before this part is counted).
      const candidate = next[j + 1]! - 0.25 * foreignFromEnd;
      if (candidate <= runMin) {
        runMin = candidate;
        runAt = j + 1;
      }
      foreignFromEnd += foreign(minimal[j]) ? 1 : 0;
      const c = runMin + 1 + 0.25 * foreignFromEnd;
      if (c < here[j]!) {
        here[j] = c;
        how[j] = runAt - j;
      }
    }
  }
  if (best[0]![0] === INF) return undefined;
  const out: StatementFate[] = [];
  let j = 0;
  for (let i = 0; i < n; i++) {
    const c = choice[i]![j]!;
    if (c > 1_000_000) {
      out.push({ kind: 'keep' });
      j += 1;
    } else if (c === 0) out.push({ kind: 'drop' });
    else {
      out.push({ kind: 'rewrite', parts: minimal.slice(j, j + c) as Record<string, unknown>[] });
      j += c;
    }
  }
  return out;
}
