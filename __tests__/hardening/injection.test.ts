// Injection, end to end: real files whose names and contents (Sids, ARNs, Terraform addresses,
// role names, file paths) carry the hostile corpus are audited by runAudit, then rendered as the
// pull request comment, the job summary, the drift issue, the CLI's text and the SARIF file. Each
// rendering is inert (see inert.ts for the exact properties) and a snapshot of the lines that carry
// the corpus makes any change to how they render a reviewable diff. __tests__/report/* covers the
// renderers on a hand-built hostile report; this covers the way there, from files on disk.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { MARKER_PREFIX } from '../../src/report/escape.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/types.js';
import { outsideCode } from '../report/golden.js';
import { CONTROL_BUT_NEWLINE, expectAccountedReport, expectInert, INVISIBLE, renderAll } from './inert.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** The corpus, each value tagged (`⟦n⟧`) so that the lines carrying it can be found in any rendering. */
const CORPUS = [
  'a|b||c',
  '| --- | --- |',
  'x`y``z```',
  '</details><details open><summary>pwned</summary>',
  '<img src=x onerror=alert(1)>',
  '[link](http://evil.example)',
  '![x](http://evil.example/x.png)',
  '@org/team',
  '#123',
  'owner/repo#1',
  '<!-- iam-baseline-audit:comment key=default -->',
  'adm\u200Bin\u200D\uFEFF',
  'user\u202Etxt.exe\u2066',
  '\u001B[31mred\u001B[0m',
  '\u001B]8;;http://evil.example\u0007click\u001B]8;;\u0007',
  'line1\r\nline2\n- [ ] task',
  'www.evil.example',
  '$\\sqrt{x}$',
].map((v, i) => `⟦${i}⟧${v}`);

/** What a file name can carry of the corpus (no `/`, no NUL). */
const NAMES = CORPUS.map((v) => v.replace(/\//g, '∕'));

let tmp: string;
let report: Report;
let files: string[];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-injection-'));
  const written: Record<string, string> = {};
  // Standalone policies: a hostile file name and directory, hostile Sids and resources.
  CORPUS.forEach((v, i) => {
    written[`iam/${NAMES[i]}/${NAMES[i]}.json`] = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: v, Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::123456789012:role/${v}` },
        { Sid: `${v}-unknown`, Effect: 'Allow', Action: `ec2:${v}`, Resource: '*' },
      ],
    });
  });
  // A plan: hostile module keys and resource names in addresses, a hostile role name and ARN.
  written['tf/plan.json'] = JSON.stringify({
    format_version: '1.2',
    resource_changes: CORPUS.map((v, i) => ({
      address: `module.m[${JSON.stringify(v)}].aws_iam_policy.p${i}`,
      module_address: `module.m[${JSON.stringify(v)}]`,
      type: 'aws_iam_policy',
      name: `p${i}`,
      change: {
        actions: ['create'],
        before: null,
        after: {
          name: v,
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: v, Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${v}/*` }],
          }),
        },
      },
    })),
  });
  // *.tf.json: hostile resource names (addresses) and an interpolation.
  written['tf/main.tf.json'] = JSON.stringify({
    resource: {
      aws_iam_role_policy: Object.fromEntries(
        CORPUS.map((v, i) => [
          `r${i}${v}`,
          {
            role: v,
            policy: `{"Statement":[{"Sid":${JSON.stringify(v)},"Effect":"Allow","Action":"ec2:RunInstances","Resource":"\${var.x}"}]}`,
          },
        ]),
      ),
    },
  });
  // Authorization details: hostile role names, ARNs, inline policy names and attachments.
  written['aws/authorization-details.json'] = JSON.stringify({
    RoleDetailList: CORPUS.map((v, i) => ({
      Arn: `arn:aws:iam::123456789012:role/${v}`,
      RoleName: v,
      RolePolicyList: [
        {
          PolicyName: v,
          PolicyDocument: encodeURIComponent(
            JSON.stringify({
              Statement: [{ Sid: `s${i}`, Effect: 'Allow', Action: 'sqs:*', Resource: '*' }],
            }),
          ),
        },
      ],
      AttachedManagedPolicies: [{ PolicyArn: `arn:aws:iam::123456789012:policy/${v}` }],
    })),
  });
  for (const [rel, text] of Object.entries(written)) {
    mkdirSync(dirname(join(tmp, rel)), { recursive: true });
    writeFileSync(join(tmp, rel), text);
  }
  files = Object.keys(written);
  report = await runAudit({ root: tmp, paths: ['.'], baseline: 'coiled', now: NOW });
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Lines that carry a tagged corpus value (the tags themselves are plain text everywhere). */
const tagged = (text: string) => text.split('\n').filter((l) => /⟦\d+⟧/.test(l));

