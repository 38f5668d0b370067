// The review of suggested changes, without the bundle: the pull request's diff (git and the API's
// patches), a fix's regions turned into review comments on lines inside the diff, the bodies
// (suggestion fence, escaping), and the sticky sync against the fake GitHub server.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as github from '@actions/github';
import type { Finding, Report } from '../../src/core/types.js';
import {
  diffFromApi,
  diffFromGit,
  hunkRanges,
  parseGitDiff,
  readAtCommit,
  unquoteGitPath,
  type PrDiff,
} from '../../src/github/pr-diff.js';
import {
  commentBody,
  describe as describeChange,
  markerId,
  planReview,
  selectComments,
  syncReview,
  type PlanFixes,
  type WantedComment,
} from '../../src/github/review.js';
import {
  applySuggestions,
  changeBlock,
  changedRegions,
  planSuggestions,
  replacementLines,
  splitLines,
  suggestionBlock,
} from '../../src/github/suggest.js';
import { fencedBlockNote } from '../../src/core/escape.js';
import { outsideCode } from '../report/golden.js';
import { BOT, FakeGitHub } from './fake-github.js';

// ---------------------------------------------------------------------------------------------
// Helpers

const lines = (n: number, prefix = 'l') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const text = (ls: string[]) => `${ls.join('\n')}\n`;

/** Applies every planned suggestion of before→after (as GitHub would) and returns the file. */
function applyAll(before: string, after: string, hunks: { start: number; end: number }[]) {
  const old = splitLines(before);
  const planned = planSuggestions(old.length, changedRegions(before, after), hunks);
  return {
    planned,
    applied: applySuggestions(
      before,
      planned.map((s) => ({ start: s.start, end: s.end, replacement: replacementLines(old, s) })),
    ),
  };
}

type Doc = { Version: string; Statement: { Sid: string; Action: string | string[] }[] };

/** The document without the findings' actions (a statement left with none is deleted): a minimal policy. */
function minimalOf(doc: Doc, findings: Partial<Finding>[]): Doc {
  const copy = JSON.parse(JSON.stringify(doc)) as Doc;
  for (const f of findings) {
    const st = copy.Statement.find((x) => x.Sid === f.statement);
    if (!st) continue;
    st.Action = (Array.isArray(st.Action) ? st.Action : [st.Action]).filter((a) => !f.actions!.includes(a));
  }
  copy.Statement = copy.Statement.filter((x) => x.Action.length > 0);
  return copy;
}

/** A report of findings on iam/p.json (policy id = path), with the suggested minimal policy of `doc`. */
function report(findings: Partial<Finding>[], doc?: Doc): Report {
  const fs: Finding[] = findings.map((f) => ({
    kind: 'excess-action',
    severity: 'high',
    policy: f.path ?? 'iam/p.json',
    actions: [],
    resources: ['*'],
    path: 'iam/p.json',
    baseline: 'coiled',
    new: true,
    message: 'excess',
    ...f,
  }));
  const ids = [...new Set(fs.map((f) => f.policy))];
  return {
    tool: { name: 'iam-baseline-audit', version: '0.1.0' },
    catalog: { source: 'test', version: '1' },
    baselines: [{ id: 'coiled', name: 'Coiled', sets: ['ongoing'] }],
    inputs: [],
    policies: ids.map((id) => ({
      id,
      path: id.split('#')[0]!,
      kind: 'identity',
      baseline: 'coiled',
      sets: ['ongoing'],
      status: 'audited',
    })),
    findings: fs,
    suggestions: doc
      ? ids.map((id) => ({
          policy: id,
          minimal: minimalOf(
            doc,
            findings.filter((f) => (f.path ?? 'iam/p.json') === id),
          ),
          diff: '',
        }))
      : [],
    summary: { inputs: 0, policies: ids.length, findings: fs.length, byKind: {}, bySeverity: {} },
  };
}

/**
 * A stand-in for src/fix's planFixes, for JSON policy files written as JSON.stringify(doc, null, 2)
 * writes them: each suggested minimal policy is written the same way in place of its file.
 */
const jsonPlanFixes: PlanFixes = (rep, read) => {
  const byPath = new Map<string, typeof rep.suggestions>();
  for (const s of rep.suggestions) {
    const path = s.policy.split('#')[0]!;
    byPath.set(path, [...(byPath.get(path) ?? []), s]);
  }
  const files = [];
  const notFixed = [];
  for (const [path, suggestions] of byPath) {
    const before = read(path);
    if (before === undefined) {
      for (const s of suggestions) notFixed.push({ policy: s.policy, path, reason: 'unreadable' });
      continue;
    }
    // A bundle `{"policies": {"a": doc, ...}}` holds policies `path#a`; any other file is one policy.
    let out = JSON.parse(before) as { policies?: Record<string, unknown> };
    for (const s of suggestions) {
      const name = s.policy.split('#')[1];
      if (name !== undefined && out.policies) out.policies[name] = s.minimal;
      else out = s.minimal as typeof out;
    }
    const after = `${JSON.stringify(out, null, 2)}\n`;
    if (after !== before) files.push({ path, before, after, policies: suggestions.map((s) => s.policy) });
  }
  return { files, notFixed };
};

// ---------------------------------------------------------------------------------------------

