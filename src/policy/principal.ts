// Whom a Deny statement of a resource policy (a bucket, key or trust policy) reaches, against the
// principal of an Allow beside it. An identity policy's statements name no principal: its Deny
// reaches whoever holds the policy. In a resource policy a Deny names its principals (`Principal`)
// or those it spares (`NotPrincipal`), and a Deny on another principal removes nothing from this
// Allow. Principals are compared as written (a single value or a list alike, in any order); where
// that cannot settle it, the Deny reaches "some" and the grant stays with a note, never taken away
// on a guess.
import type { Statement } from './document.js';

export type DenyReach = 'all' | 'some' | 'none';

/**
 * Accounts AWS owns that deliver a service's logs into a bucket, by the Terraform data source that
 * gives them (`data.aws_elb_service_account.main.arn`, whose value is the Region's account): the
 * placeholder a policy read from a `.tf` file writes for that account, and who it is.
 */
export const AWS_SERVICE_ACCOUNTS: Readonly<Record<string, { placeholder: string; who: string }>> = {
  aws_elb_service_account: {
    placeholder: '<elb-service-account>',
    who: "Elastic Load Balancing's log-delivery account",
  },
  aws_cloudtrail_service_account: {
    placeholder: '<cloudtrail-service-account>',
    who: "CloudTrail's log-delivery account",
  },
  aws_redshift_service_account: {
    placeholder: '<redshift-service-account>',
    who: "Redshift's audit-logging account",
  },
};

const SERVICE_ACCOUNT_BY_PLACEHOLDER = new Map(
  Object.values(AWS_SERVICE_ACCOUNTS).map((a) => [a.placeholder, a.who]),
);

/**
 * Who an AWS principal value is when it is one of AWS_SERVICE_ACCOUNTS (the placeholder, or the
 * root of it: `arn:aws:iam::<elb-service-account>:root`); undefined for any other value.
 */
export function awsServiceAccount(value: string): string | undefined {
  const v = value.trim();
  const m = /^arn:aws[a-z-]*:iam::(<[a-z-]+>):root$/.exec(v);
  return SERVICE_ACCOUNT_BY_PLACEHOLDER.get(m ? m[1]! : v);
}

/** A principal value as (type, value) pairs: `"*"` is `AWS: *`; undefined for a value of no known shape. */
function pairs(p: unknown): Set<string> | undefined {
  if (typeof p === 'string') return new Set([`AWS\u0000${p.trim()}`]);
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return undefined;
  const out = new Set<string>();
  for (const [type, v] of Object.entries(p as Record<string, unknown>))
    for (const x of Array.isArray(v) ? v : [v]) {
      if (typeof x !== 'string') return undefined;
      out.add(`${type}\u0000${x.trim()}`);
    }
  return out;
}

/** `"*"` or `{"AWS": "*"}`: every principal. */
function isEveryone(p: unknown): boolean {
  return pairs(p)?.has('AWS\u0000*') ?? false;
}

/**
 * Whom the Deny `deny` reaches of those the Allow `allow` grants to:
 * - `all`: the Deny names no principal, every principal, or every one the Allow names;
 * - `none`: the Deny names none of the Allow's principals, or its NotPrincipal spares them all;
 * - `some` otherwise (the Allow grants to everyone and the Deny names a few, the lists overlap, or
 *   a principal of an unknown shape).
 * Only `all` removes a grant; `none` and `some` keep it (`some` with a note).
 */
export function denyReach(allow: Statement, deny: Statement): DenyReach {
  const named = deny.notPrincipal !== undefined ? deny.notPrincipal : deny.principal;
  if (named === undefined) return 'all';
  if (deny.notPrincipal === undefined && isEveryone(named)) return 'all';
  const theirs = pairs(named);
  const mine =
    allow.principal === undefined || isEveryone(allow.principal) ? undefined : pairs(allow.principal);
  if (!theirs || !mine || mine.size === 0) return 'some';
  let inside = 0;
  for (const x of mine) if (theirs.has(x)) inside++;
  const spared = deny.notPrincipal !== undefined;
  if (inside === mine.size) return spared ? 'none' : 'all';
  // A Deny on other principals removes nothing, unless one of its values stands for many (an
  // account, `arn:aws:iam::111122223333:root`, or a wildcard), which may include the Allow's.
  if (inside === 0 && !spared && ![...theirs].some(standsForMany)) return 'none';
  return 'some';
}

/** An account (its id or its root ARN) or a wildcard: a principal value that covers others. */
function standsForMany(pair: string): boolean {
  const v = pair.slice(pair.indexOf('\u0000') + 1);
  return /[*?]/.test(v) || /^\d{12}$/.test(v) || /:root$/.test(v);
}

/**
 * Why a Deny that names a granted action removes only part of the grant (it then stays, with this
 * note): its condition, its NotResource, or principals it may not reach. Undefined when the Deny
 * removes the grant wherever its resources do.
 */
export function partialDeny(deny: Statement, reach: DenyReach): string | undefined {
  if (deny.condition) return 'only under its condition';
  if (deny.notResources) return 'except on its NotResource';
  return reach === 'some' ? 'only to some of the principals' : undefined;
}
