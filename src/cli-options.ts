// Options that `audit` and `merge` share, checked the same way: the fail rule's two settings and a
// size in megabytes. A wrong value is a UsageError (exit 2) that says what is expected.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { looksLikePath, splitSpec } from './baselines/resolve.js';
import { UsageError } from './core/errors.js';
import { SEVERITIES, type Severity } from './core/types.js';

/** `--fail-on none|any` and `--severity-threshold LEVEL`. */
export function failOptions(values: { 'fail-on'?: string; 'severity-threshold'?: string }): {
  failOn: 'none' | 'any';
  threshold: Severity;
} {
  // In any case, as the action's inputs are (`--severity-threshold HIGH`).
  const failOn = (values['fail-on'] ?? 'any').toLowerCase();
  if (failOn !== 'none' && failOn !== 'any')
    throw new UsageError(`--fail-on must be none or any, not "${values['fail-on']}"`);
  const threshold = (values['severity-threshold'] ?? 'medium').toLowerCase() as Severity;
  if (!SEVERITIES.includes(threshold))
    throw new UsageError(
      `--severity-threshold must be one of ${SEVERITIES.join(', ')}, not "${values['severity-threshold']}"`,
    );
  return { failOn, threshold };
}

/** `--max-file-size MB` in bytes, or undefined when not given. */
export function megabytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb <= 0)
    throw new UsageError('--max-file-size takes a number of megabytes, more than 0 (such as 10 or 0.5)');
  return Math.round(mb * 1024 * 1024);
}

/**
 * `--output FILE`, checked before the work starts (an audit can take minutes): a directory, or a
 * file in a directory that does not exist, is a UsageError naming the path.
 */
export function outputPath(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === '') throw new UsageError('--output takes a file name');
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? 'directory' : 'other';
    } catch {
      return 'missing';
    }
  };
  if (kind(value) === 'directory')
    throw new UsageError(`--output ${value}: is a directory; name a file to write the report to`);
  const parent = dirname(resolve(value));
  if (kind(parent) !== 'directory')
    throw new UsageError(`--output ${value}: the directory ${parent} does not exist; create it first`);
  return value;
}

/**
 * Runs `write` (which writes the file `--output` names); a failure of the file system (no
 * permission, a full disk, a path that became a directory) is a UsageError naming the path and the
 * reason, not an internal error.
 */
export function writingOutput<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) throw e;
    const why: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'not permitted',
      EISDIR: 'is a directory',
      ENOENT: 'its directory does not exist',
      ENOTDIR: 'a part of the path is not a directory',
      ENOSPC: 'no space left on the device',
      EROFS: 'the file system is read-only',
    };
    throw new UsageError(`--output ${path}: cannot write it (${why[code] ?? code})`);
  }
}

/**
 * `--baseline` naming a file (a path, or a `.yml`/`.json` name) as typed from the current directory,
 * when the audit runs from another root: made absolute, its `:sets` kept, as `--config` is. A
 * built-in id, or a path that does not exist from here, is left as it is (read from the root).
 */
export function baselineFromCwd(spec: string | undefined, cwd: string, root: string): string | undefined {
  if (spec === undefined || root === cwd) return spec;
  const isFile = (p: string) => {
    try {
      return statSync(resolve(cwd, p)).isFile();
    } catch {
      return false;
    }
  };
  const whole = spec.trim();
  if (looksLikePath(whole) && isFile(whole)) return resolve(cwd, whole);
  const { base, sets } = splitSpec(whole);
  if (sets !== undefined && looksLikePath(base) && isFile(base))
    return `${resolve(cwd, base)}:${sets.join(',')}`;
  return spec;
}

function within(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The root for a `--config` that is a repository's own (`<D>/.github/<file>`) above the root chosen:
 * D, whose paths its selectors are written from (`infra/coiled/*.json`), else `root`. Run from
 * `infra/` with `--config ../.github/iam-baseline-audit.yml`, every selector of it matched nothing.
 */
export function configRoot(cwd: string, root: string, config: string | undefined): string {
  if (config === undefined) return root;
  const abs = resolve(cwd, config);
  const github = dirname(abs);
  if (basename(github) !== '.github') return root;
  const repo = dirname(github);
  if (repo === root || !within(repo, root)) return root;
  // (never out of the git work tree that holds the root: its .gitignore and its paths are the
  // repository's, and a `.github` above it is another's)
  const work = workTreeOf(root);
  return work === undefined || within(work, repo) ? repo : root;
}

/** The git work tree that holds `dir`: the nearest directory at or above it with a `.git`. */
export function workTreeOf(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(resolve(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** `--config` as the audit reads it: from the root (as written when the root is the current directory; relative to the root when it is inside it, so that notes name it so). */
export function configFrom(cwd: string, root: string, config: string | undefined): string | undefined {
  if (config === undefined || root === cwd) return config;
  const abs = resolve(cwd, config);
  return within(root, abs) ? relative(root, abs) : abs;
}
