// Alternatives that fit a policy equally well on actions and on statements written exactly as the
// vendor's: the one whose Sids the policy writes. A copy of an older version of Databricks'
// restricted policy (without the fleet and launch-template actions the provider added since, and
// with concrete ARNs, so no statement the same as the baseline's) lacks as many of customer's
// actions as of restricted's, and was held to customer, the first: a drift that dropped the tag
// condition of its EC2TerminateInstancesTag statement was then not reported (a review).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../../src/audit/run.js';

const here = dirname(fileURLToPath(import.meta.url));
type Stmt = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const restricted = JSON.parse(
  readFileSync(join(here, '../fixtures/baselines/databricks-crossaccount-policy-restricted.json'), 'utf8'),
) as { Statement: Stmt[] };
// The actions the older version lacks: every fleet and launch-template action, and two more.
const newer = (a: string) => /Fleet|LaunchTemplate/.test(a) || /AssignPrivateIp|GetSpotPlacement/.test(a);
const older = (drift: boolean) => ({
  Version: '2012-10-17',
  Statement: restricted.Statement.map((s) => ({
    ...s,
    Action: (Array.isArray(s.Action) ? s.Action : [s.Action]).filter((a) => !newer(a)),
  }))
    .filter((s) => s.Action.length > 0)
    .map((s) => {
      if (!drift || s.Sid !== 'EC2TerminateInstancesTag') return s;
      const rest: Stmt = { ...s, Resource: '*' };
      delete rest.Condition;
      return rest;
    }),
});

async function audit(policy: unknown) {
  const root = mkdtempSync(join(tmpdir(), 'alternative-sids-'));
  writeFileSync(join(root, 'databricks-crossaccount.json'), JSON.stringify(policy, null, 2));
  return runAudit({ root, paths: ['.'], now: new Date('2026-12-07T00:00:00Z') });
}

describe('alternatives tied on actions and statements', () => {
  it('the older restricted policy: held to restricted, by its Sids', async () => {
    const r = await audit(older(false));
    expect(r.policies.map((p) => [p.baseline, p.sets])).toEqual([['databricks', ['restricted']]]);
    // (only its missing actions: the older version lacks them)
    expect(r.findings.map((f) => f.kind)).toEqual(['missing-permission']);
  });

  it('its drift (the tag condition dropped) is reported', async () => {
    const r = await audit(older(true));
    expect(r.policies.map((p) => p.sets)).toEqual([['restricted']]);
    const f = r.findings.find((x) => x.kind === 'missing-condition');
    expect(f?.actions).toEqual(['ec2:TerminateInstances']);
    expect(f?.statement).toBe('EC2TerminateInstancesTag');
  });
});
