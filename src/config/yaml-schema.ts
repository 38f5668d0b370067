// YAML files validated against a JSON Schema, with errors that name the file, the line and what
// is expected. Shared by the repository configuration (config.ts) and user-defined baselines
// (../baselines/load.ts). Ajv compiles a schema only when a file of that kind is first read.
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError } from '../audit/errors.js';

// ajv is CommonJS: its class is the default export's `default` under Node's ESM interop.
type AjvClass = typeof AjvModule.default;
const Ajv: AjvClass =
  (AjvModule as unknown as { default?: AjvClass }).default ?? (AjvModule as unknown as AjvClass);

const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles (once per schema object) a validator. */
export function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

export interface ParsedYaml {
  value: unknown;
  doc: Document;
  lineCounter: LineCounter;
  /** 1-based line of the node at a path (or of its nearest existing ancestor). */
  lineAt(path: (string | number)[], key?: string): number;
}

/** Parses YAML (JSON is YAML too); syntax errors become a ConfigError with the line. Dates become `YYYY-MM-DD`. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.slice(0, 5).map((e) => {
      const line = lineCounter.linePos(e.pos[0]).line;
      return `${file}, line ${line}: ${e.message.split('\n')[0]}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const value = normaliseDates(doc.toJS({ maxAliasCount: 100 }));
  const lineAt = (path: (string | number)[], key?: string): number => {
    const node = nodeAt(doc, path.map(String), key);
    return lineCounter.linePos(node?.range?.[0] ?? 0).line;
  };
  return { value, doc, lineCounter, lineAt };
}

/** Parses and validates; throws ConfigError naming the file, the line and what is expected. */
export function parseYamlWithSchema(text: string, file: string, schema: Record<string, unknown>): ParsedYaml {
  const parsed = parseYaml(text, file);
  const validate = validatorFor(schema);
  if (!validate(parsed.value)) {
    const msgs = schemaErrorMessages(validate.errors ?? []);
    const lines = msgs.slice(0, 5).map((m) => `${file}, line ${parsed.lineAt(m.path, m.key)}: ${m.message}`);
    if (msgs.length > 5) lines.push(`(${msgs.length - 5} more)`);
    throw new ConfigError(lines.join('\n'));
  }
  return parsed;
}

function normaliseDates(v: unknown): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString().slice(0, 10);
  if (Array.isArray(v)) return v.map(normaliseDates);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normaliseDates(x);
    return out;
  }
  return v;
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
  for (const seg of path.map(String)) s += /^\d+$/.test(seg) ? `[${seg}]` : s ? `.${seg}` : seg;
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
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)})`;
  if (typeof v === 'number') return `a number (${v})`;
  return `${typeof v} (${String(v)})`;
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
        message = `${field} is missing "${missing}"${what ? ` (expected: ${what})` : ''}`;
        break;
      }
      case 'additionalProperties': {
        key = String(params.additionalProperty);
        const props = Object.keys(
          (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {},
        );
        message = `${field} has an unknown key "${key}"; expected one of: ${props.join(', ')}`;
        break;
      }
      case 'type': {
        const want = String(params.type)
          .split(',')
          .map((t) => TYPE_WORDS[t] ?? t)
          .join(' or ');
        message = `${field} must be ${want}, not ${typeOf(e.data)}${expected ? ` (expected: ${expected})` : ''}`;
        break;
      }
      case 'anyOf': {
        const branches = errors.filter((b) => b.schemaPath.startsWith(e.schemaPath + '/'));
        const req = branches
          .filter((b) => b.keyword === 'required')
          .map((b) => String((b.params as Record<string, unknown>).missingProperty));
        message =
          req.length > 0
            ? `${field} needs one of: ${req.join(', ')}`
            : `${field} is not valid${expected ? ` (expected: ${expected})` : ''}`;
        break;
      }
      case 'enum':
        message = `${field} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}, not ${typeOf(e.data)}`;
        break;
      case 'const':
        message = `${field} must be ${JSON.stringify(params.allowedValue)}, not ${typeOf(e.data)}`;
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
