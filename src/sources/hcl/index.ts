// Terraform `.tf` configurations, read offline: discovered `.tf` files are grouped by directory
// (a module is a directory), each module that no other discovered module calls is evaluated as a
// root (local module calls followed), and every `.tf` file becomes an input with the policies
// whose blocks it holds. A file that does not parse is an input in error with its line; the rest
// of its module is still audited.
import { readdirSync, realpathSync } from 'node:fs';
import { readRepoFile } from '../safe-read.js';
import { join, posix, sep } from 'node:path';
import type { InputResult, PolicyRecord, PrincipalRecord, SourceError } from '../../core/types.js';
import { analyzeModule } from './analyze.js';
import type { FileRead } from './functions.js';
import { clearTextOrigins } from './lines.js';
import { principalId } from './principals.js';
import {
  defineModule,
  Instance,
  readTfvars,
  type LoadContext,
  type ModuleDef,
  type ModuleHost,
  type ModuleProblem,
  type NotFollowed,
} from './module.js';
import { hclReady, initHcl, kids, parseHcl, type ParsedHcl } from './parse.js';
import { labelText } from './evaluator.js';
import { shortText } from './values.js';
import { appliedMoves, movedFrom, moveIndex } from './moves.js';
import { list } from '../terraform/values.js';

export { initHcl, hclReady };
export { readsOf } from './analyze.js';
export type { FileRead } from './functions.js';
export type { ModuleHost } from './module.js';

/**
 * `.tf` configuration files and variable files (`.tfvars`, and the `.json` forms of those Terraform
 * reads itself: terraform.tfvars.json, *.auto.tfvars.json); `.tf.json` is read as JSON elsewhere.
 */
export const HCL_FILE = /\.(tf|tfvars)$|(^|\/)(terraform\.tfvars|[^/]*\.auto\.tfvars)\.json$/i;
export const TFVARS_FILE = /(^|\/)(terraform\.tfvars|[^/]*\.auto\.tfvars)(\.json)?$/i;

/** Largest file read by file(), templatefile() or a followed module. */
export const MAX_READ = 10 * 1024 * 1024;

export interface HclFile {
  path: string;
  text: string;
}

function dirOf(p: string): string {
  const d = posix.dirname(p);
  return d === '' ? '.' : d;
}

/**
 * The file system under `root`, never outside it; `filesRead`: the files file(), fileexists() and
 * templatefile() read; `reads`: each read of file() and templatefile() (whether a template rendered).
 */
