// Compares what a unit (one policy, or the policies of one principal) grants with the active sets
// of a baseline, and produces findings. Pure: documents in, findings and suggestions out.
//
// Work happens per "atom" (kind, action, resource, set) so that new-vs-base and before-vs-after
// can be decided per permission; atoms are then grouped into the findings people read.

import { createTwoFilesPatch } from 'diff';
import { arnContains, isAll, type ArnPattern } from '../policy/arn.js';
import type { ActionInfo } from '../policy/catalog.js';
import { conditionImplies, mergeConditions } from '../policy/condition.js';
import { statementLabel, type Condition, type PolicyDocument, type Statement } from '../policy/document.js';
import { GrantBuilder, type Grant } from '../policy/grants.js';
import type { Baseline, Finding, FindingKind, PolicyKind, PolicyRecord, Suggestion } from '../types.js';
import { actionSeverity, findingSeverity, riskScore } from './severity.js';

// ---------------------------------------------------------------------------------------------
// Baselines compiled to grants

export interface BaselineEntry {
  set: string;
  setKind: string;
  stmt: Statement;
  resource: ArnPattern;
  condition?: Condition;
}

export interface CompiledBaseline {
  baseline: Baseline;
  /** action key -> entries over every set. */
  byAction: Map<string, BaselineEntry[]>;
  /** Per set: the action entries (patterns as written) of its Allow statements, for missing-permission. */
  setStatements: Map<string, Statement[]>;
}

/** Marks a condition value that stands for the user's own value (any value of that key is fine). */
export const PLACEHOLDER_VALUE = '<placeholder>';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Vendors write examples where the user's values go (`arn:aws:s3:::datalake`, `21.21.21.0/24`).
 * Those listed as placeholders become `<...>` placeholders in resources (any value, or the bound
 * one) and PLACEHOLDER_VALUE in conditions, so a policy with the user's real values matches.
 */
