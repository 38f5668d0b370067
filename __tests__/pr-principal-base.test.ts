// A principal audited as a whole (a `terraform:aws_iam_role.x` selector) in a pull request: its
// policies at the base are those it held at the base. Before, the base was the head's policies
// as they read at the base, so a pull request that only attached an existing `iam:*` policy to
// the vendor's role, or detached a Deny, had no new finding, and `fail-on: new` passed (a review).
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-12-06T00:00:00Z');

const ROLE = `resource "aws_iam_role" "sky" {
  name = "skypilot-v1"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_policy" "min" {
  name = "min"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ec2:RunInstances", "ec2:TerminateInstances", "ec2:DescribeInstances"], Resource = "*" }]
  })
}

resource "aws_iam_policy" "extra" {
  name = "extra"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Everything", Effect = "Allow", Action = ["iam:*", "s3:*"], Resource = "*" }]
  })
}

resource "aws_iam_policy" "guard" {
  name = "guard"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "NoIam", Effect = "Deny", Action = ["iam:*", "s3:*"], Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "min" {
  role       = aws_iam_role.sky.name
  policy_arn = aws_iam_policy.min.arn
}
`;

const attach = (name: string) => `
resource "aws_iam_role_policy_attachment" "${name}" {
  role       = aws_iam_role.sky.name
  policy_arn = aws_iam_policy.${name}.arn
}
`;

const CONFIG = `version: 1
audits:
  - baseline: skypilot
    policies: ["terraform:aws_iam_role.sky"]
`;

async function pr(base: string, head: string, config = CONFIG): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'pr-principal-'));
  for (const [path, text] of Object.entries({
    'infra/main.tf': head,
    '.github/iam-baseline-audit.yml': config,
  })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const atBase: Record<string, string> = { 'infra/main.tf': base };
  return runAudit({
    root,
    paths: ['infra'],
    readBase: async (p) =>
      atBase[p] ?? (p.startsWith('.github/') ? readFileSync(join(root, p), 'utf8') : undefined),
    now: NOW,
  });
}

/**
 * A `terraform show -json` plan that updates one `aws_iam_policy.sky` from `before` to `after`
 * (documents), with the sensitivity Terraform marks on either side, written to a new directory.
 */
function planRoot(
  before: unknown,
  after: unknown,
  sensitive: { before?: boolean; after?: boolean } = {},
): string {
  const values = (doc: unknown) => ({
    name: 'sky',
    policy: typeof doc === 'string' ? doc : JSON.stringify(doc),
  });
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.0',
    planned_values: {
      root_module: {
        resources: [
          {
            address: 'aws_iam_policy.sky',
            mode: 'managed',
            type: 'aws_iam_policy',
            name: 'sky',
            values: values(after),
          },
        ],
      },
    },
    resource_changes: [
      {
        address: 'aws_iam_policy.sky',
        mode: 'managed',
        type: 'aws_iam_policy',
        name: 'sky',
        change: {
          actions: ['update'],
          before: values(before),
          after: values(after),
          after_unknown: {},
          before_sensitive: sensitive.before ? { policy: true } : false,
          after_sensitive: sensitive.after ? { policy: true } : {},
        },
      },
    ],
  };
  const root = mkdtempSync(join(tmpdir(), 'plan-'));
  writeFileSync(join(root, 'plan.json'), JSON.stringify(plan));
  return root;
}

const excessNew = (r: Report) =>
  r.findings.filter((f) => f.kind === 'excess-action' && f.new === true && !f.removed);

test('a pull request that attaches an existing policy to the role: its grants are new', async () => {
  const r = await pr(ROLE, ROLE + attach('extra'));
  const added = excessNew(r);
  expect(added.length).toBeGreaterThan(0);
  expect(added.every((f) => f.statement === 'Everything')).toBe(true);
  // (the role's own policy, attached at the base too, has nothing new)
  expect(r.findings.filter((f) => f.new === true && f.address === 'aws_iam_policy.min')).toEqual([]);
});

