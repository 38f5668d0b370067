// Actions that AWS documents as needing no IAM permission: a policy cannot allow or deny them, so
// granting one changes nothing and leaving one out breaks nothing. The audit never reports them:
// granted beyond the baseline, one is no finding of any kind (src/audit/classify.ts, and the
// reference in engine.ts), and it is left out of the minimal policy like the rest the baseline does
// not allow; missing-permission never asks for one. A policy that grants one beyond its baseline
// is told once in the report's notes instead (src/audit/run.ts), never dropped silently.
//
// Data only, each entry with the AWS document that says so. Only actions documented this way
// belong here; an action that merely "usually" needs nothing (one controlled by a trust policy,
// such as sts:AssumeRoleWithWebIdentity, whose permission the role's trust policy grants) does not.
import { ActionSet } from './action-set.js';
import type { Catalog } from './catalog.js';

export interface NoPermissionAction {
  /** `service:Action`, canonical spelling. */
  action: string;
  /** The AWS document that says no permission is needed, as the report names it. */
  source: string;
}

export const NO_PERMISSION_ACTIONS: readonly NoPermissionAction[] = [
  // STS API Reference, GetCallerIdentity
  // (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html): "No
  // permissions are required to perform this operation. If an administrator attaches a policy to
  // your identity that explicitly denies access to the sts:GetCallerIdentity action, you can still
  // perform this operation."
  { action: 'sts:GetCallerIdentity', source: 'AWS STS API reference, GetCallerIdentity' },
  // STS API Reference, GetSessionToken
  // (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html): "No permissions
  // are required for users to perform this operation. The purpose of the sts:GetSessionToken
  // operation is to authenticate the user using MFA. You cannot use policies to control
  // authentication operations." IAM User Guide, Permissions for GetSessionToken
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html):
  // "You can include the GetSessionToken action in a policy, but it has no effect on a user's
  // ability to perform the GetSessionToken operation."
  {
    action: 'sts:GetSessionToken',
    source: 'AWS STS API reference, GetSessionToken; IAM User Guide, Permissions for GetSessionToken',
  },
];

const SOURCE_BY_KEY = new Map(NO_PERMISSION_ACTIONS.map((x) => [x.action.toLowerCase(), x.source]));

/** The AWS document that says `key` (lower-cased `service:action`) needs no permission, if it does. */
export function noPermissionSource(key: string): string | undefined {
  return SOURCE_BY_KEY.get(key);
}

const sets = new WeakMap<Catalog, ActionSet>();

/** The catalog's actions of NO_PERMISSION_ACTIONS, as a set (made once per catalog). */
export function noPermissionSet(catalog: Catalog): ActionSet {
  let hit = sets.get(catalog);
  if (!hit) {
    const actions = NO_PERMISSION_ACTIONS.map((x) => catalog.lookup(x.action.toLowerCase())).filter(
      (a) => a !== undefined,
    );
    sets.set(catalog, (hit = ActionSet.fromActions(actions)));
  }
  return hit;
}
