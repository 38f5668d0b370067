// A policy that follows an earlier version of a vendor's policy is audited against the current
// version, and every report says which version it follows and what the current one no longer asks
// for. Before, Coiled's 2022 template was audited against coiled@2022 itself: the report showed
// "baseline coiled@2022" with only its Setup leftover, and the ECS backend, NAT and peering
// permissions that Coiled no longer needs were hidden (the only hint: a line of the JSON evidence).
// Datadog's 2022 policy took the current baseline with a note; both take that path now.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { renderText } from '../../src/report/text.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderJson } from '../../src/report/json.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const FIX = join(process.cwd(), '__tests__/fixtures/baselines');

test("Coiled's 2022 template: audited against the current coiled, the note names coiled@2022 and what Coiled no longer needs", async () => {
  const root = mkdtempSync(join(tmpdir(), 'earlier-version-'));
  copyFileSync(join(FIX, 'coiled-v0.0.40-template.json'), join(root, 'coiled-policy.json'));
  const report = await runAudit({ root, paths: ['.'], now: NOW });
  const [p] = report.policies;
  expect(p).toMatchObject({ status: 'audited', baseline: 'coiled' });
  expect(p!.detection!.evidence.join(' ')).toMatch(/an earlier version: coiled@2022 fits it better/);
  // What the current version no longer asks for is excess, the ECS backend's among it.
  const excess = report.findings.filter((f) => f.kind === 'excess-action').flatMap((f) => f.actions);
  expect(excess).toEqual(expect.arrayContaining(['ecs:CreateCluster', 'secretsmanager:TagResource']));
  const note = (report.notes ?? []).find((n) => n.includes('coiled@2022'));
  expect(note).toMatch(
    /^coiled-policy\.json: follows an earlier version of Coiled's policy: coiled@2022 fits it better \(1\.00, against 0\.\d\d for the current coiled\)/,
  );
  expect(note).toMatch(
    /It is audited against the current coiled: \d+ of the actions it grants beyond it are coiled@2022's, which Coiled no longer asks for \(ec2 \d+, ecs \d+, .*\), reported as excess\./,
  );
  expect(note).toMatch(/--baseline coiled@2022/);
  // Said in every report.
  expect(renderText(report)).toContain('follows an earlier version of Coiled');
  expect(renderMarkdown(report)).toContain('follows an earlier version of Coiled');
  expect(renderJson(report)).toContain('follows an earlier version of Coiled');
});
