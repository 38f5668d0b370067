// Resource ARN patterns as IAM reads them in `Resource` / `NotResource`, and the three questions
// the audit asks of them: does one pattern cover another (containment), can two patterns match a
// common ARN (intersection), and does a pattern match a concrete ARN.
//
// A pattern is a sequence of tokens: a literal character, `?` (exactly one character), `*` (any
// run, `:` and `/` included) and a policy variable (`${aws:username}`), which is opaque: its value
// is not known when a policy is read. Resource matching is case-sensitive; variable names are
// compared case-insensitively. `${*}`, `${?}` and `${$}` are the literal `*`, `?` and `$`.
//
// Everything here is linear scans and small dynamic programmes over token arrays: no regular
// expression is built from input and nothing recurses, so a hostile pattern costs at most
// O(|a|·|b|) steps. `stats.steps` counts the token comparisons (as in glob.ts) so tests can bound
// the work without timing it.

import type { MatchStats } from './glob.js';

/** One token of an ARN pattern. Characters are Unicode code points. */
export type ArnToken =
  | { readonly kind: 'char'; readonly ch: string }
  | { readonly kind: 'one' }
  | { readonly kind: 'star' }
  | { readonly kind: 'var'; readonly name: string }
  /**
   * Only in ARN formats from the catalog: a variable whose value cannot hold `/` or `:` (a
   * partition, region, account, bucket name or resource ID), so `arn:*:s3:::${BucketName}` does
   * not meet `arn:aws:s3:::bucket/*`. Read as `*` by containment and matching.
   */
  | { readonly kind: 'seg' }
  /**
   * Only in ARN formats from the catalog, always followed by a `seg`: the first character of a
   * variable that is a whole field before the resource part (`${Region}`, `${Account}`), which
   * is never empty in a real ARN; one character other than `/` or `:`. Read as `?` by
   * containment and matching. See SEG_ONE.
   */
  | { readonly kind: 'segOne' };

export interface ArnPattern {
  /** The text as written in the policy (or the ARN format it came from). */
  raw: string;
  /**
   * Normalised tokens: consecutive `*` collapsed into one, and every run of wildcards written with
   * its `?`s first (`*?a` -> `?*a`), so equal languages of wildcard runs have equal tokens.
   */
  tokens: readonly ArnToken[];
  /** The tokens written back as text (`?*`, `${aws:username}`, `${*}` for a literal star). */
  canonical: string;
  /** Lower-cased names of the policy variables the pattern uses (`aws:username`), in order of first use. */
  variables: readonly string[];
  /** Angle-bracket placeholders (`<bucket-name>`) that had no binding and were read as `*`. */
  unboundPlaceholders: readonly string[];
  /** The values the placeholders were bound to when it was read (the configured account). */
  bindings?: Record<string, string>;
}

/**
 * The account of a resource the configuration creates (CloudFormation's `AWS::AccountId`, the
 * account of a Terraform resource's ARN): a placeholder, one value, bound to the configured
 * `account-id` (Auditor) and read as `*` otherwise.
 */
export const ACCOUNT_PLACEHOLDER = '<account-ID-without-hyphens>';

const STAR: ArnToken = { kind: 'star' };
const SEG: ArnToken = { kind: 'seg' };
/**
 * A catalog variable that is a whole field before the resource part (the partition, service,
 * region or account: `:${Region}:`, `:${Account}:`, `:${AccountId}:`, `:${Vendor}:`, whatever its
 * name) is read as this token and a `seg`: one or more characters, none a `/` or `:`. A real ARN
 * of such a type always has a value there, so IAM never matches `arn:aws:s3:::*` (empty region and
 * account) against an access point's `arn:${Partition}:s3:${Region}:${Account}:accesspoint/…`,
 * while a wildcard of the policy's still does (`arn:aws:s3:*:*:accesspoint/*`, `arn:aws:s3:*`,
 * `*`). A field the format leaves empty (`arn:${Partition}:s3:::${BucketName}`) or writes as `*`
 * (`arn:${Partition}:braket:*:*:device/…`, whose ARNs have none) is unchanged. Variables inside
 * the resource part (`accesspoint/${AccessPointName}`, `${BucketName}/${ObjectName}`) stay
 * possibly empty, as before: a policy's `…:accesspoint/` or `bucket/` is rare, and reading it as
 * naming nothing would need the service's own rules for each name.
 */
const SEG_ONE: ArnToken = { kind: 'segOne' };
/** Catalog format variables whose values never contain `/` or `:` (but see FREE_IDS). */
const SEGMENT_VARIABLE = /^(Partition|Region|Account|BucketName|[A-Za-z]*Id)$/;
/**
 * Ids, per service, whose values may hold a `/` or `:`, so read as `*` in its formats: a secret's
 * id is its name (`prod/db/password`) and a suffix, a Bedrock model's id has its version after a
 * `:` (`anthropic.claude-3-haiku-20240307-v1:0`), an application auto scaling target's resource id
 * is `service/cluster/name`, a Kafka transactional id is any text. Read as a segment, a policy's
 * `secret:prod/*` met no secret format, so its actions applied to nothing: no finding at all.
 */
const FREE_IDS: Readonly<Record<string, readonly string[]>> = {
  secretsmanager: ['SecretId'],
  bedrock: ['ResourceId'],
  'application-autoscaling': ['ResourceId'],
  kafka: ['TransactionalId'],
};
/** Vendor placeholders written in braces in upper case, like Lightly's `{YOUR_BUCKET}`. */
const BRACE_PLACEHOLDER = /^[A-Z][A-Z0-9_]*$/;
const ONE: ArnToken = { kind: 'one' };

/** The token of each ASCII character, shared (tokens are immutable and compared by content). */
const ASCII_TOKENS: readonly ArnToken[] = Array.from({ length: 128 }, (_, c) => ({
  kind: 'char' as const,
  ch: String.fromCharCode(c),
}));

function charToken(ch: string): ArnToken {
  if (ch.length === 1) {
    const c = ch.charCodeAt(0);
    if (c < 128) return ASCII_TOKENS[c]!;
  }
  return { kind: 'char', ch };
}

/**
 * Parses a `Resource` value. `${name}` is a policy variable (a default value as in
 * `${aws:PrincipalTag/team, 'none'}` is allowed and ignored: the variable stays unknown);
 * `${*}`, `${?}`, `${$}` are literal characters; `<...>` is a vendor placeholder, replaced by the
 * literal value of `bindings['<...>']` when bound and read as `*` otherwise. A `$` or `<` that does
 * not open one of these is an ordinary character.
 */
export function parseArnPattern(raw: string, bindings?: Record<string, string>): ArnPattern {
  return scan(raw, 'policy', bindings);
}

/**
 * Reads an ARN format from the action catalog (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`)
 * as a pattern: every `${...}` becomes `*` (a `seg`, which spells no `/` or `:`, for the variables
 * of SEGMENT_VARIABLE), and one that is a whole field before the resource part a `segOne` and a
 * `seg`, at least one character (SEG_ONE); a `*` or `?` written in the format is a wildcard.
 */
export function arnFormatToPattern(format: string): ArnPattern {
  return scan(format, 'format');
}

