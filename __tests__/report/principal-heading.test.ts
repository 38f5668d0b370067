// A role audited as a whole (a configuration selects it: `terraform:aws_iam_role.r["b"]`): its
// findings are headed by the role, with its members' baseline, and each finding names the member
// policy it comes from. Before, the text and Markdown reports headed them with the first member's
// address, so a finding of the role's inline policy read as the managed policy's (a review's case).
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { renderText } from '../../src/report/text.js';
import { renderMarkdown } from '../../src/report/markdown.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const doc = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const resource = (address: string, type: string, name: string, values: Record<string, unknown>) => ({
  address,
  mode: 'managed',
  type,
  name,
  provider_name: 'registry.terraform.io/hashicorp/aws',
  schema_version: 0,
  values,
  sensitive_values: {},
});

/** `base.json` (a baseline of one action) and a configuration auditing `selector` as a whole against it. */
function auditAsWhole(root: string, selector: string): void {
  writeFileSync(join(root, 'base.json'), doc('sts:GetCallerIdentity'));
  mkdirSync(join(root, '.github'));
  writeFileSync(
    join(root, '.github/iam-baseline-audit.yml'),
    `version: 1\naudits:\n  - baseline: ./base.json\n    policies: ['${selector}']\n`,
  );
}

test('a principal audited as a whole is headed by the principal, each finding naming its member', async () => {
  const root = mkdtempSync(join(tmpdir(), 'principal-heading-'));
  const state = {
    format_version: '1.0',
    terraform_version: '1.5.7',
    values: {
      root_module: {
        resources: [
          resource('aws_iam_role.app', 'aws_iam_role', 'app', {
            name: 'app',
            assume_role_policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
              ],
            }),
          }),
          resource('aws_iam_policy.managed', 'aws_iam_policy', 'managed', {
            name: 'managed',
            arn: 'arn:aws:iam::123456789012:policy/managed',
            policy: doc('s3:GetObject'),
          }),
          resource('aws_iam_role_policy_attachment.a', 'aws_iam_role_policy_attachment', 'a', {
            role: 'app',
            policy_arn: 'arn:aws:iam::123456789012:policy/managed',
          }),
          resource('aws_iam_role_policy.inline', 'aws_iam_role_policy', 'inline', {
            role: 'app',
            name: 'inline',
            policy: doc('kms:*'),
          }),
        ],
      },
    },
  };
  writeFileSync(join(root, 'state.json'), JSON.stringify(state, null, 1));
  auditAsWhole(root, 'terraform:aws_iam_role.app');
  const report = await runAudit({ root, paths: ['state.json'], now: NOW });
  const ours = report.findings.filter((f) => f.kind === 'excess-action');
  // (the role's two policies, audited together under its id)
  expect(new Set(ours.map((f) => f.policy))).toEqual(new Set(['aws_iam_role.app']));
  expect(new Set(ours.map((f) => f.address))).toEqual(
    new Set(['aws_iam_policy.managed', 'aws_iam_role_policy.inline']),
  );

  const text = renderText(report).split('\n');
  const head = text.findIndex((l) => l.startsWith('  state.json aws_iam_role.app'));
  expect(head).toBeGreaterThan(-1);
  expect(text[head]).toContain('(baseline ./base.json');
  expect(
    text.some((l) => /kms:\*.*\(aws_iam_role_policy\.inline, statement #0, state\.json:\d+\)/.test(l)),
  ).toBe(true);
  expect(
    text.some((l) => /s3:GetObject.*\(aws_iam_policy\.managed, statement #0, state\.json:\d+\)/.test(l)),
  ).toBe(true);
  // No heading names a member as if the findings were its own.
  expect(text.some((l) => /^ {2}state\.json aws_iam_policy\.managed/.test(l))).toBe(false);

  // The summary counts the report's policies, not the role as one more (the JSON's count).
  const summary = text.filter((l) => l.trim()).at(-1)!;
  expect(summary).toMatch(new RegExp(` of ${report.policies.length} policies from `));

  const md = renderMarkdown(report);
  expect(md).toContain('##### 📄 `state.json` · `aws_iam_role.app`');
  expect(md).not.toContain('##### 📄 `state.json` · `aws_iam_policy.managed`');
});

test('a principal whose id starts with its file (a CloudFormation role) is headed by its logical id', async () => {
  // Its id is `t.json#Role`; before, a `path#…` id was taken for a policy's, and the findings of
  // both inline policies were headed by the first one (`t.json Role.Policies[1]`), with no baseline.
  const root = mkdtempSync(join(tmpdir(), 'principal-heading-cfn-'));
  const policy = (name: string, action: string) => ({
    PolicyName: name,
    PolicyDocument: JSON.parse(doc(action)),
  });
  writeFileSync(
    join(root, 't.json'),
    JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: 'arn:aws:iam::111111111111:root' },
                  Action: 'sts:AssumeRole',
                },
              ],
            },
            Policies: [policy('a', 's3:GetObject'), policy('b', 'iam:CreateUser')],
          },
        },
      },
    }),
  );
  auditAsWhole(root, 'cloudformation:Role');
  const report = await runAudit({ root, paths: ['t.json'], now: NOW });
  expect(new Set(report.findings.map((f) => f.policy))).toEqual(new Set(['t.json#Role']));
  const text = renderText(report).split('\n');
  expect(text).toContain('  t.json Role (baseline ./base.json: policy)');
  expect(text.some((l) => /iam:CreateUser .*\(Role\.Policies\[1\], statement #0/.test(l))).toBe(true);
  expect(text.some((l) => /s3:GetObject .*\(Role\.Policies\[0\], statement #0/.test(l))).toBe(true);
  expect(renderMarkdown(report)).toContain('##### 📄 `t.json` · `Role`');
});

test("a role whose policies are in a module's file is headed with its own file", async () => {
  const root = mkdtempSync(join(tmpdir(), 'principal-heading-file-'));
  mkdirSync(join(root, 'm'));
  writeFileSync(
    join(root, 'main.tf'),
    `module "m" { source = "./m" }
resource "aws_iam_role" "r" {
  name = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  for_each   = module.m.policies
  role       = aws_iam_role.r.name
  policy_arn = each.value.arn
}
`,
  );
  writeFileSync(
    join(root, 'm/main.tf'),
    `resource "aws_iam_policy" "p" {
  for_each = toset(["one", "two"])
  name     = "p-\${each.key}"
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "kms:*", Resource = "*" }] })
}
output "policies" { value = aws_iam_policy.p }
`,
  );
  auditAsWhole(root, 'terraform:aws_iam_role.r');
  const report = await runAudit({ root, paths: ['.'], now: NOW });
  expect(new Set(report.findings.filter((f) => f.kind === 'excess-action').map((f) => f.policy))).toEqual(
    new Set(['aws_iam_role.r']),
  );
  const text = renderText(report, { color: false });
  expect(text).toContain('  main.tf aws_iam_role.r (baseline ./base.json');
  expect(text).not.toContain('m/main.tf aws_iam_role.r');
});

test('a member policy read through file() with findings under its role is not listed as audited clean', async () => {
  const root = mkdtempSync(join(tmpdir(), 'principal-file-member-'));
  writeFileSync(
    join(root, 'main.tf'),
    `resource "aws_iam_role" "r" {
  name = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = file("\${path.module}/p.json")
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}
`,
  );
  writeFileSync(join(root, 'p.json'), doc('kms:*'));
  auditAsWhole(root, 'terraform:aws_iam_role.r');
  const report = await runAudit({ root, paths: ['main.tf'], now: NOW });
  const excess = report.findings.filter((f) => f.kind === 'excess-action');
  expect(excess.map((f) => [f.policy, f.address, f.path])).toEqual([
    ['aws_iam_role.r', 'aws_iam_policy.p', 'p.json'],
  ]);
  expect(renderText(report, { color: false })).not.toMatch(/Audited, no findings/);
});

test('a clean member policy whose address another file shares is still listed as audited clean', async () => {
  const root = mkdtempSync(join(tmpdir(), 'principal-same-address-'));
  const tf = `resource "aws_iam_role" "r" {
  name = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = file("\${path.module}/p.json")
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}
`;
  for (const [dir, action] of [
    ['dev', 'sts:GetCallerIdentity'],
    ['prod', 'kms:*'],
  ] as const) {
    mkdirSync(join(root, dir));
    writeFileSync(join(root, dir, 'main.tf'), tf);
    writeFileSync(join(root, dir, 'p.json'), doc(action));
  }
  auditAsWhole(root, 'terraform:aws_iam_role.r');
  const report = await runAudit({ root, paths: ['dev/main.tf', 'prod/main.tf'], now: NOW });
  expect(report.findings.filter((f) => f.kind === 'excess-action').map((f) => f.path)).toEqual([
    'prod/p.json',
  ]);
  const text = renderText(report, { color: false });
  const clean = text.slice(text.indexOf('Audited, no findings'));
  expect(clean).toContain('dev/main.tf aws_iam_policy.p');
  expect(clean).not.toContain('prod/main.tf aws_iam_policy.p');
});

test('a policy audited against two baselines has a heading for each, with its findings (a review: the Coiled findings read as SkyPilot’s)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'two-baselines-heading-'));
  writeFileSync(
    join(root, 'policy.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['ec2:DescribeInstances', 'ec2:RunInstances', 'logs:PutLogEvents', 'iam:CreateUser'],
          Resource: '*',
        },
      ],
    }),
  );
  mkdirSync(join(root, '.github'));
  writeFileSync(
    join(root, '.github/iam-baseline-audit.yml'),
    'version: 1\naccount-id: "123456789012"\naudits:\n  - baseline: coiled\n    policies: ["policy.json"]\n  - baseline: skypilot\n    policies: ["policy.json"]\n',
  );
  const report = await runAudit({ root, paths: ['.'], now: NOW });
  const of = (b: string) =>
    report.findings.filter((f) => f.baseline === b && f.kind !== 'missing-permission');
  expect(of('coiled').length).toBeGreaterThan(0);
  expect(of('skypilot').length).toBeGreaterThan(0);
  // Each heading, with the findings under it, says its own baseline.
  const text = renderText(report, { color: false });
  const headings = text.split('\n').filter((l) => /^ {2}policy\.json \(baseline /.test(l));
  expect(headings.map((l) => /\(baseline (\w+)/.exec(l)![1]).sort()).toEqual(['coiled', 'skypilot']);
  const md = renderMarkdown(report);
  expect(md).toMatch(/Baseline `?coiled/);
  expect(md).toMatch(/Baseline `?skypilot/);
});
