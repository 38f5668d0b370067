// Policy documents built from `aws_iam_policy_document` statements (plans, state and tf.json alike).
import { parseJson, type JsonPath } from '../../core/json-lines.js';
import { MAX_DOCUMENT_DEPTH, nestingDepth, preview, textSize } from '../../policy/document.js';
import { statementsOf } from '../../policy/raw.js';
import { isObject } from '../parser.js';
import {
  denyLeftOutNote,
  effectsAsAllowNote,
  LEFT_OUT_ACTIONS,
  LEFT_OUT_DOCUMENTS,
  LEFT_OUT_STATEMENTS,
  notActionsLeftOutNote,
  pushAll,
  oneValueFits,
  oneValueNote,
} from '../records.js';
import { CHOSEN_BLOCKS, MAX_DYNAMIC_EXPANSION } from './model.js';
import { scanTemplate, hasTemplate, PURE_INTERPOLATION, templateAsWildcards } from './evaluator.js';
import { clip, interpolationsNote, list, uniq } from './values.js';
import { referencesIn } from './references.js';
import { POLICY_DOCUMENT_DATA_SOURCE } from './resource-types.js';

/** One field as read: values (unknown parts read as `*`), whether something was unknown, and the interpolations seen. */
export interface FieldRead {
  values: string[];
  wild: boolean;
  interpolations: string[];
  /** The indexes in `values` of the wholly unknown ones (the list, or items of it), each read as `*`. */
  pure?: number[];
  /**
   * What each of `pure` is (in its order): the interpolation (`${var.actions}`), or
   * UNKNOWN_AT_PLAN. Read as `*`, except in an action list, where they are left out (buildStatements).
   */
  wholes?: string[];
  /** The indexes in `values` of those with anything unknown in them (wholly, or a part). */
  unknown?: number[];
  /**
   * Of `pure`, those a conditional not known chooses between known strings (TfInput.either), by
   * their index in `values`: every value each may be. An Allow's actions and resources read them
   * (readBranches).
   */
  either?: Map<number, readonly string[]>;
  /**
   * Of `unknown`, those with known text beside interpolations that hold one value each
   * (ONE_VALUE_REF: `arn:aws:s3:::${var.bucket}/*`), by their index in `values`: the value with
   * those written as placeholders (the others as `*`), and the interpolations so written. An
   * Allow's resources read them (buildStatements).
   */
  oneValue?: Map<number, { text: string; refs: string[] }>;
}

/**
 * An interpolation that holds one value: a variable's, a local's or a module output's, by name; a
 * managed resource's or a data source's attribute (`aws_security_group.sg[0].id`, an instance's: no
 * splat, no iteration's `each.value` or `count.index`, no dynamic block's `<iterator>.value`); or a
 * conditional choosing between two such (`var.id != null ? var.id : aws_security_group.sg[0].id`).
 * Inside a string with known text beside it, Terraform interpolates one primitive value: in a
 * resource ARN (`arn:aws:s3:::${var.bucket}/*`), one bucket the user chooses, as a vendor's
 * `{YOUR_BUCKET}` is, not every bucket (a review: the usual module's variable read as `*` was told
 * "narrow the resources", a false alarm that failed the check; then Databricks' own security
 * reference architecture, its security group's id).
 */
const TRAVERSAL = String.raw`(?:\.[A-Za-z_][\w-]*|\[(?:'[^'\]]*'|"[^"\]]*"|\d+)\])`;
const NAMED_REF = String.raw`(?:var|local|module)\.[A-Za-z_][\w-]*${TRAVERSAL}*`;
/**
 * `type.name[i].attribute…`: a type with an underscore (`aws_…`), an attribute after the name. Not
 * `aws_caller_identity`: the evaluator writes the account placeholder where the account is the
 * configuration's own; one it leaves unresolved (another provider's, which may assume a role in
 * another account) stays unknown.
 */
const RESOURCE_REF = String.raw`(?!data\.aws_caller_identity\.)(?:data\.)?(?!(?:each|count|self|path|terraform|var|local|module|data)\.)[A-Za-z][\w-]*_[\w-]*\.(?!(?:value|key)\b)[A-Za-z_][\w-]*(?:\[(?:'[^'\]]*'|"[^"\]]*"|\d+)\])?\.[A-Za-z_][\w-]*${TRAVERSAL}*`;
const ONE_REF = `(?:${NAMED_REF}|${RESOURCE_REF})`;
const ONE_VALUE_REF = new RegExp(
  String.raw`^\$\{\s*(?:${ONE_REF}|[^?:{}"]+\?\s*${ONE_REF}\s*:\s*${ONE_REF})\s*\}$`,
);

/** Whether an interpolation (`${var.bucket}`) holds one value (ONE_VALUE_REF). */
export function holdsOneValue(interpolation: string): boolean {
  return ONE_VALUE_REF.test(interpolation);
}

/**
 * A text's interpolation marks (UNKNOWN_MARK, indexes into `interpolations`) that hold one value
 * where they stand (holdsOneValue, oneValueFits) as placeholders, the others as `other` writes
 * them; `used` gets the interpolations read as one value.
 */
function oneValueMarks(
  text: string,
  interpolations: readonly string[],
  other: (mark: string) => string,
  used: string[],
): string {
  return text.replace(UNKNOWN_MARK, (m: string, i: string, at: number, all: string) => {
    const raw = interpolations[Number(i)];
    if (
      raw === undefined ||
      !holdsOneValue(raw) ||
      !oneValueFits(all.slice(0, at).replace(UNKNOWN_MARK, '?'))
    )
      return other(m);
    used.push(raw);
    return oneValuePlaceholder(raw);
  });
}

/** An interpolation that holds one value as the placeholder a resource is read with: `<var.bucket>`. */
export function oneValuePlaceholder(interpolation: string): string {
  return `<${interpolation.replace(/^\$\{\s*|\s*\}$/g, '').replace(/[<>{}\\"$%]/g, '')}>`;
}

/** An `"Action"` or `"NotAction"` of a JSON text and its value (a string or a list of strings). */
const JSON_ACTIONS = /"(?:Not)?Action"\s*:\s*(\[(?:\s*"(?:[^"\\]|\\.)*"\s*,?)*\s*\]|"(?:[^"\\]|\\.)*")/g;
const JSON_STRING = /"((?:[^"\\]|\\.)*)"/g;

/** Stands for a wholly unknown action value in a JSON template while it is read (a JSON escape). */
const UNKNOWN_ACTION = '\\u0000unknown-action:';

/**
 * Stands for an interpolation in a JSON template while it is read: UNKNOWN_PART, the
 * interpolation's index (in `interpolations`), UNKNOWN_END (private-use characters).
 */
