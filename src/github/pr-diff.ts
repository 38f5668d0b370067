// The pull request's diff, as GitHub shows it: for each file of the head, the line ranges (RIGHT
// side, the head's line numbers) of its hunks. Only lines inside one of these ranges can carry a
// review comment, and a multi-line comment must lie inside a single hunk. Computed from the
// checkout (`git diff base...head`, the three-dot diff GitHub shows, with its 3 lines of context),
// else from the API (`GET /pulls/{n}/files`, whose `patch` is the same unified diff). git runs
// through execFile with an argument array, never a shell.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Octokit } from './comment.js';

const run = promisify(execFile);

/** Lines `start`..`end` (1-based, inclusive) of the head's file. */
export interface LineRange {
  start: number;
  end: number;
}

/** Path (from the repository's top, `/` separators) → its hunks' RIGHT-side ranges, in order. */
export type PrDiff = Map<string, LineRange[]>;

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** The RIGHT-side ranges of a unified diff's hunks (the body of one file: `@@` lines and what follows). */
export function hunkRanges(patch: string): LineRange[] {
  const ranges: LineRange[] = [];
  for (const line of patch.split('\n')) {
    const m = HUNK.exec(line);
    if (!m) continue;
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    // `+0,0` (or `+n,0`): the hunk only deletes, and has no line on the right to comment on.
    if (count > 0) ranges.push({ start, end: start + count - 1 });
  }
  return ranges;
}

/** A path as git prints it: `"a\tb\303\251"` (C-quoted, octal bytes) or as is. */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  const named: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      bytes.push(parseInt(oct, 8) & 0xff);
      i += oct.length;
    } else {
      bytes.push(named[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The files and hunks of `git diff` output (`--no-prefix` not used: paths come as `b/...`). A
 * deleted file (`+++ /dev/null`) has no RIGHT side and is left out.
 */
export function parseGitDiff(text: string): PrDiff {
  const out: PrDiff = new Map();
  let current: LineRange[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
      continue;
    }
    if (line.startsWith('+++ ')) {
      const raw = line.slice(4).replace(/\t$/, '');
      if (raw === '/dev/null') {
        current = undefined;
        continue;
      }
      const path = unquoteGitPath(raw);
      const clean = path.startsWith('b/') ? path.slice(2) : path;
      current = [];
      out.set(clean, current);
      continue;
    }
    if (current && line.startsWith('@@ ')) current.push(...hunkRanges(line));
  }
  return out;
}

/** Is `[start, end]` inside one hunk of `path`? Returns that hunk. */
export function hunkContaining(
  diff: PrDiff,
  path: string,
  start: number,
  end: number,
): LineRange | undefined {
  return diff.get(path)?.find((h) => h.start <= start && end <= h.end);
}

function validSha(ref: string): boolean {
  return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i.test(ref);
}

/**
 * The diff from the checkout: undefined when git cannot make it (no git, a shallow clone without
 * the base or the head, no merge base).
 */
export async function diffFromGit(root: string, base: string, head: string): Promise<PrDiff | undefined> {
  if (!validSha(base) || !validSha(head)) return undefined;
  try {
    const { stdout: top } = await run('git', ['rev-parse', '--show-toplevel'], {
      cwd: root,
      encoding: 'utf8',
    });
    const { stdout } = await run(
      'git',
      [
        '-c',
        'core.quotePath=false',
        'diff',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--find-renames',
        '--unified=3',
        `${base}...${head}`,
      ],
      { cwd: top.trim(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    return parseGitDiff(stdout);
  } catch {
    return undefined;
  }
}

export interface ApiFile {
  filename: string;
  status?: string;
  patch?: string;
  /** A renamed file's path at the base (`status: renamed`). */
  previous_filename?: string;
}

/** Per client and pull request: its files, listed once for the base reader and the review. */
const listed = new WeakMap<Octokit, Map<string, Promise<ApiFile[]>>>();

/**
 * Every page of `GET /repos/{o}/{r}/pulls/{n}/files` (GitHub lists at most 3,000 files), fetched
 * once per client and pull request (a failed fetch is tried again).
 */
export function pullRequestFiles(
  octokit: Octokit,
  target: { owner: string; repo: string; pull: number },
): Promise<ApiFile[]> {
  const byPull = listed.get(octokit) ?? listed.set(octokit, new Map()).get(octokit)!;
  const key = `${target.owner}/${target.repo}#${target.pull}`;
  let files = byPull.get(key);
  if (!files) {
    files = octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: target.owner,
      repo: target.repo,
      pull_number: target.pull,
      per_page: 100,
    }) as Promise<ApiFile[]>;
    byPull.set(key, files);
    files.catch(() => byPull.delete(key));
  }
  return files;
}

/** The diff from the API: the pull request's files (pullRequestFiles). */
export async function diffFromApi(
  octokit: Octokit,
  target: { owner: string; repo: string; pull: number },
): Promise<PrDiff> {
  const files = await pullRequestFiles(octokit, target);
  const out: PrDiff = new Map();
  for (const f of files) {
    if (f.status === 'removed') continue;
    // No patch (a binary file, or one too large for GitHub to show): no line can be commented on.
    out.set(f.filename, typeof f.patch === 'string' ? hunkRanges(f.patch) : []);
  }
  return out;
}

/** Where the diff came from, for the log. */
export type DiffSource = 'git' | 'api';

/** The pull request's diff: from the checkout, else the API. */
export async function pullRequestDiff(options: {
  root: string;
  base?: string;
  head: string;
  octokit: Octokit;
  owner: string;
  repo: string;
  pull: number;
}): Promise<{ diff: PrDiff; source: DiffSource }> {
  if (options.base) {
    const fromGit = await diffFromGit(options.root, options.base, options.head);
    if (fromGit) return { diff: fromGit, source: 'git' };
  }
  const { octokit, owner, repo, pull } = options;
  return { diff: await diffFromApi(octokit, { owner, repo, pull }), source: 'api' };
}

/** The repository-relative prefix of `root` (`infra/` when the audit root is a subdirectory), '' when it is the top. */
export async function repoPrefix(root: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--show-prefix'], { cwd: root, encoding: 'utf8' });
    return stdout.trim();
  } catch {
    return '';
  }
}

/**
 * A file as it is at the head commit: from git when the checkout has that commit, else from the
 * contents API. Undefined when it is not there (or cannot be read).
 */
export async function readAtCommit(options: {
  root: string;
  sha: string;
  /** From the repository's top. */
  path: string;
  octokit?: Octokit;
  owner?: string;
  repo?: string;
  maxBytes: number;
}): Promise<string | undefined> {
  const { root, sha, path, maxBytes } = options;
  if (!validSha(sha) || path.startsWith('-') || path.split('/').includes('..')) return undefined;
  try {
    const { stdout } = await run('git', ['cat-file', 'blob', `${sha}:${path}`], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: maxBytes,
    });
    return stdout;
  } catch {
    // Not in this checkout (a shallow clone of the merge commit): the API.
  }
  const { octokit, owner, repo } = options;
  if (!octokit || !owner || !repo) return undefined;
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref: sha });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
    if (data.encoding !== 'base64' || data.content.length > (maxBytes * 4) / 3 + 4096) return undefined;
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}
