// Which sets of a baseline a unit is held to: the assigned sets, with each choice of alternatives
// resolved to the one the unit implements, plus the optional sets (features) it grants as
// documented. Decided once per unit, before the unit is evaluated; the evaluation itself
// (engine.ts, memo.ts) is unchanged and sees the result as the unit's active sets.
//
// - An optional set is a feature. It is taken as in use when the unit grants every action
//   pattern of the set, or three in four of them (inUse). A pattern is granted when it is written
//   as the vendor writes it (`s3:*` in Lightly's restrict-IP example), or its action (all of its
//   actions, for a wildcard) is granted by statements that name actions rather than whole
//   services (`ec2:*`, `*` and NotAction are no evidence of a feature). A feature in use is active: grants within it are fine, broader or
//   unconditioned ones are reported against the feature, and the patterns it lacks are
//   missing-permission findings; a smaller share leaves the set inactive, and what only it has
//   is reported as that feature's (engine.ts words it).
// - Alternatives (sets with the same `choice`, such as Lightly's minimum, delegated and user
//   access) are chosen, not stacked: unless the sets were chosen explicitly, the unit is
//   compared with each alternative in place of the assigned one (with the features in use),
//   and the alternative that leaves the fewest of the choice's actions granted beyond it wins
//   (then the fewest of its actions not granted, when the unit grants some of the choice's that no
//   other set it is held to has; then the most statements written exactly as in the set, then the
//   assigned one). Actions only, not resources: cheap enough for every unit; but a statement of
//   whole services is no evidence unless an alternative writes the same wildcard on a resource it
//   names (choiceEvidence): `s3:*` on `*` is none, Lightly's `s3:*` on the prefix is user-access's.
import type { BaselineSet, PolicyKind } from '../core/types.js';
import { arnContains, type ArnPattern } from '../policy/arn.js';
import { actionOfOrdinal } from '../policy/catalog.js';
import type { Condition, Statement } from '../policy/document.js';
import type { GrantBuilder } from '../policy/grants.js';
import { ActionSet } from '../policy/action-set.js';
import type { GrantSets } from '../policy/grant-sets.js';
import {
  coversForAction,
  implies,
  resourceExactness,
  valuePlaceholders,
  type BaselineEntry,
  type CompiledBaseline,
  type UnitMember,
  type UnitScope,
} from './engine.js';

/**
 * Whether a feature whose patterns the unit grants `used` of `total` is in use: all of them, or
 * at least three in four of them, three at least. A vendor's own policy leaves out a statement
 * that one of its variables turns off (Anyscale's services-v2 without the ELB service-linked role,
 * `create_elb_service_linked_role = false`), and a user drops an action of a feature they use; the
 * feature is still theirs, and what it lacks is a missing-permission finding. A feature of one
 * to three patterns is in use only when the unit grants each of them, so a grant or two of
 * another set's actions is never taken for a feature.
 */
export function inUse(used: number, total: number): boolean {
  return used === total || (used >= 3 && used * 4 >= total * 3);
}

/** An optional set the unit may use: its patterns, and those the unit grants (see `used` below). */
interface Candidate {
  name: string;
  patterns: number;
  used: SetPattern[];
}

export interface SetChoice {
  /** The sets the unit is held to: the chosen ones and the features in use. */
  sets: string[];
  /** Optional sets taken as in use (also in `sets`). */
  features: string[];
  /** Why, in words, for the report's detection evidence. */
  evidence: string[];
}

/** One action pattern of a set's statement, with the keys it grants there and the statement's condition. */
interface SetPattern {
  /** The pattern, trimmed and in lower case. */
  text: string;
  wildcard: boolean;
  hits: string[];
  /** The same actions as a set. */
  hitSet: ActionSet;
  need?: Condition;
}

const setPatterns = new WeakMap<CompiledBaseline, Map<string, SetPattern[]>>();