describe('hostile names and contents from files on disk, through runAudit, render inert', () => {
  it('the report accounts for every file and keeps every value whole (the JSON report is data)', () => {
    expectAccountedReport(report, files);
    const json = JSON.stringify(report);
    for (const v of CORPUS) expect(json).toContain(JSON.stringify(v).slice(1, -1));
  });

  it('every rendering is inert: no HTML, mention, reference, link, hidden character, escape or forged marker', () => {
    expectInert(report);
    const r = renderAll(report);
    const outside = outsideCode(r.comment);
    // The explicit cases of the brief.
    expect(outside).not.toContain('<img');
    expect(outside).not.toMatch(/@(?!&#8203;)/);
    expect(outside).not.toMatch(/\]\(/);
    expect(r.comment.split(MARKER_PREFIX).length - 1).toBe(1);
    expect(r.summary).not.toContain(MARKER_PREFIX);
    expect(r.text).not.toContain('\u001B');
    expect(r.colored.replace(/\u001B\[[0-9;]*m/g, '')).not.toContain('\u001B');
    for (const out of [r.comment, r.summary, r.text, r.sarif]) {
      expect(out).not.toMatch(INVISIBLE);
      expect(out).not.toMatch(CONTROL_BUT_NEWLINE);
    }
    // Nothing can form a table (a row is a line that starts and ends with a pipe), and every list
    // item stays on its line: the corpus' CR/LF never starts a line of its own.
    expect(outside.split('\n').filter((l) => /^\s*\|.*\|\s*$/.test(l))).toEqual([]);
    expect(r.comment.split('\n').some((l) => /^\s*(line2|- \[ \] task)/.test(l))).toBe(false);
    expect(r.text.split('\n').some((l) => /^\s*(line2|- \[ \] task)/.test(l))).toBe(false);
  });

  it('the drift issue carries its own marker once and no other', () => {
    const issue = renderMarkdown(report, { mode: 'issue' });
    expect(issue.split(MARKER_PREFIX).length - 1).toBe(1);
    expect(issue.startsWith('<!-- iam-baseline-audit:drift key=default -->')).toBe(true);
    expect(renderMarkdown(report, { mode: 'issue', commentKey: '--> <img src=x> <!--' }).split('\n')[0]).toBe(
      '<!-- iam-baseline-audit:drift key=--%3E%20%3Cimg%20src%3Dx%3E%20%3C%21-- -->',
    );
  });

  it('snapshot: the lines that carry the corpus in the comment, the text output and the SARIF messages', () => {
    const r = renderAll(report);
    const sarif = JSON.parse(r.sarif) as { runs: { results: { message: { text: string } }[] }[] };
    expect({
      comment: [...new Set(tagged(r.comment))].sort(),
      text: [...new Set(tagged(r.text))].sort(),
      sarif: [
        ...new Set(sarif.runs[0]!.results.map((x) => x.message.text).filter((t) => /⟦\d+⟧/.test(t))),
      ].sort(),
    }).toMatchSnapshot();
  });
});
