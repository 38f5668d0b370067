// Where each evaluated value came from, and the bridge to the Terraform analyzer: the evaluated
// resources are written as a tf.json-like text (one value per line) beside the plain values the
// analyzer reads, and a table maps each line of that text back to the `.tf` file and line.
import type { JsonPath } from '../../core/json-lines.js';
import { formatJsonPath, locateLines, parseJson } from '../../core/json-lines.js';
import {
  Choice,
  choiceText,
  Either,
  isKnown,
  isObj,
  Json,
  jsonText,
  OneValue,
  PartialList,
  templateKeysOf,
  Tmpl,
  Unknown,
  type Value,
} from './values.js';
import { crossModuleKey, type ChoiceBranch } from '../terraform/model.js';
import { statementPaths } from '../../policy/raw.js';

export interface Origin {
  file: string;
  line: number;
  /** A text whose lines are not the file's (a template with directives): every statement at `line`. */
  flat?: boolean;
}

const containers = new WeakMap<object, Origin>();
const entries = new WeakMap<object, Map<string | number, Origin>>();

/**
 * Heredoc texts (a string, by its content; a template, by identity): the line they start at. A
 * text written at two places (two files of the same policy, a heredoc and a file) has none: which
 * of them a value came from cannot be told (null).
 */
const texts = new Map<string, Origin | null>();
const MAX_TEXTS = 100_000;

export function setTextOrigin(v: string | Tmpl, o: Origin): void {
  if (typeof v !== 'string') {
    containers.set(v, o);
    return;
  }
  if (texts.size >= MAX_TEXTS) texts.clear();
  const had = texts.get(v);
  texts.set(
    v,
    had === undefined || (had !== null && had.file === o.file && had.line === o.line && !had.flat === !o.flat)
      ? o
      : null,
  );
}

/**
 * The statements of a policy a template file renders from one `${jsonencode({...})}`: each where
 * its object is written in the template (its text's lines are not the file's). A string by its
 * content (with the file it was rendered from, told apart as `texts` does), a template by identity.
 */
const textStatements = new Map<string, { file: string; lines: (Origin | undefined)[] } | null>();
const tmplStatements = new WeakMap<Tmpl, (Origin | undefined)[]>();

export function setTextStatements(v: string | Tmpl, file: string, lines: (Origin | undefined)[]): void {
  if (typeof v !== 'string') {
    tmplStatements.set(v, lines);
    return;
  }
  if (textStatements.size >= MAX_TEXTS) textStatements.clear();
  const had = textStatements.get(v);
  const same =
    had !== undefined &&
    had !== null &&
    had.file === file &&
    had.lines.length === lines.length &&
    had.lines.every((o, i) => o?.file === lines[i]?.file && o?.line === lines[i]?.line);
  textStatements.set(v, had === undefined || same ? { file, lines } : null);
}

/** The statement origins set for a text (setTextStatements), if its place is known. */
function textStatementsOf(v: string | Tmpl): (Origin | undefined)[] | undefined {
  if (typeof v !== 'string') return tmplStatements.get(v);
  const o = texts.get(v);
  const st = textStatements.get(v);
  return o && st && st.file === o.file ? st.lines : undefined;
}

/** Forgets the heredoc texts of earlier modules. */
export function clearTextOrigins(): void {
  texts.clear();
  textStatements.clear();
}

/**
 * The origin of each statement of a policy document's structure (jsonencode()): where each
 * statement object is written; undefined when it has no `Statement` list or object.
 */
export function statementOrigins(doc: { [k: string]: Value }): (Origin | undefined)[] | undefined {
  const st = doc.Statement;
  if (Array.isArray(st)) return st.map((s, i) => originOf(s) ?? entryOriginOf(st, i));
  // concat() of statements and a list not known: each known statement where it is written.
  if (st instanceof PartialList) return st.items.map((s) => originOf(s));
  if (isObj(st)) return [originOf(st) ?? entryOriginOf(doc, 'Statement')];
  return undefined;
}

