import {
  escapeMarkdown,
  escapeTerminal,
  fencedBlock,
  fencedBlockNote,
  hiddenMarker,
} from '../../src/core/escape.js';
import { COMMENT_LIMIT, commentMarker, renderMarkdown, SUMMARY_LIMIT } from '../../src/report/markdown.js';
import {
  baseReport,
  bigReport,
  cleanReport,
  driftReport,
  finding,
  HOSTILE,
  hostileReport,
  pullRequestReport,
} from './fixtures.js';
import { expectGolden, outsideCode } from './golden.js';

const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('renderMarkdown: golden outputs', () => {
  it('a pull request comment: new findings first, the rest collapsed', () => {
    expectGolden(
      'pull-request.comment.md',
      renderMarkdown(pullRequestReport(), {
        mode: 'comment',
        commentKey: 'main',
        summaryUrl: 'https://github.com/o/r/actions/runs/1',
      }),
    );
  });

  it('a clean audit in the job summary', () => {
    expectGolden('clean.summary.md', renderMarkdown(cleanReport(), { mode: 'summary' }));
  });

  it('a drift issue (no base: every finding is current)', () => {
    expectGolden(
      'drift.issue.md',
      renderMarkdown(driftReport(), { mode: 'issue', commentKey: 'nightly', title: 'IAM baseline drift' }),
    );
  });

  it('the hostile corpus, rendered inert', () => {
    expectGolden('hostile.comment.md', renderMarkdown(hostileReport(), { mode: 'comment' }));
  });
});

