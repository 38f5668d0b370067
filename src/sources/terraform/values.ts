// Small helpers over Terraform values: paths, sensitive markers and redaction, canonical keys, names.
import type { JsonPath } from '../../core/json-lines.js';
import { MAX_DOCUMENT_DEPTH, nestingDepth } from '../../policy/document.js';
import { loadCatalog } from '../../policy/catalog.js';
import { isObject } from '../parser.js';

export function get(obj: unknown, segs: JsonPath): unknown {
  let v = obj;
  for (const s of segs) {
    if (typeof s === 'number') v = Array.isArray(v) ? v[s] : undefined;
    else v = isObject(v) ? v[s] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/** True when the marker tree (after_sensitive, sensitive_values) marks anything in it (iterative). */
export function sensitiveWithin(tree: unknown): boolean {
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === true) return true;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (isObject(v)) for (const x of Object.values(v)) stack.push(x);
  }
  return false;
}

/** What a redacted value reads as. */
export const REDACTED = '(sensitive)';

export const PRINCIPAL_TYPES_KEPT = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

/**
 * A policy document with every value Terraform marks sensitive taken out, audited in its place so
 * that nothing of the value reaches a finding, a message or a suggested diff: Sids and Ids are
 * dropped; actions are kept only when they name actions of the catalog (the rest read `(sensitive)`,
 * an unknown action); resources and conditions are read on the broad side (an Allow's Resource
 * becomes `*` and its Condition is dropped, so it grants at least as much; a Deny's Resource is left
 * out and its Condition becomes an unknown one, so it denies no more); principals keep their type and
 * `*`. Unknown fields stay visible as `(sensitive)` fields so an invalid document still reads as invalid.
 */
export function redactDocument(doc: unknown): unknown {
  if (!isObject(doc)) return typeof doc === 'string' ? REDACTED : Array.isArray(doc) ? [] : doc;
  const catalog = loadCatalog();
  const known = (a: unknown): unknown =>
    typeof a === 'string' ? (a === '*' || catalog.expand(a).length > 0 ? a : REDACTED) : null;
  const list = (v: unknown, f: (x: unknown) => unknown): unknown =>
    typeof v === 'string' ? f(v) : Array.isArray(v) ? v.map(f) : null;
  const principal = (v: unknown): unknown => {
    if (v === '*') return v;
    if (!isObject(v)) return typeof v === 'string' ? REDACTED : null;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      out[PRINCIPAL_TYPES_KEPT.has(k) ? k : REDACTED] = list(x, (y) => (y === '*' ? y : REDACTED));
    return out;
  };
  const statement = (st: unknown): unknown => {
    if (!isObject(st)) return typeof st === 'string' ? REDACTED : Array.isArray(st) ? [] : st;
    const deny = st.Effect === 'Deny';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(st)) {
      switch (k) {
        case 'Sid':
          break;
        case 'Effect':
          out.Effect = v === 'Allow' || v === 'Deny' ? v : REDACTED;
          break;
        case 'Action':
        case 'NotAction':
          out[k] = list(v, known);
          break;
        case 'Resource':
        case 'NotResource': {
          // `*` where that grants more or denies less; left out otherwise.
          const broaden = deny === (k === 'NotResource');
          out[k] = broaden
            ? list(v, (x) => (typeof x === 'string' ? '*' : null))
            : Array.isArray(v) || typeof v === 'string'
              ? []
              : null;
          break;
        }
        case 'Principal':
        case 'NotPrincipal':
          out[k] = principal(v);
          break;
        case 'Condition':
          if (deny) out.Condition = { StringEquals: { [REDACTED]: REDACTED } };
          break;
        default:
          out[REDACTED] = REDACTED;
      }
    }
    return out;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'Version') out.Version = v === '2012-10-17' || v === '2008-10-17' ? v : REDACTED;
    else if (k === 'Statement') out.Statement = Array.isArray(v) ? v.map(statement) : statement(v);
    else if (k !== 'Id') out[REDACTED] = REDACTED;
  }
  return out;
}

/** True when the marker tree (after_unknown, after_sensitive) is `true` at the path or above it. */
export function markedAt(tree: unknown, segs: JsonPath): boolean {
  let v = tree;
  if (v === true) return true;
  for (const s of segs) {
    if (typeof s === 'number') v = Array.isArray(v) ? v[s] : undefined;
    else v = isObject(v) ? v[s] : undefined;
    if (v === true) return true;
    if (v === undefined || v === null || v === false) return false;
  }
  return false;
}

/**
 * A key equal for equal JSON values whatever their key order (undefined when too deep to build).
 * `asPolicy`: also whatever the order of a list of strings, and a list of one item equal to the
 * item, as IAM reads a policy's values (the AWS provider's aws_iam_policy_document writes
 * `"s3:*"` for `["s3:*"]`, and its lists in its own order).
 */
export function canonicalKey(v: unknown, asPolicy = false): string | undefined {
  if (nestingDepth(v, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH) return undefined;
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x) && asPolicy) {
      if (x.length === 1) return sort(x[0]);
      if (x.every((i) => typeof i === 'string')) return [...x].sort();
    }
    if (Array.isArray(x)) return x.map(sort);
    if (isObject(x)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) o[k] = sort(x[k]);
      return o;
    }
    return x;
  };
  try {
    return JSON.stringify(sort(v));
  } catch {
    return undefined;
  }
}

export function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function list(xs: string[], max = 5): string {
  const u = uniq(xs);
  return u.length <= max ? u.join(', ') : `${u.slice(0, max).join(', ')} and ${u.length - max} more`;
}

export function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** A readable name out of an ARN or URL (`arn:aws:sns:...:topic` -> `topic`). */
export function nameOf(v: string): string {
  if (v.startsWith('arn:')) {
    const last = v.split(':').slice(5).join(':');
    const slash = last.lastIndexOf('/');
    return slash >= 0 ? last.slice(slash + 1) : last;
  }
  if (/^https?:\/\//.test(v)) return v.replace(/\/+$/, '').split('/').pop() ?? v;
  return v;
}

export function clip(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * The `approximate` note of a document whose template interpolations stand for values that are not
 * known (eight named at the most, each clipped): the one wording of every source that reads them.
 */
export function interpolationsNote(interpolations: readonly string[]): string {
  return `interpolations read as wildcards: ${list(
    interpolations.map((x) => clip(x)),
    8,
  )}`;
}
