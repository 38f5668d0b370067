// A policy audited without a document not known (a `source_policy_documents` entry `var.extra`,
// the `var.policy` branch of the override pattern) says so on its findings; with none, the
// report looked clean and named the document nowhere (a review). A note names it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const TF = `
variable "extra" {}
variable "policy" {}
data "aws_iam_policy_document" "a" {
  source_policy_documents = [var.extra]
  statement {
    actions   = ["ec2:DescribeInstances"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "a" {
  name   = "skypilot-a"
  policy = data.aws_iam_policy_document.a.json
}
resource "aws_iam_policy" "b" {
  name   = "skypilot-b"
  policy = var.policy == null ? jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DescribeInstances", Resource = "*" }] }) : var.policy
}
`;

describe('a policy audited without a document not known, with no finding', () => {
  it('is named in a note', async () => {
    const root = mkdtempSync(join(tmpdir(), 'left-out-docs-'));
    writeFileSync(join(root, 'main.tf'), TF);
    const r = await runAudit({
      root,
      paths: ['.'],
      baseline: 'skypilot',
      now: new Date('2026-12-07T00:00:00Z'),
    });
    expect(r.policies.map((p) => [p.address, p.status])).toEqual([
      ['aws_iam_policy.a', 'audited'],
      ['aws_iam_policy.b', 'audited'],
    ]);
    expect(r.findings.filter((f) => f.kind !== 'missing-permission')).toEqual([]);
    expect((r.notes ?? []).filter((n) => n.includes('documents that are not known'))).toEqual([
      'main.tf aws_iam_policy.a: left out: documents that are not known (${var.extra} in source_policy_documents); what they would add or override is not audited.',
      'main.tf aws_iam_policy.b: left out: documents that are not known (var.policy); what they would add or override is not audited.',
    ]);
  });
});

describe("a policy file that still holds the vendor's placeholder", () => {
  it('is named in a note; one filled in is not', async () => {
    const root = mkdtempSync(join(tmpdir(), 'unfilled-placeholder-'));
    const policy = (account: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'ec2:RunInstances',
            Resource: [`arn:aws:ec2:*:${account}:instance/*`, `arn:aws:ec2:*:${account}:volume/*`],
          },
        ],
      });
    writeFileSync(join(root, 'pasted.json'), policy('<account-ID-without-hyphens>'));
    writeFileSync(join(root, 'filled.json'), policy('123456789012'));
    const r = await runAudit({
      root,
      paths: ['.'],
      baseline: 'skypilot',
      now: new Date('2026-12-07T00:00:00Z'),
    });
    const notes = (r.notes ?? []).filter((n) => n.includes('placeholder'));
    expect(notes).toEqual([
      "pasted.json holds SkyPilot's placeholder <account-ID-without-hyphens> as the vendor writes it: fill in your value (as written, the policy names no resource of yours).",
    ]);
  });
});

// Not matched on what was read: the documents left out may be the vendor's (Databricks' own
// cross-account policy, a data source of its provider, beside a PassRole statement: a
// first-contact review saw "best candidate: databricks, score 0.04", and the data source named
// nowhere). The reason says what was read without. Written in the shape of Databricks' examples.
it('a policy not matched says what it was read without', async () => {
  const root = mkdtempSync(join(tmpdir(), 'left-out-docs-unmatched-'));
  writeFileSync(
    join(root, 'workspace.tf'),
    `
variable "roles_to_assume" { type = list(string) }
data "databricks_aws_crossaccount_policy" "this" {}
data "aws_iam_policy_document" "cross_account" {
  source_policy_documents = [data.databricks_aws_crossaccount_policy.this.json]
  statement {
    sid       = "allowPassCrossServiceRole"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = var.roles_to_assume
  }
}
resource "aws_iam_role" "cross_account_role" {
  name               = "cross-account"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy" "cross_account" {
  name   = "cross-account-policy"
  role   = aws_iam_role.cross_account_role.id
  policy = data.aws_iam_policy_document.cross_account.json
}
`,
  );
  const r = await runAudit({ root, paths: ['.'], now: new Date('2026-12-07T00:00:00Z') });
  const p = r.policies.find((x) => x.address === 'aws_iam_role_policy.cross_account')!;
  expect(p.status).toBe('not-matched');
  expect(p.reason).toMatch(
    /^matches no known vendor baseline.*, as read: left out: documents that are not known \(\$\{data\.databricks_aws_crossaccount_policy\.this\.json\} in source_policy_documents\); what they would add or override is not audited$/,
  );
});
