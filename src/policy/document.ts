// Parses an IAM policy document into statements, accepting the shapes found in the wild:
// `Statement` as an object or an array; each field a string or an array; the wrappers
// `{"PolicyVersion":{"Document":…}}`, `{"document":…}`, `{"PolicyDocument":…}`, and a document
// held as a JSON string, URL-encoded as the AWS API returns it. Never throws: each problem is
// reported with the JSON path of the offending value, what was expected and what to do, and the
// valid statements are kept.
//
// Hostile documents are bounded here, before anything else walks them: a document nested deeper
// than MAX_DOCUMENT_DEPTH or larger than MAX_DOCUMENT_CHARS is not read (AWS rejects far smaller
// ones), and an Action or Resource entry longer than AWS allows is read on the broad side (`*` where
// that grants more, left out where that denies less), so no crafted entry can make the audit
// report less than the statement grants.

import { formatJsonPath, isObject, parseJson, type JsonPath } from '../core/json-lines.js';

/**
 * Deepest nesting of objects and arrays read in a policy document. Real ones are a few levels
 * deep (document, Statement, statement, Condition, operator, key, values) plus a few wrappers.
 */
export const MAX_DOCUMENT_DEPTH = 64;
/**
 * Largest policy document read, in characters of keys and string values. AWS's largest policy
 * documents (KMS key policies) hold 32 KB; this is four times that.
 */
export const MAX_DOCUMENT_CHARS = 128 * 1024;
/** Longest Action or NotAction entry read as written (AWS action names are under 100 characters). */
export const MAX_ACTION_LENGTH = 256;
/** Longest Resource or NotResource entry read as written (AWS's limit on an ARN). */
export const MAX_RESOURCE_LENGTH = 2048;

/** Limits up to which nestingDepth and textSize recurse (deeper values are walked with a stack). */
const RECURSION_LIMIT = 256;

/**
 * How deep a JSON value nests (a scalar is 0, `[]` and `{}` are 1), counted so that any depth is
 * safe; the count stops as soon as it passes `limit`. Up to a limit of RECURSION_LIMIT the walk
 * recurses (at most limit + 1 calls deep), past it an explicit stack is used.
 */
export function nestingDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit <= RECURSION_LIMIT) return depthWithin(value, 1, limit);
  let max = 0;
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const d = depths.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const x of children)
      if (typeof x === 'object' && x !== null) {
        values.push(x);
        depths.push(depth);
      }
  }
  return max;
}

/** The depth of the deepest container in `v` (itself at `depth`), or the first depth past `limit`. */
function depthWithin(v: object, depth: number, limit: number): number {
  if (depth > limit) return depth;
  let max = depth;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x !== 'object' || x === null) continue;
      const d = depthWithin(x, depth + 1, limit);
      if (d > max) {
        max = d;
        if (max > limit) return max;
      }
    }
    return max;
  }
  const o = v as Record<string, unknown>;
  // for-in with an own-property test: the own enumerable keys, as Object.values has them, with no array made.
  for (const k in o) {
    if (!hasOwn.call(o, k)) continue;
    const x = o[k];
    if (typeof x !== 'object' || x === null) continue;
    const d = depthWithin(x, depth + 1, limit);
    if (d > max) {
      max = d;
      if (max > limit) return max;
    }
  }
  return max;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Set by measureWithin: the textSize of what it walked. */
let measured = 0;

/**
 * textSize of a policy document, or -1 when it nests more than MAX_DOCUMENT_DEPTH levels deep
 * (what nestingDepth and textSize say, in one walk, which recurses at most that deep).
 */
export function measureDocument(doc: object): number {
  measured = 0;
  return measureWithin(doc, 1) ? measured : -1;
}

/** Adds the size of the container `v` (at `depth`) to `measured`; false when it nests too deep. */
function measureWithin(v: object, depth: number): boolean {
  if (depth > MAX_DOCUMENT_DEPTH) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'string') measured += x.length;
      else if (typeof x === 'number' || typeof x === 'boolean') measured += 5;
      else if (typeof x === 'object' && x !== null && !measureWithin(x, depth + 1)) return false;
    }
    return true;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    if (!hasOwn.call(o, k)) continue;
    measured += k.length;
    const x = o[k];
    if (typeof x === 'string') measured += x.length;
    else if (typeof x === 'number' || typeof x === 'boolean') measured += 5;
    else if (typeof x === 'object' && x !== null && !measureWithin(x, depth + 1)) return false;
  }
  return true;
}

