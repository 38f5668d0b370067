// A resource policy shared with a vendor also grants other principals (the account's own root,
// its roles, AWS services): only the statements that may grant the vendor are held to the
// vendor's baseline. The others are not findings, are named in a note, and are kept as written in
// the suggested policy (so `fix` never deletes a key's root statement).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import { statementsForVendor } from '../src/audit/grantees.js';
import { parsePolicyDocument } from '../src/policy/document.js';
import { builtinBaselines } from '../src/baselines/load.js';
import type { Report } from '../src/core/types.js';
import { updatePlan } from './helpers/plan.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const DATADOG = 'arn:aws:iam::464622532012:root';

function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-grantees-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const audit = (files: Record<string, unknown>, baseline?: string): Promise<Report> =>
  runAudit({ root: repo(files), paths: ['.'], baseline, now: NOW });

const statementsOf = (r: Report) => [...new Set(r.findings.map((f) => f.statement))].sort();
const minimalSids = (r: Report) =>
  (r.suggestions[0]?.minimal as { Statement: { Sid?: string }[] } | undefined)?.Statement.map((s) => s.Sid);

// A key policy as AWS's console writes it for a key shared with another account: the account's
// root, then the other account's use of the key (here Datadog's, for a log archive).
const KEY_TF = `data "aws_caller_identity" "current" {}

resource "aws_kms_key" "archive" {
  description = "Datadog log archive"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableIAMUserPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AllowDatadog"
        Effect    = "Allow"
        Principal = { AWS = "${DATADOG}" }
        Action    = ["kms:Decrypt", "kms:Encrypt", "kms:CreateGrant"]
        Resource  = "*"
      }
    ]
  })
}
`;

