// A policy ARN that a value not known chooses (`policy_arn = var.admin ? aws_iam_policy.a.arn :
// aws_iam_policy.b.arn`): every policy it may be is linked (what the principal may hold), and the
// links are noted, on the policy (unless a link is sure) and on the principal, so that a role
// audited as a whole says its findings are not exact. A review saw such a role's CRITICAL
// iam:CreateUser and s3:GetObject told as exact though it holds one or the other, a conditional
// between two AWS managed ARNs unresolved, and a literal ARN beside a reference in
// managed_policy_arns left out silently.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import { parseSource } from '../../src/sources/index.js';
import type { InputResult, PrincipalRecord } from '../../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

beforeAll(async () => {
  await initHcl();
});

const TRUST =
  'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })';
const POLICIES = `
variable "admin" { type = bool }
resource "aws_iam_policy" "a" {
  name   = "a"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:CreateUser", Resource = "*" }] })
}
resource "aws_iam_policy" "b" {
  name   = "b"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
`;
const role = (name: string, extra = '') => `
resource "aws_iam_role" "${name}" {
  name               = "${name}"
  assume_role_policy = ${TRUST}
${extra}}
`;
const attachment = (name: string, roleName: string, arn: string) => `
resource "aws_iam_role_policy_attachment" "${name}" {
  role       = aws_iam_role.${roleName}.name
  policy_arn = ${arn}
}
`;

function readTf(tf: string): InputResult {
  const root = mkdtempSync(join(tmpdir(), 'chosen-'));
  writeFileSync(join(root, 'main.tf'), tf);
  const [r] = readHclModules([{ path: 'main.tf', text: tf }], fsHost(root));
  return r!;
}
const principal = (r: InputResult, id: string): PrincipalRecord => r.principals!.find((p) => p.id === id)!;
const policy = (r: InputResult, id: string) => r.policies.find((p) => p.id === id)!;
const CHOSEN =
  /^attached to aws_iam_role\.r by aws_iam_role_policy_attachment\.x only when its policy_arn, chosen by a value not known \(var\.admin \? aws_iam_policy\.a\.arn : aws_iam_policy\.b\.arn\)/;