/** Characters of keys and strings in a JSON value (stops as soon as it passes `limit`). */
export function textSize(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  // Recursion for the usual shallow values; a deeper one is measured again with a stack.
  const shallow = sizeWithin(value, 0, limit, 0);
  if (shallow >= 0) return shallow;
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') n += v.length;
    else if (typeof v === 'number' || typeof v === 'boolean') n += 5;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (isObject(v))
      for (const k of Object.keys(v)) {
        n += k.length;
        stack.push(v[k]);
      }
    if (n > limit) return n;
  }
  return n;
}

/**
 * textSize by recursion: `n` plus the size of `v`, stopping past `limit`; -1 when `v` nests more
 * than RECURSION_LIMIT levels below `depth`.
 */
function sizeWithin(v: unknown, n: number, limit: number, depth: number): number {
  if (typeof v === 'string') return n + v.length;
  if (typeof v === 'number' || typeof v === 'boolean') return n + 5;
  if (typeof v !== 'object' || v === null) return n;
  if (depth >= RECURSION_LIMIT) return -1;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      n = sizeWithin(v[i], n, limit, depth + 1);
      if (n < 0 || n > limit) return n;
    }
    return n;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    if (!hasOwn.call(o, k)) continue;
    n = sizeWithin(o[k], n + k.length, limit, depth + 1);
    if (n < 0 || n > limit) return n;
  }
  return n;
}

/**
 * Why a policy value cannot be read safely (nested too deeply), or undefined. Sources call it on
 * every document they hand over, so nothing downstream ever walks a hostile depth.
 */
export function unreadableDocument(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null || shallowTexts.has(doc)) return undefined;
  if (nestingDepth(doc, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH)
    return `the policy document nests values more than ${MAX_DOCUMENT_DEPTH} levels deep; expected an IAM policy document, which is a few levels deep (Statement, Condition, values): fix the document (it was not read)`;
  return undefined;
}

/** Keys of an object compared one by one before a Set is made for them (objects are mostly small). */
const FEW_KEYS = 16;

/**
 * duplicateKeys's containers, by depth (1 = the outermost), kept from one call to the next (it is
 * called on every policy text, and does not call itself): object or array; its index in its parent
 * array, or -1 and the offsets of its key in its parent object; whether a key comes next; its
 * current index; where its keys so far are written (or a Set of them).
 */
const scratch = {
  isObj: [] as boolean[],
  segIndex: [] as number[],
  segStart: [] as number[],
  segEnd: [] as number[],
  expectKey: [] as boolean[],
  index: [] as number[],
  keyStarts: [] as number[][],
  keyEnds: [] as number[][],
  keyCount: [] as number[],
  keySet: [] as (Set<string> | undefined)[],
};

/** The key written between `start` and `end` (the offsets inside its quotes), its escapes decoded. */
function keyText(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  if (raw.indexOf('\\') === -1) return raw;
  try {
    return JSON.parse(text.slice(start - 1, end + 1)) as string;
  } catch {
    return raw; // keep the raw text
  }
}

/**
 * Keys that appear more than once in the same object of a JSON text, with the path of the later
 * occurrence (at most `max` of them). JSON.parse keeps the last one silently; other readers (AWS
 * among them, for all this tool knows) may keep another, so a policy could read differently to
 * the audit and to AWS. Expects valid JSON (call it after parsing); iterative, one pass, in which
 * strings are skipped with indexOf (only the characters between strings are looked at one by
 * one). It makes next to no garbage: the open containers are kept in arrays indexed by depth,
 * reused from one container to the next, and an object's keys are compared where they are written
 * (by their offsets), until it has many keys or a key with an escape, when a Set of them is made;
 * a path is built only for a duplicate.
 */
export function duplicateKeys(text: string, max = 20): { path: JsonPath; key: string }[] {
  return scanKeys(text, max).duplicates;
}

