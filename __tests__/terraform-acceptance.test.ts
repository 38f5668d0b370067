// The Terraform issue's acceptance through runAudit: a principal audited as one, plan changes
// marked new and removed, and every policy accounted for.
import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const FIX = new URL('./fixtures/', import.meta.url).pathname;
const NOW = new Date('2026-11-22T00:00:00Z');

function repoWith(fixtures: string[], files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-tf-'));
  for (const f of fixtures) {
    mkdirSync(join(root, 'infra'), { recursive: true });
    cpSync(join(FIX, f), join(root, 'infra', f.split('/').pop()!));
  }
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const ANALYTICS_BASELINE = `id: analytics-vendor
name: Analytics Vendor
date: '2026-10-01'
default-sets: [ongoing]
sets:
  - name: ongoing
    kind: ongoing
    description: queries and results
    statements:
      - Effect: Allow
        Action: [athena:StartQueryExecution, athena:GetQueryExecution]
        Resource: '*'
      - Effect: Allow
        Action: [s3:PutObject, s3:GetObject]
        Resource: 'arn:aws:s3:::analytics-results/*'
`;

describe('Terraform inputs, end to end', () => {
  it('audits a role split over an inline policy and two attached policies as one principal', async () => {
    const root = repoWith(['tf-plan/written__principal_split.json'], {
      'iam/analytics.yml': ANALYTICS_BASELINE,
      '.github/iam-baseline-audit.yml': [
        'version: 1',
        'baselines: [./iam/analytics.yml]',
        'audits:',
        '  - baseline: ./iam/analytics.yml',
        '    policies: ["terraform:aws_iam_role.analytics"]',
        '',
      ].join('\n'),
    });
    const report = await runAudit({ root, paths: ['infra'], now: NOW });
    const findings = report.findings.filter((f) => f.policy === 'aws_iam_role.analytics');
    // The union grants athena + s3:PutObject (in the baseline) and AmazonS3ReadOnlyAccess (beyond it).
    expect(findings.map((f) => f.kind).sort()).toEqual(['broader-resource', 'excess-action']);
    const excess = findings.find((f) => f.kind === 'excess-action')!;
    expect(excess.actions).toContain('s3:ListBucket');
    expect(excess.address).toBe('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    // s3:GetObject is in the baseline, but the managed policy grants it on every bucket.
    expect(findings.find((f) => f.kind === 'broader-resource')!.actions).toEqual(['s3:GetObject']);
    // No missing permission: the three policies together grant everything the baseline lists.
    expect(report.findings.filter((f) => f.kind === 'missing-permission')).toEqual([]);
    const members = report.policies.filter((p) => p.baseline === 'analytics-vendor').map((p) => p.address);
    expect(members.sort()).toEqual([
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'aws_iam_policy.analytics_data',
      'aws_iam_role_policy.analytics_inline',
    ]);
    // Attachments that could not be resolved are listed, not dropped.
    const unresolved = report.policies.filter((p) => p.status === 'unresolved');
    const missing = unresolved.find((p) => p.address === 'arn:aws:iam::aws:policy/ThisPolicyDoesNotExist')!;
    expect(missing.reason).toMatch(/^attached to aws_iam_user\.alice: not in the bundled snapshot/);
  });

  it('marks what a plan adds as new and lists what it removes', async () => {
    const root = repoWith(['tf-plan/written__changes.json']);
    const report = await runAudit({ root, paths: ['infra'], baseline: 'coiled:ongoing', now: NOW });
    const news = report.findings.filter((f) => f.new === true);
    const old = report.findings.filter((f) => f.new === false);
    const removed = report.findings.filter((f) => f.removed);
    expect(news.length).toBeGreaterThan(0);
    expect(news.some((f) => f.actions.includes('ec2:AllocateAddress'))).toBe(true);
    expect(old.length + removed.length).toBeGreaterThan(0);
    expect(removed.every((f) => f.new === undefined)).toBe(true);
  });

  it('accounts for every policy of every corpus plan and tf.json file', async () => {
    const plans = [
      'awslabs-tipv__iam_policy__test_plan.json',
      'awslabs-tipv__identity_policies__test_plan.json',
      'awslabs-tipv__multiple_policies__test_plan.json',
      'awslabs-tipv__role_inline_assume_policy__test_plan.json',
      'checkov__plan_with_iam_data_block.json',
      'checkov__plan_with_iam_policies.json',
      'regula__admin_policy_infra.json',
      'terraform-json__deep_module_no_iam.json',
    ].map((f) => `tf-plan/${f}`);
    const tfjson = ['aws-samples-ec2RuntimeMonitor__cdk.tf.json', 'regula__cdktf_posts-dev.tf.json'].map(
      (f) => `tf-json/${f}`,
    );
    const root = repoWith([...plans, ...tfjson]);
    const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
    expect(report.inputs.map((i) => i.path).sort()).toEqual(
      [...plans, ...tfjson].map((f) => `infra/${f.split('/')[1]}`).sort(),
    );
    expect(report.inputs.every((i) => i.status === 'audited')).toBe(true);
    const listed = new Set(report.policies.map((p) => p.id));
    for (const input of report.inputs) for (const id of input.policies) expect(listed.has(id)).toBe(true);
    for (const p of report.policies)
      expect(['audited', 'unresolved', 'not-matched', 'invalid']).toContain(p.status);
    expect(
      report.policies.filter((p) => p.status !== 'audited').every((p) => (p.reason ?? '').length > 0),
    ).toBe(true);
  });
});
