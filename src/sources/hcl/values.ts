// The values the HCL evaluator works with: JSON-like values, plus what is not known statically.
// `Unknown` is a value known only by its expression (`var.name`), possibly with a pattern that
// stands for it inside policies (`aws_iam_role.x.arn` -> `arn:aws:iam::${account}:role/coiled-${var.n}`);
// `Tmpl` is a string with unknown parts; `Json` is what jsonencode() made (kept as a structure, so
// that its statements keep their lines).

export class Unknown {
  constructor(
    /** The expression as written (one line, shortened), shown in reasons and read as a wildcard. */
    readonly text: string,
    /** What it stands for inside a policy (an ARN pattern with unknown parts), when known. */
    readonly pattern?: string | Tmpl,
    /**
     * For a reference to a resource or data source (`data.aws_iam_policy_document.x.json`,
     * `aws_iam_policy.p.arn`): the module it was written in (`''` at the root, `module.x.` in a
     * call), so that a value passed to a module call as an argument, or out of one as an output,
     * still names that module's resource (lines.ts writes it under an alias).
     */
    readonly scope?: string,
  ) {}
}

/**
 * A part of a resource's ARN or name that Terraform or AWS fills in with one value when the
 * resource is created (a name made from its `name_prefix`, a key's id, a name taken from a
 * variable): written in a policy as a placeholder (`<aws_iam_role.x.name>`), which the audit reads
 * as one value (PassRole on `…:role/app-<aws_iam_role.x.name>` is PassRole on one role, not on
 * every role named `app-*`), not as a wildcard.
 */
export class OneValue extends Unknown {}

/**
 * A list only some of whose items are known: what concat(), flatten(), distinct() and the like
 * make of known lists and unknown ones (`concat(["iam:*"], var.extra_actions)`). `items` are the
 * known items in order, with an Unknown in place of each unknown list, which stands for any number
 * of items (none included). Being an Unknown, it is unknown to everything that needs the list's
 * length or its items one by one (`length()`, `for`, `for_each`, `count`); the Emitter writes it as
 * a list, so that a policy's known actions are still read and audited (statements.ts leaves the
 * wholly unknown items out, with a note), rather than the whole list left out with them.
 */
export class PartialList extends Unknown {
  constructor(
    text: string,
    readonly items: readonly Value[],
  ) {
    super(text);
  }
}

/**
 * A value a conditional whose condition is not known chooses between known strings or lists of
 * strings (`var.read_only ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject"]`): one of
 * `values` (a string), or a list of some of them (a list). Being an Unknown, it is unknown to
 * everything else; the Emitter writes it as its interpolation and notes what it may be, so that an
 * Allow's actions and resources are read as every branch (what the policy may grant, said so),
 * where an unknown is otherwise left out or read as `*` (statements.ts).
 */
export class Either extends Unknown {
  constructor(
    text: string,
    readonly values: readonly string[],
    /** A list of some of `values` (else one of them). */
    readonly list: boolean,
  ) {
    super(text);
  }
}

/**
 * A value a conditional whose condition is not known chooses between values that are not all
 * strings, made of references, strings and null (`var.admin ? data.aws_iam_policy_document.a.json
 * : data.aws_iam_policy_document.b.json`, or lists of them): its text is the conditional written
 * from its test and each branch's own text (choiceText), never cut short as an expression's text
 * is, so that every document a branch names is read (terraform/documents.ts); the Emitter writes
 * each branch's references as seen from the resource's module.
 */
export class Choice extends Unknown {
  constructor(
    text: string,
    /** The condition, as written (one line, shortened). */
    readonly test: string,
    readonly branches: readonly [Value, Value],
  ) {
    super(text);
  }
}

/**
 * `test ? a : b` written from the branches' values, each unknown by `name` (a nested Choice in
 * parentheses); undefined when a branch holds anything but unknowns, strings and null.
 */
export function choiceText(
  test: string,
  branches: readonly [Value, Value],
  name: (u: Unknown) => string,
): string | undefined {
  const text = (v: Value): string | undefined => {
    if (v instanceof Choice) return `(${name(v)})`;
    if (v instanceof Unknown) return name(v);
    if (typeof v === 'string' || v === null) return JSON.stringify(v);
    if (!Array.isArray(v)) return undefined;
    const items = v.map(text);
    return items.every((x) => x !== undefined) ? `[${items.join(', ')}]` : undefined;
  };
  const a = text(branches[0]);
  const b = text(branches[1]);
  return a === undefined || b === undefined ? undefined : `${test} ? ${a} : ${b}`;
}

