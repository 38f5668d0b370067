// Evaluating CloudFormation intrinsic functions offline, with what the template itself says:
// parameter defaults, Mappings, Conditions, pseudo-parameters, and the names and ARNs of the
// template's own resources (src/sources/cloudformation/resources.ts). What cannot be known here
// (a parameter without a default, Fn::ImportValue, a macro) is an Unknown with its reason; inside a
// string it reads as `*` (only that part of the string), and the reason is noted as approximate.
// While a policy document is read, that `*` is a marker first (UNKNOWN_PART): a Deny is never read
// broader than written, so its unknown parts are left out, not read as `*` (documents.ts).
import { MAX_DOCUMENT_CHARS } from '../../policy/document.js';
import type { JsonPath } from '../../core/json-lines.js';
import { ACCOUNT_PLACEHOLDER } from '../../policy/arn.js';
import { isObject } from '../parser.js';
import { UnknownTag } from './template.js';

export { ACCOUNT_PLACEHOLDER };

/** Longest reason or message kept (names in them come from the template, whatever their length). */
export const MAX_MESSAGE_LENGTH = 300;

/** Text cut to `max` characters (with an ellipsis). */
export function clipText(s: string, max = MAX_MESSAGE_LENGTH): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * Stands for an unknown part of a string while a policy document is read (private-use characters
 * around the index of its reason in Evaluator.unknownParts); read as `*` in the end.
 */
const UNKNOWN_PART = /\uE000(\d+)\uE001/g;
const HAS_UNKNOWN_PART = /\uE000\d+\uE001/;

/** True when a string (or any string or key in a value) holds an unknown part. */
export function hasUnknownPart(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\uE000') && HAS_UNKNOWN_PART.test(v);
  if (depth > MAX_EVAL_DEPTH || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => hasUnknownPart(x, depth + 1));
  return Object.entries(v).some(([k, x]) => hasUnknownPart(k) || hasUnknownPart(x, depth + 1));
}

/** A string with its unknown parts read as `*`; `seen` gets the index of each. */
export function unknownPartsAsWildcards(s: string, seen?: Set<number>): string {
  if (!s.includes('\uE000')) return s;
  return s.replace(UNKNOWN_PART, (_m, i: string) => {
    seen?.add(Number(i));
    return '*';
  });
}

/** A value not known offline, with why. */
/**
 * Whether a parameter's AllowedPattern may let it hold `*` or `?` (an IAM wildcard), read from the
 * pattern's text, never run: a repository's regular expression run by a backtracking engine can
 * take minutes on one character (a review: `(?:\*?|\*?){28}x` stalled an audit for 6 minutes), and
 * testing it against `*` alone misses `[a-z-]+\*`, which admits `prod-*`. It may when it writes a
 * `*` or `?` as a character (escaped, or in a class), a `.`, a negated class, `\W`, `\S`, `\D`, an
 * escape of a code (`\x2a`, `\u002a`, `\p{…}`), or a class range over `*` (0x2A) or `?` (0x3F); a
 * pattern of letters, digits, `-`, `_`, classes of them, `\d`, `\w`, `\s`, groups, anchors,
 * alternatives and quantifiers may not. Conservative: what it cannot read may.
 */
/**
 * Escapes that may stand for `*` or `?` (CloudFormation reads AllowedPattern as Java does): the
 * characters themselves, the negated classes (`\W`, `\S`, `\D`, `\H`, `\V`), any grapheme or
 * line break (`\X`, `\R`), a character by name or code (`\N{…}`, `\x2a`, `\u002a`, `\0…`,
 * `\c`), a property (`\p{Punct}`, `\P{…}`), a back-reference (`\k`, `\1`), quoting (`\Q*\E`).
 */
const WIDE_ESCAPE = /[*?WSDHVXRNxupPckQ0-9]/;

/** Escapes of control characters, as the characters they stand for. */
const CONTROL_ESCAPES: Record<string, string> = {
  t: '\t',
  n: '\n',
  r: '\r',
  f: '\f',
  e: '\u001b',
  a: '\u0007',
};

export function mayMatchWildcard(pattern: string): boolean {
  if (pattern.length > 1000) return true;
  const wild = (c: number) => c === 0x2a || c === 0x3f;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const e = pattern[i + 1];
      if (e === undefined || WIDE_ESCAPE.test(e)) return true;
      i += 2;
      continue;
    }
    if (ch === '.') return true;
    if (ch === '[') {
      i++;
      if (pattern[i] === '^') return true;
      let prev = -1;
      let closed = false;
      while (i < pattern.length) {
        let c = pattern[i]!;
        if (c === ']') {
          closed = true;
          i++;
          break;
        }
        let escaped = false;
        if (c === '\\') {
          const e = pattern[i + 1];
          if (e === undefined || WIDE_ESCAPE.test(e)) return true;
          // (`\t` is a tab, not a `t`: a range from it may reach `*`)
          c = /[dwshv]/.test(e) ? '' : (CONTROL_ESCAPES[e] ?? e);
          escaped = true;
          i += 2;
        } else i++;
        // (Java's classes nest: `[a[^b]]`)
        if (c === '[' && !escaped) return true;
        if (c === '') {
          prev = -1;
          continue;
        }
        const code = c.codePointAt(0)!;
        if (wild(code)) return true;
        // A range `a-b`: an unescaped `-` between two characters.
        if (c === '-' && !escaped && prev >= 0 && pattern[i] !== undefined && pattern[i] !== ']') {
          let to = pattern[i]!;
          if (to === '\\') {
            const e = pattern[i + 1];
            if (e === undefined || !/[-\]\\^\[]/.test(e)) return true;
            to = e;
            i += 2;
          } else i++;
          const hi = to.codePointAt(0)!;
          if ((prev <= 0x2a && hi >= 0x2a) || (prev <= 0x3f && hi >= 0x3f)) return true;
          prev = -1;
          continue;
        }
        prev = code;
      }
      if (!closed) return true;
      continue;
    }
    i++;
  }
  return false;
}

export class Unknown {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = clipText(unknownPartsAsWildcards(reason));
  }
}

/** `Ref: AWS::NoValue`: the property or list item is left out. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** Deepest nesting of intrinsic functions and values evaluated. */
export const MAX_EVAL_DEPTH = 256;
/**
 * Most values evaluated for one policy, and for a whole template. YAML aliases can make a small
 * file stand for a huge value; AWS caps a policy at a few tens of kilobytes, far below these. (A
 * review: 40 policies of 10 KB of aliases, each at the first bound, took 31 s under the second at
 * ten million; at two million, a template's evaluation stops within seconds.)
 */
export const MAX_EVAL_VALUES = 100_000;
export const MAX_TEMPLATE_EVAL_VALUES = 2_000_000;

export interface EvalHooks {
  /** `Ref` to a resource of the template (undefined when it is not one). */
  ref(logicalId: string, ev: Evaluator): unknown;
  /** `Fn::GetAtt` of a resource of the template (undefined when it is not one). */
  getAtt(logicalId: string, attribute: string, ev: Evaluator): unknown;
  /** Called on a reference cycle (`A -> B -> A`). */
  cycle(chain: string[]): void;
  /** Called on a malformed intrinsic function, with the source path when known. */
  problem(message: string, at: JsonPath | undefined): void;
}

