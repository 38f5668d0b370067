// What the checkout is: its HEAD commit and that commit's parents, from git (execFile with an
// argument array, never a shell). Used to compare a pull request with the merge base of its base
// and the checkout (src/github/base.ts), and to tell whether the checkout is the pull request's
// head at all (src/github/head-check.ts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CheckoutCommit {
  /** The HEAD commit's SHA (lower case). */
  sha: string;
  /**
   * Its parents' SHAs, first parent first: from the commit itself, so known in a shallow clone
   * too (GitHub's merge commit `refs/pull/N/merge` has the base, then the head).
   */
  parents: string[];
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function isSha(s: string): boolean {
  return SHA.test(s);
}

/**
 * Why git could not tell which commit is checked out: `dubious-ownership` (the work tree belongs
 * to another user, as in a `container:` job, and git refuses to read it), `no-repository` (no git
 * repository there: actions/checkout without git on the runner downloads the files alone),
 * `no-git` (git is not installed), `no-commit` (HEAD names no commit), `failed` (anything else).
 */
export type UnknownCheckout = 'dubious-ownership' | 'no-repository' | 'no-git' | 'no-commit' | 'failed';

/** How git failed, from its exit and standard error (never quoted: it names absolute paths). */
function whyUnknown(err: unknown): UnknownCheckout {
  const e = err as { code?: unknown; stderr?: unknown };
  if (e.code === 'ENOENT') return 'no-git';
  const stderr = String(e.stderr ?? '');
  // (git 2.35.2 to 2.36 said "unsafe repository ('…' is owned by someone else)")
  if (/dubious ownership|unsafe repository|owned by someone else/i.test(stderr)) return 'dubious-ownership';
  if (/not a git repository/i.test(stderr)) return 'no-repository';
  // (`--verify --quiet` of an unborn HEAD: exit status 1, nothing said)
  if (e.code === 1 && !stderr.trim()) return 'no-commit';
  return 'failed';
}

/** The checked-out commit of the work tree `root` is in, or why git cannot tell. */
export async function readCheckout(
  root: string,
): Promise<{ commit: CheckoutCommit } | { unknown: UnknownCheckout }> {
  try {
    const { stdout: sha } = await run('git', ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
      cwd: root,
      encoding: 'utf8',
    });
    const head = sha.trim().toLowerCase();
    if (!isSha(head)) return { unknown: 'failed' };
    const { stdout: text } = await run('git', ['cat-file', 'commit', head], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    // (the header ends at the first empty line; parents are `parent <sha>` lines of it)
    const header = text.slice(0, Math.max(0, text.indexOf('\n\n')));
    const parents = header
      .split('\n')
      .filter((l) => l.startsWith('parent '))
      .map((l) => l.slice('parent '.length).trim().toLowerCase())
      .filter(isSha);
    return { commit: { sha: head, parents } };
  } catch (err) {
    return { unknown: whyUnknown(err) };
  }
}

/** The checked-out commit of the work tree `root` is in; undefined when git cannot tell (no git, not a work tree). */
export async function checkoutCommit(root: string): Promise<CheckoutCommit | undefined> {
  const read = await readCheckout(root);
  return 'commit' in read ? read.commit : undefined;
}

/** Whether `ancestor` is `commit` or one of its ancestors, when git has both; undefined when it cannot tell. */
export async function isAncestor(
  root: string,
  ancestor: string,
  commit: string,
): Promise<boolean | undefined> {
  try {
    await run('git', ['merge-base', '--is-ancestor', ancestor, commit], { cwd: root });
    return true;
  } catch (err) {
    // (exit status 1: not an ancestor; anything else, such as a commit git does not have: unknown)
    return (err as { code?: unknown }).code === 1 ? false : undefined;
  }
}
