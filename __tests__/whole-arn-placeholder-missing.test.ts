// A vendor's resource that is one placeholder for a whole ARN (Anyscale's steady state grants
// iam:PassRole and iam:GetInstanceProfile on `${anyscale_cluster_role_arn}` and
// `${anyscale_cluster_instance_profile_arn}`) names no resource type; what a policy lacks of it is
// still a missing permission, told on the placeholder that names the action's resource type.
import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Finding } from '../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const VENDOR = JSON.parse(
  readFileSync(
    new URL('./fixtures/baselines/anyscale-tf-steady-state-unrestricted.json', import.meta.url),
    'utf8',
  ),
) as { Statement: { Sid?: string; Action: string[]; Resource: string[] }[] };

async function missingOf(edit: (s: (typeof VENDOR.Statement)[number]) => boolean): Promise<Finding[]> {
  const doc = structuredClone(VENDOR);
  doc.Statement = doc.Statement.filter(edit);
  const root = mkdtempSync(join(tmpdir(), 'whole-arn-'));
  writeFileSync(join(root, 'anyscale.json'), JSON.stringify(doc, null, 2));
  const report = await runAudit({ root, paths: ['.'], baseline: 'anyscale:steady-state-tf', now: NOW });
  return report.findings.filter((f) => f.kind === 'missing-permission');
}

/** Each finding as its actions and the vendor's resources it names. */
const told = (fs: Finding[]) => fs.map((f) => `${f.actions.join(' ')} on ${f.resources.join(' ')}`);

describe('missing permissions on a placeholder for a whole ARN', () => {
  test("the vendor's own policy lacks nothing", async () => {
    expect(await missingOf(() => true)).toEqual([]);
  });

  test('with its IAM statement gone, both actions are missing', async () => {
    expect(told(await missingOf((s) => s.Sid !== 'IAM'))).toEqual([
      'iam:GetInstanceProfile iam:PassRole on ${anyscale_cluster_instance_profile_arn} ${anyscale_cluster_role_arn}',
    ]);
  });

  test('a real role and instance profile meet the placeholders; the action left out is missing on the placeholder of its type', async () => {
    const real = (resources: string[], actions: string[]) => (s: (typeof VENDOR.Statement)[number]) => {
      if (s.Sid === 'IAM') {
        s.Resource = resources;
        s.Action = actions;
      }
      return true;
    };
    const ROLE = 'arn:aws:iam::123456789012:role/anyscale-node';
    const PROFILE = 'arn:aws:iam::123456789012:instance-profile/anyscale-node';
    expect(await missingOf(real([ROLE, PROFILE], ['iam:PassRole', 'iam:GetInstanceProfile']))).toEqual([]);
    expect(told(await missingOf(real([PROFILE], ['iam:GetInstanceProfile'])))).toEqual([
      'iam:PassRole on ${anyscale_cluster_role_arn}',
    ]);
  });
});
