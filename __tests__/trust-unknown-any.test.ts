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

// (a review) A trust policy file of its own, `"AWS": "*"` with an external ID, audited with
// --baseline coiled, was left out as another role's trust: the least restrictive trust was the one
// not audited, where the same trust on a Terraform role of Coiled's permissions was critical.
describe('a trust policy audited with the baseline named for it', () => {
  const trust = (principal: unknown) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: principal,
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'abc' } },
        },
      ],
    });
  const audit = async (text: string) => {
    const root = mkdtempSync(join(tmpdir(), 'trust-named-'));
    writeFileSync(join(root, 'trust.json'), text);
    return runAudit({ root, paths: ['.'], baseline: 'coiled', now: new Date('2026-12-07T00:00:00Z') });
  };

  it('"AWS": "*" is held to the vendor\'s trust: critical', async () => {
    const r = await audit(trust({ AWS: '*' }));
    expect(r.policies.map((p) => [p.kind, p.status])).toEqual([['trust', 'audited']]);
    expect(r.findings.map((f) => [f.kind, f.severity, f.resources])).toEqual([
      ['broader-trust', 'critical', ['*']],
    ]);
  });

  // (a second review) A whole repository audited with --baseline coiled: another integration's
  // Terraform role (Snowflake's, its principal and external ID variables) is not Coiled's.
  it("a Terraform role that trusts a variable under an external ID is not the named vendor's", async () => {
    const root = mkdtempSync(join(tmpdir(), 'trust-named-tf-'));
    writeFileSync(
      join(root, 'main.tf'),
      `variable "snowflake_user_arn" {}
variable "snowflake_external_id" {}
resource "aws_iam_role" "snowflake" {
  name = "snowflake-storage-integration"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = var.snowflake_user_arn }, Action = "sts:AssumeRole", Condition = { StringEquals = { "sts:ExternalId" = var.snowflake_external_id } } }]
  })
}
`,
    );
    const r = await runAudit({
      root,
      paths: ['.'],
      baseline: 'coiled',
      now: new Date('2026-12-07T00:00:00Z'),
    });
    expect(r.policies.map((p) => [p.kind, p.status])).toEqual([['trust', 'not-matched']]);
    expect(r.findings).toEqual([]);
  });

  it("a service's trust (an instance role's) is still another role's, not audited", async () => {
    const r = await audit(trust({ Service: 'ec2.amazonaws.com' }));
    expect(r.policies.map((p) => [p.kind, p.status])).toEqual([['trust', 'not-matched']]);
    expect(r.findings).toEqual([]);
  });
});
