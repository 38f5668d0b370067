// The comparison of a granted resource that is one ARN (no wildcard, variable or placeholder) with
// a baseline resource takes a short path (literalCoverage in src/audit/engine.ts): within each
// resource type the ARN is of, the ARNs both match are that ARN, so the per-type search is the
// direct comparison. This property test holds it to the general path (coverageGeneral) on every
// builtin baseline's resources, with ARNs made from those resources and from the catalog's formats.
import { describe, expect, it } from '@jest/globals';
import { builtinBaselines } from '../src/baselines/load.js';
import { compileBaseline, coverage, coverageGeneral, type Cover } from '../src/audit/engine.js';
import { parseArnPattern, type ArnPattern } from '../src/policy/arn.js';
import { loadCatalog, type ActionInfo } from '../src/policy/catalog.js';
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

/** A literal ARN made from a pattern: each wildcard, variable and placeholder given a value. */
function fill(text: string): string {
  return text
    .replace(/<[^<>]*>/g, () => value())
    .replace(/\$\{[^}]*\}/g, () => value().replace(/[/:]/g, ''))
    .replace(/\*/g, () => value())
    .replace(/\?/g, () => pick(['a', '1', '-']));
}

describe('a granted resource that is one ARN compared by the short path', () => {
  it('gives what the general path gives, on every builtin baseline', () => {
    // (action, baseline resource) pairs of every builtin baseline.
    const pairs: { action: ActionInfo; resource: ArnPattern }[] = [];
    for (const b of builtinBaselines()) {
      const c = compileBaseline(b, builder, (raw) => parsePolicyDocument(raw).doc ?? { statements: [] });
      for (const [key, entries] of c.byAction) {
        const action = catalog.lookup(key);
        // (`*` covers every resource, whatever the path.)
        if (action)
          for (const e of entries) if (e.resource.raw !== '*') pairs.push({ action, resource: e.resource });
      }
    }
    expect(pairs.length).toBeGreaterThan(500);
    const counts: Record<Cover, number> = { yes: 0, no: 0, unsure: 0 };
    let compared = 0;
    for (let i = 0; i < 6000; i++) {
      const { action, resource } = pick(pairs);
      // An ARN from the baseline's own text (often covered), from another baseline resource (often
      // not), from a format of the action (often of its type, covered or not), or from a format
      // of another action (often of no type of it).
      const source = random();
      const text =
        source < 0.3
          ? fill(resource.raw)
          : source < 0.6
            ? fill(pick(pairs).resource.raw)
            : source < 0.85 && action.resourceTypes.length > 0
              ? fill(pick(action.resourceTypes).arn)
              : fill(
                  pick(
                    pick(pairs)
                      .action.resourceTypes.map((t) => t.arn)
                      .concat(['arn:aws:s3:::b/k']),
                  ),
                );
      if (/[*?]/.test(text) || !text.startsWith('arn:')) continue;
      const granted = parseArnPattern(text);
      if (granted.unboundPlaceholders.length > 0 || granted.tokens.some((t) => t.kind !== 'char')) continue;
      const want = coverageGeneral(resource, granted, action, false);
      const got = coverage(resource, granted, action, false);
      if (got !== want) throw new Error(`${resource.raw} / ${text} / ${action.key}: ${got}, general ${want}`);
      counts[got]++;
      compared++;
    }
    // Not vacuous: both answers seen many times, over most of the draws.
    expect(compared).toBeGreaterThan(3500);
    expect(counts.yes).toBeGreaterThan(300);
    expect(counts.no).toBeGreaterThan(300);
  });

  it('reads an ARN of no type of the action as granting nothing beyond the baseline, and one of its type directly', () => {
    const get = catalog.lookup('s3:GetObject')!;
    const b = parseArnPattern('arn:aws:s3:::<datalake>/<projects/farm-animals>/*');
    // A bucket's ARN: s3:GetObject acts on objects only.
    expect(coverage(b, parseArnPattern('arn:aws:s3:::data'), get, false)).toBe('yes');
    expect(coverage(b, parseArnPattern('arn:aws:s3:::data/images/cat.png'), get, false)).toBe('yes');
    expect(coverage(b, parseArnPattern('arn:aws:s3:::data/cat.png'), get, false)).toBe('no');
    for (const t of ['arn:aws:s3:::data', 'arn:aws:s3:::data/images/cat.png', 'arn:aws:s3:::data/cat.png']) {
      const g = parseArnPattern(t);
      expect(coverage(b, g, get, false)).toBe(coverageGeneral(b, g, get, false));
    }
  });
});
