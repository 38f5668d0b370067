// fix on Terraform .tf files: `jsonencode({...})`, heredoc JSON and `data "aws_iam_policy_document"`
// blocks, for every built-in vendor baseline with added excess; then what is not rewritten.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinBaselines } from '../../src/baselines/load.js';
import { planFixes } from '../../src/fix/index.js';
import { audit, excess, fixAndReaudit, readIn, repo } from './helpers.js';

const EXCESS_ACTION = 'organizations:LeaveOrganization';
const EXCESS_STATEMENT = {
  Sid: 'AddedLater',
  Effect: 'Allow',
  Action: ['account:CloseAccount', 'iam:CreateAccessKey'],
  Resource: '*',
};

type Stmt = Record<string, unknown>;

function withExcess(statements: unknown[]): Stmt[] {
  const st = (statements as Stmt[]).map((s) => ({ ...s }));
  const i = st.findIndex(
    (s) =>
      Array.isArray(s.Action) &&
      s.Effect === 'Allow' &&
      (s.Action as string[]).length > 1 &&
      (s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*'))) &&
      !s.Condition,
  );
  if (i >= 0) {
    const a = st[i]!.Action as string[];
    st[i]!.Action = [a[0]!, EXCESS_ACTION, ...a.slice(1)];
  }
  st.splice(Math.min(1, st.length), 0, EXCESS_STATEMENT);
  return st;
}

const hstr = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$${');
const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : hstr(k));

/** HCL for a value, the way people write jsonencode objects (lists of strings one item a line). */
function hcl(v: unknown, indent: string): string {
  if (typeof v === 'string') return hstr(v);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string'))
      return `[\n${v.map((x) => `${indent}  ${hstr(x)},`).join('\n')}\n${indent}]`;
    return `[\n${v.map((x) => `${indent}  ${hcl(x, `${indent}  `)},`).join('\n')}\n${indent}]`;
  }
  if (v && typeof v === 'object')
    return `{\n${Object.entries(v)
      .map(([k, x]) => `${indent}  ${key(k)} = ${hcl(x, `${indent}  `)}`)
      .join('\n')}\n${indent}}`;
  return JSON.stringify(v);
}

function jsonencodeTf(st: Stmt[]): string {
  return `resource "aws_iam_policy" "vendor" {\n  name   = "vendor"\n  policy = jsonencode(${hcl({ Version: '2012-10-17', Statement: st }, '  ')})\n}\n\nresource "aws_iam_user" "u" {\n  name = "someone"\n}\n`;
}

function heredocTf(st: Stmt[]): string {
  const json = JSON.stringify({ Version: '2012-10-17', Statement: st }, null, 2).replace(/\$\{/g, '$${');
  return `resource "aws_iam_policy" "vendor" {\n  name   = "vendor"\n  policy = <<EOF\n${json}\nEOF\n}\n`;
}

const asList = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as string[];

function dataTf(st: Stmt[]): string {
  const blocks = st.map((s) => {
    const lines = ['  statement {'];
    if (s.Sid) lines.push(`    sid     = ${hstr(s.Sid as string)}`);
    lines.push(`    effect  = ${hstr((s.Effect as string) ?? 'Allow')}`);
    lines.push(
      `    actions = [\n${asList(s.Action)
        .map((a) => `      ${hstr(a)},`)
        .join('\n')}\n    ]`,
    );
    if (s.Resource !== undefined) lines.push(`    resources = [${asList(s.Resource).map(hstr).join(', ')}]`);
    for (const [op, keys] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>))
      for (const [k, v] of Object.entries(keys))
        lines.push(
          `\n    condition {\n      test     = ${hstr(op)}\n      variable = ${hstr(k)}\n      values   = [${asList(v).map(hstr).join(', ')}]\n    }`,
        );
    lines.push('  }');
    return lines.join('\n');
  });
  return `data "aws_iam_policy_document" "vendor" {\n${blocks.join('\n\n')}\n}\n\nresource "aws_iam_policy" "vendor" {\n  name   = "vendor"\n  policy = data.aws_iam_policy_document.vendor.json\n}\n`;
}

/** Statements the data source can write (no Principal, NotAction, NotResource). */
const plain = (st: Stmt[]) => st.every((s) => !s.Principal && !s.NotAction && !s.NotResource && s.Action);

/** One statement per Sid (the sets of a baseline repeat some; the data source needs them unique). */
function uniqueSids(st: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return (st as Stmt[]).filter((s) => s.Sid === undefined || (!seen.has(s.Sid) && seen.add(s.Sid)));
}

