// Which principal an attachment links a policy to, when resources have instances (count,
// for_each, module instances) and when a role's managed_policy_arns only mirrors attachments.
// Plans are built here in the shape Terraform 1.5 writes (`terraform show -json`).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import { terraformPlanParser } from '../../src/sources/tf-plan.js';
import type { InputResult } from '../../src/core/types.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const doc = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

interface Change {
  address: string;
  type: string;
  name: string;
  index?: string | number;
  module?: string;
  actions?: string[];
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  unknown?: Record<string, unknown>;
}

/** A plan of these changes and this configuration (resources by module call path, '' the root). */
function plan(changes: Change[], config: Record<string, unknown[]> | undefined): InputResult {
  const rc = changes.map((c) => {
    const out: Record<string, unknown> = {
      address: c.address,
      mode: 'managed',
      type: c.type,
      name: c.name,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: c.actions ?? ['create'],
        before: c.before ?? null,
        after: c.after === undefined ? {} : c.after,
        after_unknown: c.unknown ?? {},
        before_sensitive: false,
        after_sensitive: {},
      },
    };
    if (c.index !== undefined) out.index = c.index;
    if (c.module) out.module_address = c.module;
    return out;
  });
  const obj: Record<string, unknown> = {
    format_version: '1.2',
    terraform_version: '1.5.7',
    resource_changes: rc,
  };
  if (config) {
    const mod = (resources: unknown[]) => ({ resources, module_calls: {} as Record<string, unknown> });
    const root = mod(config[''] ?? []);
    for (const [call, resources] of Object.entries(config))
      if (call) root.module_calls[call] = { source: `./${call}`, module: mod(resources) };
    obj.configuration = { root_module: root };
  }
  const text = JSON.stringify(obj, null, 2);
  return terraformPlanParser.parse({ path: 'p.json', text }, JSON.parse(text));
}

function cfg(type: string, name: string, expressions: Record<string, unknown>, extra = {}): unknown {
  return { address: `${type}.${name}`, mode: 'managed', type, name, expressions, ...extra };
}

const refs = (...r: string[]) => ({ references: r });

/** Policy ids (after the path) of each principal. */
function links(r: InputResult): Record<string, string[]> {
  return Object.fromEntries(
    (r.principals ?? []).map((p) => [p.id, p.policyIds.map((id) => id.slice('p.json#'.length))]),
  );
}

const role = (key: string | number, module?: string): Change => ({
  address: `${module ? `${module}.` : ''}aws_iam_role.r[${JSON.stringify(key)}]`,
  type: 'aws_iam_role',
  name: 'r',
  index: key,
  module,
  after: { name: `role-${key}`, assume_role_policy: TRUST },
  unknown: { arn: true, id: true },
});

const policy = (key: number, action: string): Change => ({
  address: `aws_iam_policy.p[${key}]`,
  type: 'aws_iam_policy',
  name: 'p',
  index: key,
  after: { name: `p-${key}`, policy: doc(action) },
  unknown: { arn: true, id: true },
});

const attachment = (name: string, after: Record<string, unknown>, extra: Partial<Change> = {}): Change => ({
  address: `aws_iam_role_policy_attachment.${name}`,
  type: 'aws_iam_role_policy_attachment',
  name,
  after,
  unknown: { id: true, ...(after.policy_arn === undefined ? { policy_arn: true } : {}) },
  ...extra,
});

const ROLE_CFG = cfg('aws_iam_role', 'r', { name: refs('each.key'), assume_role_policy: {} });
const POLICY_CFG = cfg('aws_iam_policy', 'p', { policy: {} }, { count_expression: { constant_value: 2 } });

