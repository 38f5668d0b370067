// Whom a resource policy's statements grant: a bucket or key policy shared with a vendor also
// grants other principals (the account's root, an application's role, an AWS service), and only
// the statements that may grant the vendor are held to the vendor's baseline.

import type { PolicyDocument, Statement } from '../policy/document.js';
import { ACCOUNT_PLACEHOLDER } from '../policy/arn.js';
import { awsServiceAccount } from '../policy/principal.js';
import { vendorNames, type VendorNames } from '../baselines/names.js';
import type { Baseline } from '../core/types.js';

/** A statement of a resource policy that grants (or denies) only principals other than the vendor. */
export interface OtherGrantee {
  statement: Statement;
  /** The principals it names, as written. */
  principals: string[];
}

/** A resource policy as judged against a vendor's baseline: the statements that may grant the vendor, and the others. */
export interface JudgedStatements {
  judged: PolicyDocument;
  others: OtherGrantee[];
  /**
   * Statements judged that name the vendor and other principals together: their suggested
   * rewrite would change the others' access too, so they are kept as written.
   */
  shared: OtherGrantee[];
}

/** What the audit knows of principals beyond the policy itself. */
export interface GranteeContext {
  /** The AWS accounts of every vendor known (any baseline's detection accounts). */
  vendorAccounts: ReadonlySet<string>;
  /**
   * The roles of the inputs by name, with the AWS accounts and services their trust policies let
   * assume them (the accounts of every role of that name together).
   */
  roles: ReadonlyMap<string, { accounts: readonly string[]; services: readonly string[] }>;
}

/** Nothing known beyond the policy itself. */
export const NO_CONTEXT: GranteeContext = { vendorAccounts: new Set(), roles: new Map() };

/** What is known of one policy: the context, and whether a value it does not know names the vendor. */
interface PolicyContext extends GranteeContext {
  vendorValue: boolean;
}

interface Vendor {
  accounts: ReadonlySet<string>;
  names: VendorNames;
}

const vendors = new WeakMap<Baseline, Vendor | null>();

function vendorOf(baseline: Baseline): Vendor | null {
  let v = vendors.get(baseline);
  if (v !== undefined) return v;
  const accounts = baseline.detect?.accounts ?? [];
  const names = baseline.detect?.names ?? [];
  v = accounts.length || names.length ? { accounts: new Set(accounts), names: vendorNames(names) } : null;
  vendors.set(baseline, v);
  return v;
}

type Whom = 'vendor' | 'other' | 'any';

const ACCOUNT = /^\d{12}$/;
/** A value the input does not know: an interpolation, a placeholder, a CloudFormation reference. */
const NOT_KNOWN = /[<>]|\$\{/;

/** Whom an AWS account names: the vendor, another vendor known (maybe the vendor too), another account. */
function whomAccount(account: string, vendor: Vendor, ctx: PolicyContext): Whom {
  if (vendor.accounts.has(account)) return 'vendor';
  // (a known vendor's account is no more the account's own than the vendor's: judged, not left out)
  return ctx.vendorAccounts.has(account) ? 'any' : 'other';
}

/** Whether a text names the vendor (a role `DatadogIntegrationRole`, a variable `var.datadog_account`). */
function named(text: string, vendor: Vendor): boolean {
  return text
    .split(/[^A-Za-z0-9_+=,.@-]+/)
    .some((part) => part !== '' && vendor.names.match(part) !== undefined);
}

/**
 * Whom one AWS principal value names: the vendor (its account, a role or user whose name the
 * vendor's detection names match, a role whose trust in the inputs lets the vendor's account
 * assume it), another principal (another account or its root, the account's own, a role the
 * inputs show no vendor may assume), or maybe anyone (`*`, a role or a value not known).
 */
function whomAws(value: string, vendor: Vendor, ctx: PolicyContext): Whom {
  const s = value.trim();
  if (ACCOUNT.test(s)) return whomAccount(s, vendor, ctx);
  // (an account AWS owns: a Region's log-delivery account, `data.aws_elb_service_account`)
  if (awsServiceAccount(s) !== undefined) return 'other';
  if (s === ACCOUNT_PLACEHOLDER) return 'other';
  if (!s.startsWith('arn:')) return NOT_KNOWN.test(s) && named(s, vendor) ? 'vendor' : 'any';
  const parts = s.split(':');
  if (parts.length < 6 || (parts[2] !== 'iam' && parts[2] !== 'sts')) return 'any';
  const account = parts[4]!;
  const resource = parts.slice(5).join(':');
  if (resource.includes('*')) return 'any';
  const knownAccount = ACCOUNT.test(account) || account === ACCOUNT_PLACEHOLDER;
  if (ACCOUNT.test(account)) {
    const w = whomAccount(account, vendor, ctx);
    if (w !== 'other') return w;
  }
  // An account not known, written as a variable that names the vendor (`${var.datadog_account_id}`).
  if (!knownAccount && named(account, vendor)) return 'vendor';
  const names = resource.split('/').slice(1);
  if (names.some((n) => named(n, vendor))) return 'vendor';
  // An account's root: the account itself, whose principals get what the resource's policy grants
  // only through their own identity policies (audited as such). One not known is the policy's own
  // account, or one it shares the resource with, not the vendor's (the policy names the vendor's
  // account elsewhere), unless a value not known in the policy is named after the vendor
  // (`${var.datadog_account_id}`, read as `*`).
  if (resource === 'root') return knownAccount || !ctx.vendorValue ? 'other' : 'any';
  if (!knownAccount) return 'any';
  // A role of the inputs (by its name, or the placeholder of a name made at deploy time): the
  // vendor's when its trust lets the vendor's account assume it.
  if (parts[2] === 'iam' && names.length && resource.startsWith('role/')) {
    const trust = ctx.roles.get(names[names.length - 1]!);
    if (trust) {
      const ws = trust.accounts.map((a) => (a === '*' ? 'any' : whomAccount(a, vendor, ctx)));
      return ws.includes('vendor') ? 'vendor' : ws.includes('any') ? 'any' : 'other';
    }
  }
  return 'any';
}

interface Reading {
  whom: Whom;
  /** Both the vendor and other principals are named. */
  shared: boolean;
}

function whom(s: Statement, vendor: Vendor, ctx: PolicyContext, written: string[]): Reading {
  const any: Reading = { whom: 'any', shared: false };
  // NotPrincipal (everyone but some) and a statement with no principal may reach the vendor.
  if (s.notPrincipal !== undefined || s.principal === undefined) return any;
  const p = s.principal;
  // (`*` kept to an account by aws:PrincipalAccount or kms:CallerAccount still reaches the vendor's
  // role in that account, which needs no identity policy for what a resource's policy grants it)
  if (p === '*') return any;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return any;
  const seen = new Set<Whom>();
  for (const [key, value] of Object.entries(p as Record<string, unknown>)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string') return any;
      let w: Whom;
      if (key === 'AWS') {
        w = whomAws(v, vendor, ctx);
        written.push(w === 'other' && rootOfAccountNotKnown(v) ? `${v} (account not known)` : v);
      }
      // An AWS service (in any Region: `logs.*.amazonaws.com`) is never a vendor's account.
      else if (key === 'Service') w = v.trim() === '*' ? 'any' : 'other';
      // A SAML or OIDC provider: of the account in its ARN; a canonical user may be any account's.
      else if (key === 'Federated') {
        const account = v.startsWith('arn:') ? v.split(':')[4] : undefined;
        w =
          account && ACCOUNT.test(account)
            ? whomAccount(account, vendor, ctx)
            : v.startsWith('arn:')
              ? 'any'
              : 'other';
      } else w = 'any';
      if (key !== 'AWS') written.push(`${key}: ${v}`);
      seen.add(w);
    }
  }
  // (the vendor with others, or with principals not known: narrowing it narrows theirs too)
  if (seen.has('vendor')) return { whom: 'vendor', shared: seen.size > 1 };
  // (an empty principal names no one: AWS refuses it; judged as written)
  return seen.has('any') || seen.size === 0 ? any : { whom: 'other', shared: false };
}

