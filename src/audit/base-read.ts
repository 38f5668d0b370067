// The pull request's base, read for the audit: its policies as they were (BaseDocs), the `.tf`
// modules with the base's versions of their files, and what the change deleted or moved. Reads
// through the caller's BaseRead (git, the API, or a test's map), and the working tree for what a
// `.tf` module reads that the base read has not brought yet.
import { posix } from 'node:path';
import { byContent, wouldDiscover } from '../sources/discover.js';
import { parseSource, templateIsInput } from '../sources/index.js';
import { pushAll } from '../sources/records.js';
import {
  fsHost,
  HCL_FILE,
  initHcl,
  MAX_READ,
  readHclModules,
  type ModuleHost,
} from '../sources/hcl/index.js';
import { canonicalKey } from '../sources/terraform/values.js';
import type { InputResult, LoadedInput, PrincipalRecord } from '../core/types.js';
import {
  preparePolicies,
  type Assignment,
  type AuditPlan,
  type BaseDocs,
  type DeletedAtBase,
  type PreparedPolicy,
} from './audit.js';
import { unknownOnlyAtBase } from './base-keys.js';

/**
 * A file as it is at the pull request's base (undefined: not there). `renamedFrom`: the path a
 * file of the head had at the base, when the change renamed it (git's rename detection).
 * `deleted`: the files of the base the change deleted, relative to the root.
 */
export type BaseRead = ((path: string) => Promise<string | undefined>) & {
  renamedFrom?: (path: string) => Promise<string | undefined>;
  deleted?: () => Promise<string[]>;
};

/**
 * The principals of every input, by id. The same id in two inputs (`aws_iam_role.r` in the states
 * of dev/ and prod/, the usual layout) would keep only the last, its twin's policies left to
 * detection: each is named after its file instead (`prod/terraform.tfstate#aws_iam_role.r`, as a
 * CloudFormation principal's id is), its address kept for selectors, so that each is audited on
 * its own.
 */
export function collectPrincipals(inputs: LoadedInput[]): Map<string, PrincipalRecord> {
  const count = new Map<string, number>();
  for (const { result } of inputs)
    for (const p of result.principals ?? []) count.set(p.id, (count.get(p.id) ?? 0) + 1);
  const out = new Map<string, PrincipalRecord>();
  for (const { result } of inputs)
    for (const p of result.principals ?? []) {
      const named = count.get(p.id)! > 1 && !p.id.startsWith(`${p.path}#`) ? `${p.path}#${p.id}` : p.id;
      // (never one dropped for another: two alike in one input would lose a role's audit)
      let id = named;
      for (let n = 2; out.has(id); n++) id = `${named} (${n})`;
      if (id !== p.id) {
        p.address ??= p.id;
        p.id = id;
      }
      out.set(p.id, p);
    }
  return out;
}

/** Where a `.tf` object is: the directory of its module's files and its address (moved blocks' MovedFrom read the same). */
export const placeKey = (dir: string, address: string) => `${dir}\u0000${address}`;

export const placeOf = (r: { path: string; address?: string; id: string }) =>
  placeKey(posix.dirname(r.path), r.address ?? r.id);

/**
 * The principal of the base a `.tf` principal was before its root's `moved` blocks
 * (PrincipalRecord.movedFrom), if one is there once; `at` indexes the base's by placeOf (made once).
 */
export function movedPrincipal(
  head: PrincipalRecord,
  at: () => ReadonlyMap<string, PrincipalRecord | null>,
): PrincipalRecord | undefined {
  if (!head.movedFrom?.length) return undefined;
  for (const m of head.movedFrom) {
    const p = at().get(placeKey(m.dir, m.address));
    if (p !== undefined) return p ?? undefined;
  }
  return undefined;
}

/** The base's documents, with the inputs read for them and their policies as prepared (deletedAtBase reads more beside them). */
export type BaseAsRead = BaseDocs & { inputs: LoadedInput[]; prepared: Map<string, PreparedPolicy> };

/**
 * The pull request's base (BaseDocs): the base's versions of the audited files, a renamed file
 * read at its base path as the head's path (its policies keep their ids, so a `git mv` adds
 * nothing new), `.tf` modules read again from the base's versions of their files, and the
 * principals of the base with the policies they held there.
 */
