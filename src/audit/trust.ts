// A role's trust policy compared with the trust its vendor documents (a baseline's `trust`): who
// may assume the role, and under which condition. Vendors that assume a role in your account
// (Datadog, Databricks, Lightly...) document one principal, their own account or role, and an
// external ID (`sts:ExternalId`) that stops another customer of theirs from having them act in your
// account (the confused deputy). A pasted trust policy loses the condition, or gains `"AWS": "*"`,
// and nothing else tells: the permission policies are audited, the door to them is not.
//
// Findings, per Allow statement that lets a principal take a role session (sts:AssumeRole...):
// - `broader-trust`: a principal the vendor does not name: any AWS account (`*`, NotPrincipal;
//   critical), an account, role, service or identity provider beside the vendor's (medium); one
//   narrowed by a condition on the caller that is not read here (aws:PrincipalOrgID: low,
//   approximate). The role's own account, and the role itself, are not reported: they are yours;
//   nor is `*` narrowed by aws:PrincipalAccount or aws:PrincipalArn to yours (or, as the vendor's
//   principal, to the vendor's).
// - `missing-condition`: the vendor's principal without the condition the vendor documents (high),
//   in the statement or in a Deny of every session without it.
// A principal that a Deny of the policy keeps out (sessionDenies: under no condition, or one on
// aws:PrincipalAccount or aws:PrincipalArn that lets through some accounts) is not reported, and
// `*` is read as what such Denies leave of it; a Deny under another condition removes no one, and
// the findings it may reach are marked approximate.
// Pure: no I/O.
import type { Baseline, BaselineTrust, Finding, PolicyRecord } from '../core/types.js';
import { statementLabel, type Condition, type PolicyDocument, type Statement } from '../policy/document.js';
import type { Catalog } from '../policy/catalog.js';
import { ACCOUNT_PLACEHOLDER } from '../policy/arn.js';
import { statementFinding } from './statement-finding.js';

/** The STS actions that start or add to a role session: what a trust policy allows. */
const SESSION_ACTIONS =
  /^sts:(AssumeRole|AssumeRoleWithSAML|AssumeRoleWithWebIdentity|TagSession|SetSourceIdentity|SetContext)$/i;

/**
 * The ones that start a session. TagSession, SetSourceIdentity and SetContext are checked only
 * beside one of these, when the session is made with tags or a source identity: a statement that
 * allows only them lets no one assume the role.
 */
const START_ACTIONS = /^sts:(AssumeRole|AssumeRoleWithSAML|AssumeRoleWithWebIdentity)$/i;

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
  const m = /^arn:[^:]+:(?:iam|sts)::([^:]*):(.+)$/s.exec(text);
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

/** Whether the sessions a statement starts are all signed by an AWS principal (sts:AssumeRole only). */
function signedOnly(actions: readonly string[]): boolean {
  return actions.filter((a) => START_ACTIONS.test(a)).every((a) => /^sts:AssumeRole$/i.test(a));
}

/** Whether a statement's session actions (sessionActions) start a session. */
function startsSession(actions: readonly string[]): boolean {
  return actions.some((a) => START_ACTIONS.test(a));
}

/** The role's own ARN, when a principal is it: `arn:…:iam::ACCOUNT:role/path/NAME` of the role's name (any account text). */
function isSelf(text: string, roleName: string | undefined): boolean {
  if (!roleName) return false;
  const m = /^arn:[^:]+:(?:iam|sts)::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(text.trim());
  return !!m && m[1] === roleName;
}

/** Who a statement's condition on the caller lets in, where it says exactly (values of equality operators). */
interface CallerScope {
  /** The caller keys the condition names (as written, each once). */
  keys: string[];
  /**
   * Per principal the condition admits (aws:PrincipalAccount, aws:PrincipalArn values), what it
   * is: undefined when the condition also names keys it cannot read so (aws:PrincipalOrgID...).
   */
  admitted?: AwsPrincipal[];
}

const EQUALITY = /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/i;

/**
 * Whether values of aws:PrincipalArn or aws:PrincipalAccount admit callers of any number of
 * accounts: an account (or an ARN's account field) with a `*` (`*`, `1234*`), or a value that is no
 * ARN with one. (`?` admits ten accounts at most per mark: still narrowed, not compared.)
 */
