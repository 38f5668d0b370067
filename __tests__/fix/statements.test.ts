// How a statement is rewritten in place: split into parts when kept actions need a narrower
// Resource (each part in the statement's own layout), an added Condition in the statement's style
// (multi-line JSON, one-line JSON with the file's separators, YAML block), NotAction/NotResource.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { planFixes } from '../../src/fix/index.js';
import { excess, fixAndReaudit, readIn, repo } from './helpers.js';

const SPOT_ROLE = 'arn:aws:iam::*:role/aws-service-role/spot.amazonaws.com/*';
/** A baseline (a policy JSON file given to --baseline): describe calls anywhere; the service-linked role with a condition. */
const BASE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['ec2:DescribeInstances', 'ec2:DescribeRegions'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: SPOT_ROLE,
      Condition: { StringLike: { 'iam:AWSServiceName': 'spot.amazonaws.com' } },
    },
  ],
});
const DOC = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Mixed',
      Effect: 'Allow',
      Action: ['ec2:DescribeInstances', 'iam:CreateServiceLinkedRole', 'iam:CreateUser'],
      Resource: '*',
    },
    { Sid: 'Other', Effect: 'Allow', Action: 'ec2:DescribeRegions', Resource: '*' },
  ],
};
const CONDITION = { StringLike: { 'iam:AWSServiceName': 'spot.amazonaws.com' } };
/** What the minimal policy reads after the two rounds (resource narrowed, then the condition). */
const FINAL = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Mixed', Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' },
    {
      Sid: 'Mixed2',
      Effect: 'Allow',
      Action: ['iam:CreateServiceLinkedRole'],
      Resource: SPOT_ROLE,
      Condition: CONDITION,
    },
    { Sid: 'Other', Effect: 'Allow', Action: 'ec2:DescribeRegions', Resource: '*' },
  ],
};

async function twoRounds(name: string, text: string) {
  const root = repo({ [name]: text, 'base.json': BASE });
  const first = await fixAndReaudit(root, 'base.json');
  expect(first.plan.notFixed).toEqual([]);
  const afterFirst = readFileSync(join(root, name), 'utf8');
  // The minimal policy of a broader-resource finding narrows the resource; the condition that
  // resource needs is a finding of the next audit, which the next fix adds.
  const second = await fixAndReaudit(root, 'base.json');
  expect(second.plan.notFixed).toEqual([]);
  expect(excess(second.after)).toEqual([]);
  expect(planFixes(second.after, readIn(root)).files).toEqual([]);
  return { afterFirst, final: readFileSync(join(root, name), 'utf8') };
}

describe('fix: statements rewritten in the file style', () => {
  it('multi-line JSON: the statement split into parts laid out like it, then a Condition added', async () => {
    const { afterFirst, final } = await twoRounds('p.json', JSON.stringify(DOC, null, 2));
    expect(afterFirst).toBe(
      JSON.stringify({ ...FINAL, Statement: FINAL.Statement.map(({ Condition: _c, ...s }) => s) }, null, 2),
    );
    expect(final).toBe(JSON.stringify(FINAL, null, 2));
  });

  it('one-line JSON keeps its separators', async () => {
    const { final } = await twoRounds('c.json', JSON.stringify(DOC));
    expect(final).toBe(JSON.stringify(FINAL));
  });

  it('a CloudFormation YAML template: block lists, the key order and the template around kept', async () => {
    const text = YAML.stringify({
      Resources: { P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: DOC } } },
    });
    const { final } = await twoRounds('t.yaml', text);
    expect(final).toBe(
      YAML.stringify({
        Resources: { P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: FINAL } } },
      }),
    );
  });

  it('NotAction on every resource becomes the Action list the baseline allows', async () => {
    const text = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }],
      },
      null,
      2,
    );
    const root = repo({ 'n.json': text, 'base.json': BASE });
    const { plan, after } = await fixAndReaudit(root, 'base.json');
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    const fixed = JSON.parse(readFileSync(join(root, 'n.json'), 'utf8'));
    expect(fixed.Statement[0].NotAction).toBeUndefined();
    expect(fixed.Statement[0].Action).toEqual(['ec2:DescribeInstances', 'ec2:DescribeRegions']);
  });
});

