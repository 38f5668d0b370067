// Groups a unit's atoms (kind, action, resource, set) into the findings people read: one finding per
// statement and kind (a wildcard stays one finding), the riskiest actions named as examples, and the
// message in words that say which set or feature it is about. Pure.

import { ActionSet } from '../policy/action-set.js';
import { actionOfOrdinal, actionOrdinal, type ActionInfo, type Catalog } from '../policy/catalog.js';
import { compressActions, noteActionList } from '../policy/compress.js';
import { actionMatcher } from '../policy/glob.js';
import { statementLabel, type Statement } from '../policy/document.js';
import type { GrantSets } from '../policy/grant-sets.js';
import type { BaselineSet, Finding } from '../core/types.js';
import { UNSURE_CONDITION, type Atom, type Unit, type UnitMember } from './engine.js';
import { findingSeverity, maxActionSeverity, maxSetSeverity, riskScore } from './severity.js';
import { KIND_INFO } from './kinds.js';
import { copyFinding, keepActionSet } from './finding-set.js';
import { flatString } from '../core/memory.js';

export interface GroupOptions {
  unit: Unit;
  /** The catalog the actions come from (lets large groups sort their names in linear time). */
  catalog?: Catalog;
  /** Keys of atoms that are new (in a PR or a plan); undefined when there is no base. */
  isNew?: (a: Atom) => boolean | undefined;
  removed?: boolean;
  /** The statements' action sets, by pattern (lets a message name its patterns by set algebra). */
  sets: GrantSets;
}

export function memberLine(m: UnitMember, stmt?: Statement): number | undefined {
  if (stmt && m.record.statementLines?.[stmt.index]) return m.record.statementLines[stmt.index];
  return m.record.line;
}

/** The file a statement is written in: the policy's own, or another file of its module. */
export function memberPath(m: UnitMember, stmt?: Statement): string {
  return (stmt && m.record.statementFiles?.[stmt.index]) || m.record.path;
}

const EXAMPLES = 5;

/** Atoms remembered per statement by groupAtoms for a comparison without a key. */
const REMEMBERED = 8;

