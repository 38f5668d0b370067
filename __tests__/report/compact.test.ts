// The compact, exact report (schemaVersion 2, src/report/actions.ts): long action sets stored as
// patterns and read back to the same actions, schema 1 still read, a report of another catalog kept
// as given, long diffs summarised, and text/Markdown/SARIF lines bounded.
import { summarize } from '../../src/audit/report-model.js';
import type { Finding, Report } from '../../src/core/types.js';
import { catalogInfo, loadCatalog } from '../../src/policy/catalog.js';
import { expandActionSet } from '../../src/policy/compress.js';
import {
  MAX_DIFF_LINES,
  MAX_LISTED_ACTIONS,
  REPORT_SCHEMA_VERSION,
  storedFinding,
} from '../../src/report/actions.js';
import { jsonReportChunks, renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import {
  mergeReports,
  renderMergedJson,
  renderMergedMarkdown,
  renderMergedText,
} from '../../src/report/merge.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { parseReportJson, ReportError } from '../../src/report/validate.js';
import { baseReport, finding } from './fixtures.js';

const catalog = loadCatalog();
const names = (p: string) => catalog.expand(p).map((a) => a.full);
const sorted = (list: string[]) => [...new Set(list)].sort();
const minus = (a: string[], b: string[]) => {
  const drop = new Set(b);
  return a.filter((x) => !drop.has(x));
};

/** What a NotAction statement grants beyond a baseline: every action but iam:*, organizations:* and a few. */
const notAction = sorted(
  minus(names('*'), [...names('iam:*'), ...names('organizations:*'), 's3:GetObject', 'ec2:RunInstances']),
);
const describes = sorted(minus(names('ec2:Describe*'), ['ec2:DescribeInstances', 'ec2:DescribeImages']));
const s3AllBut6 = sorted(
  minus(names('s3:*'), [
    's3:DeleteBucket',
    's3:PutObjectAcl',
    's3:GetObject',
    's3:ListBucket',
    's3:PutBucketPolicy',
    's3:BypassGovernanceRetention',
  ]),
);

function compactReport(): Report {
  const findings: Finding[] = [
    finding({
      kind: 'excess-action',
      severity: 'critical',
      statement: 'Everything',
      actions: notAction,
      line: 3,
      message: `${notAction.length} actions (from NotAction iam:*, organizations:*) beyond the Coiled baseline: iam:PassRole and more`,
    }),
    finding({
      kind: 'excess-action',
      severity: 'low',
      statement: 'Reads',
      actions: describes,
      line: 9,
      message: 'reads',
    }),
    finding({
      kind: 'excess-action',
      severity: 'high',
      statement: 'S3',
      actions: s3AllBut6,
      line: 12,
      message: 's3',
    }),
    finding({
      kind: 'excess-action',
      severity: 'high',
      statement: 'Few',
      actions: ['iam:PassRole', 's3:GetObject'],
      line: 20,
      message: 'few',
    }),
    finding({
      kind: 'unknown-action',
      severity: 'low',
      statement: 'Typo',
      actions: ['s3:GetObjekt*'],
      line: 25,
      message: 'typo',
    }),
  ];
  const report = baseReport({ catalog: { ...catalogInfo }, findings });
  return { ...report, summary: summarize(report) };
}

describe('JSON report, schemaVersion 2', () => {
  const report = compactReport();
  const json = renderJson(report);
  const parsed = JSON.parse(json) as { schemaVersion: number; findings: Record<string, unknown>[] };

  it('says its schema version first', () => {
    expect(REPORT_SCHEMA_VERSION).toBe(2);
    expect(Object.keys(parsed)[0]).toBe('schemaVersion');
    expect(parsed.schemaVersion).toBe(2);
  });

  it('keeps short lists and writes long sets as an exact actionSet in place of actions', () => {
    const [all, reads, s3, few, typo] = parsed.findings;
    expect(few!.actions).toEqual(['iam:PassRole', 's3:GetObject']);
    expect(typo!.actions).toEqual(['s3:GetObjekt*']);
    expect(all!.actions).toBeUndefined();
    expect(all!.actionSet).toEqual({
      patterns: ['*'],
      except: ['ec2:RunInstances', 'iam:*', 'organizations:*', 's3:GetObject'],
      count: notAction.length,
    });
    expect(Object.keys(all!).indexOf('actionSet')).toBe(Object.keys(all!).indexOf('statement') + 1);
    expect((reads!.actionSet as { patterns: string[] }).patterns).toEqual(['ec2:Describe*']);
    expect((s3!.actionSet as { patterns: string[]; except: string[] }).patterns).toEqual(['s3:*']);
    expect((s3!.actionSet as { except: string[] }).except).toHaveLength(6);
    // Each set expands, with the catalog, to exactly the finding's actions.
    for (const [i, f] of parsed.findings.entries()) {
      if (!f.actionSet) continue;
      const set = f.actionSet as { patterns: string[]; except: string[]; count: number };
      expect(expandActionSet(set, catalog)).toEqual(report.findings[i]!.actions);
      expect(set.count).toBe(report.findings[i]!.actions.length);
    }
  });

  it('writes a 22,000-action finding in a few hundred bytes (it was some 600 KB)', () => {
    expect(notAction.length).toBeGreaterThan(20_000);
    const one = JSON.stringify(parsed.findings[0], null, 2);
    expect(one.length).toBeLessThan(2_000);
    expect(JSON.stringify(notAction).length).toBeGreaterThan(400_000);
    expect(json.length).toBeLessThan(10_000);
  });

  it('streams the same bytes', () => {
    expect(Buffer.concat([...jsonReportChunks(report, { chunkSize: 512 })]).toString('utf8')).toBe(json);
  });

  it('round-trips: write, read, the same findings with the same action sets', () => {
    const back = parseReportJson(json);
    expect(back.findings).toEqual(report.findings);
    expect(renderJson(back)).toBe(json);
  });

  it('reads findings with the same set into one shared list', () => {
    const twice = compactReport();
    twice.findings.push({ ...twice.findings[0]!, statement: 'Again', actions: [...notAction] });
    const back = parseReportJson(renderJson(twice));
    expect(back.findings[5]!.actions).toEqual(notAction);
    expect(back.findings[5]!.actions).toBe(back.findings[0]!.actions);
  });

  it('merges compactly: the merged JSON (schemaVersion 2) stores findings as the report does', () => {
    const merged = mergeReports([{ repository: 'acme', report: parseReportJson(json) }], {
      name: 'iam-baseline-audit',
      version: 'x',
    });
    const out = JSON.parse(renderMergedJson(merged)) as {
      schemaVersion: number;
      findings: Record<string, unknown>[];
    };
    expect(out.schemaVersion).toBe(2);
    expect(out.findings.map(({ repository: _r, ...f }) => f)).toEqual(parsed.findings);
    expect(Object.keys(out.findings[0]!).slice(0, 2)).toEqual(['repository', 'kind']);
    expect(renderMergedJson(merged).length).toBeLessThan(10_000);
  });

  it('keeps a list when a finding names an action the bundled catalog does not have', () => {
    const odd = Array.from({ length: MAX_LISTED_ACTIONS + 5 }, (_, i) => `ec2:Retired${i}`);
    const stored = storedFinding(finding({ kind: 'excess-action', actions: odd }), catalogInfo);
    expect(stored.actions).toEqual(odd);
    expect(stored.actionSet).toBeUndefined();
  });
});

describe('reading saved reports of either schema', () => {
  it('reads schema 1 (no schemaVersion, every action listed)', () => {
    const report = compactReport();
    const v1 = JSON.parse(renderJson(report)) as Record<string, unknown>;
    delete v1.schemaVersion;
    v1.findings = report.findings; // full lists, as schema 1 wrote them
    const back = parseReportJson(JSON.stringify(v1));
    expect(back.findings).toEqual(report.findings);
    expect(back.findings[0]!.actions).toHaveLength(notAction.length);
  });

  it('rejects a schema it does not know, a set that does not expand to its count, and other patterns', () => {
    const json = renderJson(compactReport());
    const v = JSON.parse(json) as {
      schemaVersion: number;
      findings: { actionSet?: { count: number; patterns: string[] } }[];
    };
    expect(() => parseReportJson(JSON.stringify({ ...v, schemaVersion: 3 }))).toThrow(
      /schemaVersion: 3 is not one/,
    );
    const wrongCount = structuredClone(v);
    wrongCount.findings[0]!.actionSet!.count = 5;
    expect(() => parseReportJson(JSON.stringify(wrongCount))).toThrow(ReportError);
    expect(() => parseReportJson(JSON.stringify(wrongCount))).toThrow(
      /expands to \d+ actions with catalog .*, the report says 5/,
    );
    const badPattern = structuredClone(v);
    badPattern.findings[0]!.actionSet!.patterns = ['*:Get*'];
    expect(() => parseReportJson(JSON.stringify(badPattern))).toThrow(/actionSet\.patterns\[0\]: expected/);
  });

  describe('a report made with another catalog', () => {
    const json = renderJson(compactReport()).replace(catalogInfo.version, '0.20.202501011');
    const back = parseReportJson(json);

    it('keeps the patterns and the count as given, never re-expanded', () => {
      const f = back.findings[0]!;
      expect(f.actions).toEqual([]);
      expect(f.actionSet).toEqual({
        patterns: ['*'],
        except: ['ec2:RunInstances', 'iam:*', 'organizations:*', 's3:GetObject'],
        count: notAction.length,
      });
      // Short lists are lists in either case.
      expect(back.findings[3]!.actions).toEqual(['iam:PassRole', 's3:GetObject']);
      expect(back.findings[3]!.actionSet).toBeUndefined();
    });

    it('shows them with the report’s count and writes them back as read', () => {
      const md = renderMarkdown(back);
      expect(md).toContain(
        `**${notAction.length} actions (as counted by the report’s catalog)**: every action except \`iam:*\`, \`organizations:*\`, \`ec2:RunInstances\`, \`s3:GetObject\``,
      );
      expect(renderText(back)).toContain(
        `${notAction.length} actions (as counted by the report’s catalog): every action except`,
      );
      expect(renderJson(back)).toBe(json);
    });

    it('merges them: the merged JSON keeps the set, Markdown and text show it', () => {
      const merged = mergeReports([{ repository: 'old', report: back }], {
        name: 'iam-baseline-audit',
        version: 'x',
      });
      const out = JSON.parse(renderMergedJson(merged)) as {
        schemaVersion: number;
        findings: Record<string, unknown>[];
      };
      expect(out.schemaVersion).toBe(2);
      expect(out.findings[0]!.actionSet).toEqual(back.findings[0]!.actionSet);
      expect(out.findings[0]!.actions).toBeUndefined();
      expect(renderMergedMarkdown(merged)).toContain('every action except');
      expect(renderMergedText(merged)).toContain(
        `${notAction.length} actions (as counted by the report’s catalog)`,
      );
    });
  });
});

describe('suggestions with a diff over the bound', () => {
  const big = Array.from({ length: MAX_DIFF_LINES + 500 }, (_, i) => `-    "s3:Action${i}",`);
  const diff = ['--- a.json', '+++ a.json (minimal)', '@@ -1,2500 +1,1 @@', ...big].join('\n');
  // (a policy that keeps a statement: one that keeps none is advised to be deleted, with no diff)
  const KEPT = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }],
  };
  const report = baseReport({
    catalog: { ...catalogInfo },
    suggestions: [{ policy: 'iam/coiled-policy.json', minimal: KEPT, diff }],
  });

  it('are summarised in JSON (minimal kept, diff a note with its size) and read back', () => {
    const s = (JSON.parse(renderJson(report)) as Report).suggestions[0]!;
    expect(s.minimal).toEqual(KEPT);
    expect(s.diffOmitted).toEqual({ lines: MAX_DIFF_LINES + 503, bytes: Buffer.byteLength(diff) });
    expect(s.diff).toMatch(
      /^diff not included: 2,503 lines, [\d,]+ bytes \(over 2,000 lines or 204,800 bytes\)/,
    );
    const back = parseReportJson(renderJson(report));
    expect(back.suggestions[0]!.diffOmitted).toEqual(s.diffOmitted);
    for (const r of [report, back]) {
      const md = renderMarkdown(r);
      expect(md).toContain('The diff is 2,503 lines');
      expect(md).not.toContain('s3:Action1');
    }
  });
});