describe('the pull request diff', () => {
  it('reads the RIGHT-side ranges of hunk headers (count omitted is 1; a deletion-only hunk has none)', () => {
    expect(
      hunkRanges('@@ -1,3 +1,4 @@\n a\n+b\n c\n d\n@@ -20 +21 @@\n-x\n+y\n@@ -30,2 +31,0 @@\n-p\n-q'),
    ).toEqual([
      { start: 1, end: 4 },
      { start: 21, end: 21 },
    ]);
  });

  it('parses git diff output: quoted paths, renames, deleted files left out', () => {
    const out = [
      'diff --git a/iam/a.json b/iam/a.json',
      'index 1..2 100644',
      '--- a/iam/a.json',
      '+++ b/iam/a.json',
      '@@ -1,3 +1,5 @@',
      ' x',
      'diff --git "a/iam/caf\\303\\251\\t.json" "b/iam/caf\\303\\251\\t.json"',
      '--- "a/iam/caf\\303\\251\\t.json"',
      '+++ "b/iam/caf\\303\\251\\t.json"',
      '@@ -10,2 +10,3 @@ {',
      '@@ -40,0 +41,2 @@',
      'diff --git a/gone.json b/gone.json',
      '--- a/gone.json',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
    ].join('\n');
    const diff = parseGitDiff(out);
    expect([...diff.keys()]).toEqual(['iam/a.json', 'iam/café\t.json']);
    expect(diff.get('iam/a.json')).toEqual([{ start: 1, end: 5 }]);
    expect(diff.get('iam/café\t.json')).toEqual([
      { start: 10, end: 12 },
      { start: 41, end: 42 },
    ]);
    expect(unquoteGitPath('"a\\"b\\\\c"')).toBe('a"b\\c');
    expect(unquoteGitPath('plain name')).toBe('plain name');
  });

  describe('from git and the API', () => {
    let dir: string;
    let gh: FakeGitHub;
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@e',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@e',
        },
      }).trim();
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'iba-review-'));
      gh = await new FakeGitHub().start();
    });
    afterEach(async () => {
      await gh.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('git diff base...head gives the hunks GitHub shows (3 lines of context); without the commits, undefined', async () => {
      git('init', '-q', '-b', 'main');
      const write = (p: string, t: string) => {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), t);
      };
      write('iam/a.json', text(lines(40)));
      write('iam/b c.json', 'x\n');
      git('add', '-A');
      git('commit', '-qm', 'base');
      const base = git('rev-parse', 'HEAD');
      const changed = lines(40);
      changed[4] = 'CHANGED 5';
      changed.splice(30, 0, 'INSERTED');
      write('iam/a.json', text(changed));
      write('iam/b c.json', 'y\n');
      git('add', '-A');
      git('commit', '-qm', 'head');
      const head = git('rev-parse', 'HEAD');
      const diff = (await diffFromGit(dir, base, head))!;
      expect(diff.get('iam/a.json')).toEqual([
        { start: 2, end: 8 },
        { start: 28, end: 34 },
      ]);
      expect(diff.get('iam/b c.json')).toEqual([{ start: 1, end: 1 }]);
      expect(await diffFromGit(dir, 'f'.repeat(40), head)).toBeUndefined();
      expect(await diffFromGit(dir, '--output=x', head)).toBeUndefined();
      // The file at the head commit, from git; from the API when git does not have the commit.
      expect(await readAtCommit({ root: dir, sha: base, path: 'iam/b c.json', maxBytes: 100 })).toBe('x\n');
      gh.files.set(`${'e'.repeat(40)}:iam/b c.json`, 'from api\n');
      const octokit = github.getOctokit('t', { baseUrl: gh.url });
      expect(
        await readAtCommit({
          root: dir,
          sha: 'e'.repeat(40),
          path: 'iam/b c.json',
          maxBytes: 100,
          octokit,
          owner: 'o',
          repo: 'r',
        }),
      ).toBe('from api\n');
      expect(
        await readAtCommit({ root: dir, sha: head, path: '../etc/passwd', maxBytes: 100 }),
      ).toBeUndefined();
    });

    it('the API: every page of the files, each patch read; no patch, no commentable line; removed files left out', async () => {
      const files = Array.from({ length: 130 }, (_, i) => ({
        filename: `f${i}.json`,
        status: 'modified' as const,
        patch: `@@ -1,2 +1,${i + 1} @@\n a`,
      }));
      files.push({ filename: 'big.json', status: 'modified', patch: undefined as unknown as string });
      files.push({ filename: 'gone.json', status: 'removed', patch: '@@ -1 +0,0 @@' } as never);
      gh.pullFiles.set(7, files);
      const octokit = github.getOctokit('t', { baseUrl: gh.url });
      const diff = await diffFromApi(octokit, { owner: 'o', repo: 'r', pull: 7 });
      expect(diff.size).toBe(131);
      expect(diff.get('f129.json')).toEqual([{ start: 1, end: 130 }]);
      expect(diff.get('big.json')).toEqual([]);
      expect(diff.has('gone.json')).toBe(false);
      expect(gh.requests.filter((r) => r.path === '/repos/o/r/pulls/7/files')).toHaveLength(2);
    });
  });
});

