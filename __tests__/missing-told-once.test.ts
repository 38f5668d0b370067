// missing-permission: an action that two statements of one set list on the same resource (the
// alternative forms of a set, as Coiled's Terraform template's Network statement beside its
// Ongoing statement, both on `*`) is told missing once, under the first statement, not once per
// statement. Both engine paths.
import type { Finding } from '../src/core/types.js';
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';

const vendor = oneSetBaseline([
  { Sid: 'Ongoing', Effect: 'Allow', Action: ['ec2:CreateSecurityGroup', 'ec2:DescribeVpcs'], Resource: '*' },
  {
    Sid: 'Network',
    Effect: 'Allow',
    Action: ['ec2:CreateSecurityGroup', 'ec2:DeleteSecurityGroup'],
    Resource: '*',
    Condition: { StringEquals: { 'ec2:Vpc': 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1' } },
  },
  { Sid: 'Buckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::a' },
  { Sid: 'OtherBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::b' },
]);

const missing = (fs: Finding[]) =>
  fs
    .filter((f) => f.kind === 'missing-permission')
    .map((f) => [f.statement ?? f.message.match(/statement (\w+)/)?.[1], f.actions]);

describe.each([true, false])('missing-permission told once (memo path: %s)', (memo) => {
  it('an action of two statements on the same resource: under the first only', () => {
    const found = auditDocument(
      doc({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }),
      vendor,
      {
        memo,
      },
    ).findings;
    expect(missing(found)).toEqual([
      ['Ongoing', ['ec2:CreateSecurityGroup', 'ec2:DescribeVpcs']],
      ['Network', ['ec2:DeleteSecurityGroup']],
      ['Buckets', ['s3:ListBucket']],
      // (on another resource: needed there too)
      ['OtherBucket', ['s3:ListBucket']],
    ]);
  });
});
