// How a CloudFormation template is read before its policies are: Mappings chosen by the stack's
// region or account, conditions not known, dynamic references, YAML's own forms (numbers, merge keys,
// flow style), resources SAM makes, and what the tool cannot read (Fn::ForEach, AWS::Include, macros).
import { parseSource } from '../../src/sources/index.js';
import { ACCOUNT_PLACEHOLDER } from '../../src/sources/cloudformation/intrinsics.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

function parse(text: string, path = 'template.yaml'): InputResult {
  return parseSource({ path, text }).result;
}

function rec(r: InputResult, address: string): PolicyRecord {
  const hit = r.policies.find((p) => p.address === address);
  if (!hit)
    throw new Error(`no record ${address}: ${JSON.stringify(r.policies.map((p) => [p.address, p.reason]))}`);
  return hit;
}

function statements(p: PolicyRecord): Record<string, unknown>[] {
  const s = (p.document as { Statement: unknown }).Statement;
  return (Array.isArray(s) ? s : [s]) as Record<string, unknown>[];
}

/** A template whose role `Role` has one inline policy of these statements (YAML, indented as its list). */
function roleTemplate(head: string, statementsText: string): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
${head}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
${statementsText}`;
}

describe("Fn::FindInMap chosen by the stack's region or account at the second-level key", () => {
  const MAPPINGS = `Mappings:
  Acts:
    Same: {us-east-1: 's3:GetObject', eu-west-1: 's3:GetObject'}
    Differs: {us-east-1: 's3:GetObject', eu-west-1: 'iam:*'}
  Env:
    Buckets: {'111111111111': prod-data, '222222222222': dev-data}
    Same: {'111111111111': data, '222222222222': data}`;

  it('by region: the one value every entry holds, else not known (read as `*`, noted; it was `*` silently)', () => {
    const r = parse(
      roleTemplate(
        MAPPINGS,
        `              - {Effect: Allow, Action: !FindInMap [Acts, Same, !Ref 'AWS::Region'], Resource: '*'}
              - {Effect: Allow, Action: !FindInMap [Acts, Differs, !Ref 'AWS::Region'], Resource: '*'}
`,
      ),
    );
    const p = rec(r, 'Role.Policies[0]');
    expect(statements(p).map((s) => s.Action)).toEqual(['s3:GetObject', '*']);
    expect(p.approximate).toEqual(['Fn::FindInMap "Acts": its entry is chosen by the stack\'s region']);
  });

  it('by account: the same, never a false "no such entry in Mappings"', () => {
    const r = parse(
      roleTemplate(
        MAPPINGS,
        `              - {Effect: Allow, Action: s3:GetObject, Resource: !Sub ['arn:aws:s3:::\${B}/*', {B: !FindInMap [Env, Same, !Ref 'AWS::AccountId']}]}
              - {Effect: Allow, Action: s3:PutObject, Resource: !Sub ['arn:aws:s3:::\${B}/*', {B: !FindInMap [Env, Buckets, !Ref 'AWS::AccountId']}]}
`,
      ),
    );
    expect(r.errors).toEqual([]);
    const p = rec(r, 'Role.Policies[0]');
    expect(p.status).toBe('resolved');
    expect(statements(p).map((s) => s.Resource)).toEqual(['arn:aws:s3:::data/*', 'arn:aws:s3:::*/*']);
    expect(p.approximate).toEqual(['Fn::FindInMap "Env": its entry is chosen by the stack\'s account']);
  });

  it('by region at the top with the other key a parameter not known: that parameter noted, never `*` silently', () => {
    const r = parse(
      roleTemplate(
        `Parameters:
  Which: {Type: String}
Mappings:
  ByRegion: {us-east-1: {a: 's3:GetObject'}, eu-west-1: {a: 's3:GetObject'}}`,
        `              - {Effect: Allow, Action: !FindInMap [ByRegion, !Ref 'AWS::Region', !Ref Which], Resource: '*'}
`,
      ),
    );
    const p = rec(r, 'Role.Policies[0]');
    expect(statements(p).map((s) => s.Action)).toEqual(['*']);
    expect(p.approximate).toEqual(['parameter Which has no default']);
  });
});

describe('more than 3 conditions not known', () => {
  const conditions = (names: string[]) =>
    `Parameters:
