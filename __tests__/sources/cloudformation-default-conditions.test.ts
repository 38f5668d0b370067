// An Fn::If inside a policy document whose condition rests on a parameter WITH a default was settled
// by the default in silence: the other branch (an `Allow iam:*` when EnableAdmin=true, an Allow
// where `Effect: !If [IsProd, Deny, Allow]`) never reached the report, and nothing said the policy
// was read with the defaults. A stack may be deployed with any values: both branches are audited
// now (as for a parameter without a default), noted with the condition and the defaults, a Deny that
// only some values give is left out (it never removes a finding), and the branch the defaults do not
// give is read with those parameters not known (never their default). Fixtures: hand-written repros
// (__tests__/fixtures/README.md, cloudformation/written__if-default-*.yaml).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { parseSource } from '../../src/sources/index.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

const FIX = new URL('../fixtures/cloudformation/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIX), 'utf8');
const STATEMENT = fixture('written__if-default-statement.yaml');
const INTRINSICS = fixture('written__if-default-intrinsics.yaml');
/** A baseline that grants almost nothing: every grant shows. */
const EMPTY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::nothing/x' }],
});
const NOW = new Date('2026-12-01');

const parse = (text: string): InputResult => parseSource({ path: 't.yaml', text }).result;
const rec = (r: InputResult, address: string): PolicyRecord => {
  const p = r.policies.find((x) => x.address === address);
  if (!p) throw new Error(`no ${address}: ${r.policies.map((x) => x.address).join(', ')}`);
  return p;
};
const statements = (p: PolicyRecord) => {
  const s = (p.document as { Statement: unknown }).Statement;
  return (Array.isArray(s) ? s : [s]) as Record<string, unknown>[];
};
/** The actions of the findings (info left out) of `text` audited against EMPTY, by policy address. */
async function findings(text: string): Promise<Map<string, string[]>> {
  const root = mkdtempSync(join(tmpdir(), 'iba-cfn-default-'));
  writeFileSync(join(root, 't.yaml'), text);
  writeFileSync(join(root, 'baseline.json'), EMPTY);
  const report = await runAudit({ root, paths: ['t.yaml'], baseline: join(root, 'baseline.json'), now: NOW });
  const out = new Map<string, string[]>();
  for (const f of report.findings.filter((x) => x.severity !== 'info')) {
    const address = f.policy.slice(f.policy.indexOf('#') + 1);
    out.set(address, [...(out.get(address) ?? []), ...f.actions].sort());
  }
  return out;
}
const both = (condition: string, value: boolean, defaults: string) =>
  `condition ${condition} is ${String(value)} with the parameters at their defaults (${defaults}), not with every value a stack may be deployed with: both of its branches audited (what a stack deployed with any values grants)`;
const DENY_LEFT_OUT =
  "left out: a Deny chosen by a condition that is so only with the parameters' defaults (a Deny is never read broader than written: that would hide what the policy grants); findings it might remove are still reported";

describe('a statement chosen by an Fn::If on a parameter with a default (written__if-default-statement.yaml)', () => {
  it('the branch the default does not give (iam:* when EnableAdmin=true) is audited, noted', async () => {
    const p = rec(parse(STATEMENT), 'Other');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([both('Admin', false, 'EnableAdmin "false"')]);
    const found = await findings(STATEMENT);
    // (before: iam:GetRole alone, in silence)
    expect(found.get('Other')).toContain('iam:CreateAccessKey');
    expect(found.get('Other')).toContain('iam:GetRole');
    // The resource of the same condition is audited as created too, said so (it was listed only:
    // a review found it left out beside the audited Fn::If).
    expect(rec(parse(STATEMENT), 'AdminPolicy')).toMatchObject({
      status: 'resolved',
      approximate: [
        'AdminPolicy is created only when its condition Admin is true, which is not known (false only with the parameters at their defaults: EnableAdmin "false"): audited as created',
      ],
    });
  });
});

describe('Fn::If on parameters with defaults in one policy (written__if-default-intrinsics.yaml)', () => {
  it('a statement under !If [HasKms, …, NoValue] is audited, its key ARN not known (not the empty default)', async () => {
    const p = rec(parse(INTRINSICS), 'Role.Policies[0]');
    expect(statements(p)).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' });
    expect(p.approximate).toContain(both('HasKms', false, 'KmsKeyArn ""'));
    expect(p.approximate).toContain(
      'parameter KmsKeyArn: another value than its default (condition HasKms true)',
    );
    expect((await findings(INTRINSICS)).get('Role.Policies[0]')).toContain('kms:Decrypt');
  });

  it('`Effect: !If [IsProd, Deny, Allow]` is an Allow where IsProd is false: never read as a Deny', () => {
    const p = rec(parse(INTRINSICS), 'Role.Policies[0]');
    expect(statements(p).filter((s) => s.Effect === 'Deny')).toEqual([]);
    expect(statements(p)).toContainEqual({
      Effect: 'Allow',
      Action: 's3:DeleteObject',
      Resource: 'arn:aws:s3:::a',
    });
    expect(p.approximate).toContain(both('IsProd', true, 'Env "prod"'));
    expect(p.approximate).toContain(DENY_LEFT_OUT);
  });
});

