// `merge --missing-file F --max-length N` through the CLI's command runner, in process: the
// repositories without a report are listed by merge itself ("No report from", as many as fit, then
// a count; all of them in the JSON's `missing`), and the Markdown stays under N, so that the
// organisation workflow's issue (its marker, a newline and this Markdown) is within GitHub's 65,536.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runCommand } from '../../src/cli-commands.js';
import { commandUsage } from '../../src/cli-usage.js';
import { renderJson } from '../../src/report/json.js';
import { COMMENT_LIMIT } from '../../src/report/markdown.js';
import type { MergedReport } from '../../src/report/merge.js';
import type { Finding } from '../../src/core/types.js';
import { markdownProblems } from '../hardening/inert.js';
import { baseReport } from './fixtures.js';

/** The organisation workflow's marker (.github/workflows/org-audit.yml). */
const MARKER = '<!-- iam-baseline-audit:drift key=organisation -->';

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await runCommand('merge', args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.chdir(before);
    o.mockRestore();
    e.mockRestore();
  }
}

const finding = (i: number): Finding => ({
  kind: 'excess-action',
  severity: 'medium',
  policy: `iam/policy-${i}.json`,
  actions: [`s3:GetObject${i}`],
  resources: ['*'],
  baseline: 'coiled',
  path: `iam/a-rather-long-directory-name/for-the-policy-files/policy-${i}.json`,
  line: 1,
  message: `excess ${i}`,
});

let tmp: string;
/** `repos` report folders of `each` findings; the --repo arguments that name them. */
function reports(repos: number, each: number): string[] {
  const args: string[] = [];
  for (let r = 0; r < repos; r++) {
    const dir = join(tmp, `r${r}`);
    mkdirSync(dir);
    const findings = Array.from({ length: each }, (_, i) => finding(i));
    writeFileSync(join(dir, 'report.json'), renderJson(baseReport({ findings })));
    args.push('--repo', `acme/service-with-findings-${r}=${dir}/report.json`);
  }
  return args;
}
const missingNames = (n: number) => Array.from({ length: n }, (_, i) => `acme/service-without-iam-${i + 1}`);

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-missing-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('merge --missing-file', () => {
  it('a full Markdown and 100 repositories without a report: marker + Markdown within 65,536', async () => {
    writeFileSync(join(tmp, 'missing.txt'), `${missingNames(100).join('\n')}\n`);
    const max = COMMENT_LIMIT - MARKER.length - 1;
    const args = [...reports(40, 60), '--missing-file', 'missing.txt', '--max-length', String(max)];
    const r = await run([...args, '--format', 'markdown', '--output', 'merged.md', '--fail-on', 'none'], tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const md = readFileSync(join(tmp, 'merged.md'), 'utf8');
    const issue = `${MARKER}\n${md}`;
    expect(issue.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(max * 0.8); // cut near the limit, not far below
    expect(md).toContain('**No report from:**\n\n- `acme/service-without-iam-1`\n');
    expect(md).toContain('- `acme/service-without-iam-100`');
    expect(markdownProblems('missing', md, 0)).toEqual([]);

    const json = await run(
      [...args, '--format', 'json', '--output', 'merged.json', '--fail-on', 'none'],
      tmp,
    );
    expect(json.code).toBe(0);
    const merged = JSON.parse(readFileSync(join(tmp, 'merged.json'), 'utf8')) as MergedReport;
    expect(merged.missing).toEqual(missingNames(100));
  });

  it('more than fit: as many as fit, then a count; every one in the JSON', async () => {
    writeFileSync(join(tmp, 'missing.txt'), missingNames(3000).join('\r\n'));
    const args = [...reports(2, 5), '--missing-file', 'missing.txt', '--fail-on', 'none'];
    const r = await run([...args, '--format', 'markdown'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThan(COMMENT_LIMIT);
    const shown = r.stdout.split('\n').filter((l) => l.startsWith('- `acme/service-without-iam-')).length;
    expect(shown).toBeGreaterThan(100);
    expect(r.stdout).toContain(
      `**… and ${3000 - shown} more repositories without a report: every name is in the merged JSON report (\`missing\`).**`,
    );
    // The findings are still there: the list takes at most a quarter of the limit.
    expect(r.stdout).toContain('<summary>acme/service-with-findings-0 · 5 findings</summary>');
    const text = await run([...args, '--format', 'text'], tmp);
    expect(text.stdout).toContain('no report from: acme/service-without-iam-1, ');
  });

  it('no file: no section; a bad --max-length or a file that cannot be read is a usage error', async () => {
    const args = reports(1, 1);
    const r = await run([...args, '--format', 'markdown'], tmp);
    expect(r.stdout).not.toContain('No report from');
    const json = await run([...args, '--format', 'json'], tmp);
    expect((JSON.parse(json.stdout) as MergedReport).missing).toEqual([]);
    for (const bad of ['0', '12.5', 'lots', '99999999']) {
      const e = await run([...args, '--max-length', bad], tmp);
      expect(e.code).toBe(2);
      expect(e.stderr).toContain('--max-length takes a number of characters');
    }
    const e = await run([...args, '--missing-file', 'nowhere.txt'], tmp);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('nowhere.txt');
  });

  it('merge --help names both options', () => {
    expect(commandUsage('merge')).toContain('--missing-file FILE');
    expect(commandUsage('merge')).toContain('--max-length N');
  });
});
