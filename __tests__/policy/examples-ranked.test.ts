// A finding's examples (the riskiest actions, then by key in localeCompare order) are taken for a
// large set through per-catalog arrays of risk scores and key ranks (src/audit/findings.ts
// rankedExamples); they must be the ones examples() picks by comparing the actions themselves.
import fc from 'fast-check';
import { ActionSet } from '../../src/policy/action-set.js';
import { actionOrdinal, loadCatalog } from '../../src/policy/catalog.js';
import { examplesBothWays } from '../../src/audit/findings.js';

const catalog = loadCatalog();
const all = catalog.all();

describe('rankedExamples', () => {
  test('picks the same examples as examples() on random sets', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(all.length - 1), { minLength: 1, maxLength: 600 }), (picks) => {
        const set = ActionSet.fromOrdinals(picks.map((i) => actionOrdinal(all[i]!)!));
        const [plain, ranked, byArrays] = examplesBothWays(set, catalog);
        expect(ranked).toBe(plain);
        // examples() itself, comparing through the arrays rankedExamples has made by now.
        expect(byArrays).toBe(plain);
      }),
      { numRuns: 200 },
    );
  });

  test('on sets of about 2,000 actions, taken from across the catalog', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2040, max: 2060 }), fc.nat(all.length - 1), (size, start) => {
        const picks = Array.from({ length: size }, (_, i) =>
          actionOrdinal(all[(start + i * 7) % all.length]!)!,
        );
        const set = ActionSet.fromOrdinals(picks);
        const [plain, ranked] = examplesBothWays(set, catalog);
        expect(ranked).toBe(plain);
      }),
      { numRuns: 20 },
    );
  });

  test('on complements (a NotAction statement’s set) of random sets', () => {
    const every = ActionSet.fromActions(all);
    fc.assert(
      fc.property(fc.array(fc.nat(all.length - 1), { minLength: 1, maxLength: 300 }), (picks) => {
        const set = every.minus(ActionSet.fromOrdinals(picks.map((i) => actionOrdinal(all[i]!)!)));
        const [plain, ranked] = examplesBothWays(set, catalog);
        expect(ranked).toBe(plain);
      }),
      { numRuns: 10 },
    );
  });

  test('on whole services and on every action', () => {
    for (const svc of ['s3', 'ec2', 'iam', 'kms'])
      expect(examplesBothWays(ActionSet.fromActions(catalog.actionsOf(svc)), catalog)[1]).toBe(
        examplesBothWays(ActionSet.fromActions(catalog.actionsOf(svc)), catalog)[0],
      );
    const [plain, ranked] = examplesBothWays(ActionSet.fromActions(all), catalog);
    expect(ranked).toBe(plain);
    expect(plain).toMatch(/ and \d+ more$/);
  });
});