/** The action patterns of a set (those that grant something), made once per compiled baseline. */
function patternsOf(baseline: CompiledBaseline, set: string, builder: GrantBuilder): SetPattern[] {
  let bySet = setPatterns.get(baseline);
  if (!bySet) setPatterns.set(baseline, (bySet = new Map()));
  let list = bySet.get(set);
  if (!list) {
    list = [];
    for (const stmt of baseline.setStatements.get(set) ?? [])
      for (const p of stmt.actions ?? []) {
        const actions = builder.catalog
          .expand(p)
          .filter((a) =>
            baseline.byAction.get(a.key)?.some((e) => e.set === set && e.stmt.index === stmt.index),
          );
        if (!actions.length) continue;
        list.push({
          text: p.trim().toLowerCase(),
          wildcard: p.includes('*') || p.includes('?'),
          hits: actions.map((a) => a.key),
          hitSet: ActionSet.fromActions(actions),
          need: stmt.condition,
        });
      }
    bySet.set(set, list);
  }
  return list;
}

/** The optional sets' patterns: their texts (as patternsOf writes them) and the actions they hit. */
interface Wanted {
  texts: Set<string>;
  /** The union of the patterns' hitSets. */
  actions: ActionSet;
}

const wantedCache = new WeakMap<CompiledBaseline, Map<string, Wanted>>();

/** The sets' patterns (see Wanted), made once per compiled baseline and list of sets. */
function wantedPatterns(
  baseline: CompiledBaseline,
  sets: readonly BaselineSet[],
  builder: GrantBuilder,
): Wanted {
  let bySets = wantedCache.get(baseline);
  if (!bySets) wantedCache.set(baseline, (bySets = new Map()));
  const key = sets.map((s) => s.name).join('\u0000');
  let wanted = bySets.get(key);
  if (!wanted) {
    const list = sets.flatMap((s) => patternsOf(baseline, s.name, builder));
    wanted = {
      texts: new Set(list.map((x) => x.text)),
      actions: ActionSet.unionOf(list.map((x) => x.hitSet)),
    };
    bySets.set(key, wanted);
  }
  return wanted;
}

/** Patterns as written -> trimmed and lower-cased (bounded; most patterns are shared strings). */
const FOLDED = new Map<string, string>();
const FOLDED_MAX = 65_536;

function folded(p: string): string {
  let f = FOLDED.get(p);
  if (f === undefined) {
    if (FOLDED.size >= FOLDED_MAX) FOLDED.clear();
    f = p.trim().toLowerCase();
    FOLDED.set(p, f);
  }
  return f;
}

const choiceKeyCache = new WeakMap<CompiledBaseline, Map<string, string[]>>();

/** The action keys any set of a choice grants, made once per compiled baseline and choice. */
function choiceKeys(baseline: CompiledBaseline, choice: string, names: string[]): string[] {
  let byChoice = choiceKeyCache.get(baseline);
  if (!byChoice) choiceKeyCache.set(baseline, (byChoice = new Map()));
  let keys = byChoice.get(choice);
  if (!keys) {
    keys = [];
    for (const [k, entries] of baseline.byAction)
      if (entries.some((e) => names.includes(e.set))) keys.push(k);
    byChoice.set(choice, keys);
  }
  return keys;
}

/** A grant's condition meets the vendor's (or the vendor has none): as evidence, unsure counts. */
function meets(have: Condition | undefined, need: Condition | undefined): boolean {
  return !need || implies(have, need) !== 'no';
}

/** A statement that grants whole services (or everything): no evidence that a feature is used. */
function isBroad(stmt: { actions?: string[]; notActions?: string[] }): boolean {
  if (stmt.notActions) return true;
  return (stmt.actions ?? []).some((p) => {
    // (A name without `*`, most of them, is not trimmed: no copy made.)
    if (!p.includes('*')) return false;
    const t = p.trim();
    return t === '*' || t.endsWith(':*');
  });
}

/** A statement as written, without its Sid, in a canonical form (lists sorted, action case folded). */
function statementText(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '';
  const st = raw as Record<string, unknown>;
  const list = (v: unknown, fold = false) =>
    v === undefined
      ? null
      : (Array.isArray(v) ? v : [v]).map((x) => (fold ? String(x).toLowerCase() : String(x))).sort();
  return JSON.stringify([
    st.Effect,
    list(st.Action, true),
    list(st.NotAction, true),
    list(st.Resource),
    list(st.NotResource),
    st.Condition ?? null,
  ]);
}