/** Characters that can start something other than a literal character in scan(). */
const SPECIAL = /[*?$<{]/;
const NONE: readonly string[] = [];

/**
 * A pattern of literal characters only (most policy resources: `arn:aws:s3:::my-bucket/*` is not
 * one, `arn:aws:ec2:us-east-1:123456789012:instance/i-0abc` is). Its canonical text is its raw
 * text, and its tokens are made only when containment needs them: intersection and the checks
 * that run per resource read the text (see intersectForm).
 */
class LiteralPattern implements ArnPattern {
  private t: readonly ArnToken[] | undefined;
  constructor(readonly raw: string) {}
  get tokens(): readonly ArnToken[] {
    return (this.t ??= Array.from(this.raw, charToken));
  }
  get canonical(): string {
    return this.raw;
  }
  get variables(): readonly string[] {
    return NONE;
  }
  get unboundPlaceholders(): readonly string[] {
    return NONE;
  }
}

function scan(raw: string, mode: 'policy' | 'format', bindings?: Record<string, string>): ArnPattern {
  if (raw === '*' && mode === 'policy') return everyResource(bindings);
  return SPECIAL.test(raw) ? scanTokens(raw, mode, bindings) : new LiteralPattern(raw);
}

/**
 * A policy's `*`, one object per bindings (patterns are never changed once read): the comparisons
 * keep their answers per pattern object, and a plan's thousands of statements on `*` then share
 * them rather than compare each statement's own `*` again (the 5,000-policy diverse plan: 213
 * objects, 9,838 comparisons of 14 pairs).
 */
let everyUnbound: ArnPattern | undefined;
const everyBound = new WeakMap<Record<string, string>, ArnPattern>();
function everyResource(bindings: Record<string, string> | undefined): ArnPattern {
  if (!bindings) return (everyUnbound ??= scanTokens('*', 'policy'));
  let p = everyBound.get(bindings);
  if (!p) everyBound.set(bindings, (p = scanTokens('*', 'policy', bindings)));
  return p;
}

/** parseArnPattern without the fast path for literal text (tests compare the two). */
export function parseArnPatternTokens(raw: string): ArnPattern {
  return scanTokens(raw, 'policy');
}

function scanTokens(raw: string, mode: 'policy' | 'format', bindings?: Record<string, string>): ArnPattern {
  const cs = Array.from(raw);
  const out: ArnToken[] = [];
  const variables: string[] = [];
  const unbound: string[] = [];
  /** In a format: the `:`s read so far (the field a token is in). */
  let colons = 0;
  const service = mode === 'format' ? (raw.split(':')[2] ?? '') : '';
  const free = Object.hasOwn(FREE_IDS, service) ? FREE_IDS[service] : undefined;
  let i = 0;
  while (i < cs.length) {
    const c = cs[i]!;
    if (c === '$' && cs[i + 1] === '{') {
      const close = cs.indexOf('}', i + 2);
      const body = close < 0 ? '' : cs.slice(i + 2, close).join('');
      if (close >= 0 && body.trim() !== '') {
        if (mode === 'format') {
          if (colons >= 1 && colons <= 4 && cs[i - 1] === ':' && cs[close + 1] === ':')
            out.push(SEG_ONE, SEG);
          else {
            const name = body.trim();
            out.push(SEGMENT_VARIABLE.test(name) && !free?.includes(name) ? SEG : STAR);
          }
        } else if (body === '*' || body === '?' || body === '$') {
          out.push(charToken(body));
        } else {
          const comma = body.indexOf(',');
          const name = (comma < 0 ? body : body.slice(0, comma)).trim().toLowerCase();
          out.push({ kind: 'var', name });
          if (!variables.includes(name)) variables.push(name);
        }
        i = close + 1;
        continue;
      }
    } else if ((c === '<' || c === '{') && mode === 'policy') {
      const end = c === '<' ? '>' : '}';
      let close = -1;
      for (let j = i + 1; j < cs.length; j++) {
        if (cs[j] === end) {
          close = j;
          break;
        }
        if (cs[j] === c) break;
      }
      if (close > i + 1 && (c === '<' || BRACE_PLACEHOLDER.test(cs.slice(i + 1, close).join('')))) {
        const key = cs.slice(i, close + 1).join('');
        const value = bindings !== undefined && Object.hasOwn(bindings, key) ? bindings[key] : undefined;
        if (value !== undefined) {
          for (const ch of value) out.push(charToken(ch));
        } else {
          out.push(STAR);
          if (!unbound.includes(key)) unbound.push(key);
        }
        i = close + 1;
        continue;
      }
    }
    if (c === ':') colons++;
    out.push(c === '*' ? STAR : c === '?' ? ONE : charToken(c));
    i++;
  }
  const tokens = normalise(out);
  return { raw, tokens, canonical: tokensToText(tokens), variables, unboundPlaceholders: unbound, bindings };
}

/** Collapses `*` runs and writes each run of wildcards as its `?`s followed by at most one `*`. */
function normalise(tokens: readonly ArnToken[]): readonly ArnToken[] {
  // No two wildcards in a row (scan's wildcards are the shared STAR and ONE): already normal.
  let wild = false;
  let runs = false;
  for (const t of tokens) {
    const w = t.kind === 'star' || t.kind === 'one';
    if (w && wild) {
      runs = true;
      break;
    }
    wild = w;
  }
  if (!runs) return tokens;
  const out: ArnToken[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind !== 'star' && t.kind !== 'one') {
      out.push(t);
      i++;
      continue;
    }
    let ones = 0;
    let star = false;
    while (i < tokens.length && (tokens[i]!.kind === 'star' || tokens[i]!.kind === 'one')) {
      if (tokens[i]!.kind === 'star') star = true;
      else ones++;
      i++;
    }
    for (let k = 0; k < ones; k++) out.push(ONE);
    if (star) out.push(STAR);
  }
  return out;
}

function tokensToText(tokens: readonly ArnToken[]): string {
  // Joined, not concatenated: a string built by `+=` a character at a time is a rope of one node
  // per character, kept as long as the pattern is.
  const s: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'star' || t.kind === 'seg') s.push('*');
    else if (t.kind === 'one' || t.kind === 'segOne') s.push('?');
    else if (t.kind === 'var') s.push(`\${${t.name}}`);
    else s.push(t.ch === '*' || t.ch === '?' || t.ch === '$' ? `\${${t.ch}}` : t.ch);
  }
  return s.join('');
}

/** True when the pattern matches every string (it is `*`, possibly written as `**` or `<placeholder>`). */
export function isAll(p: ArnPattern): boolean {
  if (p instanceof LiteralPattern) return false;
  return p.tokens.length === 1 && p.tokens[0]!.kind === 'star';
}

// ---------------------------------------------------------------------------------------------
// Containment

/** A maximal run of non-`*` outer tokens that must be placed on inner tokens one for one. */
interface Block {
  /** At least this many characters of the inner pattern must lie between the previous block and this one. */
  gap: number;
  tokens: readonly ArnToken[];
}

/**
 * Splits a pattern with at least one `*` into head, middle blocks and tail, moving every `?` that
 * touches a `*` into that `*`'s gap count: `a?*?b*c` -> head `a`, gap 2, block `b`, gap 0, tail `c`.
 * (`?*` and `*?` both mean "at least one character", wherever the character falls.)
 */
function blocksOf(tokens: readonly ArnToken[]): { head: readonly ArnToken[]; mids: Block[]; tail: Block } {
  const parts: ArnToken[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'star') parts.push([]);
    else parts[parts.length - 1]!.push(t);
  }
  const last = parts.length - 1;
  let carry = 0;
  let head = parts[0]!;
  let h = head.length;
  while (h > 0 && head[h - 1]!.kind === 'one') h--;
  carry += head.length - h;
  head = head.slice(0, h);
  const mids: Block[] = [];
  for (let i = 1; i < last; i++) {
    const part = parts[i]!;
    let a = 0;
    while (a < part.length && part[a]!.kind === 'one') a++;
    carry += a;
    if (a === part.length) continue; // only `?`s: the two gaps merge
    let b = part.length;
    while (part[b - 1]!.kind === 'one') b--;
    mids.push({ gap: carry, tokens: part.slice(a, b) });
    carry = part.length - b;
  }
  const tailPart = parts[last]!;
  let a = 0;
  while (a < tailPart.length && tailPart[a]!.kind === 'one') a++;
  return { head, mids, tail: { gap: carry + a, tokens: tailPart.slice(a) } };
}

/** Does one outer token (not `*`) cover one inner token: every value of `inner` is a value of `outer`? */
function covers(outer: ArnToken, inner: ArnToken): boolean {
  switch (outer.kind) {
    case 'char':
      return inner.kind === 'char' && inner.ch === outer.ch;
    case 'one':
      return inner.kind === 'char' || inner.kind === 'one';
    case 'var':
      return inner.kind === 'var' && inner.name === outer.name;
    default:
      return false;
  }
}

function blockAt(
  block: readonly ArnToken[],
  inner: readonly ArnToken[],
  at: number,
  stats?: MatchStats,
): boolean {
  for (let k = 0; k < block.length; k++) {
    if (stats) stats.steps++;
    if (!covers(block[k]!, inner[at + k]!)) return false;
  }
  return true;
}