export function fsHost(root: string): ModuleHost & { filesRead: Set<string>; reads: FileRead[] } {
  const filesRead = new Set<string>();
  const reads: FileRead[] = [];
  const seen = new Set<string>();
  /** Why readFile gave nothing, by the path asked. */
  const refusals = new Map<string, string>();
  const inside = (p: string): string | undefined => {
    const n = posix.normalize(p);
    if (n.startsWith('../') || n === '..' || posix.isAbsolute(n)) return undefined;
    return join(root, n);
  };
  /**
   * A directory's real path, to be listed, where it is inside the repository; else a throw. A
   * symbolic link to a directory outside it is not listed: the answer must not tell whether such a
   * directory exists on the runner (a review).
   */
  const listable = (abs: string): string => {
    const real = realpathSync(abs);
    const top = realpathSync(root);
    if (real !== top && !real.startsWith(`${top}${sep}`)) throw new Error('outside the repository');
    return real;
  };
  /** The files of a directory whose names pass `test`, or why the directory cannot be read. */
  const filesOf = (dir: string, test: (name: string) => boolean): HclFile[] | { error: string } => {
    const abs = inside(dir);
    if (!abs) return { error: `${dir} is outside the audited directory` };
    let names: string[];
    try {
      names = readdirSync(listable(abs)).filter(test).sort();
    } catch {
      return { error: `the directory ${dir} is not in the repository` };
    }
    const out: HclFile[] = [];
    for (const n of names) {
      // Through the safe reader: a regular file inside the repository, at most MAX_READ bytes.
      const read = readRepoFile(root, join(abs, n), MAX_READ);
      if (read.ok) out.push({ path: posix.join(dir, n).replace(/^\.\//, ''), text: read.text });
    }
    return out;
  };
  return {
    filesRead,
    reads,
    whyNotRead(p) {
      return inside(p) ? refusals.get(posix.normalize(p)) : 'it is outside the audited directory';
    },
    fileRead(r) {
      const read = { ...r, path: posix.normalize(r.path) };
      const key = `${read.path}\u0000${read.fn}\u0000${read.rendered}`;
      if (seen.has(key)) return;
      seen.add(key);
      reads.push(read);
    },
    moduleFiles(dir) {
      const files = filesOf(dir, (n) => /\.tf$/i.test(n));
      if (!('error' in files) && files.length === 0)
        return { error: `the directory ${dir} has no .tf files` };
      return files;
    },
    variableFiles(dir) {
      // (those a directory's audit reads: HCL_FILE)
      const files = filesOf(dir, (n) => TFVARS_FILE.test(n) && HCL_FILE.test(n));
      return 'error' in files ? [] : files;
    },
    jsonConfig(dir) {
      const files = filesOf(dir, (n) => /\.tf\.json$/i.test(n));
      return 'error' in files ? [] : files;
    },
    hasJsonConfig(dir) {
      const abs = inside(dir);
      try {
        return !!abs && readdirSync(listable(abs)).some((n) => /\.tf\.json$/i.test(n));
      } catch {
        return false;
      }
    },
    readFile(p) {
      const abs = inside(p);
      if (!abs) return undefined;
      const read = readRepoFile(root, abs, MAX_READ);
      if (!read.ok) {
        refusals.set(posix.normalize(p), read.reason);
        return undefined;
      }
      filesRead.add(posix.normalize(p));
      return read.text;
    },
  };
}

/** Local module sources written as literals (to know which directories are called by others). */
function localCalls(def: ModuleDef): string[] {
  const out: string[] = [];
  for (const c of def.calls) {
    const s = c.attrs.get('source');
    const lit = s ? kids(s)[0] : undefined;
    const str = lit?.type === 'literal_value' ? kids(lit)[0] : undefined;
    if (str?.type !== 'string_lit') continue;
    const v = labelText(str);
    if (/^\.\.?(\/|$)/.test(v)) out.push(posix.normalize(posix.join(def.dir, v)).replace(/\/+$/, '') || '.');
  }
  return out;
}

function problemError(p: ModuleProblem): SourceError {
  const e: SourceError = { path: p.file, message: p.message };
  if (p.line !== undefined) e.line = p.line;
  if (p.address) e.address = p.address;
  return e;
}

/**
 * Reads discovered `.tf` and `.tfvars` files (texts already read) as Terraform modules. The HCL
 * parser must be loaded (initHcl) first.
 */
export function readHclModules(
  files: HclFile[],
  host: ModuleHost,
  explicit?: ReadonlySet<string>,
): InputResult[] {
  clearTextOrigins();
  const tf = files.filter((f) => /\.tf$/i.test(f.path));
  const vars = files.filter((f) => TFVARS_FILE.test(f.path));
  const results = new Map<string, InputResult>();
  const input = (path: string): InputResult => {
    let r = results.get(path);
    if (!r) {
      r = { path, kind: 'terraform-hcl', status: 'audited', policies: [], errors: [], principals: [] };
      results.set(path, r);
    }
    return r;
  };
  if (!hclReady()) {
    return tf.map((f) => ({
      path: f.path,
      kind: 'terraform-hcl',
      status: 'error',
      reason: 'the HCL parser is not loaded',
      policies: [],
      errors: [{ path: f.path, message: 'the HCL parser is not loaded' }],
    }));
  }
  // Parse every file; files that do not parse are inputs in error and left out of their module.
  const byDir = new Map<string, ParsedHcl[]>();
  const addFile = (f: HclFile) => {
    const r = input(f.path);
    const parsed = parseHcl(f.path, f.text);
    if (parsed.problems.length) {
      const first = parsed.problems[0]!;
      r.status = 'error';
      r.reason = `not valid HCL at line ${first.line}, column ${first.column}: ${first.message}; the file is left out, the rest of its module is audited: fix the syntax there`;
      for (const p of parsed.problems)
        r.errors.push({
          path: f.path,
          line: p.line,
          message: `not valid HCL (column ${p.column}): ${p.message}`,
        });
      return;
    }
    const d = dirOf(f.path);
    const l = byDir.get(d);
    if (l) l.push(parsed);
    else byDir.set(d, [parsed]);
  };
  for (const f of tf) addFile(f);
  // A file named on its own: the directory is read as its audit would read it (a module is a
  // directory): its other .tf files, each an input, and its terraform.tfvars / *.auto.tfvars.
  for (const f of tf) {
    if (!explicit?.has(f.path)) continue;
    const d = dirOf(f.path);
    if (!byDir.has(d)) continue;
    const siblings = host.moduleFiles(d);
    if ('error' in siblings) continue;
    for (const sib of siblings) if (!results.has(sib.path)) addFile(sib);
    for (const v of host.variableFiles?.(d) ?? []) if (!vars.some((x) => x.path === v.path)) vars.push(v);
  }
  const defs = new Map<string, ModuleDef | { error: string }>();
  for (const [dir, parsed] of byDir) defs.set(dir, defineModule(dir, parsed, host.jsonConfig?.(dir)));
  // Directories another discovered module calls are read through that call (with its arguments).
  const calledByOthers = new Set<string>();
  for (const def of defs.values())
    if (!('error' in def)) for (const c of localCalls(def)) if (c !== def.dir) calledByOthers.add(c);
  // Directories that call each other in a cycle (`a` calls `b`, `b` calls `a`), which no root
  // reaches, are each read as a root (the call back is then not followed, said so): never left
  // unread because each is called by another (a review: both policies were lost, without a word).
  const reached = new Set<string>();
  const reach = (dir: string) => {
    const stack = [dir];
    while (stack.length) {
      const d = stack.pop()!;
      if (reached.has(d)) continue;
      reached.add(d);
      const def = defs.get(d);
      if (def && !('error' in def)) for (const c of localCalls(def)) if (defs.has(c)) stack.push(c);
    }
  };
  for (const dir of defs.keys()) if (!calledByOthers.has(dir)) reach(dir);
  for (const dir of [...defs.keys()].sort())
    if (!reached.has(dir)) {
      calledByOthers.delete(dir);
      reach(dir);
    }
  /** Policies by id, with the root module that read each (a module two roots call is read twice). */
  const policyIds = new Map<string, { dir: string; rec: PolicyRecord; text: string }>();
  /**
   * Per root: the record each policy id of its principals' lists stands for, where the id changed
   * (a suffix `#from envs/prod`) or the root's own record was dropped as the same as another
   * root's (read once: its principals name the one kept, whatever id that ends with).
   */
  const renamed = new Map<string, Map<string, PolicyRecord>>();
  const standFor = (dir: string, id: string, rec: PolicyRecord) =>
    (renamed.get(dir) ?? renamed.set(dir, new Map()).get(dir)!).set(id, rec);
  const rename = (rec: PolicyRecord, dir: string) => {
    standFor(dir, rec.id, rec);
    rec.id = `${rec.id}#from ${dir}`;
  };
  const principalDirs: [PrincipalRecord, string][] = [];
  for (const [dir, def] of [...defs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if ('error' in def || calledByOthers.has(dir)) continue;
    const problems: ModuleProblem[] = [...def.problems];
    const ctx: LoadContext = {
      host,
      defs,
      rootDir: dir,
      tfvars: readTfvars(
        vars.filter((v) => dirOf(v.path) === dir),
        problems,
      ),
      resources: [],
      notFollowed: [],
      noInstances: [],
      moves: [],
      problems,
      called: new Set(),
    };
    let analyzed: ReturnType<typeof analyzeModule>;
    // (the texts of one root's policies: the same text in another root is its own)
    clearTextOrigins();
    try {
      new Instance(def, '', undefined, ctx, 0, []).collect();
      analyzed = analyzeModule(dir, ctx.resources);
    } catch (e) {
      const message = `the module ${dir} could not be evaluated: ${e instanceof RangeError ? 'it is nested too deeply' : shortText(String((e as Error).message), 200)}`;
      for (const f of def.files) {
        const r = input(f.path);
        r.status = 'error';
        r.reason = message;
        r.errors.push({ path: f.path, message });
      }
      continue;
    }
    for (const p of analyzed.policies) {
      const text = JSON.stringify([p.status, p.reason, p.document]);
      const first = policyIds.get(p.id);
      if (first) {
        // The same policy read again: once. A module two roots call with different arguments
        // (envs/prod and envs/staging): each kept, named after its root.
        if (first.text === text) {
          standFor(dir, p.id, first.rec);
          continue;
        }
        if (!first.rec.id.endsWith(`#from ${first.dir}`)) rename(first.rec, first.dir);
        rename(p, dir);
      } else policyIds.set(p.id, { dir, rec: p, text });
      input(p.path).policies.push(p);
    }
    for (const e of analyzed.errors) input(e.path).errors.push(e);
    // The places each policy and principal had before its root's moved blocks (this root's only).
    const moves = moveIndex(
      appliedMoves(
        ctx.moves,
        ctx.resources.map((r) => r.address),
      ),
    );
    if (moves.size) {
      for (const p of analyzed.policies) {
        const from = p.address ? movedFrom(p.address, dirOf(p.path), moves) : [];
        if (from.length) p.movedFrom = from;
      }
      for (const p of analyzed.principals) {
        const from = movedFrom(p.address ?? p.id, dirOf(p.path), moves);
        if (from.length) p.movedFrom = from;
      }
    }
    for (const p of analyzed.principals) {
      (input(p.path).principals as PrincipalRecord[]).push(p);
      principalDirs.push([p, dir]);
    }
    for (const p of problems) input(p.file).errors.push(problemError(p));
    // Listed as skipped, each with its reason: module calls not followed, and resources with a
    // policy and no instance.
    const skip = (n: NotFollowed, reason: string) =>
      results.set(`${n.file}#${n.address}`, {
        path: `${n.file}#${n.address}`,
        kind: 'terraform-hcl',
        status: 'skipped',
        reason,
        policies: [],
        errors: [],
      });
    for (const n of ctx.notFollowed)
      skip(n, `module ${n.address} (line ${n.line}) is not followed: ${n.reason}`);
    const rootRead = 'with the variables as read (their defaults, terraform.tfvars and *.auto.tfvars)';
    // (a called module's variables are its call's arguments, else their defaults)
    const moduleRead = "with the variables as read (the module call's arguments, else their defaults)";
    for (const n of ctx.noInstances) {
      const asRead = n.inModule ? moduleRead : rootRead;
      skip(
        n,
        n.usedOnlyBy
          ? `${n.address} (line ${n.line}) is used only by ${list(n.usedOnlyBy)}, which ${n.usedOnlyBy.length > 1 ? 'have' : 'has'} no instance ${asRead}, so it grants nothing: not audited on its own`
          : `${n.address} (line ${n.line}) has no instance: ${n.reason} ${asRead}, so it grants nothing`,
      );
    }
  }
  for (const [p, dir] of principalDirs) {
    const ids = renamed.get(dir);
    if (ids) p.policyIds = p.policyIds.map((id) => ids.get(id)?.id ?? id);
  }
  // The same address in two root modules: each prefixed with its directory (the address kept, for
  // selectors).
  const seen = new Map<string, number>();
  for (const [p] of principalDirs) seen.set(p.id, (seen.get(p.id) ?? 0) + 1);
  for (const [p, dir] of principalDirs)
    if (seen.get(p.id)! > 1) {
      p.address = p.id;
      p.id = principalId(dir, p.id);
    }
  const out = [...results.values()];
  for (const r of out) {
    if (r.principals && r.principals.length === 0) delete r.principals;
    r.policies.sort((a: PolicyRecord, b: PolicyRecord) => (a.line ?? 0) - (b.line ?? 0));
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
