// What a pull request's base granted, as keys to compare the head's atoms with: a finding is new
// when the base had no atom of the same kind, actions, resource scope, condition and principals
// (AtomKeys, SetKeys), or when no base statement covered it (Covering). Pure.

import { actionOrdinal } from '../policy/catalog.js';
import { type Condition, type Statement } from '../policy/document.js';
import type { PolicyRecord } from '../core/types.js';
import { ActionSet } from '../policy/action-set.js';
import { type GrantClass } from '../policy/grant-sets.js';
import { arnContains, type ArnPattern } from '../policy/arn.js';
import { implies, type Atom, type Unit, type UnitMember } from './engine.js';

/** An Allow statement of a unit at the base: what it granted, and the head's statement that continues it. */
export interface StatementAtBase {
  actions: ActionSet;
  now: { member: number; stmt: Statement } | undefined;
}

/**
 * The head's statement that continues a statement of the base (takenAt): of the same policy, the
 * one with its Sid, else the one at its place when the policy has as many statements as before.
 */
export function headStatement(
  unit: Unit,
  was: UnitMember,
  stmt: Statement,
): { member: number; stmt: Statement } | undefined {
  const mi = unit.members.findIndex((m) => m.record.id === was.record.id);
  const m = unit.members[mi];
  if (!m) return undefined;
  const list = m.doc.statements;
  const found =
    stmt.sid !== undefined
      ? list.find((s) => s.sid === stmt.sid && s.effect === 'Allow')
      : list.length === was.doc.statements.length
        ? list.find((s) => s.index === stmt.index && s.effect === 'Allow')
        : undefined;
  return found ? { member: mi, stmt: found } : undefined;
}

/** An approximate note that says unknown values (template interpolations, parameters) were read as wildcards. */
export const UNKNOWN_NOTE = /read as (wildcards|`\*`|\*|one value each)/;

/**
 * The note of a policy at the base whose unknown values were read as wildcards where the head's
 * are not the same unknowns (a variable the change replaces by a literal `*`): the base's `*` stood
 * for a value not known, not for everyone, so it cannot tell what the head adds (a review: a
 * bucket policy's principal changed from `var.reader_arn` to `"*"` was pre-existing). Undefined
 * when the base has no such note the head has not too.
 */
export function unknownOnlyAtBase(base: PolicyRecord, head: PolicyRecord): string | undefined {
  const had = base.approximate?.filter((n) => UNKNOWN_NOTE.test(n));
  if (!had?.length) return undefined;
  const now = new Set(head.approximate ?? []);
  return had.find((n) => !now.has(n));
}

/**
 * Whom and under what a statement grants, as canonical text: its Principal or NotPrincipal and its
 * Condition (operators and keys sorted, keys in lower case as AWS compares them, values sorted), and
 * the same without the condition. Part of an atom's key: a grant under a condition at the base does
 * not make the same grant without it (or under another one) old, nor does a resource policy's grant
 * to one principal make the same grant to `*` or another account old (a review: both passed
 * `fail-on: new`).
 */
export interface ScopeText {
  full: string;
  /** Without the condition (the principal alone). */
  bare: string;
  /** The condition alone ('' when none). */
  condition: string;
  /** The Principal's entries (undefined when the statement has none). */
  principal?: Principals;
}

export const scopeTexts = new WeakMap<Statement, ScopeText>();

export const NO_SCOPE: ScopeText = { full: '', bare: '', condition: '' };

export function byFirst(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** A condition's canonical text ('' when none). */
export function conditionKey(c: Condition | undefined): string {
  if (c === undefined) return '';
  const ops = Object.keys(c).sort();
  if (ops.length === 0) return '';
  return JSON.stringify(
    ops.map((op) => [
      op,
      Object.entries(c[op]!)
        .map(([k, v]): [string, string[]] => [k.toLowerCase(), [...v].sort()])
        .sort(byFirst),
    ]),
  );
}

/**
 * A Principal's (or NotPrincipal's) entries, as AWS reads them: `"*"` and `{"AWS": "*"}` are
 * everyone (`all`); an account ID is its root (`111122223333` is `arn:aws:iam::111122223333:root`);
 * otherwise `type\u0001value` per value, sorted. Its text is the canonical form the key holds.
 */
export interface Principals {
  all: boolean;
  entries: ReadonlySet<string>;
  text: string;
}

export const ACCOUNT_ID = /^\d{12}$/;

export function principalsOf(p: unknown): Principals {
  if (p === '*') return { all: true, entries: new Set(), text: '*' };
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    const text = JSON.stringify(p) ?? '';
    return { all: false, entries: new Set([text]), text };
  }
  const entries = new Set<string>();
  for (const [type, v] of Object.entries(p as Record<string, unknown>))
    for (const x of Array.isArray(v) ? v : [v]) {
      if (type === 'AWS' && x === '*') return { all: true, entries: new Set(), text: '*' };
      const value =
        typeof x !== 'string'
          ? JSON.stringify(x)
          : type === 'AWS' && ACCOUNT_ID.test(x)
            ? `arn:aws:iam::${x}:root`
            : x;
      entries.add(`${type}\u0001${value}`);
    }
  return { all: false, entries, text: [...entries].sort().join('\u0002') };
}

