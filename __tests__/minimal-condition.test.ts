// The minimal policy of a missing-condition finding (audit/minimal.ts with policy/condition.ts's
// mergeConditions and conditionAsWritten), end to end through the Auditor: the suggested statement
// grants only under values both the policy and the baseline allow, and the suggestion itself meets
// the baseline.
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';

const baseline = oneSetBaseline([
  {
    Sid: 'Destroy',
    Effect: 'Allow',
    Action: 'ec2:TerminateInstances',
    Resource: '*',
    Condition: { StringEquals: { 'ec2:ResourceTag/owner': 'vendor' } },
  },
]);

const audit = (document: unknown) => auditDocument(document, baseline);
type Minimal = { Statement: { Condition?: unknown }[] };

describe('the minimal policy of a missing condition', () => {
  it('keeps, for a key both name with StringEquals, only the values the baseline allows', () => {
    const out = audit(
      doc({
        Sid: 'Destroy',
        Effect: 'Allow',
        Action: 'ec2:TerminateInstances',
        Resource: '*',
        Condition: { StringEquals: { 'EC2:ResourceTag/Owner': ['vendor', 'other'] } },
      }),
    );
    expect(out.findings.map((f) => f.kind)).toEqual(['missing-condition']);
    const minimal = out.suggestions.find((s) => s.policy === 'p')!.minimal as Minimal;
    expect(minimal.Statement).toHaveLength(1);
    expect(minimal.Statement[0]!.Condition).toEqual({ StringEquals: { 'EC2:ResourceTag/Owner': 'vendor' } });
    // The suggestion itself meets the baseline.
    expect(audit(minimal).findings).toEqual([]);
  });

  it('adds the baseline key to a condition of many keys, keeping them as written', () => {
    const keys: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) keys[`aws:PrincipalTag/k${i}`] = `v${i}`;
    const out = audit(
      doc({
        Effect: 'Allow',
        Action: 'ec2:TerminateInstances',
        Resource: '*',
        Condition: { StringEquals: keys },
      }),
    );
    const minimal = out.suggestions.find((s) => s.policy === 'p')!.minimal as Minimal;
    expect(minimal.Statement[0]!.Condition).toEqual({
      StringEquals: { ...keys, 'ec2:ResourceTag/owner': 'vendor' },
    });
    expect(audit(minimal).findings).toEqual([]);
  });
});
