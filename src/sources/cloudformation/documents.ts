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
import {
  denyLeftOutNote,
  effectsAsAllowNote,
  notActionsLeftOutNote,
  oneValueFits,
  oneValueNote,
} from '../records.js';
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
    const variants = this.readVariants(o);
    const reading = variants.readings.length === 1 ? variants.readings[0]!.reading : this.merged(variants);
    if (reading.kind === 'none') return undefined;
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
    if (reading.kind === 'failed') {
      rec.reason = clipText(unknownPartsAsWildcards(reading.reason));
      this.addRecord(o.owner, rec);
      return rec;
    }
    let statementPaths = reading.paths;
    let readingNumbers = reading.numbers;
    const read = denyNotBroader(reading.doc);
    if (read.kept) {
      const kept = read.kept;
      statementPaths = kept.map((i) => statementPaths[i]);
      const before = readingNumbers;
      readingNumbers = kept.map((i) => (before ? before[i]! : i));
    }
    const seen = new Set<number>();
    // An Allow's resources with known text beside parameters (or the stack's name or id) that hold
    // one value each: those read as one value, a placeholder, not `*` (Evaluator.oneValueOf).
    const oneValue = new Set<number>();
    rec.document = wildcards(
      oneValued(read.document, (i) => this.ev.oneValueOf(i), oneValue),
      seen,
    );
    this.ev.keepNotesOf(seen);
    if (oneValue.size > 0)
      this.ev.note(
        oneValueNote(
          [...oneValue]
            .sort((a, b) => a - b)
            .map(
              (i) =>
                this.ev
                  .reasonOf(i)!
                  .replace(/ has no default$/, '')
                  .split(': ')[0]!,
            ),
        ),
      );
    rec.status = 'resolved';
    const notActions = read.leftOut.includes(NOT_ACTION_LEFT_OUT);
    const effects = read.leftOut.includes(EFFECT_AS_ALLOW);
    const leftOut = [
      ...(reading.leftOut ?? []),
      ...read.leftOut.filter((x) => x !== NOT_ACTION_LEFT_OUT && x !== EFFECT_AS_ALLOW),
    ];
    // (a condition that takes one value in every combination the stack can have: that branch only)
    // (of the readings that consult it: the others do not give it a value)
    const taken = (name: string) =>
      new Set(variants.readings.flatMap((x) => (x.forced.has(name) ? [x.forced.get(name)] : [])));
    const conditionNotes = [...variants.conditions].flatMap(([name, why]) => {
      const values = taken(name);
      const byDefault = variants.byDefault.get(name);
      if (byDefault) {
        // (only the branch the defaults give can hold: read as it is, nothing to say)
        if (!variants.partial && values.size === 1) return [];
        const read = `condition ${name} is ${String(byDefault.value)} with the parameters at their defaults (${byDefault.defaults.join(', ')}), not with every value a stack may be deployed with`;
        return variants.partial
          ? `${read}: its branches audited with all the others true or all false only (${PARTIAL_WHY[variants.partial]}): an Allow that only some other combination gives is not audited`
          : `${read}: both of its branches audited (what a stack deployed with any values grants)`;
      }
      if (!variants.partial && values.size === 1)
        return `condition ${name} is not known (${why}), yet only its ${String([...values][0])} branch can hold with the parameters' possible values and the other conditions: that branch audited`;
      return variants.partial
        ? `condition ${name} is not known (${why}): its branches audited with all the others true or all false only (${PARTIAL_WHY[variants.partial]}): an Allow that only some other combination gives is not audited`
        : `condition ${name} is not known (${why}): both of its branches audited`;
    });
    const notes = [...conditionNotes, ...this.ev.approximations];
    if (effects) notes.unshift(effectsAsAllowNote());
    if (notActions) notes.unshift(notActionsLeftOutNote());
    if (leftOut.length > 0) notes.unshift(denyLeftOutNote(leftOut));
    if (notes.length > 0)
      rec.approximate =
        notes.length > MAX_NOTES
          ? [...notes.slice(0, MAX_NOTES), `and ${notes.length - MAX_NOTES} more`]
          : notes;
    const lines: (number | undefined)[] = new Array<number | undefined>(statementPaths.length);
    statementPaths.forEach((p, i) => this.linePaths.push({ set: (l) => (lines[i] = l), path: p ?? o.path }));
    rec.statementLines = lines as number[];
    // Statements left out, or read in two branches: each is numbered as written (`statement #N`).
    const numbers = statementPaths.map((p, i) => writtenNumber(p) ?? readingNumbers?.[i] ?? i);
    if (numbers.some((n, i) => n !== i)) rec.statementNumbers = numbers;
    this.addRecord(o.owner, rec);
    return rec;
  }

  /**
   * The document read once, or, when an `Fn::If` of it consulted conditions not known offline,
   * once with each combination of them the stack may have (readings()).
   */
  private readVariants(o: DocumentSpec): Variants {
    const v = this.readings(() => this.readOnce(o));
    return {
      readings: v.readings.map((x) => ({ forced: x.forced, reading: x.value })),
      conditions: v.conditions,
      byDefault: new Map([...this.ev.defaultIfConditions].filter(([n]) => v.conditions.has(n))),
      ...(v.partial ? { partial: v.partial } : {}),
    };
  }

  /**
   * `read()` once (marking: begin(true) first), or, when an `Fn::If` it evaluated consulted
   * conditions not known offline, once with each combination of true and false to the conditions
   * each reading consults (a condition read in one branch only is given a value there only: the
   * readings branch as a tree), none the stack cannot have, at most MAX_CONDITION_READINGS; beyond
   * that, or beyond MAX_CONDITION_TREE_READS readings made to find them, once with all of them true
   * and once with all false (`partial`, saying which bound).
   */
  protected readings<T>(read: () => T): {
    readings: { forced: ReadonlyMap<string, boolean>; value: T }[];
    /** The conditions not known read both ways (name -> why not known). */
    conditions: ReadonlyMap<string, string>;
    /** Read all true and all false only, not with every combination (beyond a bound: which). */
    partial?: PartialReading;
  } {
    const once = read();
    const conditions = new Map(this.ev.unknownIfConditions);
    if (conditions.size === 0)
      return { readings: [{ forced: new Map(), value: once }], conditions: new Map() };
    const readings: { forced: ReadonlyMap<string, boolean>; value: T }[] = [];
    // Each reading given the values of the conditions the ones before it consulted; the first
    // condition not given one that it consults: read again with it true, then false (only the
    // combinations the stack can have: IsProd and IsNotProd are never both true; both when
    // neither can, as nothing is then excluded). `next` holds what is left to read.
    const next: Map<string, boolean>[] = [new Map()];
    let spent = 0;
    // (read again below as the first of the tree: its notes and unknown parts from there on)
    this.ev.begin(true);
    while (next.length > 0) {
      // (each reading left to make gives one at least: beyond the bound as soon as they are more)
      if (readings.length + next.length > MAX_CONDITION_READINGS)
        return this.bothWays(read, conditions, 'combinations');
      if (++spent > MAX_CONDITION_TREE_READS) return this.bothWays(read, conditions, 'readings');
      const forced = next.pop()!;
      this.ev.beginVariant(forced);
      const value = read();
      const open: string[] = [];
      for (const [name, why] of this.ev.unknownIfConditions) {
        if (!conditions.has(name)) conditions.set(name, why);
        if (!forced.has(name)) open.push(name);
      }
      const [branch, ...rest] = open;
      if (branch === undefined) {
        readings.push({ forced, value });
        continue;
      }
      const both = [true, false].map((b) => new Map([...forced, [branch, b]]));
      const can = both.filter((f) => this.ev.possible(f));
      const children = can.length > 0 ? can : both;
      // (one child only: the others decide this condition, and may decide the next ones too; each
      // so decided counts as the reading it saves)
      if (children.length === 1) spent += this.implied(children[0]!, rest);
      // (pushed last to first: the true branch is read first)
      next.push(...children.reverse());
    }
    // In the order of a count in binary with the condition found first the lowest digit, true 0
    // (where a reading gives it no value, as 0): the readings with the most true first, as they
    // were read before they branched as a tree (statements first read keep their order).
    const names = [...conditions.keys()].reverse();
    const digits = (f: ReadonlyMap<string, boolean>) => names.map((n) => (f.get(n) === false ? 1 : 0));
    readings.sort((x, y) => {
      const a = digits(x.forced);
      const b = digits(y.forced);
      const i = a.findIndex((d, k) => d !== b[k]);
      return i < 0 ? 0 : a[i]! - b[i]!;
    });
    return { readings, conditions };
  }

  /**
   * `forced` given the one value each of the conditions `consulted` (in turn, up to the first that
   * may take both) can take with it (C0d0, the same comparison as C0, once C0 is given one), so
   * that no reading is made to branch on it with one child only (one per condition of each
   * combination, that tells nothing new). Returns how many were given one.
   */
  private implied(forced: Map<string, boolean>, consulted: readonly string[]): number {
    let given = 0;
    for (const name of consulted) {
      if (forced.has(name)) continue;
      const can = [true, false].filter((b) => this.ev.possible(new Map([...forced, [name, b]])));
      if (can.length !== 1) break;
      forced.set(name, can[0]!);
      given++;
    }
    return given;
  }

  /**
   * Beyond MAX_CONDITION_READINGS: read with all of the conditions true, then all false, so that
   * each is read both ways (not every combination: an Allow that needs some true and others false
   * is not read, which the notes say); a Deny chosen by one is left out, never read as surely there.
   */
  private bothWays<T>(
    read: () => T,
    found: ReadonlyMap<string, string>,
    partial: PartialReading,
  ): {
    readings: { forced: ReadonlyMap<string, boolean>; value: T }[];
    conditions: ReadonlyMap<string, string>;
    partial: PartialReading;
  } {
    const conditions = new Map(found);
    this.ev.begin(true);
    const readings = [true, false].map((b) => {
      const forced = new Map([...conditions.keys()].map((n) => [n, b]));
      this.ev.beginVariant(forced);
      const value = read();
      for (const [name, why] of this.ev.unknownIfConditions)
        if (!conditions.has(name)) conditions.set(name, why);
      return { forced, value };
    });
    return { readings, conditions, partial };
  }

  /** One reading of the document (the evaluator's conditions as they are: beginVariant). */
  private readOnce(o: DocumentSpec): Reading {
    let doc = o.evaluate ? o.evaluate() : this.ev.eval(o.raw);
    if (doc === NO_VALUE) return { kind: 'none' };
    const fail = (reason: string): Reading => ({ kind: 'failed', reason });
    if (o.entry) {
      const eu = asUnknown(doc);
      if (eu) return fail(eu.reason);
      if (!isObject(doc)) return fail(`a policy entry that is ${describe(doc)}`);
      if (doc.PolicyDocument === undefined) return fail('the entry has no PolicyDocument');
      doc = doc.PolicyDocument;
    }
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
    const paths = list.map((s) =>
      o.statementsAt ? o.statementsAt : typeof s === 'object' && s !== null ? this.where(s) : undefined,
    );
    return { kind: 'read', doc: this.finalize(doc) as Record<string, unknown>, paths };
  }

  /**
   * The readings of a document with each assignment to the conditions not known, as one: every
   * distinct statement of any of them (matched by where it is written), except a Deny that is not
   * the same in all of them, left out (a Deny is never read broader than written). One that cannot
   * be read makes the whole unresolved, with the assignment.
   */
  private merged(v: Variants): Reading {
    const entries = new Map<
      string,
      { statement: unknown; path: JsonPath | undefined; in: number; number: number }
    >();
    let first: Record<string, unknown> | undefined;
    // In how many readings a Deny of each text is, wherever it is written (one written in each
    // branch of IsProd and of IsNotProd is in every reading the stack can have).
    const denyIn = new Map<string, number>();
    for (const { forced, reading } of v.readings) {
      if (reading.kind === 'failed') {
        const when = [...forced].map(([name, value]) => `${name} ${String(value)}`).join(', ');
        return { kind: 'failed', reason: `with condition ${when}: ${reading.reason}` };
      }
      if (reading.kind === 'none') continue;
      first ??= reading.doc;
      const here = new Set<string>();
      const denies = new Set<string>();
      statementsOf(reading.doc).forEach((statement, i) => {
        if (isObject(statement) && statement.Effect === 'Deny') denies.add(this.ev.sameText(statement));
        const path = reading.paths[i];
        const key = `${path ? formatJsonPath(path) : ''}\u0000${this.ev.sameText(statement)}`;
        const e = entries.get(key) ?? { statement, path, in: 0, number: i };
        entries.set(key, e);
        if (!here.has(key)) e.in++;
        here.add(key);
      });
      for (const t of denies) denyIn.set(t, (denyIn.get(t) ?? 0) + 1);
    }
    if (!first) return { kind: 'none' };
    const statements: unknown[] = [];
    const paths: (JsonPath | undefined)[] = [];
    const numbers: number[] = [];
    const leftOut: string[] = [];
    // An Allow read with a condition in one reading and without it in another, where it is written:
    // the one without grants all the other does (its findings would be told twice).
    const unconditional = new Set<string>();
    for (const e of entries.values())
      if (isObject(e.statement) && e.statement.Effect !== 'Deny' && e.statement.Condition === undefined)
        unconditional.add(`${e.path ? formatJsonPath(e.path) : ''}\u0000${this.ev.sameText(e.statement)}`);
    // (a reading with no document at all grants nothing either: a Deny need not be in it)
    const withDocument = v.readings.filter((x) => x.reading.kind === 'read').length;
    // (why a Deny not in every reading is left out: the conditions that choose it)
    const denyChosen =
      v.byDefault.size === 0
        ? 'a Deny chosen by a condition that is not known'
        : v.byDefault.size === v.conditions.size
          ? "a Deny chosen by a condition that is so only with the parameters' defaults"
          : "a Deny chosen by a condition that is not known, or is so only with the parameters' defaults";
    /** Denies kept though not written at one place in every reading: their texts (one copy each). */
    const keptByText = new Set<string>();
    for (const e of entries.values()) {
      const deny = isObject(e.statement) && e.statement.Effect === 'Deny';
      // Read all true and all false only, a Deny the same in both may still differ in a reading
      // not made: one written with an Fn::If (or where that cannot be told) is left out.
      if (deny && v.partial && this.writtenWithIf(e.path)) {
        leftOut.push(denyChosen);
        continue;
      }
      if (deny && e.in < withDocument) {
        const text = this.ev.sameText(e.statement);
        if (denyIn.get(text) !== withDocument) {
          leftOut.push(denyChosen);
          continue;
        }
        if (keptByText.has(text)) continue;
        keptByText.add(text);
      }
      if (isObject(e.statement) && e.statement.Effect !== 'Deny' && e.statement.Condition !== undefined) {
        const rest: Record<string, unknown> = { ...e.statement };
        delete rest.Condition;
        if (unconditional.has(`${e.path ? formatJsonPath(e.path) : ''}\u0000${this.ev.sameText(rest)}`))
          continue;
      }
      statements.push(e.statement);
      paths.push(e.path);
      numbers.push(e.number);
    }
    const doc: Record<string, unknown> = { ...first };
    if (first.Statement !== undefined || statements.length > 0)
      doc.Statement = Array.isArray(first.Statement) || statements.length !== 1 ? statements : statements[0];
    return { kind: 'read', doc, paths, leftOut, numbers };
  }

  /** Whether the statement written at `path` is, or is chosen by, or holds an Fn::If (true when `path` is not known). */
  private writtenWithIf(path: JsonPath | undefined): boolean {
    if (!path) return true;
    if (path.includes('Fn::If')) return true;
    let v: unknown = this.root;
    for (const k of path) {
      if (Array.isArray(v) && typeof k === 'number') v = v[k];
      else if (isObject(v) && typeof k === 'string') v = v[k];
      else return true;
    }
    return JSON.stringify(v ?? null).includes('"Fn::If"');
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
    // (a value evaluated while a document was read may hold markers: read as `*` here too)
    return v === NO_VALUE ? undefined : unknownPartsAsWildcards(this.ev.str(v));
  }
}

