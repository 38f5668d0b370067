// A resource's optional, computed policy attribute (an aws_kms_key's `policy`) that a resource of
// its own sets (aws_kms_key_policy): where the configuration does not set the attribute, the AWS
// provider fills it with the policy read at refresh, a copy of the other resource's, left to that
// resource's record (it has the change: a plan that narrows the policy, or deletes it).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { parseSource } from '../../src/sources/index.js';
import { terraformJsonParser } from '../../src/sources/tf-json.js';
import { terraformPlanParser } from '../../src/sources/tf-plan.js';
import { terraformStateParser } from '../../src/sources/tf-state.js';
import type { InputResult } from '../../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const doc = (action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/app' },
        Action: action,
        Resource: '*',
      },
    ],
  });

/** [parent type, its values (ids), its policy attribute, setter type, setter's target, setter's policy attribute]. */
type Pair = [string, Record<string, string>, string, string, Record<string, string>, string];
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234';
const PAIRS: Pair[] = [
  [
    'aws_kms_key',
    { id: '1234', key_id: '1234', arn: KEY_ARN },
    'policy',
    'aws_kms_key_policy',
    { key_id: '1234' },
    'policy',
  ],
  [
    'aws_kms_replica_key',
    { id: '1234', key_id: '1234', arn: KEY_ARN },
    'policy',
    'aws_kms_key_policy',
    { key_id: KEY_ARN },
    'policy',
  ],
  ['aws_s3_bucket', { id: 'b', bucket: 'b' }, 'policy', 'aws_s3_bucket_policy', { bucket: 'b' }, 'policy'],
  [
    'aws_sqs_queue',
    {
      id: 'https://sqs.us-east-1.amazonaws.com/123456789012/q',
      url: 'https://sqs.us-east-1.amazonaws.com/123456789012/q',
    },
    'policy',
    'aws_sqs_queue_policy',
    { queue_url: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' },
    'policy',
  ],
  [
    'aws_sns_topic',
    { id: 'arn:aws:sns:us-east-1:123456789012:t', arn: 'arn:aws:sns:us-east-1:123456789012:t' },
    'policy',
    'aws_sns_topic_policy',
    { arn: 'arn:aws:sns:us-east-1:123456789012:t' },
    'policy',
  ],
  [
    'aws_api_gateway_rest_api',
    { id: 'abc123' },
    'policy',
    'aws_api_gateway_rest_api_policy',
    { rest_api_id: 'abc123' },
    'policy',
  ],
  [
    'aws_s3_access_point',
    { id: '123456789012:ap', arn: 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap', bucket: 'b' },
    'policy',
    'aws_s3control_access_point_policy',
    { access_point_arn: 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap' },
    'policy',
  ],
  [
    'aws_secretsmanager_secret',
    {
      id: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf',
      arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf',
    },
    'policy',
    'aws_secretsmanager_secret_policy',
    { secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf' },
    'policy',
  ],
  [
    'aws_elasticsearch_domain',
    { domain_name: 'd' },
    'access_policies',
    'aws_elasticsearch_domain_policy',
    { domain_name: 'd' },
    'access_policies',
  ],
  [
    'aws_opensearch_domain',
    { domain_name: 'd' },
    'access_policies',
    'aws_opensearch_domain_policy',
    { domain_name: 'd' },
    'access_policies',
  ],
  [
    'aws_vpc_endpoint',
    { id: 'vpce-1' },
    'policy',
    'aws_vpc_endpoint_policy',
    { vpc_endpoint_id: 'vpce-1' },
    'policy',
  ],
];

interface Change {
  type: string;
  name: string;
  actions: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  unknown?: Record<string, unknown>;
}

/** `terraform show -json` of a plan: these changes, and (unless undefined) this root configuration. */
function planText(changes: Change[], config: Record<string, Record<string, unknown>> | undefined): string {
  const obj: Record<string, unknown> = {
    format_version: '1.2',
    terraform_version: '1.9.5',
    resource_changes: changes.map((c) => ({
      address: `${c.type}.${c.name}`,
      mode: 'managed',
      type: c.type,
      name: c.name,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: c.actions,
        before: c.before,
        after: c.after,
        after_unknown: c.unknown ?? {},
        before_sensitive: c.before ? {} : false,
        after_sensitive: c.after ? {} : false,
      },
    })),
  };
  if (config)
    obj.configuration = {
      root_module: {
        resources: changes.map((c) => ({
          address: `${c.type}.${c.name}`,
          mode: 'managed',
          type: c.type,
          name: c.name,
          expressions: config[c.type] ?? {},
        })),
      },
    };
  return JSON.stringify(obj, null, 2);
}

const parsePlan = (text: string): InputResult =>
  terraformPlanParser.parse({ path: 'p.json', text }, JSON.parse(text));

/** Each record: [address, change, actions after]. */
function held(r: InputResult): [string | undefined, string | undefined, unknown[]][] {
  return r.policies.map((p) => {
    const st = (p.document as { Statement?: { Action: unknown }[] } | undefined)?.Statement ?? [];
    return [p.address, p.change, st.map((s) => s.Action)];
  });
}

/** The parent (no-op, holding `kms:*`-like `svc:*`) and its setter narrowing it to `svc:Get`. */
function narrowing([pType, ids, pAttr, sType, target, sAttr]: Pair, setterUnknown?: string): Change[] {
  const svc = 'svc';
  const parent = { ...ids, [pAttr]: doc(`${svc}:*`) };
  return [
    { type: pType, name: 'p', actions: ['no-op'], before: parent, after: parent },
    {
      type: sType,
      name: 's',
      actions: setterUnknown ? ['create'] : ['update'],
      before: setterUnknown ? null : { ...target, [sAttr]: doc(`${svc}:*`) },
      after: setterUnknown ? { [sAttr]: doc(`${svc}:Get`) } : { ...target, [sAttr]: doc(`${svc}:Get`) },
      unknown: setterUnknown ? { [setterUnknown]: true } : {},
    },
  ];
}

/** A configuration in which the setter's target references the parent, and the parent sets what `parentSets` says. */
function config([pType, , pAttr, sType, target, sAttr]: Pair, parentSets = false) {
  const [t] = Object.keys(target);
  return {
    [pType]: parentSets ? { [pAttr]: { constant_value: doc('svc:*') } } : {},
    [sType]: { [t!]: { references: [`${pType}.p.id`, `${pType}.p`] }, [sAttr]: {} },
  };
}

describe("a parent's policy attribute its configuration does not set copies its setter's", () => {
  it.each(PAIRS.map((p) => [p[0], p[3], p] as const))(
    'plans: %s is left to %s, which has the change',
    (_, sType, pair) => {
      const r = parsePlan(planText(narrowing(pair), config(pair)));
      expect(held(r)).toEqual([[`${sType}.s`, 'update', ['svc:Get']]]);
      // The setter matched only by its configuration's reference (its target not known yet).
      const created = parsePlan(planText(narrowing(pair, Object.keys(pair[4])[0]), config(pair)));
      expect(held(created)).toEqual([[`${sType}.s`, 'create', ['svc:Get']]]);
    },
  );

  it.each(PAIRS.map((p) => [p[0], p] as const))(
    'plans without configuration and states: %s is left out where it holds what its setter holds',
    (pType, pair) => {
      const [, ids, pAttr, sType, target, sAttr] = pair;
      const noConfig = parsePlan(planText(narrowing(pair), undefined));
      expect(held(noConfig)).toEqual([[`${sType}.s`, 'update', ['svc:Get']]]);
      const state = (parentDoc: string) => {
        const text = JSON.stringify({
          format_version: '1.0',
          terraform_version: '1.9.5',
          values: {
            root_module: {
              resources: [
                {
                  address: `${pType}.p`,
                  mode: 'managed',
                  type: pType,
                  name: 'p',
                  values: { ...ids, [pAttr]: parentDoc },
                },
                {
                  address: `${sType}.s`,
                  mode: 'managed',
                  type: sType,
                  name: 's',
                  values: { ...target, [sAttr]: doc('svc:Get') },
                },
              ],
            },
          },
        });
        return terraformStateParser.parse({ path: 's.json', text }, JSON.parse(text));
      };
      // The same document, written otherwise (the provider normalizes it): told once.
      const same = JSON.stringify(JSON.parse(doc('svc:Get')), null, 2);
      expect(held(state(same))).toEqual([[`${sType}.s`, undefined, ['svc:Get']]]);
      // Another document: not known to be a copy, both are read.
      expect(held(state(doc('svc:*'))).map(([a]) => a)).toEqual([`${pType}.p`, `${sType}.s`]);
    },
  );

  it("a raw state (terraform.tfstate) tells a key policy once, not as the key's too", () => {
    const [pType, ids, pAttr, sType, target, sAttr] = PAIRS[0]!;
    const resource = (type: string, attributes: Record<string, unknown>) => ({
      mode: 'managed',
      type,
      name: type === pType ? 'p' : 's',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ schema_version: 0, attributes }],
    });
    const text = JSON.stringify({
      version: 4,
      terraform_version: '1.9.5',
      serial: 1,
      lineage: 'x',
      outputs: {},
      resources: [
        resource(pType, { ...ids, [pAttr]: doc('svc:Get') }),
        resource(sType, { ...target, [sAttr]: doc('svc:Get') }),
      ],
    });
    const r = parseSource({ path: 'terraform.tfstate', text }).result;
    expect(r.kind).toBe('terraform-state');
    expect(held(r)).toEqual([[`${sType}.s`, undefined, ['svc:Get']]]);
  });

  it('a configuration that sets the attribute, a parent no setter names, and .tf.json are read as before', () => {
    const pair = PAIRS[0]!;
    const both = parsePlan(planText(narrowing(pair), config(pair, true)));
    expect(held(both)).toEqual([
      ['aws_kms_key.p', 'no-op', ['svc:*']],
      ['aws_kms_key_policy.s', 'update', ['svc:Get']],
    ]);
    const [parent, setter] = narrowing(pair);
    const other = {
      ...setter!,
      before: { key_id: 'other' },
      after: { key_id: 'other', policy: doc('svc:Get') },
    };
    const alone = parsePlan(
      planText([parent!, other], { aws_kms_key_policy: { key_id: { constant_value: 'other' } } }),
    );
    expect(held(alone).map(([a]) => a)).toEqual(['aws_kms_key.p', 'aws_kms_key_policy.s']);
    const tfJson = JSON.stringify({
      resource: {
        aws_kms_key: { p: { policy: doc('svc:*') } },
        aws_kms_key_policy: { s: { key_id: '${aws_kms_key.p.id}', policy: doc('svc:Get') } },
      },
    });
    const fromJson = terraformJsonParser.parse({ path: 'k.tf.json', text: tfJson }, JSON.parse(tfJson));
    expect(fromJson.policies.map((p) => p.address)).toEqual(['aws_kms_key.p', 'aws_kms_key_policy.s']);
  });
});

describe("end to end: the reviewer's plan of a no-op key whose aws_kms_key_policy narrows it", () => {
  it("no longer reports the key's stale copy as a pre-existing kms:*", async () => {
    const pair = PAIRS[0]!;
    const changes = narrowing(pair).map((c) => ({
      ...c,
      before: c.before && JSON.parse(JSON.stringify(c.before).replaceAll('svc:', 'kms:')),
      after:
        c.after &&
        JSON.parse(JSON.stringify(c.after).replaceAll('svc:Get', 'kms:Decrypt').replaceAll('svc:', 'kms:')),
    }));
    const root = mkdtempSync(join(tmpdir(), 'iba-setby-'));
    mkdirSync(join(root, 'infra'));
    writeFileSync(join(root, 'infra', 'plan.json'), planText(changes, config(pair)));
    writeFileSync(
      join(root, 'base.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
      }),
    );
    const report = await runAudit({ root, paths: ['infra'], baseline: 'base.json', now: NOW });
    expect(report.findings.filter((f) => f.address === 'aws_kms_key.p')).toEqual([]);
    const setter = report.findings.filter((f) => f.address === 'aws_kms_key_policy.s');
    expect(setter.filter((f) => !f.removed).flatMap((f) => f.actions)).toEqual(['kms:Decrypt']);
    expect(setter.filter((f) => f.removed).map((f) => f.actions.length)).toEqual([55]);
  });
});
