// An AWS managed policy cannot be edited: its findings to act on are headed by how to act on them
// (detach it, attach a policy of one's own), in the text and Markdown reports; a group of missing
// permissions only, or a policy of the repository's, is not (a first-contact review: "delete them"
// under SecurityAudit).
import type { PolicyGroup } from '../../src/report/group.js';
import { managedPolicyAdvice } from '../../src/report/group.js';
import { finding } from './fixtures.js';

const group = (address: string, kinds: PolicyGroup['kinds']): PolicyGroup => ({
  id: `x.yaml#${address}`,
  path: 'x.yaml',
  address,
  kinds,
});

test('an AWS managed policy with findings to act on, in any partition', () => {
  const excess = [{ kind: 'excess-action' as const, findings: [finding({ kind: 'excess-action' })] }];
  for (const arn of [
    'arn:aws:iam::aws:policy/SecurityAudit',
    'arn:aws-us-gov:iam::aws:policy/job-function/Billing',
  ])
    expect(managedPolicyAdvice(group(arn, excess))).toMatch(
      /^An AWS managed policy cannot be edited: .*detach it/,
    );
  // (the repository's own policies, and a customer managed policy's ARN, are edited in place)
  expect(managedPolicyAdvice(group('aws_iam_policy.p', excess))).toBeUndefined();
  expect(managedPolicyAdvice(group('arn:aws:iam::123456789012:policy/mine', excess))).toBeUndefined();
});

test('not for missing permissions alone', () => {
  const missing = [
    { kind: 'missing-permission' as const, findings: [finding({ kind: 'missing-permission' })] },
  ];
  expect(managedPolicyAdvice(group('arn:aws:iam::aws:policy/SecurityAudit', missing))).toBeUndefined();
});
