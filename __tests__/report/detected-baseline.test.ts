// A baseline detected from the policy (no configuration's audit nor --baseline named it) is said to
// be one in the text and Markdown reports: its heading gives "detected", the confidence and the
// strongest evidence, the clean list the confidence, and one line per report says how to name a
// baseline instead. A named baseline says none of it. Evidence is the repository's (names, ids):
// escaped like every other value.
import type { Report, ReportPolicy } from '../../src/core/types.js';
import { detectedText } from '../../src/report/group.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { parseReportJson } from '../../src/report/validate.js';
import { expectInert, workflowCommands } from '../hardening/inert.js';
import { HOSTILE, baseReport, finding } from './fixtures.js';
import { outsideCode } from './golden.js';

const ACTIONS_ONLY =
  "actions: 73% of the policy's action patterns are in skypilot; it has 40% of set minimal; distinctive overlap 1.2 (score 0.51)";

/**
 * The base report's two Coiled policies (named: no detection) with a finding each, plus an EC2
 * policy detected as SkyPilot's on actions alone (0.51) with a critical finding, and a clean one
 * detected as Lightly's.
 */
function detectedReport(evidence: string[] = [ACTIONS_ONLY]): Report {
  const report = baseReport({
    baselines: [
      ...baseReport().baselines,
      { id: 'skypilot', name: 'SkyPilot', sets: ['minimal'] },
      { id: 'lightly', name: 'Lightly', sets: ['minimum'] },
    ],
    findings: [
      finding({ kind: 'excess-action', actions: ['ec2:DescribeVolumes'], line: 3 }),
      finding({
        kind: 'excess-action',
        severity: 'critical',
        policy: 'infra/ec2.json',
        path: 'infra/ec2.json',
        baseline: 'skypilot',
        actions: ['ec2:*'],
        line: 5,
        message: 'ec2:* is not in the SkyPilot baseline',
      }),
    ],
  });
  report.policies.push(
    {
      id: 'infra/ec2.json',
      path: 'infra/ec2.json',
      line: 1,
      kind: 'identity',
      baseline: 'skypilot',
      sets: ['minimal'],
      status: 'audited',
      detection: { baseline: 'skypilot', confidence: 0.51, evidence },
    },
    {
      id: 'infra/lightly.json',
      path: 'infra/lightly.json',
      line: 1,
      kind: 'identity',
      baseline: 'lightly',
      sets: ['minimum'],
      status: 'audited',
      detection: {
        baseline: 'lightly',
        confidence: 0.8,
        evidence: ['name: policy name "lightly" matches *lightly*'],
      },
    },
  );
  return report;
}

const lineWith = (text: string, part: string) => text.split('\n').filter((l) => l.includes(part));
const count = (text: string, part: string) => text.split(part).length - 1;

describe('a detected baseline in the text report', () => {
  const text = renderText(detectedReport());

  it('says so in the heading, with the confidence and the evidence shortened', () => {
    expect(lineWith(text, 'infra/ec2.json')).toEqual([
      "  infra/ec2.json (baseline skypilot: minimal; detected, confidence 0.51 — actions: 73% of the policy's action patterns are in skypilot)",
      '      CRITICAL ec2:*  (infra/ec2.json:5)',
    ]);
    // (the clean list: the confidence only)
    expect(lineWith(text, 'infra/lightly.json')).toEqual([
      '  infra/lightly.json (baseline lightly: minimum; detected, confidence 0.80)',
    ]);
  });

  it('not for a named baseline', () => {
    expect(lineWith(text, 'iam/coiled-policy.json (')).toEqual([
      '  iam/coiled-policy.json (baseline coiled: ongoing)',
    ]);
    expect(lineWith(text, 'detected, confidence')).toHaveLength(2);
  });

  it('says how to name a baseline instead, once', () => {
    expect(count(text, 'Detected baselines are inferred')).toBe(1);
    expect(lineWith(text, 'Detected baselines are inferred')).toEqual([
      "Detected baselines are inferred from the policies: to name one instead, add an audit to .github/iam-baseline-audit.yml (audits: [{baseline: ID, policies: [PATH]}]; baseline: none for a policy that is no vendor's), or give every policy one with --baseline ID.",
    ]);
  });

  it('says nothing of detection in a report whose baselines are all named', () => {
    const named = detectedReport();
    for (const p of named.policies) delete p.detection;
    const out = renderText(named);
    expect(out).not.toContain('detected');
    expect(out).not.toContain('Detected');
  });
});

