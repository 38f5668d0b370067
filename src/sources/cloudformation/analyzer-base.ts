// The analyzer's state: resources, records by owner, lines to find, errors (each once) and dependency cycles.
import type { PolicyRecord, SourceError, SourceFile } from '../../core/types.js';
import { formatJsonPath, type JsonPath } from '../../core/json-lines.js';
import { isObject } from '../parser.js';
import { Evaluator, NO_VALUE, Unknown, clipText, describe, isIntrinsic } from './intrinsics.js';
import { resourceHooks } from './resources.js';
import { samMerge } from './sam.js';
import type { Template } from './template.js';
import { SAM_FUNCTIONS, MAX_LOGICAL_ID, type Resource, type PrincipalEntry } from './types.js';

export class AnalyzerBase {
  readonly policies: PolicyRecord[] = [];
  readonly errors: SourceError[] = [];
  protected readonly errorKeys = new Set<string>();
  protected readonly resources = new Map<string, Resource>();
  protected readonly principals = new Map<string, PrincipalEntry>();
  protected readonly recordsOf = new Map<string, PolicyRecord[]>();
  protected readonly managed = new Map<string, PolicyRecord>();
  protected readonly linePaths: { set: (line: number | undefined) => void; path: JsonPath | undefined }[] =
    [];
  protected readonly cycles = new Set<string>();
  readonly ev: Evaluator;

  constructor(
    readonly file: SourceFile,
    readonly tpl: Template,
    readonly root: Record<string, unknown>,
  ) {
    for (const e of tpl.errors) this.errors.push(e);
    const res = isObject(root.Resources) ? root.Resources : {};
    for (const [id, r] of Object.entries(res)) {
      if (id.length > MAX_LOGICAL_ID) {
        this.error(
          `a logical id of ${id.length} characters (${id.slice(0, 40)}…): CloudFormation allows ${MAX_LOGICAL_ID}; the resource is not read`,
          ['Resources', id],
          undefined,
          false,
        );
        continue;
      }
      if (id.startsWith('Fn::ForEach::')) {
        this.notRead(
          id,
          ['Resources', id],
          'Fn::ForEach (AWS::LanguageExtensions) is not expanded: the resources it makes, and any IAM policy they hold, are not read',
        );
        continue;
      }
      // (`Fn::Transform: {Name: AWS::Include, ...}` in place of resources: they come from elsewhere)
      if (id.startsWith('Fn::')) {
        this.notRead(
          id,
          ['Resources', id],
          `${id}${macroOf(r)} makes resources at deploy time: they, and any IAM policy they hold, are not read`,
        );
        continue;
      }
      if (!isObject(r) || typeof r.Type !== 'string') {
        this.error(`resource ${id} has no Type`, ['Resources', id]);
        continue;
      }
      const props = isObject(r.Properties) ? r.Properties : {};
      const resource: Resource = { logicalId: id, type: r.Type, props, path: ['Resources', id] };
      if (typeof r.Condition === 'string') resource.condition = r.Condition;
      this.resources.set(id, resource);
      // A nested stack deploys another template: its IAM is there, not here (a review: Datadog's
      // main.yaml deploys its integration role so, and was said to hold no IAM policy).
      // A stack set deploys one into the accounts of its stack instances (a review: CloudZero's
      // member-account role so, said to hold none).
      const nested = Object.hasOwn(NESTED_STACKS, r.Type) ? NESTED_STACKS[r.Type] : undefined;
      if (nested)
        this.notRead(
          id,
          ['Resources', id],
          `${r.Type} deploys ${
            r.Type === STACK_SET && props.TemplateURL === undefined && props.TemplateBody !== undefined
              ? 'the template written in its TemplateBody'
              : nestedTemplate(props[nested])
          }${r.Type === STACK_SET ? " into its stack instances' accounts" : ''}: the resources of that template, and any IAM policy they hold, are not read with this one; ${AUDIT_ON_ITS_OWN}`,
        );
    }
    for (const r of [...this.resources.values()]) {
      const roleId = `${r.logicalId}Role`;
      // (also for a Role an Fn::If may leave out: `!If [C, arn, !Ref AWS::NoValue]`; samPolicies
      // tells whether it does)
      if (SAM_FUNCTIONS.has(r.type) && mayHaveNoRole(r.props.Role) && !this.resources.has(roleId)) {
        const implicit: Resource = {
          logicalId: roleId,
          type: 'AWS::IAM::Role',
          props: {},
          path: r.path,
          implicitFor: r.logicalId,
        };
        if (r.condition) implicit.condition = r.condition;
        this.resources.set(roleId, implicit);
      }
    }
    // A macro of the template's own Transform (other than SAM's and AWS::LanguageExtensions, which
    // are read) processes the whole template at deploy time.
    for (const name of transforms(root))
      if (!READ_TRANSFORMS.has(name))
        this.notRead(
          `Transform ${name}`,
          ['Transform'],
          `the macro ${name} processes the template at deploy time: what it adds or changes, IAM policies included, is not read (the template is read as written)`,
        );
    if (transforms(root).includes('AWS::Serverless-2016-10-31'))
      for (const r of samGenerated([...this.resources.values()], (x, name) => this.samMerged(x, name)?.value))
        if (!this.resources.has(r.logicalId)) this.resources.set(r.logicalId, r);
    this.ev = new Evaluator(
      root,
      resourceHooks(
        this.resources,
        (chain) => this.cycle(chain),
        (message, at) => this.error(message, at),
      ),
      (v) => tpl.originOf(v),
    );
  }

