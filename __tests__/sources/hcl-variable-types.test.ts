// Primitive type constraints: Terraform converts a value given to a variable (terraform.tfvars, a
// module argument, its default) to the variable's type (go-cty convert: a bool or a number to a
// string, a string to a number when it is one, "true"/"false" and "1"/"0" to a bool), and `==`
// is true only when type and value match: `var.create_admin == "true"` is true for a string
// variable given `create_admin = true`. A value Terraform refuses is not known, with the reason,
// never guessed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import type { InputResult } from '../../src/core/types.js';

beforeAll(async () => {
  await initHcl();
});

/** A temporary directory of files; the `.tf` and `.tfvars` files outside mod/ read as the audit would. */
function read(files: Record<string, string>): InputResult[] {
  const root = mkdtempSync(join(tmpdir(), 'var-types-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const tf = Object.keys(files)
    .filter((p) => !p.startsWith('mod/'))
    .map((p) => ({ path: p, text: files[p]! }));
  return readHclModules(tf, fsHost(root));
}

const addresses = (results: InputResult[]) => results.flatMap((r) => r.policies.map((p) => p.address));
const skipped = (results: InputResult[]) =>
  results.filter((r) => r.status === 'skipped').map((r) => [r.path, r.reason]);
const policy = (name: string, count: string, action: string) => `
resource "aws_iam_policy" "${name}" {
  count  = ${count}
  name   = "${name}"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "${action}", Resource = "*" }] })
}
`;

describe('a value given to a variable of a primitive type', () => {
  test('is converted to it: a bool given to a string is "true" (a review\'s case)', () => {
    const results = read({
      'main.tf': `
variable "create_admin" {
  type    = string
  default = "false"
}
variable "n" {
  type    = number
  default = 0
}
${policy('admin', 'var.create_admin == "true" ? 1 : 0', '*')}
${policy('many', 'var.n', 'iam:*')}
`,
      'terraform.tfvars': 'create_admin = true\nn = "2"\n',
    });
    expect(addresses(results)).toEqual([
      'aws_iam_policy.admin[0]',
      'aws_iam_policy.many[0]',
      'aws_iam_policy.many[1]',
    ]);
    expect(skipped(results)).toEqual([]);
  });

  test('a string to a number or a bool, a number to a string (terraform.tfvars)', () => {
    const results = read({
      'main.tf': `
variable "replicas" {
  type    = number
  default = 0
}
variable "enabled" {
  type    = bool
  default = false
}
variable "mode" {
  type    = string
  default = "x"
}
variable "on" {
  type    = bool
  default = false
}
${policy('num', 'var.replicas == 1 ? 1 : 0', 'iam:*')}
${policy('boolstr', 'var.enabled == true ? 1 : 0', 'ec2:*')}
${policy('strnum', 'var.mode == "5" ? 1 : 0', 's3:*')}
${policy('one', 'var.on && true ? 1 : 0', 'kms:*')}
`,
      'terraform.tfvars': 'replicas = "1"\nenabled  = "true"\nmode     = 5\non       = "1"\n',
    });
    expect(addresses(results)).toEqual([
      'aws_iam_policy.num[0]',
      'aws_iam_policy.boolstr[0]',
      'aws_iam_policy.strnum[0]',
      'aws_iam_policy.one[0]',
    ]);
  });

  test("a module argument; a resource of the module with no instance names the call's arguments, not terraform.tfvars", () => {
    const results = read({
      'main.tf': `
module "m" {
  source       = "./mod"
  create       = "true"
  max_sessions = "3"
  other        = "false"
}
`,
      'mod/main.tf': `
variable "create" {
  type    = bool
  default = false
}
variable "other" {
  type    = bool
  default = true
}
variable "max_sessions" {
  type    = number
  default = 0
}
${policy('a', 'var.create ? 1 : 0', 'iam:*')}
${policy('b', 'var.create == true ? 1 : 0', 'ec2:*')}
${policy('c', 'var.max_sessions > 0 ? 1 : 0', 's3:*')}
${policy('d', 'var.create && true ? 1 : 0', 'kms:*')}
${policy('e', 'var.other ? 1 : 0', 'sqs:*')}
`,
    });
    expect(addresses(results)).toEqual([
      'module.m.aws_iam_policy.a[0]',
      'module.m.aws_iam_policy.b[0]',
      'module.m.aws_iam_policy.c[0]',
      'module.m.aws_iam_policy.d[0]',
    ]);
    expect(skipped(results)).toEqual([
      [
        'mod/main.tf#module.m.aws_iam_policy.e',
        "module.m.aws_iam_policy.e (line 43) has no instance: its count is 0 with the variables as read (the module call's arguments, else their defaults), so it grants nothing",
      ],
    ]);
  });

  test('that Terraform refuses is not known, with the reason, never guessed', () => {
    const results = read({
      'main.tf': `
variable "enabled" {
  type    = bool
  default = false
}
resource "aws_iam_policy" "p" {
  count  = var.enabled ? 1 : 0
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })
}
`,
      'terraform.tfvars': 'enabled = "yes"\n',
    });
    const recs = results.flatMap((r) => r.policies);
    expect(recs.map((p) => p.address)).toEqual(['aws_iam_policy.p']);
    expect(recs[0]!.approximate).toEqual([
      'its count (var.enabled ? 1 : 0) is not known (var.enabled: "yes" is not a bool ("true" or "false"), which Terraform refuses for a value of type bool): read as one instance',
    ]);
  });
});

describe('==', () => {
  test('two maps with the same keys and values are equal whatever their order', () => {
    const results = read({
      'main.tf': `
locals {
  a = { x = 1, y = "b" }
}
${policy('p', 'local.a == { y = "b", x = 1 } ? 1 : 0', 'iam:*')}
${policy('q', '1 == "1" ? 1 : 0', 's3:*')}
`,
    });
    expect(addresses(results)).toEqual(['aws_iam_policy.p[0]']);
  });
});
