// A role's trust policy compared with the trust its vendor documents (a baseline's `trust`): who
// may assume the role, and under which condition. Vendors that assume a role in your account
// (Datadog, Databricks, Lightly...) document one principal, their own account or role, and an
// external ID (`sts:ExternalId`) that stops another customer of theirs from having them act in your
// account (the confused deputy). A pasted trust policy loses the condition, or gains `"AWS": "*"`,
// and nothing else tells: the permission policies are audited, the door to them is not.
//
// Findings, per Allow statement that lets a principal take a role session (sts:AssumeRole...):
// - `broader-trust`: a principal the vendor does not name: any AWS account (`*`, NotPrincipal;
//   critical), one restricted only by a condition on the caller (not compared: approximate), an
//   account, role, service or identity provider beside the vendor's (medium). The role's own
//   account is not reported: it is yours.
// - `missing-condition`: the vendor's principal without the condition the vendor documents (high).
// Pure: no I/O.
import type { Baseline, BaselineTrust, Finding, PolicyRecord } from '../core/types.js';
import { statementLabel, type Condition, type PolicyDocument, type Statement } from '../policy/document.js';
import type { Catalog } from '../policy/catalog.js';
import { ACCOUNT_PLACEHOLDER } from '../policy/arn.js';

/** The STS actions that start or add to a role session: what a trust policy allows. */
const SESSION_ACTIONS =
  /^sts:(AssumeRole|AssumeRoleWithSAML|AssumeRoleWithWebIdentity|TagSession|SetSourceIdentity|SetContext)$/i;

/** Condition keys that narrow who the caller is: `"AWS": "*"` with one of them is not open to all. */
const CALLER_KEYS = new Set([
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:userid',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
]);

/** An AWS principal as written: any account, an account (its root or one of its roles or users), or not known. */
type AwsPrincipal =
  | { kind: 'any'; text: string }
  | { kind: 'account'; text: string; account: string; root: boolean }
  | { kind: 'unknown'; text: string };

function readAws(value: string): AwsPrincipal {
  const text = value.trim();
  if (text === '*') return { kind: 'any', text };
  if (/^\d{12}$/.test(text)) return { kind: 'account', text, account: text, root: true };
  const m = /^arn:[^:]+:(?:iam|sts)::([^:]*):(.+)$/.exec(text);
  if (!m) return { kind: 'unknown', text };
  const account = m[1]!;
  // (IAM refuses a wildcard in a principal's ARN: `arn:aws:iam::*:root` is a value a reader did not
  // know, read as a wildcard, never "any account")
  if (account === ACCOUNT_PLACEHOLDER || /^\d{12}$/.test(account))
    return { kind: 'account', text, account, root: m[2] === 'root' };
  return { kind: 'unknown', text };
}

function strings(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string');
}

/** The principals of a statement by type (`"*"` as AWS `*`). */
function principalsOf(p: unknown): { aws: string[]; service: string[]; federated: string[] } {
  if (p === '*') return { aws: ['*'], service: [], federated: [] };
  if (!p || typeof p !== 'object') return { aws: [], service: [], federated: [] };
  const o = p as Record<string, unknown>;
  return { aws: strings(o.AWS), service: strings(o.Service), federated: strings(o.Federated) };
}

/** A baseline's documented trust, read once: its accounts (root: any principal of it) and exact principals. */
interface Documented {
  accounts: Set<string>;
  exact: Set<string>;
  services: Set<string>;
}

function documented(trust: BaselineTrust): Documented {
  const d: Documented = { accounts: new Set(), exact: new Set(), services: new Set() };
  for (const text of trust.principals) {
    if (/\.amazonaws\.com(\.cn)?$/i.test(text.trim())) {
      d.services.add(text.trim().toLowerCase());
      continue;
    }
    const p = readAws(text);
    if (p.kind === 'account' && p.root) d.accounts.add(p.account);
    else d.exact.add(text.trim());
  }
  return d;
}

/** The vendor's accounts (every account a documented AWS principal is in). */
export function trustAccounts(trust: BaselineTrust): string[] {
  const out = new Set<string>();
  for (const text of trust.principals) {
    const p = readAws(text);
    if (p.kind === 'account' && p.account !== ACCOUNT_PLACEHOLDER) out.add(p.account);
  }
  return [...out].sort();
}

/** The role-session actions a statement allows (canonical names, sorted). */
function sessionActions(stmt: Statement, catalog: Catalog): string[] {
  const out = new Set<string>();
  if (stmt.actions) {
    for (const p of stmt.actions)
      for (const a of catalog.expand(p)) if (SESSION_ACTIONS.test(a.full)) out.add(a.full);
  } else if (stmt.notActions) {
    const named = new Set<string>();
    for (const p of stmt.notActions) for (const a of catalog.expand(p)) named.add(a.key);
    for (const a of catalog.expand('sts:*'))
      if (SESSION_ACTIONS.test(a.full) && !named.has(a.key)) out.add(a.full);
  }
  return [...out].sort();
}

