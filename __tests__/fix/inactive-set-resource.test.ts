// A grant on a resource broader than the active set's that an inactive set (another alternative of
// a choice, an optional feature) also allows there is needed on the active set's resources: the
// audit reports it as broader than the baseline, and its minimal policy (so `fix`) narrows it to
// them instead of deleting it as the inactive set's. A review: Anyscale's cloud-id policy with
// RestrictInstanceStart on `*` lost ec2:RunInstances; its CreateSpotRole on `*` (filed under the
// optional `services` feature, which allows iam:CreateServiceLinkedRole on `*`) lost
// iam:CreateServiceLinkedRole; its IAM statement on `*` was deleted and nothing told of it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import type { Finding, Report } from '../../src/core/types.js';
import { planFixes } from '../../src/fix/index.js';
import { NOW, readIn, repo } from './helpers.js';

const INPUTS = new URL('./review-inputs/inactive/', import.meta.url).pathname;
const ACCOUNT = '123456789012';

/** The missing permissions of a report, one `action on resources` each. */
function missing(report: Report): Set<string> {
  const out = new Set<string>();
  for (const f of report.findings as Finding[])
    if (f.kind === 'missing-permission')
      for (const a of f.actions ?? []) out.add(`${a} on ${(f.resources ?? []).join(', ')}`);
  return out;
}

async function fixed(name: string, accountId?: string) {
  const text = readFileSync(join(INPUTS, name), 'utf8');
  const root = repo({ [name]: text });
  const before = await runAudit({ root, paths: ['.'], accountId, now: NOW });
  const plan = planFixes(before, readIn(root));
  for (const f of plan.files) writeFileSync(join(root, f.path), f.after);
  const after = await runAudit({ root, paths: ['.'], accountId, now: NOW });
  const newlyMissing = [...missing(after)].filter((m) => !missing(before).has(m));
  return { text, before, plan, after, newlyMissing, written: plan.files.find((f) => f.path === name)?.after };
}

const kindsOf = (r: Report, sid: string) =>
  r.findings.filter((f) => f.statement === sid && !f.ignored).map((f) => f.kind);

describe('a grant broader than the active set, also allowed by an inactive set', () => {
  it('RestrictInstanceStart on `*` (another alternative allows it there): narrowed to instances, not deleted', async () => {
    const { before, plan, after, newlyMissing, written } = await fixed('cloud-id-star.json', ACCOUNT);
    expect(new Set(kindsOf(before, 'RestrictInstanceStart'))).toEqual(new Set(['broader-resource']));
    expect(newlyMissing).toEqual([]);
    expect(plan.notFixed).toEqual([]);
    const doc = JSON.parse(written!) as {
      Statement: { Sid?: string; Action: unknown; Resource: unknown; Condition?: unknown }[];
    };
    const start = doc.Statement.find((s) => s.Sid === 'RestrictInstanceStart')!;
    expect(start.Resource).toEqual(`arn:aws:ec2:*:${ACCOUNT}:instance/*`);
    // (the cloud-id tag condition as written)
    expect(JSON.stringify(start.Condition)).toContain('cld_abc123');
    expect(after.findings.filter((f) => f.kind !== 'missing-permission' && !f.ignored)).toEqual([]);
  });

  it('CreateSpotRole on `*` (the services feature allows it there): narrowed to the spot role', async () => {
    // (the second names the account as `*`: narrowed to the account given)
    for (const [name, account] of [
      ['spot-role-star.json', undefined],
      ['spot-role-service-roles.json', ACCOUNT],
    ] as const) {
      const { before, newlyMissing, written, plan } = await fixed(name, account);
      expect(
        before.findings.filter((f) => f.kind === 'broader-resource').flatMap((f) => f.actions),
      ).toContain('iam:CreateServiceLinkedRole');
      expect(before.findings.filter((f) => f.kind === 'leftover-set')).toEqual([]);
      expect(plan.notFixed).toEqual([]);
      expect(newlyMissing).toEqual([]);
      expect(written).toContain('iam:CreateServiceLinkedRole');
      expect(written).toContain('spot.amazonaws.com/AWSServiceRoleForEC2Spot');
    }
  });

  it('IAM on `*` where the active set names a whole-ARN placeholder: refused ("narrow it by hand"), not deleted', async () => {
    const { before, plan, written, newlyMissing } = await fixed('iam-star.json');
    expect(new Set(kindsOf(before, 'IAM'))).toEqual(new Set(['broader-resource']));
    expect(written).toBeUndefined();
    expect(plan.notFixed.map((n) => n.reason)).toEqual([expect.stringMatching(/narrow .* by hand/)]);
    expect(newlyMissing).toEqual([]);
  });
});
