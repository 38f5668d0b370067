// One policy document of a template: evaluated, its unknown parts read as `*` (noted), except in a
// Deny, which is never read broader than written (left out: denyNotBroader), its statements' lines kept.
import type { GrantScope, PolicyKind, PolicyRecord } from '../../core/types.js';
import { formatJsonPath, type JsonPath } from '../../core/json-lines.js';
import { isObject } from '../parser.js';
import { MAX_DOCUMENT_CHARS, textSize } from '../../policy/document.js';
import {
  MAX_EVAL_DEPTH,
  NO_VALUE,
  asUnknown,
  clipText,
  describe,
  hasUnknownPart,
  unknownPartsAsWildcards,
} from './intrinsics.js';
import { statementsOf } from '../../policy/raw.js';
import { denyLeftOutNote } from '../records.js';
import { MAX_NOTES } from './types.js';
import { AnalyzerBase } from './analyzer-base.js';

export class DocumentAnalyzer extends AnalyzerBase {
  /**
   * One policy document: evaluated, its unknown parts read as `*` (noted), except a Deny's
   * (left out: denyNotBroader), its statements' lines kept.
   */
  docRecord(o: DocumentSpec): PolicyRecord | undefined {
    this.ev.begin(true);
    try {
      return this.readDocument(o);
    } finally {
      this.ev.endMarking();
    }
  }

  private readDocument(o: DocumentSpec): PolicyRecord | undefined {
    let doc = this.ev.eval(o.raw);
    if (doc === NO_VALUE) return undefined;
    const rec: PolicyRecord = {
      id: `${this.file.path}#${o.address}`,
      path: this.file.path,
      jsonPath: formatJsonPath(o.path),
      address: o.address,
      kind: o.kind,
      status: 'unresolved',
    };
    if (o.grantScope) rec.grantScope = o.grantScope;
    if (o.name) rec.name = o.name;
    this.lineOf(rec, o.path);
    const fail = (reason: string) => {
      rec.reason = clipText(unknownPartsAsWildcards(reason));
      this.addRecord(o.owner, rec);
      return rec;
    };
    const u = asUnknown(doc);
    if (u) return fail(u.reason);
    if (typeof doc === 'string') {
      try {
        doc = JSON.parse(doc) as unknown;
      } catch {
        return fail('the policy is a string that is not JSON');
      }
    }
    if (!isObject(doc)) return fail(`the policy is ${describe(doc)}, not a policy document`);
    if (textSize(doc, MAX_DOCUMENT_CHARS) > MAX_DOCUMENT_CHARS)
      return fail(
        `the policy holds more than ${MAX_DOCUMENT_CHARS} characters, more than AWS accepts (YAML aliases?): not read`,
      );
    const st = doc.Statement;
    const su = asUnknown(st);
    if (su) return fail(`its Statement is not known: ${su.reason}`);
    const list = statementsOf(doc);
    for (let i = 0; i < list.length; i++) {
      const x = asUnknown(list[i]);
      if (x) return fail(`statement ${i} is not known: ${x.reason}`);
    }
    let statementPaths = list.map((s) =>
      o.statementsAt ? o.statementsAt : typeof s === 'object' && s !== null ? this.where(s) : undefined,
    );
    const read = denyNotBroader(this.finalize(doc) as Record<string, unknown>);
    if (read.kept) {
      const kept = read.kept;
      statementPaths = kept.map((i) => statementPaths[i]);
    }
    const seen = new Set<number>();
    rec.document = wildcards(read.document, seen);
    this.ev.keepNotesOf(seen);
    rec.status = 'resolved';
    const notes = [...this.ev.approximations];
    if (read.leftOut.length > 0) notes.unshift(denyLeftOutNote(read.leftOut));
    if (notes.length > 0)
      rec.approximate =
        notes.length > MAX_NOTES
          ? [...notes.slice(0, MAX_NOTES), `and ${notes.length - MAX_NOTES} more`]
          : notes;
    const lines: (number | undefined)[] = new Array<number | undefined>(statementPaths.length);
    statementPaths.forEach((p, i) => this.linePaths.push({ set: (l) => (lines[i] = l), path: p ?? o.path }));
    rec.statementLines = lines as number[];
    this.addRecord(o.owner, rec);
    return rec;
  }

  protected where(v: object): JsonPath | undefined {
    return this.tpl.originOf(v) ?? this.ev.madeFrom.get(v);
  }

  /**
   * Unknown values left in a document read as `*` (as markers while a document is read: docRecord),
   * with their reasons noted (deeper than any policy: left as is).
   */
  protected finalize(v: unknown, depth = 0): unknown {
    if (asUnknown(v)) return this.ev.str(v);
    if (depth > MAX_EVAL_DEPTH) return v;
    if (Array.isArray(v)) return v.map((x) => this.finalize(x, depth + 1));
    if (isObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.finalize(x, depth + 1);
      return out;
    }
    return v;
  }

