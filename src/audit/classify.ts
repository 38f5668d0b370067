// A statement's grant classes (src/policy/grant-sets.ts) against a baseline's active sets, as set
// algebra: per class, the actions the baseline allows there (ok), and the rest split into
// leftover-set, excess-action, broader-resource and missing-condition parts, each an atom that
// stands for a set of actions. The same verdicts as evaluateUnit (src/audit/engine.ts), which
// decides action by action; that path stays as the reference the tests compare this one with.
import { arnIntersects, isAll, type ArnPattern } from '../policy/arn.js';
import { ActionSet } from '../policy/action-set.js';
import { actionOrdinal, type Catalog } from '../policy/catalog.js';
import { noPermissionSet } from '../policy/no-permission.js';
import { conditionService } from '../policy/condition.js';
import type { Condition } from '../policy/document.js';
import type { GrantClass } from '../policy/grant-sets.js';
import type { PolicyKind } from '../core/types.js';
import {
  setsNotFor,
  conditionMiss,
  conditionText,
  coversResource,
  exceptCoverOf,
  exceptOf,
  disjointFields,
  implies,
  inPartitionOf,
  joinNotes,
  notResourcePatterns,
  pairCoverage,
  reachesResource,
  resourceExactness,
  resourceNeeds,
  SET_KIND_ORDER,
  shownResources,
  UNSURE_CONDITION,
  UNSURE_RESOURCE,
  type Atom,
  type ResourceNeed,
  type CompiledBaseline,
  type Verdict,
  VERDICT_NO_PERMISSION,
} from './engine.js';

/** One (set, statement, resource) of a baseline with the actions it allows there. */
export interface SetEntry {
  /** Position in BaselineSets.entries. */
  index: number;
  set: string;
  setKind: string;
  stmtIndex: number;
  resource: ArnPattern;
  condition?: Condition;
  /** Read into the baseline (BaselineEntry.implied): allowed, never reported missing. */
  implied?: true;
  actions: ActionSet;
}

/** A baseline's entries as sets, in the order evaluateUnit reads them (set, statement, resource). */
export interface BaselineSets {
  entries: SetEntry[];
  /** Every action of every set. */
  all: ActionSet;
}

/** The entries split by a choice of active sets. */
export interface ActiveSets {
  active: SetEntry[];
  activeAll: ActionSet;
  /** Every entry: the active ones, then the inactive sets' in their order. */
  all: SetEntry[];
  /** The inactive sets, in the order a leftover picks them (setup first, then by name). */
  inactive: { set: string; kind: string; entries: SetEntry[]; actions: ActionSet }[];
  /** The active actions grouped by what a broader-resource finding says of them. */
  broader: { set: string; allowed: string[]; needs: ResourceNeed[]; actions: ActionSet }[];
  /** The actions that need no permission (src/policy/no-permission.ts): never a finding. */
  free: ActionSet;
}

const setsCache = new WeakMap<CompiledBaseline, BaselineSets>();
const activeCache = new WeakMap<CompiledBaseline, Map<string, ActiveSets>>();

export function baselineSets(baseline: CompiledBaseline, catalog: Catalog): BaselineSets {
  let hit = setsCache.get(baseline);
  if (hit) return hit;
  const setIndex = new Map(baseline.baseline.sets.map((s, i) => [s.name, i]));
  const byId = new Map<
    string,
    { e: Omit<SetEntry, 'index' | 'actions'>; order: number[]; ordinals: number[] }
  >();
  for (const [key, list] of baseline.byAction) {
    const info = catalog.lookup(key);
    const o = info ? actionOrdinal(info) : undefined;
    if (o === undefined) continue;
    for (const x of list) {
      // (a condition compared per service, conditionForService, keeps each service's entry apart)
      const scope = conditionService(x.condition);
      const id = `${x.set}\u0000${x.stmt.index}\u0000${x.resource.raw}${x.implied ? '\u0000implied' : ''}${scope === undefined ? '' : `\u0000${scope}`}`;
      let entry = byId.get(id);
      if (!entry) {
        const pos = x.stmt.resources ? Math.max(0, x.stmt.resources.indexOf(x.resource.raw)) : 0;
        entry = {
          e: {
            set: x.set,
            setKind: x.setKind,
            stmtIndex: x.stmt.index,
            resource: x.resource,
            condition: x.condition,
            ...(x.implied ? { implied: true as const } : {}),
          },
          order: [setIndex.get(x.set) ?? 0, x.stmt.index, pos],
          ordinals: [],
        };
        byId.set(id, entry);
      }
      entry.ordinals.push(o);
    }
  }
  const sorted = [...byId.values()].sort(
    (a, b) => a.order[0]! - b.order[0]! || a.order[1]! - b.order[1]! || a.order[2]! - b.order[2]!,
  );
  const entries = sorted.map((x, index) => ({ ...x.e, index, actions: ActionSet.fromOrdinals(x.ordinals) }));
  hit = { entries, all: entries.reduce((u, e) => u.union(e.actions), ActionSet.EMPTY) };
  setsCache.set(baseline, hit);
  return hit;
}

