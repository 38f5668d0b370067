// A finding about one statement of a policy, made whole (not from atoms): where it is (the
// statement's file and line, the policy's address), and the policy's reading notes after its own.
// Trust findings (trust.ts) and principal findings (open-principals.ts) are made so. Pure.
import type { Finding, PolicyRecord } from '../core/types.js';
import { statementLabel, type Statement } from '../policy/document.js';

export function statementFinding(
  record: PolicyRecord,
  stmt: Statement,
  what: Pick<Finding, 'kind' | 'severity' | 'actions' | 'resources' | 'baseline' | 'message'>,
  /** Its own approximate notes, before the policy's (a document read with values not known). */
  notes: readonly string[] = [],
): Finding {
  const f: Finding = {
    kind: what.kind,
    severity: what.severity,
    policy: record.id,
    statement: statementLabel(stmt),
    actions: what.actions,
    resources: what.resources,
    baseline: what.baseline,
    path: record.statementFiles?.[stmt.index] || record.path,
    message: what.message,
  };
  const line = record.statementLines?.[stmt.index] || record.line;
  if (line !== undefined) f.line = line;
  if (record.address) f.address = record.address;
  const all = [...notes, ...(record.approximate ?? [])];
  if (all.length) f.approximate = all.join('; ');
  return f;
}
