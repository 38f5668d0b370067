// Whom a resource policy held to a vendor's baseline grants to, where the baseline names it: a
// bucket policy's statements that Databricks documents grant to Databricks' account, and the same
// actions granted to `"Principal": "*"` open the bucket to every AWS account and to anonymous
// callers. The actions and resources of such a statement are within the baseline, so nothing else
// tells (a review: four such bucket policies, one public, audited clean).
//
// `broader-principal`, per Allow statement of the policy's judged statements (grantees.ts) that
// grants some action the resource can grant, when an active set of the baseline for resource
// policies names a Principal:
// - to anyone: `"Principal": "*"`, `{"AWS": "*"}` or `NotPrincipal`: critical (high and approximate
//   in a policy read with values not known here, as a trust policy's `*` is);
// - the same under a condition (on the caller, the network, the source: `aws:PrincipalOrgID`,
//   `aws:SourceVpce`...), or beside a Deny of the policy for any principal: low and approximate,
//   the condition or Deny not compared with the vendor's principal.
// A statement that names other principals (another account, a role, a service) is not held to
// the vendor's baseline at all (grantees.ts), so it is not reported here. Pure: no I/O.
import type { Baseline, Finding, PolicyRecord } from '../core/types.js';
import { statementLabel, type PolicyDocument, type Statement } from '../policy/document.js';

export interface OpenPrincipalInput {
  /** The unit's members: each policy as read, with the statements judged against the baseline. */
  members: readonly { record: PolicyRecord; doc: PolicyDocument; whole?: PolicyDocument }[];
  baseline: Baseline;
  activeSets: readonly string[];
  /** A statement's concrete actions (canonical names, sorted) that the policy's resource can grant. */
  actionsOf(stmt: Statement): string[];
}

/** The principals the active sets' statements name (as written), or none. */
function documentedPrincipals(baseline: Baseline, activeSets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const set of baseline.sets) {
    if (!activeSets.includes(set.name)) continue;
    if (set.policyKinds && !set.policyKinds.includes('resource')) continue;
    for (const s of set.statements) {
      const p = (s as { Principal?: unknown }).Principal;
      if (p === undefined) continue;
      const values =
        typeof p === 'string'
          ? [p]
          : p && typeof p === 'object'
            ? Object.values(p as Record<string, unknown>).flatMap((v) => (Array.isArray(v) ? v : [v]))
            : [];
      for (const v of values) if (typeof v === 'string') out.add(v);
    }
  }
  return [...out].sort();
}

/** Whether a statement's Principal names anyone: `*`, or `*` among its AWS principals. */
function toAnyone(s: Statement): boolean {
  const p = s.principal;
  if (p === '*') return true;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return false;
  const aws = (p as Record<string, unknown>).AWS;
  return (Array.isArray(aws) ? aws : [aws]).some((v) => typeof v === 'string' && v.trim() === '*');
}

/** The condition keys of a statement, as written. */
function conditionKeys(s: Statement): string[] {
  const keys = new Set<string>();
  for (const block of Object.values(s.condition ?? {}))
    if (block && typeof block === 'object') for (const k of Object.keys(block)) keys.add(k);
  return [...keys];
}

function possessive(name: string): string {
  return name.endsWith('s') ? `${name}'` : `${name}'s`;
}

/** The findings of the unit (see the top of this file); none when the baseline names no principal. */
export function openPrincipalFindings(input: OpenPrincipalInput): Finding[] {
  const { baseline, activeSets } = input;
  const documented = documentedPrincipals(baseline, activeSets);
  if (!documented.length) return [];
  const named =
    documented.length <= 2
      ? documented.join(' and ')
      : `${documented.slice(0, 2).join(', ')} and ${documented.length - 2} more`;
  const out: Finding[] = [];
  for (const { record, doc, whole } of input.members) {
    // A Deny of the policy for any principal may keep the statement to the vendor: not compared.
    const denies = (whole ?? doc).statements.filter(
      (s) => s.effect === 'Deny' && (s.notPrincipal !== undefined || toAnyone(s)),
    );
    for (const stmt of doc.statements) {
      if (stmt.effect !== 'Allow') continue;
      const not = stmt.notPrincipal !== undefined;
      if (!not && !toAnyone(stmt)) continue;
      const actions = input.actionsOf(stmt);
      if (!actions.length) continue;
      const keys = conditionKeys(stmt);
      const whom = not
        ? 'every principal but the ones its NotPrincipal names, anonymous callers included'
        : 'any AWS account and anonymous callers ("Principal": "*")';
      const notes: string[] = [];
      let severity: Finding['severity'] = 'critical';
      let message = `grants ${whom}; ${baseline.name} documents only ${named}`;
      if (keys.length) {
        severity = 'low';
        message = `grants ${whom} where its condition on ${keys.join(', ')} holds; ${baseline.name} documents only ${named}`;
        notes.push(
          `the condition (${keys.join(', ')}) is not compared with ${possessive(baseline.name)} principal`,
        );
      } else if (denies.length) {
        severity = 'low';
        notes.push(
          `the policy's Deny ${denies.map(statementLabel).join(', ')} may keep it to ${possessive(baseline.name)} principal: not compared`,
        );
      } else if (record.approximate?.length) {
        severity = 'high';
        message = `grants ${whom}, as read (the policy has values not known here, read as wildcards); ${baseline.name} documents only ${named}`;
      }
      const f: Finding = {
        kind: 'broader-principal',
        severity,
        policy: record.id,
        statement: statementLabel(stmt),
        actions,
        resources: ['*'],
        baseline: baseline.id,
        path: record.statementFiles?.[stmt.index] || record.path,
        message,
      };
      const line = record.statementLines?.[stmt.index] || record.line;
      if (line !== undefined) f.line = line;
      if (record.address) f.address = record.address;
      const all = [...notes, ...(record.approximate ?? [])];
      if (all.length) f.approximate = all.join('; ');
      out.push(f);
    }
  }
  return out;
}
