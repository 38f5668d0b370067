// A suggested minimal policy keeps the original's order of Version, Id and Statement, and its Id:
// its diff then shows only what changes (a review: "Version" moved from the bottom to the top of
// every diff of a policy written Statement first).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

async function suggested(doc: Record<string, unknown>) {
  const root = mkdtempSync(join(tmpdir(), 'minimal-order-'));
  writeFileSync(join(root, 'p.json'), JSON.stringify(doc, null, 2));
  const report = await runAudit({
    root,
    paths: ['.'],
    baseline: 'skypilot:minimal',
    now: new Date('2026-12-06'),
  });
  const s = report.suggestions?.[0];
  expect(s).toBeDefined();
  return s!;
}

const STATEMENTS = [{ Effect: 'Allow', Action: ['ec2:RunInstances', 'iam:CreateUser'], Resource: '*' }];

describe("a suggested minimal policy's keys", () => {
  test("in the original's order, its Id kept; the diff moves no key", async () => {
    const s = await suggested({ Id: 'team-policy', Statement: STATEMENTS, Version: '2012-10-17' });
    expect(Object.keys(s.minimal as object)).toEqual(['Id', 'Statement', 'Version']);
    expect((s.minimal as { Id?: string }).Id).toBe('team-policy');
    const changed = (s.diff ?? '').split('\n').filter((l) => /^[-+] /.test(l));
    expect(changed.some((l) => l.includes('"Version"') || l.includes('"Id"'))).toBe(false);
    expect(changed.some((l) => l.includes('iam:CreateUser'))).toBe(true);
  });

  test('a Version where the original has none, first', async () => {
    const s = await suggested({ Statement: STATEMENTS });
    expect(Object.keys(s.minimal as object)).toEqual(['Version', 'Statement']);
  });
});