export async function readBaseDocs(
  readBase: BaseRead,
  inputs: LoadedInput[],
  files: readonly { path: string }[],
  root: string,
  prepared: Map<string, PreparedPolicy>,
  principals: Map<string, PrincipalRecord>,
): Promise<BaseAsRead> {
  const baseInputs: LoadedInput[] = [];
  // A file the change renamed is read at its base path, as the head's path: its policies keep
  // their ids, so a `git mv` adds nothing new.
  const atBase = async (path: string): Promise<string | undefined> => {
    const text = await readBase(path);
    if (text !== undefined || !readBase.renamedFrom) return text;
    const from = await readBase.renamedFrom(path);
    return from === undefined ? undefined : readBase(from);
  };
  for (const { result } of inputs) {
    if (result.status !== 'audited' || result.kind === 'terraform-hcl') continue;
    const text = await atBase(result.path);
    if (text !== undefined) baseInputs.push(parseSource({ path: result.path, text }));
  }
  // .tf modules: the base's versions of the same .tf / .tfvars files, read as modules again, their
  // file(), templatefile() and fileexists() and the modules they call reading the base's files
  // (readBaseModules; a module's directory is listed as the working tree has it).
  const hclBase: { path: string; text: string }[] = [];
  const moduleDirs = new Set<string>();
  for (const f of files) {
    if (!HCL_FILE.test(f.path)) continue;
    moduleDirs.add(posix.dirname(f.path));
    const text = await atBase(f.path);
    if (text !== undefined) hclBase.push({ path: f.path, text });
  }
  // ...and the files of those modules the change deleted: a block moved out of a deleted file
  // into another of its module (two files merged, one split) keeps its address there, so it is
  // found at the base (`moved` below), not new.
  if (moduleDirs.size && readBase.deleted) {
    const read = new Set(hclBase.map((h) => h.path));
    for (const path of await readBase.deleted()) {
      if (!HCL_FILE.test(path) || read.has(path) || !moduleDirs.has(posix.dirname(path))) continue;
      const text = await readBase(path);
      if (text !== undefined) hclBase.push({ path, text });
      read.add(path);
    }
  }
  if (hclBase.length)
    for (const result of await readBaseModules(hclBase, readBase, root)) baseInputs.push({ result });
  const basePrepared = preparePolicies(baseInputs);
  const basePrincipals = collectPrincipals(baseInputs);
  // (the files whose base was read: a principal of one of them that is not there is new)
  const readAtBase = new Set<string>();
  for (const { result } of baseInputs) {
    readAtBase.add(result.path);
    for (const p of result.policies) readAtBase.add(p.path);
    for (const p of result.principals ?? []) readAtBase.add(p.path);
  }
  // A `.tf` block moved to another file of its module keeps its address: found by it there. One
  // renamed by a `moved` block of its root is found where it was (PolicyRecord.movedFrom: the
  // address, in the directory of its module's files).
  let byModuleAddress: Map<string, PreparedPolicy | null> | undefined;
  const moved = (id: string): PreparedPolicy | undefined => {
    const head = prepared.get(id)?.record;
    if (!head?.address || !HCL_FILE.test(head.path)) return undefined;
    if (!byModuleAddress) {
      byModuleAddress = new Map();
      for (const p of basePrepared.values())
        if (p.record.address && HCL_FILE.test(p.record.path)) {
          const k = placeOf(p.record);
          byModuleAddress.set(k, byModuleAddress.has(k) ? null : p);
        }
    }
    for (const at of [placeOf(head), ...(head.movedFrom ?? []).map((m) => placeKey(m.dir, m.address))]) {
      const found = byModuleAddress.get(at);
      if (found !== undefined) return found ?? undefined;
    }
    return undefined;
  };
  let principalsAt: Map<string, PrincipalRecord | null> | undefined;
  const basePrincipalsAt = () => {
    if (!principalsAt) {
      principalsAt = new Map();
      for (const p of basePrincipals.values()) {
        const k = placeOf(p);
        principalsAt.set(k, principalsAt.has(k) ? null : p);
      }
    }
    return principalsAt;
  };
  return {
    inputs: baseInputs,
    prepared: basePrepared,
    get: (id) => {
      const p = basePrepared.get(id) ?? moved(id);
      return p ? { doc: p.doc, raw: p.raw, record: p.record } : undefined;
    },
    heldBy: (id) => {
      const head = principals.get(id);
      if (!head || !readAtBase.has(head.path)) return undefined;
      // (a role renamed by a `moved` block of its root: the base's where it was)
      const at = basePrincipals.get(id) ?? movedPrincipal(head, basePrincipalsAt);
      if (!at) return [];
      return at.unresolved.length ? undefined : at.policyIds;
    },
  };
}

/**
 * Files and policies the head reads and the base has but cannot read (invalid or unresolved there): their
 * findings all count as new, which is the safe reading, and the report says why (a review: a base
 * with a trailing comma made every finding new with no word of it).
 */
