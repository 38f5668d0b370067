// API Gateway's short resource form in an API's resource policy: `execute-api:/stage/METHOD/path`
// names the API the policy is attached to (API Gateway developer guide, "API Gateway resource
// policy examples": "You can use execute-api:/* to represent all stages, methods, and paths").
// A review: the audit matched the text to no execute-api resource type, so the statement granted
// nothing and its excess was missed (a RestApi's Policy, a SAM API's CustomStatements).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const BASELINE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }],
});

async function audit(resource: string) {
  const root = mkdtempSync(join(tmpdir(), 'execute-api-'));
  writeFileSync(
    join(root, 'api.yaml'),
    [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Resources:',
      '  Api:',
      '    Type: AWS::ApiGateway::RestApi',
      '    Properties:',
      '      Name: x',
      '      Policy:',
      "        Version: '2012-10-17'",
      '        Statement:',
      '          - Effect: Allow',
      '            Principal: "*"',
      '            Action: execute-api:Invoke',
      `            Resource: "${resource}"`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, 'base.json'), BASELINE);
  return runAudit({
    root,
    paths: ['api.yaml'],
    baseline: './base.json',
    now: new Date('2026-12-06T00:00:00Z'),
  });
}

describe('execute-api:/… in an API resource policy', () => {
  it.each(['execute-api:/*', 'execute-api:/*/*/*', 'execute-api:/prod/GET/pets'])(
    '%s grants on the API: its excess action is found, the resource shown as written',
    async (resource) => {
      const r = await audit(resource);
      const excess = r.findings.filter((f) => f.kind === 'excess-action');
      expect(excess.map((f) => f.actions)).toEqual([['execute-api:Invoke']]);
      expect(excess[0]!.resources).toEqual([resource]);
    },
  );

  it('the same as the full ARN form', async () => {
    const r = await audit('arn:aws:execute-api:us-east-1:123456789012:abcdef1234/*');
    expect(r.findings.filter((f) => f.kind === 'excess-action').map((f) => f.actions)).toEqual([
      ['execute-api:Invoke'],
    ]);
  });
});
