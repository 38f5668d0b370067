// A `.tf` policy read from a file with file() or templatefile(): in a pull request, its base is the
// base's `.tf` reading the BASE's version of that file. Before, the base's `.tf` read the working
// tree's (the head's) file, so excess added only to the JSON or the template was never new, and
// `fail-on: new` passed (a review).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit, type BaseRead } from '../src/audit/run.js';
import { makeBaseReader } from '../src/github/base.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-12-06T00:00:00Z');

// SkyPilot's own minimal policy, as a file read with file() and as a template of its account.
const SKYPILOT = readFileSync('/work/shared/baselines-src/skypilot-aws-minimal-34478f4.json', 'utf8');
const FILE_JSON = SKYPILOT.replace(/<account-ID-without-hyphens>/g, '123456789012');
const TEMPLATE = SKYPILOT.replace(/<account-ID-without-hyphens>/g, '${account_id}');
/** The policy with `iam:*` added to its `ec2:Describe*` statement. */
const withIam = (text: string) => {
  const out = text.replace(/"ec2:Describe\*"\n/, '"ec2:Describe*",\n                "iam:*"\n');
  if (out === text) throw new Error('the policy has no ec2:Describe* statement to add iam:* to');
  return out;
};

const MAIN_TF = `variable "account_id" {
  default = "123456789012"
}
resource "aws_iam_policy" "skypilot_tpl" {
  name   = "skypilot-v1"
  policy = templatefile("\${path.module}/skypilot-policy.json.tpl", { account_id = var.account_id })
}
resource "aws_iam_policy" "skypilot_file" {
  name   = "skypilot-v1-file"
  policy = file("\${path.module}/skypilot-file.json")
}
`;

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-pr-file-fn-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const BASE = {
  'infra/sky/main.tf': MAIN_TF,
  'infra/sky/skypilot-file.json': FILE_JSON,
  'infra/sky/skypilot-policy.json.tpl': TEMPLATE,
};

/** Reads the base from a map of its files. */
const baseOf =
  (files: Record<string, string>): BaseRead =>
  async (p) =>
    files[p];

const iamFindings = (report: Report, address: string) =>
  report.findings.filter(
    (f) => f.policy === `infra/sky/main.tf#${address}` && f.actions.some((a) => a.startsWith('iam:')),
  );

async function audit(head: Record<string, string>, readBase: BaseRead, root = repo(head)): Promise<Report> {
  return runAudit({ root, paths: ['.'], baseline: 'skypilot', now: NOW, readBase });
}

describe("a .tf policy's file() and templatefile() at the pull request's base", () => {
  it('marks excess added only to the JSON file a .tf policy reads with file() as new', async () => {
    const head = { ...BASE, 'infra/sky/skypilot-file.json': withIam(FILE_JSON) };
    const report = await audit(head, baseOf(BASE));
    const added = iamFindings(report, 'aws_iam_policy.skypilot_file');
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((f) => f.new === true)).toBe(true);
    // (the other policy did not change: nothing of it is new)
    expect(
      report.findings.filter((f) => f.new === true).every((f) => f.policy.endsWith('skypilot_file')),
    ).toBe(true);
  });

  it('marks excess added only to the template a .tf policy renders with templatefile() as new', async () => {
    const head = { ...BASE, 'infra/sky/skypilot-policy.json.tpl': withIam(TEMPLATE) };
    const report = await audit(head, baseOf(BASE));
    const added = iamFindings(report, 'aws_iam_policy.skypilot_tpl');
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((f) => f.new === true)).toBe(true);
    expect(
      report.findings.filter((f) => f.new === true).every((f) => f.policy.endsWith('skypilot_tpl')),
    ).toBe(true);
  });

  it('reads no finding as in the base when the file file() reads is not at the base', async () => {
    // The base's file() fails there, as Terraform's would: the policy was not known at the base.
    const head = { ...BASE, 'infra/sky/skypilot-file.json': withIam(FILE_JSON) };
    const base: Record<string, string> = { ...BASE };
    delete base['infra/sky/skypilot-file.json'];
    const report = await audit(head, baseOf(base));
    const added = iamFindings(report, 'aws_iam_policy.skypilot_file');
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((f) => f.new !== false)).toBe(true);
  });

  it('reads the base of the JSON file from git, as the action does', async () => {
    const root = repo(BASE);
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=a@b', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=a@b', '-c', 'user.name=t', 'commit', '-q', '-m', 'base');
    const ref = git('rev-parse', 'HEAD');
    writeFileSync(join(root, 'infra/sky/skypilot-policy.json.tpl'), withIam(TEMPLATE));
    const report = await audit({}, makeBaseReader({ root, ref }), root);
    const added = iamFindings(report, 'aws_iam_policy.skypilot_tpl');
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((f) => f.new === true)).toBe(true);
    expect(
      report.findings.filter((f) => f.new === true).every((f) => f.policy.endsWith('skypilot_tpl')),
    ).toBe(true);
  });
});

