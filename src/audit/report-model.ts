// Deterministic ordering and the summary of a report.
import type { Finding, Report } from '../core/types.js';
import { copyFinding, findingActionSet } from './finding-set.js';
import { kindRank } from './kinds.js';

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

/** The list in code-unit order: itself when it already is (nothing changes a finding's lists). */
function sorted(list: string[]): string[] {
  for (let i = 1; i < list.length; i++) if (list[i - 1]! > list[i]!) return [...list].sort();
  return list;
}

/** Sorted by file, line, policy, kind, statement and actions: the same input gives the same bytes. */
export function sortFindings(findings: Finding[]): Finding[] {
  // The joined lists are made once per finding, when a comparison gets that far (a NotAction
  // finding lists some 20,000 actions).
  const joined = new Map<Finding, { actions: string; resources: string }>();
  const lists = (f: Finding) => {
    let j = joined.get(f);
    if (!j) joined.set(f, (j = { actions: f.actions.join(','), resources: f.resources.join(',') }));
    return j;
  };
  return findings
    .map((f) => {
      // A finding whose lists are in order already is itself (most are: findings are made with
      // sorted lists, and nothing changes them after this point); copied only where a list changes.
      // A kept set's names are sorted by construction, and not made here (finding-set.ts).
      const resources = sorted(f.resources);
      if (findingActionSet(f)) return resources === f.resources ? f : copyFinding(f, { resources });
      const actions = sorted(f.actions);
      return actions === f.actions && resources === f.resources ? f : { ...f, actions, resources };
    })
    .sort(
      (a, b) =>
        cmp(a.path, b.path) ||
        cmp(a.line ?? 0, b.line ?? 0) ||
        cmp(a.policy, b.policy) ||
        cmp(kindRank(a.kind), kindRank(b.kind)) ||
        cmp(a.statement, b.statement) ||
        cmp(a.set, b.set) ||
        cmp(String(a.removed ?? ''), String(b.removed ?? '')) ||
        cmp(String(a.new ?? ''), String(b.new ?? '')) ||
        cmp(lists(a).actions, lists(b).actions) ||
        cmp(lists(a).resources, lists(b).resources) ||
        cmp(a.message, b.message),
    );
}

/** Counts; ignored findings and removed permissions are not counted as findings. */
export function summarize(report: Report): Report['summary'] {
  const counted = report.findings.filter((f) => !f.ignored && !f.removed);
  const byKind: Report['summary']['byKind'] = {};
  const bySeverity: Report['summary']['bySeverity'] = {};
  for (const f of counted) {
    byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  }
  return {
    inputs: report.inputs.length,
    policies: report.policies.length,
    findings: counted.length,
    byKind,
    bySeverity,
  };
}
