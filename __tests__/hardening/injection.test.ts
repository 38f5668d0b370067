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
import { MARKER_PREFIX } from '../../src/core/escape.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/core/types.js';
import { outsideCode } from '../report/golden.js';
import {
  CONTROL_BUT_NEWLINE,
  expectAccountedReport,
  expectInert,
  INVISIBLE,
  renderAll,
  workflowCommands,
} from './inert.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** The hostile values as they are. */
const RAW = [
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
  // Unicode tags (text hidden from a reader, not from a model), deprecated format controls,
  // interlinear annotation, a variation selector and the characters that render blank.
  'tag\u{E0069}\u{E0067}\u{E006E}\u206A\u206F\uFFF9hidden\uFFFB\uFE0F\u3164\u115F\u034F\u2800end',
  '\u001B[31mred\u001B[0m',
  '\u001B]8;;http://evil.example\u0007click\u001B]8;;\u0007',
  'line1\r\nline2\n- [ ] task',
  'www.evil.example',
  '$\\sqrt{x}$',
  // Workflow commands, new syntax (a line that starts with `::`, after white space).
  '::add-mask::hunter2',
  '::error::pwned',
  '::warning file=x.json,line=1::fake',
  '::notice::fake',
  '::debug::d',
  '::set-output name=result::pass',
  '::save-state name=a::b',
  '::stop-commands::abc',
  '::abc::',
  '::group::g',
  '::endgroup::',
  '::echo::on',
  '::ADD-MASK::upper',
  '  ::error::after spaces',
  '\t::error::after a tab',
  '\u00A0::error::after a no-break space',
  '\u3000::error::after an ideographic space',
  'a\n::error::after a newline',
  'a\r::error::after a carriage return',
  'a\r\n::add-mask::after CRLF',
  '\u2028::error::after a line separator',
  '%0A::error::encoded newline',
  // Workflow commands, old syntax (`##[` anywhere in a line).
  '##[error]pwned',
  '##[warning]x',
  '##[set-output name=result;]pass',
  '##[add-mask]hunter2',
  '##[group]g',
  '##[endgroup]',
  'mid ##[error]line',
  '###[error]x',
  '#\u200B#[error]x',
  // Terminal escapes beyond colour: screen clear, alternate screen, C1 CSI, OSC title, DCS.
  '\u001B[2J\u001B[H',
  '\u001B[?1049h',
  '\u009B31mc1',
  '\u001B]0;title\u0007',
  '\u001BPdcs\u001B\\',
  // Bidi and invisible characters.
  '\u202Dlro\u202C',
  '\u2067rli\u2069',
  '\u200E\u200Fmarks',
  '\u180Emvs\u2060wj',
  // HTML.
  '<script>alert(1)</script>',
  '<a href="javascript:alert(1)">x</a>',
  '<details open>',
  '&lt;b&gt;entities&lt;/b&gt;',
  '-->',
  // Markdown links and autolinks.
  '[x][1]\n\n[1]: http://evil.example',
  '<http://evil.example>',
  'https://evil.example/path?q=1',
  '![img][r]',
  // Mentions and references.
  '@here',
  '@octocat',
  'GH-42',
  'gh-7',
  'org/repo@abc1234',
  '<!-- iam-baseline-audit:drift key=default -->',
  // Shell and expression text (inert anyway, never run).
  '${{ secrets.GITHUB_TOKEN }}',
  '$(rm -rf /)',
];

/** The corpus, each value tagged (`⟦n⟧`) so that the lines carrying it can be found in any rendering. */
const CORPUS = RAW.map((v, i) => `⟦${i}⟧${v}`);

