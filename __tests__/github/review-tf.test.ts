// A Terraform policy whose fix lies partly outside the pull request's diff: the part inside (a
// condition block the pull request deleted, put back) is posted when the file with only that part
// applied still reads as the same policies (src/sources/hcl), as for JSON and YAML. On Coiled's own
// iam.tf, whose policies have findings outside the diff.
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { runAudit } from '../../src/audit/run.js';
import { hclModuleReader } from '../../src/fix/hcl.js';
import { partGrantsNoMore, planFixes } from '../../src/fix/index.js';
import { hunkRanges } from '../../src/github/pr-diff.js';
import { planReview, validHclFile } from '../../src/github/review.js';
import { applySuggestions } from '../../src/github/suggest.js';
import { NOW, readIn, repo } from '../fix/helpers.js';

const TF = new URL('../fixtures/hcl/coiled-terraform-template/iam.tf', import.meta.url).pathname;
const base = readFileSync(TF, 'utf8');
const CONDITION = `    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "ec2:ResourceTag/owner"
      values   = ["coiled"]
    }
`;
const HEAD = base.replace(CONDITION, `    resources = ["*"]\n`);
const head = HEAD;
const VARS =
  'variable "coiled_account_id" { default = "077742499581" }\nvariable "coiled_workspace_name" { default = "acme" }\n' +
  'locals {\n  current_account_id = data.aws_caller_identity.current.account_id\n  current_region = data.aws_region.current.name\n}\n' +
  'data "aws_caller_identity" "current" {}\ndata "aws_region" "current" {}\n' +
  'resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }\nresource "aws_cloudwatch_log_group" "cluster_log_group" { name = "coiled" }\n';

async function review(head = HEAD) {
  const root = repo({ 'infra/iam.tf': head, 'infra/main.tf': VARS });
  const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
  const diff = new Map([
    ['infra/iam.tf', hunkRanges(createTwoFilesPatch('a', 'b', base, head, '', '', { context: 3 }))],
  ]);
  const plan = planReview({
    report,
    texts: new Map([['infra/iam.tf', head]]),
    diff,
    prefix: '',
    planFixes,
    mode: 'suggest',
    key: 'default',
    readOther: readIn(root),
  });
  return { root, report, plan };
}

describe('Terraform: a suggestion inside the diff when the policy has findings elsewhere', () => {
  it('the deleted condition is suggested back; applied alone, the module still reads the same policies', async () => {
    expect(head).not.toBe(base);
    const { root, report, plan } = await review();
    const dropped = (f: { kind: string; statement?: string }) =>
      f.kind === 'missing-condition' && f.statement === 'TerminateInstances';
    const policy = report.findings.find(dropped)?.policy;
    expect(policy).toBeDefined();
    // The policy has findings outside the diff too: its whole fix is not postable.
    expect(report.findings.filter((f) => f.policy === policy && !dropped(f)).length).toBeGreaterThan(0);
    expect(plan.comments.map((c) => [c.start, c.end, c.replacement.length])).toEqual([[152, 152, 6]]);
    const applied = applySuggestions(head, plan.comments);
    expect(applied).toContain(CONDITION);
    expect(validHclFile(report, readIn(root))('infra/iam.tf', head, applied)).toBe(true);
    const c = plan.comments.find((x) => x.findings.some(dropped));
    expect(c?.body).toMatch(/Adds the condition/);
    // Committed: the condition's finding is gone, the others stay as they were.
    const again = await runAudit({
      root: repo({ 'infra/iam.tf': applied, 'infra/main.tf': VARS }),
      paths: ['.'],
      baseline: 'coiled',
      now: NOW,
    });
    expect(again.findings.filter(dropped)).toEqual([]);
    expect(again.findings.length).toBe(report.findings.length - 1);
  });

  it("with a statement added too (the reviewer's s9): both suggested, and committed together they leave neither finding", async () => {
    const debug = HEAD.replace(
      '  statement {\n    sid       = "ECRToken"',
      '  statement {\n    sid       = "Debug"\n    actions   = ["s3:*", "iam:PassRole"]\n    resources = ["*"]\n  }\n  statement {\n    sid       = "ECRToken"',
    );
    expect(debug).not.toBe(HEAD);
    const { report, plan } = await review(debug);
    expect(report.findings.some((f) => f.statement === 'Debug')).toBe(true);
    const applied = applySuggestions(debug, plan.comments);
    expect(applied).toContain(CONDITION);
    const again = await runAudit({
      root: repo({ 'infra/iam.tf': applied, 'infra/main.tf': VARS }),
      paths: ['.'],
      baseline: 'coiled',
      now: NOW,
    });
    expect(
      again.findings.filter((f) => f.statement === 'Debug' || f.statement === 'TerminateInstances'),
    ).toEqual([]);
  });

  it('a part that drops a condition grants more: refused, read through the module', async () => {
    const root = repo({ 'infra/iam.tf': base, 'infra/main.tf': VARS });
    const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
    const module = hclModuleReader(report, readIn(root));
    const records = (text: string) => module({ 'infra/iam.tf': text }).flatMap((r) => r.policies);
    expect(partGrantsNoMore('infra/iam.tf', base, head, base, records)).toBe(false);
    expect(partGrantsNoMore('infra/iam.tf', base, base, base, records)).toBe(true);
  });

  it('a .tf edit that no longer parses, or loses a policy, is not valid; one that keeps them is', async () => {
    const root = repo({ 'infra/iam.tf': head, 'infra/main.tf': VARS });
    const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
    const valid = validHclFile(report, readIn(root));
    expect(valid('infra/iam.tf', head, head)).toBe(true);
    expect(valid('infra/iam.tf', head, head.replace('statement {', 'statement {{'))).toBe(false);
    const last = head.lastIndexOf('data "aws_iam_policy_document"');
    expect(last).toBeGreaterThan(0);
    expect(valid('infra/iam.tf', head, head.slice(0, last))).toBe(false);
  });
});
