// CloudFormation, SAM and CDK templates: every IAM policy of the real templates in
// __tests__/fixtures/cloudformation/ (logical id, kind, status, reason), their documents as the
// intrinsic functions evaluate offline, lines, principals, and bad input.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover } from '../../src/sources/discover.js';
import { parseSource } from '../../src/sources/index.js';
import { ACCOUNT_PLACEHOLDER } from '../../src/sources/cloudformation/intrinsics.js';
import { SAM_POLICY_TEMPLATES } from '../../src/generated/sam-policy-templates-data.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

const DIR = new URL('../fixtures/cloudformation/', import.meta.url);
const A = ACCOUNT_PLACEHOLDER;

function load(name: string): { text: string; result: InputResult } {
  const text = readFileSync(new URL(name, DIR), 'utf8');
  return { text, result: parseSource({ path: `cfn/${name}`, text }).result };
}

function parse(path: string, text: string): InputResult {
  return parseSource({ path, text }).result;
}

/** [address, kind, status, reason] of every policy record. */
/** The reason of a resource not created with the parameters' defaults (listed, not left out in silence). */
const notCreated = (condition: string) =>
  `created only when its condition ${condition} is true, which it is not as read (the parameters at their defaults, the partition aws): its policies are not audited (a stack deployed with other values has them)`;

function summary(r: InputResult): [string, string, string, string?][] {
  return r.policies.map((p) =>
    p.reason ? [p.address!, p.kind, p.status, p.reason] : [p.address!, p.kind, p.status],
  );
}

function rec(r: InputResult, address: string): PolicyRecord {
  const hit = r.policies.find((p) => p.address === address);
  if (!hit) throw new Error(`no record ${address}: ${r.policies.map((p) => p.address).join(', ')}`);
  return hit;
}

function statements(p: PolicyRecord): Record<string, unknown>[] {
  const s = (p.document as { Statement: unknown }).Statement;
  return (Array.isArray(s) ? s : [s]) as Record<string, unknown>[];
}

function lineAt(text: string, line: number): string {
  return text.split('\n')[line - 1]!;
}

function principal(r: InputResult, logicalId: string) {
  const p = r.principals!.find((x) => x.id === `${r.path}#${logicalId}`);
  if (!p) throw new Error(`no principal ${logicalId}`);
  return { ...p, policies: p.policyIds.map((id) => id.slice(r.path.length + 1)) };
}

/** A `Resources:` entry: a role with one inline policy of these statements (YAML, indented as its list). */
function roleWithPolicy(statements: string): string {
  return `  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: ec2.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
${statements}`;
}

const MANAGED_BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

describe('real templates: every IAM policy with its logical id, kind and status', () => {
  it("Datadog's integration role: the Full branch of !If, 4 managed policies, the macro calls unresolved", () => {
    const { text, result } = load('datadog__datadog_integration_role.yaml');
    expect(result).toMatchObject({ kind: 'cloudformation', status: 'audited', errors: [] });
    const macro =
      'Fn::Transform: the macro DatadogPolicy makes this value at deploy time; it is not evaluated';
    expect(summary(result)).toEqual([
      ['DatadogIntegrationRole.AssumeRolePolicyDocument', 'trust', 'resolved'],
      ['DatadogIntegrationRole.Policies[0]', 'identity', 'resolved'],
      ['DatadogIntegrationRole.Policies[1]', 'identity', 'unresolved', macro],
      ['DatadogIntegrationRole.Policies[2]', 'identity', 'unresolved', macro],
      ['DatadogIntegrationRoleManagedPolicy1', 'identity', 'resolved'],
      ['DatadogIntegrationRoleManagedPolicy2', 'identity', 'resolved'],
      ['DatadogIntegrationRoleManagedPolicy3', 'identity', 'resolved'],
      ['DatadogIntegrationRoleManagedPolicy4', 'identity', 'resolved'],
      // (CloudSecurityPostureManagementPermissions defaults to false, but may be true: SecurityAudit
      // attached, noted; it was left out in silence)
      ['arn:aws:iam::aws:policy/SecurityAudit', 'identity', 'resolved'],
    ]);
    expect(rec(result, 'arn:aws:iam::aws:policy/SecurityAudit').approximate).toEqual([
      'attached to DatadogIntegrationRole by an Fn::If whose condition ShouldInstallCSPMPolicy is false with the parameters at their defaults (CloudSecurityPostureManagementPermissions "false"), not with every value a stack may be deployed with: audited as attached',
    ]);
    // BasePermissions defaults to Full, the standard policy (104 action patterns); a stack
    // deployed with Core has the other branch (6): both audited, noted (the default's was read alone).
    const inline = rec(result, 'DatadogIntegrationRole.Policies[0]');
    expect(inline.name).toBe('DatadogAWSIntegrationPolicy');
    const [st, core] = statements(inline);
    expect(statements(inline)).toHaveLength(2);
    expect(st!.Resource).toBe('*');
    expect((st!.Action as string[]).length).toBe(104);
    expect((st!.Action as string[])[0]).toBe('account:GetAccountInformation');
    expect((core!.Action as string[]).length).toBe(6);
    expect(inline.approximate).toEqual([
      'condition GrantFullPermissions is true with the parameters at their defaults (BasePermissions "Full"), not with every value a stack may be deployed with: both of its branches audited (what a stack deployed with any values grants)',
    ]);
    // The policy's line is its PolicyDocument; each statement's line its branch of !If.
    expect(lineAt(text, inline.line!)).toContain('PolicyDocument:');
    expect(lineAt(text, inline.statementLines![0]!)).toContain('- Effect: Allow');
    expect(lineAt(text, inline.statementLines![0]! - 1)).toContain('- GrantFullPermissions');
    expect(lineAt(text, inline.statementLines![1]!)).toContain('- Effect: Allow');
    // Condition: GrantFullPermissions holds with the defaults; names from !Sub with a variable map.
    const m1 = rec(result, 'DatadogIntegrationRoleManagedPolicy1');
    expect(m1.name).toBe('DatadogIntegrationRole-ManagedPolicy-1');
    expect((statements(m1)[0]!.Action as string[]).length).toBe(188);
    // Trust: Datadog's account through !Sub, the external id (no default) read as a wildcard.
    const trust = rec(result, 'DatadogIntegrationRole.AssumeRolePolicyDocument');
    expect(statements(trust)[0]).toEqual({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::464622532012:root' },
      Action: ['sts:AssumeRole'],
      Condition: { StringEquals: { 'sts:ExternalId': '*' } },
    });
    expect(trust.approximate).toEqual(['parameter ExternalId has no default']);
    // The role holds all of them, SecurityAudit too: attached when CSPM is on (off by default only).
    const role = principal(result, 'DatadogIntegrationRole');
    expect(role.name).toBe('DatadogIntegrationRole');
    expect(role.policies.sort()).toEqual([
      'DatadogIntegrationRole.Policies[0]',
      'DatadogIntegrationRole.Policies[1]',
      'DatadogIntegrationRole.Policies[2]',
      'DatadogIntegrationRoleManagedPolicy1',
      'DatadogIntegrationRoleManagedPolicy2',
      'DatadogIntegrationRoleManagedPolicy3',
      'DatadogIntegrationRoleManagedPolicy4',
      'arn:aws:iam::aws:policy/SecurityAudit',
    ]);
    expect(lineAt(text, role.line!)).toBe('  DatadogIntegrationRole:');
  });

  it("Datadog's policy macro: a SAM function whose generated role gets AWSLambdaBasicExecutionRole", () => {
    const { result } = load('datadog__datadog_policy_macro.yaml');
    expect(summary(result)).toEqual([[MANAGED_BASIC, 'identity', 'resolved']]);
    expect(principal(result, 'DatadogPolicyMacroMacroFunctionRole').policies).toEqual([MANAGED_BASIC]);
  });

  it("Datadog's agentless delegate role: managed policies by !Ref, a false condition, a list parameter", () => {
    const { result } = load('datadog__datadog_agentless_delegate_role.yaml');
    expect(result.errors).toEqual([]);
    // ScannerDelegateRoleWorkerDSPMPolicy has Condition DSPMEnabled, false by default only: a stack
    // deployed with it on has it, so it is audited as created, said so (it was listed, not audited).
    expect(summary(result)).toEqual([
      ['ScannerDelegateRoleOrchestratorPolicy', 'identity', 'resolved'],
      ['ScannerDelegateRoleWorkerPolicy', 'identity', 'resolved'],
      ['ScannerDelegateRoleWorkerDSPMPolicy', 'identity', 'resolved'],
      ['ScannerDelegateRole.AssumeRolePolicyDocument', 'trust', 'resolved'],
      ['LambdaExecutionRoleDatadogAgentlessAPICall.AssumeRolePolicyDocument', 'trust', 'resolved'],
      [MANAGED_BASIC, 'identity', 'resolved'],
    ]);
    // `${*}` outside Fn::Sub stays as written (an IAM policy variable for a literal `*`).
    const orch = rec(result, 'ScannerDelegateRoleOrchestratorPolicy');
    expect(statements(orch)[3]!.Resource).toBe('arn:aws:ec2:*:*:snapshot/${*}');
    expect(statements(orch)).toHaveLength(10);
    expect(statements(rec(result, 'ScannerDelegateRoleWorkerPolicy'))).toHaveLength(9);
    const trust = rec(result, 'ScannerDelegateRole.AssumeRolePolicyDocument');
    expect(trust.name).toBe('DatadogAgentlessScannerDelegateRole');
    expect((statements(trust)[0]!.Condition as Record<string, unknown>).ArnLike).toEqual({
      'aws:PrincipalArn': '*',
    });
    expect(trust.approximate).toEqual(['parameter ScannerInstanceRoleARN has no default']);
    // `!If [DSPMEnabled, !Ref X, !Ref AWS::NoValue]`: DSPMEnabled is false by default only, so the
    // role holds X too, noted (it dropped out of ManagedPolicyArns).
    expect(principal(result, 'ScannerDelegateRole')).toMatchObject({
      policies: [
        'ScannerDelegateRoleOrchestratorPolicy',
        'ScannerDelegateRoleWorkerPolicy',
        'ScannerDelegateRoleWorkerDSPMPolicy',
      ],
      unresolved: [],
    });
    // !Sub "arn:${AWS::Partition}:iam::aws:policy/..." is the bundled managed policy.
    expect(principal(result, 'LambdaExecutionRoleDatadogAgentlessAPICall').policies).toEqual([MANAGED_BASIC]);
  });

  it("Datadog's custom IAM resource: parameter defaults in !Sub, unknown ids inside a !Join", () => {
    const { result } = load('datadog__datadog_custom_iam.yaml');
    expect(summary(result)).toEqual([
      ['LambdaExecutionRoleDatadogCustomIAM.AssumeRolePolicyDocument', 'trust', 'resolved'],
      ['LambdaExecutionRolePolicyDatadogCustomIAMCall', 'identity', 'resolved'],
      // AWS managed policies come last, made when roles are linked to what they attach.
      [MANAGED_BASIC, 'identity', 'resolved'],
    ]);
    const p = rec(result, 'LambdaExecutionRolePolicyDatadogCustomIAMCall');
    expect(p.name).toBe('dd-custom-iam-policy');
    expect(statements(p)[0]).toMatchObject({
      Resource: `arn:aws:iam::${A}:policy/DatadogIntegrationManagedPolicy`,
      // The function's name, made at deploy time, is one value (a placeholder), not `*`.
      Condition: { StringEquals: { 'aws:userid': '*:<name of DatadogCustomIAMFunction>' } },
    });
    expect(p.approximate).toEqual(['a role id is made at deploy time']);
    expect(principal(result, 'LambdaExecutionRoleDatadogCustomIAM').policies).toEqual([
      MANAGED_BASIC,
      'LambdaExecutionRolePolicyDatadogCustomIAMCall',
    ]);
  });

  it('AWS sample (Config): inline role policies, a topic policy, !Join with a generated bucket name', () => {
    const { text, result } = load('aws-cloudformation-templates__Config.yaml');
    expect(result.errors).toEqual([]);
    expect(summary(result)).toEqual([
      ['ConfigTopicPolicy', 'resource', 'resolved'],
      ['LambdaExecutionRole.AssumeRolePolicyDocument', 'trust', 'resolved'],
      ['LambdaExecutionRole.Policies[0]', 'identity', 'resolved'],
      ['ConfigRole.AssumeRolePolicyDocument', 'trust', 'resolved'],
      ['ConfigRole.Policies[0]', 'identity', 'resolved'],
      ['arn:aws:iam::aws:policy/service-role/AWS_ConfigRole', 'identity', 'resolved'],
    ]);
    const p = rec(result, 'ConfigRole.Policies[0]');
    // One bucket, named at deploy time: one value, not every bucket.
    expect(statements(p).map((s) => s.Resource)).toEqual([
      'arn:aws:s3:::<name of ConfigBucket>',
      `arn:aws:s3:::<name of ConfigBucket>/AWSLogs/${A}/*`,
      '*',
    ]);
    expect(p.approximate ?? []).toEqual([]);
    expect(p.statementLines!.map((l) => lineAt(text, l).trim())).toEqual([
      '- Effect: Allow',
      '- Effect: Allow',
      '- Effect: Allow',
    ]);
    expect(principal(result, 'ConfigRole').policies).toEqual([
      'ConfigRole.Policies[0]',
      'arn:aws:iam::aws:policy/service-role/AWS_ConfigRole',
    ]);
  });

  it('AWS sample (users, groups and policies): group policies reach the user through UserToGroupAddition', () => {
    const { result } = load('aws-cloudformation-templates__IAM_Users_Groups_and_Policies.yaml');
    expect(result.errors).toEqual([]);
    expect(summary(result)).toEqual([
      ['CFNUserPolicies', 'identity', 'resolved'],
      ['CFNAdminPolicies', 'identity', 'resolved'],
    ]);
    expect(rec(result, 'CFNAdminPolicies').name).toBe('CFNAdmins');
    expect(principal(result, 'CFNUserGroup').policies).toEqual(['CFNUserPolicies']);
    expect(principal(result, 'CFNAdminGroup').policies).toEqual(['CFNAdminPolicies']);
    expect(principal(result, 'CFNUser')).toMatchObject({
      type: 'user',
      policies: ['CFNUserPolicies', 'CFNAdminPolicies'],
    });
  });

  it('CDK (cdk.out template.json): Fn::Join with AWS::Partition, GetAtt ARNs of unnamed queues and a key', () => {
    const { text, result } = load('aws-cdk__integ.sqs__aws-cdk-sqs.template.json');
    expect(result).toMatchObject({ kind: 'cloudformation', errors: [] });
    expect(summary(result)).toEqual([
      ['EncryptionKey1B843E66.KeyPolicy', 'resource', 'resolved'],
      ['SSLQueuePolicy5ABFDF4F', 'resource', 'resolved'],
      ['Role1ABCC5F0.AssumeRolePolicyDocument', 'trust', 'resolved'],
      ['RoleDefaultPolicy5FFB7DAB', 'identity', 'resolved'],
    ]);
    expect(statements(rec(result, 'EncryptionKey1B843E66.KeyPolicy'))[0]!.Principal).toEqual({
      AWS: `arn:aws:iam::${A}:root`,
    });
    const p = rec(result, 'RoleDefaultPolicy5FFB7DAB');
    // Each queue and the key are one resource each, named at deploy time (placeholders).
    expect(statements(p)[0]!.Resource).toEqual(
      [
        'DeadLetterQueue9F481546',
        'FifoQueueE5FF7273',
        'HighThroughputFifoQueue40A0EEE4',
        'Queue4A7E3555',
        'SSLQueue4E9BF022',
        'UnencryptedQueue57F92F9C',
        'kmsManagedEncryptedQueueCC71F0DD',
      ].map((q) => `arn:aws:sqs:*:${A}:<name of ${q}>`),
    );
    expect(statements(p)[1]!.Resource).toBe(`arn:aws:kms:*:${A}:key/<key id of EncryptionKey1B843E66>`);
    expect(p.approximate ?? []).toEqual([]);
    expect(p.jsonPath).toBe('$.Resources.RoleDefaultPolicy5FFB7DAB.Properties.PolicyDocument');
    expect(lineAt(text, p.line!)).toContain('"PolicyDocument"');
    expect(p.statementLines!.map((l) => lineAt(text, l).trim())).toEqual(['{', '{']);
    expect(principal(result, 'Role1ABCC5F0').policies).toEqual(['RoleDefaultPolicy5FFB7DAB']);
  });

  it("SAM's kitchen sink of policy templates: each expanded from the published list", () => {
    const { text, result } = load('sam__all_policy_templates.yaml');
    const rows = summary(result);
    expect(rows).toHaveLength(58);
    // PinpointValidatePhoneNumberPolicy was removed from SAM's list since this test input was written.
    expect(rows.filter((r) => r[2] === 'unresolved')).toEqual([
      [
        'KitchenSinkFunction.Policies[40]',
        'identity',
        'unresolved',
        "PinpointValidatePhoneNumberPolicy is not a SAM policy template (aws-sam-translator's list)",
      ],
    ]);
    const s3 = rec(result, 'KitchenSinkFunction.Policies[9]');
    expect(s3.name).toBe('S3ReadPolicy');
    expect(s3.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            's3:GetObject',
            's3:ListBucket',
            's3:GetBucketLocation',
            's3:GetObjectVersion',
            's3:GetLifecycleConfiguration',
          ],
          Resource: ['arn:aws:s3:::name', 'arn:aws:s3:::name/*'],
        },
      ],
    });
    expect(lineAt(text, s3.line!).trim()).toBe('- S3ReadPolicy:');
    const sqs = rec(result, 'KitchenSinkFunction.Policies[0]');
    expect(statements(sqs)[0]!.Resource).toBe(`arn:aws:sqs:*:${A}:name`);
    // Every template the fixture names that SAM still publishes expands with its own statements.
    for (const p of result.policies.filter(
      (x) => x.status === 'resolved' && x.name && SAM_POLICY_TEMPLATES[x.name],
    ))
      expect(statements(p)).toHaveLength(
        (SAM_POLICY_TEMPLATES[p.name!]!.definition as { Statement: unknown[] }).Statement.length,
      );
    const role = principal(result, 'KitchenSinkFunctionRole');
    expect(role.policies).toHaveLength(58);
    expect(role.policies).toContain(MANAGED_BASIC);
  });

  it('reads at least 90% of the permission policies of the real templates', () => {
    const files = [
      'datadog__datadog_integration_role.yaml',
      'datadog__datadog_policy_macro.yaml',
      'datadog__datadog_agentless_delegate_role.yaml',
      'datadog__datadog_custom_iam.yaml',
      'aws-cloudformation-templates__Config.yaml',
      'aws-cloudformation-templates__IAM_Users_Groups_and_Policies.yaml',
      'aws-cdk__integ.sqs__aws-cdk-sqs.template.json',
      'sam__all_policy_templates.yaml',
    ];
    const permission = files.flatMap((f) => load(f).result.policies.filter((p) => p.kind !== 'trust'));
    const read = permission.filter((p) => p.status === 'resolved');
    // Datadog role 8 (SecurityAudit when CSPM is enabled), macro 1, agentless 4 (one not created
    // with the defaults), custom IAM 2, Config 4, users and groups 2, CDK 3, SAM 58.
    expect(permission.length).toBe(82);
    expect(read.length).toBe(79);
    expect(read.length / permission.length).toBeGreaterThanOrEqual(0.9);
    for (const p of permission.filter((x) => x.status === 'unresolved')) expect(p.reason).toMatch(/^\S.*\S$/);
  });
});