function anyAccount(op: string, key: string, values: readonly string[]): boolean {
  // (StringEquals reads `*` as the character: it admits no one, not everyone)
  if (!/Like|^(?:ForAnyValue:|ForAllValues:)?Arn/i.test(op)) return false;
  return values.some((v) => {
    if (key === 'aws:principalaccount') return v.includes('*');
    const fields = v.trim().split(':');
    // (`arn:aws:iam::123456789012*`: the star after the account, one account's)
    return fields.length < 6 ? !/\d{12}/.test(v.split('*')[0]!) && v.includes('*') : fields[4]!.includes('*');
  });
}

function callerScope(stmt: Statement, signed: boolean): CallerScope {
  const keys: string[] = [];
  let admitted: AwsPrincipal[] | undefined = [];
  for (const [op, byKey] of Object.entries(stmt.condition ?? {}))
    for (const [key, values] of Object.entries(byKey)) {
      const k = key.toLowerCase();
      // (only an operator that requires the key narrows: a negated, IfExists or ForAllValues one
      // lets in the callers it does not name, or those without the key; but an AssumeRole is
      // signed by an AWS principal, so its account and ARN are always there, and with them an
      // IfExists or ForAllValues operator is the plain one: not for the web-identity and SAML
      // forms, which no AWS principal signs)
      const present = k === 'aws:principalaccount' || k === 'aws:principalarn';
      const plain = present && signed ? op.replace(/^ForAllValues:/i, '').replace(/IfExists$/i, '') : op;
      if (!CALLER_KEYS.has(k) || requiring(plain) === undefined) continue;
      // A caller's ARN or account that any account may have (`arn:aws:iam::*:role/coiled`: any
      // account can make a role of that name) narrows no account (a review: it was low).
      if (present && anyAccount(plain, k, values)) continue;
      if (!keys.some((x) => x.toLowerCase() === k)) keys.push(key);
      const readable = EQUALITY.test(plain) && present;
      if (!readable || !admitted) {
        admitted = undefined;
        continue;
      }
      for (const v of values) admitted.push(readAws(v));
    }
  return { keys, ...(admitted && admitted.length ? { admitted } : {}) };
}

/** What one principal is to the vendor's trust. */
type Standing = 'vendor' | 'own' | 'other' | 'unknown';

function standing(
  p: AwsPrincipal,
  d: Documented,
  ownAccount: string | undefined,
  roleName?: string,
): Standing {
  if (isSelf(p.text, roleName)) return 'own';
  if (p.kind === 'any') return 'other';
  if (p.kind === 'unknown') return 'unknown';
  if (p.account === ACCOUNT_PLACEHOLDER || p.account === ownAccount) return 'own';
  // (a role of the vendor's account where the vendor names its account's root; the very principal
  // it names; not the whole account where it names one role of it)
  return d.accounts.has(p.account) || d.exact.has(p.text) ? 'vendor' : 'other';
}

/** Whether the statement lets any principal of the vendor's assume the role (directly or through its condition on the caller). */
function namesVendor(stmt: Statement, d: Documented, signed: boolean): boolean {
  const { aws, service } = principalsOf(stmt.principal);
  const scope = callerScope(stmt, signed);
  return (
    aws.some((v) => standing(readAws(v), d, undefined) === 'vendor') ||
    (aws.some((v) => readAws(v).kind === 'any') &&
      !!scope.admitted?.length &&
      scope.admitted.every((p) => standing(p, d, undefined) === 'vendor')) ||
    service.some((s) => d.services.has(s.trim().toLowerCase()))
  );
}

/** Whether the statement lets any AWS account, or a principal not known here, assume the role. */
function opensOrUnknown(stmt: Statement): boolean {
  return (
    stmt.notPrincipal !== undefined ||
    principalsOf(stmt.principal).aws.some((v) => readAws(v).kind !== 'account')
  );
}

/**
 * Whether a trust policy is one to hold to the vendor's documented trust: an Allow of a role session
 * to one of the vendor's principals. With `byRole` (the role's permissions are audited against the
 * vendor: the role is the vendor's), also one to any AWS account or to a principal not known here.
 * A trust policy of another role (an instance role, your own account's, an organisation's) is not.
 * With `named` (the baseline was named for the audit), also one to any AWS account or a principal
 * not known here under the condition keys the vendor documents (`sts:ExternalId`): the vendor's
 * trust, opened (an organisation's `*` under aws:PrincipalOrgID is still another role's).
 */