export function groupAtoms(atoms: Atom[], opts: GroupOptions): Finding[] {
  const { unit } = opts;
  type Group = { atoms: Atom[]; isNew?: boolean };
  const groups = new Map<string, Group>();
  // The group of an atom is found by its key; keys are remembered per statement with the fields
  // they were made from, so an atom whose fields all equal a remembered one's (the other actions
  // of the statement) goes to that group without building its key again.
  type Seen = { a: Atom; isNew: boolean | undefined; group: Group };
  const seen = new Map<Statement | number, Seen[]>();
  const same = (x: Atom, xNew: boolean | undefined, s: Seen) =>
    x.kind === s.a.kind &&
    x.member === s.a.member &&
    x.stmt === s.a.stmt &&
    x.set === s.a.set &&
    x.detail === s.a.detail &&
    x.need === s.a.need &&
    x.approximate === s.a.approximate &&
    x.pattern === s.a.pattern &&
    x.message === s.a.message &&
    xNew === s.isNew;
  let last: Seen | undefined;
  for (const a of atoms) {
    const isNew = opts.isNew?.(a);
    if (last !== undefined && same(a, isNew, last)) {
      last.group.atoms.push(a);
      continue;
    }
    const where = a.stmt ?? a.member;
    let list = seen.get(where);
    // A few remembered atoms per statement are compared field by field; past that (a NotAction
    // statement has hundreds of broader-resource groups, one per allowed-resource list) the key is
    // built and looked up, so the work per atom stays bounded.
    let hit = list?.find((s) => same(a, isNew, s));
    if (!hit) {
      const stmtKey = a.stmt ? `${a.member}:${a.stmt.index}` : `${a.member}`;
      const key = [
        a.kind,
        stmtKey,
        a.set ?? '',
        a.kind === 'broader-resource' ||
        a.kind === 'missing-condition' ||
        a.kind === 'missing-deny' ||
        a.kind === 'leftover-set'
          ? (a.detail ?? '')
          : '',
        a.kind === 'missing-permission' ? a.detail : '',
        a.kind === 'leftover-set' || a.kind === 'missing-deny' ? (a.need ?? '') : '',
        a.approximate ?? '',
        isNew === undefined ? '' : String(isNew),
        a.kind === 'unknown-action' || a.kind === 'invalid-policy' ? (a.pattern ?? a.message ?? '') : '',
      ].join('\u0000');
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { atoms: [], isNew }));
      hit = { a, isNew, group: g };
      if (!list) seen.set(where, (list = [hit]));
      else if (list.length < REMEMBERED) list.push(hit);
    }
    hit.group.atoms.push(a);
    last = hit;
  }
  const findings: Finding[] = [];
  const baselineId = unit.baseline.baseline.id;
  for (const { atoms: list, isNew } of groups.values()) {
    const first = list[0]!;
    const member = unit.members[first.member] ?? unit.members[0]!;
    const patterns = list.filter((a) => !a.action && !a.actions && a.pattern).map((a) => a.pattern!);
    const union = list.some((a) => a.actions) ? unionOf(list) : undefined;
    const ranked =
      first.kind !== 'unknown-action' &&
      patterns.length === 0 &&
      opts.catalog &&
      (union ? union.size : list.length) >= RANK_SORT_FROM
        ? union
          ? rankedSet(union, opts.catalog)
          : rankedActions(list, opts.catalog)
        : undefined;
    // A large set's actions are read off the set, not listed (a NotAction finding has some 22,000).
    const bySet = ranked?.set;
    const actionsInfo = bySet
      ? undefined
      : ranked
        ? ranked.infos!
        : union
          ? union.actions()
          : uniqueActions(list);
    const count = bySet ? bySet.size : actionsInfo!.length;
    const exampleText = () =>
      ranked ? rankedExamples(ranked, opts.catalog!) : examples(actionsInfo!, opts.catalog);
    // A set's names are not made (see finding-set.ts): read when needed, from the set.
    const actions = bySet
      ? undefined
      : first.kind === 'unknown-action'
        ? [first.pattern!]
        : ranked
          ? ranked.names!
          : union && patterns.length === 0 && opts.catalog
            ? (namesInOrder(actionsInfo!, opts.catalog) ?? sortedNames(actionsInfo!, patterns))
            : sortedNames(actionsInfo!, patterns);
    const names = () => actions ?? setNames(bySet!, opts.catalog!);
    const resources = uniqueSorted(list);
    const onAll = resources.some((r) => r === '*' || r.startsWith('NotResource'));
    const severity =
      KIND_INFO[first.kind].severityRule === 'by-actions'
        ? bySet
          ? maxSetSeverity(bySet, onAll)
          : maxActionSeverity(actionsInfo!, onAll)
        : findingSeverity(first.kind, []);
    const statement = first.stmt ? statementLabel(first.stmt) : undefined;
    const line = memberLine(member, first.stmt);
    const address = member.record.address;
    const levels = bySet ? setAccessLevels(bySet, opts.catalog!) : accessLevels(actionsInfo!);
    const message = flatString(
      findingMessage(
        first,
        list,
        count,
        unit,
        opts.removed === true,
        names,
        exampleText,
        opts.catalog,
        grantsOf(first, opts.sets, () => bySet ?? union ?? ActionSet.fromActions(actionsInfo!)),
        unit.scope && first.stmt && namesBeyond(first.stmt, unit.scope.actions, opts.sets)
          ? unit.scope.note
          : undefined,
      ),
    );
    // The fields that have a value, in the order a finding's keys are written; built without
    // `delete`, which would leave the object (and every copy made of it) in dictionary mode.
    const feature = first.kind === 'missing-permission' ? undefined : featureOf(unit, first);
    const choice = first.kind === 'leftover-set' ? alternativeOf(unit, first)?.choice : undefined;
    const remediation = setRemediation(unit, first);
    // Every field, in the order a finding's keys are written, undefined where it has no value: the
    // findings of the engine have one shape (a set's `actions` is then made an accessor), which
    // keeps the code that reads them optimised; JSON leaves the undefined ones out. Never `delete`.
    const f: Finding = {
      kind: first.kind,
      severity,
      policy: unit.id,
      statement,
      actions: actions ?? [],
      resources,
      set: first.set,
      baseline: baselineId,
      path: memberPath(member, first.stmt),
      line,
      address,
      accessLevels: levels.length ? levels : undefined,
      approximate: first.approximate,
      message,
      feature: feature ? feature.name : undefined,
      choice,
      remediation: remediation || undefined,
      new: isNew,
      removed: opts.removed ? true : undefined,
    };
    if (!actions) keepActionSet(f, bySet!, (set) => setNames(set, opts.catalog!));
    findings.push(f);
  }
  return findings;
}

/**
 * Whether the i-th pattern of the finding's statement grants some of its actions: its part of the
 * statement's set (GrantSets keeps each pattern's set) meets the finding's set, a test of a few
 * words. (Only an Action list's patterns are asked about: see findingMessage.)
 */
function grantsOf(
  first: Atom,
  sets: GrantSets,
  findingSet: () => ActionSet,
): (pattern: string, i: number) => boolean {
  const parts = first.stmt?.actions ? sets.statementSet(first.stmt).parts : undefined;
  let set: ActionSet | undefined;
  return (_p, i) => {
    const part = parts?.[i];
    return part !== undefined && part.intersects((set ??= findingSet()));
  };
}

