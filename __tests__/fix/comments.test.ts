// Comments and deletions: a removed item (an Action list item, a statement) takes only its own
// text, the comment lines directly above it and its comment on its own last line; the comment lines
// directly above a kept item stay with that item. A split statement's comments stay once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixFiles } from './helpers.js';

const ACCOUNT = '123456789012';

async function fixOnce(name: string, text: string): Promise<{ after: string; notFixed: unknown[] }> {
  const { root, plan } = await fixFiles({ [name]: text }, 'skypilot', ACCOUNT);
  return { after: readFileSync(join(root, name), 'utf8'), notFixed: plan.notFixed };
}

describe('fix: the comments of the kept items stay with them', () => {
  it('YAML: a removed action and a removed statement leave the comments above the next kept ones', async () => {
    const text = [
      'Resources:',
      '  SkyPolicy:',
      '    Type: AWS::IAM::ManagedPolicy',
      '    Properties:',
      '      ManagedPolicyName: skypilot-v1',
      '      PolicyDocument:',
      "        Version: '2012-10-17'",
      '        Statement:',
      '          - Effect: Allow',
      '            Action:',
      '              - ec2:Describe*',
      '              - iam:CreateUser # added by hand',
      '              # Keep: SkyPilot reads instance type offerings (ticket OPS-42)',
      '              - ec2:DescribeInstanceTypeOfferings',
      "            Resource: '*'",
      '          # the s3 grant (removed with it)',
      '          - Effect: Allow',
      '            Action: s3:*',
      "            Resource: '*'",
      '          # The statement below is required by SkyPilot, do not remove (ticket OPS-7)',
      '          - Effect: Allow',
      '            Action: iam:GetInstanceProfile',
      `            Resource: arn:aws:iam::${ACCOUNT}:instance-profile/skypilot-v1`,
      '',
    ].join('\n');
    const { after, notFixed } = await fixOnce('cfn.yaml', text);
    expect(notFixed).toEqual([]);
    expect(after).toBe(
      text
        .replace('              - iam:CreateUser # added by hand\n', '')
        .replace(
          "          # the s3 grant (removed with it)\n          - Effect: Allow\n            Action: s3:*\n            Resource: '*'\n",
          '',
        ),
    );
  });

  it('HCL jsonencode: the same, with `#`, `//` and `/* */` comments', async () => {
    const tf = [
      'resource "aws_iam_policy" "sky" {',
      '  name = "skypilot-v1"',
      '  policy = jsonencode({',
      '    Version = "2012-10-17"',
      '    Statement = [',
      '      {',
      '        Effect = "Allow"',
      '        Action = [',
      '          "ec2:Describe*",',
      '          "iam:CreateUser", // extra',
      '          # Keep: offerings (OPS-42)',
      '          "ec2:DescribeInstanceTypeOfferings",',
      '        ]',
      '        Resource = "*"',
      '      },',
      '      /* the s3 grant */',
      '      {',
      '        Effect   = "Allow"',
      '        Action   = "s3:*"',
      '        Resource = "*"',
      '      },',
      '      # Required by SkyPilot (OPS-7)',
      '      {',
      '        Effect   = "Allow"',
      '        Action   = "iam:GetInstanceProfile"',
      `        Resource = "arn:aws:iam::${ACCOUNT}:instance-profile/skypilot-v1"`,
      '      },',
      '    ]',
      '  })',
      '}',
      '',
    ].join('\n');
    const { after, notFixed } = await fixOnce('main.tf', tf);
    expect(notFixed).toEqual([]);
    expect(after).toBe(
      tf
        .replace('          "iam:CreateUser", // extra\n', '')
        .replace(
          '      /* the s3 grant */\n      {\n        Effect   = "Allow"\n        Action   = "s3:*"\n        Resource = "*"\n      },\n',
          '',
        ),
    );
  });

  it('HCL: the last items of a list without a trailing comma, and a dropped statement block with its comment', async () => {
    const tf = [
      'data "aws_iam_policy_document" "sky" {',
      '  statement {',
      '    actions = [',
      '      # Keep: offerings (OPS-42)',
      '      "ec2:DescribeInstanceTypeOfferings", # offerings',
      '      # a test',
      '      "iam:CreateUser" # extra',
      '    ]',
      '    resources = ["*"]',
      '  }',
      '',
      '  # the s3 grant',
      '  statement {',
      '    actions   = ["s3:*"]',
      '    resources = ["*"]',
      '  }',
      '',
      '  # required by SkyPilot (OPS-7)',
      '  statement {',
      '    actions   = ["iam:GetInstanceProfile"]',
      `    resources = ["arn:aws:iam::${ACCOUNT}:instance-profile/skypilot-v1"]`,
      '  }',
      '}',
      '',
      'resource "aws_iam_policy" "sky" {',
      '  name   = "skypilot-v1"',
      '  policy = data.aws_iam_policy_document.sky.json',
      '}',
      '',
    ].join('\n');
    const { after, notFixed } = await fixOnce('main.tf', tf);
    expect(notFixed).toEqual([]);
    expect(after).toBe(
      tf
        .replace(
          '      "ec2:DescribeInstanceTypeOfferings", # offerings\n      # a test\n      "iam:CreateUser" # extra\n',
          '      "ec2:DescribeInstanceTypeOfferings" # offerings\n',
        )
        .replace(
          '\n  # the s3 grant\n  statement {\n    actions   = ["s3:*"]\n    resources = ["*"]\n  }\n',
          '',
        ),
    );
  });
});

