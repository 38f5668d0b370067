// What the inputs' trust policies say about who assumes each role (accounts, services, other
// principals), read before the audit: evidence for detection and the grantees of each policy. Pure.
import { ACCOUNT_PLACEHOLDER } from '../policy/arn.js';
import { awsServiceAccount } from '../policy/principal.js';
import type { Baseline, InputResult, LoadedInput, PolicyRecord, PrincipalRecord } from '../core/types.js';
import type { GranteeContext } from './grantees.js';
import { LEFT_OUT_DOCUMENTS, LEFT_OUT_STATEMENTS } from '../sources/records.js';

/** Vendor account IDs named in trust policies, per file (evidence for detection). */
export function trustAccounts(inputs: LoadedInput[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { result } of inputs) {
    const accounts = new Set<string>();
    for (const r of result.policies) {
      if (r.kind !== 'trust' || r.status !== 'resolved') continue;
      const text = typeof r.document === 'string' ? r.document : JSON.stringify(r.document);
      for (const m of text.matchAll(/(?:arn:aws[\w-]*:iam::|"AWS"\s*:\s*\[?\s*")(\d{12})/g))
        accounts.add(m[1]!);
    }
    if (accounts.size) out.set(result.path, [...accounts]);
  }
  return out;
}

/** Service principals (`ec2.amazonaws.com`) and AWS account IDs a trust policy document names. */
export function trustPrincipals(document: unknown): { services: string[]; accounts: string[] } {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return { services: [], accounts: [] };
    }
  }
  const services = new Set<string>();
  const accounts = new Set<string>();
  const st = (doc as { Statement?: unknown } | null)?.Statement;
  for (const x of Array.isArray(st) ? st : [st]) {
    const principal = (x as { Principal?: unknown } | null)?.Principal;
    if (!principal || typeof principal !== 'object') continue;
    const { Service: svc, AWS: aws } = principal as { Service?: unknown; AWS?: unknown };
    for (const v of Array.isArray(svc) ? svc : [svc]) if (typeof v === 'string') services.add(v);
    for (const v of Array.isArray(aws) ? aws : [aws]) {
      const m = typeof v === 'string' ? /^(?:arn:aws[\w-]*:iam::)?(\d{12})/.exec(v.trim()) : null;
      if (m) accounts.add(m[1]!);
    }
  }
  return { services: [...services].sort(), accounts: [...accounts].sort() };
}

/**
 * The AWS accounts a trust policy's Allow statements let assume the role: 12-digit IDs (an
 * account's root: its principals that their identity policies let), `*` for a principal that may
 * be a vendor's (`*`, a role or user of any account, a value not known, `NotPrincipal`); the
 * account's own root (the account placeholder) is left out, as are services and identity providers.
 */
export function assumedBy(document: unknown): string[] {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return ['*'];
    }
  }
  const out = new Set<string>();
  const st = (doc as { Statement?: unknown } | null)?.Statement;
  for (const x of Array.isArray(st) ? st : [st]) {
    if (!x || typeof x !== 'object') continue;
    const { Effect, Principal, NotPrincipal } = x as Record<string, unknown>;
    if (Effect !== 'Allow') continue;
    if (NotPrincipal !== undefined || Principal === '*') out.add('*');
    if (!Principal || typeof Principal !== 'object') continue;
    const aws = (Principal as { AWS?: unknown }).AWS;
    for (const v of aws === undefined ? [] : Array.isArray(aws) ? aws : [aws]) {
      const text = typeof v === 'string' ? v.trim() : '';
      const parts = text.split(':');
      // (a role or user, in any account, may be the vendor's: Datadog's role trusted by a proxy role)
      if (text.startsWith('arn:') && parts.slice(5).join(':') !== 'root') {
        out.add('*');
        continue;
      }
      const account = /^\d{12}$/.test(text) ? text : text.startsWith('arn:') ? parts[4] : undefined;
      if (account === ACCOUNT_PLACEHOLDER) continue;
      out.add(account && /^\d{12}$/.test(account) ? account : '*');
    }
  }
  return [...out];
}

/**
 * The files with a trust policy that a principal of another account may assume (an account, a role
 * or user of an account that is not yours, `*`, `NotPrincipal`, a value not known): there, a
 * service named by another trust policy of the file does not make its policies an instance role's.
 * Your own account's principals (its root, a role or user of it: an admin role beside an instance
 * role) do not count.
 */
export function trustOthers(inputs: LoadedInput[]): Set<string> {
  const out = new Set<string>();
  for (const { result } of inputs)
    for (const r of result.policies)
      if (r.kind === 'trust' && r.status === 'resolved' && assumedByOthers(r.document)) {
        out.add(result.path);
        break;
      }
  return out;
}