describe('from a fix to suggestions on lines of the diff', () => {
  const before = text(lines(30));
  const whole = [{ start: 1, end: 30 }];

  it('a replacement, an insertion and a deletion: each on its own lines; applied, they give the fixed file', () => {
    const after = lines(30);
    after[2] = 'l3 fixed';
    after.splice(19, 2); // delete l20, l21
    after.splice(10, 0, 'new after l10'); // insert between l10 and l11
    const { planned, applied } = applyAll(before, text(after), whole);
    expect(planned.map((s) => [s.start, s.end])).toEqual([
      [3, 3],
      [10, 10], // an insertion anchors on the line before it: l10 becomes l10 + the new line
      [20, 21],
    ]);
    expect(planned.every((s) => s.postable)).toBe(true);
    expect(applied).toBe(text(after));
    const old = splitLines(before);
    expect(replacementLines(old, planned[1]!)).toEqual(['l10', 'new after l10']);
    expect(replacementLines(old, planned[2]!)).toEqual([]); // a deletion: an empty suggestion
  });

  it('an insertion whose line before is outside the diff anchors on the line after it', () => {
    const after = lines(30);
    after.splice(10, 0, 'inserted');
    const { planned, applied } = applyAll(before, text(after), [{ start: 11, end: 14 }]);
    expect(planned).toMatchObject([{ start: 11, end: 11, postable: true }]);
    expect(replacementLines(splitLines(before), planned[0]!)).toEqual(['inserted', 'l11']);
    expect(applied).toBe(text(after));
    // At the top of the file: only the line after exists.
    const top = applyAll(before, text(['first', ...lines(30)]), whole);
    expect(top.planned).toMatchObject([{ start: 1, end: 1, postable: true }]);
    expect(top.applied).toBe(text(['first', ...lines(30)]));
  });

  it('close changes are grouped when the group stays inside one hunk; not across two hunks', () => {
    const after = lines(30);
    after[4] = 'x5';
    after[7] = 'x8'; // two unchanged lines between: grouped
    after[20] = 'x21';
    after[23] = 'x24';
    const one = applyAll(before, text(after), whole);
    expect(one.planned.map((s) => [s.start, s.end])).toEqual([
      [5, 8],
      [21, 24],
    ]);
    expect(one.applied).toBe(text(after));
    const two = applyAll(before, text(after), [
      { start: 1, end: 6 },
      { start: 7, end: 10 },
      { start: 18, end: 26 },
    ]);
    expect(two.planned.map((s) => [s.start, s.end, s.postable])).toEqual([
      [5, 5, true],
      [8, 8, true],
      [21, 24, true],
    ]);
    expect(two.applied).toBe(text(after));
  });

  it('a change outside every hunk is not postable; a multi-line one must lie inside a single hunk', () => {
    const after = lines(30);
    after.splice(5, 3, 'x6-8'); // replace l6..l8
    const outside = applyAll(before, text(after), [{ start: 20, end: 25 }]);
    expect(outside.planned).toMatchObject([{ start: 6, end: 8, postable: false }]);
    const straddles = applyAll(before, text(after), [
      { start: 1, end: 6 },
      { start: 7, end: 12 },
    ]);
    expect(straddles.planned).toMatchObject([{ start: 6, end: 8, postable: false }]);
    expect(applyAll(before, text(after), []).planned[0]!.postable).toBe(false);
  });

  it('the suggestion fence is longer than any backtick run in the file text, which goes in as it is', () => {
    const content = [
      '"Sid": "```"',
      '````',
      '<!-- iam-baseline-audit:suggestion key=default id=x -->',
      'a\r',
    ];
    const block = suggestionBlock(content);
    expect(block.startsWith('`````suggestion\n')).toBe(true);
    expect(block.endsWith('\n`````')).toBe(true);
    expect(block.split('\n').slice(1, -1)).toEqual([...content.slice(0, 3), 'a']);
    expect(suggestionBlock([])).toBe('```suggestion\n```');
    expect(suggestionBlock(['plain'])).toBe('```suggestion\nplain\n```');
  });

  it('review: comment shows a <!-- of the text as <!-\\- and says so under the diff; a suggestion keeps it as written', () => {
    const original = ['  "Sid": "a"'];
    const replacement = ['  "Sid": "<!-- b"'];
    const shown = changeBlock(original, replacement);
    expect(shown).not.toContain('<!--');
    expect(shown).toContain('<!-\\- b');
    expect(shown.endsWith(`\n\n${fencedBlockNote('<!--')}`)).toBe(true);
    expect(changeBlock(original, ['  "Sid": "b"'])).not.toContain(fencedBlockNote('<!--')!);
    expect(suggestionBlock(replacement)).toContain('"<!-- b"');
  });
});