/**
 * A test for "some Allow statement of the members names an action with this key" (the keys of
 * GrantBuilder.statementActions), without listing the keys of a statement that names every action
 * (a `*` pattern) or a NotAction complement (some 22,000): such a statement names exactly the
 * catalog's keys (`*`), less those its NotAction patterns expand to. The catalog is expanded as
 * statementActions would (each pattern, then every service), so its services are built in the same
 * order.
 */
function grantedKeys(
  members: UnitMember[],
  builder: GrantBuilder,
  scope: UnitScope | undefined,
): { has(key: string): boolean } {
  const all = grantedKeysAsNamed(members, builder);
  // A resource policy of a known type grants only its services' actions (an action key starts with its service).
  if (!scope) return all;
  return { has: (k) => scope.services.has(k.slice(0, k.indexOf(':'))) && all.has(k) };
}

function grantedKeysAsNamed(members: UnitMember[], builder: GrantBuilder): { has(key: string): boolean } {
  const catalog = builder.catalog;
  const named = new Set<string>();
  let every = false;
  const complements: Set<string>[] = [];
  for (const m of members)
    for (const stmt of m.doc.statements) {
      if (stmt.effect !== 'Allow') continue;
      if (stmt.actions) {
        if (stmt.actions.some((p) => p.trim().toLowerCase() === '*')) {
          for (const p of stmt.actions) catalog.expand(p);
          every = true;
        } else for (const a of builder.statementActions(stmt).actions) named.add(a.key);
        continue;
      }
      const excluded = new Set<string>();
      for (const p of stmt.notActions ?? []) for (const a of catalog.expand(p)) excluded.add(a.key);
      catalog.all();
      complements.push(excluded);
    }
  if (!every && complements.length === 0) return named;
  // Every service is built by now: a key is the catalog's when the lookup finds it as written.
  const inCatalog = (k: string) => catalog.lookup(k)?.key === k;
  return {
    has: (k) => named.has(k) || ((every || complements.some((excluded) => !excluded.has(k))) && inCatalog(k)),
  };
}

/**
 * The keys of the actions that tell which alternative of a choice (`names`) a unit implements,
 * when some statement is no evidence: one that grants whole services (`s3:*`, `*`, NotAction)
 * tells none of them apart, unless each whole service it writes is written so by an alternative
 * (Lightly's user-access writes `s3:*` on a prefix of your bucket), on resources that alternative
 * names for some of the wildcard's actions (`s3:*` on `*` is excess under every alternative).
 * Undefined when every statement is evidence (then the unit's keys are).
 */
function choiceEvidence(
  members: UnitMember[],
  builder: GrantBuilder,
  baseline: CompiledBaseline,
  names: readonly string[],
  scope: UnitScope | undefined,
): { has(key: string): boolean } | undefined {
  // Which alternatives write each of their patterns (trimmed, case folded), and its actions there.
  // A whole service granted is evidence only where an alternative writes the same wildcard, on
  // resources that alternative names for it (Lightly's user-access writes `s3:*` on a prefix).
  // `s3:*` on `*` beside Datadog's core policy grants the S3 reads that standard names on `*`,
  // yet is not standard: it is S3, wholly excess under both; so is `s3:*` on another bucket under
  // user-access, and `["s3:*", "tag:GetResources"]` is no more evidence than `s3:*` alone.
  const writers = new Map<string, { sets: Set<string>; hits: ActionSet }>();
  for (const n of names)
    for (const x of patternsOf(baseline, n, builder)) {
      const w = writers.get(x.text);
      if (w) {
        w.sets.add(n);
        w.hits = w.hits.union(x.hitSet);
      } else writers.set(x.text, { sets: new Set([n]), hits: x.hitSet });
    }
  // A whole service the statement writes is evidence when an alternative writes it so, on
  // resources that alternative names for some of its actions.
  const evidence = (p: string, resources: ArnPattern[]): boolean => {
    const w = writers.get(folded(p));
    return (
      w !== undefined &&
      resources.every((pattern) =>
        w.hits.some((o) => {
          const action = actionOfOrdinal(o);
          return (baseline.byAction.get(action.key) ?? []).some(
            (e) => w.sets.has(e.set) && coversForAction(e.resource, pattern, action, false),
          );
        }),
      )
    );
  };
  const wholeService = (p: string) => {
    const t = folded(p);
    return t === '*' || t.endsWith(':*');
  };
  // Each statement as evidence: as written, without the whole services that are none (the rest
  // of it still is: `*` added to Datadog's core statement leaves core's own patterns), or none.
  let left = false;
  const kept = members.map((m) => {
    const statements: Statement[] = [];
    let changed = false;
    for (const st of m.doc.statements) {
      if (st.effect !== 'Allow' || !isBroad(st)) {
        statements.push(st);
        continue;
      }
      // (NotAction: no evidence; NotResource: its named patterns are, its whole services not)
      const resources = st.resources?.map((r) => builder.pattern(r));
      const actions =
        st.notActions || !st.actions
          ? []
          : st.actions.filter((p) => !wholeService(p) || (resources !== undefined && evidence(p, resources)));
      if (actions.length === st.actions?.length) {
        statements.push(st);
        continue;
      }
      changed = true;
      if (actions.length > 0) statements.push({ ...st, actions });
    }
    if (!changed) return m;
    left = true;
    return { ...m, doc: { ...m.doc, statements } };
  });
  return left ? grantedKeys(kept, builder, scope) : undefined;
}