describe('bounded lines', () => {
  // Many findings with large sets: a complement, a random scatter no pattern shortens, prefix families.
  const scatter = names('*').filter((_, i) => i % 7 === 0);
  const report = baseReport({
    catalog: { ...catalogInfo },
    findings: [
      ...compactReport().findings,
      finding({
        kind: 'excess-action',
        severity: 'high',
        statement: 'Scatter',
        actions: sorted(scatter),
        line: 30,
        message: 'x'.repeat(5000),
      }),
      finding({
        kind: 'leftover-set',
        severity: 'high',
        statement: 'Gets',
        set: 'setup',
        actions: sorted([...names('*:Get*'), ...names('*:List*')]),
        line: 40,
        message: 'gets',
      }),
      finding({
        kind: 'excess-action',
        severity: 'low',
        statement: 'Gone',
        actions: notAction,
        removed: true,
        line: 50,
        message: 'gone',
      }),
      finding({
        kind: 'excess-action',
        severity: 'low',
        statement: 'Hidden',
        actions: notAction,
        ignored: { reason: 'ok' },
        line: 60,
        message: 'hidden',
      }),
    ],
  });
  const longest = (s: string) => Math.max(...s.split('\n').map((l) => l.length));

  it('in text and Markdown, with exact counts of what is cut', () => {
    const text = renderText(report);
    const md = renderMarkdown(report);
    expect(longest(text)).toBeLessThan(1_500);
    expect(longest(md)).toBeLessThan(1_500);
    expect(text).toContain(
      `CRITICAL ${notAction.length} actions: every action except iam:*, organizations:*, ec2:RunInstances, s3:GetObject  (`,
    );
    expect(text).toContain(
      `${describes.length} actions: ec2:Describe* except ec2:DescribeImages, ec2:DescribeInstances`,
    );
    expect(md).toContain(`**${s3AllBut6.length} actions**: \`s3:*\` except \``);
    // The scatter has no shorter description: its count only.
    expect(text).toContain(`HIGH     ${scatter.length} actions  (statement Scatter`);
    // Every Get*/List* of every service: more patterns than are shown, the rest counted exactly.
    const gets = /(\d+) actions: ((?:[^,]+, ){8})… and (\d+) more/.exec(
      text.split('\n').find((l) => l.includes('(statement Gets'))!,
    )!;
    expect(gets).not.toBeNull();
    const desc = storedFinding(report.findings[6]!, catalogInfo).actionSet as {
      patterns: string[];
      except: string[];
    };
    expect(Number(gets[3])).toBe(desc.patterns.length - 8);
    // The removed and ignored sections too.
    expect(md).toMatch(
      new RegExp(
        `- \\S+ \\*\\*\\w+\\*\\* · \\*\\*${notAction.length} actions\\*\\*: every action except .* · statement \`Gone\``,
      ),
    );
  });

  it('in SARIF: the message bounded, the actions stored as in the JSON report', () => {
    const log = renderSarif(report) as {
      runs: { results: { message: { text: string }; properties: Record<string, unknown> }[] }[];
    };
    for (const r of log.runs[0]!.results) {
      expect(r.message.text.length).toBeLessThan(1_000);
      // A scatter of 3,000 actions no pattern shortens is as long as its list; Get*/List* of every
      // service takes some 700 patterns; the others are short.
      const size = JSON.stringify(r).length;
      if (r.properties.statement === 'Gets') expect(size).toBeLessThan(30_000);
      else if (r.properties.statement !== 'Scatter') expect(size).toBeLessThan(4_000);
    }
    const all = log.runs[0]!.results.find((r) => r.properties.statement === 'Everything')!;
    expect(all.properties.actions).toBeUndefined();
    expect(all.properties.actionSet).toEqual({
      patterns: ['*'],
      except: ['ec2:RunInstances', 'iam:*', 'organizations:*', 's3:GetObject'],
      count: notAction.length,
    });
  });
});
