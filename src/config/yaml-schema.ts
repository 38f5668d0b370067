// YAML files validated against a JSON Schema, with errors that name the file, the line and what
// is expected. Shared by the repository configuration (config.ts) and user-defined baselines
// (../baselines/load.ts). The validators are ajv's, compiled at build time
// (scripts/build-schema-validators.mjs, src/generated/schema-validators.ts): no ajv at run time.
import type { ErrorObject } from 'ajv';
import {
  LineCounter,
  Parser,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import { ConfigError } from '../core/errors.js';
import { clipShown, visibilise } from '../core/escape.js';

/**
 * A value from a file or the command line as an error message shows it: quoted, on one line, with
 * control, zero-width and bidirectional characters made visible, at most 80 characters. An error
 * goes to a terminal or a workflow log, where a raw value could forge lines or colours.
 */
export function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v);
  return `"${visibilise(clipShown(s, 80)).replace(/"/g, '\\"')}"`;
}

/** A value as an error message shows it without quotes (one line, control characters visible). */
export function bare(v: unknown): string {
  return visibilise(clipShown(typeof v === 'string' ? v : String(v), 80));
}

/** A file path as an error message shows it (on one line, control characters visible). */
export function shownPath(p: string): string {
  return visibilise(clipShown(p, 300));
}

/** A validator compiled from a JSON Schema (ajv's, with allErrors and verbose): its errors after a failure. */
export type SchemaValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export interface ParsedYaml {
  value: unknown;
  doc: Document;
  lineCounter: LineCounter;
  /** 1-based line of the node at a path (or of its nearest existing ancestor). */
  lineAt(path: (string | number)[], key?: string): number;
}

/**
 * Deepest nesting of mappings and lists read. A configuration is 4 levels deep and a baseline about
 * 9; the YAML library recurses once per level, so a hostile file must be refused before it parses.
 */
export const MAX_YAML_DEPTH = 64;
/** Largest YAML file read (the built-in baselines are a few KB). */
export const MAX_YAML_CHARS = 4 * 1024 * 1024;
/** Most values a file may hold once its aliases are expanded. */
const MAX_YAML_VALUES = 1_000_000;

/**
 * The offset of the first mapping or list nested deeper than `max` (undefined when none is), from
 * the YAML library's concrete syntax tree, which it builds without recursion; walked iteratively.
 */
function tooDeepAt(text: string, max: number): number | undefined {
  for (const token of new Parser().parse(text)) {
    const stack: [unknown, number][] = [[token, 0]];
    while (stack.length > 0) {
      const [v, d] = stack.pop()!;
      if (Array.isArray(v)) {
        for (const x of v) if (x && typeof x === 'object') stack.push([x, d]);
        continue;
      }
      const node = v as { type?: unknown; offset?: unknown };
      const t = node.type;
      const depth = t === 'block-seq' || t === 'block-map' || t === 'flow-collection' ? d + 1 : d;
      if (depth > max) return typeof node.offset === 'number' ? node.offset : 0;
      for (const x of Object.values(v as object)) if (x && typeof x === 'object') stack.push([x, depth]);
    }
  }
  return undefined;
}

/** What to do about a YAML syntax error, by the library's error code. */
const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'expected each key once in a mapping: remove or rename the repeated key',
  MULTIPLE_DOCS: 'expected one YAML document: remove the extra `---` line and what follows it',
  TAB_AS_INDENT: 'expected spaces for indentation: replace the tabs',
  BAD_INDENT: 'expected consistent indentation: align the line with its siblings',
  MISSING_CHAR: 'expected a closing quote or bracket: add it',
};

function syntaxMessage(e: { code: string; message: string }): string {
  if (e.code === 'MULTIPLE_DOCS')
    return `the file holds more than one YAML document; ${YAML_HINTS.MULTIPLE_DOCS}`;
  const first = e.message.split('\n')[0]!;
  const hint =
    // (the yaml library says MISSING_CHAR for a list item without its `-` too: a matter of indentation)
    (e.code === 'MISSING_CHAR' && /without - indicator/i.test(e.message)
      ? YAML_HINTS.BAD_INDENT
      : YAML_HINTS[e.code]) ?? 'expected valid YAML: check the indentation and the quoting on that line';
  return `${first.length > 200 ? `${first.slice(0, 200)}…` : first}; ${hint}`;
}

/**
 * The document as plain values, with dates as `YYYY-MM-DD`. Aliases are expanded into copies, so
 * a cycle (`a: &a [*a]`) or an expansion past MAX_YAML_DEPTH levels or MAX_YAML_VALUES values is
 * refused rather than followed. Iterative.
 */
