// SAM's IgnoreGlobals resource attribute (globals.py get_template_globals): `'*'` merges none of the
// Globals into the resource, a list of property names all but those. Before, it was not read: a
// function with `IgnoreGlobals: '*'` still had Globals.Function's PermissionsBoundary, so the
// managed policy named there was taken for a boundary and not audited as a grant (the reviewer's
// sam1/ig.yaml); an API with it still had Globals.Api's Auth, its CustomStatements read as the
// API's resource policy (sam2/ig.yaml, a false excess).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { parseSource } from '../../src/sources/index.js';
import type { Report } from '../../src/core/types.js';

const NOW = new Date('2026-12-05T00:00:00Z');

async function audit(text: string): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'sam-ignore-globals-'));
  writeFileSync(join(root, 'template.yaml'), text);
  writeFileSync(
    join(root, 'base.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    }),
  );
  return runAudit({ root, paths: ['template.yaml'], baseline: 'base.json', now: NOW });
}

const FUNCTION = (ignore: string) => `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    PermissionsBoundary: !Ref Boundary
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:*
            Resource: "*"
  Fn:
    Type: AWS::Serverless::Function
${ignore}    Properties:
      Handler: a.h
      CodeUri: .
`;

test.each([
  ["IgnoreGlobals: '*'", "    IgnoreGlobals: '*'\n"],
  ['IgnoreGlobals: [PermissionsBoundary]', '    IgnoreGlobals: [PermissionsBoundary]\n'],
])('a function with %s has no boundary from Globals: the policy is audited as a grant', async (_, ignore) => {
  const r = await audit(FUNCTION(ignore));
  expect(r.policies.find((p) => p.address === 'Boundary')?.status).toBe('audited');
  expect(r.findings.some((f) => f.address === 'Boundary')).toBe(true);
});

test('a list that does not name PermissionsBoundary leaves it merged: a boundary, as before', async () => {
  const r = await audit(FUNCTION('    IgnoreGlobals: [Runtime]\n'));
  expect(r.policies.find((p) => p.address === 'Boundary')).toMatchObject({
    status: 'not-matched',
    reason: expect.stringMatching(/^a permissions boundary \(of FnRole\)/),
  });
});

const API = (ignore: string) => `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Name: shared
    Auth:
      ResourcePolicy:
        CustomStatements:
          - Effect: Allow
            Principal: "*"
            Action: execute-api:*
            Resource: "*"
Resources:
  Api:
    Type: AWS::Serverless::Api
${ignore}    Properties:
      StageName: prod
`;

const parse = (text: string) => parseSource({ path: 'template.yaml', text }).result;

test.each([
  ["IgnoreGlobals: '*'", "    IgnoreGlobals: '*'\n"],
  ['IgnoreGlobals: [Auth]', '    IgnoreGlobals: [Auth]\n'],
])('an API with %s has no resource policy from Globals.Api.Auth', (_, ignore) => {
  const r = parse(API(ignore));
  expect(r.policies.map((p) => p.address)).toEqual([]);
  expect(r.errors).toEqual([]);
});

test('an API whose IgnoreGlobals leaves Auth merged keeps the Globals resource policy', () => {
  const r = parse(API('    IgnoreGlobals: [Name]\n'));
  expect(r.policies.map((p) => [p.address, p.status])).toEqual([['Api.Auth.ResourcePolicy', 'resolved']]);
});

test('an IgnoreGlobals SAM rejects is said to be, the Globals read as merged', () => {
  const r = parse(API('    IgnoreGlobals: Auth\n'));
  expect(r.policies.map((p) => p.address)).toEqual(['Api.Auth.ResourcePolicy']);
  expect(r.errors.map((e) => [e.message, e.jsonPath])).toEqual([
    [
      expect.stringMatching(/^IgnoreGlobals is .*SAM accepts only '\*' or a list/),
      '$.Resources.Api.IgnoreGlobals',
    ],
  ]);
  const unknownName = parse(API('    IgnoreGlobals: [Auth, Nope]\n'));
  expect(unknownName.policies).toEqual([]);
  expect(unknownName.errors.map((e) => e.message)).toEqual([
    expect.stringMatching(/^IgnoreGlobals names Nope, not a property of Globals\.Api/),
  ]);
});
