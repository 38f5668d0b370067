// Statement outcomes, computed per distinct statement and reused by every policy that has it,
// by set algebra: the statement's grant classes (src/policy/grant-sets.ts) classified against the
// baseline's active sets (src/audit/classify.ts), each atom a set of actions, never one object per
// (action, resource).
//
// What a statement of a unit comes to (its grants, their verdicts, its atoms, its findings and its
// minimal rewrite) depends only on the statement's content, the Deny statements beside it, the
// baseline and active sets, the unit's kind, the unit's notes and its scope (a resource policy of a
// known type grants only its services' actions). Monorepos and plans repeat statements (a vendor's
// policy pasted into every account, one module instantiated per team), and a NotAction or `*`
// statement costs some 20,000 grants: evaluated once per content (twice: an outcome is kept from
// the second time its content is seen), not once per policy. The outcome
// holds no unit's identity; findings are stamped with the policy, statement label, file and line
// of each occurrence. The unit-level path (evaluateUnit, groupAtoms, suggestMinimal) is the
// reference: a test checks that both give the same outcome.

import { statementLabel, type Condition, type Statement } from '../policy/document.js';
import type { GrantBuilder } from '../policy/grants.js';
import { GrantSets, type GrantClass } from '../policy/grant-sets.js';
import { ActionSet } from '../policy/action-set.js';
import type { Catalog } from '../policy/catalog.js';
import type { Finding } from '../core/types.js';
import {
  invalidStatementAtom,
  writtenAsRead,
  unknownActionAtom,
  type Atom,
  type CompiledBaseline,
  type Unit,
  type UnitMember,
  setsNotFor,
} from './engine.js';
import { activeSets, baselineSets, classify, grantedByEntry, type Piece } from './classify.js';
import { copyFinding } from './finding-set.js';
import { groupAtoms, memberLine, memberPath } from './findings.js';
import { REMOVABLE_KINDS } from './kinds.js';
import { minimalPlanFromPieces, statementFirst, type MinimalPart } from './minimal.js';

export interface Denies {
  list: Statement[];
  /** Per Deny statement: its part of an outcome key. */
  keys: string[];
  /** The unit's part of an outcome key (its active sets, kind, notes and scope). */
  unitKey: string;
}

export interface StatementOutcome {
  /** The statement the outcome was computed from (content equal to every occurrence's). */
  stmt: Statement;
  /** Atoms with member 0 and `stmt` as above. */
  atoms: Atom[];
  /** Whether any atom is of a kind a minimal policy removes. */
  removable: boolean;
  /** The keys the statement grants (after the Deny statements) that the baseline has. */
  baselineKeys: string[];
  /** What it grants of each baseline entry (by BaselineSets entry index), for missing-permission. */
  granted: Map<number, ActionSet>;
  /** The actions it grants that need no permission, where the baseline does not allow them (see classify). */
  free: ActionSet;
  /** minimalPlan of the statement: null when it stays as written (or no plan is made: see constructor). */
  minimal: MinimalPart[] | null;
  /** Grouped findings (template identity fields), per constant `new`: 'u' no base, 't' all new, 'f' none new. */
  grouped: Map<string, Finding[]>;
}

/** A template member for grouping: has a line and an address, so findings keep their key order. */
const TEMPLATE_MEMBER: UnitMember = {
  record: {
    id: '',
    path: '',
    kind: 'identity',
    status: 'resolved',
    line: 1,
    address: '-',
  } as UnitMember['record'],
  doc: { statements: [] },
  raw: {},
  whole: undefined,
  asWritten: undefined,
};

/** Outcomes kept per baseline before the cache starts again. */
const OUTCOME_CACHE = 20_000;
/** Keys (by hash) seen once, per baseline, before that record starts again. */
const SEEN_ONCE = 200_000;

/**
 * A set of 32-bit hashes in one Int32Array, open addressing with linear probing: one probe is
 * mostly one cache line, where a Set of numbers follows a bucket to a chain, and holds half of the
 * hashes (those over 2^31 - 1) as heap numbers. 0 marks an empty slot, so the hash 0 is kept as 1
 * (a collision only keeps an outcome early). Grown at half full.
 */