describe('a .tf module', () => {
  it('links both policies a conditional policy_arn chooses, noted on each and on the role', () => {
    const r = readTf(
      POLICIES + role('r') + attachment('x', 'r', 'var.admin ? aws_iam_policy.a.arn : aws_iam_policy.b.arn'),
    );
    const p = principal(r, 'aws_iam_role.r');
    expect(p.policyIds).toEqual(['main.tf#aws_iam_policy.a', 'main.tf#aws_iam_policy.b']);
    expect(p.approximate).toEqual([expect.stringMatching(CHOSEN)]);
    for (const id of p.policyIds) expect(policy(r, id).approximate).toEqual([expect.stringMatching(CHOSEN)]);
  });

  it('keeps the note off a policy that another link holds for sure, not off the role', () => {
    const r = readTf(
      POLICIES +
        role('r') +
        attachment('x', 'r', 'var.admin ? aws_iam_policy.a.arn : aws_iam_policy.b.arn') +
        role('other') +
        attachment('sure', 'other', 'aws_iam_policy.a.arn'),
    );
    expect(policy(r, 'main.tf#aws_iam_policy.a').approximate).toBeUndefined();
    expect(policy(r, 'main.tf#aws_iam_policy.b').approximate).toEqual([expect.stringMatching(CHOSEN)]);
    expect(principal(r, 'aws_iam_role.r').approximate).toEqual([expect.stringMatching(CHOSEN)]);
    expect(principal(r, 'aws_iam_role.other').approximate).toBeUndefined();
  });

  it('reads every branch of a conditional between AWS managed ARNs, in policy_arn and managed_policy_arns', () => {
    const r = readTf(
      POLICIES +
        role('r', `  managed_policy_arns = var.admin ? ["${ADMIN}"] : ["${READ_ONLY}"]\n`) +
        role('r2') +
        attachment('y', 'r2', `var.admin ? "${ADMIN}" : "${READ_ONLY}"`),
    );
    for (const id of ['aws_iam_role.r', 'aws_iam_role.r2']) {
      const p = principal(r, id);
      expect(p.policyIds).toEqual([`main.tf#${ADMIN}`, `main.tf#${READ_ONLY}`]);
      expect(p.unresolved).toEqual([]);
      // (an item of two lists of one length: `(var.admin ? [A] : [B])[0]`)
      expect(p.approximate).toEqual([
        expect.stringMatching(/chosen by a value not known \(\(?var\.admin \?/),
      ]);
    }
    expect(policy(r, `main.tf#${ADMIN}`).approximate).toHaveLength(2);
  });

  it('links a literal ARN beside a reference in managed_policy_arns (exact: no note)', () => {
    const r = readTf(
      POLICIES + role('r', `  managed_policy_arns = [aws_iam_policy.a.arn, "${READ_ONLY}"]\n`),
    );
    const p = principal(r, 'aws_iam_role.r');
    expect(p.policyIds).toEqual(['main.tf#aws_iam_policy.a', `main.tf#${READ_ONLY}`]);
    expect(p.approximate).toBeUndefined();
  });

  it('links the ARN a conditional writes beside a reference, also past the text an unknown keeps', () => {
    const r = readTf(
      POLICIES +
        role('r') +
        attachment('x', 'r', `var.admin ? aws_iam_policy.a.arn : "${READ_ONLY}"`) +
        role('r2') +
        attachment(
          'y',
          'r2',
          `var.admin ? aws_iam_policy.a.arn : "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"`,
        ),
    );
    const p = principal(r, 'aws_iam_role.r');
    expect(p.policyIds).toEqual(['main.tf#aws_iam_policy.a', `main.tf#${READ_ONLY}`]);
    expect(p.approximate).toHaveLength(1);
    // A conditional longer than the text an unknown keeps: its branches are kept whole (Choice),
    // so the ARN past the cut is linked too, not left unread.
    const p2 = principal(r, 'aws_iam_role.r2');
    expect(p2.policyIds).toEqual([
      'main.tf#aws_iam_policy.a',
      'main.tf#arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    ]);
    expect(p2.unresolved).toEqual([]);
    expect(p2.approximate).toHaveLength(1);
  });
});

describe('a plan', () => {
  const change = (address: string, after: Record<string, unknown>, unknown: Record<string, unknown> = {}) => {
    const [type, name] = address.split('.');
    return {
      address,
      mode: 'managed',
      type,
      name,
      change: { actions: ['create'], before: null, after, after_unknown: unknown },
    };
  };
  const doc = (Action: string) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });
  const planWith = (managed: unknown[], known?: string) => ({
    format_version: '1.2',
    resource_changes: [
      change('aws_iam_policy.a', { name: 'a', policy: doc('iam:CreateUser') }, { arn: true }),
      change('aws_iam_policy.b', { name: 'b', policy: doc('s3:GetObject') }, { arn: true }),
      change('aws_iam_role.r', { name: 'r', assume_role_policy: '{}', managed_policy_arns: managed }),
      change(
        'aws_iam_role_policy_attachment.x',
        known === undefined ? { role: 'r' } : { role: 'r', policy_arn: known },
        { policy_arn: known === undefined },
      ),
    ],
    configuration: {
      root_module: {
        resources: [
          {
            address: 'aws_iam_role_policy_attachment.x',
            mode: 'managed',
            type: 'aws_iam_role_policy_attachment',
            name: 'x',
            expressions: {
              role: { constant_value: 'r' },
              policy_arn: {
                references: [
                  'var.admin',
                  'aws_iam_policy.a.arn',
                  'aws_iam_policy.a',
                  'aws_iam_policy.b.arn',
                  'aws_iam_policy.b',
                ],
              },
            },
          },
          {
            address: 'aws_iam_role.r',
            mode: 'managed',
            type: 'aws_iam_role',
            name: 'r',
            expressions: {
              name: { constant_value: 'r' },
              managed_policy_arns: { references: ['aws_iam_policy.x.arn', 'aws_iam_policy.x'] },
            },
          },
        ],
      },
    },
  });
  const parse = (plan: unknown) => {
    const text = JSON.stringify(plan);
    return parseSource({ path: 'plan.json', text }).result;
  };

  it('notes a policy_arn not known whose expression names two policies', () => {
    const r = parse(planWith([]));
    const p = principal(r, 'aws_iam_role.r');
    expect(p.policyIds).toEqual(['plan.json#aws_iam_policy.a', 'plan.json#aws_iam_policy.b']);
    expect(p.approximate).toEqual([
      expect.stringContaining(
        'only when its policy_arn, chosen by a value not known (aws_iam_policy.a.arn, aws_iam_policy.b.arn)',
      ),
    ]);
  });

  it('links a known managed ARN beside a reference the plan also names', () => {
    const r = parse(planWith([READ_ONLY]));
    expect(principal(r, 'aws_iam_role.r').policyIds).toContain(`plan.json#${READ_ONLY}`);
  });
});

it("audits a role as a whole with its chosen links' findings approximate (the reviewer's input)", async () => {
  const root = mkdtempSync(join(tmpdir(), 'chosen-run-'));
  mkdirSync(join(root, 'cfg'));
  writeFileSync(
    join(root, 'main.tf'),
    POLICIES + role('r') + attachment('x', 'r', 'var.admin ? aws_iam_policy.a.arn : aws_iam_policy.b.arn'),
  );
  writeFileSync(
    join(root, 'cfg/base.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
    }),
  );
  writeFileSync(
    join(root, 'cfg/c.yml'),
    "version: 1\naudits:\n  - baseline: ./cfg/base.json\n    policies: ['terraform:aws_iam_role.r']\n",
  );
  const report = await runAudit({ root, paths: ['main.tf'], config: 'cfg/c.yml', now: NOW });
  const fs = report.findings.filter((f) => f.policy === 'aws_iam_role.r' && f.kind === 'excess-action');
  expect(fs.flatMap((f) => f.actions).sort()).toEqual(['iam:CreateUser', 's3:GetObject']);
  for (const f of fs)
    expect(f.approximate).toContain(
      'attached to aws_iam_role.r by aws_iam_role_policy_attachment.x only when its policy_arn, chosen by a value not known (var.admin ? aws_iam_policy.a.arn : aws_iam_policy.b.arn)',
    );
});