/** The lines of a JSON policy's statements inside a heredoc that starts at `o`. */
function heredocStatements(text: string, o: Origin): Origin[] | undefined {
  // Interpolations (kept as `${...}`, one line each) read as `*`; escapes back to `${`.
  const json = text.replace(/(?<!\$)\$\{[^}\n]*\}/g, '*').replace(/([$%])\1\{/g, '$1{');
  const parsed = parseJson(json);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  // A single statement counts only when it is an object (a string there is no statement to point at).
  const st = (parsed.value as Record<string, unknown>).Statement;
  if (!Array.isArray(st) && (st === null || typeof st !== 'object')) return undefined;
  const paths = statementPaths(parsed.value);
  if (paths.length === 0) return undefined;
  return locateLines(json, paths).map((l) => ({
    file: o.file,
    line: o.flat ? o.line : o.line + (l ?? 1) - 1,
  }));
}

export function setOrigin<T extends object>(v: T, o: Origin): T {
  containers.set(v, o);
  return v;
}

export function setEntryOrigin(container: object, key: string | number, o: Origin): void {
  let m = entries.get(container);
  if (!m) entries.set(container, (m = new Map()));
  m.set(key, o);
}

export function originOf(v: unknown): Origin | undefined {
  return typeof v === 'object' && v !== null ? containers.get(v) : undefined;
}

export function entryOriginOf(container: unknown, key: string | number): Origin | undefined {
  return typeof container === 'object' && container !== null ? entries.get(container)?.get(key) : undefined;
}

/** `policy`: unknowns with a pattern are written as the pattern; `config`: as `${reference}`. */
export type Mode = 'policy' | 'config';

/** Decides the mode of each attribute of a resource's values (by its path from the values). */
export type ModeOf = (path: JsonPath, inherited: Mode) => Mode;

/**
 * `${...}` for an unknown: the expression without braces, backslashes or double quotes (`x["k"]` is
 * written `x['k']`), so that the interpolation always ends where it should once inside JSON text.
 */