describe('intrinsic functions', () => {
  const T = (resources: string, extra = '') =>
    `AWSTemplateFormatVersion: '2010-09-09'\n${extra}Resources:\n${resources}`;

  it('evaluates Sub, Join, Select, Split, FindInMap, If and the pseudo-parameters', () => {
    const text = T(
      `  Worker:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub '\${Prefix}-role'
      Path: /svc/
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: !Split [',', 's3:GetObject,s3:PutObject']
                Resource:
                  - !Sub 'arn:\${AWS::Partition}:s3:::\${Bucket}/\${!aws:username}/*'
                  - !Join ['', ['arn:aws:sqs:', !Ref 'AWS::Region', ':', !Ref 'AWS::AccountId', ':q']]
                  - !Select [1, [a, !FindInMap [Env, !Ref Stage, Table], c]]
                  - !FindInMap [Env, nope, Table, {DefaultValue: fallback}]
              - !If [IsProd, {Effect: Allow, Action: 'iam:PassRole', Resource: !GetAtt Worker.Arn}, !Ref 'AWS::NoValue']
              - !If [IsDev, {Effect: Allow, Action: '*', Resource: '*'}, !Ref 'AWS::NoValue']
`,
      `Parameters:
  Prefix: {Type: String, Default: acme}
  Bucket: {Type: String, Default: data}
  Stage: {Type: String, Default: prod}
Mappings:
  Env:
    prod: {Table: orders}
Conditions:
  IsProd: !Equals [!Ref 'AWS::Partition', aws]
  IsDev: !Not [!Condition IsProd]
`,
    );
    const r = parse('t.yaml', text);
    expect(r.errors).toEqual([]);
    const p = rec(r, 'Role.Policies[0]');
    expect(p.document).toEqual({
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: [`arn:aws:s3:::data/\${aws:username}/*`, `arn:aws:sqs:*:${A}:q`, 'orders', 'fallback'],
        },
        // Fn::GetAtt X.Arn: the ARN pattern from X's RoleName and Path.
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${A}:role/svc/acme-role` },
      ],
    });
    expect(p.approximate).toBeUndefined();
    expect(p.statementLines!.map((l) => lineAt(text, l).trim())).toEqual([
      '- Effect: Allow',
      "- !If [IsProd, {Effect: Allow, Action: 'iam:PassRole', Resource: !GetAtt Worker.Arn}, !Ref 'AWS::NoValue']",
    ]);
  });

  it('reads unknown values as wildcards within their segment, with the reason', () => {
    const text = T(
      `  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: !If [Unknown, Allow, Deny]
            Action: 'ssm:GetParameter'
            Resource:
              - !Sub 'arn:aws:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/\${Team}/*'
              - !Sub ['arn:aws:s3:::\${B}', {B: !ImportValue shared-bucket}]
`,
      `Parameters:
  Team: {Type: String}
Conditions:
  Unknown: !Equals [!Ref Team, core]
`,
    );
    const p = rec(parse('t.yaml', text), 'P');
    expect(statements(p)[0]).toEqual({
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      // (the region a wildcard; the String parameter beside known text one value: one-value-resources.test.ts)
      Resource: [`arn:aws:ssm:*:${A}:parameter/<Team>/*`, 'arn:aws:s3:::*'],
    });
    // The Deny of the other branch is left out (a Deny is never read broader than written).
    expect(statements(p)).toHaveLength(1);
    expect(p.approximate).toEqual([
      'left out: a Deny chosen by a condition that is not known (a Deny is never read broader than written: that would hide what the policy grants); findings it might remove are still reported',
      'condition Unknown is not known (parameter Team has no default): both of its branches audited',
      "Fn::ImportValue shared-bucket: another stack's output",
      'read as one value each (a resource of yours, not every one; a value with a wildcard would grant more): parameter Team',
    ]);
  });

  it('attachments through Fn::If: the branch taken, by !Ref, whatever the policy is named', () => {
    const text = T(
      `  MP:
    Type: AWS::IAM::ManagedPolicy
    Condition: On
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}
  Off:
    Type: AWS::IAM::ManagedPolicy
    Condition: Never
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}
  R:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - !If [On, !Ref MP, !Ref 'AWS::NoValue']
        - !If [Never, !Ref Off, !Ref 'AWS::NoValue']
        - !If [Never, !Ref Off, !Sub 'arn:\${AWS::Partition}:iam::aws:policy/ReadOnlyAccess']
`,
      `Parameters:
  Mode: {Type: String, Default: 'yes', AllowedValues: ['yes']}
Conditions:
  On: !Equals [!Ref Mode, 'yes']
  Never: !Not [!Condition On]
`,
    );
    const r = parse('t.yaml', text);
    expect(r.errors).toEqual([]);
    expect(summary(r)).toEqual([
      ['Off', 'identity', 'unresolved', notCreated('Never')],
      ['MP', 'identity', 'resolved'],
      ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'identity', 'resolved'],
    ]);
    expect(principal(r, 'R')).toMatchObject({
      policies: ['MP', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      unresolved: [],
    });
  });

  it('reads every kind of policy resource, and never shows a NoEcho default', () => {
    const text = T(
      `  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub 'logs-\${AWS::AccountId}'}
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: '*', Action: 's3:*', Resource: !Sub '\${Bucket.Arn}/*', Condition: {Bool: {'aws:SecureTransport': 'false'}}}
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: {Statement: [{Effect: Allow, Principal: {AWS: !Sub 'arn:aws:iam::\${AWS::AccountId}:root'}, Action: 'kms:*', Resource: '*'}]}
  Logs:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: es
      PolicyDocument: '{"Statement":[{"Effect":"Allow","Principal":{"Service":"es.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}'
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: com.amazonaws.s3
      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: '*'}]}
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: 'sts:AssumeRole'}]}
  RolePolicy:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: app
      PolicyName: inline
      PolicyDocument:
        Statement: [{Effect: Allow, Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: {StringEquals: {'aws:PrincipalTag/token': !Ref Token}}}]
  IoT:
    Type: AWS::IoT::Policy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: 'iot:Connect', Resource: '*'}]}
`,
      `Parameters:
  Token: {Type: String, NoEcho: true, Default: hunter2-secret}
`,
    );
    const r = parse('t.yaml', text);
    expect(r.errors).toEqual([]);
    expect(summary(r)).toEqual([
      ['BucketPolicy', 'resource', 'resolved'],
      ['Key.KeyPolicy', 'resource', 'resolved'],
      ['Logs', 'resource', 'resolved'],
      ['Endpoint', 'resource', 'resolved'],
      ['Role.AssumeRolePolicyDocument', 'trust', 'resolved'],
      ['RolePolicy', 'identity', 'resolved'],
    ]);
    expect(statements(rec(r, 'BucketPolicy'))[0]!.Resource).toBe(`arn:aws:s3:::logs-${A}/*`);
    expect(statements(rec(r, 'Logs'))[0]!.Action).toBe('logs:PutLogEvents');
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(rec(r, 'RolePolicy').approximate).toEqual(['parameter Token is NoEcho (a secret)']);
    // An AWS::IAM::RolePolicy names its role: the role holds it.
    expect(principal(r, 'Role').policies).toEqual(['RolePolicy']);
  });

  it('JSON templates read the same way, with Fn:: long forms and lines from the JSON text', () => {
    const doc = {
      Resources: {
        Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs' } },
        QP: {
          Type: 'AWS::SQS::QueuePolicy',
          Properties: {
            Queues: [{ Ref: 'Q' }],
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Service: 'sns.amazonaws.com' },
                  Action: 'sqs:SendMessage',
                  Resource: { 'Fn::GetAtt': ['Q', 'Arn'] },
                },
              ],
            },
          },
        },
      },
    };
    const text = JSON.stringify(doc, null, 2);
    const r = parse('cdk.out/App.template.json', text);
    const p = rec(r, 'QP');
    expect(statements(p)[0]!.Resource).toBe(`arn:aws:sqs:*:${A}:jobs`);
    expect(lineAt(text, p.statementLines![0]!).trim()).toBe('{');
    expect(lineAt(text, p.statementLines![0]! + 1)).toContain('"Effect"');
  });
});

describe('bad input: a clear error with the line, the rest audited', () => {
  it('an unknown tag', () => {
    const text = `Resources:
  Good:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: 's3:ListBucket', Resource: '*'}]
  Bad:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: 's3:GetObject'
            Resource: !Bogus something
`;
    const r = parse('t.yaml', text);
    expect(r.status).toBe('audited');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ path: 't.yaml', line: 14 });
    expect(r.errors[0]!.message).toMatch(/^unknown tag !Bogus/);
    expect(rec(r, 'Good').status).toBe('resolved');
    const bad = rec(r, 'Bad');
    expect(statements(bad)[0]!.Resource).toBe('*');
    expect(bad.approximate).toEqual(['unknown tag !Bogus (line 14)']);
  });

  it('an Fn:: function CloudFormation does not have', () => {
    const text = `Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: 's3:GetObject'
            Resource: {'Fn::Concat': [a, b]}
`;
    const r = parse('t.yaml', text);
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([[9, 'Fn::Concat is not supported']]);
    expect(statements(rec(r, 'P'))[0]!.Resource).toBe('*');
    expect(rec(r, 'P').approximate).toEqual(['Fn::Concat is not supported']);
  });

  it('a logical id longer than CloudFormation allows', () => {
    const long = 'R'.repeat(5000);
    const r = parse(
      't.json',
      JSON.stringify({
        Resources: {
          [long]: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [] } } },
          Ok: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [] } } },
        },
      }),
    );
    expect(summary(r)).toEqual([['Ok', 'identity', 'resolved']]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.line).toBe(1);
    expect(r.errors[0]!.jsonPath).toBeUndefined();
    expect(r.errors[0]!.message.length).toBeLessThan(200);
  });

  it('names from the template stay bounded in messages and reasons', () => {
    const huge = 'x'.repeat(100_000);
    const r = parse(
      't.json',
      JSON.stringify({
        Resources: {
          P: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: {
              PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: { Ref: huge } }] },
            },
          },
          R: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: [{ 'Fn::ImportValue': huge }] } },
        },
      }),
    );
    expect(r.errors.every((e) => e.message.length <= 300)).toBe(true);
    expect(rec(r, 'P').approximate!.every((n) => n.length <= 300)).toBe(true);
    expect(principal(r, 'R').unresolved.every((u) => u.ref.length <= 300 && u.reason.length <= 300)).toBe(
      true,
    );
    expect(JSON.stringify(r).length).toBeLessThan(5_000);
  });

  it('a cycle of references between resources', () => {
    const text = `Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub '\${B}-a'
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: 'sts:AssumeRole'}]
  B:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub '\${A}-b'
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: 'sts:AssumeRole'}]
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref A]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: 'iam:PassRole', Resource: !GetAtt B.Arn}]
`;
    const r = parse('t.yaml', text);
    const messages = r.errors.map((e) => [e.line, e.message]);
    expect(messages).toContainEqual([
      2,
      'circular dependency between resources A, B (through Ref, Fn::GetAtt, Fn::Sub or DependsOn): CloudFormation rejects this template; break the cycle',
    ]);
    expect(messages.some(([, m]) => /^circular reference: [AB] -> [AB] -> [AB]/.test(String(m)))).toBe(true);
    // The policy is still read, the name on the cycle read as a wildcard.
    const p = rec(r, 'P');
    expect(p.status).toBe('resolved');
    expect(statements(p)[0]!.Resource).toMatch(/^arn:aws:iam::<account-ID-without-hyphens>:role\/\*/);
    expect(principal(r, 'A').policies).toEqual(['P']);
  });

  it('YAML aliases that stand for a huge value: bounded, the policy unresolved with the reason', () => {
    let y = 'AWSTemplateFormatVersion: "2010-09-09"\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) y += `a${i}: &a${i} [${new Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    y += `Resources:
  Small:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}
  Bomb:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: *a8}]}
`;
    const started = Date.now();
    const r = parse('bomb.yaml', y);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(summary(r)).toEqual([
      ['Small', 'identity', 'resolved'],
      [
        'Bomb',
        'identity',
        'unresolved',
        'the policy holds more than 131072 characters, more than AWS accepts (YAML aliases?): not read',
      ],
    ]);
  });

  it('Fn::ForEach (language extensions): said, not expanded (unresolved at its place, not an invalid policy)', () => {
    const text = `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Topics:
    - Name
    - [a, b]
    - Topic\${Name}: {Type: AWS::SNS::Topic}
  Q:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'sqs:SendMessage', Resource: '*'}]}