export function activeSets(
  baseline: CompiledBaseline,
  catalog: Catalog,
  sets: readonly string[],
  kind: PolicyKind = 'identity',
): ActiveSets {
  let bySets = activeCache.get(baseline);
  if (!bySets) activeCache.set(baseline, (bySets = new Map()));
  const notFor = setsNotFor(baseline, kind);
  const key = [...new Set(sets)].sort().join('\u0000') + (notFor.size ? `\u0001${kind}` : '');
  let hit = bySets.get(key);
  if (hit) return hit;
  const { entries } = baselineSets(baseline, catalog);
  const on = new Set(sets);
  const active = entries.filter((e) => on.has(e.set));
  const activeAll = active.reduce((u, e) => u.union(e.actions), ActionSet.EMPTY);
  const inactiveBySet = new Map<
    string,
    { set: string; kind: string; entries: SetEntry[]; actions: ActionSet }
  >();
  for (const e of entries) {
    if (on.has(e.set) || notFor.has(e.set)) continue;
    let s = inactiveBySet.get(e.set);
    if (!s)
      inactiveBySet.set(e.set, (s = { set: e.set, kind: e.setKind, entries: [], actions: ActionSet.EMPTY }));
    s.entries.push(e);
    s.actions = s.actions.union(e.actions);
  }
  const inactive = [...inactiveBySet.values()]
    .sort(
      (a, b) => (SET_KIND_ORDER[a.kind] ?? 3) - (SET_KIND_ORDER[b.kind] ?? 3) || a.set.localeCompare(b.set),
    )
    .map(({ set, kind, entries: es, actions }) => ({ set, kind, entries: es, actions }));
  // Per active action: the set of its first entry and the resources of all its entries.
  const firstSet = new Map<number, string>();
  const entriesOf = new Map<number, SetEntry[]>();
  for (const e of active)
    e.actions.forEach((o) => {
      if (!firstSet.has(o)) firstSet.set(o, e.set);
      (entriesOf.get(o) ?? entriesOf.set(o, []).get(o)!).push(e);
    });
  const bySignature = new Map<
    string,
    { set: string; allowed: string[]; needs: ResourceNeed[]; ordinals: number[] }
  >();
  for (const [o, set] of firstSet) {
    const es = entriesOf.get(o)!;
    const list = [...new Set(es.map((e) => e.resource.raw))].sort();
    const needs = resourceNeeds(es);
    const sig = `${set}\u0000${list.join('\u0001')}\u0000${JSON.stringify(needs)}`;
    let g = bySignature.get(sig);
    if (!g) bySignature.set(sig, (g = { set, allowed: list, needs, ordinals: [] }));
    g.ordinals.push(o);
  }
  const broader = [...bySignature.values()].map((g) => ({
    set: g.set,
    allowed: g.allowed,
    needs: g.needs,
    actions: ActionSet.fromOrdinals(g.ordinals),
  }));
  const all = [...active, ...inactive.flatMap((x) => x.entries)];
  hit = { active, activeAll, all, inactive, broader, free: noPermissionSet(catalog) };
  bySets.set(key, hit);
  return hit;
}

/**
 * The actions of `part` (and of the entry) for which the entry's resource covers the class's
 * (coversForAction): all of them when it covers the pattern, else those whose own resource types
 * it covers where the pattern reaches them.
 */
