// The merge job of org-audit.yml, its `run:` scripts run with bash against this source (not the
// bundle, which this test does not build): a stub in place of dist/cli.js records the arguments
// `merge` is given and writes, as its --output, what the source's renderers make for the merged
// reports of the test; a stub `gh` records the issue commands. What is checked is the workflow's
// own logic: what it passes to `merge`, what it puts in the issue, when it opens or closes it.
// The bundle itself running the same script: __tests__/e2e/merge.test.ts.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { renderJson } from '../../src/report/json.js';
import {
  mergeReports,
  renderMergedJson,
  renderMergedMarkdown,
  type MergedReport,
} from '../../src/report/merge.js';
import { parseReportJson } from '../../src/report/validate.js';
import type { Finding } from '../../src/core/types.js';
import { baseReport } from '../report/fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const TOOL = { name: 'iam-baseline-audit', version: '0.1.0' };

interface Step {
  id?: string;
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
const wf = parse(readFileSync(join(ROOT, '.github/workflows/org-audit.yml'), 'utf8')) as {
  jobs: { merge: { env?: Record<string, string>; steps: Step[] } };
};
const job = wf.jobs.merge;
const mergeStep = job.steps.find((s) => s.id === 'merge')!;
const issueStep = job.steps.find((s) => s.run?.includes('gh issue'))!;
/** The hidden marker that starts the issue's body. */
const MARKER = /<!-- iam-baseline-audit:drift key=organisation -->/.exec(
  readFileSync(join(ROOT, '.github/workflows/org-audit.yml'), 'utf8'),
)![0];

/** Stands for dist/cli.js: records its arguments, writes out.<format> as its --output. */
const STUB_CLI = `import { appendFileSync, copyFileSync } from 'node:fs';
const args = process.argv.slice(2);
appendFileSync(process.env.STUB_DIR + '/calls.jsonl', JSON.stringify(args) + '\\n');
const format = args[args.indexOf('--format') + 1];
copyFileSync(process.env.STUB_DIR + '/out.' + format, args[args.indexOf('--output') + 1]);
`;

/** Stands for gh: records each call; an open issue of ours when OPEN_ISSUE is set. */
const STUB_GH = `#!/bin/bash
printf '%s\\n' "$*" >> "$STUB_DIR/gh.log"
case "$1 $2" in
  "issue list") if [ -n "$OPEN_ISSUE" ]; then jq -n --arg b "$MARKER_SEEN" '[{number: 7, body: $b}]'; else echo '[]'; fi ;;
  "issue view") echo 'an older body' ;;
esac
exit 0
`;

const finding = (kind: Finding['kind'], severity: Finding['severity']): Finding => ({
  kind,
  severity,
  policy: 'iam/p.json',
  actions: ['logs:TagResource'],
  resources: ['*'],
  baseline: 'coiled',
  path: 'iam/p.json',
  message: kind,
});

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-org-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** The value of a `${{ … }}` expression of the job's env, as the test's run gives it. */
function expression(value: string, outputs: Record<string, string>): string {
  const output = /^\$\{\{ steps\.merge\.outputs\.([\w-]+) \}\}$/.exec(value);
  if (output) return outputs[output[1]!] ?? '';
  return value.includes('${{') ? 'acme/central' : value;
}

function bash(step: Step, env: Record<string, string>, outputs: Record<string, string> = {}) {
  const stepEnv = Object.fromEntries(
    Object.entries({ ...job.env, ...step.env }).map(([k, v]) => [k, expression(v, outputs)]),
  );
  return spawnSync('bash', ['-e', '-c', step.run!], {
    cwd: join(tmp, 'workspace'),
    encoding: 'utf8',
    env: {
      PATH: `${join(tmp, 'bin')}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOME: tmp,
      STUB_DIR: join(tmp, 'stub'),
      ...stepEnv,
      ...env,
    },
  });
}

/**
 * Runs the merge step over one downloaded report per repository of `merged` (the stub writes the
 * given JSON and Markdown), then the issue step; `repositories` is the workflow's input.
 */
function runJob(merged: MergedReport, repositories: string[], options: { md?: string; open?: boolean } = {}) {
  for (const d of ['workspace/iam-baseline-audit/dist', 'stub', 'bin', 'reports'])
    mkdirSync(join(tmp, d), { recursive: true });
  writeFileSync(join(tmp, 'workspace/iam-baseline-audit/dist/cli.js'), STUB_CLI);
  writeFileSync(join(tmp, 'bin/gh'), STUB_GH);
  chmodSync(join(tmp, 'bin/gh'), 0o755);
  writeFileSync(join(tmp, 'stub/out.json'), renderMergedJson(merged));
  writeFileSync(join(tmp, 'stub/out.markdown'), options.md ?? renderMergedMarkdown(merged));
  merged.repositories.forEach((r, i) => {
    const dir = join(tmp, 'reports', `iam-baseline-audit-report-${i}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'report.json'), '{}');
    writeFileSync(join(dir, 'repository.txt'), `${r.name}\n`);
  });
  const summary = join(tmp, 'summary.md');
  const output = join(tmp, 'output.txt');
  writeFileSync(summary, '');
  writeFileSync(output, '');
  const merge = bash(mergeStep, {
    REPOSITORIES: JSON.stringify(repositories),
    THRESHOLD: 'medium',
    REPORTS: join(tmp, 'reports'),
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
  });
  expect(merge.stderr).toBe('');
  expect(merge.status).toBe(0);
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const issue = bash(
    issueStep,
    { OPEN_ISSUE: options.open ? '1' : '', MARKER_SEEN: `${MARKER}\nold` },
    outputs,
  );
  expect(issue.status).toBe(0);
  const read = (f: string) => readFileSync(join(tmp, f), 'utf8');
  return { outputs, gh: read('stub/gh.log').split('\n'), summary: read('summary.md'), read };
}