const PSEUDO: Record<string, unknown> = {
  'AWS::AccountId': ACCOUNT_PLACEHOLDER,
  'AWS::Partition': 'aws',
  'AWS::Region': '*',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::NoValue': NO_VALUE,
};

/**
 * The stack's region, in a policy document: one of any, read as `*` in an Allow (as everywhere,
 * without a note: that is what a region in an ARN of a template means), and left out of a Deny,
 * which is never read broader than written (a Deny in its region, read in every one, would hide
 * what the policy grants elsewhere).
 */
const REGION_REASON = "AWS::Region: the stack's region";

/** Regions of another partition than `aws` (GovCloud, China, the isolated ones). */
const OTHER_PARTITION_REGION = /^(?:us-gov-|cn-|us-iso[a-z]?-|eu-isoe-)/;

/** A CloudFormation dynamic reference (resolved at deploy time) in text, and text that is one. */
const DYNAMIC_REFERENCE = /\{\{resolve:[^{}]*\}\}/g;
const DYNAMIC_REFERENCE_WHOLE = /^\s*\{\{resolve:[^{}]*\}\}\s*$/;

/** Why a parameter with a default is not known in a reading of a document (offDefault()). */
const NOT_DEFAULT = 'another value than its default';

/** possible(): a value of a parameter other than every one its conditions compare it with. */
const OTHER_VALUE = '\u0000another value';
/** Most functions one condition is read through (conditionValue). */
const MAX_CONDITION_STEPS = 100_000;
const CONDITION_BUDGET = 'the condition stands for more than';
/** possible(): at most so many functions of conditions are read in all. */
const MAX_TRY_STEPS = 1_000_000;
/** possible(): at most so many combinations of parameter values are tried. */
const MAX_VALUATIONS = 1024;

const UNKNOWN_PSEUDO: Record<string, string> = {
  'AWS::StackName': 'the stack name is chosen at deploy time',
  'AWS::StackId': 'the stack id is made at deploy time',
  'AWS::NotificationARNs': 'the stack notification ARNs are chosen at deploy time',
};

export const INTRINSICS = new Set([
  'Ref',
  'Fn::Sub',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::If',
  'Fn::Select',
  'Fn::Split',
  'Fn::FindInMap',
  'Fn::ImportValue',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::GetAZs',
  'Fn::Transform',
  'Fn::Length',
  'Fn::ToJsonString',
  'Condition',
]);

function intrinsicOf(v: Record<string, unknown>): string | undefined {
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  // Any other `Fn::` (Fn::ForEach, Fn::Contains of Rules, a typo) is said to be unsupported.
  return (INTRINSICS.has(k) && k !== 'Condition') || k.startsWith('Fn::') ? k : undefined;
}