function coveredPart(e: SetEntry, g: GrantClass, part: ActionSet, notRes: boolean): ActionSet {
  const mine = part.intersect(e.actions);
  const grantExcept = notRes && exceptOf(e.resource) ? notResourcePatterns(g.notResource!) : undefined;
  if (mine.isEmpty() || coversResource(e.resource, g.resource, notRes, grantExcept)) return mine;
  if (notRes) {
    // Per action: the baseline's excluded patterns that name none of its resource types are left out.
    const except = exceptOf(e.resource);
    if (!except || !grantExcept) return ActionSet.EMPTY;
    const kept: number[] = [];
    mine.forEach((o) => {
      if (exceptCoverOf(except, grantExcept, o) === 'yes') kept.push(o);
    });
    return kept.length === mine.size ? mine : ActionSet.fromOrdinals(kept);
  }
  const pair = pairCoverage(e.resource, g.resource)!;
  const kept: number[] = [];
  mine.forEach((o) => {
    if (pair.of(o) === 'yes') kept.push(o);
  });
  return kept.length === mine.size ? mine : ActionSet.fromOrdinals(kept);
}

/**
 * The actions of `part` grouped by the resources the entries allow each of them on (sorted, joined
 * with `, `, as engine.ts's reference path writes them), in order of first action.
 */
function byAllowed(entries: readonly SetEntry[], part: ActionSet): Map<string, ActionSet> {
  const byOrdinal = new Map<number, string[]>();
  for (const e of entries)
    e.actions.intersect(part).forEach((o) => {
      const list = byOrdinal.get(o);
      if (list) list.push(e.resource.raw);
      else byOrdinal.set(o, [e.resource.raw]);
    });
  const groups = new Map<string, number[]>();
  for (const [o, list] of [...byOrdinal].sort((a, b) => a[0] - b[0])) {
    const key = shownResources([...new Set(list)].sort());
    const g = groups.get(key);
    if (g) g.push(o);
    else groups.set(key, [o]);
  }
  return new Map([...groups].map(([k, os]) => [k, ActionSet.fromOrdinals(os)]));
}

/** A part of a grant class and what the baseline says of it. */
export interface Piece {
  cls: GrantClass;
  actions: ActionSet;
  /** What the baseline says of it: the verdicts of the reference path (engine.ts). */
  verdict: Verdict;
}

/**
 * Classifies a grant class: its pieces (ok ones included, for the minimal policy) and, for the
 * parts beyond the baseline, the atoms. `unitNote` makes every atom approximate. `free`: the
 * actions that need no permission granted where the baseline does not allow them (no atom: the
 * caller says so in the report's notes).
 */
