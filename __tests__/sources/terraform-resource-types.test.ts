// The AWS provider's resource types that hold a resource policy (RESOURCE_TYPES, shared by plans,
// state, *.tf.json and .tf), each read with the services it can grant; and the safety net: a
// resource of a type not in the table whose policy-named attribute holds an IAM policy document is
// listed as not read, never left out silently (a review found aws_kms_key_policy,
// aws_s3_access_point and aws_kinesis_resource_policy in none of the report's lists).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { discover } from '../../src/sources/discover.js';
import { readInputs } from '../../src/sources/index.js';
import { initHcl } from '../../src/sources/hcl/index.js';
import { GRANT_SERVICES } from '../../src/sources/terraform/resource-types.js';
import { loadCatalog } from '../../src/policy/catalog.js';
import type { PolicyRecord } from '../../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');
/** A baseline that allows sts:GetCallerIdentity only: every other grant is a finding. */
const BASE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
};

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-rtypes-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

function records(root: string): PolicyRecord[] {
  const { files } = discover(root, ['.']);
  return readInputs(root, files).flatMap((i) => i.result.policies);
}

const doc = (Action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action, Resource: '*' }],
  });

/** The reviewer's input, after the provider's documented examples. */
const RTYPES = {
  resource: {
    aws_kms_key: { k: { description: 'key' } },
    aws_kms_key_policy: { k: { key_id: '${aws_kms_key.k.id}', policy: doc('kms:*') } },
    aws_s3_access_point: { ap: { bucket: 'b', name: 'ap', policy: doc('*') } },
    aws_kinesis_resource_policy: {
      kp: { resource_arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s', policy: doc('kinesis:*') },
    },
  },
};

/** The same resources in a plan's shape (`resource_changes`). */
function plan(resources: { type: string; name: string; after: Record<string, unknown> }[]): string {
  return JSON.stringify({
    format_version: '1.2',
    resource_changes: resources.map((r) => ({
      address: `${r.type}.${r.name}`,
      mode: 'managed',
      type: r.type,
      name: r.name,
      change: { actions: ['create'], before: null, after: r.after },
    })),
  });
}

const SCOPES: [string, string[]][] = [
  ['aws_kms_key_policy.k', ['kms']],
  ['aws_s3_access_point.ap', ['s3']],
  ['aws_kinesis_resource_policy.kp', ['kinesis']],
];

beforeAll(async () => {
  await initHcl();
});

describe('resource policies of the AWS provider that were left out', () => {
  const TF = [
    'resource "aws_kms_key" "k" {',
    '  description = "key"',
    '}',
    'resource "aws_kms_key_policy" "k" {',
    '  key_id = aws_kms_key.k.id',
    '  policy = jsonencode({',
    '    Version   = "2012-10-17"',
    '    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }]',
    '  })',
    '}',
    'resource "aws_s3_access_point" "ap" {',
    '  bucket = "b"',
    '  name   = "ap"',
    '  policy = jsonencode({',
    '    Version   = "2012-10-17"',
    '    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "*", Resource = "*" }]',
    '  })',
    '}',
    'resource "aws_kinesis_resource_policy" "kp" {',
    '  resource_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s"',
    '  policy = jsonencode({',
    '    Version   = "2012-10-17"',
    '    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kinesis:*", Resource = "*" }]',
    '  })',
    '}',
    '',
  ].join('\n');
  const PLAN = plan([
    { type: 'aws_kms_key_policy', name: 'k', after: { key_id: 'x', policy: doc('kms:*') } },
    { type: 'aws_s3_access_point', name: 'ap', after: { bucket: 'b', name: 'ap', policy: doc('*') } },
    {
      type: 'aws_kinesis_resource_policy',
      name: 'kp',
      after: { resource_arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s', policy: doc('kinesis:*') },
    },
  ]);

  it.each([
    ['a *.tf.json', 'infra/rtypes.tf.json', JSON.stringify(RTYPES, null, 2)],
    ['a plan', 'infra/plan.json', PLAN],
    ['a .tf module', 'infra/main.tf', TF],
  ])('reads them from %s, each on its own services', async (_, path, text) => {
    const root = repo({ [path]: text, 'base.json': JSON.stringify(BASE) });
    const recs = records(root).filter((r) => r.path === path);
    for (const [address, services] of SCOPES) {
      const rec = recs.find((r) => r.address === address);
      expect(rec).toMatchObject({ status: 'resolved', kind: 'resource' });
      expect(rec!.grantScope).toEqual({ resourceType: address.split('.')[0], services });
    }
    const report = await runAudit({ root, paths: ['infra'], baseline: 'base.json', now: NOW });
    for (const [address, services] of SCOPES) {
      const fs = report.findings.filter((f) => f.address === address);
      expect(fs.length).toBeGreaterThan(0);
      expect([...new Set(fs.flatMap((f) => f.actions.map((a) => a.split(':')[0])))]).toEqual(services);
    }
  });

  it('reads an access point of an S3 on Outposts or a directory bucket on its service, one not known on all three', () => {
    const point = (bucket: string) => ({ bucket, name: 'ap', policy: doc('*') });
    const root = repo({
      'main.tf.json': JSON.stringify({
        resource: {
          aws_s3_access_point: {
            outposts: point('arn:aws:s3-outposts:us-east-1:123456789012:outpost/op-1/bucket/b'),
            express: point('b--use1-az4--x-s3'),
            unknown: point('${aws_s3_bucket.b.id}'),
          },
          aws_s3control_access_point_policy: {
            p: { access_point_arn: 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap', policy: doc('*') },
          },
        },
      }),
    });
    const scope = (address: string) => records(root).find((r) => r.address === address)!.grantScope!.services;
    expect(scope('aws_s3_access_point.outposts')).toEqual(['s3-outposts']);
    expect(scope('aws_s3_access_point.express')).toEqual(['s3express']);
    expect(scope('aws_s3_access_point.unknown')).toEqual(['s3', 's3-outposts', 's3express']);
    expect(scope('aws_s3control_access_point_policy.p')).toEqual(['s3']);
  });

  it("reads a multi-Region access point's policy in its details block (an object or a list)", () => {
    const details = { name: 'mrap', policy: doc('s3:*') };
    const root = repo({
      'main.tf.json': JSON.stringify({
        resource: { aws_s3control_multi_region_access_point_policy: { m: { details } } },
      }),
      'plan.json': plan([
        { type: 'aws_s3control_multi_region_access_point_policy', name: 'm', after: { details: [details] } },
      ]),
      'tf/main.tf': [
        'resource "aws_s3control_multi_region_access_point_policy" "m" {',
        '  details {',
        '    name   = "mrap"',
        '    policy = <<EOF',
        '{',
        '  "Version": "2012-10-17",',
        '  "Statement": [',
        '    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},',
        '    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}',
        '  ]',
        '}',
        'EOF',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    const recs = records(root).filter(
      (r) => r.address === 'aws_s3control_multi_region_access_point_policy.m',
    );
    expect(recs.map((r) => [r.path, r.status, r.jsonPath, r.grantScope?.services])).toEqual([
      [
        'main.tf.json',
        'resolved',
        '$.resource.aws_s3control_multi_region_access_point_policy.m.details.policy',
        ['s3'],
      ],
      ['plan.json', 'resolved', '$.resource_changes[0].change.after.details[0].policy', ['s3']],
      ['tf/main.tf', 'resolved', undefined, ['s3']],
    ]);
    // (.tf: the block's policy is read as a policy attribute, each statement of a heredoc on its line)
    const tf = recs.find((r) => r.path === 'tf/main.tf')!;
    expect([tf.line, tf.statementLines]).toEqual([4, [8, 9]]);
  });

  it('names only services of the catalog', () => {
    const catalog = loadCatalog();
    for (const services of GRANT_SERVICES.values())
      for (const s of services) expect([s, catalog.hasService(s)]).toEqual([s, true]);
  });
});

describe('a resource type not read that holds an IAM policy', () => {
  const UNREAD =
    'resource type aws_xray_resource_policy is not read: its policy_document holds an IAM policy document, not audited';

  it.each([
    [
      'a *.tf.json',
      'main.tf.json',
      JSON.stringify({
        resource: {
          aws_xray_resource_policy: { x: { policy_name: 'x', policy_document: doc('xray:*') } },
          aws_cloudwatch_log_data_protection_policy: {
            d: {
              log_group_name: 'g',
              policy_document: JSON.stringify({
                Name: 'd',
                Version: '2021-06-01',
                Statement: [{ Sid: 'Audit', DataIdentifier: ['x'], Operation: { Audit: {} } }],
              }),
            },
          },
          aws_iot_policy: { i: { name: 'i', policy: doc('iot:*') } },
          google_thing: { g: { policy: doc('s3:*') } },
        },
      }),
    ],
    [
      'a plan',
      'plan.json',
      plan([
        {
          type: 'aws_xray_resource_policy',
          name: 'x',
          after: { policy_name: 'x', policy_document: doc('xray:*') },
        },
        { type: 'aws_iot_policy', name: 'i', after: { name: 'i', policy: doc('iot:*') } },
      ]),
    ],
    [
      'a .tf module',
      'main.tf',
      [
        'data "aws_iam_policy_document" "x" {',
        '  statement {',
        '    principals {',
        '      type        = "AWS"',
        '      identifiers = ["*"]',
        '    }',
        '    actions   = ["xray:PutTraceSegments"]',
        '    resources = ["*"]',
        '  }',
        '}',
        'resource "aws_xray_resource_policy" "x" {',
        '  policy_name     = "x"',
        '  policy_document = data.aws_iam_policy_document.x.json',
        '}',
        '',
      ].join('\n'),
    ],
  ])('lists it from %s as not read, with the reason and its place', (_, path, text) => {
    const root = repo({ [path]: text });
    const recs = records(root);
    const unread = recs.filter((r) => r.status === 'unresolved');
    expect(unread).toEqual([
      expect.objectContaining({
        address: 'aws_xray_resource_policy.x',
        kind: 'resource',
        reason: UNREAD,
        line: expect.any(Number),
      }),
    ]);
    // (a data protection policy, an IoT policy and another provider's resource are not IAM policies)
    expect(recs.filter((r) => /data_protection|iot|google/.test(r.address ?? ''))).toEqual([]);
  });

  it('shows it in the report as not audited', async () => {
    const root = repo({
      'infra/main.tf.json': JSON.stringify({
        resource: { aws_xray_resource_policy: { x: { policy_name: 'x', policy_document: doc('xray:*') } } },
      }),
      'base.json': JSON.stringify(BASE),
    });
    const report = await runAudit({ root, paths: ['infra'], baseline: 'base.json', now: NOW });
    expect(report.policies).toEqual([
      expect.objectContaining({
        address: 'aws_xray_resource_policy.x',
        status: 'unresolved',
        reason: UNREAD,
      }),
    ]);
  });
});