export function unreadAtBase(
  base: BaseAsRead,
  inputs: LoadedInput[],
  prepared: Map<string, PreparedPolicy>,
): string[] {
  const out: string[] = [];
  const audited = new Set(inputs.filter((i) => i.result.status === 'audited').map((i) => i.result.path));
  const said = new Set<string>();
  for (const { result } of base.inputs) {
    if (!audited.has(result.path) || result.status !== 'error') continue;
    said.add(result.path);
    const why = result.errors[0]?.message ?? result.reason ?? 'not valid';
    out.push(
      `${result.path} cannot be read as it is at the base (${why}): its findings all count as new in this change`,
    );
  }
  for (const [id, p] of prepared) {
    if (!p.doc || said.has(p.record.path)) continue;
    const at = base.prepared.get(id);
    if (!at) continue;
    const unknown = at.doc ? unknownOnlyAtBase(at.record, p.record) : undefined;
    if (unknown !== undefined) {
      out.push(
        `${p.record.address ? `${p.record.path} ${p.record.address}` : p.record.path} was read at the base with values not known (${unknown}), which this change makes known: what it grants cannot be told from what the base granted, so its findings all count as new in this change`,
      );
      continue;
    }
    if (at.doc) continue;
    const why =
      at.record.status === 'unresolved'
        ? (at.record.reason ?? 'it could not be resolved')
        : (at.problems[0]?.message ?? 'not a valid policy document');
    out.push(
      `${p.record.address ? `${p.record.path} ${p.record.address}` : p.record.path} cannot be read as it is at the base (${why}): its findings all count as new in this change`,
    );
  }
  return out;
}

/**
 * A policy moved as it was into another file of another kind (a JSON policy into a `.tf`
 * jsonencode(), which the renames and `.tf` moves do not pair): the head's policy with no base of
 * its own, whose document is, key order aside, that of a base policy no head policy continues, is
 * that policy (its findings are not new, and it is not deleted). Only where one of each has that
 * document; the pairs are added to `base.get` and `continued`.
 */
export function pairMovedDocuments(
  base: BaseDocs,
  prepared: Map<string, PreparedPolicy>,
  basePrepared: Map<string, PreparedPolicy>,
  continued: Set<string>,
): void {
  const byDocument = (entries: Iterable<PreparedPolicy>) => {
    const m = new Map<string, PreparedPolicy | null>();
    for (const p of entries) {
      const doc = p.record.status === 'resolved' ? canonicalKey(p.record.document, true) : undefined;
      if (doc === undefined) continue;
      const k = `${p.record.kind}\u0000${doc}`;
      m.set(k, m.has(k) ? null : p);
    }
    return m;
  };
  const heads = byDocument([...prepared.values()].filter((p) => base.get(p.record.id) === undefined));
  if (heads.size === 0) return;
  const bases = byDocument(
    [...basePrepared.values()].filter((p) => !continued.has(p.record.id) && !prepared.has(p.record.id)),
  );
  const pairs = new Map<string, PreparedPolicy>();
  for (const [k, head] of heads) {
    const at = bases.get(k);
    if (!head || !at) continue;
    pairs.set(head.record.id, at);
    continued.add(at.record.id);
  }
  if (pairs.size === 0) return;
  const get = base.get.bind(base);
  base.get = (id) => {
    const found = get(id);
    if (found) return found;
    const p = pairs.get(id);
    return p ? { doc: p.doc, raw: p.raw, record: p.record } : undefined;
  };
}

/** Evaluations of the base's modules at most, each reading from the base the files the one before asked for. */
export const MAX_BASE_PASSES = 8;

/**
 * The base's `.tf` modules, read as modules with the base's versions of the files their file(),
 * templatefile() and fileexists() read and of the modules they call (a policy file edited by the
 * change is read as it was; one not at the base fails there as it would). The host reads
 * synchronously: each pass asks for the files it needs, read from the base before the next
 * (usually two passes; a path read from a file may ask for more).
 */
