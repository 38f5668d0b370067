// A baseline placeholder is never written into a file, in a Condition either: a condition the
// baseline requires with the user's own value (`<placeholder>`) is refused with the reason, not
// written with the placeholder. On a reviewer's input: Anyscale's cloud-ID-restricted steady
// state with the Condition removed from RestrictedInstanceManagement.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { planFixes } from '../../src/fix/index.js';
import { NOW, readIn, repo } from './helpers.js';

const INPUTS = new URL('./review-inputs/', import.meta.url).pathname;

it('anyscale.json: not fixed, the reason names the condition key; no <placeholder> is written', async () => {
  const root = repo({ 'anyscale.json': readFileSync(join(INPUTS, 'anyscale1/anyscale.json'), 'utf8') });
  const report = await runAudit({
    root,
    paths: ['.'],
    baseline: 'anyscale:steady-state-cloud-id',
    accountId: '123456789012',
    now: NOW,
  });
  expect(report.findings.some((f) => f.kind === 'missing-condition')).toBe(true);
  const plan = planFixes(report, readIn(root));
  for (const f of plan.files) expect(f.after).not.toContain('<placeholder>');
  expect(plan.notFixed).toEqual([
    expect.objectContaining({
      path: 'anyscale.json',
      reason: expect.stringMatching(
        /<placeholder>.*condition StringEquals aws:ResourceTag\/anyscale-cloud-id of the statement RestrictedInstanceManagement/,
      ),
    }),
  ]);
});
