// End to end: the bundled action (dist/index.js) runs as a child process, as on a runner, against
// a fake GitHub API on 127.0.0.1 and a temporary git repository with a base and a head commit.
// This test builds nothing: it expects `npm run build` to have made dist/index.js.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { outsideCode } from '../report/golden.js';
import { BOT, FakeGitHub, type FakePullFile, type FakeReviewComment } from '../github/fake-github.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(here, '../../dist/index.js');
const TOKEN = 'ghs_e2eFakeTokenThatMustNeverBeLogged0123';
const MARKER = '<!-- iam-baseline-audit:comment key=default -->';

const BASELINE = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Ongoing',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeInstances',
        'ec2:RunInstances',
        'ec2:TerminateInstances',
        'ec2:CreateTags',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ],
      Resource: '*',
    },
  ],
};

/** A Coiled-like policy: the baseline plus one pre-existing excess action. */
function basePolicy(extra: object[] = []) {
  return {
    Version: '2012-10-17',
    Statement: [
      { ...BASELINE.Statement[0], Action: [...BASELINE.Statement[0]!.Action, 's3:ListAllMyBuckets'] },
      ...extra,
    ],
  };
}

const ADDED_EC2 = { Sid: 'AddedInThisPR', Effect: 'Allow', Action: 'ec2:*', Resource: '*' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

interface Repo {
  dir: string;
  base: string;
  head: string;
  commit(files: Record<string, unknown>, message: string): string;
}

function makeRepo(
  root: string,
  headExtra: object[] = [ADDED_EC2],
  extraFiles: Record<string, unknown> = {},
): Repo {
  const dir = join(root, 'repo');
  mkdirSync(join(dir, 'iam'), { recursive: true });
  mkdirSync(join(dir, 'baseline'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  const commit = (files: Record<string, unknown>, message: string) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(
        join(dir, path),
        typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
      );
    }
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  const base = commit(
    { 'baseline/coiled-ongoing.json': BASELINE, 'iam/coiled-policy.json': basePolicy() },
    'base',
  );
  const head = commit({ 'iam/coiled-policy.json': basePolicy(headExtra), ...extraFiles }, 'head');
  return { dir, base, head, commit };
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

/** The pull request's files as GitHub's API lists them (from `git diff base...head`), for the fake's line checks. */
function pullFiles(repo: Repo): FakePullFile[] {
  const out = git(repo.dir, 'diff', '--no-color', '--find-renames', `${repo.base}...${repo.head}`);
  const files: FakePullFile[] = [];
  for (const chunk of out.split(/^diff --git /m).slice(1)) {
    // (git ends the name with a tab when it holds a space.)
    const name = /^\+\+\+ b\/(.*?)\t?$/m.exec(chunk)?.[1];
    if (!name) continue;
    const at = chunk.indexOf('\n@@');
    files.push({
      filename: name,
      status: /^--- \/dev\/null$/m.test(chunk) ? 'added' : 'modified',
      ...(at >= 0 ? { patch: chunk.slice(at + 1) } : {}),
    });
  }
  return files;
}

/** The lines a suggestion block puts in place of its lines. */
function suggested(body: string): string[] {
  const m = /^(`{3,})suggestion\n([\s\S]*?)^\1$/m.exec(body);
  if (!m) throw new Error(`no suggestion block in ${body}`);
  return m[2] === '' ? [] : m[2]!.replace(/\n$/, '').split('\n');
}

/** Applies review comments' suggestions to the files as GitHub does ("Commit suggestions" on a batch). */
function applySuggestionComments(dir: string, comments: FakeReviewComment[]): Record<string, string> {
  const byPath = new Map<string, FakeReviewComment[]>();
  for (const c of comments) byPath.set(c.path, [...(byPath.get(c.path) ?? []), c]);
  const out: Record<string, string> = {};
  for (const [path, list] of byPath) {
    const lines = readFileSync(join(dir, path), 'utf8').replace(/\n$/, '').split('\n');
    for (const c of [...list].sort((a, b) => b.line! - a.line!)) {
      const start = c.start_line ?? c.line!;
      lines.splice(start - 1, c.line! - start + 1, ...suggested(c.body));
    }
    out[path] = `${lines.join('\n')}\n`;
  }
  return out;
}

describe('the bundled action (dist/index.js) end to end', () => {
  let gh: FakeGitHub;
  let tmp: string;

  beforeAll(() => {
    if (!existsSync(DIST)) {
      throw new Error(
        `${DIST} is missing: run \`npm run build\` first (this test runs the bundle and builds nothing).`,
      );
    }
  });

  beforeEach(async () => {
    gh = await new FakeGitHub().start();
    tmp = mkdtempSync(join(tmpdir(), 'iba-e2e-'));
  });
  afterEach(async () => {
    await gh.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  let runCount = 0;
  async function run(
    repo: Repo,
    opts: {
      event?: string;
      payload?: object;
      inputs?: Record<string, string>;
      baseSha?: string;
      fork?: boolean;
      env?: Record<string, string>;
      /** The pull request's files as the API lists them: default, `git diff base...head` of the repository. */
      pullFiles?: FakePullFile[];
    } = {},
  ): Promise<RunResult> {
    const n = ++runCount;
    const eventName = opts.event ?? 'pull_request';
    // GitHub's view of the pull request's diff: where review comments may go.
    if (eventName.startsWith('pull_request')) gh.pullFiles.set(7, opts.pullFiles ?? pullFiles(repo));
    const payload =
      opts.payload ??
      (eventName.startsWith('pull_request')
        ? {
            pull_request: {
              number: 7,
              base: { sha: opts.baseSha ?? repo.base, repo: { full_name: 'o/r' } },
              head: {
                sha: repo.head,
                repo: { full_name: opts.fork ? 'mallory/r' : 'o/r', fork: !!opts.fork },
              },
            },
            repository: { full_name: 'o/r' },
          }
        : { repository: { full_name: 'o/r' } });
    const files = join(tmp, `run-${n}`);
    mkdirSync(join(files, 'runner-temp'), { recursive: true });
    const eventPath = join(files, 'event.json');
    writeFileSync(eventPath, JSON.stringify(payload));
    const outputPath = join(files, 'output.txt');
    const summaryPath = join(files, 'summary.md');
    writeFileSync(outputPath, '');
    writeFileSync(summaryPath, '');
    const inputs: Record<string, string> = {
      'github-token': TOKEN,
      paths: 'iam',
      baseline: 'baseline/coiled-ongoing.json',
      comment: 'update',
      'comment-key': '',
      'fail-on': 'new',
      'severity-threshold': 'medium',
      mode: 'auto',
      ...opts.inputs,
    };
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmp,
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: gh.url,
      GITHUB_GRAPHQL_URL: `${gh.url}/graphql`,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      RUNNER_TEMP: join(files, 'runner-temp'),
      GITHUB_WORKSPACE: repo.dir,
      ...opts.env,
    };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
    const child = spawn(process.execPath, [DIST], { cwd: repo.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
    const result = {
      code,
      stdout,
      stderr,
      outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
      summary: readFileSync(summaryPath, 'utf8'),
    };
    // The token is registered as a secret (the runner masks it) and never appears otherwise in the
    // logs, the outputs or the summary.
    expect(stdout).toContain(`::add-mask::${TOKEN}`);
    const logs = stdout.replace(`::add-mask::${TOKEN}`, '');
    expect(`${logs}${stderr}${JSON.stringify(result.outputs)}${result.summary}`).not.toContain(TOKEN);
    return result;
  }

  const ourComments = () => gh.comments.filter((c) => c.user.login === BOT.login && c.body.includes(MARKER));

  it('creates the comment on the first run, updates it on the second, makes no write when unchanged', async () => {
    const repo = makeRepo(tmp);
    const first = await run(repo);
    expect(first.code).toBe(1);
    expect(first.outputs.result).toBe('fail');
    expect(ourComments()).toHaveLength(1);
    const comment = ourComments()[0]!;
    expect(comment.body.startsWith(MARKER)).toBe(true);
    expect(comment.body).toContain('❌ **1 new finding** in 1 policy');
    expect(comment.body).toContain('`AddedInThisPR`');
    expect(first.outputs['comment-id']).toBe(String(comment.id));
    expect(first.outputs['comment-url']).toContain(`#issuecomment-${comment.id}`);

    // The pull request adds another excess permission: the same comment is edited.
    repo.head = repo.commit(
      {
        'iam/coiled-policy.json': basePolicy([
          ADDED_EC2,
          { Sid: 'More', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
        ]),
      },
      'more',
    );
    const firstSuggestions = gh.reviewComments.map((c) => c.id);
    expect(firstSuggestions).toHaveLength(1);
    gh.reset();
    const second = await run(repo);
    expect(second.code).toBe(1);
    expect(ourComments()).toHaveLength(1);
    // (And the review: the new statement's fix lies next to the first one's, so one suggestion now
    // covers both: posted, and the first one deleted.)
    expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /repos/o/r/pulls/7/reviews',
      `DELETE /repos/o/r/pulls/comments/${firstSuggestions[0]}`,
      `PATCH /repos/o/r/issues/comments/${comment.id}`,
    ]);
    expect(gh.reviewComments).toHaveLength(1);
    expect(gh.reviewComments[0]!.body).toContain('`iam:PassRole`');
    expect(ourComments()[0]!.body).toContain('❌ **2 new findings**');

    gh.reset();
    const third = await run(repo);
    expect(third.code).toBe(1);
    expect(gh.writes()).toEqual([]);
    expect(third.outputs['comment-id']).toBe(String(comment.id));
  });

  // (a review: a pull request that adds excess and an ignore rule hiding it passed with the comment
  // skipped; only the job summary said "1 new finding ignored by the configuration")
  it('comments when the excess a pull request adds is hidden by an ignore rule (the check still passes)', async () => {
    const config = ['version: 1', 'ignore:', '  - action: "ec2:*"', '    reason: "needed"', ''].join('\n');
    const repo = makeRepo(tmp, [ADDED_EC2], { '.github/iam-baseline-audit.yml': config });
    const r = await run(repo);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('pass');
    expect(ourComments()).toHaveLength(1);
    expect(ourComments()[0]!.body).toMatch(/new finding(s)? ignored by the configuration/);
  });

  // (a review: an audit whose `policies` select nothing, a moved folder, passed green with no word
  // outside the report's notes)
  it('warns when an audit of the configuration selects no policy, or no policy is held to a baseline', async () => {
    const config = [
      'version: 1',
      'audits:',
      '  - baseline: skypilot',
      '    policies: ["infra/*.json"]',
      '',
    ].join('\n');
    const repo = makeRepo(tmp, [ADDED_EC2], { '.github/iam-baseline-audit.yml': config });
    const r = await run(repo, { inputs: { baseline: '' } });
    expect(r.stdout).toContain(
      '::warning::Audit #1 (baseline skypilot) selects no policy: infra/*.json (check its `policies`).',
    );
    const generic = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }],
    };
    const plain = makeRepo(join(tmp, 'plain'), [ADDED_EC2], { 'other/reports.json': generic });
    const none = await run(plain, { inputs: { baseline: '', paths: 'other' } });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('::warning::No IAM policy was held to a baseline (1 found)');
  });

  it('fork recipe: a workflow_run job comments the report a pull_request run saved, without auditing', async () => {
    const repo = makeRepo(tmp);
    gh.pulls.set(7, { state: 'open', head: { sha: repo.head } });
    const audit = await run(repo, { fork: true, inputs: { comment: 'off' } });
    expect(audit.code).toBe(1);
    expect(gh.comments).toHaveLength(0);
    const saved = join(tmp, 'artifact');
    mkdirSync(saved, { recursive: true });
    writeFileSync(join(saved, 'findings.json'), readFileSync(audit.outputs['findings-file']!, 'utf8'));
    writeFileSync(join(saved, 'pr-number'), '7\n');
    const workflowRun = (headSha: string) => ({
      workflow_run: { id: 1, event: 'pull_request', head_sha: headSha },
      repository: { full_name: 'o/r' },
    });
    const fromArtifact = { report: join(saved, 'findings.json'), 'pr-number-file': join(saved, 'pr-number') };
    gh.reset();
    // (fail-on and severity-threshold as in the pull_request run, the defaults: the comment says
    // what its check says, ❌, and this step, which only comments, does not fail; a review: the
    // recipe's `fail-on: none` here made the comment say "the check passes" of a failed run)
    const comment = await run(repo, {
      event: 'workflow_run',
      payload: workflowRun(repo.head),
      inputs: { ...fromArtifact, paths: 'nothing-here' },
    });
    expect(comment.code).toBe(0);
    expect(comment.outputs.result).toBe('fail');
    expect(comment.stdout).toContain("The pull request's check fails on this report (fail-on: new");
    expect(ourComments()).toHaveLength(1);
    expect(ourComments()[0]!.body).toContain('`AddedInThisPR`');
    expect(ourComments()[0]!.body).toMatch(/\n❌ \*\*1 new finding\*\*/);
    expect(ourComments()[0]!.body).not.toContain('the check passes');
    expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual(['POST /repos/o/r/issues/7/comments']);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /repos/o/r/pulls/7');
    // No review of suggested changes from a saved report (the checkout is not the pull request's).
    expect(gh.requests.filter((r) => /\/pulls\/7\/(comments|files|reviews)$/.test(r.path))).toEqual([]);
    expect(comment.stdout).toContain('Suggested changes: not made from a saved report');

    // A pull request number that is not digits only is refused.
    writeFileSync(join(saved, 'pr-number'), '7; rm -rf /\n');
    const bad = await run(repo, {
      event: 'workflow_run',
      payload: workflowRun(repo.head),
      inputs: fromArtifact,
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('digits only');
  });

  it('fork recipe: a saved number that names another pull request, or one that moved on or closed, is refused and nothing is written', async () => {
    const repo = makeRepo(tmp);
    const victimHead = 'b'.repeat(40);
    gh.pulls.set(42, { state: 'open', head: { sha: victimHead } }); // someone else's pull request
    gh.pulls.set(43, { state: 'closed', head: { sha: repo.head } });
    const victim = gh.addComment(42, `${MARKER}\n❌ **1 new finding** in 1 policy`);
    const audit = await run(repo, { baseSha: repo.head, inputs: { comment: 'off', 'fail-on': 'none' } });
    const saved = join(tmp, 'artifact');
    mkdirSync(saved, { recursive: true });
    writeFileSync(join(saved, 'findings.json'), readFileSync(audit.outputs['findings-file']!, 'utf8'));
    const attempt = async (pr: string, payload: object, extra: Record<string, string> = {}) => {
      writeFileSync(join(saved, 'pr-number'), `${pr}\n`);
      gh.reset();
      const res = await run(repo, {
        event: 'workflow_run',
        payload,
        inputs: {
          report: join(saved, 'findings.json'),
          'pr-number-file': join(saved, 'pr-number'),
          ...extra,
        },
      });
      expect(res.code).toBe(1);
      expect(gh.writes()).toEqual([]);
      return res;
    };
    const wr = {
      workflow_run: { id: 1, event: 'pull_request', head_sha: repo.head },
      repository: { full_name: 'o/r' },
    };
    // The fork's run was for repo.head; the artifact names #42, whose head is another commit.
    const retarget = await attempt('42', wr);
    expect(retarget.stdout).toMatch(
      /::error::Input `pr-number`: pull request #42's head is bbbbbbbbbbbb, not [0-9a-f]{12}/,
    );
    expect(victim.body).toBe(`${MARKER}\n❌ **1 new finding** in 1 policy`);
    expect((await attempt('43', wr)).stdout).toContain('pull request #43 is closed');
    expect((await attempt('44', wr)).stdout).toContain('pull request #44 does not exist');
    // Without workflow_run.head_sha (nor head-sha) nothing can be checked: refused.
    expect((await attempt('42', { repository: { full_name: 'o/r' } })).stdout).toContain(
      'cannot check that the saved report belongs to the pull request it names',
    );
    // head-sha given explicitly is checked the same way.
    expect(
      (await attempt('42', { repository: { full_name: 'o/r' } }, { 'head-sha': repo.head })).stdout,
    ).toContain("pull request #42's head is");
  });

  it('fork recipe: a missing or oversized saved report fails with its name as given, never the absolute path', async () => {
    const repo = makeRepo(tmp);
    gh.pulls.set(7, { state: 'open', head: { sha: repo.head } });
    const payload = { workflow_run: { id: 1, head_sha: repo.head }, repository: { full_name: 'o/r' } };
    const missing = await run(repo, {
      event: 'workflow_run',
      payload,
      inputs: { report: 'artifact/findings.json', 'pr-number': '7' },
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(
      '::error::Input `report`: "artifact/findings.json": no such file or directory.',
    );
    expect(missing.stdout).not.toContain(repo.dir);
    // A sparse 300 MB file: refused by its size, before anything is read.
    mkdirSync(join(repo.dir, 'artifact'), { recursive: true });
    execFileSync('truncate', ['-s', '300M', join(repo.dir, 'artifact/findings.json')]);
    const big = await run(repo, {
      event: 'workflow_run',
      payload,
      inputs: { report: 'artifact/findings.json', 'pr-number': '7' },
    });
    expect(big.code).toBe(1);
    expect(big.stdout).toMatch(
      /the file is 300\.0 MB, over the 256\.0 MB limit \(256\.0 MB is the most this action reads\)/,
    );
    expect(gh.writes()).toEqual([]);
  });

  it('a comment shortened to fit links a stable address, so a re-run of the same audit writes nothing', async () => {
    // 400 policies, each with its own excess actions: far more than a comment holds.
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 400; i++)
      many[`iam/team-${i}.json`] = {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: `Team${i}`,
            Effect: 'Allow',
            Action: ['iam:PassRole', `s3:GetObject`],
            Resource: `arn:aws:s3:::b${i}/*`,
          },
        ],
      };
    const repo = makeRepo(tmp, [ADDED_EC2], many);
    const first = await run(repo, { env: { GITHUB_RUN_ID: '100' } });
    expect(first.code).toBe(1);
    const body = ourComments()[0]!.body;
    expect(body).toContain('📄 Shortened to fit a comment');
    expect(body).toContain('[latest run](https://github.com/o/r/pull/7/checks)');
    expect(body).not.toContain('/actions/runs/');
    gh.reset();
    const rerun = await run(repo, { env: { GITHUB_RUN_ID: '101', GITHUB_RUN_ATTEMPT: '2' } });
    expect(rerun.code).toBe(1);
    expect(gh.writes()).toEqual([]);
  }, 120_000);

  it('findings already in the base are annotated as notices on a fail-on: new check, errors with fail-on: any', async () => {
    const repo = makeRepo(tmp);
    const failNew = await run(repo, { inputs: { 'fail-on': 'new', comment: 'off' } });
    // s3:ListAllMyBuckets is pre-existing; ec2:* is new.
    expect(failNew.stdout).toMatch(/::notice title=Excess actions \(low\),file=iam\/coiled-policy\.json/);
    expect(failNew.stdout).toMatch(/::error title=Excess actions \(critical%2C new\)/);
    const same = await run(repo, { baseSha: repo.head, inputs: { 'fail-on': 'new', comment: 'off' } });
    expect(same.code).toBe(0);
    expect(same.stdout).not.toMatch(/^::error /m);
    const failAny = await run(repo, { baseSha: repo.head, inputs: { 'fail-on': 'any', comment: 'off' } });
    expect(failAny.code).toBe(1);
    expect(failAny.stdout).toMatch(/^::error title=Excess actions \(critical\)/m);
  });

  it('a path that does not exist fails the step with a clear message, and writes no comment or issue', async () => {
    const repo = makeRepo(tmp);
    const pr = await run(repo, { inputs: { paths: 'iam/nope.json' } });
    expect(pr.code).toBe(1);
    expect(pr.stdout).toContain('::error::Input `paths`: iam/nope.json: no such file or directory');
    expect(pr.stdout).not.toContain(repo.dir);
    const drift = await run(repo, { event: 'schedule', inputs: { paths: 'infra' } });
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('::error::Input `paths`: infra: no such file or directory');
    expect(gh.writes()).toEqual([]);
    expect(gh.issues).toHaveLength(0);
  });

  it('leaves alone a comment by another user that carries our marker', async () => {
    const repo = makeRepo(tmp);
    const forged = gh.addComment(7, `${MARKER}\nI am not the bot`, { login: 'mallory', type: 'User' });
    await run(repo);
    expect(forged.body).toBe(`${MARKER}\nI am not the bot`);
    expect(gh.comments).toHaveLength(2);
    expect(gh.writes().filter((w) => w.method === 'PATCH' || w.method === 'DELETE')).toEqual([]);
  });

  // (a review) The token's identity, github-actions[bot], is every workflow's: another workflow's
  // comment quoting the marker (a plan's output, a pull request's text echoed) was edited, and with
  // ours beside it deleted as a duplicate. Ours start with the marker; one that quotes it is not ours.
  it("leaves alone the same bot's comment that quotes our marker after its start, and another bot issue that does", async () => {
    const repo = makeRepo(tmp);
    const quoted = `Terraform plan\n\n\`\`\`\n${MARKER}\n\`\`\``;
    const other = gh.addComment(7, quoted);
    await run(repo);
    expect(other.body).toBe(quoted);
    expect(ourComments().filter((c) => c !== other)).toHaveLength(1);
    await run(repo);
    expect(other.body).toBe(quoted);
    expect(gh.writes().filter((w) => w.method === 'DELETE')).toEqual([]);

    const drift = '<!-- iam-baseline-audit:drift key=default -->';
    const issue = gh.addIssue({
      title: 'Nightly report',
      body: `quoting ${drift}`,
      labels: ['iam-baseline-audit'],
    });
    await run(repo, { event: 'schedule' });
    expect(issue).toMatchObject({ title: 'Nightly report', body: `quoting ${drift}`, state: 'open' });
    expect(gh.issues.filter((i) => i !== issue && i.body.startsWith(drift))).toHaveLength(1);
  });

  it('a 403 on commenting is a warning: the exit status is fail-on’s and the summary is still written', async () => {
    const repo = makeRepo(tmp);
    gh.failures.push({ method: 'POST', path: /\/issues\/7\/comments$/, status: 403 });
    const failing = await run(repo);
    expect(failing.code).toBe(1);
    expect(failing.outputs.result).toBe('fail');
    expect(failing.stdout).toMatch(
      /::warning::Could not comment on the pull request: the token lacks `pull-requests: write`/,
    );
    expect(failing.summary).toContain('❌ **1 new finding**');

    const passing = await run(repo, { inputs: { 'fail-on': 'none' } });
    expect(passing.code).toBe(0);
    expect(passing.outputs.result).toBe('pass');
    expect(passing.summary).toContain('### IAM baseline audit');

    const fork = await run(repo, { fork: true, inputs: { 'fail-on': 'none' } });
    expect(fork.code).toBe(0);
    expect(fork.stdout).toContain('comes from a fork');
    expect(fork.stdout).toContain('Pull requests from forks');
  });

  it('fail-on: new passes when only pre-existing findings exist and fails when the pull request adds one', async () => {
    const repo = makeRepo(tmp);
    // Compared with its own head, every finding is pre-existing.
    const same = await run(repo, { baseSha: repo.head });
    expect(same.code).toBe(0);
    expect(same.outputs).toMatchObject({ result: 'pass', 'new-excess-count': '0', 'excess-count': '2' });
    expect(ourComments()).toHaveLength(0); // a pull request that adds nothing gets no comment
    expect(same.summary).toContain('✅ **No new IAM permissions beyond the vendor baselines**');

    const added = await run(repo);
    expect(added.code).toBe(1);
    expect(added.outputs).toMatchObject({ result: 'fail', 'new-excess-count': '1', 'excess-count': '2' });
    expect(added.stdout).toMatch(/::error::1 new finding at or above medium/);

    const any = await run(repo, { baseSha: repo.head, inputs: { 'fail-on': 'any' } });
    expect(any.code).toBe(1);
    const high = await run(repo, { inputs: { 'severity-threshold': 'critical' } });
    expect(high.code).toBe(1); // ec2:* on * is critical
    const nothingNew = await run(repo, { baseSha: repo.head, inputs: { 'severity-threshold': 'info' } });
    expect(nothingNew.code).toBe(0);

    // Only a low-severity finding (s3:ListAllMyBuckets): the threshold decides.
    const lowOnly = makeRepo(join(tmp, 'low-only'), []);
    expect((await run(lowOnly, { inputs: { 'fail-on': 'any' } })).code).toBe(0);
    expect((await run(lowOnly, { inputs: { 'fail-on': 'any', 'severity-threshold': 'low' } })).code).toBe(1);
  });

  // (a review: a pull request that only took a vendor's permissions away got no comment, its
  // "takes away" findings in the job summary only)
  it('a pull request that takes away a permission the vendor needs gets a comment, and passes', async () => {
    const repo = makeRepo(tmp, []);
    const [first, ...rest] = BASELINE.Statement[0]!.Action;
    expect(rest.length).toBeGreaterThan(0);
    const head = repo.commit(
      {
        'iam/coiled-policy.json': {
          Version: '2012-10-17',
          Statement: [{ ...BASELINE.Statement[0], Action: [...rest, 's3:ListAllMyBuckets'] }],
        },
      },
      'takes away',
    );
    const r = await run({ ...repo, head });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ result: 'pass', 'new-excess-count': '0' });
    expect(ourComments()).toHaveLength(1);
    expect(ourComments()[0]!.body).toContain(
      '⚠️ **No new IAM permissions beyond the vendor baselines** · 1 pre-existing finding · 1 new informational finding (vendor permissions this change takes away)',
    );
    expect(ourComments()[0]!.body).toContain(first);
  });

  it('drift: a scheduled run opens the tracking issue, a later clean run closes it', async () => {
    const repo = makeRepo(tmp);
    const drift = await run(repo, { event: 'schedule' });
    expect(drift.code).toBe(1); // no base: fail-on new treats every finding as new
    expect(gh.issues).toHaveLength(1);
    const issue = gh.issues[0]!;
    expect(issue).toMatchObject({ state: 'open', labels: ['iam-baseline-audit'] });
    expect(issue.body).toContain('<!-- iam-baseline-audit:drift key=default -->');
    expect(issue.body).toContain('### IAM baseline drift');
    expect(drift.outputs['issue-number']).toBe(String(issue.number));
    expect(gh.comments).toHaveLength(0); // no pull request comment in drift mode

    gh.reset();
    const again = await run(repo, { event: 'schedule' });
    expect(again.code).toBe(1);
    expect(gh.writes()).toEqual([]);

    repo.commit({ 'iam/coiled-policy.json': BASELINE }, 'clean');
    const clean = await run(repo, { event: 'schedule' });
    expect(clean.code).toBe(0);
    expect(issue.state).toBe('closed');
    expect(gh.comments.map((c) => c.body)).toEqual([
      '✅ The audit is clean again ([run](https://github.com/o/r/actions/runs/42)): closing.',
    ]);
  });

  it('audit mode (the per-repository job of the organisation recipe): a scheduled run writes nothing to GitHub; its JSON report merges', async () => {
    const repo = makeRepo(tmp);
    const res = await run(repo, {
      event: 'schedule',
      inputs: { mode: 'audit', comment: 'off', 'fail-on': 'none' },
    });
    expect(res.code).toBe(0);
    expect(gh.writes()).toEqual([]);
    expect(gh.issues).toHaveLength(0);
    expect(res.summary).toContain('### IAM baseline audit');
    const file = res.outputs['findings-file']!;
    const report = JSON.parse(readFileSync(file, 'utf8')) as { findings: unknown[] };
    expect(report.findings.length).toBeGreaterThan(0);
    // The merge half: the bundled CLI beside the action reads the report as the recipe does.
    const merged = JSON.parse(
      execFileSync(
        process.execPath,
        [
          resolve(DIST, '../cli.js'),
          'merge',
          '--repo',
          `o/r=${file}`,
          '--format',
          'json',
          '--fail-on',
          'none',
        ],
        { encoding: 'utf8' },
      ),
    ) as { repositories: { name: string }[]; findings: { repository: string }[] };
    expect(merged.repositories.map((r) => r.name)).toEqual(['o/r']);
    expect(merged.findings).toHaveLength(report.findings.length);
    expect(new Set(merged.findings.map((f) => f.repository))).toEqual(new Set(['o/r']));
  });

  it('writes the outputs, the job summary, the JSON report and the SARIF file', async () => {
    const repo = makeRepo(tmp);
    const res = await run(repo, { inputs: { 'sarif-file': 'results/iam.sarif', 'fail-on': 'none' } });
    expect(res.code).toBe(0);
    expect(res.outputs).toMatchObject({ 'excess-count': '2', 'new-excess-count': '1', result: 'pass' });

    const report = JSON.parse(readFileSync(res.outputs['findings-file']!, 'utf8'));
    expect(Object.keys(report)).toEqual([
      'schemaVersion',
      'tool',
      'catalog',
      'baselines',
      'inputs',
      'policies',
      'findings',
      'suggestions',
      'summary',
      'notes',
    ]);
    expect(report.schemaVersion).toBe(2);
    expect(report.findings.map((f: { new?: boolean }) => f.new).sort()).toEqual([false, true]);

    expect(res.summary).toContain('### IAM baseline audit');
    expect(res.summary).toContain('#### New in this change');
    expect(res.summary).toContain('<summary>1 pre-existing finding (already in the base)</summary>');
    expect(res.summary).not.toContain('<!-- iam-baseline-audit');

    expect(res.outputs['sarif-file']).toBe(join(repo.dir, 'results/iam.sarif'));
    const sarif = JSON.parse(readFileSync(res.outputs['sarif-file']!, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('iam/coiled-policy.json');
      expect(r.locations[0].physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
      expect(r.partialFingerprints['iamBaselineAudit/v1']).toMatch(/^[0-9a-f]{64}$/);
    }
    // (`fail-on: none`: the check passes, so the critical finding is a warning, not an error)
    expect(res.stdout).toMatch(
      /::warning title=Excess actions \(critical%2C new\),file=iam\/coiled-policy\.json,line=\d+::/,
    );
    expect(res.stdout).not.toMatch(/^::error /m);
  });

  it('fails the step with a clear message on invalid inputs and configuration errors', async () => {
    const repo = makeRepo(tmp);
    const bad = await run(repo, { inputs: { 'fail-on': 'sometimes' } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('::error::Input `fail-on` must be one of none, new, any (got "sometimes").');
    const missing = await run(repo, { inputs: { baseline: 'no-such-vendor' } });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/::error::Configuration error: /);
    expect(gh.writes()).toEqual([]);
    // (a review: `result` was empty on these failures, so `if: …outputs.result == 'fail'` missed them)
    expect([bad.outputs.result, missing.outputs.result]).toEqual(['fail', 'fail']);
  });

  // (a review: a `base-ref` typo only warned, and with `fail-on: new` every pre-existing finding
  // then failed the pull request as new)
  it('fails the step on a base-ref that names no commit', async () => {
    const repo = makeRepo(tmp);
    const res = await run(repo, { inputs: { 'base-ref': 'nonexistent-branch' } });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(
      '::error::Input `base-ref`: nonexistent-branch is a commit neither of the checkout nor of the repository on GitHub',
    );
    expect(res.outputs.result).toBe('fail');
    expect(gh.writes()).toEqual([]);
  });

  // (a review: `sarif-file: iam/coiled-policy.json` replaced the policy with SARIF, and passed)
  it('refuses a sarif-file that names one of the audit inputs, and writes nothing over it', async () => {
    const repo = makeRepo(tmp);
    const before = readFileSync(join(repo.dir, 'iam/coiled-policy.json'), 'utf8');
    const res = await run(repo, { inputs: { 'sarif-file': 'iam/coiled-policy.json', 'fail-on': 'none' } });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(
      "::error::Input `sarif-file`: iam/coiled-policy.json is one of the audit's inputs (iam/coiled-policy.json); the SARIF file is not written over it: name another file.",
    );
    expect(readFileSync(join(repo.dir, 'iam/coiled-policy.json'), 'utf8')).toBe(before);
    expect(res.outputs['sarif-file']).toBeUndefined();
    expect(res.outputs.result).toBe('fail');
  });

  // (a review: deleting the last policy failed the check with "no inputs found", and the comment
  // of the run before kept its ❌)
  it('a pull request that deletes the last policy passes, its findings removed, the comment updated', async () => {
    const repo = makeRepo(tmp);
    const first = await run(repo);
    expect(first.code).toBe(1);
    expect(ourComments()[0]!.body).toMatch(/\n❌ /);
    rmSync(join(repo.dir, 'iam/coiled-policy.json'));
    writeFileSync(join(repo.dir, 'README.md'), 'no policies here\n');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-q', '-m', 'delete the policy');
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    const res = await run({ ...repo, head });
    expect(res.code).toBe(0);
    expect(res.outputs.result).toBe('pass');
    expect(ourComments()).toHaveLength(1);
    expect(ourComments()[0]!.body).not.toMatch(/\n❌ /);
    expect(ourComments()[0]!.body).toContain('1 finding removed by this change');
  });

  it('the log: workflow commands in file names, Sids, ARNs and reasons never run (the runner is emulated)', async () => {
    const hostile = [
      '::add-mask::hunter2',
      '::error::pwned',
      '::set-output name=result::pass',
      '::stop-commands::x',
      '  ::warning::after spaces',
      '##[error]old syntax',
      '##[set-output name=result;]pass',
      'mid ##[add-mask]hunter2',
      'a\r::error::after CR',
      'a\n::notice::after LF',
    ];
    const extra: Record<string, unknown> = {};
    hostile.forEach((v, i) => {
      const name = v.replace(/\//g, '_');
      const policy = {
        Version: '2012-10-17',
        Statement: [
          { Sid: v, Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::1:role/${v}` },
        ],
      };
      // At the root, so that a name starts its line in "Not audited" and in the group headers.
      extra[`${name}.json`] = policy;
      extra[`${name}.broken-${i}.json`] = `{"Statement": [${JSON.stringify(v)}`; // an error with a reason
      extra[`${name}.not-iam-${i}.json`] = '// comments\n{"output": 1}';
    });
    const repo = makeRepo(tmp, [ADDED_EC2], extra);
    const res = await run(repo, { inputs: { 'fail-on': 'any', paths: '.' } });
    expect(res.code).toBe(1);
    // Our own commands only: the token's mask, the annotations, the failure, the stop/resume pair.
    const lines = res.stdout.split(/\r\n|\r|\n/);
    const commands = lines.filter((l) => /^\s*::/.test(l));
    const stop = commands.find((c) => c.startsWith('::stop-commands::'))!;
    const token = stop.slice('::stop-commands::'.length);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    for (const c of commands) {
      const ours =
        c === `::add-mask::${TOKEN}` ||
        c === stop ||
        c === `::${token}::` ||
        /^::(error|warning|notice)( title=[^,:]*(,file=[^,:]*)?(,line=\d+)?)?::/.test(c);
      if (!ours)
        throw new Error(`a workflow command from the repository reached the log: ${JSON.stringify(c)}`);
    }
    expect(lines.filter((l) => l.includes('##['))).toEqual([]);
    expect(commands.filter((c) => c.startsWith('::add-mask::'))).toEqual([`::add-mask::${TOKEN}`]);
    // The text report was printed, between the markers, with the hostile names escaped.
    const report = res.stdout.slice(res.stdout.indexOf(stop), res.stdout.indexOf(`::${token}::`));
    expect(report).toContain(':\\:add-mask::hunter2.not-iam-0.json: skipped');
    expect(report).toContain('##\\[error]old syntax');
    expect(res.outputs.result).toBe('fail');
  });

  it('renders hostile names from the repository inert in the comment', async () => {
    const hostileSid = {
      Sid: '</details><img src=x onerror=alert(1)> @org/team #123 owner/repo#1 [link](http://x) `x` | \u202Eevil <!-- iam-baseline-audit:comment key=default -->',
      Effect: 'Allow',
      // (a statement the suggestion keeps a part of: its diff shows the hostile Sid)
      Action: ['ec2:DescribeInstances', 'iam:PassRole'],
      Resource: '*',
    };
    const repo = makeRepo(tmp, [ADDED_EC2], {
      'iam/<img src=x>|@org#1 `x`.json': { Version: '2012-10-17', Statement: [hostileSid] },
    });
    const res = await run(repo);
    expect(res.code).toBe(1);
    const body = ourComments()[0]!.body;
    const outside = outsideCode(body);
    expect(body.split('<!-- iam-baseline-audit').length - 1).toBe(1);
    expect(outside).not.toContain('<img');
    expect(outside).not.toMatch(/@(?!&#8203;)/);
    expect(outside.replace(/&#?\w+;/g, '§')).not.toMatch(/#\d/);
    expect(outside).not.toContain('](');
    expect(body).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/);
    expect(outside.split('<details>').length).toBe(outside.split('</details>').length);
    // The lines that carry the hostile names (the rest depends on the audit's wording and catalog).
    expect(body.split('\n').filter((l) => l.includes('img src'))).toMatchSnapshot();
  });
  // ---------------------------------------------------------------------------------------------
  // The review of suggested changes

  const SUGGESTION = '<!-- iam-baseline-audit:suggestion key=default id=';
  const ourSuggestions = () =>
    gh.reviewComments.filter((c) => c.user.login === BOT.login && c.body.startsWith(SUGGESTION));

  /** A base that matches the baseline, and a head that adds excess in three ways (a new file too). */
  function excessRepo(root: string): Repo {
    const ongoing = BASELINE.Statement[0]!;
    const repo = makeRepo(root, []);
    repo.commit({ 'iam/coiled-policy.json': BASELINE }, 'clean base');
    repo.base = git(repo.dir, 'rev-parse', 'HEAD');
    repo.head = repo.commit(
      {
        'iam/coiled-policy.json': {
          ...BASELINE,
          Statement: [
            {
              ...ongoing,
              Action: [
                ...ongoing.Action.slice(0, 2),
                'iam:PassRole',
                ...ongoing.Action.slice(2),
                's3:ListAllMyBuckets',
              ],
            },
            ADDED_EC2,
          ],
        },
        'iam/new-policy.json': {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Logs',
              Effect: 'Allow',
              Action: ['logs:PutLogEvents', 'logs:DeleteLogGroup', 'logs:CreateLogStream'],
              Resource: '*',
            },
          ],
        },
      },
      'add excess',
    );
    return repo;
  }

  it('review: suggestions on the lines the pull request added; applied as GitHub applies them, the audit is clean and they are cleaned up', async () => {
    const repo = excessRepo(tmp);
    const first = await run(repo);
    expect(first.code).toBe(1);
    expect(first.stdout).not.toContain('::warning::');
    const posted = ourSuggestions();
    expect(posted.length).toBeGreaterThanOrEqual(3);
    expect(new Set(posted.map((c) => c.path))).toEqual(
      new Set(['iam/coiled-policy.json', 'iam/new-policy.json']),
    );
    expect(gh.reviews).toEqual([
      expect.objectContaining({ pull: 7, commit_id: repo.head, event: 'COMMENT' }),
    ]);
    // One review, most severe first; each comment says what it removes and why.
    expect(gh.writes().filter((w) => w.path === '/repos/o/r/pulls/7/reviews')).toHaveLength(1);
    expect(posted[0]!.body).toMatch(/\*\*critical\*\* · Removes \d+ excess actions? \(not in /);
    expect(posted.map((c) => c.body).join('\n')).toContain('`iam:PassRole`');
    expect(posted.map((c) => c.body).join('\n')).toContain('`logs:DeleteLogGroup`');

    // Applied (the fake checked that every comment lies inside one hunk of the diff).
    const fixed = applySuggestionComments(repo.dir, posted);
    for (const text of Object.values(fixed)) expect(() => JSON.parse(text)).not.toThrow();
    repo.head = repo.commit(fixed, 'apply the suggestions');
    gh.reset();
    const clean = await run(repo, { inputs: { 'fail-on': 'any', 'severity-threshold': 'info' } });
    expect(clean.outputs).toMatchObject({ 'excess-count': '0', result: 'pass' });
    expect(clean.code).toBe(0);
    // The suggestions are no longer wanted: deleted; no new review.
    expect(ourSuggestions()).toEqual([]);
    expect(
      gh
        .writes()
        .filter((w) => w.path.includes('/pulls/'))
        .map((w) => w.method),
    ).toEqual(posted.map(() => 'DELETE'));
  });

  it('review: an unchanged re-run writes nothing; a pull request that removes the excess gets its suggestions deleted', async () => {
    const repo = excessRepo(tmp);
    await run(repo);
    const posted = ourSuggestions();
    expect(posted.length).toBeGreaterThan(0);
    gh.reset();
    const again = await run(repo);
    expect(again.code).toBe(1);
    expect(gh.writes()).toEqual([]);
    expect(ourSuggestions()).toEqual(posted);

    // The author removes the excess by hand (not as suggested).
    repo.head = repo.commit(
      { 'iam/coiled-policy.json': BASELINE, 'iam/new-policy.json': BASELINE },
      'by hand',
    );
    gh.reset();
    const removed = await run(repo);
    expect(removed.code).toBe(0);
    expect(ourSuggestions()).toEqual([]);
    expect(
      gh
        .writes()
        .filter((w) => w.method === 'DELETE')
        .map((w) => w.path)
        .sort(),
    ).toEqual(posted.map((c) => `/repos/o/r/pulls/comments/${c.id}`).sort());
    expect(gh.reviews).toHaveLength(1);
  });

  it('review: comment posts the change described, no suggestion block; off posts none and removes none', async () => {
    const repo = excessRepo(tmp);
    await run(repo, { inputs: { review: 'comment' } });
    const described = ourSuggestions();
    expect(described.length).toBeGreaterThan(0);
    for (const c of described) {
      expect(c.body).not.toContain('suggestion\n');
      expect(c.body).toMatch(/Suggested change to lines? \d+/);
    }
    gh.reset();
    await run(repo, { inputs: { review: 'off' } });
    expect(gh.writes()).toEqual([]);
    expect(ourSuggestions()).toEqual(described);
  });

  it('review: a 403 on the review is a warning; the step fails or passes by fail-on alone', async () => {
    const repo = excessRepo(tmp);
    gh.failures.push({ method: 'POST', path: /\/pulls\/7\/reviews$/, status: 403 });
    const failing = await run(repo);
    expect(failing.code).toBe(1);
    expect(failing.outputs.result).toBe('fail');
    expect(failing.stdout).toMatch(
      /::warning::Could not post the suggested changes: the token lacks `pull-requests: write`/,
    );
    expect(ourComments()).toHaveLength(1); // the main comment is still written
    const passing = await run(repo, { inputs: { 'fail-on': 'none' } });
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('::warning::Could not post the suggested changes');
    // Listing the review comments refused: a warning too, and nothing is written to the review.
    gh.failures.push({ method: 'GET', path: /\/pulls\/7\/comments$/, status: 403 });
    gh.reset();
    const listing = await run(repo, { inputs: { 'fail-on': 'none' } });
    expect(listing.code).toBe(0);
    expect(listing.stdout).toMatch(
      /::warning::Could not suggest changes in the pull request: the token lacks/,
    );
    expect(gh.writes().filter((w) => w.path.includes('/pulls/'))).toEqual([]);
  });

  it('review: over 20 suggested changes, the 20 most severe are posted and the main comment counts the rest', async () => {
    const files: Record<string, unknown> = {};
    const statement = (actions: string[]) => ({
      Version: '2012-10-17',
      Statement: [{ Sid: 'S', Effect: 'Allow', Action: actions, Resource: '*' }],
    });
    for (let i = 0; i < 21; i++)
      files[`iam/team-${String(i).padStart(2, '0')}.json`] = statement([
        'ec2:DescribeInstances',
        's3:ListAllMyBuckets',
      ]);
    // Last by path, first by severity.
    for (const name of ['zz-a', 'zz-b', 'zz-c'])
      files[`iam/${name}.json`] = statement(['ec2:DescribeInstances', 'iam:CreateUser']);
    const repo = makeRepo(tmp, [], files);
    const res = await run(repo);
    expect(res.stdout).not.toContain('::warning::');
    const posted = ourSuggestions();
    expect(posted).toHaveLength(20);
    for (const name of ['zz-a', 'zz-b', 'zz-c'])
      expect(posted.map((c) => c.path)).toContain(`iam/${name}.json`);
    const more = /💡 (\d+) more suggested changes were not posted in the review/.exec(ourComments()[0]!.body);
    expect(Number(more?.[1])).toBeGreaterThanOrEqual(4);
    expect(gh.reviews).toHaveLength(1);
    gh.reset();
    await run(repo);
    expect(gh.writes()).toEqual([]);
  });

  it('review: a shallow checkout without the base takes the diff from the API; lines outside the diff get no suggestion', async () => {
    const repo = excessRepo(tmp);
    const shallow = join(tmp, 'shallow');
    git(tmp, 'clone', '-q', '--depth', '1', `file://${repo.dir}`, shallow);
    // The API's diff holds only the new file: the excess in iam/coiled-policy.json stays in the main comment.
    const res = await run(
      { ...repo, dir: shallow },
      { pullFiles: pullFiles(repo).filter((f) => f.filename === 'iam/new-policy.json') },
    );
    expect(res.stdout).not.toContain('::warning::');
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /repos/o/r/pulls/7/files');
    const posted = ourSuggestions();
    expect(posted.length).toBeGreaterThan(0);
    expect(new Set(posted.map((c) => c.path))).toEqual(new Set(['iam/new-policy.json']));
    expect(ourComments()[0]!.body).toContain('`iam:PassRole`');
  });
  it('review: *.tf.json, .tf and CloudFormation YAML get suggestions too; applied, the audit of every format is clean', async () => {
    const ongoing = BASELINE.Statement[0]!;
    const doc = (extra: string[]) => ({
      Version: '2012-10-17',
      Statement: [{ ...ongoing, Action: [...ongoing.Action, ...extra] }],
    });
    const tfJson = (extra: string[]) => ({
      resource: {
        aws_iam_policy: { vendor: { name: 'vendor', policy: JSON.stringify(doc(extra), null, 2) } },
      },
    });
    const cfn = (extra: string[]) =>
      YAML.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          VendorPolicy: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: { ManagedPolicyName: 'vendor', PolicyDocument: doc(extra) },
          },
        },
      });
    const hcl = (extra: string[]) =>
      [
        'resource "aws_iam_policy" "vendor" {',
        '  name = "vendor"',
        '  policy = jsonencode({',
        '    Version = "2012-10-17"',
        '    Statement = [',
        '      {',
        '        Sid    = "Ongoing"',
        '        Effect = "Allow"',
        '        Action = [',
        ...[...ongoing.Action, ...extra].map((a) => `          "${a}",`),
        '        ]',
        '        Resource = "*"',
        '      },',
        '    ]',
        '  })',
        '}',
        '',
      ].join('\n');
    const repo = makeRepo(tmp, []);
    repo.commit(
      {
        'iam/coiled-policy.json': BASELINE,
        'infra/json/main.tf.json': tfJson([]),
        'infra/cfn/template.yaml': cfn([]),
        'infra/hcl/main.tf': hcl([]),
      },
      'clean base',
    );
    repo.base = git(repo.dir, 'rev-parse', 'HEAD');
    const extra = ['iam:PassRole', 's3:ListAllMyBuckets'];
    repo.head = repo.commit(
      {
        'infra/json/main.tf.json': tfJson(extra),
        'infra/cfn/template.yaml': cfn(extra),
        'infra/hcl/main.tf': hcl(extra),
      },
      'add excess',
    );
    const inputs = { paths: 'iam\ninfra' };
    const first = await run(repo, { inputs });
    expect(first.code).toBe(1);
    expect(first.outputs['new-excess-count']).toBe('3');
    expect(first.stdout).not.toContain('::warning::');
    const posted = ourSuggestions();
    expect([...new Set(posted.map((c) => c.path))].sort()).toEqual([
      'infra/cfn/template.yaml',
      'infra/hcl/main.tf',
      'infra/json/main.tf.json',
    ]);
    repo.head = repo.commit(applySuggestionComments(repo.dir, posted), 'apply the suggestions');
    gh.reset();
    const clean = await run(repo, { inputs: { ...inputs, 'fail-on': 'any', 'severity-threshold': 'info' } });
    expect(clean.outputs).toMatchObject({ 'excess-count': '0', result: 'pass' });
    expect(ourSuggestions()).toEqual([]);
    expect(
      gh
        .writes()
        .filter((w) => w.path.includes('/pulls/'))
        .map((w) => w.method),
    ).toEqual(posted.map(() => 'DELETE'));
  });
  it('review: hostile names and file text are inert in the review comments; the block is the file text exactly, its fence never closed early', async () => {
    // (no bidi control here: lines that hold one are shown as a change, not offered as a
    // suggestion; __tests__/github/review.test.ts)
    const sid =
      '</details><img src=x> @org/team #12 [l](http://x) ```` | evil <!-- iam-baseline-audit:suggestion key=default id=forged -->';
    const path = 'iam/<img src=x>|@org#1 `x`.json';
    const text = [
      '{',
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    { "Sid": "Gone", "Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*" },',
      '    {',
      `      "Sid": ${JSON.stringify(sid)},`,
      '      "Effect": "Allow",',
      '      "Action": ["ec2:DescribeInstances", "iam:PassRole"],',
      '      "Resource": "*"',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n');
    const repo = makeRepo(tmp, [], { [path]: text });
    const first = await run(repo);
    expect(first.stdout).not.toContain('::warning::');
    const posted = ourSuggestions().filter((c) => c.path === path);
    expect(posted.length).toBeGreaterThan(0);
    const withSid = posted.find((c) => c.body.includes('img src'));
    expect(withSid).toBeDefined(); // the hostile Sid's line lies inside a suggestion block
    for (const c of posted) {
      const outside = outsideCode(c.body);
      expect(outside.startsWith('<!-- iam-baseline-audit:suggestion key=default id=')).toBe(true);
      expect(outside.split('<!-- iam-baseline-audit').length - 1).toBe(1);
      expect(outside).not.toContain('<img');
      expect(outside).not.toMatch(/@(?!&#8203;)/);
      expect(outside).not.toContain('](');
      expect(c.body.split('\n')[1]).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/);
    }
    expect(withSid!.body).toMatch(/^`````suggestion$/m); // longer than the Sid's four backticks
    // Applied as GitHub applies them: the file text exactly, and the policy without its excess.
    const fixed = applySuggestionComments(repo.dir, posted)[path]!;
    expect(fixed).toContain(JSON.stringify(sid));
    const doc = JSON.parse(fixed) as { Statement: { Sid: string; Action: unknown }[] };
    expect(doc.Statement).toEqual([expect.objectContaining({ Sid: sid, Action: ['ec2:DescribeInstances'] })]);
    // The forged marker inside the block is never taken for ours: a re-run writes nothing.
    gh.reset();
    await run(repo);
    expect(gh.writes()).toEqual([]);
  });
  it('review: a .tf policy whose document is in another file of its module gets its suggestion in that file', async () => {
    const main = [
      'resource "aws_iam_policy" "p" {',
      '  name   = "p"',
      '  policy = data.aws_iam_policy_document.p.json',
      '}',
      '',
    ].join('\n');
    const data = (actions: string[]) =>
      [
        'data "aws_iam_policy_document" "p" {',
        '  statement {',
        '    sid       = "Ongoing"',
        `    actions   = [${actions.map((a) => JSON.stringify(a)).join(', ')}]`,
        '    resources = ["*"]',
        '  }',
        '}',
        '',
      ].join('\n');
    const repo = makeRepo(tmp, []);
    repo.commit(
      {
        'iam/coiled-policy.json': BASELINE,
        'infra/main.tf': main,
        'infra/policies.tf': data(['ec2:RunInstances']),
      },
      'clean base',
    );
    repo.base = git(repo.dir, 'rev-parse', 'HEAD');
    repo.head = repo.commit(
      { 'infra/policies.tf': data(['ec2:RunInstances', 'iam:PassRole']) },
      'add excess',
    );
    const inputs = { paths: 'iam\ninfra' };
    const first = await run(repo, { inputs });
    expect(first.code).toBe(1);
    expect(first.stdout).not.toContain('::warning::');
    const posted = ourSuggestions();
    expect(posted.map((c) => c.path)).toEqual(['infra/policies.tf']);
    expect(posted[0]!.body).toContain('`iam:PassRole`');
    repo.head = repo.commit(applySuggestionComments(repo.dir, posted), 'apply the suggestion');
    expect(readFileSync(join(repo.dir, 'infra/policies.tf'), 'utf8')).toBe(data(['ec2:RunInstances']));
    const clean = await run(repo, { inputs: { ...inputs, 'fail-on': 'any', 'severity-threshold': 'info' } });
    expect(clean.outputs).toMatchObject({ 'excess-count': '0', result: 'pass' });
    expect(ourSuggestions()).toEqual([]);
  });

  /** The findings of a run's JSON report. */
  const findingsOf = (r: RunResult) =>
    (
      JSON.parse(readFileSync(r.outputs['findings-file']!, 'utf8')) as {
        findings: { kind: string; path: string; new?: boolean; actions?: string[]; statement?: string }[];
      }
    ).findings;
  const tfPolicy = (actions: string[]) =>
    [
      'resource "aws_iam_policy" "p" {',
      '  name = "p"',
      '  policy = jsonencode({',
      '    Version = "2012-10-17"',
      `    Statement = [{ Sid = "X", Effect = "Allow", Action = ${JSON.stringify(actions)}, Resource = "*" }]`,
      '  })',
      '}',
      '',
    ].join('\n');
  /** Commits files as `git add -f` does: the .gitignore does not keep them out. */
  const commitForced = (repo: Repo, files: Record<string, string>, message: string) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
      writeFileSync(join(repo.dir, path), text);
    }
    git(repo.dir, 'add', '-f', '--', ...Object.keys(files));
    git(repo.dir, 'commit', '-q', '-m', message);
    return git(repo.dir, 'rev-parse', 'HEAD');
  };
  // GitHub's Terraform .gitignore (github/gitignore), whose lines Terraform's own files match.
  const TERRAFORM_GITIGNORE = [
    '**/.terraform/*',
    '*.tfstate',
    '*.tfstate.*',
    '*.tfvars',
    '*.tfvars.json',
    'override.tf',
    'override.tf.json',
    '*_override.tf',
    '*_override.tf.json',
    '',
  ].join('\n');

  // (a review: the root .gitignore left out every file it matched, tracked or not: an
  // `infra/iam_override.tf` added with `git add -f` granting iam:* passed with no new finding)
  it('a file git tracks is audited whatever the .gitignore says: a Terraform *_override.tf the pull request adds', async () => {
    const repo = makeRepo(tmp, []);
    repo.base = commitForced(
      repo,
      { '.gitignore': TERRAFORM_GITIGNORE, 'infra/main.tf': tfPolicy(['ec2:RunInstances']) },
      'terraform',
    );
    // (untracked, as Terraform leaves it: not in the pull request, not audited)
    mkdirSync(join(repo.dir, 'infra/.terraform'), { recursive: true });
    writeFileSync(join(repo.dir, 'infra/.terraform/local_override.tf'), tfPolicy(['s3:*']));
    writeFileSync(join(repo.dir, 'infra/local_override.tf'), tfPolicy(['sqs:*']));
    repo.head = commitForced(
      repo,
      { 'infra/iam_override.tf': tfPolicy(['ec2:RunInstances', 'iam:*']) },
      'override',
    );
    const r = await run(repo, { inputs: { paths: 'infra' } });
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe('fail');
    const added = findingsOf(r).filter((f) => f.new === true && f.kind === 'excess-action');
    expect(added.map((f) => f.path)).toEqual(['infra/iam_override.tf']);
    expect(JSON.stringify(findingsOf(r))).not.toMatch(/local_override|sqs:|"s3:/);
  });

  it('a tracked terraform.tfvars the .gitignore lists is read, at the base too: what its change grants is new', async () => {
    const main = [
      'variable "extra" {',
      '  type    = list(string)',
      '  default = []',
      '}',
      tfPolicy(['ec2:RunInstances']).replace(
        '["ec2:RunInstances"]',
        'concat(["ec2:RunInstances"], var.extra)',
      ),
    ].join('\n');
    const repo = makeRepo(tmp, []);
    repo.base = commitForced(
      repo,
      {
        '.gitignore': TERRAFORM_GITIGNORE,
        'infra/main.tf': main,
        'infra/terraform.tfvars': 'extra = ["s3:GetObject"]\n',
      },
      'terraform',
    );
    repo.head = repo.commit(
      { 'infra/terraform.tfvars': 'extra = ["s3:GetObject", "iam:PassRole"]\n' },
      'more',
    );
    const r = await run(repo, { inputs: { paths: 'infra' } });
    expect(r.code).toBe(1);
    const excess = findingsOf(r).filter((f) => f.kind === 'excess-action');
    expect(excess.map((f) => [f.actions, f.new])).toEqual([
      [['s3:GetObject'], false],
      [['iam:PassRole'], true],
    ]);
  });

  it('a tracked policy a new .gitignore lists is still audited, and compared with its base', async () => {
    const repo = makeRepo(tmp, []);
    repo.base = repo.commit({ 'iam/q.json': basePolicy() }, 'q');
    repo.head = repo.commit(
      {
        '.gitignore': 'iam/q.json\n',
        'iam/q.json': basePolicy([{ Sid: 'More', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }]),
      },
      'ignore q',
    );
    const r = await run(repo);
    expect(r.code).toBe(1);
    const q = findingsOf(r).filter((f) => f.path === 'iam/q.json' && f.kind === 'excess-action');
    expect(q.map((f) => [f.statement, f.new])).toEqual([
      ['Ongoing', false],
      ['More', true],
    ]);
  });

  /**
   * The base branch moves on after the pull request branched from it: it takes the pre-existing
   * s3:ListAllMyBuckets away and adds iam/other.json. The pull request (branched from `repo.base`)
   * adds ec2:*; `moved` is the event's base.sha (main's tip), the checkout is at the head.
   */
  const movedBase = (repo: Repo) => {
    git(repo.dir, 'checkout', '-q', '-b', 'main2', repo.base);
    const moved = repo.commit(
      {
        'iam/coiled-policy.json': BASELINE,
        'iam/other.json': {
          Version: '2012-10-17',
          Statement: [{ Sid: 'Other', Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }],
        },
      },
      'main moves on',
    );
    git(repo.dir, 'checkout', '-q', 'main');
    return moved;
  };
  const removedOf = (r: RunResult) =>
    (
      JSON.parse(readFileSync(r.outputs['findings-file']!, 'utf8')) as {
        findings: { removed?: boolean; path: string }[];
      }
    ).findings.filter((f) => f.removed);

  // (a review: with the checkout at the head, main's later changes were the pull request's:
  // s3:ListAllMyBuckets, which main took away, "new", and iam/other.json "deleted" by it)
  it('the base branch moved on after the pull request branched: compared with the merge base, from git', async () => {
    const repo = makeRepo(tmp);
    const moved = movedBase(repo);
    const r = await run(repo, { baseSha: moved });
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({ 'new-excess-count': '1', 'excess-count': '2' });
    expect(findingsOf(r).filter((f) => f.new === true && f.kind === 'excess-action')).toEqual([
      expect.objectContaining({ statement: 'AddedInThisPR' }),
    ]);
    expect(removedOf(r)).toEqual([]);
    expect(r.stdout).toContain(`comparing with their merge base ${repo.base}`);
    expect(r.stdout).not.toContain('::warning::');

    // GitHub's merge commit (refs/pull/N/merge, the pull_request default checkout): its first
    // parent is the base, so the base is the merge base: main's changes are in the checkout.
    git(repo.dir, 'checkout', '-q', '--detach', moved);
    git(repo.dir, 'merge', '-q', '--no-ff', '-m', 'merge', repo.head);
    const merge = await run(repo, { baseSha: moved });
    // (ec2:*, new; iam/other.json's sns:Publish, in the base)
    expect(merge.outputs).toMatchObject({ 'new-excess-count': '1', 'excess-count': '2' });
    expect(removedOf(merge)).toEqual([]);
    expect(merge.stdout).not.toContain('merge base');
    expect(merge.stdout).not.toContain('::warning::');
  });

  it("the base branch moved on, a shallow checkout: the base is read at the compare API's merge base", async () => {
    const repo = makeRepo(tmp);
    const moved = movedBase(repo);
    // The contents API has both commits; GitHub's files list is the pull request's own change.
    for (const sha of [repo.base, moved])
      for (const path of git(repo.dir, 'ls-tree', '-r', '--name-only', sha).split('\n'))
        gh.files.set(`${sha}:${path}`, `${git(repo.dir, 'show', `${sha}:${path}`)}\n`);
    gh.mergeBases.set(`${moved}...${repo.head}`, repo.base);
    const shallow = join(tmp, 'shallow');
    git(tmp, 'clone', '-q', '--depth', '1', `file://${repo.dir}`, shallow);
    const files = pullFiles(repo);
    const r = await run({ ...repo, dir: shallow }, { baseSha: moved, pullFiles: files });
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({ 'new-excess-count': '1', 'excess-count': '2' });
    expect(removedOf(r)).toEqual([]);
    expect(gh.requests.map((q) => `${q.method} ${q.path}`)).toContain(
      `GET /repos/o/r/compare/${moved}...${repo.head}`,
    );
    expect(r.stdout).toContain(`comparing with their merge base ${repo.base}`);

    // The base commit fetched too, shallow (a review: git had the base, not their merge base, and
    // main's later changes were the pull request's): GitHub's merge base all the same.
    const both = join(tmp, 'both');
    git(tmp, 'clone', '-q', '--depth', '1', `file://${repo.dir}`, both);
    git(both, 'fetch', '-q', '--depth', '1', 'origin', moved);
    gh.reset();
    const fetched = await run({ ...repo, dir: both }, { baseSha: moved, pullFiles: files });
    expect(fetched.outputs).toMatchObject({ 'new-excess-count': '1', 'excess-count': '2' });
    expect(removedOf(fetched)).toEqual([]);
    expect(gh.requests.map((q) => `${q.method} ${q.path}`)).toContain(
      `GET /repos/o/r/compare/${moved}...${repo.head}`,
    );
    expect(fetched.stdout).toContain(`comparing with their merge base ${repo.base}`);
    expect(fetched.stdout).not.toContain('::warning::');

    // Not known (GitHub has no such commit): read at the base, and said.
    gh.mergeBases.clear();
    const unknown = await run({ ...repo, dir: shallow }, { baseSha: moved, pullFiles: files });
    expect(unknown.stdout).toMatch(
      /::warning::The merge base of the base [0-9a-f]{40} and the checkout is not known/,
    );

    // GitHub's merge commit, shallow (the default checkout): its first parent is the base, known
    // from the commit itself; GitHub is not asked.
    git(repo.dir, 'checkout', '-q', '-b', 'pr-merge', moved);
    git(repo.dir, 'merge', '-q', '--no-ff', '-m', 'merge', repo.head);
    const merged = join(tmp, 'merged');
    git(tmp, 'clone', '-q', '--depth', '1', '--branch', 'pr-merge', `file://${repo.dir}`, merged);
    gh.reset();
    const merge = await run({ ...repo, dir: merged }, { baseSha: moved, pullFiles: files });
    expect(merge.outputs).toMatchObject({ 'new-excess-count': '1', 'excess-count': '2' });
    expect(gh.requests.filter((q) => q.path.includes('/compare/'))).toEqual([]);
    expect(merge.stdout).not.toContain('::warning::The merge base');
  });

  // (a review: a pull_request_target workflow with actions/checkout's default, the base branch,
  // audited the base as the pull request: "0 new", a pass of the required check)
  it('a checkout that is not the pull request (pull_request_target’s default): nothing is audited, the step fails and says how', async () => {
    const repo = makeRepo(tmp);
    git(repo.dir, 'checkout', '-q', '--detach', repo.base);
    const r = await run(repo, { event: 'pull_request_target' });
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe('fail');
    expect(r.outputs['findings-file']).toBeUndefined();
    expect(r.stdout).toMatch(
      /::error::Nothing of pull request #7 was audited: the checkout is its base commit [0-9a-f]{12} \(a `pull_request_target` workflow/,
    );
    expect(r.stdout).toContain('ref: ${{ github.event.pull_request.head.sha }}');
    expect(r.summary).toContain('❌ **Nothing of this pull request was audited.**');
    expect(ourComments()).toHaveLength(1);
    expect(ourComments()[0]!.body).toContain('❌ **Nothing of this pull request was audited.**');
    expect(gh.reviewComments).toEqual([]);

    // Another commit (the base branch's later tip): the same; `comment: off` writes no comment.
    gh.reset();
    const later = repo.commit({ 'iam/later.json': BASELINE }, 'main moves on');
    const off = await run(repo, { event: 'pull_request_target', inputs: { comment: 'off' } });
    expect(off.code).toBe(1);
    expect(off.stdout).toContain(`the checkout is commit ${later.slice(0, 12)}, neither its head`);
    expect(gh.writes()).toEqual([]);

    // The head checked out (ref: head.sha): audited as usual.
    git(repo.dir, 'checkout', '-q', '--detach', repo.head);
    const head = await run(repo, { event: 'pull_request_target' });
    expect(head.outputs).toMatchObject({ result: 'fail', 'new-excess-count': '1' });
    expect(head.stdout).not.toContain('Nothing of pull request');
    // A later commit of the pull request's branch (a checkout by branch name): audited too.
    repo.commit({ 'iam/later.json': BASELINE }, 'more');
    const branch = await run(repo, { event: 'pull_request' });
    expect(branch.stdout).not.toContain('Nothing of pull request');
    expect(branch.outputs['new-excess-count']).toBe('1');
    // A push (no pull request) of the base: audited as usual.
    git(repo.dir, 'checkout', '-q', '--detach', repo.base);
    const push = await run(repo, { event: 'push' });
    expect(push.stdout).not.toContain('Nothing of pull request');
    expect(push.outputs['findings-file']).toBeDefined();
  });

  // (a review: with the base checked out, a work tree git would not read (another user's, a
  // `container:` job) or no `.git` (actions/checkout's download without git) was taken to be the
  // head: "0 new", a pass, and an info line)
  it('pull_request_target, a checkout git cannot read: the step fails, saying why and how; pull_request: a warning', async () => {
    const repo = makeRepo(tmp);
    git(repo.dir, 'checkout', '-q', '--detach', repo.base);
    // (git's switch for its own tests: the work tree is taken to be another user's; no
    // safe.directory of this machine's configuration)
    const gitconfig = join(tmp, 'gitconfig');
    writeFileSync(gitconfig, '');
    const env = {
      GIT_TEST_ASSUME_DIFFERENT_OWNER: '1',
      GIT_CONFIG_GLOBAL: gitconfig,
      GIT_CONFIG_NOSYSTEM: '1',
    };
    const dubious = await run(repo, { event: 'pull_request_target', env });
    expect(dubious.code).toBe(1);
    expect(dubious.outputs.result).toBe('fail');
    expect(dubious.outputs['findings-file']).toBeUndefined();
    expect(dubious.stdout).toMatch(
      /::error::Nothing of pull request #7 was audited: which commit is checked out could not be confirmed, as git refuses to read the work tree, which another user owns \(git's "dubious ownership"/,
    );
    expect(dubious.stdout).toContain('safe.directory "$GITHUB_WORKSPACE"');
    expect(dubious.stdout).toContain('ref: ${{ github.event.pull_request.head.sha }}');
    // (git's message names the runner's paths: never quoted)
    expect(`${dubious.stdout}${dubious.summary}${JSON.stringify(gh.comments)}`).not.toContain(repo.dir);
    expect(dubious.summary).toContain('❌ **Nothing of this pull request was audited.**');
    expect(ourComments()).toHaveLength(1);

    // pull_request (its default checkout is the merge commit): audited, with a warning.
    const warned = await run(repo, { event: 'pull_request', env });
    expect(warned.stdout).toMatch(
      /::warning::Which commit is checked out could not be confirmed, as git refuses/,
    );
    expect(warned.outputs['findings-file']).toBeDefined();

    // No `.git` (actions/checkout without git on the runner): the same.
    const files = pullFiles(repo);
    rmSync(join(repo.dir, '.git'), { recursive: true, force: true });
    const nogit = await run(repo, { event: 'pull_request_target', pullFiles: files });
    expect(nogit.code).toBe(1);
    expect(nogit.outputs['findings-file']).toBeUndefined();
    expect(nogit.stdout).toMatch(
      /::error::Nothing of pull request #7 was audited: which commit is checked out could not be confirmed, as the workspace is not a git repository/,
    );
    expect(nogit.stdout).not.toContain(repo.dir);
  });
});
