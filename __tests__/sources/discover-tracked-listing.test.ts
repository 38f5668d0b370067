// `git ls-files` lists the files under the audited paths only, taken literally (a review: it listed
// the whole repository, a million tracked paths taking 3 seconds and 300 MB for one file audited,
// and over its 64 MB cap none were known, so the tracked files the .gitignore matches were
// skipped again on the largest repositories). Each listing git gives is recorded here.
import { jest } from '@jest/globals';
import type * as ChildProcess from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const actual = await import('node:child_process');
/** The tracked paths each `git ls-files` printed. */
const listings: string[][] = [];
const execFileSync = jest.fn((file: string, args: readonly string[], options: object) => {
  const out = actual.execFileSync(file, args, options) as unknown;
  if (file === 'git' && args.includes('ls-files'))
    listings.push(String(out).split('\0').filter(Boolean).sort());
  return out;
}) as unknown as typeof ChildProcess.execFileSync;
jest.unstable_mockModule('node:child_process', () => ({ ...actual, execFileSync }));

const { discover } = await import('../../src/sources/discover.js');

function git(cwd: string, ...args: string[]): void {
  actual.execFileSync('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
}

const FILES: Record<string, string> = {
  '.gitignore': '*_override.tf\n*.tfvars\n',
  'infra/main.tf': '# main\n',
  'infra/iam_override.tf': '# tracked override\n',
  'infra/local_override.tf': '# untracked override\n',
  'other/x_override.tf': '# tracked, not audited\n',
  'other/terraform.tfvars': 'x = 1\n',
  'pol*/a_override.tf': '# a name with a glob character\n',
  'policy/b_override.tf': '# what pol* would match as a pattern\n',
  'plain/p.json': '{}\n',
};
const UNTRACKED = ['infra/local_override.tf'];

let tmp: string;
let root: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-discover-listing-'));
  root = join(tmp, 'repo');
  mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  git(root, 'add', '-f', '--', ...Object.keys(FILES).filter((p) => !UNTRACKED.includes(p)));
  git(root, 'commit', '-q', '-m', 'base');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  listings.length = 0;
});

const found = (r: string, paths: string[]) => discover(r, paths).files.map((f) => f.path);

describe('the tracked files listed', () => {
  it('are those under the audited directory: a tracked file the .gitignore matches there is read', () => {
    expect(found(root, ['infra'])).toEqual(['infra/iam_override.tf', 'infra/main.tf']);
    expect(listings).toEqual([['infra/iam_override.tf', 'infra/main.tf']]);
  });

  it('nothing under the audited paths that the .gitignore matches: git is not asked', () => {
    expect(found(root, ['plain', 'infra/main.tf'])).toEqual(['infra/main.tf', 'plain/p.json']);
    expect(listings).toEqual([]);
  });

  it('an absolute path, a file and a name with `*` (literally) are each listed alone', () => {
    expect(found(root, [join(root, 'infra'), 'other/terraform.tfvars', 'pol*'])).toEqual([
      'infra/iam_override.tf',
      'infra/main.tf',
      'other/terraform.tfvars',
      'pol*/a_override.tf',
    ]);
    expect(listings).toEqual([
      ['infra/iam_override.tf', 'infra/main.tf', 'other/terraform.tfvars', 'pol*/a_override.tf'],
    ]);
  });

  it('the root itself lists them all; from a subdirectory as the root, what is under it', () => {
    expect(found(root, ['.'])).toHaveLength(7);
    expect(listings[0]).toHaveLength(8); // (and .gitignore)
    listings.length = 0;
    writeFileSync(join(root, 'infra/.gitignore'), '*_override.tf\n');
    try {
      expect(found(join(root, 'infra'), [])).toEqual(['iam_override.tf', 'main.tf']);
      expect(listings).toEqual([['iam_override.tf', 'main.tf']]);
    } finally {
      rmSync(join(root, 'infra/.gitignore'));
    }
  });

  it('a path outside the root is not given to git (it refuses one outside the work tree): the rest is listed', () => {
    const other = join(tmp, 'elsewhere');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'p.json'), '{}\n');
    writeFileSync(join(root, 'infra/.gitignore'), '*_override.tf\n');
    try {
      const r = discover(join(root, 'infra'), ['.', '../other', other]);
      expect(r.notes).toEqual([]);
      expect(r.files.map((f) => f.path)).toEqual([
        '../../elsewhere/p.json',
        // (the root's .gitignore matches ../other/x_override.tf, and what git tracks outside the
        // root is not asked: skipped, as before)
        '../other/terraform.tfvars',
        'iam_override.tf',
        'main.tf',
      ]);
      expect(listings).toEqual([['iam_override.tf', 'main.tf']]);
      // (only paths outside the root: git is not asked)
      listings.length = 0;
      expect(found(join(root, 'infra'), [other])).toEqual(['../../elsewhere/p.json']);
      expect(listings).toEqual([]);
    } finally {
      rmSync(join(root, 'infra/.gitignore'));
    }
  });
});
