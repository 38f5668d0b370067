// A variable's type constraint (`type = list(object({ sid = optional(string), effect =
// optional(string, "Allow") }))`), as far as it changes the value a module sees. Terraform converts
// every value given to a variable (a module argument, a tfvars entry, the default) to its type:
// an attribute of an object type declared optional() and left out (or null) becomes its default,
// else null, so that `not_actions = statement.value.not_actions` is null, not an error; a value of
// a set type is a set (its elements in order, each its own key); and a primitive is converted to
// the primitive type (go-cty's convert: a bool or number to a string, a string to a number when
// it is one, "true"/"false" and "1"/"0" to a bool), which `==` tells apart (`var.on == "true"` is
// true for a string variable given `on = true`). A conversion Terraform refuses is an
// HclEvalError (the variable is then not known, with the reason).
import { HclEvalError } from './functions.js';
import { entryOriginOf, originOf, setEntryOrigin, setOrigin } from './lines.js';
import { kids, type Node } from './parse.js';
import {
  asSet,
  isObj,
  isSet,
  newObj,
  shortText,
  templateKeysOf,
  setTemplateKey,
  type Value,
} from './values.js';

export type TypeSpec =
  | { kind: 'other' }
  | { kind: 'string' | 'number' | 'bool' }
  | { kind: 'list' | 'set' | 'map'; of: TypeSpec }
  | { kind: 'tuple'; items: TypeSpec[] }
  | { kind: 'object'; attrs: Map<string, { type: TypeSpec; optional: boolean; default?: Node }> };

const OTHER: TypeSpec = { kind: 'other' };

/** The one named child of an `expression` node (the expression itself). */
function inner(n: Node): Node {
  let x = n;
  while (x.type === 'expression' && kids(x).length === 1) x = kids(x)[0]!;
  return x;
}

/** The type an expression of a `type` attribute writes (what is not understood is `other`: left as given). */
export function typeOf(n: Node, depth = 0): TypeSpec {
  const x = inner(n);
  if (depth > 32) return OTHER;
  if (x.type === 'variable_expr' && (x.text === 'string' || x.text === 'number' || x.text === 'bool'))
    return { kind: x.text };
  if (x.type !== 'function_call') return OTHER;
  const name = kids(x)[0]?.text;
  const args = kids(kids(x).find((k) => k.type === 'function_arguments') ?? x).filter(
    (k) => k.type === 'expression',
  );
  const first = args[0];
  if (!first) return OTHER;
  if (name === 'list' || name === 'set' || name === 'map')
    return { kind: name, of: typeOf(first, depth + 1) };
  const collection = inner(first);
  const body = collection.type === 'collection_value' ? kids(collection)[0] : undefined;
  if (name === 'tuple' && body?.type === 'tuple')
    return {
      kind: 'tuple',
      items: kids(body)
        .filter((k) => k.type === 'expression')
        .map((k) => typeOf(k, depth + 1)),
    };
  if (name === 'object' && body?.type === 'object') {
    const attrs = new Map<string, { type: TypeSpec; optional: boolean; default?: Node }>();
    for (const el of kids(body)) {
      if (el.type !== 'object_elem') continue;
      const k = el.childForFieldName('key');
      const v = el.childForFieldName('val');
      if (!k || !v) continue;
      const key = inner(k).text.replace(/^"(.*)"$/s, '$1');
      const t = inner(v);
      const optional = t.type === 'function_call' && kids(t)[0]?.text === 'optional';
      if (!optional) {
        attrs.set(key, { type: typeOf(v, depth + 1), optional: false });
        continue;
      }
      const [of, dflt] = kids(kids(t).find((c) => c.type === 'function_arguments') ?? t).filter(
        (c) => c.type === 'expression',
      );
      attrs.set(key, { type: of ? typeOf(of, depth + 1) : OTHER, optional: true, default: dflt });
    }
    return { kind: 'object', attrs };
  }
  return OTHER;
}

/**
 * Whether converting to this type can change a value: a primitive type, a list or tuple (a set
 * given becomes a list again), a set, an object (optional attributes; attributes it does not
 * declare are dropped), or a map of one of those.
 */
export function converts(t: TypeSpec, depth = 0): boolean {
  if (depth > 32) return false;
  return t.kind === 'map' ? converts(t.of, depth + 1) : t.kind !== 'other';
}

/**
 * `v` converted to `t` (see the top of this file); `dflt` evaluates an optional attribute's
 * default. Values not known, or not of the type's shape, are left as they are (Terraform would
 * refuse the latter; the reading goes on). Lines are kept: a copy has its original's origins.
 */
