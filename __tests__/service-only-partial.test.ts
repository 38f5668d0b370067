// A resource policy that grants only AWS services is no vendor's grant and is not held to the
// vendor's baseline. Read in part (a dynamic statement over a variable with no value left out), the
// reason says so: a review found "grants only AWS services" said of a bucket policy whose left-out
// statement granted an account.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const policy = (dynamic: boolean) => `variable "accounts" {
  type = list(string)
}
data "aws_iam_policy_document" "logs" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::my-logs/*"]
    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
  }
${
  dynamic
    ? `  dynamic "statement" {
    for_each = var.accounts
    content {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::my-logs/*"]
      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::\${statement.value}:root"]
      }
    }
  }
`
    : ''
}}
resource "aws_s3_bucket_policy" "logs" {
  bucket = "my-logs"
  policy = data.aws_iam_policy_document.logs.json
}
`;

it.each([
  [false, ''],
  [true, ', as read (what was left out as not known may grant others)'],
])('read in part: %s', async (dynamic, partial) => {
  const root = mkdtempSync(join(tmpdir(), 'service-only-'));
  writeFileSync(join(root, 'main.tf'), policy(dynamic));
  const r = await runAudit({ root, paths: ['.'], baseline: 'databricks' });
  expect(r.policies.map((p) => [p.status, p.reason])).toEqual([
    [
      'not-matched',
      `a resource policy that grants only AWS services (delivery.logs.amazonaws.com)${partial}, and databricks describes access granted to Databricks: not audited against it`,
    ],
  ]);
});