export function withPlaceholders(statements: unknown[], placeholders: Record<string, string> | undefined): unknown[] {
  const examples = Object.keys(placeholders ?? {}).filter((k) => !/^<.*>$/.test(k) && !/^\{[A-Z][A-Z0-9_]*\}$/.test(k));
  const isPlaceholder = (v: string) => /^<[^<>]+>$/.test(v) || /^\{[A-Z][A-Z0-9_]*\}$/.test(v) || examples.includes(v);
  if (!examples.length && !statements.some((st) => JSON.stringify(st).match(/"<[^"<>]+>"|"\{[A-Z][A-Z0-9_]*\}"/))) return statements;
  // Whole ARN segments only (bounded by : / or the ends), longest first.
  const seg = examples
    .sort((a, b) => b.length - a.length)
    .map((e) => ({ e, re: new RegExp(`(^|[:/])${escapeRe(e)}(?=$|[:/])`, 'g') }));
  const resource = (r: unknown) =>
    typeof r === 'string' ? seg.reduce((acc, { e, re }) => acc.replace(re, (_m, pre: string) => `${pre}<${e}>`), r) : r;
  return statements.map((raw) => {
    if (typeof raw !== 'object' || raw === null) return raw;
    const st = { ...(raw as Record<string, unknown>) };
    for (const k of ['Resource', 'NotResource']) {
      if (Array.isArray(st[k])) st[k] = (st[k] as unknown[]).map(resource);
      else if (st[k] !== undefined) st[k] = resource(st[k]);
    }
    if (st.Condition && typeof st.Condition === 'object') {
      const cond: Record<string, Record<string, unknown>> = {};
      for (const [op, keys] of Object.entries(st.Condition as Record<string, Record<string, unknown>>)) {
        cond[op] = {};
        for (const [key, v] of Object.entries(keys ?? {})) {
          const list = Array.isArray(v) ? v : [v];
          cond[op][key] = list.map((x) => (typeof x === 'string' && isPlaceholder(x) ? PLACEHOLDER_VALUE : x));
        }
      }
      st.Condition = cond;
    }
    return st;
  });
}

export function compileBaseline(baseline: Baseline, builder: GrantBuilder, parse: (raw: unknown) => PolicyDocument): CompiledBaseline {
  const byAction = new Map<string, BaselineEntry[]>();
  const setStatements = new Map<string, Statement[]>();
  for (const set of baseline.sets) {
    const doc = parse({ Version: '2012-10-17', Statement: withPlaceholders(set.statements, baseline.placeholders) });
    setStatements.set(
      set.name,
      doc.statements.filter((s) => s.effect === 'Allow'),
    );
    const grants = builder.build([doc], { resourceRequired: false });
    for (const [key, list] of grants.byAction) {
      let out = byAction.get(key);
      if (!out) byAction.set(key, (out = []));
      for (const g of list) out.push({ set: set.name, setKind: set.kind, stmt: g.stmt, resource: g.resource, condition: g.condition });
    }
  }
  return { baseline, byAction, setStatements };
}

// ---------------------------------------------------------------------------------------------
// Units and atoms

export interface UnitMember {
  record: PolicyRecord;
  doc: PolicyDocument;
  /** The document object as written, unwrapped and decoded (for the minimal-policy diff). */
  raw: Record<string, unknown>;
}

export interface Unit {
  /** The policy id, or the principal id when a principal's policies are audited together. */
  id: string;
  kind: PolicyKind;
  members: UnitMember[];
  baseline: CompiledBaseline;
  activeSets: string[];
  /** Notes that make every finding of this unit approximate (unknown Terraform values...). */
  approximate?: string[];
}

export type Verdict =
  | { kind: 'ok' }
  | { kind: 'excess-action' | 'leftover-set'; set?: string }
  | { kind: 'broader-resource'; allowed: string[] }
  | { kind: 'missing-condition'; need: Condition; approximate: boolean };

export interface Atom {
  kind: FindingKind;
  member: number;
  stmt?: Statement;
  action?: ActionInfo;
  /** The raw pattern for unknown-action. */
  pattern?: string;
  resource?: string;
  set?: string;
  approximate?: string;
  /** broader-resource: where the baseline allows it. missing-condition: the condition it needs. */
  detail?: string;
  message?: string;
}

export function atomKey(unitId: string, a: Atom): string {
  return [unitId, a.kind, a.action?.key ?? a.pattern ?? '', a.resource ?? '', a.set ?? '', a.detail ?? ''].join('\u0000');
}

export interface UnitResult {
  atoms: Atom[];
  /** Keys of every action the unit grants (after Deny). */
  granted: Set<string>;
  /** member -> statement index -> entries for the minimal policy. */
  verdicts: Map<number, Map<number, { grant: Grant; verdict: Verdict }[]>>;
}

function covers(entry: BaselineEntry, g: Grant): boolean {
  if (g.notResource) return isAll(entry.resource);
  return arnContains(entry.resource, g.resource);
}

function conditionText(c: Condition): string {
  return Object.entries(c)
    .map(([op, keys]) =>
      Object.entries(keys)
        .map(([k, v]) => `${op} ${k} = ${v.join(', ')}`)
        .join('; '),
    )
    .join('; ');
}

const SET_KIND_ORDER: Record<string, number> = { setup: 0, ongoing: 1, optional: 2 };

function pickInactive(entries: BaselineEntry[]): BaselineEntry | undefined {
  return [...entries].sort(
    (a, b) => (SET_KIND_ORDER[a.setKind] ?? 3) - (SET_KIND_ORDER[b.setKind] ?? 3) || a.set.localeCompare(b.set),
  )[0];
}

/** Evaluates one unit against its baseline: the permission-level atoms and the per-grant verdicts. */
export function evaluateUnit(unit: Unit, builder: GrantBuilder): UnitResult {
  const atoms: Atom[] = [];
  const verdicts: UnitResult['verdicts'] = new Map();
  const active = new Set(unit.activeSets);
  const resourceRequired = unit.kind !== 'trust';
  const grants = builder.build(
    unit.members.map((m) => m.doc),
    { resourceRequired },
  );
  const unitNote = unit.approximate?.length ? unit.approximate.join('; ') : undefined;

  for (const u of grants.unknown) {
    atoms.push({
      kind: 'unknown-action',
      member: u.doc,
      stmt: u.stmt,
      pattern: u.pattern,
      message: `${u.field} ${u.pattern} matches no action in the AWS catalog (a typo, or an action that was retired)`,
    });
  }
  if (resourceRequired) {
    unit.members.forEach((m, i) => {
      for (const s of m.doc.statements) {
        if (s.effect === 'Allow' && !s.resources && !s.notResources)
          atoms.push({
            kind: 'invalid-policy',
            member: i,
            stmt: s,
            message: 'the statement has neither Resource nor NotResource, which AWS rejects in this kind of policy; it grants nothing',
          });
      }
    });
  }

  const record = (g: Grant, verdict: Verdict) => {
    let byStmt = verdicts.get(g.doc);
    if (!byStmt) verdicts.set(g.doc, (byStmt = new Map()));
    let list = byStmt.get(g.stmt.index);
    if (!list) byStmt.set(g.stmt.index, (list = []));
    list.push({ grant: g, verdict });
  };

  for (const [key, list] of grants.byAction) {
    const entries = unit.baseline.byAction.get(key) ?? [];
    const activeEntries = entries.filter((e) => active.has(e.set));
    const inactiveEntries = entries.filter((e) => !active.has(e.set));
    for (const g of list) {
      const base: Atom = {
        kind: 'excess-action',
        member: g.doc,
        stmt: g.stmt,
        action: g.action,
        resource: g.notResource ? `NotResource: ${g.notResource.join(', ')}` : g.resource.raw,
        approximate: joinNotes(g.approximate, unitNote),
      };
      if (activeEntries.length === 0) {
        // Leftover only where the inactive set grants it on this resource; beyond that it is excess.
        const inactive = pickInactive(inactiveEntries.filter((e) => covers(e, g)));
        if (inactive) {
          atoms.push({ ...base, kind: 'leftover-set', set: inactive.set });
          record(g, { kind: 'leftover-set', set: inactive.set });
        } else {
          // In no set at all, or only in inactive sets on other resources (said in the message).
          const elsewhere = pickInactive(inactiveEntries);
          atoms.push(elsewhere ? { ...base, detail: elsewhere.set } : base);
          record(g, { kind: 'excess-action' });
        }
        continue;
      }
      const covering = activeEntries.filter((e) => covers(e, g));
      if (covering.length === 0) {
        const inactive = pickInactive(inactiveEntries.filter((e) => covers(e, g)));
        if (inactive) {
          atoms.push({ ...base, kind: 'leftover-set', set: inactive.set });
          record(g, { kind: 'leftover-set', set: inactive.set });
          continue;
        }
        const allowed = [...new Set(activeEntries.map((e) => e.resource.raw))].sort();
        atoms.push({ ...base, kind: 'broader-resource', set: activeEntries[0]!.set, detail: allowed.join(', ') });
        record(g, { kind: 'broader-resource', allowed });
        continue;
      }
      let unknownCheck: BaselineEntry | undefined;
      let noCheck: BaselineEntry | undefined;
      let ok = false;
      for (const e of covering) {
        const c = conditionImplies(g.condition, e.condition);
        if (c.result === 'yes') {
          ok = true;
          break;
        }
        if (c.result === 'unknown') unknownCheck ??= e;
        else noCheck ??= e;
      }
      if (ok) {
        record(g, { kind: 'ok' });
        continue;
      }
      const e = unknownCheck ?? noCheck!;
      const approx = unknownCheck !== undefined;
      atoms.push({
        ...base,
        kind: 'missing-condition',
        set: e.set,
        detail: conditionText(e.condition!),
        approximate: joinNotes(
          base.approximate,
          approx ? 'the policy has a condition on the same key that this tool cannot compare exactly' : undefined,
        ),
      });
      record(g, { kind: 'missing-condition', need: e.condition!, approximate: approx });
    }
  }

  return { atoms, verdicts, granted: new Set(grants.byAction.keys()) };
}

/**
 * missing-permission: an action entry (a pattern as the vendor wrote it) of an active set of which
 * nothing is granted. `granted` is the union over every policy held to the same baseline, since
 * teams split a vendor's policy over several documents.
 */
export function missingPermissions(baseline: CompiledBaseline, sets: string[], granted: Set<string>, builder: GrantBuilder): Atom[] {
  const atoms: Atom[] = [];
  for (const setName of sets) {
    for (const stmt of baseline.setStatements.get(setName) ?? []) {
      for (const p of stmt.actions ?? []) {
        // Only what the vendor's statement effectively grants (an action that needs Resource "*"
        // is not granted by a statement scoped to an ARN, in the baseline as in the policy).
        const hits = builder.catalog
          .expand(p)
          .filter((a) => baseline.byAction.get(a.key)?.some((e) => e.set === setName && e.stmt.index === stmt.index));
        if (!hits.length || hits.some((a) => granted.has(a.key))) continue;
        atoms.push({
          kind: 'missing-permission',
          member: 0,
          action: hits.length === 1 ? hits[0] : undefined,
          pattern: hits.length === 1 ? undefined : p,
          set: setName,
          resource: (stmt.resources ?? ['*']).join(', '),
          detail: statementLabel(stmt),
        });
      }
    }
  }
  return atoms;
}

function joinNotes(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return `${a}; ${b}`;
}

// ---------------------------------------------------------------------------------------------
// Grouping atoms into findings

export interface GroupOptions {
  unit: Unit;
  /** Keys of atoms that are new (in a PR or a plan); undefined when there is no base. */
  isNew?: (a: Atom) => boolean | undefined;
  removed?: boolean;
}

function memberLine(m: UnitMember, stmt?: Statement): number | undefined {
  if (stmt && m.record.statementLines?.[stmt.index]) return m.record.statementLines[stmt.index];
  return m.record.line;
}

const EXAMPLES = 5;

export function groupAtoms(atoms: Atom[], opts: GroupOptions): Finding[] {
  const { unit } = opts;
  const groups = new Map<string, { atoms: Atom[]; isNew?: boolean }>();
  for (const a of atoms) {
    const isNew = opts.isNew?.(a);
    const stmtKey = a.stmt ? `${a.member}:${a.stmt.index}` : `${a.member}`;
    const key = [a.kind, stmtKey, a.set ?? '', a.kind === 'broader-resource' || a.kind === 'missing-condition' ? a.detail : '', a.kind === 'missing-permission' ? a.detail : '', a.approximate ?? '', isNew === undefined ? '' : String(isNew), a.kind === 'unknown-action' || a.kind === 'invalid-policy' ? (a.pattern ?? a.message ?? '') : ''].join('\u0000');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { atoms: [], isNew }));
    g.atoms.push(a);
  }
  const findings: Finding[] = [];
  const baselineId = unit.baseline.baseline.id;
  for (const { atoms: list, isNew } of groups.values()) {
    const first = list[0]!;
    const member = unit.members[first.member] ?? unit.members[0]!;
    const actionsInfo = uniqueActions(list);
    const patterns = list.filter((a) => !a.action && a.pattern).map((a) => a.pattern!);
    const actions =
      first.kind === 'unknown-action' ? [first.pattern!] : [...new Set([...actionsInfo.map((a) => a.full), ...patterns])].sort();
    const resources = [...new Set(list.map((a) => a.resource).filter((r): r is string => r !== undefined))].sort();
    const onAll = resources.some((r) => r === '*' || r.startsWith('NotResource'));
    const severity = findingSeverity(
      first.kind,
      actionsInfo.map((a) => actionSeverity(a, onAll)),
    );
    const f: Finding = {
      kind: first.kind,
      severity,
      policy: unit.id,
      statement: first.stmt ? statementLabel(first.stmt) : undefined,
      actions,
      resources,
      set: first.set,
      baseline: baselineId,
      path: member.record.path,
      line: memberLine(member, first.stmt),
      address: member.record.address,
      accessLevels: [...new Set(actionsInfo.flatMap((a) => a.levels))].sort(),
      approximate: first.approximate,
      message: findingMessage(first, list, actionsInfo, unit, opts.removed === true, actions),
    };
    if (isNew !== undefined) f.new = isNew;
    if (opts.removed) f.removed = true;
    if (f.statement === undefined) delete f.statement;
    if (f.set === undefined) delete f.set;
    if (f.line === undefined) delete f.line;
    if (f.address === undefined) delete f.address;
    if (f.approximate === undefined) delete f.approximate;
    if (!f.accessLevels?.length) delete f.accessLevels;
    findings.push(f);
  }
  return findings;
}

