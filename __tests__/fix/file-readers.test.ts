// A policy file that several .tf policies read is rewritten only for what every one of them calls
// excess, and never when one of them reads it in a way fix does not follow (a review: `fix`
// rewrote p.json for the Coiled policy that reads it with file("${path.module}/p.json") and took
// the S3 access of the app policy that reads the same file, when that policy was not matched to a
// baseline, or read it with templatefile() or a bare file("p.json")).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { planFixes } from '../../src/fix/index.js';
import { NOW, readIn, repo } from './helpers.js';

const POLICY = `${JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Describe',
        Effect: 'Allow',
        Action: ['ec2:DescribeInstances', 'ec2:DescribeImages', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        Resource: '*',
      },
      {
        Sid: 'Buckets',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: 'arn:aws:s3:::my-data/*',
      },
    ],
  },
  null,
  2,
)}\n`;

const resource = (name: string, policy: string) =>
  `resource "aws_iam_policy" "${name}" {\n  name   = "${name === 'coiled' ? 'coiled-ongoing' : 'app-data'}"\n  policy = ${policy}\n}\n`;

/** The app's own baseline: exactly what the file grants. */
const APP_BASELINE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'ec2:DescribeInstances',
        'ec2:DescribeImages',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcs',
        's3:GetObject',
        's3:PutObject',
      ],
      Resource: '*',
    },
  ],
});

async function fix(appReads: string, config?: string) {
  const files: Record<string, string> = {
    'main.tf': resource('coiled', 'file("${path.module}/p.json")') + '\n' + resource('app', appReads),
    'p.json': POLICY,
  };
  if (config) {
    files['.github/iam-baseline-audit.yml'] = config;
    files['app-baseline.json'] = APP_BASELINE;
  }
  const root = repo(files);
  const report = await runAudit({ root, paths: ['.'], now: NOW });
  const plan = planFixes(report, readIn(root));
  for (const f of plan.files) writeFileSync(join(root, f.path), f.after);
  return { report, plan, after: readIn(root)('p.json')! };
}

const CONFIG = `version: 1
audits:
  - baseline: coiled
    policies: ["terraform:aws_iam_policy.coiled"]
  - baseline: ./app-baseline.json
    policies: ["terraform:aws_iam_policy.app"]
`;

describe('a policy file read by two .tf policies', () => {
  it('the other reader not matched to any baseline keeps the file as written', async () => {
    const { report, plan, after } = await fix('file("${path.module}/p.json")');
    // (the precondition: Coiled's audit calls the S3 statement excess, the app is not audited)
    expect(report.policies.find((p) => p.id === 'main.tf#aws_iam_policy.coiled')?.baseline).toBe('coiled');
    expect(report.policies.find((p) => p.id === 'main.tf#aws_iam_policy.app')?.status).toBe('not-matched');
    expect(report.suggestions.some((s) => s.policy === 'main.tf#aws_iam_policy.coiled')).toBe(true);
    expect(after).toBe(POLICY);
    expect(plan.files).toEqual([]);
    const reason = plan.notFixed.find((n) => n.policy === 'main.tf#aws_iam_policy.coiled')?.reason ?? '';
    expect(reason).toContain('main.tf#aws_iam_policy.app (no baseline)');
  });

  it.each([
    ['a bare file("p.json")', 'file("p.json")', 'the path "p.json" at main.tf:8'],
    [
      'templatefile()',
      'templatefile("${path.module}/p.json", {})',
      'the path "${path.module}/p.json" at main.tf:8',
    ],
    ['a path in a local', 'file(local.policy_path)', 'file(local.policy_path) at main.tf:8'],
  ])('the other reader reads it with %s: not fixed, and the place is named', async (_, call, named) => {
    const { plan, after } = await fix(call, CONFIG);
    expect(after).toBe(POLICY);
    expect(plan.files).toEqual([]);
    const reason = plan.notFixed.find((n) => n.policy === 'main.tf#aws_iam_policy.coiled')?.reason ?? '';
    expect(reason).toContain(`p.json may also be read elsewhere (${named})`);
  });

  // (a second review: a path with a variable in a module's subdirectory, a local_file data source
  // and a .tf.json file were readers not seen; a comment naming the file was taken for one)
  it.each([
    [
      'a path with a variable, from a subdirectory',
      {
        'main.tf':
          'variable "name" {}\nresource "aws_iam_role_policy" "x" {\n  role   = "r"\n  policy = file("${path.module}/policies/${var.name}.json")\n}\n',
      },
      'the path "${path.module}/policies/${var.name}.json" at main.tf:4',
    ],
    [
      'a local_file data source',
      {
        'main.tf':
          'data "local_file" "p" {\n  filename = "${path.module}/policies/p.json"\n}\nresource "aws_iam_role_policy" "x" {\n  role   = "r"\n  policy = data.local_file.p.content\n}\n',
      },
      'the path "${path.module}/policies/p.json" at main.tf:2',
    ],
    [
      'a .tf.json file',
      {
        'main.tf.json': JSON.stringify({
          resource: {
            aws_iam_role_policy: { x: { role: 'r', policy: '${file("${path.module}/policies/p.json")}' } },
          },
        }),
      },
      'a mention of p.json at main.tf.json:1',
    ],
  ])('a policy file read by %s is not rewritten', async (_, tf, named) => {
    const root = repo({ ...tf, 'policies/p.json': POLICY });
    const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
    const plan = planFixes(report, readIn(root));
    expect(plan.files).toEqual([]);
    const reason = plan.notFixed.find((n) => n.path === 'policies/p.json')?.reason ?? '';
    expect(reason).toContain(`policies/p.json may also be read elsewhere (${named})`);
  });

  it('a comment that names the file is not a reader', async () => {
    const root = repo({
      'main.tf':
        '# policy = file("policies/p.json") was the old way\nresource "aws_iam_user" "u" {\n  name = "u"\n}\n',
      'policies/p.json': POLICY,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
    const plan = planFixes(report, readIn(root));
    expect(plan.notFixed.filter((n) => n.path === 'policies/p.json')).toEqual([]);
    expect(plan.files.map((f) => f.path)).toEqual(['policies/p.json']);
  });

  it('a file of the same name in another module is not a reader', async () => {
    const root = repo({
      'main.tf': resource('coiled', 'file("${path.module}/p.json")'),
      'p.json': POLICY,
      'modules/other/main.tf': resource('app', 'file("${path.module}/p.json")'),
      'modules/other/p.json': POLICY,
    });
    const report = await runAudit({ root, paths: ['.'], now: NOW });
    const plan = planFixes(report, readIn(root));
    expect(plan.notFixed.filter((n) => n.policy === 'main.tf#aws_iam_policy.coiled')).toEqual([]);
    expect(plan.files.map((f) => f.path)).toEqual(['p.json']);
    expect(plan.files[0]!.after).not.toContain('s3:GetObject');
  });
});
