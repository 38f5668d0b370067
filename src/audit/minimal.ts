// The suggested minimal policy: what each policy of a unit grants intersected with the active
// baseline (each statement rewritten as written, keeping only what the baseline allows), and its
// unified diff against the policy as written, made on first read. Pure.
import { FILE_HEADERS_ONLY } from 'diff';
import { unifiedDiff } from '../core/unified-diff.js';
import { conditionAsWritten, conditionNeverHolds, mergeConditions } from '../policy/condition.js';
import type { Condition, Statement } from '../policy/document.js';
import {
  arnContains,
  arnIntersection,
  arnIntersects,
  parseArnPattern,
  type ArnPattern,
} from '../policy/arn.js';
import type { Grant, GrantBuilder } from '../policy/grants.js';
import type { ActionSet } from '../policy/action-set.js';
import { actionOrdinal } from '../policy/catalog.js';
import type { GrantClass, GrantSets } from '../policy/grant-sets.js';
import { hasWildcard } from '../policy/glob.js';
import type { Piece } from './classify.js';
import type { Suggestion } from '../core/types.js';
import {
  disjointFields,
  implies,
  type Unit,
  type UnitMember,
  type UnitResult,
  type Verdict,
} from './engine.js';
import { REMOVABLE_KINDS } from './kinds.js';

function setKey(list: string[]): string {
  return [...list].sort().join('\n');
}

/** One statement of a minimal policy: the kept actions (compressed), resources and condition. */
export interface MinimalPart {
  actions: string[];
  resources: string[];
  condition?: Condition;
}

/**
 * How a statement is rewritten for the minimal policy: `null` when every grant is within the
 * baseline (the statement stays as written), else its kept (actions, resources, condition) parts,
 * in the order of their first grant. Depends on the statement's content and verdicts only.
 */
export function minimalPlan(
  stmt: Statement,
  entries: readonly { grant: Grant; verdict: Verdict }[],
  builder: GrantBuilder,
): MinimalPart[] | null {
  if (!entries.some(({ verdict }) => verdict.kind !== 'ok')) return null;
  // Bucket the kept (action, resources, condition) triples, in the statement's own order (its
  // actions as expanded, then its resources as written), whatever other statements grant.
  const order = builder.keyIndex(builder.statementActions(stmt).actions);
  const resourcePos = (g: Grant) => (g.notResource ? 0 : (stmt.resources?.indexOf(g.resource.raw) ?? 0));
  const sorted = [...entries].sort(
    (a, b) =>
      (order.get(a.grant.action.key) ?? 0) - (order.get(b.grant.action.key) ?? 0) ||
      resourcePos(a.grant) - resourcePos(b.grant),
  );
  const buckets = new Map<string, { actions: Set<string>; resources: Set<string>; condition?: Condition }>();
  const narrow = resourceNarrower(builder.bindings);
  for (const { grant, verdict } of sorted) {
    for (const { resources, condition } of keptParts(
      verdict,
      grant.resource,
      grant.notResource,
      grant.condition,
      narrow,
    )) {
      const key = `${setKey(resources)}\u0000${JSON.stringify(condition ?? null)}\u0000${grant.notResource ? 'not' : ''}`;
      let bucket = buckets.get(key);
      if (!bucket)
        buckets.set(key, (bucket = { actions: new Set(), resources: new Set(resources), condition }));
      bucket.actions.add(grant.action.key);
    }
  }
  return [...buckets.values()].map((b) => ({
    actions: compressActions(stmt, b.actions, builder),
    resources: [...b.resources].sort(),
    condition: b.condition,
  }));
}

/** What resourceNarrower answers where a NotResource statement is to be kept as written. */
const KEEP_AS_WRITTEN = '\u0000keep-as-written';

