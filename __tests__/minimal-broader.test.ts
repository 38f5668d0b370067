// The minimal policy of a broader-resource finding: narrowed to where the baseline allows the
// action, with the condition the baseline requires on each of those resources (one statement per
// distinct condition), so that the suggestion itself meets the baseline in one step. Through the
// Auditor, on both paths (the set engine and the reference).
import { auditDocument, oneSetBaseline } from './helpers/one-policy.js';

const TEAM = { StringEquals: { 'aws:PrincipalTag/team': 'data' } };
const baseline = oneSetBaseline([
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*', Condition: TEAM },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' },
]);

const audit = (document: unknown, memo: boolean) => auditDocument(document, baseline, { memo });

describe.each([true, false])('the minimal policy of a broader resource (set engine: %s)', (memo) => {
  it('narrows the resource and carries the condition the narrower resource requires', () => {
    const out = audit(
      {
        Version: '2012-10-17',
        Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      },
      memo,
    );
    expect(out.findings.map((f) => f.kind)).toEqual(['broader-resource']);
    const minimal = out.suggestions[0]!.minimal as { Statement: Record<string, unknown>[] };
    expect(minimal.Statement).toEqual([
      {
        Sid: 'Read',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::data/*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } },
      },
      { Sid: 'Read2', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' },
    ]);
    // The suggestion meets the baseline: audited again, nothing is left.
    expect(audit(minimal, memo).findings).toEqual([]);
  });
});
