// A module's declarations (variables, locals, resources, data sources, module calls, outputs) gathered
// from its `.tf` files, and the types an instance of it works with.
import { labelText } from './evaluator.js';
import { kids, lineOf, type Node, type ParsedHcl } from './parse.js';
import type { Value } from './values.js';
import type { FileRead } from './functions.js';
import { POLICY_DOCUMENT_DATA_SOURCE } from '../terraform/resource-types.js';
import type { Move, WholeMove } from './moves.js';

export const MAX_MODULE_DEPTH = 16;

export const MAX_INSTANCES = 1000;

/** The note of a count or for_each whose value is not known here (`.tf`, `*.tf.json`): one instance is read. */
export function oneInstanceNote(what: 'count' | 'for_each', written: string, why?: string): string {
  return `its ${what} (${written}) is not known${why ? ` (${why})` : ''}: read as one instance`;
}

/** A count's instance keys, at most MAX_INSTANCES, and the note of those left out. */
export function countKeys(n: number): { keys: number[]; cut?: string } {
  const keys: number[] = [];
  for (let i = 0; i < Math.min(n, MAX_INSTANCES); i++) keys.push(i);
  return n > MAX_INSTANCES
    ? { keys, cut: `its count is ${n}: only the first ${MAX_INSTANCES} instances are read` }
    : { keys };
}

/** A for_each's entries in key order, at most MAX_INSTANCES, and the note of those left out. */
export function eachKeys<T>(entries: [string, T][]): { keys: [string, T][]; cut?: string } {
  const keys = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, MAX_INSTANCES);
  return entries.length > MAX_INSTANCES
    ? { keys, cut: `its for_each has ${entries.length} keys: only the first ${MAX_INSTANCES} are read` }
    : { keys };
}

/** Meta-arguments: not values of the resource. */
export const SKIPPED = new Set([
  'count',
  'for_each',
  'depends_on',
  'lifecycle',
  'provider',
  'provisioner',
  'connection',
]);

export interface Decl {
  kind: 'resource' | 'data' | 'module' | 'variable' | 'output' | 'locals';
  type: string;
  name: string;
  /** The block as declared in its (primary) file. */
  block: Node;
  /**
   * Its body: the block's own, or, with override files merged in (mergeOverride), its merged
   * items, each with the file it is written in.
   */
  body: Node | BodyItem[] | undefined;
  file: ParsedHcl;
  /** Its attributes (override files' where they set them). */
  attrs: Map<string, Node>;
  /** The file of each attribute an override file set (else the block's file: attrFile). */
  attrFiles?: Map<string, ParsedHcl>;
  /** The override blocks merged into it, in the order Terraform merges them. */
  overrides?: { block: Node; file: ParsedHcl }[];
}

/** An attribute or nested block of a merged body, and the file it is written in. */
export interface BodyItem {
  node: Node;
  file: ParsedHcl;
}

/** The file an attribute of a declaration is written in (an override file's, where one set it). */
export function attrFile(d: Decl, name: string): ParsedHcl {
  return d.attrFiles?.get(name) ?? d.file;
}

/**
 * Override files (`override.tf`, `*_override.tf`, and the `.tf.json` forms), which Terraform reads
 * after the module's other files and merges into the blocks they declare (files/override.mdx).
 */
export const OVERRIDE_FILE = /(^|\/)(override|[^/]*_override)\.tf(\.json)?$/i;

/** A block's type for overriding: a `dynamic "x"` block's is x. */
function itemType(n: Node): string | undefined {
  if (n.type !== 'block') return undefined;
  const parts = kids(n);
  const t = parts[0]?.text;
  if (t === 'dynamic' && parts[1] && (parts[1].type === 'string_lit' || parts[1].type === 'identifier'))
    return labelText(parts[1]);
  return t;
}

/**
 * Merges an override block into a declaration as Terraform does (internal/configs/module_merge.go,
 * MergeBodies): each attribute of the override replaces the one of that name; its nested blocks of
 * a type (a `dynamic` block of that type included) replace all the original's of that type, and
 * come after the original's others; nested blocks' contents are not merged.
 */
