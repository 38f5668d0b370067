// A pull request that adds a vendor's policy where the base had none audited against that vendor:
// its missing permissions were "pre-existing (already in the base)", though the base had no such
// finding (a review: a Datadog role added by the change). They are new. Where the base had one
// of the group's policies (kept, or deleted by the change), what was missing there stays
// pre-existing, and what the change takes away is new, as before. Both engine paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Report } from '../src/core/types.js';
import { pullRequest } from './helpers/pr.js';

const FIX = new URL('./fixtures/', import.meta.url).pathname;
const SETUP = readFileSync(join(FIX, 'baselines/coiled-setup-policy.json'), 'utf8');
const ONGOING = JSON.parse(readFileSync(join(FIX, 'baselines/coiled-ongoing-policy.json'), 'utf8')) as {
  Version: string;
  Statement: { Action: string[] | string }[];
};
/** The ongoing policy without the actions of its first statement but the first two. */
const shortOngoing = () => {
  const d = structuredClone(ONGOING);
  const first = d.Statement[0]!;
  first.Action = (Array.isArray(first.Action) ? first.Action : [first.Action]).slice(0, 2);
  return JSON.stringify(d, null, 2);
};

async function pr(
  base: Record<string, string>,
  head: Record<string, string>,
  memo: boolean,
): Promise<Report> {
  const { root, readBase } = pullRequest('pr-new-integration-', base, head);
  return runAudit({
    root,
    paths: ['.'],
    baseline: 'coiled',
    readBase,
    now: new Date('2026-12-07T00:00:00Z'),
    reference: !memo,
  });
}
const missing = (r: Report) => r.findings.filter((f) => f.kind === 'missing-permission');

describe.each([true, false])('missing permissions of an integration the change adds (memo: %s)', (memo) => {
  it('none of its policies at the base: new, not "already in the base"', async () => {
    const r = await pr({ 'README.md': 'x' }, { 'README.md': 'x', 'infra/coiled.json': shortOngoing() }, memo);
    expect(missing(r).length).toBeGreaterThan(0);
    for (const f of missing(r)) {
      expect(f.new).toBe(true);
      // (not "that this change takes away": the base granted none of them either)
      expect(f.message).toMatch(/granted by no policy audited against Coiled; /);
    }
  });

  it('one of its policies at the base: what was missing there stays pre-existing', async () => {
    const r = await pr(
      { 'infra/coiled-setup.json': SETUP },
      { 'infra/coiled-setup.json': SETUP, 'infra/coiled.json': shortOngoing() },
      memo,
    );
    expect(missing(r).length).toBeGreaterThan(0);
    for (const f of missing(r)) expect(f.new).toBe(false);
  });

  it('its only policy at the base deleted, another added: what the deleted one granted is taken away', async () => {
    const r = await pr(
      { 'infra/old.json': JSON.stringify(ONGOING) },
      { 'infra/coiled.json': shortOngoing() },
      memo,
    );
    const taken = missing(r).filter((f) => f.new === true);
    expect(taken.length).toBeGreaterThan(0);
    for (const f of taken) expect(f.message).toMatch(/that this change takes away/);
  });
});
