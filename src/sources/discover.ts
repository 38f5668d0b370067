// Finds the files to audit: walks directories (skipping node_modules, .git and what the root
// .gitignore ignores), keeps candidates by extension, and names every file it passes over
// that was asked for explicitly.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { compileGlob, type Glob } from '../policy/glob.js';
import { escapesRoot } from './inside.js';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.terraform', '.hg', '.svn']);
/** Extensions of files a directory walk considers (content then decides what they are). */
const CANDIDATE = /\.(json|tfstate)$/i;
/** Terraform configurations and variable files: read as modules (a directory), by src/sources/hcl. */
const HCL_CANDIDATE = /\.(tf|tfvars)$/i;

export interface Discovered {
  /** Relative to root, with `/` separators. */
  path: string;
  abs: string;
  size: number;
  /** Named on the command line (kept whatever its extension). */
  explicit: boolean;
}

export interface DiscoverResult {
  files: Discovered[];
  /** Paths that were asked for and do not exist or cannot be read. */
  missing: { path: string; reason: string }[];
  /** Candidate files passed over on purpose (symbolic links), with the reason. */
  skipped: { path: string; reason: string }[];
}

function candidate(name: string): boolean {
  return CANDIDATE.test(name) || HCL_CANDIDATE.test(name);
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function gitignore(root: string): Glob[] {
  let text: string;
  try {
    text = readFileSync(join(root, '.gitignore'), 'utf8');
  } catch {
    return [];
  }
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

export function discover(root: string, paths: string[]): DiscoverResult {
  const files: Discovered[] = [];
  const missing: DiscoverResult['missing'] = [];
  const skipped: DiscoverResult['skipped'] = [];
  const ignores = gitignore(root);
  const seen = new Set<string>();
  const add = (abs: string, size: number, explicit: boolean) => {
    const rel = toPosix(relative(root, abs)) || '.';
    if (seen.has(rel)) return;
    seen.add(rel);
    files.push({ path: rel, abs, size, explicit });
  };
  for (const p of paths.length ? paths : ['.']) {
    const abs = join(root, p);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      missing.push({
        path: toPosix(p),
        reason:
          (e as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'no such file or directory'
            : String((e as Error).message),
      });
      continue;
    }
    const escape = escapesRoot(root, p);
    if (escape) {
      missing.push({ path: toPosix(p), reason: escape });
      continue;
    }
    if (st.isFile()) {
      add(abs, st.size, true);
      continue;
    }
    const stack = [abs];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        missing.push({
          path: toPosix(relative(root, dir)),
          reason: `cannot read the directory: ${(e as Error).message}`,
        });
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const ent of entries) {
        const full = join(dir, ent.name);
        const rel = toPosix(relative(root, full));
        if (ent.isDirectory()) {
          if (!ALWAYS_SKIPPED.has(ent.name) && !ignored(ignores, rel)) stack.push(full);
        } else if (ent.isSymbolicLink() && candidate(ent.name) && !ignored(ignores, rel)) {
          skipped.push({
            path: rel,
            reason: 'a symbolic link: not followed (only regular files in the repository are read)',
          });
        } else if (ent.isFile() && candidate(ent.name) && !ignored(ignores, rel)) {
          try {
            add(full, statSync(full).size, false);
          } catch (e) {
            missing.push({ path: rel, reason: (e as Error).message });
          }
        }
      }
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files, missing, skipped };
}