const UNKNOWN_PART = '\uE000';
const UNKNOWN_END = '\uE001';
const UNKNOWN_MARK = /\uE000(\d+)\uE001/g;
const WHOLE_UNKNOWN = /^\uE000(\d+)\uE001$/;

/**
 * A policy's JSON template (jsonencode() of unknown values, templatefile(), a heredoc) read with
 * its interpolations as wildcards, except an Action or NotAction value, or item of one, that is
 * wholly an interpolation (`"Action": "${data.datadog_integration_aws_iam_permissions.this.iam_permissions}"`):
 * left out as buildStatements leaves it out (`leftOut`), the statement's other actions kept. In
 * a Deny, a value with an interpolation is never a wildcard (a Deny read broader would hide
 * what the policy grants): left out (`denyLeftOut`), and the Deny with it when nothing is left of
 * its actions or resources, or its NotAction, NotResource or principals hold one (a condition's
 * unknown values keep it a condition). `kept` gives the index, in the template, of each statement
 * read (some may be left out).
 */
export function readJsonTemplate(
  template: string,
  either?: ReadonlyMap<string, readonly string[] | null>,
): (TemplateNotesOf & { value: unknown; ok: boolean; kept?: number[] }) | { error: string } {
  const eitherRead: string[] = [];
  const leftOut: string[] = [];
  const denyLeftOut: string[] = [];
  const statementsLeftOut: string[] = [];
  const conditionsLeftOut: string[] = [];
  const effectsAsAllow: string[] = [];
  const notActionsLeftOut: string[] = [];
  const oneValue: string[] = [];
  /** The indexes in leftOut of values told otherwise (a Deny's; an Allow's NotAction's). */
  const handled = new Set<number>();
  const text = template.replace(
    JSON_ACTIONS,
    (m: string, value: string) =>
      m.slice(0, m.length - value.length) +
      value.replace(JSON_STRING, (item: string, inner: string) => {
        const t = inner.trim();
        if (!PURE_INTERPOLATION.test(t)) return item;
        leftOut.push(t);
        return `"${UNKNOWN_ACTION}${leftOut.length - 1}"`;
      }),
  );
  const w = templateAsWildcards(text, (i) => `${UNKNOWN_PART}${i}${UNKNOWN_END}`);
  if ('error' in w) return w;
  let interpolations = w.interpolations;
  const parsed = parseJson(w.text);
  if (!parsed.ok)
    return {
      value: undefined,
      ok: false,
      interpolations: w.interpolations,
      eitherRead,
      leftOut,
      denyLeftOut,
      statementsLeftOut,
      conditionsLeftOut,
      effectsAsAllow,
      notActionsLeftOut,
      oneValue,
    };
  let value = parsed.value;
  let kept: number[] | undefined;
  if (isObject(value) && w.text !== template) {
    const mark = JSON.parse(`"${UNKNOWN_ACTION}"`) as string;
    const unknownAction = (x: unknown) => typeof x === 'string' && x.startsWith(mark);
    // The index in leftOut of an action value left out (unknownAction).
    const leftOutIndex = (x: unknown) => Number((x as string).slice(mark.length));
    const part = (x: unknown) => typeof x === 'string' && x.includes(UNKNOWN_PART);
    // The interpolation a value wholly is, or undefined.
    const whole = (x: unknown): string | undefined => {
      const m = typeof x === 'string' ? WHOLE_UNKNOWN.exec(x) : null;
      return m ? (w.interpolations[Number(m[1])] ?? x) : undefined;
    };
    // A text as written: each mark its interpolation.
    const written = (x: string) =>
      x.replace(UNKNOWN_MARK, (m, i: string) => w.interpolations[Number(i)] ?? m);
    const out: unknown[] = [];
    kept = [];
    const statements = statementsOf(value);
    statements.forEach((st, i) => {
      // A statement that is wholly unknown (an item of concat() not known): not a statement to
      // judge, nor an invalid one.
      const unknownStatement = whole(st);
      if (unknownStatement !== undefined) {
        statementsLeftOut.push(unknownStatement);
        return;
      }
      if (!isObject(st)) {
        out.push(st);
        kept!.push(i);
        return;
      }
      let s: Record<string, unknown> = st;
      // An Effect not known (`var.locked ? "Deny" : "Allow"`): what the statement may grant is
      // audited (read as an Allow, said so), never an invalid policy nor a Deny that hides grants.
      if (part(s.Effect)) {
        effectsAsAllow.push(written(s.Effect as string));
        s = { ...s, Effect: 'Allow' };
      }
      const cond = s.Condition === undefined ? undefined : knownCondition(s.Condition, whole, written);
      if (cond && cond.lost.length > 0) {
        // A Deny would read as unconditional: left out (under a condition it removes no grant).
        if (s.Effect === 'Deny') {
          denyLeftOut.push("a Deny's condition that is not known");
          return;
        }
        // An Allow reads broader without it: audited so, said so.
        conditionsLeftOut.push(...cond.lost);
        s = { ...s };
        if (cond.condition === undefined) delete s.Condition;
        else s.Condition = cond.condition;
      }
      if (s.Effect === 'Deny') {
        // (its action values not known are told by the Deny's note, not as an Allow's)
        for (const k of ['Action', 'NotAction'])
          for (const x of asArray(s[k])) if (unknownAction(x)) handled.add(leftOutIndex(x));
        const unknownIn = (k: string) => asArray(s[k]).some((x) => part(x) || unknownAction(x));
        if (unknownIn('NotAction') || unknownIn('NotResource')) {
          denyLeftOut.push('a Deny whose NotAction or NotResource is not known');
          return;
        }
        // Of principals not known: it may deny fewer than `*`. (A condition with an unknown value
        // stays a condition: a Deny under one never removes a grant, only notes it.)
        for (const k of ['Principal', 'NotPrincipal']) {
          if (s[k] !== undefined && JSON.stringify(s[k]).includes(UNKNOWN_PART)) {
            denyLeftOut.push("a Deny's principals that are not known");
            return;
          }
        }
        for (const k of ['Action', 'Resource']) {
          if (s[k] === undefined) continue;
          const all = asArray(s[k]);
          const known = all.filter((x) => !part(x) && !unknownAction(x));
          if (known.length === all.length) continue;
          denyLeftOut.push(`a Deny's ${k === 'Action' ? 'actions' : 'resources'} that are not known`);
          if (known.length === 0) return;
          s = { ...s, [k]: Array.isArray(s[k]) ? known : known[0] };
        }
      } else {
        // An Allow's NotAction values not known are left out: it is read as granting them too
        // (broader, said so), with none known as every action.
        if (asArray(s.NotAction).some((x) => unknownAction(x) || part(x))) {
          const all = asArray(s.NotAction);
          for (const x of all)
            if (unknownAction(x)) {
              const n = leftOutIndex(x);
              handled.add(n);
              notActionsLeftOut.push(leftOut[n]!);
            } else if (part(x)) notActionsLeftOut.push(written(x as string));
          const known = all.filter((x) => !unknownAction(x) && !part(x));
          s = { ...s };
          if (known.length === 0) {
            delete s.NotAction;
            s.Action = '*';
          } else s.NotAction = Array.isArray(s.NotAction) ? known : known[0];
        }
        // An Allow's resources with known text beside interpolations that hold one value each:
        // those read as one value (a placeholder), not as `*` (ONE_VALUE_REF).
        for (const k of ['Resource', 'NotResource']) {
          if (s[k] === undefined || !asArray(s[k]).some((x) => part(x) && whole(x) === undefined)) continue;
          const one = (x: unknown) => {
            if (!part(x) || whole(x) !== undefined) return x;
            return oneValueMarks(x as string, w.interpolations, (m) => m, oneValue);
          };
          s = { ...s, [k]: Array.isArray(s[k]) ? (s[k] as unknown[]).map(one) : one(s[k]) };
        }
        if (s.Action !== undefined) {
          // Action values a condition not known chooses between known ones: every branch read.
          if (
            either &&
            asArray(s.Action).some((x) => unknownAction(x) && either.get(leftOut[leftOutIndex(x)]!))
          ) {
            const read = asArray(s.Action).flatMap((x) => {
              const may = unknownAction(x) ? either.get(leftOut[leftOutIndex(x)]!) : undefined;
              if (!may) return [x];
              handled.add(leftOutIndex(x));
              eitherRead.push(leftOut[leftOutIndex(x)]!);
              return [...may];
            });
            s = { ...s, Action: read };
          }
          const known = asArray(s.Action).filter((x) => !unknownAction(x));
          if (known.length === 0) return;
          if (known.length !== asArray(s.Action).length)
            s = { ...s, Action: Array.isArray(s.Action) ? known : known[0] };
        }
      }
      out.push(s);
      kept!.push(i);
    });
    if (kept.length === statements.length) kept = undefined;
    // The interpolations read as wildcards: those not in what was left out.
    const read = value.Statement === undefined ? value : { ...value, Statement: out };
    const still = new Set<string>();
    for (const m of JSON.stringify(read).matchAll(UNKNOWN_MARK)) {
      const x = w.interpolations[Number(m[1])];
      if (x !== undefined) still.add(x);
    }
    interpolations = [...still];
    value = starred(
      value.Statement === undefined
        ? value
        : { ...value, Statement: Array.isArray(value.Statement) || kept ? out : out[0] },
    );
  }
  return {
    value,
    ok: true,
    interpolations,
    eitherRead,
    leftOut: handled.size ? leftOut.filter((_, i) => !handled.has(i)) : leftOut,
    denyLeftOut,
    statementsLeftOut,
    conditionsLeftOut,
    effectsAsAllow,
    notActionsLeftOut,
    oneValue: uniq(oneValue),
    ...(kept ? { kept } : {}),
  };
}

