// A policy a .tf file reads with file() or templatefile(): its findings point at the statement in
// that file, at the line where the statement starts (as the same JSON audited on its own does).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

const NOW = new Date('2026-11-22T00:00:00Z');

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "First",
      "Effect": "Allow",
      "Action": "ec2:RunInstances",
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::\${bucket}/*"
    }
  ]
}
`;

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'file-lines-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const places = (report: Awaited<ReturnType<typeof runAudit>>, address: string) =>
  new Set(
    report.findings
      .filter((f) => f.address === address && f.kind !== 'missing-permission')
      .map((f) => `${f.statement} ${f.path}:${f.line}`),
  );

describe('the lines of a policy read with file() or templatefile()', () => {
  test('in a module: each statement at its line in the policy file', async () => {
    const root = repo({
      'main.tf': 'module "app" {\n  source = "./modules/app"\n}\n',
      'modules/app/main.tf': `resource "aws_iam_policy" "plain" {
  name   = "skypilot"
  policy = file("\${path.module}/policies/sky.json")
}
resource "aws_iam_policy" "tmpl" {
  name   = "skypilot-t"
  policy = templatefile("\${path.module}/policies/sky.json.tpl", { bucket = "data" })
}
`,
      // (not the same text as the template rendered: a text's place is found by its content)
      'modules/app/policies/sky.json': POLICY.replace('${bucket}', 'other'),
      'modules/app/policies/sky.json.tpl': POLICY,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    // Statement S1 starts at line 4, #1 at line 10, in either file.
    expect(places(report, 'module.app.aws_iam_policy.plain')).toEqual(
      new Set(['First modules/app/policies/sky.json:4', '#1 modules/app/policies/sky.json:10']),
    );
    expect(places(report, 'module.app.aws_iam_policy.tmpl')).toEqual(
      new Set(['First modules/app/policies/sky.json.tpl:4', '#1 modules/app/policies/sky.json.tpl:10']),
    );
  });

  test('a template without a final newline: the same lines', async () => {
    const root = repo({
      'main.tf': `resource "aws_iam_policy" "tmpl" {
  name   = "skypilot-t"
  policy = templatefile("\${path.module}/sky.json.tpl", { bucket = "data" })
}
`,
      'sky.json.tpl': POLICY.trimEnd(),
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    expect(places(report, 'aws_iam_policy.tmpl')).toEqual(
      new Set(['First sky.json.tpl:4', '#1 sky.json.tpl:10']),
    );
  });

  // A template that is one `${jsonencode({...})}` (zdeniacz/awstraining-monitoring
  // policies/ecs-task-role-policy.tpl): its text renders on one line, and its statements are
  // pointed at where each object is written in the template, as a jsonencode() in a .tf file is.
  const JSONENCODE_TEMPLATE = `\${jsonencode(
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "First",
      "Effect": "Allow",
      "Action": "ec2:RunInstances",
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::\${bucket}/*"
    }
  ]
}
)
}
`;

  test('a template that is one jsonencode(): each statement at the line of its object in the template', async () => {
    const root = repo({
      'main.tf': 'module "app" {\n  source = "./modules/app"\n}\n',
      'modules/app/main.tf': `resource "aws_iam_policy" "tmpl" {
  name   = "skypilot-t"
  policy = templatefile("\${path.module}/task.tpl", { bucket = "data" })
}
`,
      'modules/app/task.tpl': JSONENCODE_TEMPLATE,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    expect(places(report, 'module.app.aws_iam_policy.tmpl')).toEqual(
      new Set(['First modules/app/task.tpl:5', '#1 modules/app/task.tpl:11']),
    );
  });

  test('a template that is one jsonencode() of a value not known: the same lines', async () => {
    const root = repo({
      'main.tf': `variable "bucket" {
  type = string
}
resource "aws_iam_policy" "tmpl" {
  name   = "skypilot-t"
  policy = templatefile("\${path.module}/task.tpl", { bucket = var.bucket })
}
`,
      'task.tpl': JSONENCODE_TEMPLATE.trimEnd(),
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    expect(places(report, 'aws_iam_policy.tmpl')).toEqual(new Set(['First task.tpl:5', '#1 task.tpl:11']));
  });

  test('a root module in a directory: the path from the audit root', async () => {
    const root = repo({
      'infra/main.tf': `resource "aws_iam_policy" "plain" {
  name   = "skypilot"
  policy = file("\${path.module}/sky.json")
}
`,
      'infra/sky.json': POLICY.replace('${bucket}', 'data'),
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    expect(places(report, 'aws_iam_policy.plain')).toEqual(
      new Set(['First infra/sky.json:4', '#1 infra/sky.json:10']),
    );
  });

  test("an ignore rule naming the .tf file still hides its findings (a review: they moved to the policy's file)", async () => {
    const root = repo({
      'main.tf': `resource "aws_iam_policy" "plain" {
  name   = "skypilot"
  policy = file("\${path.module}/sky.json")
}
`,
      'sky.json': POLICY.replace('${bucket}', 'data'),
      '.github/iam-baseline-audit.yml': `version: 1
ignore:
  - action: 's3:*'
    policies: ['main.tf']
    reason: the data bucket is ours
`,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const s3 = report.findings.filter((f) => f.actions.some((a) => a.startsWith('s3:')));
    expect(s3.length).toBeGreaterThan(0);
    expect(s3.every((f) => f.ignored !== undefined)).toBe(true);
    expect((report.notes ?? []).join(' ')).not.toContain('matches no finding');
  });

  test('the same text in two places: each policy keeps its own line in the .tf file (a review)', async () => {
    const same = POLICY.replace('${bucket}', 'data');
    const root = repo({
      'main.tf': `resource "aws_iam_policy" "h" {
  name   = "skypilot-h"
  policy = <<EOT
${same}EOT
}
resource "aws_iam_policy" "a" {
  name   = "skypilot-a"
  policy = file("\${path.module}/a.json")
}
resource "aws_iam_policy" "c" {
  name   = "skypilot-c"
  policy = file("\${path.module}/c.json")
}
`,
      'a.json': same,
      'c.json': same,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    for (const [address, file] of [
      ['aws_iam_policy.h', 'main.tf'],
      ['aws_iam_policy.a', 'main.tf'],
      ['aws_iam_policy.c', 'main.tf'],
    ] as const) {
      const where = [...places(report, address)];
      expect(where.length).toBeGreaterThan(0);
      for (const w of where) expect(w).toContain(` ${file}:`);
    }
  });

  test("a template with a directive: its lines are not the rendered ones, so the template's first line is pointed at (two reviews)", async () => {
    const root = repo({
      'main.tf': `resource "aws_iam_policy" "tmpl" {
  name   = "skypilot-t"
  policy = templatefile("\${path.module}/p.json.tpl", { buckets = ["a", "b"] })
}
`,
      'p.json.tpl': `{
  "Version": "2012-10-17",
  "Statement": [
%{ for b in buckets ~}
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::\${b}/*"
    },
%{ endfor ~}
    {
      "Effect": "Allow",
      "Action": "ec2:RunInstances",
      "Resource": "*"
    }
  ]
}
`,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const where = [...places(report, 'aws_iam_policy.tmpl')];
    expect(where.length).toBeGreaterThan(0);
    for (const w of where) expect(w).toMatch(/ p\.json\.tpl:1$/);
  });

  test('the same policy text in two root modules: each at its own lines (a second review)', async () => {
    const heredoc = (pad: string) => `${pad}resource "aws_iam_policy" "p" {
  name   = "skypilot"
  policy = <<EOT
${POLICY.replace('${bucket}', 'data')}EOT
}
`;
    const root = repo({
      'envs/dev/main.tf': heredoc('# dev\n\n'),
      'envs/prod/main.tf': heredoc(''),
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const byFile = (file: string) =>
      new Set(
        report.findings
          .filter((f) => f.kind !== 'missing-permission' && f.path === file)
          .map((f) => `${f.statement} ${f.line}`),
      );
    // The statements start at lines 7 and 13 of the text, two lines lower in dev.
    expect(byFile('envs/dev/main.tf')).toEqual(new Set(['First 9', '#1 15']));
    expect(byFile('envs/prod/main.tf')).toEqual(new Set(['First 7', '#1 13']));
  });

  test("a rule naming the policy's JSON file that matches nothing is named as stale (a second review)", async () => {
    const root = repo({
      'main.tf': `resource "aws_iam_policy" "plain" {
  name   = "skypilot"
  policy = file("\${path.module}/sky.json")
}
`,
      'sky.json': POLICY.replace('${bucket}', 'data'),
      '.github/iam-baseline-audit.yml': `version: 1
ignore:
  - action: 'sqs:DeleteQueue'
    policies: ['*.json']
    reason: gone
`,
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    expect((report.notes ?? []).join(' ')).toContain('The ignore rule for sqs:DeleteQueue');
  });
});