const reportOf = (findings: Finding[]) => parseReportJson(renderJson(baseReport({ findings })));

describe('org-audit.yml: the drift issue follows the audit’s verdict', () => {
  const infoOnly = () =>
    mergeReports(
      [{ repository: 'acme/api', report: reportOf([finding('missing-permission', 'info')]) }],
      TOOL,
    );

  it('informational findings alone open no issue', () => {
    const { gh } = runJob(infoOnly(), ['acme/api']);
    expect(gh.some((l) => l.startsWith('issue create'))).toBe(false);
  });

  it('informational findings alone close the open issue', () => {
    const { gh } = runJob(infoOnly(), ['acme/api'], { open: true });
    expect(gh.some((l) => l.startsWith('issue close 7'))).toBe(true);
    expect(gh.some((l) => l.startsWith('issue edit'))).toBe(false);
  });

  it('an excess finding opens it', () => {
    const merged = mergeReports(
      [{ repository: 'acme/api', report: reportOf([finding('excess-action', 'medium')]) }],
      TOOL,
    );
    const { gh } = runJob(merged, ['acme/api']);
    expect(gh.some((l) => l.startsWith('issue create'))).toBe(true);
  });
});

describe('org-audit.yml: the issue stays within GitHub’s 65,536 characters', () => {
  it('merge lists the repositories without a report, within a limit that leaves room for the marker', () => {
    const names = ['acme/api', ...Array.from({ length: 100 }, (_, i) => `acme/service-without-iam-${i + 1}`)];
    const findings = Array.from({ length: 3000 }, (_, i) => ({
      ...finding('excess-action', 'high'),
      actions: [`s3:GetObject${i}`],
      message: `excess ${i}`,
    }));
    const max = 65_536 - MARKER.length - 1;
    const merged = mergeReports(
      [{ repository: 'acme/api', report: reportOf(findings) }],
      TOOL,
      names.slice(1),
    );
    const md = renderMergedMarkdown(merged, { maxLength: max });
    const { read, summary } = runJob(merged, names, { md });
    const calls = read('stub/calls.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(calls).toHaveLength(2);
    for (const args of calls) {
      expect(args[args.indexOf('--missing-file') + 1]).toBe('missing.txt');
      expect(args).toContain('--fail-on');
    }
    const markdown = calls.find((a) => a.includes('markdown'))!;
    expect(Number(markdown[markdown.indexOf('--max-length') + 1])).toBe(max);
    expect(read('workspace/missing.txt')).toBe(`${names.slice(1).join('\n')}\n`);
    // Nothing is added to merge's Markdown but the marker.
    expect(summary).toBe(md);
    const issue = read('workspace/issue.md');
    expect(issue).toBe(`${MARKER}\n${md}`);
    expect(issue.length).toBeLessThanOrEqual(65_536);
  });
});
