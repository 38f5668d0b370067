// A Terraform module is a directory: its `.tf` files together. Its declarations (variables, locals,
// resources, data sources, module calls, outputs) are gathered in module-def.ts and terraform.tfvars
// is read in tfvars.ts; an Instance here binds its variables (module arguments, terraform.tfvars /
// *.auto.tfvars, defaults), and expands every resource and data source into its instances (count,
// for_each) with evaluated values, following local module calls with their arguments bound
// (`module.x.aws_iam_policy.y`).
import { posix } from 'node:path';
import { HclEvalError, evaluate, evaluateBody, textOf, type Scope, type Step } from './evaluator.js';
import { EVAL_BUDGET, type FileRead, type FnCtx } from './functions.js';
import { setOrigin, setTextOrigin, setTextStatements, statementOrigins, type Origin } from './lines.js';
import { kids, lineOf, parseHcl, type Node, type ParsedHcl } from './parse.js';
import { ACCOUNT_PLACEHOLDER } from '../../policy/arn.js';
import { AWS_SERVICE_ACCOUNTS } from '../../policy/principal.js';
import { PARTITION, resourceAttribute } from './resources.js';
import { POLICY_DOCUMENT_DATA_SOURCE, TERRAFORM_POLICY_ATTRIBUTES } from '../terraform/resource-types.js';
import {
  Absent,
  isObj,
  Json,
  jsonText,
  newObj,
  primitiveString,
  shortText,
  Tmpl,
  Unknown,
  type Value,
} from './values.js';
import { convert, converts, typeOf, type TypeSpec } from './types.js';
import { validMove } from './moves.js';

/**
 * A variable's default, evaluated once (a default refers to no variable, local or resource, so it
 * is the same value wherever it is read).
 */
const defaults = new WeakMap<Decl, Value>();
function defaultOf(d: Decl, def: Node, scope: Scope): Value {
  if (!defaults.has(d)) defaults.set(d, evaluate(def, scope));
  return defaults.get(d)!;
}

/** A variable's type constraint when converting to it can change a value (types.ts), per declaration. */
const variableTypes = new WeakMap<Decl, TypeSpec | null>();
function variableType(d: Decl): TypeSpec | undefined {
  let t = variableTypes.get(d);
  if (t === undefined) {
    const n = d.attrs.get('type');
    const spec = n ? typeOf(n) : undefined;
    t = spec && converts(spec) ? spec : null;
    variableTypes.set(d, t);
  }
  return t ?? undefined;
}
import {
  MAX_MODULE_DEPTH,
  SKIPPED,
  countKeys,
  eachKeys,
  oneInstanceNote,
  type Decl,
  type ModuleDef,
  attrFile,
  defineModule,
  documentUsers,
  type Evaluated,
  type LoadContext,
  keyText,
  type Instances,
} from './module-def.js';
export {
  MAX_MODULE_DEPTH,
  defineModule,
  type Decl,
  type Evaluated,
  type LoadContext,
  type ModuleDef,
  type ModuleHost,
  type ModuleProblem,
  type NotFollowed,
} from './module-def.js';
export { readTfvars } from './tfvars.js';

