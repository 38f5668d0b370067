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
        const [plain, ranked] = examplesBothWays(set, catalog);
        expect(ranked).toBe(plain);
      }),
      { numRuns: 200 },
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
