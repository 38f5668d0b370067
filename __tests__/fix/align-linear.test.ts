// (a review of scale) alignStatements walked each original's run of derivable parts again from
// every position: O(n·m²), and `fix` of a policy of 1,000 statements without Sids (each part
// derivable from every original) did not finish in five minutes. It is a running minimum now,
// O(n·m). The first algorithm stays here, as the reference the new one must agree with.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { alignStatements, derivable, type StatementFate } from '../../src/fix/align.js';
import { compileGlob, hasWildcard } from '../../src/policy/glob.js';

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  );
}

function foreign(part: Record<string, unknown>, original: Record<string, unknown>): boolean {
  const written = new Set(
    [...list(original.Action), ...list(original.NotAction)].map((a) => a.toLowerCase()),
  );
  const globs = list(original.Action)
    .filter(hasWildcard)
    .map((p) => compileGlob(p, { caseInsensitive: true }));
  return list(part.Action).some(
    (a) => !written.has(a.toLowerCase()) && !globs.some((g) => g.matches(a.toLowerCase())),
  );
}

/** The first alignment: for each (i, j), every run length k walked. */
function reference(
  originals: Record<string, unknown>[],
  minimal: Record<string, unknown>[],
): StatementFate[] | undefined {
  const n = originals.length;
  const m = minimal.length;
  const best = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(Infinity));
  const choice = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(-1));
  best[n]![m] = 0;
  for (let i = n - 1; i >= 0; i--)
    for (let j = m; j >= 0; j--) {
      if (j < m && isDeepStrictEqual(minimal[j], originals[i]) && best[i + 1]![j + 1]! < best[i]![j]!) {
        best[i]![j] = best[i + 1]![j + 1]!;
        choice[i]![j] = 1_000_001;
      }
      if (best[i + 1]![j]! + 1 < best[i]![j]!) {
        best[i]![j] = best[i + 1]![j]! + 1;
        choice[i]![j] = 0;
      }
      let extra = 0;
      for (let k = 1; j + k <= m; k++) {
        if (!derivable(minimal[j + k - 1], originals[i])) break;
        extra += foreign(minimal[j + k - 1]!, originals[i]!) ? 0.25 : 0;
        const c = best[i + 1]![j + k]! + 1 + extra;
        if (c < best[i]![j]!) {
          best[i]![j] = c;
          choice[i]![j] = k;
        }
      }
    }
  if (best[0]![0] === Infinity) return undefined;
  const out: StatementFate[] = [];
  let j = 0;
  for (let i = 0; i < n; i++) {
    const c = choice[i]![j]!;
    if (c > 1_000_000) {
      out.push({ kind: 'keep' });
      j += 1;
    } else if (c === 0) out.push({ kind: 'drop' });
    else {
      out.push({ kind: 'rewrite', parts: minimal.slice(j, j + c) });
      j += c;
    }
  }
  return out;
}

const ACTIONS = [
  'ec2:Describe*',
  'ec2:DescribeImages',
  'ec2:RunInstances',
  's3:GetObject',
  's3:*',
  'iam:PassRole',
];
const statement = fc.record(
  {
    Sid: fc.constantFrom('A', 'B', 'A2'),
    Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
    Action: fc.array(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 2 }),
    Resource: fc.constantFrom('*', 'arn:aws:s3:::b'),
    Condition: fc.constant({ StringEquals: { 'aws:x': '1' } }),
  },
  { requiredKeys: ['Effect', 'Action', 'Resource'] },
);

test('agrees with the first algorithm on random policies and their rewrites', () => {
  fc.assert(
    fc.property(
      fc.array(statement, { minLength: 1, maxLength: 6 }),
      fc.array(
        fc.tuple(fc.nat(3), fc.nat(2), fc.array(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 2 })),
      ),
      fc.option(statement),
      (originals, edits, stray) => {
        // The minimal policy as rewriteStatement makes it: each original kept, dropped or split.
        const minimal: Record<string, unknown>[] = [];
        originals.forEach((o, i) => {
          const [how, parts, actions] = edits[i % Math.max(1, edits.length)] ?? [1, 0, []];
          if (how === 0) return;
          if (how === 1) minimal.push({ ...o });
          else for (let p = 0; p <= parts; p++) minimal.push({ ...o, Action: actions });
        });
        if (stray) minimal.splice(minimal.length >> 1, 0, stray);
        expect(alignStatements(originals, minimal)).toEqual(reference(originals, minimal));
      },
    ),
    { numRuns: 3000 },
  );
});

test('1,000 statements without Sids, every part derivable from every original: aligned', () => {
  const originals = Array.from({ length: 1000 }, (_, i) => ({
    Effect: 'Allow',
    Action: ['ec2:RunInstances', 'ec2:RebootInstances', 'ec2:GetConsoleScreenshot'],
    Resource: `arn:aws:ec2:*:*:instance/i-${i}`,
  }));
  const minimal = originals.map((o) => ({ ...o, Action: ['ec2:RunInstances'] }));
  const fates = alignStatements(originals, minimal)!;
  expect(fates).toHaveLength(1000);
  // (which original takes which part is a tie here, broken as the reference breaks it: every part
  // taken once, in order)
  expect(fates.flatMap((f) => (f.kind === 'rewrite' ? f.parts : []))).toEqual(minimal);
});
