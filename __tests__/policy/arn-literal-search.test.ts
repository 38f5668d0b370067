// arnCoveredWithin and arnWitness read a literal grant (one ARN, no wildcard: the usual grant) a
// character at a time (literalSearch) instead of by the general product search, which tried every
// letter of the alphabet at each character and made a subset step for each (the diverse benchmark's
// 5,000 policies: some 0.4 s and 50 MB). The two must answer alike: random literal ARNs, within the
// catalog's formats, against covering patterns with wildcards, policy variables and placeholders.
import {
  arnCoveredWithin,
  arnCoveredWithinBySearch,
  arnFormatToPattern,
  arnWitness,
  parseArnPattern,
} from '../../src/policy/arn.js';
import { loadCatalog } from '../../src/policy/catalog.js';
import { rng } from '../helpers/rng.js';

const catalog = loadCatalog();
const formats = [
  ...new Set(
    ['s3', 'ec2', 'iam', 'lambda', 'logs', 'sqs', 'kms', 'dynamodb', 'ecr']
      .flatMap((svc) => catalog.actionsOf(svc))
      .flatMap((a) => a.resourceTypes.map((t) => t.arn))
      .filter((f): f is string => !!f),
  ),
].sort();

/** A literal ARN of a format: each variable filled with a short value (sometimes holding `/` or `:`, or empty). */
function literalOf(format: string, r: () => number): string {
  const values = ['a', 'b1', 'x/y', 'prod', '', 'us-east-1', '123456789012', 'aws', 'k:v', 'data-*'];
  return format.replace(/\$\{[^}]*\}/g, () => values[Math.floor(r() * values.length)]!.replace('*', 'z'));
}

/** A covering pattern made from a literal: some characters turned into `*`, `?`, a variable or a placeholder. */
function coveringOf(literal: string, r: () => number): string {
  let out = '';
  for (const c of literal) {
    const x = r();
    if (x < 0.05) out += '*';
    else if (x < 0.08) out += '?';
    else if (x < 0.09) out += '${aws:username}';
    else if (x < 0.1) out += '<bucket-name>';
    else out += c;
  }
  return r() < 0.3 ? out + '*' : out;
}

describe('the literal path answers as the product search', () => {
  it('over random literal ARNs, formats and covering patterns', () => {
    const r = rng(20261206);
    let compared = 0;
    let covered = 0;
    for (let n = 0; n < 3000; n++) {
      const format = formats[Math.floor(r() * formats.length)]!;
      const within = r() < 0.85 ? arnFormatToPattern(format) : undefined;
      const whole = literalOf(r() < 0.8 ? format : formats[Math.floor(r() * formats.length)]!, r);
      // (some cut short: a string the format's automaton reads to the end without accepting it)
      const literal = r() < 0.2 ? whole.slice(0, 1 + Math.floor(r() * whole.length)) : whole;
      const inner = parseArnPattern(literal);
      const outer = parseArnPattern(coveringOf(r() < 0.7 ? literal : literalOf(format, r), r));
      const fast = arnCoveredWithin(outer, inner, within);
      expect([literal, outer.raw, within?.raw, fast]).toEqual([
        literal,
        outer.raw,
        within?.raw,
        arnCoveredWithinBySearch(outer, inner, within),
      ]);
      compared++;
      if (fast) covered++;
      // The witness: the ARN itself when the format holds it, else none.
      const w = arnWitness(inner, within);
      expect(w === null || w === literal).toBe(true);
    }
    // (both answers occur: the comparison is not of one constant)
    expect(compared).toBe(3000);
    expect(covered).toBeGreaterThan(300);
    expect(covered).toBeLessThan(2700);
  });
});