/** Whether the statement lets any principal of the vendor's assume the role (the policy is the vendor's to audit). */
function namesVendor(stmt: Statement, d: Documented): boolean {
  const { aws, service } = principalsOf(stmt.principal);
  return (
    aws.some((v) => {
      const p = readAws(v);
      return (p.kind === 'account' && d.accounts.has(p.account)) || d.exact.has(v.trim());
    }) || service.some((s) => d.services.has(s.trim().toLowerCase()))
  );
}

/** Whether the statement lets any AWS account assume the role (`*`, or NotPrincipal in an Allow). */
function opensToAll(stmt: Statement): boolean {
  return (
    stmt.notPrincipal !== undefined || principalsOf(stmt.principal).aws.some((v) => readAws(v).kind === 'any')
  );
}

/**
 * Whether a trust policy is one to hold to the vendor's documented trust: an Allow of a role session
 * to one of the vendor's principals, or to any AWS account (which, on the vendor's role, is the worst
 * of all). A trust policy of another role (an instance role, your own account's) is not.
 */
export function trustApplies(doc: PolicyDocument, trust: BaselineTrust, catalog: Catalog): boolean {
  const d = documented(trust);
  return doc.statements.some(
    (s) =>
      s.effect === 'Allow' && sessionActions(s, catalog).length > 0 && (namesVendor(s, d) || opensToAll(s)),
  );
}

/** Operators that require a key's value (negated and IfExists ones do not). */
function requiring(op: string): string | undefined {
  const bare = op.replace(/^(ForAnyValue|ForAllValues):/i, '');
  if (/IfExists$/i.test(bare) || /Not/.test(bare) || /^Null$/i.test(bare)) return undefined;
  return bare.toLowerCase();
}

const PLACEHOLDER = /\$\{[^}]*\}|<[^>]*>|\{[A-Za-z_][\w-]*\}/;

/**
 * What is missing of the vendor's documented condition in a statement's: the documented
 * (operator, key) pairs it does not require, each as `Operator key`. A documented value that is a
 * placeholder is met by any value but `*`; a literal one must be among the statement's values.
 */
function missingCondition(stmt: Statement, want: Condition): string[] {
  const missing: string[] = [];
  const have = stmt.condition ?? {};
  for (const [op, keys] of Object.entries(want)) {
    const wantOp = requiring(op) ?? op.toLowerCase();
    for (const [key, values] of Object.entries(keys)) {
      const ok = Object.entries(have).some(([hop, hkeys]) => {
        const h = requiring(hop);
        // (StringLike with a value without wildcards is StringEquals)
        if (h !== wantOp && !(h === 'stringlike' && wantOp === 'stringequals')) return false;
        return Object.entries(hkeys).some(([hkey, hvalues]) => {
          if (hkey.toLowerCase() !== key.toLowerCase()) return false;
          const given = hvalues.filter((v) => v !== '');
          if (given.length === 0) return false;
          if (h === 'stringlike' && given.some((v) => /[*?]/.test(v))) return false;
          const literal = values.filter((v) => !PLACEHOLDER.test(v));
          return literal.length === 0 || literal.some((v) => given.includes(v));
        });
      });
      if (!ok) missing.push(conditionText(op, key, values));
    }
  }
  return missing;
}

