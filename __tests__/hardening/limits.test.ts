// Limits: the largest file read (AuditRequest.maxFileBytes, `--max-file-size`) and the most
// policies audited (maxPolicies, `--max-policies`). Past a limit, the file is an input in error whose
// reason names the file and the limit and says what to do, and the rest of the audit goes on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../../src/audit/run.js';
import type { Report } from '../../src/core/types.js';
import { expectAccountedReport, expectInert } from './inert.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../../dist/cli.js');
const NOW = new Date('2026-06-01T00:00:00Z');

const policy = (action: string, pad = 0) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: `S${'x'.repeat(pad)}`, Effect: 'Allow', Action: action, Resource: '*' }],
  });

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-limits-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function tree(files: Record<string, string>): string {
  const root = join(tmp, `case-${n++}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const input = (r: Report, path: string) => r.inputs.find((i) => i.path === path);

describe('maxFileBytes', () => {
  it('a file over the limit is an input in error naming the file, its size, the limit and the option; the rest is audited', async () => {
    const root = tree({
      'iam/small.json': policy('iam:PassRole'),
      'iam/big.json': policy('iam:PassRole', 1024 * 1024 + 100_000),
    });
    const report = await runAudit({
      root,
      paths: ['.'],
      baseline: 'coiled',
      maxFileBytes: 1024 * 1024,
      now: NOW,
    });
    expectAccountedReport(report, ['iam/small.json', 'iam/big.json']);
    expectInert(report);
    expect(input(report, 'iam/big.json')).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(
        /^the file is 1\.1 MB, over the 1\.0 MB limit \(raise it with --max-file-size\)$/,
      ),
      policies: [],
    });
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        path: 'iam/big.json',
        kind: 'invalid-policy',
        message: input(report, 'iam/big.json')!.reason,
      }),
    );
    expect(input(report, 'iam/small.json')!.status).toBe('audited');
    expect(report.findings.some((f) => f.path === 'iam/small.json' && f.kind !== 'invalid-policy')).toBe(
      true,
    );
  });
});

describe('maxPolicies', () => {
  it('files past the policy limit are inputs in error that name the limit and what to do; the ones before are audited', async () => {
    const planOf = (k: number) =>
      JSON.stringify({
        format_version: '1.2',
        resource_changes: Array.from({ length: k }, (_, i) => ({
          address: `aws_iam_policy.p${i}`,
          type: 'aws_iam_policy',
          name: `p${i}`,
          change: { actions: ['create'], before: null, after: { policy: policy('s3:GetObject') } },
        })),
      });
    const root = tree({
      'a/one.json': policy('iam:PassRole'),
      'b/plan.json': planOf(3),
      'c/two.json': policy('ec2:*'),
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', maxPolicies: 2, now: NOW });
    expectAccountedReport(report, ['a/one.json', 'b/plan.json', 'c/two.json']);
    expectInert(report);
    expect(input(report, 'a/one.json')!.status).toBe('audited');
    expect(input(report, 'b/plan.json')).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(
        /^the file holds 3 policies, which would take the audit past its limit of 2 policies \(1 already read\): raise the limit \(the CLI's --max-policies\) or audit fewer paths$/,
      ),
    });
    expect(input(report, 'c/two.json')!.status).toBe('audited');
    expect(report.policies.map((p) => p.path).sort()).toEqual(['a/one.json', 'c/two.json']);
  });
});

describe('the CLI (dist/cli.js)', () => {
  const cli = (args: string[], cwd: string) =>
    spawnSync(process.execPath, [CLI, ...args], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, NO_COLOR: '1' },
    });

  beforeAll(() => {
    if (!existsSync(CLI))
      throw new Error(`${CLI} is missing: run \`npm run build\` first (this test runs the bundle).`);
  });

  it("--max-file-size: the big file is an error in the report, the others are audited, and the exit status is the audit's", () => {
    const root = tree({
      'iam/small.json': policy('iam:PassRole'),
      'iam/big.json': policy('iam:PassRole', 1024 * 1024 + 100_000),
    });
    const res = cli(['audit', '--max-file-size', '1', '--baseline', 'coiled', '--format', 'json', '.'], root);
    expect(res.stderr).toBe('');
    const report = JSON.parse(res.stdout) as Report;
    expect(input(report, 'iam/big.json')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('over the 1.0 MB limit (raise it with --max-file-size)'),
    });
    expect(input(report, 'iam/small.json')!.status).toBe('audited');
    expect(res.status).toBe(1); // iam:PassRole on * is a finding at the default threshold
    const text = cli(['audit', '--max-file-size', '1', '--baseline', 'coiled', '.'], root);
    expect(text.stdout).toContain(
      'iam/big.json: error (the file is 1.1 MB, over the 1.0 MB limit (raise it with --max-file-size))',
    );
    expect(text.stdout).not.toMatch(/\u001B/);
  });

  it('rejects a limit that is not a positive number with a usage error (exit 2)', () => {
    const root = tree({ 'p.json': policy('s3:GetObject') });
    for (const bad of ['0', '-1', 'lots']) {
      const res = cli(['audit', `--max-file-size=${bad}`, '.'], root);
      expect(res.status).toBe(2);
      expect(res.stderr).toContain('--max-file-size takes a number of megabytes');
    }
    const res = cli(['audit', '--max-policies', '1.5', '.'], root);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('--max-policies takes a whole number of policies');
    // (0 is a whole number: the message says what is wanted)
    const zero = cli(['audit', '--max-policies', '0', '.'], root);
    expect([zero.status, zero.stderr]).toEqual([2, expect.stringContaining('1 or more, not "0"')]);
  });
});
