// Reading a CloudFormation template (JSON or YAML) into plain values, keeping where each value came
// from: the 1-based line of every map entry and list item, and the source path of every object and
// list (so an evaluated statement can be traced back to its line even when it came out of an
// `Fn::If`). YAML short forms (`!Ref`, `!Sub`, ...) become their long forms (`{Ref: x}`,
// `{"Fn::Sub": x}`), the way CloudFormation reads them; an unknown tag is an error with its line.
import YAML, { LineCounter, isAlias, isMap, isScalar, isSeq, type Node, type Tags } from 'yaml';
import { formatJsonPath, locateLines, type JsonPath } from '../../core/json-lines.js';
import { isObject } from '../parser.js';
import type { SourceError } from '../../core/types.js';

/** YAML short-form tags and the long form each stands for. */
export const SHORT_FORMS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!ImportValue': 'Fn::ImportValue',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!GetAZs': 'Fn::GetAZs',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

/** A value written with a tag CloudFormation does not know (read as unknown; the error names the line). */
export class UnknownTag {
  constructor(
    readonly tag: string,
    readonly line: number | undefined,
  ) {}
}

/** The `yaml` package's custom tags for the short forms, as scalars, sequences and maps. */
export const CLOUDFORMATION_TAGS: Tags = Object.keys(SHORT_FORMS).flatMap((tag) => [
  { tag, resolve: (s: string) => s },
  { tag, collection: 'seq' as const, resolve: (v: unknown) => v as never },
  { tag, collection: 'map' as const, resolve: (v: unknown) => v as never },
]);

/** Most YAML nodes converted (an alias is not converted again: it shares its anchor's value). */
export const MAX_YAML_NODES = 2_000_000;

export interface Template {
  format: 'json' | 'yaml';
  value: unknown;
  /** Problems reading the text (unknown tags, YAML errors that did not stop reading). */
  errors: SourceError[];
  /** Source path of an object or list of `value` (undefined for values made by evaluation). */
  originOf(v: object): JsonPath | undefined;
  /** 1-based lines of many paths at once. */
  linesOf(paths: (JsonPath | undefined)[]): (number | undefined)[];
}

function pathKey(p: JsonPath): string {
  return p.map((s) => (typeof s === 'number' ? `#${s}` : `.${s}`)).join('\u0000');
}

function recordOrigins(value: unknown, origins: WeakMap<object, JsonPath>): void {
  const stack: [unknown, JsonPath][] = [[value, []]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (Array.isArray(v)) {
      origins.set(v, p);
      v.forEach((x, i) => {
        if (typeof x === 'object' && x !== null) stack.push([x, [...p, i]]);
      });
    } else if (isObject(v)) {
      origins.set(v, p);
      for (const [k, x] of Object.entries(v))
        if (typeof x === 'object' && x !== null) stack.push([x, [...p, k]]);
    }
  }
}

/** A template already parsed as JSON: lines are found in the text when asked for. */
export function jsonTemplate(text: string, value: unknown): Template {
  const origins = new WeakMap<object, JsonPath>();
  recordOrigins(value, origins);
  return {
    format: 'json',
    value,
    errors: [],
    originOf: (v) => origins.get(v),
    linesOf: (paths) => {
      const wanted = paths.filter((p): p is JsonPath => p !== undefined);
      const found = locateLines(text, wanted);
      let i = 0;
      return paths.map((p) => (p === undefined ? undefined : found[i++]));
    },
  };
}

export type YamlRead = { ok: true; template: Template } | { ok: false; line: number; message: string };