/** Whether a grant to `outer` reaches every principal a grant to `inner` does. */
export function principalsCover(outer: Principals | undefined, inner: Principals | undefined): boolean {
  if (outer === undefined || inner === undefined) return outer === inner;
  if (outer.all) return true;
  if (inner.all) return false;
  for (const e of inner.entries) if (!outer.entries.has(e)) return false;
  return true;
}

export function scopeOf(s: Statement | undefined): ScopeText {
  if (s === undefined) return NO_SCOPE;
  let t = scopeTexts.get(s);
  if (t === undefined) {
    const principal = s.principal === undefined ? undefined : principalsOf(s.principal);
    const who =
      s.principal === undefined && s.notPrincipal === undefined
        ? ''
        : `${principal?.text ?? ''}\u0001${s.notPrincipal === undefined ? '' : principalsOf(s.notPrincipal).text}`;
    const condition = conditionKey(s.condition);
    t = { full: condition ? `${who}\u0002${condition}` : who, bare: who, condition, principal };
    scopeTexts.set(s, t);
  }
  return t;
}

/**
 * Kinds whose finding is about the statement's text itself (an action name no catalog has, a
 * statement AWS rejects), not about what it grants to whom: compared without the scope, so that an
 * edit of a condition does not make them new.
 */
export const TEXT_KINDS: ReadonlySet<string> = new Set(['unknown-action', 'invalid-policy']);

/**
 * An atom's key but its action (kind, resource, set, detail, the condition a leftover's set needs:
 * a change that drops a feature's condition from its grant makes that grant new; and whom and under
 * what its statement grants, ScopeText). `bare`: with the statement's principal but not its
 * condition.
 */
export function atomRest(a: Atom, bare = false): string {
  const scope = TEXT_KINDS.has(a.kind) ? NO_SCOPE : scopeOf(a.stmt);
  const rest = `${a.kind}\u0000${a.resource ?? ''}\u0000${a.set ?? ''}\u0000${a.detail ?? ''}\u0000${bare ? scope.bare : scope.full}`;
  return a.need === undefined ? rest : `${rest}\u0000${a.need}`;
}

/**
 * The keys an atom of the side compared with is found by: its own, and, for a grant without the
 * condition its set needs, the key without it too, so that the same grant under that condition
 * (narrowed: a change that adds the condition) is not new. The reverse (a change that drops it)
 * still is: an atom with `need` is found by its own key only.
 */
export function atomRests(a: Atom): string[] {
  const rest = atomRest(a);
  // (only a grant under no condition at all: one under another condition, swapped for the set's,
  // is not narrowed by the change, as Covering reads it)
  return a.need === undefined || a.stmt?.condition !== undefined
    ? [rest]
    : [rest, atomRest({ ...a, need: undefined })];
}

/**
 * The keys an atom is looked up by in the other side: its own, and, for a grant under a condition,
 * its key without the condition: the same grant without any condition on the other side holds it
 * (a condition added narrows). A condition of the other side that this one's implies is Covering's.
 */
export function lookupRests(a: Atom): string[] {
  const own = atomRest(a);
  return TEXT_KINDS.has(a.kind) || scopeOf(a.stmt).condition === '' ? [own] : [own, atomRest(a, true)];
}

/**
 * Of the removal direction (what the base had that the head no longer has): the keys a head atom
 * is also found by, without its condition. A finding the head still has under a condition it added
 * was narrowed, not removed (a review: the same finding was listed both pre-existing and removed).
 */
export function looseRests(a: Atom): string[] {
  const own = atomRests(a);
  return TEXT_KINDS.has(a.kind) || scopeOf(a.stmt).condition === '' ? own : [...own, atomRest(a, true)];
}

/**
 * A set of atoms of one unit compared by their key (kind, action or pattern, resource, set,
 * detail), held as action -> the rest of the key: the action keys are the catalog's strings, and
 * the rest is the same for runs of atoms (one statement's actions), so it is made once a run.
 * Equal keys <=> equal (action, rest): kinds and action keys hold no NUL, and a pattern (the only
 * part that can) goes with an otherwise empty key.
 */
