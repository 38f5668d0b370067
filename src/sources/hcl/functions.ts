// Terraform's built-in functions that policies use, evaluated on what is known statically. A
// function called with an unknown argument gives an unknown result, except where the unknown part
// can be carried (join, format, concat, merge, jsonencode...), which keep it in place.
import {
  asSet,
  asStringPiece,
  concatParts,
  firstUnknown,
  fromPlain,
  isKnown,
  isObj,
  isSet,
  Json,
  jsonText,
  newObj,
  PartialList,
  primitiveString,
  setTemplateKey,
  templateKeysOf,
  Tmpl,
  toPlain,
  Unknown,
  type Value,
} from './values.js';
import { setTextOrigin } from './lines.js';

/** Attributes Terraform always sets to a non-empty value (`.json` of a policy document, `.arn`, `.id`). */
const NEVER_EMPTY = /\.(json|minified_json|arn|id)$/;

export class HclEvalError extends Error {
  /** Where it happened: the innermost expression evaluated (set by evaluate()). */
  at?: { file: string; line: number };
}

/** Why a file()/templatefile() path was not read, as said after its call. */
function notRead(ctx: FnCtx, p: string): string {
  const why = ctx.whyNotRead?.(p);
  return why && why !== 'no such file or directory'
    ? `the file is not read (${why})`
    : 'the file is not in the repository';
}

export interface FnCtx {
  /** Reads a file named by file()/templatefile() (relative to the audit root once resolved). */
  readFile(path: string): string | undefined;
  /** Why readFile gave nothing for a path (not there, outside the root, inside .git...). */
  whyNotRead?(path: string): string | undefined;
  /** The path from the audit root of a file named by file()/templatefile() (readFile's). */
  filePath?(path: string): string;
  /** The module's directory (what `path.module` is), relative to the audit root. */
  moduleDir: string;
  /** Renders a template file's text with the given variables. */
  renderTemplate(text: string, vars: Value, path: string): Value;
  /** Records where a value is only an approximation (shown with the policies that use it). */
  note?(message: string): void;
  /** Records a file that file() or templatefile() read (its path from the audit root). */
  read?(read: FileRead): void;
  /**
   * What is left of the module's evaluation budget (EVAL_BUDGET): each `for` item, template `%{for}`
   * item and function call spends one, and each value made over a thousand items or characters one per 64 of them. Shared by every expression of one module instance.
   */
  budget?: { left: number };
}

/**
 * The steps one module instance's expressions may take (a review: two nested `for` over
 * range(1000)... of 10,000 items each, 300 bytes of HCL, ran 12 minutes and out of memory; each
 * loop had its own bound, their product none). Far above a real module's; past it, the expression
 * is not evaluated (its value not known, said), and the rest goes on.
 */
export const EVAL_BUDGET = 1_000_000;

/** Spends `n` of a module's evaluation budget; an HclEvalError once it is spent. */
export function spend(ctx: FnCtx, n = 1): void {
  const b = ctx.budget;
  if (!b) return;
  b.left -= n;
  if (b.left < 0)
    throw new HclEvalError(
      `the module's expressions take more than ${EVAL_BUDGET.toLocaleString('en-US')} steps (loops within loops, or values that double from local to local): not evaluated`,
    );
}

/**
 * A file read by file() or templatefile(), by its path from the audit root; `rendered`: whether
 * templatefile() rendered it (false when its template or its variables failed). A file read as the
 * `template` of a `data "template_file"` (the hashicorp/template provider's templatefile()) is a
 * templatefile() read, `via` that data source (`data.template_file.x`).
 */
export interface FileRead {
  path: string;
  fn: 'file' | 'templatefile';
  rendered?: boolean;
  via?: string;
}

type Fn = (args: Value[], text: string, ctx: FnCtx) => Value;

function str(v: Value, what: string): string {
  const s = primitiveString(v);
  if (s === undefined) throw new HclEvalError(`${what}: expected a string`);
  return s;
}

function list(v: Value, what: string): Value[] {
  if (Array.isArray(v)) return v;
  throw new HclEvalError(`${what}: expected a list`);
}

/**
 * The items of a list argument of concat(), flatten() and setunion(): a list's own, a
 * PartialList's, or an unknown list as one Unknown standing for its items; `acc.partial` is set
 * when some items are not known one by one. Anything else is not a list.
 */
