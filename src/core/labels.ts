// How a report names a policy: shared by the audit's notes and the renderers.

/**
 * The address a report shows for a policy: its resource address, and the part of its id that
 * tells apart policies of one resource (a role's `assume_role_policy` and each
 * `inline_policy[name]`), which would otherwise print alike.
 */
export function addressLabel(p: { id: string; path: string; address?: string }): string | undefined {
  if (!p.address) return undefined;
  const head = `${p.path}#${p.address}#`;
  return p.id.startsWith(head) && p.id.length > head.length
    ? `${p.address} ${p.id.slice(head.length).split('#').join(' ')}`
    : p.address;
}
