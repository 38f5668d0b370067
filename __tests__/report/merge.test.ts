// `merge` in process: real reports (runAudit over fixture folders, written as JSON and read back
// with the saved-report reader, as the command does) merged into one; the sums and counts; hostile
// repository names and report contents rendered inert; the Markdown within GitHub's limit.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../../src/audit/run.js';
import { decide } from '../../src/report/verdict.js';
import { renderJson } from '../../src/report/json.js';
import { COMMENT_LIMIT } from '../../src/report/markdown.js';
import {
  MERGED_SCHEMA_VERSION,
  mergedFindingsAtOrAbove,
  mergeReports,
  NO_BASELINE,
  renderMergedJson,
  renderMergedMarkdown,
  renderMergedText,
  type MergeInput,
} from '../../src/report/merge.js';
import { parseReportJson } from '../../src/report/validate.js';
import type { Finding, Report } from '../../src/core/types.js';
import { CONTROL_BUT_NEWLINE, INVISIBLE, markdownProblems, workflowCommands } from '../hardening/inert.js';
import { HOSTILE, baseReport, hostileReport } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = resolve(here, '../fixtures');
const TOOL = { name: 'iam-baseline-audit', version: '0.1.0' };
const NOW = new Date('2026-06-01T00:00:00Z');

/** The fixture folders audited as repositories: different inputs, baselines and findings. */
const REPOS = ['baselines', 'tf-plan', 'managed-policies', 'cloudformation'];

let inputs: MergeInput[];
beforeAll(async () => {
  inputs = [];
  for (const dir of REPOS) {
    const report = await runAudit({ root: join(FIXTURES, dir), paths: ['.'], now: NOW });
    // As the command reads it: the JSON report, through the saved-report reader.
    inputs.push({ repository: `acme/${dir}`, report: parseReportJson(renderJson(report)) });
  }
}, 120_000);

const counted = (f: Finding) => !f.ignored && !f.removed;