export function chooseSets(
  baseline: CompiledBaseline,
  assigned: string[],
  members: UnitMember[],
  kind: PolicyKind,
  builder: GrantBuilder,
  grants: GrantSets,
  options: { explicit?: boolean; scope?: UnitScope } = {},
): SetChoice {
  const scope = options.scope;
  const b = baseline.baseline;
  const evidence: string[] = [];
  // A set for other kinds of policy only (`policy-kinds`: Databricks' root bucket policy) is not
  // held here: an identity policy granting its S3 actions on any bucket is not the vendor's.
  const forKind = (name: string) => {
    const kinds = b.sets.find((x) => x.name === name)?.policyKinds;
    return !kinds || kind === 'trust' || (kinds as readonly string[]).includes(kind);
  };
  let sets = assigned.filter(forKind);
  if (options.explicit)
    for (const n of assigned)
      if (!sets.includes(n))
        evidence.push(
          `sets: "${n}" is for ${b.sets.find((x) => x.name === n)!.policyKinds!.join(' and ')} policies only, not held by this ${kind} policy`,
        );
  // The unit's statements as written, to tell apart sets that fit equally well (the statements
  // of Databricks' restricted policy are within its customer policy too).
  // Made on first use: most units have no alternatives and at most one feature.
  let texts: Set<string> | undefined;
  const unitTexts = () => {
    if (!texts) {
      texts = new Set<string>();
      for (const m of members) {
        const st = m.raw.Statement;
        for (const x of Array.isArray(st) ? st : [st]) {
          const t = statementText(x);
          if (t) texts.add(t);
        }
      }
    }
    return texts;
  };
  /** How many of the unit's statements are written exactly as one of the set's. */
  const sameStatements = (set: string) => {
    const own = new Set(
      (b.sets.find((x) => x.name === set)?.statements ?? []).map(statementText).filter((t) => t !== ''),
    );
    let n = 0;
    for (const t of unitTexts()) if (own.has(t)) n++;
    return n;
  };

  /** How many of the unit's Sids are those of the set's statements. */
  const sameSids = (set: string) => {
    const own = new Set<string>();
    for (const x of b.sets.find((y) => y.name === set)?.statements ?? []) {
      const sid = (x as { Sid?: unknown }).Sid;
      if (typeof sid === 'string' && sid !== '') own.add(sid);
    }
    if (own.size === 0) return 0;
    let n = 0;
    for (const m of members) {
      const st = m.raw.Statement;
      for (const x of Array.isArray(st) ? st : [st]) {
        const sid = (x as { Sid?: unknown } | null)?.Sid;
        if (typeof sid === 'string' && own.has(sid)) n++;
      }
    }
    return n;
  };

  // The keys of the actions the unit's Allow statements name (before any Deny), made on first use.
  let keys: { has(key: string): boolean } | undefined;
  const unitKeys = () => (keys ??= grantedKeys(members, builder, scope));
  // Optional sets in use.
  const optional = b.sets.filter((s) => s.kind === 'optional' && !sets.includes(s.name) && forKind(s.name));
  const features: string[] = [];
  const candidates: Candidate[] = [];
  if (optional.length > 0 && kind !== 'trust') {
    // pattern (trimmed, lower case) -> the conditions of the statements that write it. Only the
    // optional sets' own patterns are looked up, so only they are kept; each pattern is folded
    // once per run (folded()).
    const wanted = wantedPatterns(baseline, optional, builder);
    const written = new Map<string, (Condition | undefined)[]>();
    for (const m of members)
      for (const stmt of m.doc.statements) {
        if (stmt.effect !== 'Allow' || !stmt.actions) continue;
        // A pattern written as one of the sets' (trimmed, case folded) expands as that one does
        // (Catalog.expand reads the folded text), so the statement's actions hold its hits, never
        // empty (patternsOf keeps no pattern without): a statement whose actions meet none of the
        // hits writes none of the patterns. Its set is the one the unit's evaluation reads (kept
        // per statement), so the test costs a set intersection, not a lookup per pattern.
        if (!grants.statementSet(stmt).actions.intersects(wanted.actions)) continue;
        for (const p of stmt.actions) {
          const k = folded(p);
          if (!wanted.texts.has(k)) continue;
          // (a pattern of another service than a resource policy's grants nothing there)
          if (scope && !mayNameScope(k, scope)) continue;
          (written.get(k) ?? written.set(k, []).get(k)!).push(stmt.condition);
        }
      }
    // Whether the unit's evidence for the optional set `c` is its own: each of its patterns has an
    // evidence statement (written the same way, or naming its actions without granting whole
    // services, under the vendor's condition) with a resource that no rival set (another
    // candidate, an assigned set) names more exactly (resourceExactness), among the entries that
    // cover it. Only patterns whose actions a rival also has are checked.
    const explains = ({ name: c, used }: Candidate, rivals: Set<string>): boolean => {
      for (const x of used) {
        const others = new Set<string>();
        for (const k of x.hits)
          for (const e of baseline.byAction.get(k) ?? [])
            if (e.set !== c && rivals.has(e.set)) others.add(e.set);
        if (others.size === 0) continue;
        let own = false;
        for (const m of members) {
          for (const stmt of m.doc.statements) {
            if (stmt.effect !== 'Allow' || !stmt.actions || !meets(stmt.condition, x.need)) continue;
            let acts = grants.statementSet(stmt).actions.intersect(x.hitSet);
            if (scope) acts = acts.intersect(scope.actions);
            if (acts.isEmpty()) continue;
            if (isBroad(stmt) && !stmt.actions.some((p) => folded(p) === x.text)) continue;
            if (
              !stmt.resources ||
              stmt.resources.some((r) => !betterElsewhere(c, others, acts, builder.pattern(r)))
            ) {
              own = true;
              break;
            }
          }
          if (own) break;
        }
        if (!own) return false;
      }
      return true;
    };
    /** The most exact rank of the set's entries for these actions that cover the resource. */
    const bestRank = (set: string, acts: ActionSet, r: ArnPattern): number => {
      let best = Infinity;
      acts.forEach((o) => {
        const action = actionOfOrdinal(o);
        for (const e of baseline.byAction.get(action.key) ?? [])
          if (e.set === set && coversForAction(e.resource, r, action, false))
            best = Math.min(best, resourceExactness(e.resource, r));
      });
      return best;
    };
    const betterElsewhere = (c: string, others: Set<string>, acts: ActionSet, r: ArnPattern): boolean => {
      const mine = bestRank(c, acts, r);
      for (const o of others) if (bestRank(o, acts, r) < mine) return true;
      return false;
    };
    // The actions the statements that do not grant whole services name, under a condition that
    // meets the vendor's where the pattern has one (made on first use, per condition).
    let specific: ActionSet | undefined;
    const specificUnder = new Map<Condition, ActionSet>();
    const specificSet = (need?: Condition) => {
      const hit = need ? specificUnder.get(need) : specific;
      if (hit) return hit;
      const parts: ActionSet[] = [];
      for (const m of members)
        for (const stmt of m.doc.statements)
          if (stmt.effect === 'Allow' && !isBroad(stmt) && meets(stmt.condition, need))
            parts.push(grants.statementSet(stmt).actions);
      let made = ActionSet.unionOf(parts);
      if (scope) made = made.intersect(scope.actions);
      if (need) specificUnder.set(need, made);
      else specific = made;
      return made;
    };
    const assigned = new Set(sets);
    const assignedHas = (k: string) => baseline.byAction.get(k)?.some((e) => assigned.has(e.set)) ?? false;
    // Whether a statement that names the pattern's actions (not whole services, under the vendor's
    // condition) grants them only on resources the feature's own entries for them cover, and not
    // through a placeholder of a value the user chooses (`{package_sync_bucket_prefix}-*` accepts
    // any bucket with a dash: that is no evidence of the feature).
    const fixedCover = (set: string, acts: ActionSet, r: ArnPattern): boolean => {
      let hit = false;
      acts.forEach((o) => {
        if (hit) return;
        const action = actionOfOrdinal(o);
        // (a resource the action does not apply to grants it nothing: no evidence)
        if (!builder.applies(action, r)) return;
        for (const e of baseline.byAction.get(action.key) ?? [])
          if (
            e.set === set &&
            valuePlaceholders(e.resource) === 0 &&
            coversForAction(e.resource, r, action, false)
          )
            hit = true;
      });
      return hit;
    };
    const withinFeature = (set: string, x: SetPattern): boolean => {
      for (const m of members)
        for (const stmt of m.doc.statements) {
          if (stmt.effect !== 'Allow' || !stmt.actions || isBroad(stmt) || !meets(stmt.condition, x.need))
            continue;
          let acts = grants.statementSet(stmt).actions.intersect(x.hitSet);
          if (scope) acts = acts.intersect(scope.actions);
          if (acts.isEmpty() || !stmt.resources) continue;
          if (stmt.resources.every((r) => fixedCover(set, acts, builder.pattern(r)))) return true;
        }
      return false;
    };
    for (const s of optional) {
      const list = patternsOf(baseline, s.name, builder);
      // Written the same way or named, it counts with the vendor's condition (Lightly's
      // restrict-IP and restrict-VPC examples both write s3:*, one with aws:SourceIp, one with
      // aws:SourceVpc; Anyscale's services-v2-cloud-id is services-v2 under the cloud's tag). A
      // wildcard of the vendor's is evidence only when written the same way or granted whole: one
      // S3 action is not the use of an `s3:*` feature.
      const used = (x: SetPattern) =>
        written.get(x.text)?.some((have) => meets(have, x.need)) ||
        (x.wildcard
          ? x.hitSet.minus(specificSet(x.need)).isEmpty()
          : x.hitSet.intersects(specificSet(x.need)));
      const mine = list.filter(used);
      if (mine.length > 0 && mine.length === list.length) {
        candidates.push({ name: s.name, patterns: list.length, used: mine });
        continue;
      }
      // In part (inUse): only the feature's own patterns count (an action of an assigned set, such
      // as SkyPilot's ec2:CreateTags, is no evidence of clone-disk), each granted within the
      // feature's own resources (S3 actions on a team's bucket are not Coiled's persistent-data).
      const own = list.filter((x) => x.hits.some((k) => !assignedHas(k)));
      const within = own.filter((x) => used(x) && withinFeature(s.name, x));
      if (within.length > 0 && inUse(within.length, own.length))
        candidates.push({ name: s.name, patterns: list.length, used: within });
    }
    // Evidence that another set explains better is none: a statement on `coiled-data-*` is the
    // persistent-data feature's (its text), not package-sync's, whose `{package_sync_bucket_prefix}-*`
    // only accepts it. A candidate stays when each of its patterns has a statement (as above) with
    // a resource that no other candidate, nor an assigned set, names more exactly.
    if (candidates.length > 0) {
      const rivals = new Set([...sets, ...candidates.map((c) => c.name)]);
      for (let i = candidates.length - 1; i >= 0; i--)
        if (!explains(candidates[i]!, rivals)) candidates.splice(i, 1);
    }
    // Of features that one policy grants alike (Anyscale's services and services-v2), the widest
    // is named, then the one written most exactly: a feature within another one in use (its
    // actions, on resources the other contains) is not.
    const entriesOf = (set: string) => {
      const out = new Map<string, BaselineEntry[]>();
      for (const [k, entries] of baseline.byAction) {
        const own = entries.filter((e) => e.set === set);
        if (own.length) out.set(k, own);
      }
      return out;
    };
    // F is within G when G grants each of F's actions on a resource that contains F's (not
    // through a placeholder of a value F names: package-sync's `{package_sync_bucket_prefix}-*`
    // accepts persistent-data's `coiled-data-*`, yet each is a feature of its own buckets).
    const within = (f: Map<string, BaselineEntry[]>, g: Map<string, BaselineEntry[]>) =>
      [...f].every(([k, fe]) =>
        fe.every((e) =>
          g
            .get(k)
            ?.some(
              (x) =>
                arnContains(x.resource, e.resource) &&
                valuePlaceholders(x.resource) <= valuePlaceholders(e.resource),
            ),
        ),
      );
    const ranked = candidates
      .map((c, i) => ({
        ...c,
        i,
        entries: entriesOf(c.name),
        same: candidates.length > 1 ? sameStatements(c.name) : 0,
      }))
      .sort((x, y) => y.entries.size - x.entries.size || y.same - x.same || x.i - y.i);
    const kept: typeof ranked = [];
    for (const c of ranked) if (!kept.some((k) => within(c.entries, k.entries))) kept.push(c);
    for (const c of kept.sort((x, y) => x.i - y.i)) {
      features.push(c.name);
      evidence.push(
        c.used.length === c.patterns
          ? `optional feature "${c.name}" in use: the policy grants each of its ${c.patterns} action pattern${c.patterns === 1 ? '' : 's'}`
          : `optional feature "${c.name}" in use: the policy grants ${c.used.length} of its ${c.patterns} action patterns, of its own and on its resources (what it lacks is reported as missing)`,
      );
    }
  }
  // Alternatives.
  const choices = new Map<string, string[]>();
  for (const s of b.sets)
    if (s.choice && forKind(s.name))
      (choices.get(s.choice) ?? choices.set(s.choice, []).get(s.choice)!).push(s.name);
  if (!options.explicit && choices.size > 0 && kind !== 'trust') {
    for (const [choice, names] of choices) {
      const current = sets.filter((n) => names.includes(n));
      if (current.length !== 1 || names.length < 2) continue;
      const rest = sets.filter((n) => !names.includes(n));
      // Scored on actions, not resources: grants of the choice's actions that the alternative
      // (or another active set) lacks, then the alternative's actions the unit does not grant.
      const others = new Set([...rest, ...features]);
      const granted = choiceEvidence(members, builder, baseline, names, scope) ?? unitKeys();
      const inChoice = choiceKeys(baseline, choice, names);
      // No evidence (the unit grants none of the alternatives' actions): the baseline's default
      // stays, rather than the smallest alternative, which would "miss" the fewest actions. Nor
      // are the actions an alternative misses evidence when every action of the choice the unit
      // grants is another set's it is held to as well (Datadog's resource-collection policies
      // grant some of standard's and core's): then only statements written as an alternative's
      // tell (Lightly's restrict-IP example writes minimum's, beside the feature's s3:*).
      let any = false;
      let own = false;
      for (const k of inChoice) {
        if (!granted.has(k)) continue;
        any = true;
        if (!baseline.byAction.get(k)!.some((e) => others.has(e.set))) {
          own = true;
          break;
        }
      }
      if (!any) continue;
      const score = (alt: string) => {
        let beyond = 0;
        for (const k of inChoice) {
          if (!granted.has(k)) continue;
          if (!baseline.byAction.get(k)!.some((e) => e.set === alt || others.has(e.set))) beyond++;
        }
        let missing = 0;
        if (own)
          for (const k of new Set(patternsOf(baseline, alt, builder).flatMap((x) => x.hits)))
            if (!granted.has(k)) missing++;
        return { alt, removable: beyond, missing };
      };
      const scored = names.map(score);
      const first = scored.find((x) => x.alt === current[0])!;
      let best = first;
      for (const x of scored)
        if (x.removable < best.removable || (x.removable === best.removable && x.missing < best.missing))
          best = x;
      // Alternatives that fit equally well: the one whose statements the unit writes exactly.
      const tied = scored.filter((x) => x.removable === best.removable && x.missing === best.missing);
      // Then the one whose Sids the unit writes: the Sids of Databricks' restricted policy in a
      // copy of an older version of it (concrete ARNs, so no statement the same), which fits
      // customer as well on actions (a review).
      let bySids = false;
      if (tied.length > 1) {
        best = tied.includes(first) ? first : tied[0]!;
        let top = sameStatements(best.alt);
        let topSids = sameSids(best.alt);
        for (const x of tied) {
          const n = x === best ? top : sameStatements(x.alt);
          const m = x === best ? topSids : sameSids(x.alt);
          if (n > top || (n === top && m > topSids)) {
            best = x;
            top = n;
            topSids = m;
          }
        }
        bySids = best !== first && top === sameStatements(first.alt);
      }
      if (best !== first) {
        sets = [...rest, best.alt];
        // Said by what decided: the actions beyond each, else those each lacks, else the statements
        // written exactly as each one's.
        const why =
          best.removable !== first.removable
            ? `(${best.removable} action${best.removable === 1 ? '' : 's'} of the alternatives beyond it), not "${first.alt}" (${first.removable})`
            : best.missing !== first.missing
              ? `(it lacks ${best.missing} of its actions), not "${first.alt}" (it would lack ${first.missing})`
              : !bySids
                ? `(${sameStatements(best.alt)} of its statements written exactly as the vendor's), not "${first.alt}" (${sameStatements(first.alt)})`
                : `(${sameSids(best.alt)} of its statements carry that set's Sids), not "${first.alt}" (${sameSids(first.alt)})`;
        evidence.push(
          `sets: the policy implements "${best.alt}" ${why}; alternatives of choice "${choice}" are chosen, not stacked`,
        );
      }
    }
  }

  // A set that comes only with an alternative (`only-with`) is not held where another one was
  // chosen: Datadog's resource-collection policies exist only with standard, not with core.
  if (!options.explicit) {
    const without = sets.filter((n) => {
      const w = b.sets.find((x) => x.name === n)?.onlyWith;
      return w === undefined || sets.includes(w);
    });
    if (without.length < sets.length) {
      for (const n of sets)
        if (!without.includes(n))
          evidence.push(
            `sets: "${n}" comes only with "${b.sets.find((x) => x.name === n)!.onlyWith}", which this policy does not implement`,
          );
      sets = without;
    }
  }

  return { sets: [...sets, ...features], features, evidence };
}

/**
 * Whether a folded action pattern can name an action of the scope's services: its service part
 * has a wildcard or is one of them (a pattern with no `:` is `*` or matches nothing).
 */
function mayNameScope(pattern: string, scope: UnitScope): boolean {
  const colon = pattern.indexOf(':');
  if (colon < 0) return true;
  const svc = pattern.slice(0, colon);
  return /[*?]/.test(svc) || scope.services.has(svc);
}

/**
 * The features of a unit's choice (SetChoice.features) that one of its members grants itself: its
 * Allow statements name one of the feature's actions. A principal audited as a whole uses a feature
 * through some of its policies, and the others (a Deny-only group policy, an `s3:*` policy beside
 * the log-pull statements) are not said to use it (a review).
 */
export function memberFeatures(
  baseline: CompiledBaseline,
  features: readonly string[],
  member: UnitMember,
  builder: GrantBuilder,
  scope: UnitScope | undefined,
): string[] {
  if (!features.length) return [];
  const keys = grantedKeys([member], builder, scope);
  return features.filter((name) =>
    patternsOf(baseline, name, builder).some((p) => p.hits.some((k) => keys.has(k))),
  );
}
