// A managed policy attached by an attachment that may not be made (an Fn::If whose condition is not
// known, a resource whose Condition is not known) is noted so; not when another attachment of it is
// surely made (a review saw AWSLambdaBasicExecutionRole noted as attached only to Fn2's role).
import { parseSource } from '../../src/sources/index.js';

const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

function template(fn1Condition: string): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Fn1:
    Type: AWS::Serverless::Function
${fn1Condition}    Properties:
      Handler: index.handler
      Runtime: python3.12
      CodeUri: .
  Fn2:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties:
      Handler: index.handler
      Runtime: python3.12
      CodeUri: .
`;
}

const notesOf = (text: string) => {
  const r = parseSource({ path: 'template.yaml', text }).result;
  const rec = r.policies.find((p) => p.address === BASIC);
  if (!rec) throw new Error(`no ${BASIC}: ${r.policies.map((p) => p.address).join(', ')}`);
  return (rec.approximate ?? []).join('\n');
};

describe('the notes of a managed policy attached by attachments that may not be made', () => {
  test('also attached for sure: no note', () => {
    expect(notesOf(template(''))).not.toContain('created only when');
  });

  test('only attached to resources whose Condition is not known: noted', () => {
    const notes = notesOf(template('    Condition: IsProd\n'));
    expect(notes).toContain('attached to Fn1Role, created only when its condition IsProd is true');
    expect(notes).toContain('attached to Fn2Role, created only when its condition IsProd is true');
  });

  test("also attached for sure from the policy's own side (its Roles): no note (a second review)", () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  RoleA:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
  RoleB:
    Type: AWS::IAM::Role
    Condition: IsProd
    Properties:
      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: [!Ref Mp]
  Mp:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref RoleA]
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:PutBucketPolicy', Resource: '*'}]}
`;
    const r = parseSource({ path: 'template.yaml', text }).result;
    const mp = r.policies.find((p) => p.address === 'Mp');
    expect(mp).toBeDefined();
    expect((mp!.approximate ?? []).join('\n')).not.toContain('created only when');
  });

  test('attached from its own side by an Fn::If whose condition is not known: not sure, the note stays (a third review)', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  R1:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: [!If [IsProd, !Ref P, !Ref AWS::NoValue]]
  R2:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!If [IsProd, !Ref R2, !Ref AWS::NoValue]]
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'iam:CreateUser', Resource: '*'}]}
`;
    const r = parseSource({ path: 'template.yaml', text }).result;
    const p = r.policies.find((x) => x.address === 'P')!;
    expect((p.approximate ?? []).join('\n')).toContain(
      'attached to R1 by an Fn::If whose condition is not known (IsProd)',
    );
  });
});