/**
 * duplicateKeys, and how deep the text nests (the deepest open container; undefined when the
 * scan stopped at `max` duplicates, before the end).
 */
export function scanKeys(
  text: string,
  max = 20,
): { duplicates: { path: JsonPath; key: string }[]; depth: number | undefined } {
  const out: { path: JsonPath; key: string }[] = [];
  let deepest = 0;
  const { isObj, segIndex, segStart, segEnd, expectKey, index, keyStarts, keyEnds, keyCount, keySet } =
    scratch;
  let d = 0;
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n && out.length < max) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // The closing quote: the next one not escaped (preceded by an even number of backslashes).
      let j = text.indexOf('"', i + 1);
      for (;;) {
        if (j === -1) {
          j = n;
          break;
        }
        let b = j - 1;
        while (b > i && text.charCodeAt(b) === 92 /* \ */) b--;
        if ((j - 1 - b) % 2 === 0) break;
        j = text.indexOf('"', j + 1);
      }
      if (d > 0 && isObj[d] && expectKey[d]) {
        const ks = i + 1;
        const ke = j;
        let escaped = false;
        for (let k = ks; k < ke; k++)
          if (text.charCodeAt(k) === 92) {
            escaped = true;
            break;
          }
        const count = keyCount[d]!;
        const starts = keyStarts[d]!;
        const ends = keyEnds[d]!;
        let set = keySet[d];
        if (set === undefined && (escaped || count >= FEW_KEYS)) {
          set = new Set<string>();
          for (let k = 0; k < count; k++) set.add(keyText(text, starts[k]!, ends[k]!));
          keySet[d] = set;
        }
        let seen = false;
        if (set !== undefined) {
          const key = keyText(text, ks, ke);
          seen = set.has(key);
          set.add(key);
        } else {
          // No escapes in this object's keys so far: equal keys are equal as written.
          const len = ke - ks;
          for (let k = 0; k < count && !seen; k++) {
            const s = starts[k]!;
            if (ends[k]! - s !== len) continue;
            let m = 0;
            while (m < len && text.charCodeAt(s + m) === text.charCodeAt(ks + m)) m++;
            seen = m === len;
          }
          starts[count] = ks;
          ends[count] = ke;
        }
        if (seen) {
          const path: JsonPath = [];
          for (let k = 2; k <= d; k++)
            path.push(segIndex[k]! >= 0 ? segIndex[k]! : keyText(text, segStart[k]!, segEnd[k]!));
          const key = keyText(text, ks, ke);
          path.push(key);
          out.push({ path, key });
        }
        keyCount[d] = count + 1;
        segIndex[d + 1] = -1;
        segStart[d + 1] = ks;
        segEnd[d + 1] = ke;
        expectKey[d] = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (d === 0) segIndex[1] = 0;
      else if (!isObj[d]) segIndex[d + 1] = index[d]!;
      d++;
      if (d > deepest) deepest = d;
      isObj[d] = c === 123;
      expectKey[d] = c === 123;
      index[d] = 0;
      keyCount[d] = 0;
      keySet[d] = undefined;
      if (keyStarts[d] === undefined) {
        keyStarts[d] = [];
        keyEnds[d] = [];
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (d > 0) d--;
    } else if (c === 44 /* , */) {
      if (d > 0) {
        if (isObj[d]) expectKey[d] = true;
        else index[d]!++;
      }
    }
    i++;
  }
  // A hostile depth is not kept for the next call.
  if (isObj.length > 1024) for (const a of Object.values(scratch)) a.length = 0;
  else keySet.fill(undefined);
  return { duplicates: out, depth: out.length < max || i >= n ? deepest : undefined };
}

/**
 * Documents JSON.parse made of a text that scanKeys read to its end: the text's length, when it
 * nests no deeper than MAX_DOCUMENT_DEPTH. Such a document is no deeper than its text (duplicate
 * keys only drop values) and holds at most 3 characters of textSize per character of text (a
 * string holds fewer characters than it is written with; a number or boolean counts 5 and takes
 * at least 2 characters with its separator), so unreadableDocument and parsePolicyDocument's
 * size check need not walk it again. Documents are not changed once parsed.
 */
const shallowTexts = new WeakMap<object, number>();

