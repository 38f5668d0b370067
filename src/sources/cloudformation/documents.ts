// One policy document of a template: evaluated, its unknown parts read as `*` (noted), its statements' lines kept.
import type { GrantScope, PolicyKind, PolicyRecord } from '../../core/types.js';
import { formatJsonPath, type JsonPath } from '../../core/json-lines.js';
import { isObject } from '../parser.js';
import { MAX_DOCUMENT_CHARS, textSize } from '../../policy/document.js';
import { MAX_EVAL_DEPTH, NO_VALUE, asUnknown, clipText, describe } from './intrinsics.js';
import { statementsOf } from '../../policy/raw.js';
import { MAX_NOTES } from './types.js';
import { AnalyzerBase } from './analyzer-base.js';

export class DocumentAnalyzer extends AnalyzerBase {
  /** One policy document: evaluated, its unknown parts read as `*` (noted), its statements' lines kept. */
  docRecord(o: {
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
  }): PolicyRecord | undefined {
    this.ev.begin();
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
      rec.reason = clipText(reason);
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
    const statementPaths = list.map((s) =>
      o.statementsAt ? o.statementsAt : typeof s === 'object' && s !== null ? this.where(s) : undefined,
    );
    rec.document = this.finalize(doc);
    rec.status = 'resolved';
    const notes = [...this.ev.approximations];
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

  /** Unknown values left in a document read as `*`, with their reasons noted (deeper than any policy: left as is). */
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

  protected text(raw: unknown): string | undefined {
    if (raw === undefined) return undefined;
    this.ev.begin();
    const v = this.ev.eval(raw);
    return v === NO_VALUE ? undefined : this.ev.str(v);
  }
}