test('a pull request that detaches a Deny from the role: what it denied is new', async () => {
  const base = ROLE + attach('extra') + attach('guard');
  const r = await pr(base, ROLE + attach('extra'));
  expect(excessNew(r).length).toBeGreaterThan(0);
});

test('a pull request that changes nothing of the role: nothing new', async () => {
  const both = ROLE + attach('extra');
  const r = await pr(both, both);
  expect(r.findings.filter((f) => f.new === true)).toEqual([]);
  expect(r.findings.some((f) => f.kind === 'excess-action')).toBe(true);
});

test('a role the base does not have: everything it grants is new', async () => {
  const r = await pr('', ROLE + attach('extra'));
  expect(excessNew(r).length).toBeGreaterThan(0);
});

test('a .tf block moved to another file of its module keeps its findings pre-existing (a review)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pr-moved-'));
  const policy = `resource "aws_iam_policy" "extra" {
  name = "skypilot-extra"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Everything", Effect = "Allow", Action = ["iam:*", "s3:*"], Resource = "*" }]
  })
}
`;
  mkdirSync(join(root, 'infra'), { recursive: true });
  writeFileSync(join(root, 'infra/main.tf'), '# the policy moved to iam.tf\n');
  writeFileSync(join(root, 'infra/iam.tf'), policy);
  const atBase: Record<string, string> = { 'infra/main.tf': policy };
  const r = await runAudit({
    root,
    paths: ['infra'],
    baseline: 'skypilot',
    readBase: async (p) => atBase[p],
    now: NOW,
  });
  const excess = r.findings.filter((f) => f.kind === 'excess-action');
  expect(excess.length).toBeGreaterThan(0);
  expect(excess.filter((f) => f.new !== false)).toEqual([]);
  expect(r.findings.filter((f) => f.removed)).toEqual([]);
});

test('a pull request that narrows a resource adds nothing new; one that widens it does (a review)', async () => {
  const policy = (passRole: string, table: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Pass', Effect: 'Allow', Action: ['iam:PassRole', 'iam:GetRole'], Resource: passRole },
        { Sid: 'Data', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: table },
      ],
    });
  const wide = policy('*', '*');
  const narrow = policy('arn:aws:iam::*:role/sky*', 'arn:aws:dynamodb:us-east-1:123456789012:table/app');
  const run = async (base: string, head: string) => {
    const root = mkdtempSync(join(tmpdir(), 'pr-narrow-'));
    writeFileSync(join(root, 'skypilot.json'), head);
    return runAudit({
      root,
      paths: ['.'],
      baseline: 'skypilot',
      readBase: async (p) => (p === 'skypilot.json' ? base : undefined),
      now: NOW,
    });
  };
  const narrowed = await run(wide, narrow);
  const told = narrowed.findings.filter((f) => f.kind !== 'missing-permission' && !f.removed);
  expect(told.length).toBeGreaterThan(0);
  expect(told.filter((f) => f.new !== false).map((f) => [f.kind, f.actions, f.resources])).toEqual([]);
  const widened = await run(narrow, wide);
  expect(
    widened.findings.filter((f) => f.new === true && f.kind !== 'missing-permission').length,
  ).toBeGreaterThan(0);
  // The reference path (one object per grant) agrees.
  const root = mkdtempSync(join(tmpdir(), 'pr-narrow-ref-'));
  writeFileSync(join(root, 'skypilot.json'), narrow);
  const reference = await runAudit({
    root,
    paths: ['.'],
    baseline: 'skypilot',
    readBase: async (p) => (p === 'skypilot.json' ? wide : undefined),
    now: NOW,
    reference: true,
  });
  expect(
    reference.findings.filter((f) => f.kind !== 'missing-permission' && !f.removed && f.new !== false),
  ).toEqual([]);
});

