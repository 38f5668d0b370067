// Whom a resource policy held to a vendor's baseline grants to, where the baseline names it: a
// bucket policy's statements that Databricks documents grant to Databricks' account, and the same
// actions granted to `"Principal": "*"` open the bucket to every AWS account and to anonymous
// callers. The actions and resources of such a statement are within the baseline, so nothing else
// tells (a review: four such bucket policies, one public, audited clean).
//
// `broader-principal`, per Allow statement of the policy's judged statements (grantees.ts) that
// grants some action the resource can grant, when an active set of the baseline for resource
// policies names a Principal, in a policy that grants the vendor too (or is held to the baseline's
// sets by name):
// - to anyone: `"Principal": "*"`, `{"AWS": "*"}` or `NotPrincipal`: critical;
// - the same under a condition on who calls or from where (`aws:PrincipalOrgID`, `aws:SourceVpce`,
//   `aws:SourceArn`...; not `aws:SecureTransport`), beside a Deny of the policy for every principal
//   but some or under such a condition, or in a policy read with values not known as wildcards
//   (its principal may be one): low and approximate, not compared with the vendor's principal.
// What an unconditional Deny for everyone (`"Principal": "*"`, `{"AWS": "*"}`) denies on every
// resource of the statement is granted to no one: not reported (a review: a public GetObject
// denied to everyone was critical).
// A statement that names other principals (another account, a role, a service) is not held to
// the vendor's baseline at all (grantees.ts), so it is not reported here. Pure: no I/O.
import type { Baseline, Finding, PolicyRecord } from '../core/types.js';
import { statementLabel, type PolicyDocument, type Statement } from '../policy/document.js';
import { statementFinding } from './statement-finding.js';