export class HashSeen {
  private static readonly BITS = 12;
  private slots = new Int32Array(1 << HashSeen.BITS);
  /** 32 minus log2 of the slots: a hash's slot is the top bits of its Fibonacci product. */
  private shift = 32 - HashSeen.BITS;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `h`; true when it was there already. */
  testAndAdd(h: number): boolean {
    const v = h | 0 || 1;
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = Math.imul(v, 0x9e3779b1) >>> this.shift;
    for (let s = slots[i]!; s !== 0; s = slots[i]!) {
      if (s === v) return true;
      i = (i + 1) & mask;
    }
    if (2 * (this.count + 1) > slots.length) {
      this.grow();
      return this.testAndAdd(v);
    }
    slots[i] = v;
    this.count++;
    return false;
  }

  clear(): void {
    this.slots = new Int32Array(1 << HashSeen.BITS);
    this.shift = 32 - HashSeen.BITS;
    this.count = 0;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.shift--;
    this.count = 0;
    for (let j = 0; j < old.length; j++) if (old[j] !== 0) this.testAndAdd(old[j]!);
  }
}

/**
 * FNV-1a, continued over a string's UTF-16 units and then a mark (a value no unit has, so that
 * ["ab"] and ["a", "b"] differ): an outcome's key seen before, in 32 bits, hashed from its parts
 * without making the key (a collision only keeps an outcome early).
 */
const FNV_OFFSET = 0x811c9dc5;
function hashMore(h: number, s: string, mark: number): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ mark, 0x01000193);
}

/** hashMore over a list (undefined and empty differ). */
function hashList(h: number, list: readonly string[] | undefined, mark: number): number {
  if (list === undefined) return Math.imul(h ^ (mark + 1), 0x01000193);
  for (const x of list) h = hashMore(h, x, 0x10000);
  return Math.imul(h ^ mark, 0x01000193);
}

/**
 * Action names by a number per distinct text: the names of a statement are mostly the strings
 * the policy reader shares (policy/document.ts), whose hash the runtime keeps with them, so a
 * lookup here reads no character; a resource (mostly distinct text) is hashed by its characters.
 * Bounded: when it starts again, a name may get another number (a statement seen again is then
 * only taken as new: hashes decide what is kept, never what is reported).
 */
const NAME_IDS = new Map<string, number>();
const NAME_IDS_MAX = 1 << 16;

function nameId(name: string): number {
  let id = NAME_IDS.get(name);
  if (id === undefined) {
    if (NAME_IDS.size >= NAME_IDS_MAX) NAME_IDS.clear();
    NAME_IDS.set(name, (id = NAME_IDS.size + 1));
  }
  return id;
}

/** hashList over action names, by nameId. */
function hashNames(h: number, list: readonly string[] | undefined, mark: number): number {
  if (list === undefined) return Math.imul(h ^ (mark + 1), 0x01000193);
  for (let i = 0; i < list.length; i++) h = Math.imul(h ^ (nameId(list[i]!) + 0x20000), 0x01000193);
  return Math.imul(h ^ mark, 0x01000193);
}

/** The hash of what contentKey writes. */
function hashContent(h: number, s: Statement): number {
  h = hashMore(h, s.effect, 0x10010);
  h = hashNames(h, s.actions, 0x10020);
  h = hashNames(h, s.notActions, 0x10030);
  h = hashList(h, s.resources, 0x10040);
  h = hashList(h, s.notResources, 0x10050);
  // Whom a Deny reaches depends on the principals of both statements (policy/principal.ts).
  if (s.principal !== undefined) h = hashMore(h, JSON.stringify(s.principal), 0x10090);
  if (s.notPrincipal !== undefined) h = hashMore(h, JSON.stringify(s.notPrincipal), 0x100a0);
  return s.condition === undefined ? h : hashCondition(h, s.condition);
}

/**
 * A condition's operators, keys and values in their order, as its JSON text would list them (equal
 * texts, equal hashes), without making the text.
 */
function hashCondition(h: number, c: Condition): number {
  for (const op in c) {
    h = hashMore(h, op, 0x10061);
    const byKey = c[op]!;
    for (const key in byKey) h = hashList(hashMore(h, key, 0x10062), byKey[key], 0x10063);
  }
  return Math.imul(h ^ 0x10060, 0x01000193);
}

function contentKey(s: Statement): string {
  const key: unknown[] = [
    s.effect,
    s.actions,
    s.notActions,
    s.resources,
    s.notResources,
    s.condition ?? null,
  ];
  if (s.principal !== undefined || s.notPrincipal !== undefined)
    key.push(s.principal ?? null, s.notPrincipal ?? null);
  return JSON.stringify(key);
}