/** Whether a trust policy's Allow statements let a principal of another account (or one not known) assume the role. */
export function assumedByOthers(document: unknown): boolean {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return true;
    }
  }
  const st = (doc as { Statement?: unknown } | null)?.Statement;
  for (const x of Array.isArray(st) ? st : [st]) {
    if (!x || typeof x !== 'object') continue;
    const { Effect, Principal, NotPrincipal } = x as Record<string, unknown>;
    if (Effect !== 'Allow') continue;
    if (NotPrincipal !== undefined || Principal === '*') return true;
    if (!Principal || typeof Principal !== 'object') continue;
    const aws = (Principal as { AWS?: unknown }).AWS;
    for (const v of aws === undefined ? [] : Array.isArray(aws) ? aws : [aws]) {
      const text = typeof v === 'string' ? v.trim() : '';
      const account = /^\d{12}$/.test(text) ? text : text.startsWith('arn:') ? text.split(':')[4] : undefined;
      if (account !== ACCOUNT_PLACEHOLDER) return true;
    }
  }
  return false;
}

/** Service principals named in trust policies, per file. */
export function trustServices(inputs: LoadedInput[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { result } of inputs) {
    const found = new Set<string>();
    for (const r of result.policies)
      if (r.kind === 'trust' && r.status === 'resolved')
        for (const x of trustPrincipals(r.document).services) found.add(x);
    if (found.size) out.set(result.path, [...found].sort());
  }
  return out;
}

/**
 * A role's trust policy in its input: the first resolved trust record (in the input's order) its
 * trustIds name, else the one at its address. Indexed once per input.
 */
export function trustLookup(result: InputResult): (principal: PrincipalRecord) => PolicyRecord | undefined {
  const byId = new Map<string, number>();
  const byAddress = new Map<string, number>();
  result.policies.forEach((r, i) => {
    if (r.kind !== 'trust' || r.status !== 'resolved') return;
    byId.set(r.id, i);
    if (r.address !== undefined && !byAddress.has(r.address)) byAddress.set(r.address, i);
  });
  return (principal) => {
    let at: number | undefined;
    if (principal.trustIds)
      for (const id of principal.trustIds) {
        const i = byId.get(id);
        if (i !== undefined && (at === undefined || i < at)) at = i;
      }
    else at = byAddress.get(principal.address ?? principal.id);
    return at === undefined ? undefined : result.policies[at];
  };
}

/**
 * What a resource policy's principals may be (grantees.ts): every known vendor's AWS accounts, and
 * the roles of the inputs by name with the accounts and services their trust policies name.
 */
export function granteeContext(inputs: LoadedInput[], baselines: readonly Baseline[]): GranteeContext {
  const vendorAccounts = new Set(baselines.flatMap((b) => b.detect?.accounts ?? []));
  const roles = new Map<string, { accounts: string[]; services: string[] }>();
  for (const { result } of inputs) {
    const trustOf = trustLookup(result);
    for (const principal of result.principals ?? []) {
      if (principal.type !== 'role' || !principal.name) continue;
      const trust = trustOf(principal);
      const e = roles.get(principal.name) ?? { accounts: [], services: [] };
      // (a role of that name whose trust is not known: any account may assume it)
      if (trust) e.accounts.push(...assumedBy(trust.document));
      else if (principal.trustServices) e.services.push(...principal.trustServices);
      else e.accounts.push('*');
      roles.set(principal.name, e);
    }
  }
  return { vendorAccounts, roles };
}

/**
 * The trust of the roles each policy belongs to, where the input says which principals hold it (a
 * Terraform role and its policies, an authorization-details role): policy id -> what its roles'
 * trust policies name, together, and whether a user or a group holds it too, so that a policy
 * shared by an instance role and a user is not taken for an instance role's alone.
 */
