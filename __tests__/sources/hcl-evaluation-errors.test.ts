// A policy whose value fails to evaluate (an index out of range, a function's limit) is unresolved
// with the error and its file and line as the reason, not "computed by jsonencode(...), which is
// not evaluated" with the cause cut off.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';

beforeAll(async () => {
  await initHcl();
});

function reasons(files: Record<string, string>): Record<string, string | undefined> {
  const root = mkdtempSync(join(tmpdir(), 'evaluation-errors-'));
  for (const [p, text] of Object.entries(files)) writeFileSync(join(root, p), text);
  const tf = Object.entries(files).map(([path, text]) => ({ path, text }));
  const out: Record<string, string | undefined> = {};
  for (const r of readHclModules(tf, fsHost(root))) for (const p of r.policies) out[p.id] = p.reason;
  return out;
}

test("names the error and its line inside jsonencode(...) (a review's cases)", () => {
  expect(
    reasons({
      'main.tf': `locals {
  buckets = ["a"]
}
resource "aws_iam_policy" "oops" {
  name = "oops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "iam:*", Resource = "*" },
      { Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::\${local.buckets[1]}/*" },
    ]
  })
}
resource "aws_iam_policy" "ranged" {
  name = "ranged"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = [for i in range(2000) : "arn:aws:s3:::r-\${i}/*"] }]
  })
}
`,
    }),
  ).toEqual({
    'main.tf#aws_iam_policy.oops':
      'policy could not be evaluated: local.buckets[1]: index out of range (main.tf:10)',
    'main.tf#aws_iam_policy.ranged': 'policy could not be evaluated: range: too long (main.tf:18)',
  });
});

test('names the file where it happened, and the attribute of an inline policy block', () => {
  expect(
    reasons({
      'main.tf': `resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  inline_policy {
    name = "p"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
    })
  }
}
`,
      'variables.tf': `variable "actions" {
  default = ["s3:GetObject"][1]
}
`,
    }),
  ).toEqual({
    'main.tf#aws_iam_role.r#assume_role_policy': undefined,
    'main.tf#aws_iam_role.r#inline_policy[p]':
      'policy could not be evaluated: ["s3:GetObject"][1]: index out of range (variables.tf:2)',
  });
});

test("an aws_iam_policy_document's statement value that fails: read as not known, the error and its line in the note", () => {
  const root = mkdtempSync(join(tmpdir(), 'evaluation-errors-'));
  const text = `locals {
  buckets = ["a"]
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::\${local.buckets[1]}/*"]
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}
`;
  writeFileSync(join(root, 'main.tf'), text);
  const [p] = readHclModules([{ path: 'main.tf', text }], fsHost(root)).flatMap((r) => r.policies);
  expect(p!.status).toBe('resolved');
  expect(p!.approximate).toContain(
    'resources could not be evaluated: local.buckets[1]: index out of range (main.tf:7): read as not known',
  );
});

// Through a local (a first-contact review, on Anyscale's IAM module with one template missing):
// the reason had the local's name and the cause clipped as one, the cause cut off.
test('a source document through a local that could not be made: the local, then why', () => {
  const r = reasons({
    'main.tf': `locals {
  body = templatefile("\${path.module}/cluster_assumerole.tmpl", {})
}
data "aws_iam_policy_document" "assume" {
  source_policy_documents = [local.body]
}
resource "aws_iam_role" "cluster" {
  name               = "cluster"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
`,
  });
  expect(Object.values(r).find((x) => x?.includes('local.body'))).toMatch(
    /source_policy_documents depends on local\.body, which could not be read: templatefile\('\.\/cluster_assumerole\.tmpl'\): the file is not in the repository\)\)?$/,
  );
});
