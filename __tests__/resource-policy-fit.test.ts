// Databricks' quickstart template (a real file) writes the workspace's root bucket policy for its
// account 414351767826 beside the cross-account role. Detection ties the bucket policy to the
// databricks baseline by that account; the baseline held only the role's policy, so every S3
// action of the bucket policy Databricks documents was "excess: delete them", advice that breaks
// the workspace (a review). The baseline now holds that policy too, as the optional set
// root-bucket (terraform-provider-databricks aws/data_aws_bucket_policy.go).
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const FIXTURE =
  '__tests__/fixtures/cloudformation/aws-quickstart__databricks-cross-account-role.template.yaml';
const NOW = new Date('2026-12-07T00:00:00Z');
const SIX = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObject',
  's3:DeleteObject',
  's3:ListBucket',
  's3:GetBucketLocation',
];

function bucketPolicy(actions: string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Grant Databricks Access',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::414351767826:root' },
        Action: actions,
        Resource: ['arn:aws:s3:::my-root/*', 'arn:aws:s3:::my-root'],
      },
    ],
  });
}

describe("Databricks' root bucket policy", () => {
  it('as its quickstart writes it: audited against databricks, nothing to delete', async () => {
    const root = mkdtempSync(join(tmpdir(), 'databricks-bucket-'));
    copyFileSync(FIXTURE, join(root, 'template.yaml'));
    const r = await runAudit({ root, paths: ['template.yaml'], now: NOW });
    const bucket = r.policies.find((p) => p.address === 'bucketPolicy')!;
    expect([bucket.status, bucket.baseline]).toEqual(['audited', 'databricks']);
    // The bucket's name is a parameter without a default, read as `*`: broader than one bucket,
    // said to be approximate, for the optional feature; no action is excess.
    const own = r.findings.filter((f) => f.address === 'bucketPolicy');
    expect(own.map((f) => [f.kind, f.feature, f.approximate])).toEqual(
      own.map(() => ['broader-resource', 'root-bucket', 'parameter BucketName has no default']),
    );
    expect(own.flatMap((f) => f.actions).sort()).toEqual([...SIX].sort());
  });

  it('on a bucket named: no finding, its feature in use', async () => {
    const root = mkdtempSync(join(tmpdir(), 'databricks-bucket-'));
    writeFileSync(join(root, 'bucket-policy.json'), bucketPolicy(SIX));
    const r = await runAudit({ root, paths: ['.'], now: NOW });
    expect(r.policies.map((p) => [p.status, p.baseline])).toEqual([['audited', 'databricks']]);
    expect(r.findings.filter((f) => f.kind !== 'missing-permission')).toEqual([]);
    expect((r.notes ?? []).join('\n')).toMatch(/Optional features in use .*root-bucket \(databricks\)/);
  });

  it('one action beyond it is still excess', async () => {
    const root = mkdtempSync(join(tmpdir(), 'databricks-bucket-'));
    writeFileSync(join(root, 'bucket-policy.json'), bucketPolicy([...SIX, 's3:DeleteBucket']));
    const r = await runAudit({ root, paths: ['.'], now: NOW });
    expect(r.findings.filter((f) => f.kind === 'excess-action').flatMap((f) => f.actions)).toEqual([
      's3:DeleteBucket',
    ]);
  });
});
