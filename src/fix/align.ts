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
 * Does the part name an action its original does not write? One a pattern of its Action matches
 * (`ec2:DescribeImages` of `ec2:Describe*`, which the minimal policy names one by one) is written.
 */
function foreignActions(part: unknown, original: unknown): boolean {
  if (!isObject(part) || !isObject(original)) return true;
  const written = new Set(
    [...asList(original.Action), ...asList(original.NotAction)].map((a) => a.toLowerCase()),
  );
  const globs = asList(original.Action)
    .filter(hasWildcard)
    .map((p) => compileGlob(p, { caseInsensitive: true }));
  return asList(part.Action).some(
    (a) => !written.has(a.toLowerCase()) && !globs.some((g) => g.matches(a.toLowerCase())),
  );
}

/**
 * The fate of each original statement, or undefined when the minimal statements cannot be read as
 * rewrites of the originals in order. Each original takes a run (maybe empty) of the minimal
 * statements; a run equal to the original is a keep (cost 0), anything else costs 1.
 */
export function alignStatements(originals: unknown[], minimal: unknown[]): StatementFate[] | undefined {
  const n = originals.length;
  const m = minimal.length;
  const INF = Number.POSITIVE_INFINITY;
  // best[i][j]: least cost aligning originals[i..] with minimal[j..].
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(INF));
  const choice: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(-1));
  best[n]![m] = 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      // keep: exactly one, equal
      if (j < m && isDeepStrictEqual(minimal[j], originals[i]) && best[i + 1]![j + 1]! < best[i]![j]!) {
        best[i]![j] = best[i + 1]![j + 1]!;
        choice[i]![j] = 1 + 1_000_000; // marker: keep of length 1
      }
      // drop
      if (best[i + 1]![j]! + 1 < best[i]![j]!) {
        best[i]![j] = best[i + 1]![j]! + 1;
        choice[i]![j] = 0;
      }
      // rewrite into k parts (a part whose actions are not all written in the original costs a
      // little more: it breaks ties towards the statement the actions come from)
      let extra = 0;
      for (let k = 1; j + k <= m; k++) {
        if (!derivable(minimal[j + k - 1], originals[i])) break;
        extra += foreignActions(minimal[j + k - 1], originals[i]) ? 0.25 : 0;
        const c = best[i + 1]![j + k]! + 1 + extra;
        if (c < best[i]![j]!) {
          best[i]![j] = c;
          choice[i]![j] = k;
        }
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