function containsTokens(outer: readonly ArnToken[], inner: readonly ArnToken[], stats?: MatchStats): boolean {
  const m = inner.length;
  if (!outer.some((t) => t.kind === 'star')) {
    // A fixed-length outer pattern: the inner one must be fixed-length too, covered token by token.
    return outer.length === m && blockAt(outer, inner, 0, stats);
  }
  const { head, mids, tail } = blocksOf(outer);
  // minLen[i]: the fewest characters inner[0..i) can stand for (a `*` or a variable may be empty).
  const minLen = new Array<number>(m + 1);
  minLen[0] = 0;
  for (let i = 0; i < m; i++) {
    const k = inner[i]!.kind;
    minLen[i + 1] = minLen[i]! + (k === 'char' || k === 'one' ? 1 : 0);
  }
  if (head.length + tail.tokens.length > m) return false;
  if (!blockAt(head, inner, 0, stats)) return false;
  const end = m - tail.tokens.length;
  if (!blockAt(tail.tokens, inner, end, stats)) return false;
  let pos = head.length;
  for (const block of mids) {
    const len = block.tokens.length;
    let at = pos;
    while (at <= end && minLen[at]! - minLen[pos]! < block.gap) at++;
    let found = -1;
    for (; at + len <= end; at++) {
      if (blockAt(block.tokens, inner, at, stats)) {
        found = at;
        break;
      }
    }
    if (found < 0) return false;
    pos = found + len;
  }
  return minLen[end]! - minLen[pos]! >= tail.gap;
}

/**
 * True iff every string `inner` matches is matched by `outer` (L(inner) ⊆ L(outer)): the policy's
 * resource is no broader than the baseline's when `arnContains(baseline, policy)`.
 *
 * A variable in `inner` is an unknown value: only an outer `*` (it may stand for anything) or the same
 * variable at the same place covers it. A variable in `outer` covers only the same variable. Both
 * rules are conservative: the answer is never true when some values of the variables would make it false.
 *
 * The method is the glob match of `outer` against `inner`'s tokens, as in glob.ts: the outer `*`s cut
 * it into fixed-length blocks of per-token tests (a `?` covers a character or a `?`, a character only
 * itself), the head anchored at the start, the tail at the end, and each middle block placed at its
 * leftmost possible position. One refinement makes it exact rather than merely sound: a `?` next to
 * a `*` is not tied to a place. `?*` and `*?` both mean "at least one more character", and that
 * character may come from anywhere in the inner text the `*` spans (`*a` ⊆ `?*`: the `?` is the final
 * `a`; `a*b` ⊆ `a?*`: the `?` is somewhere in `*b`). So such `?`s are counted into the gap their `*`
 * spans and the check is that the inner tokens spanned can never be shorter than that count (an inner
 * `*` or variable counts as 0 characters). Blocks then start and end with a character or a variable,
 * which can only be placed on inner characters or variables, never across an inner `*`. Leftmost
 * placement stays optimal because moving a block left never shortens the inner text left for the
 * gaps after it. Cost: O(|inner|·|outer|) token tests in the worst case.
 */
export function arnContains(outer: ArnPattern, inner: ArnPattern, stats?: MatchStats): boolean {
  return containsTokens(starForSeg(outer.tokens), starForSeg(inner.tokens), stats);
}

/**
 * Containment and matching read a catalog format's `seg` as `*` and `segOne` as `?` (formats are
 * only intersected; a `segOne` is always followed by a `seg`, so the `?*` is in normal order).
 */
function starForSeg(tokens: readonly ArnToken[]): readonly ArnToken[] {
  return tokens.some((t) => t.kind === 'seg')
    ? tokens.map((t) => (t.kind === 'seg' ? STAR : t.kind === 'segOne' ? ONE : t))
    : tokens;
}

/**
 * True iff `pattern` matches the concrete ARN `concrete` (case-sensitive; every character of
 * `concrete` is literal, `*` included). A policy variable in the pattern matches nothing here, since
 * its value is unknown: substitute known values (bindings) before asking.
 */
export function arnMatches(pattern: ArnPattern, concrete: string, stats?: MatchStats): boolean {
  const inner: ArnToken[] = [];
  for (const ch of concrete) inner.push(charToken(ch));
  return containsTokens(starForSeg(pattern.tokens), inner, stats);
}

// ---------------------------------------------------------------------------------------------
// Intersection

/**
 * True iff some string matches both patterns (variables read as `*`, an over-approximation, which is
 * the safe side for "can this statement apply to that resource type"). A dynamic programme over the
 * two token sequences with one rolling row: cell (i, j) says a[0..i) and b[0..j) can spell the same
 * string. A `*` ends (moves on without a character) or absorbs a character the other side spells;
 * two `*`s never need to absorb the same character (dropping it leaves a shorter common string).
 * O(|a|·|b|) steps.
 */
export function arnIntersects(a: ArnPattern, b: ArnPattern, stats?: MatchStats): boolean {
  const fa = intersectForm(a);
  const fb = intersectForm(b);
  if (stats) {
    stats.steps += (fa.kinds.length + 1) * (fb.kinds.length + 1);
    return intersectRange(fa, 0, fa.kinds.length, fb, 0, fb.kinds.length);
  }
  // Quick exact answers for the common case, a policy's resource against the ARN formats of other
  // services or resource types: both patterns fix the third `:`-separated field (the service) and
  // they differ; or both fix where the sixth field starts (the resource part) and its leading
  // characters differ.
  if (fa.service !== null && fb.service !== null && fa.service !== fb.service) return false;
  if (fa.colons === null || fb.colons === null)
    return intersectRange(fa, 0, fa.kinds.length, fb, 0, fb.kinds.length);
  const pa = fa.resourcePrefix!;
  const pb = fb.resourcePrefix!;
  const k = Math.min(pa.length, pb.length);
  for (let i = 0; i < k; i++) if (pa[i] !== pb[i]) return false;
  // Both place the first five `:`s of every string they match at fixed tokens, so a common string
  // exists iff each pair of fields between them has one, and the rests do.
  let a0 = 0;
  let b0 = 0;
  for (let f = 0; f < 5; f++) {
    const a1 = fa.colons[f]!;
    const b1 = fb.colons[f]!;
    if (!intersectRange(fa, a0, a1, fb, b0, b1)) return false;
    a0 = a1 + 1;
    b0 = b1 + 1;
  }
  return intersectRange(fa, a0, fa.kinds.length, fb, b0, fb.kinds.length);
}

/**
 * Does some string match both a.tokens[a0..a1) and b.tokens[b0..b1)? A dynamic programme over the
 * two token sequences with one rolling row: cell (i, j) says the first i tokens of a's range and
 * the first j of b's can spell the same string. A `*` ends (moves on without a character) or
 * absorbs a character the other side spells; two `*`s never need to absorb the same character
 * (dropping it leaves a shorter common string). O(|a|·|b|) steps.
 */
/** Scratch rows of intersectRange. */
let rowA = new Uint8Array(64);
let rowB = new Uint8Array(64);

