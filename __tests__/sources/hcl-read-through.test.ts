// The inputs a `.tf` policy reads with file() or templatefile() are listed as skipped, read by the
// policy that read their path (not one with the same document: two copies of a policy were named
// after one resource), and a template every templatefile() of which was rendered is audited only
// as rendered (its `${...}` read as written gave false findings: a review).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

const NOW = new Date('2026-12-06T00:00:00Z');

// SkyPilot's own minimal policy.
const FILE_JSON = readFileSync(
  '/work/shared/baselines-src/skypilot-aws-minimal-34478f4.json',
  'utf8',
).replace(/<account-ID-without-hyphens>/g, '123456789012');

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-read-through-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

describe('an input a .tf policy reads', () => {
  it('is named after the policy that read its path, not another policy with the same document', async () => {
    // Two copies of the same policy, each read by its own resource (the first resource reads the
    // second file): each file is read by its resource.
    const root = repo({
      'main.tf': [
        'resource "aws_iam_policy" "one" {',
        '  name   = "skypilot-one"',
        '  policy = file("${path.module}/b.json")',
        '}',
        'resource "aws_iam_policy" "two" {',
        '  name   = "skypilot-two"',
        '  policy = file("${path.module}/a.json")',
        '}',
        '',
      ].join('\n'),
      'a.json': FILE_JSON,
      'b.json': FILE_JSON,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', now: NOW });
    const input = (path: string) => report.inputs.find((i) => i.path === path);
    expect(input('a.json')).toMatchObject({
      status: 'skipped',
      reason: 'read by main.tf aws_iam_policy.two with file(): its policy is audited there',
    });
    expect(input('b.json')).toMatchObject({
      status: 'skipped',
      reason: 'read by main.tf aws_iam_policy.one with file(): its policy is audited there',
    });
  });

  const POLICY = JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'First', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::${bucket}/*' },
        { Sid: 'Second', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::${bucket}' },
      ],
    },
    null,
    2,
  );
  const BUCKET_BASELINE = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::data' },
    ],
  });
  const tfOf = (...calls: string[]) =>
    calls
      .map((c, i) => `resource "aws_iam_policy" "t${i}" {\n  name   = "t${i}"\n  policy = ${c}\n}\n`)
      .join('');

  it('is audited only as rendered when every templatefile() of it was rendered', async () => {
    // A review's case: the template as written read `${bucket}` as any bucket, a false finding.
    const root = repo({
      'main.tf': tfOf('templatefile("${path.module}/policy.json", { bucket = "data" })'),
      'policy.json': POLICY,
      'baseline.json': BUCKET_BASELINE,
    });
    const report = await runAudit({
      root,
      paths: ['main.tf', 'policy.json'],
      baseline: 'baseline.json',
      now: NOW,
    });
    expect(report.inputs.find((i) => i.path === 'policy.json')).toMatchObject({
      status: 'skipped',
      reason:
        'rendered by main.tf aws_iam_policy.t0 with templatefile(): its policy is audited there, as rendered',
    });
    expect(report.policies.map((p) => p.id)).toEqual(['main.tf#aws_iam_policy.t0']);
    expect(report.findings).toEqual([]);
  });

  it('is audited on its own too when a templatefile() of it could not be rendered', async () => {
    const root = repo({
      'main.tf': tfOf(
        'templatefile("${path.module}/policy.json", { bucket = "data" })',
        // (no `bucket`: not rendered)
        'templatefile("${path.module}/policy.json", { other = "x" })',
      ),
      'policy.json': POLICY,
      'baseline.json': BUCKET_BASELINE,
    });
    const report = await runAudit({
      root,
      paths: ['main.tf', 'policy.json'],
      baseline: 'baseline.json',
      now: NOW,
    });
    expect(report.inputs.find((i) => i.path === 'policy.json')?.status).toBe('audited');
    expect(report.policies.map((p) => p.id)).toContain('policy.json');
  });
});