describe('fix: a split statement keeps its comments once, on its first part', () => {
  const count = (text: string, s: string) => text.split(s).length - 1;

  it('YAML', async () => {
    const text = [
      'Resources:',
      '  P:',
      '    Type: AWS::IAM::ManagedPolicy',
      '    Properties:',
      '      ManagedPolicyName: skypilot-v1',
      '      PolicyDocument:',
      "        Version: '2012-10-17'",
      '        Statement:',
      '        - Sid: Mixed',
      '          Effect: Allow',
      '          # what the cluster needs',
      '          Action: [ec2:DescribeInstances, iam:PassRole]   # the lot',
      "          Resource: '*' # anything",
      '',
    ].join('\n');
    const { after, notFixed } = await fixOnce('cfn.yaml', text);
    expect(notFixed).toEqual([]);
    expect(count(after, '- Sid: Mixed\n')).toBe(1);
    expect(count(after, 'Sid: Mixed2')).toBe(1);
    expect(count(after, '# what the cluster needs')).toBe(1);
    expect(count(after, '# the lot')).toBe(1);
    expect(count(after, '# anything')).toBe(1);
    expect(after).toContain(
      '          # what the cluster needs\n          Action: [ec2:DescribeInstances]   # the lot\n',
    );
  });

  it('HCL: jsonencode and a policy document statement block', async () => {
    const tf = [
      'data "aws_iam_policy_document" "sky" {',
      '  statement {',
      '    # what the cluster needs',
      '    actions   = ["ec2:DescribeInstances", "iam:PassRole"] # the lot',
      '    resources = ["*"] // anything',
      '  }',
      '}',
      '',
      'resource "aws_iam_policy" "sky" {',
      '  name   = "skypilot-v1"',
      '  policy = data.aws_iam_policy_document.sky.json',
      '}',
      '',
      'resource "aws_iam_policy" "sky2" {',
      '  name = "skypilot-v1b"',
      '  policy = jsonencode({',
      '    Version = "2012-10-17"',
      '    Statement = [',
      '      {',
      '        Effect   = "Allow"',
      '        /* what the cluster needs */',
      '        Action   = ["ec2:DescribeInstances", "iam:PassRole"] # the whole lot',
      '        Resource = "*"',
      '      },',
      '    ]',
      '  })',
      '}',
      '',
    ].join('\n');
    const { after, notFixed } = await fixOnce('main.tf', tf);
    expect(notFixed).toEqual([]);
    expect(count(after, 'statement {')).toBe(2);
    expect(count(after, 'Effect   = "Allow"')).toBe(2);
    expect(count(after, '# what the cluster needs')).toBe(1);
    expect(count(after, '# the lot')).toBe(1);
    expect(count(after, '// anything')).toBe(1);
    expect(count(after, '/* what the cluster needs */')).toBe(1);
    expect(count(after, '# the whole lot')).toBe(1);
  });

  // (a review: the text between two statements of a list on one line each, comments included, was
  // copied between the parts, so the comment after the statement and the comment line above the
  // next one were written twice)
  it('HCL: statements one a line, the comments between them are not copied between the parts', async () => {
    const tf = [
      'resource "aws_iam_policy" "sky" {',
      '  name = "skypilot-v1"',
      '  policy = jsonencode({',
      '    Version = "2012-10-17"',
      '    Statement = [',
      '      { Sid = "Mixed", Effect = "Allow", Action = ["ec2:DescribeInstances", "iam:PassRole"], Resource = "*" }, # the lot',
      '      # describes',
      '      { Sid = "Own", Effect = "Allow", Action = ["ec2:DescribeImages"], Resource = "*" }, # images',
      '      { Sid = "Last", Effect = "Allow", Action = ["ec2:DescribeRegions", "iam:PassRole"], Resource = "*" } # last',
      '    ]',
      '  })',
      '}',
      '',
    ].join('\n');
    const { after, notFixed } = await fixOnce('main.tf', tf);
    expect(notFixed).toEqual([]);
    expect(count(after, 'Sid = "Mixed2"')).toBe(1);
    expect(count(after, 'Sid = "Last2"')).toBe(1);
    for (const comment of ['# the lot', '# describes', '# images', '# last'])
      expect(count(after, comment)).toBe(1);
  });
});