describe('fix: line endings, byte-order mark, tabs', () => {
  it('a CRLF file with a BOM and tab indentation stays CRLF, keeps its BOM and its tabs', async () => {
    const text =
      '\uFEFF' +
      JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Keep',
              Effect: 'Allow',
              Action: ['ec2:DescribeInstances', 'iam:CreateUser'],
              Resource: '*',
            },
            { Sid: 'Drop', Effect: 'Allow', Action: 'iam:DeleteUser', Resource: '*' },
          ],
        },
        null,
        '\t',
      ).replace(/\n/g, '\r\n') +
      '\r\n';
    const root = repo({ 'w.json': text });
    const { plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    const fixed = readFileSync(join(root, 'w.json'), 'utf8');
    expect(fixed).toBe(
      '\uFEFF' +
        JSON.stringify(
          {
            Version: '2012-10-17',
            Statement: [{ Sid: 'Keep', Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' }],
          },
          null,
          '\t',
        ).replace(/\n/g, '\r\n') +
        '\r\n',
    );
  });
});

describe('fix: a Resource string narrowed to several resources becomes a list in the file style', () => {
  const base = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:::data/*', 'arn:aws:s3:::logs/*'],
      },
    ],
  });
  const doc = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }],
  };
  const narrowed = {
    ...doc,
    Statement: [{ ...doc.Statement[0], Resource: ['arn:aws:s3:::data/*', 'arn:aws:s3:::logs/*'] }],
  };

  it('YAML: a block list under the key', async () => {
    const text = YAML.stringify({
      Resources: { P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc } } },
    });
    const root = repo({ 't.yaml': text, 'base.json': base });
    const { plan, after } = await fixAndReaudit(root, 'base.json');
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    expect(readFileSync(join(root, 't.yaml'), 'utf8')).toBe(
      YAML.stringify({
        Resources: { P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: narrowed } } },
      }),
    );
  });

  it('HCL jsonencode: one item a line, indented one step from the key', async () => {
    const tf = [
      'resource "aws_iam_policy" "p" {',
      '  name = "p"',
      '  policy = jsonencode({',
      '    Version = "2012-10-17"',
      '    Statement = [',
      '      {',
      '        Sid      = "Read"',
      '        Effect   = "Allow"',
      '        Action   = ["s3:GetObject"]',
      '        Resource = "*"',
      '      },',
      '    ]',
      '  })',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'main.tf': tf, 'base.json': base });
    const { plan, after } = await fixAndReaudit(root, 'base.json');
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    expect(readFileSync(join(root, 'main.tf'), 'utf8')).toBe(
      tf.replace(
        '        Resource = "*"',
        '        Resource = [\n          "arn:aws:s3:::data/*",\n          "arn:aws:s3:::logs/*"\n        ]',
      ),
    );
  });
});

describe('fix: comments beside the items that stay are kept', () => {
  it('YAML: the removed items go with their lines, the comments of the kept ones stay', async () => {
    const text = [
      'Resources:',
      '  P:',
      '    Type: AWS::IAM::ManagedPolicy',
      '    Properties:',
      '      PolicyDocument:',
      '        Version: "2012-10-17"',
      '        Statement:',
      '          # what the integration reads',
      '          - Effect: Allow',
      '            Action:',
      '              - ec2:DescribeInstances # the instance list',
      '              - iam:CreateUser # added for a test, never removed',
      "              - 'ec2:DescribeRegions'   # regions",
      '            Resource: "*"',
      '',
    ].join('\n');
    const root = repo({ 't.yaml': text });
    const { plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    expect(readFileSync(join(root, 't.yaml'), 'utf8')).toBe(
      text.replace('              - iam:CreateUser # added for a test, never removed\n', ''),
    );
  });

  it('HCL: a data source list with comments and a trailing comma', async () => {
    const tf = [
      'data "aws_iam_policy_document" "p" {',
      '  statement {',
      '    actions = [',
      '      "ec2:DescribeInstances", # instances',
      '      "ec2:DescribeRegions",',
      '      # users: added later',
      '      "iam:CreateUser",',
      '    ]',
      '    resources = ["*"]',
      '  }',
      '}',
      '',
      'resource "aws_iam_policy" "p" {',
      '  name   = "p"',
      '  policy = data.aws_iam_policy_document.p.json',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'main.tf': tf });
    const { plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    expect(readFileSync(join(root, 'main.tf'), 'utf8')).toBe(
      tf.replace(
        '      "ec2:DescribeRegions",\n      # users: added later\n      "iam:CreateUser",\n',
        '      "ec2:DescribeRegions",\n',
      ),
    );
  });
});
