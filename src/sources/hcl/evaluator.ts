// Evaluates HCL expressions (tree-sitter nodes) to Values, on what is known statically. What is
// not known becomes an Unknown carrying its expression; errors (a wrong type, a missing key) are
// HclEvalError, which the caller turns into an unresolved policy with the reason.
import { callFunction, HclEvalError, insideTry, spend, type FnCtx } from './functions.js';
import { unescapeTemplate } from '../terraform/evaluator.js';
import { setEntryOrigin, setOrigin, setTextOrigin } from './lines.js';
import { CHOSEN_BLOCKS } from '../terraform/model.js';
import { allKids, kids, lineOf, type Node, type ParsedHcl } from './parse.js';
import {
  absentCount,
  asStringPiece,
  Choice,
  choiceText,
  hasAbsent,
  concatParts,
  Either,
  eitherValues,
  isKnown,
  isObj,
  isSet,
  Json,
  jsonText,
  newObj,
  primitiveString,
  shortText,
  Tmpl,
  toPlain,
  Unknown,
  type Value,
  setTemplateKey,
} from './values.js';

export { HclEvalError };

export type Step =
  { kind: 'attr'; name: string } | { kind: 'index'; key: Value } | { kind: 'splat'; rest: Step[] };

export interface Scope {
  file: ParsedHcl;
  fn: FnCtx;
  /** each, count, for-expression and dynamic-block variables. */
  iter: ReadonlyMap<string, Value>;
  /** A root name with its traversal (`var` `.x`): the value and how many steps it consumed. */
  resolve(root: string, steps: Step[], text: string, scope: Scope): { value: Value; used: number };
  /** A template file read as a heredoc (templatefile()): its own heredoc's lines are not the file's. */
  template?: boolean;
  /** A template file's: told of each jsonencode() value put into its text (renderTemplate). */
  interpolated?: (v: Json) => void;
}

const MAX_DEPTH = 200;
const MAX_ITEMS = 10_000;

export function withIter(scope: Scope, vars: Record<string, Value>): Scope {
  const iter = new Map(scope.iter);
  for (const [k, v] of Object.entries(vars)) iter.set(k, v);
  return { ...scope, iter };
}

function origin(scope: Scope, n: Node) {
  // (a template file's lines are read one below its own: renderTemplate)
  return { file: scope.file.path, line: lineOf(n) - (scope.template ? 1 : 0) };
}

export function textOf(n: Node): string {
  return shortText(n.text);
}

/** Evaluates an `expression` (or any expression-like) node. */
export function evaluate(n: Node, scope: Scope, depth = 0): Value {
  if (depth > MAX_DEPTH) throw new HclEvalError('the expression is nested too deeply');
  try {
    switch (n.type) {
      case 'expression':
        return term(allKids(n), n, scope, depth + 1);
      case 'conditional':
        return conditional(n, scope, depth + 1);
      default:
        return term([n], n, scope, depth + 1);
    }
  } catch (e) {
    // The innermost expression's place, so that a reason can name it (a template file's lines
    // are read one below its own: renderTemplate).
    if (e instanceof HclEvalError && !e.at)
      e.at = { file: scope.file.path, line: lineOf(n) - (scope.template ? 1 : 0) };
    throw e;
  }
}

/** Two values known and equal. */
function sameKnown(x: Value, y: Value): boolean {
  return isKnown(x) && isKnown(y) && JSON.stringify(toPlain(x)) === JSON.stringify(toPlain(y));
}

function conditional(n: Node, scope: Scope, depth: number): Value {
  const [c, a, b] = kids(n);
  if (!c || !a || !b) throw new HclEvalError('an incomplete conditional expression');
  const cond = evaluate(c, scope, depth);
  if (cond === true) return evaluate(a, scope, depth);
  if (cond === false) return evaluate(b, scope, depth);
  if (typeof cond === 'string' && (cond === 'true' || cond === 'false'))
    return evaluate(cond === 'true' ? a : b, scope, depth);
  if (cond instanceof Unknown || cond instanceof Tmpl) {
    // Both sides the same: the condition does not matter.
    let x: Value, y: Value;
    try {
      x = evaluate(a, scope, depth);
      y = evaluate(b, scope, depth);
    } catch {
      return new Unknown(textOf(n));
    }
    if (sameKnown(x, y)) return x;
    // Two lists of one length (`local.create ? [1] : [0]`, how a `dynamic` block is turned on or
    // off by value): that many items, each one unknown where the two differ (either of two strings).
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      const text = textOf(n);
      return x.map((xi, i) => {
        const yi = y[i]!;
        return sameKnown(xi, yi) ? xi : either(`(${text})[${i}]`, xi, yi, textOf(c));
      });
    }
    return either(textOf(n), x, y, textOf(c));
  }
  throw new HclEvalError(`the condition of ${textOf(n)} is not a bool`);
}

