// Roles, users and groups of a `.tf` module: the analyzer links them to their inline and attached
// policies (attachments, managed_policy_arns, memberships) as it does for plans; here their files
// and lines are those of the module's blocks. Their ids are their addresses (what `terraform:`
// selectors match), except where two root modules have the same address: then each is prefixed
// with its directory (principalId), so that two modules' `aws_iam_role.this` stay apart, and the
// address is kept in `address` (selectors match either).
import type { PrincipalRecord } from '../../core/types.js';
import type { Evaluated } from './module.js';

export function principalId(dir: string, address: string): string {
  return dir === '.' ? address : `${dir}/${address}`;
}

export function remapPrincipals(
  principals: PrincipalRecord[],
  byAddress: Map<string, Evaluated>,
  ids: Map<string, string>,
  fallbackFile: string,
): PrincipalRecord[] {
  for (const p of principals) {
    const ev = byAddress.get(p.id);
    p.path = ev?.file ?? fallbackFile;
    if (ev) p.line = ev.line;
    else delete p.line;
    p.policyIds = p.policyIds.map((id) => ids.get(id) ?? id);
  }
  return principals;
}
