// Deterministic ordering and the summary of a report.
import type { Finding, Report } from '../core/types.js';
import { copyFinding, findingActionSet } from './finding-set.js';
import { kindRank, REMOVABLE_KINDS } from './kinds.js';

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

/**
 * `a.join(',')` compared with `b.join(',')` (code-unit order, as cmp), without making either:
 * sorting 97,827 findings joined most of their lists, some 35 MB of strings at once. Equal
 * entries at the same place are stepped over whole.
 */
export function cmpJoined(a: readonly string[], b: readonly string[]): number {
  const la = a.length;
  const lb = b.length;
  let ai = 0;
  let ap = 0;
  let bi = 0;
  let bp = 0;
  for (;;) {
    if (ap === 0 && bp === 0 && ai === bi && ai < la && ai < lb && a[ai] === b[bi]) {
      ap = a[ai]!.length;
      bp = ap;
    }
    // The next code unit of each joined string: an entry's, the comma after it, or -1 at the end.
    const x = ai < la ? a[ai]! : undefined;
    const y = bi < lb ? b[bi]! : undefined;
    const ca = x === undefined ? -1 : ap < x.length ? x.charCodeAt(ap) : ai + 1 < la ? 44 : -1;
    const cb = y === undefined ? -1 : bp < y.length ? y.charCodeAt(bp) : bi + 1 < lb ? 44 : -1;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca === -1) return 0;
    if (ap < x!.length) ap++;
    else {
      ai++;
      ap = 0;
    }
    if (bp < y!.length) bp++;
    else {
      bi++;
      bp = 0;
    }
  }
}

/** The list in code-unit order: itself when it already is (nothing changes a finding's lists). */
function sorted(list: string[]): string[] {
  for (let i = 1; i < list.length; i++) if (list[i - 1]! > list[i]!) return [...list].sort();
  return list;
}

/** Sorted by file, line, policy, kind, statement and actions: the same input gives the same bytes. */
export function sortFindings(findings: Finding[]): Finding[] {
  // A kept set's names are made once per finding, when a comparison gets that far (a NotAction
  // finding lists some 20,000 actions); other lists are compared as they are, never joined.
  const setNames = new Map<Finding, string[]>();
  const actionsOf = (f: Finding): string[] => {
    if (!findingActionSet(f)) return f.actions;
    let names = setNames.get(f);
    if (!names) setNames.set(f, (names = f.actions));
    return names;
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
        cmpJoined(actionsOf(a), actionsOf(b)) ||
        cmpJoined(a.resources, b.resources) ||
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

/**
 * For each policy with a suggestion, the actions an ignore rule keeps that its suggested minimal
 * policy still removes (the policy's ignored findings of the kinds a minimal policy changes),
 * sorted. `fix` and the review leave such a policy as written; the Markdown report says so.
 */
export function keptByIgnore(report: Report): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const ignored = report.findings.filter((f) => f.ignored && !f.removed && REMOVABLE_KINDS.has(f.kind));
  if (!ignored.length) return out;
  const byId = new Map(report.policies.map((p) => [p.id, p]));
  for (const s of report.suggestions) {
    const p = byId.get(s.policy);
    const actions = new Set<string>();
    for (const f of ignored)
      if (f.policy === s.policy || (p && f.path === p.path && f.address === p.address))
        for (const a of f.actions) actions.add(a);
    if (actions.size) out.set(s.policy, [...actions].sort());
  }
  return out;
}
