// Permissions boundaries: a policy used only as one grants nothing (listed as not audited, with the
// reason), and the findings of a principal with one say that it may be granted less (the boundary
// is not intersected). A review found a boundary reported as an excess grant and a bounded role's
// CRITICAL findings told as exact, from an authorization-details export; Terraform's
// permissions_boundary was not read at all.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { initHcl } from '../../src/sources/hcl/index.js';
import type { Report } from '../../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const doc = (Action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource: '*' }],
});
const BASE = doc('sts:GetCallerIdentity');
const q = (d: unknown) => encodeURIComponent(JSON.stringify(d));

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-boundary-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

async function audit(path: string, text: string): Promise<Report> {
  const root = repo({ [`in/${path}`]: text, 'base.json': JSON.stringify(BASE) });
  return runAudit({ root, paths: ['in'], baseline: 'base.json', now: NOW });
}

const policy = (r: Report, address: string) => r.policies.find((p) => p.address === address);
const findingsOf = (r: Report, id: RegExp) => r.findings.filter((f) => id.test(f.policy));

beforeAll(async () => {
  await initHcl();
});

describe('an authorization-details export (the reviewer’s input)', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/bounded';
  const BOUNDARY = 'arn:aws:iam::123456789012:policy/boundary';
  const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
  const details = {
    UserDetailList: [
      {
        UserName: 'Alice',
        Arn: 'arn:aws:iam::123456789012:user/Alice',
        GroupList: ['Admins'],
        AttachedManagedPolicies: [],
        UserPolicyList: [],
      },
    ],
    GroupDetailList: [
      {
        GroupName: 'Admins',
        Arn: 'arn:aws:iam::123456789012:group/Admins',
        GroupPolicyList: [],
        AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN }],
      },
    ],
    RoleDetailList: [
      {
        RoleName: 'bounded',
        Arn: ROLE,
        RolePolicyList: [{ PolicyName: 'inl', PolicyDocument: q(doc('iam:*')) }],
        AttachedManagedPolicies: [
          { PolicyName: 'AdministratorAccess', PolicyArn: ADMIN },
          { PolicyName: 'cust', PolicyArn: 'arn:aws:iam::123456789012:policy/cust' },
        ],
        PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY },
      },
    ],
    Policies: [
      {
        PolicyName: 'cust',
        Arn: 'arn:aws:iam::123456789012:policy/cust',
        DefaultVersionId: 'v1',
        AttachmentCount: 1,
        PermissionsBoundaryUsageCount: 0,
        PolicyVersionList: [{ Document: q(doc('s3:GetObject')), VersionId: 'v1', IsDefaultVersion: true }],
      },
      {
        PolicyName: 'boundary',
        Arn: BOUNDARY,
        DefaultVersionId: 'v1',
        AttachmentCount: 0,
        PermissionsBoundaryUsageCount: 1,
        PolicyVersionList: [{ Document: q(doc('s3:GetObject')), VersionId: 'v1', IsDefaultVersion: true }],
      },
    ],
  };

  it('lists the boundary as not audited, and marks what only the bounded role holds as approximate', async () => {
    const r = await audit('authz.json', JSON.stringify(details, null, 2));
    expect(policy(r, BOUNDARY)).toMatchObject({
      status: 'not-matched',
      reason: expect.stringMatching(
        /^a permissions boundary \(of arn:aws:iam::123456789012:role\/bounded\).*grants nothing/,
      ),
    });
    expect(findingsOf(r, /policy\/boundary$/)).toEqual([]);
    const note = `${ROLE} has a permissions boundary (${BOUNDARY}) that further limits what its policies grant it; not intersected here, so it may be granted less than told`;
    // The role's inline policy and the customer policy only it holds: approximate, naming the boundary.
    for (const id of [/inline_policy\[inl\]$/, /policy\/cust$/]) {
      const fs = findingsOf(r, id);
      expect(fs.length).toBeGreaterThan(0);
      for (const f of fs) expect(f.approximate).toContain(note);
    }
    // AdministratorAccess is also the Admins group's (Alice's), without a boundary: exact.
    const admin = findingsOf(r, /AdministratorAccess$/);
    expect(admin.length).toBeGreaterThan(0);
    for (const f of admin) expect(f.approximate).toBeUndefined();
  });

  it('lists a boundary with AttachmentCount 0 and no PermissionsBoundaryUsageCount as not audited', async () => {
    // (an export edited by hand, or by a tool that drops the usage count: the attachment count and
    // this file's principals still say it is only a boundary)
    const noUsage = structuredClone(details);
    const counted: Partial<(typeof noUsage.Policies)[1]> = noUsage.Policies[1]!;
    delete counted.PermissionsBoundaryUsageCount;
    const r = await audit('authz.json', JSON.stringify(noUsage));
    expect(policy(r, BOUNDARY)).toMatchObject({
      status: 'not-matched',
      reason: expect.stringMatching(/^a permissions boundary \(of arn:aws:iam::123456789012:role\/bounded\)/),
    });
    expect(findingsOf(r, /policy\/boundary$/)).toEqual([]);
    // Attached to someone outside the file (AttachmentCount 1): a grant, audited.
    counted.AttachmentCount = 1;
    const r2 = await audit('authz.json', JSON.stringify(noUsage));
    expect(policy(r2, BOUNDARY)!.status).toBe('audited');
  });

  it('keeps auditing a boundary that is also attached as a policy', async () => {
    const both = structuredClone(details);
    both.Policies[1]!.AttachmentCount = 1;
    both.UserDetailList[0]!.AttachedManagedPolicies = [
      { PolicyName: 'boundary', PolicyArn: BOUNDARY },
    ] as never[];
    const r = await audit('authz.json', JSON.stringify(both));
    expect(policy(r, BOUNDARY)!.status).toBe('audited');
    expect(findingsOf(r, /policy\/boundary$/).length).toBeGreaterThan(0);
  });

  it('keeps auditing a boundary that an entry not read as a principal attaches (no counts)', async () => {
    const both = structuredClone(details);
    const uncounted: Partial<(typeof both.Policies)[1]> = both.Policies[1]!;
    delete uncounted.AttachmentCount;
    delete uncounted.PermissionsBoundaryUsageCount;
    both.UserDetailList.push({
      AttachedManagedPolicies: [{ PolicyName: 'boundary', PolicyArn: BOUNDARY }],
    } as never);
    const r = await audit('authz.json', JSON.stringify(both));
    expect(policy(r, BOUNDARY)!.status).toBe('audited');
    expect(findingsOf(r, /policy\/boundary$/).length).toBeGreaterThan(0);
  });
});

