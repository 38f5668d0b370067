import { readFileSync } from 'node:fs';
import { parseSource } from '../../src/sources/index.js';
import { terraformJsonParser } from '../../src/sources/tf-json.js';
import { terraformPlanParser } from '../../src/sources/tf-plan.js';
import { terraformStateParser } from '../../src/sources/tf-state.js';
import type { InputResult, PolicyRecord, PrincipalRecord } from '../../src/core/types.js';

const DIR = new URL('../fixtures/tf-state/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');

/** Through classify, as a discovered or named file is. */
function audit(text: string, path = 'terraform.tfstate'): InputResult {
  return parseSource({ path, text }).result;
}

/** The parts of a raw state the tests below edit. */
interface Instance {
  [k: string]: unknown;
  attributes?: { [k: string]: unknown; policy?: string; inline_policy?: { policy: string }[] };
}
interface Resource {
  [k: string]: unknown;
  type: string;
  name: string;
  instances: Instance[];
}
interface RawState {
  [k: string]: unknown;
  resources: Resource[];
}

const asText = (obj: unknown) => JSON.stringify(obj, null, 2);
const state = (name: string) => JSON.parse(read(name)) as RawState;
const loki = () => state('loki-grafana__terraform.tfstate');

function summary(r: InputResult): [string, string, string][] {
  return r.policies.map((p) => [p.id.slice(p.path.length + 1), p.status, p.kind]);
}

