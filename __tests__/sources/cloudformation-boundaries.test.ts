// CloudFormation permissions boundaries (AWS::IAM::Role / User PermissionsBoundary), as for
// Terraform and authorization details: a managed policy of the template used only as a boundary
// grants nothing (listed as not audited, with the reason; before: audited as a grant, an excess
// finding), and what only bounded principals hold is marked approximate, naming the boundary.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import type { Report } from '../../src/core/types.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const doc = (Action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource: '*' }],
});
const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

async function audit(resources: Record<string, unknown>): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'cfn-boundary-'));
  writeFileSync(join(root, 'template.json'), JSON.stringify({ Resources: resources }, null, 2));
  writeFileSync(join(root, 'base.json'), JSON.stringify(doc('sts:GetCallerIdentity')));
  return runAudit({ root, paths: ['template.json'], baseline: 'base.json', now: NOW });
}

const NOTE = (who: string, boundary: string) =>
  `${who} has a permissions boundary (${boundary}) that further limits what its policies grant it; not intersected here, so it may be granted less than told`;

test('a managed policy used only as a boundary is not audited; what the bounded role holds is approximate', async () => {
  const r = await audit({
    Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc('s3:GetObject') } },
    Bounded: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: trust,
        PermissionsBoundary: { Ref: 'Boundary' },
        Policies: [{ PolicyName: 'inl', PolicyDocument: doc('iam:*') }],
      },
    },
    Free: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: trust,
        Policies: [{ PolicyName: 'inl', PolicyDocument: doc('kms:*') }],
      },
    },
  });
  const boundary = r.policies.find((p) => p.address?.startsWith('Boundary'));
  expect(boundary).toMatchObject({
    status: 'not-matched',
    reason: expect.stringMatching(/^a permissions boundary \(of Bounded\).*grants nothing/),
  });
  expect(r.findings.some((f) => f.address?.startsWith('Boundary'))).toBe(false);
  const bounded = r.findings.filter((f) => f.address?.startsWith('Bounded.Policies'));
  expect(bounded.length).toBeGreaterThan(0);
  for (const f of bounded) expect(f.approximate).toContain(NOTE('template.json#Bounded', 'Boundary'));
  const free = r.findings.filter((f) => f.address?.startsWith('Free.Policies'));
  expect(free.length).toBeGreaterThan(0);
  for (const f of free) expect(f.approximate ?? []).toEqual([]);
});

test('a boundary given by ARN is named as written; a boundary policy also attached is audited', async () => {
  const r = await audit({
    Boundary: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { PolicyDocument: doc('s3:GetObject'), Roles: [{ Ref: 'Bounded' }] },
    },
    Bounded: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: trust,
        PermissionsBoundary: { Ref: 'Boundary' },
      },
    },
    ByArn: {
      Type: 'AWS::IAM::User',
      Properties: {
        PermissionsBoundary: 'arn:aws:iam::123456789012:policy/edge',
        Policies: [{ PolicyName: 'inl', PolicyDocument: doc('ec2:*') }],
      },
    },
  });
  expect(r.policies.find((p) => p.address?.startsWith('Boundary'))?.status).toBe('audited');
  const byArn = r.findings.filter((f) => f.address?.startsWith('ByArn.Policies'));
  expect(byArn.length).toBeGreaterThan(0);
  for (const f of byArn)
    expect(f.approximate).toContain(NOTE('template.json#ByArn', 'arn:aws:iam::123456789012:policy/edge'));
});
