// Resource policies whose resource type is known carry the services they can grant from the
// sources to the audit (PolicyRecord.grantScope): a bucket policy's `Action: "*"` is audited as S3
// actions only, from a Terraform plan, a `.tf` module and a CloudFormation template alike.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import { discover } from '../src/sources/discover.js';
import { readInputs } from '../src/sources/index.js';
import { initHcl } from '../src/sources/hcl/index.js';
import type { Finding, PolicyRecord } from '../src/core/types.js';

const FIX = new URL('./fixtures/', import.meta.url).pathname;
const NOW = new Date('2026-11-22T00:00:00Z');
const BUCKET_POLICY = 'aws_s3_bucket_policy.allow_access_from_another_account';

function repo(files: Record<string, string>, fixtures: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-scope-'));
  for (const f of fixtures) cpSync(join(FIX, f), join(root, f.split('/').pop()!));
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

beforeAll(async () => {
  await initHcl();
});

const services = (fs: readonly Finding[]) =>
  [...new Set(fs.flatMap((f) => f.actions.map((a) => a.split(':')[0])))].sort();

describe("the checkov plan with a bucket policy of `*` (the reviewer's case)", () => {
  const root = repo({}, ['tf-plan/checkov__plan_with_iam_data_block.json']);

  it('records the bucket policy as able to grant S3 actions only', () => {
    const rec = records(root).find((r) => r.address === BUCKET_POLICY)!;
    expect(rec.kind).toBe('resource');
    expect(rec.grantScope).toEqual({ resourceType: 'aws_s3_bucket_policy', services: ['s3'] });
  });

  it.each(['lightly', 'skypilot'])(
    'shows no action of another service than S3 under %s',
    async (baseline) => {
      const report = await runAudit({
        root,
        paths: ['checkov__plan_with_iam_data_block.json'],
        baseline,
        now: NOW,
      });
      const findings = report.findings.filter((f) => f.address === BUCKET_POLICY);
      expect(findings.length).toBeGreaterThan(0);
      expect(services(findings)).toEqual(['s3']);
      for (const f of findings) {
        expect(f.message).not.toMatch(/\b(ec2|iam|codestar):/);
        expect(f.resources.join(' ')).not.toMatch(/arn:aws:(ec2|iam):/);
      }
      // A long set of S3 actions from `*` says why it counts S3 actions only.
      const excess = findings.find((f) => f.kind === 'excess-action')!;
      expect(excess.message).toContain('(from *; aws_s3_bucket_policy can grant only s3 actions)');
      // (the minimal policy keeps no action of another service either)
      for (const s of report.suggestions.filter((x) => x.policy.endsWith(BUCKET_POLICY)))
        expect(JSON.stringify(s.minimal)).not.toMatch(/"(ec2|iam):/);
    },
  );
});

const STATEMENT = { Effect: 'Allow', Action: '*', Resource: '*' };

describe('CloudFormation and .tf resource policies', () => {
  it("reads a template's bucket policy as S3 actions only, its IAM policy of the same statement whole", async () => {
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket' },
        BucketPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'Bucket' },
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ ...STATEMENT, Principal: { AWS: 'arn:aws:iam::123456789012:root' } }],
            },
          },
        },
        Endpoint: {
          Type: 'AWS::EC2::VPCEndpoint',
          Properties: {
            ServiceName: 'com.amazonaws.us-east-1.s3',
            VpcId: 'vpc-1',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ ...STATEMENT, Principal: '*' }],
            },
          },
        },
        Managed: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [STATEMENT] } },
        },
      },
    };
    const root = repo({ 'template.json': JSON.stringify(template, null, 2) });
    const recs = records(root);
    expect(recs.find((r) => r.address === 'BucketPolicy')!.grantScope).toEqual({
      resourceType: 'AWS::S3::BucketPolicy',
      services: ['s3'],
    });
    // A VPC endpoint's policy governs the endpoint's service: not known from its type, read whole.
    expect(recs.find((r) => r.address === 'Endpoint')!.grantScope).toBeUndefined();
    expect(recs.find((r) => r.address === 'Managed')!.grantScope).toBeUndefined();
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', now: NOW });
    const of = (address: string) => report.findings.filter((f) => f.address === address);
    expect(services(of('BucketPolicy'))).toEqual(['s3']);
    expect(
      of('BucketPolicy').some((f) => f.message.includes('AWS::S3::BucketPolicy can grant only s3 actions')),
    ).toBe(true);
    expect(services(of('Managed'))).toEqual(expect.arrayContaining(['ec2', 'iam', 's3']));
    expect(services(of('Endpoint'))).toEqual(expect.arrayContaining(['ec2', 'iam', 's3']));
    expect(of('Managed').some((f) => f.message.includes('can grant only'))).toBe(false);
  });

  it('reads a .tf queue policy and key policy as SQS and KMS actions only', async () => {
    const root = repo({
      'infra/main.tf': [
        'resource "aws_sqs_queue" "q" {',
        '  name = "jobs"',
        '}',
        'resource "aws_sqs_queue_policy" "q" {',
        '  queue_url = aws_sqs_queue.q.id',
        '  policy = jsonencode({',
        '    Version = "2012-10-17"',
        '    Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }]',
        '  })',
        '}',
        'resource "aws_kms_key" "k" {',
        '  policy = jsonencode({',
        '    Version = "2012-10-17"',
        '    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["kms:*", "s3:*"], Resource = "*" }]',
        '  })',
        '}',
        '',
      ].join('\n'),
    });
    const recs = records(root);
    expect(recs.find((r) => r.address === 'aws_sqs_queue_policy.q')!.grantScope).toEqual({
      resourceType: 'aws_sqs_queue_policy',
      services: ['sqs'],
    });
    expect(recs.find((r) => r.address === 'aws_kms_key.k')!.grantScope).toEqual({
      resourceType: 'aws_kms_key',
      services: ['kms'],
    });
    const report = await runAudit({ root, paths: ['infra'], baseline: 'skypilot', now: NOW });
    const of = (address: string) => report.findings.filter((f) => f.address === address);
    expect(services(of('aws_sqs_queue_policy.q'))).toEqual(['sqs']);
    expect(services(of('aws_kms_key.k'))).toEqual(['kms']);
    // `kms:*, s3:*`: the note says why s3:* counts for nothing.
    expect(of('aws_kms_key.k').find((f) => f.kind === 'excess-action')!.message).toContain(
      '(from kms:*; aws_kms_key can grant only kms actions)',
    );
  });
});