/**
 * The value of a conditional not known between x and y: an Either when both are strings, or lists
 * of them, of one kind; a Choice when they are made of references (its text names each); else an
 * unknown of the expression's text.
 */
function either(text: string, xIn: Value, yIn: Value, test: string): Unknown {
  // A known jsonencode() is its JSON text (`var.use ? jsonencode({...}) : ""`: a policy one of two
  // strings, read as every branch; a review found it unresolved).
  const asText = (v: Value): Value => (v instanceof Json && isKnown(v) ? jsonText(v.value) : v);
  const x = asText(xIn);
  const y = asText(yIn);
  const listy = (v: Value) => Array.isArray(v) || (v instanceof Either && v.list);
  const a = eitherValues(x);
  const b = eitherValues(y);
  if (!a || !b || listy(x) !== listy(y)) {
    const written = choiceText(test, [x, y], (u) => u.text);
    return written === undefined ? new Unknown(text) : new Choice(written, test, [x, y]);
  }
  return new Either(text, [...new Set([...a, ...b])], listy(x));
}

/** A term: a primary node followed by get_attr / index / splat nodes. */
function term(nodes: Node[], whole: Node, scope: Scope, depth: number): Value {
  let i = 0;
  let base: Value;
  const first = nodes[0];
  if (!first) throw new HclEvalError('an empty expression');
  if (first.type === '(') {
    const inner = nodes[1];
    if (!inner) throw new HclEvalError('empty parentheses');
    base = evaluate(inner, scope, depth);
    i = 3;
  } else if (first.type === 'variable_expr') {
    const name = first.text;
    const steps = stepsOf(nodes.slice(1), scope, depth);
    const text = textOf(whole);
    if (scope.iter.has(name)) return applySteps(scope.iter.get(name)!, steps, text);
    const r = scope.resolve(name, steps, text, scope);
    return applySteps(r.value, steps.slice(r.used), text);
  } else {
    base = primary(first, scope, depth);
    i = 1;
  }
  const steps = stepsOf(nodes.slice(i), scope, depth);
  return applySteps(base, steps, textOf(whole));
}

function stepsOf(nodes: Node[], scope: Scope, depth: number): Step[] {
  const out: Step[] = [];
  for (const n of nodes) {
    if (n.type === 'get_attr') out.push({ kind: 'attr', name: kids(n)[0]?.text ?? '' });
    else if (n.type === 'index') {
      const k = kids(n)[0];
      if (k?.type === 'legacy_index') out.push({ kind: 'index', key: Number(k.text.replace(/^\./, '')) });
      else {
        const e = k ? kids(k)[0] : undefined;
        if (!e) throw new HclEvalError('an empty index');
        out.push({ kind: 'index', key: evaluate(e, scope, depth + 1) });
      }
    } else if (n.type === 'splat') {
      const s = kids(n)[0];
      out.push({ kind: 'splat', rest: s ? stepsOf(kids(s), scope, depth + 1) : [] });
    } else if (n.type === ')') continue;
    else throw new HclEvalError(`unexpected ${n.type} in an expression`);
  }
  return out;
}

