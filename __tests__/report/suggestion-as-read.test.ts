// A suggested minimal policy is made from the policy as read. Where that differs from the file (values
// not known read as wildcards, a Deny of values not known left out), the suggestion says so, and the
// Markdown report tells to keep a Deny left out: a Deny dropped would widen what the principal holds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { parseReportJson } from '../../src/report/validate.js';

const NOW = new Date('2026-11-22T00:00:00Z');

async function audit(tf: string) {
  const root = mkdtempSync(join(tmpdir(), 'as-read-'));
  writeFileSync(join(root, 'main.tf'), tf);
  return runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
}

const policy = (statements: string) => `
variable "protected" {}
variable "bucket" {}
resource "aws_iam_policy" "p" {
  name   = "skypilot"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
${statements}
    ]
  })
}
`;

describe('a suggestion made from a policy read otherwise than written', () => {
  test('a Deny left out: the suggestion says so, and the Markdown report says to keep it', async () => {
    const report = await audit(
      policy(`      { Effect = "Allow", Action = ["ec2:RunInstances", "iam:*"], Resource = "*" },
      { Effect = "Deny", Action = "iam:DeleteRole", Resource = var.protected }`),
    );
    const s = report.suggestions.find((x) => x.policy === 'main.tf#aws_iam_policy.p')!;
    expect(s.approximate?.some((n) => n.includes('a Deny is never read broader than written'))).toBe(true);
    const md = renderMarkdown(report);
    expect(md).toContain('⚠️ Made from the policy as read, not as written (');
    expect(md).toContain(
      'The Deny statements left out are not in it: keep them as written when you apply it.',
    );
    // Kept through the JSON report and read back (the fork recipe's saved report).
    const back = parseReportJson(renderJson(report));
    expect(back.suggestions.find((x) => x.policy === s.policy)?.approximate).toEqual(s.approximate);
    expect(renderMarkdown(back)).toContain('The Deny statements left out are not in it');
  });

  test('nothing kept but a Deny left out: not "delete the policy"', async () => {
    const report = await audit(
      policy(`      { Effect = "Allow", Action = "sqs:*", Resource = "*" },
      { Effect = "Deny", Action = "iam:DeleteRole", Resource = var.protected }`),
    );
    const md = renderMarkdown(report);
    expect(md).toContain(
      'Every statement read would be removed: keep only the Deny statements that were left out.',
    );
    expect(md).not.toContain('delete the policy (or detach it) instead');
  });

  test('values read as wildcards: compare with the file', async () => {
    const report = await audit(
      policy(
        `      { Effect = "Allow", Action = ["ec2:RunInstances", "s3:GetObject"], Resource = "arn:aws:s3:::\${var.bucket}/*" }`,
      ),
    );
    const s = report.suggestions.find((x) => x.policy === 'main.tf#aws_iam_policy.p')!;
    expect(s.approximate).toBeDefined();
    const md = renderMarkdown(report);
    expect(md).toContain('compare it with the file when you apply it.');
    expect(md).not.toContain('The Deny statements left out');
  });

  test('a policy read as written: no such advice, no field', async () => {
    const report = await audit(
      policy(`      { Effect = "Allow", Action = ["ec2:RunInstances", "iam:*"], Resource = "*" }`),
    );
    const s = report.suggestions.find((x) => x.policy === 'main.tf#aws_iam_policy.p')!;
    expect(s).toBeDefined();
    expect(s.approximate).toBeUndefined();
    expect(renderJson(report)).not.toContain('"approximate": [');
    expect(renderMarkdown(report)).not.toContain('Made from the policy as read');
  });
});
