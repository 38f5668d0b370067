// The analyzer's state: resources by address and name, record ids, lines to find and errors.
import type { PolicyRecord, PrincipalRecord, SourceError } from '../../core/types.js';
import { formatJsonPath, type JsonPath } from '../../core/json-lines.js';
import { flatString } from '../../core/memory.js';
import { isObject } from '../parser.js';
import { crossModuleKey, type TfResource, type TfInput, type PendingError } from './model.js';
import { type Ref, parseReference, refsInValue, withoutPrefixes } from './references.js';
import { get, markedAt } from './values.js';

/** What decoding a policy value gave. */
export interface DocResult {
  document?: unknown;
  reason?: string;
  approximate?: string[];
  statementPaths?: (JsonPath | undefined)[];
  /** ReadJsonTemplate's `kept`: the index in the written text of each statement read. */
  statementIndexes?: number[];
  /** The value is malformed (a SourceError too). */
  malformed?: boolean;
  /** Problems in a document that is still read (each a SourceError at the value). */
  problems?: string[];
}

export interface Attr {
  value: unknown;
  state: 'known' | 'unknown' | 'absent';
  path: JsonPath | undefined;
  refs: Ref[];
  sensitive: boolean;
  /** Plans with a configuration: whether the configuration sets this attribute. */
  configured?: boolean;
}

export interface PrincipalEntry {
  record: PrincipalRecord;
  res?: TfResource;
  pathForLine?: JsonPath;
}

export class AnalyzerBase {
  readonly path: string;
  readonly policies: PolicyRecord[] = [];
  readonly errors: SourceError[] = [];
  protected readonly linePaths: JsonPath[] = [];
  protected readonly lineSetters: ((line: number | undefined) => void)[] = [];
  /** Run after the lines are known. */
  protected readonly post: (() => void)[] = [];
  /** Managed resources by `type\u0000name attribute`, for matching by name. */
  protected readonly byTypeName = new Map<string, TfResource[]>();
  protected readonly byBase = new Map<string, TfResource[]>();
  /** Record ids per resource address (and per attribute), to link principals. */
  protected readonly recordsOf = new Map<string, PolicyRecord[]>();
  /** data.aws_iam_policy_document addresses some policy used. */
  protected readonly consumed = new Set<string>();
  protected readonly managed = new Map<string, PolicyRecord>();
  protected readonly principals = new Map<string, PrincipalEntry>();
  /** Policy record ids given so far (unique in an input). */
  protected readonly ids = new Set<string>();

  constructor(protected readonly input: TfInput) {
    this.path = input.file.path;
    for (const r of input.resources) {
      const base = baseOf(r);
      const l = this.byBase.get(base);
      if (l) l.push(r);
      else this.byBase.set(base, [r]);
      const n = r.values?.name ?? r.before?.name;
      if (r.mode === 'managed' && typeof n === 'string') {
        const k = `${r.type}\u0000${n}`;
        const m = this.byTypeName.get(k);
        if (m) m.push(r);
        else this.byTypeName.set(k, [r]);
      }
    }
  }

  /**
   * `id`, or `id#2`, `id#3`... when it is taken (with an error at `at` saying why). One flat string
   * (held by the record, its assignment and its findings to the end: see flatString).
   */
  protected uniqueId(id: string, at: JsonPath | undefined, address: string, message: string): string {
    let out = id;
    if (this.ids.has(out)) {
      let n = 2;
      while (this.ids.has(`${id}#${n}`)) n++;
      out = `${id}#${n}`;
      this.error({ jsonPath: at, address, message });
    }
    out = flatString(out);
    this.ids.add(out);
    return out;
  }

  protected named(type: string, name: string): TfResource[] {
    return this.byTypeName.get(`${type}\u0000${name}`) ?? [];
  }