describe('planReview', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Ongoing', Effect: 'Allow', Action: ['ec2:RunInstances', 's3:ListAllMyBuckets'], Resource: '*' },
      { Sid: 'Added', Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' },
    ],
  };
  const file = `${JSON.stringify(policy, null, 2)}\n`;
  const fileLines = splitLines(file);
  const lineOf = (s: string) => fileLines.findIndex((l) => l.includes(s)) + 1;
  const findings: Partial<Finding>[] = [
    {
      statement: 'Ongoing',
      actions: ['s3:ListAllMyBuckets'],
      severity: 'low',
      new: false,
      line: lineOf('"Ongoing"'),
    },
    { statement: 'Added', actions: ['iam:PassRole'], severity: 'high', line: lineOf('"Added"') },
  ];
  const plan = (diff: PrDiff, rep = report(findings, policy), mode: 'suggest' | 'comment' = 'suggest') =>
    planReview({
      report: rep,
      texts: new Map([['iam/p.json', file]]),
      diff,
      prefix: '',
      planFixes: jsonPlanFixes,
      mode,
      key: 'default',
    });

  it('every fix inside the diff: one comment each, in the file’s order, ranked by its most severe; applied together, the file is fixed', () => {
    const { comments, outside } = plan(new Map([['iam/p.json', [{ start: 1, end: fileLines.length }]]]));
    expect(outside).toEqual([]);
    expect(comments.map((c) => [c.severity, c.rank])).toEqual([
      ['low', 'high'],
      ['high', 'high'],
    ]);
    expect(comments[1]!.body).toContain(
      '🔴 **high** · Removes 1 excess action (not in `coiled` ongoing): `iam:PassRole`',
    );
    expect(comments[0]!.body).toContain(
      '🟡 **low** · Removes 1 excess action (not in `coiled` ongoing): `s3:ListAllMyBuckets`',
    );
    expect(
      comments[1]!.body.startsWith(
        `<!-- iam-baseline-audit:suggestion key=default id=${comments[1]!.id} -->\n`,
      ),
    ).toBe(true);
    expect(comments[1]!.body).toContain('```suggestion\n');
    const applied = applySuggestions(file, comments);
    expect(JSON.parse(applied)).toEqual({
      ...policy,
      Statement: [
        { ...policy.Statement[0], Action: ['ec2:RunInstances'] },
        { ...policy.Statement[1], Action: ['ec2:RunInstances'] },
      ],
    });
    // Stable: the same plan gives the same ids and bodies.
    expect(plan(new Map([['iam/p.json', [{ start: 1, end: fileLines.length }]]])).comments).toEqual(comments);
  });

  it('a fix partly outside the diff: only the findings whose fix lies inside get a comment, and those alone make a valid file', () => {
    const added = lineOf('"Added"');
    const { comments, outside } = plan(
      new Map([['iam/p.json', [{ start: added - 1, end: fileLines.length }]]]),
    );
    expect(outside).toEqual([]);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.findings.map((f) => f.actions)).toEqual([['iam:PassRole']]);
    const applied = JSON.parse(applySuggestions(file, comments)) as typeof policy;
    expect(applied.Statement[0]!.Action).toEqual(['ec2:RunInstances', 's3:ListAllMyBuckets']);
    expect(applied.Statement[1]!.Action).toEqual(['ec2:RunInstances']);
    // When the part alone does not read back as a valid file, none of it is posted.
    const checked: string[] = [];
    const refused = planReview({
      report: report(findings, policy),
      texts: new Map([['iam/p.json', file]]),
      diff: new Map([['iam/p.json', [{ start: added - 1, end: fileLines.length }]]]),
      prefix: '',
      planFixes: jsonPlanFixes,
      mode: 'suggest',
      key: 'default',
      validate: (path, before, after) => {
        checked.push(path);
        expect(before).toBe(file);
        expect(JSON.parse(after)).toBeTruthy();
        return false;
      },
    });
    expect(checked).toEqual(['iam/p.json']);
    // (said as such: part of the fix is inside the diff; a review found "the change is outside this
    // pull request's diff" said of a fix whose deletion of the added statement was inside it)
    expect(refused).toEqual({
      comments: [],
      outside: ['iam/p.json'],
      noSuggestion: [{ why: 'partly-outside', paths: ['iam/p.json'] }],
    });
  });

  it('a file outside the diff (or not readable) gets no comment', () => {
    expect(plan(new Map([['other.json', [{ start: 1, end: 5 }]]]))).toEqual({
      comments: [],
      outside: ['iam/p.json'],
      noSuggestion: [{ why: 'outside-diff', paths: ['iam/p.json'] }],
    });
    expect(plan(new Map([['iam/p.json', []]])).comments).toEqual([]);
    const none = planReview({
      report: report(findings, policy),
      texts: new Map(),
      diff: new Map([['iam/p.json', [{ start: 1, end: 99 }]]]),
      prefix: '',
      planFixes: jsonPlanFixes,
      mode: 'suggest',
      key: 'default',
    });
    expect(none).toEqual({ comments: [], outside: [], noSuggestion: [] });
  });

  it('a new finding with no suggestion says why: a placeholder the fix would write, a policy fix cannot rewrite; a finding the base had is not said again', () => {
    const refusing =
      (placeholder?: string): PlanFixes =>
      (rep) => ({
        files: [],
        notFixed: rep.suggestions.map((s) => ({
          policy: s.policy,
          path: 'iam/p.json',
          reason: 'refused',
          ...(placeholder ? { placeholder } : {}),
        })),
      });
    const run = (planFixes: PlanFixes, fs = findings) =>
      planReview({
        report: report(fs, policy),
        texts: new Map([['iam/p.json', file]]),
        diff: new Map([['iam/p.json', [{ start: 1, end: fileLines.length }]]]),
        prefix: '',
        planFixes,
        mode: 'suggest',
        key: 'default',
      });
    expect(run(refusing('<account-ID-without-hyphens>')).noSuggestion).toEqual([
      { why: 'placeholder', placeholder: '<account-ID-without-hyphens>', paths: ['iam/p.json'] },
    ]);
    expect(run(refusing()).noSuggestion).toEqual([{ why: 'not-rewritten', paths: ['iam/p.json'] }]);
    // Only the finding the base had: nothing to say.
    expect(run(refusing('<x>'), [findings[0]!]).noSuggestion).toEqual([]);
    // Every fix posted: nothing to say.
    expect(run(jsonPlanFixes).noSuggestion).toEqual([]);
  });

  it('review: comment describes the change (a diff block) instead of a suggestion', () => {
    const { comments } = plan(
      new Map([['iam/p.json', [{ start: 1, end: 99 }]]]),
      report(findings, policy),
      'comment',
    );
    expect(comments[0]!.body).not.toContain('```suggestion');
    expect(comments[0]!.body).toMatch(/Suggested change to lines? \d+/);
    expect(comments[0]!.body).toContain('```diff\n');
  });

  it('ignored and removed findings get no suggestion; the prefix places the audit root in the repository', () => {
    const rep = report(
      [
        { ...findings[1], ignored: { reason: 'on purpose' } },
        { ...findings[0], removed: true },
      ],
      policy,
    );
    expect(plan(new Map([['iam/p.json', [{ start: 1, end: 99 }]]]), rep).comments).toEqual([]);
    const sub = planReview({
      report: report(findings, policy),
      texts: new Map([['iam/p.json', file]]),
      diff: new Map([['infra/iam/p.json', [{ start: 1, end: 99 }]]]),
      prefix: 'infra/',
      planFixes: jsonPlanFixes,
      mode: 'suggest',
      key: 'default',
    });
    expect(sub.comments.map((c) => c.path)).toEqual(['infra/iam/p.json', 'infra/iam/p.json']);
  });

  it('several policies in one file: only those whose whole fix is inside the diff, when the part alone cannot be checked', () => {
    const a: Doc = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'A', Action: ['s3:GetObject', 's3:ListAllMyBuckets'] }],
    };
    const b: Doc = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'B', Action: ['ec2:RunInstances', 'iam:PassRole'] }],
    };
    const bundle = `${JSON.stringify({ policies: { a, b } }, null, 2)}\n`;
    const at = splitLines(bundle);
    const bLine = at.findIndex((l) => l.includes('"B"')) + 1;
    const fa = {
      path: 'infra/x.json',
      policy: 'infra/x.json#a',
      statement: 'A',
      actions: ['s3:ListAllMyBuckets'],
      severity: 'low' as const,
      line: 5,
    };
    const fb = {
      path: 'infra/x.json',
      policy: 'infra/x.json#b',
      statement: 'B',
      actions: ['iam:PassRole'],
      severity: 'critical' as const,
      line: bLine,
    };
    const rep = report([fa, fb]);
    rep.suggestions = [
      { policy: 'infra/x.json#a', minimal: minimalOf(a, [fa]), diff: '' },
      { policy: 'infra/x.json#b', minimal: minimalOf(b, [fb]), diff: '' },
    ];
    const input = {
      report: rep,
      texts: new Map([['infra/x.json', bundle]]),
      prefix: '',
      planFixes: jsonPlanFixes,
      mode: 'suggest' as const,
      key: 'default',
    };
    // The whole file in the diff: both, each comment naming its own policy's finding.
    const both = planReview({ ...input, diff: new Map([['infra/x.json', [{ start: 1, end: at.length }]]]) });
    expect(both.comments.map((c) => [c.severity, c.findings.map((f) => f.policy)])).toEqual([
      ['low', ['infra/x.json#a']],
      ['critical', ['infra/x.json#b']],
    ]);
    // Only b's lines in the diff: b's fix alone (a stays as it is).
    const onlyB = planReview({
      ...input,
      diff: new Map([['infra/x.json', [{ start: bLine - 2, end: at.length }]]]),
    });
    expect(onlyB.comments).toHaveLength(1);
    const applied = JSON.parse(applySuggestions(bundle, onlyB.comments)) as { policies: { a: Doc; b: Doc } };
    expect(applied.policies).toEqual({ a, b: minimalOf(b, [fb]) });
    expect(onlyB.comments[0]!.body).toContain('`iam:PassRole`');
    expect(onlyB.comments[0]!.body).not.toContain('ListAllMyBuckets');
  });

  it('a fix written in another file of a .tf module: posted there when that file is in the diff, with the policy’s findings', () => {
    const rep = report([
      {
        path: 'infra/main.tf',
        policy: 'infra/main.tf#aws_iam_policy.p',
        statement: 'S',
        actions: ['iam:PassRole'],
        severity: 'critical',
        line: 1,
      },
    ]);
    rep.inputs = [
      {
        path: 'infra/main.tf',
        kind: 'terraform-hcl',
        status: 'audited',
        policies: ['infra/main.tf#aws_iam_policy.p'],
      },
      { path: 'infra/policies.tf', kind: 'terraform-hcl', status: 'audited', policies: [] },
    ];
    rep.suggestions = [{ policy: 'infra/main.tf#aws_iam_policy.p', minimal: {}, diff: '' }];
    const before = 'data "x" "p" {\n  actions = ["ec2:RunInstances", "iam:PassRole"]\n}\n';
    const after = 'data "x" "p" {\n  actions = ["ec2:RunInstances"]\n}\n';
    const asked: string[] = [];
    const planFixes: PlanFixes = (r, read) => {
      asked.push(...r.suggestions.map((x) => x.policy));
      const text = read('infra/policies.tf');
      expect(read('infra/main.tf')).toBe('from the checkout');
      return {
        files:
          text === undefined
            ? []
            : [
                {
                  path: 'infra/policies.tf',
                  before: text,
                  after,
                  policies: ['infra/main.tf#aws_iam_policy.p'],
                },
              ],
        notFixed: [],
      };
    };
    const { comments, outside } = planReview({
      report: rep,
      texts: new Map([['infra/policies.tf', before]]),
      readOther: (p) => (p === 'infra/main.tf' ? 'from the checkout' : undefined),
      diff: new Map([['infra/policies.tf', [{ start: 1, end: 3 }]]]),
      prefix: '',
      planFixes,
      mode: 'suggest',
      key: 'default',
    });
    expect(asked).toEqual(['infra/main.tf#aws_iam_policy.p']);
    expect(outside).toEqual([]);
    expect(comments).toMatchObject([
      {
        path: 'infra/policies.tf',
        start: 2,
        end: 2,
        severity: 'critical',
        replacement: ['  actions = ["ec2:RunInstances"]'],
      },
    ]);
    expect(comments[0]!.body).toContain('`iam:PassRole`');
  });

  it('hostile Sids, actions and keys are inert in the description; the marker is ours alone', () => {
    const body = commentBody({
      key: 'k -->x',
      id: 'abc',
      severity: 'high',
      headline: 'x',
      original: ['a'],
      replacement: ['b'],
      start: 1,
      end: 1,
      mode: 'suggest',
    });
    expect(body.startsWith('<!-- iam-baseline-audit:suggestion key=k%20--%3Ex id=abc -->\n')).toBe(true);
    expect(markerId(body, 'k -->x')).toBe('abc');
    expect(markerId(body, 'default')).toBeUndefined();

    // (a review) The suggestion block was the file's text as it is, its U+202E too: a line that
    // reads reordered, applied with one click. Such lines are shown as a change instead, written out.
    const sneaky = commentBody({
      key: 'default',
      id: 'abc',
      severity: 'high',
      headline: 'x',
      original: ['  "Sid": "Ongoing\u202E",', '  "Action": "*",'],
      replacement: ['  "Sid": "Ongoing\u202E",'],
      start: 3,
      end: 4,
      mode: 'suggest',
    });
    expect(sneaky).not.toMatch(/[\u202A-\u202E]/);
    expect(sneaky).not.toContain('```suggestion');
    expect(sneaky).toContain('Suggested change to lines 3–4 (shown rather than offered as a suggestion');
    expect(sneaky).toContain('+  "Sid": "Ongoing\\u202E",');
    // (a second review) The line ends of a CRLF file and a first line's byte-order mark are not
    // hidden text: such a file still gets its suggestion.
    const crlf = commentBody({
      key: 'default',
      id: 'abc',
      severity: 'high',
      headline: 'x',
      original: ['\uFEFF{\r', '  "Action": "*",\r'],
      replacement: ['\uFEFF{\r'],
      start: 1,
      end: 2,
      mode: 'suggest',
    });
    expect(crlf).toContain('```suggestion\n');
    expect(crlf).not.toContain('shown rather than offered');

    const hostile =
      '</details><img src=x> @org/team #12 [l](http://x) `x` | \u202E <!-- iam-baseline-audit:comment key=default -->';
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Sid: hostile, Effect: 'Allow', Action: [hostile, 'ec2:RunInstances'], Resource: '*' }],
    };
    const src = `${JSON.stringify(doc, null, 2)}\n`;
    const { comments } = planReview({
      report: report([{ statement: hostile, actions: [hostile], message: hostile, baseline: hostile }], doc),
      texts: new Map([['iam/p.json', src]]),
      diff: new Map([['iam/p.json', [{ start: 1, end: 99 }]]]),
      prefix: '',
      planFixes: jsonPlanFixes,
      mode: 'suggest',
      key: 'default',
    });
    expect(comments).toHaveLength(1);
    const b = comments[0]!.body;
    const headline = b.split('\n')[1]!;
    const outside = outsideCode(headline);
    expect(outside).not.toContain('<img');
    expect(outside).not.toMatch(/@(?!&#8203;)/);
    expect(outside).not.toContain('](');
    expect(headline).not.toMatch(/[\u202A-\u202E]/);
    expect(b.split('<!-- iam-baseline-audit').length - 1).toBe(
      1 + (b.match(/<!-- iam-baseline-audit:comment/g)?.length ?? 0),
    );
    expect(markerId(b, 'default')).toBe(comments[0]!.id);
    // The suggestion block is the file's text exactly (what GitHub applies), inside its fence.
    expect(applySuggestions(src, comments)).toBe(
      `${JSON.stringify({ ...doc, Statement: [{ ...doc.Statement[0], Action: ['ec2:RunInstances'] }] }, null, 2)}\n`,
    );
  });
});

