// Which sets of a baseline a unit is held to: the assigned sets, with each choice of alternatives
// resolved to the one the unit implements, plus the optional sets (features) it grants as
// documented. Decided once per unit, before the unit is evaluated; the evaluation itself
// (engine.ts, memo.ts) is unchanged and sees the result as the unit's active sets.
//
// - Alternatives (sets with the same `choice`, such as Lightly's minimum, delegated and user
//   access) are chosen, not stacked: unless the sets were chosen explicitly, the unit is evaluated
//   against each alternative in place of the assigned one, and the alternative with the fewest
//   removable findings wins (then the fewest missing permissions, then the assigned one).
// - An optional set is a feature. It is taken as in use when the unit grants every action
//   pattern of the set: the pattern is written as the vendor writes it (`s3:*` in Lightly's
//   restrict-IP example), or its action (all of its actions, for a wildcard) is granted by
//   statements that name actions rather than whole services (`ec2:*`, `*` and NotAction are no evidence of a feature). A feature
//   in use is active: grants within it are fine, broader or unconditioned ones are reported
//   against the feature; a partial grant leaves the set inactive, reported as that feature's.
import type { PolicyKind } from '../types.js';
import type { GrantBuilder } from '../policy/grants.js';
import {
  evaluateUnit,
  missingPermissions,
  REMOVABLE_KINDS,
  type CompiledBaseline,
  type Unit,
  type UnitMember,
} from './engine.js';

export interface SetChoice {
  /** The sets the unit is held to: the chosen ones and the features in use. */
  sets: string[];
  /** Optional sets taken as in use (also in `sets`). */
  features: string[];
  /** Why, in words, for the report's detection evidence. */
  evidence: string[];
}

/** A statement that grants whole services (or everything): no evidence that a feature is used. */
function isBroad(stmt: { actions?: string[]; notActions?: string[] }): boolean {
  if (stmt.notActions) return true;
  return (stmt.actions ?? []).some((p) => {
    const t = p.trim();
    return t === '*' || t.endsWith(':*');
  });
}

export function chooseSets(
  baseline: CompiledBaseline,
  assigned: string[],
  members: UnitMember[],
  kind: PolicyKind,
  builder: GrantBuilder,
  options: { explicit?: boolean } = {},
): SetChoice {
  const b = baseline.baseline;
  const evidence: string[] = [];
  let sets = [...assigned];

  // Alternatives.
  const choices = new Map<string, string[]>();
  for (const s of b.sets)
    if (s.choice) (choices.get(s.choice) ?? choices.set(s.choice, []).get(s.choice)!).push(s.name);
  if (!options.explicit && choices.size > 0 && kind !== 'trust') {
    for (const [choice, names] of choices) {
      const current = sets.filter((n) => names.includes(n));
      if (current.length !== 1 || names.length < 2) continue;
      const rest = sets.filter((n) => !names.includes(n));
      const score = (alt: string) => {
        const active = [...rest, alt];
        const unit: Unit = { id: '', kind, members, baseline, activeSets: active };
        const result = evaluateUnit(unit, builder);
        let removable = 0;
        for (const a of result.atoms) if (REMOVABLE_KINDS.has(a.kind)) removable++;
        const missing = missingPermissions(
          baseline,
          [alt],
          { has: (k) => result.grantedHas?.(k) ?? result.granted.has(k) },
          builder,
        ).length;
        return { alt, removable, missing };
      };
      const scored = names.map(score);
      const first = scored.find((x) => x.alt === current[0])!;
      let best = first;
      for (const x of scored)
        if (x.removable < best.removable || (x.removable === best.removable && x.missing < best.missing))
          best = x;
      if (best !== first) {
        sets = [...rest, best.alt];
        evidence.push(
          `sets: the policy implements "${best.alt}" (${best.removable} permission${best.removable === 1 ? '' : 's'} beyond it), not "${first.alt}" (${first.removable}); alternatives of choice "${choice}" are chosen, not stacked`,
        );
      }
    }
  }

  // Optional sets in use.
  const optional = b.sets.filter((s) => s.kind === 'optional' && !sets.includes(s.name));
  const features: string[] = [];
  if (optional.length > 0 && kind !== 'trust') {
    const written = new Set<string>();
    const specific = new Set<string>();
    for (const m of members)
      for (const stmt of m.doc.statements) {
        if (stmt.effect !== 'Allow') continue;
        for (const p of stmt.actions ?? []) written.add(p.trim().toLowerCase());
        if (isBroad(stmt)) continue;
        for (const a of builder.statementActions(stmt).actions) specific.add(a.key);
      }
    for (const s of optional) {
      let patterns = 0;
      let granted = 0;
      for (const stmt of baseline.setStatements.get(s.name) ?? []) {
        for (const p of stmt.actions ?? []) {
          const hits = builder.catalog
            .expand(p)
            .filter((a) =>
              baseline.byAction.get(a.key)?.some((e) => e.set === s.name && e.stmt.index === stmt.index),
            );
          if (!hits.length) continue;
          patterns++;
          // A wildcard of the vendor's (`s3:*` with a condition) is evidence only when written the
          // same way or granted whole: one S3 action is not the use of an `s3:*` feature.
          const wildcard = p.includes('*') || p.includes('?');
          if (
            written.has(p.trim().toLowerCase()) ||
            (wildcard ? hits.every((a) => specific.has(a.key)) : hits.some((a) => specific.has(a.key)))
          )
            granted++;
        }
      }
      if (patterns > 0 && granted === patterns) {
        features.push(s.name);
        evidence.push(
          `optional feature "${s.name}" in use: the policy grants each of its ${patterns} action pattern${patterns === 1 ? '' : 's'}`,
        );
      }
    }
  }
  return { sets: [...sets, ...features], features, evidence };
}