describe('renderMarkdown: content', () => {
  const md = renderMarkdown(pullRequestReport(), { mode: 'comment', commentKey: 'main' });

  it('starts with the marker, then the title and a one-line verdict', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('<!-- iam-baseline-audit:comment key=main -->');
    expect(lines[1]).toBe('### IAM baseline audit');
    expect(lines[3]).toBe(
      '❌ **2 new findings** in 2 policies: permissions beyond the vendor baselines (and 2 pre-existing, 1 new informational, 1 new ignored)',
    );
  });

  it("writes a note's command in a code span, so that it is copied as it is", () => {
    const out = renderMarkdown(
      baseReport({
        notes: ['p.json follows skypilot@2023. If it does on purpose, audit with --baseline skypilot@2023.'],
      }),
    );
    // The id in prose keeps its broken `@`; the command is literal, the sentence's period outside it.
    expect(out).toContain(
      '- p\\.json follows skypilot@&#8203;2023\\. If it does on purpose, audit with `--baseline skypilot@2023`\\.',
    );
  });

  it('the verdict tells a file or policy that cannot be read apart from permissions', () => {
    const invalid = finding({ kind: 'invalid-policy', policy: 'iam/broken.json', path: 'iam/broken.json' });
    const excess = finding({ kind: 'excess-action', actions: ['iam:CreateUser'] });
    expect(renderMarkdown(baseReport({ findings: [invalid] }))).toContain(
      '❌ **1 finding** in 1 policy: invalid or unreadable files or policies',
    );
    expect(renderMarkdown(baseReport({ findings: [excess, invalid] }))).toContain(
      '❌ **2 findings** in 2 policies: permissions beyond the vendor baselines, and 1 invalid or unreadable',
    );
  });

  it('the verdict and the collapsed section count the same pre-existing findings, missing permissions told apart', () => {
    const report = pullRequestReport();
    report.findings.push(
      finding({
        kind: 'missing-permission',
        severity: 'info',
        new: false,
        actions: ['ecr:GetAuthorizationToken'],
      }),
    );
    const body = renderMarkdown(report, { mode: 'comment' });
    // (as the outputs' excess-count and the text report count them: a missing permission is informational)
    const inVerdict = /\(and (\d+) pre-existing[,)]/.exec(body)?.[1];
    const inSection =
      /<summary>(\d+) pre-existing findings? and 1 informational \(already in the base\)<\/summary>/.exec(
        body,
      )?.[1];
    expect(inVerdict).toBe('2');
    expect(inSection).toBe(inVerdict);
  });

  it('puts new findings before the collapsed pre-existing ones', () => {
    const newAt = md.indexOf('#### New in this change');
    const ec2 = md.indexOf('`ec2:*`');
    const preexisting = md.indexOf('<summary>2 pre-existing findings');
    const leftover = md.indexOf('`iam:CreateRole`');
    expect(newAt).toBeGreaterThan(0);
    expect(ec2).toBeGreaterThan(newAt);
    expect(preexisting).toBeGreaterThan(ec2);
    expect(leftover).toBeGreaterThan(preexisting);
  });

  it('explains a leftover set with the baseline remediation', () => {
    expect(md).toContain('Coiled: Once the Coiled workspace is set up, delete the Setup statements');
  });

  it('lists missing permissions last, as informational', () => {
    const section = md.slice(md.indexOf('#### New in this change'), md.indexOf('<details>'));
    const firstPolicy = section.slice(0, section.indexOf('`infra/main.tf.json`'));
    expect(firstPolicy.indexOf('Missing from the policy (informational)')).toBeGreaterThan(
      firstPolicy.indexOf('Excess actions'),
    );
  });

  it('shows a count and the audit message for a wildcard expansion, not hundreds of names', () => {
    const report = pullRequestReport();
    report.findings = [
      {
        ...report.findings[0]!,
        actions: Array.from({ length: 822 }, (_, i) => `ec2:Action${i}`),
        message: '822 actions (from ec2:*) in no set of the coiled baseline: ec2:RunInstances and 821 more',
      },
    ];
    const out = renderMarkdown(report);
    expect(out).toContain('- 🟥 **critical** · **822 actions** (every one in the JSON report)\\');
    expect(out).toContain('822 actions \\(from ec2:\\*\\) in no set of the coiled baseline');
    expect(out).not.toContain('ec2:Action9`');
    // (the action says which of its outputs the JSON report is)
    expect(
      renderMarkdown(report, { wholeListsAt: "the JSON report, the step's `findings-file` output" }),
    ).toContain(
      "- 🟥 **critical** · **822 actions** (every one in the JSON report, the step's `findings-file` output)\\",
    );
  });

  it('says when a finding is approximate', () => {
    expect(md).toContain('⚠️ approximate: the resource comes from a');
  });

  it('shows removed permissions, ignored findings with their reason, not-audited policies and notes', () => {
    expect(md).toContain('1 finding removed by this change');
    // (with its severity and resources: a narrowed grant's finding still there names the same place)
    expect(md).toContain(
      '- 🟡 **low** · `logs:DescribeLogGroups` · statement `Old` · `iam/coiled-policy.json:40` · on `*` (before the change)',
    );
    expect(md).toContain('`logs:DescribeLogGroups`');
    expect(md).toContain('1 ignored finding (not counted)');
    expect(md).toContain('ignored: tags are needed by our cost reports (until `2030-01-01`)');
    expect(md).toContain('`aws_iam_policy.other`: not-matched');
    expect(md).toContain('`README.md`: skipped');
    expect(md).toContain('**Notes**');
  });

  it('puts the suggested minimal policy in a collapsed diff block', () => {
    expect(md).toMatch(
      /<details>\n<summary>💡 Suggested minimal policy: <code>iam\/coiled-policy\.json<\/code><\/summary>\n\n(.*\n\n)?```diff\n--- /,
    );
  });

  it('says what an ignore rule keeps that the minimal policy removes', () => {
    // The fixture's policy has an ignored ec2:CreateTags; without it, no such line.
    expect(md).toContain(
      '<code>iam/coiled-policy.json</code></summary>\n\nIt also removes what an ignore rule keeps (`ec2:CreateTags`): keep those when you apply it (`fix` leaves this policy as written).\n\n```diff',
    );
    const report = pullRequestReport();
    const plain = renderMarkdown(
      { ...report, findings: report.findings.filter((f) => !f.ignored) },
      { mode: 'comment', commentKey: 'main' },
    );
    expect(plain).not.toContain('ignore rule keeps');
  });

  it('advises deleting a policy whose every statement would go', () => {
    const report = baseReport({
      suggestions: [
        {
          policy: 'iam/setup.json',
          minimal: { Version: '2012-10-17', Statement: [] },
          diff: '--- iam/setup.json\n+++ iam/setup.json (minimal)\n@@ -1 +1 @@\n-x\n+y\n',
        },
      ],
    });
    const out = renderMarkdown(report);
    expect(out).toContain(
      '<code>iam/setup.json</code></summary>\n\nEvery statement of this policy would be removed: delete the policy (or detach it) instead.\n\n</details>',
    );
    // No diff to a policy of no statement (IAM takes none).
    expect(out).not.toContain('(minimal)');
    expect(md).not.toContain('Every statement of this policy would be removed');
  });

  it('ends with a footer naming the tool, the catalog and the baselines', () => {
    const footer = md.trimEnd().split('\n').pop()!;
    expect(footer).toMatch(
      /^<sub>iam\\-baseline\\-audit 0\\\.1\\\.0 · catalog .* · baseline `coiled` `2024-06` \(2024\\-06\\-01\)<\/sub>$/,
    );
  });

  it('does not count ignored or informational findings in the verdict', () => {
    const onlyIgnored = pullRequestReport();
    onlyIgnored.findings = onlyIgnored.findings.filter((f) => f.ignored || f.kind === 'missing-permission');
    // (its new missing permission, one the change takes away, makes it a warning, not a failure)
    const body = renderMarkdown(onlyIgnored);
    expect(body).toContain('⚠️ **No new IAM permissions beyond the vendor baselines**');
    expect(body).not.toContain('❌');
    const none = pullRequestReport();
    none.findings = none.findings.filter(
      (f) => f.ignored || (f.kind === 'missing-permission' && f.new !== true),
    );
    expect(renderMarkdown(none)).toContain('✅ **No new IAM permissions beyond the vendor baselines**');
  });

  // (a review: with `severity-threshold: info`, a change that only takes away a vendor permission
  // failed the check, and the comment said "⚠️ No new IAM permissions beyond the vendor baselines")
  it('says the check fails when only informational findings fail it (severity-threshold: info)', () => {
    const report = pullRequestReport();
    report.findings = report.findings.filter((f) => f.ignored || f.kind === 'missing-permission');
    expect(report.findings.some((f) => f.new === true && f.kind === 'missing-permission')).toBe(true);
    const head = (r: typeof report, check: { result: 'pass' | 'fail'; failOn: string; threshold: 'info' }) =>
      renderMarkdown(r, { check }).split('\n')[2];
    expect(head(report, { result: 'fail', failOn: 'new', threshold: 'info' })).toMatch(
      /^❌ \*\*No new IAM permissions beyond the vendor baselines\*\*, but the check fails on 1 informational finding \(`severity-threshold: info` counts them\) · .*new informational finding/,
    );
    expect(head(report, { result: 'pass', failOn: 'new', threshold: 'info' })).toMatch(
      /^⚠️ \*\*No new IAM permissions beyond the vendor baselines\*\* · /,
    );
    // (a review: `fail-on: any` failing on the base's findings was said to fail on informational ones)
    const old = pullRequestReport();
    old.findings = old.findings.filter(
      (f) => f.new !== true && !f.ignored && f.kind !== 'missing-permission',
    );
    expect(old.findings.length).toBeGreaterThan(0);
    const n = old.findings.filter((f) => ['critical', 'high', 'medium'].includes(f.severity)).length;
    expect(
      renderMarkdown(old, { check: { result: 'fail', failOn: 'any', threshold: 'medium' } }).split('\n')[2],
    ).toMatch(
      new RegExp(
        `^❌ \\*\\*No new IAM permissions beyond the vendor baselines\\*\\*, but the check fails on ${n} pre-existing findings? \\(\`fail-on: any\`\\) · `,
      ),
    );
  });

  // (a review: a pull request adding `iam:*` and an ignore rule for it got only "✅ No new IAM
  // permissions", the ignored findings collapsed at the bottom)
  it('says how many new findings the configuration ignores, without counting them', () => {
    const report = pullRequestReport();
    const ignoredNew = report.findings
      .filter((f) => !f.ignored && f.new === true && f.kind !== 'missing-permission')
      .map((f) => ({ ...f, ignored: { reason: 'temporary' } }));
    expect(ignoredNew.length).toBeGreaterThan(0);
    report.findings = [...report.findings.filter((f) => f.new !== true), ...ignoredNew];
    const first = renderMarkdown(report).split('\n')[2];
    expect(first).toBe(
      `✅ **No new IAM permissions beyond the vendor baselines** · 2 pre-existing findings · ${ignoredNew.length} new findings ignored by the configuration`,
    );
  });

  it('without a base, presents every finding as current', () => {
    const drift = renderMarkdown(driftReport(), { mode: 'issue' });
    expect(drift.split('\n')[0]).toBe('<!-- iam-baseline-audit:drift key=default -->');
    expect(drift).toContain('❌ **4 findings** in 2 policies');
    expect(drift).not.toContain('pre-existing');
    expect(drift).toContain('#### Findings');
  });

  it('a clean audit says so in one line', () => {
    expect(renderMarkdown(cleanReport())).toContain('✅ **No IAM permissions beyond the vendor baselines**');
  });

  it('says when nothing was audited', () => {
    const none = cleanReport();
    none.policies = none.policies.map((p) => ({ ...p, status: 'not-matched' as const }));
    expect(renderMarkdown(none)).toContain('⚠️ **No IAM policy was audited**');
  });

  it('stays readable on a phone: no tables, short list items', () => {
    expect(md).not.toMatch(/^\|/m);
    for (const line of md.split('\n')) {
      if (
        line.startsWith('```') ||
        line.startsWith('-   ') ||
        line.startsWith('+++') ||
        line.startsWith('---')
      )
        continue;
      expect(line.length).toBeLessThan(200);
    }
  });
});

