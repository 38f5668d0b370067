// What a role holds chosen by an Fn::If on a condition known only because the parameters it rests
// on were read at their defaults (`ManagedPolicyArns: !If [Admin, [AdministratorAccess],
// [ReadOnlyAccess]]`, an item of ManagedPolicyArns, the Roles of an AWS::IAM::Policy, a Policies
// entry or list) was settled by the default in silence: a stack deployed with EnableAdmin=true holds
// AdministratorAccess, and the audit never saw it. Now both branches are attached (the union),
// noted on the policy and the role with the condition and the defaults, as the document-level note
// of 874a09e; AllowedValues that leave only the default's branch, and a condition on the partition,
// still pick one branch with no note. A Policies entry under such an !If keeps its PolicyName.
// Fixture: a hand-written repro (__tests__/fixtures/README.md,
// cloudformation/written__if-default-attachments.yaml).
import { readFileSync } from 'node:fs';
import { parseSource } from '../../src/sources/index.js';
import type { InputResult, PolicyRecord, PrincipalRecord } from '../../src/core/types.js';

const TEXT = readFileSync(
  new URL('../fixtures/cloudformation/written__if-default-attachments.yaml', import.meta.url),
  'utf8',
);
const parse = (): InputResult => parseSource({ path: 't.yaml', text: TEXT }).result;
const rec = (r: InputResult, address: string): PolicyRecord => {
  const p = r.policies.find((x) => x.address === address);
  if (!p) throw new Error(`no ${address}: ${r.policies.map((x) => x.address).join(', ')}`);
  return p;
};
const principal = (r: InputResult, id: string): PrincipalRecord => {
  const p = r.principals?.find((x) => x.id === `t.yaml#${id}`);
  if (!p) throw new Error(`no principal ${id}`);
  return p;
};
/** The addresses of the policies a principal holds (trust policies are not among them). */
const held = (r: InputResult, id: string) =>
  principal(r, id)
    .policyIds.map((x) => x.slice(x.indexOf('#') + 1))
    .sort();
const ADMIN =
  'whose condition Admin is false with the parameters at their defaults (EnableAdmin "false"), not with every value a stack may be deployed with';
const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY_ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const IAM_FULL_ARN = 'arn:aws:iam::aws:policy/IAMFullAccess';

describe('what a role holds chosen by an Fn::If on a parameter with a default (written__if-default-attachments.yaml)', () => {
  it('ManagedPolicyArns: !If [Admin, [AdministratorAccess], [ReadOnlyAccess]]: both lists attached, noted', () => {
    const r = parse();
    expect(held(r, 'WholeList')).toEqual([ADMIN_ARN, READ_ONLY_ARN].sort());
    expect(rec(r, ADMIN_ARN).approximate).toEqual([
      `attached to WholeList by an Fn::If ${ADMIN}: audited as attached`,
    ]);
    expect(principal(r, 'WholeList').approximate).toEqual([
      `holds what either branch of an Fn::If attaches (${ADMIN}): both audited as held`,
    ]);
  });

  it('an item of ManagedPolicyArns under !If [Admin, arn, !Ref AWS::NoValue]: attached, noted', () => {
    const r = parse();
    expect(held(r, 'OneItem')).toContain(IAM_FULL_ARN);
    expect(rec(r, IAM_FULL_ARN).approximate).toEqual([
      `attached to OneItem by an Fn::If ${ADMIN}: audited as attached`,
    ]);
  });

  it('a Policies entry, and a Policies list, under such an !If: read with both branches and named', () => {
    const r = parse();
    const entry = rec(r, 'OneItem.Policies[0]');
    expect(entry.name).toBe('admin-extra');
    expect(entry.document).toEqual({
      Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
    });
    expect(entry.approximate?.join('\n')).toContain(
      'condition Admin is false with the parameters at their defaults',
    );
    const list = rec(r, 'ListOfPolicies.Policies[0]');
    expect(list.name).toBe('whole-list');
    expect(held(r, 'ListOfPolicies')).toEqual(['ListOfPolicies.Policies[0]']);
  });

  it('Roles: !If [Admin, [!Ref Exact], [!Ref Partition]] of an AWS::IAM::Policy: attached to both, noted', () => {
    const r = parse();
    expect(held(r, 'Exact')).toContain('Attached');
    expect(held(r, 'Partition')).toContain('Attached');
    expect(rec(r, 'Attached').approximate).toEqual([
      `attached to Exact by an Fn::If ${ADMIN}: audited as attached`,
      `attached to Partition by an Fn::If ${ADMIN}: audited as attached`,
    ]);
    expect(principal(r, 'Exact').approximate).toEqual([
      `holds what either branch of an Fn::If attaches (${ADMIN}): both audited as held`,
    ]);
  });

  it('AllowedValues leaving only the default branch, or a condition on the partition: one branch, no note', () => {
    const r = parse();
    expect(held(r, 'Exact')).toEqual(['Attached', READ_ONLY_ARN].sort());
    expect(held(r, 'Partition')).toEqual(['Attached', READ_ONLY_ARN].sort());
    expect(rec(r, READ_ONLY_ARN).approximate).toBeUndefined();
    // (AdministratorAccess is held by WholeList alone: neither Exact nor Partition)
    expect(rec(r, ADMIN_ARN).approximate).toHaveLength(1);
  });
});

// (a review: a policy attached so to 3,000 roles carried one note per role, 560 KB on each finding)
it('a policy attached so to many roles: a few notes and a count, not one note per role', () => {
  const roles = Array.from(
    { length: 8 },
    (_, i) => `  R${i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: !If [Admin, [!Ref Shared], !Ref AWS::NoValue]
`,
  ).join('');
  const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  EnableAdmin: {Type: String, Default: 'false'}
Conditions:
  Admin: !Equals [!Ref EnableAdmin, 'true']
Resources:
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'iam:*', Resource: '*'}]}
${roles}`;
  const r = parseSource({ path: 't.yaml', text }).result;
  const notes = rec(r, 'Shared').approximate ?? [];
  expect(notes).toHaveLength(6);
  expect(notes.slice(0, 5).every((n) => n.startsWith('attached to R') && n.includes('by an Fn::If'))).toBe(
    true,
  );
  expect(notes[5]).toBe('and 3 more attachments that may not be made, read likewise');
});