test('a pull request that takes away permissions the vendor needs says so: those missing permissions are new (a review)', async () => {
  const minimal = JSON.parse(
    readFileSync(new URL('./fixtures/baselines/skypilot-aws-minimal-34478f4.json', import.meta.url), 'utf8'),
  ) as { Statement: { Action: string | string[] }[] };
  const withoutIam = {
    ...minimal,
    Statement: minimal.Statement.filter((s) => ![s.Action].flat().some((a) => a.startsWith('iam:'))),
  };
  expect(withoutIam.Statement.length).toBeLessThan(minimal.Statement.length);
  const root = mkdtempSync(join(tmpdir(), 'pr-taken-'));
  writeFileSync(join(root, 'skypilot.json'), JSON.stringify(withoutIam, null, 2));
  const report = await runAudit({
    root,
    paths: ['.'],
    baseline: 'skypilot',
    readBase: async (p) => (p === 'skypilot.json' ? JSON.stringify(minimal, null, 2) : undefined),
    now: NOW,
  });
  const missing = report.findings.filter((f) => f.kind === 'missing-permission');
  const taken = missing.filter((f) => f.new === true).flatMap((f) => f.actions);
  expect(taken).toEqual(expect.arrayContaining(['iam:GetRole', 'iam:PassRole']));
  expect(taken.every((a) => a.startsWith('iam:'))).toBe(true);
  expect(missing.filter((f) => f.new === true).map((f) => f.message)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^2 permissions of set "minimal" \(the baseline's statement #6\) that this change takes away \(granted before it; after it, by no policy audited against SkyPilot\); the integration may break: iam:GetRole, iam:PassRole$/,
      ),
    ]),
  );
  // Unchanged, nothing is taken away.
  const same = await runAudit({
    root,
    paths: ['.'],
    baseline: 'skypilot',
    readBase: async (p) => (p === 'skypilot.json' ? JSON.stringify(withoutIam, null, 2) : undefined),
    now: NOW,
  });
  const still = same.findings.filter((f) => f.kind === 'missing-permission');
  expect(still.length).toBeGreaterThan(0);
  expect(still.filter((f) => f.new !== false)).toEqual([]);
});

test('a plan that takes away permissions the vendor needs: those missing permissions are new (its `before`)', async () => {
  const minimal = JSON.parse(
    readFileSync(new URL('./fixtures/baselines/skypilot-aws-minimal-34478f4.json', import.meta.url), 'utf8'),
  ) as { Statement: { Action: string | string[] }[] };
  const after = {
    ...minimal,
    Statement: minimal.Statement.filter((s) => ![s.Action].flat().some((a) => a.startsWith('iam:'))),
  };
  const root = planRoot(minimal, after);
  const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', now: NOW });
  const taken = report.findings
    .filter((f) => f.kind === 'missing-permission' && f.new === true)
    .flatMap((f) => f.actions);
  expect(taken).toEqual(expect.arrayContaining(['iam:GetRole', 'iam:PassRole']));
});

test('a plan whose policy turns sensitive on one side only: both sides are redacted alike, and the findings say so (a review)', async () => {
  const doc = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:TerminateInstances'], Resource: '*' },
      {
        Sid: 'Role',
        Effect: 'Allow',
        Action: ['iam:GetRole', 'iam:PassRole', 'iam:CreateRole'],
        Resource: 'arn:aws:iam::123456789012:role/skypilot-v1',
      },
    ],
  });
  const root = planRoot(doc, doc, { after: true });
  const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', now: NOW });
  const told = report.findings.filter((f) => f.kind !== 'missing-permission');
  expect(told.length).toBeGreaterThan(0);
  // The document is the same before and after: nothing new, nothing removed.
  expect(told.filter((f) => f.new !== false || f.removed)).toEqual([]);
  // Its `*` is the redaction's, and each finding says so.
  expect(told.every((f) => /sensitive in this plan/.test(f.approximate ?? ''))).toBe(true);
});