describe('escapeMarkdown', () => {
  it('puts plain values in code spans, with a longer fence around backticks', () => {
    expect(escapeMarkdown('ec2:RunInstances')).toBe('`ec2:RunInstances`');
    expect(escapeMarkdown('a`b')).toBe('``a`b``');
    expect(escapeMarkdown('`x`')).toBe('`` `x` ``');
    expect(escapeMarkdown('x```y')).toBe('````x```y````');
    expect(escapeMarkdown('')).toBe('_(empty)_');
  });

  it('escapes values with HTML characters or pipes as text', () => {
    expect(escapeMarkdown('<b>&')).toBe('&lt;b&gt;&amp;');
    expect(escapeMarkdown('a|b')).toBe('a\\|b');
  });

  it('breaks mentions, references and autolinks in text', () => {
    expect(escapeMarkdown('@org/team #1 owner/repo#2', 'text')).toBe(
      '@&#8203;org/team #&#8203;1 owner/repo#&#8203;2',
    );
    expect(escapeMarkdown('http://x www.y', 'text')).toBe('http:&#8203;//x www&#8203;\\.y');
    expect(escapeMarkdown('[a](b) ![c](d) *e* _f_ ~g~ $h$', 'text')).toBe(
      '\\[a\\]\\(b\\) \\!\\[c\\]\\(d\\) \\*e\\* \\_f\\_ \\~g\\~ \\$h\\$',
    );
  });

  it('escapes for raw HTML contexts', () => {
    expect(escapeMarkdown('<x a="1">@y', 'html')).toBe('&lt;x a=&quot;1&quot;&gt;@&#8203;y');
  });

  it('makes newlines, control, zero-width and bidi characters visible', () => {
    expect(escapeMarkdown('a\r\nb\tc\u001B[31m\u202Ed\u200Be\uFEFF')).toBe(
      '`a\\r\\nb\\tc\\x1b[31m\\u202Ed\\u200Be\\uFEFF`',
    );
    expect(escapeTerminal('\u009B31m\u0007')).toBe('\\x9B31m\\x07');
  });

  it('keeps our marker key inside the comment', () => {
    expect(hiddenMarker('comment', 'a --> <b>')).toBe(
      '<!-- iam-baseline-audit:comment key=a%20--%3E%20%3Cb%3E -->',
    );
    expect(commentMarker()).toBe('<!-- iam-baseline-audit:comment key=default -->');
  });

  it('fences a diff so that nothing inside closes it', () => {
    const block = fencedBlock('-a\n```\n+b ````` <!-- x', 'diff');
    expect(block.split('\n')[0]).toBe('``````diff');
    expect(block.split('\n').pop()).toBe('``````');
    expect(block).not.toContain('<!--');
  });
});