export class StatementMemo {
  private readonly outcomes = new WeakMap<CompiledBaseline, Map<string, StatementOutcome>>();
  private readonly seenOnce = new WeakMap<CompiledBaseline, HashSeen>();
  readonly sets: GrantSets;

  /** `plans`: false when no suggestion is made, so no outcome needs its minimal plan. */
  constructor(
    private readonly builder: GrantBuilder,
    private readonly catalog: Catalog,
    private readonly plans = true,
  ) {
    this.sets = new GrantSets(builder);
  }

  /** The Deny statements of a unit's members, each with the part of an outcome key it makes. */
  denies(unit: Unit): Denies {
    const list: Statement[] = [];
    for (const m of unit.members) for (const s of m.doc.statements) if (s.effect === 'Deny') list.push(s);
    // The Deny's Sid or index appears in the notes of the grants it partly denies.
    const unitNote = unit.approximate?.length ? unit.approximate.join('\u0001') : '';
    const sets = [...new Set(unit.activeSets)].sort().join(',');
    return {
      list,
      keys: list.map((d) => `${d.sid ?? ''}\u0001${d.index}\u0001${d.written}\u0001${contentKey(d)}`),
      // A resource policy of a known type grants only its services' actions: its scope is part
      // of the key, so the same statement in an identity policy has an outcome of its own.
      // (the kind too: a resource policy's statement needs a principal, an identity policy's none)
      // (and whether its policies are written as read: writtenAsRead, for invalidStatementAtom)
      unitKey:
        (unit.scope === undefined
          ? `${sets}\u0000${unit.kind}\u0000${unitNote}`
          : `${sets}\u0000${unit.kind}\u0000${unitNote}\u0000${unit.scope.key}`) +
        (writtenAsRead(unit) ? '' : '\u0000t'),
    };
  }

  outcome(unit: Unit, stmt: Statement, denies: Denies): StatementOutcome {
    // Only the Deny statements that name an action of this statement change its outcome.
    const relevant: number[] = [];
    if (stmt.effect === 'Allow') {
      const mine = this.sets.statementSet(stmt).actions;
      denies.list.forEach((d, i) => {
        if (mine.intersects(this.sets.statementSet(d).actions)) relevant.push(i);
      });
    }
    const denied = () => relevant.map((i) => denies.list[i]!);
    // Outcomes are shared while statements repeat; distinct ones must not pile up (an
    // organisation's plan). An outcome is kept from the second time its key is seen: one seen once
    // (most of a plan whose statements all differ) dies young, before the garbage collector moves
    // it to the old generation, where it would stay until a full collection. The first time is
    // told by a hash of the key's parts, so that no key is made for a statement seen once. Past a
    // bound each record starts again (outcomes compare by content where it matters, so a
    // recomputed one gives the same findings).
    let seen = this.seenOnce.get(unit.baseline);
    if (!seen) this.seenOnce.set(unit.baseline, (seen = new HashSeen()));
    let h = hashMore(FNV_OFFSET, denies.unitKey, 0x10070);
    for (const i of relevant) h = hashMore(h, denies.keys[i]!, 0x10080);
    h = hashContent(h, stmt);
    if (!seen.testAndAdd(h)) {
      if (seen.size > SEEN_ONCE) {
        seen.clear();
        seen.testAndAdd(h);
      }
      return this.compute(unit, stmt, denied());
    }
    let byKey = this.outcomes.get(unit.baseline);
    if (!byKey) this.outcomes.set(unit.baseline, (byKey = new Map()));
    let context = '';
    for (const i of relevant) context += `${denies.keys[i]}\u0002`;
    const key = `${denies.unitKey}\u0000${context}\u0000${contentKey(stmt)}`;
    let o = byKey.get(key);
    if (!o) {
      o = this.compute(unit, stmt, denied());
      if (byKey.size >= OUTCOME_CACHE) byKey.clear();
      byKey.set(key, o);
    }
    return o;
  }