function mergeOverride(d: Decl, block: Node, file: ParsedHcl): void {
  const inner = kids(block).find((p) => p.type === 'body');
  const items: BodyItem[] = Array.isArray(d.body)
    ? d.body
    : (d.body ? kids(d.body) : []).map((node) => ({ node, file: d.file }));
  const mine = (inner ? kids(inner) : []).filter((n) => n.type === 'attribute' || n.type === 'block');
  const setAttrs = new Map<string, Node>();
  const blockTypes = new Set<string>();
  for (const n of mine) {
    if (n.type === 'attribute') {
      const [id, expr] = kids(n);
      if (id && expr) setAttrs.set(id.text, n);
    } else {
      const t = itemType(n);
      if (t) blockTypes.add(t);
    }
  }
  const merged: BodyItem[] = [];
  for (const it of items) {
    if (it.node.type === 'attribute') {
      const name = kids(it.node)[0]?.text;
      const over = name !== undefined ? setAttrs.get(name) : undefined;
      if (over) {
        merged.push({ node: over, file });
        setAttrs.delete(name!);
      } else merged.push(it);
    } else if (it.node.type === 'block') {
      const t = itemType(it.node);
      if (t === undefined || !blockTypes.has(t)) merged.push(it);
    } else merged.push(it);
  }
  for (const n of mine) {
    if (n.type === 'attribute') {
      const name = kids(n)[0]?.text;
      if (name !== undefined && setAttrs.get(name) === n) merged.push({ node: n, file });
    } else merged.push({ node: n, file });
  }
  d.body = merged;
  d.attrFiles ??= new Map();
  for (const [k, v] of attrsOf(inner)) {
    d.attrs.set(k, v);
    d.attrFiles.set(k, file);
  }
  (d.overrides ??= []).push({ block, file });
}

export interface ModuleProblem {
  file: string;
  line?: number;
  address?: string;
  message: string;
}

export interface ModuleDef {
  /** Directory relative to the audit root ('.' for the root). */
  dir: string;
  files: ParsedHcl[];
  variables: Map<string, Decl>;
  locals: Map<string, { expr: Node; file: ParsedHcl; line: number }>;
  resources: Decl[];
  calls: Decl[];
  outputs: Map<string, Decl>;
  byAddress: Map<string, Decl>;
  problems: ModuleProblem[];
  /**
   * Aliases of its `provider "aws"` blocks that may reach another account (they assume a role,
   * or name a profile, keys or allowed accounts); an alias that only sets a region does not.
   */
  accountAliases: Set<string>;
  /** Aliases of all its `provider "aws"` blocks. */
  awsAliases: Set<string>;
  /** Its `moved` blocks: addresses relative to the module, as written (spaces taken out). */
  moves: Move[];
  /**
   * What its `*.tf.json` files declare, which this reader does not combine with its `.tf` files
   * (each is audited on its own): by address (`data.t.n`, `t.n`, `module.n`, `var.n`, `local.n`,
   * `output.n`), the file, and whether that file is an override file (then what it sets is merged
   * by Terraform into the `.tf` block of that address, and not here).
   */
  inJson: Map<string, { file: string; override: boolean }>;
}

/** What in a `provider "aws"` block may make it another account than the default one's. */
const ACCOUNT_SETTINGS = new Set([
  'assume_role',
  'assume_role_with_web_identity',
  'profile',
  'access_key',
  'secret_key',
  'token',
  'shared_credentials_files',
  'shared_credentials_file',
  'shared_config_files',
  'allowed_account_ids',
]);

/** What the module loader needs from the outside world (the file system, bounded to the root). */
export interface ModuleHost {
  /** The `.tf` files of a directory (relative to the root), or why they cannot be read. */
  moduleFiles(dir: string): { path: string; text: string }[] | { error: string };
  /** A directory's terraform.tfvars and *.auto.tfvars (a root module's variable values). */
  variableFiles?(dir: string): { path: string; text: string }[];
  /** A file's text (relative to the root), or undefined when it is not there or outside the root. */
  readFile(path: string): string | undefined;
  /** Why readFile gave nothing for a path, where it knows. */
  whyNotRead?(path: string): string | undefined;
  /** Told of each file file() or templatefile() read, and whether a template rendered. */
  fileRead?(read: FileRead): void;
  /**
   * Whether a directory also holds configuration in JSON (`*.tf.json`), which Terraform reads as
   * part of the same module and this reader does not (it is audited as a file of its own).
   */
  hasJsonConfig?(dir: string): boolean;
  /** A directory's `*.tf.json` files (what they declare is named in reasons: ModuleDef.inJson). */
  jsonConfig?(dir: string): { path: string; text: string }[];
}

