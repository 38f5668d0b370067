// The loops of src/audit/classify.ts ask a baseline resource's coverage of a granted one action by
// action through PairCoverage (src/audit/engine.ts), which keeps one answer per list of resource
// types (the answer depends on the action only through them). This property test holds it to
// coverage() asked action by action, on every builtin baseline's resources, with granted ARNs made
// from those resources and from the catalog's formats. And a granted ARN of literal text is never
// answered by the direct comparison alone: read field by field within the action's types, it may
// name no resource of them (covered), as the cases below show (they were found by a review of a
// short path that answered with the direct comparison, since removed).
import { describe, expect, it } from '@jest/globals';
import { builtinBaselines } from '../src/baselines/load.js';
import { compileBaseline, coverage, pairCoverage, type Cover } from '../src/audit/engine.js';
import { parseArnPattern, type ArnPattern } from '../src/policy/arn.js';
import { actionOrdinal, loadCatalog, type ActionInfo } from '../src/policy/catalog.js';
import { GrantBuilder } from '../src/policy/grants.js';
import { parsePolicyDocument } from '../src/policy/document.js';
import { rng } from './helpers/rng.js';

const catalog = loadCatalog();
const builder = new GrantBuilder(catalog);
const random = rng(20261207);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const word = (): string =>
  pick([
    'a',
    'data',
    'x-1',
    'prod',
    'coiled-data',
    'skypilot',
    'lightly',
    'b.c',
    '123456789012',
    'us-east-1',
  ]);
/** A value for a wildcard, variable or placeholder: sometimes with `/` or `:`, sometimes empty. */
const value = (): string => pick([word(), `${word()}/${word()}`, '', `${word()}:${word()}`, word()]);

/** A resource made from a pattern: each variable and placeholder given a value, a wildcard kept now and then. */
function fill(text: string): string {
  return text
    .replace(/<[^<>]*>/g, () => value())
    .replace(/\$\{[^}]*\}/g, () => value().replace(/[/:]/g, ''))
    .replace(/\*/g, () => (random() < 0.15 ? '*' : value()))
    .replace(/\?/g, () => pick(['a', '1', '-']));
}

describe('PairCoverage', () => {
  it('gives what coverage gives action by action, on every builtin baseline', () => {
    const pairs: { action: ActionInfo; resource: ArnPattern }[] = [];
    for (const b of builtinBaselines()) {
      const c = compileBaseline(b, builder, (raw) => parsePolicyDocument(raw).doc ?? { statements: [] });
      for (const [key, entries] of c.byAction) {
        const action = catalog.lookup(key);
        // (`*` covers every resource as a pattern: no PairCoverage.)
        if (action)
          for (const e of entries) if (e.resource.raw !== '*') pairs.push({ action, resource: e.resource });
      }
    }
    expect(pairs.length).toBeGreaterThan(500);
    const counts: Record<Cover, number> = { yes: 0, no: 0, unsure: 0 };
    let asked = 0;
    for (let i = 0; i < 1500; i++) {
      const { action, resource } = pick(pairs);
      const source = random();
      const text =
        source < 0.3
          ? fill(resource.raw)
          : source < 0.6
            ? fill(pick(pairs).resource.raw)
            : fill(pick(action.resourceTypes.map((t) => t.arn).concat(['arn:aws:s3:::b/k'])));
      const granted = parseArnPattern(text);
      const pair = pairCoverage(resource, granted);
      // Every action of the service, and the baseline's own: many share a list of resource types.
      const actions = [...catalog.actionsOf(action.service), action];
      for (const a of actions) {
        const want = coverage(resource, granted, a, false);
        const got = pair ? pair.of(actionOrdinal(a)!) : 'yes';
        if (got !== want) throw new Error(`${resource.raw} / ${text} / ${a.key}: ${got}, coverage ${want}`);
        counts[got]++;
        asked++;
      }
    }
    // Not vacuous: both answers, over many actions.
    expect(asked).toBeGreaterThan(50_000);
    expect(counts.yes).toBeGreaterThan(5_000);
    expect(counts.no).toBeGreaterThan(5_000);
  });

  it('reads a granted ARN field by field within the action’s types, not only as a whole', () => {
    const cases: [string, string, string, Cover][] = [
      // The region and account fields of Braket's and Health's formats are `*`: the granted text,
      // read field by field, has `123:device/…` (or `:event/…`) as its resource part, no device
      // or event of the format's; so it grants nothing the baseline lacks.
      [
        'braket:GetDevice',
        'arn:aws:braket:us-west-2:*:device/*',
        'arn:aws:braket:us-east-1:extra:123:device/qpu/ionq/aria',
        'yes',
      ],
      [
        'health:DescribeEventDetails',
        'arn:aws:health:us-east-1::event/EC2/*',
        'arn:aws:health:us-east-1:x::event/EC2/X/abc',
        'yes',
      ],
      // A device of the format's in another region: not covered.
      [
        'braket:GetDevice',
        'arn:aws:braket:us-west-2:*:device/*',
        'arn:aws:braket:us-east-1:1:device/qpu/ionq/aria',
        'no',
      ],
      [
        'braket:GetDevice',
        'arn:aws:braket:us-west-2:*:device/*',
        'arn:aws:braket:us-west-2:1:device/qpu/ionq/aria',
        'yes',
      ],
    ];
    for (const [key, b, g, want] of cases) {
      const action = catalog.lookup(key)!;
      expect([key, g, coverage(parseArnPattern(b), parseArnPattern(g), action, false)]).toEqual([
        key,
        g,
        want,
      ]);
      const pair = pairCoverage(parseArnPattern(b), parseArnPattern(g));
      expect(pair ? pair.of(actionOrdinal(action)!) : 'yes').toBe(want);
    }
  });
});