${names.map((n) => `  ${n}: {Type: String}`).join('\n')}
Conditions:
${names.map((n) => `  Has${n}: !Equals [!Ref ${n}, 'yes']`).join('\n')}`;

  it('an Allow in nested Fn::Ifs that needs one true and another false is read (it never was)', () => {
    // The review's b-4conds.yaml.
    const text = roleTemplate(
      conditions(['A', 'B', 'C', 'D']),
      `              - {Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::mybucket/*'}
              - !If [HasC, {Effect: Allow, Action: sqs:SendMessage, Resource: '*'}, !Ref AWS::NoValue]
              - !If [HasD, {Effect: Allow, Action: sns:Publish, Resource: '*'}, !Ref AWS::NoValue]
              - !If
                - HasA
                - !If [HasB, !Ref AWS::NoValue, {Effect: Allow, Action: 'iam:*', Resource: '*'}]
                - !Ref AWS::NoValue
`,
    );
    const p = rec(parse(text), 'Role.Policies[0]');
    expect(statements(p).map((s) => s.Action)).toEqual([
      's3:GetObject',
      'sqs:SendMessage',
      'sns:Publish',
      'iam:*',
    ]);
    // (each at its line: the iam:* one in the inner Fn::If)
    expect(p.statementLines!.map((l) => text.split('\n')[l - 1]!.trim().slice(0, 60))).toEqual(
      [
        "- {Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::mybucket/*'}",
        "- !If [HasC, {Effect: Allow, Action: sqs:SendMessage, Resource: '*'}, !Ref AWS::NoValue]",
        "- !If [HasD, {Effect: Allow, Action: sns:Publish, Resource: '*'}, !Ref AWS::NoValue]",
        "- !If [HasB, !Ref AWS::NoValue, {Effect: Allow, Action: 'iam:*', Resource: '*'}]",
      ].map((l) => l.slice(0, 60)),
    );
    expect(p.approximate).toEqual(
      ['C', 'D', 'A', 'B'].map(
        (n) => `condition Has${n} is not known (parameter ${n} has no default): both of its branches audited`,
      ),
    );
  });

  it('beyond 64 combinations: all true and all false only, and the notes say what is not audited', () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
    const r = parse(
      roleTemplate(
        conditions(names),
        names
          .map(
            (n) =>
              `              - !If [Has${n}, {Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::${n}/*'}, {Effect: Allow, Action: 's3:*', Resource: '*'}]\n`,
          )
          .join(''),
      ),
    );
    const p = rec(r, 'Role.Policies[0]');
    // (each statement depends on its own condition: all true and all false give every one here)
    expect(statements(p)).toHaveLength(14);
    expect(p.approximate).toEqual(
      names.map(
        (n) =>
          `condition Has${n} is not known (parameter ${n} has no default): its branches audited with all the others true or all false only (more than 64 combinations of such conditions): an Allow that only some other combination gives is not audited`,
      ),
    );
  });
});

describe('dynamic references ({{resolve:...}}), resolved at deploy time', () => {
  it('are not known: a `*` in their place, noted; left out of a Deny; a managed policy ARN unresolved', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - '{{resolve:ssm:/org/iam/baseline-policy-arn}}'
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::{{resolve:ssm:/app/bucket-name}}/*'}
              - {Effect: Allow, Action: s3:PutObject, Resource: !Sub 'arn:aws:s3:::{{resolve:ssm-secure:/app/b}}/\${AWS::Partition}'}
              - {Effect: Allow, Action: '{{resolve:secretsmanager:app:SecretString:action}}', Resource: '*'}
              - {Effect: Deny, Action: s3:*, Resource: 'arn:aws:s3:::{{resolve:ssm:/app/other}}/*'}
`;
    const r = parse(text);
    const p = rec(r, 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*' },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::*/aws' },
      { Effect: 'Allow', Action: '*', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([
      expect.stringContaining("left out: a Deny's resources that are not known"),
      'dynamic reference {{resolve:ssm:/app/bucket-name}}: resolved at deploy time',
      'dynamic reference {{resolve:ssm-secure:/app/b}}: resolved at deploy time',
      'dynamic reference {{resolve:secretsmanager:app:SecretString:action}}: resolved at deploy time',
    ]);
    expect(r.principals![0]!.unresolved).toEqual([
      {
        ref: '$.Resources.Role.Properties.ManagedPolicyArns[0]',
        reason: 'dynamic reference {{resolve:ssm:/org/iam/baseline-policy-arn}}: resolved at deploy time',
      },
    ]);
  });
});

