// Pull requests with Terraform `moved` blocks, the attacks a review built on the first version
// (which pooled every root's blocks and honoured a block whose `from` was still declared): a new
// `iam:*` policy hidden behind another root's rename (✅ where ❌ was due), a deleted policy not
// reported, a new role compared with another root's, a role renamed and "removed" at once. Each
// block moves only its own root's objects, and only as Terraform would.
import { runAudit } from '../src/audit/run.js';
import { pullRequest } from './helpers/pr.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-12-06T00:00:00Z');

async function pr(
  base: Record<string, string>,
  head: Record<string, string>,
  opts: { baseline?: string | null; paths?: string[] } = {},
): Promise<Report> {
  const { root, readBase } = pullRequest('pr-moved-', base, head);
  return runAudit({
    root,
    paths: opts.paths ?? ['.'],
    accountId: '123456789012',
    baseline: opts.baseline === null ? undefined : (opts.baseline ?? 'coiled'),
    readBase,
    now: NOW,
  });
}

const pol = (name: string, actions: string[]) => `
resource "aws_iam_policy" "${name}" {
  name   = "${name}"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "S", Effect = "Allow", Action = ${JSON.stringify(actions)}, Resource = "*" }]
  })
}
`;
const mv = (from: string, to: string) => `
moved {
  from = ${from}
  to   = ${to}
}
`;
const ROLE = (role: string, name = 'skypilot-v1') => `resource "aws_iam_role" "${role}" {
  name = "${name}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
`;
const att = (name: string, role: string, policy: string) => `
resource "aws_iam_role_policy_attachment" "${name}" {
  role       = aws_iam_role.${role}.name
  policy_arn = aws_iam_policy.${policy}.arn
}
`;
const cfg = (sel: string) =>
  `version: 1\naudits:\n  - baseline: skypilot\n    policies: ["terraform:${sel}"]\n`;
const C = '.github/iam-baseline-audit.yml';
const MIN = ['ec2:RunInstances', 'ec2:TerminateInstances', 'ec2:DescribeInstances'];

const excess = (r: Report, path: string) =>
  r.findings.filter((f) => f.path === path && f.kind !== 'missing-permission' && !f.removed);
const removed = (r: Report) => r.findings.filter((f) => f.removed);

test("another root's block (applied long ago) does not make a new policy of this root old", async () => {
  const prod = pol('b', ['s3:GetObject']) + mv('aws_iam_policy.a', 'aws_iam_policy.b');
  const r = await pr(
    { 'envs/prod/main.tf': prod, 'envs/dev/main.tf': pol('a', ['iam:*']) },
    { 'envs/prod/main.tf': prod, 'envs/dev/main.tf': pol('a', ['iam:*']) + pol('b', ['iam:*']) },
  );
  const devB = excess(r, 'envs/dev/main.tf').filter((f) => f.address === 'aws_iam_policy.b');
  expect(devB.length).toBeGreaterThan(0);
  expect(devB.filter((f) => f.new !== true)).toEqual([]);
});

test("a block in a root that is not applied (an example) moves nothing of another root's", async () => {
  const r = await pr(
    { 'infra/main.tf': pol('admin', ['iam:*']) },
    {
      'infra/main.tf': pol('admin', ['iam:*']) + pol('evil', ['iam:*']),
      'examples/x/main.tf': mv('aws_iam_policy.admin', 'aws_iam_policy.evil'),
    },
  );
  const evil = excess(r, 'infra/main.tf').filter((f) => f.address === 'aws_iam_policy.evil');
  expect(evil.length).toBeGreaterThan(0);
  expect(evil.filter((f) => f.new !== true)).toEqual([]);
});

