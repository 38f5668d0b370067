// ActionSet (src/policy/action-set.ts) against plain arrays of ordinals: the set operations the
// engine composes its answers of, on random sets whose word ranges overlap, nest and miss.
import fc from 'fast-check';
import { ActionSet } from '../../src/policy/action-set.js';
import { loadCatalog } from '../../src/policy/catalog.js';

// Ordinals are catalog actions': make sure enough exist (every service built).
const size = loadCatalog().all().length;
const ordinals = fc.uniqueArray(fc.nat(Math.min(size, 4000) - 1), { maxLength: 120 });
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('ActionSet', () => {
  test('union, intersect, minus, intersects, size and ordinals agree with arrays', () => {
    fc.assert(
      fc.property(ordinals, ordinals, (xs, ys) => {
        const a = ActionSet.fromOrdinals(xs);
        const b = ActionSet.fromOrdinals(ys);
        const inY = new Set(ys);
        expect(a.ordinals()).toEqual(sorted(xs));
        expect(a.size).toBe(xs.length);
        expect(a.union(b).ordinals()).toEqual(sorted([...new Set([...xs, ...ys])]));
        expect(ActionSet.unionOf([a, b, ActionSet.EMPTY]).ordinals()).toEqual(
          sorted([...new Set([...xs, ...ys])]),
        );
        expect(a.intersect(b).ordinals()).toEqual(sorted(xs.filter((x) => inY.has(x))));
        expect(a.minus(b).ordinals()).toEqual(sorted(xs.filter((x) => !inY.has(x))));
        expect(a.intersects(b)).toBe(xs.some((x) => inY.has(x)));
        expect(a.isEmpty()).toBe(xs.length === 0);
      }),
      { numRuns: 500 },
    );
  });

  test('sets spread over the whole catalog, sets of one word and unions of many small sets agree with arrays through chains of operations', () => {
    // Sets of 0 to 40 members over the whole catalog (a few actions spanning many words), sets of
    // one word, and unions of many small sets (a statement's patterns): every operation on every
    // pair of them, and results fed to the next operation.
    const spread = fc.uniqueArray(fc.nat(size - 1), { maxLength: 40 });
    const word = fc
      .nat((size - 1) >>> 5)
      .chain((w) =>
        fc.uniqueArray(fc.integer({ min: w * 32, max: Math.min(size - 1, w * 32 + 31) }), { maxLength: 32 }),
      );
    const any = fc.oneof(spread, word, ordinals);
    fc.assert(
      fc.property(any, any, fc.array(any, { maxLength: 12 }), fc.nat(size), (xs, ys, parts, probe) => {
        const a = ActionSet.fromOrdinals(xs);
        const b = ActionSet.fromOrdinals(ys);
        const inY = new Set(ys);
        const union = sorted([...new Set([...xs, ...ys])]);
        const inter = sorted(xs.filter((x) => inY.has(x)));
        const diff = sorted(xs.filter((x) => !inY.has(x)));
        const check = (s: ActionSet, want: number[]) => {
          expect(s.ordinals()).toEqual(want);
          expect(s.size).toBe(want.length);
          expect(s.isEmpty()).toBe(want.length === 0);
          expect(s.has(probe)).toBe(want.includes(probe));
          if (want.length) expect(s.within(want[0]!, want[want.length - 1]! + 1)).toBe(true);
          const seen: number[] = [];
          s.forEach((o) => seen.push(o));
          expect(seen).toEqual(want);
        };
        check(a, sorted(xs));
        check(a.union(b), union);
        check(b.union(a), union);
        check(a.intersect(b), inter);
        check(b.intersect(a), inter);
        check(a.minus(b), diff);
        expect(a.intersects(b)).toBe(inter.length > 0);
        expect(b.intersects(a)).toBe(inter.length > 0);
        expect(a.firstCommon(b)).toBe(inter.length ? inter[0] : -1);
        // Results fed on: (a ∪ b) − (a ∩ b) is the symmetric difference; (a − b) ∪ (a ∩ b) is a.
        const inX = new Set(xs);
        check(
          a.union(b).minus(a.intersect(b)),
          union.filter((o) => !(inX.has(o) && inY.has(o))),
        );
        check(a.minus(b).union(a.intersect(b)), sorted(xs));
        const sets = parts.map((p) => ActionSet.fromOrdinals(p));
        const all = sorted([...new Set(parts.flat())]);
        check(ActionSet.unionOf(sets), all);
        check(
          ActionSet.unionOf([...sets, a]).minus(a),
          all.filter((o) => !inX.has(o)),
        );
        check(
          ActionSet.unionOf(sets).intersect(a),
          all.filter((o) => inX.has(o)),
        );
      }),
      { numRuns: 500 },
    );
  });

  test('within tells whether every member is in a range, as the ordinals say', () => {
    fc.assert(
      fc.property(ordinals, fc.nat(4100), fc.nat(4100), (xs, x, y) => {
        const [from, to] = x <= y ? [x, y] : [y, x];
        expect(ActionSet.fromOrdinals(xs).within(from, to)).toBe(xs.every((o) => o >= from && o < to));
      }),
      { numRuns: 500 },
    );
    // Members at both ends of a word, and a word's last bit (sign of a 32-bit integer).
    const edges = ActionSet.fromOrdinals([32, 63]);
    expect(edges.within(32, 64)).toBe(true);
    expect(edges.within(33, 64)).toBe(false);
    expect(edges.within(32, 63)).toBe(false);
  });

  test('the catalog names its ordinals as one dense range when they are', () => {
    const order = loadCatalog().fullNameOrder();
    const dense = order.dense;
    expect(dense).toBeDefined();
    for (let o = dense!.from; o < dense!.to; o++) expect(order.position[o]).toBeDefined();
    expect(order.position[dense!.from - 1]).toBeUndefined();
    expect(order.position[dense!.to]).toBeUndefined();
  });

  test('firstCommon is the lowest shared ordinal, minOfCommon the lowest rank over the shared ones', () => {
    fc.assert(
      fc.property(
        ordinals,
        ordinals,
        fc.array(fc.integer({ min: -5, max: 1000 }), { minLength: 4000, maxLength: 4000 }),
        (xs, ys, rank) => {
          const a = ActionSet.fromOrdinals(xs);
          const b = ActionSet.fromOrdinals(ys);
          const inY = new Set(ys);
          const shared = xs.filter((x) => inY.has(x));
          expect(a.firstCommon(b)).toBe(shared.length ? Math.min(...shared) : -1);
          expect(b.firstCommon(a)).toBe(shared.length ? Math.min(...shared) : -1);
          expect(a.minOfCommon(b, rank)).toBe(
            shared.length ? Math.min(...shared.map((x) => rank[x]!)) : Infinity,
          );
          expect(a.minOf((o) => rank[o]!)).toBe(xs.length ? Math.min(...xs.map((x) => rank[x]!)) : Infinity);
          // some() stops at the first member it is true of, in ordinal order.
          const seen: number[] = [];
          const hit = a.some((o) => (seen.push(o), rank[o]! > 500));
          const firstHigh = sorted(xs).findIndex((x) => rank[x]! > 500);
          expect(hit).toBe(firstHigh >= 0);
          expect(seen).toEqual(firstHigh >= 0 ? sorted(xs).slice(0, firstHigh + 1) : sorted(xs));
        },
      ),
      { numRuns: 300 },
    );
  });
});