/** Whether a statement names actions beyond a scope (those its policy cannot grant). */
function namesBeyond(stmt: Statement, scope: ActionSet, sets: GrantSets): boolean {
  return !sets.statementSet(stmt).actions.minus(scope).isEmpty();
}

/** The actions of set atoms and single ones together. */
function unionOf(atoms: Atom[]): ActionSet {
  let union = ActionSet.EMPTY;
  const singles: ActionInfo[] = [];
  for (const a of atoms) {
    if (a.actions) union = union.union(a.actions);
    else if (a.action) singles.push(a.action);
  }
  return singles.length ? union.union(ActionSet.fromActions(singles)) : union;
}

/** Catalog.fullNameOrder().byName's names, in one array (no action object read per name). */
const fullNamesByCatalog = new WeakMap<Catalog, readonly string[]>();

function fullNames(catalog: Catalog): readonly string[] {
  let names = fullNamesByCatalog.get(catalog);
  if (!names) {
    names = catalog.fullNameOrder().byName.map((a) => a.full);
    fullNamesByCatalog.set(catalog, names);
  }
  return names;
}

/** Marks over a catalog's full-name order, shared by rankedSet and rankedActions: all zero between calls. */
let scratchMarks = new Uint8Array(0);

function marksFor(length: number): Uint8Array {
  if (scratchMarks.length < length) scratchMarks = new Uint8Array(length);
  return scratchMarks;
}

/** The `count` marked names in order, clearing the marks. */
function markedNames(marks: Uint8Array, catalog: Catalog, count: number): string[] {
  const full = fullNames(catalog);
  const names = new Array<string>(count);
  let k = 0;
  for (let i = 0; i < full.length && k < count; i++)
    if (marks[i]) {
      names[k++] = full[i]!;
      marks[i] = 0;
    }
  return names;
}

/** rankedActions for a set of catalog actions: the set itself (its names are made by setNames). */
function rankedSet(set: ActionSet, catalog: Catalog): RankedActions | undefined {
  const { position, dense } = catalog.fullNameOrder();
  if (dense && set.within(dense.from, dense.to)) return { set };
  return set.some((o) => position[o] === undefined) ? undefined : { set };
}

/**
 * The canonical names of a set of catalog actions (each with a place in the catalog's full-name
 * order: rankedSet checked), in code-unit order. Registered with compressActions.
 */
function setNames(set: ActionSet, catalog: Catalog): string[] {
  const order = catalog.fullNameOrder();
  const marks = marksFor(order.byName.length);
  set.forEach((o) => {
    marks[order.position[o]!] = 1;
  });
  const names = markedNames(marks, catalog, set.size);
  noteActionList(names, set, catalog);
  return names;
}

function uniqueActions(atoms: Atom[]): ActionInfo[] {
  const m = new Map<string, ActionInfo>();
  for (const a of atoms) if (a.action) m.set(a.action.key, a.action);
  return [...m.values()];
}

/** The atoms' resources, deduplicated and sorted. */
function uniqueSorted(atoms: Atom[]): string[] {
  const set = new Set<string>();
  let last: string | undefined;
  for (const a of atoms) {
    const r = a.resource;
    if (r === undefined || r === last) continue;
    set.add(r);
    last = r;
  }
  const list = [...set];
  return list.length > 1 ? list.sort() : list;
}

/** accessLevels of a set's actions (the walk stops once every level of the catalog is seen). */
function setAccessLevels(set: ActionSet, catalog: Catalog): string[] {
  return levelsOf((visit) => set.some((o) => visit(actionOfOrdinal(o))), catalog.accessLevelNames().length);
}

/** The access levels of the actions, deduplicated and sorted. */
function accessLevels(actions: ActionInfo[]): string[] {
  return levelsOf((visit) => actions.some(visit));
}

/**
 * The access levels of the actions `each` visits, deduplicated and sorted; a visit returns true
 * once `every` levels are seen (a NotAction finding has some 22,000 actions, of a few levels).
 */
function levelsOf(each: (visit: (a: ActionInfo) => boolean) => void, every = Infinity): string[] {
  const seen: string[] = [];
  let last: readonly string[] | undefined;
  each((a) => {
    const levels = a.levels;
    if (levels === last) return false;
    last = levels;
    for (let j = 0; j < levels.length; j++) if (!seen.includes(levels[j]!)) seen.push(levels[j]!);
    return seen.length === every;
  });
  // A few levels at most: sorted in place (code-unit order, as sort() would), without sort's copy.
  for (let i = 1; i < seen.length; i++) {
    const v = seen[i]!;
    let j = i - 1;
    for (; j >= 0 && seen[j]! > v; j--) seen[j + 1] = seen[j]!;
    seen[j + 1] = v;
  }
  return sharedLevels(seen);
}

