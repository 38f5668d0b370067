// A baseline placeholder is never written into a file, also when the file already holds the same
// placeholder text elsewhere (a vendor's document pasted as published, `<account-ID-without-hyphens>`
// and all): the check counts what each change writes, not whether the text occurs in the file.
// On a reviewer's input: SkyPilot's minimal policy with its first statement's Resource set to *.
import { readFileSync } from 'node:fs';
import { runAudit } from '../../src/audit/run.js';
import { planFixes } from '../../src/fix/index.js';
import { BASELINES, NOW, readIn, repo } from './helpers.js';

const PLACEHOLDER = '<account-ID-without-hyphens>';
const published = readFileSync(`${BASELINES}skypilot-aws-minimal-34478f4.json`, 'utf8');
const count = (text: string) => text.split(PLACEHOLDER).length - 1;

function widened(): string {
  const doc = JSON.parse(published) as { Statement: { Resource?: unknown }[] };
  doc.Statement[0]!.Resource = '*';
  return `${JSON.stringify(doc, null, 2)}\n`;
}

it('the published document (placeholders in it) with a Resource widened to *: not fixed without account-id, and the reason says why', async () => {
  const text = widened();
  expect(count(text)).toBeGreaterThan(0);
  const root = repo({ 'sky.json': text });
  const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', now: NOW });
  expect(report.findings.some((f) => f.kind === 'broader-resource')).toBe(true);
  const plan = planFixes(report, readIn(root));
  for (const f of plan.files) expect(count(f.after)).toBeLessThanOrEqual(count(f.before));
  expect(plan.notFixed).toEqual([
    expect.objectContaining({
      path: 'sky.json',
      placeholder: PLACEHOLDER,
      reason: expect.stringContaining(`the rewrite would write ${PLACEHOLDER} into the file`),
    }),
  ]);
});

it('with account-id, the same document is fixed with the account written in', async () => {
  const root = repo({ 'sky.json': widened() });
  const report = await runAudit({
    root,
    paths: ['.'],
    baseline: 'skypilot',
    accountId: '123456789012',
    now: NOW,
  });
  const plan = planFixes(report, readIn(root));
  expect(plan.notFixed).toEqual([]);
  const [f] = plan.files;
  expect(f?.after).toContain('arn:aws:ec2:*:123456789012:');
  expect(count(f!.after)).toBeLessThanOrEqual(count(f!.before));
});