  /**
   * Parts of the template that make resources the tool cannot read (Fn::ForEach, AWS::Include, a
   * macro): each an unresolved record at its place (run()), never dropped silently nor reported as
   * an invalid policy.
   */
  protected readonly unread: { address: string; path: JsonPath; reason: string }[] = [];

  private notRead(address: string, path: JsonPath, reason: string): void {
    this.unread.push({ address: clipText(address, 120), path, reason: clipText(reason) });
  }

  error(full: string, at: JsonPath | undefined, address?: string, showPath = true): void {
    const message = clipText(full);
    // The same value can be evaluated more than once (a name used by several policies): said once.
    const key = `${message}\u0000${at ? formatJsonPath(at) : ''}`;
    if (this.errorKeys.has(key)) return;
    this.errorKeys.add(key);
    const e: SourceError = { path: this.file.path, message };
    if (at && showPath) e.jsonPath = formatJsonPath(at);
    if (address) e.address = address;
    this.errors.push(e);
    this.linePaths.push({ set: (l) => l !== undefined && (e.line = l), path: at });
  }

  protected cycle(chain: string[]): void {
    const key = [...chain.slice(0, -1)].sort().join(' ');
    if (this.cycles.has(key)) return;
    this.cycles.add(key);
    const first = this.resources.get(chain[0]!);
    const at = first
      ? first.path
      : chain[0]!.startsWith('Conditions.')
        ? ['Conditions', chain[0]!.slice(11)]
        : undefined;
    this.error(`circular reference: ${chain.join(' -> ')}; the values on the cycle are read as unknown`, at);
  }

  /**
   * A SAM function property as SAM reads it: its own merged with the template's `Globals.Function`
   * one (samMerge; with AWS::LanguageExtensions, an Fn::If of either merged branch by branch), with
   * where it is written (its own, else the Globals one). Undefined when neither is given.
   */
  protected samMerged(r: Resource, name: string): { value: unknown; path: JsonPath } | undefined {
    const globals = r.type === 'AWS::Serverless::Function' ? this.samGlobals(r, 'Function')[name] : undefined;
    const value = samMerge(globals, r.props[name], this.languageExtensions());
    if (value === undefined) return undefined;
    const path =
      r.props[name] !== undefined ? [...r.path, 'Properties', name] : ['Globals', 'Function', name];
    return { value, path };
  }

