// An Fn::Sub's variable map names values of its own: `${Bucket}` of
// `!Sub ['...${Bucket}/*', {Bucket: !Ref DataBucketName}]` is that variable, not the resource
// Bucket. Before, the name was read as a reference: a false circular dependency (a review), and a
// parameter of that name read as compared otherwise in a condition (every combination kept).
// `${!Literal}` is text, not a reference, either way.
import { parseSource } from '../../src/sources/index.js';
import type { PolicyRecord } from '../../src/core/types.js';

test('a variable of an Fn::Sub named as a resource makes no dependency on it (the reviewer’s template)', () => {
  const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  DataBucketName:
    Type: String
    Default: my-data
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
        - Key: reader-policy
          Value: !Ref ReaderPolicy
  ReaderPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: !Sub
              - 'arn:\${AWS::Partition}:s3:::\${Bucket}/*'
              - Bucket: !Ref DataBucketName
          - Effect: Allow
            Action: s3:ListBucket
            Resource: !Sub 'arn:aws:s3:::\${!Bucket}'
`;
  const r = parseSource({ path: 'template.yaml', text }).result;
  expect(r.errors ?? []).toEqual([]);
  const p = r.policies.find((x) => x.address === 'ReaderPolicy')!;
  expect(p.status).toBe('resolved');
  const s = (p.document as { Statement: { Resource: string }[] }).Statement;
  expect(s.map((x) => x.Resource)).toEqual(['arn:aws:s3:::my-data/*', 'arn:aws:s3:::${Bucket}']);
});

test('a resource the Fn::Sub text does refer to still makes one', () => {
  const text = `Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Tags: [{Key: p, Value: !Ref ReaderPolicy}]
  ReaderPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: !Sub ['arn:aws:s3:::\${Bucket}/\${Key}', {Key: '*'}]
`;
  const r = parseSource({ path: 'template.yaml', text }).result;
  expect((r.errors ?? []).map((e) => e.message)).toEqual([
    expect.stringContaining('circular dependency between resources Bucket, ReaderPolicy'),
  ]);
});

test('a condition with a variable named as a parameter does not compare the parameter', () => {
  // IsOther is `Env = dev` (the Fn::Sub is the text 'a' whatever Env is): never true with IsProd,
  // as when it is written `!Equals [!Ref Env, dev]`.
  const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsOther: !And [!Equals [!Ref Env, dev], !Equals [!Sub ['\${Env}', {Env: a}], a]]
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: !If [IsProd, 'ec2:RunInstances', 'ec2:*']
            Resource: !If [IsOther, 'arn:aws:ec2:*:*:instance/dev-*', '*']
`;
  const p: PolicyRecord = parseSource({ path: 'template.yaml', text }).result.policies[0]!;
  const s = (p.document as { Statement: { Effect: string; Action: string; Resource: string }[] }).Statement;
  expect(s.map((x) => `${x.Action} on ${x.Resource}`).sort()).toEqual([
    'ec2:* on *',
    'ec2:* on arn:aws:ec2:*:*:instance/dev-*',
    'ec2:RunInstances on *',
  ]);
});
