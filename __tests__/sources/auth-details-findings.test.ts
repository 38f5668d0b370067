// An export's broken entries: each invalid-policy finding names the report's entry for the policy it
// is about (a review: the findings of a broken document, or of a role listed twice, named
// `file#role`, no entry of policies[], so the footer counted policies the report does not list).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

const doc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
};
const role = (name: string, policyDocument: unknown) => ({
  RoleName: name,
  Arn: `arn:aws:iam::123456789012:role/${name}`,
  AssumeRolePolicyDocument: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  },
  RolePolicyList: [{ PolicyName: 'p', PolicyDocument: policyDocument }],
  AttachedManagedPolicies: [],
});

test("each invalid-policy finding of an export names the policy's entry, where the error is inside one", async () => {
  const root = mkdtempSync(join(tmpdir(), 'ad-findings-'));
  const exported = {
    RoleDetailList: [
      role('app', doc),
      role('app', doc), // listed twice
      role('broken', '%7B%22Version'), // a document that is not JSON
      'not an entry',
    ],
    UserDetailList: [],
    GroupDetailList: [],
    Policies: [],
  };
  writeFileSync(join(root, 'export.json'), JSON.stringify(exported, null, 2));
  const report = await runAudit({
    root,
    paths: ['.'],
    baseline: 'coiled',
    now: new Date('2026-12-06T00:00:00Z'),
  });
  const ids = new Set(report.policies.map((p) => p.id));
  const invalid = report.findings.filter((f) => f.kind === 'invalid-policy');
  const inside = invalid.filter((f) => /RolePolicyList|AssumeRolePolicyDocument/.test(f.message));
  expect(inside.length).toBeGreaterThanOrEqual(3);
  for (const f of inside) expect(ids.has(f.policy)).toBe(true);
  expect(inside.map((f) => f.policy)).toContain(
    'export.json#arn:aws:iam::123456789012:role/broken#inline_policy[p]',
  );
  // (an entry that is not a policy's is the file's)
  expect(invalid.find((f) => f.message.startsWith('$.RoleDetailList[3]'))?.policy).toBe('export.json');
});