function uniqueActions(atoms: Atom[]): ActionInfo[] {
  const m = new Map<string, ActionInfo>();
  for (const a of atoms) if (a.action) m.set(a.action.key, a.action);
  return [...m.values()];
}

function examples(actions: ActionInfo[]): string {
  const sorted = [...actions].sort((a, b) => riskScore(b) - riskScore(a) || a.key.localeCompare(b.key));
  const shown = sorted.slice(0, EXAMPLES).map((a) => a.full);
  return actions.length > EXAMPLES ? `${shown.join(', ')} and ${actions.length - EXAMPLES} more` : shown.join(', ');
}

function findingMessage(first: Atom, list: Atom[], actions: ActionInfo[], unit: Unit, removed: boolean, names: string[]): string {
  const b = unit.baseline.baseline;
  const n = actions.length;
  const what = `${n} action${n === 1 ? '' : 's'}`;
  const stmt = first.stmt;
  const via =
    stmt && (stmt.actions ?? stmt.notActions)?.some((p) => p.includes('*') || p.includes('?')) || stmt?.notActions
      ? ` (from ${stmt.notActions ? 'NotAction ' : ''}${(stmt.actions ?? stmt.notActions ?? []).join(', ')})`
      : '';
  const prefix = removed ? 'Removed: ' : '';
  switch (first.kind) {
    case 'excess-action': {
      const narrower = new Map<string, Set<string>>();
      for (const a of list) if (a.detail && a.action) (narrower.get(a.detail) ?? narrower.set(a.detail, new Set()).get(a.detail)!).add(a.action.full);
      const where = [...narrower].map(([set, acts]) => `${[...acts].sort().join(', ')} only in the inactive set "${set}", on narrower resources`);
      const tail = where.length ? ` (the baseline has ${where.join('; ')})` : '';
      return `${prefix}${what}${via} beyond the ${b.name} baseline${tail}: ${examples(actions)}`;
    }
    case 'leftover-set': {
      const set = b.sets.find((s) => s.name === first.set);
      return `${prefix}${what}${via} only in the inactive ${set?.kind === 'setup' ? 'Setup ' : ''}set "${first.set}" of the ${b.name} baseline: ${examples(actions)}`;
    }
    case 'broader-resource':
      return `${prefix}${what} granted on ${first.resource}, broader than the ${b.name} baseline allows (${first.detail}): ${examples(actions)}`;
    case 'missing-condition':
      return `${prefix}${what} granted without the condition the ${b.name} baseline requires (${first.detail}): ${examples(actions)}`;
    case 'missing-permission': {
      const shown = names.slice(0, EXAMPLES).join(', ') + (names.length > EXAMPLES ? ` and ${names.length - EXAMPLES} more` : '');
      return `${names.length} permission${names.length === 1 ? '' : 's'} of set "${first.set}" (statement ${first.detail}) granted by no policy audited against ${b.name}; the integration may break: ${shown}`;
    }
    case 'unknown-action':
      return first.message ?? 'unknown action';
    case 'invalid-policy':
      return first.message ?? 'invalid policy';
  }
}