export function classify(
  cls: GrantClass,
  sets: ActiveSets,
  unitNote: string | undefined,
  member: number,
): { pieces: Piece[]; atoms: Atom[]; free: ActionSet } {
  const pieces: Piece[] = [];
  const atoms: Atom[] = [];
  const g = cls;
  const notRes = g.notResource !== undefined;
  let ok = ActionSet.EMPTY;
  let coverAny = ActionSet.EMPTY;
  // Entries that cover some of the grant's actions without its condition, with those actions.
  const unknownEntries: { e: SetEntry; part: ActionSet }[] = [];
  const noEntries: { e: SetEntry; part: ActionSet }[] = [];
  // (An entry meets the grant's actions only where the active sets' union does.)
  if (g.actions.intersects(sets.activeAll))
    for (const e of sets.active) {
      if (!e.actions.intersects(g.actions)) continue;
      const part = coveredPart(e, g, g.actions, notRes);
      if (part.isEmpty()) continue;
      coverAny = coverAny.union(part);
      const c = implies(g.condition, e.condition);
      if (c === 'yes') ok = ok.union(part);
      else if (c === 'unknown') unknownEntries.push({ e, part });
      else noEntries.push({ e, part });
    }
  const okPart = g.actions.intersect(ok);
  if (!okPart.isEmpty()) pieces.push({ cls: g, actions: okPart, verdict: { kind: 'ok' } });
  let rest = g.actions.minus(ok);
  // An action that needs no permission, granted beyond the baseline: granting it changes nothing,
  // so no atom (the minimal policy leaves it out, as it leaves out all the baseline does not allow).
  let free = ActionSet.EMPTY;
  if (rest.intersects(sets.free)) {
    free = rest.intersect(sets.free);
    pieces.push({ cls: g, actions: free, verdict: VERDICT_NO_PERMISSION });
    rest = rest.minus(free);
  }
  if (rest.isEmpty()) return { pieces, atoms, free };

  const resourceText = notRes ? `NotResource: ${g.notResource!.join(', ')}` : g.resource.raw;
  const approximate = joinNotes(g.approximate, unitNote);
  // The actions of `rest` some entry's coverage of the resource was not decided exactly for
  // (coverage: `unsure`, read as not covered): their atoms say so (UNSURE_RESOURCE), as the
  // reference path's do.
  let unsureActs = ActionSet.EMPTY;
  if (!notRes)
    for (const e of sets.all) {
      if (!e.actions.intersects(rest)) continue;
      const pair = pairCoverage(e.resource, g.resource);
      if (!pair) continue;
      const hit: number[] = [];
      e.actions.intersect(rest).forEach((o) => {
        if (pair.of(o) === 'unsure') hit.push(o);
      });
      if (hit.length) unsureActs = unsureActs.union(ActionSet.fromOrdinals(hit));
    }
  const unsureNote = joinNotes(approximate, UNSURE_RESOURCE);
  // Every atom of this path has the same fields in the same order (undefined where it has no
  // value): one shape, so the code that reads them (groupAtoms) stays optimised, and never a
  // `delete`, which would turn an atom into a dictionary.
  const push = (
    kind: Atom['kind'],
    actions: ActionSet,
    extra: { set?: string; detail?: string; need?: string; note?: string },
    base: string | undefined,
  ): void => {
    atoms.push({
      kind,
      member,
      stmt: g.stmt,
      actions,
      resource: resourceText,
      set: extra.set,
      detail: extra.detail,
      need: extra.need,
      approximate: joinNotes(base, extra.note),
    });
  };
  const atom = (
    kind: Atom['kind'],
    actions: ActionSet,
    extra: { set?: string; detail?: string; need?: string; note?: string } = {},
  ): void => {
    if (!unsureActs.isEmpty() && actions.intersects(unsureActs)) {
      const plain = actions.minus(unsureActs);
      if (!plain.isEmpty()) push(kind, plain, extra, approximate);
      push(kind, actions.intersect(unsureActs), extra, unsureNote);
    } else push(kind, actions, extra, approximate);
  };
  // The leftover-set atoms of `hit` (actions the inactive set `set` has), split by the condition
  // the set grants them under where the grant keeps to none of its entries' (`entries`: with the
  // part of `hit` each covers, in the baseline's order), as unmetCondition decides per action: an
  // entry without a condition or with one the grant implies leaves no caveat; else the first
  // entry the grant cannot be compared with, else the first.
  const leftoverAtoms = (
    set: string,
    hit: ActionSet,
    entries: readonly { e: SetEntry; part: ActionSet }[],
    detail?: string,
  ): void => {
    let met = ActionSet.EMPTY;
    const unsure: { e: SetEntry; part: ActionSet }[] = [];
    const no: { e: SetEntry; part: ActionSet }[] = [];
    for (const x of entries) {
      const part = x.part.intersect(hit);
      if (part.isEmpty()) continue;
      const c = implies(g.condition, x.e.condition);
      if (c === 'yes') met = met.union(part);
      else (c === 'unknown' ? unsure : no).push({ e: x.e, part });
    }
    const open = hit.minus(met);
    const plain = hit.minus(open);
    if (!plain.isEmpty()) atom('leftover-set', plain, { set, detail });
    byUnmetEntry(open, unsure, no, (e, h, unknown) =>
      atom('leftover-set', h, {
        set,
        detail,
        need: conditionText(e.condition!),
        note: unknown ? UNSURE_CONDITION : undefined,
      }),
    );
  };
  // Leftover: the part an inactive set grants on this resource (the first such set in pick order;
  // of optional sets that both grant an action here, the one whose entry names the resource most
  // exactly, then whose condition the grant keeps to: see resourceExactness, and pickInactive in
  // engine.ts).
  const leftover = (part: ActionSet): ActionSet => {
    for (let i = 0; i < sets.inactive.length; i++) {
      const s = sets.inactive[i]!;
      if (part.isEmpty()) break;
      if (!s.actions.intersects(part)) continue;
      let cover = ActionSet.EMPTY;
      const covering: { e: SetEntry; part: ActionSet }[] = [];
      for (const e of s.entries) {
        if (!e.actions.intersects(part)) continue;
        const mine = coveredPart(e, g, part, notRes);
        if (mine.isEmpty()) continue;
        cover = cover.union(mine);
        covering.push({ e, part: mine });
      }
      let hit = part.intersect(cover);
      if (hit.isEmpty()) continue;
      if (s.kind === 'optional') {
        hit = contested(i, hit);
        if (hit.isEmpty()) continue;
      }
      leftoverAtoms(s.set, hit, covering);
      pieces.push({ cls: g, actions: hit, verdict: { kind: 'leftover-set', set: s.set } });
      part = part.minus(hit);
    }
    return part;
  };
  // The actions of `hit` (covered by the i-th inactive set, optional) that no later optional set
  // covers with a more exact entry, or with one as exact under a condition the grant keeps to where
  // s's entries are not kept to (rare: two features that grant the same actions).
  const contested = (i: number, hit: ActionSet): ActionSet => {
    const s = sets.inactive[i]!;
    let rest = hit;
    for (let j = i + 1; j < sets.inactive.length; j++) {
      const o = sets.inactive[j]!;
      if (o.kind !== s.kind) break;
      if (!o.actions.intersects(rest)) continue;
      for (const e of o.entries) {
        if (!e.actions.intersects(rest)) continue;
        const theirs = coveredPart(e, g, rest, notRes);
        if (theirs.isEmpty()) continue;
        const rank = resourceExactness(e.resource, g.resource);
        const miss = conditionMiss(g.condition, e.condition);
        // Of their actions, those an entry of s covers at least as exactly, and when as exactly,
        // under a condition the grant keeps to if it keeps to theirs (s keeps them: pickInactive).
        let mine = ActionSet.EMPTY;
        for (const m of s.entries) {
          if (!m.actions.intersects(theirs)) continue;
          const mr = resourceExactness(m.resource, g.resource);
          if (mr > rank || (mr === rank && conditionMiss(g.condition, m.condition) > miss)) continue;
          mine = mine.union(coveredPart(m, g, theirs, notRes));
        }
        rest = rest.minus(theirs.minus(mine));
        if (rest.isEmpty()) return rest;
      }
    }
    return rest;
  };

  // The actions of `hit` (the i-th inactive set's, optional, granted beyond its resources) that
  // no later optional set grants under a condition the grant keeps to where the i-th grants them
  // under none it keeps to (the feature the grant is reported against: see engine.ts).
  const keptElsewhere = (i: number, hit: ActionSet): ActionSet => {
    const s = sets.inactive[i]!;
    let mine: ActionSet | undefined;
    let rest = hit;
    for (let j = i + 1; j < sets.inactive.length; j++) {
      const o = sets.inactive[j]!;
      if (o.kind !== s.kind) break;
      if (!o.actions.intersects(rest)) continue;
      for (const e of o.entries) {
        if (!e.actions.intersects(rest) || conditionMiss(g.condition, e.condition) !== 0) continue;
        mine ??= s.entries
          .filter((m) => conditionMiss(g.condition, m.condition) === 0)
          .reduce((u, m) => u.union(m.actions), ActionSet.EMPTY);
        rest = rest.minus(e.actions.minus(mine));
        if (rest.isEmpty()) return rest;
      }
    }
    return rest;
  };

  // No active entry at all: leftover, else excess (saying which inactive set has it elsewhere).
  let none = leftover(rest.minus(sets.activeAll));
  if (!none.isEmpty()) {
    let excess = none;
    for (let i = 0; i < sets.inactive.length; i++) {
      const s = sets.inactive[i]!;
      let hit = none.intersect(s.actions);
      if (hit.isEmpty()) continue;
      if (s.kind === 'optional') {
        hit = keptElsewhere(i, hit);
        if (hit.isEmpty()) continue;
      }
      none = none.minus(hit);
      if (s.kind !== 'optional') {
        atom('excess-action', hit, { detail: s.set });
        continue;
      }
      // An optional feature's actions on broader resources than the feature's: reported against
      // the feature (keep them only if it is used, on its resources), by the resources it allows.
      excess = excess.minus(hit);
      const own = s.entries.map((e) => ({ e, part: e.actions }));
      for (const [allowed, part] of byAllowed(s.entries, hit)) {
        leftoverAtoms(s.set, part, own, allowed);
        pieces.push({ cls: g, actions: part, verdict: { kind: 'leftover-set', set: s.set } });
      }
    }
    if (!excess.isEmpty()) pieces.push({ cls: g, actions: excess, verdict: { kind: 'excess-action' } });
    if (!none.isEmpty()) atom('excess-action', none);
  }
  rest = rest.intersect(sets.activeAll);
  if (rest.isEmpty()) return { pieces, atoms, free };

  // Active entries, none on this resource: broader-resource where an active entry of the action
  // reaches the resource (the active sets need it there: narrowed, whatever an inactive set also
  // allows on it), else leftover, else broader-resource.
  const uncovered = rest.minus(coverAny);
  let reached = ActionSet.EMPTY;
  if (!uncovered.isEmpty())
    for (const e of sets.active)
      if (e.actions.intersects(uncovered) && reachesResource(e.resource, g.resource, notRes))
        reached = reached.union(e.actions.intersect(uncovered));
  const notCovered = leftover(uncovered.minus(reached)).union(reached);
  if (!notCovered.isEmpty())
    for (const b of sets.broader) {
      const hit = notCovered.intersect(b.actions);
      if (hit.isEmpty()) continue;
      atom('broader-resource', hit, { set: b.set, detail: shownResources(b.allowed) });
      pieces.push({
        cls: g,
        actions: hit,
        verdict: { kind: 'broader-resource', allowed: b.allowed, needs: b.needs },
      });
    }

  // Covered without the condition: the first entry the grant cannot be compared with, else the first.
  byUnmetEntry(rest.intersect(coverAny), unknownEntries, noEntries, (e, hit, unsure) => {
    atom('missing-condition', hit, {
      set: e.set,
      detail: conditionText(e.condition!),
      note: unsure ? UNSURE_CONDITION : undefined,
    });
    pieces.push({
      cls: g,
      actions: hit,
      verdict: { kind: 'missing-condition', need: e.condition!, approximate: unsure },
    });
  });
  return { pieces, atoms, free };
}