/**
 * One frozen list per combination of access levels, shared by the findings that have it: there
 * are a few dozen combinations at most, and a list of its own (grown by push) took some 180 bytes
 * a finding.
 */
const LEVEL_LISTS = new Map<string, string[]>();

function sharedLevels(levels: string[]): string[] {
  const key = levels.length === 1 ? levels[0]! : levels.join('\u0000');
  let shared = LEVEL_LISTS.get(key);
  if (!shared) LEVEL_LISTS.set(key, (shared = Object.freeze(levels.slice()) as string[]));
  return shared;
}

/** The canonical names of the actions plus the patterns, deduplicated and sorted (code-unit order). */
function sortedNames(actions: ActionInfo[], patterns: string[]): string[] {
  return [...new Set([...actions.map((a) => a.full), ...patterns])].sort();
}

/**
 * sortedNames of distinct catalog actions with no patterns: by their places in the catalog's
 * full-name order (numbers sorted, not strings). Undefined when one is not the catalog's, or
 * when that order is not made yet.
 */
function namesInOrder(actions: ActionInfo[], catalog: Catalog): string[] | undefined {
  // Only once the order is made (a small audit need not build every service for it).
  const order = catalog.fullNameOrderIfMade();
  if (!order) return undefined;
  const { position } = order;
  // Positions in a typed array: sorted numerically in place, with no comparator to call.
  const at = new Int32Array(actions.length);
  for (let i = 0; i < actions.length; i++) {
    const o = actionOrdinal(actions[i]!);
    const p = o === undefined ? undefined : position[o];
    if (p === undefined) return undefined;
    at[i] = p;
  }
  at.sort();
  const full = fullNames(catalog);
  // Of its exact length (a list grown by push keeps spare room, and findings keep their lists).
  const names = new Array<string>(at.length);
  for (let i = 0; i < at.length; i++) names[i] = full[at[i]!]!;
  return names;
}

/** Groups from this size on take their actions through the catalog's order (see rankedActions). */
const RANK_SORT_FROM = 256;

/**
 * For a large group (a NotAction or `*` statement: thousands of atoms) of atoms from one catalog:
 * uniqueActions and sortedNames in one pass, with marks over the catalog's actions sorted by name
 * (Catalog.fullNameOrder) in place of a Map and a sort. Undefined when an action is not the
 * catalog's.
 */
function rankedActions(list: Atom[], catalog: Catalog): RankedActions | undefined {
  const order = catalog.fullNameOrder();
  const marks = marksFor(order.byName.length);
  const infos: ActionInfo[] = [];
  const positions: number[] = [];
  let last: ActionInfo | undefined;
  for (const a of list) {
    const info = a.action;
    if (!info || info === last) continue;
    last = info;
    const o = actionOrdinal(info);
    const i = o === undefined ? undefined : order.position[o];
    if (i === undefined) {
      for (const p of positions) marks[p] = 0;
      return undefined;
    }
    if (marks[i]) continue;
    marks[i] = 1;
    infos.push(info);
    positions.push(i);
  }
  return { infos, names: markedNames(marks, catalog, positions.length) };
}

/** rankedActions' lists, or rankedSet's names and set (whose actions are read off the set). */
interface RankedActions {
  infos?: ActionInfo[];
  /** rankedActions' names (rankedSet's are made by setNames). */
  names?: string[];
  set?: ActionSet;
}

/** riskScore of every action of a catalog, by position in its fullNameOrder. */
const riskScoresByPosition = new WeakMap<Catalog, Int32Array>();

/** Per catalog, by position in its fullNameOrder: the rank of each action's key by localeCompare. */
const keyRanksByPosition = new WeakMap<Catalog, Int32Array>();

/**
 * Ranks such that `keys[i] - keys[j]` has the sign of `key(i).localeCompare(key(j))`: the keys
 * sorted once with the collator localeCompare uses (the default locale's, default options), keys
 * the collator finds equal given the same rank.
 */
function keyRanks(catalog: Catalog): Int32Array {
  let ranks = keyRanksByPosition.get(catalog);
  if (!ranks) {
    const byName = catalog.fullNameOrder().byName;
    const compare = new Intl.Collator().compare;
    const order = byName.map((_, i) => i).sort((x, y) => compare(byName[x]!.key, byName[y]!.key));
    ranks = new Int32Array(byName.length);
    let rank = 0;
    for (let j = 0; j < order.length; j++) {
      if (j > 0 && compare(byName[order[j - 1]!]!.key, byName[order[j]!]!.key) !== 0) rank = j;
      ranks[order[j]!] = rank;
    }
    keyRanksByPosition.set(catalog, ranks);
  }
  return ranks;
}