// ---------------------------------------------------------------------------------------------
// The suggested minimal policy

function setKey(list: string[]): string {
  return [...list].sort().join('\n');
}

/** What each policy of the unit grants intersected with the active baseline, with a unified diff. */
export function suggestMinimal(unit: Unit, result: UnitResult, builder: GrantBuilder): Suggestion[] {
  const out: Suggestion[] = [];
  unit.members.forEach((m, mi) => {
    const byStmt = result.verdicts.get(mi);
    const needed = result.atoms.some(
      (a) => a.member === mi && ['excess-action', 'leftover-set', 'broader-resource', 'missing-condition'].includes(a.kind),
    );
    if (!needed) return;
    const statements: Record<string, unknown>[] = [];
    for (const stmt of m.doc.statements) {
      const raw = rawStatement(m.raw, stmt);
      if (stmt.effect === 'Deny') {
        statements.push(raw);
        continue;
      }
      const entries = byStmt?.get(stmt.index) ?? [];
      // Bucket the kept (action, resources, condition) triples.
      const buckets = new Map<string, { actions: Set<string>; resources: Set<string>; condition?: Condition }>();
      const keptByAction = new Map<string, number>();
      for (const { grant, verdict } of entries) {
        let resources: string[];
        let condition = grant.condition;
        if (verdict.kind === 'ok') resources = [grant.notResource ? '*' : grant.resource.raw];
        else if (verdict.kind === 'broader-resource') resources = verdict.allowed;
        else if (verdict.kind === 'missing-condition') {
          resources = [grant.resource.raw];
          condition = mergeConditions(grant.condition, verdict.need);
        } else continue;
        if (grant.notResource && verdict.kind === 'ok') {
          // keep the NotResource as written
          resources = [];
        }
        const key = `${setKey(resources)}\u0000${JSON.stringify(condition ?? null)}\u0000${grant.notResource ? 'not' : ''}`;
        let bucket = buckets.get(key);
        if (!bucket) buckets.set(key, (bucket = { actions: new Set(), resources: new Set(resources), condition }));
        bucket.actions.add(grant.action.key);
        keptByAction.set(grant.action.key, (keptByAction.get(grant.action.key) ?? 0) + 1);
      }
      const changed = entries.some(({ verdict }) => verdict.kind !== 'ok');
      if (!changed) {
        statements.push(raw);
        continue;
      }
      let i = 0;
      for (const bucket of buckets.values()) {
        statements.push(rewriteStatement(raw, stmt, bucket, builder, buckets.size === 1 ? undefined : i));
        i++;
      }
    }
    const original = m.raw;
    const minimal = { Version: typeof original.Version === 'string' ? original.Version : '2012-10-17', Statement: statements };
    const before = JSON.stringify(original, null, 2) + '\n';
    const after = JSON.stringify(minimal, null, 2) + '\n';
    const diff = createTwoFilesPatch(m.record.path, `${m.record.path} (minimal)`, before, after, undefined, undefined, { context: 3 });
    out.push({ policy: m.record.id, minimal, diff: diff.replace(/^=+\n/, '') });
  });
  return out;
}