/**
 * Most readings of one document with conditions not known (each combination of the conditions
 * each reading consults, readings()): 2^6, as many as six conditions each consulted by every one.
 */
export const MAX_CONDITION_READINGS = 64;

/**
 * Most readings made to find those combinations, each condition decided by the others without one
 * (implied()) counted as the reading it saves: bounds the time one document takes. The readings
 * that branch in two and those that give a combination are at most 2 * MAX_CONDITION_READINGS - 1;
 * those that branch in one are not bounded by the combinations (IsDev decided by IsProd: one per
 * combination), so not counted against MAX_CONDITION_READINGS but here.
 */
export const MAX_CONDITION_TREE_READS = 4 * MAX_CONDITION_READINGS;

/** Why a document was read with all of its conditions not known true and all false only. */
type PartialReading = 'combinations' | 'readings';

const PARTIAL_WHY: Record<PartialReading, string> = {
  combinations: `more than ${MAX_CONDITION_READINGS} combinations of such conditions`,
  readings: `more than ${MAX_CONDITION_TREE_READS} readings of the policy to find their combinations`,
};

type Reading =
  | { kind: 'none' }
  | { kind: 'failed'; reason: string }
  | {
      kind: 'read';
      /** With unknown parts as markers. */
      doc: Record<string, unknown>;
      /** Where each statement is written. */
      paths: (JsonPath | undefined)[];
      /** Deny statements left out (denyLeftOutNote). */
      leftOut?: string[];
      /** The place of each statement in the reading it comes from (of several merged). */
      numbers?: number[];
    };