`;
    const r = parse('t.yaml', text);
    expect(r.errors).toEqual([]);
    expect(summary(r)).toEqual([
      [
        'Fn::ForEach::Topics',
        'identity',
        'unresolved',
        'Fn::ForEach (AWS::LanguageExtensions) is not expanded: the resources it makes, and any IAM policy they hold, are not read',
      ],
      ['Q', 'resource', 'resolved'],
    ]);
    expect(rec(r, 'Fn::ForEach::Topics')).toMatchObject({
      line: 3,
      jsonPath: '$.Resources["Fn::ForEach::Topics"]',
    });
  });

  it('YAML that does not parse, when it is a template: an error with its line', () => {
    const r = parse('stack.yml', 'AWSTemplateFormatVersion: 2010-09-09\nResources:\n  A: [unclosed\n');
    expect(r.status).toBe('error');
    expect(r.errors[0]!.line).toBeGreaterThanOrEqual(3);
    expect(r.reason).toMatch(/^not valid YAML at line \d+/);
  });

  it('a template of a template (string.Template, envsubst, Jinja slots) is skipped with what to audit, never an error', () => {
    // The shape of anyscale's anyscale-cloud-setup.yaml (the client's cloud setup, rendered with
    // Python's string.Template): whole-line slots where resources and parameters are inserted.
    const head = 'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  Name:\n    Type: String\n';
    const role = '  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Ref Name\n';
    const anyscale = `${head}\n$ANYSCALE_CROSS_ACCOUNT_IAM_POLICY_PARAMETERS\n\nResources:\n${role}\n$SUBNETS_TEMPLATES\n`;
    expect(parse('cloud-setup.yaml', anyscale)).toMatchObject({
      status: 'skipped',
      errors: [],
      reason:
        'a template ($ANYSCALE_CROSS_ACCOUNT_IAM_POLICY_PARAM…, $SUBNETS_TEMPLATES), not a CloudFormation template as written (not valid YAML at line 6 until rendered): audit what it renders',
    });
    const jinja = `${head}Resources:\n{% for r in roles %}\n  {{ r.id }}:\n    Type: AWS::IAM::Role\n    Properties: {{ r.props }}\n{% endfor %}\n`;
    expect(parse('roles.yaml.j2.yaml', jinja)).toMatchObject({ status: 'skipped', errors: [] });
    expect(parse('roles.yaml.j2.yaml', jinja).reason).toMatch(/^a template \(\{% for r in roles %\}, /);
    // CloudFormation's own dynamic reference is no slot: a broken template that holds one is an error.
    const resolve = `${head}Description: {{resolve:ssm:/my/param}} for x\nResources:\n${role}`;
    expect(parse('resolve.yaml', resolve)).toMatchObject({ status: 'error' });
    // A slot that is not where YAML stops, and a text that stays broken once filled: an error.
    const broken = `${head}Resources:\n  A: x: y\n$SLOT\n`;
    expect(parse('broken.yaml', broken)).toMatchObject({ status: 'error' });
  });

  // (a review: a serverless.yml with provider.iamRoleStatements and resources.Resources was "not a
  // CloudFormation template", as if it held no policy)
  it('a Serverless Framework configuration is skipped, saying what to audit instead', () => {
    const sls = [
      'service: jobs',
      'provider:',
      '  name: aws',
      '  iamRoleStatements:',
      '    - Effect: Allow',
      '      Action: [dynamodb:Query]',
      '      Resource: "*"',
      'resources:',
      '  Resources:',
      '    Table:',
      '      Type: AWS::DynamoDB::Table',
      '',
    ].join('\n');
    expect(parse('serverless.yml', sls)).toMatchObject({
      status: 'skipped',
      errors: [],
      reason:
        'a Serverless Framework configuration, not read here: the template it packages holds its IAM statements (provider.iam, iamRoleStatements) and resources: run `serverless package` and audit .serverless/cloudformation-template-update-stack.json (name it: .serverless is usually git-ignored)',
    });
  });

  it('a YAML file that is not a template is skipped, never an error', () => {
    const workflow = 'name: ci\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n';
    expect(parse('.github/workflows/ci.yml', workflow)).toMatchObject({ status: 'skipped', errors: [] });
    expect(parse('values.yaml', 'Resources:\n  cpu: 1\n')).toMatchObject({ status: 'skipped', errors: [] });
    expect(parse('broken.yaml', 'a: [\n')).toMatchObject({ status: 'skipped', errors: [] });
    const manifests = 'Resources:\n  limits: {cpu: 1}\n---\nkind: Service\n';
    expect(parse('k8s.yaml', manifests)).toMatchObject({ status: 'skipped', errors: [] });
    // Quoted keys, a document marker and comments before them are still a template.
    const quoted = `---\n# stack\n"Resources":\n  "P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": []}}}\n`;
    expect(parse('quoted.yaml', quoted)).toMatchObject({ kind: 'cloudformation', status: 'audited' });
  });

  it('a JSON document with a Resources map is not taken for a template unless its types are AWS ones', () => {
    const r = parse('x.json', JSON.stringify({ Resources: { a: { Type: 'x' } } }));
    expect(r.kind).not.toBe('cloudformation');
  });
});