/**
 * A statement's Condition without its parts that are not known: the whole Condition, an operator
 * with an interpolation in it, an operator's value or a key that is wholly one (a `.tf` object key
 * not known is written as one: hcl/lines.ts). `lost` names them; `condition` is undefined when
 * nothing is left. A value not known stays (read as a wildcard).
 */
function knownCondition(
  c: unknown,
  whole: (x: unknown) => string | undefined,
  written: (x: string) => string,
): { condition: unknown; lost: string[] } {
  const lost: string[] = [];
  const all = whole(c);
  if (all !== undefined) return { condition: undefined, lost: [all] };
  if (!isObject(c)) return { condition: c, lost };
  const out: Record<string, unknown> = {};
  for (const [op, body] of Object.entries(c)) {
    if (op.includes(UNKNOWN_PART)) {
      lost.push(written(op));
      continue;
    }
    const value = whole(body);
    if (value !== undefined) {
      lost.push(value);
      continue;
    }
    let kept = body;
    if (isObject(body)) {
      const keys: Record<string, unknown> = {};
      let n = 0;
      for (const [k, x] of Object.entries(body)) {
        const key = whole(k);
        if (key !== undefined) lost.push(key);
        else {
          own(keys, k, x);
          n++;
        }
      }
      if (n === 0) continue;
      kept = keys;
    }
    own(out, op, kept);
  }
  if (lost.length === 0) return { condition: c, lost };
  return { condition: Object.keys(out).length ? out : undefined, lost };
}