function intersectRange(
  fa: IntersectForm,
  a0: number,
  a1: number,
  fb: IntersectForm,
  b0: number,
  b1: number,
): boolean {
  const ak = fa.kinds;
  const ac = fa.chars;
  const bk = fb.kinds;
  const bc = fb.chars;
  // Leading tokens that spell one character each (no star on either side) pair up one for one: a
  // common string starts with a character both spell, and the rest must meet.
  while (a0 < a1 && b0 < b1) {
    const ka = ak[a0]!;
    const kb = bk[b0]!;
    if (ka === K_STAR || ka === K_SEG || kb === K_STAR || kb === K_SEG) break;
    if (!spellAlike(ka, ac[a0]!, kb, bc[b0]!)) return false;
    a0++;
    b0++;
  }
  // The same from the end: the last character of a common string is spelled by both last tokens.
  while (a0 < a1 && b0 < b1) {
    const ka = ak[a1 - 1]!;
    const kb = bk[b1 - 1]!;
    if (ka === K_STAR || ka === K_SEG || kb === K_STAR || kb === K_SEG) break;
    if (!spellAlike(ka, ac[a1 - 1]!, kb, bc[b1 - 1]!)) return false;
    a1--;
    b1--;
  }
  // One wildcard against anything (the catalog's `${Region}` field against a policy's region, or
  // what the pairing leaves of `instance/${InstanceId}` against `instance/i-0abc`): a `*` meets
  // every range (every range spells some string); a `seg` every range whose characters it can
  // absorb (a `seg` may be empty, the other side's wildcards spell no `/`, `:`).
  if (a1 - a0 === 1 && (ak[a0] === K_STAR || ak[a0] === K_SEG))
    return ak[a0] === K_STAR || absorbsAll(bk, bc, b0, b1);
  if (b1 - b0 === 1 && (bk[b0] === K_STAR || bk[b0] === K_SEG))
    return bk[b0] === K_STAR || absorbsAll(ak, ac, a0, a1);
  const n = a1 - a0;
  const m = b1 - b0;
  // Without a star on either side the programme is its diagonal: the same length, token by token.
  let stars = false;
  for (let i = a0; i < a1 && !stars; i++) if (ak[i] === K_STAR || ak[i] === K_SEG) stars = true;
  for (let j = b0; j < b1 && !stars; j++) if (bk[j] === K_STAR || bk[j] === K_SEG) stars = true;
  if (!stars) {
    if (n !== m) return false;
    for (let i = 0; i < n; i++)
      if (!spellAlike(ak[a0 + i]!, ac[a0 + i]!, bk[b0 + i]!, bc[b0 + i]!)) return false;
    return true;
  }
  // Two rows of scratch, shared between calls (every cell read below is written first in this call).
  if (rowA.length < m + 1) {
    rowA = new Uint8Array(2 * (m + 1));
    rowB = new Uint8Array(2 * (m + 1));
  }
  let prev = rowA;
  let cur = rowB;
  for (let i = 0; i <= n; i++) {
    const ka = i > 0 ? ak[a0 + i - 1]! : -1;
    const ca = i > 0 ? ac[a0 + i - 1]! : -1;
    const aStar = ka === K_STAR || ka === K_SEG;
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) {
        cur[0] = 1;
        continue;
      }
      const kb = j > 0 ? bk[b0 + j - 1]! : -1;
      const cb = j > 0 ? bc[b0 + j - 1]! : -1;
      const bStar = kb === K_STAR || kb === K_SEG;
      let ok = 0;
      if (aStar) {
        // a's star ends here, or it absorbs the character b's last token spells
        ok = prev[j]! || (j > 0 && !bStar && absorbs(ka, kb, cb) ? cur[j - 1]! : 0);
      }
      if (!ok && bStar) {
        ok = cur[j - 1]! || (i > 0 && !aStar && absorbs(kb, ka, ca) ? prev[j]! : 0);
      }
      if (!ok && i > 0 && j > 0 && !aStar && !bStar) {
        ok = prev[j - 1]! && spellAlike(ka, ca, kb, cb) ? 1 : 0;
      }
      cur[j] = ok;
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]! === 1;
}

/**
 * The third `:`-separated field (the service) of every string a pattern matches, when the fields
 * before it are fixed (characters other than `:`, or catalog `seg`s, which never spell `:`), else
 * null: `arn:${Partition}:ec2:...` -> `ec2`, `arn:*:s3:::b` -> null. Two patterns with different
 * such fields do not intersect (arnIntersects answers so first). Case-sensitive, as written.
 */
export function arnServiceField(p: ArnPattern): string | null {
  if (p instanceof LiteralPattern) return literalFields(p.raw).service;
  return intersectForm(p).service;
}

/** The service field and resource prefix of literal text (as literalForm finds them), without its form. */
function literalFields(raw: string): { service: string | null; resourcePrefix: string | null } {
  let at = -1;
  let colons = 0;
  let second = -1;
  let service: string | null = null;
  while (colons < 5 && (at = raw.indexOf(':', at + 1)) >= 0) {
    colons++;
    if (colons === 2) second = at;
    else if (colons === 3) service = raw.slice(second + 1, at);
  }
  return { service, resourcePrefix: colons === 5 ? raw.slice(at + 1) : null };
}

/** True for a pattern of literal characters only (no wildcard, variable or placeholder). */
export function isLiteral(p: ArnPattern): boolean {
  return p instanceof LiteralPattern;
}

/** What formatMatcher gives: a test of literal text (a RegExp is one). */
export interface LiteralMatcher {
  test(text: string): boolean;
}

const formatMatchers = new WeakMap<ArnPattern, LiteralMatcher>();

/**
 * For a catalog ARN format (arnFormatToPattern, the catalog's own text: never a policy's), a test
 * that matches literal text exactly when `arnIntersects(format, literal)`: `seg` is `[^/:]*`,
 * `segOne` `[^/:]`, `*` any run, `?` one code point, a character itself. A format with at most
 * one `*` gets a regular expression (whose work is then at most quadratic in the text, which
 * callers keep short: a `seg` cannot cross a `/` or `:`, and no field of a catalog format holds
 * more than two wildcards); one with more (some have six), whose expression could backtrack for a
 * long time on text made to nearly match, gets a TokenMatcher, linear in the text times the
 * states alive at once.
 */