describe("YAML's own forms", () => {
  it('a number keeps the text written where it becomes text (`2.0` was "2", flipping an Fn::If)', () => {
    const r = parse(
      roleTemplate(
        `Parameters:
  SchemaVersion: {Type: String, Default: 2.0}
  Minor: {Type: String, Default: 1.10}
Conditions:
  IsV2: !Equals [!Ref SchemaVersion, '2.0']`,
        `              - Effect: Allow
                Action: !If [IsV2, 's3:*', 's3:GetObject']
                Resource: 'arn:aws:s3:::mybucket/*'
                Condition: {StringEquals: {'s3:ExistingObjectTag/schema': !Ref SchemaVersion, 's3:ExistingObjectTag/minor': !Ref Minor, 's3:max-keys': 10}}
`,
      ),
    );
    const p = rec(r, 'Role.Policies[0]');
    // IsV2 true with the defaults ("2.0" is "2.0"); a stack given another value has the other
    // branch, read with SchemaVersion not known.
    expect(statements(p)).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: 'arn:aws:s3:::mybucket/*',
        Condition: {
          StringEquals: {
            's3:ExistingObjectTag/schema': '2.0',
            's3:ExistingObjectTag/minor': '1.10',
            's3:max-keys': 10,
          },
        },
      },
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::mybucket/*',
        Condition: {
          StringEquals: {
            's3:ExistingObjectTag/schema': '*',
            's3:ExistingObjectTag/minor': '1.10',
            's3:max-keys': 10,
          },
        },
      },
    ]);
    expect(p.approximate?.[0]).toBe(
      'condition IsV2 is true with the parameters at their defaults (SchemaVersion "2.0"), not with every value a stack may be deployed with: both of its branches audited (what a stack deployed with any values grants)',
    );
  });
});

describe('YAML merge keys (`<<: *anchor`)', () => {
  it('are merged as `sam deploy` expands them: keys written win, then the first map; lines at the statement', () => {
    const text = roleTemplate(
      '',
      `              - &read
                Effect: Allow
                Action: [s3:GetObject]
                Resource: arn:aws:s3:::mybucket/*
              - <<: *read
                Action: [s3:PutObject, s3:DeleteObject]
              - <<: [{Action: 'iam:PassRole', Sid: First}, *read]
`,
    );
    const r = parse(text);
    expect(r.errors).toEqual([]);
    const p = rec(r, 'Role.Policies[0]');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::mybucket/*' },
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::mybucket/*' },
      { Effect: 'Allow', Action: 'iam:PassRole', Sid: 'First', Resource: 'arn:aws:s3:::mybucket/*' },
    ]);
    // (an anchored map's line is its first key's)
    expect(p.statementLines!.map((l) => text.split('\n')[l - 1]!.trim())).toEqual([
      'Effect: Allow',
      '- <<: *read',
      "- <<: [{Action: 'iam:PassRole', Sid: First}, *read]",
    ]);
  });

  it('one that names no map is an error with its line, the rest read', () => {
    const r = parse(
      roleTemplate('', `              - {<<: 5, Effect: Allow, Action: 's3:GetObject', Resource: '*'}\n`),
    );
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 14,
        message: 'a YAML merge key (<<) must name a map or a list of maps: not merged',
      }),
    ]);
    expect(statements(rec(r, 'Role.Policies[0]'))).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    ]);
  });

  it("a quoted '<<' is a key like any other (not merged)", () => {
    const r = parse(
      roleTemplate(
        '',
        `              - {Effect: Allow, Action: 's3:GetObject', Resource: '*', '<<': {Action: 'iam:*'}}
`,
      ),
    );
    expect(statements(rec(r, 'Role.Policies[0]'))[0]).toEqual({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      '<<': { Action: 'iam:*' },
    });
  });
});

describe('a flow-style YAML template (starting with `{`)', () => {
  const FLOW = `{AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    P: {Type: 'AWS::IAM::ManagedPolicy', Properties: {PolicyDocument: {Statement: [
      {Effect: Allow, Action: '*', Resource: '*'}]}}}}}
`;

  it('is read as YAML in a .yaml or .yml file, scanned or named (it was "not a JSON file", or an error)', () => {
    for (const path of ['stack.yaml', 'stack.yml', 'stack.template'])
      for (const explicit of [false, true]) {
        const r = parseSource({ path, text: FLOW }, explicit).result;
        expect([path, r.kind, r.status, r.errors]).toEqual([path, 'cloudformation', 'audited', []]);
        expect(rec(r, 'P').statementLines).toEqual([4]);
      }
  });

  it('JSON in a .yaml file still goes the JSON way, and broken JSON still gets its JSON error', () => {
    const policy =
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}\n';
    expect(parseSource({ path: 'policy.yaml', text: policy }).result).toMatchObject({
      kind: 'policy',
      status: 'audited',
    });
    const broken = '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"P": {,}}}\n';
    expect(parseSource({ path: 'stack.template', text: broken }, true).result.reason).toMatch(
      /^not valid JSON at line 1/,
    );
  });
});

describe('resources SAM makes, referred to in a SAM template', () => {
  const sam = (transform: string) => `AWSTemplateFormatVersion: '2010-09-09'
${transform}
Resources:
  ApiFn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      FunctionName: api
      AutoPublishAlias: live
      Events:
        Get: {Type: Api, Properties: {Path: /x, Method: get}}
        Http: {Type: HttpApi}
  Caller:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: execute-api:Invoke
            Resource:
              - !Sub 'arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${ServerlessRestApi}/Prod/GET/x'
              - !Sub 'arn:aws:execute-api:*:\${AWS::AccountId}:\${ServerlessHttpApi}/*'
          - Effect: Allow
            Action: lambda:InvokeFunction
            Resource: [!Ref ApiFn.Alias, !Ref ApiFnAliaslive, !Ref ApiFn.Version]
`;

  it('are not known where SAM makes them up (ids, version numbers), with the ARNs their shapes give; no invalid policy', () => {
    const r = parse(sam('Transform: AWS::Serverless-2016-10-31'));
    expect(r.errors).toEqual([]);
    const p = rec(r, 'Caller');
    expect(p.status).toBe('resolved');
    expect(statements(p).map((s) => s.Resource)).toEqual([
      [
        `arn:aws:execute-api:*:${ACCOUNT_PLACEHOLDER}:*/Prod/GET/x`,
        `arn:aws:execute-api:*:${ACCOUNT_PLACEHOLDER}:*/*`,
      ],
      [
        `arn:aws:lambda:*:${ACCOUNT_PLACEHOLDER}:function:api:live`,
        `arn:aws:lambda:*:${ACCOUNT_PLACEHOLDER}:function:api:live`,
        `arn:aws:lambda:*:${ACCOUNT_PLACEHOLDER}:function:api:*`,
      ],
    ]);
    expect(p.approximate).toEqual([
      'a REST API id is made at deploy time',
      'an HTTP API id is made at deploy time',
      'a Lambda version number is made at deploy time',
    ]);
  });

  it("with AutoPublishAlias in Globals, and for a state machine's Api event (a review: references to nothing)", () => {
    // (the review's samgen/t.yaml: what samtranslator 1.110.0 makes of it has FnAliaslive,
    // FnVersion… and ServerlessRestApi, for the state machine's Api event)
    const r = parse(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    AutoPublishAlias: live
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src/, FunctionName: myfn}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
      Events:
        Web: {Type: Api, Properties: {Path: /x, Method: post}}
  Caller:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: lambda:InvokeFunction
            Resource: [!Ref Fn.Alias, !Ref FnAliaslive, !Ref Fn.Version]
          - Effect: Allow
            Action: execute-api:Invoke
            Resource: !Sub 'arn:aws:execute-api:us-east-1:111122223333:\${ServerlessRestApi}/*'
`);
    expect(r.errors).toEqual([]);
    expect(statements(rec(r, 'Caller')).map((s) => s.Resource)).toEqual([
      [
        `arn:aws:lambda:*:${ACCOUNT_PLACEHOLDER}:function:myfn:live`,
        `arn:aws:lambda:*:${ACCOUNT_PLACEHOLDER}:function:myfn:live`,
        `arn:aws:lambda:*:${ACCOUNT_PLACEHOLDER}:function:myfn:*`,
      ],
      'arn:aws:execute-api:us-east-1:111122223333:*/*',
    ]);
  });

  it('without the SAM transform they are still references to nothing', () => {
    const r = parse(sam(''));
    expect(r.errors.map((e) => e.message)).toContain(
      'Ref ServerlessRestApi: not a parameter, resource or pseudo-parameter of this template',
    );
  });
});