export function convert(v: Value, t: TypeSpec, dflt: (n: Node) => Value, depth = 0): Value {
  if (depth > 32 || v === null || t.kind === 'other') return v;
  if (t.kind === 'string' || t.kind === 'number' || t.kind === 'bool') return primitive(v, t.kind);
  if (Array.isArray(v)) {
    if (t.kind === 'list' || t.kind === 'set') {
      const items = v.map((x) => convert(x, t.of, dflt, depth + 1));
      // (a set given to a list: a list of its elements in its order, keyed by index)
      if (t.kind === 'list')
        return !isSet(v) && items.every((x, i) => x === v[i]) ? v : copyOrigins(v, items);
      // A set: distinct elements (by their JSON), in Terraform's order; each keeps its line.
      // (values not known, templates and jsonencode()s are never taken for one another)
      const seen = new Set<string>();
      const kept: { x: Value; at: number }[] = [];
      items.forEach((x, at) => {
        const opaque = typeof x === 'object' && x !== null && !Array.isArray(x) && !isObj(x);
        const key = opaque ? undefined : JSON.stringify(x);
        if (key !== undefined && seen.has(key)) return;
        if (key !== undefined) seen.add(key);
        kept.push({ x, at });
      });
      const set = asSet(kept.map((k) => k.x));
      const o = originOf(v);
      if (o) setOrigin(set, o);
      // (distinct elements: each found again by identity once sorted)
      const at = new Map(kept.map((k) => [k.x, k.at]));
      set.forEach((x, i) => {
        const from = at.get(x);
        const e = from === undefined ? undefined : entryOriginOf(v, from);
        if (e) setEntryOrigin(set, i, e);
      });
      return set;
    }
    if (t.kind === 'tuple') {
      const items = v.map((x, i) => (t.items[i] ? convert(x, t.items[i]!, dflt, depth + 1) : x));
      return !isSet(v) && items.every((x, i) => x === v[i]) ? v : copyOrigins(v, items);
    }
    return v;
  }
  if (!isObj(v)) return v;
  if (t.kind === 'map') {
    const out = newObj();
    let changed = false;
    for (const k of Object.keys(v)) {
      out[k] = convert(v[k]!, t.of, dflt, depth + 1);
      changed ||= out[k] !== v[k];
    }
    return changed ? copyOrigins(v, out) : v;
  }
  if (t.kind !== 'object') return v;
  const out = newObj();
  // (attributes the type does not declare are dropped, as Terraform drops them; a key not known
  // is kept: it may be one of them)
  const notKnown = templateKeysOf(v);
  let changed = false;
  for (const k of Object.keys(v))
    if (notKnown?.has(k)) out[k] = v[k]!;
    else changed ||= !t.attrs.has(k);
  for (const [k, a] of t.attrs) {
    const has = Object.hasOwn(v, k);
    if (has && v[k] !== null) {
      out[k] = convert(v[k]!, a.type, dflt, depth + 1);
      changed ||= out[k] !== v[k];
    } else if (has && !a.optional) out[k] = null;
    else if (a.optional) {
      // Left out, or null: the default (converted to the attribute's type), else null.
      out[k] = a.default ? convert(dflt(a.default), a.type, dflt, depth + 1) : null;
      changed ||= !has || out[k] !== null;
    }
  }
  return changed ? copyOrigins(v, out) : v;
}

/** A number as go-cty writes it converted to a string (big.Float's Text('f', -1): no exponent). */
export function numberText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s) || !Number.isFinite(n)) return s;
  if (Number.isInteger(n)) return BigInt(n).toString();
  return n.toFixed(100).replace(/0+$/, '').replace(/\.$/, '');
}

/** A decimal number as big.Float parses one (Terraform's string to number). */
const NUMBER_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A value converted to a primitive type (go-cty convert); a value not known, or a text with
 * parts not known, is left as it is. What Terraform refuses is an HclEvalError.
 */
function primitive(v: Value, to: 'string' | 'number' | 'bool'): Value {
  const shown = () => shortText(JSON.stringify(v) ?? String(v), 40);
  const refuse = (what: string): never => {
    throw new HclEvalError(`${shown()} is not ${what}, which Terraform refuses for a value of type ${to}`);
  };
  if (typeof v === 'string') {
    if (to === 'string') return v;
    if (to === 'number') {
      if (!NUMBER_TEXT.test(v)) refuse('a number');
      return Number(v);
    }
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return refuse('a bool ("true" or "false")');
  }
  if (typeof v === 'number') {
    if (to === 'number') return v;
    if (to === 'string') return numberText(v);
    return refuse('a bool');
  }
  if (typeof v === 'boolean') {
    if (to === 'bool') return v;
    if (to === 'string') return v ? 'true' : 'false';
    return refuse('a number');
  }
  if (Array.isArray(v) || isObj(v)) return refuse(`a ${to}`);
  return v;
}

/** `to` with the origins (and keys not known) of `from`, entry by entry. */
function copyOrigins<T extends Value[] | { [k: string]: Value }>(from: Value, to: T): T {
  const o = originOf(from);
  if (o) setOrigin(to, o);
  const keys = Array.isArray(to) ? to.map((_, i) => i) : Object.keys(to);
  for (const k of keys) {
    const e = entryOriginOf(from, k);
    if (e) setEntryOrigin(to, k, e);
  }
  if (isObj(from) && isObj(to)) for (const [k, u] of templateKeysOf(from) ?? []) setTemplateKey(to, k, u);
  return to;
}