export function formatMatcher(format: ArnPattern): LiteralMatcher {
  let m = formatMatchers.get(format);
  if (m === undefined) {
    if (format.tokens.filter((t) => t.kind === 'star' || t.kind === 'var').length > 1)
      m = new TokenMatcher(format.tokens);
    else {
      const parts: string[] = [];
      for (const t of format.tokens) {
        if (t.kind === 'seg') parts.push('[^/:]*');
        else if (t.kind === 'segOne') parts.push('[^/:]');
        else if (t.kind === 'star' || t.kind === 'var') parts.push('[^]*');
        else if (t.kind === 'one') parts.push('[^]');
        else parts.push(t.ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'));
      }
      m = new RegExp(`^${parts.join('')}$`, 'u');
    }
    formatMatchers.set(format, m);
  }
  return m;
}

/**
 * A pattern's tokens (kinds as for intersection, below) run as a set of states over the text's
 * code points (a Thompson simulation): state j means the first j tokens match what was read. Each
 * code point moves every live state once, and a state is live at most once, so the work is at
 * most the text's length times the tokens, whatever the text: nothing is tried twice, nothing
 * backtracks.
 */
class TokenMatcher implements LiteralMatcher {
  private readonly kinds: Uint8Array;
  /** The code point of each `char` token. */
  private readonly points: Int32Array;
  private cur: Int32Array;
  private next: Int32Array;
  /** Per state, the step that last made it live (dedup without clearing). */
  private readonly seen: Int32Array;
  private step = 0;

  constructor(tokens: readonly ArnToken[]) {
    const m = tokens.length;
    this.kinds = new Uint8Array(m);
    this.points = new Int32Array(m);
    tokens.forEach((t, j) => {
      if (t.kind === 'char') this.points[j] = t.ch.codePointAt(0)!;
      this.kinds[j] = kindOf(t);
    });
    this.cur = new Int32Array(m + 1);
    this.next = new Int32Array(m + 1);
    this.seen = new Int32Array(m + 1).fill(-1);
  }

  /** Adds state j, and the states after the runs that may match nothing from it, to `into`. */
  private add(into: Int32Array, n: number, j: number): number {
    const { kinds, seen, step } = this;
    const m = kinds.length;
    for (;;) {
      if (seen[j] === step) return n;
      seen[j] = step;
      into[n++] = j;
      if (j === m || (kinds[j] !== K_STAR && kinds[j] !== K_SEG)) return n;
      j++;
    }
  }

  test(text: string): boolean {
    const { kinds, points } = this;
    const m = kinds.length;
    // The stamps start again before they could overflow (they only need to differ between steps).
    if (this.step > 0x3fffffff) {
      this.seen.fill(-1);
      this.step = 0;
    }
    let cur = this.cur;
    let next = this.next;
    let n = this.add(cur, 0, 0);
    for (let i = 0; i < text.length && n > 0;) {
      const c = text.codePointAt(i)!;
      i += c > 0xffff ? 2 : 1;
      this.step++;
      let k = 0;
      for (let x = 0; x < n; x++) {
        const j = cur[x]!;
        if (j === m) continue;
        const kind = kinds[j]!;
        if (kind === K_CHAR) {
          if (points[j] === c) k = this.add(next, k, j + 1);
        } else if (kind === K_ONE) k = this.add(next, k, j + 1);
        else if (kind === K_SEG_ONE) {
          if (c !== SLASH && c !== COLON) k = this.add(next, k, j + 1);
        } else if (kind === K_STAR || (c !== SLASH && c !== COLON)) k = this.add(next, k, j);
      }
      const swap = cur;
      cur = next;
      next = swap;
      n = k;
    }
    this.step++;
    for (let x = 0; x < n; x++) if (cur[x] === m) return true;
    return false;
  }
}

/**
 * The characters the resource part (sixth field) of every string a pattern matches starts with, when
 * the first five `:`s are fixed (see IntersectForm), else null. Two patterns whose prefixes differ
 * within their common length do not intersect (arnIntersects answers so first).
 */
export function arnResourcePrefix(p: ArnPattern): string | null {
  if (p instanceof LiteralPattern) return literalFields(p.raw).resourcePrefix;
  return intersectForm(p).resourcePrefix;
}

// Token kinds for intersection: a variable reads as a star there.
const K_CHAR = 0;
const K_ONE = 1;
const K_STAR = 2;
const K_SEG = 3;
/** A catalog `segOne`: one character, not `/` or `:`. */
const K_SEG_ONE = 4;
const SLASH = 47;
const COLON = 58;

function kindOf(t: ArnToken): number {
  switch (t.kind) {
    case 'char':
      return K_CHAR;
    case 'one':
      return K_ONE;
    case 'seg':
      return K_SEG;
    case 'segOne':
      return K_SEG_ONE;
    default:
      return K_STAR;
  }
}

/**
 * Can two tokens that spell one character each (K_CHAR, K_ONE, K_SEG_ONE) spell the same one?
 * Two characters if equal; a `segOne` and a character if that is not `/` or `:`; else always.
 */
function spellAlike(ka: number, ca: number, kb: number, cb: number): boolean {
  if (ka === K_CHAR) return kb === K_CHAR ? ca === cb : kb !== K_SEG_ONE || (ca !== SLASH && ca !== COLON);
  return kb !== K_CHAR || ka !== K_SEG_ONE || (cb !== SLASH && cb !== COLON);
}

/**
 * arnServiceField and arnResourcePrefix of arnFormatToPattern(format), read from the format's text
 * without making its pattern: the catalog index (grant-sets.ts) sorts every format of the catalog
 * by these two, and parses only the formats a resource is then checked against. The same
 * tokens as scan() in 'format' mode (`${Name}` a `seg` or `*`, a whole field's `segOne` and `seg`
 * as one `seg`, `*`, `?`, any other character literal) and the same fields as intersectForm;
 * __tests__ compare the two on every catalog format.
 */
export function arnFormatFields(format: string): { service: string | null; resourcePrefix: string | null } {
  let service: string | null = null;
  let field = 0;
  let i = 0;
  let start = 0;
  /** The kind of the token at i (K_CHAR, K_SEG or K_STAR for `*` and `?` alike), and its end. */
  let end = 0;
  const token = (): number => {
    const c = format.charCodeAt(i);
    end = i + 1;
    if (c === 42 /* * */ || c === 63 /* ? */) return K_STAR;
    if (c === 36 /* $ */ && format.charCodeAt(i + 1) === 123 /* { */) {
      const close = format.indexOf('}', i + 2);
      const body = close < 0 ? '' : format.slice(i + 2, close).trim();
      if (body !== '') {
        end = close + 1;
        // A whole field (SEG_ONE) is a `segOne` and a `seg`: as a `seg` here.
        const whole = format.charCodeAt(i - 1) === COLON && format.charCodeAt(end) === COLON;
        return whole || SEGMENT_VARIABLE.test(body) ? K_SEG : K_STAR;
      }
    }
    return K_CHAR;
  };
  for (; i < format.length && field < 5; i = end) {
    const k = token();
    if (k === K_CHAR) {
      if (format.charCodeAt(i) !== COLON) continue;
      if (field === 2) service = format.slice(start, i);
      field++;
      start = end;
      continue;
    }
    if (k === K_SEG && field !== 2) continue;
    return { service, resourcePrefix: null };
  }
  if (field < 5) return { service, resourcePrefix: null };
  const from = i;
  while (i < format.length && token() === K_CHAR) i = end;
  return { service, resourcePrefix: format.slice(from, i) };
}

/** Can a star (K_STAR, or K_SEG which never spells `/` or `:`) absorb a token of kind `k`, character `c`? */
function absorbs(star: number, k: number, c: number): boolean {
  return star === K_STAR || k !== K_CHAR || (c !== SLASH && c !== COLON);
}

/** Are none of the characters in kinds/chars [from, to) a `/` or `:` (can a `seg` spell the range)? */
function absorbsAll(kinds: Uint8Array, chars: Int32Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++)
    if (kinds[i] === K_CHAR && (chars[i] === SLASH || chars[i] === COLON)) return false;
  return true;
}

interface IntersectForm {
  kinds: Uint8Array;
  /** Code point of each K_CHAR token (-1 otherwise). */
  chars: Int32Array;
  /** The third `:`-separated field every matched string has (the service), or null. */
  service: string | null;
  /**
   * When the first five `:`s of every matched string come from fixed tokens (characters other
   * than `:`, and catalog `seg`s, which never spell `:`), the characters the sixth field (the
   * resource part) starts with; null otherwise.
   */
  resourcePrefix: string | null;
  /** With resourcePrefix: the token indices of those five `:`s. */
  colons: number[] | null;
}

const intersectForms = new WeakMap<ArnPattern, IntersectForm>();

function intersectForm(p: ArnPattern): IntersectForm {
  if (p instanceof LiteralPattern) {
    // Not kept on the pattern (an organisation's resources are mostly distinct, and patterns are
    // kept by their builder): only the last one's, which is what a run of checks of one resource
    // against many formats reads again.
    if (lastLiteral !== p) {
      lastLiteralForm = literalForm(p.raw);
      lastLiteral = p;
    }
    return lastLiteralForm!;
  }
  let f = intersectForms.get(p);
  if (f) return f;
  const t = p.tokens;
  const kinds = new Uint8Array(t.length);
  const chars = new Int32Array(t.length);
  t.forEach((tok, i) => {
    chars[i] = tok.kind === 'char' ? tok.ch.codePointAt(0)! : -1;
    kinds[i] = kindOf(tok);
  });
  // Fields: only characters (and segs in the first two and the fourth and fifth) up to each `:`.
  let service: string | null = null;
  let resourcePrefix: string | null = null;
  let field = 0;
  // (characters joined, not concatenated one by one: the strings stay flat, see tokensToText)
  const text: string[] = [];
  let i = 0;
  const colons: number[] = [];
  for (; i < t.length && field < 5; i++) {
    const tok = t[i]!;
    if (tok.kind === 'char' && tok.ch === ':') {
      if (field === 2) service = text.join('');
      colons.push(i);
      field++;
      continue;
    }
    if (tok.kind === 'char') {
      if (field === 2) text.push(tok.ch);
      continue;
    }
    if ((tok.kind === 'seg' || tok.kind === 'segOne') && field !== 2) continue;
    break;
  }
  if (field === 5) {
    const prefix: string[] = [];
    for (; i < t.length; i++) {
      const tok = t[i]!;
      if (tok.kind !== 'char') break;
      prefix.push(tok.ch);
    }
    resourcePrefix = prefix.join('');
  }
  f = { kinds, chars, service, resourcePrefix, colons: resourcePrefix === null ? null : colons };
  intersectForms.set(p, f);
  return f;
}

let lastLiteral: LiteralPattern | undefined;
let lastLiteralForm: IntersectForm | undefined;