describe('what the tool cannot read: unresolved at its place, never dropped nor an invalid policy', () => {
  it('Fn::ForEach under Resources (the review: an admin role made per team read as "no IAM policies")', () => {
    const r = parse(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Roles:
    - Team
    - [alpha, beta]
    - \${Team}Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
          Policies: [{PolicyName: admin, PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}}]
`);
    expect(r).toMatchObject({ status: 'audited', errors: [] });
    expect(r.reason).toBeUndefined();
    expect(r.policies).toEqual([
      expect.objectContaining({
        address: 'Fn::ForEach::Roles',
        status: 'unresolved',
        line: 4,
        reason:
          'Fn::ForEach (AWS::LanguageExtensions) is not expanded: the resources it makes, and any IAM policy they hold, are not read',
      }),
    ]);
  });

  it('a nested stack (a review: Datadog\'s main.yaml, which deploys its role so, read as "no IAM policies")', () => {
    const r = parse(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  ExternalId: {Type: String}
Resources:
  DatadogIntegrationRoleStack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: "https://<BUCKET_PLACEHOLDER>.s3.amazonaws.com/aws/datadog_integration_role.yaml"
      Parameters: {ExternalId: !Ref ExternalId}
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location: {ApplicationId: 'arn:aws:serverlessrepo:us-east-1:123456789012:applications/x', SemanticVersion: 1.0.0}
  Queue:
    Type: AWS::SQS::Queue
  Odd:
    Type: constructor
`);
    expect(r).toMatchObject({ status: 'audited', errors: [] });
    expect(r.policies).toEqual([
      expect.objectContaining({
        address: 'DatadogIntegrationRoleStack',
        status: 'unresolved',
        line: 6,
        reason:
          'AWS::CloudFormation::Stack deploys the template at https://<BUCKET_PLACEHOLDER>.s3.amazonaws.com/aws/datadog_integration_role.yaml: the resources of that template, and any IAM policy they hold, are not read with this one; audit it on its own (the parameters this stack passes are then not applied)',
      }),
      expect.objectContaining({
        address: 'App',
        status: 'unresolved',
        line: 11,
        reason: expect.stringMatching(
          /^AWS::Serverless::Application deploys the Serverless Application Repository application arn:aws:serverlessrepo:us-east-1:123456789012:applications\/x: /,
        ),
      }),
    ]);
  });

  it('a stack set (a review: CloudZero\'s member-account role, deployed so, read as "no IAM policies")', () => {
    const r = parse(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  ResourceMemberStackSet:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: cloudzero-resource-member
      PermissionModel: SERVICE_MANAGED
      TemplateURL: https://cz-provision-account.s3.amazonaws.com/services/resource_member.yaml
  Inline:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: inline
      PermissionModel: SELF_MANAGED
      TemplateBody: "Resources: {}"
`);
    expect(r).toMatchObject({ status: 'audited', errors: [] });
    expect(r.policies.map((p) => [p.address, p.status, p.line, p.reason])).toEqual([
      [
        'ResourceMemberStackSet',
        'unresolved',
        3,
        expect.stringMatching(
          /^AWS::CloudFormation::StackSet deploys the template at https:\/\/cz-provision-account\.s3\.amazonaws\.com\/services\/resource_member\.yaml into its stack instances' accounts: the resources of that template, and any IAM policy they hold, are not read with this one; audit it on its own/,
        ),
      ],
      [
        'Inline',
        'unresolved',
        9,
        expect.stringMatching(
          /^AWS::CloudFormation::StackSet deploys the template written in its TemplateBody into its stack instances' accounts: /,
        ),
      ],
    ]);
  });

  it('AWS::Include in place of resources, and a macro of the template (the review: "resource Fn::Transform has no Type", the macro not said)', () => {
    const r = parse(`AWSTemplateFormatVersion: '2010-09-09'
Transform: [MyOrgIamMacro, AWS::Serverless-2016-10-31]
Resources:
  Fn::Transform:
    Name: AWS::Include
    Parameters:
      Location: s3://my-bucket/iam-roles.yaml
  Topic: {Type: AWS::SNS::Topic}
`);
    expect(r).toMatchObject({ status: 'audited', errors: [] });
    expect(r.reason).toBeUndefined();
    expect(r.policies.map((p) => [p.address, p.status, p.line, p.reason])).toEqual([
      [
        'Fn::Transform',
        'unresolved',
        4,
        'Fn::Transform (the macro AWS::Include of s3://my-bucket/iam-roles.yaml) makes resources at deploy time: they, and any IAM policy they hold, are not read',
      ],
      [
        'Transform MyOrgIamMacro',
        'unresolved',
        2,
        'the macro MyOrgIamMacro processes the template at deploy time: what it adds or changes, IAM policies included, is not read (the template is read as written)',
      ],
    ]);
  });
});

describe('a resource whose Condition is false with the parameters at their defaults', () => {
  test('is audited as created, said so (a stack deployed with other values has it)', () => {
    const r = parse(`AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  BreakGlass:
    Type: AWS::IAM::Role
    Condition: IsProd
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:root"}, Action: sts:AssumeRole}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
  Queue:
    Type: AWS::SQS::Queue
    Condition: IsProd
`);
    // (it was listed, not audited: a review found such a role's policies left out beside an Fn::If on
    // the same condition audited both ways)
    const why = 'false only with the parameters at their defaults: Env "dev"';
    expect(rec(r, 'BreakGlass.AssumeRolePolicyDocument').approximate).toEqual([
      `BreakGlass is created only when its condition IsProd is true, which is not known (${why}): audited as created`,
    ]);
    expect(rec(r, 'arn:aws:iam::aws:policy/AdministratorAccess').approximate).toEqual([
      `attached to BreakGlass, created only when its condition IsProd is true, which is not known (${why}): audited as attached`,
    ]);
    // (a resource that holds no policy is not listed)
    expect(r.policies.map((p) => p.address)).toEqual([
      'BreakGlass.AssumeRolePolicyDocument',
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(r.reason).toBeUndefined();
  });
});

describe('a SAM connector whose source has a role of its own', () => {
  test("is held by that role (the translator attaches the connector's policy to it)", () => {
    const r = parse(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Table:
    Type: AWS::Serverless::SimpleTable
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  FnOwnRole:
    Type: AWS::Serverless::Function
    Connectors:
      ToTable:
        Properties:
          Destination: {Id: Table}
          Permissions: [Read, Write]
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://b/k
      Role: !GetAtt R.Arn
  PlainFn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "x"}
      Role: !GetAtt [R, Arn]
  Conn2:
    Type: AWS::Serverless::Connector
    Properties:
      Source: {Id: PlainFn}
      Destination: {Id: Table}
      Permissions: [Write]
`);
    const role = r.principals?.find((p) => p.id === 'template.yaml#R');
    expect(role?.policyIds).toEqual(
      expect.arrayContaining(['template.yaml#FnOwnRole.Connectors.ToTable', 'template.yaml#Conn2']),
    );
  });
});