export function applySteps(v: Value, steps: Step[], text: string): Value {
  let cur = v;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (cur instanceof Unknown || cur instanceof Tmpl) return new Unknown(text);
    if (cur instanceof Json) cur = cur.value;
    if (s.kind === 'splat') {
      if (cur === null) return [];
      const items = Array.isArray(cur) ? cur : [cur];
      return items.map((x) => applySteps(x, s.rest, text));
    }
    if (s.kind === 'attr') {
      if (isObj(cur) && Object.hasOwn(cur, s.name)) cur = cur[s.name]!;
      else if (isObj(cur)) throw new HclEvalError(`${text}: no attribute "${s.name}"`);
      else throw new HclEvalError(`${text}: "${s.name}" of a value that is not an object`);
      continue;
    }
    const key = s.key instanceof Json ? jsonText(s.key.value) : s.key;
    if (key instanceof Unknown || key instanceof Tmpl) return new Unknown(text);
    if (Array.isArray(cur)) {
      const k = typeof key === 'number' ? key : Number(primitiveString(key));
      if (!Number.isInteger(k) || k < 0 || k >= cur.length)
        throw new HclEvalError(`${text}: index out of range`);
      cur = cur[k]!;
    } else if (isObj(cur)) {
      const k = primitiveString(key);
      if (k === undefined || !Object.hasOwn(cur, k))
        throw new HclEvalError(`${text}: no key ${JSON.stringify(k)}`);
      cur = cur[k]!;
    } else throw new HclEvalError(`${text}: an index on a value that is neither a list nor a map`);
  }
  return cur;
}

function primary(n: Node, scope: Scope, depth: number): Value {
  switch (n.type) {
    case 'literal_value':
      return literal(kids(n)[0]!, scope, depth);
    case 'template_expr':
      return template(kids(n)[0]!, scope, depth);
    case 'collection_value':
      return collection(kids(n)[0]!, scope, depth);
    case 'function_call':
      return functionCall(n, scope, depth);
    case 'for_expr':
      return forExpr(kids(n)[0]!, scope, depth);
    case 'operation':
      return operation(kids(n)[0]!, scope, depth);
    case 'expression':
    case 'conditional':
      return evaluate(n, scope, depth);
    default:
      throw new HclEvalError(`cannot read ${n.type} (${textOf(n)})`);
  }
}

function literal(n: Node, scope: Scope, depth: number): Value {
  switch (n.type) {
    case 'numeric_lit':
      return Number(n.text);
    case 'bool_lit':
      return n.text === 'true';
    case 'null_lit':
      return null;
    case 'string_lit':
      return template(n, scope, depth);
    default:
      throw new HclEvalError(`cannot read the literal ${textOf(n)}`);
  }
}

