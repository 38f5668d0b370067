// Missing permissions are not sure when a policy of the group may grant more than was read: one that
// could not be read (unresolved), or one with statements, documents or actions left out as not known.
// Their findings are then approximate and name those policies.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Finding } from '../src/core/types.js';
import { mayGrantMore } from '../src/sources/records.js';
import {
  unknownActionsNote,
  unknownDocumentsNote,
  unknownStatementsNote,
} from '../src/sources/terraform/statements.js';

const NOW = new Date('2026-11-22T00:00:00Z');

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'missing-unsure-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const missing = (findings: Finding[]) => findings.filter((f) => f.kind === 'missing-permission');

// Part of SkyPilot's minimal policy: its other statements are reported missing.
const KNOWN = `
data "aws_iam_policy_document" "sky" {
  statement {
    actions   = ["ec2:RunInstances"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "known" {
  name   = "skypilot-known"
  policy = data.aws_iam_policy_document.sky.json
}
`;

describe('missing permissions a policy that was not wholly read may grant', () => {
  test('the notes of what was left out are recognised, and no other note is', () => {
    expect(mayGrantMore([unknownStatementsNote(['${var.extra}'])])).toBe(true);
    expect(mayGrantMore([unknownDocumentsNote(['${var.doc} in source_policy_documents'])])).toBe(true);
    expect(mayGrantMore([unknownActionsNote(['${var.actions}'])])).toBe(true);
    expect(mayGrantMore([`rebuilt from data.x; ${unknownStatementsNote(['${var.x}'])}`])).toBe(true);
    expect(
      mayGrantMore(["left out: a Deny's actions that are not known (a Deny is never read broader)"]),
    ).toBe(false);
    expect(mayGrantMore(['interpolations read as wildcards: ${var.bucket}'])).toBe(false);
    expect(mayGrantMore(undefined)).toBe(false);
  });

  test('every policy read in full: the missing permissions are sure', async () => {
    const root = repo({ 'main.tf': KNOWN });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const m = missing(report.findings);
    expect(m.length).toBeGreaterThan(0);
    expect(m.every((f) => f.approximate === undefined)).toBe(true);
  });

  test('a policy with statements left out makes them approximate, naming it', async () => {
    const root = repo({
      'main.tf': `${KNOWN}
variable "extra" {}
resource "aws_iam_policy" "more" {
  name   = "skypilot-more"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat([{ Effect = "Allow", Action = "iam:GetRole", Resource = "*" }], var.extra)
  })
}
`,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const m = missing(report.findings);
    expect(m.length).toBeGreaterThan(0);
    for (const f of m)
      expect(f.approximate).toBe(
        'what is missing may be granted by main.tf#aws_iam_policy.more (has parts left out as not known)',
      );
    // Its own findings keep their own note.
    const own = report.findings.find(
      (f) => f.address === 'aws_iam_policy.more' && f.kind !== 'missing-permission',
    );
    expect(own?.approximate).toContain('left out: statements that are not known (${var.extra})');
  });

  test('a policy that could not be read, audited with --baseline, makes them approximate', async () => {
    const root = repo({
      'main.tf': `${KNOWN}
variable "doc" {}
resource "aws_iam_policy" "unread" {
  name   = "skypilot-unread"
  policy = var.doc
}
`,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    expect(report.policies.find((p) => p.address === 'aws_iam_policy.unread')?.status).toBe('unresolved');
    const m = missing(report.findings);
    expect(m.length).toBeGreaterThan(0);
    for (const f of m)
      expect(f.approximate).toBe(
        'what is missing may be granted by main.tf#aws_iam_policy.unread (could not be read)',
      );
  });

  test('a resource policy that could not be read only where its service is missing', async () => {
    const root = repo({
      'main.tf': `${KNOWN}
variable "doc" {}
resource "aws_s3_bucket_policy" "b" {
  bucket = "skypilot-bucket"
  policy = var.doc
}
`,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const m = missing(report.findings);
    expect(m.length).toBeGreaterThan(0);
    // A bucket policy grants only s3 actions; SkyPilot's minimal set names none.
    expect(m.every((f) => f.actions.every((a) => !a.startsWith('s3:')))).toBe(true);
    expect(m.every((f) => f.approximate === undefined)).toBe(true);
  });

  test('a trust policy that could not be read does not: it grants nothing', async () => {
    const root = repo({
      'main.tf': `${KNOWN}
variable "trust" {}
resource "aws_iam_role" "r" {
  name               = "skypilot-v1"
  assume_role_policy = var.trust
}
`,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const m = missing(report.findings);
    expect(m.length).toBeGreaterThan(0);
    expect(m.every((f) => f.approximate === undefined)).toBe(true);
  });

  test('detected: a policy that could not be read held by the same user makes them approximate', async () => {
    const role = (extra: string) => `
resource "aws_iam_user" "sky" {
  name = "skypilot"
}
resource "aws_iam_user_policy" "known" {
  name = "skypilot-minimal"
  user = aws_iam_user.sky.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ec2:RunInstances", "ec2:DescribeInstances"], Resource = "*" }]
  })
}
${extra}`;
    const without = await runAudit({ root: repo({ 'main.tf': role('') }), paths: ['.'], now: NOW });
    const before = missing(without.findings);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((f) => f.approximate === undefined)).toBe(true);

    const root = repo({
      'main.tf': role(`
variable "doc" {}
resource "aws_iam_user_policy" "unread" {
  name   = "unread"
  user   = aws_iam_user.sky.name
  policy = var.doc
}
`),
    });
    const report = await runAudit({ root, paths: ['.'], now: NOW });
    const m = missing(report.findings);
    expect(m.length).toBe(before.length);
    for (const f of m)
      expect(f.approximate).toBe(
        'what is missing may be granted by main.tf#aws_iam_user_policy.unread (could not be read)',
      );
  });

  test('a configuration audit: a policy it selects that could not be read makes them approximate; one it does not select, not', async () => {
    const files = {
      'sky/main.tf': `${KNOWN}
variable "doc" {}
resource "aws_iam_policy" "unread" {
  name   = "skypilot-unread"
  policy = var.doc
}
`,
      'other/main.tf': `
variable "doc" {}
resource "aws_iam_policy" "elsewhere" {
  name   = "other"
  policy = var.doc
}
`,
      '.github/iam-baseline-audit.yml': `version: 1
audits:
  - baseline: skypilot
    policies: ['sky/**']
`,
    };
    const report = await runAudit({ root: repo(files), paths: ['.'], now: NOW });
    const m = missing(report.findings);
    expect(m.length).toBeGreaterThan(0);
    for (const f of m)
      expect(f.approximate).toBe(
        'what is missing may be granted by sky/main.tf#aws_iam_policy.unread (could not be read)',
      );
  });

  test('many: three are named, and how many more', async () => {
    const unread = [1, 2, 3, 4, 5]
      .map(
        (i) => `resource "aws_iam_policy" "u${i}" {
  name   = "u${i}"
  policy = var.doc
}`,
      )
      .join('\n');
    const root = repo({ 'main.tf': `${KNOWN}\nvariable "doc" {}\n${unread}\n` });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const m = missing(report.findings);
    expect(m.length).toBeGreaterThan(0);
    for (const f of m)
      expect(f.approximate).toBe(
        'what is missing may be granted by main.tf#aws_iam_policy.u1 (could not be read), main.tf#aws_iam_policy.u2 (could not be read), main.tf#aws_iam_policy.u3 (could not be read) and 2 more',
      );
  });

  test('an attachment that could not be resolved to a policy makes them approximate (a review)', async () => {
    const root = repo({
      'main.tf': `
variable "extra_arn" {}
resource "aws_iam_user" "sky" {
  name = "skypilot"
}
resource "aws_iam_user_policy" "known" {
  name = "skypilot-minimal"
  user = aws_iam_user.sky.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ec2:RunInstances", "ec2:DescribeInstances"], Resource = "*" }]
  })
}
resource "aws_iam_user_policy_attachment" "extra" {
  user       = aws_iam_user.sky.name
  policy_arn = var.extra_arn
}
`,
    });
    const report = await runAudit({ root, paths: ['.'], now: NOW });
    const m = missing(report.findings);
    expect(m.length).toBeGreaterThan(0);
    const id = 'main.tf#aws_iam_user.sky->${var.extra_arn}';
    expect(report.policies.find((p) => p.id === id)?.status).toBe('unresolved');
    for (const f of m)
      expect(f.approximate).toBe(
        'what is missing may be granted by ${var.extra_arn} (attached to aws_iam_user.sky, could not be read)',
      );
  });

  test("CloudFormation: an attachment not read is listed under the role's id once, not its file's path twice", async () => {
    const root = repo({
      'template.yaml': `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: 'arn:aws:iam::111122223333:root' }
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !ImportValue SharedPolicyArn
      Policies:
        - PolicyName: sky
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ec2:RunInstances
                Resource: '*'
`,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', now: NOW });
    const unresolved = report.policies.filter((p) => p.status === 'unresolved');
    expect(unresolved.map((p) => p.id)).toEqual([
      'template.yaml#Role->$.Resources.Role.Properties.ManagedPolicyArns[0]',
    ]);
    expect(missing(report.findings).length).toBeGreaterThan(0);
  });
});