/**
 * Hands each entry whose condition a grant does not keep to the part of `open` it is the first to
 * cover: first the entries the grant cannot be compared with (`unsure`: true), then those it does
 * not keep to, each in order (missing-condition, and a leftover's caveat).
 */
function byUnmetEntry<E>(
  open: ActionSet,
  unsure: readonly { e: E; part: ActionSet }[],
  no: readonly { e: E; part: ActionSet }[],
  each: (e: E, part: ActionSet, unsure: boolean) => void,
): void {
  let left = open;
  for (const [list, unknown] of [
    [unsure, true],
    [no, false],
  ] as const)
    for (const { e, part } of list) {
      if (left.isEmpty()) return;
      const hit = left.intersect(part);
      if (hit.isEmpty()) continue;
      left = left.minus(hit);
      each(e, hit, unknown);
    }
}

/**
 * What the classes grant of each baseline entry on a resource the entry's resource meets: for
 * missing-permission, by entry index. A NotResource grant and `*` meet every resource.
 */
const NO_SETS: ReadonlySet<string> = new Set();

export function grantedByEntry(
  classes: readonly { actions: ActionSet; resource: ArnPattern; notResource?: string[] }[],
  sets: BaselineSets,
  into: Map<number, ActionSet> = new Map(),
  /**
   * The sets the granting policy's kind does not hold (setsNotFor): what it grants does not count
   * for them (an identity policy's s3:DeleteObject is not the root bucket policy's grant to the
   * vendor's account; a review).
   */
  notFor: ReadonlySet<string> = NO_SETS,
): Map<number, ActionSet> {
  for (const c of classes) {
    if (!c.actions.intersects(sets.all)) continue;
    for (const e of sets.entries) {
      if (notFor.size && notFor.has(e.set)) continue;
      const hit = e.actions.intersect(c.actions);
      if (hit.isEmpty()) continue;
      // (in the policy's own partition: a GovCloud grant meets the vendor's `arn:aws:` entry there)
      const r = c.notResource ? c.resource : inPartitionOf(e.resource, c.resource);
      if (!(c.notResource || isAll(r) || isAll(e.resource) || arnIntersects(e.resource, r))) continue;
      // (every resource but a list: not met by a grant within one of them)
      if (!c.notResource && exceptOf(e.resource) && !reachesResource(e.resource, r, false)) continue;
      // Two patterns that meet only through a `*` reaching past a colon (`arn:aws:ec2:*:A:volume/*`
      // and `…:instance/*`) name no common resource: the grant does not count for the entry.
      if (!c.notResource && disjointFields(e.resource, r)) continue;
      if (hit.isEmpty()) continue;
      const had = into.get(e.index);
      into.set(e.index, had ? had.union(hit) : hit);
    }
  }
  return into;
}