describe('merge of real reports', () => {
  it('keeps every finding of every report, tagged with its repository, in order', () => {
    const merged = mergeReports(inputs, TOOL);
    const total = inputs.reduce((n, i) => n + i.report.findings.length, 0);
    expect(total).toBeGreaterThan(5); // the fixtures do have findings
    expect(merged.findings).toHaveLength(total);
    expect(merged.summary.total).toBe(total);
    for (const { repository, report } of inputs) {
      const mine = merged.findings.filter((f) => f.repository === repository);
      expect(mine.map(({ repository: _r, ...f }) => f)).toEqual(report.findings);
    }
  });

  it('counts by repository, baseline, kind and severity add up to the reports’ own summaries', () => {
    const merged = mergeReports(inputs, TOOL);
    const sum = (r: Record<string, number | undefined>) => Object.values(r).reduce((a, b) => a! + b!, 0);
    expect(merged.schemaVersion).toBe(MERGED_SCHEMA_VERSION);
    expect(merged.summary.repositories).toBe(REPOS.length);
    expect(merged.summary.findings).toBe(inputs.reduce((n, i) => n + i.report.summary.findings, 0));
    for (const { repository, report } of inputs) {
      const r = merged.repositories.find((x) => x.name === repository)!;
      expect(r.findings).toBe(report.summary.findings);
      expect(r.byKind).toEqual(report.summary.byKind);
      expect(r.bySeverity).toEqual(report.summary.bySeverity);
      expect(r.policies).toBe(report.policies.length);
      expect(merged.summary.byRepository[repository]).toBe(report.summary.findings);
      expect(sum(r.byBaseline)).toBe(r.findings);
    }
    for (const record of [
      merged.summary.byRepository,
      merged.summary.byBaseline,
      merged.summary.byKind,
      merged.summary.bySeverity,
    ])
      expect(sum(record)).toBe(merged.summary.findings);
    // Kinds and severities: the sums of the repositories' own.
    const kinds: Record<string, number> = {};
    for (const { report } of inputs)
      for (const [k, n] of Object.entries(report.summary.byKind)) kinds[k] = (kinds[k] ?? 0) + n!;
    expect(merged.summary.byKind).toEqual(kinds);
    // A baseline from the finding, else from its policy.
    const baselines: Record<string, number> = {};
    for (const { report } of inputs)
      for (const f of report.findings.filter(counted)) {
        const b = f.baseline ?? report.policies.find((p) => p.id === f.policy)?.baseline ?? NO_BASELINE;
        baselines[b] = (baselines[b] ?? 0) + 1;
      }
    expect(merged.summary.byBaseline).toEqual(baselines);
    // As the audit's verdict: repositories with an excess finding (not only informational ones).
    expect(merged.summary.withFindings).toBe(
      inputs.filter((i) => decide(i.report, 'none', 'info').excessCount > 0).length,
    );
    expect(merged.summary.excess).toBe(
      inputs.reduce((n, i) => n + decide(i.report, 'none', 'info').excessCount, 0),
    );
  });

  it('the threshold counts what the audits count', () => {
    const merged = mergeReports(inputs, TOOL);
    for (const t of ['info', 'medium', 'critical'] as const)
      expect(mergedFindingsAtOrAbove(merged, t)).toHaveLength(
        inputs.reduce((n, i) => n + decide(i.report, 'any', t).failing.length, 0),
      );
  });

  it('JSON: the documented shape, parseable, the repository first in each finding', () => {
    const merged = mergeReports(inputs, TOOL);
    const back = JSON.parse(renderMergedJson(merged)) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual([
      'schemaVersion',
      'tool',
      'repositories',
      'missing',
      'summary',
      'findings',
    ]);
    // (a finding of more than 50 actions is written as its report's JSON stores it: an exact
    // `actionSet` of patterns with their count, in place of the list)
    const plain = JSON.parse(JSON.stringify(merged)) as { findings: Record<string, unknown>[] };
    const compacted = (back.findings as Record<string, unknown>[]).flatMap((f, i) =>
      f.actionSet ? [i] : [],
    );
    for (const i of compacted) {
      const set = (back.findings as Record<string, { count: number }>[])[i]!.actionSet!;
      expect((plain.findings[i]!.actions as string[]).length).toBe(set.count);
      const rest = { ...plain.findings[i]! };
      delete rest.actions;
      plain.findings[i] = { ...rest, actionSet: set };
    }
    expect(back).toEqual(plain);
    const first = (back.findings as Record<string, unknown>[])[0]!;
    expect(Object.keys(first)[0]).toBe('repository');
  });

  it('Markdown: one table row per repository, a collapsed section per repository with findings', () => {
    const merged = mergeReports(inputs, TOOL);
    const md = renderMergedMarkdown(merged);
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    for (const r of merged.repositories) expect(md).toContain(`| \`${r.name}\` | ${r.findings} |`);
    expect(md.split('<details>').length - 1).toBe(merged.repositories.filter((r) => r.findings).length);
    expect(md).toContain(
      `❌ **${merged.summary.excess} findings** in ${merged.summary.withFindings} of 4 repositories`,
    );
    expect(md).not.toContain('Shortened');
    expect(markdownProblems('merged', md, 0)).toEqual([]);
  });

  it('text: a line per repository and per counted finding', () => {
    const merged = mergeReports(inputs, TOOL);
    const text = renderMergedText(merged);
    for (const r of merged.repositories) expect(text).toContain(`\n${r.name}: `);
    expect(text.split('\n').filter((l) => l.startsWith('  ')).length).toBe(merged.summary.findings);
  });

  it('merges no finding into a clean verdict', () => {
    const clean = baseReport({ findings: [] });
    const merged = mergeReports(
      [
        { repository: 'a', report: clean },
        { repository: 'b', report: clean },
      ],
      TOOL,
    );
    expect(merged.summary.findings).toBe(0);
    expect(renderMergedMarkdown(merged)).toContain(
      '✅ **No IAM permissions beyond the vendor baselines** in 2 repositories',
    );
  });
});

// (a review) A repository whose audit held no policy to a baseline merged as ✅, as if clean.
describe('a repository that audited no policy is not a clean one', () => {
  const clean = baseReport({ findings: [] });
  const none = {
    ...clean,
    policies: clean.policies.map((p) => ({ ...p, status: 'not-matched' as const, baseline: undefined })),
  };

  it('Markdown: ⚠️ naming how many, the table counts the policies audited; text names them', () => {
    const some = mergeReports(
      [
        { repository: 'a', report: clean },
        { repository: 'b', report: none },
      ],
      TOOL,
    );
    expect(some.repositories.map((r) => [r.name, r.audited, r.policies])).toEqual([
      ['a', clean.policies.filter((p) => p.status === 'audited').length, clean.policies.length],
      ['b', 0, clean.policies.length],
    ]);
    const markdown = renderMergedMarkdown(some);
    expect(markdown).toContain(
      '⚠️ **No IAM permissions beyond the vendor baselines** in 2 repositories, but 1 of them audited no policy (none was held to a baseline)',
    );
    expect(markdown).not.toContain('✅');
    expect(markdown).toContain(`| \`b\` | 0 | – | 0 of ${clean.policies.length} |`);
    expect(renderMergedText(some)).toContain(
      'no policy audited (none was held to a baseline) in 1 repository: b',
    );
    const all = mergeReports([{ repository: 'b', report: none }], TOOL);
    expect(renderMergedMarkdown(all)).toContain('⚠️ **No IAM policy was audited** in 1 repository');
  });
});