describe("Terraform's permissions_boundary", () => {
  const policyJson = (action: string) => JSON.stringify(doc(action));
  const TFJSON = JSON.stringify({
    resource: {
      aws_iam_policy: {
        boundary: { name: 'boundary', policy: policyJson('s3:GetObject') },
      },
      aws_iam_role: {
        bounded: {
          name: 'bounded',
          assume_role_policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          }),
          permissions_boundary: '${aws_iam_policy.boundary.arn}',
        },
      },
      aws_iam_role_policy: { inl: { role: '${aws_iam_role.bounded.id}', policy: policyJson('iam:*') } },
    },
  });
  const PLAN = JSON.stringify({
    format_version: '1.2',
    resource_changes: [
      {
        address: 'aws_iam_policy.boundary',
        mode: 'managed',
        type: 'aws_iam_policy',
        name: 'boundary',
        change: {
          actions: ['create'],
          before: null,
          after: { name: 'boundary', policy: policyJson('s3:GetObject') },
        },
      },
      {
        address: 'aws_iam_role.bounded',
        mode: 'managed',
        type: 'aws_iam_role',
        name: 'bounded',
        change: {
          actions: ['create'],
          before: null,
          after: {
            name: 'bounded',
            assume_role_policy: '{}',
            permissions_boundary: 'arn:aws:iam::123456789012:policy/boundary',
          },
        },
      },
      {
        address: 'aws_iam_role_policy.inl',
        mode: 'managed',
        type: 'aws_iam_role_policy',
        name: 'inl',
        change: {
          actions: ['create'],
          before: null,
          after: { name: 'inl', role: 'bounded', policy: policyJson('iam:*') },
        },
      },
    ],
  });
  const TF = [
    'resource "aws_iam_policy" "boundary" {',
    '  name   = "boundary"',
    '  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })',
    '}',
    'resource "aws_iam_role" "bounded" {',
    '  name                 = "bounded"',
    '  assume_role_policy   = "{}"',
    '  permissions_boundary = aws_iam_policy.boundary.arn',
    '}',
    'resource "aws_iam_role_policy" "inl" {',
    '  role   = aws_iam_role.bounded.id',
    '  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })',
    '}',
    '',
  ].join('\n');

  it.each([
    ['a *.tf.json', 'main.tf.json', TFJSON, 'aws_iam_policy.boundary.arn'],
    ['a plan', 'plan.json', PLAN, 'arn:aws:iam::123456789012:policy/boundary'],
    ['a .tf module', 'main.tf', TF, 'aws_iam_policy.boundary.arn'],
  ])('reads it from %s', async (_, path, text, shown) => {
    const r = await audit(path, text);
    expect(policy(r, 'aws_iam_policy.boundary')).toMatchObject({
      status: 'not-matched',
      reason: expect.stringMatching(/^a permissions boundary \(of aws_iam_role\.bounded\).*grants nothing/),
    });
    expect(findingsOf(r, /aws_iam_policy\.boundary$/)).toEqual([]);
    const fs = findingsOf(r, /aws_iam_role_policy\.inl$/);
    expect(fs.length).toBeGreaterThan(0);
    for (const f of fs)
      expect(f.approximate).toContain(
        `aws_iam_role.bounded has a permissions boundary (${shown}) that further limits what its policies grant it; not intersected here, so it may be granted less than told`,
      );
  });
});

