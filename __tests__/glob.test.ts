import fc from 'fast-check';
import { compileGlob, hasWildcard, type MatchStats } from '../src/policy/glob.js';
import { loadCatalog } from '../src/policy/catalog.js';

/** Exponential but obviously correct: `*` is any run, `?` one character. */
function naiveMatch(p: string, s: string): boolean {
  if (p.length === 0) return s.length === 0;
  if (p[0] === '*') return naiveMatch(p.slice(1), s) || (s.length > 0 && naiveMatch(p, s.slice(1)));
  return s.length > 0 && (p[0] === '?' || p[0] === s[0]) && naiveMatch(p.slice(1), s.slice(1));
}

describe('compileGlob', () => {
  it('matches exact literals, case-insensitively when asked', () => {
    const g = compileGlob('s3:GetObject', { caseInsensitive: true });
    expect(g.literal).toBe(true);
    expect(g.prefix).toBe('s3:getobject');
    expect(g.matches('s3:getobject')).toBe(true);
    expect(g.matches('S3:GETOBJECT')).toBe(true);
    expect(g.matches('s3:GetObjectAcl')).toBe(false);
    expect(g.matches('s3:GetObjec')).toBe(false);
    const cs = compileGlob('s3:GetObject');
    expect(cs.matches('s3:GetObject')).toBe(true);
    expect(cs.matches('s3:getobject')).toBe(false);
  });

  it('matches ? as exactly one character', () => {
    const g = compileGlob('s3:GetObjec?', { caseInsensitive: true });
    expect(g.literal).toBe(false);
    expect(g.prefix).toBe('s3:getobjec');
    expect(g.matches('s3:GetObject')).toBe(true);
    expect(g.matches('s3:GetObjec')).toBe(false);
    expect(g.matches('s3:GetObjectA')).toBe(false);
    expect(compileGlob('???').matches('a:b')).toBe(true);
    expect(compileGlob('???').matches('ab')).toBe(false);
    expect(compileGlob('a?c*').matches('abcdef')).toBe(true);
    expect(compileGlob('*a?c').matches('xxabc')).toBe(true);
    expect(compileGlob('*a?c*').matches('xxab_c')).toBe(false);
  });

  it('matches * anywhere, spanning any characters', () => {
    const ci = { caseInsensitive: true };
    expect(compileGlob('s3:Get*', ci).matches('s3:GetObject')).toBe(true);
    expect(compileGlob('s3:Get*', ci).matches('s3:Get')).toBe(true);
    expect(compileGlob('s3:Get*', ci).matches('s3:PutObject')).toBe(false);
    expect(compileGlob('*Object', ci).matches('s3:GetObject')).toBe(true);
    expect(compileGlob('*Object', ci).matches('s3:GetObjectAcl')).toBe(false);
    expect(compileGlob('ec2:*Tags', ci).matches('ec2:CreateTags')).toBe(true);
    expect(compileGlob('s3:*Object*', ci).matches('s3:GetObjectAcl')).toBe(true);
    expect(compileGlob('*:*', ci).matches('iam:PassRole')).toBe(true);
    expect(compileGlob('*:*', ci).matches('iampassrole')).toBe(false);
    expect(compileGlob('*').matches('')).toBe(true);
    expect(compileGlob('*').prefix).toBe('');
    expect(compileGlob('a*a').matches('a')).toBe(false);
    expect(compileGlob('a*a').matches('aa')).toBe(true);
    expect(compileGlob('ab*ba').matches('aba')).toBe(false);
  });

  it('handles empty segments (leading, trailing and repeated stars) and the empty pattern', () => {
    expect(compileGlob('**').matches('anything')).toBe(true);
    expect(compileGlob('a**b').matches('ab')).toBe(true);
    expect(compileGlob('a**b').matches('axyb')).toBe(true);
    expect(compileGlob('*a*').matches('a')).toBe(true);
    expect(compileGlob('*a*').matches('b')).toBe(false);
    expect(compileGlob('').matches('')).toBe(true);
    expect(compileGlob('').matches('a')).toBe(false);
    expect(compileGlob('').literal).toBe(true);
  });

  it('hasWildcard', () => {
    expect(hasWildcard('s3:Get*')).toBe(true);
    expect(hasWildcard('s3:GetObjec?')).toBe(true);
    expect(hasWildcard('s3:GetObject')).toBe(false);
  });

  it('equals a brute-force matcher on random patterns and strings', () => {
    const pattern = fc
      .array(fc.constantFrom('a', 'b', '*', '?', ':'), { maxLength: 8 })
      .map((cs) => cs.join(''));
    const text = fc.array(fc.constantFrom('a', 'b', ':'), { maxLength: 10 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(pattern, text, (p, s) => {
        expect(compileGlob(p).matches(s)).toBe(naiveMatch(p, s));
      }),
      { numRuns: 5000 },
    );
  });

  it('equals a brute-force matcher on strings built from the pattern (mostly matching)', () => {
    // Random strings rarely match a pattern with several literals; instantiate the pattern instead.
    const pattern = fc
      .array(fc.constantFrom('a', 'b', '*', '?', ':'), { maxLength: 8 })
      .map((cs) => cs.join(''));
    const fill = fc.array(fc.constantFrom('', 'a', 'b', ':', 'ab', 'ba', 'a:b'), {
      minLength: 8,
      maxLength: 8,
    });
    fc.assert(
      fc.property(pattern, fill, fc.nat(3), (p, fills, cut) => {
        let k = 0;
        let s = [...p]
          .map((c) => (c === '*' ? fills[k++ % 8]! : c === '?' ? (fills[k++ % 8]! + 'a')[0]! : c))
          .join('');
        if (cut > 0) s = s.slice(0, -cut); // and some near-misses
        expect(compileGlob(p).matches(s)).toBe(naiveMatch(p, s));
      }),
      { numRuns: 5000 },
    );
  });

  it('equals the brute-force matcher case-insensitively', () => {
    const pattern = fc
      .array(fc.constantFrom('a', 'A', 'b', '*', '?'), { maxLength: 7 })
      .map((cs) => cs.join(''));
    const text = fc.array(fc.constantFrom('a', 'A', 'b', 'B'), { maxLength: 8 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(pattern, text, (p, s) => {
        expect(compileGlob(p, { caseInsensitive: true }).matches(s)).toBe(
          naiveMatch(p.toLowerCase(), s.toLowerCase()),
        );
      }),
      { numRuns: 3000 },
    );
  });
});

describe('expansion cost against the catalog', () => {
  const catalog = loadCatalog();

  function cost(pattern: string): { steps: number; candidates: number; chars: number; matched: number } {
    const stats: MatchStats = { steps: 0 };
    const matched = catalog.expand(pattern, stats).length;
    const colon = pattern.indexOf(':');
    const svc = colon < 0 ? '*' : pattern.slice(0, colon);
    const candidates = hasWildcard(svc) ? catalog.all() : catalog.actionsOf(svc);
    const chars = candidates.reduce((n, a) => n + a.key.length, 0);
    return { steps: stats.steps, candidates: candidates.length, chars, matched };
  }

  it('s3:*a*a*...*b costs about as much as s3:Get* (counted steps, not time)', () => {
    const easy = cost('s3:Get*');
    const hard = cost('s3:*a*a*a*a*a*a*a*a*a*a*a*a*b');
    expect(easy.matched).toBeGreaterThan(30);
    expect(hard.candidates).toBe(easy.candidates);
    expect(easy.steps).toBeGreaterThan(0);
    expect(hard.steps).toBeLessThanOrEqual(4 * easy.steps);
    // and, per candidate, linear in the action name: a backtracking matcher would need ~C(n, 12)
    expect(hard.steps).toBeLessThanOrEqual(2 * (hard.chars + hard.candidates * 30));
  });

  it('stays linear per action name for star-heavy patterns over the whole catalog', () => {
    for (const p of [
      '*a*a*a*a*a*a*a*a*a*a*a*a*',
      '*:*a*a*a*a*a*a*a*a*a*a*a*a*b',
      's3:*?*?*?*?*?*?*?*?*?*?*?*?b',
    ]) {
      const c = cost(p);
      // every step compares one character of an action name against one character of the pattern
      // (? segments) or advances through the name (literal segments)
      expect([p, c.steps <= 2 * (c.chars + c.candidates * p.length)]).toEqual([p, true]);
    }
  });
});
