// A baseline resource with placeholders reaches only the resource types its fixed text allows: a
// placeholder is one value in its own place, so `arn:aws:s3:::<datalake>/<prefix>/*` (Lightly's
// user access) names S3 objects, never a storage lens group or an access grant (whose ARNs carry a
// region and an account). The values stay lenient: any bucket and prefix of the user's match.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coversForAction } from '../src/audit/engine.js';
import { runAudit } from '../src/audit/run.js';
import { placeholderFieldsMeet, parseArnPattern } from '../src/policy/arn.js';
import { loadCatalog } from '../src/policy/catalog.js';
import { GrantBuilder } from '../src/policy/grants.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');

async function audit(statements: unknown[], baseline: string): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'iba-ph-'));
  writeFileSync(
    join(root, 'sl.json'),
    JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2),
  );
  return runAudit({ root, paths: ['.'], baseline, now: NOW });
}

/** The review's policy (sl.json): Lightly's user access on the user's own bucket and prefix, and extras on `*`. */
const SL = [
  {
    Sid: 'AllowListing',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: ['arn:aws:s3:::mybucket', 'arn:aws:s3:::mybucket/data/*'],
  },
  { Sid: 'AllowAccess', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::mybucket/data/*'] },
  {
    Sid: 'Extra',
    Effect: 'Allow',
    Action: ['s3:DeleteStorageLensGroup', 's3:CreateAccessGrant', 's3:GetBucketTagging', 's3:CreateJob'],
    Resource: '*',
  },
];

const byKind = (r: Report) =>
  Object.fromEntries(
    [...new Set(r.findings.map((f) => f.kind))].map((k) => [
      k,
      r.findings
        .filter((f) => f.kind === k)
        .flatMap((f) => f.actions)
        .sort(),
    ]),
  );

describe('a baseline resource with two placeholders reaches only the resource types of its fixed text', () => {
  it('reports actions an S3 object ARN cannot reach as excess-action, not broader-resource (lightly, sl.json)', async () => {
    const report = await audit(SL, 'lightly');
    expect(report.policies[0]!.sets).toEqual(['user-access']);
    const kinds = byKind(report);
    expect(kinds['excess-action']).toEqual([
      's3:CreateAccessGrant',
      's3:CreateJob',
      's3:DeleteStorageLensGroup',
    ]);
    expect(kinds['broader-resource']).toBeUndefined();
    expect(kinds['leftover-set']).toEqual(['s3:GetBucketTagging']);
  });

  it('keeps them out of the suggested minimal policy', async () => {
    const report = await audit(SL, 'lightly');
    expect(report.suggestions).toHaveLength(1);
    const minimal = JSON.stringify(report.suggestions[0]!.minimal);
    expect(minimal).toContain('arn:aws:s3:::mybucket/data/*');
    expect(minimal).not.toContain('<datalake>');
    expect(minimal).not.toContain('s3:CreateAccessGrant');
    expect(minimal).not.toContain('s3:DeleteStorageLensGroup');
  });

  it('still reports an action an object ARN reaches, on other buckets, as broader-resource', async () => {
    const report = await audit(
      [
        ...SL.slice(0, 2),
        {
          Sid: 'Other',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: 'arn:aws:s3:::other-*/*',
        },
        { Sid: 'Star', Effect: 'Allow', Action: 's3:GetObjectTagging', Resource: '*' },
      ],
      'lightly:user-access',
    );
    const kinds = byKind(report);
    expect(kinds['broader-resource']).toEqual(['s3:GetObject', 's3:GetObjectTagging', 's3:PutObject']);
    expect(kinds['excess-action']).toBeUndefined();
  });

  it("matches the user's own values for the two placeholders: no finding", async () => {
    const report = await audit(
      [
        {
          Sid: 'AllowListing',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: ['arn:aws:s3:::mybucket', 'arn:aws:s3:::mybucket/data/*'],
        },
        { Sid: 'AllowAccess', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::mybucket/data/*' },
        { Sid: 'Objects', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/images/*' },
      ],
      'lightly:user-access',
    );
    expect(report.findings).toEqual([]);
  });
});

describe('placeholderFieldsMeet', () => {
  const p = (raw: string) => parseArnPattern(raw);
  const lens = 'arn:${Partition}:s3:${Region}:${Account}:storage-lens-group/${Name}';
  const object = 'arn:${Partition}:s3:::${BucketName}/${ObjectName}';

  it('keeps a placeholder to its field: an empty region or account is not a value', () => {
    expect(placeholderFieldsMeet(p('arn:aws:s3:::<datalake>/<projects/farm-animals>/*'), lens)).toBe(false);
    expect(placeholderFieldsMeet(p('arn:aws:s3:::{YOUR_BUCKET}/*'), lens)).toBe(false);
    expect(placeholderFieldsMeet(p('arn:aws:s3:::<datalake>/<projects/farm-animals>/*'), object)).toBe(true);
    // A placeholder in the region or account field is a value there.
    expect(placeholderFieldsMeet(p('arn:aws:s3:<region>:<account>:storage-lens-group/*'), lens)).toBe(true);
    // A placeholder is never empty: in a field the format leaves empty, it names nothing (an AMI's
    // ARN has no account: Databricks' `…:${region}:${aws_account_id}:image/*`).
    const image = 'arn:${Partition}:ec2:${Region}::image/${ImageId}';
    expect(placeholderFieldsMeet(p('arn:aws:ec2:<region>:<account>:image/*'), image)).toBe(false);
    expect(placeholderFieldsMeet(p('arn:aws:ec2:<region>::image/*'), image)).toBe(true);
    // A wildcard before the resource part may reach past a colon: no opinion.
    expect(placeholderFieldsMeet(p('arn:aws:s3:*:<x>/*'), lens)).toBe(true);
    // Without placeholders, nothing to add to arnIntersects.
    expect(placeholderFieldsMeet(p('arn:aws:s3:::*/*'), lens)).toBe(true);
  });

  it('agrees with GrantBuilder.applies', () => {
    const catalog = loadCatalog();
    const builder = new GrantBuilder(catalog);
    const r = p('arn:aws:s3:::<datalake>/<projects/farm-animals>/*');
    expect(builder.applies(catalog.lookup('s3:DeleteStorageLensGroup')!, r)).toBe(false);
    expect(builder.applies(catalog.lookup('s3:CreateAccessGrant')!, r)).toBe(false);
    expect(builder.applies(catalog.lookup('s3:GetObject')!, r)).toBe(true);
  });
});

describe("a granted text with a placeholder of its own (the vendor's template pasted) reaches only its fixed text's types too", () => {
  it('is covered where every type it reaches is the baseline resource', () => {
    const catalog = loadCatalog();
    const p = (raw: string) => parseArnPattern(raw);
    // `{MY_BUCKET}*` reaches objects, not an access point's objects (a region and an account).
    expect(
      coversForAction(
        p('arn:aws:s3:::*/*'),
        p('arn:aws:s3:::{MY_BUCKET}*'),
        catalog.lookup('s3:GetObject')!,
        false,
      ),
    ).toBe(true);
    // A wildcard of its own still reaches them.
    expect(
      coversForAction(p('arn:aws:s3:::*/*'), p('arn:aws:s3:::*'), catalog.lookup('s3:ListBucket')!, false),
    ).toBe(false);
  });
});

describe("a granted resource's own placeholders stand for one value each", () => {
  // CloudFormation writes `${AWS::AccountId}` as <account-ID-without-hyphens>. A granted text with
  // a placeholder of its own used to be taken as covered by any vendor placeholder: PassRole on
  // every role of the account went unreported against Anyscale's `${anyscale_cluster_role_arn}`.
  async function cfn(resource: string): Promise<Report> {
    const root = mkdtempSync(join(tmpdir(), 'iba-ph-'));
    writeFileSync(
      join(root, 'anyscale.yaml'),
      `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AnyscalePolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Sid: IAM
            Effect: Allow
            Action: ['iam:PassRole', 'iam:GetInstanceProfile']
            Resource: !Sub '${resource}'
`,
    );
    return runAudit({ root, paths: ['.'], baseline: 'anyscale:steady-state-tf', now: NOW });
  }
  const excess = (r: Report) =>
    r.findings.filter((f) => f.kind !== 'missing-permission').map((f) => [f.kind, f.actions]);

  it('every role of the account is not one role: reported, as with a literal account', async () => {
    const placeholder = await cfn('arn:aws:iam::${AWS::AccountId}:role/*');
    const literal = await cfn('arn:aws:iam::123456789012:role/*');
    // (broader than the active set's cluster role: the steady-state alternative's `*` allows it
    // there too, but the active set needs it on its role, so it is narrowed, never deleted)
    expect(excess(placeholder)).toEqual([['broader-resource', ['iam:PassRole']]]);
    expect(excess(placeholder)).toEqual(excess(literal));
  });

  it('one named role of the account fills the placeholder', async () => {
    expect(excess(await cfn('arn:aws:iam::${AWS::AccountId}:role/anyscale-cluster-node'))).toEqual([]);
  });

  it("the account's placeholder stays in its field: role/* names no instance profile", () => {
    const catalog = loadCatalog();
    const b = new GrantBuilder(catalog);
    const p = parseArnPattern('arn:aws:iam::<account-ID-without-hyphens>:role/*');
    const format = 'arn:${Partition}:iam::${Account}:instance-profile/${InstanceProfileNameWithPath}';
    expect(placeholderFieldsMeet(p, format)).toBe(false);
    expect(placeholderFieldsMeet(p, 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}')).toBe(true);
    const profile = catalog.expand('iam:GetInstanceProfile')[0]!;
    expect(b.applies(profile, p)).toBe(false);
    expect(
      b.applies(profile, parseArnPattern('arn:aws:iam::<account-ID-without-hyphens>:instance-profile/x')),
    ).toBe(true);
  });
});