describe('SAM functions', () => {
  it('reads inline statements, managed names, templates and intrinsic entries', () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  Table:
    Type: AWS::Serverless::SimpleTable
    Properties:
      TableName: orders
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Policies:
        - AmazonS3ReadOnlyAccess
        - DynamoDBReadPolicy:
            TableName: !Ref Table
        - Statement:
            - Effect: Allow
              Action: 'sqs:SendMessage'
              Resource: '*'
        - !If [Never, AmazonSQSFullAccess, !Ref 'AWS::NoValue']
        - DynamoDBCrudPolicy: {}
  WithRole:
    Type: AWS::Serverless::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/existing
      Policies:
        - AWSLambdaExecute
        - Statement: [{Effect: Allow, Action: '*', Resource: '*'}]
Conditions:
  Never: !Equals [a, b]
`;
    const r = parse('template.yaml', text);
    expect(summary(r)).toEqual([
      ['Fn.Policies[1]', 'identity', 'resolved'],
      ['Fn.Policies[2]', 'identity', 'resolved'],
      ['Fn.Policies[4]', 'identity', 'unresolved', 'SAM policy template DynamoDBCrudPolicy needs TableName'],
      [MANAGED_BASIC, 'identity', 'resolved'],
      ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'identity', 'resolved'],
    ]);
    expect(statements(rec(r, 'Fn.Policies[1]'))[0]!.Resource).toEqual([
      `arn:aws:dynamodb:*:${A}:table/orders`,
      `arn:aws:dynamodb:*:${A}:table/orders/index/*`,
    ]);
    expect(principal(r, 'FnRole').policies.sort()).toEqual([
      'Fn.Policies[1]',
      'Fn.Policies[2]',
      'Fn.Policies[4]',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      MANAGED_BASIC,
    ]);
    // A function with its own Role gets no generated role, and SAM ignores its Policies.
    expect(r.principals!.map((p) => p.id)).toEqual(['template.yaml#FnRole']);
  });
});

describe('SAM generated roles', () => {
  it('get the managed policies SAM adds (tracing from Globals, VPC) and the dead-letter queue policy', () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tracing: Active
Resources:
  DLQ:
    Type: AWS::SQS::Queue
    Properties: {QueueName: failed-jobs}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      VpcConfig: {SubnetIds: [subnet-1], SecurityGroupIds: [sg-1]}
      DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt DLQ.Arn}
`;
    const r = parse('template.yaml', text);
    expect(summary(r)).toEqual([
      ['Fn.DeadLetterQueue', 'identity', 'resolved'],
      [MANAGED_BASIC, 'identity', 'resolved'],
      ['arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess', 'identity', 'resolved'],
      ['arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole', 'identity', 'resolved'],
    ]);
    expect(rec(r, 'Fn.DeadLetterQueue').document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${A}:failed-jobs`, Effect: 'Allow' }],
    });
    expect(principal(r, 'FnRole').policies).toHaveLength(4);
  });
});

describe('discovery', () => {
  it('walks YAML and .template files; content decides what they are', () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-cfn-disc-'));
    mkdirSync(join(root, '.github/workflows'), { recursive: true });
    mkdirSync(join(root, 'cfn'));
    writeFileSync(join(root, '.github/workflows/ci.yml'), 'on: push\n');
    writeFileSync(
      join(root, 'cfn/stack.template'),
      readFileSync(new URL('aws-cdk__integ.sqs__aws-cdk-sqs.template.json', DIR)),
    );
    writeFileSync(
      join(root, 'cfn/role.yaml'),
      readFileSync(new URL('datadog__datadog_custom_iam.yaml', DIR)),
    );
    writeFileSync(join(root, 'README.md'), '# x\n');
    const found = discover(root, []).files.map((f) => f.path);
    expect(found).toEqual(['.github/workflows/ci.yml', 'cfn/role.yaml', 'cfn/stack.template']);
    const kinds = found.map((p) => {
      const r = parseSource({ path: p, text: readFileSync(join(root, p), 'utf8') }).result;
      return [p, r.kind, r.status];
    });
    expect(kinds).toEqual([
      ['.github/workflows/ci.yml', 'unknown', 'skipped'],
      ['cfn/role.yaml', 'cloudformation', 'audited'],
      ['cfn/stack.template', 'cloudformation', 'audited'],
    ]);
  });
});

describe('YAML keys written twice', () => {
  it('a template with a duplicate key is an error at the second key, and a large one stays linear', async () => {
    const { parseSource } = await import('../../src/sources/index.js');
    const text = [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Resources:',
      '  Role:',
      '    Type: AWS::IAM::Role',
      '  Role:',
      '    Type: AWS::IAM::Role',
      '',
    ].join('\n');
    const r = parseSource({ path: 'dup.yaml', text }).result;
    expect(r.status).toBe('error');
    expect(r.errors[0]).toMatchObject({
      line: 5,
      message: expect.stringContaining('"Role" is written twice'),
    });
  });
});

describe('names and ids CloudFormation makes up', () => {
  it("are one value each: PassRole on a role of the template is held to a vendor's one-role placeholder, role/* is still reported", async () => {
    const { runAudit } = await import('../../src/audit/run.js');
    const { builtinBaselines } = await import('../../src/baselines/load.js');
    const anyscale = builtinBaselines().find((b) => b.id === 'anyscale')!;
    const set = anyscale.sets.find((s) => s.name === 'steady-state-tf')!;
    const template = (passRoleOn: unknown, profile: unknown) => {
      // The vendor's own statements, its two placeholders written as the template's resources.
      const statements = JSON.parse(
        JSON.stringify(set.statements).replaceAll('${account_id}', '${AWS::AccountId}'),
        (_k, v: unknown) =>
          v === '${anyscale_cluster_role_arn}'
            ? passRoleOn
            : v === '${anyscale_cluster_instance_profile_arn}'
              ? profile
              : typeof v === 'string' && v.includes('${AWS::')
                ? { 'Fn::Sub': v }
                : v,
      ) as unknown;
      return JSON.stringify({
        Resources: {
          NodeRole: {
            Type: 'AWS::IAM::Role',
            Properties: { AssumeRolePolicyDocument: { Statement: [] } },
          },
          NodeProfile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'NodeRole' }] } },
          AnyscaleSteadyState: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: { PolicyDocument: { Version: '2012-10-17', Statement: statements } },
          },
        },
      });
    };
    const audit = async (text: string, accountId?: string) => {
      const root = mkdtempSync(join(tmpdir(), 'iba-cfn-generated-'));
      writeFileSync(join(root, 'anyscale.template.json'), text);
      const report = await runAudit({
        root,
        paths: [],
        baseline: 'anyscale:steady-state-tf',
        now: new Date('2026-12-01'),
        accountId,
      });
      expect(report.policies.find((p) => p.address === 'AnyscaleSteadyState')?.status).toBe('audited');
      return report.findings.filter((f) => f.severity !== 'info');
    };
    // Before: the role's and the profile's generated names read as `*` (PassRole on every role).
    expect(
      await audit(template({ 'Fn::GetAtt': ['NodeRole', 'Arn'] }, { 'Fn::GetAtt': ['NodeProfile', 'Arn'] })),
    ).toEqual([]);
    // The account bound (--account-id): the role's text stays one value (a review found it split).
    expect(
      await audit(
        template({ 'Fn::GetAtt': ['NodeRole', 'Arn'] }, { 'Fn::GetAtt': ['NodeProfile', 'Arn'] }),
        '123456789012',
      ),
    ).toEqual([]);
    const wide = await audit(
      template(
        { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/*' },
        { 'Fn::GetAtt': ['NodeProfile', 'Arn'] },
      ),
    );
    expect(wide.map((f) => [f.actions, f.resources])).toEqual([
      [['iam:PassRole'], [`arn:aws:iam::${ACCOUNT_PLACEHOLDER}:role/*`]],
    ]);
  });
});

describe('one value, read as one', () => {
  const audit = async (template: unknown, baseline: string) => {
    const { runAudit } = await import('../../src/audit/run.js');
    const root = mkdtempSync(join(tmpdir(), 'iba-cfn-one-'));
    writeFileSync(join(root, 'stack.template.json'), JSON.stringify(template));
    // A policy file as a baseline: one bucket (a placeholder), its objects and its listing.
    writeFileSync(
      join(root, 'baseline.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::<bucket>/*' },
          { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::<bucket>' },
          { Effect: 'Allow', Action: ['iam:GetRole'], Resource: 'arn:aws:iam::<account-id>:role/<role>' },
        ],
      }),
    );
    return runAudit({ root, paths: ['stack.template.json'], baseline, now: new Date('2026-12-01') });
  };
  const role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } };
  const policy = (statements: unknown[]) => ({
    Type: 'AWS::IAM::ManagedPolicy',
    Properties: { PolicyDocument: { Version: '2012-10-17', Statement: statements } },
  });

  it('a Deny of a made-up name removes only that one, not every role (read as *, it hid PassRole on role/*)', async () => {
    const report = await audit(
      {
        Resources: {
          AdminRole: role,
          AnyscalePolicy: policy([
            {
              Effect: 'Allow',
              Action: 'iam:PassRole',
              Resource: { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/*' },
            },
            { Effect: 'Deny', Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': ['AdminRole', 'Arn'] } },
          ]),
        },
      },
      'anyscale:steady-state-tf',
    );
    const pass = report.findings.filter((f) => f.actions.includes('iam:PassRole') && f.severity !== 'info');
    expect(pass.map((f) => [f.resources, f.approximate])).toEqual([
      [
        [`arn:aws:iam::${ACCOUNT_PLACEHOLDER}:role/*`],
        'the Deny statement #1 denies part of arn:aws:iam::<account-ID-without-hyphens>:role/*',
      ],
    ]);
  });

  it('a bucket of a made-up name names no object (its name holds no /), and a name of AWS::NoValue is made up', async () => {
    const template = {
      Conditions: { HasName: { 'Fn::Equals': ['', 'x'] } },
      Resources: {
        Data: { Type: 'AWS::S3::Bucket', Properties: {} },
        NodeRole: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [] },
            RoleName: { 'Fn::If': ['HasName', 'named', { Ref: 'AWS::NoValue' }] },
          },
        },
        LightlyPolicy: policy([
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: [{ 'Fn::GetAtt': ['Data', 'Arn'] }, { 'Fn::Sub': '${Data.Arn}/*' }],
          },
          { Effect: 'Allow', Action: 'iam:GetRole', Resource: { 'Fn::GetAtt': ['NodeRole', 'Arn'] } },
        ]),
      },
    };
    const report = await audit(template, 'baseline.json');
    const p = report.policies.find((x) => x.address === 'LightlyPolicy');
    expect(p?.status).toBe('audited');
    // The usual pattern (the bucket for ListBucket, its objects for GetObject), as with a literal
    // name: no finding (a review found GetObject "granted on arn:aws:s3:::<name of Data>, broader").
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // The role named by AWS::NoValue: a name made up, one value (was an empty name).
    const read = parseSource({ path: 'stack.template.json', text: JSON.stringify(template) }).result;
    const rec = read.policies.find((x) => x.address === 'LightlyPolicy');
    expect((rec?.document as { Statement: { Resource: unknown }[] }).Statement[1]!.Resource).toBe(
      `arn:aws:iam::${ACCOUNT_PLACEHOLDER}:role/<name of NodeRole>`,
    );
  });
});

describe('a Deny is never read broader than written (an unknown value is left out, not `*`)', () => {
  const NOTE = (what: string) =>
    `left out: ${what} (a Deny is never read broader than written: that would hide what the policy grants); findings it might remove are still reported`;
  const T = (statements: string, params = '  P: {Type: String}\n') =>
    `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
${params}Resources:
${roleWithPolicy(statements)}`;
  const ALLOW = `              - Effect: Allow
                Action: iam:*
                Resource: '*'
`;
  const audit = async (text: string) => {
    const { runAudit } = await import('../../src/audit/run.js');
    const root = mkdtempSync(join(tmpdir(), 'iba-cfn-deny-'));
    writeFileSync(join(root, 't.yaml'), text);
    const report = await runAudit({ root, paths: ['t.yaml'], baseline: 'skypilot:minimal', now: NOW });
    const excess = report.findings.filter((f) => f.severity !== 'info');
    // The lines of the excess findings, and whether iam:CreateAccessKey is a critical one.
    return {
      lines: [...new Set(excess.map((f) => f.line))],
      createAccessKey: excess.some(
        (f) => f.severity === 'critical' && f.actions.includes('iam:CreateAccessKey'),
      ),
    };
  };
  /** The excess findings of the Allow of `iam:*`: at its line. */
  const iamStar = (text: string) => ({
    lines: [text.split('\n').indexOf('              - Effect: Allow') + 1],
    createAccessKey: true,
  });
  const NOW = new Date('2026-12-01');

  it('a Deny of `*` on a parameter without a default hides nothing: iam:* is reported (it was read as Resource `*`)', async () => {
    const text = T(`${ALLOW}              - Effect: Deny
                Action: '*'
                Resource: !Ref P
`);
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    // Only what is read says why: the parameter's reason is not a wildcard here.
    expect(p.approximate).toEqual([NOTE("a Deny's resources that are not known")]);
    expect(p.statementLines!.map((l) => lineAt(text, l).trim())).toEqual(['- Effect: Allow']);
    const found = await audit(text);
    expect(found).toEqual(iamStar(text));
  });

  it('the statements after a Deny left out keep their numbers as written: statement #1, the Deny statement #2', async () => {
    const text = T(`              - Effect: Deny
                Action: !Ref P
                Resource: '*'
${ALLOW}              - Effect: Deny
                Action: iam:CreateUser
                Resource: '*'
                Condition: { StringEquals: { 'aws:username': x } }
`);
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(p.statementNumbers).toEqual([1, 2]);
    const { runAudit } = await import('../../src/audit/run.js');
    const root = mkdtempSync(join(tmpdir(), 'iba-cfn-deny-'));
    writeFileSync(join(root, 't.yaml'), text);
    const report = await runAudit({ root, paths: ['t.yaml'], baseline: 'skypilot:minimal', now: NOW });
    const excess = report.findings.filter((f) => f.severity !== 'info');
    expect(new Set(excess.map((f) => f.statement))).toEqual(new Set(['#1']));
    const createUser = excess.find((f) => f.actions.includes('iam:CreateUser'))!;
    expect(String(createUser.approximate)).toContain(
      'the Deny statement #2 also denies this only under its condition',
    );
  });

  it("a Deny in the stack's region is left out (read in every region it hid the grant elsewhere); an Allow's region stays any, with no note", () => {
    const text = T(`              - Effect: Allow
                Action: ec2:DeleteVolume
                Resource: !Sub 'arn:aws:ec2:*:\${AWS::AccountId}:volume/*'
              - Effect: Allow
                Action: ec2:DeleteSnapshot
                Resource: !Sub 'arn:aws:ec2:\${AWS::Region}:\${AWS::AccountId}:snapshot/*'
              - Effect: Deny
                Action: ec2:DeleteVolume
                Resource: !Sub 'arn:aws:ec2:\${AWS::Region}:\${AWS::AccountId}:volume/*'
`);
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      {
        Effect: 'Allow',
        Action: 'ec2:DeleteVolume',
        Resource: 'arn:aws:ec2:*:<account-ID-without-hyphens>:volume/*',
      },
      {
        Effect: 'Allow',
        Action: 'ec2:DeleteSnapshot',
        Resource: 'arn:aws:ec2:*:<account-ID-without-hyphens>:snapshot/*',
      },
    ]);
    expect(p.approximate).toEqual([NOTE("a Deny's resources that are not known")]);
  });

  it('keeps the known items of a Deny list; the statements after a Deny left out keep their own lines', () => {
    const text = T(`              - Effect: Deny
                Action: '*'
                Resource: !ImportValue protected-arn
              - Effect: Deny
                Action: ['iam:CreateUser', !Sub 'iam:\${P}']
                Resource:
                  - !Sub 'arn:aws:iam::\${AWS::AccountId}:user/admin'
                  - !Sub 'arn:aws:iam::\${AWS::AccountId}:user/\${P}'
                  - !GetAtt Role.Arn
${ALLOW}`);
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      {
        Effect: 'Deny',
        Action: ['iam:CreateUser'],
        // A made-up name and the account placeholder are one value each: known, kept.
        Resource: [`arn:aws:iam::${A}:user/admin`, `arn:aws:iam::${A}:role/<name of Role>`],
      },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([
      NOTE("a Deny's resources that are not known; a Deny's actions that are not known"),
    ]);
    expect(p.statementLines!.map((l) => lineAt(text, l).trim())).toEqual([
      '- Effect: Deny',
      '- Effect: Allow',
    ]);
    expect(lineAt(text, p.statementLines![0]! + 1).trim()).toBe(
      "Action: ['iam:CreateUser', !Sub 'iam:${P}']",
    );
  });

  it('a Deny whose NotResource, NotAction or Action is wholly unknown is left out', async () => {
    for (const deny of [
      `              - Effect: Deny
                Action: '*'
                NotResource: !Ref P
`,
      `              - Effect: Deny
                NotAction: [!Sub '\${P}:*', 's3:*']
                Resource: '*'
`,
      `              - Effect: Deny
                Action: !Ref L
                Resource: '*'
`,
    ]) {
      const text = T(`${deny}${ALLOW}`, '  P: {Type: String}\n  L: {Type: CommaDelimitedList}\n');
      const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
      expect(statements(p)).toEqual([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
      expect(p.approximate).toHaveLength(1);
      expect(p.statementLines!.map((l) => lineAt(text, l).trim())).toEqual(['- Effect: Allow']);
      expect(await audit(text)).toEqual(iamStar(text));
    }
  });

  it("a Deny whose condition's key or operator is unknown is left out; an unknown value keeps it a condition", async () => {
    // A key with an unknown part (a document written as a JSON string, the way CDK and !Sub write them).
    const sub = T('').replace(
      /\n {10}PolicyDocument:[\s\S]*$/,
      `\n          PolicyDocument: !Sub '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}, {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/\${P}": "x"}}}]}'\n`,
    );
    const p = rec(parse('t.yaml', sub), 'Role.Policies[0]');
    expect(statements(p)).toEqual([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    expect(p.approximate).toEqual([NOTE("a Deny's condition that is not known")]);
    expect(await audit(sub)).toEqual({
      lines: [sub.split('\n').indexOf(sub.split('\n').find((l) => l.includes('!Sub'))!) + 1],
      createAccessKey: true,
    });
    // An operator's keys not known at all.
    const map = T(`${ALLOW}              - Effect: Deny
                Action: '*'
                Resource: '*'
                Condition:
                  StringEquals: !ImportValue the-condition
`);
    expect(statements(rec(parse('t.yaml', map), 'Role.Policies[0]'))).toEqual([
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    // An unknown value: still a condition, as before (a Deny under one removes no grant).
    const value = T(`${ALLOW}              - Effect: Deny
                Action: '*'
                Resource: '*'
                Condition:
                  StringEquals: {'aws:ResourceTag/team': !Ref P}
`);
    const v = rec(parse('t.yaml', value), 'Role.Policies[0]');
    expect(statements(v)[1]).toEqual({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/team': '*' } },
    });
    expect(v.approximate).toEqual(['parameter P has no default']);
    expect(await audit(value)).toEqual(iamStar(value));
  });

  it("a resource policy's Deny of unknown principals is left out; an Allow's unknown values are still wildcards", () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  P: {Type: String}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: {AWS: !Ref P}
            Action: 's3:*'
            Resource: '*'
          - Effect: Allow
            Principal: {AWS: !ImportValue reader-role}
            Action: 's3:GetObject'
            Resource: !Sub 'arn:aws:s3:::\${P}/*'
`;
    const p = rec(parse('t.yaml', text), 'BucketPolicy');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::<P>/*' },
    ]);
    expect(p.approximate).toEqual([
      NOTE("a Deny's principals that are not known"),
      "Fn::ImportValue reader-role: another stack's output",
      // (the Allow's resource reads the parameter as one value; the Deny that named it is left out)
      'read as one value each (a resource of yours, not every one; a value with a wildcard would grant more): parameter P',
    ]);
    expect(p.statementLines!.map((l) => lineAt(text, l).trim())).toEqual(['- Effect: Allow']);
  });

  it('SAM inline policies and managed policies go the same way', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  P: {Type: String}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      CodeUri: .
      Policies:
        - Statement:
            - {Effect: Deny, Action: 'iam:*', Resource: !Ref P}
            - {Effect: Allow, Action: 'iam:*', Resource: '*'}
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          Effect: Deny
          Action: 'iam:*'
          Resource: !Sub 'arn:aws:iam::\${AWS::AccountId}:role/\${P}'
`;
    const r = parse('t.yaml', text);
    expect(statements(rec(r, 'Fn.Policies[0]'))).toEqual([
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(rec(r, 'Managed').document).toEqual({ Statement: [] });
    expect(rec(r, 'Managed').statementLines).toEqual([]);
  });
});

describe('an Fn::If whose condition is not known: a policy is read with each of its branches', () => {
  const NOTE = (what: string) =>
    `left out: ${what} (a Deny is never read broader than written: that would hide what the policy grants); findings it might remove are still reported`;
  const BOTH = (c: string, why = 'parameter Env has no default') =>
    `condition ${c} is not known (${why}): both of its branches audited`;
  /** The policy of either branch, the Deny of one left out: both Allows, each at its line. */
  const expectBothAllows = (text: string, p: PolicyRecord) => {
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([NOTE('a Deny chosen by a condition that is not known'), BOTH('IsProd')]);
    expect(lines(text, p)).toEqual([
      "- {Effect: Allow, Action: 'iam:GetRole', Resource: '*'}",
      "- {Effect: Allow, Action: 'iam:*', Resource: '*'}",
    ]);
  };
  const T = (statements: string, extra = '') =>
    `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: { Type: String }
  Tier: { Type: String, Default: gold }
${extra}Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsGold: !Equals [!Ref Tier, gold]
  IsAws: !Equals [!Ref 'AWS::Partition', aws]
Resources:
${roleWithPolicy(statements)}`;
  const GOLD =
    'condition IsGold is true with the parameters at their defaults (Tier "gold"), not with every value a stack may be deployed with: both of its branches audited (what a stack deployed with any values grants)';
  const ROLE = 'arn:aws:iam::123456789012:role/skypilot-v1';
  const PAIRED = `              - Effect: Allow
                Action: !If [IsProd, 'iam:GetRole', 'iam:*']
                Resource: !If [IsProd, '${ROLE}', '*']
`;
  const NOW = new Date('2026-12-01');
  const audit = async (text: string) => {
    const { runAudit } = await import('../../src/audit/run.js');
    const root = mkdtempSync(join(tmpdir(), 'iba-cfn-if-'));
    writeFileSync(join(root, 't.yaml'), text);
    const report = await runAudit({ root, paths: ['t.yaml'], baseline: 'skypilot:minimal', now: NOW });
    return report.findings.filter((f) => f.severity !== 'info');
  };
  const lines = (text: string, p: PolicyRecord) => p.statementLines!.map((l) => lineAt(text, l).trim());

  it('reads Action and Resource chosen by the same condition together, each branch: iam:* on * is reported', async () => {
    const text = T(PAIRED);
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    // (a, x) and (b, y), never (a, y).
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: ROLE },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([BOTH('IsProd')]);
    expect(lines(text, p)).toEqual(['- Effect: Allow', '- Effect: Allow']);
    const found = await audit(text);
    const line = text.split('\n').indexOf('              - Effect: Allow') + 1;
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.line === line)).toBe(true);
    expect(found.some((f) => f.severity === 'critical' && f.actions.includes('iam:CreateAccessKey'))).toBe(
      true,
    );
    // The broader resource: iam:GetRole, which the baseline grants on its role only, on `*`.
    expect(
      found.some(
        (f) =>
          f.kind === 'broader-resource' && f.severity === 'critical' && f.actions.includes('iam:GetRole'),
      ),
    ).toBe(true);
    expect(found[0]!.approximate).toBe(BOTH('IsProd'));
  });

  it('a Deny chosen by the condition is left out; a Deny the same either way is kept', async () => {
    const text = T(`              - Effect: Allow
                Action: iam:*
                Resource: '*'
              - Effect: Deny
                Action: !If [IsProd, 'iam:CreateAccessKey', 's3:*']
                Resource: '*'
              - Effect: Deny
                Action: 'sqs:*'
                Resource: !If [IsProd, '*', '*']
              - !If
                - IsProd
                - Effect: Deny
                  Action: 'iam:*'
                  Resource: '*'
                - !Ref AWS::NoValue
`);
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
      { Effect: 'Deny', Action: 'sqs:*', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([NOTE('a Deny chosen by a condition that is not known'), BOTH('IsProd')]);
    expect(lines(text, p)).toEqual(['- Effect: Allow', '- Effect: Deny']);
    expect(lineAt(text, p.statementLines![1]! + 1).trim()).toBe("Action: 'sqs:*'");
    const found = await audit(text);
    expect(found.some((f) => f.severity === 'critical' && f.actions.includes('iam:CreateAccessKey'))).toBe(
      true,
    );
  });

  it('a statement chosen by the condition or left out (AWS::NoValue) is audited', async () => {
    const text = T(`              - Effect: Allow
                Action: sts:GetCallerIdentity
                Resource: '*'
              - !If
                - IsProd
                - Effect: Allow
                  Action: 'iam:*'
                  Resource: '*'
                - !Ref AWS::NoValue
`);
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([BOTH('IsProd')]);
    expect(lines(text, p)).toEqual(['- Effect: Allow', '- Effect: Allow']);
    const found = await audit(text);
    expect(found.some((f) => f.severity === 'critical' && f.actions.includes('iam:CreateAccessKey'))).toBe(
      true,
    );
    // The other way round (an Allow when the condition is false) too.
    const other =
      T(`              - !If [IsProd, !Ref AWS::NoValue, {Effect: Allow, Action: 'iam:*', Resource: '*'}]
`);
    expect(statements(rec(parse('t.yaml', other), 'Role.Policies[0]'))).toEqual([
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
  });

  it("a condition known offline only by a parameter's default is read both ways too, noted (it picked the default's branch in silence)", () => {
    const text = T(`              - Effect: Allow
                Action: !If [IsGold, 'iam:GetRole', 'iam:*']
                Resource: !If [IsGold, '${ROLE}', '*']
              - !If [IsGold, !Ref AWS::NoValue, {Effect: Deny, Action: '*', Resource: '*'}]
`);
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: ROLE },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([
      NOTE("a Deny chosen by a condition that is so only with the parameters' defaults"),
      GOLD,
    ]);
  });

  it('a condition known offline without a parameter (the partition) picks its branch, as before, with no note', () => {
    const text = T(
      `              - Effect: Allow
                Action: !If [IsAws, 'iam:GetRole', 'iam:*']
                Resource: !If [IsAws, '${ROLE}', '*']
              - !If [IsAws, !Ref AWS::NoValue, {Effect: Deny, Action: '*', Resource: '*'}]
`,
    );
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([{ Effect: 'Allow', Action: 'iam:GetRole', Resource: ROLE }]);
    expect(p.approximate).toBeUndefined();
  });

  it('conditions consulted in a branch only, and several conditions, are read with every assignment', () => {
    const text = T(
      `              - Effect: Allow
                Action: !If [IsProd, 'iam:GetRole', !If [IsEast, 'iam:ListRoles', 'iam:*']]
                Resource: '*'
              - !If [IsWest, {Effect: Allow, Action: 's3:*', Resource: '*'}, !Ref AWS::NoValue]
`,
      '  Region2: { Type: String }\n',
    ).replace(
      'Resources:',
      '  IsEast: !Equals [!Ref Region2, east]\n  IsWest: !Equals [!Ref Region2, west]\nResources:',
    );
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    // (in the order first read: IsEast is read only where IsProd is false, so the reading with
    // IsProd and IsWest true comes first)
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' },
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([
      BOTH('IsProd'),
      BOTH('IsWest', 'parameter Region2 has no default'),
      BOTH('IsEast', 'parameter Region2 has no default'),
    ]);
  });

  it('more than 3 conditions not known: read in each combination the stack can have (a review saw a Deny read as true hide iam:*)', () => {
    const conds = ['C1', 'C2', 'C3', 'C4'];
    const text = T(
      conds
        .map(
          (c, i) => `              - Effect: Allow
                Action: !If [${c}, 'iam:GetRole', 'iam:*']
                Resource: '*'
                Sid: S${i}
`,
        )
        .join(''),
    ).replace('Resources:', `${conds.map((c) => `  ${c}: !Equals [!Ref Env, ${c}]\n`).join('')}Resources:`);
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    // (Env is one of C1...C4 or another value: at most one of them true)
    expect(
      statements(p)
        .map((s) => `${String(s.Sid)} ${String(s.Action)}`)
        .sort(),
    ).toEqual(conds.flatMap((_c, i) => [`S${i} iam:*`, `S${i} iam:GetRole`]));
    expect(p.statementNumbers).toEqual(statements(p).map((s) => Number(String(s.Sid).slice(1))));
    expect(p.approximate).toEqual(
      conds.map(
        (c) => `condition ${c} is not known (parameter Env has no default): both of its branches audited`,
      ),
    );
    // A Deny chosen by one of them is left out, never read as surely there.
    const withDeny = T(
      `              - Effect: Allow
                Action: 'iam:*'
                Resource: '*'
              - !If [C1, {Effect: Deny, Action: 'iam:*', Resource: '*'}, !Ref AWS::NoValue]
${conds
  .slice(1)
  .map(
    (
      c,
    ) => `              - !If [${c}, {Effect: Allow, Action: 'ec2:DescribeInstances', Resource: '*'}, {Effect: Allow, Action: 'kms:*', Resource: '*'}]
`,
  )
  .join('')}`,
    ).replace('Resources:', `${conds.map((c) => `  ${c}: !Equals [!Ref Env, ${c}]\n`).join('')}Resources:`);
    const d = rec(parse('t.yaml', withDeny), 'Role.Policies[0]');
    expect(statements(d).map((s) => `${String(s.Effect)} ${String(s.Action)}`)).toEqual([
      'Allow iam:*',
      ...[
        'kms:*',
        'kms:*',
        'ec2:DescribeInstances',
        'ec2:DescribeInstances',
        'kms:*',
        'ec2:DescribeInstances',
      ].map((a) => `Allow ${a}`),
    ]);
    expect(d.approximate?.[0]).toContain('left out: a Deny chosen by a condition that is not known');
  });

  it('a whole document chosen by the condition: the statements of both audited, a Deny of one left out', () => {
    const text = T('').replace(
      /\n {10}PolicyDocument:[\s\S]*$/,
      `
          PolicyDocument: !If
            - IsProd
            - Statement:
                - {Effect: Allow, Action: 'iam:GetRole', Resource: '*'}
                - {Effect: Deny, Action: 'iam:*', Resource: '*'}
            - Statement:
                - {Effect: Allow, Action: 'iam:*', Resource: '*'}
`,
    );
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expectBothAllows(text, p);
  });

  it('an entry of Policies chosen by the condition: the policy of either branch, as one', () => {
    const text = T('').replace(
      /\n {8}- PolicyName: p[\s\S]*$/,
      `
        - !If
          - IsProd
          - PolicyName: prod
            PolicyDocument:
              Statement:
                - {Effect: Allow, Action: 'iam:GetRole', Resource: '*'}
                - {Effect: Deny, Action: 'iam:*', Resource: '*'}
          - PolicyName: dev
            PolicyDocument:
              Statement:
                - {Effect: Allow, Action: 'iam:*', Resource: '*'}
        - !If [IsProd, !Ref AWS::NoValue, {PolicyName: dev2, PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]}}]
        - !If [IsGold, !Ref AWS::NoValue, {PolicyName: silver, PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]}}]
`,
    );
    const r = parse('t.yaml', text);
    // (silver: when Tier is not gold, which the default is not, but a stack may be given)
    expect(r.policies.filter((p) => p.kind === 'identity').map((p) => p.address)).toEqual([
      'Role.Policies[0]',
      'Role.Policies[1]',
      'Role.Policies[2]',
    ]);
    expect(statements(rec(r, 'Role.Policies[2]'))).toEqual([
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    ]);
    expect(rec(r, 'Role.Policies[2]').approximate).toEqual([GOLD]);
    const p = rec(r, 'Role.Policies[0]');
    expectBothAllows(text, p);
    // Its name is prod or dev: neither is said.
    expect(p.name).toBeUndefined();
    expect(statements(rec(r, 'Role.Policies[1]'))).toEqual([
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    ]);
    // (an entry there or not: when it is, it is dev2)
    expect(rec(r, 'Role.Policies[1]').name).toBe('dev2');
  });

  it('a name a policy uses, chosen by the condition: the policy is read with each (a Deny of it left out)', () => {
    const text = T(`              - Effect: Allow
                Action: iam:PassRole
                Resource: !GetAtt Worker.Arn
              - Effect: Deny
                Action: iam:PassRole
                Resource: !GetAtt Worker.Arn
`).replace(
      'Resources:\n',
      `Resources:
  Worker:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [IsProd, prod-worker, dev-worker]
      AssumeRolePolicyDocument: {Statement: []}
`,
    );
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${A}:role/prod-worker` },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${A}:role/dev-worker` },
    ]);
    expect(p.approximate).toEqual([NOTE('a Deny chosen by a condition that is not known'), BOTH('IsProd')]);
  });

  it('Policies chosen whole by the condition: each entry of either list audited, by its place', () => {
    const text = T('').replace(
      /\n {8}- PolicyName: p[\s\S]*$/,
      ` !If
        - IsProd
        - - PolicyName: prod
            PolicyDocument:
              Statement:
                - {Effect: Allow, Action: 'iam:GetRole', Resource: '*'}
                - {Effect: Deny, Action: 'iam:*', Resource: '*'}
        - - PolicyName: dev
            PolicyDocument:
              Statement:
                - {Effect: Allow, Action: 'iam:*', Resource: '*'}
          - PolicyName: dev2
            PolicyDocument:
              Statement:
                - {Effect: Allow, Action: 's3:*', Resource: '*'}
`,
    );
    const r = parse('t.yaml', text);
    expect(r.errors).toEqual([]);
    const p = rec(r, 'Role.Policies[0]');
    expectBothAllows(text, p);
    expect(statements(rec(r, 'Role.Policies[1]'))).toEqual([
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    ]);
    expect(rec(r, 'Role.Policies[1]').approximate).toEqual([BOTH('IsProd')]);
    // A condition known (the partition): the list it picks, named, as before.
    const known = parse('t.yaml', text.replace('- IsProd\n', '- IsAws\n'));
    expect(known.policies.filter((x) => x.kind === 'identity').map((x) => [x.address, x.name])).toEqual([
      ['Role.Policies[0]', 'prod'],
    ]);
    expect(rec(known, 'Role.Policies[0]').approximate).toBeUndefined();
    expect(statements(rec(known, 'Role.Policies[0]'))).toHaveLength(2);
  });

  it('a branch that cannot be read makes the policy unresolved, saying which', () => {
    const text =
      T(`              - !If [IsProd, {Effect: Allow, Action: 'iam:GetRole', Resource: '*'}, !ImportValue more]
`);
    expect(summary(parse('t.yaml', text)).find((s) => s[0] === 'Role.Policies[0]')).toEqual([
      'Role.Policies[0]',
      'identity',
      'unresolved',
      "with condition IsProd false: statement 0 is not known: Fn::ImportValue more: another stack's output",
    ]);
  });

  it('outside a policy document (a name), a condition not known is read as true, as before', () => {
    const text = T(PAIRED).replace(
      '    Properties:\n      AssumeRolePolicyDocument',
      '    Properties:\n      RoleName: !If [IsProd, prod-role, dev-role]\n      AssumeRolePolicyDocument',
    );
    const r = parse('t.yaml', text);
    expect((r.principals ?? []).find((x) => x.id.endsWith('#Role'))?.name).toBe('prod-role');
  });
});

describe('managed policies chosen by a condition not known', () => {
  it('a role and a SAM function are given the managed policies of both branches (the second was never audited)', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env: {Type: String}
Conditions:
  IsDev: !Equals [!Ref Env, dev]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - !If [IsDev, arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/AdministratorAccess]
  Other:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns: !If [IsDev, [arn:aws:iam::aws:policy/ReadOnlyAccess], !Ref AWS::NoValue]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: .
      Policies:
        - !If [IsDev, AmazonS3ReadOnlyAccess, AmazonS3FullAccess]
`;
    const r = parse('t.yaml', text);
    expect(principal(r, 'Role').policies).toEqual([
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(principal(r, 'Other').policies).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    // Said on each policy so attached (its findings are approximate).
    expect(rec(r, 'arn:aws:iam::aws:policy/AdministratorAccess').approximate).toEqual([
      'attached to Role by an Fn::If whose condition is not known (IsDev): audited as attached',
    ]);
    expect(rec(r, 'arn:aws:iam::aws:policy/AmazonS3FullAccess').approximate?.[0]).toMatch(
      /^attached to .* by an Fn::If whose condition is not known \(IsDev\): audited as attached$/,
    );
    expect(principal(r, 'FnRole').policies).toEqual([
      MANAGED_BASIC,
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AmazonS3FullAccess',
    ]);
  });
});

describe('what a second review found in the reading of Fn::If and the region', () => {
  const HEAD = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  A: {Type: String}
  Env: {Type: String, Default: prod}
Conditions:
  CA: !Equals [!Ref A, x]
  IsProd: !Equals [!Ref Env, prod]
  IsUsEast1: !Equals [!Ref 'AWS::Region', us-east-1]
  IsAws: !Equals [!Ref 'AWS::Partition', aws]
Mappings:
  Same: {us-east-1: {Actions: 's3:GetObject'}, eu-west-1: {Actions: 's3:GetObject'}}
  Differs: {us-east-1: {Actions: 's3:GetObject'}, eu-west-1: {Actions: 's3:PutObject'}}
Resources:
`;
  const ROLE = (statements: string, more = '') => `${roleWithPolicy(statements)}${more}`;

  it("a SAM function's inline policy or SAM policy template chosen by a condition not known: both branches (the false one was lost)", () => {
    const text = `${HEAD}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: i.h
      Runtime: python3.12
      CodeUri: .
      Policies:
        - !If [CA, {Statement: [{Effect: Allow, Action: ec2:DescribeInstances, Resource: '*'}]}, {Statement: [{Effect: Allow, Action: 'iam:*', Resource: '*'}]}]
        - !If [CA, {SQSPollerPolicy: {QueueName: q}}, {S3CrudPolicy: {BucketName: b}}]
`;
    const r = parse('t.yaml', text);
    expect(statements(rec(r, 'Fn.Policies[0]')).map((s) => s.Action)).toEqual([
      'ec2:DescribeInstances',
      'iam:*',
    ]);
    const templates = rec(r, 'Fn.Policies[1]');
    const actions = statements(templates).flatMap((s) => s.Action as string[]);
    expect(actions).toContain('sqs:ReceiveMessage');
    expect(actions).toContain('s3:DeleteObject');
    // (the template's own intrinsic functions evaluated: a bucket ARN, not an object)
    expect(JSON.stringify(templates.document)).toContain('arn:aws:s3:::b');
    expect(templates.approximate).toEqual([
      'condition CA is not known (parameter A has no default): both of its branches audited',
    ]);
  });

  it('an Allow with a condition in one branch only is read once, without it (its findings were told twice)', () => {
    const text = `${HEAD}${ROLE(`              - {Effect: Allow, Action: 'sqs:*', Resource: '*', Condition: !If [CA, {Bool: {'aws:SecureTransport': 'true'}}, !Ref 'AWS::NoValue']}
`)}`;
    expect(statements(rec(parse('t.yaml', text), 'Role.Policies[0]'))).toEqual([
      { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
    ]);
  });

  it("a condition on the stack's region is not known: read both ways; a map entry by region is its one value, else noted", () => {
    const text = `${HEAD}${ROLE(`              - !If [IsUsEast1, {Effect: Allow, Action: 'iam:*', Resource: '*'}, !Ref 'AWS::NoValue']
              - {Effect: Allow, Action: !FindInMap [Same, !Ref 'AWS::Region', Actions], Resource: '*'}
              - {Effect: Allow, Action: !FindInMap [Differs, !Ref 'AWS::Region', Actions], Resource: '*'}
`)}`;
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p).map((s) => s.Action)).toEqual(['iam:*', 's3:GetObject', '*']);
    expect(p.approximate).toEqual([
      "condition IsUsEast1 is not known (AWS::Region: the stack's region): both of its branches audited",
      'Fn::FindInMap "Differs": its entry is chosen by the stack\'s region',
    ]);
  });

  it("an Allow's NotAction with a value not known is read without it (read as `*:*` it excluded every action)", () => {
    const text = `${HEAD}${ROLE(`              - {Effect: Allow, NotAction: !Sub '\${A}:*', Resource: '*'}
              - {Effect: Allow, NotAction: ['iam:*', !Ref A], Resource: '*'}
`)}`;
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Resource: '*', Action: '*' },
      { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' },
    ]);
    expect(p.approximate).toEqual([
      'left out of NotAction: values that are not known; the statements are audited as granting those actions too (every action where none is known)',
    ]);
  });

  it('a policy name evaluated while its document is read holds no marker', () => {
    const text = `${HEAD}${ROLE(
      `              - {Effect: Allow, Action: 'ec2:DescribeInstances', Resource: '*'}
`,
      `        - !If [IsAws, {PolicyName: !Sub 'skypilot-\${AWS::StackName}', PolicyDocument: {Statement: [{Effect: Allow, Action: 'ec2:DescribeInstances', Resource: '*'}]}}, !Ref AWS::NoValue]
`,
    )}`;
    const r = parse('t.yaml', text);
    expect(rec(r, 'Role.Policies[1]').name).toBe('skypilot-*');
    expect(JSON.stringify(r)).not.toMatch(/[\uE000\uE001]/);
  });
});