/** Conditions given values as a text that is the same for the same values (a cache's key). */
function sortedKey(values: ReadonlyMap<string, boolean>): string {
  return JSON.stringify([...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A value written as an intrinsic function: an object of one key, `Ref` or `Fn::…`. */
export function isIntrinsic(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && /^(Fn::|Ref$)/.test(keys[0]!);
}

/** The Unknown inside a value, if it is one (or an unknown tag). */
export function asUnknown(v: unknown): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (v instanceof UnknownTag) return new Unknown(`unknown tag ${v.tag}${v.line ? ` (line ${v.line})` : ''}`);
  return undefined;
}

export class Evaluator {
  /** Reasons the values evaluated since the last reset are approximate. */
  approximations = new Set<string>();
  /**
   * While a policy document is read (begin(true)): unknown parts are markers (UNKNOWN_PART), the
   * reason of each at its index here, so that a Deny can leave them out and the notes say only
   * what is read as `*`.
   */
  private marking = false;
  private unknownParts: string[] = [];
  /** Approximations noted other than by a marker (kept whatever is left out). */
  private directNotes = new Set<string>();
  private readonly inProgress: string[] = [];
  private readonly conditionCache = new Map<string, boolean | Unknown>();
  /**
   * While a policy document is read: the conditions not known offline that an `Fn::If` of it
   * consulted (name -> why it is not known), so that the document can be read with each of their
   * branches (documents.ts), never one chosen silently.
   */
  readonly unknownIfConditions = new Map<string, string>();
  /**
   * Of those, the ones known offline only because the parameters they rest on are read with their
   * defaults (name -> the value so read and those parameters, `EnableAdmin "false"`): a stack
   * deployed with other values may have the other branch, so a document is read with both too,
   * never the default's one silently. Kept from begin() on, through every reading (beginVariant).
   */
  readonly defaultIfConditions = new Map<string, { value: boolean; defaults: string[] }>();
  /** Conditions given a value for one reading of a document (each of their branches in turn). */
  private forced: ReadonlyMap<string, boolean> | undefined;
  /**
   * The conditions the resource whose policies are read is created under, not known offline: true
   * then (it exists only when they are), whatever is begun meanwhile (assuming()).
   */
  private assumed: ReadonlyMap<string, boolean> | undefined;
  /** Parameters (and the stack's region) given a value while possible() tries them. */
  private overrides: ReadonlyMap<string, string> | undefined;
  /** While possible() tries values: no problem or cycle reported (they were, when first met). */
  private quiet = false;
  private depth = 0;
  private evaluated = 0;
  private evaluatedInTemplate = 0;

  /**
   * Starts the evaluation of one value: no approximations yet, a fresh budget. `markUnknownParts`
   * (a policy document): unknown text is a marker, not `*`, until endMarking().
   */
  begin(markUnknownParts = false): void {
    this.approximations = new Set();
    this.evaluated = 0;
    this.marking = markUnknownParts;
    this.unknownParts = [];
    this.directNotes = new Set();
    this.unknownIfConditions.clear();
    this.defaultIfConditions.clear();
    this.forced = undefined;
  }

  /**
   * Starts one more reading of the same document (begin(true) first) with these conditions taken
   * as true or false: a fresh budget; its unknown parts and notes add to those of the others.
   */
  beginVariant(forced: ReadonlyMap<string, boolean> | undefined): void {
    this.evaluated = 0;
    this.forced = forced;
    this.unknownIfConditions.clear();
  }

  /**
   * Runs `f` with these conditions (a resource's own, not known offline) read as the values given,
   * and possible() only with them so (`!If [IsProd, …]` in a resource of `Condition: IsProd` is
   * read true; a condition that excludes IsProd, false); with none (undefined), as they are.
   */
  assuming<T>(assumed: ReadonlyMap<string, boolean> | undefined, f: () => T): T {
    const was = { assumed: this.assumed, cache: this.assumedCache, key: this.assumedKey };
    this.assumed = assumed;
    this.assumedCache = new Map();
    this.assumedKey = assumed ? sortedKey(assumed) : '';
    try {
      return f();
    } finally {
      this.assumed = was.assumed;
      this.assumedCache = was.cache;
      this.assumedKey = was.key;
    }
  }

  /** The conditions read with the conditions assumed (and none forced): assuming(). */
  private assumedCache = new Map<string, boolean | Unknown>();
  /** The conditions assumed as a key of possibleCache. */
  private assumedKey = '';

  /** Unknown text reads as `*` again. */
  endMarking(): void {
    this.marking = false;
    this.unknownParts = [];
    this.forced = undefined;
  }

  /** Runs `f` with unknown text marked (unknown parts of a condition's operands: not known, never `*`). */
  private marked<T>(f: () => T): T {
    return this.withMarking(true, f);
  }

  /** Runs `f` with unknown text read as `*` (a value that is not part of the document: a name, a condition). */
  private unmarked<T>(f: () => T): T {
    return this.withMarking(false, f);
  }

  private withMarking<T>(marking: boolean, f: () => T): T {
    const was = this.marking;
    this.marking = marking;
    try {
      return f();
    } finally {
      this.marking = was;
    }
  }

  /** Notes why the value is approximate (not an unknown part: kept whatever is left out). */
  note(reason: string): void {
    this.approximations.add(reason);
    this.directNotes.add(reason);
  }

  /**
   * Of a policy read with markers: `kept` holds the indexes of the markers still in the document
   * read (each read as `*`); the reasons of the others, left out, are no longer approximations.
   */
  keepNotesOf(kept: ReadonlySet<number>): void {
    const read = new Set<string>();
    for (const i of kept) if (this.unknownParts[i] !== undefined) read.add(this.unknownParts[i]);
    for (const r of this.unknownParts)
      if (!read.has(r) && !this.directNotes.has(r)) this.approximations.delete(r);
  }

  /**
   * The one value an unknown part (its marker's index) stands for, as the placeholder a resource
   * is read with, or undefined: a String or Number parameter without a default (`<BucketName>`),
   * the stack's name or id (or a part of one: `<AWS::StackId>`). Each is one value the stack is
   * given or made with, not every value (a review: CloudZero's CUR bucket, a parameter, and the
   * bucket it names after the stack's id, were told "narrow the resources").
   */
  oneValueOf(i: number): string | undefined {
    const r = this.unknownParts[i];
    if (r === undefined) return undefined;
    const m = new RegExp(`^parameter ([A-Za-z0-9]+)(?: has no default|: ${NOT_DEFAULT} \\(.*\\))$`).exec(r);
    if (m) {
      const params = isObject(this.template.Parameters) ? this.template.Parameters : {};
      const p = Object.hasOwn(params, m[1]!) ? params[m[1]!] : undefined;
      const type = isObject(p) && typeof p.Type === 'string' ? p.Type : 'String';
      if (!/^(String|Number|AWS::SSM::Parameter::Value<String>)$/.test(type)) return undefined;
      // (a parameter whose AllowedValues or AllowedPattern let it hold a wildcard: not one value)
      if (
        isObject(p) &&
        Array.isArray(p.AllowedValues) &&
        p.AllowedValues.some((v) => /[*?]/.test(String(v)))
      )
        return undefined;
      if (isObject(p) && p.AllowedPattern !== undefined && mayMatchWildcard(String(p.AllowedPattern)))
        return undefined;
      return `<${m[1]}>`;
    }
    for (const name of ['AWS::StackName', 'AWS::StackId'])
      if (r === `${name}: ${UNKNOWN_PSEUDO[name]}`) return `<${name}>`;
    return undefined;
  }

  /** The reason of an unknown part (its marker's index). */
  reasonOf(i: number): string | undefined {
    return this.unknownParts[i];
  }

  /**
   * A value as JSON with each unknown part written with its reason (two readings of a document
   * give the same text for the same value, whatever the markers' indexes).
   */
  sameText(v: unknown): string {
    const s = JSON.stringify(v) ?? '';
    return s.includes('\uE000')
      ? s.replace(UNKNOWN_PART, (_m, i: string) => `\uE000${this.unknownParts[Number(i)] ?? ''}\uE001`)
      : s;
  }

  constructor(
    readonly template: Record<string, unknown>,
    readonly hooks: EvalHooks,
    /** Source paths of the template's objects and lists (for lines of problems and of statements). */
    readonly originOf: (v: object) => JsonPath | undefined,
    /** Evaluated objects and lists -> the source path they came from. */
    readonly madeFrom = new WeakMap<object, JsonPath>(),
  ) {}

  private where(v: unknown): JsonPath | undefined {
    return typeof v === 'object' && v !== null ? (this.originOf(v) ?? this.madeFrom.get(v)) : undefined;
  }

  /** Runs `f` as the evaluation of `key` (a resource or condition), reporting a cycle instead of looping. */
  guard<T>(key: string, f: () => T, onCycle: () => T): T {
    const at = this.inProgress.indexOf(key);
    if (at >= 0) {
      if (!this.quiet) this.hooks.cycle([...this.inProgress.slice(at), key]);
      return onCycle();
    }
    this.inProgress.push(key);
    try {
      return f();
    } finally {
      this.inProgress.pop();
    }
  }

  /** Evaluates a value: intrinsic functions replaced by what they stand for, NoValue dropped. */
  eval(v: unknown): unknown {
    if (typeof v === 'string') return v.includes('{{resolve:') ? this.dynamicReferences(v) : v;
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Unknown) return v;
    if (v instanceof UnknownTag) return asUnknown(v);
    if (++this.evaluated > MAX_EVAL_VALUES)
      return new Unknown(
        `the value stands for more than ${MAX_EVAL_VALUES} values (YAML aliases?): not read`,
      );
    if (++this.evaluatedInTemplate > MAX_TEMPLATE_EVAL_VALUES)
      return new Unknown(
        `the template stands for more than ${MAX_TEMPLATE_EVAL_VALUES} values: the rest is not read`,
      );
    if (++this.depth > MAX_EVAL_DEPTH) {
      this.depth--;
      return new Unknown(`values nested more than ${MAX_EVAL_DEPTH} levels deep`);
    }
    try {
      if (Array.isArray(v)) {
        const out: unknown[] = [];
        for (const x of v) {
          const e = this.eval(x);
          if (e !== NO_VALUE) out.push(e);
        }
        const from = this.where(v);
        if (from) this.madeFrom.set(out, from);
        return out;
      }
      if (!isObject(v)) return v;
      const fn = intrinsicOf(v);
      if (fn) return this.intrinsic(fn, v[fn], this.where(v));
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const e = this.eval(x);
        if (e !== NO_VALUE) out[k] = e;
      }
      const from = this.where(v);
      if (from) this.madeFrom.set(out, from);
      return out;
    } finally {
      this.depth--;
    }
  }

  /**
   * Text with dynamic references (`{{resolve:ssm:/app/bucket}}`, `secretsmanager`, `ssm-secure`),
   * which CloudFormation resolves at deploy time: each not known (a part read as `*`, noted), the
   * whole text when it is one.
   */
  private dynamicReferences(text: string): unknown {
    const unknown = (ref: string) =>
      new Unknown(`dynamic reference ${clipText(ref, 120)}: resolved at deploy time`);
    const whole = DYNAMIC_REFERENCE_WHOLE.exec(text);
    if (whole) return unknown(text.trim());
    return text.replace(DYNAMIC_REFERENCE, (ref) => this.str(unknown(ref)));
  }

  /** A value as text: unknown parts become `*` (noted; a marker while marking); lists are joined with commas. */
  str(v: unknown): string {
    const u = asUnknown(v);
    if (u) {
      if (u.reason !== REGION_REASON) this.approximations.add(u.reason);
      if (!this.marking) {
        this.directNotes.add(u.reason);
        return '*';
      }
      this.unknownParts.push(u.reason);
      return `\uE000${this.unknownParts.length - 1}\uE001`;
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) {
      // (lists of lists through YAML aliases: bounded as Fn::Join is, never built past it)
      const parts: string[] = [];
      let size = 0;
      for (const x of v) {
        const s = this.str(x);
        size += s.length + 1;
        if (size > MAX_VALUE_CHARS) return this.str(tooLong('a list as text'));
        parts.push(s);
      }
      return parts.join(',');
    }
    if (v === NO_VALUE || v === null || v === undefined) return '';
    return this.str(new Unknown('an object where text was expected'));
  }

  private bad(full: string, at: JsonPath | undefined): Unknown {
    const message = unknownPartsAsWildcards(full);
    if (!this.quiet) this.hooks.problem(message, at);
    return new Unknown(message);
  }

  private args(arg: unknown, n: number, fn: string, at: JsonPath | undefined): unknown[] | Unknown {
    if (!Array.isArray(arg) || arg.length < n)
      return this.bad(`${fn} expects a list of ${n} arguments, got ${describe(arg)}`, at);
    return arg;
  }

  private intrinsic(fn: string, arg: unknown, at: JsonPath | undefined): unknown {
    switch (fn) {
      case 'Ref':
        return typeof arg === 'string'
          ? this.ref(arg, at)
          : this.bad(`Ref expects a name, got ${describe(arg)}`, at);
      case 'Fn::GetAtt': {
        let parts: unknown[];
        if (typeof arg === 'string') {
          const dot = arg.indexOf('.');
          parts = dot < 0 ? [arg] : [arg.slice(0, dot), arg.slice(dot + 1)];
        } else if (Array.isArray(arg)) parts = arg.map((x) => this.eval(x));
        else parts = [];
        if (parts.length !== 2 || typeof parts[0] !== 'string')
          return this.bad(`Fn::GetAtt expects a resource and an attribute, got ${describe(arg)}`, at);
        const attr = parts[1];
        if (typeof attr !== 'string')
          return new Unknown(`Fn::GetAtt ${parts[0]} with an attribute not known here`);
        const r = this.hooks.getAtt(parts[0], attr, this);
        return r === undefined
          ? this.bad(`Fn::GetAtt ${parts[0]}.${attr}: ${parts[0]} is not a resource of this template`, at)
          : r;
      }
      case 'Fn::Sub':
        return this.sub(arg, at);
      case 'Fn::Join': {
        const a = this.args(arg, 2, fn, at);
        if (a instanceof Unknown) return a;
        const delim = this.eval(a[0]);
        const list = this.eval(a[1]);
        const lu = asUnknown(list);
        if (lu) return lu;
        if (!Array.isArray(list))
          return this.bad(`Fn::Join expects a list to join, got ${describe(list)}`, at);
        const sep = this.str(delim);
        const parts: string[] = [];
        let size = 0;
        for (const x of list) {
          const s = this.str(x);
          size += s.length + sep.length;
          if (size > MAX_VALUE_CHARS) return tooLong('Fn::Join');
          parts.push(s);
        }
        return parts.join(sep);
      }
      case 'Fn::Select': {
        const a = this.args(arg, 2, fn, at);
        if (a instanceof Unknown) return a;
        const idx = this.eval(a[0]);
        const list = this.eval(a[1]);
        const u = asUnknown(list) ?? asUnknown(idx);
        if (u) return u;
        const i = Number(idx);
        if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length)
          return this.bad(`Fn::Select index ${String(idx)} is not in the list ${describe(list)}`, at);
        return list[i];
      }
      case 'Fn::Split': {
        const a = this.args(arg, 2, fn, at);
        if (a instanceof Unknown) return a;
        const delim = this.eval(a[0]);
        const s = this.eval(a[1]);
        const u = asUnknown(s);
        if (u) return u;
        if (typeof delim !== 'string' || typeof s !== 'string')
          return this.bad(`Fn::Split expects a delimiter and a string, got ${describe(arg)}`, at);
        return s.split(delim);
      }
      case 'Fn::FindInMap':
        return this.findInMap(arg, at);
      case 'Fn::If': {
        const a = this.args(arg, 3, fn, at);
        if (a instanceof Unknown) return a;
        if (typeof a[0] !== 'string')
          return this.bad(`Fn::If expects a condition name, got ${describe(a[0])}`, at);
        const name = a[0];
        const inDocument = this.marking;
        const c = this.unmarked(() => this.condition(name, at));
        if (c instanceof Unknown) {
          // (in a document, read again with each branch: readings() in documents.ts notes that)
          if (inDocument) {
            if (!this.unknownIfConditions.has(name)) this.unknownIfConditions.set(name, c.reason);
          } else this.note(`condition ${a[0]} is not known (${c.reason}): read as true`);
          return this.eval(a[1]);
        }
        // In a document, a condition known only by the parameters' defaults is read both ways too
        // (a stack deployed with other values has the other branch: `Effect: !If [IsProd, Deny,
        // Allow]` is an Allow there); one the resource is created under, or given a value, is not.
        if (inDocument && !this.forced?.has(name) && !this.assumed?.has(name)) {
          const defaults = this.defaultsUnder(name);
          if (defaults.length > 0) {
            if (!this.unknownIfConditions.has(name))
              this.unknownIfConditions.set(name, `${String(c)} with the parameters' defaults`);
            if (!this.defaultIfConditions.has(name))
              this.defaultIfConditions.set(name, { value: c, defaults });
          }
        }
        return this.eval(c ? a[1] : a[2]);
      }
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return this.unmarked(() => this.conditionValue({ [fn]: arg }, at));
      case 'Condition':
        return typeof arg === 'string'
          ? this.unmarked(() => this.condition(arg, at))
          : this.bad('Condition expects a name', at);
      case 'Fn::ImportValue': {
        const name = this.unmarked(() => this.str(this.eval(arg)));
        return new Unknown(`Fn::ImportValue ${name}: another stack's output`);
      }
      case 'Fn::Base64':
        return this.eval(arg);
      case 'Fn::GetAZs':
        return new Unknown('Fn::GetAZs: the availability zones are known at deploy time');
      case 'Fn::Cidr':
        return new Unknown('Fn::Cidr: address blocks are not evaluated');
      case 'Fn::Length': {
        const l = this.eval(arg);
        return Array.isArray(l) ? l.length : (asUnknown(l) ?? this.bad('Fn::Length expects a list', at));
      }
      case 'Fn::ToJsonString': {
        const v = this.eval(arg);
        const u = asUnknown(v);
        return u ?? JSON.stringify(v, (_k, x: unknown) => (x instanceof Unknown ? this.str(x) : x));
      }
      case 'Fn::Transform': {
        const name = isObject(arg)
          ? arg.Name
          : Array.isArray(arg) && isObject(arg[0])
            ? arg[0].Name
            : undefined;
        return new Unknown(
          `Fn::Transform: the macro ${typeof name === 'string' ? name : '(unnamed)'} makes this value at deploy time; it is not evaluated`,
        );
      }
    }
    return this.bad(`${fn} is not supported`, at);
  }

  /** `Ref` to a pseudo-parameter, parameter or resource. */
  ref(name: string, at: JsonPath | undefined): unknown {
    const given = this.overrides?.get(name);
    if (given !== undefined) return given;
    // (not known offline: a condition on it is not known either, and is read both ways in a policy)
    if (name === 'AWS::Region') return new Unknown(REGION_REASON);
    if (Object.hasOwn(PSEUDO, name)) return PSEUDO[name];
    if (Object.hasOwn(UNKNOWN_PSEUDO, name)) return new Unknown(`${name}: ${UNKNOWN_PSEUDO[name]}`);
    const params = isObject(this.template.Parameters) ? this.template.Parameters : {};
    if (Object.hasOwn(params, name)) {
      // (in a reading with a condition given the value its default does not give: another value)
      const off = this.offDefault(name);
      if (off)
        return new Unknown(`parameter ${name}: ${NOT_DEFAULT} (condition ${off[0]} ${String(off[1])})`);
      return this.parameter(name, params[name]);
    }
    const r = this.hooks.ref(name, this);
    if (r !== undefined) return r;
    return this.bad(`Ref ${name}: not a parameter, resource or pseudo-parameter of this template`, at);
  }

  /**
   * A condition given a value (beginVariant) that the parameters' defaults do not give it and that
   * rests on parameter `name`: that reading is of a stack deployed with another value of it, not
   * known (read as `*` where it is a part of an Allow, left out of a Deny), never its default.
   */
  private offDefault(name: string): [string, boolean] | undefined {
    if (!this.forced) return undefined;
    for (const [c, b] of this.forced) {
      const d = this.defaultIfConditions.get(c);
      if (d && d.value !== b && this.conditionRefs(c).has(name)) return [c, b];
    }
    return undefined;
  }

  private parameter(name: string, p: unknown): unknown {
    if (!isObject(p) || p.Default === undefined || p.Default === null)
      return new Unknown(`parameter ${name} has no default`);
    // A NoEcho parameter holds a secret: its default never reaches a document, a finding or a message.
    if (p.NoEcho === true || p.NoEcho === 'true')
      return new Unknown(`parameter ${name} is NoEcho (a secret)`);
    const type = typeof p.Type === 'string' ? p.Type : 'String';
    const d = p.Default;
    if (/^(List<|CommaDelimitedList)/.test(type)) {
      if (Array.isArray(d)) return d.map((x) => this.str(x));
      return String(d)
        .split(',')
        .map((s) => s.trim());
    }
    if (type.startsWith('AWS::SSM::Parameter::Value'))
      return new Unknown(`parameter ${name} is read from SSM parameter ${String(d)} at deploy time`);
    return typeof d === 'object' ? d : String(d);
  }

  private findInMap(arg: unknown, at: JsonPath | undefined): unknown {
    const a = this.args(arg, 3, 'Fn::FindInMap', at);
    if (a instanceof Unknown) return a;
    const keys = a.slice(0, 3).map((x) => this.eval(x));
    const options = a.length > 3 && isObject(a[3]) ? a[3] : undefined;
    const fallback = () =>
      options && options.DefaultValue !== undefined ? this.eval(options.DefaultValue) : undefined;
    // A key not known: the value is one of the entries (or the default when none has the key), not
    // known; by region (or by the stack's account, a placeholder here), at either level, the one
    // value every such entry holds (and the default, if any).
    const byStack = keys.map((k) => stackKey(k));
    const chosen = (by: string) =>
      new Unknown(`Fn::FindInMap ${describe(a[0])}: its entry is chosen by the stack's ${by}`);
    // (any other key not known first: its reason is the one noted)
    const other = keys.find((k, i) => asUnknown(k) && byStack[i] === undefined);
    if (other !== undefined) return other;
    const by = byStack.find((x) => x !== undefined);
    if (by !== undefined) {
      if (byStack[0] !== undefined) return chosen(by);
      const same = this.sameInEveryEntry(keys, byStack);
      const d = options?.DefaultValue;
      if (same !== undefined && (d === undefined || JSON.stringify(d) === JSON.stringify(same)))
        return this.eval(same);
      return chosen(by);
    }
    const [m, k1, k2] = this.unmarked(() => keys.map((k) => this.str(k)));
    const maps = isObject(this.template.Mappings) ? this.template.Mappings : {};
    const top = maps[m!];
    const mid = isObject(top) ? top[k1!] : undefined;
    const v = isObject(mid) ? mid[k2!] : undefined;
    if (v === undefined) {
      const d = fallback();
      if (d !== undefined) return d;
      return this.bad(`Fn::FindInMap ${m}.${k1}.${k2}: no such entry in Mappings`, at);
    }
    return this.eval(v);
  }

  /**
   * Of Fn::FindInMap keys, some chosen by the stack's region or account (`byStack`; the others
   * known): the value every entry they may choose holds, when they are all the same; else undefined.
   */
  private sameInEveryEntry(keys: unknown[], byStack: ('region' | 'account' | undefined)[]): unknown {
    const maps = isObject(this.template.Mappings) ? this.template.Mappings : {};
    const top = maps[this.unmarked(() => this.str(keys[0]))];
    // (each level: every entry when its key is the stack's, else the one the key names)
    const entries = (of: unknown, i: number): unknown[] => {
      if (!isObject(of)) return [undefined];
      if (byStack[i] !== undefined) return Object.values(of);
      return [of[this.unmarked(() => this.str(keys[i]))]];
    };
    const values = entries(top, 1).flatMap((e) => entries(e, 2));
    if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
    const text = JSON.stringify(values[0]);
    return values.every((v) => JSON.stringify(v) === text) ? values[0] : undefined;
  }

  /** A named condition of the template: true, false or unknown. */
  condition(name: string, at: JsonPath | undefined): boolean | Unknown {
    const f = this.forced?.get(name) ?? this.assumed?.get(name);
    if (f !== undefined) return f;
    const given = this.forced !== undefined || this.assumed !== undefined;
    const cached = this.overrides ? this.overrideCache.get(name) : this.conditionCache.get(name);
    // A condition not known may be known from the conditions given a value (beginVariant, assuming).
    if (cached !== undefined && !(given && cached instanceof Unknown)) return cached;
    const assumedOnly = !this.overrides && !this.forced && this.assumed !== undefined;
    const had = assumedOnly ? this.assumedCache.get(name) : undefined;
    if (had !== undefined) return had;
    const conds = isObject(this.template.Conditions) ? this.template.Conditions : {};
    if (!Object.hasOwn(conds, name)) return this.bad(`condition ${name} is not defined in Conditions`, at);
    const v = this.guard(
      `Conditions.${name}`,
      () => this.conditionValue(conds[name], ['Conditions', name]),
      () => new Unknown(`condition ${name} refers to itself`),
    );
    // (an Unknown from the budget of a condition read around this one is not its own: not kept)
    if (this.conditionDepth > 0 && v instanceof Unknown && v.reason.startsWith(CONDITION_BUDGET)) return v;
    if (this.overrides) this.overrideCache.set(name, v);
    else if (!given) this.conditionCache.set(name, v);
    else if (assumedOnly) this.assumedCache.set(name, v);
    return v;
  }

  /**
   * Whether the stack can have these conditions (not known offline, or known only by the
   * parameters' defaults) so: some values of the parameters they rest on, with a default or
   * without (a stack may be deployed with any), and of the stack's region and account, give each
   * its value. Each such parameter is tried with its AllowedValues, else with each literal the
   * conditions compare it (or a parameter linked to it) with and one other value per parameter
   * linked. IsProd true with IsNotProd (`!Not [Condition: IsProd]`)
   * true is not possible. True when it cannot tell (a condition resting on another value not known,
   * or more than MAX_VALUATIONS values to try).
   */
  possible(given: ReadonlyMap<string, boolean>): boolean {
    const key = sortedKey(given);
    if (!this.assumed) return this.possibleAs(key, given);
    // With the conditions assumed (assuming()) that refer to a name these do: one that does not
    // cannot exclude any of their values, and left out, the answer is shared with every resource.
    // (One linked through another resource's value is left out: nothing is excluded that way.)
    const asked = `${this.assumedKey}\u0000${key}`;
    let known = this.assumedPossible.get(asked);
    if (known === undefined) {
      const names = new Set([...given.keys()].flatMap((n) => [...this.conditionRefs(n)]));
      const related = [...this.assumed].filter(([n]) => [...this.conditionRefs(n)].some((x) => names.has(x)));
      const forced = related.length > 0 ? new Map([...related, ...given]) : given;
      known = this.possibleAs(forced === given ? key : sortedKey(forced), forced);
      this.assumedPossible.set(asked, known);
    }
    return known;
  }

  /** possible() of these conditions (their sortedKey), the same for every document of the template. */
  private possibleAs(key: string, forced: ReadonlyMap<string, boolean>): boolean {
    let known = this.possibleCache.get(key);
    if (known === undefined) this.possibleCache.set(key, (known = this.tryValues(forced)));
    return known;
  }

  /** possible() with the conditions assumed (their key first). */
  private readonly assumedPossible = new Map<string, boolean>();
  private readonly possibleCache = new Map<string, boolean>();

  /**
   * A condition known offline only because the parameters it rests on are read with their
   * defaults, and that a stack deployed with other values (their AllowedValues permitting) can
   * have the other way: its value so read and those defaults. None when it is not known, is
   * given or assumed a value, rests on no such parameter, or only the default's branch can hold.
   * An Fn::If on it outside a document (what a role is given) is read with both branches.
   */
  knownByDefault(name: string): { value: boolean; defaults: string[] } | undefined {
    if (this.forced?.has(name) || this.assumed?.has(name)) return undefined;
    const c = this.condition(name, undefined);
    if (typeof c !== 'boolean') return undefined;
    const defaults = this.defaultsUnder(name);
    if (defaults.length === 0 || !this.possible(new Map([[name, !c]]))) return undefined;
    return { value: c, defaults };
  }

  /**
   * The parameters read with their default that a condition rests on (through the conditions it
   * names), each as `Name "default"` (a list's items joined by commas); none when it rests on none
   * (a NoEcho or SSM parameter, or one without a default, is not known: never among them).
   */
  defaultsUnder(name: string): string[] {
    const params = isObject(this.template.Parameters) ? this.template.Parameters : {};
    const out: string[] = [];
    for (const r of this.conditionRefs(name)) {
      if (!Object.hasOwn(params, r)) continue;
      const v = this.parameter(r, params[r]);
      if (v instanceof Unknown) continue;
      const text = Array.isArray(v)
        ? v.map((x) => this.str(x)).join(',')
        : typeof v === 'string'
          ? v
          : describe(v);
      out.push(`${r} ${JSON.stringify(clipText(text, 60))}`);
    }
    return out;
  }

  /**
   * The names a condition refers to (`Ref`, `${X}` of an `Fn::Sub`, the resource of an
   * `Fn::GetAtt`), through the conditions it names: what possible() may find it linked by.
   */
  private conditionRefs(name: string): ReadonlySet<string> {
    let refs = this.refsCache.get(name);
    if (refs) return refs;
    refs = new Set<string>();
    this.refsCache.set(name, refs);
    const conds = isObject(this.template.Conditions) ? this.template.Conditions : {};
    const seen = new Set<unknown>();
    const walk = (v: unknown, depth: number): void => {
      if (depth > MAX_EVAL_DEPTH || typeof v !== 'object' || v === null || seen.has(v)) return;
      seen.add(v);
      if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Condition' && typeof x === 'string' && Object.hasOwn(conds, x)) {
          for (const r of this.conditionRefs(x)) refs.add(r);
          continue;
        }
        if (k === 'Fn::Sub') for (const n of subNames(x)) refs.add(n);
        if (k === 'Ref' && typeof x === 'string') refs.add(x);
        const att = k === 'Fn::GetAtt' ? getAttTarget(x)?.resource : undefined;
        if (att !== undefined) refs.add(att);
        walk(x, depth + 1);
      }
    };
    if (Object.hasOwn(conds, name)) walk(conds[name], 0);
    return refs;
  }

  private readonly refsCache = new Map<string, Set<string>>();
  /** The conditions evaluated with the parameter values possible() tries now. */
  private readonly overrideCache = new Map<string, boolean | Unknown>();

  private tryValues(forced: ReadonlyMap<string, boolean>): boolean {
    const conds = isObject(this.template.Conditions) ? this.template.Conditions : {};
    const params = isObject(this.template.Parameters) ? this.template.Parameters : {};
    const literals = new Map<string, Set<string>>();
    const seen = new Set<string>();
    const scalar = (x: unknown): x is string | number | boolean =>
      typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
    // (a parameter with a default too: a stack may be deployed with another value of it)
    const tried = (name: string): boolean =>
      name === 'AWS::Region' || name === 'AWS::AccountId' || Object.hasOwn(params, name);
    // A parameter's AllowedValues, where they limit its value (not for an SSM parameter type, whose
    // key they check, nor for a list type, whose items they check).
    const allowedOf = (name: string): string[] | undefined => {
      const p = params[name];
      if (name === 'AWS::Region' || name === 'AWS::AccountId' || !isObject(p)) return undefined;
      const type = typeof p.Type === 'string' ? p.Type : 'String';
      if (/^(List<|CommaDelimitedList|AWS::SSM::)/.test(type)) return undefined;
      // (strings, and what YAML reads as true, false or a whole number, whose text CloudFormation
      // takes: `AllowedValues: [false]` is "false"; not `1.0`, whose text may not be that; a review
      // found an unquoted list ignored, and a branch it rules out audited)
      const allowed = p.AllowedValues;
      const text = (x: unknown): string | undefined =>
        typeof x === 'string'
          ? x
          : typeof x === 'boolean' || (typeof x === 'number' && Number.isSafeInteger(x))
            ? String(x)
            : undefined;
      const texts = Array.isArray(allowed) ? allowed.map(text) : [];
      return texts.length > 0 && texts.every((x) => x !== undefined) ? (texts as string[]) : undefined;
    };
    // (a list parameter is never compared as a literal's text: nothing is excluded)
    const listType = (name: string): boolean => {
      const p = params[name];
      return isObject(p) && typeof p.Type === 'string' && /^(List<|CommaDelimitedList)/.test(p.Type);
    };
    // Only what compares such a parameter with a literal or with another is tried: one used in any
    // other way (Fn::Select of it...) may take values no literal names, and then nothing is excluded.
    let simple = true;
    const pairs: [string, string][] = [];
    const resources = isObject(this.template.Resources) ? this.template.Resources : {};
    const triedRef = (x: unknown): string | undefined =>
      isObject(x) && Object.keys(x).length === 1 && typeof x.Ref === 'string' && tried(x.Ref)
        ? x.Ref
        : undefined;
    const visited = new WeakSet<object>();
    const walk = (v: unknown, depth: number): void => {
      if (!simple) return;
      // (deeper than the walk goes: what is compared there is not known here, nothing excluded)
      if (depth > MAX_EVAL_DEPTH) {
        simple = false;
        return;
      }
      // (a YAML alias makes one object stand in many places: walked once)
      if (typeof v === 'object' && v !== null) {
        if (visited.has(v)) return;
        visited.add(v);
      }
      if (Array.isArray(v)) {
        for (const x of v) walk(x, depth + 1);
        return;
      }
      if (!isObject(v)) return;
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === 'Condition' && typeof v.Condition === 'string') {
        if (!seen.has(v.Condition) && Object.hasOwn(conds, v.Condition)) {
          seen.add(v.Condition);
          walk(conds[v.Condition], depth + 1);
        }
        return;
      }
      if (triedRef(v) !== undefined) {
        simple = false;
        return;
      }
      // A resource's value (its name may be made of a parameter, `!Sub '${Env}-bucket'`): nothing
      // is excluded.
      const refName = keys.length === 1 && typeof v.Ref === 'string' ? v.Ref : undefined;
      const attName = keys.length === 1 ? getAttTarget(v['Fn::GetAtt'])?.resource : undefined;
      if (
        (refName !== undefined && Object.hasOwn(resources, refName)) ||
        (attName !== undefined && Object.hasOwn(resources, attName))
      ) {
        simple = false;
        return;
      }
      // `${Env}` in an Fn::Sub text is a use of Env too (and `${AWS::Region}` of the region).
      if (keys.length === 1 && subNames(v['Fn::Sub']).some((n) => tried(n))) {
        simple = false;
        return;
      }
      const eq = keys.length === 1 ? v['Fn::Equals'] : undefined;
      if (Array.isArray(eq) && eq.length === 2) {
        eq.forEach((x, i) => {
          const name = triedRef(x);
          if (name === undefined) return walk(x, depth + 1);
          if (listType(name)) {
            simple = false;
            return;
          }
          // (its AllowedValues, compared with another parameter, are values that one may take)
          if (!literals.has(name)) literals.set(name, new Set(allowedOf(name)));
          const other = eq[1 - i];
          // (a number or boolean YAML read, `1.10` or `True`, may not be the text CloudFormation
          // compares: nothing excluded)
          if (typeof other === 'string') literals.get(name)!.add(other);
          else if (scalar(other)) simple = false;
          else if (triedRef(other) !== undefined) pairs.push([name, triedRef(other)!]);
          else simple = false;
        });
        return;
      }
      for (const x of Object.values(v)) walk(x, depth + 1);
    };
    for (const n of forced.keys())
      if (Object.hasOwn(conds, n) && !seen.has(n)) {
        seen.add(n);
        walk(conds[n], 0);
      }
    if (!simple) return true;
    // Parameters linked by comparisons with each other: each takes the literals of all of them, and
    // as many values no literal names as they are (they may split into that many groups of equal
    // values).
    const linked = new Map<string, Set<string>>();
    for (const p of literals.keys()) linked.set(p, new Set([p]));
    for (const [x, y] of pairs) {
      const a = linked.get(x)!;
      const b = linked.get(y)!;
      if (a === b) continue;
      for (const q of b) {
        a.add(q);
        linked.set(q, a);
      }
    }
    for (const group of new Set(linked.values())) {
      const all = new Set([...group].flatMap((q) => [...literals.get(q)!]));
      for (const q of group) literals.set(q, all);
    }
    const names = [...literals.keys()];
    const options = names.map((p) => {
      const allowed = allowedOf(p);
      if (allowed) return allowed;
      // (the region is one of the partition `aws`, as AWS::Partition is read)
      const own = [...literals.get(p)!].filter((x) => p !== 'AWS::Region' || !OTHER_PARTITION_REGION.test(x));
      return [...own, ...Array.from({ length: linked.get(p)!.size }, (_, i) => `${OTHER_VALUE} ${i}`)];
    });
    let count = 1;
    for (const o of options) if ((count *= o.length) > MAX_VALUATIONS) return true;
    const was = {
      forced: this.forced,
      assumed: this.assumed,
      overrides: this.overrides,
      quiet: this.quiet,
      marking: this.marking,
      evaluated: this.evaluated,
      evaluatedInTemplate: this.evaluatedInTemplate,
    };
    let spent = 0;
    this.forced = undefined;
    this.assumed = undefined;
    this.quiet = true;
    this.marking = false;
    try {
      for (let i = 0; i < count; i++) {
        const given = new Map<string, string>();
        let rest = i;
        names.forEach((p, k) => {
          const o = options[k]!;
          given.set(p, o[rest % o.length]!);
          rest = Math.floor(rest / o.length);
        });
        this.overrides = given;
        this.overrideCache.clear();
        let fits = true;
        for (const [n, b] of forced) {
          const c = this.condition(n, undefined);
          // (beyond MAX_TRY_STEPS functions read in all: cannot tell, nothing excluded)
          if ((spent += this.conditionSteps) > MAX_TRY_STEPS) return true;
          if (typeof c === 'boolean' && c !== b) {
            fits = false;
            break;
          }
        }
        if (fits) return true;
      }
      return false;
    } finally {
      this.forced = was.forced;
      this.assumed = was.assumed;
      this.overrides = was.overrides;
      this.overrideCache.clear();
      this.quiet = was.quiet;
      this.marking = was.marking;
      this.evaluated = was.evaluated;
      this.evaluatedInTemplate = was.evaluatedInTemplate;
    }
  }

  /**
   * A condition's value, within a budget of MAX_CONDITION_STEPS functions for one condition read
   * from the top (YAML aliases can make a short `Fn::Or` of `Fn::Or`s stand for millions).
   */
  private conditionValue(v: unknown, at: JsonPath | undefined): boolean | Unknown {
    if (this.conditionDepth === 0) this.conditionSteps = 0;
    if (++this.conditionSteps > MAX_CONDITION_STEPS)
      return new Unknown(`${CONDITION_BUDGET} ${MAX_CONDITION_STEPS} functions (YAML aliases?)`);
    this.conditionDepth++;
    try {
      return this.conditionFunction(v, at);
    } finally {
      this.conditionDepth--;
    }
  }

  private conditionSteps = 0;
  private conditionDepth = 0;

  private conditionFunction(v: unknown, at: JsonPath | undefined): boolean | Unknown {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    if (!isObject(v)) return this.bad(`a condition must be a function, got ${describe(v)}`, at);
    const keys = Object.keys(v);
    const fn = keys[0];
    const arg = fn === undefined ? undefined : v[fn];
    const here = this.where(v) ?? at;
    if (keys.length !== 1) return this.bad('a condition must be one function', here);
    if (fn === 'Condition')
      return typeof arg === 'string' ? this.condition(arg, here) : this.bad('Condition expects a name', here);
    if (fn === 'Fn::Equals') {
      const a = this.args(arg, 2, fn, here);
      if (a instanceof Unknown) return a;
      // (with unknown parts marked: `!Join ['', [!Ref Env]]` of an Env not known is not known,
      // never `*`, which equals no literal)
      const [x, y] = this.marked(() => [this.eval(a[0]), this.eval(a[1])]);
      const partly = (v: unknown): Unknown | undefined => {
        if (asUnknown(v)) return undefined;
        if (typeof v === 'object' && v !== null) {
          const inner = unknownWithin(v);
          if (inner) return inner;
        }
        if (!hasUnknownPart(v)) return undefined;
        const m = /\uE000(\d+)\uE001/.exec(JSON.stringify(v) ?? '');
        return new Unknown((m && this.unknownParts[Number(m[1])]) || 'a value that is not known');
      };
      const p = partly(x) ?? partly(y);
      if (p) return p;
      // The stack's account is a placeholder here: a condition on it is not known, never false.
      const account = (v: unknown) => typeof v === 'string' && v.includes(ACCOUNT_PLACEHOLDER);
      if (account(x) || account(y)) return new Unknown("AWS::AccountId: the stack's account");
      // The stack's region is one of the partition `aws` (as AWS::Partition is read): never a
      // GovCloud, China or isolated region (IsGov choosing `aws-us-gov` is false, not unknown).
      const region = (v: unknown, other: unknown) =>
        asUnknown(v)?.reason === REGION_REASON &&
        typeof other === 'string' &&
        OTHER_PARTITION_REGION.test(other);
      if (region(x, y) || region(y, x)) return false;
      const u = asUnknown(x) ?? asUnknown(y);
      if (u) return u;
      return canonical(x) === canonical(y);
    }
    if (fn === 'Fn::Not') {
      const a = this.args(arg, 1, fn, here);
      if (a instanceof Unknown) return a;
      const c = this.conditionValue(a[0], here);
      return c instanceof Unknown ? c : !c;
    }
    if (fn === 'Fn::And' || fn === 'Fn::Or') {
      const a = this.args(arg, 1, fn, here);
      if (a instanceof Unknown) return a;
      let unknown: Unknown | undefined;
      for (const x of a) {
        const c = this.conditionValue(x, here);
        if (c instanceof Unknown) unknown ??= c;
        else if (fn === 'Fn::And' && !c) return false;
        else if (fn === 'Fn::Or' && c) return true;
      }
      return unknown ?? fn === 'Fn::And';
    }
    // Any other function (Fn::If, Ref...) evaluated to its value, read as a condition.
    const e = this.eval(v);
    const u = asUnknown(e);
    if (u) return u;
    if (typeof e === 'boolean') return e;
    if (e === 'true' || e === 'false') return e === 'true';
    return this.bad(`a condition evaluated to ${describe(e)}, not true or false`, here);
  }

  private sub(arg: unknown, at: JsonPath | undefined): unknown {
    let text: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      text = arg[0];
      if (arg.length > 1) {
        if (!isObject(arg[1])) return this.bad('Fn::Sub expects a string and a map of variables', at);
        vars = arg[1];
      }
    }
    if (typeof text !== 'string') return this.bad(`Fn::Sub expects a string, got ${describe(text)}`, at);
    let out = '';
    let i = 0;
    while (i < text.length) {
      const open = text.indexOf('${', i);
      if (open < 0) {
        out += this.str(this.eval(text.slice(i)));
        break;
      }
      out += this.str(this.eval(text.slice(i, open)));
      const close = text.indexOf('}', open + 2);
      if (close < 0) {
        out += text.slice(open);
        break;
      }
      const body = text.slice(open + 2, close);
      i = close + 1;
      if (body.startsWith('!')) {
        out += `\${${body.slice(1)}}`;
        continue;
      }
      const name = body.trim();
      let v: unknown;
      if (Object.hasOwn(vars, name)) v = this.eval(vars[name]);
      else if (name.includes('.') && !name.startsWith('AWS::')) {
        const dot = name.indexOf('.');
        v = this.intrinsic('Fn::GetAtt', [name.slice(0, dot), name.slice(dot + 1)], at);
      } else v = this.ref(name, at);
      out += this.str(v);
      if (out.length > MAX_VALUE_CHARS) return tooLong('Fn::Sub');
    }
    return out.length > MAX_VALUE_CHARS ? tooLong('Fn::Sub') : out;
  }
}

