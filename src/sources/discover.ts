// Finds the files to audit: walks directories (skipping node_modules, .git and what the root
// .gitignore ignores, except the files git tracks: git never ignores a tracked file), keeps
// candidates by extension, and names every file it passes over that was asked for explicitly.
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync, statSync, type Dirent } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { compileGlob, type Glob } from '../policy/glob.js';
import { escapesRoot, within } from './inside.js';
import { fileTypeOf, readRepoFile } from './safe-read.js';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.terraform', '.hg', '.svn']);
/**
 * Extensions of files a directory walk considers (content then decides what they are). A JSON
 * template (`policy.json.tftpl`, Terraform's documented name for a templatefile() input;
 * `.json.tpl`, `.json.tmpl`) is one: a policy that is audited where a `.tf` renders it, and on its
 * own where none does (a review found Spot's eco policy template read nowhere). So is any other
 * template (`instancecombined_policy.tpl`, read by templatefile() or a `data "template_file"`: a
 * review found such a policy in no list), read as an input only when its text is JSON or holds an
 * IAM policy's keys (TEMPLATE_BY_CONTENT): most are scripts and manifests, which are not inputs.
 */
const CANDIDATE = /\.(json|tfstate|ya?ml|template|tftpl|tpl|tmpl)$/i;
/** Templates that are inputs by their content only (Discovered.byContent): not `*.json.tpl`. */
const TEMPLATE_BY_CONTENT = /^(?!.*\.json\.(tftpl|tpl|tmpl)$).*\.(tftpl|tpl|tmpl)$/i;
/** Terraform configurations and variable files: read as modules (a directory), by src/sources/hcl. */
const HCL_CANDIDATE = /\.(tf|tfvars)$/i;

export interface Discovered {
  /** Relative to root, with `/` separators. */
  path: string;
  abs: string;
  size: number;
  /** Named on the command line (kept whatever its extension). */
  explicit: boolean;
  /**
   * A template met on the walk whose name does not say JSON (`policy.tpl`, `user-data.sh.tftpl`):
   * an input only if its text is JSON or holds an IAM policy's keys (sources/index.ts
   * templateIsInput), else passed over as a file of another kind is.
   */
  byContent?: true;
}

export interface DiscoverResult {
  files: Discovered[];
  /** Paths that were asked for and do not exist: usage errors. */
  missing: { path: string; reason: string }[];
  /**
   * Named paths that are links out of the repository, and directories or files met on the walk
   * that cannot be read: errors of the audit (listed with the reason), the rest goes on.
   */
  unreadable: { path: string; reason: string }[];
  /** Candidate files passed over on purpose (symbolic links, FIFOs, sockets), with the reason. */
  skipped: { path: string; reason: string }[];
  /** What the report should say about the walk itself (a .gitignore that was not read). */
  notes: string[];
}

/** Largest .gitignore read (a real one is a few kilobytes). */
const MAX_GITIGNORE_BYTES = 1024 * 1024;
/**
 * Whether a symbolic link leads outside the repository: its target as written, or the real path of
 * a target inside it (a chain of links), is not under the root. Known without looking at what is
 * outside: the target's text, then real paths inside the repository only.
 */
function leadsOutside(root: string, link: string): boolean {
  const top = resolve(root);
  const outside = (p: string) => !within(top, p);
  // Link by link while each target is inside the repository (a chain), by their text alone.
  let cur = link;
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      return false; // (a dangling link inside the repository)
    }
    if (!st.isSymbolicLink()) break;
    let target: string;
    try {
      target = resolve(dirname(cur), readlinkSync(cur));
    } catch {
      return false;
    }
    if (outside(target)) return true;
    cur = target;
  }
  // (a directory on the way that is itself a link outside: the real path says)
  return escapesRoot(root, cur) !== undefined;
}

/** Largest list of tracked files read from `git ls-files` (a million paths of 60 bytes). */
const MAX_TRACKED_BYTES = 64 * 1024 * 1024;

function candidate(name: string): boolean {
  return CANDIDATE.test(name) || HCL_CANDIDATE.test(name);
}