describe('what a third review found', () => {
  const HEAD = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  A: {Type: String}
  B: {Type: String}
  C: {Type: String}
  D: {Type: String}
  Env: {Type: String}
Conditions:
  CA: !Equals [!Ref A, x]
  CB: !Equals [!Ref B, x]
  CC: !Equals [!Ref C, x]
  CD: !Equals [!Ref D, x]
Mappings:
  RegionMap: {us-east-1: {Act: 'ec2:*'}, eu-west-1: {Act: 's3:GetObject'}}
  EnvMap: {prod: {Act: 'ec2:*'}}
Resources:
`;

  it('beyond 3 conditions, a Deny written with an Fn::If is left out even when the same all true and all false', () => {
    const text = `${HEAD}${roleWithPolicy(`              - {Effect: Allow, Action: ['iam:PassRole', 's3:GetObject'], Resource: '*'}
              - Effect: Deny
                Action: !If [CA, 'iam:PassRole', !If [CB, 's3:GetObject', 'iam:PassRole']]
                Resource: '*'
              - !If [CC, {Effect: Allow, Action: 'sns:Publish', Resource: '*'}, !Ref 'AWS::NoValue']
              - !If [CD, {Effect: Allow, Action: 'sqs:SendMessage', Resource: '*'}, !Ref 'AWS::NoValue']
`)}`;
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p).map((s) => s.Effect)).not.toContain('Deny');
    expect(p.approximate?.[0]).toContain('left out: a Deny chosen by a condition that is not known');
  });

  it('Fn::FindInMap with a key not known is not known, whatever its DefaultValue (the default was read silently)', () => {
    const text = `${HEAD}${roleWithPolicy(`              - {Effect: Allow, Action: !FindInMap [RegionMap, !Ref 'AWS::Region', Act, {DefaultValue: 's3:GetObject'}], Resource: '*'}
              - {Effect: Allow, Action: !FindInMap [EnvMap, !Ref Env, Act, {DefaultValue: 's3:GetObject'}], Resource: '*'}
`)}`;
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p).map((s) => s.Action)).toEqual(['*', '*']);
    expect(p.approximate).toEqual([
      'Fn::FindInMap "RegionMap": its entry is chosen by the stack\'s region',
      'parameter Env has no default',
    ]);
  });

  it("a SAM function's Policies chosen whole by a condition not known: the entries of both lists (the second was lost)", () => {
    const text = `${HEAD}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: i.h
      Runtime: python3.12
      CodeUri: .
      Policies: !If
        - CA
        - - AWSLambdaExecute
          - Statement: [{Effect: Allow, Action: 'sns:Publish', Resource: '*'}]
        - - AmazonEC2FullAccess
          - Statement: [{Effect: Allow, Action: 'iam:PassRole', Resource: '*'}]
`;
    const r = parse('t.yaml', text);
    const inline = r.policies.filter((p) => p.address?.startsWith('Fn.Policies'));
    expect(inline.map((p) => statements(p)[0]!.Action)).toEqual(['sns:Publish', 'iam:PassRole']);
    for (const p of inline)
      expect(p.approximate).toContain(
        'in a Policies list chosen by an Fn::If whose condition is not known (CA): audited as given',
      );
    expect(principal(r, 'FnRole').policies).toEqual(
      expect.arrayContaining([
        'arn:aws:iam::aws:policy/AWSLambdaExecute',
        'arn:aws:iam::aws:policy/AmazonEC2FullAccess',
      ]),
    );
  });

  it('a SAM entry of which a branch is not a policy is unresolved, saying which; a managed branch does not leave out the Deny of the other', () => {
    const text = `${HEAD}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: i.h
      Runtime: python3.12
      CodeUri: .
      Policies:
        - !If [CA, {S3ReadPolicy: {BucketName: b}}, {NoSuchTemplate: {X: 1}}]
        - !If [CA, {Statement: [{Effect: Deny, Action: 'ec2:RunInstances', Resource: '*'}, {Effect: Allow, Action: 'ec2:RunInstances', Resource: '*'}]}, AmazonS3ReadOnlyAccess]
`;
    const r = parse('t.yaml', text);
    const bad = rec(r, 'Fn.Policies[0]');
    expect(bad.status).toBe('unresolved');
    expect(bad.reason).toContain('NoSuchTemplate is not a SAM policy template');
    expect(statements(rec(r, 'Fn.Policies[1]')).map((s) => s.Effect)).toEqual(['Deny', 'Allow']);
  });

  // (a review: `{__proto__: …}` or `{toString: …}` was looked up on the table's prototype and the
  // whole template failed to read)
  it("a SAM entry named after an object's own members is no SAM policy template: that entry alone is unresolved", () => {
    for (const name of ['toString', 'constructor', 'hasOwnProperty']) {
      const text = `${HEAD}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: i.h
      Runtime: python3.12
      CodeUri: .
      Policies:
        - ${name}: {x: 1}
        - S3ReadPolicy: {BucketName: b}
`;
      const r = parse('t.yaml', text);
      expect(rec(r, 'Fn.Policies[0]').reason).toContain(`${name} is not a SAM policy template`);
      expect(rec(r, 'Fn.Policies[1]').status).toBe('resolved');
    }
  });

  it('a condition that the region is GovCloud or China is false (the partition is read as aws), not unknown', () => {
    const text = `${HEAD.replace('Mappings:', "  IsGov: !Equals [!Ref 'AWS::Region', us-gov-west-1]\nMappings:")}${roleWithPolicy(`              - Effect: Allow
                Action: iam:PassRole
                Resource: !Sub ['arn:\${P}:iam::123456789012:role/skypilot-v1', {P: !If [IsGov, aws-us-gov, aws]}]
`)}`;
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/skypilot-v1' },
    ]);
    expect(p.approximate).toBeUndefined();
  });

  it('an Effect not known is read as Allow, said so (it was an invalid policy, not audited)', () => {
    const text = `${HEAD}${roleWithPolicy(`              - {Effect: !Ref Env, Action: 'iam:CreateUser', Resource: '*'}
`)}`;
    const p = rec(parse('t.yaml', text), 'Role.Policies[0]');
    expect(statements(p)).toEqual([{ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }]);
    expect(p.approximate).toEqual([
      'read as Allow: Effects that are not known, so that what the statements may grant is audited',
    ]);
  });
});

describe('a SAM function whose Role an Fn::If may leave out', () => {
  it('has its Policies audited, said so (they were never audited nor listed)', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  RoleArn: {Type: String}
Conditions:
  HasRole: !Not [!Equals [!Ref RoleArn, '']]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: i.h
      Runtime: python3.12
      CodeUri: .
      Role: !If [HasRole, !Ref RoleArn, !Ref 'AWS::NoValue']
      Policies:
        - Statement: [{Effect: Allow, Action: 'iam:*', Resource: '*'}]
      DeadLetterQueue: {Type: SQS, TargetArn: arn:aws:sqs:us-east-1:123456789012:failed}
      EventInvokeConfig:
        DestinationConfig:
          OnSuccess: {Type: Lambda, Destination: arn:aws:lambda:us-east-1:123456789012:function:next}
  Given:
    Type: AWS::Serverless::Function
    Properties:
      Handler: i.h
      Runtime: python3.12
      CodeUri: .
      Role: arn:aws:iam::123456789012:role/given
      Policies:
        - Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]
`;
    const r = parse('t.yaml', text);
    const p = rec(r, 'Fn.Policies[0]');
    expect(statements(p)).toEqual([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    expect(p.approximate).toEqual([
      "used only when the function's Role is not given, which an Fn::If whose condition is not known (HasRole) decides: audited as used",
    ]);
    expect(principal(r, 'FnRole').policies).toContain('Fn.Policies[0]');
    // So are the policies SAM adds to the same role for its DeadLetterQueue and destinations.
    for (const address of ['Fn.DeadLetterQueue', 'Fn.EventInvokeConfig.DestinationConfig.OnSuccess'])
      expect(rec(r, address).approximate).toEqual(p.approximate);
    // A Role surely given: its Policies are not used by SAM, as before.
    expect(r.policies.some((x) => x.address?.startsWith('Given.'))).toBe(false);
    // A Role an Fn::If gives on a condition known only by RoleArn's default: a stack deployed with
    // RoleArn '' has SAM's role, so its policies are audited, noted with the default.
    const byDefault = parse(
      't.yaml',
      text.replace(
        'RoleArn: {Type: String}',
        "RoleArn: {Type: String, Default: 'arn:aws:iam::123456789012:role/r'}",
      ),
    );
    expect(rec(byDefault, 'Fn.Policies[0]').approximate).toEqual([
      `used only when the function's Role is not given, which an Fn::If whose condition HasRole is true with the parameters at their defaults (RoleArn "arn:aws:iam::123456789012:role/r"), not with every value a stack may be deployed with decides: audited as used`,
    ]);
    // A Role an Fn::If of a known condition (AllowedValues leave only the default) gives: no role
    // of SAM's, nothing attached to one.
    const known = parse(
      't.yaml',
      text
        .replace(
          'RoleArn: {Type: String}',
          "RoleArn: {Type: String, Default: 'arn:aws:iam::123456789012:role/r', AllowedValues: ['arn:aws:iam::123456789012:role/r']}",
        )
        .replace(
          "Statement: [{Effect: Allow, Action: 'iam:*', Resource: '*'}]",
          "Statement: [{Effect: Allow, Action: 'kms:*', Resource: '*'}]",
        ),
    );
    expect(known.policies.map((x) => x.address)).not.toContain(MANAGED_BASIC);
    expect(known.policies.some((x) => x.address?.startsWith('Fn.'))).toBe(false);
  });
});