  /** A value as text, its unknown parts read as `*` (a name). */
  protected text(raw: unknown): string | undefined {
    if (raw === undefined) return undefined;
    this.ev.begin();
    const v = this.ev.eval(raw);
    return v === NO_VALUE ? undefined : this.ev.str(v);
  }
}

export interface DocumentSpec {
  owner: string;
  address: string;
  kind: PolicyKind;
  name?: string;
  raw: unknown;
  path: JsonPath;
  /** The source path when the document is not in the template (a SAM policy template). */
  statementsAt?: JsonPath;
  /** A resource policy of a known type: the services whose actions it can grant. */
  grantScope?: GrantScope;
}

/**
 * A document read with its unknown parts as markers, its Deny statements never read broader than
 * written (a Deny read as `*` would hide what the policy grants): an unknown item of a Deny's
 * Action or Resource (or one with an unknown part) is left out, and the Deny with it when nothing
 * known is left there; a Deny whose NotAction, NotResource or principals hold an unknown part, or
 * whose condition's operator or key does, is left out (an unknown condition value keeps it a
 * condition: a Deny under one never removes a grant, only notes it). `kept`: the index of each
 * statement read, when some are left out; `leftOut`: what was (denyLeftOutNote).
 */
export function denyNotBroader(doc: Record<string, unknown>): {
  document: Record<string, unknown>;
  kept?: number[];
  leftOut: string[];
} {
  const leftOut: string[] = [];
  const statements = statementsOf(doc);
  if (!statements.some((s) => isObject(s) && s.Effect === 'Deny' && hasUnknownPart(s)))
    return { document: doc, leftOut };
  const out: unknown[] = [];
  const kept: number[] = [];
  statements.forEach((st, i) => {
    const s = isObject(st) && st.Effect === 'Deny' ? denyStatement(st, leftOut) : st;
    if (s === undefined) return;
    out.push(s);
    kept.push(i);
  });
  const document = { ...doc, Statement: Array.isArray(doc.Statement) || out.length === 0 ? out : out[0] };
  return kept.length === statements.length ? { document, leftOut } : { document, kept, leftOut };
}

/** A Deny statement never read broader than written, or undefined when it is left out (denyNotBroader). */
function denyStatement(st: Record<string, unknown>, leftOut: string[]): Record<string, unknown> | undefined {
  if (hasUnknownPart(st.NotAction) || hasUnknownPart(st.NotResource)) {
    leftOut.push('a Deny whose NotAction or NotResource is not known');
    return undefined;
  }
  if (hasUnknownPart(st.Principal) || hasUnknownPart(st.NotPrincipal)) {
    leftOut.push("a Deny's principals that are not known");
    return undefined;
  }
  if (unknownConditionKey(st.Condition)) {
    leftOut.push("a Deny's condition that is not known");
    return undefined;
  }
  let s = st;
  for (const k of ['Action', 'Resource'] as const) {
    if (s[k] === undefined || !hasUnknownPart(s[k])) continue;
    const all = Array.isArray(s[k]) ? s[k] : [s[k]];
    const known = all.filter((x) => !hasUnknownPart(x));
    leftOut.push(`a Deny's ${k === 'Action' ? 'actions' : 'resources'} that are not known`);
    if (known.length === 0) return undefined;
    s = { ...s, [k]: Array.isArray(s[k]) ? known : known[0] };
  }
  return s;
}

/** True when a condition's operator or key holds an unknown part (or the whole condition, or an operator's map, is one). */
function unknownConditionKey(c: unknown): boolean {
  if (c === undefined) return false;
  if (!isObject(c)) return hasUnknownPart(c);
  return Object.entries(c).some(
    ([op, m]) =>
      hasUnknownPart(op) || (isObject(m) ? Object.keys(m).some((k) => hasUnknownPart(k)) : hasUnknownPart(m)),
  );
}

/**
 * A value with each unknown part written as the `*` it is read as (in keys too); `seen` gets the
 * index of each. Own properties are defined, never assigned: a key `__proto__` stays a key.
 */
function wildcards(v: unknown, seen: Set<number>, depth = 0): unknown {
  if (typeof v === 'string') return unknownPartsAsWildcards(v, seen);
  if (depth > MAX_EVAL_DEPTH || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => wildcards(x, seen, depth + 1));
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    Object.defineProperty(o, unknownPartsAsWildcards(k, seen), {
      value: wildcards(x, seen, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return o;
}