describe('plans: a reference with an instance key names that instance only', () => {
  it('for_each and count keys (aws_iam_role.r["a"], aws_iam_policy.p[1]), beside the bare prefix Terraform lists', () => {
    const r = plan(
      [
        role('a'),
        role('b'),
        attachment('admin', { policy_arn: ADMIN, role: 'role-a' }),
        policy(0, 'iam:*'),
        policy(1, 's3:GetObject'),
        attachment('b_p1', { role: 'role-b' }),
      ],
      {
        '': [
          ROLE_CFG,
          POLICY_CFG,
          cfg('aws_iam_role_policy_attachment', 'admin', {
            policy_arn: { constant_value: ADMIN },
            role: refs('aws_iam_role.r["a"].name', 'aws_iam_role.r["a"]', 'aws_iam_role.r'),
          }),
          cfg('aws_iam_role_policy_attachment', 'b_p1', {
            policy_arn: refs('aws_iam_policy.p[1].arn', 'aws_iam_policy.p[1]', 'aws_iam_policy.p'),
            role: refs('aws_iam_role.r["b"].name', 'aws_iam_role.r["b"]', 'aws_iam_role.r'),
          }),
        ],
      },
    );
    expect(links(r)).toEqual({
      'aws_iam_role.r["a"]': [ADMIN],
      'aws_iam_role.r["b"]': ['aws_iam_policy.p[1]'],
    });
  });

  it('an instance the plan does not hold is unresolved, naming it', () => {
    const r = plan([role('a'), policy(0, 'iam:*'), attachment('x', { role: 'role-a' })], {
      '': [
        ROLE_CFG,
        POLICY_CFG,
        cfg('aws_iam_role_policy_attachment', 'x', {
          policy_arn: refs('aws_iam_policy.p[1].arn', 'aws_iam_policy.p[1]', 'aws_iam_policy.p'),
          role: refs('aws_iam_role.r["a"].name', 'aws_iam_role.r["a"]', 'aws_iam_role.r'),
        }),
      ],
    });
    const a = r.principals!.find((p) => p.id === 'aws_iam_role.r["a"]')!;
    expect(a.policyIds).toEqual([]);
    expect(a.unresolved).toEqual([
      { ref: 'aws_iam_policy.p[1].arn', reason: 'aws_iam_policy.p[1] is not in this input' },
    ]);
  });

  it('references keyed by count.index or each.key keep linking each instance to its own', () => {
    const r = plan(
      [
        role(0),
        role(1),
        policy(0, 'iam:*'),
        policy(1, 's3:GetObject'),
        { ...attachment('c', { role: 'role-0' }), address: 'aws_iam_role_policy_attachment.c[0]', index: 0 },
        { ...attachment('c', { role: 'role-1' }), address: 'aws_iam_role_policy_attachment.c[1]', index: 1 },
      ],
      {
        '': [
          cfg('aws_iam_role', 'r', { name: refs('count.index'), assume_role_policy: {} }),
          POLICY_CFG,
          cfg(
            'aws_iam_role_policy_attachment',
            'c',
            {
              policy_arn: refs('aws_iam_policy.p', 'count.index'),
              role: refs('aws_iam_role.r', 'count.index'),
            },
            { count_expression: { constant_value: 2 } },
          ),
        ],
      },
    );
    expect(links(r)).toEqual({
      'aws_iam_role.r[0]': ['aws_iam_policy.p[0]'],
      'aws_iam_role.r[1]': ['aws_iam_policy.p[1]'],
    });
    const e = plan(
      [
        role('a'),
        role('b'),
        {
          ...attachment('e', { policy_arn: ADMIN, role: 'role-a' }),
          address: 'aws_iam_role_policy_attachment.e["a"]',
          index: 'a',
        },
        {
          ...attachment('e', { policy_arn: READONLY, role: 'role-b' }),
          address: 'aws_iam_role_policy_attachment.e["b"]',
          index: 'b',
        },
      ],
      {
        '': [
          ROLE_CFG,
          cfg('aws_iam_role_policy_attachment', 'e', {
            policy_arn: refs('each.value'),
            role: refs('aws_iam_role.r', 'each.key'),
          }),
        ],
      },
    );
    expect(links(e)).toEqual({ 'aws_iam_role.r["a"]': [ADMIN], 'aws_iam_role.r["b"]': [READONLY] });
  });

  it('a known role name the reference does not narrow (aws_iam_role.r[var.which]) picks the instance by it', () => {
    const r = plan([role('a'), role('b'), attachment('w', { policy_arn: ADMIN, role: 'role-b' })], {
      '': [
        ROLE_CFG,
        cfg('aws_iam_role_policy_attachment', 'w', {
          policy_arn: { constant_value: ADMIN },
          role: refs('aws_iam_role.r', 'var.which'),
        }),
      ],
    });
    expect(links(r)).toEqual({ 'aws_iam_role.r["a"]': [], 'aws_iam_role.r["b"]': [ADMIN] });
  });

  it('a known policy ARN the reference does not narrow picks the instance by it', () => {
    const existing = (key: number, action: string): Change => ({
      ...policy(key, action),
      actions: ['no-op'],
      before: { name: `p-${key}`, arn: `arn:aws:iam::123456789012:policy/p-${key}`, policy: doc(action) },
      after: { name: `p-${key}`, arn: `arn:aws:iam::123456789012:policy/p-${key}`, policy: doc(action) },
      unknown: {},
    });
    const r = plan(
      [
        role('a'),
        existing(0, 'iam:*'),
        existing(1, 's3:GetObject'),
        attachment('k', { policy_arn: 'arn:aws:iam::123456789012:policy/p-1', role: 'role-a' }),
      ],
      {
        '': [
          ROLE_CFG,
          POLICY_CFG,
          cfg('aws_iam_role_policy_attachment', 'k', {
            policy_arn: refs('aws_iam_policy.p', 'var.which'),
            role: refs('aws_iam_role.r["a"].name', 'aws_iam_role.r["a"]', 'aws_iam_role.r'),
          }),
        ],
      },
    );
    expect(links(r)).toEqual({ 'aws_iam_role.r["a"]': ['aws_iam_policy.p[1]'] });
  });

  it('module instances: a module-local reference names the role of its own instance', () => {
    const att = (key: string, arn: string): Change => ({
      ...attachment('a', { policy_arn: arn, role: `m-${key}` }),
      address: `module.m["${key}"].aws_iam_role_policy_attachment.a`,
      module: `module.m["${key}"]`,
    });
    const modRole = (key: string): Change => ({
      address: `module.m["${key}"].aws_iam_role.r`,
      type: 'aws_iam_role',
      name: 'r',
      module: `module.m["${key}"]`,
      after: { name: `m-${key}`, assume_role_policy: TRUST },
      unknown: { arn: true, id: true },
    });
    const r = plan([modRole('x'), modRole('y'), att('x', ADMIN), att('y', READONLY)], {
      m: [
        cfg('aws_iam_role', 'r', { name: refs('var.name'), assume_role_policy: {} }),
        cfg('aws_iam_role_policy_attachment', 'a', {
          policy_arn: refs('var.policy'),
          role: refs('aws_iam_role.r.name', 'aws_iam_role.r'),
        }),
      ],
    });
    expect(links(r)).toEqual({
      'module.m["x"].aws_iam_role.r': [ADMIN],
      'module.m["y"].aws_iam_role.r': [READONLY],
    });
  });
});

