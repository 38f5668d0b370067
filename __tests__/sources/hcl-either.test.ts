// A conditional whose condition is not known (a variable with no default) choosing between known
// actions or resources (`var.read_only ? [...] : [...]`): an Allow is read as every branch, what
// the policy may grant, said so. Before, its actions were left out as not known and its
// resources read as `*`, so `var.admin ? ["s3:*", "iam:*"] : [...]` was no finding at all. A
// Deny's are still left out (read as every branch, it would hide grants).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import type { PolicyRecord } from '../../src/core/types.js';

beforeAll(async () => {
  await initHcl();
});

function read(tf: string): PolicyRecord[] {
  const root = mkdtempSync(join(tmpdir(), 'either-'));
  writeFileSync(join(root, 'main.tf'), tf);
  return readHclModules([{ path: 'main.tf', text: tf }], fsHost(root)).flatMap((r) => r.policies);
}

const statements = (r: PolicyRecord) => (r.document as { Statement: Record<string, unknown>[] }).Statement;

const VARS = `
variable "admin" {
  type = bool
}
variable "read_only" {
  type = bool
}
`;

describe('a conditional not known between known values', () => {
  test("an Allow's actions are read as every branch (a real module's read_only switch)", () => {
    const [rec] = read(`${VARS}
data "aws_iam_policy_document" "d" {
  statement {
    sid       = "ObjectAccess"
    actions   = var.read_only ? ["s3:GetObject", "s3:ListBucketMultipartUploads"] : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["arn:aws:s3:::b/*"]
  }
  statement {
    sid       = "Admin"
    actions   = var.admin ? ["s3:*", "iam:*"] : ["s3:ListBucket"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}
`);
    const st = statements(rec!);
    expect(st.map((s) => s.Action)).toEqual([
      ['s3:GetObject', 's3:ListBucketMultipartUploads', 's3:PutObject', 's3:DeleteObject'],
      ['s3:*', 'iam:*', 's3:ListBucket'],
    ]);
    const notes = rec!.approximate ?? [];
    expect(notes.some((n) => n.startsWith('read as every branch') && n.includes('var.admin ?'))).toBe(true);
    expect(notes.some((n) => n.includes('var.read_only ?'))).toBe(true);
    // Not told as left out, nor as a wildcard.
    expect(notes.join('\n')).not.toMatch(/left out: actions/);
    expect(notes.join('\n')).not.toMatch(/interpolations read as wildcards/);
  });

  test('an item of a list, and resources, are read as each branch', () => {
    const [rec] = read(`${VARS}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = [var.admin ? "ec2:*" : "ec2:DescribeInstances", "ec2:DescribeRegions"]
    resources = var.admin ? ["*"] : ["arn:aws:ec2:us-east-1:123456789012:instance/i-1"]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}
`);
    const [st] = statements(rec!);
    expect(st!.Action).toEqual(['ec2:*', 'ec2:DescribeInstances', 'ec2:DescribeRegions']);
    expect(st!.Resource).toEqual(['*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1']);
  });

  test("a Deny's are left out, never read as every branch (it would hide what is granted)", () => {
    const [rec] = read(`${VARS}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }
  statement {
    effect    = "Deny"
    actions   = var.admin ? ["s3:DeleteBucket"] : ["s3:DeleteBucket", "s3:PutObject"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}
`);
    const st = statements(rec!);
    expect(st).toHaveLength(1);
    expect(st[0]!.Action).toBe('s3:*');
    expect((rec!.approximate ?? []).join('\n')).toMatch(/Deny's actions that are not known/);
  });

  test('a branch that is not all known strings leaves the value unknown, as before', () => {
    const [rec] = read(`${VARS}
variable "extra" {
  type = list(string)
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    actions   = var.admin ? var.extra : ["s3:ListBucket"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}
`);
    expect(statements(rec!)).toHaveLength(1);
    expect((rec!.approximate ?? []).join('\n')).toMatch(/left out: actions/);
  });
});

describe('the same in jsonencode()', () => {
  test("an Allow's Action is read as every branch; a Deny's left out", () => {
    const [rec] = read(`${VARS}
resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = var.admin ? ["s3:*", "iam:*"] : ["s3:GetObject"], Resource = "*" },
      { Effect = "Allow", Action = [var.read_only ? "ec2:DescribeInstances" : "ec2:*", "ec2:DescribeRegions"], Resource = "*" },
      { Effect = "Deny", Action = var.admin ? ["s3:DeleteBucket"] : ["s3:*"], Resource = "*" },
    ]
  })
}
`);
    const st = statements(rec!);
    expect(st.map((s) => [s.Effect, s.Action])).toEqual([
      ['Allow', ['s3:*', 'iam:*', 's3:GetObject']],
      ['Allow', ['ec2:DescribeInstances', 'ec2:*', 'ec2:DescribeRegions']],
    ]);
    const notes = (rec!.approximate ?? []).join('\n');
    expect(notes).toMatch(
      /read as every branch: actions or resources that a condition not known chooses \(\$\{var\.admin \?/,
    );
    expect(notes).toMatch(/Deny's actions that are not known/);
    expect(notes).not.toMatch(/left out: actions/);
  });
});
