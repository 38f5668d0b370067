// Reads a file as it is at the pull request's base commit: from git when the checkout has that
// commit (actions/checkout with fetch-depth: 0, or a fetch of the base), otherwise from the
// repository contents API. git runs through execFile with an argument array, never a shell.
// The event's base commit is the base branch's tip when the event came: when that branch moved on
// after the pull request branched, the pull request is compared with the merge base of it and the
// checkout (`mergeBase`), as GitHub's own diff is, else main's later changes were the pull
// request's (a permission main took away reported new, a file main added "deleted" by it).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { posix } from 'node:path';
import { checkoutCommit, isSha } from './checkout.js';
import type { Octokit } from './comment.js';
import { pullRequestFiles, repoPrefix, type ApiFile } from './pr-diff.js';

const run = promisify(execFile);

export interface BaseReaderOptions {
  /** The repository root (the git work tree); paths are relative to it. */
  root: string;
  /** The base commit SHA (or a ref such as `origin/main`). */
  ref: string;
  /** For the contents API fallback. */
  octokit?: Octokit;
  owner?: string;
  repo?: string;
  /**
   * The pull request's number: without the base commit in the checkout (actions/checkout's
   * default, fetch-depth 1), its renames and deletions come from its files list.
   */
  pull?: number;
  /** Told when the renames and deletions since the base cannot be known (for the log). */
  onUnknownChanges?: (why: string) => void;
  /** Largest file read through git, in bytes. */
  maxBytes?: number;
  /**
   * `ref` is the pull request's base (the event's `base.sha`): compare with the merge base of it
   * and the checked-out HEAD (`git merge-base`; without the base commit, the compare API's
   * `merge_base_commit`). For GitHub's merge commit, whose first parent is the base, that is the
   * base itself.
   */
  mergeBase?: boolean;
  /** Told what the comparison is with, when not `ref` itself or not known to be right (for the log). */
  onNote?: (note: string, level: 'info' | 'warning') => void;
}

export type BaseReader = ((path: string) => Promise<string | undefined>) & {
  /**
   * The path a file of the head had at the base, when the change renamed it (from git, else from
   * the pull request's files list).
   */
  renamedFrom?: (path: string) => Promise<string | undefined>;
  /** The files of the base the change deleted, relative to the root (git, else the files list). */
  deleted?: () => Promise<string[]>;
};

