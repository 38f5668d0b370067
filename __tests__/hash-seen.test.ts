// HashSeen (src/audit/memo.ts): the memo's record of outcome hashes seen once answers as a Set of
// the hashes as 32-bit integers does, through growth and clearing, with 0 and 1 taken as one.
import fc from 'fast-check';
import { HashSeen } from '../src/audit/memo.js';

describe('HashSeen', () => {
  it('answers as a Set of the same hashes (as int32, 0 as 1) through growth and clear', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
            fc.integer({ min: -3, max: 3 }),
            fc.constant('clear' as const),
          ),
          { maxLength: 3000 },
        ),
        (ops) => {
          const seen = new HashSeen();
          const model = new Set<number>();
          for (const op of ops) {
            if (op === 'clear') {
              seen.clear();
              model.clear();
              expect(seen.size).toBe(0);
              continue;
            }
            const v = op | 0 || 1;
            expect(seen.testAndAdd(op)).toBe(model.has(v));
            model.add(v);
            expect(seen.size).toBe(model.size);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds 200,000 distinct hashes, each found again', () => {
    const seen = new HashSeen();
    const hashes: number[] = [];
    let x = 0x811c9dc5;
    for (let i = 0; i < 200_000; i++) {
      x = Math.imul(x ^ i, 0x01000193);
      hashes.push(x);
    }
    const distinct = new Set(hashes.map((h) => h | 0 || 1)).size;
    for (const h of hashes) seen.testAndAdd(h);
    expect(seen.size).toBe(distinct);
    for (const h of hashes) expect(seen.testAndAdd(h)).toBe(true);
    expect(seen.size).toBe(distinct);
  });
});
