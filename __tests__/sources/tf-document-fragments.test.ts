// A state (raw or `terraform show -json`) or a plan without configuration holds no references: an
// aws_iam_policy_document used only inside another's source_policy_documents (or
// override_policy_documents) was reported as a policy of its own, its findings duplicating those
// of the policy that holds it. Its JSON text is in the other's value, so it is known to be used.
import { parseSource } from '../../src/sources/index.js';
import type { InputResult } from '../../src/core/types.js';

const BASE = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Base', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
  },
  null,
  2,
);
const NARROW = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Extra', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:*:q' }],
});
const COMBINED = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Base', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
    { Sid: 'Extra', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:*:q' },
  ],
});
/** Used by nothing: still a record of its own. */
const LONE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }],
});

const resources: { mode: string; type: string; name: string; values: Record<string, unknown> }[] = [
  { mode: 'data', type: 'aws_iam_policy_document', name: 'base', values: { id: '1', json: BASE } },
  { mode: 'data', type: 'aws_iam_policy_document', name: 'narrow', values: { id: '2', json: NARROW } },
  {
    mode: 'data',
    type: 'aws_iam_policy_document',
    name: 'combined',
    values: {
      id: '3',
      json: COMBINED,
      source_policy_documents: [BASE],
      override_policy_documents: [NARROW],
      statement: [],
    },
  },
  { mode: 'data', type: 'aws_iam_policy_document', name: 'lone', values: { id: '4', json: LONE } },
  {
    mode: 'managed',
    type: 'aws_iam_policy',
    name: 'p',
    values: { name: 'p', arn: 'arn:aws:iam::123456789012:policy/p', policy: COMBINED },
  },
];

const address = (r: (typeof resources)[number]) => `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;

const raw = {
  version: 4,
  terraform_version: '1.9.5',
  serial: 1,
  lineage: 'l',
  outputs: {},
  resources: resources.map((r) => ({
    mode: r.mode,
    type: r.type,
    name: r.name,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ schema_version: 0, attributes: r.values, sensitive_attributes: [] }],
  })),
};
const shown = resources.map((r) => ({
  address: address(r),
  mode: r.mode,
  type: r.type,
  name: r.name,
  provider_name: 'registry.terraform.io/hashicorp/aws',
  schema_version: 0,
  values: r.values,
  sensitive_values: {},
}));
const showState = {
  format_version: '1.0',
  terraform_version: '1.9.5',
  values: { root_module: { resources: shown } },
};
const plan = {
  format_version: '1.2',
  terraform_version: '1.9.5',
  planned_values: { root_module: { resources: shown } },
  resource_changes: [],
};

const addresses = (r: InputResult) => r.policies.map((p) => p.address);

describe.each([
  ['a raw state', 'terraform.tfstate', raw],
  ['terraform show -json of a state', 'state.json', showState],
  ['a plan without configuration', 'plan.json', plan],
])('%s', (_, path, json) => {
  test('a document found in another one’s source or override documents is no policy of its own', () => {
    const r = parseSource({ path, text: JSON.stringify(json, null, 2) }).result;
    expect(r.errors).toEqual([]);
    expect(addresses(r)).toEqual(['aws_iam_policy.p', 'data.aws_iam_policy_document.lone']);
  });
});