export async function readBaseModules(
  hclBase: { path: string; text: string }[],
  readBase: BaseRead,
  root: string,
): Promise<InputResult[]> {
  const files = new Map<string, string | undefined>();
  const work = fsHost(root);
  for (let pass = 0; ; pass++) {
    const wanted = new Set<string>();
    /** A file's text at the base, or, not read from the base yet, the working tree's (`standIn`). */
    const atBase = (p: string, standIn: () => string | undefined): string | undefined => {
      const n = posix.normalize(p);
      if (n.startsWith('../') || n === '..' || posix.isAbsolute(n)) return undefined;
      if (files.has(n)) return files.get(n);
      // Not read from the base yet: asked for, and the working tree's text stands in for it this
      // pass, so that the evaluation goes on and asks for the other files it reads (a `concat()`
      // of ten file() calls: all ten in one pass, not one a pass).
      wanted.add(n);
      return standIn();
    };
    /** The `.tf` (or .tfvars) files of a directory the working tree lists, as they are at the base (those not there left out). */
    const listedAtBase = (listed: { path: string; text: string }[]) =>
      listed.flatMap((f) => {
        const text = atBase(f.path, () => f.text);
        return text === undefined ? [] : [{ path: f.path, text }];
      });
    const host: ModuleHost = {
      // A module the audited files call (`../../modules/iam`): its files at the base too (a
      // change to its `.tf` is new). The directory is listed as the working tree has it.
      moduleFiles: (dir) => {
        const listed = work.moduleFiles(dir);
        return 'error' in listed ? listed : listedAtBase(listed);
      },
      variableFiles: (dir) => listedAtBase(work.variableFiles?.(dir) ?? []),
      hasJsonConfig: (dir) => work.hasJsonConfig?.(dir) ?? false,
      jsonConfig: (dir) => listedAtBase(work.jsonConfig?.(dir) ?? []),
      readFile: (p) => atBase(p, () => work.readFile(p)),
    };
    const results = readHclModules(hclBase, host);
    // Every file read from the base: done. (A path read from a file's text can ask for more in a
    // pass after; past MAX_BASE_PASSES, what is still not read from the base is the working
    // tree's, as the base's modules read every file before file functions read the base's.)
    if (wanted.size === 0 || pass >= MAX_BASE_PASSES - 1) return results;
    // (as the working tree's: a file larger than file() reads is not read)
    for (const path of wanted) {
      const text = await readBase(path);
      files.set(path, text !== undefined && Buffer.byteLength(text) <= MAX_READ ? text : undefined);
    }
  }
}

/**
 * The policies and principals of the base that the change deleted (BaseDocs.deleted), with their
 * audit planned as at the base; undefined when it deleted none. Read for it: the base's policies
 * of the audited files (readBaseDocs), and the files of the base the change deleted that the audit
 * would have read (a JSON policy, a template, a whole `.tf` module). A base policy is deleted when
 * no policy of the head continues it (by id, a renamed file's or a `.tf` block moved in its module:
 * BaseDocs.get) and its file is deleted or read at the head (a file the head cannot read deletes
 * nothing); a principal, when the head has none of its id, or of its file and address.
 */
