// The configuration's ignore rules applied to the findings: the findings each hides, and those an
// expired rule would hide, marked so. Pure.
import { CONFIG_PATH, type AuditConfig, type IgnoreRule } from '../config/config.js';
import { ignoreCoverage, matchesAnySelector } from '../config/select.js';
import { type Catalog } from '../policy/catalog.js';
import { compileGlob } from '../policy/glob.js';
import type { Finding, PrincipalRecord, ReportPolicy } from '../core/types.js';
import { findingPart, splitsByAction } from './findings.js';

/**
 * The configuration's ignore rules, in order. A rule that covers every action of a finding (whose
 * policy its selectors select) hides it: `ignored`, kept in the JSON report, not counted. A rule
 * that covers some of them splits it: the covered actions become an ignored finding of their own,
 * and the rest stays reported (a rule for `ec2:DescribeAddresses` against a finding of
 * `ec2:Describe*`). An expired rule hides nothing, and the findings it would hide say so. A rule
 * that matches no finding in the audited policies it selects is named in a note, to be removed
 * once its permission is gone.
 */
/**
 * Whether a rule's coverage of a finding hides something: all of it, or some of a finding split by
 * action (part of an informational missing-permission finding is not hidden).
 */
export function reaches(covered: 'all' | 'some' | 'none', kind: Finding['kind']): boolean {
  return covered === 'all' || (covered === 'some' && splitsByAction(kind));
}

