// What has no instance grants nothing, and is said so, never left out in silence nor audited as if
// it did: a policy document used only by resources with `count = 0` (not audited on its own, as
// with `count = 1` it is not reported apart from them), a `module` call with `count = 0` or an
// empty `for_each` (a line, as a resource's), and a module call whose count is not known (its
// resources read as one instance, said so on each).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import type { InputResult } from '../../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const AS_READ = 'with the variables as read (their defaults, terraform.tfvars and *.auto.tfvars)';

beforeAll(async () => {
  await initHcl();
});

/** A temporary directory of files; the `.tf` files outside modules/ read as the audit would. */
function read(files: Record<string, string>): { root: string; results: InputResult[] } {
  const root = mkdtempSync(join(tmpdir(), 'no-instance-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const tf = Object.keys(files)
    .filter((p) => !p.startsWith('modules/'))
    .map((p) => ({ path: p, text: files[p]! }));
  return { root, results: readHclModules(tf, fsHost(root)) };
}

const skipped = (results: InputResult[]) =>
  results.filter((r) => r.status === 'skipped').map((r) => [r.path, r.reason]);
const addresses = (results: InputResult[]) => results.flatMap((r) => r.policies.map((p) => p.address));

const ADMIN = `
data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
`;

describe('a policy document whose only users have no instance', () => {
  test("is not audited on its own, said so; one an output uses still is (a review's case)", async () => {
    const { root, results } = read({
      'main.tf': `
variable "enable_admin" {
  type    = bool
  default = false
}
${ADMIN}
resource "aws_iam_policy" "admin" {
  count  = var.enable_admin ? 1 : 0
  name   = "admin"
  policy = data.aws_iam_policy_document.admin.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

output "trust_json" {
  value = data.aws_iam_policy_document.trust.json
}
`,
    });
    expect(skipped(results)).toEqual([
      [
        'main.tf#aws_iam_policy.admin',
        `aws_iam_policy.admin (line 14) has no instance: its count is 0 ${AS_READ}, so it grants nothing`,
      ],
      [
        'main.tf#data.aws_iam_policy_document.admin',
        `data.aws_iam_policy_document.admin (line 7) is used only by aws_iam_policy.admin, which has no instance ${AS_READ}, so it grants nothing: not audited on its own`,
      ],
    ]);
    expect(addresses(results)).toEqual(['data.aws_iam_policy_document.trust']);
    // No finding on what grants nothing (it was a CRITICAL on `*`).
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    expect(report.findings.filter((f) => f.address === 'data.aws_iam_policy_document.admin')).toEqual([]);
  });

  test('a document also used elsewhere, or by a resource that has an instance, is read as before', () => {
    const { results } = read({
      'main.tf': `
${ADMIN}
resource "aws_iam_policy" "never" {
  count  = 0
  policy = data.aws_iam_policy_document.admin.json
}
output "admin" {
  value = data.aws_iam_policy_document.admin.json
}
data "aws_iam_policy_document" "used" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "none" {
  count  = 0
  policy = data.aws_iam_policy_document.used.json
}
resource "aws_iam_policy" "one" {
  policy = data.aws_iam_policy_document.used.json
}
`,
    });
    expect(skipped(results).map(([p]) => p)).toEqual([
      'main.tf#aws_iam_policy.never',
      'main.tf#aws_iam_policy.none',
    ]);
    expect(addresses(results).sort()).toEqual(['aws_iam_policy.one', 'data.aws_iam_policy_document.admin']);
  });

  test('a document used only by such a document is not audited either, naming the resource', () => {
    const { results } = read({
      'main.tf': `
${ADMIN}
data "aws_iam_policy_document" "merged" {
  source_policy_documents = [data.aws_iam_policy_document.admin.json]
}
resource "aws_iam_role_policy" "never" {
  for_each = toset([])
  role     = "r"
  policy   = data.aws_iam_policy_document.merged.json
}
`,
    });
    expect(addresses(results)).toEqual([]);
    expect(skipped(results).map(([, r]) => r)).toEqual([
      `aws_iam_role_policy.never (line 13) has no instance: its for_each is empty ${AS_READ}, so it grants nothing`,
      `data.aws_iam_policy_document.admin (line 3) is used only by aws_iam_role_policy.never, which has no instance ${AS_READ}, so it grants nothing: not audited on its own`,
      `data.aws_iam_policy_document.merged (line 10) is used only by aws_iam_role_policy.never, which has no instance ${AS_READ}, so it grants nothing: not audited on its own`,
    ]);
  });
});

describe('a module call', () => {
  const MODULE = `
variable "actions" {
  type = list(string)
}
resource "aws_iam_policy" "p" {
  name = "x"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
  })
}
`;

  test("with count = 0 or an empty for_each: a line each, as a resource's (a review's case)", () => {
    const { results } = read({
      'main.tf': `
variable "enabled" {
  type    = bool
  default = false
}
module "x" {
  source  = "./modules/x"
  count   = var.enabled ? 1 : 0
  actions = ["iam:*"]
}
module "y" {
  source   = "./modules/x"
  for_each = var.enabled ? toset(["a"]) : toset([])
  actions  = ["iam:*"]
}
`,
      'modules/x/main.tf': MODULE,
    });
    expect(addresses(results)).toEqual([]);
    expect(skipped(results)).toEqual([
      [
        'main.tf#module.x',
        `module.x (line 6) has no instance: its count is 0 ${AS_READ}, so it grants nothing`,
      ],
      [
        'main.tf#module.y',
        `module.y (line 11) has no instance: its for_each is empty ${AS_READ}, so it grants nothing`,
      ],
    ]);
  });

  test('with count = 0, a document passed only to it is not audited on its own', () => {
    const { results } = read({
      'main.tf': `
${ADMIN}
module "x" {
  source = "./modules/x"
  count  = 0
  policy = data.aws_iam_policy_document.admin.json
}
`,
      'modules/x/main.tf': `
variable "policy" {}
resource "aws_iam_policy" "p" {
  policy = var.policy
}
`,
    });
    expect(addresses(results)).toEqual([]);
    expect(skipped(results).map(([p]) => p)).toEqual([
      'main.tf#data.aws_iam_policy_document.admin',
      'main.tf#module.x',
    ]);
  });

  test('with a count not known: its resources read as one instance, said so on each', () => {
    const { results } = read({
      'main.tf': `
variable "enabled" {
  type = bool
}
module "x" {
  source  = "./modules/x"
  count   = var.enabled ? 1 : 0
  actions = ["iam:*"]
}
`,
      'modules/x/main.tf': MODULE,
    });
    const recs = results.flatMap((r) => r.policies);
    expect(recs.map((p) => [p.address, p.status])).toEqual([['module.x.aws_iam_policy.p', 'resolved']]);
    expect(recs[0]!.approximate).toEqual([
      'module.x: its count (var.enabled ? 1 : 0) is not known: read as one instance',
    ]);
  });
});

describe('uses this reader does not see (a second review)', () => {
  const DEAD = `${ADMIN}
resource "aws_iam_policy" "dead" {
  count  = 0
  name   = "dead"
  policy = data.aws_iam_policy_document.admin.json
}
`;
  test('a *.tf.json file of the module may use the document: it is audited, as before', async () => {
    const tfJson = JSON.stringify({
      resource: {
        aws_iam_role_policy: { live: { role: 'r', policy: '${data.aws_iam_policy_document.admin.json}' } },
      },
    });
    const { results } = read({ 'main.tf': DEAD, 'live.tf.json': tfJson });
    expect(addresses(results)).toContain('data.aws_iam_policy_document.admin');
    expect(skipped(results).map(([p]) => p)).not.toContain('main.tf#data.aws_iam_policy_document.admin');
  });

  test('an override file that changes the count is merged: the resource it creates is audited', async () => {
    const { results } = read({
      'main.tf': DEAD,
      'main_override.tf': `resource "aws_iam_policy" "dead" {\n  count = 1\n}\n`,
    });
    expect(addresses(results)).toEqual(['aws_iam_policy.dead[0]']);
    expect(skipped(results)).toEqual([]);
  });
});