export function attrsOf(body: Node | BodyItem[] | undefined): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const c of Array.isArray(body) ? body.map((i) => i.node) : body ? kids(body) : []) {
    if (c.type !== 'attribute') continue;
    const [id, expr] = kids(c);
    if (id && expr) m.set(id.text, expr);
  }
  return m;
}

/** The addresses a `*.tf.json` file declares (ModuleDef.inJson); none when it is not valid JSON. */
function jsonDeclarations(text: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [];
  }
  const out: string[] = [];
  // (a block type's value is an object, or a list of objects: both forms are Terraform's)
  const objects = (x: unknown): Record<string, unknown>[] =>
    (Array.isArray(x) ? x : [x]).filter(
      (o): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o),
    );
  for (const top of objects(v))
    for (const [kind, body] of Object.entries(top)) {
      for (const o of objects(body))
        for (const [k, inner] of Object.entries(o)) {
          if (kind === 'resource' || kind === 'data')
            for (const named of objects(inner))
              for (const n of Object.keys(named)) out.push(`${kind === 'data' ? 'data.' : ''}${k}.${n}`);
          else if (kind === 'variable') out.push(`var.${k}`);
          else if (kind === 'locals') out.push(`local.${k}`);
          else if (kind === 'module') out.push(`module.${k}`);
          else if (kind === 'output') out.push(`output.${k}`);
        }
    }
  return out;
}

/**
 * Collects the declarations of a module's parsed files: those of its override files (OVERRIDE_FILE)
 * merged, after the others, into the blocks they override, in the order of their names, as
 * Terraform does. `json`: its `*.tf.json` files (ModuleDef.inJson).
 */
export function defineModule(
  dir: string,
  files: ParsedHcl[],
  json: { path: string; text: string }[] = [],
): ModuleDef {
  const def: ModuleDef = {
    dir,
    files,
    variables: new Map(),
    locals: new Map(),
    resources: [],
    calls: [],
    outputs: new Map(),
    byAddress: new Map(),
    problems: [],
    accountAliases: new Set(),
    awsAliases: new Set(),
    moves: [],
    inJson: new Map(),
  };
  for (const j of json)
    for (const a of jsonDeclarations(j.text))
      if (!def.inJson.has(a) || OVERRIDE_FILE.test(j.path))
        def.inJson.set(a, { file: j.path, override: OVERRIDE_FILE.test(j.path) });
  const name = (f: ParsedHcl) => f.path.slice(f.path.lastIndexOf('/') + 1);
  const primary = files.filter((f) => !OVERRIDE_FILE.test(f.path));
  const overrides = files
    .filter((f) => OVERRIDE_FILE.test(f.path))
    .sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  for (const f of primary) for (const b of topBlocks(f)) declare(def, f, b);
  for (const f of overrides) for (const b of topBlocks(f)) override(def, f, b);
  return def;
}

function topBlocks(f: ParsedHcl): Node[] {
  const body = kids(f.root).find((k) => k.type === 'body');
  return (body ? kids(body) : []).filter((b) => b.type === 'block');
}

function blockParts(b: Node) {
  const parts = kids(b);
  const kind = parts[0]!.text;
  const labels = parts
    .slice(1)
    .filter((p) => p.type === 'string_lit' || p.type === 'identifier')
    .map(labelText);
  const inner = parts.find((p) => p.type === 'body');
  return { kind, labels, inner };
}

/** A provider "aws" block's alias, and whether it may reach another account (ModuleDef.accountAliases). */
function readProvider(def: ModuleDef, inner: Node): void {
  const alias = attrsOf(inner).get('alias')?.text.replace(/^"|"$/g, '');
  // (an attribute's or block's name; a dynamic block's label: `dynamic "assume_role"`)
  const settings = kids(inner).map((c) => {
    const first = kids(c)[0]?.text;
    const label = kids(c)[1];
    return first === 'dynamic' && label ? labelText(label) : first;
  });
  if (alias) def.awsAliases.add(alias);
  if (alias && settings.some((t) => t !== undefined && ACCOUNT_SETTINGS.has(t)))
    def.accountAliases.add(alias);
}

