import fc from 'fast-check';
import {
  arnContains,
  arnFormatToPattern,
  arnIntersection,
  arnIntersects,
  arnMatches,
  isAll,
  parseArnPattern,
  type ArnPattern,
} from '../src/policy/arn.js';
import type { MatchStats } from '../src/policy/glob.js';
import { loadCatalog } from '../src/policy/catalog.js';

const P = (raw: string, bindings?: Record<string, string>): ArnPattern => parseArnPattern(raw, bindings);
const contains = (outer: string, inner: string): boolean => arnContains(P(outer), P(inner));
const intersects = (a: string, b: string): boolean => arnIntersects(P(a), P(b));

// ---------------------------------------------------------------------------------------------
// Reference semantics, written independently of src/policy/arn.ts: a pattern over {a, b, *, ?} read
// character by character as an NFA whose states are pattern positions.

type States = number; // bit set of positions 0..|p|

function closure(p: string, s: States): States {
  for (let i = 0; i < p.length; i++) if (s & (1 << i) && p[i] === '*') s |= 1 << (i + 1);
  return s;
}

function step(p: string, s: States, ch: string): States {
  let next = 0;
  for (let i = 0; i < p.length; i++) {
    if (!(s & (1 << i))) continue;
    if (p[i] === '*') next |= 1 << i;
    else if (p[i] === '?' || p[i] === ch) next |= 1 << (i + 1);
  }
  return closure(p, next);
}

const accepts = (p: string, s: States): boolean => (s & (1 << p.length)) !== 0;
const ALPHABET = ['a', 'b', 'c']; // `c` never occurs in a generated pattern: a fresh letter

/**
 * Brute force over every string w over {a, b, c} with |w| <= maxLen: is there one with `bad(w)`?
 * Strings that reach the same pair of state sets at the same length behave identically from there
 * on, so each length keeps one representative per pair: the same answer as listing every string,
 * without listing 3^14 of them.
 */
function someString(x: string, y: string, maxLen: number, bad: (sx: States, sy: States) => boolean): boolean {
  let layer = new Map<string, [States, States]>();
  const start: [States, States] = [closure(x, 1), closure(y, 1)];
  layer.set(start.join(','), start);
  for (let len = 0; len <= maxLen; len++) {
    const next = new Map<string, [States, States]>();
    for (const [sx, sy] of layer.values()) {
      if (bad(sx, sy)) return true;
      for (const ch of ALPHABET) {
        const pair: [States, States] = [step(x, sx, ch), step(y, sy, ch)];
        next.set(pair.join(','), pair);
      }
    }
    layer = next;
  }
  return false;
}

const bound = (x: string, y: string): number => x.length + y.length + 2;

const refContainsMemo = new Map<string, boolean>();

/** L(inner) ⊆ L(outer) by brute force: no string up to the bound is in inner and not in outer. */
function refContains(outer: string, inner: string): boolean {
  const key = `${outer}|${inner}`;
  let r = refContainsMemo.get(key);
  if (r === undefined) {
    r = !someString(inner, outer, bound(inner, outer), (si, so) => accepts(inner, si) && !accepts(outer, so));
    refContainsMemo.set(key, r);
  }
  return r;
}

function refIntersects(a: string, b: string): boolean {
  return someString(a, b, bound(a, b), (sa, sb) => accepts(a, sa) && accepts(b, sb));
}

/** A direct, exponential, obviously-correct matcher (for checking the reference above). */
function naiveMatch(p: string, s: string): boolean {
  if (p.length === 0) return s.length === 0;
  if (p[0] === '*') return naiveMatch(p.slice(1), s) || (s.length > 0 && naiveMatch(p, s.slice(1)));
  return s.length > 0 && (p[0] === '?' || p[0] === s[0]) && naiveMatch(p.slice(1), s.slice(1));
}

function allStrings(maxLen: number): string[] {
  const out = [''];
  let layer = [''];
  for (let n = 1; n <= maxLen; n++) {
    layer = layer.flatMap((w) => ALPHABET.map((c) => w + c));
    out.push(...layer);
  }
  return out;
}