describe('a detected baseline in the Markdown report', () => {
  const md = renderMarkdown(detectedReport(), { mode: 'comment' });

  it('says so under the heading, with the confidence and the evidence shortened', () => {
    const lines = md.split('\n');
    const heading = lines.indexOf('##### 📄 `infra/ec2.json`');
    expect(heading).toBeGreaterThan(0);
    expect(lines[heading + 1]).toBe(
      "Baseline `skypilot` (`minimal`) · detected, confidence 0.51 — actions: 73% of the policy's action patterns are in skypilot",
    );
    expect(lineWith(md, 'infra/lightly.json')).toEqual([
      '- `infra/lightly.json:1`: baseline `lightly` (`minimum`) · detected, confidence 0.80',
    ]);
  });

  it('not for a named baseline', () => {
    const lines = md.split('\n');
    const heading = lines.indexOf('##### 📄 `iam/coiled-policy.json`');
    expect(lines[heading + 1]).toBe('Baseline `coiled` (`ongoing`)');
    expect(count(md, 'detected, confidence')).toBe(2);
  });

  it('says how to name a baseline instead, once, with the action input', () => {
    expect(lineWith(md, 'Detected baselines are inferred')).toEqual([
      "🔎 Detected baselines are inferred from the policies: to name one instead, add an audit to `.github/iam-baseline-audit.yml` (`audits: [{baseline: ID, policies: [PATH]}]`; `baseline: none` for a policy that is no vendor's), or give every policy one with the action's `baseline` input (`--baseline ID`).",
    ]);
  });

  it('says nothing of detection in a report whose baselines are all named', () => {
    const named = detectedReport();
    for (const p of named.policies) delete p.detection;
    expect(renderMarkdown(named)).not.toMatch(/detected/i);
  });
});

describe('which detections are shown', () => {
  it('the strongest evidence (account, name, actions, Sids), and the other kinds of clue', () => {
    const evidence = [
      ACTIONS_ONLY,
      'name: policy name "skypilot-ec2" matches *skypilot*; ARN "skypilot-ec2" matches *skypilot*',
      "Sids: 1/2 are skypilot's (SkyPilotEC2)",
      "account: a trust policy of the same role or file lets SkyPilot's AWS account (123456789012) assume it",
      'sets: "ssm" comes only with "x", which this policy does not implement',
    ];
    const text = renderText(detectedReport(evidence));
    expect(lineWith(text, 'infra/ec2.json (')).toEqual([
      "  infra/ec2.json (baseline skypilot: minimal; detected, confidence 0.51 — account: a trust policy of the same role or file lets SkyPilot's AWS account (123456789012) assume it; also name, actions, Sids)",
    ]);
    const d = { baseline: 'skypilot', confidence: 0.9, evidence: evidence.slice(0, 3) };
    expect(detectedText(d, (s) => s)).toBe(
      'detected, confidence 0.90 — name: policy name "skypilot-ec2" matches *skypilot*; also actions, Sids',
    );
    // (an earlier version's evidence, named by its id; evidence of no known kind: the first item)
    expect(
      detectedText(
        {
          ...d,
          evidence: [
            "skypilot@2024: actions: 90% of the policy's action patterns are in skypilot@2024; it has…",
          ],
        },
        (s) => s,
      ),
    ).toBe(
      "detected, confidence 0.90 — skypilot@2024: actions: 90% of the policy's action patterns are in skypilot@2024",
    );
    expect(detectedText({ ...d, evidence: ["held by r beside p, detected as SkyPilot's"] }, (s) => s)).toBe(
      "detected, confidence 0.90 — held by r beside p, detected as SkyPilot's",
    );
    expect(detectedText({ ...d, evidence: [] }, (s) => s)).toBe('detected, confidence 0.90');
    // (long evidence is clipped: the JSON report has it whole)
    const long = detectedText({ ...d, evidence: [`name: ${'x'.repeat(500)}`] }, (s) => s);
    expect(long.length).toBeLessThan(200);
    expect(long.endsWith('x…')).toBe(true);
  });

  it('none for a policy not audited (its reason names the best candidate) or audited against another baseline', () => {
    const report = detectedReport();
    const ec2 = report.policies.find((p) => p.id === 'infra/ec2.json')!;
    const other: ReportPolicy = {
      ...ec2,
      id: 'infra/other.json',
      path: 'infra/other.json',
      baseline: undefined,
      sets: undefined,
      status: 'not-matched',
      reason: 'matches no known vendor baseline (best candidate: skypilot, score 0.30)',
      detection: { baseline: 'skypilot', confidence: 0.3, evidence: [ACTIONS_ONLY] },
    };
    report.policies.push(other);
    delete report.policies.find((p) => p.id === 'infra/lightly.json')!.detection;
    // (detected as SkyPilot's, audited against Coiled's: the detection is not this baseline's)
    ec2.baseline = 'coiled';
    ec2.sets = ['ongoing'];
    report.findings[1]!.baseline = 'coiled';
    for (const out of [renderText(report), renderMarkdown(report)]) {
      expect(out).not.toContain('detected, confidence');
      expect(out).not.toContain('Detected baselines');
    }
  });

  it('the same from a saved report read back (the fork recipe)', () => {
    const report = detectedReport();
    const back = parseReportJson(renderJson(report));
    expect(back.policies.find((p) => p.id === 'infra/ec2.json')!.detection).toEqual({
      baseline: 'skypilot',
      confidence: 0.51,
      evidence: [ACTIONS_ONLY],
    });
    expect(renderText(back)).toBe(renderText(report));
    expect(renderMarkdown(back, { mode: 'comment' })).toBe(renderMarkdown(report, { mode: 'comment' }));
    expect(renderText(back)).toContain('detected, confidence 0.51');
  });
});