/**
 * Where a grant on `written` (excluding `excluded`, its NotResource) keeps a baseline's resource
 * `need`, as the text to write: the resources both name (arnIntersection: the baseline's, the
 * written one or, field by field, what both allow: `arn:aws:ec2:us-east-1:123456789012:*` meets
 * `arn:aws:ec2:*:123456789012:instance/*` as `…:us-east-1:123456789012:instance/*`), never the
 * baseline's where it names more than the policy did. Undefined, and the part is dropped, when
 * they name nothing in common, when the common part cannot be written exactly as one pattern
 * (`${aws:username}` against `coiled-*`), or when it meets a resource the statement excludes
 * (writing it would grant what the NotResource kept out). Memoised per plan: a statement's grants
 * share their few (resource, need) pairs.
 */
function resourceNarrower(
  bindings: Record<string, string>,
): (written: ArnPattern, need: string, excluded: readonly string[] | undefined) => string | undefined {
  const memo = new Map<string, string | undefined>();
  return (written, need, excluded) => {
    const key = `${written.raw}\u0000${need}\u0000${excluded?.join('\u0000') ?? ''}`;
    if (memo.has(key)) return memo.get(key);
    const needed = parseArnPattern(need, bindings);
    let out = arnIntersection(needed, written);
    // Kept as it is, where they share resources no one pattern can write: a written resource with
    // parts not known (a policy variable, a placeholder, a reference's `${…}`: one value each) that
    // may be one the baseline names (`${aws_iam_role.cluster.arn}` against `role/coiled-*`), or one
    // whose overlap with the baseline's is no one pattern (`coiled?prod` and `coiled-*` share
    // `coiled-prod`; `*-prod` and `coiled-*`, `coiled-*-prod` and more). That grants no more than
    // before; dropping it could take away what the vendor needs, and the audit still reports the
    // grant as broader than the baseline's.
    if (
      out === undefined &&
      arnIntersects(needed, written) &&
      (written.variables.length > 0 ||
        written.unboundPlaceholders.length > 0 ||
        !disjointFields(needed, written))
    )
      out = written.raw;
    if (out !== undefined && excluded?.length) {
      const p = parseArnPattern(out, bindings);
      // Read field by field, as AWS reads an ARN (disjointFields): `…:key-pair/*` excluded meets
      // no instance, so `…:instance/*` is written (a NotResource of key pairs on tagging, deleted
      // whole, took tagging instances away).
      const meeting = excluded
        .map((e) => parseArnPattern(e, bindings))
        .filter((x) => arnIntersects(x, p) && !disjointFields(x, p));
      // One that holds all of it leaves the statement nothing there: the part is dropped. An
      // exclusion with parts not known (`role/${aws:username}`) may or may not keep the
      // baseline's resource out, and one that holds only part of it (`instance/i-prod*` of
      // `instance/*`) leaves a rest no Resource can name: the NotResource is kept as written (it
      // grants no more than before; dropping it would take away what the vendor needs), as a
      // written resource with parts not known is above.
      if (meeting.length)
        out = meeting.some(
          (x) => x.variables.length === 0 && x.unboundPlaceholders.length === 0 && arnContains(x, p) === true,
        )
          ? undefined
          : KEEP_AS_WRITTEN;
    }
    memo.set(key, out);
    return out;
  };
}

type Narrower = ReturnType<typeof resourceNarrower>;

/**
 * What a grant keeps in the minimal policy, by its verdict: as written (a NotResource grant keeps
 * its NotResource: no resources here); narrowed to where the baseline allows it, each resource
 * with the condition the baseline requires there (one part per distinct condition); with the
 * missing condition added; or nothing (excess, leftover). A part whose condition no request can
 * meet together with the written one (see never) is dropped: the policy never granted what the
 * baseline needs there.
 */