function allPatterns(maxLen: number, alphabet = ['a', 'b', '*', '?']): string[] {
  const out = [''];
  let layer = [''];
  for (let n = 1; n <= maxLen; n++) {
    layer = layer.flatMap((w) => alphabet.map((c) => w + c));
    out.push(...layer);
  }
  return out;
}

const patternArb = (maxLength: number) =>
  fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength }).map((cs) => cs.join(''));
const stringArb = (maxLength: number) =>
  fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength }).map((cs) => cs.join(''));

// ---------------------------------------------------------------------------------------------

describe('parseArnPattern', () => {
  it('tokenises characters, ?, * and variables', () => {
    const p = P('arn:aws:s3:::b-?/${aws:username}/*');
    expect(p.canonical).toBe('arn:aws:s3:::b-?/${aws:username}/*');
    expect(p.tokens.filter((t) => t.kind === 'star')).toHaveLength(1);
    expect(p.tokens.filter((t) => t.kind === 'one')).toHaveLength(1);
    expect(p.tokens.filter((t) => t.kind === 'var')).toEqual([{ kind: 'var', name: 'aws:username' }]);
    expect(p.variables).toEqual(['aws:username']);
    expect(p.raw).toBe('arn:aws:s3:::b-?/${aws:username}/*');
  });

  it('collapses * runs and puts the ?s of a wildcard run first', () => {
    expect(P('a***b').canonical).toBe('a*b');
    expect(P('a*?b').canonical).toBe('a?*b');
    expect(P('a*?*?**b').canonical).toBe('a??*b');
    expect(P('*?').tokens).toEqual(P('?*').tokens);
    expect(P('??').canonical).toBe('??');
  });

  it('reads ${*}, ${?} and ${$} as literal characters', () => {
    const p = P('a${*}b${?}c${$}d');
    expect(p.tokens.every((t) => t.kind === 'char')).toBe(true);
    expect(p.tokens.map((t) => (t.kind === 'char' ? t.ch : '')).join('')).toBe('a*b?c$d');
    expect(p.canonical).toBe('a${*}b${?}c${$}d');
    expect(arnMatches(p, 'a*b?c$d')).toBe(true);
    expect(arnMatches(p, 'axbycud')).toBe(false);
    // a literal star is covered by `*` and `?`, but does not cover other characters
    expect(arnContains(P('a*'), p)).toBe(true);
    expect(arnContains(p, P('a*b?c$d'))).toBe(false);
    expect(arnContains(P('a?b'), P('a${*}b'))).toBe(true);
  });

  it('compares variable names case-insensitively and ignores a default value', () => {
    const a = P('arn:aws:s3:::b/${aws:PrincipalTag/team}/*');
    const b = P("arn:aws:s3:::b/${AWS:principaltag/team, 'none'}/*");
    expect(b.variables).toEqual(['aws:principaltag/team']);
    expect(arnContains(a, b)).toBe(true);
    expect(arnContains(b, a)).toBe(true);
  });

  it('leaves a $ or < that opens nothing as a literal character', () => {
    expect(P('a$b').canonical).toBe('a${$}b');
    expect(P('a${b').tokens).toHaveLength(4);
    expect(P('a${}b').tokens).toHaveLength(5);
    expect(P('a<b').tokens).toHaveLength(3);
    expect(P('a<>b').tokens).toHaveLength(4);
    expect(P('a<b<c>').unboundPlaceholders).toEqual(['<c>']);
  });

  it('replaces a bound placeholder by its literal value and an unbound one by *', () => {
    const raw = 'arn:aws:iam::<account-ID-without-hyphens>:role/skypilot-v1';
    const unbound = P(raw);
    expect(unbound.canonical).toBe('arn:aws:iam::*:role/skypilot-v1');
    expect(unbound.unboundPlaceholders).toEqual(['<account-ID-without-hyphens>']);
    const bound = P(raw, { '<account-ID-without-hyphens>': '123456789012' });
    expect(bound.canonical).toBe('arn:aws:iam::123456789012:role/skypilot-v1');
    expect(bound.unboundPlaceholders).toEqual([]);
    // the bound value is literal, even if it looks like a wildcard
    expect(P('x/<v>', { '<v>': 'a*' }).canonical).toBe('x/a${*}');
    expect(P('<bucket-name>').canonical).toBe('*');
    expect(isAll(P('<bucket-name>'))).toBe(true);
  });

  it('reads catalog ARN formats with every ${...} as *, and a whole field before the resource part as ?*', () => {
    const f = arnFormatToPattern('arn:${Partition}:s3:::${BucketName}/${ObjectName}');
    expect(f.canonical).toBe('arn:?*:s3:::*/*');
    expect(
      arnFormatToPattern('arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}').canonical,
    ).toBe('arn:?*:s3:?*:?*:accesspoint/*');
    expect(f.variables).toEqual([]);
    expect(arnFormatToPattern('arn:${Partition}:artifact:::agreement/*').canonical).toBe(
      'arn:?*:artifact:::agreement/*',
    );
  });
});