function listItems(v: Value, what: string, acc: { partial: boolean }): readonly Value[] {
  if (v instanceof PartialList) {
    acc.partial = true;
    return v.items;
  }
  if (v instanceof Unknown) {
    acc.partial = true;
    return [v];
  }
  return list(v, what);
}

/**
 * The list made of `items`: as it is when every list it came from was known, a PartialList when
 * some were not and some items are known, else (nothing known) the call's Unknown.
 */
function partialOr(items: Value[], partial: boolean, text: string): Value {
  if (!partial) return items;
  // (a reference that stands for a pattern, `aws_iam_role.r.arn`, counts as known)
  return items.some((x) => !(x instanceof Unknown) || x.pattern !== undefined)
    ? new PartialList(text, items)
    : new Unknown(text);
}

/** How many try() or can() arguments are being evaluated (see mismatch). */
let tries = 0;

/** Evaluates `f` as an argument of try() or can(): a function given a value of the wrong type fails. */
export function insideTry<T>(f: () => T): T {
  tries++;
  try {
    return f();
  } finally {
    tries--;
  }
}

/**
 * What a function makes of an argument that is not of the type it needs: inside try() or can(),
 * Terraform's error, so that try() takes its next argument (`try(flatten(var.x), var.x)` with a
 * map); elsewhere, and when the argument is not known, an unknown. (A configuration Terraform
 * applies has no such error outside try(): there it means this reader's value differs from
 * Terraform's, which is read as not known rather than losing the policy.)
 */
function mismatch(v: Value | undefined, text: string, what: string): Unknown {
  if (tries === 0 || v === undefined || v instanceof Unknown || v instanceof Tmpl || v instanceof Json)
    return new Unknown(text);
  const got = v === null ? 'null' : Array.isArray(v) ? 'a list' : isObj(v) ? 'an object' : `a ${typeof v}`;
  throw new HclEvalError(`${what}, got ${got}`);
}

/**
 * What a function makes of arguments Terraform refuses (an index out of range...): as mismatch,
 * inside try() or can() Terraform's error, elsewhere an unknown.
 */
function refused(text: string, message: string): Unknown {
  if (tries === 0) return new Unknown(text);
  throw new HclEvalError(message);
}

/** A whole number (an index, a count), else undefined. */
function whole(v: Value | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** A string's characters as Terraform counts them (grapheme clusters). */
function characters(s: string): string[] {
  return Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s), (g) => g.segment);
}

/** A list function over a known list's items, or a PartialList's known ones (its unknown lists kept). */
function overItems(l: Value, text: string, f: (xs: Value[]) => Value[], name: string): Value {
  if (Array.isArray(l)) return f(l);
  if (l instanceof PartialList) return partialOr(f([...l.items]), true, text);
  return mismatch(l, text, `${name}: expected a list or set`);
}

function num(v: Value, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw new HclEvalError(`${what}: expected a number`);
}

function equal(a: Value, b: Value): boolean {
  return JSON.stringify(toPlain(a)) === JSON.stringify(toPlain(b));
}