/** intersectForm of a pattern of literal characters, read from its text (the same answers). */
function literalForm(raw: string): IntersectForm {
  let chars = new Int32Array(raw.length);
  let n = 0;
  const colons: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (c === COLON && colons.length < 5) colons.push(n);
    chars[n++] = c;
  }
  if (n < chars.length) chars = chars.slice(0, n);
  // Every token a character (K_CHAR is 0, the Uint8Array's fill).
  const { service, resourcePrefix } = literalFields(raw);
  return {
    kinds: new Uint8Array(n),
    chars,
    service,
    resourcePrefix,
    colons: resourcePrefix === null ? null : colons,
  };
}

// ---------------------------------------------------------------------------------------------
// Placeholders in their own fields

/** Stands for a placeholder's value in a resource's text (a character no ARN holds). */
const VALUE_MARK = '\u0001';
/** A format field of variables only (`${Region}`, `${Account}`): a value, never empty in an ARN. */
const FORMAT_VALUE = /^(\$\{[A-Za-z0-9]+\})+$/;
/** A field that may reach past a `:` (a wildcard, a policy variable). */
const OPEN_FIELD = /[*?$]/;
/** placeholderFieldsMeet per pattern and ARN format text. */
const fieldsCache = new WeakMap<ArnPattern, Map<string, boolean>>();

/**
 * Whether a pattern with unbound placeholders can meet an ARN format once each placeholder is read
 * as one value in its own place (it does not cross a `:`), where arnIntersects reads it as `*`:
 * `arn:aws:s3:<region>::<bucket>/*` meets `arn:${Partition}:s3:${Region}:${Account}:storage-lens-group/${Name}`
 * as `*`, its `<region>` reaching past a colon into the account, but its account is fixed (empty),
 * and a storage lens group's is not. (With the first five colons fixed, as in
 * `arn:aws:s3:::<datalake>/<prefix>/*`, arnIntersects itself compares the fields, and a format's
 * whole-field variable needs a value: SEG_ONE.) The fields before the resource part are compared
 * up to the first one that holds a wildcard or a variable (it may reach past a colon); a format
 * field that is variables only needs a value there. True for a pattern without placeholders
 * (nothing to add to arnIntersects), for text that is not an ARN, and whenever this cannot tell;
 * it only narrows, never widens, what arnIntersects says. The values stay lenient: this is about
 * the resource type.
 */
export function placeholderFieldsMeet(p: ArnPattern, format: string): boolean {
  if (p.unboundPlaceholders.length === 0) return true;
  let byFormat = fieldsCache.get(p);
  if (!byFormat) fieldsCache.set(p, (byFormat = new Map()));
  let hit = byFormat.get(format);
  if (hit !== undefined) return hit;
  hit = true;
  let text = p.raw;
  for (const k of p.unboundPlaceholders) text = text.split(k).join(VALUE_MARK);
  const fields = text.split(':');
  const wanted = format.split(':');
  if (fields[0] === 'arn' && fields.length >= 6 && wanted.length >= 6) {
    let closed = true;
    for (let i = 1; i < 5; i++) {
      const f = fields[i]!;
      if (OPEN_FIELD.test(f)) {
        closed = false;
        break;
      }
      const w = wanted[i]!;
      // A placeholder is one value, never empty: it names nothing of a format whose field is
      // empty (`…:<account>:image/*` names no AMI: an image's ARN has no account).
      if (f.includes(VALUE_MARK)) {
        if (w === '') {
          hit = false;
          break;
        }
        continue;
      }
      if (FORMAT_VALUE.test(w) ? f === '' : !w.includes('${') && f !== w) {
        hit = false;
        break;
      }
    }
    // The fields before the resource part hold no wildcard: the resource parts are compared on
    // their own, so a placeholder of the account does not reach into the resource part
    // (`arn:aws:iam::<account>:role/*` names no instance profile, as `arn:aws:iam::123:role/*`).
    // There a placeholder is one name, within its segment (no `/` or `:`): a bucket
    // `arn:aws:s3:::<bucket>` names no object, as `arn:aws:s3:::my-bucket` (read as a format's
    // segment variable; the text's own `*`, `?` and policy variables read as they do anyway).
    if (hit && closed) {
      const mine = fields.slice(5).join(':').split(VALUE_MARK).join('${Id}');
      hit = arnIntersects(arnFormatToPattern(wanted.slice(5).join(':')), arnFormatToPattern(mine));
    }
  }
  byFormat.set(format, hit);
  return hit;
}

/**
 * Whether a resource pattern can name a resource of an ARN format of the catalog (its pattern and
 * its text): arnIntersects, with the resource's placeholders kept to their own fields
 * (placeholderFieldsMeet). The one test of a resource against a resource type's format.
 */
export function meetsFormat(format: ArnPattern, formatText: string, resource: ArnPattern): boolean {
  return arnIntersects(format, resource) && placeholderFieldsMeet(resource, formatText);
}

/** Stands for a placeholder's one value while a Deny is compared (a character no ARN holds). */
const ONE_VALUE = '\u0001';

/**
 * Whether a Deny's resource surely covers a granted one. A placeholder of the Deny's text (`<name
 * of Logs>`, a resource CloudFormation or Terraform names) is one value, not `*`: a Deny of
 * `arn:aws:s3:::<name of Logs>/x` removes a grant on that same text, not one on
 * `arn:aws:s3:::*` (which it only meets: reported, with the Deny's note).
 */
export function denyContains(deny: ArnPattern, granted: ArnPattern): boolean {
  if (deny.unboundPlaceholders.length === 0) return arnContains(deny, granted);
  const keys = placeholderKeys(deny, granted);
  return arnContains(oneValued(deny, keys), oneValued(granted, keys));
}

/** The unbound placeholders of two patterns, once each (the keys of oneValued). */
function placeholderKeys(a: ArnPattern, b: ArnPattern): string[] {
  return [...new Set([...a.unboundPlaceholders, ...b.unboundPlaceholders])];
}

/** The pattern with each placeholder of `keys` read as one value (its own mark), not `*`. */
function oneValued(p: ArnPattern, keys: readonly string[]): ArnPattern {
  if (keys.length === 0) return p;
  let raw = p.raw;
  keys.forEach((k, i) => (raw = raw.split(k).join(`${ONE_VALUE}${i}${ONE_VALUE}`)));
  return parseArnPattern(raw, p.bindings);
}

/**
 * The first six `:`-separated fields of an ARN as written (the sixth keeps its own colons), a `:`
 * inside a policy variable (`${aws:username}`) not counting; fewer when the text has fewer.
 */
export function arnFields(value: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < value.length && out.length < 5; i++) {
    if (value[i] === '$' && value[i + 1] === '{') {
      const close = value.indexOf('}', i + 2);
      if (close > 0) i = close;
      continue;
    }
    if (value[i] === ':') {
      out.push(value.slice(from, i));
      from = i + 1;
    }
  }
  out.push(value.slice(from));
  return out;
}

/**
 * An ARN pattern naming only resources both `a` and `b` name, as text, when one can be written
 * exactly enough: the narrower of the two when one contains the other (`a` when they are equal);
 * else the narrower of each pair of fields (`arn:aws:ec2:us-east-1:123456789012:*` and
 * `arn:aws:ec2:*:123456789012:instance/*` give `arn:aws:ec2:us-east-1:123456789012:instance/*`),
 * a text of fewer fields ending in `*` read as `*` in each missing one. Undefined when they name
 * nothing in common, or when some pair of fields is neither contained in the other. The result is
 * always contained in both (checked), so writing it never names more than either; placeholders
 * bound in the patterns are written as their values, unbound ones are one value each (as in
 * denyContains: `arn:aws:s3:::<name of Logs>/*` is one bucket, not every one) and written back as
 * they were.
 */