describe('.tf read offline: a reference with an instance key names that instance only', () => {
  beforeAll(async () => {
    await initHcl();
  });

  it('aws_iam_role.r["a"] and aws_iam_policy.p[1] link to those instances', () => {
    const text = `
resource "aws_iam_role" "r" {
  for_each           = toset(["a", "b"])
  name               = "role-\${each.key}"
  assume_role_policy = "{}"
}
resource "aws_iam_policy" "p" {
  count  = 2
  name   = "p-\${count.index}"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = count.index == 0 ? "iam:*" : "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.r["a"].name
  policy_arn = "${ADMIN}"
}
resource "aws_iam_role_policy_attachment" "b" {
  role       = aws_iam_role.r["b"].name
  policy_arn = aws_iam_policy.p[1].arn
}
`;
    const root = mkdtempSync(join(tmpdir(), 'links-'));
    writeFileSync(join(root, 'main.tf'), text);
    const [r] = readHclModules([{ path: 'main.tf', text }], fsHost(root));
    expect(
      Object.fromEntries(
        r!.principals!.map((p) => [p.id, p.policyIds.map((id) => id.slice('main.tf#'.length))]),
      ),
    ).toEqual({
      'aws_iam_role.r["a"]': [ADMIN],
      'aws_iam_role.r["b"]': ['aws_iam_policy.p[1]'],
    });
  });
});

describe("plans: a role's managed_policy_arns its configuration does not set mirrors its attachments", () => {
  const TEST_ROLE = { name: 'test_role', assume_role_policy: TRUST, managed_policy_arns: [ADMIN, READONLY] };
  const testRole: Change = {
    address: 'aws_iam_role.test_role',
    type: 'aws_iam_role',
    name: 'test_role',
    actions: ['no-op'],
    before: TEST_ROLE,
    after: TEST_ROLE,
  };
  const detach = (actions: string[], after: Record<string, unknown> | null): Change => ({
    ...attachment('admin', {}),
    actions,
    before: { policy_arn: ADMIN, role: 'test_role' },
    after,
    unknown: {},
  });
  const roleCfg = (expressions: Record<string, unknown> = {}) =>
    cfg('aws_iam_role', 'test_role', {
      name: { constant_value: 'test_role' },
      assume_role_policy: {},
      ...expressions,
    });
  const ids = (r: InputResult) => r.policies.map((p) => p.id.slice('p.json#'.length));

  it('an attachment the plan deletes is not held after it, though the stale attribute still lists it', () => {
    const r = plan([testRole, detach(['delete'], null)], { '': [roleCfg()] });
    // ReadOnlyAccess, attached outside this configuration, stays.
    expect(links(r)).toEqual({ 'aws_iam_role.test_role': [READONLY] });
    expect(ids(r)).not.toContain(ADMIN);
  });

  it('so in a plan without configuration (a state has no changes to subtract)', () => {
    const r = plan([testRole, detach(['delete'], null)], undefined);
    expect(links(r)).toEqual({ 'aws_iam_role.test_role': [READONLY] });
  });

  it('an attachment replaced on the same role and policy stays; one moved to another role leaves', () => {
    const same = plan([testRole, detach(['delete', 'create'], { policy_arn: ADMIN, role: 'test_role' })], {
      '': [roleCfg()],
    });
    expect(links(same)).toEqual({ 'aws_iam_role.test_role': [ADMIN, READONLY] });
    const moved = plan([testRole, detach(['delete', 'create'], { policy_arn: ADMIN, role: 'other' })], {
      '': [roleCfg()],
    });
    expect(links(moved)).toEqual({ 'aws_iam_role.test_role': [READONLY], 'role/other': [ADMIN] });
    // Replaced onto a role not known yet: it may stay on this one.
    const unknown = plan(
      [testRole, { ...detach(['delete', 'create'], { policy_arn: ADMIN }), unknown: { role: true } }],
      { '': [roleCfg()] },
    );
    expect(links(unknown)['aws_iam_role.test_role']).toEqual([ADMIN, READONLY]);
  });

  it('a configuration that sets managed_policy_arns (exclusive management) is read as it is', () => {
    const r = plan([testRole, detach(['delete'], null)], {
      '': [roleCfg({ managed_policy_arns: { constant_value: [ADMIN, READONLY] } })],
    });
    expect(links(r)).toEqual({ 'aws_iam_role.test_role': [ADMIN, READONLY] });
  });
});