describe('a raw Terraform state file (terraform.tfstate, format version 4)', () => {
  it('is read as a state: the excerpt of AWS-TR-SR-Loki-Grafana (Terraform 1.3.3) the reviewer found skipped', () => {
    const text = read('loki-grafana__terraform.tfstate');
    const json: unknown = JSON.parse(text);
    expect(terraformStateParser.detect(json, 'terraform.tfstate')).toBe(true);
    expect(terraformPlanParser.detect(json, 'terraform.tfstate')).toBe(false);
    expect(terraformJsonParser.detect(json, 'terraform.tfstate')).toBe(false);
    const r = audit(text);
    expect(r).toMatchObject({ kind: 'terraform-state', status: 'audited', errors: [] });
    expect(summary(r)).toEqual([
      ['aws_iam_policy.loki', 'resolved', 'identity'],
      ['aws_kms_key.kms', 'resolved', 'resource'],
    ]);
    const policy = r.policies[0]!;
    expect(policy).toMatchObject({
      name: 'demo-eks-cluster-grafana-loki-policy',
      jsonPath: '$.resources[0].instances[0].attributes.policy',
    });
    expect(text.split('\n')[policy.line! - 1]).toContain('"policy": "{\\"Statement\\"');
    const actions = (policy.document as { Statement: { Action: string[] }[] }).Statement.flatMap(
      (s) => s.Action,
    );
    expect(actions).toEqual([
      's3:ListBucket',
      's3:DeleteObject',
      's3:GetObject',
      's3:PutObject',
      'kms:GenerateDataKey',
      'kms:Decrypt',
    ]);
  });

  it('links module principals to their attachments: the excerpt of 6-nemo-cloud (Terraform 1.12.2)', () => {
    const r = audit(read('nemo-cloud__terraform.tfstate'));
    expect(r).toMatchObject({ kind: 'terraform-state', status: 'audited', errors: [] });
    expect(summary(r)).toEqual([
      ['module.eks.aws_iam_role.cluster#assume_role_policy', 'resolved', 'trust'],
      ['module.eks.aws_iam_role.node#assume_role_policy', 'resolved', 'trust'],
      ['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy', 'resolved', 'identity'],
    ]);
    const node = r.principals!.find((p) => p.id === 'module.eks.aws_iam_role.node')!;
    expect(node).toMatchObject({ type: 'role', name: 'nemo_EKS_kluster-node-group-role', unresolved: [] });
    expect(node.policyIds.map((id) => id.split('#')[1])).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
  });

  it('gives the same policies and principals as `terraform show -json` of the same state', () => {
    // written__state.tfstate is written__state.json in the raw format (modules, count and for_each
    // keys, data sources, inline and managed policies, a group and a user).
    const raw = audit(read('written__state.tfstate'), 'state');
    const shown = audit(read('written__state.json'), 'state');
    expect(raw.errors).toEqual([]);
    const policies = (r: InputResult) =>
      r.policies
        .map((p: PolicyRecord) => ({
          id: p.id,
          kind: p.kind,
          status: p.status,
          name: p.name,
          document: p.document,
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    const principals = (r: InputResult) =>
      r
        .principals!.map((p: PrincipalRecord) => ({
          ...p,
          line: undefined,
          policyIds: [...p.policyIds].sort(),
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(policies(raw)).toEqual(policies(shown));
    expect(policies(raw).map((p) => p.id)).toContain(
      'state#module.iam.module.queues["east"].aws_sqs_queue.q[0]',
    );
    expect(policies(raw).map((p) => p.id)).toContain('state#data.aws_iam_policy_document.unused');
    expect(principals(raw)).toEqual(principals(shown));
  });

  it('prints instance keys as Terraform does, with the module and data. prefixes', () => {
    const state = loki();
    const [policy, key] = state.resources;
    state.resources = [
      { ...policy, module: 'module.m["a"]', instances: [{ ...policy.instances[0], index_key: 'x"y${z}\n' }] },
      {
        mode: 'data',
        type: 'aws_iam_policy_document',
        name: 'd',
        instances: [{ index_key: 2, attributes: { json: key!.instances[0]!.attributes!.policy } }],
      },
    ];
    const r = audit(asText(state));
    expect(r.errors).toEqual([]);
    expect(r.policies.map((p) => p.address)).toEqual([
      'module.m["a"].aws_iam_policy.loki["x\\"y$${z}\\n"]',
      'data.aws_iam_policy_document.d[2]',
    ]);
  });

  it('redacts what sensitive_attributes marks, as the show -json reader does with sensitive_values', () => {
    const state = loki();
    state.resources[0].instances[0].sensitive_attributes = [[{ type: 'get_attr', value: 'policy' }]];
    const r = audit(asText(state));
    // The same policy in `terraform show -json` form, sensitive_values marking it.
    const attributes = state.resources[0]!.instances[0]!.attributes;
    const shown = audit(
      asText({
        format_version: '1.0',
        values: {
          root_module: {
            resources: [
              {
                address: 'aws_iam_policy.loki',
                mode: 'managed',
                type: 'aws_iam_policy',
                name: 'loki',
                values: attributes,
                sensitive_values: { policy: true },
              },
            ],
          },
        },
      }),
    );
    expect(r.policies[0]!.document).toEqual(shown.policies[0]!.document);
    expect(JSON.stringify(r.policies[0]!.document)).not.toContain('demo-grafana-loki-storage');
    // The KMS key's policy is not marked: read as written.
    expect(JSON.stringify(r.policies[1]!.document)).toContain('209038005832');
  });

  it('follows a sensitive path into a list; a set element or a path it cannot read marks more, never less', () => {
    const written = state('written__state.tfstate');
    const role = written.resources.find((r) => r.type === 'aws_iam_role' && r.name === 'skypilot')!
      .instances[0]!;
    // A Sid and an ARN, which a redacted copy drops (its actions are kept: they are the catalog's).
    role.attributes!.inline_policy![0]!.policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Ec2', Effect: 'Allow', Action: 'ec2:RunInstances', Resource: 'arn:aws:ec2:*:*:instance/*' },
      ],
    });
    const inline = (r: InputResult) =>
      JSON.stringify(r.policies.find((p) => p.id.includes('aws_iam_role.skypilot#inline_policy['))!.document);
    const trust = (r: InputResult) =>
      JSON.stringify(
        r.policies.find((p) => p.id.endsWith('aws_iam_role.skypilot#assume_role_policy'))!.document,
      );
    const plain = audit(asText(written));
    const step = (value: unknown, type: unknown = 'number') => ({ type: 'index', value: { value, type } });
    const attr = (value: string) => ({ type: 'get_attr', value });

    role.sensitive_attributes = [[attr('inline_policy'), step(0), attr('policy')]];
    let r = audit(asText(written));
    expect(r.errors).toEqual([]);
    expect(inline(plain)).toContain('Ec2');
    expect(inline(r)).not.toContain('Ec2');
    expect(inline(r)).toContain('ec2:RunInstances');
    expect(trust(r)).toEqual(trust(plain));

    // A step into a set names its element by value: the whole inline_policy is read as sensitive.
    role.sensitive_attributes = [
      [attr('inline_policy'), step({ name: 'x' }, ['object', {}]), attr('policy')],
    ];
    r = audit(asText(written));
    expect(inline(r)).not.toContain('Ec2');
    expect(trust(r)).toEqual(trust(plain));

    // Not a list of paths: every value of the instance, with an error at its place.
    role.sensitive_attributes = [{ type: 'get_attr' }];
    r = audit(asText(written));
    expect(inline(r)).not.toContain('Ec2');
    expect(trust(r)).not.toEqual(trust(plain));
    expect(r.errors).toMatchObject([
      {
        jsonPath: expect.stringMatching(/\.instances\[0\]\.sensitive_attributes$/),
        address: 'aws_iam_role.skypilot',
      },
    ]);
  });

  it('states of format version 3 and older, or newer than 4, are inputs in error saying to run terraform show -json', () => {
    // The shape Terraform 0.11 wrote: modules[].resources keyed by address, attributes under primary.
    const v3 = {
      version: 3,
      terraform_version: '0.11.14',
      serial: 3,
      lineage: '0b2c6f1e-8f3a-4b7e-9d41-6a1c2e3f4d5b',
      modules: [{ path: ['root'], outputs: {}, resources: {}, depends_on: [] }],
    };
    const r = audit(asText(v3));
    expect(r).toMatchObject({ kind: 'terraform-state', status: 'error', policies: [] });
    expect(r.reason).toContain('format version 3');
    expect(r.reason).toContain('terraform show -json');
    expect(r.errors).toEqual([
      { path: 'terraform.tfstate', line: 2, jsonPath: '$.version', message: r.reason },
    ]);
    expect(audit(asText({ ...v3, version: 5 })).reason).toMatch(
      /format version 5, newer than this tool reads \(version 4\): run `terraform show -json terraform\.tfstate > state\.json` with the Terraform version that wrote it/,
    );
    expect(audit(asText({ ...loki(), version: '4' })).reason).toMatch(/^version is "4" \(a string\)/);
  });

  it('reports what it cannot read with its place: flat attributes, bad keys, repeated instances; a deposed object is audited under its own address', () => {
    const state = loki();
    const [policy, key] = state.resources;
    const inst = policy.instances[0];
    state.resources = [
      { ...policy, instances: [inst, { ...inst, deposed: '00000001' }, { ...inst, index_key: true }] },
      { ...policy, name: 'flat', instances: [{ schema_version: 0, attributes_flat: { policy: '{}' } }] },
      // No attributes: an empty object, as Terraform reads it (a policy with no value, not one granting nothing).
      { ...policy, name: 'bare', instances: [{ schema_version: 0 }] },
      key,
      key,
      { ...key, mode: 'other' },
    ];
    const r = audit(asText(state));
    expect(summary(r)).toEqual([
      ['aws_iam_policy.loki', 'resolved', 'identity'],
      ['aws_iam_policy.loki (deposed 00000001)', 'resolved', 'identity'],
      ['aws_iam_policy.flat', 'unresolved', 'identity'],
      ['aws_iam_policy.bare', 'unresolved', 'identity'],
      ['aws_kms_key.kms', 'resolved', 'resource'],
    ]);
    expect(r.policies[2]!.jsonPath).toBe('$.resources[1].instances[0].attributes_flat');
    expect(r.errors.map((e) => [e.jsonPath, e.message])).toEqual([
      [
        '$.resources[0].instances[2].index_key',
        expect.stringMatching(/^index_key is true, not a whole number or a string/),
      ],
      [
        '$.resources[1].instances[0].attributes_flat',
        expect.stringMatching(
          /^aws_iam_policy\.flat has its attributes in the flat form of Terraform 0\.11 .*terraform show -json/,
        ),
      ],
      ['$.resources[4].instances[0]', 'aws_kms_key.kms appears more than once'],
      ['$.resources[5]', expect.stringMatching(/^resource has no type, name or mode/)],
    ]);
    expect(r.errors.every((e) => typeof e.line === 'number')).toBe(true);
  });
});