export function arnIntersection(a: ArnPattern, b: ArnPattern): string | undefined {
  const keys = placeholderKeys(a, b);
  const ta = boundText(a, keys);
  const tb = boundText(b, keys);
  const pa = parseArnPattern(ta);
  const pb = parseArnPattern(tb);
  const text = (t: string) => {
    let out = t;
    keys.forEach((k, i) => (out = out.split(`${ONE_VALUE}${i}${ONE_VALUE}`).join(k)));
    return out;
  };
  if (arnContains(pb, pa)) return text(ta);
  if (arnContains(pa, pb)) return text(tb);
  if (!arnIntersects(pa, pb)) return undefined;
  const fa = paddedFields(ta);
  const fb = paddedFields(tb);
  if (!fa || !fb) return undefined;
  const fields: string[] = [];
  for (let i = 0; i < 6; i++) {
    const x = parseArnPattern(fa[i]!);
    const y = parseArnPattern(fb[i]!);
    if (arnContains(y, x)) fields.push(fa[i]!);
    else if (arnContains(x, y)) fields.push(fb[i]!);
    else return undefined;
  }
  const joined = fields.join(':');
  const p = parseArnPattern(joined);
  return arnContains(pa, p) && arnContains(pb, p) ? text(joined) : undefined;
}

/** A pattern's text with its bound placeholders written as their values and `keys` as one-value marks. */
function boundText(p: ArnPattern, keys: readonly string[]): string {
  let raw = p.raw;
  for (const [k, v] of Object.entries(p.bindings ?? {})) raw = raw.split(k).join(v);
  keys.forEach((k, i) => (raw = raw.split(k).join(`${ONE_VALUE}${i}${ONE_VALUE}`)));
  return raw;
}

/** arnFields, six of them: a text of fewer ending in `*` gets `*` for each missing field (it names them all). */
function paddedFields(text: string): string[] | undefined {
  const f = arnFields(text);
  if (f.length === 6) return f;
  if (!f[f.length - 1]!.endsWith('*')) return undefined;
  while (f.length < 6) f.push('*');
  return f;
}

// ---------------------------------------------------------------------------------------------
// Containment within a third pattern

/** Stands for a character no pattern of a search writes (not `/` nor `:`). */
const OTHER = -1;
/** The character a witness (arnWitness) writes for OTHER, one no ARN holds. */
export const WITNESS_OTHER = '\u0002';
/** How many product states arnCoveredWithin and arnWitness visit before they give up. */
const WITHIN_BUDGET = 20000;

/**
 * A pattern as the product search reads it: per token, a character (its code point) or a wildcard
 * (`star`: any run; else one character) with the characters it may not spell; `never` for a
 * token that spells nothing (a policy variable of the covering pattern: its value is not known).
 */
interface Steps {
  ch: Int32Array;
  /** 0 a character, 1 one character, 2 a run, 3 nothing. */
  kind: Uint8Array;
  noColon: Uint8Array;
  noSlash: Uint8Array;
}

const stepsCache = new WeakMap<ArnPattern, Map<boolean, Steps>>();

/**
 * A pattern's steps. A pattern of an ARN's six fields or more (five `:` characters) is read field by
 * field, as IAM matches an ARN: a wildcard before its fifth `:` does not spell a `:` (the same
 * reading as literalFields in src/audit/engine.ts). A catalog `seg` spells neither `/` nor `:`.
 * A policy variable is a run in a pattern that is covered (any value), nothing in the covering one.
 */
function stepsOf(p: ArnPattern, covering: boolean): Steps {
  let byRole = stepsCache.get(p);
  if (!byRole) stepsCache.set(p, (byRole = new Map()));
  let s = byRole.get(covering);
  if (s) return s;
  const t = p.tokens;
  const n = t.length;
  s = {
    ch: new Int32Array(n),
    kind: new Uint8Array(n),
    noColon: new Uint8Array(n),
    noSlash: new Uint8Array(n),
  };
  let colons = 0;
  for (const tok of t) if (tok.kind === 'char' && tok.ch === ':') colons++;
  const fieldwise = t[0]?.kind === 'char' && colons >= 5;
  let seen = 0;
  for (let i = 0; i < n; i++) {
    const tok = t[i]!;
    const head = fieldwise && seen < 5 ? 1 : 0;
    switch (tok.kind) {
      case 'char':
        s.ch[i] = tok.ch.codePointAt(0)!;
        if (tok.ch === ':') seen++;
        break;
      case 'one':
        s.kind[i] = 1;
        s.noColon[i] = head;
        break;
      case 'segOne':
        s.kind[i] = 1;
        s.noColon[i] = s.noSlash[i] = 1;
        break;
      case 'seg':
        s.kind[i] = 2;
        s.noColon[i] = s.noSlash[i] = 1;
        break;
      case 'star':
        s.kind[i] = 2;
        s.noColon[i] = head;
        break;
      case 'var':
        s.kind[i] = covering ? 3 : 2;
        s.noColon[i] = head;
        break;
    }
  }
  byRole.set(covering, s);
  return s;
}

/**
 * A pattern's steps read as a deterministic automaton, made as it is explored (the subset
 * construction) and kept with the pattern: each state a set of steps, its moves by character.
 */
interface Dfa {
  steps: Steps;
  /** Each state's set of steps (sorted), and whether it accepts. */
  sets: number[][];
  accepts: boolean[];
  ids: Map<string, number>;
  /** Each state's moves: character -> state (-1: no string goes on). */
  moves: Map<number, number>[];
  /**
   * Per state, made when first asked (onlyLetters): the characters it moves on when its steps are
   * all characters (a literal pattern's every state), null when one is a wildcard (any letter may).
   */
  only: (ReadonlySet<number> | null | undefined)[];
}

const dfaCache = new WeakMap<ArnPattern, Map<boolean, Dfa>>();
/** A pattern's automaton keeps at most this many states; past it a search gives up. */
const DFA_STATES = 4096;

function dfaOf(p: ArnPattern, covering: boolean): Dfa {
  let byRole = dfaCache.get(p);
  if (!byRole) dfaCache.set(p, (byRole = new Map()));
  let d = byRole.get(covering);
  if (!d) {
    d = { steps: stepsOf(p, covering), sets: [], accepts: [], ids: new Map(), moves: [], only: [] };
    dfaState(d, closure(d.steps, [0]));
    byRole.set(covering, d);
  }
  return d;
}

/** The state of a set of steps (-1 for the empty set; -2 when the automaton is full). */
function dfaState(d: Dfa, set: number[]): number {
  if (set.length === 0) return -1;
  const key = set.join(',');
  let id = d.ids.get(key);
  if (id === undefined) {
    if (d.sets.length >= DFA_STATES) return -2;
    id = d.sets.length;
    d.ids.set(key, id);
    d.sets.push(set);
    d.accepts.push(set.includes(d.steps.kind.length));
    d.moves.push(new Map());
  }
  return id;
}

/** Steps of the subset construction a search may still take (productSearch sets it). */
let subsetWork = 0;
/** How many steps of the subset construction one search may take before it gives up. */
const SUBSET_WORK = 200000;

/** The state `state` moves to on `c` (-1: none; -2: the automaton is full, or the search's work is spent). */
function dfaMove(d: Dfa, state: number, c: number): number {
  const moves = d.moves[state]!;
  let next = moves.get(c);
  if (next === undefined) {
    const set = d.sets[state]!;
    if ((subsetWork -= set.length) < 0) return -2;
    next = dfaState(d, advance(d.steps, set, c));
    if (next !== -2) moves.set(c, next);
  }
  return next;
}

/**
 * The characters `state` moves on when each of its steps is a character (null when one is a
 * wildcard, which moves on any letter): the product search tries no other letter there, so that a
 * literal ARN (one character per state) costs a move per character, not one per letter of the
 * alphabet (each a subset step made once per pattern, and a literal grant is a pattern of its own).
 */
function onlyLetters(d: Dfa, state: number): ReadonlySet<number> | null {
  let o = d.only[state];
  if (o === undefined) {
    const chars = new Set<number>();
    o = chars;
    for (const j of d.sets[state]!) {
      if (j >= d.steps.kind.length) continue;
      if (d.steps.kind[j] !== 0) {
        o = null;
        break;
      }
      chars.add(d.steps.ch[j]!);
    }
    d.only[state] = o;
  }
  return o;
}

/** The states after the runs that may spell nothing from each of `states`, sorted. */
function closure(s: Steps, states: Iterable<number>): number[] {
  const out = new Set<number>();
  for (let j of states)
    for (;;) {
      if (out.has(j)) break;
      out.add(j);
      if (j >= s.kind.length || s.kind[j] !== 2) break;
      j++;
    }
  return [...out].sort((a, b) => a - b);
}