describe('what a Deny chosen by such a condition may remove: nothing', () => {
  const template = (statement: string) => `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String, Default: prod, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - {Effect: Allow, Action: 's3:*', Resource: '*'}
${statement}`;

  it('`Effect: !If [IsProd, Deny, Allow]` (true by default): the Deny does not remove s3:DeleteObject', async () => {
    const text = template(
      "          - {Effect: !If [IsProd, Deny, Allow], Action: 's3:DeleteObject', Resource: '*'}\n",
    );
    const p = rec(parse(text), 'P');
    expect(statements(p).map((s) => s.Effect)).toEqual(['Allow', 'Allow']);
    expect(p.approximate).toEqual([DENY_LEFT_OUT, both('IsProd', true, 'Env "prod"')]);
    expect((await findings(text)).get('P')).toContain('s3:DeleteObject');
  });

  it('a Deny only under the condition (true by default) does not remove grants', async () => {
    const text = template(
      "          - !If [IsProd, {Effect: Deny, Action: 's3:DeleteObject', Resource: '*'}, !Ref AWS::NoValue]\n",
    );
    const p = rec(parse(text), 'P');
    expect(statements(p)).toEqual([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
    expect(p.approximate).toEqual([DENY_LEFT_OUT, both('IsProd', true, 'Env "prod"')]);
    expect((await findings(text)).get('P')).toContain('s3:DeleteObject');
    // (a Deny in both branches alike is in every stack: kept)
    const always = template(
      "          - !If [IsProd, {Effect: Deny, Action: 's3:DeleteObject', Resource: '*'}, {Effect: Deny, Action: 's3:DeleteObject', Resource: '*'}]\n",
    );
    expect(statements(rec(parse(always), 'P')).map((s) => s.Effect)).toEqual(['Allow', 'Deny']);
  });
});

describe('the branch the defaults do not give, only where a stack can have it', () => {
  const head = (allowed: string) => `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String, Default: prod${allowed}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [!Ref Env, dev]
Resources:
`;
  const policy = (statement: string, condition = '') => `  P:
    Type: AWS::IAM::ManagedPolicy
${condition}    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
${statement}`;
  const IF =
    "          - !If [IsProd, {Effect: Allow, Action: 's3:GetObject', Resource: '*'}, {Effect: Allow, Action: 'iam:*', Resource: '*'}]\n";

  it('the other branch where a stack can have it: not where AllowedValues hold the default only, nor in a resource created only under the condition', () => {
    const p = rec(parse(`${head('')}${policy(IF)}`), 'P');
    expect(statements(p)).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(p.approximate).toEqual([both('IsProd', true, 'Env "prod"')]);
    // AllowedValues holding the default only: the other branch cannot be.
    const only = rec(parse(`${head(', AllowedValues: [prod]')}${policy(IF)}`), 'P');
    expect(statements(only)).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    expect(only.approximate).toBeUndefined();
    // A resource of `Condition: IsProd` (true by default) exists only so: IsProd true, IsDev false.
    const prod = rec(parse(`${head('')}${policy(IF, '    Condition: IsProd\n')}`), 'P');
    expect(statements(prod)).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    expect(prod.approximate).toBeUndefined();
    const dev = rec(
      parse(`${head('')}${policy(IF.replace('IsProd', 'IsDev'), '    Condition: IsProd\n')}`),
      'P',
    );
    expect(statements(dev)).toEqual([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    expect(dev.approximate).toBeUndefined();
  });
});

// (a review of the above)
describe('Fn::If on defaults: a boundary, and AllowedValues YAML reads as booleans or numbers', () => {
  it('a permissions boundary chosen by such an Fn::If stays a boundary, never a grant', async () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  UseBoundary:
    Type: String
    Default: 'true'
Conditions:
  HasBoundary: !Equals [!Ref UseBoundary, 'true']
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - { Effect: Allow, Action: ['s3:*', 'ec2:*', 'iam:*'], Resource: '*' }
  R:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !If [HasBoundary, !Ref Boundary, !Ref AWS::NoValue]
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - { Effect: Allow, Action: 's3:GetObject', Resource: '*' }
`;
    const r = parse(text);
    expect(rec(r, 'Boundary').grantsNothing).toMatch(/boundary/);
    expect((await findings(text)).get('Boundary')).toBeUndefined();
  });

  it('AllowedValues written as numbers or booleans limit the branches read', async () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  NumP: {Type: Number, Default: 1, AllowedValues: [1, 2]}
  BoolP: {Type: String, Default: true, AllowedValues: [true]}
Conditions:
  NumThree: !Equals [!Ref NumP, '3']
  BoolOff: !Equals [!Ref BoolP, 'false']
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - {Effect: Allow, Action: 's3:DeleteObject', Resource: '*'}
          - !If [NumThree, {Effect: Allow, Action: 'kms:*', Resource: '*'}, !Ref AWS::NoValue]
          - !If [BoolOff, {Effect: Allow, Action: 'iam:*', Resource: '*'}, !Ref AWS::NoValue]
`;
    // (NumP is never 3, BoolP never false: neither branch can hold, and none is read or noted)
    expect((await findings(text)).get('P')).toEqual(['s3:DeleteObject']);
    expect(rec(parse(text), 'P').approximate).toBeUndefined();
  });
});