describe('renderMarkdown: hostile input is inert', () => {
  const md = renderMarkdown(hostileReport(), { mode: 'comment' });
  const outside = outsideCode(md);

  it('carries our marker exactly once', () => {
    expect(count(md, '<!-- iam-baseline-audit')).toBe(1);
    expect(md.startsWith(commentMarker())).toBe(true);
  });

  it('emits no HTML from input: only our own tags, balanced', () => {
    const tags = outside.match(/<[^\s>]*/g) ?? [];
    const allowed = new Set([
      '<details',
      '</details',
      '<summary',
      '</summary',
      '<code',
      '</code',
      '<sub',
      '</sub',
      '<!--',
    ]);
    expect(tags.filter((t) => !allowed.has(t))).toEqual([]);
    expect(outside).not.toContain('<img');
    expect(count(md, '<details>')).toBe(count(md, '</details>'));
    expect(count(md, '<summary>')).toBe(count(md, '</summary>'));
    expect(md).not.toContain('<details open');
  });

  it('makes no mention, team mention or issue reference outside code', () => {
    expect(outside).not.toMatch(/@(?!&#8203;)/);
    expect(outside).not.toContain('@org');
    const entities = outside.replace(/&#?\w+;/g, '§');
    expect(entities).not.toMatch(/#\d/);
    expect(entities).not.toMatch(/#(?![#\s§])/);
  });

  it('makes no link, image or autolink outside code', () => {
    expect(outside).not.toContain('](');
    expect(outside).not.toContain('http://');
    expect(outside).not.toMatch(/www\./i);
  });

  it('cannot break a table: every pipe outside code is escaped', () => {
    expect(outside.replace(/\\\\/g, '')).not.toMatch(/(^|[^\\])\|/);
  });

  it('keeps every value on its line, with no control or invisible character', () => {
    expect(md).not.toContain('\r');
    expect(md).not.toMatch(CONTROL);
    expect(md).not.toMatch(INVISIBLE);
    expect(md.split('\n').some((l) => l.startsWith('line2'))).toBe(false);
    expect(md).not.toMatch(/^- \[ \] task/m);
  });

  it('keeps the diff inside its fence', () => {
    const lines = md.split('\n');
    const open = lines.findIndex((l) => /^`{3,}diff$/.test(l));
    const fence = lines[open]!.replace('diff', '');
    const close = lines.indexOf(fence, open + 1);
    expect(close).toBeGreaterThan(open);
    expect(lines.slice(open + 1, close).join('\n')).toContain('<img src=x');
    // The hostile diff holds a marker, shown as `<!-\-`: a line under the block says so.
    expect(lines.slice(open + 1, close).join('\n')).toContain('<!-\\- iam-baseline-audit');
    expect(lines[close + 2]).toBe(fencedBlockNote('<!--'));
    expect(lines[close + 4]).toBe('</details>');
  });

  it('says under a diff when it shows a <!-- of the policy as <!-\\-, and only then', () => {
    const rep = pullRequestReport();
    const plain = renderMarkdown(rep, { mode: 'comment' });
    expect(plain).not.toContain(fencedBlockNote('<!--')!);
    const s = rep.suggestions[0]!;
    s.diff = s.diff.replace(/^\+(.*)$/m, '+$1 "<!-- x -->"');
    expect(s.diff).toContain('<!--');
    const out = renderMarkdown(rep, { mode: 'comment' });
    expect(out).toContain('<!-\\- x -->');
    expect(count(out, '<!--')).toBe(1);
    const lines = out.split('\n');
    const note = lines.indexOf(fencedBlockNote('<!--')!);
    expect(note).toBeGreaterThan(0);
    expect(lines[note - 2]).toMatch(/^`{3,}$/);
    expect(outsideCode(lines[note]!)).not.toMatch(/</);
    expect(fencedBlockNote('<!-')).toBeUndefined();
  });

  it('renders every hostile value somewhere (nothing is dropped)', () => {
    for (const v of [
      'a\\|b\\|\\|c',
      '&lt;img src\\=x onerror\\=alert\\(1\\)&gt;',
      '`#123`',
      'adm\\u200Bin\\uFEFF',
      'user\\u202Etxt',
    ]) {
      expect(md).toContain(v);
    }
    expect(Object.keys(HOSTILE).length).toBeGreaterThan(15);
  });
});

describe('renderMarkdown: size limits', () => {
  it('keeps a comment with 5,000 findings under 65,536 characters, verdict first', () => {
    const md = renderMarkdown(bigReport(5000), {
      mode: 'comment',
      summaryUrl: 'https://github.com/o/r/actions/runs/7',
    });
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).toContain('❌ **5000 new findings** in 1 policy');
    expect(md).toMatch(/\*\*… and \d+ more findings not shown\.\*\*/);
    expect(md).toContain('job summary of the [latest run](https://github.com/o/r/actions/runs/7)');
    expect(count(md, '<!-- iam-baseline-audit')).toBe(1);
    expect(md.trimEnd().endsWith('</sub>')).toBe(true);
    const shown = (md.match(/^- /gm) ?? []).length;
    const notShown = Number(/… and (\d+) more findings/.exec(md)![1]);
    expect(shown + notShown).toBe(5000);
  });

  it('drops the rest before the new findings when the whole does not fit', () => {
    const report = bigReport(150);
    report.suggestions = [{ policy: 'iam/coiled-policy.json', minimal: {}, diff: `-${'x'.repeat(70_000)}` }];
    const md = renderMarkdown(report, { mode: 'comment' });
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).not.toContain('Suggested minimal policy');
    expect(md).not.toContain('more findings not shown');
    expect((md.match(/^- /gm) ?? []).length).toBe(150);
    expect(md).toContain('the full report is in the job summary');
  });

  it('honours maxLength', () => {
    const md = renderMarkdown(bigReport(100), { mode: 'comment', maxLength: 5000 });
    expect(md.length).toBeLessThan(5000);
  });

  // Counting reads: which suggestions' diffs were read (made on first read in a real report), and
  // how often a finding's `resources` were (read by the line of every finding shown, by nothing
  // else: not the grouping, its sorting, or the scan for a note the group's findings share).
  const withCounts = (n: number, suggestions: number, diffLength = 0) => {
    const report = bigReport(n);
    const reads = { diffs: new Set<number>(), diffReads: 0, findings: 0 };
    for (const f of report.findings) {
      const resources = f.resources;
      Object.defineProperty(f, 'resources', {
        enumerable: true,
        get: () => {
          reads.findings++;
          return resources;
        },
      });
    }
    report.suggestions = Array.from({ length: suggestions }, (_, i) => ({
      policy: `iam/p${i}.json`,
      minimal: {},
      get diff() {
        reads.diffs.add(i);
        reads.diffReads++;
        return `-a${i}\n+b${i}${'x'.repeat(diffLength)}\n`;
      },
    }));
    return { report, reads };
  };

  it('makes only what it can show: no diff of a section past the limit, no line of a finding cut', () => {
    // Everything fits: every finding's line and every diff are made, each diff by a few reads.
    const small = withCounts(10, 5);
    const all = renderMarkdown(small.report, { mode: 'summary' });
    expect(count(all, 'Suggested minimal policy')).toBe(5);
    const perFinding = small.reads.findings / 10;
    expect(perFinding).toBeGreaterThanOrEqual(1);
    expect(small.reads.diffs.size).toBe(5);
    expect(small.reads.diffReads).toBeLessThanOrEqual(5 * 3);
    // The findings alone are over the limit: no diff is read, and the findings are made as far as
    // they fit (then those kept are shown from what was made).
    const big = withCounts(4000, 3000);
    const cut = renderMarkdown(big.report, { mode: 'comment' });
    expect(cut).toContain('more findings not shown');
    expect(big.reads.diffs.size).toBe(0);
    const shown = (cut.match(/^- /gm) ?? []).length;
    expect(shown).toBeGreaterThan(50);
    expect(big.reads.findings).toBeLessThan((shown + 20) * perFinding);
    expect(big.reads.findings).toBeLessThan((4000 / 4) * perFinding);
  });

  it('reads the suggested policies only until they pass the limit when the findings fit', () => {
    // 20 findings fit a comment; 3,000 diffs of about 1,000 characters do not. The report is the
    // findings and the pointer; the diffs are read in order until the report is past the limit.
    const mid = withCounts(20, 3000, 1000);
    const out = renderMarkdown(mid.report, { mode: 'comment' });
    expect(out.length).toBeLessThan(COMMENT_LIMIT);
    expect(out).not.toContain('Suggested minimal policy');
    expect(out).not.toContain('more findings not shown');
    expect((out.match(/^- /gm) ?? []).length).toBe(20);
    expect(out).toContain('the full report is in the job summary');
    const read = [...mid.reads.diffs].sort((a, b) => a - b);
    expect(read.length).toBeGreaterThan(COMMENT_LIMIT / 1200);
    expect(read.length).toBeLessThanOrEqual(Math.ceil(COMMENT_LIMIT / 1000) + 1);
    // The first ones in the report's order (by policy name here: the policies are not in the report).
    const order = Array.from({ length: 3000 }, (_, i) => i).sort((a, b) =>
      `iam/p${a}.json`.localeCompare(`iam/p${b}.json`),
    );
    expect(read).toEqual(order.slice(0, read.length).sort((a, b) => a - b));
  });

  it('is the whole report when it fits, byte for byte, and a shortened one under the limit otherwise', () => {
    // Around the exact size of the whole report, in characters (comment) and in UTF-8 bytes
    // (summary), with text of surrogate pairs and lone surrogates, findings cut and not.
    const varied = (n: number): ReturnType<typeof bigReport> => {
      const report = bigReport(n);
      report.findings.forEach((f, i) => {
        f.message = `${'😀'.repeat(i % 5)}${i % 7 === 0 ? '\uD800' : ''} message ${i}${'é'.repeat(i % 3)}`;
        f.new = i % 4 !== 0;
      });
      report.suggestions = [0, 1, 2].map((i) => ({
        policy: `iam/😀${i}.json`,
        minimal: {},
        diff: i === 1 ? '' : `-a${i}\n+${'🙈'.repeat(i * 30)}\n`,
      }));
      report.notes = ['a note 🙈'];
      return report;
    };
    for (const mode of ['comment', 'summary'] as const) {
      const measure =
        mode === 'summary' ? (s: string) => Buffer.byteLength(s, 'utf8') : (s: string) => s.length;
      for (const n of [0, 3, 12]) {
        const whole = renderMarkdown(varied(n), { mode, maxLength: Number.MAX_SAFE_INTEGER });
        const size = measure(whole);
        for (const limit of [size + 1, size + 2, size + 100])
          expect(renderMarkdown(varied(n), { mode, maxLength: limit })).toBe(whole);
        for (const limit of [size, size - 1, size - 2, Math.floor(size / 2), 300, 40]) {
          const out = renderMarkdown(varied(n), { mode, maxLength: limit });
          expect(measure(out)).toBeLessThan(limit);
          expect(out).not.toBe(whole);
          if (out !== '') expect(out.endsWith('\n')).toBe(true);
        }
      }
    }
  });

  it('gives nothing under a limit of 0 or less (and does not loop)', () => {
    for (const maxLength of [0, -1])
      expect(renderMarkdown(bigReport(3), { mode: 'comment', maxLength })).toBe('');
  });

  it('keeps a job summary under 1 MiB', () => {
    const md = renderMarkdown(bigReport(8000), { mode: 'summary' });
    expect(Buffer.byteLength(md)).toBeLessThan(SUMMARY_LIMIT);
    expect(md).toContain('Shortened to fit the job summary');
  });
});

describe('GitHub references in escaped text', () => {
  it('GH-42 (any case) is broken like #42, in Markdown text and in raw HTML', () => {
    for (const style of ['text', 'html'] as const) {
      for (const ref of ['GH-42', 'gh-7', 'Gh-1']) {
        const out = escapeMarkdown(`see ${ref} now`, style);
        expect(out).toContain('&#8203;');
        expect(out).not.toMatch(/gh-\d/i);
      }
    }
    // Not a reference: left as it is (apart from the usual escaping).
    expect(escapeMarkdown('GH-x', 'text')).toBe('GH\\-x');
  });
});

describe('renderMarkdown: suggested changes left out of the review', () => {
  it('counts them in one line of the comment, and says nothing when none is left out', () => {
    const plain = renderMarkdown(pullRequestReport(), { mode: 'comment' });
    expect(renderMarkdown(pullRequestReport(), { mode: 'comment', moreSuggestions: 0 })).toBe(plain);
    expect(plain).not.toContain('more suggested change');
    const one = renderMarkdown(pullRequestReport(), { mode: 'comment', moreSuggestions: 1 });
    expect(one).toContain('💡 1 more suggested change was not posted in the review (at most 20 a run)');
    const seven = renderMarkdown(pullRequestReport(), { mode: 'comment', moreSuggestions: 7 });
    expect(seven).toContain('💡 7 more suggested changes were not posted in the review');
    expect(seven).toContain('`iam-baseline-audit fix`');
  });
});

describe('renderMarkdown: why the review has no suggested change for some files', () => {
  it('one short line per reason, the files escaped; nothing when there is none', () => {
    const plain = renderMarkdown(pullRequestReport(), { mode: 'comment' });
    expect(renderMarkdown(pullRequestReport(), { mode: 'comment', noSuggestion: [] })).toBe(plain);
    const out = renderMarkdown(pullRequestReport(), {
      mode: 'comment',
      noSuggestion: [
        { why: 'placeholder', placeholder: '<account-ID-without-hyphens>', paths: ['infra/sky.json'] },
        { why: 'outside-diff', paths: ['a.tf', 'b`c.json', 'd.json', 'e.json'] },
        { why: 'not-rewritten', paths: [HOSTILE.details] },
        { why: 'partly-outside', paths: ['f.json'] },
      ],
    });
    const lines = out.split('\n').filter((l) => l.startsWith('💡 No one-click suggestion'));
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(
      "💡 No one-click suggestion for `f.json`: the change also rewrites lines outside this pull request's diff, and its part inside is not valid alone (`iam-baseline-audit fix` makes the whole of it).",
    );
    expect(lines[0]).toBe(
      `💡 No one-click suggestion for \`infra/sky.json\`: it would write the baseline's placeholder ${escapeMarkdown('<account-ID-without-hyphens>')} into the file: set \`account-id\` when it is the account ID, or narrow it by hand.`,
    );
    expect(lines[1]).toMatch(
      /^💡 No one-click suggestion for `a\.tf`, .*, `d\.json` and 1 more file: the change is outside this pull request's diff\.$/,
    );
    expect(lines[1]).not.toContain('e.json');
    expect(lines[1]).toContain(escapeMarkdown('b`c.json'));
    expect(lines[2]).toBe(
      `💡 No one-click suggestion for ${escapeMarkdown(HOSTILE.details)}: the policy cannot be rewritten in its file (\`iam-baseline-audit fix --dry-run\` says why).`,
    );
  });
});

describe('renderMarkdown: the most severe policies first', () => {
  // Two policies in the report's order (by path): the second has the critical finding.
  const report = () =>
    baseReport({
      findings: [
        finding({
          kind: 'excess-action',
          severity: 'medium',
          actions: ['ec2:DescribeRegions'],
          message: 'first-medium',
        }),
        finding({
          kind: 'excess-action',
          severity: 'critical',
          policy: 'infra/main.tf.json#aws_iam_role_policy.coiled',
          path: 'infra/main.tf.json',
          address: 'aws_iam_role_policy.coiled',
          actions: ['iam:PassRole'],
          message: 'second-critical',
        }),
      ],
    });

  it.each(['issue', 'comment', 'summary'] as const)('%s: the critical policy heads the findings', (mode) => {
    const md = renderMarkdown(report(), { mode });
    expect(md.indexOf('iam:PassRole')).toBeGreaterThan(0);
    expect(md.indexOf('iam:PassRole')).toBeLessThan(md.indexOf('ec2:DescribeRegions'));
  });

  it('an issue cut to its limit keeps the critical one', () => {
    // The longest cut that drops a finding: the medium one goes, the critical one stays.
    const whole = renderMarkdown(report(), { mode: 'issue' });
    let cut = whole;
    for (let limit = whole.length; cut.includes('ec2:DescribeRegions') && limit > 0; limit -= 10)
      cut = renderMarkdown(report(), { mode: 'issue', maxLength: limit });
    expect(cut).not.toContain('ec2:DescribeRegions');
    expect(cut).toContain('iam:PassRole');
  });
});

// (a review) A pull request whose only finding is below the severity threshold passed its check,
// and the comment and summary said ❌.
describe('renderMarkdown: findings that do not fail the check', () => {
  const report = baseReport({
    findings: [finding({ kind: 'excess-action', severity: 'low', actions: ['s3:ListAllMyBuckets'] })],
  });

  it('⚠️ and why, when the check passes; ❌ when it fails or is not said', () => {
    const passes = renderMarkdown(report, {
      mode: 'comment',
      check: { result: 'pass', failOn: 'new', threshold: 'medium' },
    });
    expect(passes).toContain('⚠️ **1 finding** in 1 policy');
    expect(passes).toContain('(none that fails the check: below the `severity-threshold` of medium)');
    expect(passes).not.toContain('❌');
    const off = renderMarkdown(report, {
      mode: 'comment',
      check: { result: 'pass', failOn: 'none', threshold: 'medium' },
    });
    expect(off).toContain('(`fail-on: none`: the check passes)');
    for (const md of [
      renderMarkdown(report, { mode: 'comment', check: { result: 'fail', failOn: 'any', threshold: 'low' } }),
      renderMarkdown(report, { mode: 'comment' }),
    ])
      expect(md).toContain('❌ **1 finding** in 1 policy');
  });
});

describe('files skipped for one reason', () => {
  it('past three, one line with a count and the first three (a review: hundreds of lines of them)', () => {
    const report = cleanReport();
    const yaml = 'a YAML file that is not a CloudFormation template';
    report.inputs = [
      ...report.inputs,
      ...Array.from({ length: 40 }, (_, i) => ({
        path: `k8s/m${String(i).padStart(2, '0')}.yaml`,
        kind: 'unknown' as const,
        status: 'skipped' as const,
        reason: yaml,
        policies: [],
      })),
      {
        path: 'package.json',
        kind: 'unknown' as const,
        status: 'skipped' as const,
        reason: 'not IAM',
        policies: [],
      },
    ];
    const out = renderMarkdown(report);
    expect(out).toContain(
      '- 40 files skipped (a YAML file that is not a CloudFormation template): `k8s/m00.yaml`, `k8s/m01.yaml`, `k8s/m02.yaml` and 37 more (every one in the JSON report)',
    );
    expect(out).toContain('- `package.json`: skipped (not IAM)');
    expect(out).not.toContain('k8s/m03.yaml');
    // (each counted)
    expect(out).toMatch(/<summary>4\d policies and inputs not audited<\/summary>/);
  });
});
