// A baseline set for one kind of policy (`policy-kinds`). Databricks' root bucket policy, as its
// Terraform provider's databricks_aws_bucket_policy data source writes it
// (terraform-provider-databricks aws/data_aws_bucket_policy.go @ 2ffe50d9, Apache-2.0: the
// statement below, rendered for a bucket `acme-dbx-root`), was told "delete them" for each of its
// six actions and of the cross-account role's EC2 actions as missing: the baseline held only the
// role's policy. The root-bucket set is held by resource policies only, so an identity policy
// granting the same actions on any bucket is still told they are excess.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { parseBaselineYaml } from '../../src/baselines/load.js';
import { ConfigError } from '../../src/core/errors.js';

const ROOT_BUCKET = (condition?: object) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        's3:GetObject',
        's3:GetObjectVersion',
        's3:PutObject',
        's3:DeleteObject',
        's3:ListBucket',
        's3:GetBucketLocation',
      ],
      Resource: ['arn:aws:s3:::acme-dbx-root/*', 'arn:aws:s3:::acme-dbx-root'],
      Principal: { AWS: 'arn:aws:iam::414351767826:root' },
      ...(condition ? { Condition: condition } : {}),
    },
  ],
});

async function audit(files: Record<string, unknown>, baseline?: string) {
  const root = mkdtempSync(join(tmpdir(), 'policy-kinds-'));
  for (const [name, body] of Object.entries(files))
    writeFileSync(join(root, name), JSON.stringify(body, null, 2));
  return runAudit({
    root,
    paths: ['.'],
    ...(baseline ? { baseline } : {}),
    now: new Date('2026-12-07T00:00:00Z'),
  });
}

const excess = (r: Awaited<ReturnType<typeof audit>>, path: string) =>
  r.findings.filter((f) => f.path === path && f.kind !== 'missing-permission').flatMap((f) => f.actions);

describe('a set held by resource policies only (Databricks root-bucket)', () => {
  it('the root bucket policy the provider writes: audited against root-bucket, no finding', async () => {
    for (const condition of [
      undefined,
      { StringEquals: { 'aws:PrincipalTag/DatabricksAccountId': 'abc-123' } },
    ]) {
      const r = await audit({ 'root-bucket-policy.json': ROOT_BUCKET(condition) }, 'databricks');
      expect(r.policies.map((p) => [p.status, p.kind, p.sets])).toEqual([
        ['audited', 'resource', ['root-bucket']],
      ]);
      // (not told of the cross-account role's EC2 actions as missing either)
      expect(r.findings).toEqual([]);
    }
  });

  it('is detected as Databricks by the account it grants, and held to root-bucket', async () => {
    const r = await audit({ 'root-bucket-policy.json': ROOT_BUCKET() });
    expect(r.policies.map((p) => [p.baseline, p.sets])).toEqual([['databricks', ['root-bucket']]]);
    expect(r.findings).toEqual([]);
  });

  it('an identity policy granting the same actions on any bucket is not excused by it', async () => {
    const r = await audit(
      {
        'extra.json': {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ROOT_BUCKET().Statement[0]!.Action, Resource: 'arn:aws:s3:::*' },
          ],
        },
      },
      'databricks',
    );
    expect(r.policies.map((p) => [p.kind, p.sets])).toEqual([['identity', ['managed']]]);
    expect(new Set(excess(r, 'extra.json'))).toEqual(new Set(ROOT_BUCKET().Statement[0]!.Action));
    // (excess, "not in the baseline": not leftovers of a set the identity policy never held)
    expect(new Set(r.findings.filter((f) => f.kind !== 'missing-permission').map((f) => f.kind))).toEqual(
      new Set(['excess-action']),
    );
  });

  it('an identity policy granting them on one bucket: excess, not leftovers of the bucket policy set (both engine paths)', async () => {
    for (const reference of [false, true]) {
      const root = mkdtempSync(join(tmpdir(), 'policy-kinds-'));
      writeFileSync(
        join(root, 'uc.json'),
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject'],
              Resource: ['arn:aws:s3:::uc-metastore/*', 'arn:aws:s3:::uc-metastore'],
            },
          ],
        }),
      );
      const r = await runAudit({
        root,
        paths: ['.'],
        baseline: 'databricks',
        reference,
        now: new Date('2026-12-07T00:00:00Z'),
      });
      const told = r.findings.filter((f) => f.kind !== 'missing-permission');
      expect(told.map((f) => [f.kind, f.set])).toEqual([['excess-action', undefined]]);
    }
  });

  it('a bucket policy granting more than the six actions is told of the rest only', async () => {
    const wide = ROOT_BUCKET();
    wide.Statement[0]!.Action = ['s3:*'];
    const r = await audit({ 'root-bucket-policy.json': wide }, 'databricks');
    const told = excess(r, 'root-bucket-policy.json');
    expect(told).toContain('s3:PutBucketPolicy');
    for (const a of ROOT_BUCKET().Statement[0]!.Action) expect(told).not.toContain(a);
    expect(r.findings.filter((f) => f.kind === 'missing-permission')).toEqual([]);
  });

  it('a role policy and the bucket policy together: each held to its own kind of sets', async () => {
    const r = await audit(
      {
        'root-bucket-policy.json': ROOT_BUCKET(),
        'cross-account.json': {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['ec2:RunInstances'], Resource: '*' }],
        },
      },
      'databricks',
    );
    const sets = Object.fromEntries(r.policies.map((p) => [p.path, p.sets]));
    // (the alternative the role's policy fits best: customer, which lacks the fewest of its actions)
    expect(sets).toEqual({ 'cross-account.json': ['customer'], 'root-bucket-policy.json': ['root-bucket'] });
    // The role's missing EC2 actions go to the role's policy, none to the bucket's.
    const missing = r.findings.filter((f) => f.kind === 'missing-permission');
    expect(missing.length).toBeGreaterThan(0);
    expect(new Set(missing.map((f) => f.path))).toEqual(new Set(['cross-account.json']));
    expect(missing.flatMap((f) => f.actions).some((a) => a.startsWith('s3:'))).toBe(false);
  });
});