// Baselines whose documents hold `${...}` placeholders (anyscale, databricks) are left out: in HCL
// they are written `$${...}`, which the .tf reader does not evaluate (the policy is unresolved).
const cases = builtinBaselines()
  .map((b) => {
    const sets = b.sets.map((s) => s.name).join(',');
    return [b.id, `${b.id}:${sets}`, withExcess(uniqueSids(b.sets.flatMap((s) => s.statements)))] as const;
  })
  .filter(([, , st]) => !JSON.stringify(st).includes('${'));

async function scenario(tf: string, spec: string) {
  const root = repo({ 'infra/main.tf': tf });
  const { before, plan, after } = await fixAndReaudit(root, spec);
  expect(excess(before).length).toBeGreaterThan(0);
  expect(plan.notFixed).toEqual([]);
  expect(excess(after)).toEqual([]);
  const fixed = readFileSync(join(root, 'infra/main.tf'), 'utf8');
  // everything outside the policy is as it was
  const head = tf.slice(0, tf.indexOf('Statement'));
  expect(fixed.startsWith(head.slice(0, tf.indexOf('{') + 1))).toBe(true);
  expect(fixed.includes(EXCESS_ACTION)).toBe(false);
  expect(fixed.includes('AddedLater')).toBe(false);
  expect(planFixes(after, readIn(root)).files).toEqual([]);
  return fixed;
}

describe('fix on .tf files, every vendor baseline with added excess', () => {
  it.each(cases)('%s in jsonencode({...})', async (_id, spec, st) => {
    const tf = jsonencodeTf(st);
    const fixed = await scenario(tf, spec);
    // exactly the text the same generator makes without the excess
    expect(fixed).toBe(
      jsonencodeTf(
        st
          .filter((s) => s.Sid !== 'AddedLater')
          .map((s) =>
            Array.isArray(s.Action) ? { ...s, Action: s.Action.filter((a) => a !== EXCESS_ACTION) } : s,
          ),
      ),
    );
  });

  it.each(cases)('%s in heredoc JSON', async (_id, spec, st) => {
    const tf = heredocTf(st);
    const fixed = await scenario(tf, spec);
    expect(fixed).toBe(
      heredocTf(
        st
          .filter((s) => s.Sid !== 'AddedLater')
          .map((s) =>
            Array.isArray(s.Action) ? { ...s, Action: s.Action.filter((a) => a !== EXCESS_ACTION) } : s,
          ),
      ),
    );
  });

  it.each(cases.filter(([, , st]) => plain(st)))(
    '%s in data "aws_iam_policy_document"',
    async (_id, spec, st) => {
      const tf = dataTf(st);
      const fixed = await scenario(tf, spec);
      expect(fixed).toBe(
        dataTf(
          st
            .filter((s) => s.Sid !== 'AddedLater')
            .map((s) =>
              Array.isArray(s.Action) ? { ...s, Action: s.Action.filter((a) => a !== EXCESS_ACTION) } : s,
            ),
        ),
      );
    },
  );
});

describe('fix on .tf files: what is not rewritten', () => {
  it('a policy built from variables or templatefile() is listed with the reason; the file is not touched', async () => {
    const tf = [
      'variable "actions" {',
      '  default = ["ec2:DescribeInstances", "iam:CreateUser"]',
      '}',
      'resource "aws_iam_policy" "p" {',
      '  name   = "p"',
      '  policy = jsonencode({',
      '    Version   = "2012-10-17"',
      '    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]',
      '  })',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'main.tf': tf });
    const report = await audit(root, 'coiled:ongoing');
    expect(report.suggestions.map((s) => s.policy)).toEqual(['main.tf#aws_iam_policy.p']);
    const plan = planFixes(report, readIn(root));
    expect(plan.files).toEqual([]);
    expect(plan.notFixed).toEqual([
      { policy: 'main.tf#aws_iam_policy.p', path: 'main.tf', reason: expect.stringMatching(/not literal/) },
    ]);
  });

  it('a resource with count is listed, not rewritten', async () => {
    const tf = [
      'resource "aws_iam_policy" "p" {',
      '  count  = 1',
      '  name   = "p"',
      '  policy = jsonencode({',
      '    Version   = "2012-10-17"',
      '    Statement = [{ Effect = "Allow", Action = ["ec2:DescribeInstances", "iam:CreateUser"], Resource = "*" }]',
      '  })',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'main.tf': tf });
    const report = await audit(root, 'coiled:ongoing');
    const plan = planFixes(report, readIn(root));
    expect(plan.files).toEqual([]);
    expect(plan.notFixed.map((n) => n.reason)).toEqual([expect.stringMatching(/count or for_each/)]);
  });

  it('an inline jsonencode object on one line keeps its commas and quotes', async () => {
    const tf = [
      'resource "aws_iam_policy" "p" {',
      '  name   = "p"',
      '  policy = jsonencode({',
      '    "Version" : "2012-10-17",',
      '    "Statement" : [{ "Effect" : "Allow", "Action" : ["ec2:DescribeInstances", "iam:CreateUser"], "Resource" : "*" }, { "Effect" : "Allow", "Action" : "iam:DeleteUser", "Resource" : "*" }]',
      '  })',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'main.tf': tf });
    const { plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    expect(readFileSync(join(root, 'main.tf'), 'utf8')).toBe(
      tf
        .replace(', "iam:CreateUser"', '')
        .replace(', { "Effect" : "Allow", "Action" : "iam:DeleteUser", "Resource" : "*" }', ''),
    );
  });
});

