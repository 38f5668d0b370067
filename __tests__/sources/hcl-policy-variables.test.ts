// IAM policy variables in aws_iam_policy_document are written `&{aws:username}` (`${…}` is
// Terraform's own interpolation); the AWS provider writes them `${aws:username}` in the document it
// builds, in resources, principals' identifiers and condition values (not actions). Read as written, a
// policy that grants exactly the vendor's `${aws:username}` resources was told broader than them.
// The configuration is the example of the provider's documentation (data source
// aws_iam_policy_document, "Basic Example").
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import { terraformJsonParser } from '../../src/sources/tf-json.js';
import type { PolicyRecord } from '../../src/core/types.js';

beforeAll(async () => {
  await initHcl();
});

const TF = `
variable "s3_bucket_name" {
  default = "home-bucket"
}

data "aws_iam_policy_document" "example" {
  statement {
    sid       = "1"
    actions   = ["s3:ListAllMyBuckets", "s3:GetBucketLocation"]
    resources = ["arn:aws:s3:::*"]
  }

  statement {
    sid       = "list&{x}"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::\${var.s3_bucket_name}"]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["", "home/", "home/&{aws:username}/"]
    }
  }

  statement {
    actions = ["s3:*"]
    resources = [
      "arn:aws:s3:::\${var.s3_bucket_name}/home/&{aws:username}",
      "arn:aws:s3:::\${var.s3_bucket_name}/home/&{aws:username}/*",
    ]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:user/&{aws:username}"]
    }
  }
}

resource "aws_iam_policy" "example" {
  name   = "example_policy"
  path   = "/"
  policy = data.aws_iam_policy_document.example.json
}
`;

/** What the provider builds from TF: the document the tool must read. */
const RENDERED = [
  {
    Sid: '1',
    Effect: 'Allow',
    Action: ['s3:ListAllMyBuckets', 's3:GetBucketLocation'],
    Resource: 'arn:aws:s3:::*',
  },
  {
    Sid: 'list&{x}',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: 'arn:aws:s3:::home-bucket',
    Condition: { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/'] } },
  },
  {
    Effect: 'Allow',
    Action: 's3:*',
    Resource: [
      'arn:aws:s3:::home-bucket/home/${aws:username}',
      'arn:aws:s3:::home-bucket/home/${aws:username}/*',
    ],
    Principal: { AWS: 'arn:aws:iam::123456789012:user/${aws:username}' },
  },
];

const statementsOf = (recs: PolicyRecord[]) => {
  const rec = recs.find((r) => r.address === 'aws_iam_policy.example');
  expect(rec?.status).toBe('resolved');
  return (rec!.document as { Statement: unknown[] }).Statement;
};

describe('&{…} policy variables of aws_iam_policy_document', () => {
  test('a .tf module: read as the provider writes them (not in a Sid)', () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-policy-vars-'));
    writeFileSync(join(root, 'main.tf'), TF);
    const recs = readHclModules([{ path: 'main.tf', text: TF }], fsHost(root)).flatMap((r) => r.policies);
    expect(statementsOf(recs)).toEqual(RENDERED);
  });

  test('a *.tf.json: the same', () => {
    const json = {
      data: {
        aws_iam_policy_document: {
          example: {
            statement: [
              {
                sid: '1',
                actions: ['s3:ListAllMyBuckets', 's3:GetBucketLocation'],
                resources: ['arn:aws:s3:::*'],
              },
              {
                sid: 'list&{x}',
                actions: ['s3:ListBucket'],
                resources: ['arn:aws:s3:::home-bucket'],
                condition: [
                  {
                    test: 'StringLike',
                    variable: 's3:prefix',
                    values: ['', 'home/', 'home/&{aws:username}/'],
                  },
                ],
              },
              {
                actions: ['s3:*'],
                resources: [
                  'arn:aws:s3:::home-bucket/home/&{aws:username}',
                  'arn:aws:s3:::home-bucket/home/&{aws:username}/*',
                ],
                principals: [
                  { type: 'AWS', identifiers: ['arn:aws:iam::123456789012:user/&{aws:username}'] },
                ],
              },
            ],
          },
        },
      },
      resource: {
        aws_iam_policy: {
          example: { name: 'example_policy', policy: '${data.aws_iam_policy_document.example.json}' },
        },
      },
    };
    const text = JSON.stringify(json, null, 2);
    const result = terraformJsonParser.parse({ path: 'main.tf.json', text }, json);
    expect(statementsOf(result.policies)).toEqual(RENDERED);
  });

  test('audited against a baseline written with ${aws:username}: no finding', async () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-policy-vars-'));
    // (an identity policy has no Principal)
    const withoutPrincipals = TF.replace(/ {4}principals \{\n.*\n.*\n {4}\}\n/, '');
    expect(withoutPrincipals).not.toContain('principals');
    writeFileSync(join(root, 'main.tf'), withoutPrincipals);
    const baseline = join(root, 'home.json');
    const identity = RENDERED.map(({ Principal: _p, ...s }) => s);
    writeFileSync(join(root, 'home.json'), JSON.stringify({ Version: '2012-10-17', Statement: identity }));
    const report = await runAudit({
      root,
      paths: ['main.tf'],
      baseline,
      now: new Date('2026-12-06T00:00:00Z'),
    });
    expect(report.policies.find((p) => p.address === 'aws_iam_policy.example')?.status).toBe('audited');
    expect(report.findings).toEqual([]);
  });
});
