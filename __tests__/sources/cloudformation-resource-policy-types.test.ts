// Resource policies of every CloudFormation type whose Terraform equivalent is read (an event bus's
// Policy, a public ECR repository's, a CloudWatch Logs destination's, a multi-Region, Outposts,
// S3 Express or Object Lambda access point's, a DynamoDB table's and its stream's, a global
// table's replicas'): each read with its own service's actions. Before, the five first were left
// out and the file was reported to hold no IAM policy.
import { parseSource } from '../../src/sources/index.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

const doc = (Action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action, Resource: '*' }],
});

function parse(resources: Record<string, unknown>, more: Record<string, unknown> = {}): InputResult {
  const text = JSON.stringify(
    { AWSTemplateFormatVersion: '2010-09-09', ...more, Resources: resources },
    null,
    2,
  );
  return parseSource({ path: 'template.json', text }).result;
}

function rec(r: InputResult, address: string): PolicyRecord {
  const hit = r.policies.find((p) => p.address === address);
  if (!hit) throw new Error(`no record ${address}: ${r.policies.map((p) => p.address).join(', ')}`);
  return hit;
}

test('the resource policies the reviewer found left out are read, each with its own service', () => {
  const r = parse({
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'shared-bus', Policy: doc('events:*') } },
    PubRepo: {
      Type: 'AWS::ECR::PublicRepository',
      Properties: { RepositoryName: 'pub', RepositoryPolicyText: doc('ecr-public:*') },
    },
    Dest: {
      Type: 'AWS::Logs::Destination',
      Properties: {
        DestinationName: 'd',
        RoleArn: 'arn:aws:iam::123456789012:role/x',
        TargetArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
        DestinationPolicy: JSON.stringify(doc('logs:PutSubscriptionFilter')),
      },
    },
    Mrap: {
      Type: 'AWS::S3::MultiRegionAccessPointPolicy',
      Properties: { MrapName: 'm', Policy: doc('s3:*') },
    },
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        ResourcePolicy: { PolicyDocument: doc('dynamodb:GetItem') },
        StreamSpecification: {
          StreamViewType: 'NEW_IMAGE',
          ResourcePolicy: { PolicyDocument: doc('dynamodb:*') },
        },
      },
    },
  });
  expect(r.status).toBe('audited');
  const got = r.policies.map((p) => [p.address, p.kind, p.status, p.grantScope?.services]);
  expect(got).toEqual([
    ['Bus.Policy', 'resource', 'resolved', ['events']],
    ['PubRepo.RepositoryPolicyText', 'resource', 'resolved', ['ecr-public']],
    ['Dest.DestinationPolicy', 'resource', 'resolved', ['logs']],
    ['Mrap.Policy', 'resource', 'resolved', ['s3']],
    ['Table.ResourcePolicy.PolicyDocument', 'resource', 'resolved', ['dynamodb']],
    ['Table.StreamSpecification.ResourcePolicy.PolicyDocument', 'resource', 'resolved', ['dynamodb']],
  ]);
  expect(rec(r, 'Dest.DestinationPolicy').document).toEqual(doc('logs:PutSubscriptionFilter'));
  expect(rec(r, 'Bus.Policy').jsonPath).toBe('$.Resources.Bus.Properties.Policy');
  expect(rec(r, 'Table.StreamSpecification.ResourcePolicy.PolicyDocument').jsonPath).toBe(
    '$.Resources.Table.Properties.StreamSpecification.ResourcePolicy.PolicyDocument',
  );
});