describe('fix on .tf files: inline_policy blocks', () => {
  it("an aws_iam_role's inline_policy (found by its name) is rewritten in place", async () => {
    const tf = [
      'resource "aws_iam_role" "r" {',
      '  name               = "r"',
      '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })',
      '',
      '  inline_policy {',
      '    name = "other"',
      '    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["ec2:DescribeRegions"], Resource = "*" }] })',
      '  }',
      '',
      '  inline_policy {',
      '    name = "work"',
      '    policy = jsonencode({',
      '      Version = "2012-10-17"',
      '      Statement = [',
      '        {',
      '          Effect   = "Allow"',
      '          Action   = ["ec2:DescribeInstances", "iam:CreateUser"]',
      '          Resource = "*"',
      '        },',
      '      ]',
      '    })',
      '  }',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'role.tf': tf });
    const { plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(plan.notFixed).toEqual([]);
    expect(plan.files.map((f) => f.policies)).toEqual([['role.tf#aws_iam_role.r#inline_policy[work]']]);
    expect(excess(after)).toEqual([]);
    expect(readFileSync(join(root, 'role.tf'), 'utf8')).toBe(
      tf.replace('["ec2:DescribeInstances", "iam:CreateUser"]', '["ec2:DescribeInstances"]'),
    );
  });
});

