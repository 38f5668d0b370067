// An ECR repository's policy names no Resource: its statements apply to the repository it is
// attached to (AWS's examples of private and public repository policies have no Resource element).
// Before, the audit reported every such statement as one "AWS rejects" that "grants nothing": a
// false invalid-policy finding, and the excess it grants missed. Now it is read as any repository
// of the service (the name is not followed), with an approximate note.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const BASELINE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr-public:BatchCheckLayerAvailability'],
      Resource: '*',
    },
  ],
});

const STATEMENT = (actions: string[], resource?: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Pull',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:root' },
        Action: actions,
        ...(resource ? { Resource: resource } : {}),
      },
    ],
  });

async function auditFiles(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'ecr-policy-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  writeFileSync(join(root, 'base.json'), BASELINE);
  return runAudit({
    root,
    paths: Object.keys(files),
    baseline: './base.json',
    now: new Date('2026-12-06T00:00:00Z'),
  });
}

/** A plan with one resource policy of `type` (its `policy` attribute). */
function plan(type: string, policy: string): string {
  const resource = {
    address: `${type}.this`,
    mode: 'managed',
    type,
    name: 'this',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    values: { repository: 'app', repository_name: 'app', policy },
  };
  return JSON.stringify({
    format_version: '1.2',
    planned_values: { root_module: { resources: [resource] } },
    resource_changes: [
      {
        address: resource.address,
        mode: 'managed',
        type,
        name: 'this',
        provider_name: resource.provider_name,
        change: { actions: ['create'], before: null, after: resource.values },
      },
    ],
  });
}

function cfn(type: string, policy: string): string {
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Repo: { Type: type, Properties: { RepositoryName: 'app', RepositoryPolicyText: JSON.parse(policy) } },
    },
  });
}

describe("an ECR repository's policy without Resource", () => {
  it.each([
    [
      'CloudFormation, private',
      'repo.template.json',
      cfn('AWS::ECR::Repository', STATEMENT(['ecr:BatchGetImage', 'ecr:DeleteRepository'])),
      'ecr:DeleteRepository',
    ],
    [
      'CloudFormation, public',
      'repo.template.json',
      cfn(
        'AWS::ECR::PublicRepository',
        STATEMENT(['ecr-public:BatchCheckLayerAvailability', 'ecr-public:DeleteRepository']),
      ),
      'ecr-public:DeleteRepository',
    ],
    [
      'a Terraform plan, private',
      'plan.json',
      plan('aws_ecr_repository_policy', STATEMENT(['ecr:BatchGetImage', 'ecr:DeleteRepository'])),
      'ecr:DeleteRepository',
    ],
    [
      'a Terraform plan, public',
      'plan.json',
      plan(
        'aws_ecrpublic_repository_policy',
        STATEMENT(['ecr-public:BatchCheckLayerAvailability', 'ecr-public:DeleteRepository']),
      ),
      'ecr-public:DeleteRepository',
    ],
  ])('%s: the repository, its excess found, no invalid-policy finding', async (_, name, text, excess) => {
    const r = await auditFiles({ [name]: text });
    expect(r.findings.filter((f) => f.kind === 'invalid-policy')).toEqual([]);
    const found = r.findings.filter((f) => f.kind === 'excess-action');
    expect(found.map((f) => f.actions)).toEqual([[excess]]);
    expect(found[0]!.approximate).toMatch(/without Resource applies to the repository/);
    expect(found[0]!.resources?.[0]).toMatch(/:repository\/\*$/);
  });

  it('an action that applies to no repository (GetAuthorizationToken) is not granted by it', async () => {
    const r = await auditFiles({
      'repo.template.json': cfn(
        'AWS::ECR::Repository',
        STATEMENT(['ecr:GetAuthorizationToken', 'ecr:BatchGetImage']),
      ),
    });
    expect(r.findings.filter((f) => f.kind === 'excess-action' || f.kind === 'invalid-policy')).toEqual([]);
  });

  it('a Resource written is read as written', async () => {
    const r = await auditFiles({
      'repo.template.json': cfn(
        'AWS::ECR::Repository',
        STATEMENT(['ecr:DeleteRepository'], 'arn:aws:ecr:us-east-1:123456789012:repository/other'),
      ),
    });
    const found = r.findings.filter((f) => f.kind === 'excess-action');
    expect(found.map((f) => f.resources)).toEqual([['arn:aws:ecr:us-east-1:123456789012:repository/other']]);
    expect(found[0]!.approximate).toBeUndefined();
  });

  it('a bucket policy without Resource is still one AWS rejects', async () => {
    const r = await auditFiles({
      'bucket.template.json': JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          P: {
            Type: 'AWS::S3::BucketPolicy',
            Properties: { Bucket: 'b', PolicyDocument: JSON.parse(STATEMENT(['s3:GetObject'])) },
          },
        },
      }),
    });
    expect(r.findings.filter((f) => f.kind === 'invalid-policy').map((f) => f.message)).toEqual([
      expect.stringMatching(/neither Resource nor NotResource/),
    ]);
  });
});
