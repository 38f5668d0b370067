// Statement outcomes, computed once per distinct statement and reused by every policy that has it.
//
// What a statement of a unit comes to (its grants, their verdicts, its atoms, its findings and its
// minimal rewrite) depends only on the statement's content, the Deny statements beside it, the
// baseline and active sets, the unit's kind and the unit's notes. Monorepos and plans repeat
// statements (a vendor's policy pasted into every account, one module instantiated per team), and a
// NotAction or `*` statement costs some 20,000 grants: evaluated once per content, not once per
// policy. The outcome holds no unit's identity; findings are stamped with the policy, statement
// label, file and line of each occurrence. The unit-level path (evaluateUnit, groupAtoms,
// suggestMinimal) is the reference: a test checks that both give the same outcome.

import { statementLabel, type Statement } from '../policy/document.js';
import type { GrantBuilder } from '../policy/grants.js';
import type { ActionInfo, Catalog } from '../policy/catalog.js';
import type { Finding } from '../core/types.js';
import {
  evaluateUnit,
  grantedBaselineKeys,
  type Atom,
  type CompiledBaseline,
  type Unit,
  type UnitMember,
} from './engine.js';
import { groupAtoms, memberLine } from './findings.js';
import { REMOVABLE_KINDS } from './kinds.js';
import { minimalPlan, type MinimalPart } from './minimal.js';

export interface Denies {
  list: Statement[];
  /** Per Deny statement: its part of an outcome key. */
  keys: string[];
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
  /** minimalPlan of the statement: null when it stays as written. */
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
};

function contentKey(s: Statement): string {
  return JSON.stringify([
    s.effect,
    s.actions,
    s.notActions,
    s.resources,
    s.notResources,
    s.condition ?? null,
  ]);
}

export class StatementMemo {
  private readonly outcomes = new WeakMap<CompiledBaseline, Map<string, StatementOutcome>>();
  private readonly contentKeys = new WeakMap<Statement, string>();
  private readonly overlaps = new WeakMap<readonly ActionInfo[], WeakMap<readonly ActionInfo[], boolean>>();

  constructor(
    private readonly builder: GrantBuilder,
    private readonly catalog: Catalog,
  ) {}

  private content(s: Statement): string {
    let k = this.contentKeys.get(s);
    if (k === undefined) this.contentKeys.set(s, (k = contentKey(s)));
    return k;
  }

  /** The Deny statements of a unit's members, each with the part of an outcome key it makes. */
  denies(unit: Unit): Denies {
    const list: Statement[] = [];
    for (const m of unit.members) for (const s of m.doc.statements) if (s.effect === 'Deny') list.push(s);
    // The Deny's Sid or index appears in the notes of the grants it partly denies.
    return { list, keys: list.map((d) => `${d.sid ?? ''}\u0001${d.index}\u0001${this.content(d)}`) };
  }

  outcome(unit: Unit, stmt: Statement, denies: Denies): StatementOutcome {
    let byKey = this.outcomes.get(unit.baseline);
    if (!byKey) this.outcomes.set(unit.baseline, (byKey = new Map()));
    // Only the Deny statements that name an action of this statement change its outcome.
    const relevant: Statement[] = [];
    let context = '';
    if (stmt.effect === 'Allow')
      denies.list.forEach((d, i) => {
        if (!this.overlap(stmt, d)) return;
        relevant.push(d);
        context += `${denies.keys[i]}\u0002`;
      });
    const unitNote = unit.approximate?.length ? unit.approximate.join('\u0001') : '';
    const sets = [...new Set(unit.activeSets)].sort().join(',');
    const key = `${sets}\u0000${unit.kind === 'trust' ? 't' : 'r'}\u0000${unitNote}\u0000${context}\u0000${this.content(stmt)}`;
    let o = byKey.get(key);
    if (!o) byKey.set(key, (o = this.compute(unit, stmt, relevant)));
    return o;
  }

  /** Do two statements name a common action (after expansion)? Cached per pair of action lists. */
  private overlap(a: Statement, b: Statement): boolean {
    const x = this.builder.statementActions(a).actions;
    const y = this.builder.statementActions(b).actions;
    let byY = this.overlaps.get(x);
    if (!byY) this.overlaps.set(x, (byY = new WeakMap()));
    let hit = byY.get(y);
    if (hit === undefined) {
      const [small, large] = x.length <= y.length ? [x, y] : [y, x];
      const keys = this.builder.keyIndex(large);
      hit = small.some((act) => keys.has(act.key));
      byY.set(y, hit);
    }
    return hit;
  }

  private compute(unit: Unit, stmt: Statement, denies: Statement[]): StatementOutcome {
    const statements = [stmt, ...denies.filter((d) => d !== stmt)];
    const mini: Unit = {
      ...unit,
      id: '',
      members: [{ record: TEMPLATE_MEMBER.record, doc: { statements }, raw: {} }],
    };
    const result = evaluateUnit(mini, this.builder);
    const atoms = result.atoms.filter((a) => a.stmt === stmt);
    const baselineKeys = stmt.effect === 'Allow' ? grantedBaselineKeys(result, unit.baseline) : [];
    const entries = stmt.effect === 'Allow' ? (result.verdicts.get(0)?.get(stmt.index) ?? []) : [];
    return {
      stmt,
      atoms,
      removable: atoms.some((a) => REMOVABLE_KINDS.has(a.kind)),
      baselineKeys,
      minimal: minimalPlan(stmt, entries, this.builder),
      grouped: new Map(),
    };
  }

  /**
   * The findings of one occurrence of an outcome (member `mi` of `unit`, statement `stmt`).
   * `isNew`: undefined when there is no base, a constant when every atom is new (or none is),
   * else per atom.
   */
  findings(
    o: StatementOutcome,
    unit: Unit,
    mi: number,
    stmt: Statement,
    isNew: boolean | undefined | ((a: Atom) => boolean),
  ): Finding[] {
    if (!o.atoms.length) return [];
    const template: Unit = { ...unit, id: '', members: [TEMPLATE_MEMBER] };
    let templates: Finding[];
    if (typeof isNew === 'function')
      templates = groupAtoms(o.atoms, { unit: template, isNew, catalog: this.catalog });
    else {
      const k = isNew === undefined ? 'u' : isNew ? 't' : 'f';
      let hit = o.grouped.get(k);
      if (!hit) {
        const constant = isNew;
        hit = groupAtoms(o.atoms, {
          unit: template,
          isNew: constant === undefined ? undefined : () => constant,
          catalog: this.catalog,
        });
        o.grouped.set(k, hit);
      }
      templates = hit;
    }
    const member = unit.members[mi]!;
    const line = memberLine(member, stmt);
    return templates.map((t) => {
      const f: Finding = { ...t, policy: unit.id, path: member.record.path };
      if (f.statement !== undefined) f.statement = statementLabel(stmt);
      if (line === undefined) delete f.line;
      else f.line = line;
      if (member.record.address) f.address = member.record.address;
      else delete f.address;
      return f;
    });
  }
}