export function roleTrust(inputs: LoadedInput[]): {
  byPolicy: Map<string, { services: string[]; accounts: string[]; alsoOther: boolean }>;
  /** Policies some role whose trust is not known holds. */
  unknown: Set<string>;
} {
  const out = new Map<string, { services: string[]; accounts: string[]; alsoOther: boolean }>();
  const unknown = new Set<string>();
  const entry = (id: string) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { services: [], accounts: [], alsoOther: false }));
    return e;
  };
  for (const { result } of inputs) {
    const trustOf = trustLookup(result);
    for (const principal of result.principals ?? []) {
      const trust = principal.type === 'role' ? trustOf(principal) : undefined;
      // (a role whose trust its maker writes, with no record of it: those services)
      const t = trust
        ? trustPrincipals(trust.document)
        : principal.trustServices
          ? { services: principal.trustServices, accounts: [] }
          : undefined;
      // A role whose trust is not known says nothing of it (nor do the file's other trust
      // policies: its policies are audited against what they match, not left out).
      if (principal.type === 'role' && !t) {
        for (const id of principal.policyIds) unknown.add(id);
        continue;
      }
      for (const id of principal.policyIds) {
        const e = entry(id);
        if (!t) {
          e.alsoOther = true;
          continue;
        }
        for (const s of t.services) if (!e.services.includes(s)) e.services.push(s);
        for (const a of t.accounts) if (!e.accounts.includes(a)) e.accounts.push(a);
      }
    }
  }
  return { byPolicy: out, unknown };
}

/**
 * Whether a detected baseline fits the principal a policy belongs to, from the trust policies of
 * its file: a role that only a service (ec2.amazonaws.com) may assume is an instance or service
 * role, not the user or cross-account role most vendors' baselines describe.
 */
export function principalFit(
  baseline: Baseline,
  services: string[] | undefined,
  accounts: string[] | undefined,
  whose: string,
  others = false,
): { exclude?: string; unsure?: string } {
  const kinds = baseline.principals;
  if (!kinds?.length || !services?.length || kinds.includes('instance-role')) return {};
  const described = kinds.map((k) => k.replace(/-/g, ' ')).join(' or ');
  // (another trust policy of the file lets principals that are not services assume its role)
  if (!accounts?.length && others)
    return {
      unsure: `unsure: ${whose} trust policies name a service (${services.join(', ')}) and principals that may be another account's (not known here); ${baseline.id} describes the policy of a ${described}`,
    };
  if (!accounts?.length)
    return {
      exclude: `an instance or service role's policy (${whose} trust policy lets only ${services.join(', ')} assume the role), and ${baseline.id} describes the policy of a ${described}: not audited against it`,
    };
  return {
    unsure: `unsure: ${whose} trust policies name both a service (${services.join(', ')}) and AWS accounts (${accounts.join(', ')}); ${baseline.id} describes the policy of a ${described}`,
  };
}

/**
 * Vendors are granted access as an account, a role or a user, never as an AWS service. Of a policy
 * read in part (statements or documents left out as not known), said as read (a review: a left-out
 * statement granted an account, and the reason said "only AWS services").
 */
export function serviceOnlyReason(
  grantees: string[],
  baseline: Baseline,
  approximate?: readonly string[],
): string {
  const what = grantees.every((g) => g.endsWith('.amazonaws.com'))
    ? 'AWS services'
    : 'AWS services and accounts AWS owns';
  const partial = approximate?.some(
    (n) => n.startsWith(LEFT_OUT_STATEMENTS) || n.startsWith(LEFT_OUT_DOCUMENTS),
  )
    ? ', as read (what was left out as not known may grant others)'
    : '';
  return `a resource policy that grants only ${what} (${grantees.join(', ')})${partial}, and ${baseline.id} describes access granted to ${baseline.name}: not audited against it`;
}

/**
 * The AWS services a resource policy grants, when they are all it grants: every Allow statement
 * names a `Principal` of services only (`{"Service": "cloudtrail.amazonaws.com"}`), or of accounts
 * AWS owns for a service (a Region's log-delivery account, `data.aws_elb_service_account` in a
 * `.tf` file). Undefined when an Allow names anything else (an account, a role, `*`, a federated
 * or canonical user) or no principal.
 */
export function serviceOnlyGrantees(document: unknown): string[] | undefined {
  const st = (document as { Statement?: unknown } | null)?.Statement;
  const services = new Set<string>();
  let allows = 0;
  for (const x of Array.isArray(st) ? st : [st]) {
    if (!x || typeof x !== 'object') continue;
    const { Effect, Principal } = x as { Effect?: unknown; Principal?: unknown };
    if (Effect !== 'Allow') continue;
    allows++;
    if (!Principal || typeof Principal !== 'object' || Array.isArray(Principal)) return undefined;
    for (const [key, value] of Object.entries(Principal as Record<string, unknown>)) {
      if (key !== 'Service' && key !== 'AWS') return undefined;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v !== 'string' || !v.trim()) return undefined;
        const owned = key === 'AWS' ? awsServiceAccount(v) : v.includes('*') ? undefined : v;
        if (owned === undefined) return undefined;
        services.add(owned);
      }
    }
  }
  return allows > 0 && services.size > 0 ? [...services].sort() : undefined;
}
