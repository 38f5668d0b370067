// A `dynamic "statement"` block whose for_each is not known leaves out its own statements only:
// the policy's known statements are read and audited, as when the same statements are written
// with jsonencode(concat([...], [for ...])), and every such block is named in the note. One a
// condition not known turns on or off (`var.on ? var.buckets : {}`) is read as there, an Allow's
// (what it may grant); a Deny's is left out (it may not be there).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import type { PolicyRecord } from '../../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');

beforeAll(async () => {
  await initHcl();
});

function read(tf: string): { root: string; recs: PolicyRecord[] } {
  const root = mkdtempSync(join(tmpdir(), 'dynamic-not-known-'));
  writeFileSync(join(root, 'main.tf'), tf);
  const recs = readHclModules([{ path: 'main.tf', text: tf }], fsHost(root)).flatMap((r) => r.policies);
  return { root, recs };
}

const byAddress = (recs: PolicyRecord[], a: string) => recs.find((r) => r.address === a)!;
const statements = (r: PolicyRecord) => (r.document as { Statement: Record<string, unknown>[] }).Statement;

describe('a dynamic "statement" block whose for_each is not known', () => {
  test("its statements are left out, the others audited, as the jsonencode() form's are (a review's case)", async () => {
    const { root, recs } = read(`
variable "readers" {
  type = list(string)
}
data "aws_iam_policy_document" "d" {
  statement {
    sid       = "All"
    actions   = ["s3:*"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = var.readers
    content {
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}
resource "aws_iam_policy" "j" {
  name = "j"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{ Sid = "All", Effect = "Allow", Action = "s3:*", Resource = "*" }],
      [for r in var.readers : { Effect = "Allow", Action = "kms:Decrypt", Resource = r }]
    )
  })
}
`);
    const p = byAddress(recs, 'aws_iam_policy.p');
    expect(p.status).toBe('resolved');
    expect(statements(p)).toEqual([{ Sid: 'All', Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
    expect(p.statementLines).toEqual([6]);
    expect(p.approximate).toEqual([
      'left out: statements that are not known (dynamic "statement" over ${var.readers}); the policy\'s other statements are audited',
    ]);
    // The same statements as the jsonencode() form: the same document read.
    expect(statements(p)).toEqual(statements(byAddress(recs, 'aws_iam_policy.j')));
    // Audited: its s3:* is reported, with the note (a policy that may grant more than read).
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const found = report.findings.filter(
      (f) => f.address === 'aws_iam_policy.p' && f.kind === 'excess-action',
    );
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f.approximate).toContain('left out: statements that are not known');
  });

  test("every block not known is named; a Deny's is told as a Deny's; one whose effect is not known as both", () => {
    const { recs } = read(`
variable "deny_buckets" {}
variable "readers" {}
variable "writers" {}
variable "extra" {}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = var.deny_buckets
    content {
      effect    = "Deny"
      actions   = ["s3:*"]
      resources = ["arn:aws:s3:::\${statement.value}/*"]
    }
  }
  dynamic "statement" {
    for_each = var.readers
    content {
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
  dynamic "statement" {
    for_each = var.writers
    content {
      actions   = ["kms:Encrypt"]
      resources = [statement.value]
    }
  }
  dynamic "statement" {
    for_each = var.extra
    content {
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = ["*"]
    }
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}
`);
    const p = byAddress(recs, 'aws_iam_policy.p');
    expect(statements(p)).toEqual([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
    const notes = p.approximate!.join('\n');
    expect(notes).toContain(
      'left out: statements that are not known (dynamic "statement" over ${var.readers}, dynamic "statement" over ${var.writers}, dynamic "statement" over ${var.extra})',
    );
    expect(notes).toContain(
      'left out: a Deny in a dynamic "statement" over ${var.deny_buckets}; a dynamic "statement" over ${var.extra} whose effect is not known (a Deny is never read broader than written',
    );
  });

  test('with no statement known, the policy is unresolved, each block named in the reason', () => {
    const { recs } = read(`
variable "a" {}
variable "b" {}
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = var.a
    content {
      actions   = ["s3:GetObject"]
      resources = ["*"]
    }
  }
  dynamic "statement" {
    for_each = var.b
    content {
      actions   = ["sqs:SendMessage"]
      resources = ["*"]
    }
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}
`);
    const p = byAddress(recs, 'aws_iam_policy.p');
    expect(p.status).toBe('unresolved');
    expect(p.reason).toBe(
      'policy references data.aws_iam_policy_document.d, which has statements that are not known (dynamic "statement" over ${var.a}, dynamic "statement" over ${var.b})',
    );
  });
});

describe('a dynamic "statement" block a condition not known turns on or off', () => {
  // The idiom of cloudposse's components: the module's `enabled` comes from a registry module
  // (not followed), so the condition is not known, and its buckets are.
  const TF = `
module "this" {
  source = "cloudposse/label/null"
}
variable "buckets" {
  type    = map(any)
  default = { "app-data" = {}, "app-logs" = {} }
}
variable "locked" {
  type    = list(string)
  default = ["app-secrets"]
}
data "aws_iam_policy_document" "backup" {
  count = module.this.enabled ? 1 : 0
  dynamic "statement" {
    for_each = module.this.enabled ? var.buckets : {}
    content {
      actions   = ["s3:ListBucket"]
      resources = ["arn:aws:s3:::\${statement.key}"]
    }
  }
  dynamic "statement" {
    for_each = module.this.enabled ? var.locked : []
    content {
      effect    = "Deny"
      actions   = ["s3:*"]
      resources = ["arn:aws:s3:::\${statement.value}/*"]
    }
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "backup" {
  count  = module.this.enabled ? 1 : 0
  policy = join("", data.aws_iam_policy_document.backup.*.json)
}
`;

  test("an Allow's statements are read as there, said so; a Deny's left out, said so", () => {
    const { recs } = read(TF);
    const p = byAddress(recs, 'aws_iam_policy.backup');
    expect(p.status).toBe('resolved');
    // (the dynamic blocks' statements after the others, as for every dynamic block)
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::app-data' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::app-logs' },
    ]);
    // Each statement at its block's line.
    expect(p.statementLines).toEqual([30, 15, 15]);
    const notes = p.approximate!.join('\n');
    expect(notes).toContain(
      'read as there: the statements of dynamic "statement" blocks that a condition not known may leave out (${module.this.enabled ? var.buckets : })',
    );
    expect(notes).toContain(
      'left out: a Deny in a dynamic "statement" chosen by a condition that is not known (${module.this.enabled ? var.locked : []})',
    );
  });
});

// Anyscale's iam-policies-data.tf writes one Sid in two dynamic blocks a toggle chooses between
// (`local.cloud_id_provided ? [] : [1]` and `? [1] : []`): a review found the second replaced the
// first, so the variant without the tag condition (UpdateStack on every stack) was not audited.
describe('two dynamic "statement" blocks of one Sid that a condition not known chooses between', () => {
  test('both are read, beside each other, and an override still replaces the Sid', () => {
    const { recs } = read(`
variable "cloud_id" {}
locals { p = var.cloud_id != null }
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = local.p ? [] : [1]
    content {
      sid       = "W"
      actions   = ["cloudformation:UpdateStack"]
      resources = ["arn:aws:cloudformation:*:*:stack/*"]
    }
  }
  dynamic "statement" {
    for_each = local.p ? [1] : []
    content {
      sid       = "W"
      actions   = ["cloudformation:DeleteStack"]
      resources = ["arn:aws:cloudformation:*:*:stack/x*"]
    }
  }
}
data "aws_iam_policy_document" "o" {
  source_policy_documents = [data.aws_iam_policy_document.d.json]
  override_policy_documents = [jsonencode({
    Version = "2012-10-17"
    Statement = [{ Sid = "W", Effect = "Allow", Action = "cloudformation:DescribeStacks", Resource = "*" }]
  })]
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}
resource "aws_iam_policy" "o" {
  policy = data.aws_iam_policy_document.o.json
}
data "aws_iam_policy_document" "s" {
  source_policy_documents = [data.aws_iam_policy_document.d.json]
}
resource "aws_iam_policy" "s" {
  policy = data.aws_iam_policy_document.s.json
}
`);
    expect(statements(byAddress(recs, 'aws_iam_policy.p'))).toEqual([
      {
        Sid: 'W',
        Effect: 'Allow',
        Action: 'cloudformation:UpdateStack',
        Resource: 'arn:aws:cloudformation:*:*:stack/*',
      },
      {
        Sid: 'W',
        Effect: 'Allow',
        Action: 'cloudformation:DeleteStack',
        Resource: 'arn:aws:cloudformation:*:*:stack/x*',
      },
    ]);
    // (as a source, the same: one document's statements of one Sid are alternatives)
    expect(statements(byAddress(recs, 'aws_iam_policy.s'))).toEqual(
      statements(byAddress(recs, 'aws_iam_policy.p')),
    );
    expect(statements(byAddress(recs, 'aws_iam_policy.o'))).toEqual([
      { Sid: 'W', Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: '*' },
    ]);
  });
});