describe("what a review of SAM's implicit policies found", () => {
  /** An order service: its stage decides the dead-letter queues, an alarm topic may be given. */
  const HEAD = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod]}
  AlarmTopicArn: {Type: String, Default: ''}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  HasAlarmTopic: !Not [!Equals [!Ref AlarmTopicArn, '']]
Resources:
  FailedOrders:
    Type: AWS::SQS::Queue
    Properties: {QueueName: failed-orders}
  FailedOrdersTopic:
    Type: AWS::SNS::Topic
    Properties: {TopicName: failed-orders}
`;
  const fn = (name: string, more: string) => `  ${name}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
${more}`;
  const QUEUE = `arn:aws:sqs:*:${A}:failed-orders`;
  const TOPIC = `arn:aws:sns:*:${A}:failed-orders`;
  const STAGE =
    'condition IsProd is not known (parameter Stage has no default): both of its branches audited';

  it('a DeadLetterQueue chosen by an Fn::If, or its Type: the branch of a condition known, each branch of one not known (the policy was lost)', () => {
    const text = `${HEAD}${fn('ProcessOrder', '      DeadLetterQueue: !If [IsProd, {Type: SQS, TargetArn: !GetAtt FailedOrders.Arn}, !Ref AWS::NoValue]\n')}${fn(
      'NotifyOrder',
      `      DeadLetterQueue:
        Type: !If [IsProd, SQS, SNS]
        TargetArn: !If [IsProd, !GetAtt FailedOrders.Arn, !Ref FailedOrdersTopic]
`,
    )}${fn('AlarmOrder', '      DeadLetterQueue: !If [HasAlarmTopic, {Type: SNS, TargetArn: !Ref AlarmTopicArn}, {Type: SQS, TargetArn: !GetAtt FailedOrders.Arn}]\n')}`;
    const r = parse('t.yaml', text);
    const whole = rec(r, 'ProcessOrder.DeadLetterQueue');
    expect(statements(whole)).toEqual([{ Action: 'sqs:SendMessage', Resource: QUEUE, Effect: 'Allow' }]);
    expect(whole.approximate).toEqual([STAGE]);
    expect(principal(r, 'ProcessOrderRole').policies).toContain('ProcessOrder.DeadLetterQueue');
    const typed = rec(r, 'NotifyOrder.DeadLetterQueue');
    expect(statements(typed)).toEqual([
      { Action: 'sqs:SendMessage', Resource: QUEUE, Effect: 'Allow' },
      { Action: 'sns:Publish', Resource: TOPIC, Effect: 'Allow' },
    ]);
    expect(typed.approximate).toEqual([STAGE]);
    expect(lineAt(text, typed.line!).trim()).toBe('DeadLetterQueue:');
    // A condition known only by a parameter's default (the alarm topic's is empty): each branch, as
    // a stack given a topic has the other (its ARN then not known: `*`), noted.
    const known = rec(r, 'AlarmOrder.DeadLetterQueue');
    expect(statements(known)).toEqual([
      { Action: 'sns:Publish', Resource: '*', Effect: 'Allow' },
      { Action: 'sqs:SendMessage', Resource: QUEUE, Effect: 'Allow' },
    ]);
    expect(known.approximate).toEqual([
      'condition HasAlarmTopic is false with the parameters at their defaults (AlarmTopicArn ""), not with every value a stack may be deployed with: both of its branches audited (what a stack deployed with any values grants)',
      'parameter AlarmTopicArn: another value than its default (condition HasAlarmTopic true)',
    ]);
    // A Type not known: listed, with why.
    const unknownType = parse(
      't.yaml',
      `${HEAD.replace('Parameters:', 'Parameters:\n  DlqType: {Type: String}')}${fn('Fn', '      DeadLetterQueue: {Type: !Ref DlqType, TargetArn: !GetAtt FailedOrders.Arn}\n')}`,
    );
    expect(summary(unknownType)[0]).toEqual([
      'Fn.DeadLetterQueue',
      'identity',
      'unresolved',
      "the DeadLetterQueue's Type is not known (parameter DlqType has no default)",
    ]);
  });

  const XRAY = 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess';
  const traced = (r: InputResult, role: string) => principal(r, role).policies.includes(XRAY);

  it('a Tracing chosen by an Fn::If: X-Ray as SAM attaches it, whatever the condition (a condition known false lost it); with AWS::LanguageExtensions, each branch, noted', () => {
    const globals = (head: string) =>
      head.replace(
        'Resources:\n',
        'Globals:\n  Function:\n    Tracing: !If [IsProd, Active, Disabled]\nResources:\n',
      );
    const functions = `${fn('ProcessOrder', '      Tracing: !If [HasAlarmTopic, Active, !Ref AWS::NoValue]\n')}${fn('NotifyOrder', '')}`;
    // SAM's translator resolves a Ref to a parameter there, nothing else: an Fn::If is not 'Disabled'.
    const sam = parse('t.yaml', globals(HEAD) + functions);
    expect(traced(sam, 'ProcessOrderRole')).toBe(true);
    expect(traced(sam, 'NotifyOrderRole')).toBe(true);
    expect(rec(sam, XRAY).approximate).toBeUndefined();
    // AWS::LanguageExtensions first resolves the Fn::If: the branch of a condition known, a
    // condition not known read both ways (X-Ray attached, said so). ProcessOrder's leaves Tracing
    // out (HasAlarmTopic is false), so SAM merges the Globals' one in: X-Ray as for NotifyOrder
    // (it was read as none).
    const LE = HEAD.replace(
      'Transform: AWS::Serverless-2016-10-31\n',
      'Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\n',
    );
    const le = parse('t.yaml', globals(LE) + functions);
    expect(traced(le, 'ProcessOrderRole')).toBe(true);
    expect(traced(le, 'NotifyOrderRole')).toBe(true);
    // (HasAlarmTopic is false only with AlarmTopicArn's default: its Active branch is read too)
    expect(rec(le, XRAY).approximate).toEqual([
      'attached to ProcessOrderRole by an Fn::If whose condition is not known (IsProd), and whose condition HasAlarmTopic is false with the parameters at their defaults (AlarmTopicArn ""), not with every value a stack may be deployed with: audited as attached',
      'attached to NotifyOrderRole by an Fn::If whose condition is not known (IsProd): audited as attached',
    ]);
    // Without Globals, its Fn::If leaves Tracing out only with AlarmTopicArn's default: a stack
    // given a topic has X-Ray (it was read as none, in silence).
    const alone = parse('t.yaml', LE + functions);
    expect(traced(alone, 'ProcessOrderRole')).toBe(true);
    expect(rec(alone, XRAY).approximate).toEqual([
      'attached to ProcessOrderRole by an Fn::If whose condition HasAlarmTopic is false with the parameters at their defaults (AlarmTopicArn ""), not with every value a stack may be deployed with: audited as attached',
    ]);
    // Both branches tracing: attached, with no note.
    const both = parse('t.yaml', LE + fn('Fn', '      Tracing: !If [IsProd, Active, PassThrough]\n'));
    expect(traced(both, 'FnRole')).toBe(true);
    expect(rec(both, XRAY).approximate).toBeUndefined();
  });

  it('a Tracing that is a parameter not known: X-Ray attached, said so; a parameter whose default is Disabled: none, as SAM reads it', () => {
    const text = `${HEAD.replace('Parameters:', 'Parameters:\n  TracingMode: {Type: String, AllowedValues: [Active, PassThrough, Disabled]}\n  Quiet: {Type: String, Default: Disabled}')}${fn('ProcessOrder', '      Tracing: !Ref TracingMode\n')}${fn('NotifyOrder', '      Tracing: !Ref Quiet\n')}`;
    const r = parse('t.yaml', text);
    expect(traced(r, 'ProcessOrderRole')).toBe(true);
    expect(traced(r, 'NotifyOrderRole')).toBe(false);
    expect(rec(r, XRAY).approximate).toEqual([
      'attached to ProcessOrderRole by SAM for its Tracing, which is not known (parameter TracingMode has no default): audited as attached',
    ]);
  });
});

describe('a resource whose Condition is not known', () => {
  it('is audited as created, said so on its policies and on those attached to it (it was read as surely created); one known false is listed and not audited', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  EnableAudit: {Type: String, AllowedValues: ['true', 'false']}
  AlarmEmail: {Type: String, Default: ''}
Conditions:
  AuditEnabled: !Equals [!Ref EnableAudit, 'true']
  HasAlarmEmail: !Not [!Equals [!Ref AlarmEmail, '']]
Resources:
  AuditRole:
    Type: AWS::IAM::Role
    Condition: AuditEnabled
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - {Effect: Allow, Principal: {AWS: arn:aws:iam::111122223333:root}, Action: sts:AssumeRole}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/SecurityAudit]
      Policies:
        - PolicyName: read-trails
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - {Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::org-trails/*'}
  Exporter:
    Type: AWS::Serverless::Function
    Condition: AuditEnabled
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      Policies:
        - Statement: [{Effect: Allow, Action: 'cloudtrail:LookupEvents', Resource: '*'}]
  Alarms:
    Type: AWS::SNS::Topic
    Condition: HasAlarmEmail
    Properties: {TopicName: audit-alarms}
  AlarmsPolicy:
    Type: AWS::SNS::TopicPolicy
    Condition: HasAlarmEmail
    Properties:
      Topics: [!Ref Alarms]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - {Effect: Allow, Principal: {Service: cloudwatch.amazonaws.com}, Action: 'sns:Publish', Resource: !Ref Alarms}
`;
    const r = parse('t.yaml', text);
    const why = 'parameter EnableAudit has no default';
    const created = (id: string) =>
      `${id} is created only when its condition AuditEnabled is true, which is not known (${why}): audited as created`;
    const attached = (id: string) =>
      `attached to ${id}, created only when its condition AuditEnabled is true, which is not known (${why}): audited as attached`;
    expect(rec(r, 'AuditRole.Policies[0]').approximate).toEqual([created('AuditRole')]);
    expect(rec(r, 'AuditRole.AssumeRolePolicyDocument').approximate).toEqual([created('AuditRole')]);
    expect(rec(r, 'Exporter.Policies[0]').approximate).toEqual([created('Exporter')]);
    expect(rec(r, 'arn:aws:iam::aws:policy/SecurityAudit').approximate).toEqual([attached('AuditRole')]);
    expect(rec(r, MANAGED_BASIC).approximate).toEqual([attached('ExporterRole')]);
    expect(principal(r, 'AuditRole').policies).toContain('AuditRole.Policies[0]');
    // A condition false with the defaults only (the alarm email's default is empty; a stack given
    // an address has it): audited as created, said so (it was listed, not audited).
    expect(rec(r, 'AlarmsPolicy')).toMatchObject({
      status: 'resolved',
      approximate: [
        'AlarmsPolicy is created only when its condition HasAlarmEmail is true, which is not known (false only with the parameters at their defaults: AlarmEmail ""): audited as created',
      ],
    });
    // Known true: no note.
    const known = parse(
      't.yaml',
      text.replace('EnableAudit: {Type: String,', "EnableAudit: {Type: String, Default: 'true',"),
    );
    // (the alarm policy, false by default only, is still said so)
    expect(known.policies.filter((p) => p.approximate).map((p) => p.address)).toEqual(['AlarmsPolicy']);
  });
});