export class AtomKeys {
  /** action -> the rest of its one key, or of its keys (most actions have one). */
  private readonly byAction = new Map<string, string | Set<string>>();
  private last: Atom | undefined;
  private lastRest = '';
  private readonly covering?: Covering;

  /** `covering`: what the side grants on resources containing others' (see Covering). */
  constructor(lists: readonly (readonly Atom[])[], covering?: Covering, loose = false) {
    this.covering = covering;
    for (const atoms of lists)
      for (const a of atoms) {
        const act = a.action?.key ?? a.pattern ?? '';
        for (const rest of loose ? looseRests(a) : a.need === undefined ? [this.rest(a)] : atomRests(a)) {
          const had = this.byAction.get(act);
          if (had === undefined) this.byAction.set(act, rest);
          else if (typeof had === 'string') {
            if (had !== rest) this.byAction.set(act, new Set([had, rest]));
          } else had.add(rest);
        }
      }
  }

  has(a: Atom): boolean {
    const had = this.byAction.get(a.action?.key ?? a.pattern ?? '');
    if (had !== undefined) {
      const rests = scopeOf(a.stmt).condition === '' ? [this.rest(a)] : lookupRests(a);
      for (const rest of rests) if (typeof had === 'string' ? had === rest : had.has(rest)) return true;
    }
    // (the same on a resource that contains this one: the grant was narrowed, nothing added)
    if (!this.covering || a.resource === undefined) return false;
    const action = a.action ? actionOrdinal(a.action) : undefined;
    return (
      action !== undefined && this.covering.within(a, a.resource).some((e) => e.actions?.has(action) ?? false)
    );
  }

  private rest(a: Atom): string {
    const l = this.last;
    if (
      l === undefined ||
      l.kind !== a.kind ||
      l.resource !== a.resource ||
      l.set !== a.set ||
      l.detail !== a.detail ||
      l.need !== a.need ||
      l.stmt !== a.stmt
    ) {
      this.last = a;
      this.lastRest = atomRest(a);
    }
    return this.lastRest;
  }
}

/**
 * The atoms of one unit by key (kind, resource, set, detail) -> the actions they cover, for the
 * set-based path: an atom is split into the part the other side has (`fresh: false`) and the rest.
 */
export class SetKeys {
  private readonly sets = new Map<string, ActionSet>();
  private readonly singles = new Set<string>();
  private readonly covering?: Covering;

  /** `covering`: what the side grants on resources containing others' (see Covering). */
  constructor(lists: readonly (readonly Atom[])[], covering?: Covering, loose = false) {
    this.covering = covering;
    for (const atoms of lists)
      for (const a of atoms)
        for (const rest of loose ? looseRests(a) : atomRests(a)) {
          if (a.actions) {
            const had = this.sets.get(rest);
            this.sets.set(rest, had ? had.union(a.actions) : a.actions);
          } else this.singles.add(`${a.action?.key ?? a.pattern ?? ''}\u0000${rest}`);
        }
  }

  /** The atom's parts: what the other side has (fresh false) and what it has not (fresh true). */
  split(a: Atom): Atom[] {
    const rests = lookupRests(a);
    if (!a.actions) {
      const act = a.action?.key ?? a.pattern ?? '';
      if (rests.some((rest) => this.singles.has(`${act}\u0000${rest}`))) return [{ ...a, fresh: false }];
      // (a single action on a resource the other side's grant contains)
      const ord = a.action ? actionOrdinal(a.action) : undefined;
      const covered =
        this.covering !== undefined &&
        a.resource !== undefined &&
        ord !== undefined &&
        this.covering.within(a, a.resource).some((e) => e.actions?.has(ord) ?? false);
      return [{ ...a, fresh: !covered }];
    }
    let had: ActionSet | undefined;
    for (const rest of rests) {
      const h = this.sets.get(rest);
      if (h) had = had ? had.union(h) : h;
    }
    let old = had ? a.actions.intersect(had) : ActionSet.EMPTY;
    let fresh = had ? a.actions.minus(had) : a.actions;
    // (what the other side has on a resource that contains this one: narrowed, nothing added)
    if (this.covering && a.resource !== undefined && !fresh.isEmpty())
      for (const e of this.covering.within(a, a.resource)) {
        if (!e.actions || !fresh.intersects(e.actions)) continue;
        old = old.union(fresh.intersect(e.actions));
        fresh = fresh.minus(e.actions);
        if (fresh.isEmpty()) break;
      }
    if (old.isEmpty()) return [{ ...a, fresh: true }];
    const out: Atom[] = [];
    if (!old.isEmpty()) out.push({ ...a, actions: old, fresh: false });
    if (!fresh.isEmpty()) out.push({ ...a, actions: fresh, fresh: true });
    return out;
  }
}