/** A block of a primary (not override) file. */
function declare(def: ModuleDef, f: ParsedHcl, b: Node): void {
  const { kind, labels, inner } = blockParts(b);
  const dir = def.dir;
  const decl = (k: Decl['kind'], type: string, name: string): Decl => ({
    kind: k,
    type,
    name,
    block: b,
    body: inner,
    file: f,
    attrs: attrsOf(inner),
  });
  const dup = (key: string, d: Decl) => {
    if (def.byAddress.has(key)) {
      def.problems.push({
        file: f.path,
        line: lineOf(b),
        address: key,
        message: `${key} is declared more than once in the module (${dir}); Terraform refuses this: keep one`,
      });
      return true;
    }
    def.byAddress.set(key, d);
    return false;
  };
  if ((kind === 'resource' || kind === 'data') && labels.length >= 2) {
    const d = decl(kind, labels[0]!, labels[1]!);
    if (!dup(`${kind === 'data' ? 'data.' : ''}${labels[0]}.${labels[1]}`, d)) def.resources.push(d);
  } else if (kind === 'module' && labels[0]) {
    const d = decl('module', 'module', labels[0]);
    if (!dup(`module.${labels[0]}`, d)) def.calls.push(d);
  } else if (kind === 'provider' && labels[0] === 'aws' && inner) readProvider(def, inner);
  else if (kind === 'moved' && inner) {
    const a = attrsOf(inner);
    const from = a.get('from')?.text.replace(/\s+/g, '');
    const to = a.get('to')?.text.replace(/\s+/g, '');
    if (from && to) def.moves.push({ from, to });
  } else if (kind === 'variable' && labels[0])
    def.variables.set(labels[0], decl('variable', 'variable', labels[0]));
  else if (kind === 'output' && labels[0]) def.outputs.set(labels[0], decl('output', 'output', labels[0]));
  else if (kind === 'locals') {
    for (const c of inner ? kids(inner) : []) {
      if (c.type !== 'attribute') continue;
      const [id, expr] = kids(c);
      if (id && expr) def.locals.set(id.text, { expr, file: f, line: lineOf(c) });
    }
  }
}

/** A block of an override file: merged into the block it overrides (files/override.mdx). */
function override(def: ModuleDef, f: ParsedHcl, b: Node): void {
  const { kind, labels, inner } = blockParts(b);
  const problem = (address: string, message: string, line = lineOf(b)) =>
    def.problems.push({ file: f.path, line, address, message });
  /** No base for it: Terraform refuses the configuration ("Missing ... to override"). */
  const missing = (address: string, line = lineOf(b)) => {
    const j = def.inJson.get(address);
    problem(
      address,
      j
        ? `${address} in the override file ${f.path} overrides ${address} of ${j.file}, which this reader does not combine with the module's .tf files: the override is not read (${j.file} is audited on its own, without it)`
        : `${address} in the override file ${f.path} overrides nothing: no other file of the module (${def.dir}) declares it; Terraform refuses this ("Missing ... to override"): declare it in a file that is not an override file, or remove the override`,
      line,
    );
  };
  let target: Decl | undefined;
  let address: string | undefined;
  if ((kind === 'resource' || kind === 'data') && labels.length >= 2) {
    address = `${kind === 'data' ? 'data.' : ''}${labels[0]}.${labels[1]}`;
    target = def.byAddress.get(address);
  } else if (kind === 'module' && labels[0]) {
    address = `module.${labels[0]}`;
    target = def.byAddress.get(address);
  } else if (kind === 'variable' && labels[0]) {
    address = `var.${labels[0]}`;
    target = def.variables.get(labels[0]);
  } else if (kind === 'output' && labels[0]) {
    address = `output.${labels[0]}`;
    target = def.outputs.get(labels[0]);
  } else if (kind === 'locals') {
    // Value by value, whichever locals block defines it.
    for (const c of inner ? kids(inner) : []) {
      if (c.type !== 'attribute') continue;
      const [id, expr] = kids(c);
      if (!id || !expr) continue;
      if (!def.locals.has(id.text)) missing(`local.${id.text}`, lineOf(c));
      else def.locals.set(id.text, { expr, file: f, line: lineOf(c) });
    }
    return;
  } else if (kind === 'provider' && labels[0] === 'aws' && inner) {
    // (what the merged block sets is what either sets: the same aliases and settings)
    readProvider(def, inner);
    return;
  } else if (kind === 'moved') {
    problem(
      'moved',
      `a moved block in the override file ${f.path}: Terraform refuses this ("Cannot override 'moved' blocks"): move it to a file that is not an override file`,
    );
    return;
  } else return;
  if (!target) {
    missing(address);
    return;
  }
  if (attrsOf(inner).has('depends_on') && target.kind !== 'variable')
    problem(
      address,
      `${address} in the override file ${f.path} sets depends_on, which Terraform refuses in an override ("Unsupported override")`,
    );
  mergeOverride(target, b, f);
  if (
    (target.kind === 'resource' || target.kind === 'data' || target.kind === 'module') &&
    target.attrs.has('count') &&
    target.attrs.has('for_each')
  )
    problem(
      address,
      `${address} has both count and for_each once the override file ${f.path} is merged in (Terraform allows only one of them): read with its count`,
    );
}