describe("SAM's Globals and EventInvokeConfig destinations (what a review of the generated role found)", () => {
  /** An order service: failed orders go to a queue, alarms to a topic; the stage decides some of it. */
  const head = (
    transform = 'AWS::Serverless-2016-10-31',
    globals = '',
  ) => `AWSTemplateFormatVersion: '2010-09-09'
Transform: ${transform}
Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod]}
  UseVpc: {Type: String, AllowedValues: ['true', 'false'], Default: 'false'}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  InVpc: !Equals [!Ref UseVpc, 'true']
Globals:
  Function:
    Runtime: python3.12
    CodeUri: src/
${globals}Resources:
  FailedOrders:
    Type: AWS::SQS::Queue
    Properties: {QueueName: failed-orders}
  CheckoutFailures:
    Type: AWS::SQS::Queue
    Properties: {QueueName: checkout-failures}
  OrderAlarms:
    Type: AWS::SNS::Topic
    Properties: {TopicName: order-alarms}
`;
  const fn = (name: string, more = '') => `  ${name}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
${more}`;
  const LE = '[AWS::LanguageExtensions, AWS::Serverless-2016-10-31]';
  const QUEUE = `arn:aws:sqs:*:${A}:failed-orders`;
  const CHECKOUT = `arn:aws:sqs:*:${A}:checkout-failures`;
  const TOPIC = `arn:aws:sns:*:${A}:order-alarms`;
  const STAGE =
    'condition IsProd is not known (parameter Stage has no default): both of its branches audited';

  it("Globals' DeadLetterQueue: each function's policy, merged key by key with its own as SAM merges them (it was lost)", () => {
    const globals = '    DeadLetterQueue:\n      Type: SQS\n      TargetArn: !GetAtt FailedOrders.Arn\n';
    const text =
      head(undefined, globals) +
      fn('ListOrders') +
      fn('Checkout', '      DeadLetterQueue:\n        TargetArn: !GetAtt CheckoutFailures.Arn\n') +
      fn('Notify', '      DeadLetterQueue: {Type: SNS, TargetArn: !Ref OrderAlarms}\n');
    const r = parse('template.yaml', text);
    // SAM's translator (1.110.0) gives each generated role a DeadLetterQueuePolicy: the Globals'
    // one, the Globals' Type with the function's TargetArn, the function's own.
    const list = rec(r, 'ListOrders.DeadLetterQueue');
    expect(list.name).toBe('DeadLetterQueuePolicy');
    expect(statements(list)).toEqual([{ Action: 'sqs:SendMessage', Resource: QUEUE, Effect: 'Allow' }]);
    expect(list.approximate).toBeUndefined();
    expect(lineAt(text, list.line!)).toBe('    DeadLetterQueue:');
    expect(principal(r, 'ListOrdersRole').policies).toContain('ListOrders.DeadLetterQueue');
    const checkout = rec(r, 'Checkout.DeadLetterQueue');
    expect(statements(checkout)).toEqual([
      { Action: 'sqs:SendMessage', Resource: CHECKOUT, Effect: 'Allow' },
    ]);
    expect(lineAt(text, checkout.line!)).toBe('      DeadLetterQueue:');
    expect(statements(rec(r, 'Notify.DeadLetterQueue'))).toEqual([
      { Action: 'sns:Publish', Resource: TOPIC, Effect: 'Allow' },
    ]);
  });

  it("with AWS::LanguageExtensions, a function's DeadLetterQueue an Fn::If leaves out takes the Globals' one in that branch", () => {
    const globals = '    DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt FailedOrders.Arn}\n';
    const own =
      '      DeadLetterQueue: !If [IsProd, {Type: SNS, TargetArn: !Ref OrderAlarms}, !Ref AWS::NoValue]\n';
    const r = parse('template.yaml', head(LE, globals) + fn('Notify', own));
    const dlq = rec(r, 'Notify.DeadLetterQueue');
    expect(statements(dlq)).toEqual([
      { Action: 'sns:Publish', Resource: TOPIC, Effect: 'Allow' },
      { Action: 'sqs:SendMessage', Resource: QUEUE, Effect: 'Allow' },
    ]);
    expect(dlq.approximate).toEqual([STAGE]);
  });

  const VPC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
  const inVpc = (r: InputResult, role: string) => principal(r, role).policies.includes(VPC);

  it('a VpcConfig written with an Fn::If: VPC access attached whatever its condition, as SAM does (a condition known false in Globals lost it); with AWS::LanguageExtensions, the branch it takes, noted', () => {
    const globals =
      '    VpcConfig: !If [InVpc, {SubnetIds: [subnet-0a1b2c3d], SecurityGroupIds: [sg-0a1b2c3d]}, !Ref AWS::NoValue]\n';
    const functions =
      fn('ListOrders') +
      fn(
        'Checkout',
        '      VpcConfig: !If [IsProd, {SubnetIds: [subnet-4e5f6a7b], SecurityGroupIds: [sg-4e5f6a7b]}, !Ref AWS::NoValue]\n',
      );
    // SAM's translator (1.110.0) attaches it for any VpcConfig that is not empty: an Fn::If is, even
    // one whose condition is false (UseVpc's default).
    const sam = parse('template.yaml', head(undefined, globals) + functions);
    expect(inVpc(sam, 'ListOrdersRole')).toBe(true);
    expect(inVpc(sam, 'CheckoutRole')).toBe(true);
    expect(rec(sam, VPC).approximate).toBeUndefined();
    // AWS::LanguageExtensions first resolves the Fn::If: InVpc is false only with UseVpc's default
    // (its AllowedValues have 'true' too), so both branches (VPC access attached, noted with the
    // default); for Checkout, its own VpcConfig when IsProd (not known), else the Globals' one.
    const le = parse('template.yaml', head(LE, globals) + functions);
    const IN_VPC =
      'whose condition InVpc is false with the parameters at their defaults (UseVpc "false"), not with every value a stack may be deployed with';
    expect(inVpc(le, 'ListOrdersRole')).toBe(true);
    expect(inVpc(le, 'CheckoutRole')).toBe(true);
    expect(rec(le, VPC).approximate).toEqual([
      `attached to ListOrdersRole by an Fn::If ${IN_VPC}: audited as attached`,
      `attached to CheckoutRole by an Fn::If whose condition is not known (IsProd), and ${IN_VPC}: audited as attached`,
    ]);
    expect(principal(le, 'ListOrdersRole').approximate).toEqual([
      `holds what either branch of an Fn::If attaches (${IN_VPC}): both audited as held`,
    ]);
    // Where UseVpc's AllowedValues leave only its default: InVpc false, the Globals' one left out.
    const exact = parse(
      'template.yaml',
      head(LE, globals).replace("AllowedValues: ['true', 'false']", "AllowedValues: ['false']") + functions,
    );
    expect(inVpc(exact, 'ListOrdersRole')).toBe(false);
    expect(rec(exact, VPC).approximate).toEqual([
      'attached to CheckoutRole by an Fn::If whose condition is not known (IsProd): audited as attached',
    ]);
    // An empty VpcConfig is none to SAM.
    const empty = parse('template.yaml', head() + fn('Fn', '      VpcConfig: {}\n'));
    expect(inVpc(empty, 'FnRole')).toBe(false);
  });

  it("Globals' DurableConfig: durable execution instead of basic execution, as SAM attaches it", () => {
    const r = parse(
      'template.yaml',
      head(undefined, '    DurableConfig: {ExecutionTimeout: 3600}\n') + fn('ListOrders'),
    );
    const role = principal(r, 'ListOrdersRole');
    // (SAM's translator, 1.110.0: AWSLambdaBasicDurableExecutionRolePolicy alone)
    expect(role.policies).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy',
    ]);
  });

  /** The destinations of an order service (SAM's translator 1.110.0 gives the roles these policies). */
  const DESTINATIONS = `  OrderEvents:
    Type: AWS::Events::EventBus
    Properties: {Name: order-events}
  OrderArchive:
    Type: AWS::S3::Bucket
    Properties: {BucketName: order-archive}
`;
  const ON_FAILURE = `    EventInvokeConfig:
      MaximumRetryAttempts: 1
      DestinationConfig:
        OnFailure:
          Type: SQS
          Destination: !GetAtt FailedOrders.Arn
`;
  const dest = (fnName: string, on: string) => `${fnName}.EventInvokeConfig.DestinationConfig.${on}`;

  it('EventInvokeConfig destinations: the policy SAM adds for each, its own merged with the Globals one (they were never read)', () => {
    const text =
      head(undefined, ON_FAILURE) +
      DESTINATIONS +
      fn('ListOrders') +
      fn(
        'Checkout',
        `      EventInvokeConfig:
        DestinationConfig:
          OnSuccess: {Type: EventBridge, Destination: !GetAtt OrderEvents.Arn}
          OnFailure: {Destination: !GetAtt CheckoutFailures.Arn}
`,
      ) +
      fn(
        'Notify',
        `      EventInvokeConfig:
        DestinationConfig:
          OnSuccess: {Type: SNS}
          OnFailure: {Type: Lambda, Destination: !GetAtt Checkout.Arn}
`,
      ) +
      fn(
        'Archive',
        `      EventInvokeConfig:
        DestinationConfig:
          OnSuccess: {Type: S3Bucket, Destination: !GetAtt OrderArchive.Arn}
          OnFailure: {Type: SQS, Destination: !If [IsProd, !GetAtt FailedOrders.Arn, !Ref AWS::NoValue]}
`,
      );
    const r = parse('template.yaml', text);
    // The Globals' OnFailure: a record per function, at its line in Globals.
    const list = rec(r, dest('ListOrders', 'OnFailure'));
    expect(list.name).toBe('ListOrdersEventInvokeConfigOnFailureSQSPolicy');
    expect(statements(list)).toEqual([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: QUEUE }]);
    expect(list.approximate).toBeUndefined();
    expect(lineAt(text, list.line!)).toBe('        OnFailure:');
    expect(principal(r, 'ListOrdersRole').policies).toContain(dest('ListOrders', 'OnFailure'));
    // Its own OnSuccess; its OnFailure's Destination with the Globals' Type.
    const bus = rec(r, dest('Checkout', 'OnSuccess'));
    expect(bus.name).toBe('CheckoutEventInvokeConfigOnSuccessEventBridgePolicy');
    expect(statements(bus)).toEqual([
      {
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Resource: `arn:aws:events:*:${A}:event-bus/order-events`,
      },
    ]);
    expect(lineAt(text, bus.line!).trim()).toMatch(/^OnSuccess: \{Type: EventBridge/);
    expect(statements(rec(r, dest('Checkout', 'OnFailure')))).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: CHECKOUT },
    ]);
    // An SNS destination without a Destination: the topic SAM makes.
    expect(statements(rec(r, dest('Notify', 'OnSuccess')))).toEqual([
      {
        Action: 'sns:publish',
        Effect: 'Allow',
        Resource: `arn:aws:sns:*:${A}:<name of NotifyEventInvokeConfigOnSuccessTopic>`,
      },
    ]);
    expect(statements(rec(r, dest('Notify', 'OnFailure')))).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: `arn:aws:lambda:*:${A}:function:<name of Checkout>`,
      },
    ]);
    expect(rec(r, dest('Archive', 'OnSuccess'))).toMatchObject({
      name: 'ArchiveEventInvokeConfigOnSuccessS3Policy',
      document: {
        Statement: [
          { Action: 's3:PutObject', Effect: 'Allow', Resource: 'arn:aws:s3:::order-archive/*' },
          { Action: 's3:ListBucket', Effect: 'Allow', Resource: 'arn:aws:s3:::order-archive' },
        ],
      },
    });
    // A Destination an Fn::If whose condition is not known may leave out: the queue given, or
    // the one SAM makes (its own Fn::If wins over the Globals' Destination, as SAM merges them).
    const chosen = rec(r, dest('Archive', 'OnFailure'));
    expect(statements(chosen)).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: QUEUE },
      {
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Resource: `arn:aws:sqs:*:${A}:<name of ArchiveEventInvokeConfigOnFailureQueue>`,
      },
    ]);
    expect(chosen.approximate).toEqual([STAGE]);
    expect(principal(r, 'ArchiveRole').policies).toEqual(
      expect.arrayContaining([dest('Archive', 'OnSuccess'), dest('Archive', 'OnFailure')]),
    );
  });

  it('an EventInvokeConfig an Fn::If makes: none without AWS::LanguageExtensions (SAM reads none), its branch with it; a Type not known is unresolved, saying why', () => {
    const own = `      EventInvokeConfig: !If
        - IsProd
        - DestinationConfig:
            OnFailure: {Type: SQS, Destination: !GetAtt CheckoutFailures.Arn}
        - !Ref AWS::NoValue
`;
    const sam = parse('template.yaml', head() + fn('Checkout', own));
    expect(sam.policies.map((p) => p.address)).not.toContain(dest('Checkout', 'OnFailure'));
    // With AWS::LanguageExtensions: its own when IsProd (not known), else the Globals' one.
    const le = parse('template.yaml', head(LE, ON_FAILURE) + fn('Checkout', own));
    const failure = rec(le, dest('Checkout', 'OnFailure'));
    expect(failure.name).toBe('CheckoutEventInvokeConfigOnFailureSQSPolicy');
    expect(statements(failure)).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: CHECKOUT },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: QUEUE },
    ]);
    expect(failure.approximate).toEqual([STAGE]);
    const unknownType = parse(
      'template.yaml',
      head().replace('Parameters:', 'Parameters:\n  FailureTarget: {Type: String}') +
        fn(
          'Checkout',
          `      EventInvokeConfig:
        DestinationConfig:
          OnFailure: {Type: !Ref FailureTarget, Destination: !GetAtt CheckoutFailures.Arn}
`,
        ),
    );
    expect(summary(unknownType).find((x) => x[0] === dest('Checkout', 'OnFailure'))).toEqual([
      dest('Checkout', 'OnFailure'),
      'identity',
      'unresolved',
      "the destination's Type is not known (parameter FailureTarget has no default)",
    ]);
  });
});

