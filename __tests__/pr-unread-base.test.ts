// A file or policy that the base has but cannot read (invalid there): its findings count as new,
// and the report says why (a review: a base with a trailing comma made every finding new, with no
// word of it in the comment or the log).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-12-06T00:00:00Z');
const CONFIG = `version: 1
audits:
  - baseline: skypilot
    policies: ["iam/**"]
`;
const GOOD = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'X', Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:PassRole'], Resource: '*' },
  ],
});

async function pr(files: Record<string, string>, atBase: Record<string, string>): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'pr-unread-'));
  const all = { ...files, '.github/iam-baseline-audit.yml': CONFIG };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const base: Record<string, string> = { '.github/iam-baseline-audit.yml': CONFIG, ...atBase };
  return runAudit({ root, paths: ['iam'], readBase: async (p) => base[p], now: NOW });
}

describe('pull request: a base that cannot be read', () => {
  it('says so for a file that is not valid JSON at the base, and its findings are new', async () => {
    const r = await pr({ 'iam/p.json': GOOD }, { 'iam/p.json': GOOD.replace(/\]\}$/, ',]}') });
    expect(r.findings.filter((f) => f.kind === 'excess-action').every((f) => f.new === true)).toBe(true);
    expect((r.notes ?? []).filter((n) => n.includes('at the base'))).toEqual([
      expect.stringMatching(
        /^iam\/p\.json cannot be read as it is at the base \(.+\): its findings all count as new in this change$/,
      ),
    ]);
  });

  it('says so for a .tf policy whose document is not valid JSON at the base', async () => {
    const tf = (policy: string) => `resource "aws_iam_policy" "p" {
  name   = "p"
  policy = ${policy}
}
`;
    const r = await pr(
      { 'iam/main.tf': tf(`jsonencode(${JSON.stringify(JSON.parse(GOOD))})`.replace(/":/g, '" =')) },
      { 'iam/main.tf': tf('"{ not json"') },
    );
    expect(r.findings.filter((f) => f.kind === 'excess-action').every((f) => f.new === true)).toBe(true);
    expect((r.notes ?? []).filter((n) => n.includes('at the base'))).toEqual([
      expect.stringMatching(
        /^iam\/main\.tf aws_iam_policy\.p cannot be read as it is at the base \(.+\): its findings all count as new in this change$/,
      ),
    ]);
  });

  it('says nothing when the base reads', async () => {
    const r = await pr({ 'iam/p.json': GOOD }, { 'iam/p.json': GOOD });
    expect((r.notes ?? []).filter((n) => n.includes('at the base'))).toEqual([]);
  });
});