/** One resource (or data source) instance, evaluated. */
export interface Evaluated {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  module: string;
  values: { [k: string]: Value };
  file: string;
  line: number;
  /** Where the values are only approximate (count / for_each not known, a template condition not known...). */
  notes?: string[];
  /** Attributes whose evaluation failed: the error, with its file and line. */
  errors?: { attribute: string; message: string }[];
  /** The files its values read with file() or templatefile() (directly or through a local). */
  reads?: FileRead[];
}

/** A module call that is not followed (registry, git...), with the reason. */
export interface NotFollowed {
  file: string;
  line: number;
  address: string;
  reason: string;
  /**
   * A policy document used only by resources or module calls that have no instance (noInstances):
   * those (their addresses). It grants nothing, so it is not audited on its own.
   */
  usedOnlyBy?: string[];
  /** In a called module (its variables are the module call's arguments and their defaults). */
  inModule?: boolean;
}

export interface LoadContext {
  host: ModuleHost;
  /** Parsed module definitions by directory (shared by every instance of a module). */
  defs: Map<string, ModuleDef | { error: string }>;
  /** The root module's directory: what relative paths in file() are relative to. */
  rootDir: string;
  tfvars: Map<string, Value>;
  resources: Evaluated[];
  notFollowed: NotFollowed[];
  /**
   * Resources that hold a policy, and module calls, that have no instance (`count = 0`, an empty
   * `for_each`), and the policy documents only they use (NotFollowed.usedOnlyBy).
   */
  noInstances: NotFollowed[];
  problems: ModuleProblem[];
  /** Directories followed as a module call from this root (not audited again on their own). */
  called: Set<string>;
  /** Where the files read by file() and templatefile() go while a resource is evaluated. */
  reads?: FileRead[];
  /** The `moved` blocks of every module instance Terraform would apply, their addresses made whole. */
  moves: WholeMove[];
}

export function keyText(k: string | number): string {
  return typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`;
}

export type Instances = { key?: string | number; iter: Record<string, Value>; approximate?: string }[];

const usersCache = new WeakMap<ModuleDef, Map<string, (Decl | undefined)[]>>();

/**
 * The blocks of a module that name each of its aws_iam_policy_document data sources (by name):
 * the resource, data source or module call, or undefined for any other block (an output, a
 * local...), which may use it in ways not followed here.
 */
export function documentUsers(def: ModuleDef): Map<string, (Decl | undefined)[]> {
  const cached = usersCache.get(def);
  if (cached) return cached;
  const decls = new Map<Node, Decl>([...def.resources, ...def.calls].map((d) => [d.block, d]));
  const users = new Map<string, (Decl | undefined)[]>();
  for (const f of def.files) {
    const body = kids(f.root).find((k) => k.type === 'body');
    for (const b of body ? kids(body) : []) {
      const user = decls.get(b);
      const named = new Set<string>();
      // (iterative: a block may nest deeply)
      const stack: Node[] = [b];
      while (stack.length > 0) {
        const n = stack.pop()!;
        const ks = kids(n);
        ks.forEach((k, i) => {
          // `data` `.aws_iam_policy_document` `.name` (a term's first steps)
          const step = (j: number) => (ks[j]?.type === 'get_attr' ? kids(ks[j]!)[0]?.text : undefined);
          if (
            k.type === 'variable_expr' &&
            k.text === 'data' &&
            step(i + 1) === POLICY_DOCUMENT_DATA_SOURCE
          ) {
            const name = step(i + 2);
            if (name) named.add(name);
          }
          stack.push(k);
        });
      }
      for (const name of named) {
        if (user?.kind === 'data' && user.type === POLICY_DOCUMENT_DATA_SOURCE && user.name === name)
          continue;
        const l = users.get(name);
        if (l) l.push(user);
        else users.set(name, [user]);
      }
    }
  }
  usersCache.set(def, users);
  return users;
}