describe('informational findings: counted and listed, not a ❌ verdict (as the audit’s)', () => {
  const info: Finding = {
    kind: 'missing-permission',
    severity: 'info',
    policy: 'iam/coiled-policy.json',
    actions: ['logs:TagResource'],
    resources: ['*'],
    baseline: 'coiled',
    path: 'iam/coiled-policy.json',
    line: 1,
    message: 'granted by no policy',
  };
  const report = (findings: Finding[]) => parseReportJson(renderJson(baseReport({ findings })));

  it('only informational findings: ✅, no repository with findings, no excess', () => {
    const r = report([info]);
    const merged = mergeReports([{ repository: 'acme/api', report: r }], TOOL);
    expect(decide(r, 'none', 'info').excessCount).toBe(0);
    expect(merged.summary).toMatchObject({ findings: 1, excess: 0, withFindings: 0 });
    expect(merged.repositories[0]).toMatchObject({ findings: 1, excess: 0 });
    const md = renderMergedMarkdown(merged);
    expect(md).toContain(
      '✅ **No IAM permissions beyond the vendor baselines** in 1 repository · 1 informational finding',
    );
    expect(md).not.toContain('❌');
    expect(md).toContain('`logs:TagResource`'); // still listed
    expect(renderMergedText(merged)).toMatch(
      /^0 findings beyond the vendor baselines in 0 of 1 repository, and 1 informational finding\n/,
    );
  });

  it('with an excess finding: ❌ counts the excess, the informational ones beside it', () => {
    const excess: Finding = { ...info, kind: 'excess-action', severity: 'medium', message: 'excess' };
    const merged = mergeReports(
      [
        { repository: 'acme/api', report: report([info, excess]) },
        { repository: 'acme/infra', report: report([info]) },
      ],
      TOOL,
    );
    expect(merged.summary).toMatchObject({ findings: 3, excess: 1, withFindings: 1 });
    expect(renderMergedMarkdown(merged)).toContain(
      '❌ **1 finding** in 1 of 2 repositories: permissions beyond the vendor baselines (and 2 informational findings)',
    );
  });
});

describe('names of Object.prototype’s properties are names like any other', () => {
  // A repository `__proto__` and a baseline `constructor`: counted as keys, never read from or
  // written to a prototype (a plain object as the map lost the first and added to a function).
  const finding = (baseline: string, severity: Finding['severity']): Finding => ({
    kind: 'excess-action',
    severity,
    policy: 'iam/p.json',
    actions: ['s3:DeleteBucket'],
    resources: ['*'],
    baseline,
    path: 'iam/p.json',
    message: 'excess',
  });
  const inputs = (): MergeInput[] =>
    [
      { repository: '__proto__', findings: [finding('coiled', 'high'), finding('coiled', 'low')] },
      { repository: 'constructor', findings: [finding('constructor', 'high')] },
      { repository: 'toString', findings: [finding('__proto__', 'medium')] },
    ].map(({ repository, findings }) => ({
      repository,
      report: parseReportJson(renderJson(baseReport({ findings }))),
    }));

  it('JSON: every count under its own key, summing to the findings', () => {
    const merged = mergeReports(inputs(), TOOL);
    const back = JSON.parse(renderMergedJson(merged)) as typeof merged;
    const own = (r: object) => JSON.stringify(Object.entries(r));
    expect(own(back.summary.byRepository)).toBe(
      JSON.stringify([
        ['__proto__', 2],
        ['constructor', 1],
        ['toString', 1],
      ]),
    );
    expect(own(back.summary.byBaseline)).toBe(
      JSON.stringify([
        ['__proto__', 1],
        ['coiled', 2],
        ['constructor', 1],
      ]),
    );
    expect(own(back.repositories[1]!.byBaseline)).toBe(JSON.stringify([['constructor', 1]]));
    expect(own(back.repositories[2]!.byBaseline)).toBe(JSON.stringify([['__proto__', 1]]));
    expect(back.summary.findings).toBe(4);
  });

  it('text and Markdown: the counts as numbers', () => {
    const merged = mergeReports(inputs(), TOOL);
    const text = renderMergedText(merged);
    expect(text).toContain('by baseline: __proto__ 1, coiled 2, constructor 1\n');
    expect(text).toContain('\n__proto__: 2 findings (high 1, low 1)');
    const md = renderMergedMarkdown(merged);
    expect(md).toContain('**By baseline:** `__proto__` 1 · `coiled` 2 · `constructor` 1\\\n');
    expect(md).toContain('| `__proto__` | 2 |');
    expect(md).not.toContain('native code');
  });
});