describe("a resource policy's statements for other principals are not the vendor's", () => {
  it("a key policy's root statement is no finding; the vendor's statement is judged; the suggestion keeps the root", async () => {
    const r = await audit({ 'main.tf': KEY_TF });
    const key = r.policies.find((p) => p.address === 'aws_kms_key.archive')!;
    expect([key.status, key.baseline]).toEqual(['audited', 'datadog']);
    expect(statementsOf(r)).toEqual(['AllowDatadog']);
    expect(r.findings.flatMap((f) => f.actions).sort()).toEqual([
      'kms:CreateGrant',
      'kms:Decrypt',
      'kms:Encrypt',
    ]);
    expect(minimalSids(r)).toEqual(['EnableIAMUserPermissions']);
    const note = r.notes?.find((n) => n.startsWith('Resource policy statements'));
    expect(note).toMatch(
      /main\.tf aws_kms_key\.archive \(Datadog\): EnableIAMUserPermissions to arn:aws:iam::<account-ID-without-hyphens>:root\.$/,
    );
  });

  it('the same with a literal account, and a service principal beside it', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Root', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' },
        {
          Sid: 'Logs',
          Effect: 'Allow',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
        { Sid: 'Datadog', Effect: 'Allow', Principal: { AWS: DATADOG }, Action: 'kms:*', Resource: '*' },
      ],
    };
    const r = await audit({ 'key-policy.json': policy }, 'datadog');
    expect(statementsOf(r)).toEqual(['Datadog']);
    expect(r.findings.some((f) => f.severity === 'critical')).toBe(true);
    expect(minimalSids(r)).toEqual(['Root', 'Logs']);
    expect(r.notes?.join('\n')).toMatch(
      /Root to 111122223333, Logs to Service: logs\.us-east-1\.amazonaws\.com\./,
    );
  });

  it('a statement that may reach the vendor is judged: *, NotPrincipal, the vendor among others, a role or a value not known', async () => {
    const st = (Sid: string, extra: Record<string, unknown>) => ({
      Sid,
      Effect: 'Allow',
      Action: 's3:DeleteBucket',
      Resource: 'arn:aws:s3:::logs',
      ...extra,
    });
    const policy = {
      Statement: [
        st('Vendor', {
          Principal: { AWS: DATADOG },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::logs/*',
        }),
        st('Anyone', { Principal: '*' }),
        st('AnyAws', { Principal: { AWS: '*' } }),
        st('AllBut', { NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }),
        st('Both', { Principal: { AWS: ['arn:aws:iam::111122223333:root', '464622532012'] } }),
        st('NotKnown', { Principal: { AWS: '${var.reader}' } }),
        st('NamedRole', { Principal: { AWS: 'arn:aws:iam::111122223333:role/DatadogIntegrationRole' } }),
        // (a role the inputs do not show: the vendor may assume it)
        st('SomeRole', { Principal: { AWS: 'arn:aws:iam::111122223333:role/app' } }),
        // (another vendor's account: not the account's own)
        st('Lightly', { Principal: { AWS: '916419735646' } }),
        st('Empty', { Principal: {} }),
        st('Canonical', { Principal: { CanonicalUser: '79a59df900b949e55d96a1e698fbaced' } }),
        st('SamlOfVendor', { Principal: { Federated: 'arn:aws:iam::464622532012:saml-provider/x' } }),
        st('OtherRoot', { Principal: { AWS: 'arn:aws:iam::111122223333:root' } }),
        st('OtherSaml', { Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/corp' } }),
      ],
    };
    const r = await audit({ 'bucket-policy.json': policy }, 'datadog');
    expect(statementsOf(r)).toEqual(
      [
        'AllBut',
        'Anyone',
        'AnyAws',
        'Both',
        'Canonical',
        'Empty',
        'Lightly',
        'NamedRole',
        'NotKnown',
        'SamlOfVendor',
        'SomeRole',
        'Vendor',
      ].sort(),
    );
    expect(r.notes?.join('\n')).toMatch(
      /bucket-policy\.json \(Datadog\): OtherRoot to arn:aws:iam::111122223333:root, OtherSaml to Federated: arn:aws:iam::111122223333:saml-provider\/corp\./,
    );
  });

  it("a statement for the vendor and others together is judged, and kept as written in the suggestion (narrowing it would narrow the others' access)", async () => {
    const policy = {
      Statement: [
        {
          Sid: 'Root',
          Effect: 'Allow',
          Principal: { AWS: '111122223333' },
          Action: 's3:*',
          Resource: 'arn:aws:s3:::logs/*',
        },
        {
          Sid: 'Shared',
          Effect: 'Allow',
          Principal: { AWS: [DATADOG, 'arn:aws:iam::111122223333:role/app'] },
          Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
          Resource: 'arn:aws:s3:::logs/*',
        },
        {
          Sid: 'Vendor',
          Effect: 'Allow',
          Principal: { AWS: DATADOG },
          Action: 's3:DeleteObject',
          Resource: 'arn:aws:s3:::logs/*',
        },
      ],
    };
    const r = await audit({ 'bucket-policy.json': policy }, 'datadog');
    expect(statementsOf(r)).toEqual(['Shared', 'Vendor']);
    expect(minimalSids(r)).toEqual(['Root', 'Shared']);
    expect(r.notes?.join('\n')).toMatch(
      /grant the vendor and other principals together: .*bucket-policy\.json \(Datadog\): Shared to arn:aws:iam::464622532012:root, arn:aws:iam::111122223333:role\/app\./,
    );
  });

  it('a .tf key policy: the root of an account not known, and services in any Region, are not the vendor', async () => {
    const r = await audit({
      'main.tf': `variable "account_id" { type = string }
data "aws_region" "current" {}
data "aws_iam_policy_document" "key" {
  statement {
    sid       = "Enable IAM User Permissions"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::\${var.account_id}:root"]
    }
  }
  statement {
    sid       = "Logs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.\${data.aws_region.current.name}.amazonaws.com"]
    }
  }
  statement {
    sid       = "AllowDatadog"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["${DATADOG}"]
    }
  }
}
resource "aws_kms_key" "archive" {
  policy = data.aws_iam_policy_document.key.json
}
`,
    });
    expect(statementsOf(r)).toEqual(['AllowDatadog']);
    expect(minimalSids(r)).toEqual(['Enable IAM User Permissions', 'Logs']);
    // (the variables are read as wildcards: the note says whose account is not known)
    expect(r.notes?.join('\n')).toMatch(
      /\(Datadog\): Enable IAM User Permissions to arn:aws:iam::\*:root \(account not known\), Logs to Service: logs\.\*\.amazonaws\.com\./,
    );
  });

  it("a role of the inputs is the vendor's when its trust lets the vendor's account assume it, another's when it names no vendor", async () => {
    const role = (name: string, principal: string) => `resource "aws_iam_role" "${name.replace(/-/g, '_')}" {
  name = "${name}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = ${principal} }]
  })
}
`;
    const r = await audit({
      'main.tf': `${role('voxel-output-worker', '{ AWS = "arn:aws:iam::916419735646:root" }')}
${role('app-lambda', '{ Service = "lambda.amazonaws.com" }')}
resource "aws_s3_bucket_policy" "output" {
  bucket = "voxel-output"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Lightly", Effect = "Allow", Principal = { AWS = "916419735646" }, Action = "s3:ListBucket", Resource = "arn:aws:s3:::voxel-output" },
      { Sid = "Worker", Effect = "Allow", Principal = { AWS = aws_iam_role.voxel_output_worker.arn }, Action = "s3:*", Resource = ["arn:aws:s3:::voxel-output", "arn:aws:s3:::voxel-output/*"] },
      { Sid = "App", Effect = "Allow", Principal = { AWS = aws_iam_role.app_lambda.arn }, Action = "s3:*", Resource = ["arn:aws:s3:::voxel-output", "arn:aws:s3:::voxel-output/*"] }
    ]
  })
}
`,
    });
    const bucket = r.policies.find((p) => p.address === 'aws_s3_bucket_policy.output')!;
    expect(bucket.baseline).toBe('lightly');
    expect(statementsOf(r)).toContain('Worker');
    expect(statementsOf(r)).not.toContain('App');
    expect(r.notes?.join('\n')).toMatch(
      /App to arn:aws:iam::<account-ID-without-hyphens>:role\/app-lambda\./,
    );
  });

  it('CloudFormation: the stack account, services in any Region and a generated role only a service assumes are not the vendor; a role Datadog assumes and a parameter are', async () => {
    const r = await audit({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  TrustedAccount:
    Type: String
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }
  ReaderRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { AWS: 'arn:aws:iam::464622532012:root' }, Action: sts:AssumeRole }
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - { Sid: EnableRoot, Effect: Allow, Principal: { AWS: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root' }, Action: 'kms:*', Resource: '*' }
          - { Sid: Datadog, Effect: Allow, Principal: { AWS: '464622532012' }, Action: kms:Decrypt, Resource: '*' }
          - { Sid: Logs, Effect: Allow, Principal: { Service: !Sub 'logs.\${AWS::Region}.amazonaws.com' }, Action: 'kms:Encrypt*', Resource: '*' }
          - { Sid: App, Effect: Allow, Principal: { AWS: !GetAtt AppRole.Arn }, Action: 'kms:*', Resource: '*' }
          - { Sid: Reader, Effect: Allow, Principal: { AWS: !GetAtt ReaderRole.Arn }, Action: 'kms:*', Resource: '*' }
          - { Sid: Trusted, Effect: Allow, Principal: { AWS: !Ref TrustedAccount }, Action: 'kms:*', Resource: '*' }
`,
    });
    // (#0: ReaderRole's trust lets Datadog's account assume it without an external ID)
    expect(statementsOf(r)).toEqual(['#0', 'Datadog', 'Reader', 'Trusted']);
    expect(r.findings.filter((f) => f.statement === '#0').map((f) => [f.kind, f.address])).toEqual([
      ['missing-condition', 'ReaderRole.AssumeRolePolicyDocument'],
    ]);
    expect(minimalSids(r)).toEqual(['EnableRoot', 'Logs', 'App']);
  });

  it("* kept to an account by aws:PrincipalAccount or kms:CallerAccount is judged: the vendor's role in that account needs no identity policy for it", async () => {
    const policy = {
      Statement: [
        { Sid: 'Vendor', Effect: 'Allow', Principal: { AWS: DATADOG }, Action: 'kms:Decrypt', Resource: '*' },
        {
          Sid: 'Account',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Encrypt', 'kms:ReEncrypt*'],
          Resource: '*',
          Condition: {
            StringEquals: {
              'kms:CallerAccount': '111122223333',
              'kms:ViaService': 'ec2.us-east-1.amazonaws.com',
            },
          },
        },
        { Sid: 'Root', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' },
      ],
    };
    const r = await audit({ 'key-policy.json': policy }, 'datadog');
    expect(statementsOf(r)).toEqual(['Account', 'Vendor']);
  });

  it("an account not known is the vendor's when a value not known in the policy is named after the vendor", async () => {
    const r = await audit({
      'main.tf': `variable "datadog_aws_account_id" { type = string }
resource "aws_s3_bucket_policy" "archive" {
  bucket = "archive"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "DatadogArchive", Effect = "Allow", Principal = { AWS = "${DATADOG}" }, Action = ["s3:GetObject"], Resource = "arn:aws:s3:::archive/*" },
      { Sid = "DatadogAll", Effect = "Allow", Principal = { AWS = "arn:aws:iam::\${var.datadog_aws_account_id}:root" }, Action = "s3:*", Resource = "arn:aws:s3:::archive/*" }
    ]
  })
}
`,
    });
    expect(statementsOf(r)).toContain('DatadogAll');
  });

  it("a role that a role of the account may assume may be the vendor's (Datadog's role assuming a proxy)", async () => {
    const r = await audit({
      'main.tf': `resource "aws_iam_role" "datadog" {
  name = "DatadogIntegrationRole"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "${DATADOG}" } }] })
}
resource "aws_iam_role" "proxy" {
  name = "proxy"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = aws_iam_role.datadog.arn } }] })
}
resource "aws_s3_bucket_policy" "archive" {
  bucket = "archive"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Datadog", Effect = "Allow", Principal = { AWS = "${DATADOG}" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::archive/*" },
      { Sid = "Proxy", Effect = "Allow", Principal = { AWS = aws_iam_role.proxy.arn }, Action = "s3:*", Resource = "arn:aws:s3:::archive/*" }
    ]
  })
}
`,
    });
    expect(statementsOf(r)).toContain('Proxy');
  });

  it('a plan: the policy before the change is judged as the policy after it (a statement for others added to or kept in both is neither new nor removed)', async () => {
    const bucketPolicy = (statements: unknown[]) =>
      JSON.stringify({ Version: '2012-10-17', Statement: statements });
    const root = {
      Sid: 'Root',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 's3:*',
      Resource: 'arn:aws:s3:::logs/*',
    };
    const dd = {
      Sid: 'Datadog',
      Effect: 'Allow',
      Principal: { AWS: DATADOG },
      Action: ['s3:GetObject', 's3:DeleteObject'],
      Resource: 'arn:aws:s3:::logs/*',
    };
    const before = bucketPolicy([root]);
    const after = bucketPolicy([root, dd]);
    const plan = updatePlan(
      'aws_s3_bucket_policy',
      'logs',
      { bucket: 'logs', policy: before },
      { bucket: 'logs', policy: after },
    );
    const r = await audit({ 'plan.json': plan }, 'datadog');
    const excess = r.findings.filter((f) => f.kind !== 'missing-permission');
    expect(excess.length).toBeGreaterThan(0);
    expect(excess.every((f) => f.statement === 'Datadog' && f.new === true && !f.removed)).toBe(true);
  });

  it('two audits of one policy each note their own statements for others', async () => {
    const policy = {
      Statement: [
        {
          Sid: 'Lightly',
          Effect: 'Allow',
          Principal: { AWS: '916419735646' },
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::shared',
        },
        {
          Sid: 'Datadog',
          Effect: 'Allow',
          Principal: { AWS: DATADOG },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::shared/*',
        },
        {
          Sid: 'Root',
          Effect: 'Allow',
          Principal: { AWS: '111122223333' },
          Action: 's3:*',
          Resource: 'arn:aws:s3:::shared/*',
        },
      ],
    };
    const r = await audit({
      'bucket-policy.json': policy,
      '.github/iam-baseline-audit.yml':
        'version: 1\naudits:\n  - baseline: datadog\n    policies: ["bucket-policy.json"]\n  - baseline: lightly\n    policies: ["bucket-policy.json"]\n',
    });
    const note = r.notes?.find((n) => n.startsWith('Resource policy statements that name only'));
    expect(note).toMatch(
      /bucket-policy\.json \(Datadog\): Root to 111122223333; bucket-policy\.json \(Lightly\): Root to 111122223333\./,
    );
  });

  it("a Deny for another principal does not hide the vendor's excess; a Deny for everyone still does", async () => {
    const allow = {
      Sid: 'Vendor',
      Effect: 'Allow',
      Principal: { AWS: DATADOG },
      Action: 's3:*',
      Resource: 'arn:aws:s3:::logs/*',
    };
    const deny = (principal: unknown) => ({
      Sid: 'NoDelete',
      Effect: 'Deny',
      Principal: principal,
      Action: 's3:Delete*',
      Resource: 'arn:aws:s3:::logs/*',
    });
    const deleted = (r: Report) =>
      r.findings.flatMap((f) => f.actions).filter((a) => a.startsWith('s3:Delete'));
    const other = await audit({ 'p.json': { Statement: [allow, deny({ AWS: '111122223333' })] } }, 'datadog');
    expect(deleted(other).length).toBeGreaterThan(0);
    const everyone = await audit({ 'p.json': { Statement: [allow, deny('*')] } }, 'datadog');
    expect(deleted(everyone)).toEqual([]);
  });

  it('a resource policy that names no vendor principal is judged whole, as before', async () => {
    const policy = {
      Statement: [
        {
          Sid: 'App',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:role/app' },
          Action: 's3:*',
          Resource: 'arn:aws:s3:::logs/*',
        },
      ],
    };
    const r = await audit({ 'bucket-policy.json': policy }, 'datadog');
    expect(statementsOf(r)).toEqual(['App']);
    expect((r.notes ?? []).some((n) => n.startsWith('Resource policy statements'))).toBe(false);
  });

  it('statementsForVendor: the statements judged and the others, with the principals they name', () => {
    const datadog = builtinBaselines().find((b) => b.id === 'datadog')!;
    const parsed = parsePolicyDocument({
      Statement: [
        { Effect: 'Allow', Principal: { AWS: DATADOG }, Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' },
      ],
    }).doc!;
    const split = statementsForVendor(parsed, datadog, {
      vendorAccounts: new Set(['464622532012', '916419735646']),
      roles: new Map(),
    })!;
    expect(split.judged.statements.map((s) => s.index)).toEqual([0]);
    expect(split.others.map((o) => [o.statement.index, o.principals])).toEqual([[1, ['111122223333']]]);
  });
});

describe('what a resource policy is told is missing', () => {
  it("only the vendor's actions it could grant: on a resource of its service, not s3:ListAllMyBuckets", async () => {
    const r = await audit({
      'main.tf': `resource "aws_s3_bucket_policy" "logs" {
  bucket = "logs"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Datadog", Effect = "Allow", Principal = { AWS = "${DATADOG}" }, Action = "s3:PutObject", Resource = "arn:aws:s3:::logs/*" }]
  })
}
`,
    });
    const missing = r.findings.filter((f) => f.kind === 'missing-permission').flatMap((f) => f.actions);
    expect(missing).toContain('s3:GetBucketLocation');
    expect(missing).not.toContain('s3:ListAllMyBuckets');
    expect(missing.every((a) => a.startsWith('s3:'))).toBe(true);
  });
});

test('a resource policy statement with no Principal is an invalid-policy finding, not "audited, no findings" (a review: Group1001/terraform-aws-datadog)', async () => {
  // The module's rehydration document (an identity policy's: no principals block) set as a
  // bucket's policy: AWS rejects it ("Missing required field Principal").
  const tf = `data "aws_iam_policy_document" "rehydration" {
  statement {
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = ["arn:aws:s3:::datadog-log-archive/*"]
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = "datadog-log-archive"
  policy = data.aws_iam_policy_document.rehydration.json
}

resource "aws_iam_policy" "same" {
  name   = "datadog-rehydration"
  policy = data.aws_iam_policy_document.rehydration.json
}
`;
  const r = await audit({ 's3.tf': tf }, 'datadog');
  const invalid = r.findings.filter((f) => f.kind === 'invalid-policy');
  expect(invalid.map((f) => [f.address, f.message])).toEqual([
    [
      'aws_s3_bucket_policy.this',
      'the statement has neither Principal nor NotPrincipal, which AWS requires in a resource policy: it rejects the policy; name whom it grants to',
    ],
  ]);
  // The same statement in an identity policy needs none (and the outcome is not shared with it).
  expect(
    r.findings.filter((f) => f.address === 'aws_iam_policy.same' && f.kind === 'invalid-policy'),
  ).toEqual([]);
});
