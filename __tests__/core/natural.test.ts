import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { naturalCompare } from '../../src/core/natural.js';

/** The reference: split into runs of digits and of other characters; digit runs by value. */
function reference(a: string, b: string): number {
  const runs = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = runs(a);
  const y = runs(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p === q) continue;
    if (/^\d/.test(p) && /^\d/.test(q)) {
      // Numbers (no leading zeros in the generator): by length, then by digits.
      if (p.length !== q.length) return p.length - q.length;
      return p < q ? -1 : 1;
    }
    // Where one run is a number and the other text, or both text: by code unit from the start.
    const n = Math.min(p.length, q.length);
    for (let j = 0; j < n; j++)
      if (p.charCodeAt(j) !== q.charCodeAt(j)) return p.charCodeAt(j) - q.charCodeAt(j);
    // One run is a prefix of the other: the next character decides, as in the whole strings.
    return a < b ? -1 : 1;
  }
  return a.length - b.length;
}

const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0);

describe('naturalCompare', () => {
  it('orders list indexes and instance keys as numbers', () => {
    const ids = [
      't.yaml#F.Policies[10]',
      't.yaml#F.Policies[2]',
      't.yaml#F.Policies[1]',
      't.yaml#F.Policies[29]',
    ];
    expect([...ids].sort(naturalCompare)).toEqual([
      't.yaml#F.Policies[1]',
      't.yaml#F.Policies[2]',
      't.yaml#F.Policies[10]',
      't.yaml#F.Policies[29]',
    ]);
    expect(['p[100]', 'p[99]', 'p9', 'p10a', 'p10'].sort(naturalCompare)).toEqual([
      'p9',
      'p10',
      'p10a',
      'p[99]',
      'p[100]',
    ]);
  });

  it('agrees with a reference that splits numbers out, and is the plain order without digits', () => {
    // Numbers without leading zeros, as indexes are written.
    const part = fc.oneof(
      fc.integer({ min: 0, max: 1000 }).map(String),
      fc.constantFrom('a', 'b', '[', ']', '.', 'p', 'Z', '#'),
    );
    const id = fc.array(part, { maxLength: 6 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(sign(naturalCompare(a, b))).toBe(sign(reference(a, b)));
        expect(sign(naturalCompare(a, b)) + sign(naturalCompare(b, a))).toBe(0);
      }),
      { numRuns: 3000, seed: 20261205 },
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        if (/\d/.test(a) || /\d/.test(b)) return;
        expect(sign(naturalCompare(a, b))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});