describe('isAll', () => {
  it('is true only for a pattern equal to *', () => {
    expect(isAll(P('*'))).toBe(true);
    expect(isAll(P('***'))).toBe(true);
    expect(isAll(P('?*'))).toBe(false);
    expect(isAll(P('${aws:username}'))).toBe(false);
    expect(isAll(P('arn:*'))).toBe(false);
    expect(isAll(P(''))).toBe(false);
  });
});

describe('arnContains', () => {
  it('decides typical resource comparisons', () => {
    expect(contains('arn:aws:s3:::*', 'arn:aws:s3:::coiled-data-*')).toBe(true);
    expect(contains('arn:aws:s3:::coiled-data-*', 'arn:aws:s3:::*')).toBe(false);
    expect(contains('*', 'arn:aws:s3:::coiled-data-*')).toBe(true);
    expect(contains('arn:aws:s3:::coiled-data-*', '*')).toBe(false);
    expect(contains('arn:aws:s3:::coiled-data-*', 'arn:aws:s3:::coiled-data-*/*')).toBe(true);
    expect(contains('arn:aws:s3:::coiled-data-*/*', 'arn:aws:s3:::coiled-data-*')).toBe(false);
    expect(contains('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/logs/*')).toBe(true);
    expect(contains('arn:aws:s3:::bucket/logs/*', 'arn:aws:s3:::bucket/*')).toBe(false);
    expect(contains('arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc')).toBe(
      true,
    );
    expect(contains('arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:*:*:volume/*')).toBe(false);
    // case-sensitive
    expect(contains('arn:aws:s3:::Bucket', 'arn:aws:s3:::bucket')).toBe(false);
  });

  it('compares with a vendor placeholder, bound or not', () => {
    const baseline = 'arn:aws:iam::<account-ID-without-hyphens>:role/skypilot-v1';
    const policy = P('arn:aws:iam::123456789012:role/skypilot-v1');
    expect(arnContains(P(baseline), policy)).toBe(true);
    expect(arnContains(P(baseline, { '<account-ID-without-hyphens>': '123456789012' }), policy)).toBe(true);
    expect(arnContains(P(baseline, { '<account-ID-without-hyphens>': '999999999999' }), policy)).toBe(false);
    // a policy granting the role in every account is broader than the bound baseline
    const bound = P(baseline, { '<account-ID-without-hyphens>': '123456789012' });
    expect(arnContains(bound, P('arn:aws:iam::*:role/skypilot-v1'))).toBe(false);
    expect(arnContains(P('arn:aws:iam::*:role/skypilot-v1'), bound)).toBe(true);
  });

  it('treats variables as unknown values', () => {
    const home = P('arn:aws:s3:::b/home/${aws:username}/*');
    expect(arnContains(home, home)).toBe(true);
    expect(arnContains(P('arn:aws:s3:::b/home/*'), home)).toBe(true);
    expect(arnContains(P('arn:aws:s3:::b/*'), home)).toBe(true);
    expect(arnContains(home, P('arn:aws:s3:::b/home/*'))).toBe(false);
    expect(arnContains(home, P('arn:aws:s3:::b/home/alice/x'))).toBe(false);
    expect(arnContains(home, P('arn:aws:s3:::b/home/${aws:userid}/*'))).toBe(false);
    // neither a `?` nor a character covers a variable (its value may be of any length)
    expect(arnContains(P('a?b'), P('a${aws:username}b'))).toBe(false);
    expect(arnContains(P('a?*b'), P('a${aws:username}b'))).toBe(false);
    expect(arnContains(P('a*b'), P('a${aws:username}b'))).toBe(true);
    // an outer variable covers only itself
    expect(arnContains(P('a${x}b'), P('a?b'))).toBe(false);
    expect(arnContains(P('a${x}b'), P('a*b'))).toBe(false);
    expect(arnContains(P('*${x}*'), P('a${X}b'))).toBe(true);
  });

  it('matches a ?-run beside a * anywhere in the span of the *', () => {
    expect(contains('?*', '*a')).toBe(true);
    expect(contains('*?', 'a*')).toBe(true);
    expect(contains('a?*', 'a*b')).toBe(true);
    expect(contains('*?b*', 'ab*')).toBe(true);
    expect(contains('*?b*', 'b*')).toBe(false);
    expect(contains('*??', 'a*b')).toBe(true);
    expect(contains('*???', 'a*b')).toBe(false);
    expect(contains('x*??*y', 'x*ab*y')).toBe(true);
    expect(contains('x*???*y', 'x*ab*y')).toBe(false);
  });

  it('runs in O(|inner|·|outer|) counted steps on adversarial patterns', () => {
    const n = 200;
    const inner = P('a'.repeat(n) + '*' + 'a'.repeat(n));
    const outer = P('*' + 'a'.repeat(n / 2) + 'b*');
    const stats: MatchStats = { steps: 0 };
    expect(arnContains(outer, inner, stats)).toBe(false);
    expect(stats.steps).toBeLessThanOrEqual(inner.tokens.length * outer.tokens.length);
    const many = P('*a'.repeat(n) + '*');
    const s2: MatchStats = { steps: 0 };
    expect(arnContains(many, inner, s2)).toBe(true);
    expect(s2.steps).toBeLessThanOrEqual(inner.tokens.length * 4);
  });
});