function distinct(xs: Value[]): Value[] {
  const out: Value[] = [];
  const seen = new Set<string>();
  let unknowns = 0;
  for (const x of xs) {
    // Unknown values are never taken for one another.
    const k = x instanceof Unknown || x instanceof Tmpl ? `\u0000${unknowns++}` : JSON.stringify(toPlain(x));
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out;
}

/** `format`'s verbs: %s %d %v %q %% (width and flags ignored). */
function format(fmt: string, args: Value[], text: string): Value {
  const parts: (string | Unknown | Tmpl)[] = [];
  let ai = 0;
  let i = 0;
  while (i < fmt.length) {
    const j = fmt.indexOf('%', i);
    if (j < 0) {
      parts.push(fmt.slice(i));
      break;
    }
    parts.push(fmt.slice(i, j));
    const m = /^%([-+# 0]*\d*(?:\.\d+)?)([a-zA-Z%])/.exec(fmt.slice(j));
    if (!m) throw new HclEvalError('format: a % without a verb');
    if (m[2] === '%') parts.push('%');
    else {
      if (ai >= args.length) throw new HclEvalError('format: too few arguments');
      const a = args[ai++]!;
      if (m[2] === 'q') {
        const s = primitiveString(a);
        parts.push(s !== undefined ? JSON.stringify(s) : new Unknown(text));
      } else if (m[2] === 'd' && typeof a === 'number') parts.push(String(Math.trunc(a)));
      else if (m[2] === 'v' && (Array.isArray(a) || isObj(a))) {
        const j2 = jsonText(a);
        parts.push(j2);
      } else parts.push(asStringPiece(a, text));
    }
    i = j + m[0].length;
  }
  return concatParts(parts);
}

const FUNCTIONS: Record<string, Fn> = {
  join: ([sep, ...lists], text) => {
    if (!lists.length) throw new HclEvalError('join: expected a separator and a list');
    const s = str(sep!, 'join');
    const items: Value[] = [];
    for (const l of lists) {
      if (l instanceof Unknown) return new Unknown(text);
      items.push(...list(l, 'join'));
    }
    const parts: (string | Unknown | Tmpl)[] = [];
    items.forEach((x, i) => {
      if (i) parts.push(s);
      parts.push(asStringPiece(x, text));
    });
    return concatParts(parts);
  },
  format: ([fmt, ...args], text) => {
    if (fmt instanceof Unknown || fmt instanceof Tmpl) return new Unknown(text);
    return format(str(fmt!, 'format'), args, text);
  },
  formatlist: ([fmt, ...args], text) => {
    if (!args.every((a) => Array.isArray(a) || primitiveString(a) !== undefined)) return new Unknown(text);
    const n = Math.max(0, ...args.filter(Array.isArray).map((a) => a.length));
    const out: Value[] = [];
    for (let i = 0; i < n; i++)
      out.push(
        format(
          str(fmt!, 'formatlist'),
          args.map((a) => (Array.isArray(a) ? a[i]! : a)),
          text,
        ),
      );
    return out;
  },
  concat: (args, text) => {
    const acc = { partial: false };
    const out: Value[] = [];
    for (const a of args) out.push(...listItems(a, 'concat', acc));
    return partialOr(out, acc.partial, text);
  },
  merge: (args, text) => {
    const out = newObj();
    const marks = new Map<string, Unknown | Tmpl>();
    for (const a of args) {
      if (a === null) continue;
      if (!isObj(a)) return mismatch(a, text, 'merge: expected objects or maps');
      // Keys that are not known stay marked (a later known key of the same text replaces one).
      const notKnown = templateKeysOf(a);
      for (const k of Object.keys(a)) {
        out[k] = a[k]!;
        const m = notKnown?.get(k);
        if (m) marks.set(k, m);
        else marks.delete(k);
      }
    }
    for (const [k, m] of marks) setTemplateKey(out, k, m);
    return out;
  },
  flatten: ([l], text) => {
    if (!Array.isArray(l) && !(l instanceof PartialList))
      return mismatch(l, text, 'flatten: expected a list or set');
    // An unknown item may be a list of any length: kept as one Unknown, the result partly known.
    const acc = { partial: l instanceof PartialList };
    const out: Value[] = [];
    const walk = (xs: readonly Value[], depth: number): boolean => {
      if (depth > 64) return false;
      for (const x of xs) {
        if (x instanceof PartialList) {
          acc.partial = true;
          if (!walk(x.items, depth + 1)) return false;
        } else if (x instanceof Unknown) {
          // (a resource's json, ARN or id is a string, not a list of any length: the list stays known)
          if (!(x.scope !== undefined && NEVER_EMPTY.test(x.text))) acc.partial = true;
          out.push(x);
        } else if (Array.isArray(x)) {
          if (!walk(x, depth + 1)) return false;
        } else out.push(x);
      }
      return true;
    };
    return walk(l instanceof PartialList ? l.items : l, 0)
      ? partialOr(out, acc.partial, text)
      : new Unknown(text);
  },
  distinct: ([l], text) => overItems(l!, text, distinct, 'distinct'),
  compact: ([l], text) => overItems(l!, text, (xs) => xs.filter((x) => x !== '' && x !== null), 'compact'),
  one: ([l], text) => {
    if (!Array.isArray(l)) return mismatch(l, text, 'one: expected a list or set');
    if (l.length === 0) return null;
    if (l.length === 1) return l[0]!;
    throw new HclEvalError('one: the list has more than one element');
  },
  coalesce: (args, text) => {
    for (const a of args) {
      // A resource's or data source's attribute that is never null or empty (a policy document's
      // json, an ARN, an id): that one (`coalesce(var.custom_policy, data.aws_iam_policy_document.x.json)`
      // with var.custom_policy null, as Anyscale's S3 policy module writes it).
      if (a instanceof Unknown)
        return a.scope !== undefined && NEVER_EMPTY.test(a.text) ? a : new Unknown(text);
      // A template with literal text is a non-empty string, whatever its unknown parts are.
      if (a instanceof Tmpl)
        return a.parts.some((p) => typeof p === 'string' && p !== '') ? a : new Unknown(text);
      if (a !== null && a !== '') return a;
    }
    throw new HclEvalError('coalesce: no non-null, non-empty argument');
  },
  coalescelist: (args, text) => {
    for (const a of args) {
      if (!Array.isArray(a)) return new Unknown(text);
      if (a.length) return a;
    }
    return [];
  },
  lookup: ([m, k, d], text) => {
    if (!isObj(m)) return mismatch(m, text, 'lookup: expected a map or object');
    if (typeof k !== 'string' && typeof k !== 'number') return new Unknown(text);
    const key = String(k);
    if (Object.hasOwn(m, key)) return m[key]!;
    if (d !== undefined) return d;
    throw new HclEvalError(`lookup: no key "${key}"`);
  },
  // (an index wraps around, a negative one from the end as since Terraform 1.8: -1 is the last;
  // an empty list is Terraform's error)
  element: ([l, i], text) => {
    if (!Array.isArray(l) || typeof i !== 'number') return new Unknown(text);
    const n = whole(i);
    if (n === undefined) return refused(text, 'element: the index is not a whole number');
    if (l.length === 0) return refused(text, 'element: the list is empty');
    return l[((n % l.length) + l.length) % l.length]!;
  },
  index: ([l, v], text) => {
    if (!Array.isArray(l) || !isKnown(v!)) return new Unknown(text);
    const i = l.findIndex((x) => equal(x, v!));
    if (i < 0) throw new HclEvalError('index: not found');
    return i;
  },
  contains: ([l, v], text) => {
    if (!Array.isArray(l) || !isKnown(l) || !isKnown(v!)) return new Unknown(text);
    return l.some((x) => equal(x, v!));
  },
  keys: ([m], text) =>
    isObj(m) ? Object.keys(m).sort() : mismatch(m, text, 'keys: expected a map or object'),
  values: ([m], text) =>
    isObj(m)
      ? Object.keys(m)
          .sort()
          .map((k) => m[k]!)
      : mismatch(m, text, 'values: expected a map or object'),
  length: ([v], text) => {
    // As Terraform: an error (which try() turns into its fallback), not an unknown.
    if (v === null) throw new HclEvalError('length: the argument is null');
    if (Array.isArray(v)) return v.length;
    if (isObj(v)) return Object.keys(v).length;
    if (typeof v === 'string') return characters(v).length;
    return mismatch(v, text, 'length: expected a list, map or string');
  },
  // (a set made a list: its elements in the set's order, keyed by index again)
  // (null converts to null, as Terraform's to* functions do)
  tolist: ([v], text) =>
    v === null
      ? null
      : isSet(v!)
        ? [...(v as Value[])]
        : Array.isArray(v) || v instanceof PartialList
          ? v
          : mismatch(v, text, 'tolist: expected a list or set'),
  toset: ([v], text) => (v === null ? null : overItems(v!, text, (xs) => asSet(distinct(xs)), 'toset')),
  tomap: ([v], text) =>
    v === null ? null : isObj(v) ? v : mismatch(v, text, 'tomap: expected a map or object'),
  tostring: ([v], text) => {
    const s = primitiveString(v!);
    if (s !== undefined) return s;
    if (v instanceof Tmpl || v === null) return v;
    return mismatch(v, text, 'tostring: expected a string, number or bool');
  },
  tonumber: ([v], text) =>
    typeof v === 'number' ? v : primitiveString(v!) !== undefined ? num(v!, 'tonumber') : new Unknown(text),
  tobool: ([v], text) =>
    typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : new Unknown(text),
  zipmap: ([ks, vs], text) => {
    if (!Array.isArray(ks) || !Array.isArray(vs)) return new Unknown(text);
    const out = newObj();
    ks.forEach((k, i) => {
      out[str(k, 'zipmap')] = vs[i] ?? null;
    });
    return out;
  },
  // (go-cty's RangeFunc: without a step, 1 up to the limit or -1 down to it; a step against the
  // direction, or 0, is an error)
  range: (args, text) => {
    if (!args.every((a) => typeof a === 'number')) return new Unknown(text);
    if (args.length < 1 || args.length > 3)
      throw new HclEvalError('range: expected one, two or three numbers');
    const [a, b] = args.length === 1 ? [0, args[0] as number] : [args[0] as number, args[1] as number];
    const s = args.length === 3 ? (args[2] as number) : b < a ? -1 : 1;
    if (s === 0) throw new HclEvalError('range: the step is zero');
    if (s < 0 && b > a)
      throw new HclEvalError('range: the limit is greater than the start with a negative step');
    if (s > 0 && b < a)
      throw new HclEvalError('range: the limit is less than the start with a positive step');
    const out: number[] = [];
    for (let i = a; s > 0 ? i < b : i > b; i += s) {
      if (out.length >= 1024) throw new HclEvalError('range: too long');
      out.push(i);
    }
    return out;
  },
  // (indexes from 0 to the length, the start not after the end: else Terraform's error)
  slice: ([l, a, b], text) => {
    if (!Array.isArray(l) || typeof a !== 'number' || typeof b !== 'number') return new Unknown(text);
    const from = whole(a);
    const to = whole(b);
    if (from === undefined || to === undefined) return refused(text, 'slice: an index is not a whole number');
    if (from < 0) return refused(text, 'slice: the start index is negative');
    if (to > l.length) return refused(text, 'slice: the end index is past the end of the list');
    if (from > to) return refused(text, 'slice: the start index is after the end index');
    return l.slice(from, to);
  },
  reverse: ([l], text) => (Array.isArray(l) ? [...l].reverse() : new Unknown(text)),
  sort: ([l], text) =>
    Array.isArray(l) && l.every((x) => typeof x === 'string')
      ? [...(l as string[])].sort()
      : new Unknown(text),
  setunion: (args, text) => {
    const acc = { partial: false };
    const out: Value[] = [];
    for (const a of args) out.push(...listItems(a, 'setunion', acc));
    return partialOr(asSet(distinct(out)), acc.partial, text);
  },
  lower: ([s], text) => (typeof s === 'string' ? s.toLowerCase() : new Unknown(text)),
  upper: ([s], text) => (typeof s === 'string' ? s.toUpperCase() : new Unknown(text)),
  title: ([s], text) =>
    typeof s === 'string' ? s.replace(/\b\w/g, (c) => c.toUpperCase()) : new Unknown(text),
  trimspace: ([s], text) => (typeof s === 'string' ? s.trim() : new Unknown(text)),
  chomp: ([s], text) => (typeof s === 'string' ? s.replace(/[\r\n]+$/, '') : new Unknown(text)),
  trimprefix: ([s, p], text) =>
    typeof s === 'string' && typeof p === 'string'
      ? s.startsWith(p)
        ? s.slice(p.length)
        : s
      : new Unknown(text),
  trimsuffix: ([s, p], text) =>
    typeof s === 'string' && typeof p === 'string'
      ? p && s.endsWith(p)
        ? s.slice(0, -p.length)
        : s
      : new Unknown(text),
  trim: ([s, cs], text) => {
    if (typeof s !== 'string' || typeof cs !== 'string') return new Unknown(text);
    const set = new Set(Array.from(cs));
    const a = Array.from(s);
    let i = 0;
    let j = a.length;
    while (i < j && set.has(a[i]!)) i++;
    while (j > i && set.has(a[j - 1]!)) j--;
    return a.slice(i, j).join('');
  },
  replace: ([s, a, b], text) => {
    if (typeof s !== 'string' || typeof a !== 'string' || typeof b !== 'string') return new Unknown(text);
    if (a.length > 1 && a.startsWith('/') && a.endsWith('/')) return new Unknown(text);
    return s.split(a).join(b);
  },
  // (an empty separator: each character, as Go's strings.Split)
  split: ([sep, s], text) =>
    typeof sep === 'string' && typeof s === 'string'
      ? sep === ''
        ? Array.from(s)
        : s.split(sep)
      : new Unknown(text),
  // (go-cty's SubstrFunc: a negative offset counts from the end, a negative length takes the rest;
  // a length of 0 is "" unless the offset is negative, when it takes the rest too)
  substr: ([s, o, l], text) => {
    if (typeof s !== 'string' || typeof o !== 'number' || typeof l !== 'number') return new Unknown(text);
    let offset = whole(o);
    const length = whole(l);
    if (offset === undefined || length === undefined)
      return refused(text, 'substr: the offset or length is not a whole number');
    const a = characters(s);
    if (offset < 0) offset = Math.max(0, offset + a.length);
    else if (length === 0) return '';
    const rest = a.slice(offset);
    return (length <= 0 ? rest : rest.slice(0, length)).join('');
  },
  startswith: ([s, p], text) =>
    typeof s === 'string' && typeof p === 'string' ? s.startsWith(p) : new Unknown(text),
  endswith: ([s, p], text) =>
    typeof s === 'string' && typeof p === 'string' ? s.endsWith(p) : new Unknown(text),
  max: (args, text) =>
    args.length === 0
      ? refused(text, 'max: no number given')
      : args.every((a) => typeof a === 'number')
        ? Math.max(...(args as number[]))
        : new Unknown(text),
  min: (args, text) =>
    args.length === 0
      ? refused(text, 'min: no number given')
      : args.every((a) => typeof a === 'number')
        ? Math.min(...(args as number[]))
        : new Unknown(text),
  abs: ([a], text) => (typeof a === 'number' ? Math.abs(a) : new Unknown(text)),
  basename: ([s], text) => (typeof s === 'string' ? (s.split('/').pop() ?? '') : new Unknown(text)),
  dirname: ([s], text) =>
    typeof s === 'string' ? s.split('/').slice(0, -1).join('/') || '.' : new Unknown(text),
  jsonencode: ([v]) => new Json(v!),
  jsondecode: ([s], text) => {
    if (s instanceof Json) return s.value;
    if (typeof s !== 'string') return mismatch(s, text, 'jsondecode: expected a string');
    try {
      return fromPlain(JSON.parse(s));
    } catch (e) {
      throw new HclEvalError(`jsondecode: not valid JSON (${(e as Error).message})`);
    }
  },
  file: ([p], text, ctx) => {
    if (typeof p !== 'string') return new Unknown(text);
    const t = ctx.readFile(p);
    if (t === undefined) throw new HclEvalError(`file("${p}"): ${notRead(ctx, p)}`);
    const path = ctx.filePath?.(p) ?? p;
    ctx.read?.({ path, fn: 'file' });
    // A JSON policy read from it: its statements' lines are counted in that file.
    setTextOrigin(t, { file: path, line: 1 });
    return t;
  },
  fileexists: ([p], text, ctx) => (typeof p === 'string' ? ctx.readFile(p) !== undefined : new Unknown(text)),
  templatefile: ([p, vars], text, ctx) => {
    if (typeof p !== 'string') return new Unknown(text);
    const t = ctx.readFile(p);
    if (t === undefined) throw new HclEvalError(`templatefile("${p}"): ${notRead(ctx, p)}`);
    const path = ctx.filePath?.(p) ?? p;
    let v: Value;
    try {
      v = ctx.renderTemplate(t, vars ?? newObj(), path);
    } catch (e) {
      ctx.read?.({ path, fn: 'templatefile', rendered: false });
      throw e;
    }
    ctx.read?.({ path, fn: 'templatefile', rendered: !(v instanceof Unknown) });
    return v;
  },
};

/** Functions that never see an unknown argument as a reason to give up at once. */
const CARRIES_UNKNOWN = new Set([
  'join',
  'format',
  'formatlist',
  'concat',
  'merge',
  'flatten',
  'distinct',
  'compact',
  'one',
  'coalesce',
  'coalescelist',
  'lookup',
  'element',
  'tolist',
  'toset',
  'tomap',
  'tostring',
  'jsonencode',
  'length',
  'keys',
  'values',
  'templatefile',
  'slice',
  'reverse',
  'setunion',
]);

export function knownFunction(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name);
}

/** Calls a function; its arguments are already evaluated. */
export function callFunction(name: string, args: Value[], text: string, ctx: FnCtx): Value {
  spend(ctx);
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) return new Unknown(text);
  if (name !== 'jsonencode' && name !== 'jsondecode' && name !== 'templatefile')
    args = args.map((a) => (a instanceof Json ? jsonText(a.value) : a));
  if (!CARRIES_UNKNOWN.has(name) && args.some((a) => firstUnknown(a) !== undefined)) return new Unknown(text);
  return fn(args, text, ctx);
}
