// An AWS managed policy that still names an action AWS retired (29 of the bundled 1,237 do, such
// as AWSCodeStarFullAccess's cloud9:ValidateEnvironmentName) grants nothing through it, and the
// user cannot change AWS's policy: a note says so, never an "Unknown actions: fix the spelling"
// finding. The same action in a policy of the repository is still that finding.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import { managedPolicyByName } from '../src/sources/managed-policies.js';

const NOW = new Date('2026-12-06T00:00:00Z');

const template = (extra: string) => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  DatadogRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::464622532012:root
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: abc
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AWSCodeStarFullAccess
${extra}`;

test("an AWS managed policy's retired action is a note, not a finding; the repository's own is a finding", async () => {
  // (the premise: the bundled policy still names the action)
  expect(JSON.stringify(managedPolicyByName('AWSCodeStarFullAccess')?.document)).toContain(
    'cloud9:ValidateEnvironmentName',
  );
  const root = mkdtempSync(join(tmpdir(), 'retired-'));
  writeFileSync(
    join(root, 'template.yaml'),
    template(`      Policies:
        - PolicyName: own
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: cloud9:ValidateEnvironmentName
                Resource: '*'
`),
  );
  const report = await runAudit({ root, paths: ['.'], now: NOW });
  const unknown = report.findings.filter((f) => f.kind === 'unknown-action');
  // Only the repository's own inline policy's: that one the user can fix.
  expect(unknown.map((f) => [f.address ?? f.policy, f.actions])).toEqual([
    [expect.not.stringContaining('arn:aws:iam::aws:policy/'), ['cloud9:ValidateEnvironmentName']],
  ]);
  const note = (report.notes ?? []).find((n) => n.startsWith('AWS managed policies name actions'));
  expect(note).toContain(
    'arn:aws:iam::aws:policy/AWSCodeStarFullAccess in template.yaml (cloud9:ValidateEnvironmentName)',
  );
  // The managed policy is still audited (its other excess is reported).
  expect(
    report.findings.some(
      (f) => f.address === 'arn:aws:iam::aws:policy/AWSCodeStarFullAccess' && f.kind === 'excess-action',
    ),
  ).toBe(true);
});