test('a widening that looks narrowed is new: a NotResource excluding less, a Condition dropped, a Deny removed (a review)', async () => {
  const run = async (base: unknown[], head: unknown[]) => {
    const root = mkdtempSync(join(tmpdir(), 'pr-widen-'));
    const doc = (Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
    writeFileSync(join(root, 'skypilot.json'), doc(head));
    return runAudit({
      root,
      paths: ['.'],
      baseline: 'skypilot',
      readBase: async (p) => (p === 'skypilot.json' ? doc(base) : undefined),
      now: NOW,
    });
  };
  const newDeletes = (r: Report) =>
    r.findings.filter((f) => f.new === true && !f.removed && f.actions.includes('dynamodb:DeleteTable'));
  const del = { Sid: 'X', Effect: 'Allow', Action: 'dynamodb:DeleteTable' };
  // Every prod-* table but one becomes deletable.
  const notResource = await run(
    [{ ...del, NotResource: 'arn:aws:dynamodb:*:*:table/prod*' }],
    [{ ...del, NotResource: 'arn:aws:dynamodb:*:*:table/prod-orders' }],
  );
  expect(newDeletes(notResource).length).toBeGreaterThan(0);
  // Every table, whatever its tag.
  const condition = await run(
    [{ ...del, Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/owner': 'sky' } } }],
    [{ ...del, Resource: 'arn:aws:dynamodb:*:*:table/*' }],
  );
  expect(newDeletes(condition).length).toBeGreaterThan(0);
  // The prod tables, no longer denied.
  const deny = await run(
    [
      { ...del, Resource: '*' },
      { Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: 'arn:aws:dynamodb:*:*:table/prod*' },
    ],
    [{ ...del, Resource: 'arn:aws:dynamodb:*:*:table/*' }],
  );
  expect(newDeletes(deny).length).toBeGreaterThan(0);
  // Still: narrowed with nothing else changed is not new.
  const narrowed = await run(
    [{ ...del, Resource: '*' }],
    [{ ...del, Resource: 'arn:aws:dynamodb:*:*:table/app' }],
  );
  expect(newDeletes(narrowed)).toEqual([]);
});

test('a plan whose policy was sensitive only before the change: the document after is audited as it is (a review)', async () => {
  const minimal = readFileSync(
    new URL('./fixtures/baselines/skypilot-aws-minimal-34478f4.json', import.meta.url),
    'utf8',
  );
  const root = planRoot(minimal, minimal, { before: true });
  const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', now: NOW });
  // The vendor's own policy: nothing to tell of it (before, its resources read as * from the redaction).
  expect(report.findings.filter((f) => f.kind !== 'missing-permission' && !f.removed)).toEqual([]);
});

test('a resource policy that opens its Principal while it narrows its Resource is new (a review)', async () => {
  const bucket = (Principal: unknown, Resource: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Del', Effect: 'Allow', Principal, Action: 's3:DeleteBucket', Resource }],
    });
  const root = mkdtempSync(join(tmpdir(), 'pr-principal-open-'));
  writeFileSync(join(root, 'bucket.json'), bucket('*', 'arn:aws:s3:::b'));
  const r = await runAudit({
    root,
    paths: ['.'],
    baseline: 'skypilot',
    readBase: async (p) =>
      p === 'bucket.json' ? bucket({ AWS: 'arn:aws:iam::111122223333:role/sky' }, '*') : undefined,
    now: NOW,
  });
  expect(r.findings.some((f) => f.new === true && f.actions.includes('s3:DeleteBucket'))).toBe(true);
});

test('a plan whose policy was sensitive before only: a widening still counts as new, with a note (a review)', async () => {
  const doc = (Resource: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'dynamodb:DeleteTable', Resource }],
    });
  const root = planRoot(
    doc('arn:aws:dynamodb:us-east-1:123456789012:table/foo'),
    doc('arn:aws:dynamodb:us-east-1:123456789012:table/*'),
    { before: true },
  );
  const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', now: NOW });
  const del = report.findings.filter((f) => f.actions.includes('dynamodb:DeleteTable') && !f.removed);
  expect(del.length).toBeGreaterThan(0);
  expect(
    del.every((f) => f.new !== false && /sensitive in this plan before the change/.test(f.approximate ?? '')),
  ).toBe(true);
});

