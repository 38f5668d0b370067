// An Allow's conditions that are not known are left out (the statement reads broader) and said so,
// wherever they come from: a `dynamic "condition"` block over a list that is not known, a block whose
// test or variable is not known, or a condition operator that is not known inside merge().
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

const NOW = new Date('2026-11-22T00:00:00Z');

async function audit(tf: string) {
  const root = mkdtempSync(join(tmpdir(), 'conditions-not-known-'));
  writeFileSync(join(root, 'main.tf'), tf);
  return runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
}

const excess = (report: Awaited<ReturnType<typeof audit>>, address: string) =>
  report.findings.filter((f) => f.address === address && f.kind !== 'missing-permission');

describe('an Allow condition that is not known', () => {
  test('a dynamic "condition" block over a list that is not known: left out, noted', async () => {
    const report = await audit(`
variable "conds" {}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["ec2:RunInstances"]
    resources = ["*"]
    dynamic "condition" {
      for_each = var.conds
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }
    }
  }
}
resource "aws_iam_policy" "p" {
  name   = "skypilot"
  policy = data.aws_iam_policy_document.d.json
}
`);
    const found = excess(report, 'aws_iam_policy.p');
    expect(found.length).toBeGreaterThan(0);
    for (const f of found)
      expect(f.approximate).toContain(
        'left out: conditions that are not known (dynamic "condition" block iterates over ${var.conds}',
      );
  });

  test('a condition block whose test is not known: left out, noted', async () => {
    const report = await audit(`
variable "test" {}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["ec2:RunInstances"]
    resources = ["*"]
    condition {
      test     = var.test
      variable = "aws:RequestedRegion"
      values   = ["us-east-1"]
    }
  }
}
resource "aws_iam_policy" "p" {
  name   = "skypilot"
  policy = data.aws_iam_policy_document.d.json
}
`);
    const found = excess(report, 'aws_iam_policy.p');
    expect(found.length).toBeGreaterThan(0);
    for (const f of found)
      expect(f.approximate).toContain(
        'left out: conditions that are not known (${var.test} on aws:RequestedRegion)',
      );
  });

  test('merge() keeps an operator that is not known marked: left out, noted', async () => {
    const report = await audit(`
variable "op" {}
resource "aws_iam_policy" "p" {
  name   = "skypilot"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "ec2:RunInstances"
      Resource  = "*"
      Condition = merge({ (var.op) = { "aws:RequestedRegion" = "us-east-1" } }, { StringLike = { "aws:PrincipalTag/team" = "ml" } })
    }]
  })
}
`);
    const found = excess(report, 'aws_iam_policy.p');
    expect(found.length).toBeGreaterThan(0);
    for (const f of found)
      expect(f.approximate).toContain('left out: conditions that are not known (${var.op})');
    // The known operator stays: the suggested policy keeps the grant under it, without the other.
    const s = report.suggestions.find((x) => x.policy === 'main.tf#aws_iam_policy.p');
    const minimal = JSON.stringify(s?.minimal);
    expect(minimal).toContain('"StringLike":{"aws:PrincipalTag/team":"ml"}');
    expect(minimal).not.toContain('var.op');
  });
});
