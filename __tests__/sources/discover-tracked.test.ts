// A file git tracks is read whatever the root's .gitignore says: git never ignores a tracked file,
// and Terraform reads `*_override.tf` and `terraform.tfvars`, which GitHub's Terraform .gitignore
// lists (a review: a pull request that added `infra/iam_override.tf` with `git add -f` granting
// `iam:*` passed with no new finding). Untracked files and directories it matches stay skipped.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { discover, wouldDiscover } from '../../src/sources/discover.js';

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

const GITIGNORE = [
  '**/.terraform/*',
  '*.tfstate',
  '*.tfvars',
  '*_override.tf',
  'iam/q.json',
  'build/',
  '',
].join('\n');

const FILES = {
  '.gitignore': GITIGNORE,
  'infra/main.tf': '# main\n',
  'infra/iam_override.tf': '# tracked override\n',
  'infra/local_override.tf': '# untracked override\n',
  'infra/terraform.tfvars': 'x = 1\n',
  'infra/secret.tfvars': 'y = 2\n',
  'infra/.terraform/modules/m/policy.json': '{}\n',
  'infra/terraform.tfstate': '{}\n',
  'iam/p.json': '{}\n',
  'iam/q.json': '{}\n',
  'build/policy.json': '{}\n',
  'build/out/generated.json': '{}\n',
  'build/kept/policy.json': '{}\n',
};
/** What git tracks (`git add -f` for those the .gitignore matches). */
const TRACKED = [
  '.gitignore',
  'infra/main.tf',
  'infra/iam_override.tf',
  'infra/terraform.tfvars',
  'iam/p.json',
  'iam/q.json',
  'build/kept/policy.json',
];

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-discover-tracked-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function repo(): string {
  const root = join(tmp, 'repo');
  mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  write(root, FILES);
  git(root, 'add', '-f', '--', ...TRACKED);
  git(root, 'commit', '-q', '-m', 'base');
  return root;
}

const paths = (root: string, p: string[] = ['.']) => discover(root, p).files.map((f) => f.path);

describe('discover in a git work tree', () => {
  it('reads the files git tracks that the .gitignore matches; skips the untracked ones', () => {
    const root = repo();
    expect(paths(root)).toEqual([
      'build/kept/policy.json',
      'iam/p.json',
      'iam/q.json',
      'infra/iam_override.tf',
      'infra/main.tf',
      'infra/terraform.tfvars',
    ]);
    expect(discover(root, ['.']).notes).toEqual([]);
  });

  it('from a subdirectory as the root, and under a path', () => {
    const root = repo();
    // (the audit's root is a directory of the work tree: its .gitignore, git's paths from there)
    writeFileSync(join(root, 'infra/.gitignore'), '*.tfvars\n*_override.tf\n');
    expect(paths(join(root, 'infra'))).toEqual([
      'iam_override.tf',
      'main.tf',
      'terraform.tfstate',
      'terraform.tfvars',
    ]);
    expect(paths(root, ['infra'])).toEqual([
      'infra/iam_override.tf',
      'infra/main.tf',
      'infra/terraform.tfvars',
    ]);
    // (a directory named is walked whole, as before: named, it is not the .gitignore's to skip)
    expect(paths(root, ['build'])).toHaveLength(3);
  });

  it('a file the .gitignore matches and git stops tracking is skipped again', () => {
    const root = repo();
    git(root, 'rm', '-q', '--cached', '--', 'iam/q.json');
    expect(paths(root)).not.toContain('iam/q.json');
    // (staged, not committed: tracked, as git sees it)
    git(root, 'add', '-f', '--', 'infra/secret.tfvars');
    expect(paths(root)).toContain('infra/secret.tfvars');
  });

  it('outside a work tree, the .gitignore applies to every file, as before, with no note', () => {
    const root = join(tmp, 'plain');
    mkdirSync(root);
    write(root, FILES);
    const found = discover(root, ['.']);
    expect(found.files.map((f) => f.path)).toEqual(['iam/p.json', 'infra/main.tf']);
    expect(found.notes).toEqual([]);
  });

  it('when git cannot list the tracked files, says so in a note, without its message (absolute paths)', () => {
    const root = repo();
    writeFileSync(join(root, '.git/index'), 'not an index');
    const found = discover(root, ['.']);
    expect(found.files.map((f) => f.path)).toEqual(['iam/p.json', 'infra/main.tf']);
    expect(found.notes).toEqual([
      'The files git tracks could not be listed (`git ls-files` failed with exit status 128): every file the .gitignore matches was skipped, tracked or not.',
    ]);
  });

  it("the base's files a pull request deleted are each one git tracked: the .gitignore leaves none out", () => {
    const root = repo();
    expect(
      wouldDiscover(
        root,
        ['.'],
        ['iam/q.json', 'infra/iam_override.tf', 'infra/.terraform/x.tf', 'README.md'],
      ),
    ).toEqual(['iam/q.json', 'infra/iam_override.tf']);
  });
});