test("SAM: two events failing to the same destination give one policy, as the translator's _link_policy adds no document the role has", () => {
  const event = (stream: string) => `
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:us-east-1:111122223333:stream/${stream}
            StartingPosition: LATEST
            DestinationConfig:
              OnFailure: {Type: SQS, Destination: arn:aws:sqs:us-east-1:111122223333:dlq}`;
  const r = parse(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://b/k
      Events:
        K3:${event('s2')}
        K4:${event('s3')}
        K5:
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:us-east-1:111122223333:stream/s4
            StartingPosition: LATEST
            DestinationConfig:
              OnFailure: {Type: SQS, Destination: arn:aws:sqs:us-east-1:111122223333:other}
`);
  expect(r.policies.map((p) => p.address ?? '').filter((a) => a.includes('OnFailure'))).toEqual([
    'Fn.Events.K3.DestinationConfig.OnFailure',
    'Fn.Events.K5.DestinationConfig.OnFailure',
  ]);
});

// (a review) YAML aliases bounded by the number of values, not their size: a 1 KB template made
// Fn::Join build 400 MB of text (1.4 GB of memory), a 200 KB one failed with "Invalid string
// length". A value made past four policies' worth of text is not built: not known, said.
describe('text made from YAML aliases', () => {
  const template = (leaf: number, fn: string) => `AWSTemplateFormatVersion: "2010-09-09"
Metadata:
  a0: &a0 "${'x'.repeat(leaf)}"
  a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
  a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
  a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
  a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
Resources:
  R:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: "s3:GetObject"
            Resource: ${fn}
`;
  it.each([
    [
      'Fn::Join of a list of lists',
      600,
      '!Join ["", *a4]',
      /a list as text: a value longer than 524,288 characters, not built/,
    ],
    [
      'Fn::Join of long strings',
      200_000,
      '!Join ["", *a1]',
      /Fn::Join: a value longer than 524,288 characters, not built/,
    ],
  ])('%s: not built, read broadly, said', (_what, leaf, fn, note) => {
    const p = rec(parse(template(leaf, fn)), 'R');
    expect(p.status).toBe('resolved');
    // (each part not built a wildcard: `**********` matches what `*` does)
    expect(statements(p)[0]!.Resource).toMatch(/^\*+$/);
    expect(p.approximate?.join('; ')).toMatch(note);
  });
});