describe("a suggestion's one-line description", () => {
  const leftover = (set: string, action: string, feature?: string): Finding => ({
    kind: 'leftover-set',
    severity: 'high',
    policy: 'iam/p.json',
    actions: [action],
    resources: ['*'],
    set,
    feature,
    baseline: 'coiled',
    path: 'iam/p.json',
    message: '',
  });
  const rep = { policies: [], findings: [] } as unknown as Report;

  it('says a sentence per leftover set: a finished step is "leftover", an optional feature is kept if used', () => {
    const text = describeChange(
      rep,
      [
        leftover('setup', 'iam:CreateRole'),
        leftover('ecr', 'ecr:PutImage', 'ecr'),
        leftover('log-pull', 'logs:GetLogEvents', 'log-pull'),
      ],
      ['iam/p.json'],
    );
    const parts = text.split('; ');
    expect(parts).toHaveLength(3);
    expect(parts[0]).toBe(
      'Removes 1 leftover action that only the inactive setup set needs: `iam:CreateRole`',
    );
    expect(parts[1]).toBe(
      'Removes 1 action of the optional feature ecr (keep them only if you use it): `ecr:PutImage`',
    );
    expect(parts[2]).toContain('optional feature log\\-pull');
    expect(parts[2]).toContain('`logs:GetLogEvents`');
    // The setup set is never called optional, and a feature's actions are not merged with the setup's.
    expect(parts[0]).not.toContain('optional');
    expect(parts[1]).not.toContain('iam:CreateRole');
  });

  it('says a grant narrowed to nothing is removed, not narrowed (the review: an empty suggestion that "narrows")', () => {
    const broader: Finding = { ...leftover('ongoing', 's3:GetObject'), kind: 'broader-resource' };
    expect(describeChange(rep, [broader], ['iam/p.json'])).toBe(
      "Narrows the resources of 1 action to the baseline's: `s3:GetObject`",
    );
    expect(describeChange(rep, [broader], ['iam/p.json'], true)).toBe(
      'Removes 1 action granted only where the baseline does not allow it: `s3:GetObject`',
    );
  });
});