/** The strings a known value, or an Either, may be: undefined when it is anything else. */
export function eitherValues(v: Value): readonly string[] | undefined {
  if (typeof v === 'string') return [v];
  if (v instanceof Either) return v.values;
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v) {
    if (typeof x === 'string') out.push(x);
    else if (x instanceof Either) out.push(...x.values);
    else return undefined;
  }
  return out;
}

/**
 * A reference to a resource instance that does not exist (count 0, a key for_each does not
 * have), with the variables as read. Terraform errs there, so try() takes its next argument and
 * can() is false (evaluator.ts); anywhere else it is an unknown value (a wildcard, noted), so the
 * rest of the policy is still read.
 */
export class Absent extends Unknown {
  constructor(text: string, pattern?: string | Tmpl, scope?: string) {
    super(text, pattern, scope);
    absentsMade++;
  }
}

let absentsMade = 0;

/** How many Absent values were made so far (try() tells whether evaluating its argument made one). */
export function absentCount(): number {
  return absentsMade;
}

/** Whether a value holds an Absent anywhere. */
export function hasAbsent(v: Value, depth = 0): boolean {
  if (v instanceof Absent) return true;
  if (v instanceof PartialList) return depth <= 64 && v.items.some((x) => hasAbsent(x, depth + 1));
  if (depth > 64 || v instanceof Unknown) return false;
  if (v instanceof Tmpl) return v.parts.some((p) => p instanceof Absent);
  if (v instanceof Json) return hasAbsent(v.value, depth + 1);
  if (Array.isArray(v)) return v.some((x) => hasAbsent(x, depth + 1));
  if (isObj(v)) return Object.values(v).some((x) => hasAbsent(x, depth + 1));
  return false;
}

export class Tmpl {
  constructor(readonly parts: readonly (string | Unknown)[]) {}
}

export class Json {
  constructor(readonly value: Value) {}
}

export type Value =
  string | number | boolean | null | Unknown | Tmpl | Json | Value[] | { [k: string]: Value };

export type Obj = { [k: string]: Value };

export function isObj(v: unknown): v is Obj {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Unknown) &&
    !(v instanceof Tmpl) &&
    !(v instanceof Json)
  );
}

/**
 * Objects with keys that are not known (`{ (var.op) = {...} }`, `"aws:ResourceTag/${var.k}"`):
 * each such key's text (its entry's key) and its value as evaluated. The entry is kept under its
 * text (a for_each over the object still makes an instance of it); a policy's JSON writes the key
 * as the interpolation it is, so that the policy reading knows it is not known (lines.ts).
 */
const templateKeys = new WeakMap<Obj, Map<string, Unknown | Tmpl>>();

export function setTemplateKey(o: Obj, key: string, v: Unknown | Tmpl): void {
  let m = templateKeys.get(o);
  if (!m) templateKeys.set(o, (m = new Map()));
  m.set(key, v);
}

/** The keys of `o` that are not known, with their values as evaluated (see setTemplateKey). */
export function templateKeysOf(o: Obj): ReadonlyMap<string, Unknown | Tmpl> | undefined {
  return templateKeys.get(o);
}

/**
 * Lists that are sets (toset(), a variable of a set type): Terraform iterates a set in its order
 * (strings by their text, numbers by value) and gives each element as its own key (`each.key`, a
 * dynamic block's iterator `.key`, `for k, v in a_set`), not an index.
 */
const sets = new WeakSet<Value[]>();

/** Marks a list of distinct elements as a set, in Terraform's order when its elements are all strings or all numbers. */
export function asSet(xs: Value[]): Value[] {
  if (xs.every((x) => typeof x === 'string')) (xs as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  else if (xs.every((x) => typeof x === 'number')) (xs as number[]).sort((a, b) => a - b);
  sets.add(xs);
  return xs;
}

export function isSet(v: Value): boolean {
  return Array.isArray(v) && sets.has(v);
}

/** A fresh object that cannot reach Object.prototype through a `__proto__` key. */
export function newObj(): Obj {
  return Object.create(null) as Obj;
}

/** One line, at most `max` characters: how an expression is shown. */
export function shortText(s: string, max = 80): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** True when nothing in the value is unknown. */
export function isKnown(v: Value, depth = 0): boolean {
  if (depth > 64) return false;
  if (v instanceof Unknown || v instanceof Tmpl) return false;
  if (v instanceof Json) return isKnown(v.value, depth + 1);
  if (Array.isArray(v)) return v.every((x) => isKnown(x, depth + 1));
  if (isObj(v)) return Object.values(v).every((x) => isKnown(x, depth + 1));
  return true;
}

/** The first unknown inside a value (for a reason). */
export function firstUnknown(v: Value, depth = 0): Unknown | undefined {
  if (depth > 64) return undefined;
  if (v instanceof Unknown) return v;
  if (v instanceof Tmpl) return v.parts.find((p): p is Unknown => p instanceof Unknown);
  if (v instanceof Json) return firstUnknown(v.value, depth + 1);
  const items = Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];
  for (const x of items) {
    const u = firstUnknown(x, depth + 1);
    if (u) return u;
  }
  return undefined;
}

