// A policy whose holder is known (a user, a group, a role of the inputs even of unknown trust) is
// judged by that holder alone: another role's trust policy in its file is not its own (a review).
// Before, the trust policies of the file's other roles were read for it: their AWS accounts as a
// vendor's evidence (Datadog's account made a user's `Action: '*'` policy Datadog's), their
// services as the reason to leave it out as an instance role's. The file's trust policies are
// read only for a policy no principal is known to hold (a policy document, an unattached policy),
// and then only for their services (trust-file-others.test.ts): a vendor's account in another
// role's trust is no evidence for any policy but that role's.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-12-05T00:00:00Z');

function audit(files: Record<string, string>): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'iba-holder-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return runAudit({ root, paths: ['.'], now: NOW });
}

const policy = (r: Report, id: string) => {
  const p = r.policies.find((x) => x.id === id);
  if (!p) throw new Error(`${id} not in ${r.policies.map((x) => x.id).join(', ')}`);
  return p;
};

const DATADOG_ROLE_CFN = `  DatadogIntegrationRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: DatadogIntegrationRole
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: 'arn:aws:iam::464622532012:root' }
            Action: sts:AssumeRole
            Condition: { StringEquals: { 'sts:ExternalId': abc } }
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/SecurityAudit
`;

describe("CloudFormation: a user's or a group's policy made elsewhere, beside Datadog's role", () => {
  const template = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
${DATADOG_ROLE_CFN}  OnCallPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: oncall
      Groups: [oncall]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: ['ec2:Describe*', 'cloudwatch:*', 'logs:*', 'ec2:RebootInstances']
            Resource: '*'
  OpsAdmin:
    Type: AWS::IAM::UserPolicy
    Properties:
      UserName: ops
      PolicyName: ops-admin
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: '*'
            Resource: '*'
`;

  test("neither is audited as Datadog's: Datadog's account is not their evidence", async () => {
    const r = await audit({ 'template.yaml': template });
    for (const id of ['template.yaml#OnCallPolicy', 'template.yaml#OpsAdmin']) {
      const p = policy(r, id);
      expect([id, p.status, p.baseline]).toEqual([id, 'not-matched', undefined]);
      expect(p.detection?.evidence ?? []).not.toContainEqual(expect.stringMatching(/^account:/));
    }
    expect(r.findings.filter((f) => f.policy !== 'template.yaml#DatadogIntegrationRole')).toEqual([]);
  });
});

test("Terraform: a user's policy whose user is a variable, beside Datadog's role, is not Datadog's", async () => {
  const r = await audit({
    'main.tf': `variable "user" {}

resource "aws_iam_role" "datadog" {
  name = "DatadogIntegrationRole"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::464622532012:root" }, Condition = { StringEquals = { "sts:ExternalId" = "abc" } } }]
  })
}

resource "aws_iam_role_policy_attachment" "datadog" {
  role       = aws_iam_role.datadog.name
  policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"
}

resource "aws_iam_user_policy" "ops" {
  name = "ops"
  user = var.user
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ec2:Describe*", "cloudwatch:*", "logs:*", "ec2:RebootInstances"], Resource = "*" }]
  })
}
`,
  });
  const p = policy(r, 'main.tf#aws_iam_user_policy.ops');
  expect([p.status, p.baseline]).toEqual(['not-matched', undefined]);
  expect(p.detection?.evidence ?? []).not.toContainEqual(expect.stringMatching(/^account:/));
});

// The API server's policy of SkyPilot's page, with s3:* on every resource, on a role whose trust
// is a variable; beside it the skypilot-v1 role, which only EC2 may assume.
const SKYPILOT_TF = `variable "api_trust_policy" {}

resource "aws_iam_role" "api" {
  name               = "skypilot-api-server"
  assume_role_policy = var.api_trust_policy
}

resource "aws_iam_role_policy" "api" {
  name = "minimal-skypilot-policy"
  role = aws_iam_role.api.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ec2:RunInstances", Resource = "*" },
      { Effect = "Allow", Action = ["ec2:Describe*"], Resource = "*" },
      { Effect = "Allow", Action = ["iam:GetRole", "iam:PassRole"], Resource = "arn:aws:iam::123456789012:role/skypilot-v1" },
      { Effect = "Allow", Action = ["s3:*"], Resource = "*" }
    ]
  })
}

resource "aws_iam_role" "skypilot_v1" {
  name = "skypilot-v1"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
`;

test("Terraform: a role of unknown trust is not left out as an instance role for another role's trust", async () => {
  const r = await audit({ 'main.tf': SKYPILOT_TF });
  const p = policy(r, 'main.tf#aws_iam_role_policy.api');
  expect([p.status, p.baseline]).toEqual(['audited', 'skypilot']);
  expect(p.detection!.evidence.join('\n')).not.toMatch(/ec2\.amazonaws\.com/);
  const s3 = r.findings.filter((f) => f.policy === p.id && f.actions.some((a) => a.startsWith('s3:')));
  expect(s3.map((f) => f.severity)).toContain('critical');
});

test("Terraform: a role of unknown trust takes no vendor's account from another role's trust in its file", async () => {
  const r = await audit({
    'main.tf': `variable "ci_trust_policy" {}

data "aws_iam_policy_document" "datadog_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::464622532012:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["abc"]
    }
  }
}