/**
 * Grants of one side with their resources: which of them grant on a resource that contains another
 * one (`*` contains `role/sky*`). A grant the base had on `*` that the change narrows to `role/sky*`
 * is not new there (a review: narrowing failed `fail-on: new`). Whatever kind and set each side's
 * finding on it, if any, is filed under: each side is audited with the sets it uses itself
 * (Auditor.baseUnit), so the same grant may be a broader-resource finding of one feature at the
 * base and a leftover-set finding of another at the head (a review: a Resource narrowed from `*` to
 * a bucket was new, `broader-resource` on `*`, `leftover-set` of package-sync on the bucket).
 */
export class Covering {
  /** By whether the statement has a Principal ('P') or not (''). */
  private readonly byKey = new Map<
    string,
    {
      text: string;
      actions?: ActionSet;
      pattern?: ArnPattern;
      /** A NotResource grant: it covers only the same NotResource (excluding less grants more). */
      notResource: boolean;
      condition: Condition | undefined;
      conditionText: string;
      principal: Principals | undefined;
    }[]
  >();

  /**
   * `denied`: the actions a Deny of the side's unit names. Only a grant to the principals of the
   * other's (or more) covers, under no condition or one the other's implies; not one a Deny of its
   * side names (the head may drop the Deny), nor a NotPrincipal. `loose` (the removal direction):
   * conditions aside, as a finding the head still has under a condition it added was narrowed.
   */
  constructor(
    lists: readonly (readonly Atom[])[],
    private readonly parse: (r: string) => ArnPattern,
    denied: ActionSet = ActionSet.EMPTY,
    private readonly loose = false,
  ) {
    for (const atoms of lists)
      for (const a of atoms) {
        if (a.resource === undefined || a.stmt?.notPrincipal !== undefined) continue;
        let actions = a.actions ?? (a.action ? ActionSet.fromActions([a.action]) : undefined);
        if (actions && !denied.isEmpty()) actions = actions.minus(denied);
        if (actions?.isEmpty()) continue;
        const scope = scopeOf(a.stmt);
        const key = Covering.key(a);
        const list = this.byKey.get(key) ?? this.byKey.set(key, []).get(key)!;
        const same = list.find(
          (e) =>
            e.text === a.resource &&
            e.conditionText === scope.condition &&
            e.principal?.text === scope.principal?.text,
        );
        if (same)
          same.actions = same.actions && actions ? same.actions.union(actions) : (same.actions ?? actions);
        else
          list.push({
            text: a.resource,
            actions,
            notResource: a.resource.startsWith('NotResource') || !!a.stmt?.notResources,
            condition: a.stmt?.condition,
            conditionText: scope.condition,
            principal: scope.principal,
          });
      }
  }

  /**
   * What a side grants (each Allow statement's classes: GrantSets.classes): a grant of the other
   * side within one of these was granted there, whether or not this side reports a finding on it
   * (new is what the head grants that the base did not). `denied` as for the constructor.
   */
  static ofGrants(
    classes: readonly GrantClass[],
    parse: (r: string) => ArnPattern,
    denied: ActionSet = ActionSet.EMPTY,
  ): Covering {
    const atoms: Atom[] = classes.map((c) => ({
      kind: 'excess-action',
      member: 0,
      stmt: c.stmt,
      actions: c.actions,
      resource: c.notResource ? `NotResource: ${c.notResource.join(', ')}` : c.resource.raw,
    }));
    return new Covering([atoms], parse, denied);
  }

  /** (a resource policy's statement covers only a statement with principals, within its own) */
  private static key(a: Atom): string {
    return a.stmt?.principal === undefined ? '' : 'P';
  }

  /**
   * The grants of the atom's key that grant at least as widely: on `resource` or one that contains
   * it (a NotResource only on the same NotResource), to the same principals or more (`*`, a list
   * holding the atom's), under no condition or one the atom's own condition implies (`aws:SourceVpc`
   * narrowed to one of its values).
   */
  within(a: Atom, resource: string): { actions?: ActionSet }[] {
    const list = this.byKey.get(Covering.key(a));
    if (!list || a.stmt?.notPrincipal !== undefined) return [];
    const notResource = resource.startsWith('NotResource') || !!a.stmt?.notResources;
    const inner = notResource ? undefined : this.parse(resource);
    const own = scopeOf(a.stmt);
    return list.filter(
      (e) =>
        (e.text === resource ||
          (inner !== undefined &&
            !e.notResource &&
            arnContains((e.pattern ??= this.parse(e.text)), inner))) &&
        principalsCover(e.principal, own.principal) &&
        (this.loose ||
          e.condition === undefined ||
          e.conditionText === own.condition ||
          implies(a.stmt?.condition, e.condition) === 'yes'),
    );
  }
}