describe('arnIntersects', () => {
  it('decides typical overlaps', () => {
    expect(intersects('arn:aws:s3:::bucket/*', 'arn:*:s3:::*')).toBe(true);
    expect(intersects('arn:aws:s3:::bucket/*', 'arn:aws:iam::*:role/*')).toBe(false);
    // a * spans `:` and `/`, so these two do meet (e.g. at arn:aws:s3:::bucket/:iam::x:role/y)
    expect(intersects('arn:aws:s3:::bucket/*', 'arn:*:iam::*:role/*')).toBe(true);
    expect(intersects('arn:aws:s3:::coiled-*', 'arn:aws:s3:::*-data')).toBe(true);
    expect(intersects('arn:aws:s3:::coiled-?', 'arn:aws:s3:::*-data')).toBe(false);
    expect(intersects('a${aws:username}b', 'axyzb')).toBe(true);
    expect(intersects('', '*')).toBe(true);
    expect(intersects('', '?')).toBe(false);
  });

  it('works against catalog resource types', () => {
    const catalog = loadCatalog();
    const get = catalog.lookup('s3:GetObject')!;
    const object = arnFormatToPattern(get.resourceTypes.find((r) => r.name === 'object')!.arn);
    expect(arnIntersects(P('arn:aws:s3:::my-bucket/*'), object)).toBe(true);
    expect(arnIntersects(P('arn:aws:s3:::my-bucket'), object)).toBe(false);
    expect(arnIntersects(P('arn:aws:iam::123456789012:role/x'), object)).toBe(false);
  });

  it('counts O(|a|·|b|) steps', () => {
    const a = P('*a'.repeat(100));
    const b = P('?b'.repeat(100));
    const stats: MatchStats = { steps: 0 };
    expect(arnIntersects(a, b, stats)).toBe(false);
    expect(stats.steps).toBe((a.tokens.length + 1) * (b.tokens.length + 1));
  });
});

