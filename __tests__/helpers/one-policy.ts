// Shared by the engine's tests: a vendor baseline of one set, and one policy document audited
// against it through the Auditor (either engine path), with no files.
import { Auditor, preparePolicies, type AuditOutcome, type AuditPlan } from '../../src/audit/audit.js';
import type { Baseline, PolicyRecord } from '../../src/core/types.js';

/** The baseline `vendor` ("Vendor") with one set, `ongoing`, of these statements. */
export function oneSetBaseline(statements: Record<string, unknown>[]): Baseline {
  return {
    id: 'vendor',
    name: 'Vendor',
    date: '2026-01-01',
    defaultSets: ['ongoing'],
    sets: [{ name: 'ongoing', kind: 'ongoing', statements }],
  };
}

/**
 * Audits one identity policy, `p` (p.json, line 1), against `baseline` with `sets` (`ongoing`);
 * `record` adds to its record (a plan's `before`, say); `memo: false` takes the reference path.
 */
export function auditDocument(
  document: unknown,
  baseline: Baseline,
  options: { memo?: boolean; sets?: string[]; record?: Partial<PolicyRecord> } = {},
): AuditOutcome {
  const record: PolicyRecord = {
    id: 'p',
    path: 'p.json',
    kind: 'identity',
    status: 'resolved',
    document,
    line: 1,
    ...options.record,
  };
  const prepared = preparePolicies([
    { result: { path: 'p.json', kind: 'policy', status: 'audited', policies: [record], errors: [] } },
  ]);
  const plan: AuditPlan = {
    assignments: [{ target: 'p', baseline, sets: options.sets ?? ['ongoing'] }],
    notAudited: new Map(),
  };
  return new Auditor(undefined, undefined, { memo: options.memo }).run(prepared, new Map(), plan);
}

/** A policy document of these statements. */
export const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