export async function deletedAtBase(
  readBase: BaseRead,
  base: BaseAsRead,
  inputs: LoadedInput[],
  prepared: Map<string, PreparedPolicy>,
  principals: Map<string, PrincipalRecord>,
  how: {
    root: string;
    paths: string[];
    /** The files the audit read at the head (a deleted `.tf` file of a module there is read already). */
    files: readonly { path: string }[];
    skip: ReadonlySet<string>;
    plan: (
      prepared: Map<string, PreparedPolicy>,
      principals: Map<string, PrincipalRecord>,
      inputs: LoadedInput[],
    ) => AuditPlan;
  },
): Promise<DeletedAtBase | undefined> {
  const deletedFiles = new Set(
    wouldDiscover(how.root, how.paths, (await readBase.deleted?.()) ?? []).filter((p) => !how.skip.has(p)),
  );
  const baseInputs = [...base.inputs];
  const more: LoadedInput[] = [];
  const read = new Set<string>();
  const modules = new Set(how.files.filter((f) => HCL_FILE.test(f.path)).map((f) => posix.dirname(f.path)));
  for (const { result } of baseInputs) {
    read.add(result.path);
    for (const p of result.policies) read.add(p.path);
  }
  const hcl: { path: string; text: string }[] = [];
  for (const path of deletedFiles) {
    if (read.has(path) || (HCL_FILE.test(path) && modules.has(posix.dirname(path)))) continue;
    const text = await readBase(path);
    if (text === undefined) continue;
    if (HCL_FILE.test(path)) hcl.push({ path, text });
    // (a template whose name does not say JSON: an input by its content only, as discover reads it)
    else if (!byContent(path) || templateIsInput(text)) more.push(parseSource({ path, text }));
  }
  if (hcl.length) {
    await initHcl();
    // (their file() and templatefile() reading the base's files, as the base's modules do)
    for (const result of await readBaseModules(hcl, readBase, how.root)) more.push({ result });
  }
  pushAll(baseInputs, more);
  // (a file the head could not read is not one whose policies the change deleted)
  const unreadAtHead = new Set<string>();
  for (const { result } of inputs) {
    if (result.status !== 'audited') unreadAtHead.add(result.path);
    for (const e of result.errors) unreadAtHead.add(e.path);
  }
  const continued = new Set<string>();
  for (const id of prepared.keys()) {
    const at = base.get(id)?.record?.id;
    if (at !== undefined) continued.add(at);
  }
  // (the inputs readBaseDocs read are prepared already: only those read here are prepared again)
  const basePrepared = new Map([...base.prepared, ...preparePolicies(more)]);
  pairMovedDocuments(base, prepared, basePrepared, continued);
  const gone = new Set(
    [...basePrepared.values()]
      .map((p) => p.record)
      .filter(
        (r) =>
          !continued.has(r.id) &&
          !prepared.has(r.id) &&
          (deletedFiles.has(r.path) || !unreadAtHead.has(r.path)) &&
          r.status === 'resolved',
      )
      .map((r) => r.id),
  );
  const headPrincipals = new Set<string>();
  const basePrincipals = collectPrincipals(baseInputs);
  // (and where each was before its root's moved blocks: renamed, not deleted; unless the base has
  // it where it is, where Terraform moves nothing onto it)
  const baseAt = new Set([...basePrincipals.values()].map(placeOf));
  const movedHere = new Set<string>();
  for (const pr of principals.values()) {
    headPrincipals.add(pr.id).add(`${pr.path}\u0000${pr.address ?? pr.id}`);
    if (basePrincipals.has(pr.id) || baseAt.has(placeOf(pr))) continue;
    for (const m of pr.movedFrom ?? []) movedHere.add(placeKey(m.dir, m.address));
  }
  const gonePrincipals = new Set(
    [...basePrincipals.values()]
      .filter(
        (pr) =>
          !headPrincipals.has(pr.id) &&
          !headPrincipals.has(`${pr.path}\u0000${pr.address ?? pr.id}`) &&
          !movedHere.has(placeOf(pr)) &&
          (deletedFiles.has(pr.path) || !unreadAtHead.has(pr.path)),
      )
      .map((pr) => pr.id),
  );
  if (gone.size === 0 && gonePrincipals.size === 0) return undefined;
  // Planned as at the base, of the deleted policies and those of deleted principals only.
  const ofGonePrincipals = new Set([...gonePrincipals].flatMap((g) => basePrincipals.get(g)!.policyIds));
  const planned = new Map<string, PreparedPolicy>();
  for (const [id, p] of basePrepared) if (gone.has(id) || ofGonePrincipals.has(id)) planned.set(id, p);
  const plan = how.plan(planned, basePrincipals, baseInputs);
  const deleted = (a: Assignment) => gone.has(a.target) || gonePrincipals.has(a.target);
  plan.assignments = plan.assignments.filter(deleted);
  if (plan.grantsOnly) plan.grantsOnly = plan.grantsOnly.filter(deleted);
  if (plan.assignments.length === 0) return undefined;
  return {
    prepared: basePrepared,
    principals: basePrincipals,
    plan,
    how: (target) => {
      const r = basePrepared.get(target)?.record ?? basePrincipals.get(target);
      if (!r) return 'deleted';
      if (deletedFiles.has(r.path)) return `${r.path} was deleted`;
      const name = r.address ?? ('name' in r ? r.name : undefined) ?? target;
      return `${name} was deleted from ${r.path}`;
    },
  };
}

/**
 * The files of the base the change deleted that the audit would have read (`paths`) and that held
 * an IAM policy there: a change that leaves nothing to audit passes only where it deleted such a
 * file (a review: deleting a settings file, or any file under `paths`, made "no inputs found" pass).
 */
export async function deletedPolicyFiles(
  readBase: BaseRead,
  root: string,
  paths: string[],
): Promise<string[]> {
  const candidates = wouldDiscover(root, paths, (await readBase.deleted?.()) ?? []);
  const out: string[] = [];
  const hcl: { path: string; text: string }[] = [];
  for (const path of candidates) {
    const text = await readBase(path);
    if (text === undefined) continue;
    if (HCL_FILE.test(path)) hcl.push({ path, text });
    else {
      const { result } = parseSource({ path, text });
      if (result.status !== 'skipped' && result.policies.length > 0) out.push(path);
    }
  }
  if (hcl.length) {
    await initHcl();
    const held = new Set<string>();
    for (const result of await readBaseModules(hcl, readBase, root))
      for (const p of result.policies) held.add(p.path);
    out.push(...hcl.map((f) => f.path).filter((p) => held.has(p)));
  }
  return out.sort();
}