/** The vendor's principals in a few words: `its account 464622532012`, `its accounts 1, 2 and 3 more`. */
function documentedText(trust: BaselineTrust): string {
  const accounts: string[] = [];
  const others: string[] = [];
  for (const text of trust.principals) {
    const p = readAws(text);
    if (p.kind === 'account' && p.root) accounts.push(p.account);
    else others.push(text.trim());
  }
  const list = (xs: string[]) =>
    xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 2).join(', ')} and ${xs.length - 2} more`;
  const parts: string[] = [];
  if (accounts.length) parts.push(`its account${accounts.length === 1 ? '' : 's'} ${list(accounts)}`);
  if (others.length) parts.push(list(others));
  return parts.join(' and ');
}

/** A documented condition as said: `StringEquals sts:ExternalId` (with its value where it is not yours to choose). */
function conditionText(op: string, key: string, values: string[]): string {
  const literal = values.filter((v) => !PLACEHOLDER.test(v));
  return `${op} ${key}${literal.length ? ` = ${literal.join(', ')}` : ''}`;
}

export interface TrustInput {
  record: PolicyRecord;
  doc: PolicyDocument;
  baseline: Baseline & { trust: BaselineTrust };
  catalog: Catalog;
  /** The repository's own account (configuration `account-id`): its principals are yours. */
  ownAccount?: string;
}

/** The findings of a trust policy against its vendor's documented trust (see the top of this file). */
export function trustFindings({ record, doc, baseline, catalog, ownAccount }: TrustInput): Finding[] {
  const trust = baseline.trust;
  const d = documented(trust);
  const vendor = baseline.name;
  const named = documentedText(trust);
  const out: Finding[] = [];
  for (const stmt of doc.statements) {
    if (stmt.effect !== 'Allow') continue;
    const actions = sessionActions(stmt, catalog);
    if (actions.length === 0) continue;
    const add = (
      kind: Finding['kind'],
      severity: Finding['severity'],
      message: string,
      approximate?: string,
    ) => {
      const f: Finding = {
        kind,
        severity,
        policy: record.id,
        statement: statementLabel(stmt),
        actions,
        resources: [],
        baseline: baseline.id,
        path: record.statementFiles?.[stmt.index] || record.path,
        message,
      };
      const line = record.statementLines?.[stmt.index] || record.line;
      if (line !== undefined) f.line = line;
      if (record.address) f.address = record.address;
      // (a document read with values not known as wildcards: every finding of it says so)
      const notes = [...(approximate ? [approximate] : []), ...(record.approximate ?? [])];
      if (notes.length) f.approximate = notes.join('; ');
      out.push(f);
    };
    if (stmt.notPrincipal !== undefined) {
      add(
        'broader-trust',
        'critical',
        `NotPrincipal in an Allow lets every principal but the ones it names assume the role; ${vendor} documents only ${named}`,
      );
      continue;
    }
    const { aws, service, federated } = principalsOf(stmt.principal);
    const callerKeys = Object.values(stmt.condition ?? {})
      .flatMap((keys) => Object.keys(keys))
      .filter((k) => CALLER_KEYS.has(k.toLowerCase()));
    const others: string[] = [];
    let vendorNamed = false;
    for (const v of aws) {
      const p = readAws(v);
      if (p.kind === 'any') {
        if (callerKeys.length)
          add(
            'broader-trust',
            'medium',
            `lets any AWS principal that meets its condition on ${[...new Set(callerKeys)].join(', ')} assume the role; ${vendor} documents only ${named}`,
            `the condition on the caller (${[...new Set(callerKeys)].join(', ')}) is not compared with ${vendor}'s principals`,
          );
        else
          add(
            'broader-trust',
            // (a `*` that may be a value not known here, read as a wildcard: approximate, and high
            // rather than critical; still over the default threshold)
            record.approximate?.length ? 'high' : 'critical',
            `lets any AWS account assume the role ("AWS": "${p.text}"); ${vendor} documents only ${named}`,
          );
        continue;
      }
      if (p.kind === 'unknown') continue;
      if (p.account === ACCOUNT_PLACEHOLDER || p.account === ownAccount) continue;
      // (a role of the vendor's account where the vendor names its account's root; the very principal
      // it names; not the whole account where it names one role of it)
      if (d.accounts.has(p.account) || d.exact.has(p.text)) vendorNamed = true;
      else others.push(p.text);
    }
    for (const s of service) if (!d.services.has(s.trim().toLowerCase())) others.push(s.trim());
    for (const f of federated) others.push(f.trim());
    if (others.length) {
      // (narrowed by a condition on the caller, as Databricks' optional statement that lets the role
      // assume itself is: `aws:PrincipalArn` of the role, in your account; not compared)
      const keys = [...new Set(callerKeys)];
      add(
        'broader-trust',
        keys.length ? 'low' : 'medium',
        `also lets ${others.length === 1 ? others[0] : `${others.length} principals (${others.slice(0, 5).join(', ')}${others.length > 5 ? `, and ${others.length - 5} more` : ''})`} assume the role${keys.length ? ` where its condition on ${keys.join(', ')} holds` : ''}; ${vendor} documents only ${named}`,
        keys.length
          ? `the condition on the caller (${keys.join(', ')}) is not compared with ${vendor}'s principals`
          : undefined,
      );
    }
    if (vendorNamed && trust.condition) {
      const missing = missingCondition(stmt, trust.condition);
      if (missing.length)
        add(
          'missing-condition',
          'high',
          `lets ${vendor}'s principal assume the role without the condition ${vendor} documents (${missing.join('; ')})${
            missing.some((m) => /sts:ExternalId/i.test(m))
              ? `: without the external ID, another ${vendor} customer could have ${vendor} act in this account (the confused deputy)`
              : ''
          }`,
        );
    }
  }
  return out;
}