function keptParts(
  verdict: Verdict,
  resource: ArnPattern,
  notResource: string[] | undefined,
  have: Condition | undefined,
  narrow: Narrower,
): { resources: string[]; condition?: Condition }[] {
  switch (verdict.kind) {
    case 'ok':
      return [{ resources: notResource ? [] : [resource.raw], condition: have }];
    case 'missing-condition': {
      const condition = mergeConditions(have, verdict.need);
      // (a NotResource statement keeps its NotResource, with the condition added)
      return never(condition) ? [] : [{ resources: notResource ? [] : [resource.raw], condition }];
    }
    case 'broader-resource': {
      const parts = new Map<string, { resources: string[]; condition?: Condition }>();
      for (const n of verdict.needs) {
        // Every resource but a list (the baseline's NotResource): a grant it is broader than meets
        // one of them, and what is left of it cannot be written as resources. Kept as written there,
        // as a resource with parts not known is (resourceNarrower): it grants no more than before,
        // dropping it could take away what the vendor needs, and the finding stays. Without a
        // condition of its own to add, that part holds every other: the grant as written.
        if (n.except && (!n.condition || implies(have, n.condition) === 'yes'))
          return [{ resources: notResource ? [] : [resource.raw], condition: have }];
        const written = n.except
          ? notResource
            ? KEEP_AS_WRITTEN
            : resource.raw
          : narrow(resource, n.resource, notResource);
        if (written === undefined) continue;
        // The NotResource as written, under the condition as written (resources []), and nothing
        // else: it holds every other part (written again beside it, each fix added them anew).
        if (written === KEEP_AS_WRITTEN) return [{ resources: [], condition: have }];
        const condition =
          !n.condition || implies(have, n.condition) === 'yes' ? have : mergeConditions(have, n.condition);
        if (never(condition)) continue;
        const key = JSON.stringify(condition ?? null);
        const part = parts.get(key) ?? parts.set(key, { resources: [], condition }).get(key)!;
        if (!part.resources.includes(written)) part.resources.push(written);
      }
      return [...parts.values()];
    }
    default:
      return [];
  }
}

/**
 * Whether a merged condition can never hold: no request meets both (mergeConditions: null), or the
 * two name one key under operators that exclude each other (`StringNotEquals owner = coiled`
 * written, `StringEquals owner = coiled` needed: conditionNeverHolds). Such a part is dropped,
 * never written: it would grant nothing, and read as if it granted.
 */
function never(condition: Condition | undefined | null): condition is null {
  return condition === null || (condition !== undefined && conditionNeverHolds(condition));
}

/**
 * Each action's position in a statement's own order (its actions as expanded, as
 * GrantBuilder.statementActions lists them): a NotAction list or a list led by `*` in the
 * catalog's key order, without a map per list.
 */
export function statementOrder(stmt: Statement, builder: GrantBuilder): (ordinal: number) => number {
  if (stmt.notActions || stmt.actions?.[0]?.trim() === '*') {
    const order = builder.catalog.keyOrder();
    return (o) => order[o] ?? Infinity;
  }
  // First occurrence over the patterns in order, each expanded as the catalog lists it.
  const pos = new Map<number, number>();
  for (const p of stmt.actions ?? [])
    for (const a of builder.catalog.expand(p)) {
      const o = actionOrdinal(a);
      if (o !== undefined && !pos.has(o)) pos.set(o, pos.size);
    }
  return (o) => pos.get(o) ?? Infinity;
}

/**
 * A rank of a set's first member in statementOrder (Infinity when none has one), which orders any
 * two sets as `set.minOf(statementOrder(stmt, builder))` does. In the catalog's key order (a
 * NotAction list or a list led by `*`) it is that position, a large set's first member found by
 * walking the catalog in that order until one is in the set, instead of ranking each of its (some
 * 22,000) members; for an Action list, see patternFirst.
 */