export function trustApplies(
  doc: PolicyDocument,
  trust: BaselineTrust,
  catalog: Catalog,
  byRole = false,
  named = false,
): boolean {
  const d = documented(trust);
  const keys = new Set(
    Object.values(trust.condition ?? {}).flatMap((block) =>
      Object.keys(block ?? {}).map((k) => k.toLowerCase()),
    ),
  );
  const vendorKeys = (s: Statement) =>
    keys.size > 0 &&
    Object.values(s.condition ?? {}).some(
      (block) =>
        block && typeof block === 'object' && Object.keys(block).some((k) => keys.has(k.toLowerCase())),
    );
  return doc.statements.some((s) => {
    if (s.effect !== 'Allow') return false;
    const actions = sessionActions(s, catalog);
    return (
      startsSession(actions) &&
      (namesVendor(s, d, signedOnly(actions)) ||
        (byRole && opensOrUnknown(s)) ||
        (named && opensOrUnknown(s) && vendorKeys(s)))
    );
  });
}

/**
 * The operator of a condition that requires a key's value, lower case: an IfExists or negated one
 * does not (met without the key), nor does ForAllValues (true when the request has no such key).
 */
function requiring(op: string): string | undefined {
  if (/^ForAllValues:/i.test(op)) return undefined;
  const bare = op.replace(/^ForAnyValue:/i, '');
  if (/IfExists$/i.test(bare) || /Not/.test(bare) || /^Null$/i.test(bare)) return undefined;
  return bare.toLowerCase();
}

const PLACEHOLDER = /\$\{[^}]*\}|<[^>]*>|\{[A-Za-z_][\w-]*\}/;

/**
 * A Deny of the policy that requires a key's value of the sessions it names: under one condition,
 * `StringNotEquals` (or `StringNotLike` without a wildcard, or either's IfExists form, the same: a
 * negated operator holds when the key is absent) of `key` with `values`, the ones let through.
 * (`Null: {key: true}` is not one: it lets through any value, an attacker's own external ID too,
 * as an Allow's `Null … = false` does not meet the condition either.)
 */
interface DenyGuard {
  key: string;
  values: string[];
  /** The session-starting actions it denies (canonical names). */
  starts: Set<string>;
  /** Whom it denies: any principal, or those written (principals of an account's root: the whole account). */
  principals: 'any' | AwsPrincipal[];
  /** A NotPrincipal: it denies every principal but those written (then `principals` is empty). */
  except?: AwsPrincipal[];
}

function denyGuards(doc: PolicyDocument, catalog: Catalog): DenyGuard[] {
  const out: DenyGuard[] = [];
  for (const s of doc.statements) {
    if (s.effect !== 'Deny') continue;
    const starts = new Set(sessionActions(s, catalog).filter((a) => START_ACTIONS.test(a)));
    if (starts.size === 0) continue;
    const not = s.notPrincipal !== undefined;
    const aws = principalsOf(not ? s.notPrincipal : s.principal).aws;
    if (aws.length === 0 && !not) continue;
    const entries = Object.entries(s.condition ?? {}).flatMap(([op, keys]) =>
      Object.entries(keys).map(([k, v]) => ({ op, k: k.toLowerCase(), v })),
    );
    if (entries.length !== 1) continue;
    const { op, k, v } = entries[0]!;
    const bare = op.replace(/IfExists$/i, '');
    const guards =
      (/^(StringNotEquals|StringNotEqualsIgnoreCase)$/i.test(bare) && v.length > 0) ||
      (/^StringNotLike$/i.test(bare) && v.length > 0 && !v.some((x) => /[*?]/.test(x)));
    if (!guards) continue;
    out.push({
      key: k,
      values: v,
      starts,
      ...(not
        ? { principals: [], except: aws.map(readAws) }
        : { principals: aws.some((x) => x.trim() === '*') ? 'any' : aws.map(readAws) }),
    });
  }
  return out;
}

