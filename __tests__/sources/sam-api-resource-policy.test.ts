// A SAM API's Auth.ResourcePolicy: SAM writes its CustomStatements into the RestApi's policy
// (x-amazon-apigateway-policy), a resource policy of execute-api actions. Before, it was not read
// and the file was reported to hold no IAM policy (a review). The statements SAM generates from the
// other fields (account, IP range and VPC lists) are not read: the record says so, or, with no
// CustomStatements, is unresolved naming them. The Globals' Auth and an Api event's Auth too.
import { readFileSync } from 'node:fs';
import { parseSource } from '../../src/sources/index.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

const FIX = new URL('../fixtures/cloudformation/', import.meta.url);

function parse(text: string): InputResult {
  return parseSource({ path: 'template.yaml', text }).result;
}

function rec(r: InputResult, address: string): PolicyRecord {
  const hit = r.policies.find((p) => p.address === address);
  if (!hit) throw new Error(`no record ${address}: ${r.policies.map((p) => p.address).join(', ')}`);
  return hit;
}

const API = (auth: string) => `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
${auth}
`;

test("SAM's own test: one CustomStatements statement is the API's resource policy", () => {
  const text = readFileSync(new URL('sam__api_with_resource_policy.yaml', FIX), 'utf8');
  const r = parseSource({ path: 'cfn/sam__api_with_resource_policy.yaml', text }).result;
  const p = rec(r, 'ExplicitApi.Auth.ResourcePolicy');
  expect(p).toMatchObject({
    kind: 'resource',
    status: 'resolved',
    name: 'ExplicitApi',
    line: 8,
    grantScope: { resourceType: 'AWS::ApiGateway::RestApi', services: ['execute-api'] },
    // (as SAM's expected output writes it)
    document: {
      Version: '2012-10-17',
      Statement: { Action: 'execute-api:Invoke', Resource: ['execute-api:/*/*/*'] },
    },
  });
  expect(p.approximate).toBeUndefined();
});

test("the reviewer's template: a list of CustomStatements, read as written", () => {
  const r = parse(
    API(`        ResourcePolicy:
          CustomStatements:
            - Effect: Allow
              Principal: '*'
              Action: 'execute-api:*'
              Resource: 'execute-api:/*'`),
  );
  expect(r.status).toBe('audited');
  expect(rec(r, 'Api.Auth.ResourcePolicy')).toMatchObject({
    status: 'resolved',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:*', Resource: 'execute-api:/*' }],
    },
  });
});

test('the statements SAM generates from the other fields are not read: said so', () => {
  const both = parse(
    API(`        ResourcePolicy:
          IpRangeWhitelist: ['10.0.0.0/8']
          AwsAccountBlacklist: ['111122223333']
          CustomStatements:
            - Effect: Allow
              Principal: '*'
              Action: 'execute-api:Invoke'
              Resource: 'execute-api:/*'`),
  );
  expect(rec(both, 'Api.Auth.ResourcePolicy').approximate).toEqual([
    "the statements SAM generates for its AwsAccountBlacklist, IpRangeWhitelist (on the API's methods) are not read: only its CustomStatements are",
  ]);
  const only = parse(
    API(`        ResourcePolicy:
          SourceVpcWhitelist: ['vpc-1234']`),
  );
  expect(rec(only, 'Api.Auth.ResourcePolicy')).toMatchObject({
    status: 'unresolved',
    reason: "the statements SAM generates for its SourceVpcWhitelist (on the API's methods) are not read",
    line: 9,
  });
});

test("the Globals' Auth (the API SAM makes for events too), and an Api event's own", () => {
  const r = parse(`Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Auth:
      ResourcePolicy:
        CustomStatements:
          - {Effect: Allow, Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*'}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      Events:
        Get:
          Type: Api
          Properties:
            Path: /
            Method: get
            Auth:
              ResourcePolicy:
                CustomStatements:
                  - {Effect: Allow, Principal: '*', Action: 'execute-api:*', Resource: 'execute-api:/*/GET/'}
`);
  expect(r.policies.filter((p) => p.kind === 'resource').map((p) => [p.address, p.status, p.line])).toEqual([
    ['Fn.Events.Get.Auth.ResourcePolicy', 'resolved', 23],
    ['ServerlessRestApi.Auth.ResourcePolicy', 'resolved', 6],
  ]);
});
