// Override files (`override.tf`, `*_override.tf`): Terraform reads them after the module's other
// files, in the order of their names, and merges each of their blocks into the block it overrides
// (website/docs/language/files/override.mdx, internal/configs/module_merge.go): the audited
// document is the merged one, each statement pointed at the file it is written in; an override
// of nothing is said as Terraform's error; one in a `.tf.json` file (not merged here) is said on
// what it overrides.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

beforeAll(async () => {
  await initHcl();
});

/** A temporary directory of files; its `.tf` files read as the audit would. */
function read(files: Record<string, string>): InputResult[] {
  const root = mkdtempSync(join(tmpdir(), 'override-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const tf = Object.keys(files)
    .filter((p) => /\.tf$/.test(p) && !p.startsWith('modules/'))
    .map((p) => ({ path: p, text: files[p]! }));
  return readHclModules(tf, fsHost(root));
}

const policies = (results: InputResult[]): PolicyRecord[] => results.flatMap((r) => r.policies);
const policy = (results: InputResult[], address: string): PolicyRecord => {
  const p = policies(results).find((x) => x.address === address);
  if (!p) throw new Error(`no policy ${address}`);
  return p;
};
const errors = (results: InputResult[]) => results.flatMap((r) => r.errors.map((e) => [e.path, e.message]));
const doc = (action: string, resource = '*', sid = 'Read') =>
  `jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "${sid}", Effect = "Allow", Action = "${action}", Resource = "${resource}" }]
  })`;

const MAIN = `
locals {
  extra_actions = ["sqs:SendMessage"]
}
resource "aws_iam_policy" "app" {
  name   = "app"
  policy = ${doc('s3:GetObject', 'arn:aws:s3:::b/*')}
}
resource "aws_iam_policy" "queue" {
  name   = "queue"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Queue", Effect = "Allow", Action = local.extra_actions, Resource = "*" }]
  })
}
`;

describe('an override file', () => {
  test("replaces the policy it sets: the merged one is audited, pointed at the override (a review's case)", () => {
    const results = read({
      'main.tf': MAIN,
      'main_override.tf': `resource "aws_iam_policy" "app" {\n  policy = ${doc('s3:*')}\n}\n`,
    });
    // Not "declared more than once": an override is no second declaration.
    expect(errors(results)).toEqual([]);
    const app = policy(results, 'aws_iam_policy.app');
    expect(app.path).toBe('main.tf');
    expect(app.document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    expect(app.statementFiles).toEqual(['main_override.tf']);
    expect(app.statementLines).toEqual([4]);
    // Its other attributes stay the original's.
    expect(app.name).toBe('app');
  });

  test('overrides a local value by value, whichever locals block defines it', () => {
    const results = read({
      // (given first: merged after main.tf all the same)
      'a_override.tf': `locals {\n  extra_actions = ["sqs:*"]\n}\n`,
      'main.tf': MAIN,
    });
    expect(errors(results)).toEqual([]);
    expect((policy(results, 'aws_iam_policy.queue').document as { Statement: unknown[] }).Statement).toEqual([
      { Sid: 'Queue', Effect: 'Allow', Action: ['sqs:*'], Resource: '*' },
    ]);
  });

  test('is merged after the other files, whatever their names, and later names win', () => {
    const results = read({
      // `debug_override.tf` sorts before `main.tf`, `override.tf` after `b_override.tf`.
      'debug_override.tf': `resource "aws_iam_policy" "app" {\n  policy = ${doc('s3:*')}\n}\n`,
      'main.tf': MAIN,
      'b_override.tf': `resource "aws_iam_policy" "app" {\n  policy = ${doc('s3:PutObject', '*')}\n}\n`,
      'override.tf': `resource "aws_iam_policy" "app" {\n  name = "renamed"\n}\n`,
    });
    expect(errors(results)).toEqual([]);
    const app = policy(results, 'aws_iam_policy.app');
    // b_override, debug_override, override: debug_override's policy, override's name.
    expect(app.document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    expect(app.statementFiles).toEqual(['debug_override.tf']);
    expect(app.name).toBe('renamed');
  });

  test("replaces all of a type's nested blocks (a dynamic block of that type too); others stay", () => {
    const results = read({
      'main.tf': `
data "aws_iam_policy_document" "d" {
  statement {
    sid       = "A"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = ["x"]
    content {
      sid       = "B"
      actions   = ["s3:PutObject"]
      resources = ["*"]
    }
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}
`,
      'iam_override.tf': `
data "aws_iam_policy_document" "d" {
  statement {
    sid       = "C"
    actions   = ["iam:*"]
    resources = ["*"]
  }
}
`,
    });
    expect(errors(results)).toEqual([]);
    const d = policy(results, 'aws_iam_policy.p');
    expect((d.document as { Statement: unknown[] }).Statement).toEqual([
      { Sid: 'C', Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(d.path).toBe('main.tf');
    expect(d.statementFiles).toEqual(['iam_override.tf']);
    expect(d.statementLines).toEqual([3]);
  });

  test('sets a count: the resource Terraform creates is audited, or the one it does not create is not', () => {
    const results = read({
      'main.tf': `
resource "aws_iam_policy" "on" {
  count  = 0
  name   = "on"
  policy = ${doc('iam:*')}
}
resource "aws_iam_policy" "off" {
  name   = "off"
  policy = ${doc('s3:GetObject')}
}
`,
      'override.tf': `
resource "aws_iam_policy" "on" {
  count = 1
}
resource "aws_iam_policy" "off" {
  count = 0
}
`,
    });
    expect(policies(results).map((p) => p.address)).toEqual(['aws_iam_policy.on[0]']);
    expect(results.filter((r) => r.status === 'skipped').map((r) => r.path)).toEqual([
      'main.tf#aws_iam_policy.off',
    ]);
  });

  test("overrides a variable's default, converted to its type", () => {
    const results = read({
      'vars_override.tf': `variable "actions" {\n  default = ["s3:*"]\n}\n`,
      'main.tf': `
variable "actions" {
  type    = list(string)
  default = ["s3:GetObject"]
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
}
`,
    });
    expect(errors(results)).toEqual([]);
    expect((policy(results, 'aws_iam_policy.p').document as { Statement: unknown[] }).Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:*'], Resource: '*' },
    ]);
  });

  test("that overrides nothing is Terraform's error, said at its line; a moved block in one too", () => {
    const results = read({
      'main.tf': MAIN,
      'extra_override.tf': `
resource "aws_iam_policy" "ghost" {
  policy = ${doc('iam:*')}
}
locals {
  nothing = 1
}
moved {
  from = aws_iam_policy.a
  to   = aws_iam_policy.app
}
`,
    });
    expect(policies(results).map((p) => p.address)).toEqual(['aws_iam_policy.app', 'aws_iam_policy.queue']);
    expect(results.find((r) => r.path === 'extra_override.tf')!.errors).toEqual([
      {
        path: 'extra_override.tf',
        line: 2,
        address: 'aws_iam_policy.ghost',
        message:
          'aws_iam_policy.ghost in the override file extra_override.tf overrides nothing: no other file of the module (.) declares it; Terraform refuses this ("Missing ... to override"): declare it in a file that is not an override file, or remove the override',
      },
      {
        path: 'extra_override.tf',
        line: 9,
        address: 'local.nothing',
        message:
          'local.nothing in the override file extra_override.tf overrides nothing: no other file of the module (.) declares it; Terraform refuses this ("Missing ... to override"): declare it in a file that is not an override file, or remove the override',
      },
      {
        path: 'extra_override.tf',
        line: 11,
        address: 'moved',
        message:
          'a moved block in the override file extra_override.tf: Terraform refuses this ("Cannot override \'moved\' blocks"): move it to a file that is not an override file',
      },
    ]);
  });

  test('in JSON (not merged here) is said on the policy it overrides, not left out in silence', () => {
    const results = read({
      'main.tf': MAIN,
      'main_override.tf.json': JSON.stringify({
        resource: { aws_iam_policy: { app: { policy: '{"Statement":[]}' } } },
      }),
    });
    expect(policy(results, 'aws_iam_policy.app').approximate).toEqual([
      "aws_iam_policy.app is overridden by main_override.tf.json, which this reader does not merge into the module's .tf files: read as the .tf files declare it",
    ]);
    expect(policy(results, 'aws_iam_policy.queue').approximate).toBeUndefined();
  });
});

describe('a module call overridden', () => {
  test("with another argument: the child module reads the override's", () => {
    const results = read({
      'main.tf': `
module "m" {
  source  = "./modules/m"
  actions = ["s3:GetObject"]
}
`,
      'override.tf': `module "m" {\n  actions = ["s3:*"]\n}\n`,
      'modules/m/main.tf': `
variable "actions" {
  type = list(string)
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
}
`,
    });
    expect(errors(results)).toEqual([]);
    expect(
      (policy(results, 'module.m.aws_iam_policy.p').document as { Statement: unknown[] }).Statement,
    ).toEqual([{ Effect: 'Allow', Action: ['s3:*'], Resource: '*' }]);
  });
});