export interface OpenPrincipalInput {
  /** The unit's members: each policy as read, with the statements judged against the baseline. */
  members: readonly { record: PolicyRecord; doc: PolicyDocument; whole?: PolicyDocument }[];
  baseline: Baseline;
  activeSets: readonly string[];
  /** A statement's concrete actions (canonical names, sorted) that the policy's resource can grant. */
  actionsOf(stmt: Statement): string[];
  /** The baseline's sets were named for the policy (`databricks:root-bucket`). */
  explicitSets?: boolean;
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

/**
 * Condition keys that narrow who may call, or from where: a statement for `*` under one of them is
 * not open to anyone (a VPC endpoint's bucket, an organisation's, a service's for a source ARN).
 * Others (aws:SecureTransport, aws:Referer, which anyone sets) narrow nothing of whom.
 */
const CALLER_KEYS = new Set([
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalservicename',
  'aws:principaltype',
  'aws:userid',
  'aws:username',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:sourceowner',
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:vpcsourceip',
  'aws:calledvia',
  'aws:calledviafirst',
  'aws:calledvialast',
  'kms:calleraccount',
  's3:accesspointnetworkorigin',
  's3:datanetworkorigin',
]);

/** The values of a condition entry, as strings. */
function valuesOf(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * The condition keys of an Allow that narrow who may call (CALLER_KEYS), as written: under an
 * operator that requires the key's value (not a negated, `IfExists`, `ForAllValues` or `Null` one,
 * which an anonymous caller, who has no VPC endpoint or organisation, meets), with values that
 * narrow (not `*`, `0.0.0.0/0`, an account of `*`). (A third review: `StringNotEquals
 * aws:SourceVpce` and `IpAddress 0.0.0.0/0` made a public bucket low.) For a Deny, the negated
 * operators are the ones that keep out all but some: `StringNotEquals aws:PrincipalAccount`.
 */
function callerKeys(s: Statement): string[] {
  const keys = new Set<string>();
  const deny = s.effect === 'Deny';
  for (const [op, block] of Object.entries(s.condition ?? {})) {
    if (!block || typeof block !== 'object') continue;
    const bare = op.replace(/^For(?:Any|All)Values:/i, '');
    const negated = /Not/.test(bare) && !/^Null$/i.test(bare);
    if (/^Null$/i.test(bare) || /IfExists$/i.test(bare) || /^ForAllValues:/i.test(op)) continue;
    if (negated !== deny) continue;
    for (const [k, v] of Object.entries(block as Record<string, unknown>)) {
      if (!CALLER_KEYS.has(k.toLowerCase())) continue;
      const values = valuesOf(v);
      const like = /Like|^Arn/i.test(bare);
      const wide = values.some(
        (x) =>
          /^(?:0\.0\.0\.0|::)\/0$/.test(x.trim()) ||
          (like &&
            (/^[*?]+$/.test(x.trim()) || (x.split(':').length >= 6 && x.split(':')[4]!.includes('*')))),
      );
      if (!wide) keys.add(k);
    }
  }
  return [...keys];
}

/** An Allow for `*` kept to the vendor's accounts by aws:PrincipalAccount: the vendor's statement. */
function keptToVendor(s: Statement, accounts: readonly string[]): boolean {
  if (!accounts.length) return false;
  for (const [op, block] of Object.entries(s.condition ?? {})) {
    if (!/^(?:ForAnyValue:)?StringEquals$/i.test(op) || !block || typeof block !== 'object') continue;
    for (const [k, v] of Object.entries(block as Record<string, unknown>))
      if (k.toLowerCase() === 'aws:principalaccount' && valuesOf(v).every((x) => accounts.includes(x.trim())))
        return true;
  }
  return false;
}

/**
 * Whether a Deny covers an Allow's grant: its actions (on its resources) hold every action the
 * Allow opens, and its resources every one of the Allow's (onEvery).
 */
function covers(
  deny: Statement,
  allow: Statement,
  allowActions: readonly string[],
  denied: readonly string[],
): boolean {
  const has = new Set(denied);
  if (!allowActions.every((a) => has.has(a))) return false;
  return onEvery(deny, allow);
}

/** Whether a Deny's resources hold every one of an Allow's (`*`, the same, or a prefix and `*`). */
function onEvery(deny: Statement, allow: Statement): boolean {
  const on = deny.resources;
  if (!on) return false;
  return (allow.resources ?? ['*']).every((r) =>
    on.some((d) => d === '*' || d === r || (d.endsWith('*') && r.startsWith(d.slice(0, -1)))),
  );
}

function possessive(name: string): string {
  return name.endsWith('s') ? `${name}'` : `${name}'s`;
}

/** A note of the policy's reading that says a value not known was read as a wildcard. */
const READ_AS_WILDCARD = /read as (?:wildcards|`\*`|unknown)|not known here/;

/** The severity order of these findings. */
const RANK: Record<string, number> = { low: 0, high: 1, critical: 2 };

/**
 * Whether a statement names the vendor's principal: one of the baseline's detection accounts, or
 * a documented principal as written.
 */
function namesVendor(s: Statement, accounts: readonly string[], documented: readonly string[]): boolean {
  if (s.principal === undefined || s.principal === '*') return false;
  const text = JSON.stringify(s.principal);
  return accounts.some((a) => text.includes(a)) || documented.some((d) => text.includes(d));
}

/** The findings of the unit (see the top of this file); none when the baseline names no principal. */
export function openPrincipalFindings(input: OpenPrincipalInput): Finding[] {
  const { baseline, activeSets } = input;
  const documented = documentedPrincipals(baseline, activeSets);
  if (!documented.length) return [];
  const accounts = baseline.detect?.accounts ?? [];
  // (its accounts, where the documented principal is written with placeholders: `${aws_partition}`)
  const list = (xs: readonly string[]) =>
    xs.length <= 2 ? xs.join(' and ') : `${xs.slice(0, 2).join(', ')} and ${xs.length - 2} more`;
  const named =
    accounts.length && documented.some((d) => /\$\{|[<{]/.test(d))
      ? `its account${accounts.length === 1 ? '' : 's'} ${list(accounts)}`
      : list(documented);
  const out: Finding[] = [];
  for (const { record, doc, whole } of input.members) {
    const all = (whole ?? doc).statements;
    // Whose policy it is: one that grants the vendor (its account or documented principal), or
    // one held to the baseline's sets by name. A website bucket's public policy, in a repository
    // audited with --baseline databricks, is not the root bucket's (a review).
    if (!input.explicitSets && !all.some((s) => s.effect === 'Allow' && namesVendor(s, accounts, documented)))
      continue;
    // A Deny of the policy that may keep the statement to the vendor: for every principal but some
    // (NotPrincipal), or for `*` under a condition on the caller (not the TLS-only Deny).
    const denies = all.filter(
      (s) =>
        s.effect === 'Deny' && (s.notPrincipal !== undefined || (toAnyone(s) && callerKeys(s).length > 0)),
    );
    const deniedBy = new Map(denies.map((d) => [d, input.actionsOf(d)]));
    // A Deny of the policy for everyone (`"Principal": "*"`, `{"AWS": "*"}`), under no condition: what
    // it denies on every resource of a statement, the statement grants no one.
    const forEveryone = all
      .filter(
        (s) =>
          s.effect === 'Deny' &&
          s.notPrincipal === undefined &&
          toAnyone(s) &&
          Object.keys(s.condition ?? {}).length === 0,
      )
      .map((s) => ({ stmt: s, actions: input.actionsOf(s) }));
    // (the `*` may be a value read as one: a principal passed as a variable)
    const maybeRead = (record.approximate ?? []).some((n) => READ_AS_WILDCARD.test(n));
    for (const stmt of doc.statements) {
      if (stmt.effect !== 'Allow') continue;
      const not = stmt.notPrincipal !== undefined;
      if (!not && !toAnyone(stmt)) continue;
      const deniedToAll = new Set(forEveryone.filter((d) => onEvery(d.stmt, stmt)).flatMap((d) => d.actions));
      const actions = input.actionsOf(stmt).filter((a) => !deniedToAll.has(a));
      if (!actions.length) continue;
      if (!not && keptToVendor(stmt, accounts)) continue;
      const keys = callerKeys(stmt);
      const covering = denies.filter((d) => covers(d, stmt, actions, deniedBy.get(d)!));
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
      } else if (covering.length) {
        severity = 'low';
        notes.push(
          `the policy's Deny ${covering.map(statementLabel).join(', ')} may keep it to ${possessive(baseline.name)} principal: not compared`,
        );
      } else if (maybeRead && !not) {
        severity = 'low';
        message = `grants ${whom}, as read: the policy has values not known here read as wildcards, which its principal may be; ${baseline.name} documents only ${named}`;
        notes.push('a principal not known here may be read as `*`');
      }
      out.push(
        statementFinding(
          record,
          stmt,
          { kind: 'broader-principal', severity, actions, resources: ['*'], baseline: baseline.id, message },
          notes,
        ),
      );
    }
  }
  return out;
}

/**
 * Whether a finding opens more than the base's findings did: an action it grants to anyone that
 * the base granted to no one, or under a narrower reading (a lower severity: a condition, a Deny).
 * Not by the statement's label, which moves when a statement is inserted before it (a review).
 */
export function opensMore(found: Finding, had: readonly Finding[]): boolean {
  const best = new Map<string, number>();
  for (const h of had)
    for (const a of h.actions) best.set(a, Math.max(best.get(a) ?? -1, RANK[h.severity] ?? 0));
  const rank = RANK[found.severity] ?? 0;
  return found.actions.some((a) => (best.get(a) ?? -1) < rank);
}