describe('fix on .tf files: the policy document in another file of the module', () => {
  it('rewrites the data source where it is written, and names the policy in the plan', async () => {
    const main = [
      'resource "aws_iam_policy" "p" {',
      '  name   = "p"',
      '  policy = data.aws_iam_policy_document.p.json',
      '}',
      '',
    ].join('\n');
    const data = [
      'data "aws_iam_policy_document" "p" {',
      '  statement {',
      '    sid       = "Describe"',
      '    actions   = ["ec2:DescribeInstances", "iam:CreateUser"]',
      '    resources = ["*"]',
      '  }',
      '',
      '  statement {',
      '    sid       = "Users"',
      '    actions   = ["iam:DeleteUser"]',
      '    resources = ["*"]',
      '  }',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'infra/main.tf': main, 'infra/policies.tf': data });
    const { plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(plan.notFixed).toEqual([]);
    expect(plan.files.map((f) => [f.path, f.policies])).toEqual([
      ['infra/policies.tf', ['infra/main.tf#aws_iam_policy.p']],
    ]);
    expect(excess(after)).toEqual([]);
    expect(readFileSync(join(root, 'infra/main.tf'), 'utf8')).toBe(main);
    expect(readFileSync(join(root, 'infra/policies.tf'), 'utf8')).toBe(
      [
        'data "aws_iam_policy_document" "p" {',
        '  statement {',
        '    sid       = "Describe"',
        '    actions   = ["ec2:DescribeInstances"]',
        '    resources = ["*"]',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('fix on .tf files: file() and templatefile()', () => {
  it('a policy read with file() is fixed in its JSON file, for the .tf policy (the file is read through it)', async () => {
    const json = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:CreateUser'], Resource: '*' }],
      },
      null,
      2,
    );
    const tf = [
      'resource "aws_iam_policy" "p" {',
      '  name   = "p"',
      '  policy = file("${path.module}/policy.json")',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'infra/main.tf': tf, 'infra/policy.json': json });
    const report = await audit(root, 'coiled:ongoing');
    // The JSON file is the .tf policy's: audited once, there.
    expect(report.policies.map((p) => p.id)).toEqual(['infra/main.tf#aws_iam_policy.p']);
    expect(report.inputs.find((i) => i.path === 'infra/policy.json')).toMatchObject({
      status: 'skipped',
      reason: 'read by infra/main.tf aws_iam_policy.p with file(): its policy is audited there',
    });
    const plan = planFixes(report, readIn(root));
    expect(plan.files.map((f) => [f.path, f.policies])).toEqual([
      ['infra/policy.json', ['infra/main.tf#aws_iam_policy.p']],
    ]);
    expect(JSON.parse(plan.files[0]!.after).Statement[0].Action).toEqual(['ec2:DescribeInstances']);
    expect(plan.notFixed).toEqual([]);
  });

  it('a policy read with file() from a path it builds is not fixed, and says where it is read from', async () => {
    const json = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:CreateUser'], Resource: '*' }],
    });
    const tf = [
      'variable "name" {',
      '  default = "policy"',
      '}',
      'resource "aws_iam_policy" "p" {',
      '  name   = "p"',
      '  policy = file("${path.module}/${var.name}.json")',
      '}',
      '',
    ].join('\n');
    const root = repo({ 'infra/main.tf': tf, 'infra/policy.json': json });
    const report = await audit(root, 'coiled:ongoing');
    const plan = planFixes(report, readIn(root));
    expect(plan.files).toEqual([]);
    expect(plan.notFixed).toEqual([
      {
        policy: 'infra/main.tf#aws_iam_policy.p',
        path: 'infra/main.tf',
        reason: expect.stringMatching(/read from a file .*fix that file/),
      },
    ]);
  });
});

describe('fix on .tf files: a heredoc with `$${…}`', () => {
  // `$${` in a heredoc is a literal `${` (an IAM policy variable): not an interpolation, which
  // would be a node of the template of its own (a review: fix refused such a statement as one
  // holding "the interpolation").
  const tf = (statements: string) =>
    `resource "aws_iam_policy" "sky" {\n  name   = "skypilot-v1"\n  policy = <<-EOF\n    {\n      "Version": "2012-10-17",\n      "Statement": [\n${statements}\n      ]\n    }\n  EOF\n}\n`;
  const keptStatement = `        {\n          "Sid": "Own",\n          "Effect": "Allow",\n          "Action": "ec2:Describe*",\n          "Resource": "*"\n        }`;

  it('a statement with a policy variable is rewritten like any other, the variable kept escaped where kept', async () => {
    const root = repo({
      'main.tf': tf(
        `        {\n          "Sid": "Pass",\n          "Effect": "Allow",\n          "Action": ["iam:GetRole", "iam:PassRole", "iam:CreateRole"],\n          "NotResource": "arn:aws:iam::123456789012:role/admin-$\${aws:username}"\n        },\n${keptStatement}`,
      ),
      '.github/iam-baseline-audit.yml': 'version: 1\naccount-id: "123456789012"\n',
    });
    const { plan, after } = await fixAndReaudit(root, 'skypilot');
    expect(plan.notFixed).toEqual([]);
    const fixed = readFileSync(join(root, 'main.tf'), 'utf8');
    expect(fixed).toContain('"Action": ["iam:GetRole", "iam:PassRole"]');
    expect(fixed).toContain('"Resource": "arn:aws:iam::123456789012:role/skypilot-v1"');
    expect(fixed).toContain(keptStatement);
    expect(excess(after)).toEqual([]);
  });
});

describe('fix on .tf files: a new value with a policy variable is written escaped', () => {
  // (a review: `'$${'` as a replacement string is one `$`, so a condition the baseline adds with
  // `${aws:username}` was written unescaped, a Terraform interpolation; the read-back refused it)
  const BASE = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: 'arn:aws:s3:::b',
        Condition: { StringLike: { 's3:prefix': ['${aws:username}/*'] } },
      },
    ],
  });
  const jsonencode = `resource "aws_iam_policy" "x" {\n  name = "x"\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [\n      {\n        Effect   = "Allow"\n        Action   = ["s3:ListBucket"]\n        Resource = "arn:aws:s3:::b"\n      }\n    ]\n  })\n}\n`;
  const heredoc = `resource "aws_iam_policy" "x" {\n  name   = "x"\n  policy = <<EOF\n{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": ["s3:ListBucket"],\n      "Resource": "arn:aws:s3:::b"\n    }\n  ]\n}\nEOF\n}\n`;

  it.each([
    ['jsonencode', jsonencode],
    ['a heredoc', heredoc],
  ])('%s: the added condition holds $${aws:username}', async (_, tf) => {
    const root = repo({ 'main.tf': tf, 'base.json': BASE });
    const { plan, after } = await fixAndReaudit(root, './base.json');
    expect(plan.notFixed).toEqual([]);
    const fixed = readFileSync(join(root, 'main.tf'), 'utf8');
    expect(fixed).toContain('$${aws:username}/*');
    expect(fixed).not.toMatch(/[^$]\$\{aws:username\}/);
    expect(excess(after)).toEqual([]);
  });
});
