// A CloudFormation policy with Fn::If on conditions not known is read once per combination of their
// values the stack can have: none that no values of the parameters underneath give (IsProd true with
// IsNotProd true). A Deny written in one branch of each, so in every such combination, is kept.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { parseSource } from '../../src/sources/index.js';
import type { PolicyRecord } from '../../src/core/types.js';

function policy(parameters: string, conditions: string, statements: string): PolicyRecord {
  const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
${parameters}
Conditions:
${conditions}
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: app
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
${statements}
`;
  const r = parseSource({ path: 'template.yaml', text }).result;
  const p = r.policies.find((x) => x.address === 'AppRole.Policies[0]');
  if (!p) throw new Error(`no policy: ${JSON.stringify(r.policies.map((x) => [x.address, x.reason]))}`);
  return p;
}

const statements = (p: PolicyRecord) => {
  const s = (p.document as { Statement: unknown }).Statement;
  return (Array.isArray(s) ? s : [s]) as Record<string, unknown>[];
};
const grants = (p: PolicyRecord) =>
  statements(p)
    .filter((s) => s.Effect === 'Allow')
    .map((s) => `${String(s.Action)} on ${String(s.Resource)}`)
    .sort();

const ENV = '  Env:\n    Type: String';
// Action chosen by one condition, resource by the other.
const CHOSEN = `              - Effect: Allow
                Action: !If [IsProd, 'ec2:RunInstances', 'ec2:*']
                Resource: !If [IsOther, 'arn:aws:ec2:*:*:instance/dev-*', '*']`;

describe('the combinations of conditions not known that the stack can have', () => {
  test('one the negation of the other: never both true, never both false', () => {
    const p = policy(ENV, '  IsProd: !Equals [!Ref Env, prod]\n  IsOther: !Not [!Condition IsProd]', CHOSEN);
    expect(grants(p)).toEqual(['ec2:* on arn:aws:ec2:*:*:instance/dev-*', 'ec2:RunInstances on *']);
  });

  test('two values of one parameter: never both true', () => {
    const p = policy(ENV, '  IsProd: !Equals [!Ref Env, prod]\n  IsOther: !Equals [!Ref Env, dev]', CHOSEN);
    expect(grants(p)).toEqual([
      'ec2:* on *',
      'ec2:* on arn:aws:ec2:*:*:instance/dev-*',
      'ec2:RunInstances on *',
    ]);
  });

  test('AllowedValues: the parameter takes only those', () => {
    const p = policy(
      '  Env:\n    Type: String\n    AllowedValues: [prod, dev]',
      '  IsProd: !Equals [!Ref Env, prod]\n  IsOther: !Equals [!Ref Env, dev]',
      CHOSEN,
    );
    expect(grants(p)).toEqual(['ec2:* on arn:aws:ec2:*:*:instance/dev-*', 'ec2:RunInstances on *']);
  });

  test('two parameters compared with each other and with a literal: every combination they can give', () => {
    const p = policy(
      '  A:\n    Type: String\n  B:\n    Type: String',
      "  IsProd: !Equals [!Ref A, !Ref B]\n  IsOther: !Equals [!Ref A, 'x']",
      CHOSEN,
    );
    // A = B = x gives both true; A = B = y, only the first; A = x, B = y, only the second; neither.
    expect(grants(p)).toEqual([
      'ec2:* on *',
      'ec2:* on arn:aws:ec2:*:*:instance/dev-*',
      'ec2:RunInstances on *',
      'ec2:RunInstances on arn:aws:ec2:*:*:instance/dev-*',
    ]);
  });

  test('a parameter read otherwise (Fn::Select of it): nothing is excluded', () => {
    const p = policy(
      '  Envs:\n    Type: CommaDelimitedList',
      '  IsProd: !Equals [!Select [0, !Ref Envs], prod]\n  IsOther: !Equals [!Select [0, !Ref Envs], dev]',
      CHOSEN,
    );
    expect(grants(p)).toHaveLength(4);
  });

  test('a Deny in one branch of each: in every combination, so kept once', () => {
    const p = policy(
      ENV,
      '  IsProd: !Equals [!Ref Env, prod]\n  IsOther: !Not [!Condition IsProd]',
      `              - Effect: Allow
                Action: 'ec2:*'
                Resource: '*'
              - !If
                - IsProd
                - { Effect: Deny, Action: 'ec2:TerminateInstances', Resource: '*' }
                - !Ref AWS::NoValue
              - !If
                - IsOther
                - { Effect: Deny, Action: 'ec2:TerminateInstances', Resource: '*' }
                - !Ref AWS::NoValue`,
    );
    expect(statements(p).filter((s) => s.Effect === 'Deny')).toEqual([
      { Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' },
    ]);
    expect((p.approximate ?? []).join(' ')).not.toContain('left out');
  });

  test('a Deny in one branch only: still left out, said so', () => {
    const p = policy(
      ENV,
      '  IsProd: !Equals [!Ref Env, prod]\n  IsOther: !Not [!Condition IsProd]',
      `              - Effect: Allow
                Action: 'ec2:*'
                Resource: '*'
              - !If
                - IsProd
                - { Effect: Deny, Action: 'ec2:TerminateInstances', Resource: '*' }
                - !Ref AWS::NoValue`,
    );
    expect(statements(p).filter((s) => s.Effect === 'Deny')).toEqual([]);
    expect((p.approximate ?? []).join(' ')).toContain(
      'left out: a Deny chosen by a condition that is not known',
    );
  });

  test('the stack region: us-east-1 or not, never both', () => {
    const p = policy(
      '  Unused:\n    Type: String\n    Default: x',
      "  IsProd: !Equals [!Ref 'AWS::Region', us-east-1]\n  IsOther: !Not [!Condition IsProd]",
      CHOSEN,
    );
    expect(grants(p)).toEqual(['ec2:* on arn:aws:ec2:*:*:instance/dev-*', 'ec2:RunInstances on *']);
  });

  test('a statement read in two ways that give the same findings: each told once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'read-twice-'));
    writeFileSync(
      join(root, 'template.yaml'),
      `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  SkyUser:
    Type: AWS::IAM::User
    Properties:
      UserName: skypilot
      Policies:
        - PolicyName: skypilot
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: ['iam:*', 'ec2:RunInstances']
                Resource: '*'
                Condition: !If
                  - IsProd
                  - { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }
                  - { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }
`,
    );
    const report = await runAudit({
      root,
      paths: ['.'],
      baseline: 'skypilot:minimal',
      now: new Date('2026-11-22T00:00:00Z'),
    });
    const found = report.findings.filter((f) => f.kind !== 'missing-permission');
    const told = found.map((f) => `${f.kind} ${f.actions.join(',')} ${f.resources.join(',')}`);
    expect(found.length).toBeGreaterThan(2);
    expect(new Set(told).size).toBe(told.length);
    expect(told.filter((t) => t.startsWith('excess-action '))).toHaveLength(1);
  });

  test('a parameter with AllowedValues compared with the region or another parameter: they may be equal (a review)', () => {
    const region = policy(
      '  PrimaryRegion:\n    Type: String\n    AllowedValues: [us-east-1, eu-west-1]',
      "  IsProd: !Equals [!Ref 'AWS::Region', !Ref PrimaryRegion]\n  IsOther: !Equals [!Ref PrimaryRegion, us-east-1]",
      CHOSEN,
    );
    expect(grants(region)).toHaveLength(4);
    const pair = policy(
      '  Stage:\n    Type: String\n    AllowedValues: [dev, prod]\n  TargetStage:\n    Type: String',
      '  IsProd: !Equals [!Ref Stage, !Ref TargetStage]\n  IsOther: !Equals [!Ref Stage, prod]',
      CHOSEN,
    );
    expect(grants(pair)).toHaveLength(4);
  });

  test("an SSM parameter's AllowedValues check its key, not its value: not a limit (a review)", () => {
    const p = policy(
      "  Env:\n    Type: 'AWS::SSM::Parameter::Value<String>'\n    Default: /app/env\n    AllowedValues: [/app/env]",
      '  IsProd: !Equals [!Ref Env, prod]\n  IsOther: !Equals [!Ref Env, dev]',
      CHOSEN,
    );
    expect(grants(p)).toEqual([
      'ec2:* on *',
      'ec2:* on arn:aws:ec2:*:*:instance/dev-*',
      'ec2:RunInstances on *',
    ]);
  });

  test('a chain of conditions on conditions is tried in linear time (a review: it was exponential)', () => {
    const chain = ['  IsProd: !Equals [!Ref Env, prod]'];
    for (let i = 1; i <= 40; i++)
      chain.push(
        `  C${i}: !And [!Condition ${i === 1 ? 'IsProd' : `C${i - 1}`}, !Condition ${i === 1 ? 'IsProd' : `C${i - 1}`}]`,
      );
    chain.push('  IsOther: !Not [!Condition C40]');
    const p = policy(ENV, chain.join('\n'), CHOSEN);
    expect(grants(p)).toEqual(['ec2:* on arn:aws:ec2:*:*:instance/dev-*', 'ec2:RunInstances on *']);
  });

  test('a condition on text made of a value not known is not known, never false (a review)', () => {
    for (const cond of ["!Equals [!Join ['', [!Ref Env]], prod]", "!Equals [!Sub '${Env}', prod]"]) {
      const p = policy(
        ENV,
        `  IsProd: ${cond}`,
        `              - Effect: Allow
                Action: !If [IsProd, 's3:*', 's3:GetObject']
                Resource: '*'`,
      );
      expect(grants(p)).toEqual(['s3:* on *', 's3:GetObject on *']);
      expect((p.approximate ?? []).join(' ')).toContain('condition IsProd is not known');
    }
  });

  test('a parameter in an Fn::Sub text is a use of it: nothing excluded (a second review)', () => {
    for (const other of ["!Equals [!Sub '${Env}', staging]", "!Equals [!Sub '${AWS::Region}', eu-west-1]"]) {
      const p = policy(ENV, `  IsProd: !Equals [!Ref Env, prod]\n  IsOther: ${other}`, CHOSEN);
      expect(grants(p)).toHaveLength(4);
    }
  });

  test("a condition on the stack's account is not known, never false (a second review; older)", () => {
    const p = policy(
      ENV,
      "  IsProd: !Equals [!Ref 'AWS::AccountId', '111122223333']",
      `              - Effect: Allow
                Action: !If [IsProd, 's3:*', 's3:GetObject']
                Resource: '*'`,
    );
    expect(grants(p)).toEqual(['s3:* on *', 's3:GetObject on *']);
    expect((p.approximate ?? []).join(' ')).toContain(
      "condition IsProd is not known (AWS::AccountId: the stack's account)",
    );
  });

  test('a condition only one branch of which can hold says so (a second review: "both of its branches audited")', () => {
    const p = policy(
      '  Env:\n    Type: String\n    AllowedValues: [dev, staging]',
      '  IsProd: !Equals [!Ref Env, prod]',
      `              - Effect: Allow
                Action: !If [IsProd, 's3:*', 's3:GetObject']
                Resource: '*'`,
    );
    expect(grants(p)).toEqual(['s3:GetObject on *']);
    const notes = (p.approximate ?? []).join(' ');
    expect(notes).toContain('yet only its false branch can hold');
    expect(notes).not.toContain('both of its branches audited');
  });

  test('AllowedValues that YAML reads as numbers are no limit (a second review)', () => {
    const p = policy(
      '  Ver:\n    Type: String\n    AllowedValues: [1.0, 2.0]',
      "  IsProd: !Equals [!Ref Ver, '1.0']",
      `              - Effect: Allow
                Action: !If [IsProd, 's3:*', 's3:GetObject']
                Resource: '*'`,
    );
    expect(grants(p)).toEqual(['s3:* on *', 's3:GetObject on *']);
  });

  test('lists compared with a value not known inside are not known (a second review; older)', () => {
    const p = policy(
      ENV,
      '  IsProd: !Equals [[!Ref Env], [prod]]',
      `              - Effect: Allow
                Action: !If [IsProd, 's3:*', 's3:GetObject']
                Resource: '*'`,
    );
    expect(grants(p)).toEqual(['s3:* on *', 's3:GetObject on *']);
  });

  test('conditions made of YAML aliases are read within a budget (a second review: 30 s and more)', () => {
    const levels = ['  A0: &a0 {"Fn::Equals": [{Ref: Env}, prod]}'];
    for (let i = 1; i <= 40; i++) levels.push(`  A${i}: &a${i} {"Fn::Or": [*a${i - 1}, *a${i - 1}]}`);
    levels.push('  IsProd: *a40');
    const p = policy(
      ENV,
      levels.join('\n'),
      `              - Effect: Allow
                Action: !If [IsProd, 's3:*', 's3:GetObject']
                Resource: '*'`,
    );
    expect(grants(p)).toEqual(['s3:* on *', 's3:GetObject on *']);
  });

  test("the stack's account is tried as a parameter: a Deny in one branch of each of its conditions is kept (a third review)", () => {
    const p = policy(
      ENV,
      "  IsProd: !Equals [!Ref 'AWS::AccountId', '111122223333']\n  IsOther: !Not [!Condition IsProd]",
      `              - Effect: Allow
                Action: 'iam:CreateUser'
                Resource: '*'
              - !If [IsProd, {Effect: Deny, Action: 'iam:CreateUser', Resource: '*'}, !Ref AWS::NoValue]
              - !If [IsOther, {Effect: Deny, Action: 'iam:CreateUser', Resource: '*'}, !Ref AWS::NoValue]`,
    );
    expect(statements(p).filter((s) => s.Effect === 'Deny')).toHaveLength(1);
  });

  test("a condition on a resource's value (its name made of a parameter): nothing excluded (a third review)", () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDevBucket: !Equals [!Ref Bucket, dev-bucket]
Resources:
  Bucket: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub '\${Env}-bucket'}}
  Q:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - !If [IsProd, {Effect: Allow, Action: 'iam:PassRole', Resource: '*'}, !Ref AWS::NoValue]
          - !If [IsDevBucket, {Effect: Allow, Action: 'iam:CreateUser', Resource: '*'}, !Ref AWS::NoValue]
`;
    const r = parseSource({ path: 'template.yaml', text }).result;
    const q = r.policies.find((x) => x.address === 'Q')!;
    expect(grants(q)).toEqual(['iam:CreateUser on *', 'iam:PassRole on *']);
  });

  test('a Mappings entry chosen by the account is not known, never false nor missing (a third review; older)', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Mappings:
  Accounts: {'111122223333': {Env: prod}, '444455556666': {Env: dev}}
Conditions:
  IsProd: !Equals [!FindInMap [Accounts, !Ref 'AWS::AccountId', Env, {DefaultValue: dev}], prod]
Resources:
  Q:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: !If [IsProd, 's3:*', 's3:GetObject']
            Resource: '*'
`;
    const r = parseSource({ path: 'template.yaml', text }).result;
    expect(r.errors).toEqual([]);
    const q = r.policies.find((x) => x.address === 'Q')!;
    expect(grants(q)).toEqual(['s3:* on *', 's3:GetObject on *']);
  });

  test('parameters linked together may split into as many groups of equal values as they are (a fourth review)', () => {
    const p = policy(
      '  A:\n    Type: String\n  B:\n    Type: String\n  C:\n    Type: String\n  D:\n    Type: String',
      '  IsProd: !And\n    - !Equals [!Ref A, !Ref B]\n    - !Equals [!Ref C, !Ref D]\n    - !Not [!Equals [!Ref A, !Ref C]]',
      `              - Effect: Allow
                Action: !If [IsProd, 's3:*', 's3:GetObject']
                Resource: '*'`,
    );
    expect(grants(p)).toEqual(['s3:* on *', 's3:GetObject on *']);
  });

  test('a comparison deeper than the walk goes excludes nothing (a fourth review)', () => {
    const chain = ['  IsProd: !Equals [!Ref Env, prod]', '  C0: !Equals [!Ref Env, dev]'];
    for (let i = 1; i <= 130; i++) chain.push(`  C${i}: !And [!Condition C${i - 1}]`);
    chain.push('  IsOther: !Condition C130');
    const p = policy(ENV, chain.join('\n'), CHOSEN);
    // (every combination read, as before possible(): IsProd with C130 too)
    expect(grants(p)).toHaveLength(4);
  });

  test('a number or boolean YAML reads, compared with a parameter, excludes nothing (a fourth review)', () => {
    const p = policy(
      "  Ver:\n    Type: String\n    AllowedValues: ['1.10', '1.9']",
      '  IsProd: !Equals [!Ref Ver, 1.10]',
      `              - Effect: Allow
                Action: !If [IsProd, 's3:*', 's3:GetObject']
                Resource: '*'`,
    );
    expect(grants(p)).toEqual(['s3:* on *', 's3:GetObject on *']);
  });

  test('conditions the others decide cost no combination: 64 read in full, an Allow of a mixed one audited (a fifth review)', () => {
    // The review's if/env4.yaml: IsDev is decided by IsProd; 2^5 * 2 combinations. The tree was
    // charged for each reading, one-child ones too: all true and all false only, `iam:*` (IsDev
    // true, Audit false) not audited, and the notes said "more than 64 combinations".
    const flags = ['Audit', 'Kms', 'Xray', 'Debug', 'Trace'];
    const p = policy(
      `  Env: {Type: String, AllowedValues: [dev, prod]}
${flags.map((f) => `  Enable${f}: {Type: String, AllowedValues: ['true', 'false']}`).join('\n')}`,
      `  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [!Ref Env, dev]
${flags.map((f) => `  ${f}: !Equals [!Ref Enable${f}, 'true']`).join('\n')}`,
      `${flags.map((f, i) => `              - !If [${f}, {Effect: Allow, Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:111122223333:q${i}'}, !Ref AWS::NoValue]`).join('\n')}
              - Effect: Allow
                Action: s3:GetObject
                Resource: !If [IsProd, 'arn:aws:s3:::prod-bucket/*', 'arn:aws:s3:::dev-bucket/*']
              - !If [IsDev, {Effect: Allow, Action: 's3:PutObject', Resource: 'arn:aws:s3:::dev-bucket/*'}, !Ref AWS::NoValue]
              - !If [IsDev, !If [Audit, !Ref AWS::NoValue, {Effect: Allow, Action: 'iam:*', Resource: '*'}], !Ref AWS::NoValue]`,
    );
    expect(grants(p)).toContain('iam:* on *');
    expect(p.approximate).toEqual(
      [...flags.map((f) => [f, `Enable${f}`]), ['IsProd', 'Env'], ['IsDev', 'Env']].map(
        ([c, e]) =>
          `condition ${c} is not known (parameter ${e} has no default): both of its branches audited`,
      ),
    );
  });

  test('conditions decided by others once they are consulted in every combination: within the bound on readings, else said so', () => {
    // Each Ck consulted, then CkSame1..n (the same comparison): decided by Ck, in every combination.
    const read = (n: number, same: number) => {
      const all = Array.from({ length: n }, (_, k) => k);
      const copies = Array.from({ length: same }, (_, d) => d + 1);
      return policy(
        all.map((k) => `  P${k}: {Type: String}`).join('\n'),
        all
          .flatMap((k) =>
            [k, ...copies.map((d) => `${k}Same${d}`)].map((c) => `  C${c}: !Equals [!Ref P${k}, 'yes']`),
          )
          .join('\n'),
        [
          ...all.map(
            (k) =>
              `              - !If [C${k}, {Effect: Allow, Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:111122223333:q${k}'}, !Ref AWS::NoValue]`,
          ),
          ...all.flatMap((k) =>
            copies.map(
              (d) =>
                `              - !If [C${k}Same${d}, {Effect: Allow, Action: 'sns:Publish', Resource: 'arn:aws:sns:us-east-1:111122223333:t${k}'}, !Ref AWS::NoValue]`,
            ),
          ),
          "              - !If [C0, !If [C1Same1, !Ref AWS::NoValue, {Effect: Allow, Action: 'iam:CreateUser', Resource: '*'}], !Ref AWS::NoValue]",
        ].join('\n'),
      );
    };
    const full = read(5, 1);
    expect(grants(full)).toContain('iam:CreateUser on *');
    expect((full.approximate ?? []).join(' ')).not.toContain('all false only');
    // 64 combinations, each with 6 * 6 conditions decided by the others: more readings than the
    // bound, and the note says that, not "more than 64 combinations"
    const beyond = read(6, 6);
    expect(beyond.approximate![0]).toBe(
      'condition C0 is not known (parameter P0 has no default): its branches audited with all the others true or all false only (more than 256 readings of the policy to find their combinations): an Allow that only some other combination gives is not audited',
    );
  });
});

