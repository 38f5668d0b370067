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
export function oneInstanceNote(what: 'count' | 'for_each', written: string): string {
  return `its ${what} (${written}) is not known: read as one instance`;
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
  block: Node;
  body: Node | undefined;
  file: ParsedHcl;
  attrs: Map<string, Node>;
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
  /** Told of each file file() or templatefile() read, and whether a template rendered. */
  fileRead?(read: FileRead): void;
  /**
   * Whether a directory also holds configuration in JSON (`*.tf.json`), which Terraform reads as
   * part of the same module and this reader does not (it is audited as a file of its own).
   */
  hasJsonConfig?(dir: string): boolean;
}

export function attrsOf(body: Node | undefined): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const c of body ? kids(body) : []) {
    if (c.type !== 'attribute') continue;
    const [id, expr] = kids(c);
    if (id && expr) m.set(id.text, expr);
  }
  return m;
}

/** Collects the declarations of a module's parsed files. */
export function defineModule(dir: string, files: ParsedHcl[]): ModuleDef {
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
  };
  for (const f of files) {
    const body = kids(f.root).find((k) => k.type === 'body');
    for (const b of body ? kids(body) : []) {
      if (b.type !== 'block') continue;
      const parts = kids(b);
      const kind = parts[0]!.text;
      const labels = parts
        .slice(1)
        .filter((p) => p.type === 'string_lit' || p.type === 'identifier')
        .map(labelText);
      const inner = parts.find((p) => p.type === 'body');
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
      } else if (kind === 'provider' && labels[0] === 'aws' && inner) {
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
      } else if (kind === 'moved' && inner) {
        const a = attrsOf(inner);
        const from = a.get('from')?.text.replace(/\s+/g, '');
        const to = a.get('to')?.text.replace(/\s+/g, '');
        if (from && to) def.moves.push({ from, to });
      } else if (kind === 'variable' && labels[0])
        def.variables.set(labels[0], decl('variable', 'variable', labels[0]));
      else if (kind === 'output' && labels[0])
        def.outputs.set(labels[0], decl('output', 'output', labels[0]));
      else if (kind === 'locals') {
        for (const c of inner ? kids(inner) : []) {
          if (c.type !== 'attribute') continue;
          const [id, expr] = kids(c);
          if (id && expr) def.locals.set(id.text, { expr, file: f, line: lineOf(c) });
        }
      }
    }
  }
  return def;
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