  private compute(unit: Unit, stmt: Statement, denies: Statement[]): StatementOutcome {
    const resourceRequired = unit.kind !== 'trust';
    const unitNote = unit.approximate?.length ? unit.approximate.join('; ') : undefined;
    const atoms: Atom[] = [];
    for (const u of this.sets.statementSet(stmt).unknown) atoms.push(unknownActionAtom(0, stmt, u));
    const invalid = resourceRequired
      ? invalidStatementAtom(0, stmt, unit.kind, unit.scope, writtenAsRead(unit))
      : undefined;
    if (invalid) atoms.push(invalid);
    const classes: GrantClass[] = this.sets.classes(
      stmt,
      denies.filter((d) => d !== stmt),
      { resourceRequired, scope: unit.scope?.actions, impliedResource: unit.scope?.impliedResource },
    );
    const active = activeSets(unit.baseline, this.catalog, unit.activeSets, unit.kind);
    const pieces: Piece[] = [];
    const found: { a: Atom; at: number }[] = [];
    let free = ActionSet.EMPTY;
    for (const cls of classes) {
      const r = classify(cls, active, unitNote, 0);
      pieces.push(...r.pieces);
      if (!r.free.isEmpty()) free = free.union(r.free);
      for (const a of r.atoms) found.push({ a, at: cls.resourcePos });
    }
    // In the statement's own order (its actions, then its resources), as the reference makes them.
    let ordered: ((set: ActionSet) => number) | undefined;
    const first = (set: ActionSet) => (ordered ??= statementFirst(stmt, this.builder, this.sets))(set);
    if (found.length === 1) atoms.push(found[0]!.a);
    else for (const a of inStatementOrder(found, first)) atoms.push(a);
    const all = baselineSets(unit.baseline, this.catalog);
    let granted: ActionSet | undefined;
    for (const c of classes) granted = granted ? granted.union(c.actions) : c.actions;
    const baselineKeys = granted
      ? granted
          .intersect(all.all)
          .actions()
          .map((a) => a.key)
      : [];
    return {
      stmt,
      atoms,
      removable: atoms.some((a) => REMOVABLE_KINDS.has(a.kind)),
      baselineKeys,
      granted: grantedByEntry(classes, all, undefined, setsNotFor(unit.baseline, unit.kind)),
      free,
      minimal: this.plans ? minimalPlanFromPieces(stmt, pieces, first, this.builder) : null,
      grouped: new Map(),
    };
  }

  /**
   * The findings of one occurrence of an outcome (member `mi` of `unit`, statement `stmt`).
   * `isNew`: undefined when there is no base, a constant when every atom is new (or none is),
   * else the outcome's atoms split into new and old parts (each with `fresh` set).
   */
  findings(
    o: StatementOutcome,
    unit: Unit,
    mi: number,
    stmt: Statement,
    isNew: boolean | undefined | Atom[],
  ): Finding[] {
    if (!o.atoms.length) return [];
    const template = (): Unit => ({ ...unit, id: '', members: [TEMPLATE_MEMBER] });
    let templates: Finding[];
    if (Array.isArray(isNew))
      templates = groupAtoms(isNew, {
        unit: template(),
        isNew: (a) => a.fresh,
        catalog: this.catalog,
        sets: this.sets,
      });
    else {
      const k = isNew === undefined ? 'u' : isNew ? 't' : 'f';
      let hit = o.grouped.get(k);
      if (!hit) {
        const constant = isNew;
        hit = groupAtoms(o.atoms, {
          unit: template(),
          isNew: constant === undefined ? undefined : () => constant,
          catalog: this.catalog,
          sets: this.sets,
        });
        o.grouped.set(k, hit);
      }
      templates = hit;
    }
    const member = unit.members[mi]!;
    const line = memberLine(member, stmt);
    return templates.map((t) => {
      const f = copyFinding(t, { policy: unit.id, path: memberPath(member, stmt) });
      if (f.statement !== undefined) f.statement = statementLabel(stmt);
      // Assigned, never deleted: the copy keeps the template's shape (see groupAtoms).
      f.line = line;
      f.address = member.record.address || undefined;
      return f;
    });
  }
}

/**
 * Atoms, each with its resource's position in the statement, in the statement's own order: by
 * their first action in the statement's order (`first`, from statementFirst), then by resource,
 * then as given. Atoms without actions (unknown actions, an invalid statement) come first.
 */
export function inStatementOrder(
  found: readonly { a: Atom; at: number }[],
  first: (set: ActionSet) => number,
): Atom[] {
  return found
    .map((x, i) => ({ a: x.a, at: x.at, i, first: x.a.actions ? first(x.a.actions) : -Infinity }))
    .sort((x, y) => x.first - y.first || x.at - y.at || x.i - y.i)
    .map((x) => x.a);
}