resource "aws_iam_role" "datadog" {
  name               = "DatadogIntegrationRole"
  assume_role_policy = data.aws_iam_policy_document.datadog_assume.json
}

resource "aws_iam_role_policy_attachment" "datadog" {
  role       = aws_iam_role.datadog.name
  policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"
}

resource "aws_iam_role" "ci" {
  name               = "ci-deployer"
  assume_role_policy = var.ci_trust_policy
}

resource "aws_iam_role_policy" "ci" {
  name = "ci-deploy"
  role = aws_iam_role.ci.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["cloudwatch:*", "ec2:Describe*", "logs:*", "lambda:UpdateFunctionCode", "s3:PutObject"], Resource = "*" }
    ]
  })
}
`,
  });
  const p = policy(r, 'main.tf#aws_iam_role_policy.ci');
  expect([p.status, p.baseline]).toEqual(['not-matched', undefined]);
  expect(p.detection?.evidence ?? []).not.toContainEqual(expect.stringMatching(/^account:/));
  expect(r.findings.filter((f) => f.policy === p.id)).toEqual([]);
});

test("Terraform: a policy attached to no principal here takes no vendor's account from its file's trust policies", async () => {
  const r = await audit({
    'main.tf': `resource "aws_iam_role" "datadog" {
  name = "DatadogIntegrationRole"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::464622532012:root" }, Condition = { StringEquals = { "sts:ExternalId" = "abc" } } }]
  })
}

resource "aws_iam_role_policy_attachment" "datadog" {
  role       = aws_iam_role.datadog.name
  policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"
}

resource "aws_iam_policy" "standalone" {
  name = "developers-observability"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ec2:Describe*", "cloudwatch:*", "logs:*"], Resource = "*" }]
  })
}
`,
  });
  const p = policy(r, 'main.tf#aws_iam_policy.standalone');
  expect([p.status, p.baseline]).toEqual(['not-matched', undefined]);
  expect(p.detection?.evidence ?? []).not.toContainEqual(expect.stringMatching(/^account:/));
  // (the trust policy itself still shows Datadog's account as the evidence it gives, and is held to
  // Datadog's documented trust: its account with an external ID, no finding)
  const trust = r.policies.find((x) => x.kind === 'trust' && x.detection?.baseline === 'datadog');
  expect(trust?.detection?.evidence).toContainEqual(expect.stringMatching(/^account: .*464622532012/));
  expect([trust?.status, trust?.baseline]).toEqual(['audited', 'datadog']);
  expect(r.findings.filter((f) => f.policy === trust?.id)).toEqual([]);
});

// SkyPilot's page describes a user's policy: a user's, beside the skypilot-v1 role that only EC2
// may assume, is audited against it, not left out as an instance role's for that role's trust.
test("CloudFormation: a user's policy beside an instance role is audited, the role's trust not its own", async () => {
  const r = await audit({
    'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  SkyPilotV1:
    Type: AWS::IAM::Role
    Properties:
      RoleName: skypilot-v1
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: ec2.amazonaws.com }
            Action: sts:AssumeRole
  SkyPilotUser:
    Type: AWS::IAM::UserPolicy
    Properties:
      UserName: skypilot
      PolicyName: minimal-skypilot-policy
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - { Effect: Allow, Action: ec2:RunInstances, Resource: '*' }
          - { Effect: Allow, Action: ['ec2:Describe*'], Resource: '*' }
          - Effect: Allow
            Action: [iam:GetRole, iam:PassRole]
            Resource: arn:aws:iam::123456789012:role/skypilot-v1
          - { Effect: Allow, Action: ['s3:*'], Resource: '*' }
`,
  });
  const p = policy(r, 'template.yaml#SkyPilotUser');
  expect([p.status, p.baseline]).toEqual(['audited', 'skypilot']);
  expect(p.detection!.evidence.join('\n')).not.toMatch(/ec2\.amazonaws\.com/);
});

test("Terraform: a user's policy whose user is a variable, beside an instance role, is audited", async () => {
  const r = await audit({
    'main.tf': SKYPILOT_TF.replace('variable "api_trust_policy" {}', 'variable "user" {}')
      .replace(/resource "aws_iam_role" "api" \{[^}]*\}\n/, '')
      .replace('resource "aws_iam_role_policy" "api"', 'resource "aws_iam_user_policy" "api"')
      .replace('role = aws_iam_role.api.id', 'user = var.user'),
  });
  const p = policy(r, 'main.tf#aws_iam_user_policy.api');
  expect([p.status, p.baseline]).toEqual(['audited', 'skypilot']);
});

test('Terraform: a policy attached to a group that is a variable, beside an instance role, is audited', async () => {
  const r = await audit({
    'main.tf':
      SKYPILOT_TF.replace('variable "api_trust_policy" {}', 'variable "group" {}')
        .replace(/resource "aws_iam_role" "api" \{[^}]*\}\n/, '')
        .replace('resource "aws_iam_role_policy" "api"', 'resource "aws_iam_policy" "api"')
        .replace('role = aws_iam_role.api.id', '') +
      `
resource "aws_iam_group_policy_attachment" "api" {
  group      = var.group
  policy_arn = aws_iam_policy.api.arn
}
`,
  });
  const p = policy(r, 'main.tf#aws_iam_policy.api');
  expect([p.status, p.baseline]).toEqual(['audited', 'skypilot']);
});
