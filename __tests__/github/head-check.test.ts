// The head check when git cannot tell which commit is checked out (a review: a
// `pull_request_target` run with the base checked out, in a work tree another user owns (git's
// "dubious ownership", a `container:` job) or without `.git` (actions/checkout's download without
// git), was taken to be the head: "0 new", a pass, and only an info line).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { notThePullRequest } from '../../src/github/head-check.js';
import { log } from '../../src/github/log.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } }).trim();
}

// Another user's work tree: made so by root (CI runs as root). (git's GIT_TEST_ASSUME_DIFFERENT_OWNER
// would do for any user, but jest's process.env is not the one git is started with: the bundle's
// end-to-end test uses it.)
const asRoot = process.getuid?.() === 0;
const anotherUsers = (dir: string) => execFileSync('chown', ['-R', '12345:12345', dir]);
let tmp: string;
let base: string;
let head: string;
let warnings: string[];

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-head-check-'));
  warnings = [];
  jest.spyOn(log, 'warning').mockImplementation((m: string) => void warnings.push(m));
  jest.spyOn(log, 'info').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(tmp, { recursive: true, force: true });
});

/** A repository with the base checked out (pull_request_target's default). */
function repo(): string {
  const dir = join(tmp, 'work');
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'p.json'), '{}\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  base = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', '-b', 'pr');
  writeFileSync(join(dir, 'p.json'), '{"head": true}\n');
  git(dir, 'commit', '-q', '-am', 'head');
  head = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', '--detach', base);
  return dir;
}

const check = (root: string, event: string) =>
  notThePullRequest(
    root,
    { report: undefined },
    { mode: 'pull-request', event, pr: { number: 7, head: { sha: head }, base: { sha: base } } },
  );

describe('a checkout git cannot tell', () => {
  (asRoot ? it : it.skip)(
    'pull_request_target, a work tree another user owns: the step fails, saying why and how, no path quoted',
    async () => {
      const dir = repo();
      anotherUsers(dir);
      const message = await check(dir, 'pull_request_target');
      expect(message).toMatch(
        /^Nothing of pull request #7 was audited: which commit is checked out could not be confirmed, as git refuses to read the work tree, which another user owns \(git's "dubious ownership"/,
      );
      expect(message).toContain('git config --global --add safe.directory "$GITHUB_WORKSPACE"');
      expect(message).toContain('ref: ${{ github.event.pull_request.head.sha }}');
      expect(message).toContain('"Pull requests from forks"');
      expect(message).not.toContain(tmp);
      expect(warnings).toEqual([]);
    },
  );

  it('pull_request_target without `.git` (actions/checkout without git): the step fails, saying so', async () => {
    const dir = repo();
    rmSync(join(dir, '.git'), { recursive: true, force: true });
    const message = await check(dir, 'pull_request_target');
    expect(message).toMatch(/could not be confirmed, as the workspace is not a git repository/);
    expect(message).toContain('install git before actions/checkout');
    expect(message).toContain('ref: ${{ github.event.pull_request.head.sha }}');
    expect(message).not.toContain(tmp);
  });

  it('pull_request (whose default checkout is the merge commit): audited, with a warning that says why', async () => {
    const dir = repo();
    rmSync(join(dir, '.git'), { recursive: true, force: true });
    expect(await check(dir, 'pull_request')).toBeUndefined();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Which commit is checked out could not be confirmed, as the workspace is not a git repository .*It is taken to be pull request #7's head/,
      ),
    ]);
    expect(warnings[0]).not.toContain(tmp);
  });

  (asRoot ? it : it.skip)(
    'pull_request, a work tree another user owns: a warning naming safe.directory',
    async () => {
      const dir = repo();
      anotherUsers(dir);
      expect(await check(dir, 'pull_request')).toBeUndefined();
      expect(warnings).toEqual([
        expect.stringMatching(
          /^Which commit is checked out could not be confirmed, as git refuses .*safe\.directory/,
        ),
      ]);
      expect(warnings[0]).not.toContain(tmp);
    },
  );

  it('a checkout git can tell is checked as before: the base fails, the head passes, with no warning', async () => {
    const dir = repo();
    expect(await check(dir, 'pull_request_target')).toMatch(/the checkout is its base commit/);
    git(dir, 'checkout', '-q', '--detach', head);
    expect(await check(dir, 'pull_request_target')).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});