/** The states `states` move to on the character `c` (OTHER for one no pattern writes). */
function advance(s: Steps, states: readonly number[], c: number): number[] {
  const next: number[] = [];
  for (const j of states) {
    if (j >= s.kind.length) continue;
    const k = s.kind[j]!;
    if (k === 3) continue;
    if (k === 0) {
      if (s.ch[j] === c) next.push(j + 1);
      continue;
    }
    if ((c === COLON && s.noColon[j]) || (c === SLASH && s.noSlash[j])) continue;
    next.push(k === 1 ? j + 1 : j);
  }
  return closure(s, next);
}

/**
 * The product search of arnCoveredWithin and arnWitness: the strings `inner` and `within` both
 * match, depth first, until one that `outer` does not match (every one when
 * there is no `outer`). Returns that string (OTHER written as WITNESS_OTHER), null when there is
 * none, undefined when the search gave up (WITHIN_BUDGET product states, DFA_STATES states of one
 * pattern, or SUBSET_WORK steps of making them).
 */
function productSearch(
  inner: ArnPattern,
  within: ArnPattern | undefined,
  outer: ArnPattern | undefined,
): string | null | undefined {
  subsetWork = SUBSET_WORK;
  const di = dfaOf(inner, false);
  const dw = within ? dfaOf(within, false) : undefined;
  const dout = outer ? dfaOf(outer, true) : undefined;
  const alphabet = new Set<number>([COLON, SLASH, OTHER]);
  for (const d of [di, dw, dout])
    if (d) d.steps.kind.forEach((k, j) => (k === 0 ? alphabet.add(d.steps.ch[j]!) : undefined));
  const letters = [...alphabet];
  // Product states as (inner, within, outer) states, an outer of -1 once no string goes on there
  // (a within of -1 when there is none), each with its parent and the character that led to it,
  // for the string; explored depth first.
  const iOf: number[] = [0];
  const wOf: number[] = [dw ? 0 : -1];
  const oOf: number[] = [dout ? 0 : -1];
  const parent: number[] = [-1];
  const via: number[] = [0];
  const key = (i: number, w: number, o: number) => (i * (DFA_STATES + 1) + w + 1) * (DFA_STATES + 1) + o + 1;
  const seen = new Set<number>([key(0, wOf[0]!, oOf[0]!)]);
  const text = (x: number) => {
    const cs: string[] = [];
    for (; parent[x]! >= 0; x = parent[x]!)
      cs.push(via[x] === OTHER ? WITNESS_OTHER : String.fromCodePoint(via[x]!));
    return cs.reverse().join('');
  };
  const stack = [0];
  while (stack.length) {
    const x = stack.pop()!;
    const i = iOf[x]!;
    const w = wOf[x]!;
    const o = oOf[x]!;
    if (di.accepts[i] && (!dw || dw.accepts[w]!) && !(dout && o >= 0 && dout.accepts[o])) return text(x);
    // (a letter no step of the state spells moves nowhere: skipped without making the move)
    const only = onlyLetters(di, i);
    for (const c of letters) {
      if (only && !only.has(c)) continue;
      const ni = dfaMove(di, i, c);
      if (ni === -1) continue;
      const nw = dw ? dfaMove(dw, w, c) : -1;
      if (dw && nw === -1) continue;
      const no = dout && o >= 0 ? dfaMove(dout, o, c) : -1;
      if (ni === -2 || nw === -2 || no === -2) return undefined;
      const k = key(ni, nw, no);
      if (seen.has(k)) continue;
      if (seen.size >= WITHIN_BUDGET) return undefined;
      seen.add(k);
      stack.push(iOf.length);
      iOf.push(ni);
      wOf.push(nw);
      oOf.push(no);
      parent.push(x);
      via.push(c);
    }
  }
  return null;
}

/**
 * arnCoveredWithin by the general product search only, whatever `inner` is: what the literal
 * path (literalSearch) must answer alike (__tests__/policy/arn-literal-search.test.ts).
 */
export function arnCoveredWithinBySearch(
  outer: ArnPattern,
  inner: ArnPattern,
  within?: ArnPattern,
): boolean | undefined {
  const found = productSearch(inner, within, outer);
  return found === undefined ? undefined : found === null;
}

/** The characters of a pattern with no wildcard and no variable (as the search reads it), else undefined. */
function literalSteps(p: ArnPattern): Int32Array | undefined {
  const s = stepsOf(p, false);
  for (let j = 0; j < s.kind.length; j++) if (s.kind[j] !== 0) return undefined;
  return s.ch;
}

/**
 * productSearch of a literal `inner` (a grant of one ARN, the usual one): its one string read by
 * `within` and `outer` a character at a time, with no product states to keep. The same answers.
 */
function literalSearch(
  inner: ArnPattern,
  within: ArnPattern | undefined,
  outer: ArnPattern | undefined,
): string | null | undefined {
  subsetWork = SUBSET_WORK;
  const ch = stepsOf(inner, false).ch;
  const dw = within ? dfaOf(within, false) : undefined;
  const dout = outer ? dfaOf(outer, true) : undefined;
  let w = 0;
  let o = dout ? 0 : -1;
  for (let j = 0; j < ch.length; j++) {
    const c = ch[j]!;
    if (dw) {
      w = dfaMove(dw, w, c);
      if (w === -1) return null;
      if (w === -2) return undefined;
    }
    if (dout && o >= 0) {
      o = dfaMove(dout, o, c);
      if (o === -2) return undefined;
    }
  }
  if (dw && !dw.accepts[w]) return null;
  if (dout && o >= 0 && dout.accepts[o]) return null;
  return String.fromCodePoint(...ch);
}

/**
 * Whether `outer` matches every string both `inner` and `within` match (every string `inner` does
 * without `within`): L(inner) ∩ L(within) ⊆ L(outer). An ARN pattern is read field by field, as IAM
 * matches one (a wildcard before the fifth `:` does not spell a `:`; see stepsOf), a catalog
 * format's `seg` as a name without `/` or `:`. So `arn:aws:s3:::coiled-data-*` within an object's
 * format `arn:${Partition}:s3:::${BucketName}/${ObjectName}` is covered by
 * `arn:aws:s3:::coiled-data-*\/*`, and `arn:aws:s3:*:*:bucket-a` within an access point's format
 * names nothing. A policy variable of `inner` or `within` is any value; of `outer`, no value (so the
 * answer is false when it needs one). Undefined when the search gives up (WITHIN_BUDGET states of
 * the three patterns read at once: never for an ARN of ordinary length).
 */
export function arnCoveredWithin(
  outer: ArnPattern,
  inner: ArnPattern,
  within?: ArnPattern,
): boolean | undefined {
  if (literalSteps(inner)) {
    const found = literalSearch(inner, within, outer);
    return found === undefined ? undefined : found === null;
  }
  // A grant with wildcards is often the same text in many statements (`*`, `arn:aws:s3:::*\/*`),
  // each its own pattern: its answers are kept by the three texts (the tokens written back, which
  // the search reads), a bounded table.
  const key = `${outer.canonical}\u0000${inner.canonical}\u0000${within ? within.canonical : ''}`;
  let hit = COVERED_WITHIN.get(key);
  if (hit === undefined && !COVERED_WITHIN.has(key)) {
    const found = productSearch(inner, within, outer);
    hit = found === undefined ? undefined : found === null;
    if (COVERED_WITHIN.size >= COVERED_WITHIN_MAX) COVERED_WITHIN.clear();
    COVERED_WITHIN.set(key, hit);
  }
  return hit;
}

/** arnCoveredWithin's answers for grants with wildcards, by the three patterns' texts. */
const COVERED_WITHIN = new Map<string, boolean | undefined>();
const COVERED_WITHIN_MAX = 16_384;

/**
 * A string both `inner` and `within` match, with WITNESS_OTHER where any character
 * but `/` and `:` would do; null when they share none, undefined when the search gives up.
 * (Read as arnCoveredWithin reads them.)
 */
export function arnWitness(inner: ArnPattern, within?: ArnPattern): string | null | undefined {
  return literalSteps(inner)
    ? literalSearch(inner, within, undefined)
    : productSearch(inner, within, undefined);
}