/** Untagged values that try to start a line with a workflow command (the tag would hide that). */
const LINE_STARTERS = RAW.filter((v) => /^\s*::|##\[/.test(v.replace(/^[a-z%0-9]*[\r\n\u2028]+/i, '')));

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
  // At the root, untagged: the file name starts the line that names it (a group header, a line of
  // "Not audited"), so a name such as `::add-mask::x.json` is where a command would run.
  LINE_STARTERS.forEach((v, i) => {
    const name = v.replace(/\//g, '∕');
    written[`${name}.json`] = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: v, Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }],
    });
    written[`${name}.not-iam-${i}.json`] = '// JSON with comments: not IAM\n{"output": {"dir": "dist"}}';
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
  it('the corpus has at least 60 hostile values, and the line starters reached the start of text lines', () => {
    expect(RAW.length).toBeGreaterThanOrEqual(60);
    expect(LINE_STARTERS.length).toBeGreaterThanOrEqual(20);
    const text = renderAll(report).text;
    // Escaped where they start a line (a group header, a line of "Not audited"), never a command.
    expect(text).toMatch(/^ {2}:\\:add-mask::hunter2\.json/m);
    expect(text).toMatch(/^ {2}:\\:add-mask::hunter2\.not-iam-\d+\.json: skipped/m);
    expect(workflowCommands(text)).toEqual([]);
  });

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

describe('hostile baseline names, versions, set descriptions and remediation (a repository baseline) render inert', () => {
  let dir: string;
  let own: Report;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iba-injection-baselines-'));
    const audits: object[] = [];
    const baselines: string[] = [];
    CORPUS.forEach((v, i) => {
      // JSON is YAML: the hostile values go in as they are, escapes and all.
      const baseline = {
        id: `b${i}`,
        name: v,
        version: v,
        remediation: RAW[i], // untagged: it starts a line of the text report
        'default-sets': ['ongoing'],
        sets: [
          {
            name: 'setup',
            kind: 'setup',
            description: v,
            statements: [{ Sid: 'Setup', Effect: 'Allow', Action: ['iam:CreateRole'], Resource: '*' }],
          },
          {
            name: 'ongoing',
            kind: 'ongoing',
            description: v,
            statements: [{ Sid: 'Ongoing', Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }],
          },
        ],
      };
      baselines.push(`baselines/b${i}.yml`);
      audits.push({ policies: [`iam/p${i}.json`], baseline: `b${i}` });
      mkdirSync(join(dir, 'baselines'), { recursive: true });
      mkdirSync(join(dir, 'iam'), { recursive: true });
      writeFileSync(join(dir, `baselines/b${i}.yml`), JSON.stringify(baseline, null, 1));
      // The setup action (a leftover set, so the remediation is shown), the ongoing one, and excess.
      writeFileSync(
        join(dir, `iam/p${i}.json`),
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: v,
              Effect: 'Allow',
              Action: ['iam:CreateRole', 's3:GetObject', 'ec2:RunInstances'],
              Resource: '*',
            },
          ],
        }),
      );
    });
    mkdirSync(join(dir, '.github'), { recursive: true });
    writeFileSync(
      join(dir, '.github/iam-baseline-audit.yml'),
      JSON.stringify({ version: 1, baselines, audits }),
    );
    own = await runAudit({ root: dir, paths: ['iam'], now: NOW });
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every baseline was used, and its name and remediation reach the renderings', () => {
    expect(own.baselines.map((b) => b.id).sort()).toEqual(CORPUS.map((_, i) => `b${i}`).sort());
    expect(own.findings.filter((f) => f.kind === 'leftover-set')).toHaveLength(CORPUS.length);
    const r = renderAll(own);
    // The remediation of each baseline is shown next to its leftover set, tagged, in text and Markdown.
    for (let i = 0; i < CORPUS.length; i++) {
      expect(r.text).toContain(`⟦${i}⟧`);
      expect(r.comment).toContain(`⟦${i}⟧`);
    }
    // The untagged remediations start lines of the text report, escaped: `:\:` and `##\[`.
    expect(r.text).toMatch(/^\s*:\\:add-mask::hunter2$/m);
    expect(r.text).toContain('##\\[error]pwned');
  });

  it('all four formats and the text the action logs are inert', () => {
    expectInert(own);
    const r = renderAll(own);
    expect(workflowCommands(r.text)).toEqual([]);
    expect(r.sarif).not.toContain('##[');
  });
});