// A review found a boundary also attached through an attachment whose principal is not known here
// (`role = var.role_name`) called "grants nothing" and left unaudited: an attachment always names
// someone (Terraform refuses one that names no principal), so the policy grants.
describe('a boundary also attached to a principal not known here', () => {
  const policyJson = (action: string) => JSON.stringify(doc(action));
  const TF = [
    'variable "role_name" { type = string }',
    'variable "users" { type = list(string) }',
    'resource "aws_iam_policy" "b" {',
    '  name   = "b"',
    '  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })',
    '}',
    'resource "aws_iam_role" "r" {',
    '  name                 = "r"',
    '  assume_role_policy   = "{}"',
    '  permissions_boundary = aws_iam_policy.b.arn',
    '}',
    'resource "aws_iam_role_policy_attachment" "ext" {',
    '  role       = var.role_name',
    '  policy_arn = aws_iam_policy.b.arn',
    '}',
    'resource "aws_iam_policy" "c" {',
    '  name   = "c"',
    '  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })',
    '}',
    'resource "aws_iam_user" "u" {',
    '  name                 = "u"',
    '  permissions_boundary = aws_iam_policy.c.arn',
    '}',
    'resource "aws_iam_policy_attachment" "ext2" {',
    '  name       = "x"',
    '  users      = var.users',
    '  policy_arn = aws_iam_policy.c.arn',
    '}',
    '',
  ].join('\n');
  const TFJSON = JSON.stringify({
    resource: {
      aws_iam_policy: {
        b: { name: 'b', policy: policyJson('iam:*') },
        c: { name: 'c', policy: policyJson('s3:*') },
      },
      aws_iam_role: {
        r: { name: 'r', assume_role_policy: '{}', permissions_boundary: '${aws_iam_policy.b.arn}' },
      },
      aws_iam_user: { u: { name: 'u', permissions_boundary: '${aws_iam_policy.c.arn}' } },
      aws_iam_role_policy_attachment: {
        ext: { role: '${var.role_name}', policy_arn: '${aws_iam_policy.b.arn}' },
      },
      aws_iam_policy_attachment: {
        ext2: { name: 'x', users: '${var.users}', policy_arn: '${aws_iam_policy.c.arn}' },
      },
    },
  });
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
  const PB = 'arn:aws:iam::123456789012:policy/b';
  const PC = 'arn:aws:iam::123456789012:policy/c';
  const PLAN = JSON.stringify({
    format_version: '1.2',
    resource_changes: [
      change('aws_iam_policy.b', { name: 'b', arn: PB, policy: policyJson('iam:*') }),
      change('aws_iam_policy.c', { name: 'c', arn: PC, policy: policyJson('s3:*') }),
      change('aws_iam_role.r', { name: 'r', assume_role_policy: '{}', permissions_boundary: PB }),
      change('aws_iam_user.u', { name: 'u', permissions_boundary: PC }),
      change('aws_iam_role_policy_attachment.ext', { policy_arn: PB }, { role: true }),
      change('aws_iam_policy_attachment.ext2', { name: 'x', policy_arn: PC }, { users: true }),
    ],
  });

  it.each([
    ['a .tf module', 'main.tf', TF],
    ['a *.tf.json', 'main.tf.json', TFJSON],
    ['a plan', 'plan.json', PLAN],
  ])('audits it from %s', async (_, path, text) => {
    const r = await audit(path, text);
    for (const [address, action] of [
      ['aws_iam_policy.b', 'iam:CreateUser'],
      ['aws_iam_policy.c', 's3:GetObject'],
    ] as const) {
      expect(policy(r, address)!.status).toBe('audited');
      expect(
        findingsOf(r, new RegExp(`${address.replace('.', '\\.')}$`)).flatMap((f) => f.actions),
      ).toContain(action);
    }
  });
});