function toPlain(doc: Document, file: string, lineOf: (offset: number) => number): unknown {
  // A key is its text as written: YAML reads a bare `Null:` (IAM's condition operator) as no
  // value, which toJS would make the key "" (CloudFormation's reader keeps the text too).
  visit(doc, {
    Pair(_key, pair) {
      const k = pair.key;
      if (isScalar(k) && k.value === null && typeof k.source === 'string' && k.source !== '')
        k.value = k.source;
    },
  });
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    let offset = 0;
    visit(doc, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const why = /alias count/i.test((e as Error).message)
      ? 'its aliases (*name) expand to too many values; expected at most 100 alias uses: write the values out'
      : `${(e as Error).message}; expected each alias (*name) to come after its anchor (&name)`;
    throw new ConfigError(`${shownPath(file)}, line ${lineOf(offset)}: ${why}`);
  }
  const copy = (v: unknown): unknown => {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString().slice(0, 10);
    if (Array.isArray(v)) return [];
    if (v && typeof v === 'object') return {};
    return v;
  };
  const root = copy(js);
  const stack: [unknown, unknown, number][] = [[js, root, 0]];
  let values = 0;
  const refuse = (why: string): never => {
    let offset = 0;
    visit(doc, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    throw new ConfigError(`${shownPath(file)}, line ${lineOf(offset)}: ${why}`);
  };
  while (stack.length > 0) {
    const [from, to, depth] = stack.pop()!;
    if (from instanceof Date || !from || typeof from !== 'object') continue;
    if (depth >= MAX_YAML_DEPTH)
      refuse(
        `its aliases (*name) nest values more than ${MAX_YAML_DEPTH} levels deep (or an alias refers to its own anchor); expected plain values: write them out`,
      );
    const entries: [string | number, unknown][] = Array.isArray(from)
      ? from.map((x, i) => [i, x])
      : Object.entries(from as Record<string, unknown>);
    values += entries.length;
    if (values > MAX_YAML_VALUES)
      refuse(
        `its aliases (*name) expand to more than ${MAX_YAML_VALUES} values; expected plain values: write them out`,
      );
    for (const [k, x] of entries) {
      const c = copy(x);
      // An own property even for `__proto__` (an assignment would set the copy's prototype).
      Object.defineProperty(to, k, { value: c, enumerable: true, writable: true, configurable: true });
      if (c && typeof c === 'object') stack.push([x, c, depth + 1]);
    }
  }
  return root;
}

/** Parses YAML (JSON is YAML too); syntax errors become a ConfigError with the line. Dates become `YYYY-MM-DD`. */
export function parseYaml(text: string, file: string): ParsedYaml {
  if (text.length > MAX_YAML_CHARS)
    throw new ConfigError(
      `${shownPath(file)}, line 1: the file holds ${text.length} characters; expected at most ${MAX_YAML_CHARS} (a configuration or baseline is a few KB): check that this is the right file`,
    );
  const lineCounter = new LineCounter();
  const lineOf = (offset: number): number => {
    // The line counter is filled by parseDocument; before that, count newlines.
    if (lineCounter.lineStarts.length > 1) return lineCounter.linePos(offset).line;
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    return line;
  };
  const deep = tooDeepAt(text, MAX_YAML_DEPTH);
  if (deep !== undefined)
    throw new ConfigError(
      `${shownPath(file)}, line ${lineOf(deep)}: mappings and lists are nested more than ${MAX_YAML_DEPTH} levels deep; expected a configuration or baseline, a few levels deep: check the indentation and the brackets`,
    );
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'error' }); // (warnings: core/warnings.ts);
  if (doc.errors.length > 0) {
    const lines = doc.errors.slice(0, 5).map((e) => {
      const line = lineCounter.linePos(e.pos[0]).line;
      return `${shownPath(file)}, line ${line}: ${syntaxMessage(e)}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const value = toPlain(doc, file, lineOf);
  const lineAt = (path: (string | number)[], key?: string): number => {
    const node = nodeAt(doc, path.map(String), key);
    return lineCounter.linePos(node?.range?.[0] ?? 0).line;
  };
  return { value, doc, lineCounter, lineAt };
}

/** Parses and validates; throws ConfigError naming the file, the line and what is expected. */
export function parseYamlWithSchema(text: string, file: string, validate: SchemaValidator): ParsedYaml {
  const parsed = parseYaml(text, file);
  if (!validate(parsed.value)) {
    const msgs = schemaErrorMessages(validate.errors ?? []);
    const lines = msgs
      .slice(0, 5)
      .map((m) => `${shownPath(file)}, line ${parsed.lineAt(m.path, m.key)}: ${m.message}`);
    if (msgs.length > 5) lines.push(`(${msgs.length - 5} more)`);
    throw new ConfigError(lines.join('\n'));
  }
  return parsed;
}

function keyText(k: unknown): string {
  return String(isScalar(k) ? k.value : k);
}

/** The node at a path (or the deepest existing ancestor); with `key`, that key's node in the map. */
function nodeAt(doc: Document, path: string[], key?: string): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === seg);
      if (!pair) return node;
      if (pair.value == null) return pair.key as Node;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item == null) return node;
      node = item;
    } else {
      return node as Node;
    }
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => keyText(p.key) === key);
    if (pair?.key) return pair.key as Node;
  }
  return node as Node | undefined;
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `audits[0].sets` for a path. */
export function fieldName(path: (string | number)[]): string {
  let s = '';
  for (const raw of path.map(String)) {
    const seg = visibilise(clipShown(raw, 80));
    s += /^\d+$/.test(seg) ? `[${seg}]` : s ? `.${seg}` : seg;
  }
  return s || 'the file';
}

const TYPE_WORDS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping (key: value)',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `a string (${shown(v.length > 40 ? v.slice(0, 40) + '…' : v)})`;
  if (typeof v === 'number') return `a number (${v})`;
  return `${typeof v} (${String(v)})`;
}

/** What a value is, without quoting it. */
function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

function describe(schema: unknown): string | undefined {
  const d = (schema as { description?: unknown } | undefined)?.description;
  return typeof d === 'string' ? d : undefined;
}

interface SchemaMessage {
  path: string[];
  key?: string;
  message: string;
}

/** Turns ajv errors into one sentence each: which field, what is wrong, what is expected. */
export function schemaErrorMessages(errors: ErrorObject[]): SchemaMessage[] {
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const out: SchemaMessage[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (anyOfPaths.some((p) => e.schemaPath.startsWith(p))) continue;
    const path = pointerSegments(e.instancePath);
    const field = fieldName(path);
    const expected = describe(e.parentSchema);
    let key: string | undefined;
    let message: string;
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required': {
        const missing = String(params.missingProperty);
        const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
        const what = describe(props?.[missing]);
        message = `${field} is missing "${missing}" (expected: ${what ?? `a "${missing}" key`}): add it`;
        break;
      }
      case 'additionalProperties': {
        key = String(params.additionalProperty);
        const props = Object.keys(
          (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {},
        );
        message = `${field} has an unknown key ${shown(key)}; expected one of: ${props.join(', ')}: fix its spelling or remove it`;
        break;
      }
      case 'type': {
        const want = String(params.type)
          .split(',')
          .map((t) => TYPE_WORDS[t] ?? t)
          .join(' or ');
        // The whole file as one value is not quoted: it may not be a configuration at all.
        const got = path.length === 0 ? kindOf(e.data) : typeOf(e.data);
        message = `${field} must be ${want}, not ${got}${expected ? ` (expected: ${expected})` : ''}`;
        break;
      }
      case 'anyOf': {
        const branches = errors.filter((b) => b.schemaPath.startsWith(e.schemaPath + '/'));
        const req = branches
          .filter((b) => b.keyword === 'required')
          .map((b) => String((b.params as Record<string, unknown>).missingProperty));
        message =
          req.length > 0
            ? `${field} needs one of: ${req.join(', ')} (expected at least one of these keys: add it)`
            : `${field} is not valid${expected ? ` (expected: ${expected})` : ''}`;
        break;
      }
      case 'enum':
        // ("got", as the action's inputs say it: "…, optional, not a string" read as one of the values)
        message = `${field} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')} (got ${typeOf(e.data)}): fix it`;
        break;
      case 'const':
        // (a number for a number: `version must be 1, not 2`; else what it is: `not a string ("1")`)
        message = `${field} must be ${JSON.stringify(params.allowedValue)}, not ${
          typeof e.data === 'number' && typeof params.allowedValue === 'number'
            ? String(e.data)
            : typeOf(e.data)
        }`;
        break;
      case 'pattern':
      case 'minLength':
      case 'minItems':
      case 'uniqueItems':
        message = `${field} ${e.message ?? 'is not valid'}${expected ? ` (expected: ${expected})` : ''}`;
        if (e.keyword === 'pattern')
          message = `${field} is ${typeOf(e.data)}, which is not valid${expected ? ` (expected: ${expected})` : ''}`;
        break;
      default:
        message = `${field} ${e.message ?? 'is not valid'}${expected ? ` (expected: ${expected})` : ''}`;
    }
    const id = `${e.instancePath}|${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ path, key, message });
  }
  return out;
}