interface Variants {
  readings: { forced: ReadonlyMap<string, boolean>; reading: Reading }[];
  /** The conditions not known read both ways (name -> why not known). */
  conditions: ReadonlyMap<string, string>;
  /** Read all true and all false only (beyond a bound: which), not with every combination. */
  partial?: PartialReading;
  /** Of `conditions`, those known offline only by the parameters' defaults (defaultIfConditions). */
  byDefault: ReadonlyMap<string, { value: boolean; defaults: string[] }>;
}

export interface DocumentSpec {
  owner: string;
  address: string;
  kind: PolicyKind;
  name?: string;
  raw: unknown;
  path: JsonPath;
  /** `raw` makes an entry of `Policies` (`{PolicyName, PolicyDocument}`), not the document itself. */
  entry?: boolean;
  /** Evaluates the document (or entry) instead of `raw`. */
  evaluate?: () => unknown;
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
  if (
    !statements.some(
      (s) =>
        isObject(s) &&
        (s.Effect === 'Deny' ? hasUnknownPart(s) : hasUnknownPart(s.NotAction) || hasUnknownPart(s.Effect)),
    )
  )
    return { document: doc, leftOut };
  const out: unknown[] = [];
  const kept: number[] = [];
  statements.forEach((st, i) => {
    // An Effect not known: read as an Allow (what it may grant is audited, said so).
    let read = st;
    if (isObject(st) && hasUnknownPart(st.Effect)) {
      leftOut.push(EFFECT_AS_ALLOW);
      read = { ...st, Effect: 'Allow' };
    }
    const s = !isObject(read)
      ? read
      : read.Effect === 'Deny'
        ? denyStatement(read, leftOut)
        : hasUnknownPart(read.NotAction)
          ? allowNotBroader(read, leftOut)
          : read;
    if (s === undefined) return;
    out.push(s);
    kept.push(i);
  });
  const document = { ...doc, Statement: Array.isArray(doc.Statement) || out.length === 0 ? out : out[0] };
  return kept.length === statements.length ? { document, leftOut } : { document, kept, leftOut };
}