describe('policy-kinds in a baseline file', () => {
  const file = (kinds: string) => `id: mine
sets:
  - name: bucket
    kind: ongoing
    policy-kinds: ${kinds}
    statements:
      - Effect: Allow
        Action: s3:GetObject
        Resource: arn:aws:s3:::b/*
`;
  it('is read', () => {
    expect(parseBaselineYaml(file('[resource]'), 'mine.yml').sets[0]!.policyKinds).toEqual(['resource']);
  });
  it('an unknown kind is an error naming the file and line', () => {
    expect(() => parseBaselineYaml(file('[trust]'), 'mine.yml')).toThrow(ConfigError);
    expect(() => parseBaselineYaml(file('[trust]'), 'mine.yml')).toThrow(/mine\.yml.*line 5/);
  });
});

describe("Databricks Unity Catalog's role (its own baseline, not the workspace's)", () => {
  it('Databricks\' example module: held to databricks-unity-catalog, no excess (a review: told "delete them" against the workspace\'s)', async () => {
    const r = await runAudit({
      root: new URL('../fixtures/hcl/databricks-aws-databricks-unity-catalog/', import.meta.url).pathname,
      paths: ['.'],
      now: new Date('2026-12-07T00:00:00Z'),
    });
    const byAddress = Object.fromEntries(
      r.policies.map((p) => [p.address, [p.baseline, p.sets, p.features]]),
    );
    expect(byAddress).toEqual({
      'aws_iam_policy.unity_metastore': ['databricks-unity-catalog', ['storage', 'file-events'], undefined],
      'aws_iam_policy.sample_data': ['databricks-unity-catalog', ['storage', 'file-events'], ['sample-data']],
      'aws_iam_role.metastore_data_access': ['databricks-unity-catalog', undefined, undefined],
    });
    // No permission told excess; what it lacks (file events, newer than the module) is missing.
    const told = r.findings.filter(
      (f) => f.policy.endsWith('aws_iam_policy.unity_metastore') || f.policy.endsWith('sample_data'),
    );
    expect(new Set(told.map((f) => f.kind))).toEqual(new Set(['missing-permission']));
    expect(told.flatMap((f) => f.actions)).toContain('sqs:CreateQueue');
  });
});

describe('a review of policy-kinds and the Unity Catalog baseline', () => {
  it("an identity policy's grant does not stand in for the bucket policy's: its missing action is told to the bucket policy", async () => {
    const missingOne = ROOT_BUCKET();
    missingOne.Statement[0]!.Action = missingOne.Statement[0]!.Action.filter((a) => a !== 's3:DeleteObject');
    const r = await audit(
      {
        'root-bucket-policy.json': missingOne,
        'identity.json': {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ROOT_BUCKET().Statement[0]!.Action, Resource: 'arn:aws:s3:::*' },
          ],
        },
      },
      'databricks',
    );
    const told = r.findings.filter(
      (f) => f.kind === 'missing-permission' && f.path === 'root-bucket-policy.json',
    );
    expect(told.flatMap((f) => f.actions)).toEqual(['s3:DeleteObject']);
  });

  it("an application's S3 read-write policy (with KMS) is not Unity Catalog's by its actions alone", async () => {
    const r = await audit({
      'app-rw-kms.json': {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              's3:GetObject',
              's3:PutObject',
              's3:DeleteObject',
              's3:ListBucket',
              's3:GetBucketLocation',
            ],
            Resource: ['arn:aws:s3:::backups', 'arn:aws:s3:::backups/*'],
          },
          {
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'],
            Resource: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          },
        ],
      },
    });
    expect(r.policies.map((p) => p.status)).toEqual(['not-matched']);
    expect(r.findings).toEqual([]);
  });
});

describe('a set named for another kind of policy', () => {
  it('is said in a note naming the policy', async () => {
    const r = await audit(
      {
        'identity.json': {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*' }],
        },
      },
      'databricks:root-bucket',
    );
    expect(r.policies.map((p) => p.sets)).toEqual([[]]);
    expect(r.notes).toContain(
      'databricks:root-bucket is for resource policies only: not held by the identity policy identity.json (name a set for its kind).',
    );
  });
});