test('access points of S3 on Outposts, S3 Express and Object Lambda, and a global table’s replicas', () => {
  const r = parse({
    Outposts: {
      Type: 'AWS::S3Outposts::AccessPoint',
      Properties: {
        Bucket: 'b',
        Name: 'o',
        VpcConfiguration: { VpcId: 'vpc-1' },
        Policy: doc('s3-outposts:*'),
      },
    },
    Express: { Type: 'AWS::S3Express::AccessPoint', Properties: { Bucket: 'b', Policy: doc('s3express:*') } },
    Olap: {
      Type: 'AWS::S3ObjectLambda::AccessPointPolicy',
      Properties: { ObjectLambdaAccessPoint: 'olap', PolicyDocument: doc('s3-object-lambda:*') },
    },
    Global: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        Replicas: [
          { Region: 'us-east-1', ResourcePolicy: { PolicyDocument: doc('dynamodb:GetItem') } },
          {
            Region: 'eu-west-1',
            ReplicaStreamSpecification: { ResourcePolicy: { PolicyDocument: doc('dynamodb:GetRecords') } },
          },
        ],
      },
    },
  });
  const got = r.policies.map((p) => [p.address, p.status, p.grantScope?.services]);
  expect(got).toEqual([
    ['Outposts.Policy', 'resolved', ['s3-outposts']],
    ['Express.Policy', 'resolved', ['s3express']],
    ['Olap', 'resolved', ['s3-object-lambda']],
    ['Global.Replicas[0].ResourcePolicy.PolicyDocument', 'resolved', ['dynamodb']],
    ['Global.Replicas[1].ReplicaStreamSpecification.ResourcePolicy.PolicyDocument', 'resolved', ['dynamodb']],
  ]);
  expect(rec(r, 'Global.Replicas[1].ReplicaStreamSpecification.ResourcePolicy.PolicyDocument').jsonPath).toBe(
    '$.Resources.Global.Properties.Replicas[1].ReplicaStreamSpecification.ResourcePolicy.PolicyDocument',
  );
});

test('a policy holder an intrinsic function makes is read through it, and what is not known is listed', () => {
  const r = parse(
    {
      Table: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          // (chosen by a condition that holds: read through the Fn::If)
          StreamSpecification: {
            'Fn::If': [
              'Always',
              { ResourcePolicy: { PolicyDocument: doc('dynamodb:*') } },
              { Ref: 'AWS::NoValue' },
            ],
          },
        },
      },
      Bus: {
        Type: 'AWS::Events::EventBus',
        Properties: { Name: 'b', Policy: { 'Fn::ImportValue': 'shared-policy' } },
      },
    },
    { Conditions: { Always: { 'Fn::Equals': ['a', 'a'] } } },
  );
  const table = rec(r, 'Table.StreamSpecification.ResourcePolicy.PolicyDocument');
  expect(table).toMatchObject({ status: 'resolved', document: doc('dynamodb:*') });
  const bus = rec(r, 'Bus.Policy');
  expect(bus.status).toBe('unresolved');
  expect(bus.reason).toMatch(/Fn::ImportValue/);
});

describe('a policy of a type not read: unresolved with the reason, as the Terraform reader lists it', () => {
  // The review: an MSK cluster policy and a CodeBuild resource policy (YAML) were reported as "no
  // IAM policies in this template"; an SSM resource policy and an AWS Transfer user's session
  // policy were left out without a word.
  const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  MSK:
    Type: AWS::MSK::ClusterPolicy
    Properties:
      ClusterArn: arn:aws:kafka:us-east-1:111122223333:cluster/x/y
      Policy: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {AWS: '*'}, Action: 'kafka:*', Resource: '*'}]}
  CB:
    Type: AWS::CodeBuild::ResourcePolicy
    Properties:
      ResourceArn: arn:aws:codebuild:us-east-1:111122223333:project/x
      Policy: !Sub '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "codebuild:*", "Resource": "*"}]}'
  User:
    Type: AWS::Transfer::User
    Properties:
      ServerId: s-1234567890abcdef0
      UserName: alice
      Role: arn:aws:iam::111122223333:role/transfer
      Policy: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      DataProtectionPolicy: {Name: p, Version: '2021-06-01', Statement: [{Sid: audit, DataIdentifier: [x], Operation: {Audit: {}}}]}
  Scaling:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyName: p
      PolicyType: TargetTrackingScaling
`;
  const r = parseSource({ path: 'template.yaml', text }).result;

  it('each one is listed, at its line, with its kind and why; nothing else is', () => {
    expect(r.reason).toBeUndefined();
    expect(
      r.policies
        .map((p) => [p.address, p.status, p.kind, p.line, p.reason])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      [
        'CB.Policy',
        'unresolved',
        'resource',
        12,
        'resource type AWS::CodeBuild::ResourcePolicy is not read: its Policy holds an IAM policy document, not audited',
      ],
      [
        'MSK.Policy',
        'unresolved',
        'resource',
        7,
        'resource type AWS::MSK::ClusterPolicy is not read: its Policy holds an IAM policy document, not audited',
      ],
      [
        'User.Policy',
        'unresolved',
        'identity',
        19,
        'resource type AWS::Transfer::User is not read: its Policy holds an IAM policy document, not audited',
      ],
    ]);
  });
});