/** `arn:aws:iam::*:root`: an account's root whose account the input does not know (a variable read as `*`). */
function rootOfAccountNotKnown(value: string): boolean {
  const parts = value.trim().split(':');
  return (
    parts.length === 6 &&
    parts[5] === 'root' &&
    !ACCOUNT.test(parts[4]!) &&
    parts[4] !== ACCOUNT_PLACEHOLDER &&
    awsServiceAccount(value) === undefined
  );
}

/**
 * The statements of a resource policy to hold to the vendor's baseline, when an Allow statement's
 * Principal names the vendor (its AWS account, a role or user whose name the vendor's detection
 * names match, a role of the inputs the vendor's account may assume): every statement that may
 * reach the vendor (the vendor's, `*` whatever its condition, `NotPrincipal`, a role or a value not
 * known), not the statements that name only other principals (accounts' roots, the account's own
 * included, whose principals need identity policies of their own; roles the inputs show no vendor
 * may assume; AWS services), whose grants are not the vendor's. Undefined when the whole document
 * is judged: the baseline has no detection names or accounts, no Allow statement names the vendor
 * (unless `always`), or every statement may reach it.
 */
export function statementsForVendor(
  doc: PolicyDocument,
  baseline: Baseline,
  context: GranteeContext = NO_CONTEXT,
  options: {
    /** What the policy's reading did not know (PolicyRecord.approximate: `${var.x}` read as `*`). */
    notKnown?: readonly string[];
    /**
     * Split even when no Allow names the vendor: the policy as it was before a change whose
     * current version is split, so that both are judged alike.
     */
    always?: boolean;
  } = {},
): JudgedStatements | undefined {
  const vendor = vendorOf(baseline);
  if (!vendor) return undefined;
  const ctx: PolicyContext = {
    ...context,
    vendorValue: (options.notKnown ?? []).some((n) => named(n, vendor)),
  };
  let vendorAllow = false;
  const others: OtherGrantee[] = [];
  const shared: OtherGrantee[] = [];
  const judged: Statement[] = [];
  for (const s of doc.statements) {
    const principals: string[] = [];
    const w = whom(s, vendor, ctx, principals);
    if (w.whom === 'other') others.push({ statement: s, principals });
    else {
      judged.push(s);
      if (w.whom === 'vendor' && s.effect === 'Allow') vendorAllow = true;
      if (w.shared) shared.push({ statement: s, principals });
    }
  }
  if ((!vendorAllow && !options.always) || (others.length === 0 && shared.length === 0 && !options.always))
    return undefined;
  return { judged: { ...doc, statements: judged }, others, shared };
}