test('a block whose `from` is still declared (Terraform refuses it) does not hide the new policy', async () => {
  const r = await pr(
    { 'infra/main.tf': pol('admin', ['iam:*']) },
    {
      'infra/main.tf':
        pol('admin', ['iam:*']) + pol('evil', ['iam:*']) + mv('aws_iam_policy.admin', 'aws_iam_policy.evil'),
    },
  );
  const evil = excess(r, 'infra/main.tf').filter((f) => f.address === 'aws_iam_policy.evil');
  expect(evil.length).toBeGreaterThan(0);
  expect(evil.filter((f) => f.new !== true)).toEqual([]);
});

test("a new root's block naming another root's deleted policy: that one is still deleted, the new one new", async () => {
  const r = await pr(
    { 'envs/prod/main.tf': pol('a', ['iam:*']) + pol('keep', ['s3:GetObject']) },
    {
      'envs/prod/main.tf': pol('keep', ['s3:GetObject']),
      'envs/staging/main.tf': pol('b', ['iam:*', 'sqs:*']) + mv('aws_iam_policy.a', 'aws_iam_policy.b'),
    },
  );
  expect(removed(r).filter((f) => f.address === 'aws_iam_policy.a').length).toBeGreaterThan(0);
  const b = excess(r, 'envs/staging/main.tf');
  expect(b.length).toBeGreaterThan(0);
  expect(b.filter((f) => f.new !== true)).toEqual([]);
});

test('a new role of one root is not compared with the role another root renamed', async () => {
  const r = await pr(
    {
      'envs/prod/main.tf': ROLE('sky') + pol('min', MIN) + att('min', 'sky', 'min'),
      'envs/dev/main.tf':
        ROLE('sky') +
        pol('min', MIN) +
        pol('extra', ['s3:*']) +
        att('min', 'sky', 'min') +
        att('x', 'sky', 'extra'),
      [C]: cfg('aws_iam_role.pilot'),
    },
    {
      'envs/prod/main.tf':
        ROLE('pilot') +
        pol('min', MIN) +
        att('min', 'pilot', 'min') +
        mv('aws_iam_role.sky', 'aws_iam_role.pilot'),
      'envs/dev/main.tf':
        ROLE('sky') +
        ROLE('pilot', 'p2') +
        pol('min', MIN) +
        pol('extra', ['s3:*']) +
        att('min', 'sky', 'min') +
        att('x', 'sky', 'extra') +
        att('y', 'pilot', 'extra'),
      [C]: cfg('aws_iam_role.pilot'),
    },
    { baseline: null, paths: ['envs'] },
  );
  const dev = r.findings.filter(
    (f) => f.kind === 'excess-action' && /envs\/dev/.test(f.policy) && !f.removed,
  );
  expect(dev.length).toBeGreaterThan(0);
  expect(dev.filter((f) => f.new !== true)).toEqual([]);
});

test('a role renamed with a moved block is not also deleted', async () => {
  const body = (role: string) =>
    ROLE(role) +
    pol('min', MIN) +
    pol('extra', ['s3:*']) +
    att('min', role, 'min') +
    att('extra', role, 'extra');
  const r = await pr(
    { 'infra/main.tf': body('sky'), [C]: cfg('aws_iam_role.*') },
    {
      'infra/main.tf': body('pilot') + mv('aws_iam_role.sky', 'aws_iam_role.pilot'),
      [C]: cfg('aws_iam_role.*'),
    },
    { baseline: null, paths: ['infra'] },
  );
  expect(r.findings.some((f) => f.policy === 'aws_iam_role.pilot' && f.kind === 'excess-action')).toBe(true);
  expect(r.findings.filter((f) => f.new === true)).toEqual([]);
  expect(removed(r)).toEqual([]);
});

test('many blocks whose `from` holds their `to`, over many instances: each address read back a bounded number of times', async () => {
  let head = 'module "a" {\n  source = "./a"\n  count  = 100\n}\n';
  for (let i = 0; i < 300; i++) head += mv('module.a.module.a', 'module.a');
  const r = await pr(
    { 'main.tf': 'module "a" {\n  source = "./a"\n  count  = 100\n}\n', 'a/p.tf': pol('p', ['s3:*']) },
    { 'main.tf': head, 'a/p.tf': pol('p', ['s3:*']) },
  );
  // (the first version read each address back once a block, its address growing each time: about
  // 6 s here, growing with the square of the blocks; now at most MAX_MOVE_STEPS times)
  expect(r.policies.length).toBe(100);
  expect(r.findings.filter((f) => f.new === true)).toEqual([]);
});

