// The minimal policy of a broader-resource finding: narrowed to where the baseline allows the
// action, with the condition the baseline requires on each of those resources (one statement per
// distinct condition), so that the suggestion itself meets the baseline in one step. Through the
// Auditor, on both paths (the set engine and the reference).
import { Auditor, preparePolicies, type AuditPlan } from '../src/audit/audit.js';
import type { Baseline, PolicyRecord } from '../src/core/types.js';

const TEAM = { StringEquals: { 'aws:PrincipalTag/team': 'data' } };
const baseline: Baseline = {
  id: 'vendor',
  name: 'Vendor',
  date: '2026-01-01',
  defaultSets: ['ongoing'],
  sets: [
    {
      name: 'ongoing',
      kind: 'ongoing',
      statements: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*', Condition: TEAM },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' },
      ],
    },
  ],
};

function audit(document: unknown, memo: boolean) {
  const record: PolicyRecord = {
    id: 'p',
    path: 'p.json',
    kind: 'identity',
    status: 'resolved',
    document,
    line: 1,
  };
  const prepared = preparePolicies([
    { result: { path: 'x', kind: 'policy', status: 'audited', policies: [record], errors: [] } },
  ]);
  const plan: AuditPlan = {
    assignments: [{ target: 'p', baseline, sets: ['ongoing'] }],
    notAudited: new Map(),
  };
  return new Auditor(undefined, undefined, { memo }).run(prepared, new Map(), plan);
}

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