/** A string, number or bool as a string (Terraform's automatic conversion); undefined otherwise. */
export function primitiveString(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

/** Concatenates string pieces and unknowns into a string, a Tmpl, or (one unknown alone) that Unknown. */
export function concatParts(parts: (string | Unknown | Tmpl)[]): string | Tmpl | Unknown {
  const out: (string | Unknown)[] = [];
  const push = (p: string | Unknown) => {
    if (typeof p === 'string') {
      if (p === '') return;
      if (typeof out[out.length - 1] === 'string') out[out.length - 1] = (out[out.length - 1] as string) + p;
      else out.push(p);
    } else out.push(p);
  };
  for (const p of parts) {
    if (p instanceof Tmpl) p.parts.forEach(push);
    else push(p);
  }
  if (out.length === 0) return '';
  if (out.length === 1 && typeof out[0] === 'string') return out[0];
  if (out.length === 1 && out[0] instanceof Unknown) return out[0];
  return new Tmpl(out);
}

/** A value as a string piece: strings, numbers and bools as text; unknowns and templates as they are. */
export function asStringPiece(v: Value, text: string): string | Unknown | Tmpl {
  const s = primitiveString(v);
  if (s !== undefined) return s;
  if (v instanceof Unknown || v instanceof Tmpl) return v;
  if (v instanceof Json) return jsonText(v.value);
  if (v === null) return new Unknown(text);
  return new Unknown(text);
}

/** JSON text of a value; unknown parts become `${...}` (a template, as in *.tf.json). */
export function jsonText(v: Value): string | Tmpl {
  const parts: (string | Unknown)[] = [];
  const walk = (x: Value, depth: number) => {
    if (depth > 64) {
      parts.push(new Unknown('(nested too deep)'));
      return;
    }
    if (x instanceof Json) return walk(x.value, depth + 1);
    if (x instanceof PartialList) return walk([...x.items], depth + 1);
    if (x instanceof Unknown) {
      parts.push('"', x, '"');
      return;
    }
    if (x instanceof Tmpl) {
      parts.push('"');
      for (const p of x.parts) parts.push(typeof p === 'string' ? JSON.stringify(p).slice(1, -1) : p);
      parts.push('"');
      return;
    }
    if (Array.isArray(x)) {
      parts.push('[');
      x.forEach((e, i) => {
        if (i) parts.push(',');
        walk(e, depth + 1);
      });
      parts.push(']');
      return;
    }
    if (isObj(x)) {
      parts.push('{');
      Object.keys(x).forEach((k, i) => {
        if (i) parts.push(',');
        parts.push(`${JSON.stringify(k)}:`);
        walk(x[k]!, depth + 1);
      });
      parts.push('}');
      return;
    }
    parts.push(JSON.stringify(x));
  };
  walk(v, 0);
  const c = concatParts(parts);
  return c instanceof Unknown ? new Tmpl([c]) : c;
}

/** Plain JSON of a fully known value (Json unwrapped). */
export function toPlain(v: Value): unknown {
  if (v instanceof Json) return toPlain(v.value);
  if (Array.isArray(v)) return v.map(toPlain);
  if (isObj(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v))
      Object.defineProperty(o, k, {
        value: toPlain(v[k]!),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return o;
  }
  return v;
}

/** Plain JSON (from jsondecode or a file) into a Value. */
export function fromPlain(v: unknown, depth = 0): Value {
  if (depth > 64) return new Unknown('(nested too deep)');
  if (Array.isArray(v)) return v.map((x) => fromPlain(x, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const o = newObj();
    for (const [k, x] of Object.entries(v)) o[k] = fromPlain(x, depth + 1);
    return o;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  return null;
}
