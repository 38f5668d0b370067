// A resource policy reached through a list an Fn::If chooses whole (a global table's
// `Replicas: !If [IsProd, [...], [...]]`) with a condition not known offline: the policies of both
// lists are audited, noted with the condition, as an Fn::If on one item already was. Before, the
// list was evaluated outside the document, its Fn::If read as true without a word: only the true
// branch's replica policy was audited (a Scan), the false branch's (a PutItem) never.
import { parseSource } from '../../src/sources/index.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

const doc = (Action: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action, Resource: '*' },
  ],
});

// (a parameter with no default: IsProd is not known offline)
const more = {
  Parameters: { Env: { Type: 'String', AllowedValues: ['prod', 'dev'] } },
  Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
};

function parse(resources: Record<string, unknown>): InputResult {
  const text = JSON.stringify(
    { AWSTemplateFormatVersion: '2010-09-09', ...more, Resources: resources },
    null,
    2,
  );
  return parseSource({ path: 'template.json', text }).result;
}

const actions = (p: PolicyRecord) =>
  (p.document as { Statement?: { Action: string }[] } | undefined)?.Statement?.map((s) => s.Action) ?? [];

test('each list of an Fn::If choosing Replicas is audited, with its condition noted', () => {
  const r = parse({
    GT: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        Replicas: {
          'Fn::If': [
            'IsProd',
            [{ Region: 'us-east-1', ResourcePolicy: { PolicyDocument: doc('dynamodb:Scan') } }],
            [
              { Region: 'us-east-1', ResourcePolicy: { PolicyDocument: doc('dynamodb:PutItem') } },
              {
                Region: 'eu-west-1',
                ReplicaStreamSpecification: {
                  ResourcePolicy: { PolicyDocument: doc('dynamodb:GetRecords') },
                },
              },
            ],
          ],
        },
      },
    },
  });
  const got = r.policies.map((p) => [p.address, p.status, actions(p), p.grantScope?.services]);
  expect(got).toEqual([
    [
      'GT.Replicas[0].ResourcePolicy.PolicyDocument',
      'resolved',
      ['dynamodb:Scan', 'dynamodb:PutItem'],
      ['dynamodb'],
    ],
    [
      'GT.Replicas[1].ReplicaStreamSpecification.ResourcePolicy.PolicyDocument',
      'resolved',
      ['dynamodb:GetRecords'],
      ['dynamodb'],
    ],
  ]);
  for (const p of r.policies) {
    expect(p.approximate).toEqual([
      expect.stringMatching(/^condition IsProd is not known .*both of its branches audited/),
    ]);
    expect(p.jsonPath).toBe('$.Resources.GT.Properties.Replicas');
  }
});

test('an expression on the way to a list (Fn::Select of Fn::If) is read with each branch too', () => {
  const r = parse({
    GT: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        Replicas: {
          'Fn::Select': [
            0,
            [
              {
                'Fn::If': [
                  'IsProd',
                  [{ Region: 'us-east-1', ResourcePolicy: { PolicyDocument: doc('dynamodb:Scan') } }],
                  [{ Region: 'us-east-1', ResourcePolicy: { PolicyDocument: doc('dynamodb:DeleteItem') } }],
                ],
              },
            ],
          ],
        },
      },
    },
  });
  expect(r.policies.map((p) => [p.address, actions(p)])).toEqual([
    ['GT.Replicas[0].ResourcePolicy.PolicyDocument', ['dynamodb:Scan', 'dynamodb:DeleteItem']],
  ]);
  expect(r.policies[0]!.approximate).toEqual([expect.stringMatching(/^condition IsProd is not known/)]);
});

test('a list parameter not known offline: unresolved, as before', () => {
  const r = parseSource({
    path: 'template.json',
    text: JSON.stringify({
      Parameters: { Replicas: { Type: 'CommaDelimitedList' } },
      Resources: {
        GT: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: { Ref: 'Replicas' } } },
      },
    }),
  }).result;
  expect(r.policies.map((p) => [p.address, p.status])).toEqual([
    ['GT.Replicas[0].ResourcePolicy.PolicyDocument', 'unresolved'],
    ['GT.Replicas[0].ReplicaStreamSpecification.ResourcePolicy.PolicyDocument', 'unresolved'],
  ]);
});
