// A resource of an Allow with known text beside a value that holds one string (a Terraform
// variable, local or module output interpolated; a CloudFormation String parameter without a
// default, or the stack's name or id, in an Fn::Sub): read as one value, a placeholder, as a
// vendor's `{YOUR_BUCKET}` is, not as `*` (a review: the usual module's `arn:aws:s3:::${var.bucket}`
// was told "narrow the resources", a HIGH false alarm that failed the check). Said in a note. A
// resource that is wholly such a value (its shape not known), an action, and a Deny's resources
// are read as before.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { parseSource } from '../../src/sources/index.js';
import { holdsOneValue } from '../../src/sources/terraform/statements.js';
import { mayMatchWildcard } from '../../src/sources/cloudformation/intrinsics.js';
import type { PolicyRecord, Report } from '../../src/core/types.js';
import { pullRequest } from '../helpers/pr.js';

const NOW = new Date('2026-12-07T00:00:00Z');
const NOTE =
  'read as one value each (a resource of yours, not every one; a value with a wildcard would grant more)';

async function audit(files: Record<string, string>, baseline: string): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'one-value-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return runAudit({ root, paths: ['.'], baseline, now: NOW });
}
const statementsOf = (p: PolicyRecord | undefined) =>
  (p?.document as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [];

const LIGHTLY_ACTIONS = '["s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"]';

describe('Terraform: an interpolated variable beside known text in a resource', () => {
  it.each([
    [
      'jsonencode()',
      `resource "aws_iam_policy" "p" {
  name   = "lightly-access"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ${LIGHTLY_ACTIONS}, Resource = ["arn:aws:s3:::\${var.bucket}", "arn:aws:s3:::\${var.bucket}/*"] },
      { Effect = "Deny", Action = ["s3:DeleteObject"], Resource = ["arn:aws:s3:::\${var.bucket}/keep/*"] },
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = [var.other_arn] },
    ]
  })
}`,
    ],
    [
      'aws_iam_policy_document',
      `data "aws_iam_policy_document" "p" {
  statement {
    actions   = ${LIGHTLY_ACTIONS}
    resources = ["arn:aws:s3:::\${var.bucket}", "arn:aws:s3:::\${var.bucket}/*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["arn:aws:s3:::\${var.bucket}/keep/*"]
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = [var.other_arn]
  }
}
resource "aws_iam_policy" "p" {
  name   = "lightly-access"
  policy = data.aws_iam_policy_document.p.json
}`,
    ],
  ])(
    '%s: one bucket, no finding against a baseline of one bucket; the Deny and a whole value as before',
    async (_form, tf) => {
      const r = await audit(
        { 'main.tf': `variable "bucket" { type = string }\nvariable "other_arn" { type = string }\n${tf}\n` },
        'lightly:delegated-access',
      );
      const p = r.policies.find((x) => x.address === 'aws_iam_policy.p')!;
      expect(p.status).toBe('audited');
      // The first statement is within the baseline's one bucket: no finding on it. The resource
      // that is wholly a variable (its shape not known) is still `*`: broader, approximate.
      const found = r.findings.filter((f) => f.policy === p.id);
      expect(found.map((f) => [f.kind, f.resources])).toEqual([['broader-resource', ['*']]]);
      expect(found[0]!.approximate).toMatch(/interpolations read as wildcards: \$\{var\.other_arn\}/);
      expect(found[0]!.approximate).toContain(`${NOTE}: \${var.bucket}`);
    },
  );

  it('a clean policy read so is named in a note', async () => {
    const r = await audit(
      {
        'main.tf': `variable "bucket" { type = string }
resource "aws_iam_policy" "p" {
  name   = "lightly-access"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ${LIGHTLY_ACTIONS}, Resource = ["arn:aws:s3:::\${var.bucket}", "arn:aws:s3:::\${var.bucket}/*"] }] })
}
`,
      },
      'lightly:delegated-access',
    );
    expect(r.findings).toEqual([]);
    expect(r.notes).toContain(`main.tf aws_iam_policy.p: ${NOTE}: \${var.bucket}.`);
  });

  it('an action with one is still a wildcard; an iteration value is not one value', async () => {
    const r = await audit(
      {
        'main.tf': `variable "verb" { type = string }
resource "aws_iam_policy" "p" {
  name   = "lightly-access"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:\${var.verb}Object"], Resource = ["arn:aws:s3:::b-\${count.index}/*"] }] })
}
`,
      },
      'lightly:delegated-access',
    );
    const f = r.findings.find((x) => x.kind === 'excess-action');
    expect(f?.approximate).toMatch(/interpolations read as wildcards: \$\{var\.verb\}, \$\{count\.index\}/);
    expect(f?.approximate).not.toContain(NOTE);
  });
});

describe('Terraform: which interpolations hold one value', () => {
  it.each([
    '${var.bucket}',
    '${ local.names["a"] }',
    '${module.storage.bucket_name}',
    '${aws_security_group.sg.id}',
    '${aws_security_group.sg[0].id}',
    '${data.aws_region.current.name}',
    '${aws_s3_bucket.b["logs"].bucket}',
    '${var.custom_sg_id != null ? var.custom_sg_id : aws_security_group.sg[0].id}',
  ])('%s: one value', (x) => expect(holdsOneValue(x)).toBe(true));

  it.each([
    // (an account the evaluator left unresolved: another provider's, maybe another account)
    '${data.aws_caller_identity.other.account_id}',
    '${each.value}',
    '${each.value.arn}',
    '${count.index}',
    '${statement.value}',
    '${s3_bucket.value.arn}',
    '${aws_security_group.sg[*].id}',
    '${aws_security_group.sg.*.id}',
    '${aws_security_group.sg}',
    '${path.module}',
    '${self.id}',
    '${join(",", var.ids)}',
    '${var.on ? "*" : var.bucket}',
    '${var.a ? var.b : var.c ? var.d : "*"}',
  ])('%s: not one value (an iteration, a splat, a whole object, a function, a literal branch)', (x) =>
    expect(holdsOneValue(x)).toBe(false),
  );

  it("a resource's attribute beside known text: one value (Databricks' security reference architecture)", async () => {
    const r = await audit(
      {
        'main.tf': `variable "custom_sg_id" {
  type    = string
  default = null
}
variable "region" { type = string }
variable "aws_account_id" { type = string }
resource "aws_security_group" "sg" {
  count = var.custom_sg_id == null ? 1 : 0
  name  = "databricks-sg"
}
resource "aws_iam_role_policy" "p" {
  name = "databricks-crossaccount"
  role = "databricks-cross-account"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "VpcNonresourceSpecificActions"
      Effect   = "Allow"
      Action   = ["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"]
      Resource = "arn:aws:ec2:\${var.region}:\${var.aws_account_id}:security-group/\${var.custom_sg_id != null ? var.custom_sg_id : aws_security_group.sg[0].id}"
    }]
  })
}
`,
      },
      'databricks:restricted',
    );
    expect(r.findings.filter((f) => f.kind === 'broader-resource')).toEqual([]);
    expect(r.findings.map((f) => f.approximate ?? '').join(' ')).not.toContain('read as wildcards');
  });
});

describe('CloudFormation: a parameter without a default beside known text in a resource', () => {
  const template = (resource: string, type = 'String') => `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Bucket: {Type: ${type}}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: lightly-access
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: lightly
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:GetObject, s3:ListBucket, s3:PutObject, s3:DeleteObject]
                Resource: ${resource}
              - Effect: Deny
                Action: s3:DeleteObject
                Resource: !Sub 'arn:aws:s3:::\${Bucket}/keep/*'
`;
  const parsed = (text: string) => {
    const r = parseSource({ path: 'template.yaml', text }).result;
    return r.policies.find((p) => p.address === 'Role.Policies[0]')!;
  };

  it('String: one value; the Deny as before (left out)', () => {
    const p = parsed(
      template("[!Sub 'arn:aws:s3:::${Bucket}', !Sub 'arn:aws:s3:::${Bucket}-${AWS::StackId}/*']"),
    );
    expect(statementsOf(p).map((s) => s.Resource)).toEqual([
      ['arn:aws:s3:::<Bucket>', 'arn:aws:s3:::<Bucket>-<AWS::StackId>/*'],
    ]);
    expect(p.approximate).toContain(`${NOTE}: parameter Bucket, AWS::StackId`);
    expect(p.approximate!.join(' ')).toContain("a Deny's resources that are not known");
  });

  it('wholly the parameter, or a list parameter: `*` as before', () => {
    expect(statementsOf(parsed(template('!Ref Bucket')))[0]!.Resource).toBe('*');
    const list = parsed(template("!Split [',', !Sub 'arn:aws:s3:::${Bucket}']", 'CommaDelimitedList'));
    expect(JSON.stringify(statementsOf(list)[0]!.Resource)).not.toContain('<Bucket>');
  });

  it("CloudZero's connection template: its CUR bucket statements and its trust are the vendor's", async () => {
    const text = readFileSync(
      new URL('../fixtures/cloudformation/cloudzero__account_resources.yaml', import.meta.url),
      'utf8',
    );
    const r = await audit({ 'account_resources.yaml': text }, 'cloudzero');
    // The CUR bucket statement's other branch, the one CloudZero's discovery takes
    // (MasterPayerBillingBucketArns given, "" by default), names whatever ARNs the stack is given:
    // read as any, and said so (its findings approximate, the parameter named). Before, the
    // default's branch was read alone, in silence. Nothing else is beyond the vendor's.
    const beyond = r.findings.filter((f) => f.kind !== 'missing-permission');
    expect([...new Set(beyond.map((f) => f.statement))]).toEqual(['CZTier0BillingBucket20260420']);
    expect(beyond.every((f) => typeof f.approximate === 'string')).toBe(true);
    expect(beyond.every((f) => f.severity !== 'high' && f.severity !== 'critical')).toBe(true);
    expect(beyond[0]!.approximate).toContain(
      'parameter MasterPayerBillingBucketArns: another value than its default (condition MasterPayerHasBillingBucketArns true)',
    );
    const payer = r.policies.find((p) => p.address === 'MasterPayerRolePolicy')!;
    expect([payer.status, payer.sets]).toEqual(['audited', ['master-payer']]);
    // (the one-value reading, a note of the report when the policy had no finding, is its findings' now)
    expect(beyond[0]!.approximate).toContain(`${NOTE}: parameter MasterPayerBillingBucketName, AWS::StackId`);
  });
});

describe('where a value is not one value (a review of the reading above)', () => {
  it('a variable that is the whole resource part (role/admin as well as a name), or the service field: a wildcard', async () => {
    const r = await audit(
      {
        'main.tf': `variable "rest" { type = string }
variable "svc" { type = string }
resource "aws_iam_policy" "p" {
  name   = "lightly-access"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "Iam", Effect = "Allow", Action = ["iam:PassRole"], Resource = "arn:aws:iam::123456789012:\${var.rest}" },
    { Sid = "Role", Effect = "Allow", Action = ["iam:GetRole"], Resource = "arn:aws:iam::123456789012:role/\${var.rest}" },
  ] })
}
`,
      },
      'lightly:delegated-access',
    );
    const pass = r.findings.find((f) => f.statement === 'Iam');
    expect(pass?.resources).toEqual(['arn:aws:iam::123456789012:*']);
    // (after known text of the resource part: one role)
    expect(r.findings.find((f) => f.statement === 'Role')?.resources).toEqual([
      'arn:aws:iam::123456789012:role/<var.rest>',
    ]);
  });

  it('a CloudFormation parameter whose AllowedValues or AllowedPattern let it be a wildcard: a wildcard', () => {
    for (const constraint of ['AllowedValues: ["*", "all-buckets-*"]', "AllowedPattern: '.*'"]) {
      const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Bucket:
    Type: String
    ${constraint}
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: !Sub 'arn:aws:s3:::\${Bucket}/*'
`;
      const p = parseSource({ path: 't.yaml', text }).result.policies.find((x) => x.address === 'P')!;
      expect(statementsOf(p)[0]!.Resource).toBe('arn:aws:s3:::*/*');
    }
  });

  // (a review) The pattern was run against `*` by the backtracking engine: `(?:\*?|\*?){28}x` took
  // minutes on that one character, and `[a-z-]+\*`, which admits `prod-*`, did not match it. It is
  // read, never run.
  it.each([
    ['.*', true],
    ['[a-z-]+\\*', true],
    ['(?:\\*?|\\*?){28}x', true],
    ['[!-~]+', true],
    ['[^/]+', true],
    ['\\S+', true],
    ['\\x2a', true],
    ['\\Q*\\E', true],
    ['[a-z?]+', true],
    ['^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', false],
    ['[a-zA-Z0-9_-]+', false],
    ['(prod|dev)-\\d{2,4}', false],
    ['\\w+(-\\w+)*', false],
    // (a second review: an escaped `-` is no range, `\s` is white space; Java's \V, \H, \X and
    // nested classes may hold `*`)
    ['^[a-z0-9.\\-_]+$', false],
    ['^[a-zA-Z0-9_\\-\\.]+$', false],
    ['[a-z]+\\s?[a-z]*', false],
    ['^[a-z0-9-]\\V*$', true],
    ['\\H+', true],
    ['\\X', true],
    ['\\N{ASTERISK}', true],
    ['[a[^b]]+', true],
    // (a third review: `\t` is a tab, and a range from it reaches `*`)
    ['^[\\t-~]+$', true],
    ['^[ -)+->@-~]+$', false],
  ])('AllowedPattern %s may hold a wildcard: %s (read, not run)', (pattern, may) => {
    expect(mayMatchWildcard(pattern)).toBe(may);
  });

  it('a pull request that widens the variable to `*`: new, not "already in the base"', async () => {
    const { root, readBase } = pullRequest(
      'one-value-pr-',
      {
        'main.tf': `variable "bucket" { type = string }
resource "aws_iam_policy" "p" {
  name   = "lightly-access"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::\${var.bucket}/*"] }] })
}
`,
      },
      {
        'main.tf': `variable "bucket" { type = string }
resource "aws_iam_policy" "p" {
  name   = "lightly-access"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::*/*"] }] })
}
`,
      },
    );
    const r = await runAudit({
      root,
      paths: ['.'],
      baseline: 'lightly:delegated-access',
      readBase,
      now: NOW,
    });
    const wider = r.findings.filter((f) => f.kind === 'broader-resource');
    expect(wider.length).toBeGreaterThan(0);
    for (const f of wider) expect(f.new).toBe(true);
  });
});