/**
 * The longest text Fn::Join or Fn::Sub makes: four policies' worth (AWS takes a document of at most
 * 6,144 to 131,072 characters). A value made past it is not known (read broadly, said), not built
 * (a review: a 1 KB template of YAML aliases joined 400 MB of text, 1.4 GB of memory).
 */
const MAX_VALUE_CHARS = 4 * MAX_DOCUMENT_CHARS;

function tooLong(fn: string): Unknown {
  return new Unknown(
    `${fn}: a value longer than ${MAX_VALUE_CHARS.toLocaleString('en-US')} characters, not built`,
  );
}

/** Whether an Fn::FindInMap key is the stack's region or account (a placeholder here), else undefined. */
function stackKey(k: unknown): 'region' | 'account' | undefined {
  if (asUnknown(k)?.reason === REGION_REASON) return 'region';
  return typeof k === 'string' && k.includes(ACCOUNT_PLACEHOLDER) ? 'account' : undefined;
}

/** An Unknown inside a list or map (an operand of Fn::Equals), if any. */
function unknownWithin(v: unknown, depth = 0): Unknown | undefined {
  if (depth > MAX_EVAL_DEPTH || typeof v !== 'object' || v === null) return undefined;
  const u = asUnknown(v);
  if (u) return u;
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    const w = unknownWithin(x, depth + 1);
    if (w) return w;
  }
  return undefined;
}

