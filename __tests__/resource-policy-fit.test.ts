// Databricks' quickstart template (a real file) writes the workspace's root bucket policy for its
// account 414351767826 beside the cross-account role. Detection tied the bucket policy to the
// databricks baseline by that account, and held it to a baseline that documents the role only:
// every S3 action was "excess: delete them", advice that breaks the workspace (a review). A
// resource policy is held to a detected baseline only where the baseline documents resource
// policies (principals lists `resource`, or none).
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const FIXTURE =
  '__tests__/fixtures/cloudformation/aws-quickstart__databricks-cross-account-role.template.yaml';

describe('a resource policy naming a vendor whose baseline documents no resource policy', () => {
  it('is listed as not audited against it, with the reason; the role beside it is audited', async () => {
    const root = mkdtempSync(join(tmpdir(), 'resource-fit-'));
    copyFileSync(FIXTURE, join(root, 'template.yaml'));
    const r = await runAudit({ root, paths: ['template.yaml'], now: new Date('2026-12-07T00:00:00Z') });
    const bucket = r.policies.find((p) => p.address === 'bucketPolicy')!;
    expect(bucket).toMatchObject({ status: 'not-matched' });
    expect(bucket.reason).toBe(
      'a resource policy that grants to Databricks, and databricks describes the policy of a cross account role, not a resource policy: not audited against it',
    );
    expect(r.findings.filter((f) => f.address === 'bucketPolicy')).toEqual([]);
    const role = r.policies.find((p) => p.address?.startsWith('accessRole') && p.status === 'audited');
    expect(role?.baseline).toBe('databricks');
  });

  it('a baseline that documents resource policies (Lightly: principals lists resource) still holds one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'resource-fit-'));
    writeFileSync(
      join(root, 'bucket-policy.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::916419735646:root' },
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: ['arn:aws:s3:::my-input', 'arn:aws:s3:::my-input/*'],
          },
        ],
      }),
    );
    const r = await runAudit({ root, paths: ['.'], now: new Date('2026-12-07T00:00:00Z') });
    expect(r.policies.map((p) => [p.status, p.baseline])).toEqual([['audited', 'lightly']]);
  });
});