describe('hostile evidence is escaped', () => {
  const hostile = Object.values(HOSTILE).join(' ');
  // (the worst first: the heading shows the evidence's first 160 characters)
  const evil = `\n::error::pwned\u001B[2J ${'`'.repeat(4)} | <img src=x onerror=alert(1)> ${hostile}`;
  // (each as the strongest item of its report, shown whole: names and ids are the repository's)
  const reports = [`name: ${evil}`, `account: ${evil}`, evil].map((e) => detectedReport([e]));

  it('renders inert in every format', () => {
    for (const report of reports) expectInert(report);
  });

  it('as the text report escapes any value: no control character, no workflow command', () => {
    for (const report of reports) {
      const text = renderText(report);
      const heading = lineWith(text, 'infra/ec2.json (')[0]!;
      expect(heading).toContain('detected, confidence 0.51 — ');
      expect(heading).toContain('\\n::error::pwned\\x1b[2J');
      expect(heading).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
      expect(workflowCommands(text)).toEqual([]);
      expect(workflowCommands(renderText(report, { color: true }))).toEqual([]);
    }
  });

  it('as the Markdown report escapes any text: no HTML, no pipe, no line break, nothing closed', () => {
    for (const report of reports) {
      const md = renderMarkdown(report, { mode: 'comment' });
      const line = lineWith(md, 'detected, confidence 0.51 — ')[0]!;
      expect(line.startsWith('Baseline `skypilot` (`minimal`) · detected, confidence 0.51 — ')).toBe(true);
      const outside = outsideCode(line);
      expect(outside).not.toContain('<img');
      expect(outside).toContain('&lt;img src\\=x onerror\\=alert\\(1\\)&gt;');
      expect(outside.replace(/\\\\/g, '')).not.toMatch(/(^|[^\\])\|/);
      expect(outside).not.toContain('](');
      expect(outside).not.toMatch(/@(?!&#8203;)/);
      expect(line).toContain('\\n::error::pwned');
      expect(line).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
      // (the heading's paragraph stays one line: the next is the kind's title)
      const lines = md.split('\n');
      expect(lines[lines.indexOf(line) + 2]).toMatch(/^\*\*Excess actions\*\*/);
    }
  });
});