describe('selectComments: at most 20 a run', () => {
  const c = (path: string, start: number, rank: WantedComment['rank']): WantedComment => ({
    id: `${path}:${start}`,
    path,
    start,
    end: start,
    severity: rank,
    rank,
    body: '',
    original: [],
    replacement: [],
    findings: [],
  });

  it('keeps whole files, in the order given (most severe first), while they fit; counts the rest', () => {
    const comments = [
      c('a', 1, 'critical'),
      c('a', 9, 'critical'),
      c('b', 1, 'high'),
      c('b', 5, 'high'),
      c('b', 9, 'high'),
      c('c', 1, 'low'),
    ];
    expect(selectComments(comments, 20)).toEqual({ kept: comments, left: 0 });
    // b does not fit after a: left out whole, and c, smaller, still goes.
    const four = selectComments(comments, 4);
    expect(four.kept.map((x) => x.id)).toEqual(['a:1', 'a:9', 'c:1']);
    expect(four.left).toBe(3);
    expect(selectComments(comments, 1)).toEqual({ kept: [comments[5]], left: 5 });
  });

  it('planReview ranks a file by its most severe comment, so its other comments come with it', () => {
    const doc: Doc = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'A', Action: ['ec2:RunInstances', 's3:ListAllMyBuckets'] },
        { Sid: 'Pad1', Action: ['ec2:DescribeInstances'] },
        { Sid: 'Pad2', Action: ['ec2:DescribeInstances'] },
        { Sid: 'B', Action: ['ec2:RunInstances', 'iam:PassRole'] },
      ],
    };
    const src = `${JSON.stringify(doc, null, 2)}\n`;
    const at = splitLines(src);
    const line = (sid: string) => at.findIndex((l) => l.includes(`"${sid}"`)) + 1;
    const fs: Partial<Finding>[] = [
      { statement: 'A', actions: ['s3:ListAllMyBuckets'], severity: 'low', line: line('A') },
      { statement: 'B', actions: ['iam:PassRole'], severity: 'critical', line: line('B') },
    ];
    const other: Partial<Finding> = {
      path: 'iam/q.json',
      policy: 'iam/q.json',
      statement: 'A',
      actions: ['s3:ListAllMyBuckets'],
      severity: 'high',
      line: line('A'),
    };
    const rep = report([...fs, other]);
    rep.suggestions = [
      { policy: 'iam/p.json', minimal: minimalOf(doc, fs), diff: '' },
      { policy: 'iam/q.json', minimal: minimalOf(doc, [other]), diff: '' },
    ];
    const { comments } = planReview({
      report: rep,
      texts: new Map([
        ['iam/p.json', src],
        ['iam/q.json', src],
      ]),
      diff: new Map([
        ['iam/p.json', [{ start: 1, end: 99 }]],
        ['iam/q.json', [{ start: 1, end: 99 }]],
      ]),
      prefix: '',
      planFixes: jsonPlanFixes,
      mode: 'suggest',
      key: 'default',
    });
    expect(comments.map((x) => [x.path, x.severity, x.rank])).toEqual([
      ['iam/p.json', 'low', 'critical'],
      ['iam/p.json', 'critical', 'critical'],
      ['iam/q.json', 'high', 'high'],
    ]);
  });
});