  /**
   * The template's Globals of a section (`Function`, `Api`) as SAM merges them into `r`
   * (globals.py get_template_globals): with the resource attribute `IgnoreGlobals: '*'` none, with
   * a list of property names all but those. SAM rejects any other IgnoreGlobals, and a listed
   * name the section does not have: an error, the Globals then read as merged. The resources SAM
   * makes (an implicit API) have none.
   */
  protected samGlobals(r: Resource, section: string): Record<string, unknown> {
    const all =
      isObject(this.root.Globals) && isObject(this.root.Globals[section]) ? this.root.Globals[section] : {};
    const own =
      isObject(this.root.Resources) && !r.implicitFor ? this.root.Resources[r.logicalId] : undefined;
    const ignore = isObject(own) ? own.IgnoreGlobals : undefined;
    // (Python's `if not ignore_globals`: not given, '' or [] ignore nothing)
    if (
      ignore === undefined ||
      ignore === null ||
      ignore === '' ||
      (Array.isArray(ignore) && ignore.length === 0)
    )
      return all;
    if (ignore === '*') return {};
    const at = [...r.path, 'IgnoreGlobals'];
    if (!Array.isArray(ignore)) {
      this.error(
        `IgnoreGlobals is ${describe(ignore)}: SAM accepts only '*' or a list of Globals property names, and fails to transform the template; read with the Globals merged`,
        at,
        r.logicalId,
      );
      return all;
    }
    const bad = ignore.filter((k) => typeof k !== 'string' || !Object.hasOwn(all, k));
    if (bad.length > 0 && isObject(this.root.Globals) && isObject(this.root.Globals[section]))
      this.error(
        `IgnoreGlobals names ${bad.map((k) => (typeof k === 'string' ? k : describe(k))).join(', ')}, not a property of Globals.${section}: SAM fails to transform the template`,
        at,
        r.logicalId,
      );
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(all))
      // (own properties, `__proto__` included, are defined, never assigned)
      if (!ignore.includes(k))
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  }

  /** Whether the template's Transform runs AWS::LanguageExtensions (before SAM's). */
  protected languageExtensions(): boolean {
    return transforms(this.root).includes('AWS::LanguageExtensions');
  }

  /** True unless the resource's Condition is false with the parameters' defaults. */
  protected exists(r: Resource): boolean {
    if (!r.condition) return true;
    const c = this.ownCondition(r.condition, r);
    // (false only with the parameters at their defaults: a stack deployed with other values has
    // it, as an Fn::If on that condition is read both ways; a review found an `iam:*` policy of
    // `Condition: Admin` left out where `!If [Admin, …]` beside it was audited)
    return c instanceof Unknown ? true : c || this.offByDefault(r) !== undefined;
  }

  /** A resource's Condition that is false with the parameters' defaults only (knownByDefault), with them. */
  private offByDefault(r: Resource): { name: string; defaults: string[] } | undefined {
    if (!r.condition) return undefined;
    const name = r.condition;
    const k = this.ev.assuming(undefined, () => this.ev.knownByDefault(name));
    return k && !k.value ? { name, defaults: k.defaults } : undefined;
  }

  /** The resource's Condition when it is not known offline (exists() reads it as true), with why. */
  protected unknownCondition(r: Resource): { name: string; why: string } | undefined {
    if (!r.condition) return undefined;
    const c = this.ownCondition(r.condition, r);
    if (c instanceof Unknown) return { name: r.condition, why: c.reason };
    // (false only with the parameters' defaults: not known either, for what a stack may have)
    const off = c ? undefined : this.offByDefault(r);
    return off
      ? {
          name: off.name,
          why: `false only with the parameters at their defaults: ${off.defaults.join(', ')}`,
        }
      : undefined;
  }

  /** A resource's Condition as the template has it, not as assumed while another's policies are read. */
  private ownCondition(name: string, r: Resource): boolean | Unknown {
    return this.ev.assuming(undefined, () => this.ev.condition(name, [...r.path, 'Condition']));
  }

  /**
   * Runs `f` (the reading of what `r` holds or attaches) with its Condition, when not known
   * offline, true: `r` exists only then, so `!If [IsProd, !Ref AWS::NoValue, {…iam:*…}]` in a
   * resource of `Condition: IsProd` grants nothing.
   */
  protected asCreated<T>(r: Resource, f: () => T): T {
    // (true with the parameters' defaults, on which it rests: assumed true too, as an Fn::If on a
    // condition so known is read both ways in a document, and the resource exists only when true)
    const name =
      this.unknownCondition(r)?.name ??
      (r.condition && this.ev.defaultsUnder(r.condition).length > 0 ? r.condition : undefined);
    return this.ev.assuming(name !== undefined ? new Map([[name, true]]) : undefined, f);
  }

  /** The branch an `Fn::If` takes (itself again, as long as it is one), unevaluated; `NO_VALUE` for `Ref: AWS::NoValue`. */
  protected chosen(raw: unknown): unknown {
    let v = raw;
    for (let i = 0; i < 64; i++) {
      if (isObject(v) && Object.keys(v).length === 1 && v.Ref === 'AWS::NoValue') return NO_VALUE;
      const args = isObject(v) && Object.keys(v).length === 1 ? v['Fn::If'] : undefined;
      if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') return v;
      const c = this.ev.condition(args[0], undefined);
      // (known only by the parameters' defaults: a stack deployed with other values has the other
      // branch, so neither is chosen, as for a condition not known)
      if (c instanceof Unknown || this.ev.knownByDefault(args[0])) return v;
      v = c ? args[1] : args[2];
    }
    return v;
  }

  /**
   * The values `raw` may be, each with where it is written (a few levels deep) and the conditions
   * that choose it: both branches of an Fn::If whose condition is not known offline, else the
   * branch chosen (chosen()), AWS::NoValue included. For what a role is given (its managed
   * policies, its Policies), so that neither branch is read as the one silently.
   */
  protected alternatives(
    raw: unknown,
    path: JsonPath = [],
    depth = 0,
  ): { value: unknown; path: JsonPath; conditions: string[] }[] {
    const v = this.chosen(raw);
    const args = isObject(v) && Object.keys(v).length === 1 ? v['Fn::If'] : undefined;
    if (depth >= 4 || !Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string')
      return [{ value: v, path, conditions: [] }];
    const name = args[0];
    return [
      ...this.alternatives(args[1], [...path, 'Fn::If', 1], depth + 1),
      ...this.alternatives(args[2], [...path, 'Fn::If', 2], depth + 1),
    ].map((a) => ({
      ...a,
      conditions: a.conditions.includes(name) ? a.conditions : [name, ...a.conditions],
    }));
  }

  /**
   * How an Fn::If on these conditions (alternatives()) chose what it did, for a note: `whose
   * condition is not known (A, B)`, and for each known only by the parameters' defaults `whose
   * condition C is false with the parameters at their defaults (P "v"), not with every value a
   * stack may be deployed with`.
   */
  protected ifChoice(conditions: string[]): string {
    const names = [...new Set(conditions)];
    const parts: string[] = [];
    const unknown = names.filter((n) => !this.ev.knownByDefault(n));
    if (unknown.length > 0) parts.push(`whose condition is not known (${unknown.join(', ')})`);
    for (const n of names) {
      const d = this.ev.knownByDefault(n);
      if (d)
        parts.push(
          `whose condition ${n} is ${String(d.value)} with the parameters at their defaults (${d.defaults.join(', ')}), not with every value a stack may be deployed with`,
        );
    }
    return parts.join(', and ');
  }

  /** Whether a SAM function surely names its own Role (no Fn::If not known leaves it out). */
  protected roleGiven(r: Resource): boolean {
    return r.props.Role !== undefined && !this.alternatives(r.props.Role).some((x) => x.value === NO_VALUE);
  }

  /** The lists a list property may be (alternatives() but AWS::NoValue): items of each by items(). */
  protected listsOf(
    raw: unknown,
    path: JsonPath,
  ): { value: unknown; path: JsonPath; conditions: string[] }[] {
    return this.alternatives(raw, path).filter((l) => l.value !== NO_VALUE);
  }

  /** Items of a list property: each raw item with its path, or the evaluated items of an expression. */
  protected items(raw: unknown, path: JsonPath): { value: unknown; path: JsonPath }[] {
    if (raw === undefined) return [];
    if (Array.isArray(raw)) return raw.map((value, i) => ({ value, path: [...path, i] }));
    if (isIntrinsic(raw)) {
      const v = this.ev.eval(raw);
      if (v === NO_VALUE) return [];
      if (Array.isArray(v)) return v.map((value, i) => ({ value, path: [...path, i] }));
      return [{ value: v, path }];
    }
    return [{ value: raw, path }];
  }

  protected lineOf(rec: { line?: number }, path: JsonPath | undefined): void {
    this.linePaths.push({ set: (l) => l !== undefined && (rec.line = l), path });
  }

  protected addRecord(owner: string, rec: PolicyRecord): void {
    this.policies.push(rec);
    const list = this.recordsOf.get(owner) ?? [];
    list.push(rec);
    this.recordsOf.set(owner, list);
  }
}