function unescapeQuoted(s: string): string {
  return s.replace(
    /\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{/gs,
    (m: string, e: string | undefined) => {
      if (m === '$${') return '${';
      if (m === '%%{') return '%{';
      switch (e![0]) {
        case 'n':
          return '\n';
        case 't':
          return '\t';
        case 'r':
          return '\r';
        case 'u':
        case 'U':
          return String.fromCodePoint(parseInt(e!.slice(1), 16));
        default:
          return e!;
      }
    },
  );
}

type Piece = string | Unknown | Tmpl;

/** A quoted template, a string literal or a heredoc. */
export function template(n: Node, scope: Scope, depth: number): Value {
  const src = scope.file.text;
  const all = allKids(n);
  let start: number;
  let end: number;
  let heredoc = false;
  let flush = false;
  if (n.type === 'heredoc_template') {
    heredoc = true;
    flush = all[0]?.text === '<<-';
    const ids = all.filter((c) => c.type === 'heredoc_identifier');
    const open = ids[0];
    const close = ids[1];
    if (!open || !close) throw new HclEvalError('an unterminated heredoc');
    const nl = src.indexOf('\n', open.endIndex);
    start = nl < 0 ? open.endIndex : nl + 1;
    end = src.lastIndexOf('\n', close.startIndex - 1) + 1;
    if (end < start) end = start;
  } else {
    const open = all[0];
    const close = all[all.length - 1];
    start = open!.endIndex;
    end = close!.type === 'quoted_template_end' ? close!.startIndex : close!.endIndex;
  }
  // The structural parts inside [start, end); everything between them is literal text.
  const inner = all.filter(
    (c) =>
      c.startIndex >= start &&
      c.endIndex <= end &&
      (c.type === 'template_interpolation' || c.type === 'template_directive'),
  );
  const pieces: Piece[] = [];
  const lit = (a: number, b: number) => {
    if (b > a) {
      const raw = src.slice(a, b);
      pieces.push(heredoc ? unescapeTemplate(raw) : unescapeQuoted(raw));
    }
  };
  let at = start;
  for (const c of inner) {
    lit(at, c.startIndex);
    pushAllPieces(pieces, templatePart(c, scope, depth, src));
    at = c.endIndex;
  }
  lit(at, end);
  let result: Value = concatParts(pieces);
  // (a string doubled local by local grows as 2^n with no loop: its size is spent too)
  if (typeof result === 'string' && result.length > 1000) spend(scope.fn, result.length >> 6);
  if (flush) result = stripIndent(result, src.slice(start, end));
  // A heredoc's first line: where the lines of a JSON policy written in it are counted from.
  if (heredoc && !scope.template && (typeof result === 'string' || result instanceof Tmpl))
    setTextOrigin(result, { file: scope.file.path, line: lineAtIndex(src, start) });
  return result;
}

function lineAtIndex(src: string, index: number): number {
  let line = 1;
  for (let i = src.indexOf('\n'); i >= 0 && i < index; i = src.indexOf('\n', i + 1)) line++;
  return line;
}

function pushAllPieces(out: Piece[], v: Piece | Piece[]): void {
  if (Array.isArray(v)) out.push(...v);
  else out.push(v);
}

/** `${...}` or a directive (`%{if}`, `%{for}`) inside a template. */
function templatePart(c: Node, scope: Scope, depth: number, src: string): Piece | Piece[] {
  if (c.type === 'template_interpolation') {
    const e = kids(c).find((k) => k.type === 'expression');
    if (!e) return '';
    const v = evaluate(e, scope, depth + 1);
    if (v === null) return new Unknown(textOf(e));
    if (Array.isArray(v) || isObj(v))
      throw new HclEvalError(`${textOf(e)} is not a string: a list or an object inside a template`);
    if (v instanceof Json) scope.interpolated?.(v);
    return asStringPiece(v, textOf(e));
  }
  // template_directive: template_if / template_for
  const d = kids(c)[0]!;
  const body = (from: number, to: number, sc: Scope): Piece[] => {
    const out: Piece[] = [];
    const parts = kids(d).filter(
      (k) =>
        k.startIndex >= from &&
        k.endIndex <= to &&
        (k.type === 'template_interpolation' || k.type === 'template_directive'),
    );
    let at = from;
    for (const p of parts) {
      if (p.startIndex > at) out.push(unescapeTemplate(src.slice(at, p.startIndex)));
      pushAllPieces(out, templatePart(p, sc, depth + 1, src));
      at = p.endIndex;
    }
    if (to > at) out.push(unescapeTemplate(src.slice(at, to)));
    return out;
  };
  if (d.type === 'template_if') {
    const intro = kids(d).find((k) => k.type === 'template_if_intro')!;
    const els = kids(d).find((k) => k.type === 'template_else_intro');
    const fin = kids(d).find((k) => k.type === 'template_if_end')!;
    const condNode = kids(intro).find((k) => k.type === 'expression');
    const cond = condNode ? evaluate(condNode, scope, depth + 1) : undefined;
    if (cond === true || cond === 'true')
      return body(intro.endIndex, els ? els.startIndex : fin.startIndex, scope);
    if (cond === false || cond === 'false') return els ? body(els.endIndex, fin.startIndex, scope) : [];
    // Not known, and no %{else}: the text is read as present (what it grants is then counted).
    if (!els && condNode) {
      scope.fn.note?.(`the template condition ${textOf(condNode)} is not known: its text is read as present`);
      return body(intro.endIndex, fin.startIndex, scope);
    }
    return new Unknown(textOf(c));
  }
  if (d.type === 'template_for') {
    const startN = kids(d).find((k) => k.type === 'template_for_start')!;
    const endN = kids(d).find((k) => k.type === 'template_for_end')!;
    const ids = kids(startN).filter((k) => k.type === 'identifier');
    const collNode = kids(startN).find((k) => k.type === 'expression');
    const coll = collNode ? evaluate(collNode, scope, depth + 1) : undefined;
    const entries = iterable(coll);
    if (!entries) return new Unknown(textOf(c));
    spend(scope.fn, entries.length);
    const out: Piece[] = [];
    for (const [k, v] of entries) {
      const vars: Record<string, Value> =
        ids.length === 2 ? { [ids[0]!.text]: k, [ids[1]!.text]: v } : { [ids[0]!.text]: v };
      out.push(...body(startN.endIndex, endN.startIndex, withIter(scope, vars)));
    }
    return out;
  }
  return new Unknown(textOf(c));
}

/** `<<-` heredocs: the smallest indentation of the non-blank lines is removed from every line. */
function stripIndent(v: Value, raw: string): Value {
  let min = Infinity;
  for (const line of raw.split('\n')) {
    if (!line.trim()) continue;
    const m = /^[ \t]*/.exec(line)![0].length;
    if (m < min) min = m;
  }
  if (!Number.isFinite(min) || min === 0) return v;
  const strip = (s: string, atLineStart: boolean): string =>
    s
      .split('\n')
      .map((l, i) => (i === 0 && !atLineStart ? l : l.replace(new RegExp(`^[ \\t]{0,${min}}`), '')))
      .join('\n');
  if (typeof v === 'string') return strip(v, true);
  if (v instanceof Tmpl) {
    let atStart = true;
    const parts = v.parts.map((p) => {
      if (typeof p !== 'string') {
        atStart = false;
        return p;
      }
      const s = strip(p, atStart);
      atStart = p.endsWith('\n');
      return s;
    });
    return concatParts(parts);
  }
  return v;
}

function iterable(v: Value | undefined): [Value, Value][] | undefined {
  if (v instanceof Json) v = v.value;
  // (a set's element is its own key)
  if (Array.isArray(v)) return isSet(v) ? v.map((x) => [x, x]) : v.map((x, i) => [i, x]);
  if (isObj(v))
    return Object.keys(v)
      .sort()
      .map((k) => [k, v[k]!]);
  return undefined;
}

function collection(n: Node, scope: Scope, depth: number): Value {
  if (n.type === 'tuple') {
    const out: Value[] = [];
    setOrigin(out, origin(scope, n));
    for (const e of kids(n)) {
      if (e.type !== 'expression') continue;
      setEntryOrigin(out, out.length, origin(scope, e));
      out.push(evaluate(e, scope, depth + 1));
    }
    return out;
  }
  const out = newObj();
  setOrigin(out, origin(scope, n));
  for (const el of kids(n)) {
    if (el.type !== 'object_elem') continue;
    const k = el.childForFieldName('key');
    const v = el.childForFieldName('val');
    if (!k || !v) continue;
    const [key, notKnown] = objectKey(k, scope, depth);
    // A key not known is kept under its text, and marked: a policy's JSON writes it as the
    // interpolation it is (a condition's operator `(var.op) = {...}` is then known not to be known).
    if (notKnown) setTemplateKey(out, key, notKnown);
    setEntryOrigin(out, key, origin(scope, el));
    out[key] = evaluate(v, scope, depth + 1);
  }
  return out;
}

/**
 * An object key: a bare name is the name itself; anything else is evaluated. A key with parts that
 * are not known is its text (`aws:ResourceTag/${var.k}`), with its value as evaluated.
 */
function objectKey(k: Node, scope: Scope, depth: number): [string, (Unknown | Tmpl)?] {
  const ks = allKids(k);
  if (ks.length === 1 && ks[0]!.type === 'variable_expr') return [ks[0]!.text];
  const v = evaluate(k, scope, depth + 1);
  const s = primitiveString(v);
  if (s !== undefined) return [s];
  if (v instanceof Tmpl || v instanceof Unknown) {
    const t = v instanceof Unknown ? new Tmpl([v]) : v;
    return [
      t.parts.map((p) => (typeof p === 'string' ? p : `\${${p.text.replace(/[{}"\\]/g, '')}}`)).join(''),
      v,
    ];
  }
  throw new HclEvalError(`the object key ${textOf(k)} is not a string`);
}

function functionCall(n: Node, scope: Scope, depth: number): Value {
  const name = kids(n)[0]!.text.replace(/^provider::[\w-]+::/, '');
  const argsNode = kids(n).find((k) => k.type === 'function_arguments');
  const argNodes = argsNode ? kids(argsNode).filter((k) => k.type === 'expression') : [];
  const expand = argsNode ? kids(argsNode).some((k) => k.type === 'ellipsis') : false;
  const text = textOf(n);
  if (name === 'try' || name === 'can') {
    for (const a of argNodes) {
      try {
        const made = absentCount();
        const v = insideTry(() => evaluate(a, scope, depth + 1));
        // (a resource instance that does not exist, anywhere in the argument: Terraform's error)
        if (absentCount() !== made || hasAbsent(v)) continue;
        if (name === 'can') return v instanceof Unknown ? new Unknown(text) : true;
        // An unknown value is not an error: try() gives it (unknown), as Terraform does.
        return v;
      } catch (e) {
        if (!(e instanceof HclEvalError)) throw e;
      }
    }
    if (name === 'can') return false;
    throw new HclEvalError(`${shortText(text, 60)}: no argument could be evaluated`);
  }
  let args = argNodes.map((a) => evaluate(a, scope, depth + 1));
  if (expand && args.length) {
    const last = args[args.length - 1]!;
    if (!Array.isArray(last)) return new Unknown(text);
    args = [...args.slice(0, -1), ...last];
  }
  const out = callFunction(name, args, text, scope.fn);
  // (concat(local.a, local.a), join("", [local.b, local.b]) local by local: their size is spent)
  if (Array.isArray(out) && out.length > 1000) spend(scope.fn, out.length >> 6);
  else if (typeof out === 'string' && out.length > 1000) spend(scope.fn, out.length >> 6);
  return out;
}

function forExpr(n: Node, scope: Scope, depth: number): Value {
  const intro = kids(n).find((k) => k.type === 'for_intro')!;
  const ids = kids(intro).filter((k) => k.type === 'identifier');
  const collNode = kids(intro).find((k) => k.type === 'expression')!;
  const coll = evaluate(collNode, scope, depth + 1);
  const entries = iterable(coll);
  if (!entries) return new Unknown(textOf(n));
  if (entries.length > MAX_ITEMS) throw new HclEvalError(`${textOf(n)}: more than ${MAX_ITEMS} items`);
  spend(scope.fn, entries.length);
  const exprs = kids(n).filter((k) => k.type === 'expression');
  const condNode = kids(n).find((k) => k.type === 'for_cond');
  const cond = condNode ? kids(condNode).find((k) => k.type === 'expression') : undefined;
  const grouping = kids(n).some((k) => k.type === 'ellipsis');
  const isObject = n.type === 'for_object_expr';
  const outList: Value[] = [];
  const outObj = newObj();
  for (const [k, v] of entries) {
    const vars: Record<string, Value> =
      ids.length === 2 ? { [ids[0]!.text]: k, [ids[1]!.text]: v } : { [ids[0]!.text]: v };
    const sc = withIter(scope, vars);
    if (cond) {
      const c = evaluate(cond, sc, depth + 1);
      if (c === false) continue;
      if (c !== true) return new Unknown(textOf(n));
    }
    if (!isObject) {
      outList.push(evaluate(exprs[0]!, sc, depth + 1));
      continue;
    }
    const key = evaluate(exprs[0]!, sc, depth + 1);
    const ks = primitiveString(key);
    if (ks === undefined) return new Unknown(textOf(n));
    const val = evaluate(exprs[1]!, sc, depth + 1);
    if (grouping) {
      const cur = outObj[ks];
      if (Array.isArray(cur)) cur.push(val);
      else outObj[ks] = [val];
    } else outObj[ks] = val;
  }
  return isObject ? outObj : outList;
}

function operation(n: Node, scope: Scope, depth: number): Value {
  const parts = allKids(n);
  const text = textOf(n);
  if (n.type === 'unary_operation') {
    const op = parts[0]!.text;
    const v = term(parts.slice(1), n, scope, depth + 1);
    if (v instanceof Unknown || v instanceof Tmpl) return new Unknown(text);
    if (op === '!') {
      if (typeof v !== 'boolean') throw new HclEvalError(`${text}: ! of a value that is not a bool`);
      return !v;
    }
    if (typeof v !== 'number') throw new HclEvalError(`${text}: - of a value that is not a number`);
    return -v;
  }
  // binary_operation: the operator is the anonymous child between the two terms, outside the
  // parentheses of either (`(a || b) && c`: the left term is `(`, an expression and `)`).
  let depth0 = 0;
  const opAt = parts.findIndex((p, i) => {
    if (p.isNamed) return false;
    if (p.type === '(') depth0++;
    else if (p.type === ')') depth0--;
    else return i > 0 && depth0 === 0;
    return false;
  });
  if (opAt < 0) throw new HclEvalError(`cannot read the operation ${text}`);
  const op = parts[opAt]!.text;
  const a = term(parts.slice(0, opAt), n, scope, depth + 1);
  // && and || with a known deciding left side do not need the right side.
  if (op === '&&' && a === false) return false;
  if (op === '||' && a === true) return true;
  const b = term(parts.slice(opAt + 1), n, scope, depth + 1);
  if (op === '&&' && b === false) return false;
  if (op === '||' && b === true) return true;
  if (!isKnown(a) || !isKnown(b)) return new Unknown(text);
  switch (op) {
    // (type and value: "1" == 1 is false, as in Terraform; a map's or object's keys in any order)
    case '==':
      return canonical(toPlain(a)) === canonical(toPlain(b));
    case '!=':
      return canonical(toPlain(a)) !== canonical(toPlain(b));
    case '&&':
    case '||':
      if (typeof a !== 'boolean' || typeof b !== 'boolean')
        throw new HclEvalError(`${text}: ${op} of values that are not bools`);
      return op === '&&' ? a && b : a || b;
  }
  const x = typeof a === 'number' ? a : Number(primitiveString(a));
  const y = typeof b === 'number' ? b : Number(primitiveString(b));
  if (Number.isNaN(x) || Number.isNaN(y))
    throw new HclEvalError(`${text}: ${op} of values that are not numbers`);
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case '%':
      return x % y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
  }
  throw new HclEvalError(`${text}: unknown operator ${op}`);
}

