// A deposed object (a create_before_destroy replacement not finished) still exists in AWS until an
// apply destroys it, granting what it grants: it is audited under an address of its own
// (`aws_iam_policy.p[0] (deposed a1b2c3d4)`), beside the current object. Before, every reader
// dropped it without a line, so an `Action: "*"` it held appeared nowhere.
import { parseSource } from '../../src/sources/index.js';
import type { InputResult } from '../../src/core/types.js';

const CURRENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }],
});
const OLD = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});
const current = { name: 'p0', arn: 'arn:aws:iam::123456789012:policy/p0', policy: CURRENT };
const old = { name: 'p0old', arn: 'arn:aws:iam::123456789012:policy/p0old', policy: OLD };

function read(path: string, json: unknown): InputResult {
  return parseSource({ path, text: JSON.stringify(json, null, 2) }).result;
}

const records = (r: InputResult) =>
  r.policies.map((p) => [p.address, p.status, JSON.stringify(p.document), p.change]);

const raw = (deposed: unknown) => ({
  version: 4,
  terraform_version: '1.9.5',
  serial: 1,
  lineage: 'l',
  outputs: {},
  resources: [
    {
      mode: 'managed',
      type: 'aws_iam_policy',
      name: 'p',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        { index_key: 0, schema_version: 0, attributes: current, sensitive_attributes: [] },
        { index_key: 0, schema_version: 0, deposed, attributes: old, sensitive_attributes: [] },
      ],
    },
  ],
});

const entry = (values: unknown, deposed?: unknown) => ({
  address: 'aws_iam_policy.p[0]',
  mode: 'managed',
  type: 'aws_iam_policy',
  name: 'p',
  index: 0,
  provider_name: 'registry.terraform.io/hashicorp/aws',
  schema_version: 0,
  ...(deposed === undefined ? {} : { deposed_key: deposed }),
  values,
  sensitive_values: {},
});

const shown = (deposed: unknown) => ({
  format_version: '1.0',
  terraform_version: '1.9.5',
  values: { root_module: { resources: [entry(current), entry(old, deposed)] } },
});

describe('a deposed object', () => {
  test.each([
    ['a raw state', 'terraform.tfstate', raw('a1b2c3d4')],
    ['terraform show -json of a state', 'state.json', shown('a1b2c3d4')],
  ])('in %s: audited under its own address, beside the current object', (_, path, json) => {
    const r = read(path, json);
    expect(r.errors).toEqual([]);
    expect(records(r)).toEqual([
      ['aws_iam_policy.p[0]', 'resolved', CURRENT, undefined],
      ['aws_iam_policy.p[0] (deposed a1b2c3d4)', 'resolved', OLD, undefined],
    ]);
  });

  test('in a plan: its destruction is a change of its own (it grants nothing after the apply), the prior state not read twice', () => {
    const r = read('plan.json', {
      format_version: '1.2',
      terraform_version: '1.9.5',
      planned_values: { root_module: { resources: [entry(current)] } },
      resource_changes: [
        {
          address: 'aws_iam_policy.p[0]',
          mode: 'managed',
          type: 'aws_iam_policy',
          name: 'p',
          index: 0,
          provider_name: 'registry.terraform.io/hashicorp/aws',
          change: { actions: ['no-op'], before: current, after: current, after_unknown: {} },
        },
        {
          address: 'aws_iam_policy.p[0]',
          mode: 'managed',
          type: 'aws_iam_policy',
          name: 'p',
          index: 0,
          deposed: 'a1b2c3d4',
          provider_name: 'registry.terraform.io/hashicorp/aws',
          change: { actions: ['delete'], before: old, after: null, after_unknown: {} },
        },
      ],
      prior_state: {
        format_version: '1.0',
        values: { root_module: { resources: [entry(current), entry(old, 'a1b2c3d4')] } },
      },
    });
    expect(r.errors).toEqual([]);
    const deposed = r.policies.find((p) => p.address === 'aws_iam_policy.p[0] (deposed a1b2c3d4)');
    expect(r.policies.map((p) => p.address)).toEqual([
      'aws_iam_policy.p[0]',
      'aws_iam_policy.p[0] (deposed a1b2c3d4)',
    ]);
    expect(deposed).toMatchObject({ status: 'resolved', change: 'delete' });
  });

  test('a plan that leaves it (no change entry): the prior state holds it, audited as it is', () => {
    const r = read('plan.json', {
      format_version: '1.2',
      terraform_version: '1.9.5',
      planned_values: { root_module: { resources: [entry(current)] } },
      resource_changes: [],
      prior_state: {
        format_version: '1.0',
        values: { root_module: { resources: [entry(current), entry(old, 'a1b2c3d4')] } },
      },
    });
    expect(records(r)).toEqual([
      ['aws_iam_policy.p[0]', 'resolved', CURRENT, undefined],
      ['aws_iam_policy.p[0] (deposed a1b2c3d4)', 'resolved', OLD, undefined],
    ]);
  });

  test.each([
    ['a raw state', 'terraform.tfstate', raw(7), '$.resources[0].instances[1].deposed'],
    [
      'terraform show -json of a state',
      'state.json',
      shown(7),
      '$.values.root_module.resources[1].deposed_key',
    ],
  ])(
    'in %s, with a key that is not a string: an error at its place, never dropped in silence',
    (_, path, json, at) => {
      const r = read(path, json);
      expect(r.policies.map((p) => p.address)).toEqual(['aws_iam_policy.p[0]']);
      expect(r.errors.map((e) => e.jsonPath)).toEqual([at]);
      expect(r.errors[0]!.message).toMatch(/not audited/);
    },
  );
});