describe('arnMatches', () => {
  it('matches concrete ARNs case-sensitively, reading every character of the ARN literally', () => {
    expect(arnMatches(P('arn:aws:s3:::coiled-data-*'), 'arn:aws:s3:::coiled-data-x/y')).toBe(true);
    expect(arnMatches(P('arn:aws:s3:::coiled-data-*'), 'arn:aws:s3:::Coiled-data-x')).toBe(false);
    expect(arnMatches(P('arn:aws:s3:::b?'), 'arn:aws:s3:::b')).toBe(false);
    expect(arnMatches(P('arn:aws:s3:::b?'), 'arn:aws:s3:::bb')).toBe(true);
    expect(arnMatches(P('arn:aws:s3:::b'), 'arn:aws:s3:::*')).toBe(false);
    expect(arnMatches(P('*'), '')).toBe(true);
  });

  it('lets a variable match nothing', () => {
    expect(arnMatches(P('a/${aws:username}'), 'a/alice')).toBe(false);
    expect(arnMatches(P('a/${aws:username}'), 'a/${aws:username}')).toBe(false);
    expect(arnMatches(P('a/*'), 'a/${aws:username}')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('properties against brute force', () => {
  it('the brute-force reference agrees with a naive matcher on every string (patterns up to 3)', () => {
    const pats = allPatterns(3);
    const strings = allStrings(8);
    const inL = new Map(pats.map((p) => [p, strings.filter((s) => naiveMatch(p, s))]));
    const member = new Map(pats.map((p) => [p, new Set(inL.get(p))]));
    const wrong: string[] = [];
    for (const outer of pats) {
      for (const inner of pats) {
        const upTo = inL.get(inner)!.filter((s) => s.length <= bound(inner, outer));
        const inc = upTo.every((s) => member.get(outer)!.has(s));
        const meet = upTo.some((s) => member.get(outer)!.has(s));
        if (refContains(outer, inner) !== inc || refIntersects(outer, inner) !== meet)
          wrong.push(`${outer} / ${inner}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the length bound is enough: the reference agrees with unbounded inclusion (patterns up to 4)', () => {
    // Unbounded inclusion: search every reachable pair of state sets, whatever the string length.
    const unboundedContains = (outer: string, inner: string): boolean => {
      const seen = new Set<string>();
      const todo: [States, States][] = [[closure(inner, 1), closure(outer, 1)]];
      while (todo.length > 0) {
        const [si, so] = todo.pop()!;
        const key = `${si},${so}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (accepts(inner, si) && !accepts(outer, so)) return false;
        if (si !== 0) for (const ch of ALPHABET) todo.push([step(inner, si, ch), step(outer, so, ch)]);
      }
      return true;
    };
    const pats = allPatterns(4);
    const wrong: string[] = [];
    for (const outer of pats) {
      for (const inner of pats) {
        if (refContains(outer, inner) !== unboundedContains(outer, inner)) wrong.push(`${outer} ⊇ ${inner}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('arnContains equals brute force on every pair of patterns up to length 4', () => {
    const pats = allPatterns(4);
    const parsed = new Map(pats.map((p) => [p, P(p)]));
    const wrong: string[] = [];
    for (const outer of pats) {
      for (const inner of pats) {
        const got = arnContains(parsed.get(outer)!, parsed.get(inner)!);
        if (got !== refContains(outer, inner)) wrong.push(`${outer} ⊇ ${inner}: got ${got}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('arnIntersects equals brute force on every pair of patterns up to length 3', () => {
    const pats = allPatterns(3);
    const wrong: string[] = [];
    for (const a of pats) {
      for (const b of pats) {
        const got = arnIntersects(P(a), P(b));
        if (got !== refIntersects(a, b)) wrong.push(`${a} ∩ ${b}: got ${got}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('arnContains equals brute force on random patterns up to length 6', () => {
    fc.assert(
      fc.property(patternArb(6), patternArb(6), (outer, inner) => {
        expect(arnContains(P(outer), P(inner))).toBe(refContains(outer, inner));
      }),
      { numRuns: 5000 },
    );
  });

  it('arnContains equals brute force on related patterns (one a mutation of the other)', () => {
    // Random pairs are mostly unrelated and mostly not contained; derive inner from outer to hit
    // the interesting, nearly-contained cases often.
    const mutated = patternArb(6).chain((outer) =>
      fc
        .array(fc.tuple(fc.nat(6), fc.constantFrom('a', 'b', '*', '?', '')), { maxLength: 3 })
        .map((edits) => {
          let inner = outer;
          for (const [at, c] of edits) inner = inner.slice(0, at) + c + inner.slice(at + 1);
          return [outer, inner.slice(0, 6)] as const;
        }),
    );
    fc.assert(
      fc.property(mutated, fc.boolean(), ([x, y], swap) => {
        const [outer, inner] = swap ? [y, x] : [x, y];
        expect(arnContains(P(outer), P(inner))).toBe(refContains(outer, inner));
      }),
      { numRuns: 5000 },
    );
  });

  it('arnIntersects equals brute force on random patterns up to length 6', () => {
    fc.assert(
      fc.property(patternArb(6), patternArb(6), (a, b) => {
        const expected = refIntersects(a, b);
        expect(arnIntersects(P(a), P(b))).toBe(expected);
        expect(arnIntersects(P(b), P(a))).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('arnMatches equals the naive matcher on random patterns and strings', () => {
    fc.assert(
      fc.property(patternArb(6), stringArb(9), (p, s) => {
        expect(arnMatches(P(p), s)).toBe(naiveMatch(p, s));
      }),
      { numRuns: 5000 },
    );
  });

  it('containment with variables is sound for every value of the variables', () => {
    // X and Y stand for ${x} and ${y}; any substitution (the same value for the same variable on
    // both sides) of a contained pair must stay contained.
    const withVars = fc
      .array(fc.constantFrom('a', 'b', '*', '?', 'X', 'Y'), { maxLength: 5 })
      .map((cs) => cs.join(''));
    const value = fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 }).map((cs) => cs.join('')); // keeps c fresh
    fc.assert(
      fc.property(withVars, withVars, value, value, (outer, inner, vx, vy) => {
        const toPolicy = (s: string) => s.replace(/X/g, '${x}').replace(/Y/g, '${y}');
        const subst = (s: string) => s.replace(/X/g, vx).replace(/Y/g, vy);
        if (arnContains(P(toPolicy(outer)), P(toPolicy(inner)))) {
          expect(refContains(subst(outer), subst(inner))).toBe(true);
        }
        if (!arnIntersects(P(toPolicy(outer)), P(toPolicy(inner)))) {
          expect(refIntersects(subst(outer), subst(inner))).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('catalog ARN formats and brace placeholders', () => {
  it('reads bucket names, regions, accounts and IDs as values without / or :', () => {
    const bucket = arnFormatToPattern('arn:${Partition}:s3:::${BucketName}');
    const object = arnFormatToPattern('arn:${Partition}:s3:::${BucketName}/${ObjectName}');
    expect(arnIntersects(bucket, parseArnPattern('arn:aws:s3:::my-bucket/*'))).toBe(false);
    expect(arnIntersects(bucket, parseArnPattern('arn:aws:s3:::my-bucket'))).toBe(true);
    expect(arnIntersects(bucket, parseArnPattern('arn:aws:s3:::my-bucket*'))).toBe(true);
    expect(arnIntersects(object, parseArnPattern('arn:aws:s3:::my-bucket/a/b/c'))).toBe(true);
    const instance = arnFormatToPattern('arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}');
    expect(arnIntersects(instance, parseArnPattern('arn:aws:ec2:*:*:instance/*'))).toBe(true);
    expect(arnIntersects(instance, parseArnPattern('arn:aws:ec2:us-east-1:123456789012:volume/*'))).toBe(
      false,
    );
  });

  it('treats upper-case brace placeholders like angle-bracket ones', () => {
    const p = parseArnPattern('arn:aws:s3:::{YOUR_BUCKET}/*');
    expect(p.unboundPlaceholders).toEqual(['{YOUR_BUCKET}']);
    expect(arnContains(p, parseArnPattern('arn:aws:s3:::data/*'))).toBe(true);
    const bound = parseArnPattern('arn:aws:s3:::{YOUR_BUCKET}/*', { '{YOUR_BUCKET}': 'data' });
    expect(arnContains(bound, parseArnPattern('arn:aws:s3:::other/*'))).toBe(false);
    expect(parseArnPattern('arn:aws:s3:::{lower}').unboundPlaceholders).toEqual([]);
  });
});

describe('arnIntersection', () => {
  const x = (a: string, b: string, bindings?: Record<string, string>) =>
    arnIntersection(parseArnPattern(a, bindings), parseArnPattern(b, bindings));

  it('the narrower of two nested patterns, the first when they are equal', () => {
    expect(x('arn:aws:s3:::data/*', '*')).toBe('arn:aws:s3:::data/*');
    expect(x('*', 'arn:aws:s3:::data/*')).toBe('arn:aws:s3:::data/*');
    expect(x('arn:aws:s3:::a', 'arn:aws:s3:::a')).toBe('arn:aws:s3:::a');
  });

  it('field by field where neither contains the other', () => {
    expect(x('arn:aws:ec2:*:123456789012:instance/*', 'arn:aws:ec2:us-east-1:123456789012:*')).toBe(
      'arn:aws:ec2:us-east-1:123456789012:instance/*',
    );
    // a text of fewer fields ending in `*` reads as `*` in the missing ones
    expect(x('arn:aws:ec2:*:123456789012:instance/*', 'arn:aws:ec2:us-east-1:*')).toBe(
      'arn:aws:ec2:us-east-1:123456789012:instance/*',
    );
  });

  it('undefined when nothing is in common or it cannot be written as one pattern', () => {
    expect(x('arn:aws:iam::*:role/coiled-*', 'arn:aws:iam::1:role/other')).toBeUndefined();
    expect(x('arn:aws:iam::*:role/coiled-*', 'arn:aws:iam::1:role/${aws:username}')).toBeUndefined();
    expect(x('arn:aws:iam::*:role/coiled-*', '${aws_iam_role.x.arn}')).toBeUndefined();
    expect(x('arn:aws:s3:::a*', 'arn:aws:s3:::*b')).toBeUndefined();
  });

  it('an unbound placeholder is one value (never read as every bucket); a bound one is its value', () => {
    expect(x('arn:aws:s3:::mybucket-*', 'arn:aws:s3:::<name of Logs>/*')).toBeUndefined();
    expect(x('arn:aws:s3:::*', 'arn:aws:s3:::<name of Logs>/*')).toBe('arn:aws:s3:::<name of Logs>/*');
    expect(
      x('arn:aws:iam::<account-ID-without-hyphens>:role/a', 'arn:aws:iam::*:role/*', {
        '<account-ID-without-hyphens>': '123456789012',
      }),
    ).toBe('arn:aws:iam::123456789012:role/a');
  });

  it('the result is contained in both (random field patterns)', () => {
    const field = fc.constantFrom('*', 'a', 'a*', '*b', 'ab', 'us-east-1', 'us-*', '');
    fc.assert(
      fc.property(
        fc.array(field, { minLength: 6, maxLength: 6 }),
        fc.array(field, { minLength: 6, maxLength: 6 }),
        (fa, fb) => {
          const a = parseArnPattern(fa.join(':'));
          const b = parseArnPattern(fb.join(':'));
          const r = arnIntersection(a, b);
          if (r === undefined) return;
          const p = parseArnPattern(r);
          expect(arnContains(a, p) && arnContains(b, p)).toBe(true);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