/** Whether a Deny's principals take in a principal an Allow names (the same text, or its account's root). */
function deniesPrincipal(guard: DenyGuard, text: string): boolean {
  if (guard.principals === 'any') return true;
  const p = readAws(text);
  if (guard.except) return outside(p, guard.except);
  return guard.principals.some(
    (d) =>
      d.text === p.text ||
      (d.kind === 'account' && d.root && p.kind === 'account' && d.account === p.account),
  );
}

/**
 * Whether an AWS principal an Allow names is certainly none of `listed` (a NotPrincipal's): it is
 * an account's (or one of its principals) and no principal listed is of that account. A listed
 * value not read as an account (a value not known here) may be any: then none is certainly outside.
 */
function outside(p: AwsPrincipal, listed: readonly AwsPrincipal[]): boolean {
  if (p.kind !== 'account' || !/^\d{12}$/.test(p.account)) return false;
  return listed.every((x) => x.kind === 'account' && /^\d{12}$/.test(x.account) && x.account !== p.account);
}

/**
 * A Deny of role sessions whose reach is known exactly: under no condition, or under one that lets
 * through only the callers of some accounts (`StringNotEquals aws:PrincipalAccount`, `ArnNotEquals`
 * or `ArnNotLike aws:PrincipalArn`, or their IfExists forms: an AssumeRole is signed by an AWS
 * principal, so both keys are always there). A Deny under any other condition is not read here: it
 * removes no principal, and the findings it may reach say so (`Unread`).
 */
interface CertainDeny {
  stmt: Statement;
  /** The session-starting actions it denies (canonical names). */
  starts: Set<string>;
  /** A NotPrincipal: it denies every principal but those written. */
  not: boolean;
  /** The AWS principals written (`any` for `"*"`, `{"AWS": "*"}`), the services and identity providers (lower case). */
  aws: 'any' | AwsPrincipal[];
  everyone: boolean;
  services: string[];
  federated: string[];
  /** The callers its condition lets through (AWS principals: one of these accounts), or none: unconditional. */
  except?: AwsPrincipal[];
}

/** A Deny of role sessions under a condition not read here (see CertainDeny). */
interface Unread {
  stmt: Statement;
  starts: Set<string>;
  /** The keys of its condition, as written. */
  keys: string[];
}

/** The keys of a condition, as written, each once. */
function conditionKeys(c: Condition | undefined): string[] {
  return [...new Set(Object.values(c ?? {}).flatMap((b) => Object.keys(b ?? {})))];
}