/** JSON text with every object's keys in order (two maps or objects equal whatever their order). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A block body as an object: attributes, and nested blocks as lists of objects (dynamic blocks expanded). */
export function evaluateBody(
  body: Node | readonly { node: Node; file: ParsedHcl }[] | undefined,
  outer: Scope,
  opts: {
    skip?: ReadonlySet<string>;
    onError?: (name: string, e: HclEvalError, at: Node) => void;
    /** Runs the evaluation of each attribute and block of the body's own (not nested), by name. */
    around?: <T>(name: string, f: () => T) => T;
  } = {},
  depth = 0,
): { [k: string]: Value } {
  const around = depth === 0 ? opts.around : undefined;
  const out = newObj();
  if (!body) return out;
  if (depth > 32) throw new HclEvalError('blocks nested too deeply');
  // A body merged from override files: each item read in its own file.
  const items = Array.isArray(body)
    ? body.map((i) => ({ item: i.node, scope: i.file === outer.file ? outer : { ...outer, file: i.file } }))
    : kids(body as Node).map((item) => ({ item, scope: outer }));
  for (const { item, scope } of items) {
    if (item.type === 'attribute') {
      const [id, expr] = kids(item);
      const name = id!.text;
      if (opts.skip?.has(name) || !expr) continue;
      setEntryOrigin(out, name, origin(scope, item));
      try {
        out[name] = around ? around(name, () => evaluate(expr, scope)) : evaluate(expr, scope);
      } catch (e) {
        if (!(e instanceof HclEvalError)) throw e;
        opts.onError?.(name, e, item);
        out[name] = new Unknown(`${textOf(expr)} (${shortText(e.message, 100)})`);
      }
      continue;
    }
    if (item.type !== 'block') continue;
    const parts = kids(item);
    const type = parts[0]!.text;
    const labels = parts.filter(
      (p) => p.type === 'string_lit' || (p.type === 'identifier' && p !== parts[0]),
    );
    const inner = parts.find((p) => p.type === 'body');
    if (type === 'dynamic' && labels[0]) {
      const name = labelText(labels[0]);
      if (around) around(name, () => expandDynamicBlock(name, inner, item, out, scope, opts, depth));
      else expandDynamicBlock(name, inner, item, out, scope, opts, depth);
      continue;
    }
    if (opts.skip?.has(type) && depth === 0) continue;
    const list = (Array.isArray(out[type]) ? out[type] : (out[type] = [])) as Value[];
    if (!Object.hasOwn(out, type) || list.length === 0) setEntryOrigin(out, type, origin(scope, item));
    const child = around
      ? around(type, () => evaluateBody(inner, scope, { onError: opts.onError }, depth + 1))
      : evaluateBody(inner, scope, { onError: opts.onError }, depth + 1);
    setOrigin(child, origin(scope, item));
    setEntryOrigin(list, list.length, origin(scope, item));
    list.push(child);
  }
  return out;
}