  /** Lines of statements, filled after the batch (statements without a place of their own get the policy's line). */
  protected statementLinesFor(rec: PolicyRecord, paths: (JsonPath | undefined)[] | undefined): void {
    if (!paths || !paths.some((p) => p !== undefined)) return;
    const lines: number[] = paths.map(() => 0);
    paths.forEach((p, i) => {
      if (p) this.atLine(p, (l) => (lines[i] = l ?? 0));
    });
    this.post.push(() => {
      rec.statementLines = lines.map((l) => (l ? l : (rec.line ?? 0)));
    });
  }

  protected atLine(p: JsonPath | undefined, set: (line: number | undefined) => void): void {
    if (!p) return;
    this.linePaths.push(p);
    this.lineSetters.push(set);
  }

  error(e: PendingError): void {
    const err: SourceError = { path: this.path, message: e.message };
    if (e.address) err.address = e.address;
    if (e.jsonPath) {
      err.jsonPath = formatJsonPath(e.jsonPath);
      this.atLine(e.jsonPath, (l) => {
        if (l !== undefined) err.line = l;
      });
    }
    this.errors.push(err);
  }

  // ---- reading attributes

  protected attr(
    res: TfResource,
    segs: JsonPath,
    side: 'after' | 'before' = 'after',
    exprSegs?: JsonPath,
  ): Attr {
    const obj = side === 'after' ? res.values : res.before;
    const base = side === 'after' ? res.valuesPath : res.beforePath;
    const value = obj ? get(obj, segs) : undefined;
    const sensitive = markedAt(side === 'after' ? res.sensitive : res.beforeSensitive, segs);
    const refs: Ref[] = [];
    let configured: boolean | undefined;
    if (this.input.templates) refsInValue(value, refs);
    else if (side === 'after' && res.expressions) {
      const expr = get(res.expressions, exprSegs ?? segs);
      configured = expr !== undefined;
      if (isObject(expr) && Array.isArray(expr.references)) {
        const listed: Ref[] = [];
        for (const t of expr.references)
          if (typeof t === 'string') {
            const r = parseReference(t);
            if (r) listed.push(r);
          }
        refs.push(...withoutPrefixes(listed));
      }
    } else if (side === 'after' && this.input.hasConfiguration) configured = false;
    const present = value !== undefined && value !== null;
    const unknown = side === 'after' && !present && markedAt(res.unknown, segs);
    return {
      value,
      state: present ? 'known' : unknown ? 'unknown' : 'absent',
      path: base && (present ? [...base, ...segs] : base),
      refs,
      sensitive,
      configured,
    };
  }

  /**
   * The base a reference names, as its module's address (`module.role.data.aws_iam_policy_document.x`):
   * in the referring resource's module, or, for a `.tf` module's reference to another module's
   * resource (a module argument or output, written under an alias), the one the alias stands for
   * (TfInput.crossModule).
   */
  protected absoluteBase(base: string, from: TfResource): string {
    const full = from.module ? `${from.module}.${base}` : base;
    if (this.byBase.has(full) || !this.input.crossModule) return full;
    return this.input.crossModule.get(crossModuleKey(from.module, base)) ?? full;
  }

  /**
   * The resources a reference names, seen from `from` (same module): the instance its literal key
   * names (`aws_iam_role.r["a"]`, none when the input does not hold it); without one, the
   * instance with `from`'s own index when there is one (`aws_iam_role.r[count.index]`), else all.
   */
  protected resolve(ref: Ref, from: TfResource, sameIndex = true): TfResource[] {
    const found = this.byBase.get(this.absoluteBase(ref.base, from)) ?? [];
    if (ref.index !== undefined && found.some((r) => r.index !== undefined))
      return found.filter((r) => r.index === ref.index);
    if (sameIndex && from.index !== undefined && found.length > 1) {
      const same = found.filter((r) => r.index === from.index);
      if (same.length > 0) return same;
    }
    return found;
  }
}

export function absentAttr(): Attr {
  return { value: undefined, state: 'absent', path: undefined, refs: [], sensitive: false };
}

export function baseOf(r: TfResource): string {
  const local = `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
  return r.module ? `${r.module}.${local}` : local;
}