export function statementFirst(
  stmt: Statement,
  builder: GrantBuilder,
  sets: GrantSets,
): (set: ActionSet) => number {
  if (!(stmt.notActions || stmt.actions?.[0]?.trim() === '*')) return patternFirst(stmt, builder, sets);
  const order = statementOrder(stmt, builder);
  // keyOrder() gives each action of all() its index there.
  const all = builder.catalog.all();
  return (set) => {
    if (set.size * 64 < all.length) return set.minOf(order);
    for (let i = 0; i < all.length; i++) {
      const o = actionOrdinal(all[i]!);
      if (o !== undefined && set.has(o)) return i;
    }
    return Infinity;
  };
}

/** Ranks of patternFirst: pattern index times this, plus the rank within the pattern. */
const PATTERN_STRIDE = 2 ** 26;

/**
 * statementFirst for an Action list, without a position per action: a set's first member in the
 * list's order lies in the first pattern whose expansion meets the set (no member is in an earlier
 * one), at its first place in that pattern's expansion. Catalog.expand lists a pattern of one
 * service in the service's order, which is the order of its ordinals (a service's actions get
 * consecutive ordinals in that order), and any other pattern in key order. The ranks differ from
 * statementOrder's positions but order every two sets the same way.
 */
function patternFirst(stmt: Statement, builder: GrantBuilder, sets: GrantSets): (set: ActionSet) => number {
  const patterns = stmt.actions ?? [];
  // (an Action list's statement set keeps each pattern's set)
  const parts = sets.statementSet(stmt).parts!;
  let keyOrder: readonly number[] | undefined;
  return (set) => {
    for (let i = 0; i < parts.length; i++) {
      const actions = parts[i]!;
      if (!actions.intersects(set)) continue;
      const folded = patterns[i]!.trim().toLowerCase();
      const colon = folded.indexOf(':');
      const byKey =
        folded === '*' || (hasWildcard(folded) && (colon < 0 || hasWildcard(folded.slice(0, colon))));
      return (
        i * PATTERN_STRIDE +
        (byKey
          ? actions.minOfCommon(set, (keyOrder ??= builder.catalog.keyOrder()))
          : actions.firstCommon(set))
      );
    }
    return Infinity;
  };
}

/** minimalPlan from a statement's classified pieces (src/audit/classify.ts): the same plan, by sets. */
export function minimalPlanFromPieces(
  stmt: Statement,
  pieces: readonly Piece[],
  first: (set: ActionSet) => number,
  builder: GrantBuilder,
): MinimalPart[] | null {
  if (!pieces.some(({ verdict }) => verdict.kind !== 'ok')) return null;
  const resourcePos = (c: GrantClass) => (c.notResource ? 0 : (stmt.resources?.indexOf(c.resource.raw) ?? 0));
  const ranked = pieces
    .map((p) => ({ p, first: first(p.actions), at: resourcePos(p.cls) }))
    .sort((a, b) => a.first - b.first || a.at - b.at);
  const buckets = new Map<string, { actions: ActionSet; resources: Set<string>; condition?: Condition }>();
  const narrow = resourceNarrower(builder.bindings);
  for (const { p } of ranked) {
    const { cls, verdict } = p;
    for (const { resources, condition } of keptParts(
      verdict,
      cls.resource,
      cls.notResource,
      cls.condition,
      narrow,
    )) {
      const key = `${setKey(resources)}\u0000${JSON.stringify(condition ?? null)}\u0000${cls.notResource ? 'not' : ''}`;
      const bucket = buckets.get(key);
      if (!bucket) buckets.set(key, { actions: p.actions, resources: new Set(resources), condition });
      else bucket.actions = bucket.actions.union(p.actions);
    }
  }
  return [...buckets.values()].map((b) => ({
    actions: compressActions(stmt, new Set(b.actions.actions().map((a) => a.key)), builder),
    resources: [...b.resources].sort(),
    condition: b.condition,
  }));
}