/**
 * An Allow's NotAction without its values that are not known (as `*` they would exclude every
 * action of their pattern: the statement read narrower than written), so that it is read as
 * granting them too; with none known, as every action. `leftOut` gets NOT_ACTION_NOTE's marker.
 */
function allowNotBroader(st: Record<string, unknown>, leftOut: string[]): Record<string, unknown> {
  const all = Array.isArray(st.NotAction) ? st.NotAction : [st.NotAction];
  const known = all.filter((x) => !hasUnknownPart(x));
  leftOut.push(NOT_ACTION_LEFT_OUT);
  const s: Record<string, unknown> = { ...st };
  if (known.length === 0) {
    delete s.NotAction;
    s.Action = '*';
  } else s.NotAction = Array.isArray(st.NotAction) ? known : known[0];
  return s;
}

/** In denyNotBroader's `leftOut`: an Allow's NotAction values were left out (its own note). */
export const NOT_ACTION_LEFT_OUT = '\u0000not-action';
/** In denyNotBroader's `leftOut`: an Effect not known was read as Allow (its own note). */
export const EFFECT_AS_ALLOW = '\u0000effect';

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

/**
 * A document with the unknown parts of its Allow statements' resources that hold one value
 * (`placeholder` gives it) written as that placeholder, where the resource has known text beside
 * them (a resource wholly unknown stays `*`: its shape is not known); `used` gets their indexes.
 */