describe("the policies SAM adds to a function's generated role for its Events (they were never read)", () => {
  /** A worker fed by a queue, a stream, a broker, Kafka, DocumentDB, MSK and a topic. */
  const EVENTS = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {QueueName: jobs}
  Failed:
    Type: AWS::SQS::Queue
    Properties: {QueueName: failed-jobs}
  Alarms:
    Type: AWS::SNS::Topic
    Properties: {TopicName: alarms}
  Orders:
    Type: AWS::Kinesis::Stream
    Properties: {Name: orders, ShardCount: 1}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        FromQueue:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
        FromStream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Orders.Arn
            StartingPosition: LATEST
            DestinationConfig:
              OnFailure:
                Type: SQS
                Destination: !GetAtt Failed.Arn
        FromBroker:
          Type: MQ
          Properties:
            Broker: arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234
            Queues: [orders]
            SourceAccessConfigurations:
              - Type: BASIC_AUTH
                URI: arn:aws:secretsmanager:us-east-1:123456789012:secret:mq-login
            SecretsManagerKmsKeyId: 1234abcd-12ab-34cd-56ef-1234567890ab
        FromKafka:
          Type: SelfManagedKafka
          Properties:
            KafkaBootstrapServers: ['broker1:9092']
            Topics: [orders]
            SourceAccessConfigurations:
              - Type: SASL_SCRAM_512_AUTH
                URI: arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka-login
              - Type: VPC_SUBNET
                URI: subnet:subnet-0a1b2c3d
              - Type: VPC_SECURITY_GROUP
                URI: security_group:sg-0a1b2c3d
            DestinationConfig:
              OnFailure: {Type: SNS, Destination: !Ref Alarms}
        FromDocs:
          Type: DocumentDB
          Properties:
            Cluster: arn:aws:rds:us-east-1:123456789012:cluster:docs
            DatabaseName: db
            SourceAccessConfigurations:
              - Type: BASIC_AUTH
                URI: arn:aws:secretsmanager:us-east-1:123456789012:secret:docdb-login
        FromMsk:
          Type: MSK
          Properties:
            Stream: arn:aws:kafka:us-east-1:123456789012:cluster/orders/abc
            StartingPosition: LATEST
            Topics: [orders]
            SourceAccessConfigurations:
              - Type: CLIENT_CERTIFICATE_TLS_AUTH
                URI: arn:aws:secretsmanager:us-east-1:123456789012:secret:msk-cert
            SchemaRegistryConfig:
              SchemaRegistryURI: arn:aws:glue:us-east-1:123456789012:registry/orders
              EventRecordFormat: JSON
              SchemaValidationConfigs: [{Attribute: VALUE}]
`;
  const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:';
  const ENI = [
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DeleteNetworkInterface',
    'ec2:DescribeVpcs',
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
  ];
  const managed = (name: string) => `arn:aws:iam::aws:policy/service-role/${name}`;

  it("each event's managed policy and inline policy, and its OnFailure destination's, as SAM's translator (1.110.0) gives the role", () => {
    const r = parse('template.yaml', EVENTS);
    // (aws-sam-translator 1.110.0 translates this template's WorkerRole to these, evaluated)
    expect(principal(r, 'WorkerRole').policies.sort()).toEqual(
      [
        MANAGED_BASIC,
        managed('AWSLambdaSQSQueueExecutionRole'),
        managed('AWSLambdaKinesisExecutionRole'),
        managed('AWSLambdaMSKExecutionRole'),
        'Worker.Events.FromStream.DestinationConfig.OnFailure',
        'Worker.Events.FromBroker',
        'Worker.Events.FromKafka',
        'Worker.Events.FromKafka.DestinationConfig.OnFailure',
        'Worker.Events.FromDocs',
        'Worker.Events.FromMsk',
      ].sort(),
    );
    expect(rec(r, 'Worker.Events.FromStream.DestinationConfig.OnFailure')).toMatchObject({
      name: 'WorkerFromStreamSQSPolicy',
      document: {
        Statement: [
          { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: `arn:aws:sqs:*:${A}:failed-jobs` },
        ],
      },
    });
    expect(rec(r, 'Worker.Events.FromKafka.DestinationConfig.OnFailure')).toMatchObject({
      name: 'WorkerFromKafkaSNSPolicy',
      document: {
        Statement: [{ Action: 'sns:publish', Effect: 'Allow', Resource: `arn:aws:sns:*:${A}:alarms` }],
      },
    });
    const broker = rec(r, 'Worker.Events.FromBroker');
    expect(broker.name).toBe('SamAutoGeneratedAMQPolicy');
    expect(statements(broker)).toEqual([
      { Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: `${SECRET}mq-login` },
      {
        Action: ['mq:DescribeBroker'],
        Effect: 'Allow',
        Resource: 'arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234',
      },
      {
        Action: 'kms:Decrypt',
        Effect: 'Allow',
        Resource: `arn:aws:kms:*:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      },
    ]);
    expect(lineAt(EVENTS, broker.line!)).toBe('        FromBroker:');
    const kafka = rec(r, 'Worker.Events.FromKafka');
    expect(kafka.name).toBe('SelfManagedKafkaExecutionRolePolicy');
    expect(statements(kafka)).toEqual([
      { Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: `${SECRET}kafka-login` },
      { Action: ENI, Effect: 'Allow', Resource: '*' },
    ]);
    const docs = rec(r, 'Worker.Events.FromDocs');
    expect(docs.name).toBe('SamAutoGeneratedDocumentDBPolicy');
    expect(statements(docs)).toEqual([
      { Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: `${SECRET}docdb-login` },
      {
        Action: ['rds:DescribeDBClusterParameters'],
        Effect: 'Allow',
        Resource: `arn:aws:rds:*:${A}:cluster-pg:*`,
      },
      { Action: ['rds:DescribeDBSubnetGroups'], Effect: 'Allow', Resource: `arn:aws:rds:*:${A}:subgrp:*` },
      {
        Action: ['rds:DescribeDBClusters'],
        Effect: 'Allow',
        Resource: 'arn:aws:rds:us-east-1:123456789012:cluster:docs',
      },
      { Action: ENI, Effect: 'Allow', Resource: '*' },
    ]);
    const msk = rec(r, 'Worker.Events.FromMsk');
    expect(msk.name).toBe('MSKExecutionRolePolicy');
    expect(statements(msk)).toEqual([
      {
        Action: ['glue:GetRegistry'],
        Effect: 'Allow',
        Resource: 'arn:aws:glue:us-east-1:123456789012:registry/orders',
      },
      {
        Action: ['glue:GetSchemaVersion'],
        Effect: 'Allow',
        Resource: [`arn:aws:glue:*:${A}:schema/orders/*`],
      },
      { Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: `${SECRET}msk-cert` },
    ]);
    for (const p of r.policies) expect(p.approximate).toBeUndefined();
  });

  it('none for a function that names its own Role; an SNS event with an SqsSubscription reads its queue as an SQS event does', () => {
    const given = parse(
      'template.yaml',
      EVENTS.replace(
        '      CodeUri: src/\n',
        '      CodeUri: src/\n      Role: arn:aws:iam::123456789012:role/given\n',
      ),
    );
    expect(given.policies).toEqual([]);
    const topic = parse(
      'template.yaml',
      EVENTS.slice(0, EVENTS.indexOf('      Events:')) +
        `      Events:
        FromTopic:
          Type: SNS
          Properties: {Topic: !Ref Alarms, SqsSubscription: true}
        Plain:
          Type: SNS
          Properties: {Topic: !Ref Alarms}
`,
    );
    expect(principal(topic, 'WorkerRole').policies).toEqual([
      MANAGED_BASIC,
      managed('AWSLambdaSQSQueueExecutionRole'),
    ]);
  });

  it("SelfManagedKafka's Topics an intrinsic function gives: one topic, as SAM counts it (its policy was lost)", () => {
    // As SAM's tests/translator/input/self_managed_kafka_with_intrinsics.yaml: pull.py checks
    // `len(self.Topics) != 1` of the value as written, and `{Ref: TopicsValue}` is a map of one key.
    const r = parse(
      'template.yaml',
      EVENTS.replace(
        'Resources:\n',
        'Parameters:\n  TopicsValue: {Type: CommaDelimitedList, Default: Topic}\nResources:\n',
      ).replace(
        '            Topics: [orders]\n            SourceAccessConfigurations:\n              - Type: SASL',
        '            Topics: !Ref TopicsValue\n            SourceAccessConfigurations:\n              - Type: SASL',
      ),
    );
    expect(statements(rec(r, 'Worker.Events.FromKafka'))).toEqual([
      { Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: `${SECRET}kafka-login` },
      { Action: ENI, Effect: 'Allow', Resource: '*' },
    ]);
  });

  it('with AWS::LanguageExtensions, an event an Fn::If whose condition is not known chooses: attached, said so; the branches of its values read', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        FromQueue: !If
          - IsProd
          - Type: SQS
            Properties: {Queue: arn:aws:sqs:us-east-1:123456789012:jobs}
          - !Ref AWS::NoValue
        FromBroker:
          Type: MQ
          Properties:
            Broker: arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234
            Queues: [orders]
            SourceAccessConfigurations:
              - Type: BASIC_AUTH
                URI: !If [IsProd, '${SECRET}prod', '${SECRET}dev']
              - !If [IsProd, {Type: VIRTUAL_HOST, URI: prod}, !Ref AWS::NoValue]
`;
    const r = parse('template.yaml', text);
    expect(rec(r, managed('AWSLambdaSQSQueueExecutionRole')).approximate).toEqual([
      'attached to WorkerRole by an Fn::If whose condition is not known (IsProd): audited as attached',
    ]);
    const broker = rec(r, 'Worker.Events.FromBroker');
    expect(statements(broker).map((s) => s.Resource)).toEqual([
      `${SECRET}prod`,
      'arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234',
      `${SECRET}dev`,
    ]);
    expect(broker.approximate).toEqual([
      'condition IsProd is not known (parameter Stage has no default): both of its branches audited',
    ]);
  });
});

describe('IAM Identity Center permission sets (their policies were silently left out)', () => {
  it('InlinePolicy (a document or its JSON text) and ManagedPolicies are read; CustomerManagedPolicyReferences are unresolved, naming each', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Audit: {Type: String, AllowedValues: ['yes', 'no']}
Conditions:
  WithAudit: !Equals [!Ref Audit, 'yes']
Resources:
  VendorPS:
    Type: AWS::SSO::PermissionSet
    Properties:
      InstanceArn: arn:aws:sso:::instance/ssoins-1234567890abcdef
      Name: VendorAccess
      ManagedPolicies:
        - arn:aws:iam::aws:policy/AdministratorAccess
        - !If [WithAudit, arn:aws:iam::aws:policy/SecurityAudit, !Ref AWS::NoValue]
        - arn:aws:iam::aws:policy/NoSuchPolicyAnywhere
      CustomerManagedPolicyReferences:
        - {Name: vendor-boundary, Path: /vendors/}
      InlinePolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: '*'
            Resource: '*'
  ReadOnlyPS:
    Type: AWS::SSO::PermissionSet
    Properties:
      InstanceArn: arn:aws:sso:::instance/ssoins-1234567890abcdef
      Name: ReadOnly
      InlinePolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}'
`;
    const r = parse('template.yaml', text);
    expect(summary(r)).toEqual([
      ['VendorPS.InlinePolicy', 'identity', 'resolved'],
      ['ReadOnlyPS.InlinePolicy', 'identity', 'resolved'],
      ['arn:aws:iam::aws:policy/AdministratorAccess', 'identity', 'resolved'],
      ['arn:aws:iam::aws:policy/SecurityAudit', 'identity', 'resolved'],
      [
        'VendorPS.ManagedPolicies[2]',
        'identity',
        'unresolved',
        expect.stringContaining('arn:aws:iam::aws:policy/NoSuchPolicyAnywhere: not in the bundled snapshot'),
      ],
      [
        'VendorPS.CustomerManagedPolicyReferences[0]',
        'identity',
        'unresolved',
        'customer managed policy vendor-boundary is the one of that name in each account the permission set is provisioned to: not read',
      ],
    ]);
    expect(rec(r, 'VendorPS.InlinePolicy').name).toBe('VendorAccess');
    expect(statements(rec(r, 'VendorPS.InlinePolicy'))).toEqual([
      { Effect: 'Allow', Action: '*', Resource: '*' },
    ]);
    expect(statements(rec(r, 'ReadOnlyPS.InlinePolicy'))).toEqual([
      { Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
    ]);
    expect(rec(r, 'arn:aws:iam::aws:policy/AdministratorAccess').approximate).toBeUndefined();
    expect(rec(r, 'arn:aws:iam::aws:policy/SecurityAudit').approximate).toEqual([
      'held by VendorPS by an Fn::If whose condition is not known (WithAudit): audited as held',
    ]);
  });
});

describe('resource policies the README lists and the code left out', () => {
  it("an event bus policy's Statement, and a topic's or queue's inline policy, scoped to their service; a Lambda permission is not a policy document", () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties: {Name: orders}
  PartnerPut:
    Type: AWS::Events::EventBusPolicy
    Properties:
      EventBusName: !Ref Bus
      StatementId: partner
      Statement:
        Effect: Allow
        Principal: {AWS: arn:aws:iam::111122223333:root}
        Action: events:PutEvents
        Resource: !GetAtt Bus.Arn
  OldStyle:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: old
      Action: events:PutEvents
      Principal: '111122223333'
  TopicInline:
    Type: AWS::SNS::TopicInlinePolicy
    Properties:
      TopicArn: arn:aws:sns:us-east-1:111111111111:t
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: '*', Action: '*', Resource: '*'}
  QueueInline:
    Type: AWS::SQS::QueueInlinePolicy
    Properties:
      Queue: https://sqs.us-east-1.amazonaws.com/111111111111/q
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: '*', Action: '*', Resource: '*'}
  PublicInvoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: arn:aws:lambda:us-east-1:111111111111:function:f
      Action: lambda:InvokeFunction
      Principal: '*'
`;
    const r = parse('template.yaml', text);
    expect(summary(r)).toEqual([
      ['PartnerPut', 'resource', 'resolved'],
      [
        'OldStyle',
        'resource',
        'unresolved',
        'an event bus policy given as Action and Principal (not Statement) is not read',
      ],
      ['TopicInline', 'resource', 'resolved'],
      ['QueueInline', 'resource', 'resolved'],
    ]);
    expect(rec(r, 'PartnerPut')).toMatchObject({
      grantScope: { resourceType: 'AWS::Events::EventBusPolicy', services: ['events'] },
      document: {
        Statement: {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'events:PutEvents',
          Resource: `arn:aws:events:*:${A}:event-bus/orders`,
        },
      },
    });
    expect(rec(r, 'TopicInline').grantScope?.services).toEqual(['sns']);
    expect(rec(r, 'QueueInline').grantScope?.services).toEqual(['sqs']);
  });
});

describe("a SAM state machine's Tracing", () => {
  it('Enabled true gives the role SAM makes X-Ray, as the translator (1.110.0) does; the text true, or a given Role, none', () => {
    const sm = (name: string, more: string) => `  ${name}:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
${more}`;
    const text =
      "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n" +
      sm('Flow', '      Tracing: {Enabled: true}\n') +
      sm('Quoted', "      Tracing: {Enabled: 'true'}\n") +
      sm('Given', '      Tracing: {Enabled: true}\n      Role: arn:aws:iam::123456789012:role/flows\n');
    const r = parse('template.yaml', text);
    const XRAY = 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess';
    expect(principal(r, 'FlowRole').policies).toEqual([XRAY]);
    expect(principal(r, 'QuotedRole').policies).toEqual([]);
    expect(r.principals!.map((p) => p.id)).toEqual(['template.yaml#FlowRole', 'template.yaml#QuotedRole']);
    expect(rec(r, XRAY).approximate).toBeUndefined();
  });
});

describe('SAM connectors', () => {
  it("are unresolved, naming each, held by their source's role (the policy SAM generates for them was silently left out)", () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      BillingMode: PAY_PER_REQUEST
  Fn:
    Type: AWS::Serverless::Function
    Connectors:
      TableRead:
        Properties:
          Destination: {Id: Table}
          Permissions: [Read]
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
  Conn:
    Type: AWS::Serverless::Connector
    Properties:
      Source: {Id: Fn}
      Destination: {Id: Queue}
      Permissions: [Write]
`;
    const r = parse('template.yaml', text);
    expect(summary(r).filter((x) => x[2] === 'unresolved')).toEqual([
      [
        'Fn.Connectors.TableRead',
        'identity',
        'unresolved',
        'the policy SAM generates for this connector (source Fn) from its connector profiles is not read',
      ],
      [
        'Conn',
        'identity',
        'unresolved',
        'the policy SAM generates for this connector (source Fn) from its connector profiles is not read',
      ],
    ]);
    expect(principal(r, 'FnRole').policies).toEqual(
      expect.arrayContaining(['Fn.Connectors.TableRead', 'Conn']),
    );
    expect(lineAt(text, rec(r, 'Fn.Connectors.TableRead').line!)).toBe('      TableRead:');
  });
});
