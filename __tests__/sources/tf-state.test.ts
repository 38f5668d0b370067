import { readFileSync } from 'node:fs';
import { resolveManagedPolicy } from '../../src/sources/managed-policies.js';
import { terraformJsonParser } from '../../src/sources/tf-json.js';
import { terraformPlanParser } from '../../src/sources/tf-plan.js';
import { isTerraformState, terraformStateParser } from '../../src/sources/tf-state.js';
import type { InputResult } from '../../src/core/types.js';

const NAME = 'written__state.json';
const text = readFileSync(new URL(`../fixtures/tf-state/${NAME}`, import.meta.url), 'utf8');
const json: unknown = JSON.parse(text);
const result = terraformStateParser.parse({ path: `tf-state/${NAME}`, text }, json);
const S = `tf-state/${NAME}#`;

function summary(r: InputResult): [string, string, string][] {
  return r.policies.map((p) => [p.id.slice(p.path.length + 1), p.status, p.kind]);
}

function statements(doc: unknown): Record<string, unknown>[] {
  return (doc as { Statement: Record<string, unknown>[] }).Statement;
}

describe('terraform show -json of a state (written for this project)', () => {
  it('is detected as a state, not a plan or a *.tf.json', () => {
    expect(terraformStateParser.detect(json, NAME)).toBe(true);
    expect(terraformPlanParser.detect(json, NAME)).toBe(false);
    expect(terraformJsonParser.detect(json, NAME)).toBe(false);
    expect(isTerraformState({ format_version: '1.0', values: {}, planned_values: {} })).toBe(false);
  });

  it('lists every policy in the root and child modules, with its status and kind', () => {
    expect(result).toMatchObject({ kind: 'terraform-state', status: 'audited', errors: [] });
    expect(summary(result)).toEqual([
      ['module.iam.aws_iam_policy.passrole', 'resolved', 'identity'],
      ['aws_iam_role.skypilot#assume_role_policy', 'resolved', 'trust'],
      ['aws_iam_role.skypilot#inline_policy[skypilot-ec2]', 'resolved', 'identity'],
      ['aws_iam_role.indexed[0]#assume_role_policy', 'resolved', 'trust'],
      ['aws_iam_role.indexed[1]#assume_role_policy', 'resolved', 'trust'],
      ['aws_s3_bucket_policy.data', 'resolved', 'resource'],
      ['aws_kms_key.data', 'resolved', 'resource'],
      ['aws_iam_group_policy.ci', 'resolved', 'identity'],
      ['module.iam.module.queues["east"].aws_sqs_queue.q[0]', 'resolved', 'resource'],
      ['data.aws_iam_policy_document.unused', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess', 'resolved', 'identity'],
    ]);
  });

  it('has no change information, names and lines from the values', () => {
    const lines = text.split('\n');
    for (const p of result.policies) {
      expect(p.change).toBeUndefined();
      expect(p.before).toBeUndefined();
      expect(p.line).toBeGreaterThan(1);
    }
    const inline = result.policies.find(
      (p) => p.id === `${S}aws_iam_role.skypilot#inline_policy[skypilot-ec2]`,
    )!;
    expect(inline.jsonPath).toBe('$.values.root_module.resources[0].values.inline_policy[0].policy');
    expect(lines[inline.line! - 1]).toContain('"policy"');
    expect(result.policies[1]!.name).toBe('skypilot-v1');
    const queue = result.policies.find(
      (p) => p.address === 'module.iam.module.queues["east"].aws_sqs_queue.q[0]',
    )!;
    expect(queue.name).toBe('queue-0');
    const kms = result.policies.find((p) => p.address === 'aws_kms_key.data')!;
    expect(statements(kms.document)[0]!.Sid).toBe('Root');
  });

  it('makes no record for a bucket without a policy, nor for a data source whose document a resource already holds', () => {
    expect(result.policies.some((p) => p.address === 'aws_s3_bucket.data')).toBe(false);
    expect(result.policies.some((p) => p.address === 'data.aws_iam_policy_document.bucket')).toBe(false);
    const unused = result.policies.find((p) => p.address === 'data.aws_iam_policy_document.unused')!;
    expect(unused.jsonPath).toBe('$.values.root_module.resources[12].values.json');
  });

  it('links principals by names and ARNs: inline, managed_policy_arns (customer and AWS), groups', () => {
    const byId = Object.fromEntries(result.principals!.map((p) => [p.id, p]));
    expect(byId['aws_iam_role.skypilot']!.policyIds).toEqual([
      `${S}aws_iam_role.skypilot#inline_policy[skypilot-ec2]`,
      `${S}module.iam.aws_iam_policy.passrole`,
      `${S}arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess`,
    ]);
    expect(byId['aws_iam_role.indexed[0]']!.policyIds).toEqual([]);
    expect(byId['aws_iam_group.ci']!.policyIds).toEqual([`${S}aws_iam_group_policy.ci`]);
    expect(byId['aws_iam_user.ci']).toMatchObject({
      type: 'user',
      name: 'ci-bot',
      policyIds: [`${S}arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess`, `${S}aws_iam_group_policy.ci`],
      unresolved: [],
    });
    const managed = result.policies.find(
      (p) => p.address === 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    )!;
    expect(managed.document).toEqual(resolveManagedPolicy(managed.address!)!.document);
    expect(managed.jsonPath).toBe('$.values.root_module.resources[0].values.managed_policy_arns');
  });

  it('an empty state is audited with the reason; a broken one is an error', () => {
    const empty = terraformStateParser.parse(
      { path: 'empty.json', text: '{"format_version":"1.0","values":{}}' },
      { format_version: '1.0', values: {} },
    );
    expect(empty).toMatchObject({ status: 'audited', reason: 'no IAM policies in this file', policies: [] });
    const broken = terraformStateParser.parse(
      { path: 'broken.json', text: '{"format_version":"1.0","values":7}' },
      { format_version: '1.0', values: 7 },
    );
    expect(broken.status).toBe('error');
    expect(broken.reason).toMatch(/values/);
  });

  it('reports resources it cannot read, with their place', () => {
    const state = {
      format_version: '1.0',
      values: { root_module: { resources: [{ mode: 'managed' }, 5], child_modules: 'x' } },
    };
    const t = JSON.stringify(state, null, 2);
    const r = terraformStateParser.parse({ path: 's.json', text: t }, JSON.parse(t));
    expect(r.errors.map((e) => [e.jsonPath, e.message])).toEqual([
      ['$.values.root_module.resources[0]', 'resource has no address, type or name'],
      ['$.values.root_module.resources[1]', 'resource is not an object'],
      ['$.values.root_module.child_modules', 'child_modules is not an array'],
    ]);
    expect(r.errors.every((e) => typeof e.line === 'number')).toBe(true);
  });
});
