// What `fix` says when it leaves a policy as written: the reasons name what would help.
import { fixFiles } from './helpers.js';

async function reasons(files: Record<string, string>, baseline?: string, accountId?: string) {
  const { plan } = await fixFiles(files, baseline, accountId);
  return plan.notFixed.map((n) => n.reason);
}

const CFN_HEAD = [
  'Resources:',
  '  SkyPolicy:',
  '    Type: AWS::IAM::ManagedPolicy',
  '    Properties:',
  '      ManagedPolicyName: skypilot-v1',
  '      PolicyDocument:',
  "        Version: '2012-10-17'",
  '        Statement:',
];

describe('fix: the reasons name what would help', () => {
  it('a part that changes and is not literal: the statement is named (Sid, else its number) with its line', async () => {
    const text = [
      ...CFN_HEAD,
      '          - Sid: Describe',
      '            Effect: Allow',
      "            Action: !Split [',', 'ec2:DescribeInstances,iam:CreateUser']",
      "            Resource: '*'",
      '          - Effect: Allow',
      "            Action: !Split [',', 'ec2:DescribeRegions,iam:DeleteUser']",
      "            Resource: '*'",
      '',
    ].join('\n');
    const got = await reasons({ 'cfn.yaml': text }, 'skypilot', '123456789012');
    expect(got).toEqual([
      'the part of statement Describe (line 9) that changes is not literal: its Action holds the tag !Split (an intrinsic function), which fix does not rewrite: change it by hand',
    ]);
    const unnamed = text.replace('          - Sid: Describe\n            Effect', '          - Effect');
    expect(await reasons({ 'cfn.yaml': unnamed }, 'skypilot', '123456789012')).toEqual([
      expect.stringMatching(
        /^the part of statement #0 \(line 9\) that changes is not literal: its Action holds the tag !Split/,
      ),
    ]);
  });

  it('a placeholder for a name of your own (a Lightly bucket) is not said to need --account-id', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }],
    };
    const got = await reasons({ 'lightly.json': JSON.stringify(policy, null, 2) }, 'lightly', '123456789012');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(
      /^the rewrite would write \S+ into the file, the baseline's placeholder for a name of your own/,
    );
    expect(got[0]).not.toContain('--account-id (or');
  });

  it('a .tf.json policy that references a policy document data source says so', async () => {
    const tfJson = {
      data: {
        aws_iam_policy_document: {
          sky: { statement: [{ actions: ['ec2:Describe*', 'iam:CreateUser'], resources: ['*'] }] },
        },
      },
      resource: {
        aws_iam_policy: { sky: { name: 'skypilot-v1', policy: '${data.aws_iam_policy_document.sky.json}' } },
      },
    };
    const got = await reasons(
      { 'main.tf.json': JSON.stringify(tfJson, null, 2) },
      'skypilot',
      '123456789012',
    );
    expect(got).toContain(
      "the policy is a reference to the policy document data source data.aws_iam_policy_document.sky (${data.aws_iam_policy_document.sky.json}), which fix does not follow in a .tf.json file: rewrite that data source's statements by hand",
    );
  });

  it('every statement narrowed away by what fix cannot write exactly: narrow by hand, not "delete the policy"', async () => {
    const policy = [
      '{',
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    {"Effect": "Allow", "Action": ["ec2:StartInstances"], "NotResource": ["arn:aws:ec2:us-east-1:123456789012:*"]}',
      '  ]',
      '}',
      '',
    ].join('\n');
    const got = await reasons({ 'p.json': policy }, 'skypilot', '123456789012');
    // (its NotResource, us-east-1, leaves instances of the other regions, which no Resource names
    // without it: kept as written, not narrowed away)
    expect(got).toEqual([
      expect.stringMatching(/^its minimal policy is the policy as written.*narrow it by hand$/),
    ]);
  });

  it('a policy the baseline needs nothing of is still to be deleted', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }],
    };
    const got = await reasons({ 'p.json': JSON.stringify(policy) }, 'skypilot', '123456789012');
    expect(got).toEqual(['every statement would be removed: delete the policy (or detach it) instead']);
  });
});

describe("fix: a role's trust policy", () => {
  it("held to the vendor's trust and lacking its external ID: left as written, with the reason", async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::464622532012:root' }, Action: 'sts:AssumeRole' },
      ],
    });
    const { plan } = await fixFiles({ 'datadog-trust.json': trust }, 'datadog');
    expect(plan.files).toEqual([]);
    expect(plan.notFixed).toEqual([
      expect.objectContaining({
        policy: 'datadog-trust.json',
        reason: expect.stringContaining('fix does not change who may assume a role'),
      }),
    ]);
  });

  it('a policy read by file() with a path from the directory Terraform runs in says so (the review: "not written as a literal")', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:CreateUser'], Resource: '*' }],
    });
    const got = await reasons(
      {
        'shared/p.json': policy,
        'infra/main.tf':
          'resource "aws_iam_policy" "coiled" {\n  name   = "coiled"\n  policy = file("../shared/p.json")\n}\n',
      },
      'coiled',
    );
    expect(got).toEqual([
      'the policy is read from a file (file("../shared/p.json")) by a path Terraform takes from the directory it runs in, not from the module\'s (${path.module}/…): fix that file',
    ]);
  });
});