function status(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/**
 * A relative path inside the repository, with `/` separators; undefined if it tries to leave it.
 * The report's paths have `/` separators already (src/sources/discover.ts); a `\` is a character
 * of a name (on POSIX a pull request can add `infra\prod\admin.json`), never made a separator,
 * which read another file of the base in its place (its findings then counted as not new).
 */
function cleanPath(path: string): string | undefined {
  const p = path.replace(/^(\.\/)+/, '');
  if (p === '' || p.startsWith('/') || p.split('/').some((seg) => seg === '..') || p.includes('\0'))
    return undefined;
  return p;
}

function validRef(ref: string): boolean {
  return ref.length > 0 && !ref.startsWith('-') && !/[\s\0:]/.test(ref) && !ref.includes('..');
}

/** A `base-ref` that names no commit: the step fails (main.ts), as for any input in error. */
export class BaseRefError extends Error {}

export function makeBaseReader(options: BaseReaderOptions): BaseReader {
  const { root, ref } = options;
  if (!validRef(ref)) throw new Error(`base ref is not valid: ${JSON.stringify(ref)}`);
  const maxBuffer = options.maxBytes ?? 64 * 1024 * 1024;
  const cache = new Map<string, Promise<string | undefined>>();
  const note = (text: string, level: 'info' | 'warning' = 'info') => options.onNote?.(text, level);

  const gitHasCommit = async (commit: string): Promise<boolean> => {
    try {
      await run('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: root });
      return true;
    } catch {
      return false;
    }
  };

  /** The commit the base is read at: `ref`, or (mergeBase) the merge base of it and the checkout. */
  interface Source {
    /** Read from git (the checkout has the commit), else from the contents API. */
    git: boolean;
    at: string;
  }
  let source: Promise<Source> | undefined;
  const resolveSource = async (): Promise<Source> => {
    const git = await gitHasCommit(ref);
    if (!options.mergeBase) {
      // (a `base-ref` that names no commit: each file would read as not at the base, and every
      // finding as new, without a word; a review)
      // Refused, not warned: with `fail-on: new`, every finding of the base would fail the check.
      if (!git && (await apiLacksCommit(ref)))
        throw new BaseRefError(
          `Input \`base-ref\`: ${ref} is a commit neither of the checkout nor of the repository on GitHub; name a branch, tag or commit that exists (a branch of the checkout needs \`fetch-depth: 0\`, or its name as GitHub has it).`,
        );
      return { git, at: ref };
    }
    if (!git) return { git, at: await apiMergeBase(false) };
    const merged = await gitMergeBase();
    if (merged !== undefined) return { git, at: merged };
    // The base commit, but no merge base in the history fetched (the head and the base each
    // fetched shallow): GitHub's, read from git if it has that commit, else from the contents API.
    // (read at the base tip, main's later changes were the pull request's: a review)
    const at = await apiMergeBase(true);
    return { git: at === ref || (await gitHasCommit(at)), at };
  };
  const from = () => (source ??= resolveSource());
  const baseAt = async () => (await from()).at;
  const moved = (at: string) =>
    note(
      `The base branch moved on after this pull request branched from it: comparing with their merge base ${at} (of the base ${ref} and the checkout), as GitHub's diff does.`,
    );

  /** True when GitHub says the repository has no such commit (404 or 422); false when it has, or cannot say. */
  const apiLacksCommit = async (commit: string): Promise<boolean> => {
    const { octokit, owner, repo } = options;
    if (!octokit || !owner || !repo) return false;
    try {
      await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: commit });
      return false;
    } catch (err) {
      const status = (err as { status?: number }).status;
      return status === 404 || status === 422;
    }
  };

  /** The merge base from git; undefined when the history fetched has none (a shallow fetch). */
  const gitMergeBase = async (): Promise<string | undefined> => {
    try {
      const [{ stdout: base }, { stdout: merged }] = await Promise.all([
        run('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' }),
        run('git', ['merge-base', ref, 'HEAD'], { cwd: root, encoding: 'utf8' }),
      ]);
      const at = merged.trim().toLowerCase();
      if (isSha(at)) {
        if (at !== base.trim().toLowerCase()) moved(at);
        return at;
      }
    } catch {
      // (no common commit in the history fetched)
    }
    return undefined;
  };

  // Without the base commit or without their merge base (a shallow checkout): GitHub's merge
  // commit has the base as its first parent (the merge base is the base); otherwise the compare
  // API's `merge_base_commit`. `fetched`: git has the base commit, not the merge base.
  const apiMergeBase = async (fetched: boolean): Promise<string> => {
    const head = await checkoutCommit(root);
    const base = ref.toLowerCase();
    if (head && (head.sha === base || head.parents.includes(base))) return ref;
    const { octokit, owner, repo } = options;
    const unknown = (why: string) => {
      const known = fetched ? `none in the history fetched, a shallow fetch, and ${why}` : why;
      note(
        `The merge base of the base ${ref} and the checkout is not known (${known}): the base's files are read at ${ref}, so if its branch moved on after the pull request branched, those changes count as the pull request's. Check out with \`fetch-depth: 0\`.`,
        'warning',
      );
      return ref;
    };
    if (!head) return unknown('git cannot tell which commit is checked out');
    if (!octokit || !owner || !repo) return unknown('no token to ask GitHub');
    try {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        owner,
        repo,
        basehead: `${ref}...${head.sha}`,
        per_page: 1,
      });
      const at = String(data.merge_base_commit?.sha ?? '').toLowerCase();
      if (!isSha(at)) return unknown('GitHub named no merge base');
      if (at !== base) moved(at);
      return at;
    } catch (err) {
      return unknown(`GitHub's compare failed: ${(err as Error).message}`);
    }
  };

  /** Whether `path` is a symbolic link at the base (git's mode 120000). */
  const isLinkAtBase = async (path: string): Promise<boolean> => {
    const at = await baseAt();
    const { stdout } = await run('git', ['ls-tree', at, '--', `./${path}`], { cwd: root, encoding: 'utf8' });
    return stdout.startsWith('120000 ');
  };

  /**
   * A path through a directory that is a symbolic link at the base (`infra/dir/x.json`, `dir` a
   * link to `../policies`): git does not follow it, so the first such directory's link is followed
   * by hand, within the root, as the working tree's reading follows it. Undefined when none is.
   */
  const throughLinkedDirectory = async (path: string, links: number): Promise<string | undefined> => {
    const parts = posix.normalize(path).split('/');
    if (parts.length < 2 || links >= 8) return undefined;
    const dirs = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
    const rev = await baseAt();
    let listed: string;
    try {
      ({ stdout: listed } = await run('git', ['ls-tree', '-z', rev, '--', ...dirs.map((d) => `./${d}`)], {
        cwd: root,
        encoding: 'utf8',
      }));
    } catch {
      return undefined;
    }
    const linked = new Set(
      listed
        .split('\0')
        .filter((e) => e.startsWith('120000 '))
        .map((e) => e.slice(e.indexOf('\t') + 1)),
    );
    const at = dirs.findIndex((d) => linked.has(d));
    if (at < 0) return undefined;
    const dir = dirs[at]!;
    const { stdout: to } = await run('git', ['cat-file', 'blob', `${rev}:./${dir}`], {
      cwd: root,
      encoding: 'utf8',
    });
    const target = posix.normalize(posix.join(posix.dirname(dir), to));
    if (posix.isAbsolute(to) || target === '..' || target.startsWith('../')) return undefined;
    return fromGit(posix.join(target, ...parts.slice(at + 1)), links + 1);
  };

  const fromGit = async (path: string, links = 0): Promise<string | undefined> => {
    const at = await baseAt();
    let stdout: string;
    try {
      // `<rev>:./<path>` is relative to cwd (root), which may be a subdirectory of the work tree.
      // (cat-file, not show: `git show` reads a name with `[`, `*` or `?` that is not at the base
      // as a pattern, prints nothing and succeeds: an empty file, never a missing one)
      ({ stdout } = await run('git', ['cat-file', 'blob', `${at}:./${path}`], {
        cwd: root,
        maxBuffer,
        encoding: 'utf8',
      }));
    } catch (err) {
      // Larger than maxBytes at the base: read as absent there, so everything in it counts as new
      // (never fewer findings) rather than failing the whole audit.
      if ((err as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return undefined;
      const stderr = String((err as { stderr?: unknown }).stderr ?? '');
      if (
        /does not exist|exists on disk, but not in|not in '|bad revision|invalid object name|not a valid object name|bad file/i.test(
          stderr,
        )
      )
        return throughLinkedDirectory(path, links);
      throw err;
    }
    // A symbolic link's blob is the path it points to: followed, as the working tree's reading
    // follows it, within the root only (one that leads out of it, or loops, is not read there
    // either). Only a short one-line text can be a link: others are not looked up.
    if (stdout.length > 0 && stdout.length < 4096 && !/[\n{[]/.test(stdout) && (await isLinkAtBase(path))) {
      if (links >= 8) return undefined;
      const target = posix.normalize(posix.join(posix.dirname(path), stdout));
      if (posix.isAbsolute(stdout) || target === '..' || target.startsWith('../')) return undefined;
      return fromGit(target, links + 1);
    }
    return stdout;
  };

  // The root's path in the repository (`infra/` when the audit's root is a subdirectory): the
  // contents API and the pull request's files list name files from the repository's top.
  let prefix: Promise<string> | undefined;
  const fromApi = async (rel: string): Promise<string | undefined> => {
    const { octokit, owner, repo } = options;
    if (!octokit || !owner || !repo) return undefined;
    const path = (await (prefix ??= repoPrefix(root))) + rel;
    const at = await baseAt();
    try {
      const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref: at });
      if (Array.isArray(data) || data.type !== 'file') return undefined;
      if ('content' in data && data.encoding === 'base64')
        return Buffer.from(data.content, 'base64').toString('utf8');
      // Files of 1-100 MB come without content: ask for the raw bytes.
      const raw = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
        owner,
        repo,
        path,
        ref: at,
        mediaType: { format: 'raw' },
      });
      return typeof raw.data === 'string' ? raw.data : undefined;
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  };

  // The change since the base, from `git diff --name-status`, relative to root: renames (new path
  // -> base path) at least 90% alike (git's default, 50%, pairs a deleted policy with a new one
  // copied from it), and the files deleted.
  interface Changes {
    renames: Map<string, string>;
    deleted: string[];
  }
  let changes: Promise<Changes> | undefined;
  const gitChanges = async (): Promise<Changes> => {
    const out: Changes = { renames: new Map(), deleted: [] };
    const { git, at } = await from();
    if (!git) return apiChanges(out);
    try {
      const { stdout } = await run(
        'git',
        ['diff', '--relative', '--name-status', '-M90%', '-z', '--no-color', at, '--'],
        { cwd: root, maxBuffer, encoding: 'utf8' },
      );
      const parts = stdout.split('\0');
      for (let i = 0; i < parts.length;) {
        const code = parts[i++] ?? '';
        if (code.startsWith('R') || code.startsWith('C')) {
          const from = parts[i++];
          const to = parts[i++];
          if (code.startsWith('R') && from && to) out.renames.set(to, from);
        } else if (code) {
          const path = parts[i++];
          if (code === 'D' && path && cleanPath(path) !== undefined) out.deleted.push(path);
        }
      }
    } catch {
      // (no rename or deletion is known: a renamed or split file's findings count as new, never fewer)
    }
    return out;
  };

  // Without the base commit: the pull request's files list (`status: renamed` with its
  // `previous_filename`, `status: removed`), repository paths made relative to the root. Neither
  // known: said (a renamed file's findings then count as new, a deleted file's as not removed).
  const apiChanges = async (out: Changes): Promise<Changes> => {
    const { octokit, owner, repo, pull } = options;
    const unknown = (why: string) => {
      options.onUnknownChanges?.(
        `The files renamed or deleted since the base ${ref} are not known (${why}): a renamed file's findings count as new, and a deleted policy's are not listed as removed. Check out with \`fetch-depth: 0\` for git to tell them.`,
      );
      return out;
    };
    if (!octokit || !owner || !repo || pull === undefined)
      return unknown(
        'the base commit is not in the checkout, and there is no pull request to ask GitHub about',
      );
    let files: ApiFile[];
    let top: string;
    try {
      [files, top] = await Promise.all([
        pullRequestFiles(octokit, { owner, repo, pull }),
        (prefix ??= repoPrefix(root)),
      ]);
    } catch (err) {
      return unknown(
        `the base commit is not in the checkout, and the pull request's files could not be listed: ${(err as Error).message}`,
      );
    }
    const rel = (p: string | undefined) =>
      p !== undefined && p.startsWith(top) && cleanPath(p.slice(top.length)) !== undefined
        ? p.slice(top.length)
        : undefined;
    for (const f of files) {
      const to = rel(f.filename);
      if (f.status === 'renamed') {
        const from = rel(f.previous_filename);
        if (to !== undefined && from !== undefined) out.renames.set(to, from);
      } else if (f.status === 'removed' && to !== undefined) out.deleted.push(to);
    }
    // (GitHub lists at most 3,000 files of a pull request)
    if (files.length >= 3000) unknown(`the pull request's files list stops at ${files.length} files`);
    return out;
  };

  const read = (path: string) => {
    const p = cleanPath(path);
    if (p === undefined) return Promise.resolve(undefined);
    let hit = cache.get(p);
    if (!hit) {
      hit = (async () => {
        return (await from()).git ? fromGit(p) : fromApi(p);
      })();
      cache.set(p, hit);
    }
    return hit;
  };
  const renamedFrom = async (path: string): Promise<string | undefined> => {
    const p = cleanPath(path);
    if (p === undefined) return undefined;
    changes ??= gitChanges();
    const from = (await changes).renames.get(p);
    return from !== undefined && cleanPath(from) !== undefined ? from : undefined;
  };
  const deleted = async (): Promise<string[]> => {
    changes ??= gitChanges();
    return [...(await changes).deleted];
  };
  return Object.assign(read, { renamedFrom, deleted });
}