describe("a resource's own Condition, not known: true while its policies and attachments are read", () => {
  const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsNotProd: !Not [!Condition IsProd]
  IsDev: !Equals [!Ref Env, dev]
Resources:
  ProdRole:
    Type: AWS::IAM::Role
    Condition: IsProd
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - !If [IsProd, !Ref AWS::NoValue, arn:aws:iam::aws:policy/AdministratorAccess]
        - arn:aws:iam::aws:policy/ReadOnlyAccess
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::mybucket/*'}
              - !If [IsProd, !Ref AWS::NoValue, {Effect: Allow, Action: 'iam:*', Resource: '*'}]
              - !If [IsNotProd, {Effect: Allow, Action: 'iam:PassRole', Resource: '*'}, !Ref AWS::NoValue]
              - !If [IsDev, {Effect: Allow, Action: 'iam:CreateUser', Resource: '*'}, !Ref AWS::NoValue]
  ProdPolicy:
    Type: AWS::IAM::Policy
    Condition: IsProd
    Properties:
      PolicyName: extra
      Roles: [!Ref ProdRole]
      PolicyDocument:
        Statement:
          - !If [IsProd, {Effect: Allow, Action: 's3:PutObject', Resource: '*'}, {Effect: Allow, Action: 'iam:*', Resource: '*'}]
  AnyRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: !If [IsProd, 's3:GetObject', 's3:*'], Resource: '*'}
`;
  const r = parseSource({ path: 'template.yaml', text }).result;
  const at = (address: string) => r.policies.find((x) => x.address === address)!;
  const why = 'parameter Env has no default';
  const created = (id: string) =>
    `${id} is created only when its condition IsProd is true, which is not known (${why}): audited as created`;

  test("its Fn::If on that condition, or on one it decides, reads the branch it takes (the review's rescond.yaml: a false iam:*)", () => {
    const p = at('ProdRole.Policies[0]');
    expect(grants(p)).toEqual(['s3:GetObject on arn:aws:s3:::mybucket/*']);
    expect(p.approximate).toEqual([
      `condition IsDev is not known (${why}), yet only its false branch can hold with the parameters' possible values and the other conditions: that branch audited`,
      created('ProdRole'),
    ]);
    expect(grants(at('ProdPolicy'))).toEqual(['s3:PutObject on *']);
  });

  test('the managed policies it attaches: the branch taken; each still noted as attached to a resource that may not be created', () => {
    const role = r.principals!.find((p) => p.id === 'template.yaml#ProdRole')!;
    expect(role.policyIds).not.toContain('template.yaml#arn:aws:iam::aws:policy/AdministratorAccess');
    expect(role.policyIds).toContain('template.yaml#arn:aws:iam::aws:policy/ReadOnlyAccess');
    expect(role.policyIds).toContain('template.yaml#ProdPolicy');
    expect(at('arn:aws:iam::aws:policy/ReadOnlyAccess').approximate).toEqual([
      `attached to ProdRole, created only when its condition IsProd is true, which is not known (${why}): audited as attached`,
    ]);
  });

  test('another resource still reads both branches', () => {
    expect(grants(at('AnyRole.Policies[0]'))).toEqual(['s3:* on *', 's3:GetObject on *']);
  });
});