/** Whether a SAM function's Role may be absent: not given, or an Fn::If with a branch of AWS::NoValue. */
function mayHaveNoRole(role: unknown, depth = 0): boolean {
  if (role === undefined) return true;
  if (!isObject(role) || Object.keys(role).length !== 1) return false;
  if (role.Ref === 'AWS::NoValue') return true;
  const args = role['Fn::If'];
  return (
    depth < 4 &&
    Array.isArray(args) &&
    args.length === 3 &&
    (mayHaveNoRole(args[1], depth + 1) || mayHaveNoRole(args[2], depth + 1))
  );
}

/** The template Transforms whose work the tool does itself (SAM's, in sam.ts; the language extensions' Fn:: functions). */
const READ_TRANSFORMS = new Set(['AWS::Serverless-2016-10-31', 'AWS::LanguageExtensions']);

/** ` (the macro X, from Location)` of an `Fn::Transform` in place of resources. */
function macroOf(v: unknown): string {
  if (!isObject(v) || typeof v.Name !== 'string') return '';
  const at = isObject(v.Parameters) ? v.Parameters.Location : undefined;
  return ` (the macro ${v.Name}${typeof at === 'string' ? ` of ${at}` : ''})`;
}

/** The macros a template's `Transform` names (one or a list; a macro with parameters by its Name). */
export function transforms(root: Record<string, unknown>): string[] {
  const t = root.Transform;
  return (Array.isArray(t) ? t : t === undefined ? [] : [t]).map((x) =>
    typeof x === 'string' ? x : isObject(x) && typeof x.Name === 'string' ? x.Name : String(x),
  );
}