function canonical(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? '';
}

/**
 * The names an `Fn::Sub` refers to, as sub() reads it: each `${Name}` of its text (`${Res.Attr}`:
 * the resource Res; `${AWS::Region}`: the pseudo parameter), but a key of its variable map (a name
 * of its own, not a reference) and a `${!Literal}` (text).
 */
export function subNames(arg: unknown): string[] {
  const text = Array.isArray(arg) ? arg[0] : arg;
  if (typeof text !== 'string') return [];
  const vars = Array.isArray(arg) && isObject(arg[1]) ? arg[1] : {};
  const out: string[] = [];
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    const body = m[1]!;
    const name = body.trim();
    if (body.startsWith('!') || name === '' || Object.hasOwn(vars, name)) continue;
    const dot = name.includes('.') && !name.startsWith('AWS::') ? name.indexOf('.') : -1;
    out.push(dot >= 0 ? name.slice(0, dot) : name);
  }
  return out;
}

/**
 * The resource and attribute an `Fn::GetAtt` argument names as written (`[R, Arn]` or `R.Arn`),
 * the attribute undefined when it is not literal text; undefined when it names no resource.
 */
export function getAttTarget(arg: unknown): { resource: string; attribute?: string } | undefined {
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    return dot < 0 ? { resource: arg } : { resource: arg.slice(0, dot), attribute: arg.slice(dot + 1) };
  }
  if (!Array.isArray(arg) || typeof arg[0] !== 'string') return undefined;
  return typeof arg[1] === 'string' ? { resource: arg[0], attribute: arg[1] } : { resource: arg[0] };
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof Unknown) return `an unknown value (${v.reason})`;
  if (typeof v === 'object') return 'an object';
  const s = String(v);
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 39)}…` : s);
}