describe('syncReview: sticky review comments', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await new FakeGitHub().start();
    gh.pullFiles.set(7, [{ filename: 'iam/p.json', status: 'modified', patch: '@@ -1,20 +1,30 @@' }]);
  });
  afterEach(() => gh.stop());
  const target = { owner: 'o', repo: 'r', pull: 7, headSha: 'a'.repeat(40) };
  const want = (id: string, start: number, end: number, note = 'x'): WantedComment => ({
    id,
    path: 'iam/p.json',
    start,
    end,
    severity: 'high',
    rank: 'high',
    body: commentBody({
      key: 'default',
      id,
      severity: 'high',
      headline: note,
      original: ['a'],
      replacement: ['b'],
      start,
      end,
      mode: 'suggest',
    }),
    original: ['a'],
    replacement: ['b'],
    findings: [],
  });

  it('posts one review, then writes nothing when nothing changed, edits a changed body, deletes what is no longer wanted', async () => {
    const octokit = github.getOctokit('t', { baseUrl: gh.url });
    const errors: string[] = [];
    const onError = (what: string) => errors.push(what);
    const forged = gh.addReviewComment({
      pull: 7,
      path: 'iam/p.json',
      line: 3,
      body: want('one', 3, 3).body,
      user: { login: 'mallory', type: 'User' },
    });
    const first = await syncReview(octokit, target, [want('one', 3, 3), want('two', 5, 7)], {
      key: 'default',
      onError,
    });
    expect(first).toEqual({ created: 2, updated: 0, deleted: 0, unchanged: 0 });
    expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual(['POST /repos/o/r/pulls/7/reviews']);
    const posted = gh.writes()[0]!.body as { commit_id: string; event: string; comments: unknown[] };
    expect(posted).toMatchObject({ commit_id: target.headSha, event: 'COMMENT' });
    expect(posted.comments).toEqual([
      { path: 'iam/p.json', body: want('one', 3, 3).body, line: 3, side: 'RIGHT' },
      {
        path: 'iam/p.json',
        body: want('two', 5, 7).body,
        line: 7,
        side: 'RIGHT',
        start_line: 5,
        start_side: 'RIGHT',
      },
    ]);

    gh.reset();
    expect(
      await syncReview(octokit, target, [want('one', 3, 3), want('two', 5, 7)], { key: 'default', onError }),
    ).toEqual({
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 2,
    });
    expect(gh.writes()).toEqual([]);

    gh.reset();
    const ours = gh.reviewComments.filter((c) => c.user.login === BOT.login);
    const res = await syncReview(octokit, target, [want('one', 3, 3, 'reworded')], {
      key: 'default',
      onError,
    });
    expect(res).toEqual({ created: 0, updated: 1, deleted: 1, unchanged: 0 });
    expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      `PATCH /repos/o/r/pulls/comments/${ours[0]!.id}`,
      `DELETE /repos/o/r/pulls/comments/${ours[1]!.id}`,
    ]);
    // Another key's comments and a look-alike by someone else are left alone.
    gh.addReviewComment({
      pull: 7,
      path: 'iam/p.json',
      line: 9,
      body: commentBody({
        ...want('z', 9, 9),
        key: 'matrix-b',
        id: 'z',
        severity: 'high',
        headline: 'x',
        original: [],
        replacement: [],
        start: 9,
        end: 9,
        mode: 'suggest',
      }),
    });
    gh.reset();
    await syncReview(octokit, target, [], { key: 'default', onError });
    expect(gh.writes().map((w) => w.method)).toEqual(['DELETE']);
    expect(gh.reviewComments.map((c) => c.id)).toEqual([forged.id, gh.reviewComments[1]!.id]);
    expect(gh.reviewComments[1]!.body).toContain('key=matrix-b');
    expect(errors).toEqual([]);
  });

  it('an outdated comment of ours (line null) is posted again; a refused write is reported and the rest still runs', async () => {
    const octokit = github.getOctokit('t', { baseUrl: gh.url });
    const old = gh.addReviewComment({
      pull: 7,
      path: 'iam/p.json',
      line: null,
      body: want('one', 3, 3).body,
    });
    const stale = gh.addReviewComment({
      pull: 7,
      path: 'iam/p.json',
      line: 4,
      body: want('gone', 4, 4).body,
    });
    gh.failures.push({ method: 'POST', path: /\/reviews$/, status: 403 });
    const errors: [string, number][] = [];
    const res = await syncReview(octokit, target, [want('one', 3, 3)], {
      key: 'default',
      onError: (what, err) => errors.push([what, (err as { status: number }).status]),
    });
    expect(errors).toEqual([['post the suggested changes', 403]]);
    expect(res).toEqual({ created: 0, updated: 0, deleted: 2, unchanged: 0 });
    expect(gh.reviewComments.map((c) => c.id)).not.toContain(old.id);
    expect(gh.reviewComments.map((c) => c.id)).not.toContain(stale.id);
  });

  it('when GitHub refuses a line of the review (422), each comment is posted on its own: the others still go out', async () => {
    const octokit = github.getOctokit('t', { baseUrl: gh.url });
    gh.pullFiles.set(8, [{ filename: 'a.json', status: 'modified', patch: '@@ -1,3 +1,3 @@' }]);
    const errors: [string, number][] = [];
    const res = await syncReview(
      octokit,
      { ...target, pull: 8 },
      [
        { ...want('in', 2, 3), path: 'a.json' },
        { ...want('out', 9, 9), path: 'a.json' },
      ],
      { key: 'default', onError: (what, err) => errors.push([what, (err as { status: number }).status]) },
    );
    expect(res.created).toBe(1);
    expect(errors).toEqual([['post 1 suggested change (GitHub refused the lines)', 422]]);
    expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /repos/o/r/pulls/8/reviews',
      'POST /repos/o/r/pulls/8/comments',
      'POST /repos/o/r/pulls/8/comments',
    ]);
    expect(gh.reviewComments).toMatchObject([
      { path: 'a.json', start_line: 2, line: 3, commit_id: target.headSha },
    ]);
  });

  it('the fake refuses, as GitHub does, a comment outside the diff or across two hunks', async () => {
    const octokit = github.getOctokit('t', { baseUrl: gh.url });
    gh.pullFiles.set(8, [
      { filename: 'a.json', status: 'modified', patch: '@@ -1,3 +1,3 @@\n@@ -10,3 +10,3 @@' },
    ]);
    const errors: number[] = [];
    const onError = (_: string, err: unknown) => errors.push((err as { status: number }).status);
    await syncReview(octokit, { ...target, pull: 8 }, [{ ...want('a', 2, 11), path: 'a.json' }], {
      key: 'default',
      onError,
    });
    await syncReview(octokit, { ...target, pull: 8 }, [{ ...want('b', 5, 5), path: 'a.json' }], {
      key: 'default',
      onError,
    });
    expect(errors).toEqual([422, 422]);
    expect(gh.reviewComments).toEqual([]);
  });
});