/** Parses YAML text (the whole document) into a Template; `ok: false` when the text is not YAML. */
export function yamlTemplate(text: string, path: string): YamlRead {
  const lc = new LineCounter();
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, {
      lineCounter: lc,
      customTags: CLOUDFORMATION_TAGS,
      prettyErrors: false,
      // (its warnings quote the template: never printed; escape.ts, core/warnings.ts)
      logLevel: 'error',
      // Checked below with a set per map: the library's own check compares each key with every
      // earlier one (quadratic: 61 s for a 10 MB template's Resources, 2 s without it).
      uniqueKeys: false,
    });
  } catch (e) {
    return { ok: false, line: 1, message: (e as Error).message };
  }
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lc.linePos(offset).line;
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return { ok: false, line: lineAt(e.pos[0]) ?? 1, message: e.message.split('\n')[0]! };
  }
  const errors: SourceError[] = [];
  const lines = new Map<string, number>();
  const origins = new WeakMap<object, JsonPath>();
  let count = 0;
  let tooBig = false;
  const anchored = new Map<Node, unknown>();

  // Iterative conversion: each job converts one node and stores it through `set` (or, `after`,
  // runs once the jobs pushed after it are done).
  type Job = { node: unknown; path: JsonPath; set: (v: unknown) => void; after?: () => void };
  let root: unknown = null;
  const jobs: Job[] = [{ node: doc.contents, path: [], set: (v) => (root = v) }];
  while (jobs.length > 0) {
    const { node: n0, path: p, set, after } = jobs.pop()!;
    if (after) {
      after();
      continue;
    }
    if (++count > MAX_YAML_NODES) {
      tooBig = true;
      set(null);
      continue;
    }
    const node = n0 as Node | null | undefined;
    if (node && isAlias(node)) {
      // An alias shares the value of its anchor, converted once (anchors come first in the text,
      // and a node's whole subtree is converted before the next one starts).
      const target = node.resolve(doc) as Node | undefined;
      set(target && anchored.has(target) ? anchored.get(target) : null);
      continue;
    }
    if (!node) {
      set(null);
      continue;
    }
    const tag = node.tag;
    const line = lineAt(node.range?.[0]);
    let inner: JsonPath = p;
    let wrap: ((v: unknown) => unknown) | undefined;
    if (tag && tag.startsWith('!')) {
      const long = SHORT_FORMS[tag];
      if (long) {
        inner = [...p, long];
        wrap = (v) => {
          const o = { [long]: v };
          origins.set(o, p);
          return o;
        };
        if (line !== undefined && !lines.has(pathKey(inner))) lines.set(pathKey(inner), line);
      } else {
        errors.push({
          path,
          ...(line !== undefined ? { line } : {}),
          jsonPath: formatJsonPath(p),
          message: `unknown tag ${tag}: CloudFormation knows ${Object.keys(SHORT_FORMS).slice(0, 14).join(', ')} and the other Fn:: short forms; the value is read as unknown`,
        });
        set(new UnknownTag(tag, line));
        continue;
      }
    }
    const anchor = node.anchor ? node : undefined;
    const out = (v: unknown) => {
      const w = wrap ? wrap(v) : v;
      if (anchor) anchored.set(anchor, w);
      set(w);
    };
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      origins.set(obj, inner);
      out(obj);
      // Keys in the order written; the jobs pushed last to first, so they run first to last.
      const pending: Job[] = [];
      const seen = new Set<string>();
      // YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`), which `sam deploy` and `aws
      // cloudformation package` expand: their maps' entries where this map has no such key (the
      // first map's before a later one's), once the map is read.
      const merged: unknown[] = [];
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.type === 'PLAIN' && pair.key.value === '<<') {
          const from = pair.value as Node | null;
          const sources = from && isSeq(from) ? from.items : [from];
          sources.forEach((n, i) => {
            merged.push(null);
            pending.push({ node: n, path: [...inner, '<<', i], set: (v) => (merged[i] = v) });
          });
          continue;
        }
        // (a key is text as written, as a scalar value is: `061190967865:` keeps its leading zero)
        const k = isScalar(pair.key)
          ? typeof pair.key.value === 'number' && pair.key.source !== undefined
            ? String(numberText(pair.key.source, pair.key.value))
            : String(pair.key.value)
          : String(pair.key);
        if (seen.has(k)) {
          const at = lineAt((pair.key as Node | null)?.range?.[0]) ?? 1;
          return {
            ok: false,
            line: at,
            message: `Map keys must be unique: ${JSON.stringify(k.slice(0, 200))} is written twice`,
          };
        }
        seen.add(k);
        const kp = [...inner, k];
        const kl = lineAt((pair.key as Node | null)?.range?.[0]);
        if (kl !== undefined) lines.set(pathKey(kp), kl);
        obj[k] = null;
        pending.push({ node: pair.value, path: kp, set: (v) => (obj[k] = v) });
      }
      if (merged.length > 0) {
        const at = line;
        jobs.push({
          node: null,
          path: inner,
          set: () => undefined,
          after: () => {
            for (const m of merged) {
              if (!isObject(m)) {
                errors.push({
                  path,
                  ...(at !== undefined ? { line: at } : {}),
                  jsonPath: formatJsonPath(inner),
                  message: 'a YAML merge key (<<) must name a map or a list of maps: not merged',
                });
                continue;
              }
              for (const [k, v] of Object.entries(m)) if (!Object.hasOwn(obj, k)) obj[k] = v;
            }
          },
        });
      }
      for (let i = pending.length - 1; i >= 0; i--) jobs.push(pending[i]!);
    } else if (isSeq(node)) {
      const arr: unknown[] = new Array<unknown>(node.items.length).fill(null);
      origins.set(arr, inner);
      out(arr);
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i] as Node | null;
        const ip = [...inner, i];
        const il = lineAt(item?.range?.[0]);
        if (il !== undefined) lines.set(pathKey(ip), il);
        jobs.push({ node: item, path: ip, set: (v) => (arr[i] = v) });
      }
    } else if (isScalar(node)) {
      let v = node.value;
      // CloudFormation reads every scalar as text; a number keeps the digits written (012, 1e3, 464622532012).
      if (typeof v === 'number' && node.source !== undefined && !wrap) v = numberText(node.source, v);
      out(v === undefined ? null : v);
    } else out(null);
  }
  if (tooBig)
    errors.push({
      path,
      line: 1,
      message: `more than ${MAX_YAML_NODES} values: only the first ones are read`,
    });
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') continue; // reported above, with the value's path
    const line = lineAt(w.pos[0]);
    errors.push({ path, ...(line !== undefined ? { line } : {}), message: w.message.split('\n')[0]! });
  }
  if (root !== null && typeof root === 'object') origins.set(root, []);
  return {
    ok: true,
    template: {
      format: 'yaml',
      value: root,
      errors,
      originOf: (v) => origins.get(v),
      linesOf: (paths) => paths.map((p) => (p === undefined ? undefined : lineOfPath(lines, p))),
    },
  };
}

/** The line of a path, or of its nearest ancestor that has one. */
function lineOfPath(lines: Map<string, number>, p: JsonPath): number | undefined {
  for (let n = p.length; n >= 0; n--) {
    const l = lines.get(pathKey(p.slice(0, n)));
    if (l !== undefined) return l;
  }
  return undefined;
}

/**
 * Keeps a YAML number as a number only when it reads as the text written; else the text (`2.0`,
 * `1e3`, leading zeros, big ids: CloudFormation compares `2.0` with "2.0", never with "2").
 */
function numberText(source: string, v: number): number | string {
  const s = source.trim();
  return String(v) === s ? v : s;
}

/** True for a parsed value that is a CloudFormation template (content decides, not the name). */
export function isTemplate(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  if (v.AWSTemplateFormatVersion !== undefined && (isObject(v.Resources) || v.Resources === undefined))
    return true;
  if (!isObject(v.Resources)) return false;
  return Object.values(v.Resources).some(
    (r) => isObject(r) && typeof r.Type === 'string' && /^(AWS|Alexa)::\w+::\w+/.test(r.Type),
  );
}
