// Conservative comparison of IAM conditions: does a policy's condition restrict at least as much
// as the baseline's? `yes` only when it provably does; `no` when the baseline's key is absent;
// `unknown` when both constrain the key in ways this tool cannot compare exactly (the finding then
// says its answer is approximate).

import { arnContains, parseArnPattern } from './arn.js';
import type { Condition } from './document.js';

export type Implication = 'yes' | 'no' | 'unknown';

interface Op {
  base: string;
  ifExists: boolean;
  qualifier: string;
}

function parseOp(op: string): Op {
  let s = op;
  let qualifier = '';
  const q = /^(ForAnyValue|ForAllValues):/i.exec(s);
  if (q) {
    qualifier = q[1]!.toLowerCase();
    s = s.slice(q[0].length);
  }
  const ifExists = /IfExists$/i.test(s);
  if (ifExists) s = s.slice(0, -'IfExists'.length);
  return { base: s.toLowerCase(), ifExists, qualifier };
}

const STRING_EQ = new Set([
  'stringequals',
  'stringequalsignorecase',
  'arnequals',
  'bool',
  'numericequals',
  'dateequals',
  'binaryequals',
]);
const LIKE = new Set(['stringlike', 'arnlike']);

function ipv4(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  if (!m) return undefined;
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return undefined;
  const addr = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  return [addr, bits];
}

/** Is the CIDR `inner` inside `outer`? undefined when either is not IPv4. */
export function cidrContains(outer: string, inner: string): boolean | undefined {
  const o = ipv4(outer);
  const i = ipv4(inner);
  if (!o || !i) return outer.trim() === inner.trim() ? true : undefined;
  if (i[1] < o[1]) return false;
  if (o[1] === 0) return true;
  const mask = (0xffffffff << (32 - o[1])) >>> 0;
  return (i[0] & mask) >>> 0 === (o[0] & mask) >>> 0;
}

/** Every value `have` allows is one `need` allows, for one operator family. */
/** A baseline condition value that stands for the user's own value (see audit/engine.ts). */
const PLACEHOLDER_VALUE = '<placeholder>';

function valuesImply(base: string, have: string[], need: string[]): Implication {
  if (have.length === 0) return 'unknown';
  if (need.includes(PLACEHOLDER_VALUE)) return 'yes';
  if (STRING_EQ.has(base)) {
    const ci = base === 'stringequalsignorecase' || base === 'bool';
    const norm = (s: string) => (ci ? s.toLowerCase() : s);
    const allowed = new Set(need.map(norm));
    return have.every((v) => allowed.has(norm(v))) ? 'yes' : 'no';
  }
  if (LIKE.has(base)) {
    const needP = need.map((v) => parseArnPattern(v));
    return have.every((v) => {
      const hp = parseArnPattern(v);
      return needP.some((np) => arnContains(np, hp));
    })
      ? 'yes'
      : 'no';
  }
  if (base === 'ipaddress') {
    let unknown = false;
    for (const h of have) {
      const r = need.map((n) => cidrContains(n, h));
      if (r.includes(true)) continue;
      if (r.includes(undefined)) unknown = true;
      else return 'no';
    }
    return unknown ? 'unknown' : 'yes';
  }
  if (base === 'null') {
    return have.length === need.length && have.every((v, i) => v.toLowerCase() === need[i]!.toLowerCase())
      ? 'yes'
      : 'unknown';
  }
  return 'unknown';
}

export interface ConditionCheck {
  result: Implication;
  /** `Operator key` pairs of the baseline's condition that the policy does not provably meet. */
  missing: string[];
}

/**
 * Does a grant under `have` stay within what the baseline allows under `need`?
 * `need` undefined or empty: always yes. A key of `need` that `have` does not constrain: no.
 */
export function conditionImplies(have: Condition | undefined, need: Condition | undefined): ConditionCheck {
  const missing: string[] = [];
  let result: Implication = 'yes';
  if (!need) return { result, missing };
  for (const [needOp, needKeys] of Object.entries(need)) {
    const n = parseOp(needOp);
    for (const [needKey, needValues] of Object.entries(needKeys)) {
      let best: Implication = 'no';
      for (const [haveOp, haveKeys] of Object.entries(have ?? {})) {
        for (const [haveKey, haveValues] of Object.entries(haveKeys)) {
          if (haveKey.toLowerCase() !== needKey.toLowerCase()) continue;
          const h = parseOp(haveOp);
          let r: Implication;
          if (h.base === n.base && h.qualifier === n.qualifier && (n.ifExists || !h.ifExists)) {
            r = valuesImply(n.base, haveValues, needValues);
          } else if (
            // StringEquals is at least as strict as StringLike when each value is matched by a pattern.
            LIKE.has(n.base) &&
            (h.base === 'stringequals' || h.base === 'arnequals') &&
            h.qualifier === n.qualifier &&
            (n.ifExists || !h.ifExists)
          ) {
            r = valuesImply(n.base, haveValues, needValues);
          } else {
            r = 'unknown';
          }
          if (r === 'yes') best = 'yes';
          else if (r === 'unknown' && best === 'no') best = 'unknown';
        }
      }
      if (best !== 'yes') {
        missing.push(`${needOp} ${needKey}`);
        if (best === 'no') result = 'no';
        else if (result === 'yes') result = 'unknown';
      }
    }
  }
  return { result, missing };
}

/** The condition that grants under both: `a` with `b`'s keys added (used by the minimal policy). */
export function mergeConditions(a: Condition | undefined, b: Condition | undefined): Condition | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: Condition = {};
  for (const [op, keys] of Object.entries(a)) out[op] = { ...keys };
  for (const [op, keys] of Object.entries(b)) {
    out[op] = { ...(out[op] ?? {}) };
    for (const [k, v] of Object.entries(keys)) if (!(k in out[op]!)) out[op]![k] = v;
  }
  return out;
}