/** `a`, `a and b`, `a, b and c`. */
function words(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]!}`;
}

/** Whether a condition names only sts:ExternalId: a Deny guard (denyGuards), or a Deny missingCondition weighs. */
function externalIdOnly(c: Condition | undefined): boolean {
  const keys = conditionKeys(c);
  return keys.length > 0 && keys.every((k) => k.toLowerCase() === 'sts:externalid');
}

/** What a Deny's condition lets through, when it says exactly (CertainDeny `except`); null when it does not. */
function exceptOf(c: Condition | undefined): AwsPrincipal[] | undefined | null {
  const entries = Object.entries(c ?? {}).flatMap(([op, keys]) =>
    Object.entries(keys ?? {}).map(([k, v]) => ({ op, k: k.toLowerCase(), v: strings(v) })),
  );
  if (entries.length === 0) return undefined;
  if (entries.length !== 1) return null;
  const { op, k, v } = entries[0]!;
  const bare = op.replace(/IfExists$/i, '');
  if (!v.length) return null;
  if (k === 'aws:principalaccount') {
    // (a `*` or `?` in StringNotLike lets through accounts not listed: not read)
    if (!/^(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike)$/i.test(bare)) return null;
    return v.every((x) => /^\d{12}$/.test(x.trim())) ? v.map(readAws) : null;
  }
  if (k === 'aws:principalarn') {
    if (!/^(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|ArnNotEquals|ArnNotLike)$/i.test(bare))
      return null;
    // (a wildcard in the name lets through more principals of the same account: the account is what
    // is compared; one in the account, or in a value that is no principal's ARN, is not read)
    const read = v.map(readAws);
    return read.every((p) => p.kind === 'account' && /^\d{12}$/.test(p.account)) &&
      v.every((x) => /^arn:/.test(x.trim()))
      ? read
      : null;
  }
  return null;
}

/** The Deny statements of role sessions of a trust policy: those read exactly, and the others (not the external ID's). */
function sessionDenies(doc: PolicyDocument, catalog: Catalog): { certain: CertainDeny[]; unread: Unread[] } {
  const certain: CertainDeny[] = [];
  const unread: Unread[] = [];
  for (const s of doc.statements) {
    if (s.effect !== 'Deny') continue;
    const starts = new Set(sessionActions(s, catalog).filter((a) => START_ACTIONS.test(a)));
    if (starts.size === 0) continue;
    // (a condition on the external ID only: missingCondition weighs it, and it keeps no one out)
    if (externalIdOnly(s.condition)) continue;
    const not = s.notPrincipal !== undefined;
    const written = not ? s.notPrincipal : s.principal;
    const { aws, service, federated } = principalsOf(written);
    const except = exceptOf(s.condition);
    if (except === null || s.notResources !== undefined) {
      unread.push({ stmt: s, starts, keys: conditionKeys(s.condition) });
      continue;
    }
    certain.push({
      stmt: s,
      starts,
      not,
      aws: aws.some((x) => x.trim() === '*') ? 'any' : aws.map(readAws),
      everyone: written === '*',
      services: service.map((x) => x.trim().toLowerCase()),
      federated: federated.map((x) => x.trim().toLowerCase()),
      ...(except ? { except } : {}),
    });
  }
  return { certain, unread };
}

/** Whether a Deny denies every one of `need` (the sessions a principal can start under the Allow). */
function deniesAll(deny: { starts: Set<string> }, need: readonly string[]): boolean {
  return need.every((a) => deny.starts.has(a));
}

/** Whether a certain Deny keeps out every caller of an AWS principal (an account's, or not known here) an Allow names. */
function keepsOut(deny: CertainDeny, p: AwsPrincipal): boolean {
  if (deny.except && !outside(p, deny.except)) return false;
  if (deny.not) return deny.aws !== 'any' && outside(p, deny.aws);
  if (deny.aws === 'any') return true;
  return deny.aws.some(
    (x) =>
      x.text === p.text ||
      (x.kind === 'account' && x.root && p.kind === 'account' && x.account === p.account),
  );
}

/** Whether a certain Deny keeps out a service or identity provider an Allow names (lower case): unconditional only. */
function keepsOutOther(deny: CertainDeny, value: string, type: 'services' | 'federated'): boolean {
  if (deny.except) return false;
  if (deny.not) return !deny[type].includes(value);
  return deny.everyone || deny[type].includes(value);
}

/**
 * Who is left of `"AWS": "*"` after the certain Denies that reach it: at most the principals one
 * lets through (its NotPrincipal's, or its condition's), of an account each of the others lets
 * through too (an account's principals are compared by account: what is left may be more, never
 * less); undefined where no Deny reaches it.
 */
function leftOfAny(denies: readonly CertainDeny[]): AwsPrincipal[] | undefined {
  let left: AwsPrincipal[] | undefined;
  for (const d of denies) {
    let through: AwsPrincipal[];
    if (d.not) {
      if (d.aws === 'any') continue;
      through = [...d.aws, ...(d.except ?? [])];
    } else if (d.aws === 'any') through = d.except ?? [];
    else continue;
    if (!left) left = through;
    else {
      const accounts = new Set(through.flatMap((p) => (p.kind === 'account' ? [p.account] : [])));
      const unknown = through.some((p) => p.kind !== 'account');
      left = left.filter((p) => unknown || p.kind !== 'account' || accounts.has(p.account));
    }
  }
  return left;
}

/**
 * Whether a Deny may reach some of the principals a finding names (as written, `*` for any
 * account): a NotPrincipal, or `*`, may reach any; otherwise a principal it names, of the same
 * text or account, or any where the finding's are not all accounts.
 */
function mayReach(deny: Statement, principals: readonly string[]): boolean {
  if (deny.notPrincipal !== undefined || deny.principal === '*') return true;
  const { aws, service, federated } = principalsOf(deny.principal);
  const written = aws.map(readAws);
  if (written.some((x) => x.kind === 'any')) return true;
  const named = new Set([...service, ...federated].map((x) => x.trim().toLowerCase()));
  return principals.some((text) => {
    if (named.has(text.trim().toLowerCase())) return true;
    const p = readAws(text);
    if (p.kind !== 'account') return written.length > 0;
    return written.some((x) => x.text === p.text || x.kind !== 'account' || x.account === p.account);
  });
}

/**
 * What is missing of the vendor's documented condition in a statement's: the documented
 * (operator, key) pairs it does not require, each as `Operator key`. A documented value that is a
 * placeholder is met by any value but `*`; a literal one must be among the statement's values.
 * A Deny of the policy that requires the key (denyGuards) of every session the statement starts,
 * for each of `principals`, meets it too.
 */
function missingCondition(
  stmt: Statement,
  want: Condition,
  guards: readonly DenyGuard[],
  starts: readonly string[],
  principals: readonly string[],
): string[] {
  const missing: string[] = [];
  const have = stmt.condition ?? {};
  for (const [op, keys] of Object.entries(want)) {
    const wantOp = requiring(op) ?? op.toLowerCase();
    for (const [key, values] of Object.entries(keys)) {
      const literal = values.filter((v) => !PLACEHOLDER.test(v));
      const meets = (given: string[]) =>
        given.length > 0 && (literal.length === 0 || literal.some((v) => given.includes(v)));
      const byDeny =
        principals.length > 0 &&
        guards.some(
          (g) =>
            g.key === key.toLowerCase() &&
            meets(g.values) &&
            starts.every((a) => g.starts.has(a)) &&
            principals.every((p) => deniesPrincipal(g, p)),
        );
      const ok =
        byDeny ||
        Object.entries(have).some(([hop, hkeys]) => {
          const h = requiring(hop);
          // (StringLike with a value without wildcards is StringEquals; so is the IgnoreCase form,
          // a value of the same letters)
          const same =
            h === wantOp ||
            (wantOp === 'stringequals' && (h === 'stringlike' || h === 'stringequalsignorecase'));
          if (!same) return false;
          return Object.entries(hkeys).some(([hkey, hvalues]) => {
            if (hkey.toLowerCase() !== key.toLowerCase()) return false;
            const given = hvalues.filter((v) => v !== '');
            if (h === 'stringlike' && given.some((v) => /[*?]/.test(v))) return false;
            return meets(given);
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

/** `Datadog's`, `Databricks'`. */
function possessive(name: string): string {
  return name.endsWith('s') ? `${name}'` : `${name}'s`;
}

/** `a`, or `3 principals (a, b, c)`, at most five named. */
function principalList(list: readonly string[]): string {
  if (list.length === 1) return list[0]!;
  const shown = list.slice(0, 5).join(', ');
  return `${list.length} principals (${shown}${list.length > 5 ? `, and ${list.length - 5} more` : ''})`;
}

export interface TrustInput {
  record: PolicyRecord;
  doc: PolicyDocument;
  baseline: Baseline & { trust: BaselineTrust };
  catalog: Catalog;
  /** The repository's own account (configuration `account-id`): its principals are yours. */
  ownAccount?: string;
  /** The role's name: a statement that lets the role assume itself (Databricks' Unity Catalog role) is its own. */
  roleName?: string;
  /** The role is tied to the vendor by its permissions (trustApplies `byRole`). */
  byRole?: boolean;
}

/**
 * The findings of a trust policy against its vendor's documented trust (see the top of this file).
 * Each names in `resources` the principals it is about (sorted; `*` for any account), by which a
 * pull request's findings are told new (auditTrust) and an ignore rule's `principal` selects them.
 */
export function trustFindings({
  record,
  doc,
  baseline,
  catalog,
  ownAccount,
  roleName,
  byRole,
}: TrustInput): Finding[] {
  const trust = baseline.trust;
  const d = documented(trust);
  const vendor = baseline.name;
  const named = documentedText(trust);
  const guards = denyGuards(doc, catalog);
  const { certain, unread } = sessionDenies(doc, catalog);
  const out: Finding[] = [];
  for (const stmt of doc.statements) {
    if (stmt.effect !== 'Allow') continue;
    const actions = sessionActions(stmt, catalog);
    if (!startsSession(actions)) continue;
    // The sessions a principal can start under the statement, that a Deny must deny to keep it out:
    // an AWS principal's are AssumeRole (the SAML and web-identity forms are unsigned, a federated
    // principal's), a service's or an identity provider's any the statement allows.
    const starting = actions.filter((a) => START_ACTIONS.test(a));
    const signedStarts = starting.filter((a) => /^sts:AssumeRole$/i.test(a));
    const awsNeed = signedStarts.length ? signedStarts : starting;
    const awsDenies = certain.filter((x) => deniesAll(x, awsNeed));
    const otherDenies = certain.filter((x) => deniesAll(x, starting));
    // (`*` lets in federated callers too, who start sessions unsigned: a Deny keeps it to some only
    // where it denies every start the statement allows; a review found a Deny of AssumeRole alone
    // taken to close a `*` that AssumeRoleWithWebIdentity left open)
    const keptOut = (p: AwsPrincipal) =>
      (p.kind === 'any' ? otherDenies : awsDenies).some((x) => keepsOut(x, p));
    const { aws, service, federated } = principalsOf(stmt.principal);
    const nonAwsNamed = new Set([...service, ...federated].map((x) => x.trim()));
    const add = (
      kind: Finding['kind'],
      severity: Finding['severity'],
      resources: string[],
      message: string,
      approximate?: string,
    ) => {
      const notes = approximate ? [approximate] : [];
      // A Deny of these sessions under a condition not read here may keep some of them out: the
      // finding stands, said to be approximate.
      // (so is one read only for AWS principals, on a service or an identity provider)
      const nonAws = resources.filter((r) => nonAwsNamed.has(r));
      const maybe = unread.filter(
        (u) => starting.some((a) => u.starts.has(a)) && mayReach(u.stmt, resources),
      );
      const forAws = certain.filter(
        (c) => c.except && nonAws.length && starting.some((a) => c.starts.has(a)) && mayReach(c.stmt, nonAws),
      );
      if (forAws.length)
        notes.push(
          `the policy's Deny ${words(forAws.map((c) => statementLabel(c.stmt)))} may deny these sessions to ${words(nonAws)}: its condition on ${words([...new Set(forAws.flatMap((c) => conditionKeys(c.stmt.condition)))])} is read here only for AWS principals`,
        );
      if (maybe.length)
        notes.push(
          `the policy's Deny ${words(maybe.map((u) => statementLabel(u.stmt)))} may deny some of these sessions: ${
            maybe.every((u) => u.keys.length)
              ? `its condition on ${words([...new Set(maybe.flatMap((u) => u.keys))])} is not read here`
              : 'it is not read here'
          }`,
        );
      // (a document read with values not known as wildcards: every finding of it says so)
      out.push(
        statementFinding(
          record,
          stmt,
          {
            kind,
            severity,
            actions,
            resources: [...new Set(resources)].sort(),
            baseline: baseline.id,
            message,
          },
          notes,
        ),
      );
    };
    if (stmt.notPrincipal !== undefined) {
      add(
        'broader-trust',
        'critical',
        ['*'],
        `NotPrincipal in an Allow lets every principal but the ones it names assume the role; ${vendor} documents only ${named}`,
      );
      continue;
    }
    const scope = callerScope(stmt, signedOnly(actions));
    // Who the condition on the caller admits, where it says: only the vendor, only yours, or more.
    const admitted = scope.admitted?.map((p) => standing(p, d, ownAccount, roleName));
    const admits = (s: Standing) => !!admitted?.length && admitted.every((x) => x === s);
    const others: string[] = [];
    const unknown: string[] = [];
    const vendorPrincipals: string[] = [];
    let any = false;
    // `"AWS": "*"` where the policy's Deny statements keep out all but some: what is left of it, as
    // if the statement named those.
    const left = aws.some((v) => readAws(v).kind === 'any') ? leftOfAny(otherDenies) : undefined;
    const principals = left
      ? [...aws.filter((v) => readAws(v).kind !== 'any'), ...left.map((p) => p.text)]
      : aws;
    for (const v of principals) {
      const p = readAws(v);
      const st = standing(p, d, ownAccount, roleName);
      if (st === 'own') continue;
      // (denied by a Deny of the policy that keeps out every caller of it: it cannot assume the role)
      if (keptOut(p)) continue;
      if (st === 'vendor') vendorPrincipals.push(p.text);
      else if (st === 'unknown') unknown.push(p.text);
      // (narrowed by the condition to yours, or to the vendor's: as if named so)
      else if (scope.keys.length && admits('own')) continue;
      else if (scope.keys.length && admits('vendor')) vendorPrincipals.push(p.text);
      else if (p.kind === 'any') any = true;
      else others.push(p.text);
    }
    for (const x of service) {
      const v = x.trim().toLowerCase();
      if (!d.services.has(v) && !otherDenies.some((y) => keepsOutOther(y, v, 'services')))
        others.push(x.trim());
    }
    for (const x of federated)
      if (!otherDenies.some((y) => keepsOutOther(y, x.trim().toLowerCase(), 'federated')))
        others.push(x.trim());
    const narrowed = scope.keys.length
      ? `the condition on the caller (${scope.keys.join(', ')}) is not compared with ${possessive(vendor)} principals`
      : undefined;
    if (any) {
      if (narrowed)
        add(
          'broader-trust',
          'low',
          ['*'],
          `lets any AWS principal that meets its condition on ${scope.keys.join(', ')} assume the role; ${vendor} documents only ${named}`,
          narrowed,
        );
      else
        add(
          'broader-trust',
          // (a `*` that may be a value not known here, read as a wildcard: approximate, and high
          // rather than critical; still over the default threshold)
          record.approximate?.length ? 'high' : 'critical',
          ['*'],
          record.approximate?.length
            ? `lets any AWS account assume the role ("AWS": "*" as read; the policy has values not known here, read as wildcards); ${vendor} documents only ${named}`
            : `lets any AWS account assume the role ("AWS": "*"); ${vendor} documents only ${named}`,
        );
    }
    if (others.length) {
      const sorted = [...new Set(others)].sort();
      // (narrowed by a condition on the caller that is not read here: Databricks' optional
      // statement that lets the role assume itself names its ARN in aws:PrincipalArn)
      add(
        'broader-trust',
        narrowed ? 'low' : 'medium',
        sorted,
        `also lets ${principalList(sorted)} assume the role${narrowed ? ` where its condition on ${scope.keys.join(', ')} holds` : ''}; ${vendor} documents only ${named}`,
        narrowed,
      );
    }
    // Principals not read as an account (a value not known here, or not a principal's form): named,
    // not compared; low, as the vendor's principal may be among them.
    const notKnown = () => {
      if (unknown.length)
        add(
          'broader-trust',
          'low',
          unknown,
          `lets ${principalList([...new Set(unknown)].sort())} assume the role, not compared with ${possessive(vendor)} principals; ${vendor} documents only ${named}`,
          'a principal not known here (a value read as a wildcard, or not a principal as AWS writes one)',
        );
    };
    if (!trust.condition) {
      notKnown();
      continue;
    }
    const missing = missingCondition(
      stmt,
      trust.condition,
      guards,
      // (an AWS principal can take only AssumeRole: the SAML and web-identity forms are a
      // federated principal's, unsigned, so a Deny of AssumeRole guards all it can do)
      actions.filter((a) => /^sts:AssumeRole$/i.test(a)),
      vendorPrincipals.length ? vendorPrincipals : byRole ? unknown : [],
    );
    if (!missing.length) {
      notKnown();
      continue;
    }
    const why = missing.some((m) => /sts:ExternalId/i.test(m))
      ? `: without the external ID, another ${vendor} customer could have ${vendor} act in this account (the confused deputy)`
      : '';
    if (vendorPrincipals.length)
      add(
        'missing-condition',
        'high',
        vendorPrincipals,
        `lets ${possessive(vendor)} principal assume the role without the condition ${vendor} documents (${missing.join('; ')})${why}`,
      );
    // A principal not known here on a role whose permissions are the vendor's: likely the vendor's.
    else if (byRole && unknown.length) {
      add(
        'missing-condition',
        'medium',
        unknown,
        `lets ${principalList([...new Set(unknown)].sort())} assume the role without the condition ${vendor} documents (${missing.join('; ')})${why}`,
        `the principal is not known here; the role's permissions are audited against ${vendor}, so it is taken as ${possessive(vendor)}`,
      );
      continue;
    }
    notKnown();
  }
  return out;
}
