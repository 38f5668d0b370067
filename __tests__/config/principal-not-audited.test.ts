// A role a configured audit selects as a whole, none of whose policies could be read (a policy
// that is a variable's value; an attachment whose ARN is not known, `policy_arn = var.arn`), through the same runAudit() the CLI and the action call:
// the role is listed as not audited, naming what could not be read. Before, the engine made no unit
// of it and the report said nothing of the role: 0 findings, exit 0, as if it had been audited.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { renderText } from '../../src/report/text.js';
import type { Report } from '../../src/core/types.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const CONFIG = '.github/iam-baseline-audit.yml';
const BASE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
};
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const TRUST_HCL =
  'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })';

async function audit(files: Record<string, unknown>, paths: string[]): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'iba-principal-unread-'));
  const all: Record<string, unknown> = {
    'base.json': BASE,
    [CONFIG]: 'version: 1\naudits:\n  - baseline: ./base.json\n    policies: ["terraform:aws_iam_role.r"]\n',
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return runAudit({ root, paths, now: NOW });
}

const roleEntry = (r: Report) => r.policies.find((p) => p.address === 'aws_iam_role.r' && p.kind !== 'trust');

it('a role whose only policy is a variable (*.tf.json) is listed as not audited, naming it', async () => {
  const report = await audit(
    {
      'main.tf.json': {
        resource: {
          aws_iam_role: { r: { name: 'role-x', assume_role_policy: TRUST } },
          aws_iam_policy: { p: { name: 'p', policy: '${var.policy_json}' } },
          aws_iam_role_policy_attachment: {
            a: { role: '${aws_iam_role.r.name}', policy_arn: '${aws_iam_policy.p.arn}' },
          },
        },
      },
    },
    ['main.tf.json'],
  );
  expect(roleEntry(report)).toMatchObject({
    id: 'aws_iam_role.r',
    path: 'main.tf.json',
    status: 'unresolved',
    reason:
      'selected to be audited as a whole against ./base.json, not audited: none of its policies could be read: aws_iam_policy.p',
  });
  expect(renderText(report, { color: false })).toContain(
    'main.tf.json aws_iam_role.r: unresolved (selected to be audited as a whole against ./base.json, not audited',
  );
});

it('a role whose attachment names no known ARN (a variable) is listed as not audited', async () => {
  const tf = `variable "policy_arn" { type = string }
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = ${TRUST_HCL}
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = var.policy_arn
}
`;
  const report = await audit({ 'main.tf': tf }, ['main.tf']);
  const entry = roleEntry(report);
  expect(entry?.status).toBe('unresolved');
  expect(entry?.reason).toMatch(
    /^selected to be audited as a whole against \.\/base\.json, not audited: none of its policies could be read: .*var\.policy_arn.* \(an attachment\)$/,
  );
});

it('a role whose attachments are for_each over the policies (each.value.arn) holds each of them: audited as a whole', async () => {
  const tf = `resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = ${TRUST_HCL}
}
resource "aws_iam_policy" "p" {
  for_each = { ro = ["s3:GetObject"], rw = ["s3:PutObject"] }
  name     = "p-\${each.key}"
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = each.value, Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  for_each   = aws_iam_policy.p
  role       = aws_iam_role.r.name
  policy_arn = each.value.arn
}
`;
  const report = await audit({ 'main.tf': tf }, ['main.tf']);
  expect(roleEntry(report)).toBeUndefined();
  expect(report.findings.map((f) => [f.policy, f.actions.join(',')]).sort()).toEqual([
    ['aws_iam_role.r', 's3:GetObject'],
    ['aws_iam_role.r', 's3:PutObject'],
  ]);
});

it('a role that holds no policy is listed as not audited, with why', async () => {
  const report = await audit(
    { 'main.tf.json': { resource: { aws_iam_role: { r: { name: 'role-x', assume_role_policy: TRUST } } } } },
    ['main.tf.json'],
  );
  expect(roleEntry(report)).toMatchObject({
    status: 'not-matched',
    reason:
      'selected to be audited as a whole against ./base.json, not audited: it holds no policy in the inputs read',
  });
});

it('a role some of whose policies were read is audited, not listed (its missing permissions are unsure)', async () => {
  const report = await audit(
    {
      'main.tf.json': {
        resource: {
          aws_iam_role: { r: { name: 'role-x', assume_role_policy: TRUST } },
          aws_iam_policy: { p: { name: 'p', policy: '${var.policy_json}' } },
          aws_iam_role_policy_attachment: {
            a: { role: '${aws_iam_role.r.name}', policy_arn: '${aws_iam_policy.p.arn}' },
          },
          aws_iam_role_policy: {
            i: {
              name: 'i',
              role: '${aws_iam_role.r.name}',
              policy: JSON.stringify({
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }],
              }),
            },
          },
        },
      },
    },
    ['main.tf.json'],
  );
  expect(roleEntry(report)).toBeUndefined();
  expect(report.findings.filter((f) => f.kind === 'excess-action').map((f) => [f.policy, f.actions])).toEqual(
    [['aws_iam_role.r', ['iam:CreateUser']]],
  );
});