// A second review: blocks Terraform refuses (the `from` instance still there, two blocks from one
// `from`) were honoured, and a role moved onto one the base already had hid the one deleted.
const forEach = (keys: Record<string, string[]>) => `
resource "aws_iam_policy" "p" {
  for_each = { ${Object.entries(keys)
    .map(([k, v]) => `${k} = "${v.join(',')}"`)
    .join(', ')} }
  name   = "p-\${each.key}"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = split(",", each.value), Resource = "*" }]
  })
}
`;
const counted = (n: number) => `
resource "aws_iam_policy" "p" {
  count  = ${n}
  name   = "p-\${count.index}"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["iam:*"], Resource = "*" }]
  })
}
`;
const allNew = (r: Report, address: string) => {
  const of = r.findings.filter((f) => f.address === address && f.kind === 'excess-action');
  expect(of.length).toBeGreaterThan(0);
  expect(of.filter((f) => f.new !== true)).toEqual([]);
};

test('an instance moved while it is still there (for_each, count, a module instance) moves nothing', async () => {
  allNew(
    await pr(
      { 'main.tf': forEach({ a: ['iam:*'] }) },
      {
        'main.tf':
          forEach({ a: ['iam:*'], b: ['iam:*'] }) + mv('aws_iam_policy.p["a"]', 'aws_iam_policy.p["b"]'),
      },
    ),
    'aws_iam_policy.p["b"]',
  );
  allNew(
    await pr(
      { 'main.tf': counted(1) },
      { 'main.tf': counted(2) + mv('aws_iam_policy.p[0]', 'aws_iam_policy.p[1]') },
    ),
    'aws_iam_policy.p[1]',
  );
  const call = (n: number) => `module "m" {\n  source = "./m"\n  count  = ${n}\n}\n`;
  allNew(
    await pr(
      { 'main.tf': call(1), 'm/p.tf': pol('q', ['iam:*']) },
      { 'main.tf': call(2) + mv('module.m[0]', 'module.m[1]'), 'm/p.tf': pol('q', ['iam:*']) },
    ),
    'module.m[1].aws_iam_policy.q',
  );
});

test('two blocks from one `from` (Terraform refuses them) move nothing', async () => {
  const r = await pr(
    { 'main.tf': pol('a', ['iam:*']) },
    {
      'main.tf':
        pol('b', ['iam:*']) +
        pol('c', ['iam:*']) +
        mv('aws_iam_policy.a', 'aws_iam_policy.b') +
        mv('aws_iam_policy.a', 'aws_iam_policy.c'),
    },
  );
  allNew(r, 'aws_iam_policy.b');
  allNew(r, 'aws_iam_policy.c');
});

test('a role moved onto one the base had already: the one moved from is deleted', async () => {
  const base = {
    'infra/main.tf':
      ROLE('a', 'ra') +
      ROLE('b', 'rb') +
      pol('min', MIN) +
      pol('x', ['s3:*']) +
      att('am', 'a', 'min') +
      att('ax', 'a', 'x') +
      att('bm', 'b', 'min'),
    [C]: cfg('aws_iam_role.*'),
  };
  const head = {
    'infra/main.tf':
      ROLE('b', 'rb') +
      pol('min', MIN) +
      pol('x', ['s3:*']) +
      att('bm', 'b', 'min') +
      mv('aws_iam_role.a', 'aws_iam_role.b'),
    [C]: cfg('aws_iam_role.*'),
  };
  const r = await pr(base, head, { baseline: null, paths: ['infra'] });
  expect(removed(r).filter((f) => f.policy === 'aws_iam_role.a').length).toBeGreaterThan(0);
});
