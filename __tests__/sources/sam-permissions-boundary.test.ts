// A SAM function's or state machine's PermissionsBoundary (a function's merged with Globals.Function's)
// is the boundary of the role SAM makes for it, as AWS::IAM::Role's PermissionsBoundary is: the
// managed policy named only as that boundary grants nothing (before: audited as a grant, CRITICAL),
// and what the bounded role holds is marked approximate, naming the boundary (before: no note; a
// review). A function that names its own Role gets none of it from SAM.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import type { Report } from '../../src/core/types.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const BASE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
});

async function audit(text: string): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'sam-boundary-'));
  writeFileSync(join(root, 'template.yaml'), text);
  writeFileSync(join(root, 'base.json'), BASE);
  return runAudit({ root, paths: ['template.yaml'], baseline: 'base.json', now: NOW });
}

const NOTE = (who: string, boundary: string) =>
  `${who} has a permissions boundary (${boundary}) that further limits what its policies grant it; not intersected here, so it may be granted less than told`;

const BOUNDARY = `  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: ['s3:*', 'dynamodb:*', 'logs:*']
            Resource: '*'
`;
const FUNCTION = (extra: string) => `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
${extra}      Policies:
        - Statement:
            - Effect: Allow
              Action: 'iam:*'
              Resource: '*'
`;

function expectBounded(r: Report, holder: string, prefix: string): void {
  const boundary = r.policies.find((p) => p.address === 'Boundary');
  expect(boundary).toMatchObject({
    status: 'not-matched',
    reason: expect.stringMatching(new RegExp(`^a permissions boundary \\(of ${holder}\\).*grants nothing`)),
  });
  expect(r.findings.some((f) => f.address === 'Boundary')).toBe(false);
  const bounded = r.findings.filter((f) => f.address?.startsWith(prefix));
  expect(bounded.length).toBeGreaterThan(0);
  for (const f of bounded) expect(f.approximate).toContain(NOTE(`template.yaml#${holder}`, 'Boundary'));
}

test("a function's own PermissionsBoundary bounds the role SAM makes (the reviewer's function-level.yaml)", async () => {
  const r = await audit(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
${BOUNDARY}${FUNCTION('      PermissionsBoundary: !Ref Boundary\n')}`);
  expectBounded(r, 'FnRole', 'Fn.Policies');
});

test("Globals.Function's PermissionsBoundary too (the reviewer's template.yaml)", async () => {
  const r = await audit(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    PermissionsBoundary: !Ref Boundary
Resources:
${BOUNDARY}${FUNCTION('')}`);
  expectBounded(r, 'FnRole', 'Fn.Policies');
});

test("a state machine's PermissionsBoundary bounds its role", async () => {
  const r = await audit(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
${BOUNDARY}  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine.asl.json
      PermissionsBoundary: !Ref Boundary
      Policies:
        - Statement:
            - Effect: Allow
              Action: 'iam:*'
              Resource: '*'
`);
  expectBounded(r, 'MachineRole', 'Machine.Policies');
});

test('a function that names its own Role: SAM sets no boundary on it', async () => {
  const r = await audit(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
${BOUNDARY}  Own:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: 'iam:*'
                Resource: '*'
${FUNCTION('      Role: !GetAtt Own.Arn\n      PermissionsBoundary: !Ref Boundary\n')}`);
  // (the boundary is named by nothing SAM makes: a managed policy of its own, audited)
  expect(r.policies.find((p) => p.address === 'Boundary')?.status).toBe('audited');
  const own = r.findings.filter((f) => f.address?.startsWith('Own.Policies'));
  expect(own.length).toBeGreaterThan(0);
  for (const f of own) expect(f.approximate ?? []).toEqual([]);
});