/** Per catalog: its actions' ordinals in exampleOrder, ties (equal keys to the collator) by ordinal. */
const exampleOrderByCatalog = new WeakMap<Catalog, Int32Array>();

function exampleOrdinals(catalog: Catalog, scores: Int32Array, keys: Int32Array): Int32Array {
  let order = exampleOrderByCatalog.get(catalog);
  if (!order) {
    const { byName } = catalog.fullNameOrder();
    const ordinal = byName.map((a) => actionOrdinal(a)!);
    const positions = byName.map((_, i) => i);
    positions.sort((x, y) => scores[y]! - scores[x]! || keys[x]! - keys[y]! || ordinal[x]! - ordinal[y]!);
    order = Int32Array.from(positions, (i) => ordinal[i]!);
    exampleOrderByCatalog.set(catalog, order);
  }
  return order;
}

/** examples(ranked.infos), reading risk scores and key ranks from arrays. */
function rankedExamples(ranked: RankedActions, catalog: Catalog): string {
  let scores = riskScoresByPosition.get(catalog);
  if (!scores) {
    const byName = catalog.fullNameOrder().byName;
    scores = new Int32Array(byName.length);
    for (let i = 0; i < byName.length; i++) scores[i] = riskScore(byName[i]!);
    riskScoresByPosition.set(catalog, scores);
  }
  const keys = keyRanks(catalog);
  if (ranked.set) {
    const size = ranked.set.size;
    // The stable sort of infos (in ordinal order) by exampleOrder is the catalog's example order
    // restricted to the set: its first EXAMPLES members there.
    const order = exampleOrdinals(catalog, scores, keys);
    const shown: string[] = [];
    for (let i = 0; i < order.length && shown.length < EXAMPLES; i++)
      if (ranked.set.has(order[i]!)) shown.push(actionOfOrdinal(order[i]!).full);
    return size > EXAMPLES ? `${shown.join(', ')} and ${size - EXAMPLES} more` : shown.join(', ');
  }
  // The arrays are made now: examples() compares through them (rankedOrder).
  return examples(ranked.infos!, catalog);
}

/**
 * The examples text of a set of catalog actions each way: by examples() comparing the actions, by
 * rankedExamples(), and by examples() through the catalog's arrays once rankedExamples has made
 * them (for tests: the three must agree).
 */
export function examplesBothWays(set: ActionSet, catalog: Catalog): [string, string | undefined, string] {
  const ranked = rankedSet(set, catalog);
  const plain = examples(set.actions());
  const byRanks = ranked && rankedExamples(ranked, catalog);
  return [plain, byRanks, examples(set.actions(), catalog)];
}

/** Riskiest first, then by key (localeCompare): the order the examples of a finding are taken in. */
function exampleOrder(a: ActionInfo, b: ActionInfo): number {
  return riskScore(b) - riskScore(a) || a.key.localeCompare(b.key);
}

/**
 * exampleOrder through the arrays rankedExamples reads, when the catalog has them made already and
 * the actions are its own: risk scores and key ranks (equal ranks for keys the collator finds
 * equal) by place in the catalog's full-name order. Else undefined.
 */
function rankedOrder(
  actions: ActionInfo[],
  catalog: Catalog | undefined,
): ((a: ActionInfo, b: ActionInfo) => number) | undefined {
  if (!catalog || actions.length < 2) return undefined;
  const scores = riskScoresByPosition.get(catalog);
  const keys = keyRanksByPosition.get(catalog);
  const order = catalog.fullNameOrderIfMade();
  if (!scores || !keys || !order) return undefined;
  const { position } = order;
  for (const a of actions) {
    const o = actionOrdinal(a);
    if (o === undefined || position[o] === undefined) return undefined;
  }
  return (a, b) => {
    const pa = position[actionOrdinal(a)!]!;
    const pb = position[actionOrdinal(b)!]!;
    return scores[pb]! - scores[pa]! || keys[pa]! - keys[pb]!;
  };
}

function examples(actions: ActionInfo[], catalog?: Catalog): string {
  // The first EXAMPLES of a stable sort by exampleOrder, by insertion into a short sorted list.
  const compare = rankedOrder(actions, catalog) ?? exampleOrder;
  const top: ActionInfo[] = [];
  for (const a of actions) {
    if (top.length === EXAMPLES && compare(a, top[EXAMPLES - 1]!) >= 0) continue;
    let i = top.length;
    top.push(a);
    while (i > 0 && compare(top[i - 1]!, a) > 0) {
      top[i] = top[i - 1]!;
      i--;
    }
    top[i] = a;
    if (top.length > EXAMPLES) top.pop();
  }
  const shown = top.map((a) => a.full);
  return actions.length > EXAMPLES
    ? `${shown.join(', ')} and ${actions.length - EXAMPLES} more`
    : shown.join(', ');
}