/**
 * Resources SAM makes that a template may refer to (what they stand for: resources.ts): the API
 * of its functions' `Api` and `HttpApi` events and its state machines' `Api` events without an API
 * of their own (`ServerlessRestApi`, `ServerlessHttpApi`), and a function's alias and version with
 * `AutoPublishAlias`, its own or its Globals one (`MyFn.Alias`, `MyFn.Version`, and the alias's own
 * id `MyFnAlias<name>`).
 */
function samGenerated(
  resources: Resource[],
  /** A function's property merged with its Globals one, as SAM reads it (samMerged). */
  merged: (r: Resource, name: string) => unknown,
): Resource[] {
  const out: Resource[] = [];
  const made = (logicalId: string, type: string, r: Resource, props: Record<string, unknown> = {}) =>
    out.push({
      logicalId,
      type,
      props,
      path: r.path,
      implicitFor: r.logicalId,
      // (a function's own alias and version: under its Condition; the API, shared, is not)
      ...(r.condition && logicalId.startsWith(r.logicalId) ? { condition: r.condition } : {}),
    });
  for (const r of resources) {
    if (!SAM_FUNCTIONS.has(r.type)) continue;
    // (a state machine's Api event too, stepfunctions/events.py Api; it has no HttpApi event)
    const events = isObject(r.props.Events) ? Object.values(r.props.Events) : [];
    for (const e of events) {
      if (!isObject(e)) continue;
      const own = isObject(e.Properties) ? e.Properties : {};
      if (e.Type === 'Api' && own.RestApiId === undefined)
        made('ServerlessRestApi', 'AWS::ApiGateway::RestApi', r);
      if (e.Type === 'HttpApi' && own.ApiId === undefined && r.type === 'AWS::Serverless::Function')
        made('ServerlessHttpApi', 'AWS::ApiGatewayV2::Api', r);
    }
    if (r.type !== 'AWS::Serverless::Function') continue;
    // (its own, else the Globals one: globals.py)
    const alias = merged(r, 'AutoPublishAlias');
    if (alias === undefined) continue;
    const fn = { FunctionName: { Ref: r.logicalId } };
    made(`${r.logicalId}.Alias`, 'AWS::Lambda::Alias', r, { ...fn, Name: alias });
    if (typeof alias === 'string')
      made(`${r.logicalId}Alias${alias}`, 'AWS::Lambda::Alias', r, { ...fn, Name: alias });
    made(`${r.logicalId}.Version`, 'AWS::Lambda::Version', r, fn);
  }
  return out;
}

/** Resource types that deploy another template, and the property that names it. */
const NESTED_STACKS: Record<string, string> = {
  'AWS::CloudFormation::Stack': 'TemplateURL',
  'AWS::Serverless::Application': 'Location',
  'AWS::CloudFormation::StackSet': 'TemplateURL',
};
const STACK_SET = 'AWS::CloudFormation::StackSet';

/** The template a nested stack names, as a message shows it. */
/** The end of a nested stack's reason: what to do (run.ts says instead where the audit did it). */
export const AUDIT_ON_ITS_OWN = 'audit it on its own (the parameters this stack passes are then not applied)';

/**
 * The template file a nested stack's reason (as written above) names, relative to the template
 * that deploys it (`./nested.yaml`); undefined for a URL, an application or a value not written.
 */
export function nestedTemplateFile(reason: string): string | undefined {
  if (!reason.endsWith(AUDIT_ON_ITS_OWN)) return undefined;
  const at = /^AWS::\S+ deploys the template at (\S+): /.exec(reason)?.[1];
  return at && !/^[a-z][\w+.-]*:/i.test(at) ? at : undefined;
}

function nestedTemplate(location: unknown): string {
  if (typeof location === 'string') return `the template at ${location}`;
  if (isObject(location) && typeof location.ApplicationId === 'string')
    return `the Serverless Application Repository application ${location.ApplicationId}`;
  return 'a template given by a value not written here';
}
