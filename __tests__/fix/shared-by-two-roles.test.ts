// One policy attached to two roles, each role audited against its own baseline (a review): the
// report headed the Coiled role's findings "baseline skypilot" (the policy's record is one
// audit's), the suggestion added parts that another part already grants on `*` (one audit narrows
// what the other keeps on `*`), and `fix` then gave a reason that did not apply ("its minimal
// policy is the policy as written …") instead of naming the two audits.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { planFixes } from '../../src/fix/index.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { NOW, readIn, repo } from './helpers.js';

const role = (name: string, roleName: string) =>
  `resource "aws_iam_role" "${name}" {\n  name               = "${roleName}"\n  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "sts:AssumeRole" }] })\n}\n`;
const attach = (name: string, r: string) =>
  `resource "aws_iam_role_policy_attachment" "${name}" {\n  role       = aws_iam_role.${r}.name\n  policy_arn = aws_iam_policy.shared.arn\n}\n`;
const SHARED = `resource "aws_iam_policy" "shared" {
  name = "shared"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "Mixed"
        Effect = "Allow"
        Action = [
          "ec2:CreateFleet",
          "ec2:RunInstances",
          "ec2:StartInstances",
          "s3:DeleteBucket",
        ]
        Resource = "*"
      },
    ]
  })
}
`;
const FILES = {
  'main.tf': [
    role('coiled', 'coiled-role'),
    role('sky', 'skypilot-v1'),
    SHARED,
    attach('a', 'coiled'),
    attach('b', 'sky'),
  ].join('\n'),
  '.github/iam-baseline-audit.yml': `version: 1
account-id: "123456789012"
audits:
  - baseline: coiled
    policies: ["terraform:aws_iam_role.coiled"]
  - baseline: skypilot
    policies: ["terraform:aws_iam_role.sky"]
`,
};

describe('a policy two roles hold, audited against two baselines', () => {
  it("each role's findings are headed with its own baseline", async () => {
    const report = await runAudit({ root: repo(FILES), paths: ['.'], now: NOW });
    const byRole = (r: string) =>
      new Set(report.findings.filter((f) => f.policy === r).map((f) => f.baseline));
    expect(byRole('aws_iam_role.coiled')).toEqual(new Set(['coiled']));
    expect(byRole('aws_iam_role.sky')).toEqual(new Set(['skypilot']));
    const text = renderText(report, { color: false });
    expect(text).toMatch(/aws_iam_role\.coiled \(baseline coiled\)/);
    expect(text).toMatch(/aws_iam_role\.sky \(baseline skypilot: minimal\)/);
    expect(text).not.toMatch(/aws_iam_role\.coiled \(baseline skypilot/);
    const md = renderMarkdown(report);
    expect(md).toMatch(/`aws_iam_role\.coiled`\nBaseline `coiled`\n/);
  });

  it('fix removes what both call excess, adds no part that another grants on `*`, and names the two audits for the rest', async () => {
    const root = repo(FILES);
    const report = await runAudit({ root, paths: ['.'], now: NOW });
    const plan = planFixes(report, readIn(root));
    expect(plan.files.map((f) => f.path)).toEqual(['main.tf']);
    const after = plan.files[0]!.after;
    expect(after).not.toContain('s3:DeleteBucket');
    expect(after).not.toContain('Mixed2');
    for (const a of ['ec2:CreateFleet', 'ec2:RunInstances', 'ec2:StartInstances']) expect(after).toContain(a);
    writeFileSync(join(root, 'main.tf'), after);
    const again = planFixes(await runAudit({ root, paths: ['.'], now: NOW }), readIn(root));
    expect(again.files).toEqual([]);
    expect(again.notFixed.map((n) => n.reason)).toEqual([
      expect.stringContaining(
        'it is audited against coiled and skypilot, and no statement is excess for all of them',
      ),
    ]);
    expect(readFileSync(join(root, 'main.tf'), 'utf8')).toBe(after);
  });
});