/** The optional set (feature) an atom is about, if its set is optional. */
function featureOf(unit: Unit, a: Atom): BaselineSet | undefined {
  if (!a.set) return undefined;
  const set = unit.baseline.baseline.sets.find((s) => s.name === a.set);
  return set?.kind === 'optional' ? set : undefined;
}

/** The alternative (a set of a choice, not optional) an atom is about, if its set is one. */
function alternativeOf(unit: Unit, a: Atom): BaselineSet | undefined {
  if (!a.set) return undefined;
  const set = unit.baseline.baseline.sets.find((s) => s.name === a.set);
  return set?.choice !== undefined && set.kind !== 'optional' ? set : undefined;
}

/** For a finding of an optional set in use: the words that say it is an optional feature. */
function featureNote(unit: Unit, a: Atom): string {
  const f = featureOf(unit, a);
  return f ? ` for the optional feature "${f.name}" (keep it only if you use ${f.name})` : '';
}

/** The remediation note of a finding's own set: its set's, or for a setup set the baseline's. */
function setRemediation(unit: Unit, a: Atom): string | undefined {
  if (!a.set || a.kind === 'missing-permission') return undefined;
  const b = unit.baseline.baseline;
  const set = b.sets.find((s) => s.name === a.set);
  if (!set) return undefined;
  if (a.kind !== 'leftover-set' && set.kind !== 'optional') return undefined;
  return set.remediation ?? (set.kind === 'setup' ? b.remediation : undefined);
}

/**
 * How a leftover-set finding's message starts the condition its set grants the actions under, when
 * the statement does not keep to it (`… only under its condition (IpAddress aws:SourceIp = …), which
 * this statement does not have`). The report reads it back (messageAddsToActions).
 */
export const NEED_CONDITION = ' only under its condition (';

/** Patterns of a statement shown in a finding's message (`from …`). */
const VIA_PATTERNS = 8;

/** The first `n` of a list, then how many more (`and 3 more`, or `and 3 more patterns` with a noun). */
function firstOf(list: readonly string[], n: number, noun?: string): string {
  const rest = list.length - n;
  if (rest <= 0) return list.join(', ');
  return `${list.slice(0, n).join(', ')} and ${rest} more${noun ? ` ${noun}${rest === 1 ? '' : 's'}` : ''}`;
}

/**
 * The patterns that match some action the finding holds, in the statement's order; all of them
 * when none can be told (no catalog) or none matches.
 */
function contributing(
  patterns: readonly string[],
  catalog: Catalog | undefined,
  grants: (pattern: string, i: number) => boolean,
): readonly string[] {
  if (!catalog || patterns.length < 2) return patterns;
  const kept = patterns.filter(grants);
  return kept.length ? kept : patterns;
}

/** A test of an action against a pattern (IAM wildcards, case-insensitive). */
function matcher(pattern: string): (a: ActionInfo) => boolean {
  const test = actionMatcher(pattern);
  return (a) => test(a.key);
}

