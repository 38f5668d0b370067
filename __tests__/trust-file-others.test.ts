// A policy whose role is not known here is judged by the trust policies of its file. Anyscale's
// own module's iam-policies-data.tf, read on its own, holds two: the cluster nodes' (ec2.amazonaws.com) and the
// cross-account role's (principals from a local, not known here). Its steady-state policy was left
// out as "an instance or service role's policy (its file's trust policy lets only
// ec2.amazonaws.com assume the role)", which that file does not say (a review). It is audited
// now, the doubt said in its evidence.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const FIX = new URL('./fixtures/hcl/anyscale-aws-anyscale-iam/', import.meta.url).pathname;
const ID = 'iam-policies-data.tf#data.aws_iam_policy_document.iam_anyscale_steadystate_policy';

test("Anyscale's module: the steady-state policy is audited against anyscale, unsure of its role", async () => {
  const root = mkdtempSync(join(tmpdir(), 'trust-others-'));
  cpSync(join(FIX, 'iam-policies-data.tf'), join(root, 'iam-policies-data.tf'));
  const r = await runAudit({ root, paths: ['.'] });
  const p = r.policies.find((x) => x.id === ID)!;
  expect([p.status, p.baseline]).toEqual(['audited', 'anyscale']);
  expect(p.detection!.evidence).toContainEqual(
    expect.stringMatching(
      /^principal: unsure: its file's trust policies name a service \(ec2\.amazonaws\.com\) and principals that may be another account's \(not known here\)/,
    ),
  );
});

test("with only the service trust policy in its file, it is still left out as an instance role's", async () => {
  const root = mkdtempSync(join(tmpdir(), 'trust-others-'));
  const text = readFileSync(join(FIX, 'iam-policies-data.tf'), 'utf8');
  const start = text.indexOf('data "aws_iam_policy_document" "iam_anyscale_crossacct_assumerole_policy"');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = text.indexOf('\ndata ', start + 1);
  writeFileSync(join(root, 'iam-policies-data.tf'), text.slice(0, start) + text.slice(end + 1));
  const r = await runAudit({ root, paths: ['.'] });
  const p = r.policies.find((x) => x.id === ID)!;
  expect(p.status).toBe('not-matched');
  expect(p.reason).toMatch(/its file's trust policy lets only ec2\.amazonaws\.com assume the role/);
});

// (a third review) A role of your own account beside the instance role (an admin role) is not a
// principal of another account: the policy is still left out as the instance role's.
test("a trust policy of your own account's role does not make the file's policies unsure", async () => {
  const root = mkdtempSync(join(tmpdir(), 'trust-others-'));
  writeFileSync(
    join(root, 'main.tf'),
    `data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "ec2_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "admin_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::\${data.aws_caller_identity.current.account_id}:role/admin"]
    }
  }
}

data "aws_iam_policy_document" "monitoring" {
  statement {
    actions = [
      "cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*",
      "ec2:Describe*", "logs:Describe*", "logs:Get*", "logs:FilterLogEvents",
      "tag:GetResources", "tag:GetTagKeys", "tag:GetTagValues",
      "autoscaling:Describe*", "elasticloadbalancing:Describe*", "s3:GetBucketTagging",
      "lambda:List*", "rds:Describe*", "sqs:ListQueues", "sns:List*", "support:DescribeTrustedAdvisor*",
    ]
    resources = ["*"]
  }
}
`,
  );
  const r = await runAudit({ root, paths: ['.'] });
  const p = r.policies.find((x) => x.id === 'main.tf#data.aws_iam_policy_document.monitoring')!;
  expect(p.status).toBe('not-matched');
  expect(p.reason).toMatch(/its file's trust policy lets only ec2\.amazonaws\.com assume the role/);
});
