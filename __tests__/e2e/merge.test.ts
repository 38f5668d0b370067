// `merge` through the bundle as shipped (node dist/cli.js merge …): reports written by the bundled
// `audit`, merged by file or by --repo NAME=FILE, the exit statuses of `audit` (0, 1 with
// --fail-on any, 2 naming a file that is not a report), the same bytes as the renderers make in
// process; and the merge half of the organisation recipe: the `run:` script of org-audit.yml's
// merge step, run with bash over downloaded-artifact folders.
// This test builds nothing: it expects `npm run build` to have made dist/.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { mergeReports, renderMergedMarkdown, type MergedReport } from '../../src/report/merge.js';
import { parseReportJson } from '../../src/report/validate.js';
import { TOOL_NAME, TOOL_VERSION } from '../../src/core/version.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const FIXTURES = join(ROOT, '__tests__/fixtures');
/** Fixture folders audited as the organisation's repositories (folder name = repository name). */
const REPOS = ['baselines', 'tf-plan', 'managed-policies'];

let tmp: string;
let cli: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js')))
    throw new Error(
      'dist/ is missing: run `npm run build` first (this test runs the bundle and builds nothing).',
    );
  tmp = mkdtempSync(join(tmpdir(), 'iba-merge-'));
  const pkg = join(tmp, 'iam-baseline-audit');
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cli = join(pkg, 'dist/cli.js');
  for (const repo of REPOS) {
    mkdirSync(join(tmp, 'reports', repo), { recursive: true });
    const r = node(
      ['audit', '.', '--format', 'json', '--output', join(tmp, 'reports', repo, 'report.json')],
      join(FIXTURES, repo),
    );
    expect([0, 1]).toContain(r.status);
  }
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function node(args: string[], cwd = tmp, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

const reportFile = (repo: string) => join(tmp, 'reports', repo, 'report.json');
const readReport = (repo: string) => parseReportJson(readFileSync(reportFile(repo), 'utf8'));

describe('node dist/cli.js merge', () => {
  it('merges N reports: the sum of their findings, each tagged with its folder’s name; exit 1 on findings', () => {
    const r = node(['merge', ...REPOS.map((x) => `reports/${x}/report.json`), '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const merged = JSON.parse(r.stdout) as MergedReport;
    expect(merged.schemaVersion).toBe(2);
    expect(merged.tool).toEqual({ name: TOOL_NAME, version: TOOL_VERSION });
    expect(merged.repositories.map((x) => x.name)).toEqual(REPOS);
    const total = REPOS.reduce((n, x) => n + readReport(x).findings.length, 0);
    expect(total).toBeGreaterThan(0);
    expect(merged.findings).toHaveLength(total);
    for (const x of REPOS)
      expect(merged.findings.filter((f) => f.repository === x)).toHaveLength(readReport(x).findings.length);
  });

  it('--repo NAME=FILE names the repository; --fail-on none exits 0; --output writes the file', () => {
    const out = join(tmp, 'merged.json');
    const r = node([
      'merge',
      '--repo',
      `acme/api=${reportFile('baselines')}`,
      '--repo',
      'acme/infra=reports/tf-plan/report.json',
      '--fail-on',
      'none',
      '--format',
      'json',
      '--output',
      out,
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const merged = JSON.parse(readFileSync(out, 'utf8')) as MergedReport;
    expect(merged.repositories.map((x) => x.name)).toEqual(['acme/api', 'acme/infra']);
  });

  it('Markdown on standard output: the bytes the renderer makes in process, under 65,536 characters', () => {
    const r = node(['merge', ...REPOS.map((x) => `reports/${x}/report.json`), '--format', 'markdown']);
    expect(r.status).toBe(1);
    const inProcess = renderMergedMarkdown(
      mergeReports(
        REPOS.map((x) => ({ repository: x, report: readReport(x) })),
        { name: TOOL_NAME, version: TOOL_VERSION },
      ),
    );
    expect(r.stdout).toBe(inProcess);
    expect(r.stdout.length).toBeLessThan(65_536);
  });

  it('--severity-threshold critical with no critical finding exits 0', () => {
    const r = node(['merge', 'reports/managed-policies/report.json', '--severity-threshold', 'critical']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('managed-policies: ');
  });

  it.each([
    [
      'a JSON file that is not a report',
      () => [join(ROOT, 'package.json')],
      /package\.json: not an iam-baseline-audit JSON report \(\$\.tool: expected an object\)/,
    ],
    [
      'a file that is not JSON',
      () => [join(ROOT, 'README.md')],
      /README\.md: not an iam-baseline-audit JSON report \(not valid JSON/,
    ],
    ['a directory', () => ['reports'], /reports: a directory, not a regular file/],
    [
      'a missing file',
      () => ['reports/nope/report.json'],
      /reports\/nope\/report\.json: no such file or directory/,
    ],
    [
      'a report over --max-file-size',
      () => ['reports/tf-plan/report.json', '--max-file-size', '0.001'],
      /reports\/tf-plan\/report\.json: the file is .* over the 1049 bytes limit/,
    ],
    [
      'two reports of one repository',
      () => ['reports/tf-plan/report.json', '--repo', 'tf-plan=reports/baselines/report.json'],
      /two reports for the repository "tf-plan"/,
    ],
    ['no report', () => [], /merge needs at least one JSON report/],
    [
      'an unknown format',
      () => ['reports/tf-plan/report.json', '--format', 'sarif'],
      /--format must be markdown, json or text/,
    ],
    ['--repo without a file', () => ['--repo', 'acme/api'], /--repo takes NAME=FILE/],
  ])('%s: exit 2, the file and the reason on standard error', (_what, args, message) => {
    const r = node(['merge', ...args()]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  // (a review) A merged report given back to merge said "$.catalog: expected an object", a SARIF
  // file "$.tool: …", each followed by a pointer to --help.
  it('a merged report or a SARIF file: says what it is, and no --help pointer for a file named right', () => {
    const merged = join(tmp, 'merged-again.json');
    node(['merge', 'reports/tf-plan/report.json', '--format', 'json', '--output', merged]);
    const sarif = join(tmp, 'tf-plan.sarif');
    node(['audit', '.', '--format', 'sarif', '--output', sarif], join(FIXTURES, 'tf-plan'));
    const again = node(['merge', merged]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(
      'merged-again.json: a merged report (the output of merge), which is not merged again',
    );
    expect(again.stderr).not.toContain('--help');
    const s = node(['merge', sarif]);
    expect(s.status).toBe(2);
    expect(s.stderr).toContain('tf-plan.sarif: a SARIF file, not the JSON report');
  });

  it('merge --help answers with its usage', () => {
    const r = node(['merge', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--repo NAME=FILE');
  });
});

describe('org-audit.yml: the merge step’s script over downloaded artifacts', () => {
  it('merges what arrived, names what did not, writes the summary and the outputs', () => {
    const wf = parse(readFileSync(join(ROOT, '.github/workflows/org-audit.yml'), 'utf8')) as {
      jobs: { merge: { steps: { id?: string; run?: string }[] } };
    };
    const script = wf.jobs.merge.steps.find((s) => s.id === 'merge')!.run!;
    const work = join(tmp, 'runner');
    const downloads = join(work, 'temp', 'reports');
    const names = ['acme/api', 'acme/infra', 'acme/data'];
    REPOS.slice(0, 2).forEach((repo, i) => {
      const dir = join(downloads, `iam-baseline-audit-report-${i}`);
      mkdirSync(dir, { recursive: true });
      cpSync(reportFile(repo), join(dir, 'report.json'));
      writeFileSync(join(dir, 'repository.txt'), `${names[i]}\n`);
    });
    const workspace = join(work, 'workspace');
    mkdirSync(workspace, { recursive: true });
    symlinkSync(join(tmp, 'iam-baseline-audit'), join(workspace, 'iam-baseline-audit'));
    const summary = join(work, 'summary.md');
    const output = join(work, 'output.txt');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const r = spawnSync('bash', ['-e', '-c', script], {
      cwd: workspace,
      encoding: 'utf8',
      env: {
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        HOME: work,
        REPOSITORIES: JSON.stringify(names),
        THRESHOLD: 'medium',
        REPORTS: downloads,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: output,
      },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const merged = JSON.parse(readFileSync(join(workspace, 'merged.json'), 'utf8')) as MergedReport;
    expect(merged.repositories.map((x) => x.name).sort()).toEqual(['acme/api', 'acme/infra']);
    const expected = readReport(REPOS[0]!).findings.length + readReport(REPOS[1]!).findings.length;
    expect(merged.findings).toHaveLength(expected);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('| `acme/api` |');
    expect(md).toContain('**No report from:**\n\n- `acme/data`');
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    expect(Number(outputs.excess)).toBe(merged.summary.excess);
    expect(Number(outputs['at-threshold'])).toBe(
      merged.findings.filter(
        (f) => !f.ignored && !f.removed && ['medium', 'high', 'critical'].includes(f.severity),
      ).length,
    );
    // The summary is merge's Markdown as it is: the repositories without a report are in it.
    expect(readFileSync(join(workspace, 'merged.md'), 'utf8')).toBe(md);
    expect(JSON.parse(readFileSync(join(workspace, 'merged.json'), 'utf8'))).toMatchObject({
      missing: ['acme/data'],
    });
  });
});