function findingMessage(
  first: Atom,
  list: Atom[],
  /** How many actions the finding is about. */
  n: number,
  unit: Unit,
  removed: boolean,
  /** The finding's names (made on call: a set's are not kept). */
  namesOf: () => string[],
  exampleText: () => string,
  catalog: Catalog | undefined,
  /** Whether the finding holds an action the statement's i-th pattern matches. */
  grants: (pattern: string, i: number) => boolean,
  /**
   * The unit's scope (`aws_s3_bucket_policy can grant only s3 actions`) when the statement names
   * actions beyond it: said where the message names the statement's patterns.
   */
  scopeNote: string | undefined,
): string {
  const b = unit.baseline.baseline;
  const what = `${n} action${n === 1 ? '' : 's'}`;
  const stmt = first.stmt;
  // The statement's patterns that grant some of the finding's actions (a NotAction list as written).
  const from = stmt?.notActions ?? contributing(stmt?.actions ?? [], catalog, grants);
  const patterns =
    stmt?.notActions || from.some((p) => p.includes('*') || p.includes('?'))
      ? ` (from ${stmt?.notActions ? 'NotAction ' : ''}${firstOf(from, VIA_PATTERNS)})`
      : '';
  const via =
    scopeNote === undefined
      ? patterns
      : patterns
        ? `${patterns.slice(0, -1)}; ${scopeNote})`
        : ` (${scopeNote})`;
  const prefix = removed ? 'Removed: ' : '';
  switch (first.kind) {
    case 'excess-action': {
      const narrower = new Map<string, Set<string>>();
      for (const a of list) {
        if (!a.detail) continue;
        const into = narrower.get(a.detail) ?? narrower.set(a.detail, new Set()).get(a.detail)!;
        if (a.action) into.add(a.action.full);
        else a.actions?.forEach((o) => into.add(actionOfOrdinal(o).full));
      }
      const where = [...narrower]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(
          ([set, acts]) =>
            `its inactive set "${set}" grants on narrower resources: ${[...acts].sort().join(', ')}`,
        );
      // (the set and the reason before the actions: a long list clipped in a report keeps them)
      const tail = where.length ? ` (${where.join('; ')})` : '';
      return `${prefix}${what}${via} beyond the ${b.name} baseline${tail}: ${exampleText()}`;
    }
    case 'leftover-set': {
      const set = b.sets.find((s) => s.name === first.set);
      // The set grants them only under a condition this statement does not keep to: a user of the
      // set keeps them only with it (see Atom.need), as missing-condition says of an active set.
      // (a condition on the same key that cannot be compared exactly: said so, and approximate)
      const unmet =
        first.need === undefined
          ? ''
          : `${NEED_CONDITION}${first.need}), which ${
              !first.stmt?.condition
                ? 'this statement does not have'
                : first.approximate?.split('; ').includes(UNSURE_CONDITION)
                  ? "this tool cannot tell this statement's condition keeps to"
                  : "this statement's condition does not keep to"
            }`;
      if (set?.kind === 'optional' && first.detail)
        return `${prefix}${what}${via} granted on ${first.resource}, broader than the optional feature "${first.set}" of the ${b.name} baseline allows (${first.detail}): keep them only if you use ${first.set}, on those resources${unmet ? ` and${unmet}` : ''}: ${exampleText()}`;
      if (set?.kind === 'optional')
        return `${prefix}${what}${via} only in the optional feature "${first.set}" of the ${b.name} baseline, which this policy does not grant in full: keep them only if you use ${first.set}${unmet ? `, and then${unmet}` : ''}: ${exampleText()}`;
      if (set?.choice !== undefined) {
        // Another alternative than the one(s) of the same choice this policy is held to.
        const chosen = unit.activeSets.filter((n) => b.sets.find((s) => s.name === n)?.choice === set.choice);
        const held = chosen.length ? `, not in "${chosen.join('", "')}", the one this policy is held to` : '';
        return `${prefix}${what}${via} only in "${first.set}", another alternative (${set.choice}) of the ${b.name} baseline${held}${unmet ? `; "${first.set}" grants them${unmet}` : ''}: ${exampleText()}`;
      }
      return `${prefix}${what}${via} only in the inactive ${set?.kind === 'setup' ? 'Setup ' : ''}set "${first.set}" of the ${b.name} baseline${unmet ? `, and there${unmet}` : ''}: ${exampleText()}`;
    }
    case 'broader-resource':
      return `${prefix}${what} granted on ${first.resource}, broader than the ${b.name} baseline allows (${first.detail})${featureNote(unit, first)}: ${exampleText()}`;
    case 'missing-condition':
      // (a statement with a condition of its own that does not keep to the baseline's: a broader one)
      return `${prefix}${what} granted ${first.stmt?.condition ? 'under a condition that does not keep to' : 'without'} the condition the ${b.name} baseline requires (${first.detail})${featureNote(unit, first)}: ${exampleText()}`;
    case 'missing-deny':
      return `${prefix}${what}${via} granted without the Deny statement ${first.detail}; ${first.need ?? 'this policy has no Deny of them'}: add that statement as ${b.name} documents it (a Deny in a permissions boundary or a service control policy is not seen here)`;
    case 'missing-permission': {
      const names = namesOf();
      // The vendor's wildcards read better than their first actions: the set's shortest exact
      // description when it is shorter than the list.
      const described = catalog && names.length > 1 ? compressActions(names, catalog) : undefined;
      const shown =
        described && described.except.length === 0 && described.patterns.length < names.length
          ? firstOf(described.patterns, EXAMPLES, 'pattern')
          : firstOf(names, EXAMPLES);
      return `${names.length} permission${names.length === 1 ? '' : 's'} of set "${first.set}" (the baseline's statement ${first.detail}) granted by no policy audited against ${b.name}; the integration may break: ${shown}`;
    }
    case 'unknown-action':
      return first.message ?? 'unknown action';
    case 'invalid-policy':
      return first.message ?? 'invalid policy';
    case 'broader-trust':
      // (made by audit/trust.ts, never from atoms)
      return first.message ?? 'broader trust';
    case 'broader-principal':
      // (made by audit/open-principals.ts, never from atoms)
      return first.message ?? 'broader principals';
  }
}

