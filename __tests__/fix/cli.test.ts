// `iam-baseline-audit fix` through the CLI's command runner (src/cli-commands.ts), in process:
// --dry-run prints a unified diff and writes nothing; a real run writes atomically (same mode, no
// temporary file left), prints what it fixed and what it could not; usage errors exit 2.
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runCommand } from '../../src/cli-commands.js';
import { commandUsage } from '../../src/cli-usage.js';
import { repo } from './helpers.js';

const POLICY =
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Ok', Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' },
        { Sid: 'Extra', Effect: 'Allow', Action: ['iam:CreateUser'], Resource: '*' },
      ],
    },
    null,
    2,
  ) + '\n';
const TF_PLAN = JSON.stringify({
  format_version: '1.2',
  terraform_version: '1.9.0',
  planned_values: { root_module: {} },
  resource_changes: [
    {
      address: 'aws_iam_policy.p',
      mode: 'managed',
      type: 'aws_iam_policy',
      name: 'p',
      change: {
        actions: ['create'],
        before: null,
        after: {
          name: 'p',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:CreateUser'], Resource: '*' },
            ],
          }),
        },
      },
    },
  ],
});

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await runCommand('fix', args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.chdir(before);
    o.mockRestore();
    e.mockRestore();
  }
}

describe('iam-baseline-audit fix (CLI)', () => {
  it('--dry-run prints the unified diff and writes nothing', async () => {
    const root = repo({ 'iam/p.json': POLICY });
    const r = await run(['iam', '--baseline', 'coiled:ongoing', '--dry-run'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--- a/iam/p.json');
    expect(r.stdout).toContain('+++ b/iam/p.json');
    expect(r.stdout).toMatch(/^-\s+"Sid": "Extra",$/m);
    expect(r.stdout).toMatch(/^would fix iam\/p\.json$/m);
    expect(readFileSync(join(root, 'iam/p.json'), 'utf8')).toBe(POLICY);
  });

  it('says which optional features a fix leaves out, and how to keep them', async () => {
    // ecr:GetAuthorizationToken alone: a part of Coiled's optional ECR feature, taken as not in use.
    const withEcr = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Ok', Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' },
        { Sid: 'Ecr', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      ],
    });
    const root = repo({ 'iam/p.json': withEcr });
    const dry = await run(['iam', '--baseline', 'coiled:ongoing', '--dry-run'], root);
    expect(dry.stdout).toMatch(
      /^would leave out in iam\/p\.json: the optional feature ecr; if you use it, name it among the audit's sets \(sets: in the configuration\) and fix again$/m,
    );
    const r = await run(['iam', '--baseline', 'coiled:ongoing'], root);
    expect(r.stdout).toMatch(
      /^left out in iam\/p\.json: the optional feature ecr; .* and fix again \(restore the statements first\)$/m,
    );
    // Held to the feature too: nothing of it is left out.
    const kept = repo({ 'iam/p.json': withEcr });
    const held = await run(['iam', '--baseline', 'coiled:ongoing,ecr', '--dry-run'], kept);
    expect(held.stdout).not.toContain('leave out');
  });

  it('a file of several policies is named with the place of each policy fixed in it', async () => {
    const root = repo({
      'main.tf': `resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Ok", Effect = "Allow", Action = ["ec2:DescribeInstances"], Resource = "*" },
      { Sid = "Extra", Effect = "Allow", Action = ["iam:CreateUser"], Resource = "*" }
    ]
  })
}
`,
    });
    const r = await run(['.', '--baseline', 'coiled:ongoing', '--dry-run'], root);
    expect(r.stdout).toMatch(/^would fix main\.tf: aws_iam_policy\.p$/m);
  });

  it('an AWS managed policy attached by ARN is not fixed, and the reason says it cannot be edited', async () => {
    const root = repo({
      'main.tf': [
        'resource "aws_iam_role" "coiled" {',
        '  name               = "coiled-role"',
        '  assume_role_policy = "{}"',
        '  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]',
        '}',
        '',
      ].join('\n'),
    });
    const r = await run(['.', '--baseline', 'coiled', '--dry-run'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'not fixed main.tf#arn:aws:iam::aws:policy/AmazonS3FullAccess: arn:aws:iam::aws:policy/AmazonS3FullAccess is an AWS managed policy, which cannot be edited: detach it',
    );
  });

  it('says why a statement chosen by !If, or a policy built by an expression, is not fixed', async () => {
    // As DataDog/cloudformation-template's older integration role chooses a statement with !If.
    const template = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Conditions:',
      '  Full: !Equals [a, a]',
      'Resources:',
      '  Role:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}',
      '      Policies:',
      '        - PolicyName: p',
      '          PolicyDocument:',
      '            Version: "2012-10-17"',
      '            Statement:',
      '              - Effect: Allow',
      '                Action: ["ec2:DescribeInstances"]',
      '                Resource: "*"',
      '              - !If',
      '                - Full',
      '                - {Effect: Allow, Action: ["ec2:DescribeRegions", "iam:DeleteUser"], Resource: "*"}',
      '                - !Ref AWS::NoValue',
      '',
    ].join('\n');
    const hcl = [
      'resource "aws_iam_policy" "p" {',
      '  policy = replace(jsonencode({',
      '    Version   = "2012-10-17"',
      '    Statement = [{ Effect = "Allow", Action = ["ec2:DescribeInstances", "iam:CreateUser"], Resource = "*" }]',
      '  }), "Allow", "Allow")',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'template.yaml': template, 'tf/main.tf': hcl });
    const r = await run(['.', '--baseline', 'coiled:ongoing', '--dry-run'], root);
    expect(r.stdout).toMatch(
      /not fixed template\.yaml#Role\.Policies\[0\]: statement #1 is chosen by !If \(an intrinsic function\), which fix does not rewrite: change it in the template/,
    );
    expect(r.stdout).toContain(
      'not fixed tf/main.tf#aws_iam_policy.p: the policy is built by an expression, not a literal document (replace(jsonencode({ Version = "2012-10-17" Statement = [{ …): change it where it is defined',
    );
  });

  it('a statement block whose list is an expression: the reason names the statement and the expression (a review)', async () => {
    const hcl = [
      'variable "acts" { default = ["ec2:DescribeInstances", "iam:CreateUser"] }',
      'data "aws_iam_policy_document" "p" {',
      '  statement {',
      '    sid       = "Data"',
      '    actions   = var.acts',
      '    resources = ["*"]',
      '  }',
      '  statement {',
      '    actions   = var.acts',
      '    resources = ["*"]',
      '  }',
      '}',
      'resource "aws_iam_policy" "p" {',
      '  policy = data.aws_iam_policy_document.p.json',
      '}',
      '',
    ].join('\n');
    const r = await run(['.', '--baseline', 'coiled:ongoing', '--dry-run'], repo({ 'tf/main.tf': hcl }));
    expect(r.stdout).toContain(
      'not fixed tf/main.tf#aws_iam_policy.p: statement Data: actions (var.acts) is not a literal list: change it where it is defined',
    );
  });

  it('writes the fix atomically, keeping the mode and leaving no temporary file; lists what it could not fix', async () => {
    const root = repo({ 'iam/p.json': POLICY, 'plan.json': TF_PLAN });
    chmodSync(join(root, 'iam/p.json'), 0o640);
    const r = await run(['.', '--baseline', 'coiled:ongoing'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fixed iam\/p\.json$/m);
    expect(r.stdout).toMatch(/not fixed plan\.json#aws_iam_policy\.p: a Terraform plan is generated output/);
    const fixed = readFileSync(join(root, 'iam/p.json'), 'utf8');
    expect(JSON.parse(fixed).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['Ok']);
    expect(statSync(join(root, 'iam/p.json')).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(root, 'iam'))).toEqual(['p.json']);
    expect(readFileSync(join(root, 'plan.json'), 'utf8')).toBe(TF_PLAN);
    // run again: nothing left to fix
    const again = await run(['.', '--baseline', 'coiled:ongoing'], root);
    expect(again.stdout).not.toContain('fixed iam/p.json');
    expect(readFileSync(join(root, 'iam/p.json'), 'utf8')).toBe(fixed);
  });

  it('hostile file content in the diff and the reasons is escaped (no workflow command at a line start, no raw escape)', async () => {
    // A CloudFormation template whose description (next to the policy, so in the diff's context)
    // holds a workflow command on a line of its own and a terminal escape.
    const template = [
      'Resources:',
      '  P:',
      '    Type: AWS::IAM::ManagedPolicy',
      '    Properties:',
      '      PolicyDocument:',
      '        Version: "2012-10-17"',
      '        Statement:',
      '          - Effect: Allow',
      '            Action:',
      '              - ec2:DescribeInstances',
      '              - iam:CreateUser',
      '            Resource: "*"',
      '      Description: |',
      '        ::error::pwned \\u001b[31mred',
      '',
    ]
      .join('\n')
      .replace('\\u001b', '\u001b');
    const root = repo({ 't.yaml': template });
    const r = await run(['t.yaml', '--baseline', 'coiled:ongoing', '--dry-run'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('-              - iam:CreateUser');
    expect(r.stdout).toContain('error::pwned');
    expect(r.stdout).not.toMatch(/^[\s+-]*::/m);
    expect(r.stdout).not.toContain('\u001b');
  });

  it('a newline in a file name, a logical id or a reason is shown as \\n: no value adds a line of its own', async () => {
    // A review: `fix` printed the value's own newlines, so a file name could print believable lines.
    const forged =
      'policy.json\nnot fixed prod-admin.json: left as written (no baseline)\nfixed all-good.json';
    const cfnId = 'a\n::error::cfnl';
    const template = JSON.stringify({
      Resources: {
        [cfnId]: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: {
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:CreateUser'], Resource: '*' },
              ],
            },
          },
        },
      },
    });
    // All of it is over the baseline: fix would leave no statement, so it is listed as not fixed.
    const lost = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }],
    });
    const root = repo({ [forged]: POLICY, 'cfn/t.json': template, 'lost\r\nfixed x.json': lost });
    const lines = (text: string) => text.split(/\r\n|\r|\n/);
    const shown =
      'policy.json\\nnot fixed prod-admin.json: left as written (no baseline)\\nfixed all-good.json';
    for (const dryRun of [true, false]) {
      const r = await run(['.', '--baseline', 'coiled:ongoing', ...(dryRun ? ['--dry-run'] : [])], root);
      const verb = dryRun ? 'would fix' : 'fixed';
      expect(lines(r.stdout)).toContain(`${verb} ${shown}`);
      expect(lines(r.stdout)).toContain(`${verb} cfn/t.json: a\\n::error::cfnl`);
      expect(lines(r.stdout).some((l) => l.startsWith('not fixed lost\\r\\nfixed x.json'))).toBe(true);
      for (const l of lines(r.stdout)) {
        expect(l).not.toMatch(/^(not fixed prod-admin|fixed all-good|fixed x\.json)/);
        expect(l).not.toMatch(/^\s*::/);
      }
      if (dryRun) {
        expect(lines(r.stdout)).toContain(`--- a/${shown}`);
        expect(lines(r.stdout)).toContain(`+++ b/${shown}`);
      }
    }
  });

  it('--dry-run: a line of the file cannot end the diff line early or forge a header; each file starts with a `diff` line', async () => {
    // A lone carriage return inside a YAML comment next to the policy (YAML reads it as a line
    // break; the diff does not), an escape sequence and a workflow command.
    const template = [
      'Resources:',
      '  P:',
      '    Type: AWS::IAM::ManagedPolicy',
      '    Properties:',
      '      PolicyDocument:',
      '        Version: "2012-10-17"',
      '        Statement:',
      '          - Effect: Allow',
      '            Action:',
      '              - ec2:DescribeInstances',
      '              - iam:CreateUser',
      '            Resource: "*" # note\r+++ b/other.yaml\r::error::cr \u001b[31mred',
      '',
    ].join('\r\n');
    const root = repo({ 't.yaml': template });
    const r = await run(['t.yaml', '--baseline', 'coiled:ongoing', '--dry-run'], root);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['diff a/t.yaml b/t.yaml', '--- a/t.yaml', '+++ b/t.yaml']);
    // CRLF ends a line as LF does; the lone CRs and the escape are visible inside one line.
    expect(r.stdout).not.toMatch(/\r/);
    expect(r.stdout).not.toContain('\u001b');
    expect(lines).toContain('-              - iam:CreateUser');
    expect(lines).toContain(
      '             Resource: "*" # note\\r+++ b/other.yaml\\r::error::cr \\x1b[31mred',
    );
    expect(lines.filter((l) => l.startsWith('+++ '))).toEqual(['+++ b/t.yaml']);
  });

  it('one run narrows the resource and adds the condition it needs; a second run changes nothing', async () => {
    const base = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: 'arn:aws:iam::*:role/aws-service-role/spot.amazonaws.com/*',
          Condition: { StringLike: { 'iam:AWSServiceName': 'spot.amazonaws.com' } },
        },
      ],
    });
    const policy = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'All',
            Effect: 'Allow',
            Action: ['ec2:DescribeInstances', 'iam:CreateServiceLinkedRole'],
            Resource: '*',
          },
        ],
      },
      null,
      2,
    );
    const root = repo({ 'base.json': base, 'iam/p.json': policy });
    const r = await run(['iam', '--baseline', 'base.json'], root);
    expect(r.stdout).toMatch(/^fixed iam\/p\.json$/m);
    const fixed = JSON.parse(readFileSync(join(root, 'iam/p.json'), 'utf8'));
    expect(fixed.Statement[1]).toEqual({
      Sid: 'All2',
      Effect: 'Allow',
      Action: ['iam:CreateServiceLinkedRole'],
      Resource: 'arn:aws:iam::*:role/aws-service-role/spot.amazonaws.com/*',
      Condition: { StringLike: { 'iam:AWSServiceName': 'spot.amazonaws.com' } },
    });
    const text = readFileSync(join(root, 'iam/p.json'), 'utf8');
    const again = await run(['iam', '--baseline', 'base.json'], root);
    expect(again.stdout).toContain('nothing to fix');
    expect(readFileSync(join(root, 'iam/p.json'), 'utf8')).toBe(text);
  });

  // (a review) "nothing to fix: no policy grants more than its baseline allows" was said of a
  // directory where no policy was held to any baseline.
  it('no policy matched a baseline: says so, not that nothing grants more than its baseline', async () => {
    const root = repo({
      'p.json': JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
      }),
    });
    const r = await run(['.', '--dry-run'], root);
    expect(r.stdout).toContain(
      'nothing to fix: no policy was held to a baseline (1 policy matched no baseline',
    );
    expect(r.stdout).not.toContain('grants more than its baseline');
  });

  // (a review) A misspelt action stayed after fix, and fix said only "nothing to fix".
  it('an action that matches nothing in the catalog: kept, and said', async () => {
    const root = repo({
      'p.json': JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatuss'],
            Resource: '*',
          },
        ],
      }),
    });
    const r = await run(['p.json', '--baseline', 'skypilot', '--dry-run'], root);
    expect(r.stdout).toContain(
      'left as written p.json: ec2:DescribeInstanceStatuss matches no action in the AWS catalog: fix the spelling or delete it',
    );
  });

  it('usage errors exit 2; fix --help has its own usage', async () => {
    const root = repo({ 'p.json': POLICY });
    const r = await run(['--no-such-option'], root);
    expect(r.code).toBe(2);
    const missing = await run(['nowhere'], root);
    expect(missing.code).toBe(2);
    expect(commandUsage('fix')).toMatch(/--dry-run/);
  });
});