export function labelText(n: Node): string {
  if (n.type === 'identifier') return n.text;
  return n.text.replace(/^"/, '').replace(/"$/, '');
}

function expandDynamicBlock(
  name: string,
  inner: Node | undefined,
  item: Node,
  out: { [k: string]: Value },
  scope: Scope,
  opts: { onError?: (name: string, e: HclEvalError, at: Node) => void },
  depth: number,
): void {
  const attrs = new Map<string, Node>();
  let content: Node | undefined;
  for (const c of inner ? kids(inner) : []) {
    if (c.type === 'attribute') attrs.set(kids(c)[0]!.text, kids(c)[1]!);
    else if (c.type === 'block' && kids(c)[0]!.text === 'content') {
      content = kids(c).find((p) => p.type === 'body');
    }
  }
  const itName = attrs.has('iterator') ? attrs.get('iterator')!.text.trim() : name;
  const feNode = attrs.get('for_each');
  let fe: Value;
  try {
    fe = feNode ? evaluate(feNode, scope) : null;
  } catch (e) {
    if (!(e instanceof HclEvalError)) throw e;
    fe = new Unknown(`${textOf(feNode!)} (${shortText(e.message, 100)})`);
  }
  const entries = iterable(fe);
  const expand = (list: Value[], items: [Value, Value][]) => {
    for (const [k, v] of items) {
      const it = newObj();
      it.key = k;
      it.value = v;
      const child = evaluateBody(content, withIter(scope, { [itName]: it }), opts, depth + 1);
      setOrigin(child, origin(scope, item));
      setEntryOrigin(list, list.length, origin(scope, item));
      list.push(child);
    }
  };
  if (!entries) {
    // Not known: written as *.tf.json writes it, so that the analyzer says why (each block of
    // the name: two such blocks are a list of two).
    const dyn = (isObj(out.dynamic) ? out.dynamic : (out.dynamic = newObj())) as { [k: string]: Value };
    const spec = newObj();
    spec.for_each = fe instanceof Unknown ? fe : new Unknown(feNode ? textOf(feNode) : 'for_each');
    spec.content = evaluateBody(content, withIter(scope, { [itName]: new Unknown(itName) }), opts, depth + 1);
    // Chosen by a condition not known (`var.on ? var.buckets : {}`): also the blocks it makes when
    // chosen, which the analyzer may read as there (CHOSEN_BLOCKS).
    const chosen = feNode ? chosenBranch(feNode, scope) : undefined;
    if (chosen) expand((spec[CHOSEN_BLOCKS] = []) as Value[], chosen);
    setOrigin(spec, origin(scope, item));
    const had = dyn[name];
    dyn[name] = had === undefined ? spec : Array.isArray(had) ? [...had, spec] : [had, spec];
    setEntryOrigin(out, 'dynamic', origin(scope, item));
    return;
  }
  const list = (Array.isArray(out[name]) ? out[name] : (out[name] = [])) as Value[];
  expand(list, entries);
  if (!Object.hasOwn(out, name) || list.length) setEntryOrigin(out, name, origin(scope, item));
}

/**
 * The entries of a conditional's one branch that is not empty, when its condition is not known
 * and its other branch is an empty list, map or null (`var.on ? var.buckets : {}`, how a
 * `dynamic` block is turned on or off); else undefined.
 */
function chosenBranch(n: Node, scope: Scope): [Value, Value][] | undefined {
  const c = kids(n).length === 1 && kids(n)[0]!.type === 'conditional' ? kids(n)[0]! : n;
  if (c.type !== 'conditional') return undefined;
  const [test, a, b] = kids(c);
  if (!test || !a || !b) return undefined;
  const empty = (v: Value) =>
    v === null || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
  try {
    const t = evaluate(test, scope);
    if (!(t instanceof Unknown || t instanceof Tmpl)) return undefined;
    const x = evaluate(a, scope);
    const y = evaluate(b, scope);
    return empty(y) ? iterable(x) : empty(x) ? iterable(y) : undefined;
  } catch (e) {
    if (!(e instanceof HclEvalError)) throw e;
    return undefined;
  }
}

export { jsonText, Json };