export function applyIgnores(
  findings: Finding[],
  config: AuditConfig | undefined,
  now: Date,
  notes: string[],
  catalog: Catalog,
  principals: Map<string, PrincipalRecord>,
  audited: readonly ReportPolicy[],
): Finding[] {
  const rules = config?.ignore ?? [];
  if (!rules.length) return findings;
  // The principals holding each policy, for `terraform:` selectors that name a role (by id and by
  // address, where the id was made unique).
  const names = (p: PrincipalRecord) => (p.address !== undefined ? [p.id, p.address] : [p.id]);
  const holders = new Map<string, string[]>();
  for (const p of principals.values())
    for (const id of p.policyIds) holders.set(id, [...(holders.get(id) ?? []), ...names(p)]);
  const principalIdsOf = (f: Finding) => {
    const own = principals.get(f.policy);
    return own ? names(own) : holders.get(f.policy);
  };
  // The file each policy is written in (a finding may point into a file its policy reads).
  const pathOf = new Map(audited.map((p) => [p.id, p.path]));
  const used = rules.map(() => false);
  const out: Finding[] = [];
  // The findings of a role's trust policy (audit/trust.ts) and the rules said not to hide them.
  const trustPolicies = new Set(audited.filter((p) => p.kind === 'trust').map((p) => p.id));
  const isTrustFinding = (f: Finding) =>
    f.kind === 'broader-trust' ||
    f.kind === 'broader-principal' ||
    (f.kind === 'missing-condition' && trustPolicies.has(f.policy));
  const actionOnly = new Set<number>();
  const principalGlobs = rules.map((r) => (r.principal !== undefined ? compileGlob(r.principal) : undefined));
  const namesAll = (i: number, f: Finding) => f.resources.every((r) => principalGlobs[i]!.matches(r));
  for (const f of findings) {
    // A permission a plan removes is not hidden: it is gone.
    if (f.removed) {
      out.push(f);
      continue;
    }
    let rest: Finding | undefined = f;
    const principalIds = principalIdsOf(f);
    const policyPath = pathOf.get(f.policy);
    const like = (x: Finding) => ({
      actions: x.actions,
      path: x.path,
      ...(policyPath !== undefined ? { policyPath } : {}),
      ...(x.address !== undefined ? { address: x.address } : {}),
      ...(principalIds ? { principalIds } : {}),
    });
    const expired: IgnoreRule[] = [];
    // A trust finding is about principals: hidden only by a rule that names them (`principal`),
    // all of them, and whole; a rule with `principal` hides nothing else.
    const trust = isTrustFinding(f);
    for (let i = 0; i < rules.length && rest; i++) {
      const rule = rules[i]!;
      if ((rule.principal !== undefined) !== trust) {
        if (trust && !actionOnly.has(i) && ignoreCoverage(rule, like(rest), now).covered === 'all') {
          actionOnly.add(i);
          used[i] = true;
          notes.push(
            `The ignore rule for ${rule.action} (${config!.path ?? CONFIG_PATH}${rule.line ? `, line ${rule.line}` : ''}) does not hide the findings of a role's trust policy (${f.path}): they are about who may assume the role; name the principal it accepts (\`principal\`).`,
          );
        }
        continue;
      }
      if (trust && !namesAll(i, rest)) continue;
      const c = ignoreCoverage(rule, like(rest), now);
      if (trust ? c.covered !== 'all' : !reaches(c.covered, rest.kind)) continue;
      used[i] = true;
      if (c.expired) {
        expired.push(rule);
        continue;
      }
      const ignored = { reason: rule.reason, ...(rule.expires ? { expires: rule.expires } : {}) };
      if (c.covered === 'all') {
        rest.ignored = ignored;
        out.push(rest);
        rest = undefined;
        // Later rules that would have hidden it too are in use.
        for (let j = i + 1; j < rules.length; j++)
          if (!used[j] && (rules[j]!.principal !== undefined) === trust)
            used[j] =
              (!trust || namesAll(j, f)) && reaches(ignoreCoverage(rules[j]!, like(f), now).covered, f.kind);
        break;
      }
      const covered = new Set(c.actions);
      const hidden = findingPart(rest, c.actions!, catalog);
      const kept = findingPart(
        rest,
        rest.actions.filter((a) => !covered.has(a)),
        catalog,
      );
      if (!hidden || !kept) {
        notes.push(
          `The ignore rule for ${rule.action} covers ${c.actions!.length} of the ${rest.actions.length} actions of a ${rest.kind} finding in ${rest.path}, which is hidden only by a rule that covers all of them: it stays reported.`,
        );
        continue;
      }
      hidden.ignored = ignored;
      out.push(hidden);
      rest = kept;
    }
    if (!rest) continue;
    for (const rule of expired) {
      // Marked after every split, on the part that still holds actions the rule covers.
      if (ignoreCoverage(rule, like(rest), now).covered === 'none') continue;
      rest.message += ` (an ignore rule for ${rule.action} expired on ${rule.expires}: "${rule.reason}")`;
      notes.push(
        `An ignore rule for ${rule.action} expired on ${rule.expires} and no longer hides its findings.`,
      );
    }
    out.push(rest);
  }
  // A rule that matches nothing in the policies it selects that were audited (a rule for policies
  // this run did not read says nothing); a policy is selected by the files its findings point into
  // too (the JSON a `.tf` policy reads with file()).
  const filesOf = new Map<string, Set<string>>();
  for (const f of findings)
    if (pathOf.get(f.policy) !== f.path)
      (filesOf.get(f.policy) ?? filesOf.set(f.policy, new Set()).get(f.policy)!).add(f.path);
  rules.forEach((rule, i) => {
    if (used[i]) return;
    const selects = audited.some(
      (p) =>
        !rule.policies?.length ||
        [p.path, ...(filesOf.get(p.id) ?? [])].some((path) =>
          matchesAnySelector(
            rule.policies!,
            { path, ...(p.address !== undefined ? { address: p.address } : {}) },
            holders.get(p.id),
          ),
        ),
    );
    if (selects)
      notes.push(
        `The ignore rule for ${rule.action} (${config!.path ?? CONFIG_PATH}${rule.line ? `, line ${rule.line}` : ''}) matches no finding in the policies audited: remove it if its permission is gone.`,
      );
  });
  return out;
}