/** Notes what scanKeys found of the text `doc` was parsed from (see shallowTexts). */
export function noteParsedText(doc: object, textLength: number, depth: number | undefined): void {
  if (depth !== undefined && depth <= MAX_DOCUMENT_DEPTH) shallowTexts.set(doc, textLength);
}

/** Whether `doc` is known, from its text, to be within MAX_DOCUMENT_DEPTH and MAX_DOCUMENT_CHARS. */
function knownSmall(doc: object): boolean {
  const length = shallowTexts.get(doc);
  return length !== undefined && 3 * length + 5 <= MAX_DOCUMENT_CHARS;
}

/** The message for a duplicate key (never quoting it when the policy is sensitive). */
export function duplicateKeyMessage(key: string | undefined): string {
  return `duplicate key${key === undefined ? '' : ` ${preview(key, 60)}`} in the same object: this audit reads the last one, other JSON readers (AWS's among them) may read another; expected each key once: remove the others`;
}

/** A short, safe preview of a value for a message (never the whole of a huge or deep value). */
export function preview(v: unknown, max = 40): string {
  if (typeof v === 'string') return JSON.stringify(v.length > max ? `${v.slice(0, max)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return typeName(v);
}

/** operator (as written, e.g. `StringEquals`) -> condition key (as written) -> values. */
export type Condition = Record<string, Record<string, string[]>>;

export interface Statement {
  /** 0-based position in the document's Statement list. */
  index: number;
  /** 0-based position as written, where the source left statements out (PolicyRecord.statementNumbers); else index. */
  written: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principal?: unknown;
  notPrincipal?: unknown;
  condition?: Condition;
  /** JSON path of the statement inside its file. */
  path: JsonPath;
}

export interface PolicyDocument {
  version?: string;
  id?: string;
  statements: Statement[];
}

export interface DocumentProblem {
  path: JsonPath;
  message: string;
}

export function problemPath(p: DocumentProblem): string {
  return formatJsonPath(p.path);
}

export interface ParsedDocument {
  doc?: PolicyDocument;
  /** The document object itself, after unwrapping and decoding (for the minimal-policy diff). */
  raw?: Record<string, unknown>;
  problems: DocumentProblem[];
}

const WRAPPERS = [
  'PolicyVersion',
  'Document',
  'document',
  'PolicyDocument',
  'policyDocument',
  'Policy',
  'policy',
];

/**
 * `path` with `key` appended. Made by concat, which sizes the array to its entries: a spread array
 * keeps room to grow (some 200 bytes for a two-entry path), and every parsed statement holds one.
 */
function child(path: JsonPath, key: string | number): JsonPath {
  return path.concat([key]);
}

/** Decodes a policy held as a JSON string (possibly URL-encoded, as `aws iam` returns it). */
export function decodePolicyString(
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const trimmed = text.trim();
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch (e) {
    if (/^%7B/i.test(trimmed) || trimmed.includes('%22')) {
      try {
        return { ok: true, value: JSON.parse(decodeURIComponent(trimmed.replace(/\+/g, ' '))) };
      } catch {
        // fall through to the original error
      }
    }
    // parseJson's message never quotes the text (it may be a secret).
    const p = parseJson(trimmed);
    const why = p.ok ? (e as Error).name : `${p.message} at line ${p.line}, column ${p.column} of the string`;
    return {
      ok: false,
      message: `the policy is a string that is not valid JSON (${why}); expected a JSON policy document, or its URL-encoded form: fix the JSON`,
    };
  }
}

const FIELD_EXAMPLE: Record<string, string> = {
  Action: '"s3:GetObject"',
  NotAction: '"iam:*"',
  Resource: '"arn:aws:s3:::my-bucket/*"',
  NotResource: '"arn:aws:s3:::my-bucket/*"',
};

/** The value of the statement field `field` (at `[...statementPath, field]`) as a list of strings. */
function asStringList(
  v: unknown,
  statementPath: JsonPath,
  field: string,
  problems: DocumentProblem[],
): string[] | undefined {
  if (typeof v === 'string') return [v];
  const example = FIELD_EXAMPLE[field] ?? '"..."';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++)
      if (typeof v[i] !== 'string') return mixedList(v, statementPath, field, example, problems);
    // The document's own array, not a copy: nothing changes a statement's lists or a document once
    // read, and shareNames writes the same shared names into both anyway. At 20,000 policies the
    // copies were some 20 MB held from parsing to the end of the audit (BENCHMARKS.md, thirty-third
    // round). A frozen or sealed array is copied (shareNames writes into an Action list).
    return Object.isExtensible(v) ? (v as string[]) : (v.slice() as string[]);
  }
  problems.push({
    path: child(statementPath, field),
    message: `${field} must be a string or an array of strings, got ${typeName(v)}; expected ${example} or [${example}, ...]: fix the value`,
  });
  return undefined;
}

/** asStringList of an array that holds something other than strings: those are problems. */
function mixedList(
  v: unknown[],
  statementPath: JsonPath,
  field: string,
  example: string,
  problems: DocumentProblem[],
): string[] {
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item === 'string') out.push(item);
    else
      problems.push({
        path: child(child(statementPath, field), i),
        message: `${field} entries must be strings, got ${typeName(item)}; expected a string such as ${example}: quote it or remove it`,
      });
  });
  return out;
}

/**
 * Entries longer than AWS allows are never matched as written (a hostile pattern could be made
 * expensive to match): each is read on the broad side. In an Allow statement an Action or Resource
 * entry becomes `*` and a NotAction or NotResource entry is left out (the statement then grants
 * more); in a Deny statement it is the other way round (the statement then denies less).
 */
const BOUNDED_FIELDS = [
  ['actions', 'Action', MAX_ACTION_LENGTH, 'an action name'],
  ['notActions', 'NotAction', MAX_ACTION_LENGTH, 'an action name'],
  ['resources', 'Resource', MAX_RESOURCE_LENGTH, 'an ARN'],
  ['notResources', 'NotResource', MAX_RESOURCE_LENGTH, 'an ARN'],
] as const;

/** Whether an entry of `list` is longer than `max`. */
function hasLonger(list: readonly string[], max: number): boolean {
  for (let i = 0; i < list.length; i++) if (list[i]!.length > max) return true;
  return false;
}

function boundEntries(
  s: Partial<Statement>,
  raw: Record<string, unknown>,
  path: JsonPath,
  problems: DocumentProblem[],
): void {
  for (let f = 0; f < BOUNDED_FIELDS.length; f++) {
    // Indexed, not destructured: destructuring an array goes through an iterator (garbage, per statement).
    const entry = BOUNDED_FIELDS[f]!;
    const key = entry[0];
    const max = entry[2];
    const list = s[key];
    if (!list || !hasLonger(list, max)) continue;
    const field = entry[1];
    const what = entry[3];
    const negative = field.startsWith('Not');
    const broaden = (s.effect === 'Deny') === negative; // `*` grants more / denies less here
    const out: string[] = [];
    list.forEach((x, i) => {
      if (x.length <= max) {
        out.push(x);
        return;
      }
      if (broaden) out.push('*');
      const how = broaden ? 'read as "*"' : 'left out';
      problems.push({
        path: Array.isArray(raw[field]) ? child(child(path, field), i) : child(path, field),
        message: `${field} entry is ${x.length} characters long, over the ${max} AWS allows; expected ${what} (${how}, so the audit errs on the broad side): shorten it`,
      });
    });
    s[key] = out;
  }
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The statement's Condition (at `[...statementPath, 'Condition']`). */
function parseCondition(
  v: unknown,
  statementPath: JsonPath,
  problems: DocumentProblem[],
): Condition | undefined {
  if (!isObject(v)) {
    problems.push({
      path: child(statementPath, 'Condition'),
      message: `Condition must be an object, got ${typeName(v)}; expected {"Operator": {"key": value}}, e.g. {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}: fix it`,
    });
    return undefined;
  }
  // Built as own properties (Object.fromEntries): an operator or key named `__proto__` is refused,
  // never assigned (an assignment would set the object's prototype).
  const out: [string, Record<string, string[]>][] = [];
  for (const [op, block] of Object.entries(v)) {
    const opPath = () => child(child(statementPath, 'Condition'), op);
    if (op === '__proto__') {
      problems.push({
        path: opPath(),
        message:
          'condition operator "__proto__" is not an IAM condition operator; expected an operator such as StringEquals: remove it',
      });
      continue;
    }
    if (!isObject(block)) {
      problems.push({
        path: opPath(),
        message: `condition operator ${preview(op, 60)} must map keys to values, got ${typeName(block)}; expected {"key": value}, e.g. {"aws:RequestedRegion": "eu-west-1"}: fix it`,
      });
      continue;
    }
    const keys: [string, string[]][] = [];
    for (const [key, val] of Object.entries(block)) {
      if (key === '__proto__') {
        problems.push({
          path: child(opPath(), key),
          message:
            'condition key "__proto__" is not an IAM condition key; expected a key such as aws:SourceIp: remove it',
        });
        continue;
      }
      const list = Array.isArray(val) ? val : [val];
      const strs: string[] = [];
      list.forEach((x, i) => {
        if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') strs.push(String(x));
        else
          problems.push({
            path: Array.isArray(val) ? child(child(opPath(), key), i) : child(opPath(), key),
            message: `condition values must be strings, numbers or booleans, got ${typeName(x)}; expected a value such as "eu-west-1" or a list of them: fix the value`,
          });
      });
      keys.push([key, strs]);
    }
    out.push([op, Object.fromEntries(keys)]);
  }
  return Object.fromEntries(out);
}

/**
 * One string per action name, shared by every statement that names it. JSON.parse makes a string
 * of its own for each entry: a plan of 5,000 policies held 191,000 action strings, of 6,010 names.
 * The table holds its own copy of each name: a name a YAML or HCL parser cut out of a file's text
 * can be a slice of that whole text, which the table would otherwise keep alive. Its memory is
 * bounded: names over SHARED_NAME_LENGTH characters are not shared, and at SHARED_NAMES_MAX names
 * the table starts again (a file of unique names cannot grow it, nor keep it full for good).
 */
const SHARED_NAMES = new Map<string, string>();
const SHARED_NAMES_MAX = 65_536;
/** The longest action AWS names is under 80 characters. */
const SHARED_NAME_LENGTH = 128;

/** The shared string of `name` (see SHARED_NAMES). */
function sharedName(name: string): string {
  let shared = SHARED_NAMES.get(name);
  if (shared === undefined) {
    if (SHARED_NAMES.size >= SHARED_NAMES_MAX) SHARED_NAMES.clear();
    // A copy: V8 makes the concatenation one flat string, and the slice of it refers to that
    // string alone (never to a text `name` may be a slice of).
    shared = (' ' + name).slice(1);
    SHARED_NAMES.set(shared, shared);
  }
  return shared;
}

/**
 * Replaces each entry of `list` (a statement's Action or NotAction, just read) by the shared string
 * of the same name, in the parsed list and in the raw statement's own field `key`: an equal
 * string, so that the document reads the same and its duplicates are let go. A write the document
 * refuses (a frozen or read-only one) is not made. `list` is usually the document's own array
 * (asStringList), written once; the list returned is a copy only when an entry of it cannot be
 * written (made read-only by code: no source reads one so).
 */
function shareNames(list: string[], raw: Record<string, unknown>, key: string): string[] {
  const rawValue = raw[key];
  // The raw entries are compared with the names as read, usually the same string objects (a test
  // of identity), rather than with the shared copies (a test of every character).
  let rawList =
    rawValue !== list &&
    Array.isArray(rawValue) &&
    rawValue.length === list.length &&
    !Object.isFrozen(rawValue)
      ? (rawValue as unknown[])
      : undefined;
  let out = list;
  for (let i = 0; i < out.length; i++) {
    const name = out[i]!;
    if (name.length > SHARED_NAME_LENGTH) continue;
    // Written whatever `===` says: strings compare by their characters, so the test cannot tell
    // the shared copy from a name read anew.
    const shared = sharedName(name);
    try {
      out[i] = shared;
    } catch {
      out = out.slice();
      out[i] = shared;
    }
    if (rawList && rawList[i] === name && !Reflect.set(rawList, i, shared)) rawList = undefined;
  }
  if (typeof rawValue === 'string' && out.length === 1 && out[0] === rawValue) Reflect.set(raw, key, out[0]);
  return out;
}

function parseStatement(
  raw: unknown,
  index: number,
  path: JsonPath,
  problems: DocumentProblem[],
): Statement | undefined {
  if (!isObject(raw)) {
    problems.push({
      path: path,
      message: `a statement must be an object, got ${typeName(raw)}; expected {"Effect": "Allow", "Action": ..., "Resource": ...}: fix or remove it`,
    });
    return undefined;
  }
  const before = problems.length;
  const s: Partial<Statement> & { index: number; path: JsonPath } = { index, path };
  // for-in with an own-property test: Object.keys's keys, in its order, with no array or iterator made.
  for (const key in raw) {
    if (!hasOwn.call(raw, key)) continue;
    const value = raw[key];
    switch (key) {
      case 'Sid':
        if (typeof value === 'string') s.sid = value;
        else if (typeof value === 'number') s.sid = String(value);
        else
          problems.push({
            path: child(path, key),
            message: `Sid must be a string, got ${typeName(value)}; expected a name such as "AllowS3Read" (the statement is still audited)`,
          });
        break;
      case 'Effect':
        if (value === 'Allow' || value === 'Deny') s.effect = value;
        else
          problems.push({
            path: child(path, key),
            message: `Effect must be "Allow" or "Deny" (case-sensitive), got ${preview(value)}; expected one of the two: fix it (the statement is not audited until then)`,
          });
        break;
      case 'Action':
        s.actions = asStringList(value, path, key, problems);
        if (s.actions) s.actions = shareNames(s.actions, raw, key);
        break;
      case 'NotAction':
        s.notActions = asStringList(value, path, key, problems);
        if (s.notActions) s.notActions = shareNames(s.notActions, raw, key);
        break;
      case 'Resource':
        s.resources = asStringList(value, path, key, problems);
        break;
      case 'NotResource':
        s.notResources = asStringList(value, path, key, problems);
        break;
      case 'Principal':
        s.principal = value;
        break;
      case 'NotPrincipal':
        s.notPrincipal = value;
        break;
      case 'Condition':
        s.condition = parseCondition(value, path, problems);
        break;
      default:
        problems.push({
          path: child(path, key),
          message: `unknown statement field ${preview(key, 60)}; expected one of Sid, Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal, Condition (AWS rejects other fields): fix the spelling or remove it`,
        });
    }
  }
  if (!('Effect' in raw))
    problems.push({
      path: path,
      message: 'the statement has no Effect; expected "Effect": "Allow" or "Effect": "Deny"',
    });
  if (s.actions && s.notActions)
    problems.push({
      path: path,
      message: 'a statement cannot have both Action and NotAction; expected one of them: remove the other',
    });
  if (!('Action' in raw) && !('NotAction' in raw))
    problems.push({
      path: path,
      message:
        'the statement has neither Action nor NotAction; expected "Action": ["service:Action", ...]: add the actions it grants',
    });
  if (s.resources && s.notResources)
    problems.push({
      path: path,
      message:
        'a statement cannot have both Resource and NotResource; expected one of them: remove the other',
    });
  boundEntries(s, raw, path, problems);
  if (problems.length > before) {
    // A statement with a broken Effect or action list cannot be audited; one with a stray field can.
    const fatal = problems
      .slice(before)
      .some(
        (pr) =>
          !pr.message.startsWith('unknown statement field') &&
          !pr.message.startsWith('Sid must') &&
          !/^(Not)?(Action|Resource) entry is \d+ characters long/.test(pr.message),
      );
    if (fatal) return undefined;
  }
  // Every statement with the same fields in the same order, whatever the order of its keys in the
  // file (undefined where absent): the engine reads statements everywhere, and one shape keeps that
  // code optimised rather than polymorphic.
  return {
    index: s.index,
    written: s.index,
    sid: s.sid,
    effect: s.effect!,
    actions: s.actions,
    notActions: s.notActions,
    resources: s.resources,
    notResources: s.notResources,
    principal: s.principal,
    notPrincipal: s.notPrincipal,
    condition: s.condition,
    path: s.path,
  };
}

/**
 * Parses a policy document. `basePath` is the JSON path of `raw` inside its file (`$` for a
 * standalone file), so problems point at the right place. `maxChars`: the largest document read
 * (a baseline's set, bounded by its file's size, may list every action of a service or more).
 */
export function parsePolicyDocument(
  raw: unknown,
  basePath: JsonPath = [],
  maxChars = MAX_DOCUMENT_CHARS,
): ParsedDocument {
  const problems: DocumentProblem[] = [];
  let value = raw;
  let path = basePath;
  for (let depth = 0; depth < 6; depth++) {
    if (typeof value === 'string') {
      const decoded = decodePolicyString(value);
      if (!decoded.ok) return { problems: [{ path: path, message: decoded.message }] };
      value = decoded.value;
      continue;
    }
    if (isObject(value) && !('Statement' in value)) {
      const obj = value;
      const key = WRAPPERS.find((k) => k in obj);
      if (key) {
        value = obj[key];
        path = child(path, key);
        continue;
      }
    }
    break;
  }
  if (!isObject(value)) {
    return {
      problems: [
        {
          path: path,
          message: `a policy document must be a JSON object, got ${typeName(value)}; expected {"Version": "2012-10-17", "Statement": [...]}: check that this value is a policy`,
        },
      ],
    };
  }
  if (!('Statement' in value)) {
    return {
      problems: [
        {
          path: path,
          message:
            'not an IAM policy document: it has no "Statement"; expected {"Version": "2012-10-17", "Statement": [...]}: check that this value is a policy',
        },
      ],
    };
  }
  // unreadableDocument and textSize in one walk, unless its text says already.
  const size = knownSmall(value) ? 0 : measureDocument(value);
  if (size < 0) return { problems: [{ path: path, message: unreadableDocument(value)! }] };
  if (size > maxChars) {
    return {
      problems: [
        {
          path: path,
          message: `the policy document holds more than ${maxChars} characters; expected a policy AWS accepts (at most 32 KB, for KMS key policies): split it (it was not audited)`,
        },
      ],
    };
  }
  const doc: PolicyDocument = { statements: [] };
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    const v = value[key];
    if (key === 'Version') {
      if (v === '2012-10-17' || v === '2008-10-17') doc.version = v;
      else
        problems.push({
          path: child(path, key),
          message: `Version must be "2012-10-17" or "2008-10-17", got ${preview(v)}; expected "2012-10-17" (policy variables need it): use it`,
        });
    } else if (key === 'Id') {
      if (typeof v === 'string') doc.id = v;
    } else if (key !== 'Statement') {
      problems.push({
        path: child(path, key),
        message: `unknown policy field ${preview(key, 60)}; expected only Version, Id and Statement (AWS rejects other fields): remove it`,
      });
    }
  }
  const st = value.Statement;
  const stPath = child(path, 'Statement');
  const list: unknown[] = Array.isArray(st) ? st : [st];
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) continue; // a hole, as forEach skips it
    const parsed = parseStatement(
      list[i],
      i,
      Array.isArray(st) ? statementPath(stPath, i) : stPath,
      problems,
    );
    if (parsed) doc.statements.push(parsed);
  }
  // Of its exact length: a list grown by push keeps room for 17 (about 80 bytes more per document,
  // held from parsing to the end of the audit).
  if (doc.statements.length > 0) doc.statements = doc.statements.slice();
  return { doc, raw: value, problems };
}

/**
 * `['Statement', i]`, the path of a statement in a document read from its root (a plan's or a
 * state's documents all are), is one frozen array per index, shared by every document: each
 * statement keeps its path. Others are made by child.
 */
const ROOT_STATEMENT_PATHS: JsonPath[] = [];
const SHARED_STATEMENT_PATHS = 1024;

function statementPath(stPath: JsonPath, i: number): JsonPath {
  if (stPath.length !== 1 || i >= SHARED_STATEMENT_PATHS) return child(stPath, i);
  return (ROOT_STATEMENT_PATHS[i] ??= Object.freeze(child(stPath, i)) as JsonPath);
}

/** Sid, or `#index`: how a finding names its statement. */
export function statementLabel(s: Pick<Statement, 'sid' | 'written'>): string {
  return s.sid ? s.sid : `#${s.written}`;
}
