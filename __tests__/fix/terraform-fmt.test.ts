// What fix writes into a `.tf` file is laid out as `terraform fmt` lays it out (the review: two
// rewrites that `terraform fmt -check` rejected). The expected texts are what `terraform fmt`
// (v1.x) leaves unchanged, checked by hand: CI has no terraform.
// - `not_resources` written as `resources`: the statement's other attributes were still aligned to
//   the longer name;
// - a Condition added in a `jsonencode()` object: its keys took the padding of the statement's
//   first member (`StringEquals   = {`).
import { runAudit } from '../../src/audit/run.js';
import { planFixes } from '../../src/fix/index.js';
import { NOW, readIn, repo } from './helpers.js';

async function fixed(files: Record<string, string>, baseline: string, accountId?: string): Promise<string> {
  const root = repo(files);
  const report = await runAudit({ root, paths: ['.'], baseline, accountId, now: NOW });
  const plan = planFixes(report, readIn(root));
  expect(plan.notFixed).toEqual([]);
  return plan.files.find((f) => f.path === 'main.tf')!.after;
}

/** The policy that holds the data source's document (as written, kept by the fix). */
const DOCUMENT_POLICY = `
resource "aws_iam_policy" "doc" {
  name   = "coiled-doc"
  policy = data.aws_iam_policy_document.doc.json
}
`;

test('a NotResource written as resources: the statement attributes aligned to the new names', async () => {
  const after = await fixed(
    {
      'main.tf': `data "aws_iam_policy_document" "doc" {
  statement {
    sid           = "NR"
    actions       = ["iam:GetInstanceProfile"]
    not_resources = ["arn:aws:iam::*:instance-profile/admin"]
  }
}
${DOCUMENT_POLICY}`,
    },
    'coiled',
  );
  expect(after).toBe(`data "aws_iam_policy_document" "doc" {
  statement {
    sid       = "NR"
    actions   = ["iam:GetInstanceProfile"]
    resources = ["arn:*:iam::*:instance-profile/coiled-*"]
  }
}
${DOCUMENT_POLICY}`);
});

test('a condition added in jsonencode(): one space each side of each `=` of its lines', async () => {
  const after = await fixed(
    {
      'main.tf': `resource "aws_iam_policy" "sky" {
  name = "skypilot"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:CreateServiceLinkedRole"
        Resource = "*"
      },
    ]
  })
}
`,
    },
    'skypilot',
    '123456789012',
  );
  expect(after).toBe(`resource "aws_iam_policy" "sky" {
  name = "skypilot"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:CreateServiceLinkedRole"
        Resource = "*"
        Condition = {
          StringEquals = {
            "iam:AWSServiceName" = "spot.amazonaws.com"
          }
        }
      },
    ]
  })
}
`);
});