test('a plan that attaches an existing policy to a role audited as a whole: its grants are new (a review)', async () => {
  const account = '123456789012';
  const pol = (Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
  const policy = (name: string, doc: string) => ({
    name,
    path: '/',
    policy: doc,
    arn: `arn:aws:iam::${account}:policy/${name}`,
    id: `arn:aws:iam::${account}:policy/${name}`,
  });
  const attachment = (name: string) => ({
    role: 'skypilot-v1',
    policy_arn: `arn:aws:iam::${account}:policy/${name}`,
    id: `x-${name}`,
  });
  const role = {
    name: 'skypilot-v1',
    arn: `arn:aws:iam::${account}:role/skypilot-v1`,
    id: 'skypilot-v1',
    assume_role_policy: pol([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]),
  };
  const min = policy(
    'min',
    pol([{ Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:DescribeInstances'], Resource: '*' }]),
  );
  const extra = policy(
    'extra',
    pol([{ Sid: 'Everything', Effect: 'Allow', Action: ['iam:*', 's3:*'], Resource: '*' }]),
  );
  const change = (address: string, actions: string[], before: unknown, after: unknown) => ({
    address,
    mode: 'managed',
    type: address.split('.')[0],
    name: address.split('.')[1],
    change: { actions, before, after, after_unknown: {} },
  });
  const changes = [
    change('aws_iam_role.sky', ['no-op'], role, role),
    change('aws_iam_policy.min', ['no-op'], min, min),
    change('aws_iam_policy.extra', ['no-op'], extra, extra),
    change('aws_iam_role_policy_attachment.min', ['no-op'], attachment('min'), attachment('min')),
    change('aws_iam_role_policy_attachment.extra', ['create'], null, attachment('extra')),
  ];
  const plan = {
    format_version: '1.2',
    terraform_version: '1.5.7',
    planned_values: {
      root_module: {
        resources: changes.map((c) => ({
          address: c.address,
          mode: 'managed',
          type: c.type,
          name: c.name,
          values: c.change.after,
        })),
      },
    },
    resource_changes: changes,
  };
  const root = mkdtempSync(join(tmpdir(), 'plan-attach-'));
  writeFileSync(join(root, 'plan.json'), JSON.stringify(plan));
  mkdirSync(join(root, '.github'));
  writeFileSync(join(root, '.github/iam-baseline-audit.yml'), CONFIG);
  const report = await runAudit({ root, paths: ['plan.json'], now: NOW });
  const added = excessNew(report);
  expect(added.length).toBeGreaterThan(0);
  expect(added.every((f) => f.address === 'aws_iam_policy.extra')).toBe(true);
  // (the policy attached before, as before)
  expect(report.findings.filter((f) => f.new === true && f.address === 'aws_iam_policy.min')).toEqual([]);
});

// A role renamed with a `moved` block (and the selector with it) is the role it was: the policies
// it held at the base are those of the address it moved from. Before, it was a new principal, so
// every grant of the policies it held was new.
test('a role renamed with a moved block: what it held before is not new', async () => {
  const renamed = (ROLE + attach('extra'))
    .replace('resource "aws_iam_role" "sky" {', 'resource "aws_iam_role" "skypilot" {')
    .replaceAll('aws_iam_role.sky.', 'aws_iam_role.skypilot.');
  const moved = '\nmoved {\n  from = aws_iam_role.sky\n  to   = aws_iam_role.skypilot\n}\n';
  const config = CONFIG.replace('terraform:aws_iam_role.sky', 'terraform:aws_iam_role.skypilot');
  const r = await pr(ROLE + attach('extra'), renamed + moved, config);
  expect(r.findings.some((f) => f.policy === 'aws_iam_role.skypilot' && f.kind === 'excess-action')).toBe(
    true,
  );
  expect(excessNew(r)).toEqual([]);
  // (without the block, Terraform destroys the role and creates another: its grants are new)
  expect(excessNew(await pr(ROLE + attach('extra'), renamed, config)).length).toBeGreaterThan(0);
});