describe('hostile repository names and report contents render inert', () => {
  const names = Object.values(HOSTILE);
  const hostile = (): MergeInput[] =>
    names.map((name, i) => {
      const report = hostileReport();
      report.tool = { name: HOSTILE.marker, version: HOSTILE.img };
      if (i % 2) report.baselines[0]!.id = name;
      // Round trip through the reader, as the command does.
      return { repository: name, report: parseReportJson(renderJson(report)) };
    });

  it('Markdown: no markup, mention, link, raw HTML, hidden character or marker of ours', () => {
    const merged = mergeReports(hostile(), TOOL);
    expect(merged.summary.repositories).toBe(names.length);
    const md = renderMergedMarkdown(merged, { title: `${HOSTILE.img} ${HOSTILE.team} ${HOSTILE.details}` });
    expect(markdownProblems('merged markdown', md, 0)).toEqual([]);
    // The table keeps one row per repository: no name adds a cell or a row.
    const rows = md
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Repository') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(names.length);
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7);
  });

  it('text: no control or hidden character, no workflow command', () => {
    const text = renderMergedText(mergeReports(hostile(), TOOL));
    expect(text).not.toMatch(CONTROL_BUT_NEWLINE);
    expect(text).not.toMatch(INVISIBLE);
    expect(workflowCommands(text)).toEqual([]);
  });

  it('JSON: data, every value back as it was', () => {
    const inputs = hostile();
    const merged = mergeReports(inputs, TOOL);
    const back = JSON.parse(renderMergedJson(merged)) as typeof merged;
    expect(back.repositories.map((r) => r.name)).toEqual(names);
    expect(back.findings).toHaveLength(inputs.reduce((n, i) => n + i.report.findings.length, 0));
  });
});

describe('the Markdown fits GitHub’s limit', () => {
  function big(repos: number, findingsEach: number): MergeInput[] {
    return Array.from({ length: repos }, (_, r) => {
      const findings: Finding[] = Array.from({ length: findingsEach }, (_, i) => ({
        kind: 'excess-action',
        severity: (['low', 'medium', 'high', 'critical'] as const)[i % 4]!,
        policy: `iam/policy-${i}.json`,
        actions: [`s3:GetObject${i}`, `ec2:RunInstances${i}`],
        resources: ['*'],
        baseline: 'coiled',
        path: `iam/a-rather-long-directory-name/for-the-policy-files/policy-${i}.json`,
        line: i + 1,
        message: `excess ${i}`,
      }));
      const report: Report = baseReport({ findings });
      return {
        repository: `acme/repository-with-a-long-name-${r}`,
        report: parseReportJson(renderJson(report)),
      };
    });
  }

  it.each([
    [3, 2000],
    [400, 30],
    [3000, 1],
  ])(
    '%i repositories of %i findings: under 65,536 characters, cut with counts and a pointer to the JSON',
    (repos, each) => {
      const merged = mergeReports(big(repos, each), TOOL);
      expect(merged.findings).toHaveLength(repos * each);
      const md = renderMergedMarkdown(merged);
      expect(md.length).toBeLessThan(COMMENT_LIMIT);
      expect(md.length).toBeGreaterThan(COMMENT_LIMIT * 0.8); // cut near the limit, not far below
      expect(md).toContain('every finding is in the merged JSON report');
      expect(md).toMatch(/not shown\.\*\*/);
      expect(markdownProblems('big', md, 0)).toEqual([]);
      expect(md.trimEnd().endsWith('</sub>')).toBe(true);
    },
  );

  it('a smaller limit is honoured as well', () => {
    const md = renderMergedMarkdown(mergeReports(big(5, 50), TOOL), { maxLength: 4000 });
    expect(md.length).toBeLessThan(4000);
    expect(markdownProblems('small', md, 0)).toEqual([]);
  });
});
