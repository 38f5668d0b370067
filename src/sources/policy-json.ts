// Standalone IAM policy documents (`*.json`), including the wrappers the AWS CLI prints
// (`{"PolicyVersion":{"Document":…}}`, `{"Policy":…}`) and documents held as (URL-encoded) strings.
import type { PolicyKind, PolicyRecord, SourceError } from '../core/types.js';
import { duplicateKeyMessage, duplicateKeys, unreadableDocument } from '../policy/document.js';
import { formatJsonPath, locateLines } from '../core/json-lines.js';
import { isObject, type SourceParser } from './parser.js';

const WRAPPERS = ['PolicyVersion', 'Document', 'document', 'PolicyDocument', 'policyDocument'];

/** Unwraps to the object that holds `Statement`, following the common wrappers (not decoding strings). */
function findDocument(json: unknown): Record<string, unknown> | undefined {
  let v = json;
  for (let i = 0; i < 4; i++) {
    if (!isObject(v)) return undefined;
    if ('Statement' in v) return v;
    const obj: Record<string, unknown> = v;
    const key = WRAPPERS.find((k) => k in obj);
    if (!key) return undefined;
    v = obj[key];
    // A document held as a (URL-encoded) JSON string: only when it names statements, so that an
    // app config's `"document": "readme.md"` is not taken for a policy.
    if (typeof v === 'string') return /Statement|%22Statement/.test(v) ? { Statement: [] } : undefined;
  }
  return undefined;
}

/** identity unless the statements name principals: then a trust policy (sts:Assume*) or a resource policy. */
export function policyKindOf(doc: unknown): PolicyKind {
  const st = isObject(doc) ? doc.Statement : undefined;
  const list = Array.isArray(st) ? st : st ? [st] : [];
  const withPrincipal = list.filter((s) => isObject(s) && ('Principal' in s || 'NotPrincipal' in s));
  if (withPrincipal.length === 0) return 'identity';
  const assume = withPrincipal.every((s) => {
    const a = (s as Record<string, unknown>).Action;
    const acts = Array.isArray(a) ? a : [a];
    return (
      acts.length > 0 &&
      acts.every((x) => typeof x === 'string' && /^sts:(AssumeRole|TagSession|SetSourceIdentity|\*)/i.test(x))
    );
  });
  return assume && !list.some((s) => isObject(s) && 'Resource' in s) ? 'trust' : 'resource';
}

export const policyJsonParser: SourceParser = {
  kind: 'policy',
  detect(json) {
    return findDocument(json) !== undefined;
  },
  parse(file, json) {
    const doc = findDocument(json);
    const record: PolicyRecord = {
      id: file.path,
      path: file.path,
      line: 1,
      kind: policyKindOf(doc),
      name: file.path.replace(/^.*\//, '').replace(/\.json$/i, ''),
      document: json,
      status: 'resolved',
    };
    // Nested deeper than any policy can be: not handed on (nothing downstream walks a hostile depth).
    const deep = unreadableDocument(json);
    if (deep) {
      record.status = 'unresolved';
      delete record.document;
      record.reason = deep;
      return {
        path: file.path,
        kind: 'policy',
        status: 'error',
        reason: deep,
        policies: [record],
        errors: [{ path: file.path, line: 1, jsonPath: '$', message: deep }],
      };
    }
    // The same key twice in an object: flagged (JSON.parse silently keeps the last).
    const dups = duplicateKeys(file.text);
    const lines =
      dups.length > 0
        ? locateLines(
            file.text,
            dups.map((d) => d.path),
          )
        : [];
    const errors: SourceError[] = dups.map((d, i) => {
      const e: SourceError = {
        path: file.path,
        jsonPath: formatJsonPath(d.path),
        message: duplicateKeyMessage(d.key),
      };
      if (lines[i] !== undefined) e.line = lines[i];
      return e;
    });
    return { path: file.path, kind: 'policy', status: 'audited', policies: [record], errors };
  },
};