/**
 * The statement as written, with its actions, resources and condition replaced by the kept ones:
 * same key order, same string-or-array forms, so the diff shows only what changes.
 */
function rewriteStatement(
  raw: Record<string, unknown>,
  stmt: Statement,
  bucket: { actions: Set<string>; resources: Set<string>; condition?: Condition },
  builder: GrantBuilder,
  part: number | undefined,
): Record<string, unknown> {
  const form = (original: unknown, values: string[]): string | string[] =>
    Array.isArray(original) || values.length !== 1 ? values : values[0]!;
  const actions = compressActions(stmt, bucket.actions, builder);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'Sid' && stmt.sid) out.Sid = part ? `${stmt.sid}${part + 1}` : stmt.sid;
    else if (key === 'Action' || key === 'NotAction') out.Action = form(raw.Action, actions);
    else if (key === 'Resource') out.Resource = form(value, [...bucket.resources].sort());
    else if (key === 'NotResource') {
      if (bucket.resources.size) out.Resource = form(undefined, [...bucket.resources].sort());
      else out.NotResource = value;
    } else if (key === 'Condition') out.Condition = conditionAsWritten(value, bucket.condition);
    else out[key] = value;
  }
  if (bucket.condition && !('Condition' in raw)) out.Condition = conditionAsWritten(undefined, bucket.condition);
  return out;
}

/** The written condition with the keys the baseline needs added (single values as strings). */
function conditionAsWritten(written: unknown, merged: Condition | undefined): unknown {
  if (!merged) return written;
  const out: Record<string, Record<string, unknown>> = {};
  const w = (typeof written === 'object' && written !== null ? written : {}) as Record<string, Record<string, unknown>>;
  for (const [op, keys] of Object.entries(w)) out[op] = { ...keys };
  for (const [op, keys] of Object.entries(merged)) {
    out[op] ??= {};
    for (const [k, v] of Object.entries(keys)) {
      if (!Object.keys(out[op]!).some((x) => x.toLowerCase() === k.toLowerCase())) out[op]![k] = v.length === 1 ? v[0] : v;
    }
  }
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
  const rest = [...kept].filter((k) => !covered.has(k)).map((k) => builder.catalog.lookup(k)!.full).sort();
  return [...out, ...rest];
}

function rawStatement(raw: Record<string, unknown>, stmt: Statement): Record<string, unknown> {
  const st = raw.Statement;
  const item = Array.isArray(st) ? st[stmt.index] : st;
  return (item ?? {}) as Record<string, unknown>;
}
