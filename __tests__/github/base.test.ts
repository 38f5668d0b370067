import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import { BaseRefError, makeBaseReader } from '../../src/github/base.js';
import { FakeGitHub } from './fake-github.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

describe('makeBaseReader', () => {
  let dir: string;
  let base: string;
  let gh: FakeGitHub;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iba-base-'));
    git(dir, 'init', '-q', '-b', 'main');
    mkdirSync(join(dir, 'iam'));
    writeFileSync(join(dir, 'iam/policy.json'), '{"v": "base"}\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    base = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(join(dir, 'iam/policy.json'), '{"v": "head"}\n');
    writeFileSync(join(dir, 'iam/new.json'), '{}\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'head');
    gh = await new FakeGitHub().start();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await gh.stop();
  });

  it('reads from git when the checkout has the base commit', async () => {
    const read = makeBaseReader({ root: dir, ref: base });
    expect(await read('iam/policy.json')).toBe('{"v": "base"}\n');
    expect(await read('./iam/policy.json')).toBe('{"v": "base"}\n');
    expect(await read('iam/new.json')).toBeUndefined();
  });

  // (a review: `git show` of a link prints the path it points to, so a policy file that is a link
  // was read as that path at the base, and all its findings were new)
  it("follows a symbolic link at the base within the root, as the working tree's reading does", async () => {
    const d = mkdtempSync(join(tmpdir(), 'iba-base-link-'));
    try {
      git(d, 'init', '-q', '-b', 'main');
      mkdirSync(join(d, 'policies'));
      mkdirSync(join(d, 'infra'));
      writeFileSync(join(d, 'policies/coiled.json'), '{"v": "base"}\n');
      symlinkSync('../policies/coiled.json', join(d, 'infra/coiled.json'));
      symlinkSync('coiled.json', join(d, 'infra/again.json'));
      symlinkSync('loop.json', join(d, 'infra/loop.json'));
      symlinkSync('/etc/hostname', join(d, 'infra/outside.json'));
      // A directory that is a link (git does not follow one within a path), and one to outside.
      symlinkSync('../policies', join(d, 'infra/dir'));
      symlinkSync('/etc', join(d, 'infra/etc'));
      git(d, 'add', '.');
      git(d, 'commit', '-q', '-m', 'base');
      const ref = git(d, 'rev-parse', 'HEAD');
      const read = makeBaseReader({ root: d, ref });
      expect(await read('infra/coiled.json')).toBe('{"v": "base"}\n');
      expect(await read('infra/again.json')).toBe('{"v": "base"}\n');
      expect(await read('infra/loop.json')).toBeUndefined();
      expect(await read('infra/outside.json')).toBeUndefined();
      expect(await read('infra/dir/coiled.json')).toBe('{"v": "base"}\n');
      expect(await read('infra/dir/missing.json')).toBeUndefined();
      expect(await read('infra/etc/hostname')).toBeUndefined();
      // (a review: `git show` read a name with `[`, `*` or `?` not at the base as a pattern: "")
      expect(await read('infra/[q]/coiled.json')).toBeUndefined();
      expect(await read('infra/coiled[prod].json')).toBeUndefined();
      expect(await read('infra/*.json')).toBeUndefined();
      // From a subdirectory root, a link out of it is not followed.
      const sub = makeBaseReader({ root: join(d, 'infra'), ref });
      expect(await sub('coiled.json')).toBeUndefined();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('works from a subdirectory of the work tree', async () => {
    const read = makeBaseReader({ root: join(dir, 'iam'), ref: base });
    expect(await read('policy.json')).toBe('{"v": "base"}\n');
  });

  it('falls back to the contents API when the commit is not in the checkout (404: undefined)', async () => {
    const missing = 'a'.repeat(40);
    gh.files.set(`${missing}:iam/policy.json`, '{"v": "api"}\n');
    const octokit = getOctokit('t', { baseUrl: gh.url });
    const read = makeBaseReader({ root: dir, ref: missing, octokit, owner: 'o', repo: 'r' });
    expect(await read('iam/policy.json')).toBe('{"v": "api"}\n');
    expect(await read('iam/new.json')).toBeUndefined();
    // Cached: a second read makes no request.
    const before = gh.requests.length;
    await read('iam/policy.json');
    expect(gh.requests.length).toBe(before);
    expect(
      gh.requests.some(
        (r) =>
          r.path === '/repos/o/r/contents/iam%2Fpolicy.json' ||
          r.path === '/repos/o/r/contents/iam/policy.json',
      ),
    ).toBe(true);
  });

  // (a review) `base-ref: nosuchref` read every file as not at the base: every finding new, unsaid.
  // (and then a review: with `fail-on: new`, every pre-existing finding failed the pull request on a
  // typo; refused now, as an input in error)
  it('a base-ref that is a commit neither of the checkout nor of GitHub: refused, saying so', async () => {
    const notes: [string, string][] = [];
    const octokit = getOctokit('t', { baseUrl: gh.url });
    const read = makeBaseReader({
      root: dir,
      ref: 'nosuchref',
      octokit,
      owner: 'o',
      repo: 'r',
      onNote: (text, level) => notes.push([level, text]),
    });
    await expect(read('iam/policy.json')).rejects.toThrow(
      new BaseRefError(
        'Input `base-ref`: nosuchref is a commit neither of the checkout nor of the repository on GitHub; name a branch, tag or commit that exists (a branch of the checkout needs `fetch-depth: 0`, or its name as GitHub has it).',
      ),
    );
    expect(notes).toEqual([]);
    // One that GitHub has: no warning.
    const known = 'c'.repeat(40);
    gh.commits.add(known);
    const quiet: string[] = [];
    const ok = makeBaseReader({
      root: dir,
      ref: known,
      octokit,
      owner: 'o',
      repo: 'r',
      onNote: (t) => quiet.push(t),
    });
    await ok('iam/policy.json');
    expect(quiet).toEqual([]);
  });

  it('without the commit and without a client, there is no base', async () => {
    const read = makeBaseReader({ root: dir, ref: 'b'.repeat(40) });
    expect(await read('iam/policy.json')).toBeUndefined();
  });

  it('refuses paths that leave the repository and refs that look like options', async () => {
    const read = makeBaseReader({ root: dir, ref: base });
    expect(await read('../etc/passwd')).toBeUndefined();
    expect(await read('/etc/passwd')).toBeUndefined();
    expect(() => makeBaseReader({ root: dir, ref: '--output=/tmp/x' })).toThrow(/not valid/);
  });
});

describe('a backslash in a file name (a review: `infra\\prod\\admin.json` was read at the base as `infra/prod/admin.json`)', () => {
  it('is part of the name on POSIX: the file is read at the base by its own name, never as another file', async () => {
    // A pull request adds a file whose name holds backslashes; the base holds the file they would
    // separate into. Read as that file, its findings were already in the base: never new.
    const dir = mkdtempSync(join(tmpdir(), 'iba-base-bs-'));
    try {
      git(dir, 'init', '-q', '-b', 'main');
      mkdirSync(join(dir, 'infra/prod'), { recursive: true });
      writeFileSync(join(dir, 'infra/prod/admin.json'), '{"v": "base admin"}\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-q', '-m', 'base');
      const base = git(dir, 'rev-parse', 'HEAD');
      writeFileSync(join(dir, 'infra\\prod\\admin.json'), '{"v": "new"}\n');
      writeFileSync(join(dir, 'a\\..\\x.json'), '{"v": "new"}\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-q', '-m', 'head');
      const read = makeBaseReader({ root: dir, ref: base });
      expect(await read('infra\\prod\\admin.json')).toBeUndefined();
      expect(await read('a\\..\\x.json')).toBeUndefined();
      expect(await read('infra/prod/admin.json')).toBe('{"v": "base admin"}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a file the pull request renamed (a review: `git mv` made every finding new)', () => {
  it('is read at its base path, from a subdirectory too, so its findings are not new', async () => {
    const { runAudit } = await import('../../src/audit/run.js');
    const dir = mkdtempSync(join(tmpdir(), 'iba-rename-'));
    try {
      git(dir, 'init', '-q', '-b', 'main');
      mkdirSync(join(dir, 'infra/iam'), { recursive: true });
      const policy = JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [{ Sid: 'Broad', Effect: 'Allow', Action: ['ec2:*', 'iam:PassRole'], Resource: '*' }],
        },
        null,
        2,
      );
      writeFileSync(join(dir, 'infra/iam/skypilot-old.json'), policy);
      git(dir, 'add', '.');
      git(dir, 'commit', '-q', '-m', 'base');
      const base = git(dir, 'rev-parse', 'HEAD');
      git(dir, 'mv', 'infra/iam/skypilot-old.json', 'infra/iam/skypilot.json');
      git(dir, 'commit', '-q', '-m', 'rename');

      const read = makeBaseReader({ root: join(dir, 'infra'), ref: base });
      expect(await read('iam/skypilot.json')).toBeUndefined();
      expect(await read.renamedFrom?.('iam/skypilot.json')).toBe('iam/skypilot-old.json');
      expect(await read.renamedFrom?.('iam/other.json')).toBeUndefined();

      const report = await runAudit({
        root: join(dir, 'infra'),
        paths: ['.'],
        baseline: 'skypilot',
        readBase: read,
        now: new Date('2026-12-06T00:00:00Z'),
      });
      const excess = report.findings.filter((f) => f.kind !== 'missing-permission');
      expect(excess.length).toBeGreaterThan(0);
      expect(excess.filter((f) => f.new !== false)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a `.tf` file the pull request deleted (merging two files of a module made every finding new)', () => {
  const ROLE = `resource "aws_iam_role" "sky" {
  name = "skypilot-v1"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
`;
  const POLICY = `resource "aws_iam_role_policy" "extra" {
  role = aws_iam_role.sky.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Everything", Effect = "Allow", Action = ["iam:*", "s3:*"], Resource = "*" }]
  })
}
`;
  const CONFIG = `version: 1
audits:
  - baseline: skypilot
    policies: ["terraform:aws_iam_role.sky"]
`;

  it('is listed, and its blocks moved into another file of the module are found at the base, not new', async () => {
    const { runAudit } = await import('../../src/audit/run.js');
    const dir = mkdtempSync(join(tmpdir(), 'iba-deleted-'));
    try {
      git(dir, 'init', '-q', '-b', 'main');
      mkdirSync(join(dir, 'infra'), { recursive: true });
      mkdirSync(join(dir, '.github'), { recursive: true });
      writeFileSync(join(dir, '.github/iam-baseline-audit.yml'), CONFIG);
      writeFileSync(join(dir, 'infra/main.tf'), ROLE);
      writeFileSync(join(dir, 'infra/policy.tf'), POLICY);
      writeFileSync(join(dir, 'notes.tf.txt'), 'not a module file');
      git(dir, 'add', '.');
      git(dir, 'commit', '-q', '-m', 'base');
      const base = git(dir, 'rev-parse', 'HEAD');
      // The change merges policy.tf into main.tf, and adds a statement to the moved policy.
      git(dir, 'rm', '-q', 'infra/policy.tf', 'notes.tf.txt');
      writeFileSync(join(dir, 'infra/main.tf'), ROLE + POLICY);
      git(dir, 'commit', '-q', '-am', 'merge the files');

      const read = makeBaseReader({ root: dir, ref: base });
      expect((await read.deleted?.())?.sort()).toEqual(['infra/policy.tf', 'notes.tf.txt']);
      const audit = () =>
        runAudit({ root: dir, paths: ['infra'], readBase: read, now: new Date('2026-12-06T00:00:00Z') });
      let report = await audit();
      const excess = report.findings.filter((f) => f.kind !== 'missing-permission');
      expect(excess.some((f) => f.kind === 'excess-action' && f.statement === 'Everything')).toBe(true);
      expect(excess.filter((f) => f.new !== false)).toEqual([]);

      // What the change adds to the moved block is still new.
      writeFileSync(join(dir, 'infra/main.tf'), ROLE + POLICY.replace('"s3:*"]', '"s3:*", "kms:Decrypt"]'));
      report = await audit();
      const added = report.findings.filter((f) => f.new === true && !f.removed);
      expect(added.length).toBeGreaterThan(0);
      expect(added.every((f) => f.actions.every((a) => a.startsWith('kms:')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('without the base commit (actions/checkout fetch-depth 1; a review: a `git mv` made 5 findings new)', () => {
  const POLICY = JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Broad', Effect: 'Allow', Action: ['ec2:*', 'iam:PassRole'], Resource: '*' }],
    },
    null,
    2,
  );
  let dir: string;
  let gh: FakeGitHub;
  const BASE = 'c'.repeat(40);
  beforeAll(async () => {
    // Only the head commit in the checkout; the base through the contents API.
    dir = mkdtempSync(join(tmpdir(), 'iba-shallow-'));
    git(dir, 'init', '-q', '-b', 'main');
    mkdirSync(join(dir, 'infra/iam'), { recursive: true });
    writeFileSync(join(dir, 'infra/iam/skypilot.json'), POLICY);
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'head');
    gh = await new FakeGitHub().start();
    gh.files.set(`${BASE}:infra/iam/skypilot-old.json`, POLICY);
    gh.files.set(`${BASE}:infra/iam/gone.json`, POLICY);
    gh.pullFiles.set(7, [
      {
        filename: 'infra/iam/skypilot.json',
        previous_filename: 'infra/iam/skypilot-old.json',
        status: 'renamed',
      },
      { filename: 'infra/iam/gone.json', status: 'removed' },
      { filename: 'other/gone.json', status: 'removed' },
      { filename: 'other/new.json', previous_filename: 'infra/iam/moved-out.json', status: 'renamed' },
    ]);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await gh.stop();
  });

  it("takes renames and deletions from the pull request's files list, relative to the root", async () => {
    const octokit = getOctokit('t', { baseUrl: gh.url });
    const unknown: string[] = [];
    const read = makeBaseReader({
      root: join(dir, 'infra'),
      ref: BASE,
      octokit,
      owner: 'o',
      repo: 'r',
      pull: 7,
      onUnknownChanges: (why) => unknown.push(why),
    });
    expect(await read.renamedFrom?.('iam/skypilot.json')).toBe('iam/skypilot-old.json');
    expect(await read.deleted?.()).toEqual(['iam/gone.json']);
    expect(unknown).toEqual([]);

    const { runAudit } = await import('../../src/audit/run.js');
    const report = await runAudit({
      root: join(dir, 'infra'),
      paths: ['.'],
      baseline: 'skypilot',
      readBase: read,
      now: new Date('2026-12-06T00:00:00Z'),
    });
    const excess = report.findings.filter((f) => f.kind !== 'missing-permission' && !f.removed);
    expect(excess.length).toBeGreaterThan(0);
    expect(excess.filter((f) => f.new !== false)).toEqual([]);
    // (the deleted file's findings: removed)
    expect(report.findings.some((f) => f.removed && f.path === 'iam/gone.json')).toBe(true);
  });

  it('says so when neither git nor the pull request can tell them', async () => {
    const octokit = getOctokit('t', { baseUrl: gh.url });
    const unknown: string[] = [];
    const read = makeBaseReader({
      root: dir,
      ref: BASE,
      octokit,
      owner: 'o',
      repo: 'r',
      onUnknownChanges: (why) => unknown.push(why),
    });
    expect(await read.renamedFrom?.('infra/iam/skypilot.json')).toBeUndefined();
    expect(await read.deleted?.()).toEqual([]);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatch(/renamed or deleted since the base c{40} are not known/);
  });

  // (a review: the event's base.sha is the base branch's tip; when it moved on after the pull
  // request branched, its later changes were read as the pull request's)
  it('mergeBase: reads the base at the merge base of the base and the checkout, and says so', async () => {
    const d = mkdtempSync(join(tmpdir(), 'iba-base-moved-'));
    try {
      git(d, 'init', '-q', '-b', 'main');
      mkdirSync(join(d, 'iam'));
      writeFileSync(join(d, 'iam/p.json'), '{"v": "branch point"}\n');
      git(d, 'add', '.');
      git(d, 'commit', '-q', '-m', 'branch point');
      const point = git(d, 'rev-parse', 'HEAD');
      writeFileSync(join(d, 'iam/p.json'), '{"v": "main later"}\n');
      writeFileSync(join(d, 'iam/other.json'), '{}\n');
      git(d, 'add', '.');
      git(d, 'commit', '-q', '-m', 'main moves on');
      const tip = git(d, 'rev-parse', 'HEAD');
      git(d, 'checkout', '-q', '-b', 'pr', point);
      writeFileSync(join(d, 'iam/new.json'), '{"v": "the pull request\'s"}\n');
      git(d, 'add', '.');
      git(d, 'commit', '-q', '-m', 'head');
      const notes: string[] = [];
      const read = makeBaseReader({ root: d, ref: tip, mergeBase: true, onNote: (n) => notes.push(n) });
      expect(await read('iam/p.json')).toBe('{"v": "branch point"}\n');
      expect(await read.deleted!()).toEqual([]);
      expect(notes).toEqual([expect.stringContaining(`comparing with their merge base ${point}`)]);
      // A `base-ref` given (no mergeBase): that commit, as given.
      const literal = makeBaseReader({ root: d, ref: tip });
      expect(await literal('iam/p.json')).toBe('{"v": "main later"}\n');
      expect(await literal.deleted!()).toEqual(['iam/other.json']);
      // The base in the checkout but not their merge base (the head and the base each fetched
      // shallow; a review: main's later changes were the pull request's): GitHub's merge base,
      // read through the contents API (git does not have it), renames and deletions from the
      // pull request's files list.
      const shallow = join(d, 'shallow');
      git(d, 'clone', '-q', '--depth', '1', '--branch', 'pr', `file://${d}`, shallow);
      git(shallow, 'fetch', '-q', '--depth', '1', 'origin', tip);
      const head = git(shallow, 'rev-parse', 'HEAD');
      gh.mergeBases.set(`${tip}...${head}`, point);
      gh.files.set(`${point}:iam/p.json`, '{"v": "branch point"}\n');
      gh.pullFiles.set(8, [{ filename: 'iam/new.json', status: 'added' }]);
      const asked: [string, string][] = [];
      const octokit = getOctokit('t', { baseUrl: gh.url });
      const viaApi = makeBaseReader({
        root: shallow,
        ref: tip,
        mergeBase: true,
        octokit,
        owner: 'o',
        repo: 'r',
        pull: 8,
        onNote: (n, level) => asked.push([level, n]),
      });
      expect(await viaApi('iam/p.json')).toBe('{"v": "branch point"}\n');
      expect(await viaApi.deleted!()).toEqual([]);
      expect(asked).toEqual([['info', expect.stringContaining(`comparing with their merge base ${point}`)]]);
      // GitHub's merge base is a commit git has (a deeper fetch of the head), though git cannot
      // tell it is theirs (the base's history is cut): read from git.
      git(shallow, 'fetch', '-q', '--depth', '2', 'origin', 'pr');
      const deeper = makeBaseReader({
        root: shallow,
        ref: tip,
        mergeBase: true,
        octokit,
        owner: 'o',
        repo: 'r',
      });
      gh.files.delete(`${point}:iam/p.json`);
      expect(await deeper('iam/p.json')).toBe('{"v": "branch point"}\n');
      // GitHub cannot tell either (no client here): the base, and a warning.
      const cutDir = join(d, 'cut');
      git(d, 'clone', '-q', '--depth', '1', '--branch', 'pr', `file://${d}`, cutDir);
      git(cutDir, 'fetch', '-q', '--depth', '1', 'origin', tip);
      const warned: [string, string][] = [];
      const cut = makeBaseReader({
        root: cutDir,
        ref: tip,
        mergeBase: true,
        onNote: (n, level) => warned.push([level, n]),
      });
      expect(await cut('iam/p.json')).toBe('{"v": "main later"}\n');
      expect(warned).toEqual([
        [
          'warning',
          expect.stringContaining(
            `The merge base of the base ${tip} and the checkout is not known (none in the history fetched, a shallow fetch, and no token to ask GitHub)`,
          ),
        ],
      ]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