/** The statements of a member's minimal policy, from each statement's plan (see minimalPlan). */
export function minimalStatements(
  m: UnitMember,
  planOf: (stmt: Statement) => MinimalPart[] | null,
): Record<string, unknown>[] {
  const statements: Record<string, unknown>[] = [];
  // Sids in use (IAM wants them unique in a policy, aws_iam_policy_document refuses duplicates),
  // compared without case, to be on the safe side.
  const all = (m.whole ?? m.doc).statements;
  const used = new Set(all.flatMap((s) => (s.sid ? [s.sid.toLowerCase()] : [])));
  for (const stmt of all) {
    const raw = rawStatement(m.raw, stmt);
    // (a statement for other principals than the vendor, or for the vendor and others, as written)
    const plan = stmt.effect === 'Deny' || m.asWritten?.has(stmt) ? null : planOf(stmt);
    if (!plan) {
      statements.push(raw);
      continue;
    }
    plan.forEach((part, i) =>
      statements.push(rewriteStatement(raw, part, i === 0 ? stmt.sid : freeSid(stmt.sid, i, used))),
    );
  }
  return statements;
}

/**
 * The Sid of a statement's part after its first: `${sid}${n}`, the first n from the part's place
 * (`Read2` for the second part of `Read`) not in use, then taken. Undefined without a Sid.
 */
function freeSid(sid: string | undefined, index: number, used: Set<string>): string | undefined {
  if (!sid) return undefined;
  let n = index + 1;
  while (used.has(`${sid}${n}`.toLowerCase())) n++;
  used.add(`${sid}${n}`.toLowerCase());
  return `${sid}${n}`;
}

/** The suggestion for one member: its minimal policy, and a diff made on first read. */
export function memberSuggestion(m: UnitMember, statements: Record<string, unknown>[]): Suggestion {
  const original = m.raw;
  // In the original's order of Version, Id and Statement (its diff shows no key moved), its Id
  // kept; a Version where it has none, first.
  const fields: Record<string, unknown> = {
    Version: typeof original.Version === 'string' ? original.Version : '2012-10-17',
    Statement: statements,
  };
  if (typeof original.Id === 'string') fields.Id = original.Id;
  const minimal: Record<string, unknown> = {};
  if (!Object.keys(original).includes('Version')) minimal.Version = fields.Version;
  for (const k of Object.keys(original)) if (Object.hasOwn(fields, k)) minimal[k] = fields[k];
  if (!Object.hasOwn(minimal, 'Statement')) minimal.Statement = statements;
  // A policy inside a file (a .tf resource, a template's, a plan's) is shown as read, in JSON: its
  // diff is no patch to the file (`fix` edits the file itself), and says so in its header.
  const label = m.record.address ? `${m.record.id}, as read in JSON` : m.record.path;
  const made = suggestion(m.record.id, label, original, minimal);
  if (m.record.approximate?.length) made.approximate = [...m.record.approximate];
  return made;
}

/** What each policy of the unit grants intersected with the active baseline, with a unified diff. */
export function suggestMinimal(unit: Unit, result: UnitResult, builder: GrantBuilder): Suggestion[] {
  const out: Suggestion[] = [];
  unit.members.forEach((m, mi) => {
    const byStmt = result.verdicts.get(mi);
    const needed = result.atoms.some((a) => a.member === mi && REMOVABLE_KINDS.has(a.kind));
    if (!needed) return;
    const statements = minimalStatements(m, (stmt) =>
      minimalPlan(stmt, byStmt?.get(stmt.index) ?? [], builder),
    );
    out.push(memberSuggestion(m, statements));
  });
  return out;
}

/**
 * A suggestion whose `diff` is made on first read (an enumerable accessor, so spreading or
 * serialising the suggestion reads it like any other value): the text report never reads most
 * diffs, and a diff costs more than the rest of the suggestion. Neither document is changed after
 * this point, so the diff is the same whenever it is made. (A function of its own, so the closure
 * holds the two documents and nothing of the unit.)
 */