/** Sets an own property (a key named `__proto__` stays a key). */
function own(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A parsed template's value with each interpolation's mark written as the wildcard it is read as. */
function starred(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return v.includes(UNKNOWN_PART) ? v.replace(UNKNOWN_MARK, '*') : v;
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => starred(x, depth + 1));
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    Object.defineProperty(o, starred(k) as string, {
      value: starred(x, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return o;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** FieldRead.whole of a plan's value that is known only after apply. */
export const UNKNOWN_AT_PLAN = '(known after apply)';

/** What wholly unknown action values (BuiltStatements.leftOut) are: `actions that are not known in this file (${var.x})`. */
function unknownActions(leftOut: readonly string[]): string {
  const u = uniq([...leftOut]);
  if (u.every((x) => x === UNKNOWN_AT_PLAN)) return 'actions that are known only after apply';
  const r = referencesIn(u[0]!.slice(2, -1))[0];
  const by =
    r && r.base.startsWith('data.') && !r.base.startsWith(`data.${POLICY_DOCUMENT_DATA_SOURCE}.`)
      ? 'that its provider computes when Terraform runs'
      : 'that are not known in this file';
  return `actions ${by} (${u.map((x) => clip(x)).join(', ')})`;
}

/**
 * Why a policy whose statements all take their actions from wholly unknown values is not read:
 * as `*` each would grant every action, and each would be reported (Datadog's documented
 * Terraform setup takes its actions from its provider's `datadog_integration_aws_iam_permissions`
 * data source).
 */
export function unknownActionsReason(leftOut: readonly string[]): string {
  return `has ${unknownActions(leftOut)}`;
}

/** The approximate note of a policy some of whose statements are wholly unknown: left out. */
export function unknownStatementsNote(what: readonly string[]): string {
  return `${LEFT_OUT_STATEMENTS} (${list(
    uniq([...what]).map((x) => clip(x)),
    8,
  )}); the policy's other statements are audited`;
}

/** Why a policy all of whose statements are wholly unknown is not read. */
export function unknownStatementsReason(what: readonly string[]): string {
  return `has statements that are not known (${list(
    uniq([...what]).map((x) => clip(x)),
    8,
  )})`;
}

/** The approximate note of a policy some of whose source or override documents are not known. */
export function unknownDocumentsNote(what: readonly string[]): string {
  return `${LEFT_OUT_DOCUMENTS} (${list(
    uniq([...what]),
    8,
  )}); what they would add or override is not audited`;
}

/** The approximate note of a policy whose Allow actions or resources a condition not known chooses: every branch read. */
export function eitherReadNote(what: readonly string[]): string {
  return `read as every branch: actions or resources that a condition not known chooses (${list(
    uniq([...what]).map((x) => clip(x)),
    8,
  )}); what each branch grants is audited`;
}

/**
 * The approximate note of a policy whose source documents a condition not known chooses
 * (`var.admin ? data.x.json : data.y.json` in source_policy_documents): every branch's read.
 */
export function chosenDocumentsNote(what: readonly string[]): string {
  return `read as every branch: source documents that a condition not known chooses (${list(
    uniq([...what]).map((x) => clip(x)),
    8,
  )}); what each branch's documents grant is audited`;
}

/** The approximate note of a policy whose dynamic statement blocks a condition not known chooses: read as there. */
/**
 * The approximate note of a policy that a condition not known chooses among documents
 * (`policy = var.admin ? data.x.json : data.y.json`): every branch's read.
 */
export function chosenPolicyNote(expression: string): string {
  return `read as every branch: a policy document that a condition not known chooses (${clip(expression)}); what each branch grants is audited`;
}

export function chosenStatementsNote(forEach: readonly string[]): string {
  return `read as there: the statements of dynamic "statement" blocks that a condition not known may leave out (${list(
    uniq([...forEach]),
    8,
  )})`;
}

/** What of a JSON template was not read as written (readJsonTemplate), each told by a note. */
export interface TemplateNotesOf {
  /** Interpolations read as wildcards. */
  interpolations: string[];
  /** An Allow's action values a condition not known chooses between known ones: every branch read. */
  eitherRead: string[];
  /** An Allow's action values wholly unknown: left out. */
  leftOut: string[];
  /** What of a Deny was left out (denyLeftOutNote). */
  denyLeftOut: string[];
  /** Statements that are wholly an interpolation (`concat([...], var.extra)`): left out. */
  statementsLeftOut: string[];
  /** Conditions (or an operator, its value, or a key) of an Allow that are not known: left out. */
  conditionsLeftOut: string[];
  /** Effects that are not known, read as Allow. */
  effectsAsAllow: string[];
  /** An Allow's NotAction values that are not known: left out (read broader). */
  notActionsLeftOut: string[];
  /** Interpolations in an Allow's resources read as one value each (ONE_VALUE_REF). */
  oneValue: string[];
}

/** The approximate notes of a JSON template as read (readJsonTemplate): none when it is exact. */
export function templateNotes(w: TemplateNotesOf): string[] {
  const notes: string[] = [];
  if (w.interpolations.length > 0) notes.push(interpolationsNote(w.interpolations));
  if (w.eitherRead.length > 0) notes.push(eitherReadNote(w.eitherRead));
  if (w.leftOut.length > 0) notes.push(unknownActionsNote(w.leftOut));
  if (w.denyLeftOut.length > 0) notes.push(denyLeftOutNote(w.denyLeftOut));
  if (w.statementsLeftOut.length > 0) notes.push(unknownStatementsNote(w.statementsLeftOut));
  if (w.conditionsLeftOut.length > 0) notes.push(unknownConditionsNote(w.conditionsLeftOut));
  if (w.effectsAsAllow.length > 0) notes.push(unknownEffectsNote(w.effectsAsAllow));
  if (w.notActionsLeftOut.length > 0) notes.push(unknownNotActionsNote(w.notActionsLeftOut));
  if (w.oneValue.length > 0) notes.push(oneValueNote(w.oneValue));
  return notes;
}

/** The approximate note of a policy some of whose Allow NotAction values are not known: left out. */
export function unknownNotActionsNote(what: readonly string[]): string {
  return notActionsLeftOutNote(
    list(
      uniq([...what]).map((x) => clip(x)),
      8,
    ),
  );
}

/** The approximate note of a policy some of whose statements' Effect is not known: read as Allow. */
export function unknownEffectsNote(what: readonly string[]): string {
  return effectsAsAllowNote(
    list(
      uniq([...what]).map((x) => clip(x)),
      8,
    ),
  );
}

/** The approximate note of a policy some of whose Allow conditions are not known: left out. */
export function unknownConditionsNote(what: readonly string[]): string {
  return `left out: conditions that are not known (${list(
    uniq([...what]).map((x) => clip(x)),
    8,
  )}); their statements are audited as granted without them`;
}

/** The approximate note of a policy some of whose action values are wholly unknown: they are left out. */
export function unknownActionsNote(leftOut: readonly string[]): string {
  return `${LEFT_OUT_ACTIONS}${unknownActions(leftOut).slice('actions that '.length)}; the statements' other actions are audited`;
}

/** Reads a statement-like block, whatever the input format. */
export interface BlockReader {
  path: JsonPath;
  list(name: string): FieldRead | undefined;
  scalar(name: string): FieldRead | undefined;
  /**
   * Nested blocks, or why they cannot be known. `apart`: a `dynamic` block whose blocks are not
   * known does not make them all unknown: it is one reader marked `notKnown` (its content as
   * written), or, chosen by a condition not known, its blocks marked `chosenBy` (CHOSEN_BLOCKS),
   * for the caller to leave out or read as there (statements: buildStatements).
   */
  blocks(name: string, apart?: boolean): BlockReader[] | { unknown: string };
  /** A dynamic block's content whose for_each is not known: that for_each, as written. */
  notKnown?: string;
  /** A block of a dynamic block a condition not known chooses: its for_each, as written. */
  chosenBy?: string;
}

/** Plans and state: values with an `after_unknown`-style marker tree. */
export function planReader(obj: Record<string, unknown>, unk: unknown, path: JsonPath): BlockReader {
  return {
    path,
    list(name) {
      const v = obj[name];
      const u = isObject(unk) ? unk[name] : undefined;
      if (u === true)
        return {
          values: ['*'],
          wild: true,
          interpolations: [],
          pure: [0],
          wholes: [UNKNOWN_AT_PLAN],
          unknown: [0],
        };
      if (v === null || v === undefined) return undefined;
      const out: FieldRead = { values: [], wild: false, interpolations: [] };
      const items = Array.isArray(v) ? v : [v];
      items.forEach((x, i) => {
        const ui = Array.isArray(u) ? u[i] : undefined;
        if (ui === true) {
          (out.pure ??= []).push(out.values.length);
          (out.wholes ??= []).push(UNKNOWN_AT_PLAN);
          (out.unknown ??= []).push(out.values.length);
          out.values.push('*');
          out.wild = true;
        } else if (typeof x === 'string') out.values.push(x);
        else if (typeof x === 'number' || typeof x === 'boolean') out.values.push(String(x));
      });
      return out;
    },
    scalar(name) {
      const v = obj[name];
      const u = isObject(unk) ? unk[name] : undefined;
      if (u === true) return { values: [], wild: true, interpolations: [] };
      if (typeof v === 'string') return { values: [v], wild: false, interpolations: [] };
      return undefined;
    },
    blocks(name) {
      const u = isObject(unk) ? unk[name] : undefined;
      if (u === true) return { unknown: `its ${name} blocks are unknown` };
      const v = obj[name];
      if (!Array.isArray(v)) return isObject(v) ? [planReader(v, u, [...path, name])] : [];
      const out: BlockReader[] = [];
      v.forEach((b, i) => {
        if (isObject(b)) out.push(planReader(b, Array.isArray(u) ? u[i] : undefined, [...path, name, i]));
      });
      return out;
    },
  };
}

/** *.tf.json: block bodies whose strings are templates; nested blocks as an object or an array; `dynamic` blocks. */
export function templateReader(
  obj: Record<string, unknown>,
  path: JsonPath,
  either?: ReadonlyMap<string, readonly string[] | null>,
): BlockReader {
  const readString = (s: string, out: FieldRead, whole: boolean) => {
    if (!hasTemplate(s)) {
      out.values.push(s);
      return;
    }
    (out.unknown ??= []).push(out.values.length);
    // (marked once: read as wildcards, and, for an Allow's resources, as one value where it holds one)
    const w = templateAsWildcards(s, (i) => `${UNKNOWN_PART}${i}${UNKNOWN_END}`);
    if ('error' in w) {
      out.values.push('*');
      out.wild = true;
      out.interpolations.push(s);
      return;
    }
    pushAll(out.interpolations, w.interpolations);
    out.wild = true;
    // A list attribute set to one interpolation (`"${var.actions}"`) is a whole unknown list.
    const pure = PURE_INTERPOLATION.test(s.trim());
    if (pure) {
      (out.pure ??= []).push(out.values.length);
      (out.wholes ??= []).push(s.trim());
      const may = either?.get(s.trim());
      if (may) (out.either ??= new Map()).set(out.values.length, may);
    }
    // Known text beside interpolations that hold one value each: the value so read too, for an
    // Allow's resources (FieldRead.oneValue).
    if (!pure && w.interpolations.some(holdsOneValue)) {
      const refs: string[] = [];
      const text = oneValueMarks(w.text, w.interpolations, () => '*', refs);
      if (refs.length) (out.oneValue ??= new Map()).set(out.values.length, { text, refs });
    }
    out.values.push(whole && pure ? '*' : w.text.replace(UNKNOWN_MARK, '*'));
  };
  return {
    path,
    list(name) {
      const v = obj[name];
      if (v === null || v === undefined) return undefined;
      const out: FieldRead = { values: [], wild: false, interpolations: [] };
      if (typeof v === 'string') readString(v, out, true);
      else if (Array.isArray(v)) {
        for (const x of v) {
          if (typeof x === 'string') readString(x, out, false);
          else if (typeof x === 'number' || typeof x === 'boolean') out.values.push(String(x));
        }
      } else if (typeof v === 'number' || typeof v === 'boolean') out.values.push(String(v));
      return out;
    },
    scalar(name) {
      const v = obj[name];
      if (typeof v !== 'string') return undefined;
      const out: FieldRead = { values: [], wild: false, interpolations: [] };
      if (!hasTemplate(v)) out.values.push(v);
      else {
        out.wild = true;
        out.interpolations.push(v);
      }
      return out;
    },
    blocks(name, apart) {
      const out: BlockReader[] = [];
      const v = obj[name];
      if (isObject(v)) out.push(templateReader(v, [...path, name], either));
      else if (Array.isArray(v))
        v.forEach((b, i) => {
          if (isObject(b)) out.push(templateReader(b, [...path, name, i], either));
        });
      // dynamic "name" { for_each = ..., iterator = ..., content { ... } }
      const dyn = obj.dynamic;
      const dyns: [Record<string, unknown>, JsonPath][] = [];
      if (isObject(dyn)) dyns.push([dyn, [...path, 'dynamic']]);
      else if (Array.isArray(dyn))
        dyn.forEach((d, i) => {
          if (isObject(d)) dyns.push([d, [...path, 'dynamic', i]]);
        });
      for (const [d, dp] of dyns) {
        const spec = d[name];
        const specs: [Record<string, unknown>, JsonPath][] = [];
        if (isObject(spec)) specs.push([spec, [...dp, name]]);
        else if (Array.isArray(spec))
          spec.forEach((s, i) => {
            if (isObject(s)) specs.push([s, [...dp, name, i]]);
          });
        for (const [s, sp] of specs) {
          const r = expandDynamic(name, s, sp, apart, either);
          if ('unknown' in r) return r;
          pushAll(out, r);
        }
      }
      return out;
    },
  };
}

/**
 * Expands a tf.json `dynamic` block whose `for_each` is a literal list or map; with `apart`, one
 * whose `for_each` is not known is read as BlockReader.blocks tells.
 */
export function expandDynamic(
  name: string,
  spec: Record<string, unknown>,
  path: JsonPath,
  apart = false,
  either?: ReadonlyMap<string, readonly string[] | null>,
): BlockReader[] | { unknown: string } {
  const iterator = typeof spec.iterator === 'string' ? spec.iterator : name;
  const content = isObject(spec.content)
    ? spec.content
    : Array.isArray(spec.content) && isObject(spec.content[0])
      ? spec.content[0]
      : undefined;
  const contentPath = isObject(spec.content) ? [...path, 'content'] : [...path, 'content', 0];
  if (!content) return { unknown: `its dynamic "${clip(name)}" block has no content` };
  const fe = spec.for_each;
  let items: [string | number, unknown][];
  if (Array.isArray(fe)) items = fe.map((v, i) => [i, v]);
  else if (isObject(fe)) items = Object.entries(fe);
  else {
    const shown = typeof fe === 'string' ? clip(fe) : preview(fe);
    if (apart) {
      const chosen = spec[CHOSEN_BLOCKS];
      if (Array.isArray(chosen))
        return chosen.flatMap((b, i) =>
          isObject(b) ? [{ ...templateReader(b, [...path, CHOSEN_BLOCKS, i], either), chosenBy: shown }] : [],
        );
      return [{ ...templateReader(content, contentPath, either), notKnown: shown }];
    }
    return {
      unknown: `its dynamic "${clip(name)}" block iterates over ${shown}, which is not known in this file`,
    };
  }
  // Bounded before it is copied: a small file must not expand to a huge or deep document.
  if (
    nestingDepth(content, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH ||
    nestingDepth(fe, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH
  )
    return {
      unknown: `its dynamic "${clip(name)}" block nests values more than ${MAX_DOCUMENT_DEPTH} levels deep`,
    };
  if (items.length > 0 && textSize(content, MAX_DYNAMIC_EXPANSION) * items.length > MAX_DYNAMIC_EXPANSION)
    return {
      unknown: `its dynamic "${clip(name)}" block expands to more than ${MAX_DYNAMIC_EXPANSION} characters of statements (${items.length} items), more than a policy AWS accepts`,
    };
  return items.map(([key, value]) =>
    templateReader(
      substituteIterator(content, iterator, key, value) as Record<string, unknown>,
      contentPath,
      either,
    ),
  );
}

/** Replaces `${it.value}`, `${it.value.f}`, `${it.value["f"]}` and `${it.key}` in a content tree. */
export function substituteIterator(tree: unknown, it: string, key: string | number, value: unknown): unknown {
  const FIELD = /^(?:\.([\w-]+)|\["([^"]+)"\])$/;
  const lookup = (expr: string): { ok: true; v: unknown } | { ok: false } => {
    if (expr === `${it}.key`) return { ok: true, v: key };
    // (a resource's count: `count.index`, its key)
    if (it === 'count' && expr === 'count.index') return { ok: true, v: key };
    if (expr === `${it}.value`) return { ok: true, v: value };
    // `it.value.f` or `it.value["f"]` (no regular expression is built from the iterator's name).
    const prefix = `${it}.value`;
    const m = expr.startsWith(prefix) ? FIELD.exec(expr.slice(prefix.length)) : null;
    if (m && isObject(value)) {
      const f = m[1] ?? m[2]!;
      if (Object.hasOwn(value, f)) return { ok: true, v: value[f] };
    }
    return { ok: false };
  };
  const subString = (v: string): unknown => {
    const t = scanTemplate(v);
    if (t.error) return v;
    if (t.parts.length === 1 && t.parts[0]!.expr !== undefined && !t.parts[0]!.directive) {
      const r = lookup(t.parts[0]!.expr);
      if (r.ok) return r.v;
    }
    const out: string[] = [];
    for (const p of t.parts) {
      // Literal `${` and `%{` stay escaped, so they are not read as interpolations afterwards.
      if (p.literal !== undefined) out.push(p.literal.replace(/([$%])\{/g, (_m, c: string) => `${c}${c}{`));
      else {
        const r = p.directive ? { ok: false as const } : lookup(p.expr!);
        out.push(r.ok && (typeof r.v === 'string' || typeof r.v === 'number') ? String(r.v) : p.raw!);
      }
    }
    return out.join('');
  };
  // Iterative copy (the content is bounded by MAX_DOCUMENT_DEPTH before this is called).
  const leaf = (v: unknown): unknown => (typeof v === 'string' && hasTemplate(v) ? subString(v) : v);
  if (typeof tree !== 'object' || tree === null) return leaf(tree);
  const root: unknown = Array.isArray(tree) ? [] : {};
  const stack: [unknown, Record<string, unknown> | unknown[]][] = [[tree, root as Record<string, unknown>]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    const entries: [string | number, unknown][] = Array.isArray(from)
      ? from.map((x, i) => [i, x])
      : Object.entries(from as Record<string, unknown>);
    for (const [k, x] of entries) {
      let copy: unknown;
      if (Array.isArray(x)) {
        copy = [];
        stack.push([x, copy as unknown[]]);
      } else if (isObject(x)) {
        copy = {};
        stack.push([x, copy as Record<string, unknown>]);
      } else copy = leaf(x);
      (to as Record<string | number, unknown>)[k] = copy;
    }
  }
  return root;
}

export interface BuiltStatements {
  statements: Record<string, unknown>[];
  paths: JsonPath[];
  wild: boolean;
  interpolations: string[];
  /**
   * Action values that are wholly unknown, left out (as `*` each would grant every action): a
   * statement keeps its known actions, and one with none left (or an unknown NotAction) is left
   * out whole. Noted as approximate by the caller (unknownActionsNote).
   */
  leftOut?: string[];
  /** What of a Deny was left out, not read as a wildcard (denyLeftOutNote). */
  denyLeftOut?: string[];
  /** An Allow's NotAction values that are not known, left out (unknownNotActionsNote). */
  notActionsLeftOut?: string[];
  /** Effects that are not known, read as Allow (unknownEffectsNote). */
  effectsAsAllow?: string[];
  /** An Allow's conditions that are not known, left out (unknownConditionsNote). */
  conditionsLeftOut?: string[];
  /** Dynamic statement blocks over a value not known, left out (unknownStatementsNote). */
  statementsLeftOut?: string[];
  /** The for_each of dynamic statement blocks a condition not known chooses, read as there (chosenStatementsNote). */
  chosen?: string[];
  /** An Allow's actions or resources a condition not known chooses, read as every branch (eitherReadNote). */
  eitherRead?: string[];
  /** Interpolations in an Allow's resources read as one value each (oneValueNote). */
  oneValue?: string[];
  /**
   * Per statement, its position in the document as the data source writes it (its block's: a
   * Deny left out, read as not known, keeps the blocks after it at their place: `statement #2`).
   */
  written?: number[];
}

/**
 * An Allow's actions or resources with the values a conditional not known chooses (FieldRead.either)
 * read as every value they may be: what the statement may grant. Each is told in `read` (and no
 * longer as a wildcard or as left out).
 */
function readBranches(f: FieldRead, read: string[]): FieldRead {
  if (!f.either?.size) return f;
  const pure = f.pure ?? [];
  const wholes = f.wholes ?? [];
  const unknown = new Set(f.unknown ?? []);
  const taken = new Set<string>();
  const out: FieldRead = { values: [], wild: false, interpolations: [] };
  f.values.forEach((v, i) => {
    const may = f.either!.get(i);
    const whole = wholes[pure.indexOf(i)];
    if (may) {
      out.values.push(...may);
      if (whole !== undefined) taken.add(whole);
      return;
    }
    const at = out.values.length;
    if (whole !== undefined) {
      (out.pure ??= []).push(at);
      (out.wholes ??= []).push(whole);
    }
    if (unknown.has(i)) (out.unknown ??= []).push(at);
    out.values.push(v);
  });
  pushAll(read, [...taken]);
  out.interpolations = f.interpolations.filter((x) => !taken.has(x));
  out.wild = out.unknown !== undefined || out.interpolations.length > 0;
  return out;
}

export function one(values: string[]): string | string[] {
  const u = uniq(values);
  return u.length === 1 ? u[0]! : u;
}

/** Builds IAM statements from `statement` blocks the way aws_iam_policy_document does. */
/**
 * An IAM policy variable as aws_iam_policy_document writes it: `&{aws:username}` (`${…}` would be
 * Terraform's own interpolation), which the provider turns into `${aws:username}` in the document's
 * resources, not_resources, principals' and not_principals' identifiers and condition values
 * (strings.NewReplacer("&{", "${") in the provider's data source), not in its actions, a Sid, a
 * condition's test or variable.
 */
export function policyVariables(values: readonly string[]): string[] {
  return values.map((v) => (v.includes('&{') ? v.split('&{').join('${') : v));
}

export function buildStatements(readers: BlockReader[]): BuiltStatements | { unknown: string } {
  const out: BuiltStatements = { statements: [], paths: [], wild: false, interpolations: [] };
  const note = (f: FieldRead | undefined) => {
    if (!f) return;
    if (f.wild) out.wild = true;
    pushAll(out.interpolations, f.interpolations);
  };
  statements: for (const [at, r] of readers.entries()) {
    // A dynamic block over a value not known (BlockReader.notKnown): its statements are left out,
    // the others read. A Deny's are told as a Deny's: the policy may then grant less than read.
    if (r.notKnown !== undefined) {
      const what = `dynamic "statement" over ${r.notKnown}`;
      const effect = r.scalar('effect');
      if (!effect?.wild && effect?.values[0] === 'Deny') (out.denyLeftOut ??= []).push(`a Deny in a ${what}`);
      else {
        (out.statementsLeftOut ??= []).push(what);
        if (effect?.wild) (out.denyLeftOut ??= []).push(`a ${what} whose effect is not known`);
      }
      continue;
    }
    const st: Record<string, unknown> = {};
    const sid = r.scalar('sid');
    note(sid);
    if (sid && sid.values[0]) st.Sid = sid.values[0];
    const effect = r.scalar('effect');
    if (effect?.wild) {
      // Not known (`var.locked ? "Deny" : "Allow"`): audited as what it may grant, said so.
      pushAll((out.effectsAsAllow ??= []), effect.interpolations.length ? effect.interpolations : ['effect']);
      st.Effect = 'Allow';
    } else {
      note(effect);
      st.Effect = effect?.values[0] || 'Allow';
    }
    // Chosen by a condition not known (BlockReader.chosenBy): an Allow is read as there (what it
    // may grant), a Deny left out (read as there, it would hide what the policy grants without it),
    // as a document chosen by a conditional is.
    if (r.chosenBy !== undefined) {
      if (st.Effect === 'Deny') {
        (out.denyLeftOut ??= []).push(
          `a Deny in a dynamic "statement" chosen by a condition that is not known (${r.chosenBy})`,
        );
        continue;
      }
      (out.chosen ??= []).push(r.chosenBy);
    }
    // A Deny's unknown values are left out, never read as wildcards (a Deny read broader would
    // hide what the policy grants); the Deny too when nothing is left of its actions or
    // resources, or its NotAction or NotResource has one.
    const fields = new Map(
      (['actions', 'not_actions', 'resources', 'not_resources'] as const).map((a) => [a, r.list(a)]),
    );
    if (st.Effect === 'Deny') {
      for (const attr of ['not_actions', 'not_resources'] as const) {
        if (fields.get(attr)?.unknown?.length) {
          (out.denyLeftOut ??= []).push('a Deny whose NotAction or NotResource is not known');
          continue statements;
        }
      }
      for (const attr of ['actions', 'resources'] as const) {
        const f = fields.get(attr);
        if (!f?.unknown?.length) continue;
        (out.denyLeftOut ??= []).push(`a Deny's ${attr} that are not known`);
        if (f.unknown.length === f.values.length) continue statements;
      }
    }
    for (const [attr, key] of [
      ['actions', 'Action'],
      ['not_actions', 'NotAction'],
      ['resources', 'Resource'],
      ['not_resources', 'NotResource'],
    ] as const) {
      let f = fields.get(attr);
      // An Allow's actions and resources a condition not known chooses: every branch is read (a
      // Deny's are left out below, as any unknown of a Deny's; a NotAction's read broader).
      if (f && st.Effect !== 'Deny' && (attr === 'actions' || attr === 'resources'))
        f = readBranches(f, (out.eitherRead ??= []));
      if (f && st.Effect === 'Deny' && f.unknown?.length) {
        // (only actions and resources here, with some known: see above)
        const unknown = f.unknown;
        f = { values: f.values.filter((_, i) => !unknown.includes(i)), wild: false, interpolations: [] };
      }
      // An Allow's NotAction with values not known: they are left out, so that the statement is
      // read as granting them too (read broader, said so); with none known, as every action.
      if (attr === 'not_actions' && f?.unknown?.length) {
        const unknown = f.unknown;
        pushAll((out.notActionsLeftOut ??= []), uniq([...(f.wholes ?? []), ...f.interpolations]));
        const known = f.values.filter((_, i) => !unknown.includes(i));
        if (known.length === 0) st.Action = '*';
        else st.NotAction = one(known);
        continue;
      }
      if (f?.pure?.length && attr === 'actions') {
        const wholes = f.wholes ?? [];
        pushAll((out.leftOut ??= []), wholes);
        const pure = f.pure;
        const known = f.values.filter((_, i) => !pure.includes(i));
        if (known.length === 0) continue statements;
        // The known items' own interpolations are read as wildcards; the left-out ones are not.
        const rest = [...f.interpolations];
        for (const w of wholes) if (rest.includes(w)) rest.splice(rest.indexOf(w), 1);
        if (rest.length) note({ ...f, interpolations: rest });
        st[key] = one(known);
        continue;
      }
      // An Allow's resources with interpolations that hold one value each: read so (ONE_VALUE_REF).
      if (f?.oneValue && st.Effect !== 'Deny' && (attr === 'resources' || attr === 'not_resources')) {
        const by = f.oneValue;
        const rest = [...f.interpolations];
        for (const { refs } of by.values())
          for (const r of refs) {
            const k = rest.indexOf(r);
            if (k >= 0) rest.splice(k, 1);
            (out.oneValue ??= []).push(r);
          }
        f = { ...f, values: f.values.map((v, i) => by.get(i)?.text ?? v), interpolations: rest };
      }
      note(f);
      if (f && f.values.length > 0)
        st[key] = one(
          attr === 'resources' || attr === 'not_resources' ? policyVariables(f.values) : f.values,
        );
    }
    for (const [attr, key] of [
      ['principals', 'Principal'],
      ['not_principals', 'NotPrincipal'],
    ] as const) {
      const blocks = r.blocks(attr);
      const deny = st.Effect === 'Deny';
      // A Deny whose principals are not known may deny less than `*` would: left out.
      const unknownWho =
        'unknown' in blocks ||
        blocks.some((b) => b.scalar('type')?.wild || b.list('identifiers')?.unknown?.length);
      if (deny && unknownWho) {
        (out.denyLeftOut ??= []).push("a Deny's principals that are not known");
        continue statements;
      }
      if ('unknown' in blocks) {
        out.wild = true;
        st[key] = '*';
        continue;
      }
      if (blocks.length === 0) continue;
      // Maps, then own properties: a type or key named `__proto__` must never reach an object's
      // prototype (an assignment through it would change every object in the process).
      const map = new Map<string, string[]>();
      let star = false;
      for (const b of blocks) {
        const type = b.scalar('type');
        const ids = b.list('identifiers');
        note(type);
        note(ids);
        const t = type?.values[0] ?? '*';
        if (t === '*') {
          star = true;
          continue;
        }
        let list = map.get(t);
        if (!list) map.set(t, (list = []));
        pushAll(list, ids ? policyVariables(ids.values) : ['*']);
      }
      if (star && map.size === 0) st[key] = '*';
      else {
        if (star) map.set('AWS', ['*']);
        st[key] = Object.fromEntries([...map].map(([t, ids]) => [t, one(ids)]));
      }
    }
    const conds = r.blocks('condition');
    // A Deny whose condition would be lost (its blocks, or a test or variable, not known) would
    // read as unconditional: left out. (Unknown values keep it a condition: a Deny under one
    // never removes a grant, only notes it.)
    if (
      st.Effect === 'Deny' &&
      ('unknown' in conds ||
        conds.some((b) => !b.scalar('test')?.values[0] || !b.scalar('variable')?.values[0]))
    ) {
      (out.denyLeftOut ??= []).push("a Deny's condition that is not known");
      continue statements;
    }
    if ('unknown' in conds) {
      // Unknown conditions are left out: the statement reads broader, said so.
      out.wild = true;
      (out.conditionsLeftOut ??= []).push(conds.unknown.replace(/^its /, ''));
    } else if (conds.length > 0) {
      const c = new Map<string, Map<string, string[]>>();
      for (const b of conds) {
        const test = b.scalar('test');
        const variable = b.scalar('variable');
        const values = b.list('values');
        note(test);
        note(variable);
        note(values);
        if (!test?.values[0] || !variable?.values[0]) {
          out.wild = true;
          const shown = (f: FieldRead | undefined) => f?.values[0] ?? f?.interpolations[0] ?? '(none)';
          (out.conditionsLeftOut ??= []).push(`${shown(test)} on ${shown(variable)}`);
          continue;
        }
        let vars = c.get(test.values[0]);
        if (!vars) c.set(test.values[0], (vars = new Map()));
        let list = vars.get(variable.values[0]);
        if (!list) vars.set(variable.values[0], (list = []));
        pushAll(list, policyVariables(values?.values ?? []));
      }
      if (c.size > 0)
        st.Condition = Object.fromEntries(
          [...c].map(([t, vars]) => [t, Object.fromEntries([...vars].map(([k, vs]) => [k, one(vs)]))]),
        );
    }
    out.statements.push(st);
    out.paths.push(r.path);
    (out.written ??= []).push(at);
  }
  // (each statement's place as the data source writes the document: its block's, where none is
  // a dynamic block not known, whose number of statements is not known)
  if (readers.some((r) => r.notKnown !== undefined)) delete out.written;
  return out;
}

/** A source or override document, with where each of its statements is written when known. */
export interface PlacedDocument {
  doc: unknown;
  paths?: readonly (JsonPath | undefined)[];
  /**
   * Documents a condition not known chooses between, read together: a statement with the Sid of
   * another of them is kept beside it (each branch's may hold it), never in its place.
   */
  alternatives?: boolean;
}

/**
 * source_policy_documents, then statements overriding same-Sid ones, then
 * override_policy_documents; each statement keeps where it is written (a referenced document's
 * statement block), so that its findings point there.
 */
export function mergeDocuments(
  sources: PlacedDocument[],
  own: BuiltStatements,
  overrides: PlacedDocument[],
): { statements: unknown[]; paths: (JsonPath | undefined)[] } {
  const statements: unknown[] = [];
  const paths: (JsonPath | undefined)[] = [];
  /** Appends a statement, or puts it in place of those with its Sid (every one: alternatives may hold two). */
  const put = (s: unknown, p: JsonPath | undefined, beside = false) => {
    const sid = isObject(s) && typeof s.Sid === 'string' && s.Sid ? s.Sid : undefined;
    const same = (x: unknown) => sid !== undefined && isObject(x) && x.Sid === sid;
    const at = beside ? -1 : statements.findIndex(same);
    if (at < 0) {
      statements.push(s);
      paths.push(p);
      return;
    }
    statements[at] = s;
    paths[at] = p;
    for (let i = statements.length - 1; i > at; i--)
      if (same(statements[i])) {
        statements.splice(i, 1);
        paths.splice(i, 1);
      }
  };
  // The statements of one document never replace one another: the provider refuses a document
  // with two statements of one Sid, so two are there only as alternatives (dynamic blocks a
  // condition not known chooses between), each read beside the other. Each replaces the
  // statements of its Sid that earlier documents hold.
  const putAll = (list: readonly unknown[], at: (i: number) => JsonPath | undefined, beside = false) => {
    const sids = new Set<string>();
    list.forEach((s, i) => {
      const sid = isObject(s) && typeof s.Sid === 'string' && s.Sid ? s.Sid : undefined;
      put(s, at(i), beside || (sid !== undefined && sids.has(sid)));
      if (sid !== undefined) sids.add(sid);
    });
  };
  for (const d of sources) putAll(statementsOf(d.doc), (i) => d.paths?.[i], d.alternatives);
  putAll(own.statements, (i) => own.paths[i]);
  for (const d of overrides) putAll(statementsOf(d.doc), (i) => d.paths?.[i]);
  return { statements, paths };
}
