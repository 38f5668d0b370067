// Whom a resource policy's statements grant: a bucket or key policy shared with a vendor also
// grants other principals (the account's root, an application's role, an AWS service), and only
// the statements that may grant the vendor are held to the vendor's baseline.

import type { PolicyDocument, Statement } from '../policy/document.js';
import { ACCOUNT_PLACEHOLDER } from '../policy/arn.js';
import { compileGlob, type Glob } from '../policy/glob.js';
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
}

interface Vendor {
  accounts: ReadonlySet<string>;
  names: Glob[];
}

const vendors = new WeakMap<Baseline, Vendor | null>();

function vendorOf(baseline: Baseline): Vendor | null {
  let v = vendors.get(baseline);
  if (v !== undefined) return v;
  const accounts = baseline.detect?.accounts ?? [];
  const names = baseline.detect?.names ?? [];
  v =
    accounts.length || names.length
      ? { accounts: new Set(accounts), names: names.map((g) => compileGlob(g, { caseInsensitive: true })) }
      : null;
  vendors.set(baseline, v);
  return v;
}

type Whom = 'vendor' | 'other' | 'any';

const ACCOUNT = /^\d{12}$/;

/**
 * Whom one principal value of a statement names: the vendor (its account, or a role or user whose
 * name the vendor's detection names match), another principal (another account, the account's
 * own root or roles), or maybe anyone (`*`, a value not known).
 */
function whomAws(value: string, vendor: Vendor): Whom {
  const s = value.trim();
  if (ACCOUNT.test(s)) return vendor.accounts.has(s) ? 'vendor' : 'other';
  if (s === ACCOUNT_PLACEHOLDER) return 'other';
  if (!s.startsWith('arn:')) return 'any';
  const parts = s.split(':');
  if (parts.length < 6 || (parts[2] !== 'iam' && parts[2] !== 'sts')) return 'any';
  const account = parts[4]!;
  if (vendor.accounts.has(account)) return 'vendor';
  if (!ACCOUNT.test(account) && account !== ACCOUNT_PLACEHOLDER) return 'any';
  const resource = parts.slice(5).join(':');
  if (resource.includes('*') || /[<>${}]/.test(resource)) return 'any';
  const names = resource.split('/').slice(1);
  if (names.some((n) => vendor.names.some((g) => g.matches(n)))) return 'vendor';
  return 'other';
}

function whom(s: Statement, vendor: Vendor, written: string[]): Whom {
  // NotPrincipal (everyone but some) and a statement with no principal may reach the vendor.
  if (s.notPrincipal !== undefined || s.principal === undefined) return 'any';
  const p = s.principal;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return 'any';
  let found: Whom = 'other';
  for (const [key, value] of Object.entries(p as Record<string, unknown>)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string') return 'any';
      written.push(key === 'AWS' ? v : `${key}: ${v}`);
      let w: Whom;
      if (key === 'AWS') w = whomAws(v, vendor);
      // A service, a web identity or SAML provider, a canonical user: never the vendor's account.
      else if (key === 'Service' || key === 'Federated' || key === 'CanonicalUser')
        w = v.includes('*') || /[<>${}]/.test(v) ? 'any' : 'other';
      else w = 'any';
      if (w === 'any') return 'any';
      if (w === 'vendor') found = 'vendor';
    }
  }
  return found;
}

/**
 * The statements of a resource policy to hold to the vendor's baseline, when the policy names the
 * vendor's AWS account, or a principal the vendor's detection names match, in an Allow statement's
 * Principal: every statement that may reach the vendor (the vendor's, `*`, `NotPrincipal`, a value
 * not known), not the statements that name only other principals (the account's own root, its
 * roles, other accounts, AWS services), whose grants are not the vendor's. Undefined when the
 * whole document is judged: the baseline has no detection names or accounts, no Allow statement
 * names the vendor, or no statement names only others.
 */
export function statementsForVendor(doc: PolicyDocument, baseline: Baseline): JudgedStatements | undefined {
  const vendor = vendorOf(baseline);
  if (!vendor) return undefined;
  let vendorAllow = false;
  const others: OtherGrantee[] = [];
  const judged: Statement[] = [];
  for (const s of doc.statements) {
    const principals: string[] = [];
    const w = whom(s, vendor, principals);
    if (w === 'other') others.push({ statement: s, principals });
    else {
      judged.push(s);
      if (w === 'vendor' && s.effect === 'Allow') vendorAllow = true;
    }
  }
  if (!vendorAllow || others.length === 0) return undefined;
  return { judged: { ...doc, statements: judged }, others };
}
