// Standalone IAM policy documents (`*.json`), including the wrappers the AWS CLI prints
// (`{"PolicyVersion":{"Document":…}}`, `{"Policy":…}`) and documents held as (URL-encoded) strings.
import type { PolicyRecord, SourceError } from '../core/types.js';
import { duplicateKeyMessage, duplicateKeys, unreadableDocument } from '../policy/document.js';
import { formatJsonPath, locateLines } from '../core/json-lines.js';
import { findPolicyDocument, heldDocument, policyKindOf } from '../policy/raw.js';
import type { SourceParser } from './parser.js';

export const policyJsonParser: SourceParser = {
  kind: 'policy',
  detect(json) {
    return findPolicyDocument(json) !== undefined;
  },
  parse(file, json) {
    const doc = findPolicyDocument(json);
    const record: PolicyRecord = {
      id: file.path,
      path: file.path,
      line: 1,
      // The kind from the statements themselves, also when the wrapper holds them as JSON text.
      kind: policyKindOf(heldDocument(json) ?? doc),
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
            json,
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
