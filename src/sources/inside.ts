// Files the audit reads must stay inside the repository: a pull request can commit a symbolic link
// (`.github/iam-baseline-audit.yml -> /proc/self/environ`) to make the action read any file on the
// runner. A path that lies inside the root but whose real path does not is refused.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Whether `p` is `root` or under it (both absolute), by their text. */
export function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

/**
 * Why `p` (relative to `root`, or absolute) must not be read, or undefined when it may. A path that
 * is itself outside the root was named by whoever runs the tool and is allowed; a path inside the
 * root that resolves (through a symbolic link) outside it is not.
 */
export function escapesRoot(root: string, p: string): string | undefined {
  const abs = resolve(root, p);
  if (!within(resolve(root), abs)) return undefined;
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(abs);
  } catch {
    return undefined; // does not exist: the caller reports that
  }
  return within(realRoot, real)
    ? undefined
    : 'it is a symbolic link to a file outside the repository, which is never read';
}

/** The version control's own directories: `.git/config` holds the checkout's token (actions/checkout). */
const VCS_DIRS = new Set(['.git', '.hg', '.svn']);

function inVcsDir(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  // (any case: macOS and Windows runners' file systems ignore it)
  return rel.split(sep).some((part) => VCS_DIRS.has(part.toLowerCase()));
}

/**
 * Why `p` (relative to `root`, or absolute) must not be read as the repository's content, or
 * undefined: a file inside `.git` (or `.hg`, `.svn`), named so or through a symbolic link. A pull
 * request's `file(".git/config")` in a `.tf` file, or a configuration's baseline path there, would
 * otherwise put the checkout's credentials in the report and the comment.
 */
export function inVersionControl(root: string, p: string): string | undefined {
  const abs = resolve(root, p);
  let hit = inVcsDir(resolve(root), abs);
  if (!hit) {
    try {
      hit = inVcsDir(realpathSync(root), realpathSync(abs));
    } catch {
      // does not exist: the caller reports that
    }
  }
  return hit
    ? "it is inside the version control's own directory (.git, .hg or .svn), which can hold credentials and is never read"
    : undefined;
}

/** The real path of `p`, or `p` resolved where it does not exist yet. */
export function realOrResolved(p: string): string {
  try {
    // (native: the file system's own spelling, so `IAM/p.json` is `iam/p.json` where case is folded)
    return realpathSync.native(p);
  } catch {
    return resolve(p);
  }
}

/**
 * The input of an audit (audited, or in error: a policy it could not read) that a file to be
 * written (`--output`, `sarif-file`) would replace, if any: writing over it would replace a
 * policy, and the next audit skip it as not IAM. A file skipped as not IAM (an earlier report) is
 * none. `file` is relative to the working directory or absolute; inputs to `root`.
 */
export function inputAt<T extends { path: string; status: string }>(
  file: string,
  root: string,
  inputs: readonly T[],
): T | undefined {
  const target = realOrResolved(file);
  return inputs.find((i) => i.status !== 'skipped' && realOrResolved(resolve(root, i.path)) === target);
}