// (a review) One expression reading many files: file() fails on a file not read from the base yet,
// so a pass found one more file each, and past five passes the base's policy was not read: every
// finding of a pull request that changed nothing else was new.
describe('a .tf policy made of many files at the base', () => {
  const COILED = JSON.parse(
    readFileSync('/work/shared/baselines-src/coiled-cli-setup-aws-ongoing-policy.json', 'utf8'),
  ) as { Statement: Record<string, unknown>[] };
  // Coiled's ongoing policy with one statement broadened (a finding at the base too), one file a statement.
  const statements = COILED.Statement.map((s) =>
    s.Sid === 'OngoingAttachInstancePolicy' ? { ...s, Resource: '*' } : s,
  );
  const files: Record<string, string> = {};
  statements.forEach((s, i) => {
    files[`infra/parts/p${i}.json`] = JSON.stringify({ Version: '2012-10-17', Statement: [s] }, null, 2);
  });
  const names = statements.map((_, i) => `"p${i}"`).join(', ');

  it.each([
    [
      'concat() of file() calls',
      `policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(${statements
      .map((_, i) => `jsondecode(file("\${path.module}/parts/p${i}.json")).Statement`)
      .join(', ')})
  })`,
    ],
    [
      'a for expression over file() in source_policy_documents',
      'policy = data.aws_iam_policy_document.coiled.json',
    ],
  ])('%s: nothing is new when only another file changes', async (_, policy) => {
    const tf = `locals {
  parts = [${names}]
}
data "aws_iam_policy_document" "coiled" {
  source_policy_documents = [for n in local.parts : file("\${path.module}/parts/\${n}.json")]
}
resource "aws_iam_policy" "coiled" {
  name = "coiled-ongoing"
  ${policy}
}
`;
    const base = { ...files, 'infra/main.tf': tf, 'README.md': '# infra\n' };
    const head = { ...base, 'README.md': '# infra\nmore\n' };
    expect(statements.length).toBeGreaterThan(5);
    const report = await runAudit({
      root: repo(head),
      paths: ['infra'],
      baseline: 'coiled',
      now: NOW,
      readBase: baseOf(base),
    });
    const audited = report.findings.filter((f) => f.policy === 'infra/main.tf#aws_iam_policy.coiled');
    expect(audited.some((f) => f.kind === 'broader-resource' || f.kind === 'excess-action')).toBe(true);
    expect(report.findings.filter((f) => f.new === true)).toEqual([]);
  });
});

// (a review) A module the audited `.tf` files call, outside the paths audited: its `.tf` was read
// from the working tree at the base, so excess added to it was never new (while excess added to
// the JSON file it reads was).
describe('a module called from the audited files, at the base', () => {
  const CALLER = `module "iam" {
  source = "../../modules/iam"
}
`;
  const MODULE = `resource "aws_iam_policy" "skypilot" {
  name   = "skypilot-v1-file"
  policy = file("\${path.module}/skypilot-file.json")
}
`;
  const base = {
    'infra/envs/prod/main.tf': CALLER,
    'infra/modules/iam/main.tf': MODULE,
    'infra/modules/iam/skypilot-file.json': FILE_JSON,
  };
  const extra = `resource "aws_iam_policy" "more" {
  name = "skypilot-more"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }]
  })
}
`;

  it.each([
    ['its .tf', { 'infra/modules/iam/main.tf': MODULE + extra }],
    ['the JSON file it reads', { 'infra/modules/iam/skypilot-file.json': withIam(FILE_JSON) }],
  ])('excess added to %s is new', async (_, change) => {
    const head = { ...base, ...change };
    const report = await runAudit({
      root: repo(head),
      paths: ['infra/envs'],
      baseline: 'skypilot',
      now: NOW,
      readBase: baseOf(base),
    });
    const iam = report.findings.filter((f) => f.actions.some((a) => a.startsWith('iam:')) && f.new === true);
    expect(iam.length).toBeGreaterThan(0);
  });

  it('nothing is new when the module did not change', async () => {
    const before = { ...base, 'infra/modules/iam/main.tf': MODULE + extra };
    const report = await runAudit({
      root: repo(before),
      paths: ['infra/envs'],
      baseline: 'skypilot',
      now: NOW,
      readBase: baseOf(before),
    });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.filter((f) => f.new === true)).toEqual([]);
  });
});
