// Values the `.tf` reader computes as Terraform does (bugs a review found on real modules):
// variables converted to their type (an optional() attribute left out is null or its default, as
// terraform-aws-eks's fargate-profile module relies on; a set is a set), `nullable = false`, an
// operation whose left operand is in parentheses, a set's elements as their own keys, and the
// `$${` escape inside jsonencode().
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fsHost, HCL_FILE, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import type { PolicyRecord } from '../../src/core/types.js';

beforeAll(async () => {
  await initHcl();
});

/** The policy records of a temporary root module (files by relative path; modules/ read through calls). */
function read(files: Record<string, string>): PolicyRecord[] {
  const root = mkdtempSync(join(tmpdir(), 'iba-hcl-values-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const hcl = Object.keys(files)
    .filter((p) => HCL_FILE.test(p) && !p.startsWith('modules/'))
    .map((p) => ({ path: p, text: files[p]! }));
  return readHclModules(hcl, fsHost(root)).flatMap((r) => r.policies);
}

type Statement = Record<string, unknown>;
function statements(recs: PolicyRecord[], address: string): Statement[] {
  const rec = recs.find((r) => r.address === address);
  if (!rec) throw new Error(`no ${address}: ${recs.map((r) => r.address).join(', ')}`);
  expect(rec.reason).toBeUndefined();
  expect(rec.status).toBe('resolved');
  const st = (rec.document as { Statement: Statement | Statement[] }).Statement;
  return Array.isArray(st) ? st : [st];
}
const notes = (recs: PolicyRecord[], address: string) =>
  (recs.find((r) => r.address === address)?.approximate ?? []).join('\n');

const POLICY = `
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}
`;

describe("a variable's type", () => {
  // As terraform-aws-eks modules/fargate-profile (v20) declares its iam_role_policy_statements.
  const module = `
variable "statements" {
  type = list(object({
    sid         = optional(string)
    effect      = optional(string)
    actions     = optional(list(string))
    not_actions = optional(list(string))
    resources   = optional(list(string))
    not_resources = optional(list(string))
    condition   = optional(list(object({ test = string, variable = string, values = list(string) })), [])
  }))
  default = []
}
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = var.statements
    content {
      sid           = statement.value.sid
      effect        = statement.value.effect
      actions       = statement.value.actions
      not_actions   = statement.value.not_actions
      resources     = statement.value.resources
      not_resources = statement.value.not_resources
      dynamic "condition" {
        for_each = statement.value.condition
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}
${POLICY}`;

  test('an optional() attribute left out is null: not read as a value not known', () => {
    const recs = read({
      'main.tf': `
module "m" {
  source = "./modules/m"
  statements = [
    { sid = "ReadConfig", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::config/*"] },
    { sid = "NoDelete", effect = "Deny", actions = ["s3:DeleteObject"], resources = ["*"] },
  ]
}
`,
      'modules/m/main.tf': module,
    });
    const st = statements(recs, 'module.m.aws_iam_policy.p');
    expect(st).toEqual([
      { Sid: 'ReadConfig', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::config/*' },
      { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
    ]);
    expect(notes(recs, 'module.m.aws_iam_policy.p')).toBe('');
  });

  test("optional()'s default is used when left out or null, converted to the attribute's type", () => {
    const recs = read({
      'main.tf': `
variable "statements" {
  type = list(object({
    effect  = optional(string, "Deny")
    actions = list(string)
    res     = optional(set(string), ["arn:aws:s3:::b/*", "arn:aws:s3:::a/*", "arn:aws:s3:::b/*"])
  }))
  default = [{ actions = ["s3:PutObject"] }, { effect = null, actions = ["s3:GetObject"], res = ["*"] }]
}
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = var.statements
    content {
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.res
    }
  }
}
${POLICY}`,
    });
    expect(statements(recs, 'aws_iam_policy.p')).toEqual([
      { Effect: 'Deny', Action: 's3:PutObject', Resource: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'] },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' },
    ]);
  });

  test('a variable of a set type: its elements in order, each its own key', () => {
    const recs = read({
      'main.tf': `
variable "buckets" {
  type    = set(string)
  default = ["zeta", "alpha", "zeta"]
}
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = var.buckets
    content {
      sid       = statement.key
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::\${statement.key}/*"]
    }
  }
}
${POLICY}`,
    });
    expect(statements(recs, 'aws_iam_policy.p')).toEqual([
      { Sid: 'alpha', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::alpha/*' },
      { Sid: 'zeta', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::zeta/*' },
    ]);
  });

  test('nullable = false: a null given is the default', () => {
    const recs = read({
      'main.tf': `
module "m" {
  source  = "./modules/m"
  actions = null
}
`,
      'modules/m/main.tf': `
variable "actions" {
  type     = list(string)
  default  = ["s3:GetObject"]
  nullable = false
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = var.actions
    resources = ["*"]
  }
}
${POLICY}`,
    });
    expect(statements(recs, 'module.m.aws_iam_policy.p')).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    ]);
  });
});

describe('sets', () => {
  test("toset(): a dynamic block's iterator key is the element, in the set's order", () => {
    const recs = read({
      'main.tf': `
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = toset(["bucket-b", "bucket-a"])
    content {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::\${statement.key}/*"]
    }
  }
}
${POLICY}`,
    });
    expect(statements(recs, 'aws_iam_policy.p').map((s) => s.Resource)).toEqual([
      'arn:aws:s3:::bucket-a/*',
      'arn:aws:s3:::bucket-b/*',
    ]);
  });

  test('for k, v in a set: k is the element; tolist() of a set keys by index again', () => {
    const recs = read({
      'main.tf': `
resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "s3:GetObject", Resource = [for k, v in toset(["zeta", "alpha"]) : "arn:aws:s3:::\${k}"] },
      { Effect = "Allow", Action = "s3:PutObject", Resource = [for k, v in tolist(toset(["zeta", "alpha"])) : "arn:aws:s3:::\${v}-\${k}"] },
    ]
  })
}
`,
    });
    expect(statements(recs, 'aws_iam_policy.p').map((s) => s.Resource)).toEqual([
      ['arn:aws:s3:::alpha', 'arn:aws:s3:::zeta'],
      ['arn:aws:s3:::alpha-0', 'arn:aws:s3:::zeta-1'],
    ]);
  });
});

describe('operations', () => {
  test('a left operand in parentheses: the Deny is a Deny', () => {
    const recs = read({
      'main.tf': `
variable "env" { default = "prod" }
variable "lock" { default = true }
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["ec2:*"]
    resources = ["*"]
  }
  statement {
    effect    = (var.env == "prod" || var.env == "staging") && var.lock ? "Deny" : "Allow"
    actions   = ["ec2:TerminateInstances"]
    resources = ["*"]
  }
}
${POLICY}`,
    });
    expect(statements(recs, 'aws_iam_policy.p')[1]!.Effect).toBe('Deny');
    expect(notes(recs, 'aws_iam_policy.p')).toBe('');
  });

  test('a count whose left operand is in parentheses: 0 instances, nothing granted', () => {
    const recs = read({
      'main.tf': `
variable "create" { default = false }
variable "attach_admin" { default = false }
resource "aws_iam_policy" "admin" {
  count  = (var.create || var.attach_admin) && true ? 1 : 0
  name   = "admin"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
`,
    });
    expect(recs.filter((r) => r.status === 'resolved')).toEqual([]);
  });
});

test('jsonencode(): `$${aws:username}` is the policy variable ${aws:username}', () => {
  const recs = read({
    'main.tf': `
resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::home/$\${aws:username}/*" }]
  })
}
data "aws_iam_policy_document" "d" {
  source_policy_documents = [jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::home/$\${aws:username}/*" }]
  })]
}
resource "aws_iam_policy" "q" {
  name   = "q"
  policy = data.aws_iam_policy_document.d.json
}
`,
  });
  expect(statements(recs, 'aws_iam_policy.p')[0]!.Resource).toBe('arn:aws:s3:::home/${aws:username}/*');
  expect(statements(recs, 'aws_iam_policy.q')[0]!.Resource).toBe('arn:aws:s3:::home/${aws:username}/*');
});

describe('a function given a value of the wrong type', () => {
  // As cloudposse/terraform-aws-iam-policy's main.tf: statements given as a map or as a list.
  const tf = (statements: string) => `
variable "iam_policy_statements" {
  type    = any
  default = ${statements}
}
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = try(flatten(var.iam_policy_statements), var.iam_policy_statements)
    content {
      sid       = lookup(statement.value, "sid", statement.key)
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}
${POLICY}`;

  test('inside try(): an error, so try() takes its next argument (a map of statements)', () => {
    const recs = read({
      'main.tf': tf(`{
    ListMyBucket  = { actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::test"] }
    WriteMyBucket = { actions = ["s3:PutObject"], resources = ["arn:aws:s3:::test/*"] }
  }`),
    });
    expect(statements(recs, 'aws_iam_policy.p')).toEqual([
      { Sid: 'ListMyBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::test' },
      { Sid: 'WriteMyBucket', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::test/*' },
    ]);
  });

  test('the same as a list: flatten() reads it', () => {
    const recs = read({
      'main.tf': tf(`[{ sid = "List", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::test"] }]`),
    });
    expect(statements(recs, 'aws_iam_policy.p')).toEqual([
      { Sid: 'List', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::test' },
    ]);
  });

  test('outside try(): read as not known (noted), the policy not lost', () => {
    const recs = read({
      'main.tf': `
variable "m" {
  type    = any
  default = { a = "s3:GetObject" }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = flatten(var.m), Resource = "*" }, { Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }] })
}
`,
    });
    const rec = recs.find((r) => r.address === 'aws_iam_policy.p');
    expect(rec?.status).toBe('resolved');
    expect(notes(recs, 'aws_iam_policy.p')).toMatch(/flatten\(var\.m\)/);
  });
});

describe('a second review', () => {
  test("a set given to a list-typed variable is a list again, in the set's order, keyed by index", () => {
    const recs = read({
      'main.tf': `
module "m" {
  source    = "./modules/m"
  actions   = toset(["s3:PutObject", "ec2:RunInstances"])
  resources = ["arn:aws:ec2:*:*:instance/*", "arn:aws:s3:::bucket/*"]
}
`,
      'modules/m/main.tf': `
variable "actions" { type = list(string) }
variable "resources" { type = list(string) }
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [for i, a in var.actions : { Sid = "Stmt\${i}", Effect = "Allow", Action = a, Resource = var.resources[i] }] })
}
`,
    });
    expect(statements(recs, 'module.m.aws_iam_policy.p')).toEqual([
      { Sid: 'Stmt0', Effect: 'Allow', Action: 'ec2:RunInstances', Resource: 'arn:aws:ec2:*:*:instance/*' },
      { Sid: 'Stmt1', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*' },
    ]);
  });

  test("an object type drops the attributes it does not declare (Terraform's conversion)", () => {
    const recs = read({
      'main.tf': `
module "m" {
  source     = "./modules/m"
  statements = [{ Effect = "Deny", NotAction = ["s3:GetObject"], Action = ["s3:PutObject"], Resource = ["*"] }]
}
`,
      'modules/m/main.tf': `
variable "statements" {
  type = list(object({ Effect = optional(string, "Allow"), Action = list(string), Resource = list(string) }))
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = var.statements })
}
`,
    });
    expect(statements(recs, 'module.m.aws_iam_policy.p')).toEqual([
      { Effect: 'Deny', Action: ['s3:PutObject'], Resource: ['*'] },
    ]);
  });

  test('tolist(), toset() and tomap() of null are null, inside try() too', () => {
    const recs = read({
      'main.tf': `
variable "x" { default = null }
locals {
  acts = try(tolist(var.x), ["ec2:RunInstances"])
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = local.acts == null ? ["s3:GetObject"] : local.acts, Resource = "*" }] })
}
`,
    });
    expect(statements(recs, 'aws_iam_policy.p')[0]!.Action).toEqual(['s3:GetObject']);
  });
});

test("can(tostring(x)) is false for an object (terraform-aws-lambda's trusted_entities); try(jsondecode(m), m) gives m", () => {
  const recs = read({
    'main.tf': `
variable "entries" {
  default = ["s3:GetObject", { actions = ["ec2:RunInstances"] }]
}
variable "m" {
  default = { a = "sqs:SendMessage" }
}
locals {
  plain  = [for e in var.entries : try(tostring(e), "")]
  nested = flatten([for e in var.entries : e.actions if !can(tostring(e))])
  m      = try(jsondecode(var.m), var.m)
}
data "aws_iam_policy_document" "d" {
  statement {
    sid       = "Plain"
    actions   = compact(local.plain)
    resources = ["*"]
  }
  statement {
    sid       = "Nested"
    actions   = concat(local.nested, [local.m.a])
    resources = ["*"]
  }
}
${POLICY}`,
  });
  expect(statements(recs, 'aws_iam_policy.p').map((s) => s.Action)).toEqual([
    's3:GetObject',
    ['ec2:RunInstances', 'sqs:SendMessage'],
  ]);
  expect(notes(recs, 'aws_iam_policy.p')).toBe('');
});

describe('a third review', () => {
  test('flatten() of documents, the first of a data source with count = 0: the others are read (terraform-aws-iam v6)', () => {
    const recs = read({
      'main.tf': `
data "aws_iam_policy_document" "a" {
  count = 0
  statement {
    actions   = ["ec2:RunInstances"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "b" {
  count = 1
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "d" {
  source_policy_documents = flatten(concat(data.aws_iam_policy_document.a[*].json, data.aws_iam_policy_document.b[*].json))
  statement {
    sid       = "Own"
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
}
${POLICY}`,
    });
    expect(statements(recs, 'aws_iam_policy.p').map((s) => s.Action)).toEqual([
      'kms:Decrypt',
      'iam:PassRole',
    ]);
  });

  test('terraform.tfvars.json and *.auto.tfvars.json are read, after terraform.tfvars, as Terraform reads them', () => {
    const recs = read({
      'main.tf': `
variable "create" { default = false }
variable "action" { default = "s3:GetObject" }
resource "aws_iam_policy" "admin" {
  count  = var.create ? 1 : 0
  name   = "admin"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = var.action, Resource = "*" }] })
}
`,
      'terraform.tfvars': 'action = "sqs:SendMessage"\n',
      'terraform.tfvars.json': JSON.stringify({ create: true, action: 'sns:Publish' }),
      'b.auto.tfvars.json': JSON.stringify({ action: 'iam:PassRole' }),
    });
    expect(statements(recs, 'aws_iam_policy.admin[0]')[0]!.Action).toBe('iam:PassRole');
  });
});