function suggestion(
  policy: string,
  path: string,
  original: Record<string, unknown>,
  minimal: Record<string, unknown>,
): Suggestion {
  let diff: string | undefined;
  const make = () => minimalDiff(path, original, minimal);
  const made: Suggestion = {
    policy,
    minimal,
    get diff(): string {
      return (diff ??= make());
    },
    set diff(value: string) {
      diff = value;
    },
  };
  DIFF_MAKERS.set(made, () => diff ?? make());
  return made;
}

/** The suggestions made here: their diff without keeping it (see diffOnce). */
const DIFF_MAKERS = new WeakMap<Suggestion, () => string>();

/**
 * A suggestion's diff, made and not kept when it was not read before: for a reader that reads it
 * once (the JSON report writes every diff, and keeping them all would hold them to the end of the
 * run). Any other suggestion's `diff` as it is.
 */
export function diffOnce(s: Suggestion): string {
  const make = DIFF_MAKERS.get(s);
  return make ? make() : s.diff;
}

/** Documents with more lines than this together get a whole-document diff (see minimalDiff). */
const LINEAR_DIFF_FROM = 4000;

/** The unified diff of a policy document against its minimal one (3 lines of context). */
export function minimalDiff(path: string, original: unknown, minimal: unknown): string {
  const before = JSON.stringify(original, null, 2) + '\n';
  const after = JSON.stringify(minimal, null, 2) + '\n';
  // A line diff costs up to the product of the two lengths; documents this long give a diff the
  // reports summarise anyway (over 2,000 lines): one hunk replacing the whole document, in linear time.
  const a = before.split('\n').slice(0, -1);
  const b = after.split('\n').slice(0, -1);
  if (a.length + b.length > LINEAR_DIFF_FROM)
    return [
      `--- ${path}`,
      `+++ ${path} (minimal)`,
      `@@ -1,${a.length} +1,${b.length} @@`,
      ...a.map((l) => `-${l}`),
      ...b.map((l) => `+${l}`),
      '',
    ].join('\n');
  return unifiedDiff(path, `${path} (minimal)`, before, after, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/**
 * The statement as written, with its actions, resources and condition replaced by the kept ones:
 * same key order, same string-or-array forms, so the diff shows only what changes.
 */
function rewriteStatement(
  raw: Record<string, unknown>,
  part: MinimalPart,
  sid: string | undefined,
): Record<string, unknown> {
  const form = (original: unknown, values: string[]): string | string[] =>
    Array.isArray(original) || values.length !== 1 ? values : values[0]!;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'Sid' && sid) out.Sid = sid;
    else if (key === 'Action' || key === 'NotAction') out.Action = form(raw.Action, part.actions);
    else if (key === 'Resource') out.Resource = form(value, part.resources);
    else if (key === 'NotResource') {
      if (part.resources.length) out.Resource = form(undefined, part.resources);
      else out.NotResource = value;
    } else if (key === 'Condition') out.Condition = conditionAsWritten(value, part.condition);
    else out[key] = value;
  }
  if (part.condition && !('Condition' in raw)) out.Condition = conditionAsWritten(undefined, part.condition);
  return out;
}

/** The action list for a minimal statement: the original patterns when wholly kept, else concrete names. */
function compressActions(stmt: Statement, kept: Set<string>, builder: GrantBuilder): string[] {
  const out: string[] = [];
  const covered = new Set<string>();
  for (const p of stmt.actions ?? []) {
    const hits = builder.catalog.expand(p);
    if (hits.length && hits.every((a) => kept.has(a.key))) {
      out.push(p);
      for (const a of hits) covered.add(a.key);
    }
  }
  const rest = [...kept]
    .filter((k) => !covered.has(k))
    .map((k) => builder.catalog.lookup(k)!.full)
    .sort();
  return [...out, ...rest];
}

function rawStatement(raw: Record<string, unknown>, stmt: Statement): Record<string, unknown> {
  const st = raw.Statement;
  const item = Array.isArray(st) ? st[stmt.index] : st;
  return (item ?? {}) as Record<string, unknown>;
}