export function interpolation(u: Unknown): string {
  const t = u.text.replace(/[{}\\]/g, '').replace(/"/g, "'") || '?';
  return '${' + t + '}';
}

/** A known string as a tf.json template literal (`${` and `%{` escaped). */
export function escapeTemplate(s: string): string {
  return s.replace(/([$%])\{/g, '$1$1{');
}

/** Told of each unknown written as an interpolation; may give the reference to write instead (Emitter.seen). */
type Seen = ((u: Unknown) => string | undefined) & {
  /** Notes the interpolation written for a Choice (Emitted.choices). */
  choice?: (written: string, u: Choice) => void;
};

export function tmplString(t: Tmpl | string, mode: Mode, seen?: Seen): string {
  if (typeof t === 'string') return escapeTemplate(t);
  return t.parts
    .map((p) => (typeof p === 'string' ? escapeTemplate(p) : unknownString(p, mode, seen)))
    .join('');
}

/** A OneValue as a placeholder: its text without the characters that would end or open one. */
function placeholder(u: OneValue): string {
  return `<${u.text.replace(/[<>{}\\"$%]/g, '') || '?'}>`;
}

function unknownString(u: Unknown, mode: Mode, seen?: Seen): string {
  if (mode === 'policy' && u instanceof OneValue) return placeholder(u);
  if (mode === 'policy' && u.pattern !== undefined) return tmplString(u.pattern, mode, seen);
  return referenceString(u, seen);
}

/**
 * `${...}` naming an unknown: a reference as seen (under its alias when made in another module),
 * a Choice with each of its branches' references so (a module argument `var.admin ? data.x.json :
 * data.y.json` names the caller's documents, not the module's).
 */
function referenceString(u: Unknown, seen?: Seen): string {
  if (u instanceof Choice) {
    const t = choiceText(u.test, u.branches, (b) => referenceString(b, seen).slice(2, -1));
    if (t !== undefined) {
      const written = interpolation(new Unknown(t));
      seen?.choice?.(written, u);
      return written;
    }
  }
  return seen?.(u) ?? interpolation(u);
}

/** `type.name` or `data.type.name` of a reference's text (`data.type.name["k"].json`). */
const REFERENCE_BASE = /^(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*/;

export interface Emitted {
  /** The synthetic text, one value per line. */
  text: string;
  /** Origin of each line of `text` (index 0 is line 1). */
  lines: (Origin | undefined)[];
  /** Statement origins of policies given as jsonencode() structures, by the JSON path of the value. */
  statements: Map<string, (Origin | undefined)[]>;
  /**
   * Resources and data sources named in another module than the resource that holds the
   * reference: by the resource's module and the alias written in its place (`module.role` + NUL +
   * `data.aws_iam_policy_document.x--from-root`), the named one's own base
   * (`data.aws_iam_policy_document.x` of the root). A module argument `policy =
   * data.aws_iam_policy_document.x.json` is read in the module as `var.policy`, and its reference
   * is the caller's, not the module's (whose own `x`, if any, it is not).
   */
  crossModule: Map<string, string>;
  /** The alias of each base named from another module (crossModule's values -> their aliases). */
  aliases: Map<string, string>;
  /**
   * What each interpolation written for an Either may be (its branches' strings), by the
   * interpolation as written; null where one text was written for Eithers of different values
   * (two module instances), which is then read as any other unknown.
   */
  either: Map<string, readonly string[] | null>;
  /**
   * The branches of each interpolation written for a Choice whose branches are each a string, a
   * known jsonencode() or a value not known (`var.policy == null ? file(…) : var.policy`): its text
   * cannot carry them (interpolation() drops braces and quotes). Null as in `either`, and where a
   * branch is anything else.
   */
  choices: Map<string, readonly ChoiceBranch[] | null>;
}

/**
 * Writes values as JSON text (one member or element per line) and returns the plain values the
 * analyzer reads (strings are tf.json templates). `Json` values are written as their structure when
 * they are a policy attribute's whole value and fully known, else as their JSON text.
 */
export class Emitter {
  private readonly out: string[] = [];
  private readonly lineOrigins: (Origin | undefined)[] = [];
  readonly statements = new Map<string, (Origin | undefined)[]>();
  private readonly crossModule = new Map<string, string>();
  private readonly aliases = new Map<string, string>();
  private readonly aliasTaken = new Set<string>();
  /** The module of the resource being written (`''` at the root, `module.x`). */
  private module = '';
  /** What each interpolation written for an Either may be (Emitted.either). */
  private readonly either = new Map<string, readonly string[] | null>();
  /** The branches of each interpolation written for a Choice (Emitted.choices). */
  private readonly choices = new Map<string, readonly ChoiceBranch[] | null>();
  /**
   * An Either: its interpolation, noted in `either`. A reference made in another module than the
   * resource's: written under an alias of its own (one per resource named,
   * `data.aws_iam_policy_document.x--from-root[1].json`), noted in crossModule (the module's own
   * names are looked up first). So the module's own `x` and its caller's stay apart, as two
   * callers' `x` do.
   */
  private readonly seen: Seen = Object.assign(
    (u: Unknown): string | undefined => {
      if (u instanceof Either) {
        const s = interpolation(u);
        const had = this.either.get(s);
        this.either.set(
          s,
          had === undefined || (had !== null && had.join('\n') === u.values.join('\n')) ? u.values : null,
        );
        return s;
      }
      if (u.scope === undefined) return undefined;
      const scope = u.scope.replace(/\.$/, '');
      if (scope === this.module) return undefined;
      const base = REFERENCE_BASE.exec(u.text)?.[0];
      if (!base) return undefined;
      const absolute = scope ? `${scope}.${base}` : base;
      let alias = this.aliases.get(absolute);
      if (alias === undefined) {
        const stem = `${base}--from-${scope.replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '') || 'root'}`;
        alias = stem;
        for (let n = 2; this.aliasTaken.has(alias); n++) alias = `${stem}-${n}`;
        this.aliasTaken.add(alias);
        this.aliases.set(absolute, alias);
      }
      this.crossModule.set(crossModuleKey(this.module, alias), absolute);
      return interpolation(new Unknown(alias + u.text.slice(base.length)));
    },
    {
      choice: (written: string, u: Choice) => this.noteChoice(written, u),
    },
  );

  /** Notes a Choice's branches (Emitted.choices): null where one is not a string, a known jsonencode() or a value not known. */
  private noteChoice(written: string, u: Choice): void {
    const branches: ChoiceBranch[] | null = [];
    for (const b of u.branches) {
      if (typeof b === 'string') branches.push({ text: b });
      else if (b === null) branches.push({ text: '' });
      else if (b instanceof Json && isKnown(b)) {
        const text = jsonText(b.value);
        if (typeof text !== 'string') return void this.choices.set(written, null);
        branches.push({ text });
      } else if (b instanceof Unknown && !(b instanceof Choice) && !(b instanceof Either))
        branches.push({ unknown: b.text });
      else return void this.choices.set(written, null);
    }
    const had = this.choices.get(written);
    this.choices.set(
      written,
      had === undefined || JSON.stringify(had) === JSON.stringify(branches) ? branches : null,
    );
  }

  private line(s: string, o: Origin | undefined): void {
    this.out.push(s);
    this.lineOrigins.push(o);
  }

  /** Emits `{"r": [values...]}`; `modes[i]` decides the mode of resource i's attributes. */
  emitRoot(values: { obj: Value; origin: Origin; modeOf: ModeOf; module?: string }[]): {
    plain: unknown[];
    emitted: Emitted;
  } {
    const plain: unknown[] = [];
    this.line('{', undefined);
    this.line('"r": [', undefined);
    values.forEach((v, i) => {
      this.module = v.module ?? '';
      const p = this.value(
        v.obj,
        ['r', i],
        [],
        v.origin,
        'config',
        v.modeOf,
        i < values.length - 1 ? ',' : '',
      );
      plain.push(p);
    });
    this.line(']', undefined);
    this.line('}', undefined);
    return {
      plain,
      emitted: {
        text: this.out.join('\n'),
        lines: this.lineOrigins,
        statements: this.statements,
        crossModule: this.crossModule,
        aliases: this.aliases,
        either: this.either,
        choices: this.choices,
      },
    };
  }

  private value(
    v: Value,
    abs: JsonPath,
    rel: JsonPath,
    at: Origin | undefined,
    mode: Mode,
    modeOf: ModeOf,
    comma: string,
    prefix = '',
  ): unknown {
    const here = originOf(v) ?? at;
    if (v instanceof Json) {
      if (mode === 'policy' && rel.length >= 1 && isObj(v.value) && !hasUnknown(v.value)) {
        this.noteStatements(v.value, abs);
        return this.value(v.value, abs, rel, here, mode, modeOf, comma, prefix);
      }
      if (isObj(v.value)) this.noteStatements(v.value, abs);
      const t = (() => {
        // JSON text of the structure, with unknowns as interpolations (a template).
        const parts: string[] = [];
        jsonParts(v.value, mode, parts, 0, this.seen);
        return parts.join('');
      })();
      this.line(`${prefix}${JSON.stringify(t)}${comma}`, here);
      return t;
    }
    // Its known items as they are, each unknown list as one interpolation (a `dynamic` block over
    // one reads a block of unknown values for it: an Allow's unknown actions are left out, as
    // is a Deny's every unknown value; buildStatements).
    if (v instanceof PartialList)
      return this.value([...v.items], abs, rel, here, mode, modeOf, comma, prefix);
    if (v instanceof Unknown || v instanceof Tmpl) {
      const s = v instanceof Unknown ? unknownString(v, mode, this.seen) : tmplString(v, mode, this.seen);
      this.line(`${prefix}${JSON.stringify(s)}${comma}`, here);
      if (v instanceof Tmpl && mode === 'policy') this.noteHeredoc(s, originOf(v), abs, textStatementsOf(v));
      return s;
    }
    if (Array.isArray(v)) {
      this.line(`${prefix}[`, here);
      const arr: unknown[] = [];
      v.forEach((x, i) => {
        const o = entryOriginOf(v, i) ?? here;
        const m = modeOf([...rel, i], mode);
        arr.push(this.value(x, [...abs, i], [...rel, i], o, m, modeOf, i < v.length - 1 ? ',' : ''));
      });
      this.line(`]${comma}`, here);
      return arr;
    }
    if (isObj(v)) {
      this.line(`${prefix}{`, here);
      const obj: Record<string, unknown> = {};
      const keys = Object.keys(v);
      keys.forEach((k, i) => {
        const o = entryOriginOf(v, k) ?? here;
        const m = modeOf([...rel, k], mode);
        const p = this.value(
          v[k]!,
          [...abs, k],
          [...rel, k],
          o,
          m,
          modeOf,
          i < keys.length - 1 ? ',' : '',
          `${JSON.stringify(k)}: `,
        );
        Object.defineProperty(obj, k, { value: p, enumerable: true, writable: true, configurable: true });
      });
      this.line(`}${comma}`, here);
      return obj;
    }
    const s = typeof v === 'string' ? escapeTemplate(v) : v;
    this.line(`${prefix}${JSON.stringify(s)}${comma}`, here);
    if (typeof v === 'string' && mode === 'policy')
      this.noteHeredoc(s as string, texts.get(v) ?? undefined, abs, textStatementsOf(v));
    return s;
  }

  private noteHeredoc(
    text: string,
    o: Origin | undefined,
    abs: JsonPath,
    statements?: (Origin | undefined)[],
  ): void {
    if (!text.includes('Statement')) return;
    if (statements) {
      this.statements.set(formatJsonPath(abs), statements);
      return;
    }
    if (!o) return;
    const lines = heredocStatements(text, o);
    if (lines) this.statements.set(formatJsonPath(abs), lines);
  }

  private noteStatements(doc: { [k: string]: Value }, abs: JsonPath): void {
    const lines = statementOrigins(doc);
    if (lines) this.statements.set(formatJsonPath(abs), lines);
  }
}

function hasUnknown(v: Value, depth = 0): boolean {
  if (depth > 64) return true;
  if (v instanceof Unknown || v instanceof Tmpl) return true;
  if (v instanceof Json) return hasUnknown(v.value, depth + 1);
  if (Array.isArray(v)) return v.some((x) => hasUnknown(x, depth + 1));
  if (isObj(v))
    return templateKeysOf(v) !== undefined || Object.values(v).some((x) => hasUnknown(x, depth + 1));
  return false;
}

/** JSON text of a value as a tf.json template: known strings escaped, unknowns as interpolations. */
function jsonParts(v: Value, mode: Mode, out: string[], depth: number, seen?: Seen): void {
  if (depth > 64) {
    out.push('null');
    return;
  }
  if (v instanceof Json) return jsonParts(v.value, mode, out, depth + 1, seen);
  if (v instanceof PartialList) return jsonParts([...v.items], mode, out, depth + 1, seen);
  if (v instanceof Unknown || v instanceof Tmpl) {
    const s = v instanceof Unknown ? unknownString(v, mode, seen) : tmplString(v, mode, seen);
    out.push(JSON.stringify(s));
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    v.forEach((x, i) => {
      if (i) out.push(',');
      jsonParts(x, mode, out, depth + 1, seen);
    });
    out.push(']');
    return;
  }
  if (isObj(v)) {
    out.push('{');
    const notKnown = templateKeysOf(v);
    Object.keys(v).forEach((k, i) => {
      if (i) out.push(',');
      // A key not known: the interpolation it is (readJsonTemplate reads it as not known).
      const t = notKnown?.get(k);
      const key =
        t === undefined
          ? escapeTemplate(k)
          : t instanceof Unknown
            ? unknownString(t, mode, seen)
            : tmplString(t, mode, seen);
      out.push(`${JSON.stringify(key)}:`);
      jsonParts(v[k]!, mode, out, depth + 1, seen);
    });
    out.push('}');
    return;
  }
  out.push(JSON.stringify(typeof v === 'string' ? escapeTemplate(v) : v));
}
