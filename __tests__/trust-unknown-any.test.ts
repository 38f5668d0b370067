// A trust policy whose principal is a value not known here (`identifiers = local.trusted_arns`,
// Anyscale's module) is read as `"AWS": "*"`: its finding said "lets any AWS account assume the
// role", a claim about the configuration that the audit cannot make (a review). It says the `*`
// is as read, in a policy with values not known here (a literal `*` beside another value not
// known reads the same: which one it is is not told apart); high, approximate, as before.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const TF = `
variable "trusted_arns" {}
resource "aws_iam_role" "anyscale" {
  name = "anyscale-iam-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = var.trusted_arns }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.anyscale.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ec2:DescribeInstances", Resource = "*" }]
  })
}
`;

describe('a trust principal not known here, read as "*"', () => {
  it('is told as read, high and approximate', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trust-unknown-'));
    writeFileSync(join(root, 'main.tf'), TF);
    const r = await runAudit({
      root,
      paths: ['.'],
      baseline: 'anyscale',
      now: new Date('2026-12-07T00:00:00Z'),
    });
    const any = r.findings.filter((f) => f.kind === 'broader-trust' && f.resources.includes('*'));
    expect(
      any.map((f) => [f.severity, f.message.split(';').slice(0, 2).join(';'), f.approximate !== undefined]),
    ).toEqual([
      [
        'high',
        'lets any AWS account assume the role ("AWS": "*" as read; the policy has values not known here, read as wildcards)',
        true,
      ],
    ]);
  });
});