/** Kinds whose message is `N action(s)…: examples`, which findingPart can make again for part of the actions. */
const PART_KINDS: ReadonlySet<Finding['kind']> = new Set([
  'excess-action',
  'leftover-set',
  'broader-resource',
  'missing-condition',
]);

/** Where the text after a message's `(from …)` starts (see findingMessage). */
const AFTER_VIA = /\) (beyond the |only in the |granted )/;
/** The scope note at the end of a message's `(from …)` (see findingMessage). */
const SCOPE_NOTE = /; [^;()]* can grant only [^;()]* actions$/;
/** An excess finding's note on the inactive sets (see findingMessage). */
const NARROWER = / \((its inactive set "[^"]*" grants on narrower resources: .*)\)$/;
const NARROWER_ENTRY = /^its inactive set "([^"]*)" grants on narrower resources: (.*)$/;

/**
 * The middle of a message (between its count and its examples) for part of its actions: the
 * `(from …)` patterns that match none of them and the inactive sets' actions they do not hold are
 * left out (the NotAction list of a statement stays as written).
 */
function partMiddle(middle: string, infos: readonly ActionInfo[], names: ReadonlySet<string>): string {
  let out = middle;
  if (out.startsWith(' (from ') && !out.startsWith(' (from NotAction ')) {
    const end = AFTER_VIA.exec(out);
    if (end) {
      const written = out.slice(' (from '.length, end.index);
      const note = SCOPE_NOTE.exec(written);
      const listed = note ? written.slice(0, note.index) : written;
      const cut = / and \d+ more$/.exec(listed);
      const kept = (cut ? listed.slice(0, cut.index) : listed)
        .split(', ')
        .filter((p) => infos.some(matcher(p)));
      // As findingMessage: named only when a wildcard is among them; the scope note kept.
      const via =
        kept.some((p) => p.includes('*') || p.includes('?')) || cut
          ? ` (from ${kept.join(', ')}${cut ? ' and more' : ''}${note ? note[0] : ''})`
          : note
            ? ` (${note[0].slice(2)})`
            : '';
      out = via + out.slice(end.index + 1);
    }
  }
  const narrower = NARROWER.exec(out);
  if (narrower) {
    const entries = narrower[1]!
      .split('; ')
      .map((e) => {
        const m = NARROWER_ENTRY.exec(e);
        if (!m) return e;
        const held = m[2]!.split(', ').filter((a) => names.has(a));
        return held.length
          ? `its inactive set "${m[1]}" grants on narrower resources: ${held.join(', ')}`
          : '';
      })
      .filter((e) => e !== '');
    out = out.slice(0, narrower.index) + (entries.length ? ` (${entries.join('; ')})` : '');
  }
  return out;
}

/** Whether findingPart can split a finding of this kind. */
export function splitsByAction(kind: Finding['kind']): boolean {
  return PART_KINDS.has(kind);
}

/**
 * The part of a grouped finding that holds only `names` (some of its actions, in its order), as
 * groupAtoms would have made it for those actions: severity, access levels, the count and the
 * examples of the message made again; everything else kept. Undefined when the finding's kind is
 * not one of PART_KINDS, or an action is not the catalog's. Used when an ignore rule covers some of
 * a finding's actions (src/audit/run.ts).
 */
export function findingPart(f: Finding, names: readonly string[], catalog: Catalog): Finding | undefined {
  if (!PART_KINDS.has(f.kind) || names.length === 0) return undefined;
  const infos: ActionInfo[] = [];
  for (const n of names) {
    const info = catalog.lookup(n);
    if (!info) return undefined;
    infos.push(info);
  }
  // The message is `[Removed: ]N action(s)<middle>: <examples>`; the examples are action names,
  // which never hold ": ", so the last ": " starts them whatever the middle (a resource) holds.
  const head = /^(Removed: )?\d+ actions?/.exec(f.message);
  const tail = f.message.lastIndexOf(': ');
  if (!head || tail < head[0].length) return undefined;
  const n = names.length;
  const middle = partMiddle(f.message.slice(head[0].length, tail), infos, new Set(names));
  const message = flatString(`${head[1] ?? ''}${n} action${n === 1 ? '' : 's'}${middle}: ${examples(infos)}`);
  const onAll = f.resources.some((r) => r === '*' || r.startsWith('NotResource'));
  const severity =
    KIND_INFO[f.kind].severityRule === 'by-actions' ? maxActionSeverity(infos, onAll) : f.severity;
  const levels = accessLevels(infos);
  const part = copyFinding(f, { severity, message });
  part.actions = [...names];
  if (levels.length) part.accessLevels = levels;
  else delete part.accessLevels;
  return part;
}
