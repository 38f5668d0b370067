// A data source's statement left out as not known (a Deny of resources not known): the statements
// after it keep their place as the data source writes the document, `statement #2` for the third
// block, not `#1` (a review of this stop's work found the label one off; the line was right).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

it('the third statement block, after a Deny left out, is statement #2', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tf-statement-numbers-'));
  writeFileSync(
    join(root, 'main.tf'),
    `variable "other_arn" { type = string }
variable "bucket" { type = string }
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
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
}
`,
  );
  const r = await runAudit({
    root,
    paths: ['.'],
    baseline: 'lightly:delegated-access',
    now: new Date('2026-12-07T00:00:00Z'),
  });
  const wide = r.findings.filter((f) => f.kind === 'broader-resource');
  expect(wide.map((f) => [f.statement, f.line])).toEqual([['#2', 13]]);
});
