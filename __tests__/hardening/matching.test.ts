// No catastrophic matching, end to end: a policy with adversarial wildcards in its Action and
// Resource (many `*` and `?`, long strings) is audited through the engine with a bounded number of
// counted steps. The counters are those of src/policy/glob.ts and src/policy/arn.ts (MatchStats);
// the modules are wrapped so that every match the engine makes is counted, whatever it passes.
// Bounds are on counted steps, never on wall time: doubling the adversarial input must about
// double the steps (linear), and the total stays under a fixed budget.
import { jest } from '@jest/globals';
import type { ArnPattern } from '../../src/policy/arn.js';
import type { MatchStats } from '../../src/policy/glob.js';

const stats: MatchStats = { steps: 0 };
const arn = await import('../../src/policy/arn.js');
const glob = await import('../../src/policy/glob.js');
jest.unstable_mockModule('../../src/policy/arn.js', () => ({
  ...arn,
  arnContains: (o: ArnPattern, i: ArnPattern, s?: MatchStats) => arn.arnContains(o, i, s ?? stats),
  arnIntersects: (a: ArnPattern, b: ArnPattern, s?: MatchStats) => arn.arnIntersects(a, b, s ?? stats),
  arnMatches: (p: ArnPattern, c: string, s?: MatchStats) => arn.arnMatches(p, c, s ?? stats),
}));
jest.unstable_mockModule('../../src/policy/glob.js', () => ({
  ...glob,
  compileGlob: (pattern: string, options?: { caseInsensitive?: boolean }) => {
    const g = glob.compileGlob(pattern, options);
    return { ...g, matches: (s: string, st?: MatchStats) => g.matches(s, st ?? stats) };
  },
}));

const { Auditor, preparePolicies } = await import('../../src/audit/audit.js');
const { builtinBaselines } = await import('../../src/baselines/load.js');
const { loadCatalog } = await import('../../src/policy/catalog.js');
const { parseSource } = await import('../../src/sources/index.js');

const catalog = loadCatalog();
const coiled = builtinBaselines().find((b) => b.id === 'coiled')!;
const formats = new Set(catalog.all().flatMap((a) => a.resourceTypes.map((r) => r.arn)));
const formatChars = [...formats].reduce((n, f) => n + f.length, 0);

let unique = 0;
/** Counted steps to audit one policy document against the coiled baseline (fresh caches). */
function stepsFor(statements: object[]): { steps: number; findings: number } {
  // A unique suffix keeps the catalog's per-pattern cache from answering for free.
  const tag = `u${unique++}`;
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: statements }).replace(/TAG/g, tag);
  const loaded = parseSource({ path: `adversarial/${tag}.json`, text: doc });
  const prepared = preparePolicies([loaded]);
  const id = loaded.result.policies[0]!.id;
  stats.steps = 0;
  const outcome = new Auditor(undefined, catalog).run(prepared, new Map(), {
    assignments: [{ target: id, baseline: coiled, sets: coiled.defaultSets, group: 'g' }],
    notAudited: new Map(),
  });
  return { steps: stats.steps, findings: outcome.findings.length };
}

/** Steps at size n and 2n, and their ratio. */
function scaling(make: (n: number) => object[], n: number) {
  const a = stepsFor(make(n));
  const b = stepsFor(make(2 * n));
  return { small: a.steps, large: b.steps, ratio: b.steps / Math.max(1, a.steps) };
}

describe('adversarial wildcards through the engine cost a bounded, linear number of counted steps', () => {
  it("counts (the wrappers see the engine's matching)", () => {
    expect(
      stepsFor([{ Effect: 'Allow', Action: 's3:Get*TAG', Resource: 'arn:aws:s3:::bucket/*' }]).steps,
    ).toBeGreaterThan(0);
  });

  it('Action: many `*` and `?` (within the 256 characters read as written)', () => {
    // Short fixed parts, so that no candidate is ruled out by length alone: the worst case of the glob.
    const make = (n: number) => [
      {
        Effect: 'Allow',
        Action: [`*${'e*'.repeat(n)}TAG`, `s3:${'*?'.repeat(n)}*TAG`, `*${'?*'.repeat(n)}e*TAG`],
        Resource: '*',
      },
    ];
    const s = scaling(make, 8);
    expect(s.small).toBeGreaterThan(catalog.size);
    expect(s.ratio).toBeLessThan(2.5);
    // Each pattern against each candidate action once, in O(|pattern| + |action|) steps.
    expect(s.large).toBeLessThan(3 * catalog.size * (2 * 16 + 80));
  });

  it('Resource: many `*` and `?` and long literals (within AWS\'s 2,048 characters), with Action "*"', () => {
    const make = (n: number) => [
      {
        Effect: 'Allow',
        Action: '*',
        Resource: [
          `arn:aws:s3:::${'a*'.repeat(n)}bTAG`,
          `arn:${'*?'.repeat(n)}TAG`,
          `arn:aws:s3:::${'x'.repeat(2 * n)}TAG`,
        ],
      },
    ];
    const s = scaling(make, 40);
    expect(s.ratio).toBeLessThan(2.5);
    // Every ARN format of the catalog at most once per resource, each costing |format| x |resource|.
    expect(s.large).toBeLessThan(3 * formatChars * (2 * 2 * 40 + 40) * 2);
  });

  it('an over-long Action or Resource is read as `*` in an Allow statement, so it costs nothing more', () => {
    const long = stepsFor([
      {
        Effect: 'Allow',
        Action: [`${'*a'.repeat(5000)}TAG`],
        Resource: `arn:aws:s3:::${'a*'.repeat(50_000)}TAG`,
      },
    ]);
    const star = stepsFor([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    expect(long.steps).toBeLessThanOrEqual(star.steps + 1000);
    expect(long.findings).toBeGreaterThan(0);
  });

  // src/policy/grants.ts, GrantBuilder.applyDeny (fixed: now memoised per Deny statement and resource): for every granted action, each Deny pattern was
  // compared with the grant's resource (arnContains, then arnIntersects), with no cache per
  // (deny pattern, resource) pair. Both patterns come from the policy, so the cost is
  // actions x O(|deny| x |resource|): quadratic in the pattern length, times the number of actions
  // (Allow "*" on `arn:aws:s3:::a*a*...` with Deny "*" on `arn:aws:s3:::*a*a...`, 2,000 characters
  // each, takes ~19 s). Fix: memoise both answers per (deny pattern raw, grant resource raw), as
  // `applies` does per (format, resource); then the cost is O(pairs x |deny| x |resource|).
  it('an Allow and a Deny with adversarial resources (both from the policy) cost one comparison per pair', () => {
    const allow = (n: number) => ({
      Effect: 'Allow',
      Action: '*',
      Resource: [`arn:aws:s3:::${'a*'.repeat(n)}TAG`],
    });
    const deny = (n: number) => ({
      Effect: 'Deny',
      Action: '*',
      Resource: [`arn:aws:s3:::${'*a'.repeat(n)}TAG`],
    });
    const n = 250;
    const withDeny = stepsFor([allow(n), deny(n)]).steps;
    const without = stepsFor([allow(n)]).steps;
    // One (deny pattern, resource) pair: arnContains and arnIntersects once each, |deny| x |resource| steps.
    expect(withDeny - without).toBeLessThan(2 * (2 * n + 20) ** 2);
  });
});