describe("plans: a role's inline_policy its configuration does not set mirrors its aws_iam_role_policy resources", () => {
  const withInline = (policy: string) => ({
    name: 'test_role',
    assume_role_policy: TRUST,
    inline_policy: [{ name: 'x', policy }],
  });
  const testRole = (): Change => ({
    address: 'aws_iam_role.test_role',
    type: 'aws_iam_role',
    name: 'test_role',
    actions: ['no-op'],
    before: withInline(doc('iam:*')),
    after: withInline(doc('iam:*')),
  });
  const rolePolicy = (actions: string[], after: string | null): Change => ({
    address: 'aws_iam_role_policy.x',
    type: 'aws_iam_role_policy',
    name: 'x',
    actions,
    before: { name: 'x', role: 'test_role', policy: doc('iam:*') },
    after: after === null ? null : { name: 'x', role: 'test_role', policy: after },
    unknown: {},
  });
  const roleCfg = (expressions: Record<string, unknown> = {}) =>
    cfg('aws_iam_role', 'test_role', {
      name: { constant_value: 'test_role' },
      assume_role_policy: {},
      ...expressions,
    });
  const rpCfg = cfg('aws_iam_role_policy', 'x', {
    name: { constant_value: 'x' },
    role: refs('aws_iam_role.test_role.name', 'aws_iam_role.test_role'),
    policy: {},
  });
  /** What each record of the role grants after the plan: [id, change, actions]. */
  const held = (r: InputResult) => {
    const role = r.principals!.find((p) => p.id === 'aws_iam_role.test_role')!;
    return role.policyIds.map((id) => {
      const p = r.policies.find((x) => x.id === id)!;
      const st = (p.document as { Statement?: { Action: string }[] } | undefined)?.Statement ?? [];
      return [id.slice('p.json#'.length), p.change, st.map((s) => s.Action)];
    });
  };

  it('an inline policy the plan deletes or changes is read from its resource, not from the stale copy', () => {
    const deleted = plan([testRole(), rolePolicy(['delete'], null)], { '': [roleCfg()] });
    expect(held(deleted)).toEqual([['aws_iam_role_policy.x', 'delete', []]]);
    const changed = plan([testRole(), rolePolicy(['update'], doc('s3:GetObject'))], {
      '': [roleCfg(), rpCfg],
    });
    expect(held(changed)).toEqual([['aws_iam_role_policy.x', 'update', ['s3:GetObject']]]);
  });

  it('one no aws_iam_role_policy here makes stays; a configuration that sets inline_policy is read as it is', () => {
    const alone = plan([testRole()], { '': [roleCfg()] });
    expect(held(alone)).toEqual([['aws_iam_role.test_role#inline_policy[x]', 'no-op', ['iam:*']]]);
    const exclusive = plan([testRole(), rolePolicy(['delete'], null)], {
      '': [roleCfg({ inline_policy: [{ name: { constant_value: 'x' }, policy: {} }] })],
    });
    expect(held(exclusive)).toEqual([
      ['aws_iam_role.test_role#inline_policy[x]', 'no-op', ['iam:*']],
      ['aws_iam_role_policy.x', 'delete', []],
    ]);
  });
});