function oneValued(doc: unknown, placeholder: (i: number) => string | undefined, used: Set<number>): unknown {
  if (!isObject(doc) || doc.Statement === undefined) return doc;
  const one = (x: unknown) => {
    if (typeof x !== 'string' || !hasUnknownPart(x) || /^\uE000\d+\uE001$/.test(x)) return x;
    return x.replace(/\uE000(\d+)\uE001/g, (m, i: string, at: number, all: string) => {
      const p = placeholder(Number(i));
      if (p === undefined || !oneValueFits(all.slice(0, at).replace(/\uE000\d+\uE001/g, '?'))) return m;
      used.add(Number(i));
      return p;
    });
  };
  const statement = (st: unknown) => {
    if (!isObject(st) || st.Effect !== 'Allow') return st;
    let out = st;
    for (const k of ['Resource', 'NotResource'])
      if (out[k] !== undefined && hasUnknownPart(out[k]))
        out = { ...out, [k]: Array.isArray(out[k]) ? (out[k] as unknown[]).map(one) : one(out[k]) };
    return out;
  };
  return {
    ...doc,
    Statement: Array.isArray(doc.Statement) ? doc.Statement.map(statement) : statement(doc.Statement),
  };
}

/** The position as written of the statement at `path` (`…Statement[2]`), or undefined. */
function writtenNumber(path: JsonPath | undefined): number | undefined {
  if (!path) return undefined;
  const at = path.lastIndexOf('Statement');
  if (at < 0) return undefined;
  const n = path[at + 1];
  return n === undefined ? 0 : typeof n === 'number' ? n : undefined;
}