/** A module call's `providers` that gives it another configuration of the `aws` provider: its alias. */
const OTHER_AWS_PROVIDER = /(?:^|[{\s,])"?aws"?\s*=\s*aws\.([\w-]+)/;
/** Ends the reference of a resource instance that is not known (instanceRef). */
const ANY_INSTANCE = '[*]';

/** The jsonencode() values a template's text is compared with (renderTemplate). */
const MAX_TEMPLATE_JSONS = 16;

/** A text to compare with another: a template's unknowns by their text. */
function textKey(v: string | Tmpl): string {
  return typeof v === 'string'
    ? v
    : v.parts.map((p) => (typeof p === 'string' ? p : `\0${p.text}\0`)).join('');
}

/** A resource's `provider = aws.x`: the alias. */
const AWS_ALIAS = /^\s*aws\.([\w-]+)\s*$/;

/**
 * A resource's attributes and blocks that name nothing: no ARN, id or name is made of them (tags,
 * a description, the documents of a policy, a role's trust policy and inline policies). Their
 * notes go only where they are read themselves (attributeNotes).
 */
const NOT_NAMING: ReadonlySet<string> = new Set([
  'tags',
  'tags_all',
  'description',
  'policy',
  'assume_role_policy',
  'inline_policy',
  'managed_policy_arns',
  'permissions_boundary',
  'max_session_duration',
  'force_detach_policies',
  'force_destroy',
  'timeouts',
]);

/** The hashicorp/template provider's data source, rendered where `.rendered` is used (templateFile()). */
const TEMPLATE_FILE = 'template_file';

/** A nested block of a declaration (`vars { … }`), and the file it is written in. */
function blockOf(decl: Decl, type: string): { node: Node; file: ParsedHcl } | undefined {
  const items = Array.isArray(decl.body)
    ? decl.body
    : decl.body
      ? kids(decl.body).map((node) => ({ node, file: decl.file }))
      : [];
  return items.find((i) => i.node.type === 'block' && kids(i.node)[0]?.text === type);
}

/** A module in one place of the tree (the root, or `module.x["k"]`), with its variables bound. */
export class Instance {
  private readonly localCache = new Map<string, Value>();
  private readonly localBusy = new Set<string>();
  private readonly valuesCache = new Map<string, Value>();
  /** The notes of each resource instance's values (valuesCache), per attribute or block. */
  private readonly valuesNotes = new Map<string, Map<string, string[]>>();
  private readonly valuesBusy = new Set<string>();
  private readonly children = new Map<string, Instance | { unknown: string }>();
  /** Where notes on approximations go while a resource is evaluated. */
  private sink: string[] | undefined;
  private readonly localNotes = new Map<string, string[]>();
  /** The files each local read with file() or templatefile() (given again wherever it is used). */
  private readonly localReads = new Map<string, FileRead[]>();
  /**
   * Above 0 while a `data "template_file"`'s template is evaluated: the files file() reads there
   * are not told to the host as file() reads (templateFile() tells them as templates).
   */
  private quiet = 0;
  readonly fn: FnCtx;
  /**
   * Notes every resource of this instance carries: its module call's (or a caller's) count or
   * for_each that is not known, read as one instance.
   */
  moduleNotes: readonly string[] = [];

  constructor(
    readonly def: ModuleDef,
    /** `module.x["k"].` or '' at the root. */
    readonly prefix: string,
    private readonly args: Map<string, () => Value> | undefined,
    readonly ctx: LoadContext,
    readonly depth: number,
    /** Directories of the calls above (cycles). */
    private readonly stack: string[],
    /**
     * Called (here or above) with another configuration of the `aws` provider (`providers = { aws
     * = aws.prod }`), maybe another account: its resources' ARNs keep their account unknown.
     */
    readonly otherProvider = false,
  ) {
    const rel = posix.relative(ctx.rootDir, def.dir) || '.';
    const filePath = (p: string) => posix.normalize(posix.join(ctx.rootDir, p));
    this.fn = {
      budget: { left: EVAL_BUDGET },
      moduleDir: rel,
      readFile: (p) => ctx.host.readFile(filePath(p)),
      whyNotRead: (p) => ctx.host.whyNotRead?.(filePath(p)),
      filePath,
      renderTemplate: (text, vars, path) => this.renderTemplate(text, vars, path),
      note: (m) => {
        if (this.sink && !this.sink.includes(m)) this.sink.push(m);
      },
      read: (r) => {
        // (a data "template_file"'s template: told as its read once rendered, templateFile())
        if (this.quiet === 0) ctx.host.fileRead?.(r);
        this.reread(r);
      },
    };
  }

  scope(file: ParsedHcl, iter: Record<string, Value> = {}): Scope {
    return {
      file,
      fn: this.fn,
      iter: new Map(Object.entries(iter)),
      resolve: (root, steps, text, sc) => this.resolve(root, steps, text, sc),
    };
  }

  /**
   * Renders a template's text with `vars`: a file's (`path`, templatefile()), or, with `by`, what
   * `by` names (`data.template_file.x`, whose template is that file's text, or, `inline`, a string
   * written in the `.tf`: its statements are pointed at the data source, not at lines of a file).
   */
  private renderTemplate(text: string, vars: Value, path: string, by?: string, inline = false): Value {
    const what = by ?? `templatefile("${path}")`;
    const marker = 'EOT_IAM_BASELINE_AUDIT_TEMPLATE';
    const endsNl = text.endsWith('\n');
    const wrapped = `x = <<${marker}\n${text}${endsNl ? '' : '\n'}${marker}\n`;
    const parsed = parseHcl(path, wrapped);
    if (parsed.problems.length) {
      const p = parsed.problems[0]!;
      throw new HclEvalError(
        `${what}: not a valid template${inline ? '' : ` (line ${p.line - 1}: ${p.message})`}`,
      );
    }
    const body = kids(parsed.root).find((k) => k.type === 'body');
    const attr = body ? kids(body).find((k) => k.type === 'attribute') : undefined;
    const expr = attr ? kids(attr)[1] : undefined;
    if (!expr) throw new HclEvalError(`${what}: not a valid template`);
    const iter: Record<string, Value> = {};
    if (isObj(vars)) for (const k of Object.keys(vars)) iter[k] = vars[k]!;
    // Inside a template only its variables are visible.
    const jsons: Json[] = [];
    const scope: Scope = {
      file: parsed,
      template: true,
      interpolated: (j) => {
        if (jsons.length < MAX_TEMPLATE_JSONS) jsons.push(j);
      },
      fn: this.fn,
      iter: new Map(Object.entries(iter)),
      resolve: (root, _steps, t) => {
        throw new HclEvalError(
          `${what}: ${root} is not one of the template's variables (${shortText(t, 40)})`,
        );
      },
    };
    let v = evaluate(expr, scope);
    if (!endsNl) {
      if (typeof v === 'string') v = v.replace(/\n$/, '');
      else if (v instanceof Tmpl) {
        const last = v.parts[v.parts.length - 1];
        if (typeof last === 'string') v = new Tmpl([...v.parts.slice(0, -1), last.replace(/\n$/, '')]);
      }
    }
    // Its text starts at the file's first line (the heredoc it is read as starts at the second),
    // when its lines are the file's: no directive (`%{ for }`) and no value of several lines put
    // in (a value not known is one line).
    const lines = (t: string) => t.split('\n').length;
    const rendered =
      typeof v === 'string'
        ? v
        : v instanceof Tmpl
          ? v.parts.map((x) => (typeof x === 'string' ? x : '')).join('')
          : undefined;
    // (an inline template: no file; its statements are the data source's, as written in the .tf)
    if (inline) return v;
    // Else every statement is pointed at the file's first line (the file, where its policy is).
    if (typeof v === 'string' || v instanceof Tmpl)
      setTextOrigin(
        v,
        !text.includes('%{') && rendered !== undefined && lines(rendered) === lines(text)
          ? { file: path, line: 1 }
          : { file: path, line: 1, flat: true },
      );
    // A template that is one `${jsonencode({...})}` (maybe with blank lines around): its policy's
    // statements each where their object is written in it, as in a `.tf` file.
    if (typeof v === 'string' || v instanceof Tmpl) {
      const whole = textKey(v).trim();
      const doc = jsons.find((j) => isObj(j.value) && textKey(jsonText(j.value)) === whole);
      const lines = doc && isObj(doc.value) ? statementOrigins(doc.value) : undefined;
      if (lines) setTextStatements(v, path, lines);
    }
    return v;
  }

  variable(name: string): Value {
    const d = this.def.variables.get(name);
    const arg = this.args?.get(name);
    const given = arg
      ? arg()
      : !this.args && this.ctx.tfvars.has(name)
        ? this.ctx.tfvars.get(name)!
        : undefined;
    // Undeclared (a module read in part): as given, else unknown, as Terraform would refuse it.
    if (!d) {
      this.inJsonNote(`var.${name}`);
      return given ?? new Unknown(`var.${name}`);
    }
    if (this.def.inJson.get(`var.${name}`)?.override) this.inJsonNote(`var.${name}`);
    const def = d.attrs.get('default');
    const defScope = this.scope(attrFile(d, 'default'));
    let v: Value;
    if (given === undefined) {
      if (!def) return new Unknown(`var.${name}`);
      v = defaultOf(d, def, defScope);
    } else v = given;
    // `nullable = false`: a null given is the default.
    const nullable = d.attrs.get('nullable');
    if (
      v === null &&
      given !== undefined &&
      def &&
      nullable &&
      evaluate(nullable, this.scope(attrFile(d, 'nullable'))) === false
    )
      v = defaultOf(d, def, defScope);
    // Its type constraint: optional() attributes, sets (types.ts), converted once per value given.
    const t = variableType(d);
    if (!t) return v;
    const hit = this.converted.get(name);
    if (hit && hit.from === v) {
      if (hit.note) this.fn.note?.(hit.note);
      return hit.to;
    }
    const typeScope = this.scope(attrFile(d, 'type'));
    let to: Value;
    let note: string | undefined;
    try {
      to = convert(v, t, (n) => evaluate(n, typeScope));
    } catch (e) {
      if (!(e instanceof HclEvalError)) throw e;
      // Terraform refuses the value: not known here, with the reason.
      const reason = `var.${name}: ${shortText(e.message, 160)}`;
      note = `${reason}: read as not known`;
      this.fn.note?.(note);
      to = new Unknown(`var.${name} (${reason})`);
    }
    this.converted.set(name, note ? { from: v, to, note } : { from: v, to });
    return to;
  }

  /**
   * Each variable's value converted to its type, with the value it was converted from (variable())
   * and the note of a conversion Terraform refuses.
   */
  private readonly converted = new Map<string, { from: Value; to: Value; note?: string }>();

  local(name: string): Value {
    if (this.localCache.has(name)) {
      for (const n of this.localNotes.get(name) ?? []) this.fn.note?.(n);
      for (const r of this.localReads.get(name) ?? []) this.reread(r);
      return this.localCache.get(name)!;
    }
    const l = this.def.locals.get(name);
    // Undefined (a module read in part, such as one file copied from it): unknown, like an
    // undeclared variable, so that only the part of a value that uses it is read as a wildcard.
    if (!l) {
      if (!this.inJsonNote(`local.${name}`))
        this.fn.note?.(`local.${name} is not defined in this module: read as unknown`);
      return new Unknown(`local.${name}`);
    }
    if (this.def.inJson.get(`local.${name}`)?.override) this.inJsonNote(`local.${name}`);
    if (this.localBusy.has(name)) throw new HclEvalError(`local.${name} refers to itself`);
    this.localBusy.add(name);
    // The local's own notes are kept with it, and given again wherever it is used.
    const outer = this.sink;
    const mine: string[] = [];
    this.sink = mine;
    const outerReads = this.ctx.reads;
    const reads: FileRead[] = [];
    this.ctx.reads = reads;
    try {
      let v: Value;
      try {
        v = evaluate(l.expr, this.scope(l.file));
      } catch (e) {
        if (!(e instanceof HclEvalError)) throw e;
        v = new Unknown(`local.${name} (${shortText(e.message, 100)})`);
      }
      this.localCache.set(name, v);
      this.localNotes.set(name, mine);
      this.localReads.set(name, reads);
      return v;
    } finally {
      this.sink = outer;
      this.ctx.reads = outerReads;
      this.localBusy.delete(name);
      for (const n of mine) this.fn.note?.(n);
      for (const r of reads) this.reread(r);
    }
  }

  /**
   * Notes that a `*.tf.json` file of the module declares (or overrides) `address` (ModuleDef.inJson),
   * which this reader does not combine with the `.tf` files; whether it does.
   */
  private inJsonNote(address: string): boolean {
    const j = this.def.inJson.get(address);
    if (!j) return false;
    this.fn.note?.(
      j.override
        ? `${this.prefix}${address} is overridden by ${j.file}, which this reader does not merge into the module's .tf files: read as the .tf files declare it`
        : `${this.prefix}${address} is declared in ${j.file}, which this reader does not combine with the module's .tf files (it is audited on its own): read as unknown`,
    );
    return true;
  }

  /** A file read while a resource (or a local) is evaluated: kept with it. */
  private reread(r: FileRead): void {
    const sink = this.ctx.reads;
    if (sink && !sink.some((x) => x.path === r.path && x.fn === r.fn && x.rendered === r.rendered))
      sink.push(r);
  }

  private resolve(root: string, steps: Step[], text: string, _scope: Scope): { value: Value; used: number } {
    const attrAt = (i: number) =>
      steps[i]?.kind === 'attr' ? (steps[i] as { name: string }).name : undefined;
    switch (root) {
      case 'var': {
        const n = attrAt(0);
        if (!n) return { value: new Unknown(text), used: steps.length };
        return { value: this.variable(n), used: 1 };
      }
      case 'local': {
        const n = attrAt(0);
        if (!n) return { value: new Unknown(text), used: steps.length };
        return { value: this.local(n), used: 1 };
      }
      case 'path': {
        const n = attrAt(0);
        if (n === 'module') return { value: this.fn.moduleDir, used: 1 };
        if (n === 'root' || n === 'cwd') return { value: '.', used: 1 };
        return { value: new Unknown(text), used: steps.length };
      }
      case 'data': {
        const type = attrAt(0);
        const name = attrAt(1);
        if (!type || !name) return { value: new Unknown(text), used: steps.length };
        return this.dataRef(type, name, steps.slice(2), text);
      }
      case 'module': {
        const name = attrAt(0);
        if (!name) return { value: new Unknown(text), used: steps.length };
        return this.moduleRef(name, steps.slice(1), text);
      }
      case 'each':
      case 'count':
      case 'self':
      case 'terraform':
        return { value: new Unknown(text), used: steps.length };
    }
    const name = attrAt(0);
    if (!name || !root.includes('_')) throw new HclEvalError(`${text}: "${root}" is not defined here`);
    const r = this.resourceRef(root, name, steps.slice(1), text, false);
    return { value: r.value, used: r.used + 1 };
  }

  private dataRef(type: string, name: string, rest: Step[], text: string): { value: Value; used: number } {
    const a = rest[0]?.kind === 'attr' ? (rest[0] as { name: string }).name : undefined;
    if (type === 'aws_partition' && a) {
      if (a === 'partition' || a === 'id') return { value: PARTITION, used: 3 };
      if (a === 'dns_suffix') return { value: 'amazonaws.com', used: 3 };
    }
    // The account Terraform runs in: in a policy, the account placeholder, as a resource's ARN's
    // (not for a data source of another provider configuration, maybe another account).
    if (type === 'aws_caller_identity' && a === 'account_id' && rest.length === 1) {
      const decl = this.def.byAddress.get(`data.${type}.${name}`);
      if (decl && !this.otherProviderOf(decl) && !decl.attrs.has('count') && !decl.attrs.has('for_each'))
        return { value: new Unknown(text, ACCOUNT_PLACEHOLDER, this.prefix), used: 3 };
    }
    // An account AWS owns (a Region's log-delivery account): a principal that is never a vendor's.
    const owned = AWS_SERVICE_ACCOUNTS[type];
    if (owned && (a === 'arn' || a === 'id') && rest.length === 1) {
      const decl = this.def.byAddress.get(`data.${type}.${name}`);
      if (decl && !decl.attrs.has('count') && !decl.attrs.has('for_each'))
        return {
          value: new Unknown(
            text,
            a === 'arn' ? `arn:${PARTITION}:iam::${owned.placeholder}:root` : owned.placeholder,
            this.prefix,
          ),
          used: 3,
        };
    }
    const r = this.resourceRef(type, name, rest, text, true);
    return { value: r.value, used: r.used + 2 };
  }

  /** `type.name[...]...attr`: the instance's attribute as far as the configuration tells; `used` counts `rest`. */
  private resourceRef(
    type: string,
    name: string,
    rest: Step[],
    text: string,
    data: boolean,
  ): { value: Value; used: number } {
    const local = `${data ? 'data.' : ''}${type}.${name}`;
    const decl = this.def.byAddress.get(local);
    if (!decl) {
      this.inJsonNote(local);
      return { value: new Unknown(text), used: rest.length };
    }
    const counted = decl.attrs.has('count') || decl.attrs.has('for_each');
    // The resource as a whole (`for_each = aws_iam_policy.p`, then `each.value.arn`): its instances.
    if (counted && rest.length === 0 && !data) {
      const whole = this.allInstances(decl, local);
      if (whole) return { value: whole, used: 0 };
    }
    let at = 0;
    let key: string | number | undefined;
    let keyKnown = true;
    if (counted) {
      const s = rest[0];
      if (s?.kind === 'index') {
        const k = s.key;
        if (typeof k === 'number' || typeof k === 'string') key = k;
        else keyKnown = false;
        at = 1;
      } else if (s?.kind === 'splat') return { value: this.splat(decl, s.rest, text, data, local), used: 1 };
      else keyKnown = false;
    }
    // An instance that does not exist (count 0, a key for_each does not have, with the variables
    // as read): Absent, so that try() takes its next argument, as after Terraform's error;
    // elsewhere what that instance would stand for (the key as written), as with a for_each not
    // known, since other variables may create it.
    let absent = false;
    if (counted && keyKnown && key !== undefined) {
      const insts = this.instances(decl);
      absent = insts.every((i) => i.key !== undefined && !i.approximate) && !insts.some((i) => i.key === key);
    }
    const attrStep = rest[at];
    if (attrStep?.kind !== 'attr')
      return { value: absent ? new Absent(text) : new Unknown(text), used: rest.length };
    const attribute = attrStep.name;
    const canonical = `${local}${key !== undefined ? keyText(key) : ''}.${attribute}`;
    // The hashicorp/template provider's template_file: rendered here, as templatefile() is.
    if (data && type === TEMPLATE_FILE && attribute === 'rendered' && !absent)
      return {
        value: this.templateFile(
          decl,
          key,
          keyKnown,
          `${this.prefix}${local}${key !== undefined ? keyText(key) : ''}`,
        ),
        used: at + 1,
      };
    if (data)
      return {
        value: absent
          ? new Absent(canonical, undefined, this.prefix)
          : new Unknown(canonical, undefined, this.prefix),
        used: at + 1,
      };
    const values = this.instanceValues(decl, key, keyKnown, absent, attribute);
    const u = resourceAttribute(
      type,
      values,
      attribute,
      canonical,
      this.instanceRef(local, counted ? key : undefined, counted && !keyKnown),
      this.prefix,
      this.otherProviderOf(decl),
    );
    return { value: absent ? new Absent(u.text, u.pattern, u.scope) : u, used: at + 1 };
  }

  /**
   * A resource with count or for_each named as a whole: a list (count) or a map by key (for_each)
   * of its instances, each an object of its configured attributes and its `arn`, `id` and `name`,
   * read as `type.name[key].attr` is. Undefined when its instances are not known.
   */
  private allInstances(decl: Decl, local: string): Value | undefined {
    const insts = this.instances(decl);
    if (insts.some((i) => i.key === undefined || i.approximate)) return undefined;
    const instance = (key: string | number): Value => {
      const values = this.instanceValues(decl, key, true);
      const obj = newObj();
      const names = new Set(['arn', 'id', 'name', ...(isObj(values) ? Object.keys(values) : [])]);
      for (const a of names)
        obj[a] = resourceAttribute(
          decl.type,
          values,
          a,
          `${local}${keyText(key)}.${a}`,
          this.instanceRef(local, key, false),
          this.prefix,
          this.otherProviderOf(decl),
        );
      return obj;
    };
    if (decl.attrs.has('count')) return insts.map((i) => instance(i.key!));
    const map = newObj();
    for (const i of insts) map[String(i.key)] = instance(i.key!);
    return map;
  }

  /** `type.name[*].attr`: one value per known instance (unknown when the instances are not known). */
  private splat(decl: Decl, rest: Step[], text: string, data: boolean, local: string): Value {
    const a = rest[0];
    if (a?.kind !== 'attr' || rest.length !== 1) return new Unknown(text);
    const insts = this.instances(decl);
    // count / for_each not known: the one instance read stands for them (noted on the resource).
    if (insts.some((i) => i.key === undefined)) {
      if (!decl.attrs.has('count') && !decl.attrs.has('for_each')) return new Unknown(text);
      this.fn.note?.(`${local} has a count or for_each that is not known: read as one instance`);
      const canonical = `${local}.${a.name}`;
      if (data) return [new Unknown(canonical, undefined, this.prefix)];
      return [
        resourceAttribute(
          decl.type,
          this.instanceValues(decl, undefined, false, false, a.name),
          a.name,
          canonical,
          this.instanceRef(local, undefined, true),
          this.prefix,
          this.otherProviderOf(decl),
        ),
      ];
    }
    return insts.map((i) => {
      const canonical = `${local}${keyText(i.key!)}.${a.name}`;
      if (data && decl.type === TEMPLATE_FILE && a.name === 'rendered')
        return this.templateFile(decl, i.key, true, `${this.prefix}${local}${keyText(i.key!)}`);
      if (data) return new Unknown(canonical, undefined, this.prefix);
      return resourceAttribute(
        decl.type,
        this.instanceValues(decl, i.key, true, false, a.name),
        a.name,
        canonical,
        this.instanceRef(local, i.key, false),
        this.prefix,
        this.otherProviderOf(decl),
      );
    });
  }

  /**
   * Whether a resource may be in another account: its module's provider may be, or its own
   * `provider = aws.x` is one that may (ModuleDef.accountAliases).
   */
  private otherProviderOf(decl: Decl): boolean {
    const p = decl.attrs.get('provider');
    return (
      this.otherProvider || (p !== undefined && this.accountAlias(AWS_ALIAS.exec(textOf(p))?.[1] ?? '?'))
    );
  }

  /**
   * The reference a resource's made-up values are named after: the module's prefix, the
   * resource, its key (`module.a.aws_s3_bucket.b["k"]`), so that two instances' names are two
   * values; ANY_INSTANCE for an instance not known (`aws_iam_role.w[*]`).
   */
  private instanceRef(local: string, key: string | number | undefined, any: boolean): string {
    return `${this.prefix}${local}${any ? ANY_INSTANCE : key !== undefined ? keyText(key) : ''}`;
  }

  /** Whether an `aws` provider alias may reach another account (unknown aliases may). */
  private accountAlias(alias: string | undefined): boolean {
    if (alias === undefined) return false;
    const defs = [...this.ctx.defs.values()].filter((d): d is ModuleDef => !('error' in d));
    if (!defs.includes(this.def)) defs.push(this.def);
    if (defs.some((d) => d.accountAliases.has(alias))) return true;
    // An alias no provider block of the audited modules declares: not known, so it may.
    return !defs.some((d) => d.awsAliases.has(alias));
  }

  /** The configured values of one instance (for the attributes of references), evaluated once. */
  private instanceValues(
    decl: Decl,
    key: string | number | undefined,
    keyKnown: boolean,
    /** The instance does not exist with the variables as read: its key as written, its value unknown. */
    absent = false,
    /** The attribute read of it (its notes are given: attributeNotes), or undefined for the whole. */
    attribute?: string,
  ): Value {
    const id = `${decl.type}.${decl.name}${keyKnown && key !== undefined ? keyText(key) : keyKnown ? '' : '[?]'}${absent ? '(absent)' : ''}`;
    if (this.valuesCache.has(id)) {
      this.attributeNotes(this.valuesNotes.get(id), attribute);
      return this.valuesCache.get(id)!;
    }
    if (this.valuesBusy.has(id)) return newObj();
    this.valuesBusy.add(id);
    // Each attribute's notes kept apart, and given wherever the attribute is read: a policy that
    // names its role's id is not approximate for what the role's tags or trust policy leave
    // unknown (a first-contact review), and a second policy reading the role hears what the
    // first did (before, every note went to whichever read the resource first).
    const notes = new Map<string, string[]>();
    const around = <T>(name: string, f: () => T): T => {
      const outer = this.sink;
      const mine: string[] = [];
      this.sink = mine;
      try {
        return f();
      } finally {
        this.sink = outer;
        if (mine.length > 0) notes.set(name, [...(notes.get(name) ?? []), ...mine]);
      }
    };
    try {
      const iter = this.instanceIter(decl, key, keyKnown, absent);
      const v = evaluateBody(decl.body, this.scope(decl.file, iter), {
        skip: new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider']),
        around,
      });
      this.valuesCache.set(id, v);
      this.valuesNotes.set(id, notes);
      this.attributeNotes(notes, attribute);
      return v;
    } catch (e) {
      if (!(e instanceof HclEvalError)) throw e;
      this.attributeNotes(notes, undefined);
      return newObj();
    } finally {
      this.valuesBusy.delete(id);
    }
  }

  /**
   * Gives the notes of a resource's attributes that its `attribute` rests on: the attribute's own
   * where it is one of those that name nothing (NOT_NAMING: tags, a policy document, a trust
   * policy), else those of every attribute but them (an ARN, an id or a name is made of the
   * resource's naming attributes); every note for the whole resource.
   */
  private attributeNotes(notes: Map<string, string[]> | undefined, attribute: string | undefined): void {
    if (!notes) return;
    for (const [name, list] of notes)
      if (
        attribute === undefined ||
        name === attribute ||
        (!NOT_NAMING.has(attribute) && !NOT_NAMING.has(name))
      )
        for (const n of list) this.fn.note?.(n);
  }

  /** The `count` or `each` of one instance (instanceValues). */
  private instanceIter(
    decl: Decl,
    key: string | number | undefined,
    keyKnown: boolean,
    absent = false,
  ): Record<string, Value> {
    if (decl.attrs.has('count'))
      return {
        count: { index: typeof key === 'number' ? key : new Unknown('count.index') } as {
          [k: string]: Value;
        },
      };
    if (!decl.attrs.has('for_each')) return {};
    let each: { [k: string]: Value } = { key: new Unknown('each.key'), value: new Unknown('each.value') };
    if (keyKnown && key !== undefined) {
      const inst = absent ? undefined : this.instanceOf(decl, key);
      if (inst) each = inst.iter.each as { [k: string]: Value };
      // for_each not known, the key written: that key, and its one value.
      else
        each = {
          key: String(key),
          value: new Unknown(`each.value of ${decl.type}.${decl.name}${keyText(key)}`),
        };
    }
    return { each };
  }

  /**
   * `data.template_file.x.rendered` (the hashicorp/template provider, deprecated for templatefile()
   * and still common): its `template` (a file read with file(), or a string written in the `.tf`;
   * the provider's old `filename` too) rendered with its `vars`, as templatefile() renders. The
   * file is told as a templatefile() read `via` the data source (so that a policy rendered from it
   * is audited here, once, and the file is "rendered by" it); a template or vars that are not known
   * leave the value unknown, said (an HclEvalError: the policy is unresolved with the reason).
   */
  private templateFile(
    decl: Decl,
    key: string | number | undefined,
    keyKnown: boolean,
    address: string,
  ): Value {
    // (its vars naming its own rendering: a cycle, which Terraform refuses)
    if (this.templatesBusy.has(address)) throw new HclEvalError(`${address} refers to itself`);
    this.templatesBusy.add(address);
    try {
      return this.renderTemplateFile(decl, key, keyKnown, address);
    } finally {
      this.templatesBusy.delete(address);
    }
  }

  /** The data "template_file"s being rendered (templateFile()). */
  private readonly templatesBusy = new Set<string>();

  private renderTemplateFile(
    decl: Decl,
    key: string | number | undefined,
    keyKnown: boolean,
    address: string,
  ): Value {
    const iter = this.instanceIter(decl, key, keyKnown);
    const fileOf = (name: string) => attrFile(decl, name);
    const tExpr = decl.attrs.get('template');
    const fExpr = tExpr ? undefined : decl.attrs.get('filename');
    if (!tExpr && !fExpr) throw new HclEvalError(`${address} has no template argument`);
    // The template, its file() reads kept apart (told below, as a template's).
    const reads: FileRead[] = [];
    const outerReads = this.ctx.reads;
    this.ctx.reads = reads;
    this.quiet++;
    let text: Value;
    try {
      text = evaluate((tExpr ?? fExpr)!, this.scope(fileOf(tExpr ? 'template' : 'filename'), iter));
      if (fExpr && typeof text === 'string') {
        const name = text;
        const read = this.fn.readFile(name);
        if (read === undefined)
          throw new HclEvalError(
            `${address}: its filename "${name}" is not read (${this.fn.whyNotRead?.(name) ?? 'not in the repository'})`,
          );
        this.fn.read?.({ path: this.fn.filePath?.(name) ?? name, fn: 'file' });
        text = read;
      }
    } finally {
      this.quiet--;
      this.ctx.reads = outerReads;
    }
    const files = [...new Set(reads.filter((r) => r.fn === 'file').map((r) => r.path))];
    for (const r of reads) if (r.fn !== 'file') this.fn.read?.(r);
    // (an error said at the argument's place)
    const at = (n: Node, name: string, message: string) => {
      const e = new HclEvalError(message);
      e.at = { file: fileOf(name).path, line: lineOf(n) };
      return e;
    };
    const told = (rendered: boolean) => {
      for (const path of files) this.fn.read?.({ path, fn: 'templatefile', rendered, via: address });
    };
    // One file, the template as read: its lines are the file's. Else (a string in the .tf, or
    // made of more than one file) no file's.
    const path = files.length === 1 && typeof text === 'string' ? files[0]! : undefined;
    const by = path ? `${address} (template ${path})` : address;
    if (typeof text !== 'string') {
      told(false);
      throw at(
        tExpr ?? fExpr!,
        tExpr ? 'template' : 'filename',
        `${address}: its template is not known here (${text instanceof Unknown ? shortText(text.text, 100) : 'not a string'})`,
      );
    }
    const vExpr = decl.attrs.get('vars');
    let vars: Value = newObj();
    // (Terraform 0.11's `vars { a = "..." }`, a block, as old configurations still write it)
    const vBlock = vExpr ? undefined : blockOf(decl, 'vars');
    if (vBlock) {
      const body = kids(vBlock.node).find((k) => k.type === 'body');
      vars = evaluateBody(body, this.scope(vBlock.file, iter), {
        onError: (name, e) => {
          told(false);
          e.message = `${address}: its vars could not be evaluated: ${name}: ${e.message}`;
          throw e;
        },
      });
    } else if (vExpr) {
      try {
        vars = evaluate(vExpr, this.scope(fileOf('vars'), iter));
      } catch (e) {
        told(false);
        if (e instanceof HclEvalError)
          e.message = `${address}: its vars could not be evaluated: ${e.message}`;
        throw e;
      }
      if (!isObj(vars)) {
        told(false);
        throw at(
          vExpr,
          'vars',
          `${address}: its vars are not known here (${vars instanceof Unknown ? shortText(vars.text, 100) : 'not a map'})`,
        );
      }
    }
    let v: Value;
    try {
      v = this.renderTemplate(text, vars, path ?? decl.file.path, by, path === undefined);
    } catch (e) {
      told(false);
      if (e instanceof HclEvalError && path === undefined) {
        const at = tExpr ?? fExpr!;
        e.at = { file: fileOf(tExpr ? 'template' : 'filename').path, line: lineOf(at) };
      }
      throw e;
    }
    told(!(v instanceof Unknown));
    return v;
  }

  private moduleRef(name: string, rest: Step[], text: string): { value: Value; used: number } {
    const decl = this.def.byAddress.get(`module.${name}`);
    if (!decl) {
      this.inJsonNote(`module.${name}`);
      return { value: new Unknown(text), used: rest.length + 1 };
    }
    let i = 0;
    let key: string | number | undefined;
    if (decl.attrs.has('count') || decl.attrs.has('for_each')) {
      const s = rest[0];
      if (s?.kind !== 'index' || (typeof s.key !== 'string' && typeof s.key !== 'number'))
        return { value: new Unknown(text), used: rest.length + 1 };
      key = s.key;
      i = 1;
    }
    const out = rest[i];
    if (out?.kind !== 'attr') return { value: new Unknown(text), used: rest.length + 1 };
    const child = this.child(decl, key);
    if ('unknown' in child) return { value: new Unknown(text), used: rest.length + 1 };
    const o = child.def.outputs.get(out.name);
    const ov = o?.attrs.get('value');
    if (!o || !ov) return { value: new Unknown(text), used: rest.length + 1 };
    let v: Value;
    // What the output's value leaves unknown in the module is told here, where it is read (a
    // review: a policy on `module.m.arn`, a role's ARN whose name is not known, was told nothing).
    const heard: string[] = [];
    const outer = child.sink;
    child.sink = heard;
    try {
      v = evaluate(ov, child.scope(attrFile(o, 'value')));
    } catch (e) {
      if (!(e instanceof HclEvalError)) throw e;
      v = new Unknown(text);
    } finally {
      child.sink = outer;
    }
    for (const h of heard) this.fn.note?.(`in module.${decl.name}: ${h}`);
    return { value: v, used: i + 2 };
  }

  /** The child instance of a module call (created once), or why it is not followed. */
  child(decl: Decl, key: string | number | undefined): Instance | { unknown: string } {
    const id = `${decl.name}${key !== undefined ? keyText(key) : ''}`;
    const got = this.children.get(id);
    if (got) return got;
    const made = this.makeChild(decl, key);
    this.children.set(id, made);
    return made;
  }

  private sourceOf(decl: Decl): string | undefined {
    const s = decl.attrs.get('source');
    if (!s) return undefined;
    try {
      const v = evaluate(s, this.scope(attrFile(decl, 'source')));
      return typeof v === 'string' ? v : undefined;
    } catch {
      return undefined;
    }
  }

  private makeChild(decl: Decl, key: string | number | undefined): Instance | { unknown: string } {
    const source = this.sourceOf(decl);
    if (source === undefined) return { unknown: 'its source is not a literal string' };
    if (!/^\.\.?(\/|$)/.test(source))
      return {
        unknown: `its source "${shortText(source, 100)}" is not a local path (registry and git modules are not fetched)`,
      };
    if (this.depth + 1 > MAX_MODULE_DEPTH)
      return { unknown: `modules are nested more than ${MAX_MODULE_DEPTH} deep` };
    const dir = posix.normalize(posix.join(this.def.dir, source)).replace(/\/+$/, '') || '.';
    if (dir.startsWith('../') || dir === '..')
      return { unknown: `its source "${source}" is outside the audited directory` };
    if (dir === this.def.dir || this.stack.includes(dir))
      return { unknown: `it calls ${dir}, which is already being read above it (a cycle)` };
    let def = this.ctx.defs.get(dir);
    if (!def) {
      const files = this.ctx.host.moduleFiles(dir);
      if ('error' in files) def = { error: files.error };
      else {
        const parsed = files.map((f) => parseHcl(f.path, f.text));
        for (const p of parsed)
          for (const pr of p.problems)
            this.ctx.problems.push({
              file: p.path,
              line: pr.line,
              message: `not valid HCL at line ${pr.line}, column ${pr.column}: ${pr.message}`,
            });
        def = defineModule(
          dir,
          parsed.filter((p) => p.problems.length === 0),
          this.ctx.host.jsonConfig?.(dir),
        );
      }
      this.ctx.defs.set(dir, def);
    }
    if ('error' in def) return { unknown: def.error };
    this.ctx.called.add(dir);
    const args = new Map<string, () => Value>();
    const inst = (key === undefined
      ? this.instances(decl).find((i) => i.key === undefined)
      : this.instanceOf(decl, key)) ?? { iter: {} };
    for (const [k, expr] of decl.attrs) {
      if (['source', 'version', 'count', 'for_each', 'providers', 'depends_on'].includes(k)) continue;
      let cached: { v: Value } | undefined;
      args.set(k, () => {
        if (!cached) {
          try {
            cached = { v: evaluate(expr, this.scope(attrFile(decl, k), inst.iter)) };
          } catch (e) {
            if (!(e instanceof HclEvalError)) throw e;
            cached = { v: new Unknown(`module.${decl.name}.${k}`) };
          }
        }
        return cached.v;
      });
    }
    const child = new Instance(
      def,
      `${this.prefix}module.${decl.name}${key !== undefined ? keyText(key) : ''}.`,
      args,
      this.ctx,
      this.depth + 1,
      [...this.stack, this.def.dir],
      this.otherProvider ||
        this.accountAlias(
          OTHER_AWS_PROVIDER.exec(
            decl.attrs.has('providers') ? textOf(decl.attrs.get('providers')!) : '',
          )?.[1],
        ),
    );
    child.moduleNotes = [
      ...this.moduleNotes,
      ...(inst.approximate ? [`${this.prefix}module.${decl.name}: ${inst.approximate}`] : []),
    ];
    return child;
  }

  /**
   * The instances of a resource, data source or module call (count, for_each), evaluated once per
   * module instance: each `aws_iam_role.r[each.key]` and each instance of a module call looked its
   * own up again, which made a `for_each` of N keys cost N evaluations of it (a review: 400 keys of
   * a nested `for` took minutes).
   */
  instances(decl: Decl): Instances {
    let list = this.instanceLists.get(decl);
    if (!list) {
      list = this.evaluateInstances(decl);
      this.instanceLists.set(decl, list);
    }
    return list;
  }

  /** The instance of `decl` with this key (count index or for_each key), if there is one. */
  instanceOf(decl: Decl, key: string | number): Instances[number] | undefined {
    let byKey = this.instanceKeys.get(decl);
    if (!byKey) {
      byKey = new Map();
      for (const i of this.instances(decl)) if (i.key !== undefined && !byKey.has(i.key)) byKey.set(i.key, i);
      this.instanceKeys.set(decl, byKey);
    }
    return byKey.get(key);
  }

  private readonly instanceLists = new Map<Decl, Instances>();
  private readonly instanceKeys = new Map<Decl, Map<string | number, Instances[number]>>();

  private evaluateInstances(decl: Decl): Instances {
    const count = decl.attrs.get('count');
    const fe = decl.attrs.get('for_each');
    // Why it is not known, when a variable's value is one Terraform refuses (variable()).
    let why: string | undefined;
    const evalOr = (n: Node): Value => {
      const outer = this.sink;
      const heard: string[] = [];
      this.sink = heard;
      try {
        return evaluate(n, this.scope(attrFile(decl, n === count ? 'count' : 'for_each')));
      } catch (e) {
        if (!(e instanceof HclEvalError)) throw e;
        return new Unknown(`${textOf(n)} (${shortText(e.message, 80)})`);
      } finally {
        this.sink = outer;
        for (const h of heard) this.fn.note?.(h);
        const refused = heard.filter((h) => h.includes('which Terraform refuses'));
        if (refused.length) why = refused.map((h) => h.replace(/: read as not known$/, '')).join('; ');
      }
    };
    if (count) {
      const c = evalOr(count);
      const n = typeof c === 'number' ? c : typeof c === 'string' && /^\d+$/.test(c) ? Number(c) : undefined;
      if (n === undefined)
        return [
          {
            iter: { count: { index: new Unknown('count.index') } as { [k: string]: Value } },
            approximate: oneInstanceNote('count', textOf(count), why),
          },
        ];
      const { keys, cut } = countKeys(n);
      return keys.map((i) => {
        const inst: Instances[number] = { key: i, iter: { count: { index: i } as { [k: string]: Value } } };
        if (cut) inst.approximate = cut;
        return inst;
      });
    }
    if (fe) {
      const v = evalOr(fe);
      let entries: [string, Value][] | undefined;
      if (Array.isArray(v)) {
        const keys = v.map((x) => primitiveString(x));
        if (keys.every((k) => k !== undefined)) entries = [...new Set(keys as string[])].map((k) => [k, k]);
      } else if (isObj(v)) entries = Object.keys(v).map((k) => [k, v[k]!]);
      if (!entries)
        return [
          {
            iter: {
              each: { key: new Unknown('each.key'), value: new Unknown('each.value') } as {
                [k: string]: Value;
              },
            },
            approximate: oneInstanceNote('for_each', textOf(fe), why),
          },
        ];
      const { keys, cut } = eachKeys(entries);
      return keys.map(([k, val]) => {
        const inst: Instances[number] = {
          key: k,
          iter: { each: { key: k, value: val } as { [k: string]: Value } },
        };
        if (cut) inst.approximate = cut;
        return inst;
      });
    }
    return [{ iter: {} }];
  }

  /**
   * The aws_iam_policy_document data sources used only by resources, data sources or module
   * calls that have no instance (`none`), or by documents so used: each with the addresses of
   * those that have none.
   */
  private unusedDocuments(none: ReadonlySet<Decl>): Map<Decl, string[]> {
    const unused = new Map<Decl, string[]>();
    // Uses this reader does not see (a *.tf.json file of the module, which may also be an override
    // file that changes a count) may give a document a user that exists: then it is audited, as before.
    if (none.size === 0 || this.def.inJson.size > 0 || this.ctx.host.hasJsonConfig?.(this.def.dir))
      return unused;
    const users = documentUsers(this.def);
    const address = (d: Decl) =>
      `${this.prefix}${d.kind === 'module' ? 'module.' : d.kind === 'data' ? 'data.' : ''}${d.type === 'module' ? '' : `${d.type}.`}${d.name}`;
    for (let grew = true; grew;) {
      grew = false;
      for (const doc of this.def.resources) {
        if (doc.kind !== 'data' || doc.type !== POLICY_DOCUMENT_DATA_SOURCE || unused.has(doc)) continue;
        const by = users.get(doc.name);
        if (!by?.length || !by.every((u) => u !== undefined && (none.has(u) || unused.has(u)))) continue;
        unused.set(doc, [...new Set(by.flatMap((u) => unused.get(u!) ?? [address(u!)]))]);
        grew = true;
      }
    }
    return unused;
  }

  /** Evaluates every resource and data source of this instance and of the modules it calls. */
  collect(): void {
    for (const m of this.def.moves)
      if (validMove(m, this.def.byAddress))
        this.ctx.moves.push({
          from: `${this.prefix}${m.from}`,
          to: `${this.prefix}${m.to}`,
          dir: this.def.dir,
          fromChild: m.from.startsWith('module.'),
        });
    const instances = new Map([...this.def.resources, ...this.def.calls].map((d) => [d, this.instances(d)]));
    const none = new Set([...instances].filter(([, i]) => i.length === 0).map(([d]) => d));
    const unused = this.unusedDocuments(none);
    const inModule = this.prefix !== '' ? { inModule: true } : {};
    const noInstance = (decl: Decl, address: string) =>
      this.ctx.noInstances.push({
        file: decl.file.path,
        line: lineOf(decl.block),
        address,
        reason: decl.attrs.has('count') ? 'its count is 0' : 'its for_each is empty',
        ...inModule,
      });
    for (const decl of this.def.resources) {
      const insts = instances.get(decl)!;
      // A resource that holds a policy and has no instance grants nothing: said, not left out.
      if (insts.length === 0 && decl.kind !== 'data' && Object.hasOwn(TERRAFORM_POLICY_ATTRIBUTES, decl.type))
        noInstance(decl, `${this.prefix}${decl.type}.${decl.name}`);
      // A document only they use grants nothing either: said, not audited on its own.
      const by = unused.get(decl);
      if (by && insts.length > 0) {
        this.ctx.noInstances.push({
          file: decl.file.path,
          line: lineOf(decl.block),
          address: `${this.prefix}data.${decl.type}.${decl.name}`,
          reason: '',
          usedOnlyBy: by,
          ...inModule,
        });
        continue;
      }
      for (const inst of insts) {
        const mode = decl.kind === 'data' ? 'data' : 'managed';
        const local = `${mode === 'data' ? 'data.' : ''}${decl.type}.${decl.name}`;
        const address = `${this.prefix}${local}${inst.key !== undefined ? keyText(inst.key) : ''}`;
        const notes: string[] = [...this.moduleNotes, ...(inst.approximate ? [inst.approximate] : [])];
        this.sink = notes;
        if (this.def.inJson.get(local)?.override) this.inJsonNote(local);
        const reads: FileRead[] = [];
        this.ctx.reads = reads;
        let values: { [k: string]: Value };
        const errors: { attribute: string; message: string }[] = [];
        // (a data "template_file"'s file is told where its `rendered` is used: templateFile())
        const quiet = mode === 'data' && decl.type === TEMPLATE_FILE;
        if (quiet) this.quiet++;
        try {
          values = evaluateBody(decl.body, this.scope(decl.file, inst.iter), {
            skip: SKIPPED,
            // (the value is then unknown: an unresolved policy's reason names the error and its place)
            onError: (attribute, e, at) => {
              const where = e.at ?? { file: decl.file.path, line: lineOf(at) };
              errors.push({
                attribute,
                message: `${shortText(e.message, 200)} (${where.file}:${where.line})`,
              });
            },
          });
        } finally {
          if (quiet) this.quiet--;
          this.sink = undefined;
          this.ctx.reads = undefined;
        }
        const origin: Origin = { file: decl.file.path, line: lineOf(decl.block) };
        setOrigin(values, origin);
        const ev: Evaluated = {
          address,
          mode,
          type: decl.type,
          name: decl.name,
          module: this.prefix.replace(/\.$/, ''),
          values,
          file: decl.file.path,
          line: lineOf(decl.block),
        };
        if (inst.key !== undefined) ev.index = inst.key;
        // A data source's (a policy document's statement): its value read as not known, said with
        // the error, on the policies that use it.
        if (mode === 'data')
          for (const e of errors)
            notes.push(`${e.attribute} could not be evaluated: ${e.message}: read as not known`);
        if (notes.length) ev.notes = notes;
        if (errors.length) ev.errors = errors;
        if (reads.length) ev.reads = reads;
        this.ctx.resources.push(ev);
      }
    }
    for (const decl of this.def.calls) {
      const insts = instances.get(decl)!;
      // A module call with no instance creates nothing: said, as a resource's.
      if (insts.length === 0) noInstance(decl, `${this.prefix}module.${decl.name}`);
      for (const inst of insts) {
        const child = this.child(decl, inst.key);
        const address = `${this.prefix}module.${decl.name}${inst.key !== undefined ? keyText(inst.key) : ''}`;
        if ('unknown' in child) {
          this.ctx.notFollowed.push({
            file: decl.file.path,
            line: lineOf(decl.block),
            address,
            reason: child.unknown,
          });
          continue;
        }
        if (this.def.inJson.get(`module.${decl.name}`)?.override) {
          const notes: string[] = [];
          this.sink = notes;
          this.inJsonNote(`module.${decl.name}`);
          this.sink = undefined;
          child.moduleNotes = [...new Set([...child.moduleNotes, ...notes])];
        }
        child.collect();
      }
    }
  }
}
export { applySteps, withIter } from './evaluator.js';