/** Whether a file met on the walk is an input by its content only (Discovered.byContent). */
export function byContent(rel: string): boolean {
  return TEMPLATE_BY_CONTENT.test(rel);
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function gitignore(root: string, notes: string[]): Glob[] {
  const read = readRepoFile(root, '.gitignore', MAX_GITIGNORE_BYTES);
  if (!read.ok) {
    if (read.code !== 'missing')
      notes.push(`.gitignore was not read (${read.reason}): every candidate file was walked.`);
    return [];
  }
  const text = read.text;
  const globs: Glob[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const anchored = line.startsWith('/') || line.slice(0, -1).includes('/');
    const body = line.replace(/^\//, '').replace(/\/$/, '');
    // Unanchored patterns match a name at any depth; anchored ones the path from the root.
    globs.push(compileGlob(anchored ? body : `**/${body}`));
    if (!anchored) globs.push(compileGlob(body));
  }
  return globs;
}

function ignored(globs: Glob[], rel: string): boolean {
  return globs.some((g) => g.matches(rel));
}

/** The files git tracks under the root (relative to it, `/` separated) and their directories. */
interface Tracked {
  files: Set<string>;
  dirs: Set<string>;
}

/**
 * The audited paths inside the root, relative to it with `/` separators (`.` for the root itself),
 * for `git ls-files` to list the files under them only (a repository's million tracked paths took
 * 3 seconds and 300 MB for one file audited, and over the cap none were known). Paths outside the
 * root are left out: git refuses one outside the work tree, and the root's .gitignore does not
 * name them.
 */
function pathspecs(root: string, paths: string[]): string[] {
  const specs = new Set<string>();
  for (const p of paths) {
    const rel = relative(root, resolve(root, p));
    if (rel === '') specs.add('.');
    else if (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) specs.add(toPosix(rel));
  }
  return [...specs];
}

/**
 * What git tracks under the audited paths `specs` (pathspecs relative to `root`, from
 * `pathspecs`), for the .gitignore to leave alone: git never ignores a tracked file, and
 * Terraform reads `*_override.tf` and `terraform.tfvars` that GitHub's Terraform .gitignore lists.
 * `git ls-files -z` runs in the root (paths relative to it), taking the paths literally (a name
 * with `*` or a leading `:` is a name). Undefined when git is not installed or the root is not in
 * a work tree (the .gitignore then applies to every file, as before); `why` says why else it
 * could not be listed.
 */
function trackedFiles(root: string, specs: string[]): { tracked?: Tracked; why?: string } {
  // (no path inside the root: nothing of the root's .gitignore's to leave alone)
  if (specs.length === 0) return { tracked: { files: new Set(), dirs: new Set() } };
  let stdout: string;
  try {
    // (synchronous, as the walk is: an argument array, never a shell; its standard error kept)
    const args = ['--literal-pathspecs', 'ls-files', '-z', '--cached', '--', ...specs];
    stdout = execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: MAX_TRACKED_BYTES,
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: unknown; status?: unknown };
    if (e.code === 'ENOENT' || /not a git repository/i.test(String(e.stderr ?? ''))) return {};
    if (e.code === 'ENOBUFS' || e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
      return { why: `git's list of tracked files is over ${MAX_TRACKED_BYTES / 1024 / 1024} MB` };
    // (git's message is not quoted: it names the runner's absolute paths)
    const how = typeof e.status === 'number' ? ` with exit status ${e.status}` : e.code ? ` (${e.code})` : '';
    return { why: `\`git ls-files\` failed${how}` };
  }
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const rel of stdout.split('\0')) {
    if (!rel) continue;
    files.add(rel);
    for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
      const dir = rel.slice(0, i);
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  return { tracked: { files, dirs } };
}

/** How a path named on the command line or in `paths` reads in messages: as given, `/` separated. */
function shown(p: string): string {
  return toPosix(p);
}

/**
 * The files to audit under `paths` (relative to `root`, or absolute). Inside a git work tree, a
 * file git tracks is read whatever the root's .gitignore says (git's own rule); untracked files it
 * matches, and untracked directories it matches, are skipped.
 */
export function discover(root: string, paths: string[]): DiscoverResult {
  const files: Discovered[] = [];
  const missing: DiscoverResult['missing'] = [];
  const unreadable: DiscoverResult['unreadable'] = [];
  const skipped: DiscoverResult['skipped'] = [];
  const notes: string[] = [];
  const ignores = gitignore(root, notes);
  const asked = paths.length ? paths : ['.'];
  // (asked for once the .gitignore matches a path of the walk, and only under the paths audited)
  let listed: ReturnType<typeof trackedFiles> | undefined;
  let droppedTracked = false;
  /** Whether the .gitignore leaves out this path (a directory, or a file under `inIgnored`). */
  const leftOut = (rel: string, dir: boolean, inIgnored: boolean): boolean => {
    if (!inIgnored && !ignored(ignores, rel)) return false;
    const { tracked } = (listed ??= trackedFiles(root, pathspecs(root, asked)));
    if (tracked) return !(dir ? tracked.dirs : tracked.files).has(rel);
    droppedTracked = true;
    return true;
  };
  const seen = new Set<string>();
  const add = (abs: string, size: number, explicit: boolean) => {
    const rel = toPosix(relative(root, abs)) || '.';
    if (seen.has(rel)) return;
    seen.add(rel);
    const f: Discovered = { path: rel, abs, size, explicit };
    if (!explicit && TEMPLATE_BY_CONTENT.test(rel)) f.byContent = true;
    files.push(f);
  };
  const skip = (rel: string, reason: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    skipped.push({ path: rel, reason });
  };
  for (const p of asked) {
    // Absolute paths are taken as they are; relative ones from the root.
    const abs = resolve(root, p);
    let st;
    let link = false;
    try {
      link = lstatSync(abs).isSymbolicLink();
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // (a link to nothing is there, and broken: said so, not "no such file")
      if (link) {
        unreadable.push({
          path: toPosix(relative(root, abs)) || shown(p),
          reason:
            code === 'ELOOP'
              ? 'a symbolic link that loops: nothing to read'
              : 'a symbolic link to a file that does not exist (a broken link): nothing to read',
        });
        continue;
      }
      missing.push({
        path: shown(p),
        reason:
          code === 'ENOENT' || code === 'ENOTDIR'
            ? 'no such file or directory'
            : `cannot be read (${code ?? 'error'})`,
      });
      continue;
    }
    const escape = escapesRoot(root, p);
    if (escape) {
      // It exists, but is the repository's link to elsewhere: an error of the audit, never read.
      unreadable.push({ path: toPosix(relative(root, abs)) || shown(p), reason: escape });
      continue;
    }
    if (st.isFile()) {
      add(abs, st.size, true);
      continue;
    }
    if (!st.isDirectory()) {
      skip(toPosix(relative(root, abs)) || shown(p), `${fileTypeOf(st)}: only regular files are read`);
      continue;
    }
    // (a directory the .gitignore matches is walked for the files git tracks in it only)
    const stack: { dir: string; inIgnored: boolean }[] = [{ dir: abs, inIgnored: false }];
    while (stack.length) {
      const { dir, inIgnored } = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        unreadable.push({
          path: toPosix(relative(root, dir)) || '.',
          reason: `cannot read the directory (${(e as NodeJS.ErrnoException).code ?? 'error'}): check its permissions`,
        });
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const ent of entries) {
        const full = join(dir, ent.name);
        const rel = toPosix(relative(root, full));
        if (ent.isDirectory()) {
          if (ALWAYS_SKIPPED.has(ent.name) || leftOut(rel, true, inIgnored)) continue;
          stack.push({ dir: full, inIgnored: inIgnored || ignored(ignores, rel) });
          continue;
        }
        if (ent.isSymbolicLink() && !candidate(ent.name)) {
          // A link to a directory: never walked, and said (its policies would otherwise vanish). A
          // link that leads outside the repository is said the same whatever is there: looking
          // would tell whether a directory exists on the runner (a review).
          if (leadsOutside(root, full)) {
            if (!ALWAYS_SKIPPED.has(ent.name) && !leftOut(rel, true, inIgnored))
              skip(rel, 'a symbolic link that leads outside the repository: not followed');
            continue;
          }
          let toDirectory = false;
          try {
            toDirectory = statSync(full).isDirectory();
          } catch {
            // dangling or looping: not a directory to walk
          }
          if (toDirectory && !ALWAYS_SKIPPED.has(ent.name) && !leftOut(rel, true, inIgnored))
            skip(
              rel,
              "a symbolic link to a directory: not followed (only the repository's own directories are walked; name the directory it points to)",
            );
          continue;
        }
        if (!candidate(ent.name) || leftOut(rel, false, inIgnored)) continue;
        if (ent.isSymbolicLink()) {
          skip(rel, 'a symbolic link: not followed (only regular files in the repository are read)');
        } else if (ent.isFile()) {
          try {
            add(full, statSync(full).size, false);
          } catch (e) {
            unreadable.push({
              path: rel,
              reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
            });
          }
        } else {
          let what = 'not a regular file';
          try {
            what = fileTypeOf(lstatSync(full));
          } catch {
            // gone since the directory was read: say what we know
          }
          skip(rel, `${what}, named like an input: only regular files are read`);
        }
      }
    }
  }
  const untracked = listed?.why;
  if (droppedTracked && untracked)
    notes.push(
      `The files git tracks could not be listed (${untracked}): every file the .gitignore matches was skipped, tracked or not.`,
    );
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files, missing, unreadable, skipped, notes };
}

/**
 * Of files that are not in the working tree (the base's, deleted by a pull request), those
 * discover would have read under `paths`: candidates by their name, under one of the paths, not in
 * a directory always skipped. Paths relative to the root. The .gitignore does not leave any out:
 * git tracked each at the base (they come from its diff or the pull request's files), and the
 * base's audit read a tracked file whatever the .gitignore said.
 */
export function wouldDiscover(root: string, paths: string[], rels: readonly string[]): string[] {
  // (a template whose name does not say JSON is one by its content: the caller reads it so,
  // byContent)
  const at = (paths.length ? paths : ['.']).map((p) => toPosix(relative(root, resolve(root, p))));
  return rels.filter((rel) => {
    const segments = rel.split('/');
    if (!candidate(segments[segments.length - 1]!) || segments.some((s) => ALWAYS_SKIPPED.has(s)))
      return false;
    const under = at.some((a) => a === '' || a === rel || (!a.startsWith('..') && rel.startsWith(`${a}/`)));
    return under;
  });
}
