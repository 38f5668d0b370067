// The pure audit: parsed inputs + a plan of which baseline applies to which policy -> the report's
// policies, findings and suggestions. No file system, no network.

import {
  actionOfOrdinal,
  actionOrdinal,
  loadCatalog,
  type ActionInfo,
  type Catalog,
} from '../policy/catalog.js';
import { parsePolicyDocument, problemPath, type PolicyDocument, type Statement } from '../policy/document.js';
import { GrantBuilder, type ImpliedResource } from '../policy/grants.js';
import { locateLines } from '../core/json-lines.js';
import type {
  Baseline,
  Finding,
  LoadedInput,
  PolicyRecord,
  PrincipalRecord,
  ReportPolicy,
  Suggestion,
} from '../core/types.js';
import { ActionSet } from '../policy/action-set.js';
import {
  AtomKeys,
  Covering,
  headStatement,
  SetKeys,
  unknownOnlyAtBase,
  type StatementAtBase,
} from './base-keys.js';
import { MAX_BASELINE_SET_CHARS } from '../baselines/load.js';
import { statementLabel } from '../policy/document.js';
import { baselineSets, grantedByEntry, type SetEntry } from './classify.js';
import { statementsForVendor, type GranteeContext, type JudgedStatements } from './grantees.js';
import { openPrincipalFindings, opensMore } from './open-principals.js';
import { GrantSets, type GrantClass } from '../policy/grant-sets.js';
import { noPermissionSet } from '../policy/no-permission.js';
import { conditionsExclude, denyConditionHolds, type ConditionCheck } from '../policy/condition.js';
import {
  ACCOUNT_PLACEHOLDER,
  arnContains,
  arnIntersection,
  arnIntersects,
  denyContains,
  meetsFormat,
  parseArnPattern,
  type ArnPattern,
} from '../policy/arn.js';
import {
  compileBaseline,
  conditionText,
  coversForAction,
  evaluateUnit,
  PLACEHOLDER_VALUE,
  disjointFields,
  formatPattern,
  grantedBaselineKeys,
  joinNotes,
  shownResource,
  shownResources,
  type Atom,
  type CompiledBaseline,
  type Unit,
  type UnitMember,
  type UnitResult,
  type UnitScope,
  setsNotFor,
} from './engine.js';
import { groupAtoms } from './findings.js';
import { findingActionSet } from './finding-set.js';
import { boundaryNote, mayGrantMore } from '../sources/records.js';
import { naturalCompare } from '../core/natural.js';
import { REMOVABLE_KINDS } from './kinds.js';
import {
  memberSuggestion,
  minimalPlan,
  minimalStatements,
  statementFirst,
  suggestMinimal,
  type MinimalPart,
} from './minimal.js';
import { inStatementOrder, StatementMemo, type StatementOutcome } from './memo.js';
import { chooseSets, memberFeatures } from './phases.js';

/** A Deny statement of a unit, read once for missing-deny. */
interface OwnDeny {
  stmt: Statement;
  actions: ActionSet;
  resources: ArnPattern[] | undefined;
  notResources: ArnPattern[] | undefined;
  label: string;
}

/**
 * How a unit's Deny statements cover a baseline Deny's requests for one action on one resource:
 * `yes` covered; `no` not, `reason` saying why (the finding's words); `unknown` not decided,
 * `note` saying why (the finding's approximate note).
 */
interface DenyCover {
  status: 'yes' | 'no' | 'unknown';
  reason: string;
  note?: string;
}

/** A decision, made before auditing, of which baseline (and sets) a policy or principal is held to. */
export interface Assignment {
  /** A policy id, or a principal id (its policies are audited as one). */
  target: string;
  baseline: Baseline;
  sets: string[];
  detection?: ReportPolicy['detection'];
  /**
   * Assignments of one group (one audit of the configuration, the command line's --baseline, or
   * detection) are checked together for missing permissions: a vendor's policy is often split.
   */
  group?: string;
  /**
   * The sets were named (configuration `sets:`, `--baseline id:sets`): alternatives are not
   * switched. Optional sets granted as documented are taken as in use either way.
   */
  explicitSets?: boolean;
}

export interface AuditPlan {
  assignments: Assignment[];
  /** Policies deliberately not audited, with the reason (not matched, trust policy...). */
  notAudited: Map<
    string,
    { status: ReportPolicy['status']; reason: string; detection?: ReportPolicy['detection'] }
  >;
  accountId?: string;
  /**
   * Assignments whose policy is not audited (it is in notAudited) but whose grants count towards
   * what its group grants, so that a permission it grants is not reported missing: an AWS managed
   * policy the vendor documents attaching (Datadog's SecurityAudit). One a principal audited as a
   * whole holds is no member of its unit either (grantsOnlyIndex).
   */
  grantsOnly?: Assignment[];
  /**
   * Per group (Assignment.group): the policies it would hold that could not be read (unresolved,
   * invalid), so that its missing permissions, which they may grant, are not sure.
   */
  unread?: Map<string, string[]>;
  /** What the inputs tell of principals, for resource policies shared with a vendor (grantees.ts). */
  grantees?: GranteeContext;
  /**
   * Detected policies that an earlier version of their vendor's baseline fits better, audited
   * against the current one: named in a note once the findings are known (earlierVersionNotes).
   */
  earlier?: EarlierFit[];
  /**
   * Trust policies held to their vendor's documented trust (audit/trust.ts): not in notAudited; the
   * runner compares them and lists them as audited.
   */
  trust?: TrustAssignment[];
}

/** A trust policy and the baseline whose documented trust it is held to. */
export interface TrustAssignment {
  id: string;
  baseline: Baseline & { trust: NonNullable<Baseline['trust']> };
  detection?: ReportPolicy['detection'];
  /** Tied to the vendor by its role's permissions (trustApplies `byRole`), not by its own principals. */
  byRole?: true;
}

/** Policies (ids) an earlier baseline fits better than the current one they are audited against. */
export interface EarlierFit {
  current: Baseline;
  earlier: Baseline;
  ids: string[];
  /** Of the first policy (shown when it is the only one): the earlier's and the current's. */
  confidence: number;
  currentConfidence: number;
}

/** A parsed input plus the text it came from (for line numbers). */

export interface PreparedPolicy {
  record: PolicyRecord;
  doc?: PolicyDocument;
  raw?: Record<string, unknown>;
  problems: Finding[];
}

/** How the note on policy variables with a default starts (leftOutDocumentNotes finds it so). */
export const VARIABLE_DEFAULTS_READ = 'policy variables with a default value';

/** A policy variable with a default value (`${aws:username, 'public'}`). */
const VARIABLE_DEFAULT = /\$\{[^{}]*,\s*'[^']*'\s*\}/g;

/** The policy variables with a default value in a document's resources (distinct, as written). */
function variableDefaults(doc: PolicyDocument): string[] {
  const out = new Set<string>();
  for (const s of doc.statements)
    for (const r of [...(s.resources ?? []), ...(s.notResources ?? [])])
      if (r.includes(',')) for (const m of r.matchAll(VARIABLE_DEFAULT)) out.add(m[0]);
  return [...out];
}

/**
 * A policy variable's default is not read (the variable stays unknown, as without one): a request
 * without the key matches the default's resource, which the comparison does not see (a review: a
 * grant on `home/${aws:username, 'public'}/*` was exact, where an assumed role's session, which has
 * no aws:username, reaches `home/public/`).
 */
function variableDefaultsNote(defaults: readonly string[]): string {
  const shown = defaults.slice(0, 3).join(', ');
  return `${VARIABLE_DEFAULTS_READ} (${shown}${defaults.length > 3 ? ` and ${defaults.length - 3} more` : ''}) are read without it: a request without the key gets the default's resource too, which is not compared`;
}

/** Parses every resolved record's document once; problems become invalid-policy findings with lines. */
export function preparePolicies(inputs: LoadedInput[]): Map<string, PreparedPolicy> {
  const out = new Map<string, PreparedPolicy>();
  for (const { result, text } of inputs) {
    const standalone = result.kind === 'policy' && text !== undefined;
    const parsed = result.policies.map((record) =>
      record.status === 'resolved' ? parsePolicyDocument(record.document) : { problems: [] },
    );
    // One pass over the file for every line we need (statements and problems of standalone files).
    const wanted = standalone
      ? parsed.flatMap((p) => [
          ...(p.doc?.statements.map((s) => s.path) ?? []),
          ...p.problems.map((pr) => pr.path),
        ])
      : [];
    const lines = wanted.length ? locateLines(text!, wanted) : [];
    let li = 0;
    result.policies.forEach((record, i) => {
      const p = parsed[i]!;
      const stmtLines = standalone ? p.doc?.statements.map(() => lines[li++]) : undefined;
      const problems: Finding[] = p.problems.map((pr) => {
        const line = standalone ? (lines[li++] ?? record.line) : record.line;
        const inner = problemPath(pr);
        const where = record.jsonPath ? `${record.jsonPath} -> ${inner}` : inner;
        const f: Finding = {
          kind: 'invalid-policy',
          severity: 'medium',
          policy: record.id,
          actions: [],
          resources: [],
          path: record.path,
          message: `${where}: ${pr.message}`,
        };
        if (line !== undefined) f.line = line;
        if (record.address) f.address = record.address;
        return f;
      });
      // Statements the source left out: each keeps its number as written.
      const numbers = record.statementNumbers;
      if (numbers && p.doc) for (const s of p.doc.statements) s.written = numbers[s.index] ?? s.index;
      let rec = record;
      const defaults = p.doc ? variableDefaults(p.doc) : [];
      if (defaults.length)
        rec = { ...rec, approximate: [...(rec.approximate ?? []), variableDefaultsNote(defaults)] };
      if (stmtLines && p.doc) {
        const sl: number[] = [];
        p.doc.statements.forEach((s, k) => {
          if (stmtLines[k] !== undefined) sl[s.index] = stmtLines[k]!;
        });
        rec = { ...rec, statementLines: sl };
      }
      out.set(record.id, { record: rec, doc: p.doc, raw: p.raw, problems });
    });
  }
  return out;
}

export interface AuditOutcome {
  policies: ReportPolicy[];
  findings: Finding[];
  suggestions: Suggestion[];
  /** Policies that would have a suggestion, when suggestions are not made (see Auditor). */
  suggestionsNotMade: number;
  /**
   * Actions that need no permission (src/policy/no-permission.ts) granted where the baseline does
   * not allow them, not reported: action (canonical spelling) -> the ids of the policies.
   */
  free: Map<string, Set<string>>;
  /**
   * Resource policies held to a vendor's baseline with statements that grant only other principals
   * than the vendor, not judged (grantees.ts), or that name the vendor and others in one statement,
   * kept as written in its suggestion: by policy id and baseline id.
   */
  otherGrantees: Map<
    string,
    {
      policy: string;
      baseline: string;
      others: JudgedStatements['others'];
      shared: JudgedStatements['shared'];
    }
  >;
}

/** Where a run's suggestions go: made, or only counted (Auditor's `suggestions: false`). */
interface SuggestionSink {
  list: Suggestion[];
  notMade: number;
  /**
   * Per policy audited more than once (against two baselines, or held by two principals), the
   * statement plans of each of its audits, a clean one included: its suggestions are made into
   * one when every audit is done (combinedSuggestions). Undefined without suggestions.
   */
  shared?: Map<string, SharedRun[]>;
}

/** One audit of a policy audited more than once: the member and its statements' plans. */
interface SharedRun {
  member: UnitMember;
  /** minimalPlan of a statement in this audit (null: kept as written). */
  planOf: (stmt: Statement) => MinimalPart[] | null;
}

/**
 * The sink's suggestions with those of each policy audited more than once made into one, which
 * removes only what every audit of it calls excess: a statement stays as written when an audit
 * keeps it so, is dropped when every audit drops it, and is otherwise rewritten into what any
 * audit keeps of it (unionParts). Each audit's suggestion alone, applied, would take away what
 * another baseline needs (a policy audited against Coiled and SkyPilot lost Coiled's
 * logs:PutLogEvents). A policy no part of which every audit removes gets its policy as written
 * (the report's findings stay; `fix` says why it leaves it).
 */
function combinedSuggestions(sink: SuggestionSink): Suggestion[] {
  if (!sink.shared?.size) return sink.list;
  const out: Suggestion[] = [];
  const done = new Set<string>();
  for (const s of sink.list) {
    const runs = sink.shared.get(s.policy);
    if (!runs || runs.length < 2) {
      out.push(s);
      continue;
    }
    if (done.has(s.policy)) continue;
    done.add(s.policy);
    const m = runs[0]!.member;
    const planOf = (stmt: Statement): MinimalPart[] | null => {
      const plans = runs.map((r) => r.planOf(stmt));
      return plans.some((p) => p === null) ? null : unionParts(plans as MinimalPart[][]);
    };
    out.push(memberSuggestion(m, minimalStatements(m, planOf)));
  }
  return out;
}

/**
 * What any of the plans keeps of a statement: their parts, those with the same resources and
 * condition made into one with the actions of each (in the order of first part). Every part is
 * within the statement as written, so the union is too. A part whose actions another part grants
 * on `*` under the same condition adds nothing and is left out (one audit narrows to the
 * baseline's resources what another keeps on `*`: a policy two roles hold, each audited against
 * its own baseline).
 */
function unionParts(plans: readonly MinimalPart[][]): MinimalPart[] {
  const byKey = new Map<string, MinimalPart>();
  for (const part of plans.flat()) {
    const key = JSON.stringify([part.resources, part.condition ?? null]);
    const had = byKey.get(key);
    if (!had) byKey.set(key, { ...part, actions: [...part.actions] });
    else for (const a of part.actions) if (!had.actions.includes(a)) had.actions.push(a);
  }
  const parts = [...byKey.values()];
  const everywhere = parts.filter((q) => q.resources.length === 1 && q.resources[0] === '*');
  if (!everywhere.length) return parts;
  const conditionOf = (p: MinimalPart) => JSON.stringify(p.condition ?? null);
  return parts.filter(
    (p) =>
      everywhere.includes(p) ||
      p.resources.length === 0 ||
      !everywhere.some(
        (q) => conditionOf(q) === conditionOf(p) && p.actions.every((a) => q.actions.includes(a)),
      ),
  );
}

/** A run's plan of a statement, null where its member keeps the statement as written (by index). */
function sharedRun(member: UnitMember, plan: (stmt: Statement) => MinimalPart[] | null): SharedRun {
  const asWritten = new Set([...(member.asWritten ?? [])].map((s) => s.index));
  return {
    member,
    planOf: (stmt) => (stmt.effect === 'Deny' || asWritten.has(stmt.index) ? null : plan(stmt)),
  };
}

export interface BaseDocs {
  /** Base document per policy id (undefined: the policy is new), with its record at the base. */
  get(
    policyId: string,
  ): { doc?: PolicyDocument; raw?: Record<string, unknown>; record?: PolicyRecord } | undefined;
  /**
   * The ids of the policies a principal held at the base: empty when the base's version of its
   * file has no such principal (it is new); undefined when the base does not tell (its file was
   * not read there, or an attachment could not be resolved there).
   */
  heldBy?(principalId: string): readonly string[] | undefined;
  /**
   * The policies and principals of the base that the change deleted (no policy or principal of
   * the head continues them: their file deleted, a `.tf` block or a statement list gone), with
   * their audit planned as at the base: their findings are removed by the change, and what they
   * granted counts for what the change takes away.
   */
  deleted?: DeletedAtBase;
}

export interface DeletedAtBase {
  prepared: Map<string, PreparedPolicy>;
  principals: Map<string, PrincipalRecord>;
  /** The base's assignments whose target the change deleted. */
  plan: AuditPlan;
  /** How the change deleted a target (`infra/a.json was deleted`), said in its removed findings. */
  how(target: string): string;
}

/**
 * A unit's member: the policy as read, or, for a resource policy held to a vendor's baseline that
 * also grants other principals, only the statements that may grant the vendor (grantees.ts), the
 * whole document kept for its suggestion.
 */
function judgedMember(
  record: PolicyRecord,
  doc: PolicyDocument,
  raw: Record<string, unknown>,
  baseline: Baseline,
  ctx: GranteeContext | undefined,
  /** Split as the current version is (the policy before a change: Auditor.baseUnit). */
  always = false,
): { member: UnitMember; split?: JudgedStatements } {
  const split =
    record.kind === 'resource'
      ? statementsForVendor(doc, baseline, ctx, { notKnown: record.approximate, always })
      : undefined;
  if (!split) return { member: { record, doc, raw, whole: undefined, asWritten: undefined } };
  const asWritten = new Set([...split.others, ...split.shared].map((o) => o.statement));
  return { member: { record, doc: split.judged, raw, whole: doc, asWritten }, split };
}

/** Whether some statement of a policy as written was read more than once (statementNumbers). */
function readTwice(r: PolicyRecord): boolean {
  const n = r.statementNumbers;
  return n !== undefined && new Set(n).size < n.length;
}

/** Drops each finding of `findings` from `from` on that is the same as an earlier one of them. */
function dropRepeated(findings: Finding[], from: number): void {
  const seen = new Set<string>();
  let to = from;
  for (let i = from; i < findings.length; i++) {
    const f = findings[i]!;
    const key = JSON.stringify([
      f.kind,
      f.severity,
      f.policy,
      f.statement,
      findingActionSet(f)?.ordinals() ?? f.actions,
      f.resources,
      f.set,
      f.feature,
      f.choice,
      f.new,
      f.removed,
      f.path,
      f.line,
      f.approximate,
      f.message,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    findings[to++] = f;
  }
  findings.length = to;
}

const NOT_READ = 'could not be read';
const ATTACHED_NOT_READ = 'attached, could not be read';
const PART_LEFT_OUT = 'has parts left out as not known';

/**
 * A policy of a group that may grant more than was read: why, and the services it can grant at
 * most (a resource policy of a known type), undefined when any.
 */
interface Unsure {
  why: string;
  scope: readonly string[] | undefined;
  /** How it is named, when not by its id and why. */
  label?: string;
}

/** The group an assignment is checked with for missing permissions: its audit, baseline and sets. */
function groupKey(a: Assignment): string {
  return [a.group ?? '', a.baseline.id, [...a.sets].sort().join(',')].join('\u0000');
}

/**
 * The plan's grants-only assignments by group and policy, each once (two roles of a group may hold
 * the same documented policy), and whether a policy only grants for an assignment's group: a
 * principal's documented attachment is then no member of its unit.
 */
export function grantsOnlyIndex(plan: AuditPlan): {
  assignments: Iterable<Assignment>;
  has(a: Assignment, policyId: string): boolean;
} {
  const key = (a: Assignment, id: string) => `${groupKey(a)}\u0000${id}`;
  const byKey = new Map((plan.grantsOnly ?? []).map((a) => [key(a, a.target), a]));
  return { assignments: byKey.values(), has: (a, id) => byKey.has(key(a, id)) };
}

/**
 * Resource policies whose statements name no Resource, by the type that holds them (CloudFormation's
 * and Terraform's names): a statement applies to the resource the policy is attached to. An ECR
 * repository's policy is written so (AWS's examples have no Resource). The repository's name is
 * not followed, so the reading is any repository of the service, and says so.
 */
const ECR_PRIVATE: ImpliedResource = {
  arn: 'arn:*:ecr:*:*:repository/*',
  note: 'a statement without Resource applies to the repository the policy is attached to: read as any repository (its name is not followed)',
};
const ECR_PUBLIC: ImpliedResource = {
  arn: 'arn:*:ecr-public::*:repository/*',
  note: ECR_PRIVATE.note,
};
const IMPLIED_RESOURCE = new Map<string, ImpliedResource>([
  ['AWS::ECR::Repository', ECR_PRIVATE],
  ['aws_ecr_repository_policy', ECR_PRIVATE],
  ['AWS::ECR::PublicRepository', ECR_PUBLIC],
  ['aws_ecrpublic_repository_policy', ECR_PUBLIC],
]);

export class Auditor {
  readonly catalog: Catalog;
  readonly builder: GrantBuilder;
  private readonly compiled = new Map<string, CompiledBaseline>();

  /** Statement outcomes shared by the units (undefined: the reference path, unit by unit). */
  private readonly memo: StatementMemo | undefined;

  /** False: suggested minimal policies are not made, only counted (a report that shows none). */
  private readonly suggest: boolean;

  constructor(
    accountId?: string,
    catalog: Catalog = loadCatalog(),
    options: { memo?: boolean; suggestions?: boolean } = {},
  ) {
    this.catalog = catalog;
    const bindings: Record<string, string> = {};
    if (accountId) {
      for (const p of [
        ACCOUNT_PLACEHOLDER,
        '<account-id>',
        '<ACCOUNT_ID>',
        '<account_id>',
        '<AccountId>',
        '<aws-account-id>',
      ])
        bindings[p] = accountId;
    }
    this.builder = new GrantBuilder(catalog, bindings);
    this.accountId = accountId;
    this.suggest = options.suggestions !== false;
    this.memo = options.memo === false ? undefined : new StatementMemo(this.builder, catalog, this.suggest);
    this.grantSets = this.memo?.sets ?? new GrantSets(this.builder);
  }

  readonly accountId?: string;
  private readonly grantSets: GrantSets;

  compile(baseline: Baseline): CompiledBaseline {
    let c = this.compiled.get(baseline.id);
    if (!c) {
      const bindings = this.accountId ? accountBindings(baseline, this.accountId) : {};
      const builder = Object.keys(bindings).length
        ? new GrantBuilder(this.catalog, { ...this.builder.bindings, ...bindings })
        : this.builder;
      // Read whole (MAX_BASELINE_SET_CHARS): a file's baseline was checked as it was loaded
      // (setStatementProblem), a built-in one as it was built.
      c = compileBaseline(
        baseline,
        builder,
        (raw) => parsePolicyDocument(raw, [], MAX_BASELINE_SET_CHARS).doc ?? { statements: [] },
      );
      this.compiled.set(baseline.id, c);
    }
    return c;
  }

  /**
   * Audits the planned assignments. `principals` lets a principal id stand for its policies;
   * `base` (a pull request's base, or a plan's `before`) marks findings new and lists removals.
   */
  run(
    prepared: Map<string, PreparedPolicy>,
    principals: Map<string, PrincipalRecord>,
    plan: AuditPlan,
    base?: BaseDocs,
  ): AuditOutcome {
    const policies = new Map<string, ReportPolicy>();
    const findings: Finding[] = [];
    const suggestions: SuggestionSink = { list: [], notMade: 0 };
    this.free = new Map();
    this.otherGrantees = new Map();
    this.grantees = plan.grantees;
    this.principalsNow = principals;
    // Per group: what its units grant of each baseline entry (for missing-permission, by set
    // difference), so a unit's grants are not kept past its evaluation; and per set, the unit held
    // to it that grants most of it, so that a missing permission is reported on the unit that
    // implements its set, never on an unrelated policy of the group.
    type Best = { unit: Unit; inSet: number; all: number };
    const groups = new Map<
      string,
      {
        unit: Unit;
        units: number;
        granted: Map<number, ActionSet>;
        sets: Set<string>;
        best: Map<string, Best>;
        /** Policies of the group that may grant more than was read (unsureNote). */
        unsure: Map<string, Unsure>;
        /**
         * What its units granted of each entry at the base (a pull request's, a plan's `before`),
         * so that a permission the change takes away is told as such; undefined without a base, or
         * when a unit's base is not known.
         */
        atBase: Map<number, ActionSet> | undefined;
        /**
         * Whether one of its units was at the base: a group none of whose policies was there (the
         * change adds the integration) had no finding there, and its missing permissions are new
         * (a review: those of a Datadog role a pull request added were "already in the base").
         */
        wasAtBase: boolean;
      }
    >();
    // The principals holding each policy: a policy that could not be read beside an audited one,
    // on the same role, may grant what the role's audit reports missing.
    const holders = new Map<string, string[]>();
    for (const pr of principals.values())
      for (const id of pr.policyIds) (holders.get(id) ?? holders.set(id, []).get(id)!).push(pr.id);
    const unread = (id: string) => {
      const q = prepared.get(id);
      return q !== undefined && !q.doc && q.record.kind !== 'trust';
    };
    const unsure = (id: string, why: string): Unsure => ({
      why,
      scope: prepared.get(id)?.record.grantScope?.services,
    });

    for (const p of prepared.values()) {
      findings.push(...p.problems);
      const r = p.record;
      // Every field, in the order of ReportPolicy, undefined where it has no value: one shape for
      // every entry, so the reports' code that reads them stays optimised (JSON leaves the
      // undefined ones out). Fields are assigned below, never added or deleted.
      const entry: ReportPolicy = {
        id: r.id,
        path: r.path,
        line: r.line,
        address: r.address || undefined,
        kind: r.kind,
        baseline: undefined,
        sets: undefined,
        features: undefined,
        status: 'audited',
        reason: undefined,
        detection: undefined,
      };
      if (r.status === 'unresolved') {
        entry.status = 'unresolved';
        entry.reason = r.reason ?? 'the policy could not be resolved';
      } else if (!p.doc) {
        entry.status = 'invalid';
        entry.reason = p.problems[0]?.message ?? 'not a valid policy document';
      } else {
        const na = plan.notAudited.get(r.id);
        if (na) {
          entry.status = na.status;
          entry.reason = na.reason;
          if (na.detection) entry.detection = na.detection;
        }
      }
      policies.set(r.id, entry);
    }

    const grantsOnly = grantsOnlyIndex(plan);
    // The policies audited more than once: their suggestions are made into one (combinedSuggestions).
    if (this.suggest) {
      const times = new Map<string, number>();
      for (const a of plan.assignments) {
        const principal = principals.get(a.target);
        const ids = principal ? principal.policyIds.filter((id) => !grantsOnly.has(a, id)) : [a.target];
        for (const id of new Set(ids)) times.set(id, (times.get(id) ?? 0) + 1);
      }
      const shared = [...times].filter(([, n]) => n > 1);
      if (shared.length) suggestions.shared = new Map(shared.map(([id]) => [id, []]));
    }
    for (const a of plan.assignments) {
      const principal = principals.get(a.target);
      // (a principal's documented attachments only grant, as they would audited policy by policy)
      const memberIds = principal ? principal.policyIds.filter((id) => !grantsOnly.has(a, id)) : [a.target];
      const members: UnitMember[] = [];
      const approximate: string[] = [];
      for (const id of memberIds) {
        const p = prepared.get(id);
        if (!p?.doc || !p.raw) continue;
        members.push(this.member(p.record, p.doc, p.raw, a.baseline));
        if (p.record.approximate) approximate.push(...p.record.approximate);
      }
      // (a principal's permissions boundary limits what all its policies grant it)
      const bounded = principal ? boundaryNote(principal) : undefined;
      if (bounded !== undefined) approximate.push(bounded);
      // (policies it may not hold: linked as a value not known may choose them)
      if (principal?.approximate) approximate.push(...principal.approximate);
      const kind =
        members.length === 0
          ? undefined
          : members.some((m) => m.record.kind === 'resource')
            ? 'resource'
            : members[0]!.record.kind;
      const compiled = this.compile(a.baseline);
      const scope = kind === 'resource' ? this.scopeOf(members) : undefined;
      const choice = kind
        ? chooseSets(compiled, a.sets, members, kind, this.builder, this.grantSets, {
            explicit: a.explicitSets,
            scope,
          })
        : { sets: a.sets, features: [], evidence: [] };
      for (const id of memberIds) {
        const entry = policies.get(id);
        if (!entry || entry.status !== 'audited') continue;
        entry.baseline = a.baseline.id;
        // (sliced: filter's list keeps room for 17 names, some 130 bytes per policy to the end)
        entry.sets = choice.sets.filter((s) => !choice.features.includes(s)).slice();
        // (of a principal audited as a whole, each policy the features it grants itself)
        const own = members.length > 1 ? members.find((m) => m.record.id === id) : undefined;
        const features = own
          ? memberFeatures(compiled, choice.features, own, this.builder, scope)
          : choice.features;
        if (features.length) entry.features = [...features];
        if (a.detection)
          entry.detection = choice.evidence.length
            ? { ...a.detection, evidence: [...a.detection.evidence, ...choice.evidence] }
            : a.detection;
      }
      if (members.length === 0 || !kind) continue;
      const unit: Unit = {
        id: a.target,
        kind,
        members,
        baseline: compiled,
        activeSets: choice.sets,
        approximate: approximate.length ? [...new Set(approximate)] : undefined,
        // (every unit has the field, undefined but for a resource policy of a known type: one shape)
        scope,
      };
      // Grouped by the assigned sets: the sets each unit was held to (alternatives chosen,
      // features in use) may differ within a group.
      const gk = groupKey(a);
      let g = groups.get(gk);
      if (!g) {
        groups.set(
          gk,
          (g = {
            unit,
            units: 0,
            granted: new Map(),
            sets: new Set(),
            best: new Map(),
            unsure: new Map(),
            // (kept while every unit's base is known: runUnit's answer)
            atBase: new Map(),
            wasAtBase: false,
          }),
        );
        // (the policies the group's audit would hold that could not be read: once per group)
        for (const id of plan.unread?.get(a.group ?? '') ?? []) g.unsure.set(id, unsure(id, NOT_READ));
      }
      g.units++;
      for (const id of memberIds) {
        if (unread(id)) g.unsure.set(id, unsure(id, NOT_READ));
        else if (mayGrantMore(prepared.get(id)?.record.approximate))
          g.unsure.set(id, unsure(id, PART_LEFT_OUT));
        for (const h of holders.get(id) ?? []) {
          const pr = principals.get(h)!;
          for (const sib of pr.policyIds) if (unread(sib)) g.unsure.set(sib, unsure(sib, NOT_READ));
          // (attachments that could not be resolved to a policy: `policy_arn = var.arn`)
          for (const u of pr.unresolved)
            g.unsure.set(`${pr.path}#${pr.id}->${u.ref}`, {
              why: ATTACHED_NOT_READ,
              scope: undefined,
              label: `${u.ref} (attached to ${pr.id}, could not be read)`,
            });
        }
      }
      if (unit.id < g.unit.id) g.unit = unit;
      const keys = new Set<string>();
      const from = findings.length;
      const atBaseState = this.memo
        ? this.runUnitMemo(unit, base, findings, suggestions, keys, g.granted, g.atBase, a)
        : this.runUnit(unit, base, findings, suggestions, keys, g.granted, g.atBase, a);
      if (atBaseState === 'unknown') g.atBase = undefined;
      if (atBaseState === 'there') g.wasAtBase = true;
      // A statement read in two ways (an Fn::If on its Condition or Principal whose condition is not
      // known) is audited in each: a finding the same in both is told once.
      if (members.some((m) => readTwice(m.record))) dropRepeated(findings, from);
      if (compiled.setDenies.size) findings.push(...this.missingDenyFindings(unit, base));
      if (unit.kind === 'resource')
        findings.push(...this.openPrincipalFindings(unit, base, a.explicitSets === true));
      this.grantSets.releaseStatements();
      if (keys.size) {
        // How much of each of its sets the unit grants (then of the baseline; then the first id).
        const inSet = new Map<string, number>();
        for (const k of keys) {
          let last = '';
          for (const e of compiled.byAction.get(k) ?? [])
            if (e.set !== last && unit.activeSets.includes(e.set)) {
              last = e.set;
              inSet.set(e.set, (inSet.get(e.set) ?? 0) + 1);
            }
        }
        for (const set of unit.activeSets) {
          g.sets.add(set);
          const c: Best = { unit, inSet: inSet.get(set) ?? 0, all: keys.size };
          const b = g.best.get(set);
          if (
            !b ||
            c.inSet > b.inSet ||
            (c.inSet === b.inSet && (c.all > b.all || (c.all === b.all && c.unit.id < b.unit.id)))
          )
            g.best.set(set, c);
        }
      }
    }
    // What the documented managed policies of a group grant (no finding of their own).
    for (const a of grantsOnly.assignments) {
      const g = groups.get(groupKey(a));
      const p = prepared.get(a.target);
      if (!g || !p?.doc || !p.raw) continue;
      const unit: Unit = {
        id: a.target,
        kind: p.record.kind,
        members: [{ record: p.record, doc: p.doc, raw: p.raw, whole: undefined, asWritten: undefined }],
        baseline: g.unit.baseline,
        activeSets: g.unit.activeSets,
        approximate: undefined,
        scope: undefined,
      };
      const free = this.free;
      this.free = new Map();
      const unused: SuggestionSink = { list: [], notMade: 0 };
      // (with the base: what they granted there counts for what the change takes away)
      const known = this.memo
        ? this.runUnitMemo(unit, base, [], unused, new Set(), g.granted, g.atBase)
        : this.runUnit(unit, base, [], unused, new Set(), g.granted, g.atBase);
      if (known === 'unknown') g.atBase = undefined;
      this.free = free;
      this.grantSets.releaseStatements();
    }
    // What the change deleted: its findings removed, what it granted had at the base.
    if (base?.deleted)
      this.runDeleted(
        base.deleted,
        (a) => groups.get(groupKey(a))?.atBase,
        findings,
        (a) => {
          // (a policy of the group the change deleted was at the base)
          const g = groups.get(groupKey(a));
          if (g) g.wasAtBase = true;
        },
      );
    for (const { unit, units, granted, sets: held, best, unsure, atBase, wasAtBase } of groups.values()) {
      // The sets the group's units were held to (the first unit's when none grants anything).
      const sets = held.size ? [...held] : unit.activeSets;
      // Each set's missing permissions go to the unit held to that set that grants most of it;
      // with none granting anything, to the group's only unit, or to none: of several units none
      // of which grants anything of the baseline, none is the one that implements it.
      const byUnit = new Map<Unit, Atom[]>();
      for (const set of sets) {
        const list = this.missing(unit.baseline, set, granted, unsure);
        if (!list.length) continue;
        const target = best.get(set)?.unit ?? (units === 1 ? unit : undefined);
        if (!target) continue;
        // A resource policy of a known type is told only of what it could grant (a bucket policy
        // is not told to grant ec2:RunInstances, nor s3:ListAllMyBuckets).
        const scope = target.scope;
        const told = scope ? inScope(list, scope.onResources) : list;
        if (!told.length) continue;
        (byUnit.get(target) ?? byUnit.set(target, []).get(target)!).push(...told);
      }
      for (const [target, list] of byUnit) {
        // With a base: what was missing there already (pre-existing), and what the change takes
        // away (new: the integration may break because of this change).
        // (none of the group's policies at the base: all new, none taken away)
        const atoms =
          atBase && wasAtBase ? this.missingAgainstBase(target, list, atBase, unsure, base) : list;
        // The same fields as the memo's options (isNew included), so groupAtoms sees one shape.
        for (const f of groupAtoms(atoms, {
          unit: target,
          isNew: atBase ? (wasAtBase ? (a) => a.fresh : () => true) : undefined,
          catalog: this.catalog,
          sets: this.grantSets,
        })) {
          if (f.new === true && wasAtBase)
            f.message = f.message.replace(
              / granted by no policy audited against ([^;]*); /,
              ' that this change takes away (granted before it; after it, by no policy audited against $1); ',
            );
          findings.push(f);
        }
      }
    }
    return {
      policies: [...policies.values()],
      findings,
      suggestions: combinedSuggestions(suggestions),
      suggestionsNotMade: suggestions.notMade,
      free: this.free,
      otherGrantees: this.otherGrantees,
    };
  }

  /** Of the current run: see AuditOutcome.free. */
  private free = new Map<string, Set<string>>();

  /** Of the current run: its principals (a plan's say which attachments it creates). */
  private principalsNow: Map<string, PrincipalRecord> | undefined;

  /** Of the current run: see AuditOutcome.otherGrantees. */
  private otherGrantees: AuditOutcome['otherGrantees'] = new Map();
  /** Of the current run: the plan's (AuditPlan.grantees). */
  private grantees: GranteeContext | undefined;

  /** A unit's member, with the statements judged against the baseline (judgedMember); the others remembered. */
  private member(
    record: PolicyRecord,
    doc: PolicyDocument,
    raw: Record<string, unknown>,
    baseline: Baseline,
  ): UnitMember {
    const { member, split } = judgedMember(record, doc, raw, baseline, this.grantees);
    if (split)
      this.otherGrantees.set(`${record.id}\u0000${baseline.id}`, {
        policy: record.id,
        baseline: baseline.id,
        others: split.others,
        shared: split.shared,
      });
    return member;
  }

  private grantsFree(action: ActionInfo, policyId: string): void {
    const ids = this.free.get(action.full);
    if (ids) ids.add(policyId);
    else this.free.set(action.full, new Set([policyId]));
  }

  private readonly scopes = new Map<string, UnitScope>();

  /**
   * What a unit's policies can grant at most, when each is a resource policy of a known type
   * (PolicyRecord.grantScope): the actions of their services. Undefined when one of them is not.
   */
  private scopeOf(members: readonly UnitMember[]): UnitScope | undefined {
    const services = new Set<string>();
    const types = new Set<string>();
    for (const m of members) {
      const g = m.record.grantScope;
      if (!g) return undefined;
      types.add(g.resourceType);
      for (const s of g.services) services.add(s);
    }
    if (services.size === 0) return undefined;
    const list = [...services].sort();
    const typeList = [...types].sort();
    const key = `${list.join(',')}\u0000${typeList.join(',')}`;
    let scope = this.scopes.get(key);
    if (!scope) {
      const and = (xs: string[]) =>
        xs.length === 1 ? xs[0]! : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]!}`;
      const actions = this.grantSets.serviceActions(list);
      scope = {
        actions,
        // (an action that applies to no resource type, as s3:ListAllMyBuckets or sqs:ListQueues,
        // is granted on `*` only: a resource's policy cannot grant it)
        onResources: actions.minus(
          ActionSet.fromActions(
            list.flatMap((svc) => this.catalog.actionsOf(svc).filter((a) => a.resourceTypes.length === 0)),
          ),
        ),
        services: new Set(list),
        key,
        note: `${and(typeList)} can grant only ${and(list)} actions`,
      };
      const implied = new Set(typeList.map((t) => IMPLIED_RESOURCE.get(t)));
      const only = implied.size === 1 ? [...implied][0] : undefined;
      if (only) scope.impliedResource = only;
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /**
   * The approximate note of missing permissions (`actions`) when some policies of their group may
   * grant more than was read and could grant some of them: what is missing may be granted there.
   */
  private unsureNote(unsure: ReadonlyMap<string, Unsure>, actions: ActionSet): string | undefined {
    const ids = [...unsure]
      .filter(([, u]) => !u.scope || this.grantSets.serviceActions(u.scope).intersects(actions))
      .map(([id]) => id)
      .sort(naturalCompare);
    if (ids.length === 0) return undefined;
    const shown = ids.slice(0, 3).map((id) => unsure.get(id)!.label ?? `${id} (${unsure.get(id)!.why})`);
    const more = ids.length > 3 ? ` and ${ids.length - 3} more` : '';
    return `what is missing may be granted by ${shown.join(', ')}${more}`;
  }

  /** The actions the Deny statements of a unit's members name (for Covering). */
  private deniedBy(unit: Unit): ActionSet {
    const parts: ActionSet[] = [];
    for (const m of unit.members)
      for (const st of m.doc.statements)
        if (st.effect === 'Deny') parts.push(this.grantSets.statementSet(st).actions);
    return parts.length ? ActionSet.unionOf(parts) : ActionSet.EMPTY;
  }

  /**
   * What a unit grants (Covering.ofGrants): the base's, against which a grant of the head
   * is new only when no grant of the base holds it, whatever each side's finding is filed under.
   */
  private grantCovering(unit: Unit): Covering {
    const resourceRequired = unit.kind !== 'trust';
    const options = {
      resourceRequired,
      scope: unit.scope?.actions,
      impliedResource: unit.scope?.impliedResource,
    };
    const classes: GrantClass[] = [];
    // (no Deny given: Covering leaves out every action a Deny of the unit names)
    for (const m of unit.members)
      for (const st of m.doc.statements)
        for (const c of this.grantSets.classes(st, [], options)) classes.push(c);
    return Covering.ofGrants(classes, (r) => this.builder.pattern(r), this.deniedBy(unit));
  }

  /**
   * Missing-permission atoms split against the base: the part missing at the base too (`fresh`
   * false) and the part the base granted (`fresh` true: the change takes it away, told at the
   * statement that granted it: takenAt).
   */
  private missingAgainstBase(
    target: Unit,
    atoms: Atom[],
    atBase: Map<number, ActionSet>,
    unsure: ReadonlyMap<string, Unsure>,
    base: BaseDocs | undefined,
  ): Atom[] {
    const before = new Map<string, ActionSet>();
    const key = (a: Atom) => `${a.set}\u0000${a.detail}\u0000${a.resource}`;
    for (const set of new Set(atoms.map((a) => a.set!)))
      for (const a of this.missing(target.baseline, set, atBase, unsure))
        if (a.actions) before.set(key(a), a.actions);
    let made: StatementAtBase[] | undefined;
    const granted = () => (made ??= this.grantedAtBase(target, base));
    const out: Atom[] = [];
    for (const a of atoms) {
      if (!a.actions) {
        out.push({ ...a, fresh: false });
        continue;
      }
      const was = before.get(key(a)) ?? ActionSet.EMPTY;
      const old = a.actions.intersect(was);
      const taken = a.actions.minus(was);
      if (!old.isEmpty()) out.push({ ...a, actions: old, fresh: false });
      if (!taken.isEmpty()) out.push(...this.takenAt({ ...a, actions: taken, fresh: true }, granted));
    }
    return out;
  }

  /**
   * A permission the change takes away, at the head's statement that granted it at the base (the
   * statement with the same Sid; without one, at the same place of a policy with as many
   * statements), split by statement; what none still written granted stays at the policy's line
   * (a review: `ec2:RunInstances` dropped from Coiled's Ongoing statement was told at line 1).
   * `grantedAtBase`: the unit's statements at the base with what each granted, made once.
   */
  private takenAt(atom: Atom, grantedAtBase: () => StatementAtBase[]): Atom[] {
    if (!atom.actions) return [atom];
    const out: Atom[] = [];
    let left = atom.actions;
    for (const { actions, now } of grantedAtBase()) {
      if (left.isEmpty()) break;
      if (!now || !actions.intersects(left)) continue;
      const part = actions.intersect(left);
      out.push({ ...atom, actions: part, member: now.member, stmt: now.stmt });
      left = left.minus(part);
    }
    if (!left.isEmpty()) out.push(left === atom.actions ? atom : { ...atom, actions: left });
    return out;
  }

  /** What each Allow statement of the unit at the base granted, with the head's statement continuing it. */
  private grantedAtBase(target: Unit, base: BaseDocs | undefined): StatementAtBase[] {
    const at = this.unitAtBase(target, base);
    if (!at) return [];
    const options = {
      resourceRequired: at.kind !== 'trust',
      scope: at.scope?.actions,
      impliedResource: at.scope?.impliedResource,
    };
    const out: StatementAtBase[] = [];
    for (const m of at.members)
      for (const st of m.doc.statements) {
        const classes = this.grantSets.classes(st, [], options);
        if (classes.length === 0) continue;
        out.push({
          actions: ActionSet.unionOf(classes.map((c) => c.actions)),
          now: headStatement(target, m, st),
        });
      }
    return out;
  }

  /**
   * A baseline resource as shown with the configured account (`--account-id`, `account-id`) in place
   * of the placeholders that stand for it: the account the user gave, not `<account-ID-without-hyphens>`.
   */
  private withAccount(raw: string, baseline: Baseline): string {
    if (!this.accountId) return raw;
    let out = raw.split(ACCOUNT_PLACEHOLDER).join(this.accountId);
    // (longest first: `<${account_id}>` before the `${account_id}` inside it)
    const bindings = Object.entries(accountBindings(baseline, this.accountId)).sort(
      (a, b) => b[0].length - a[0].length,
    );
    for (const [name, id] of bindings) out = out.split(name).join(id);
    return out;
  }

  /**
   * missing-permission: per entry (set, statement, resource) of the baseline, the actions no policy
   * of the group grants on a resource that meets the entry's, as one atom per entry.
   */
  private missing(
    baseline: CompiledBaseline,
    set: string,
    granted: Map<number, ActionSet>,
    unsure: ReadonlyMap<string, Unsure>,
  ): Atom[] {
    const atoms: Atom[] = [];
    const statements = baseline.setStatements.get(set) ?? [];
    const entries = baselineSets(baseline, this.catalog).entries.filter((e) => e.set === set && !e.implied);
    const byStatement = new Map<number, SetEntry[]>();
    for (const e of entries)
      (byStatement.get(e.stmtIndex) ?? byStatement.set(e.stmtIndex, []).get(e.stmtIndex)!).push(e);
    // What is already told missing on a resource, by the resource as written: an action two
    // statements of the set list on it (alternative forms, as Coiled's Network statement beside
    // its Ongoing one) is told once, under the first.
    const told = new Map<string, ActionSet>();
    for (const e of entries) {
      let missing = this.required(e, baseline, byStatement.get(e.stmtIndex)!).minus(
        granted.get(e.index) ?? ActionSet.EMPTY,
      );
      const already = told.get(e.resource.raw);
      if (already) missing = missing.minus(already);
      if (missing.isEmpty()) continue;
      // Granted on another resource of the same statement that reaches the same resource type of
      // the action: counted here too. The catalog's ARN formats cannot always tell two resources of
      // one type apart (`log-group:x` meets the format of a log group and of its streams), so a
      // vendor's statement listed on both is satisfied by a grant where the action applies. A
      // grant on another type (`instance/*` for a statement that also names `volume/*`) is not.
      const others = byStatement
        .get(e.stmtIndex)!
        .filter((x) => x !== e && granted.get(x.index)?.intersects(missing));
      if (others.length) {
        const left: number[] = [];
        missing.forEach((o) => {
          const a = actionOfOrdinal(o);
          if (!others.some((x) => granted.get(x.index)!.has(o) && sharesType(a, e.resource, x.resource)))
            left.push(o);
        });
        if (left.length === 0) continue;
        missing = ActionSet.fromOrdinals(left);
      }
      told.set(e.resource.raw, already ? already.union(missing) : missing);
      const stmt = statements.find((s) => s.index === e.stmtIndex);
      atoms.push({
        kind: 'missing-permission',
        member: 0,
        actions: missing,
        set,
        resource: shownResource(this.withAccount(e.resource.raw, baseline.baseline)),
        approximate: unsure.size ? this.unsureNote(unsure, missing) : undefined,
        detail: stmt ? statementLabel(stmt) : `#${e.stmtIndex}`,
      });
    }
    return atoms;
  }

  /**
   * broader-principal (open-principals.ts): a resource policy's statements for anyone where the
   * baseline names the vendor's principal. New where it opens an action the base's did not, or
   * more widely (opensMore).
   */
  private openPrincipalFindings(unit: Unit, base: BaseDocs | undefined, explicitSets: boolean): Finding[] {
    const of = (u: Unit) =>
      openPrincipalFindings({
        explicitSets,
        members: u.members.map((m) => ({ record: m.record, doc: m.doc, whole: m.whole })),
        baseline: u.baseline.baseline,
        activeSets: u.activeSets,
        actionsOf: (stmt) => {
          const named = this.grantSets.statementSet(stmt).actions;
          const scoped = u.scope ? named.intersect(u.scope.onResources) : named;
          // (on its resources: RunInstances on a bucket's ARN grants nothing)
          const can = stmt.resources
            ? ActionSet.unionOf(
                stmt.resources.map((r) => this.grantSets.applicable(scoped, this.builder.pattern(r))),
              )
            : scoped;
          return can
            .actions()
            .map((a) => a.full)
            .sort();
        },
      });
    const found = of(unit);
    if (!found.length) return found;
    const baseUnit = this.baseUnit(unit, base);
    if (baseUnit === null) for (const f of found) f.new = true;
    else if (baseUnit) {
      const had = of(baseUnit);
      for (const f of found) f.new = opensMore(f, had);
    }
    return found;
  }

  /**
   * missing-deny, both paths: per Deny statement (Action, Resource, Condition) of the unit's active
   * sets, the actions it denies that the unit grants on a resource that meets the Deny's, where the
   * unit's own Deny statements do not deny every request the baseline's Deny does (denyCover: a
   * Deny of the action on a resource that covers it, under a condition that holds whenever the
   * baseline's does). A grant under a condition is weighed too, unless its condition and the
   * Deny's exclude each other (conditionsExclude). What this cannot decide exactly (a condition it
   * cannot compare, a NotResource, a policy variable, Deny statements that each cover part of the
   * resource) is reported, marked approximate with the reason. New against a base that did not
   * lack the same Deny.
   */
  private missingDenyFindings(unit: Unit, base: BaseDocs | undefined): Finding[] {
    const atoms = this.missingDenies(unit);
    if (!atoms.length) return [];
    const baseUnit = this.baseUnit(unit, base);
    let isNew: ((a: Atom) => boolean | undefined) | undefined;
    if (baseUnit === null) isNew = () => true;
    else if (baseUnit) {
      // (`detail` names the Deny and its set)
      const had = new Set(this.missingDenies(baseUnit).map((a) => a.detail));
      isNew = (a) => !had.has(a.detail);
    }
    return groupAtoms(atoms, { unit, isNew, catalog: this.catalog, sets: this.grantSets });
  }

  private missingDenies(unit: Unit): Atom[] {
    const atoms: Atom[] = [];
    const sets = this.grantSets;
    const own: OwnDeny[] = unit.members.flatMap((m) =>
      m.doc.statements
        .filter((s) => s.effect === 'Deny')
        .map((stmt) => ({
          stmt,
          actions: sets.statementSet(stmt).actions,
          resources: stmt.resources?.map((r) => this.builder.pattern(r)),
          notResources: stmt.notResources?.map((r) => this.builder.pattern(r)),
          label: statementLabel(stmt),
        })),
    );
    const b = unit.baseline.baseline;
    const choiceOf = (name: string) => b.sets.find((x) => x.name === name)?.choice;
    for (const set of unit.activeSets) {
      // A Deny binds the alternative it belongs to: with another alternative of the same choice
      // active too (one that allows the same without it), neither is the one to hold the policy to.
      const choice = choiceOf(set);
      if (choice !== undefined && unit.activeSets.some((x) => x !== set && choiceOf(x) === choice)) continue;
      for (const deny of unit.baseline.setDenies.get(set) ?? []) {
        // A resource policy of a known type grants none of the others' actions: none to deny.
        const named = sets.statementSet(deny).actions;
        const denied = unit.scope ? named.intersect(unit.scope.actions) : named;
        if (denied.isEmpty()) continue;
        // A placeholder stands for the user's value: any value, where the Deny applies.
        const where = deny.resources!.map((r) => this.builder.pattern(r.replace(/<[^<>]*>/g, '*')));
        // The finding's words for the Deny (and its group key): which statement, and what it denies.
        const when = deny.condition
          ? ` when ${conditionText(deny.condition).replaceAll(PLACEHOLDER_VALUE, 'your value')}`
          : '';
        const detail = `${statementLabel(deny)} of the ${b.name} baseline's set "${set}" (it denies them on ${shownResources(deny.resources!)}${when})`;
        // How each of the unit's Deny statements' conditions compares with the baseline Deny's.
        // (for EC2 actions, apart: a Deny's `ec2:ResourceTag/…` is the baseline's `aws:ResourceTag/…`)
        let holdsAny: ConditionCheck[] | undefined;
        let holdsEc2: ConditionCheck[] | undefined;
        const holdsFor = (a: ActionInfo): ConditionCheck[] =>
          a.service === 'ec2'
            ? (holdsEc2 ??= own.map((d) =>
                denyConditionHolds(deny.condition, d.stmt.condition, undefined, 'ec2'),
              ))
            : (holdsAny ??= own.map((d) => denyConditionHolds(deny.condition, d.stmt.condition)));
        unit.members.forEach((m, mi) => {
          for (const stmt of m.doc.statements) {
            if (stmt.effect !== 'Allow') continue;
            const hit = sets.statementSet(stmt).actions.intersect(denied);
            if (hit.isEmpty()) continue;
            // A grant whose condition rules out every request the Deny denies needs no Deny.
            const exclude = conditionsExclude(stmt.condition, deny.condition);
            if (exclude === 'yes') continue;
            const grantNote =
              exclude === 'unknown'
                ? `this tool cannot tell whether the grant's condition keeps to what the baseline's Deny ${statementLabel(deny)} allows (a condition on the same key that it cannot compare exactly)`
                : undefined;
            // The resources it grants on: its Resource, or (NotResource) every one but those.
            const granted: { raw: string; p: ArnPattern | undefined }[] = stmt.resources
              ? stmt.resources.map((raw) => ({ raw, p: this.builder.pattern(raw) }))
              : stmt.notResources
                ? [{ raw: `NotResource: ${stmt.notResources.join(', ')}`, p: undefined }]
                : [];
            const excluded = stmt.notResources?.map((r) => this.builder.pattern(r));
            for (const { raw, p } of granted) {
              // The actions with a resource type that both the granted resource and one of the Deny's
              // reach, by how the unit's Deny statements cover them there.
              const meets = where.filter((w) => !p || !disjointFields(p, w));
              if (!meets.length) continue;
              const byOutcome = new Map<string, { left: number[]; cover: DenyCover }>();
              hit.forEach((o) => {
                const a = actionOfOrdinal(o);
                let worst: DenyCover | undefined;
                for (const w of meets) {
                  if (p && !sharesType(a, p, w)) continue;
                  let cover: DenyCover;
                  if (excluded) {
                    // NotResource: granted on `w` unless an excluded pattern covers it; where one
                    // only meets it, on part of it (approximate).
                    if (excluded.some((x) => coversForAction(x, w, a, false))) continue;
                    cover = this.denyCover(a, o, w, own, holdsFor(a));
                    if (cover.status === 'no' && excluded.some((x) => !disjointFields(x, w)))
                      cover = {
                        ...cover,
                        status: 'unknown',
                        note: `this tool cannot tell which part of ${w.raw} the grant's NotResource leaves granted`,
                      };
                  } else cover = this.coverOn(a, o, p!, w, own, holdsFor(a));
                  if (cover.status === 'yes') continue;
                  if (!worst || (worst.status === 'unknown' && cover.status === 'no')) worst = cover;
                  if (worst.status === 'no') break;
                }
                if (!worst) return;
                const note = worst.status === 'no' ? grantNote : joinNotes(worst.note, grantNote);
                const key = `${worst.reason}\u0000${note ?? ''}`;
                const at =
                  byOutcome.get(key) ?? byOutcome.set(key, { left: [], cover: { ...worst, note } }).get(key)!;
                at.left.push(o);
              });
              for (const { left, cover } of byOutcome.values())
                atoms.push({
                  kind: 'missing-deny',
                  member: mi,
                  stmt,
                  actions: ActionSet.fromOrdinals(left),
                  set,
                  resource: raw,
                  approximate: cover.note,
                  detail,
                  need: cover.reason,
                });
            }
          }
        });
      }
    }
    return atoms;
  }

  /**
   * How the unit's Deny statements cover the action on what a grant on `p` and the baseline's
   * Deny on `w` both reach: their intersection when it can be written, else (a Deny covering
   * either covers it) the better of the two.
   */
  private coverOn(
    a: ActionInfo,
    o: number,
    p: ArnPattern,
    w: ArnPattern,
    own: readonly OwnDeny[],
    holds: readonly ConditionCheck[],
  ): DenyCover {
    const both = arnIntersection(p, w);
    if (both !== undefined) return this.denyCover(a, o, this.builder.pattern(both), own, holds);
    const onW = this.denyCover(a, o, w, own, holds);
    if (onW.status === 'yes') return onW;
    const onP = this.denyCover(a, o, p, own, holds);
    return onP.status === 'yes' || (onP.status === 'unknown' && onW.status === 'no') ? onP : onW;
  }

  /**
   * Whether the unit's Deny statements deny action `a` (ordinal `o`) on every resource of `t`
   * whenever the baseline's Deny condition holds: some Deny of the action whose Resource covers `t`
   * (or whose NotResource excludes none of it) and whose condition holds wherever the baseline's
   * does (`holds`, per Deny). `unknown`, with the note, where this cannot tell; `no` with the reason
   * (the finding's words) otherwise.
   */
  private denyCover(
    a: ActionInfo,
    o: number,
    t: ArnPattern,
    own: readonly OwnDeny[],
    holds: readonly ConditionCheck[],
  ): DenyCover {
    const why: string[] = [];
    const unsure: string[] = [];
    const parts: string[] = [];
    for (let i = 0; i < own.length; i++) {
      const d = own[i]!;
      if (!d.actions.has(o)) continue;
      let reach: 'all' | 'part' | 'none' | 'unknown';
      let variable = false;
      if (d.resources) {
        const hit = d.resources.filter((r) => !disjointFields(r, t) && arnIntersects(r, t));
        variable = hit.some((r) => r.variables.length > 0);
        reach = d.resources.some((r) =>
          r.unboundPlaceholders.length ? denyContains(r, t) : coversForAction(r, t, a, false),
        )
          ? 'all'
          : !hit.length
            ? 'none'
            : variable || hit.some((r) => r.unboundPlaceholders.length)
              ? 'unknown'
              : 'part';
      } else if (d.notResources) {
        reach = d.notResources.some((r) => arnContains(r, t))
          ? 'none'
          : d.notResources.every((r) => disjointFields(r, t) || !arnIntersects(r, t))
            ? 'all'
            : 'unknown';
      } else reach = 'unknown';
      const cond = holds[i]!;
      const where = d.resources
        ? shownResources(d.stmt.resources!)
        : `everything but ${shownResources(d.stmt.notResources ?? [])}`;
      if (reach === 'none') {
        why.push(`${d.label} denies them only on ${where}`);
        continue;
      }
      if (cond.result === 'no') {
        why.push(`${d.label} denies them only under a narrower condition (${cond.missing.join(', ')})`);
        continue;
      }
      if (reach === 'all' && cond.result === 'yes') return { status: 'yes', reason: '' };
      if (reach === 'part' && cond.result === 'yes') {
        parts.push(d.label);
        why.push(`${d.label} denies them only on ${where}`);
        continue;
      }
      unsure.push(
        reach === 'unknown'
          ? `whether the Deny statement ${d.label} applies on all of ${t.raw} (${
              d.resources
                ? variable
                  ? 'a policy variable'
                  : 'a placeholder'
                : d.notResources
                  ? 'NotResource'
                  : 'no Resource'
            })`
          : `whether the condition of the Deny statement ${d.label} holds wherever the baseline's does (${cond.missing.join(', ')}: not compared exactly)`,
      );
      why.push(`${d.label} may not deny them wherever the baseline's does`);
    }
    const reason =
      why.length === 0
        ? 'this policy has no Deny of them'
        : why.length === 1
          ? `this policy's Deny statement ${why[0]!}`
          : `this policy's Deny statements fall short (${why.join('; ')})`;
    if (unsure.length)
      return { status: 'unknown', reason, note: `this tool cannot tell ${unsure.join('; nor ')}` };
    if (parts.length > 1)
      return {
        status: 'unknown',
        reason,
        note: `this tool cannot tell whether the Deny statements ${parts.join(', ')} together cover ${t.raw}`,
      };
    return { status: 'no', reason };
  }

  /**
   * What a baseline entry requires: its actions that can apply to its resource once each
   * placeholder holds a value (a placeholder matches any text, so `arn:aws:s3:::<bucket>` meets
   * access-grant ARNs too, which no bucket name makes). A resource that is one placeholder for a
   * whole ARN (Anyscale's `${anyscale_cluster_role_arn}`) names no resource type: its actions are
   * those whose resource type the placeholder names (its name or the baseline's words for it:
   * "role", "instance profile"), or, when no such placeholder of the statement names one of the
   * action's types, every one of the statement's.
   */
  private required(e: SetEntry, baseline: CompiledBaseline, statement: readonly SetEntry[]): ActionSet {
    let hit = this.requiredCache.get(e);
    if (!hit) {
      const whole = WHOLE_PLACEHOLDER.test(e.resource.raw);
      const valued = whole
        ? ANY_RESOURCE
        : e.resource.raw.includes('<')
          ? parseArnPattern(e.resource.raw.replace(/<[^<>]*>/g, 'x'))
          : e.resource;
      // An action that needs no permission is never missing: leaving it out breaks nothing.
      hit = this.grantSets.applicable(e.actions, valued).minus(noPermissionSet(this.catalog));
      if (whole) {
        const words = (x: SetEntry) => {
          const name = shownResource(x.resource.raw);
          return wordsOf(`${name} ${baseline.baseline.placeholders?.[name] ?? ''}`);
        };
        const mine = words(e);
        const others = statement.filter((x) => x !== e && WHOLE_PLACEHOLDER.test(x.resource.raw)).map(words);
        const kept: number[] = [];
        hit.forEach((o) => {
          const types = actionOfOrdinal(o).resourceTypes.map((t) => wordsOf(t.name));
          if (
            types.some((t) => namesType(mine, t)) ||
            !others.some((w) => types.some((t) => namesType(w, t)))
          )
            kept.push(o);
        });
        hit = ActionSet.fromOrdinals(kept);
      }
      this.requiredCache.set(e, hit);
    }
    return hit;
  }

  private readonly requiredCache = new WeakMap<SetEntry, ActionSet>();

  /** The reference path: the unit evaluated as a whole (see StatementMemo for the one used). */
  /**
   * Returns whether the unit's base is known (see baseUnit), and whether the unit was there (a
   * policy the change adds was not); `atBase` gets what the base granted.
   * `assigned`: the unit's assignment, whose sets the base chooses from as the head's did.
   */
  private runUnit(
    unit: Unit,
    base: BaseDocs | undefined,
    findings: Finding[],
    suggestions: SuggestionSink,
    granted: Set<string>,
    byEntry: Map<number, ActionSet>,
    atBase?: Map<number, ActionSet>,
    assigned?: Assignment,
  ): AtBase {
    const result = evaluateUnit(unit, this.builder);
    for (const { member, action } of result.free) this.grantsFree(action, unit.members[member]!.record.id);
    // What the base had: a plan's `before`, or the pull request's base files.
    const baseUnit = this.baseUnit(unit, base, assigned);
    let isNew: ((atom: Atom) => boolean | undefined) | undefined;
    if (baseUnit !== undefined) {
      const baseResult = baseUnit ? evaluateUnit(baseUnit, this.builder) : { atoms: [] as Atom[] };
      const pattern = (r: string) => this.builder.pattern(r);
      const baseKeys = new AtomKeys([baseResult.atoms], baseUnit ? this.grantCovering(baseUnit) : undefined);
      // (a finding the head still has on a resource containing the base's, whatever it is filed under)
      const headKeys = new AtomKeys(
        [result.atoms],
        new Covering([result.atoms], pattern, this.deniedBy(unit), true),
        true,
      );
      isNew = (atom) => (atom.kind === 'missing-permission' ? undefined : !baseKeys.has(atom));
      const removed = baseResult.atoms.filter((x) => REMOVABLE_KINDS.has(x.kind) && !headKeys.has(x));
      if (removed.length && baseUnit) findings.push(...this.removedFindings(removed, baseUnit));
      if (atBase && 'verdicts' in baseResult)
        grantedByEntry(
          grantsOf(baseResult),
          baselineSets(unit.baseline, this.catalog),
          atBase,
          setsNotFor(unit.baseline, unit.kind),
        );
    }
    findings.push(...groupAtoms(result.atoms, { unit, isNew, catalog: this.catalog, sets: this.grantSets }));
    const made = suggestMinimal(unit, result, this.builder);
    unit.members.forEach((m, mi) => {
      const runs = suggestions.shared?.get(m.record.id);
      if (!runs) return;
      const byStmt = result.verdicts.get(mi);
      const removable = result.atoms.some((a) => a.member === mi && REMOVABLE_KINDS.has(a.kind));
      runs.push(
        sharedRun(m, (stmt) =>
          removable ? minimalPlan(stmt, byStmt?.get(stmt.index) ?? [], this.builder) : null,
        ),
      );
    });
    if (this.suggest) suggestions.list.push(...made);
    else suggestions.notMade += made.length;
    for (const k of grantedBaselineKeys(result, unit.baseline)) granted.add(k);
    grantedByEntry(
      grantsOf(result),
      baselineSets(unit.baseline, this.catalog),
      byEntry,
      setsNotFor(unit.baseline, unit.kind),
    );
    return baseUnit === undefined ? 'unknown' : baseUnit === null ? 'not there' : 'there';
  }

  /**
   * Atoms in the order the statement grants them (its actions, then its resources), as the
   * outcome orders its own atoms: a group's first atom is the one its message names, so the parts
   * of atoms split against a base (a new part may start later in the statement than its old part)
   * are put back in that order. Atoms without actions (unknown actions, an invalid statement) stay
   * first, in their order.
   */
  private inStatementOrder(atoms: Atom[], stmt: Statement): Atom[] {
    const position = (a: Atom) => {
      const at = a.resource === undefined ? -1 : (stmt.resources?.indexOf(a.resource) ?? -1);
      return at < 0 ? 0 : at;
    };
    return inStatementOrder(
      atoms.map((a) => ({ a, at: position(a) })),
      statementFirst(stmt, this.builder, this.grantSets),
    );
  }

  /**
   * The units of the base the change deleted (BaseDocs.deleted), evaluated as at the base: their
   * findings are removed (`Removed (infra/a.json was deleted): …`), and what they granted is added
   * to what their group granted at the base (`atBase`), so that a permission the group no longer
   * grants is one the change takes away, not one missing before it.
   */
  private runDeleted(
    gone: DeletedAtBase,
    atBaseOf: (a: Assignment) => Map<number, ActionSet> | undefined,
    findings: Finding[],
    wasThere?: (a: Assignment) => void,
  ): void {
    const grantsOnly = grantsOnlyIndex(gone.plan);
    const unitOf = (a: Assignment, ids: readonly string[]): Unit | undefined => {
      const members: UnitMember[] = [];
      for (const id of ids) {
        const p = gone.prepared.get(id);
        if (p?.doc && p.raw)
          members.push(judgedMember(p.record, p.doc, p.raw, a.baseline, this.grantees).member);
      }
      if (members.length === 0) return undefined;
      const kind = members.some((m) => m.record.kind === 'resource') ? 'resource' : members[0]!.record.kind;
      const baseline = this.compile(a.baseline);
      const scope = kind === 'resource' ? this.scopeOf(members) : undefined;
      const choice = chooseSets(baseline, a.sets, members, kind, this.builder, this.grantSets, {
        explicit: a.explicitSets,
        scope,
      });
      return {
        id: a.target,
        kind,
        members,
        baseline,
        activeSets: choice.sets,
        approximate: undefined,
        scope,
      };
    };
    const evaluate = (a: Assignment, unit: Unit) => {
      const result = evaluateUnit(unit, this.builder);
      const atBase = atBaseOf(a);
      if (atBase)
        grantedByEntry(
          grantsOf(result),
          baselineSets(unit.baseline, this.catalog),
          atBase,
          setsNotFor(unit.baseline, unit.kind),
        );
      this.grantSets.releaseStatements();
      return result;
    };
    for (const a of gone.plan.assignments) {
      const principal = gone.principals.get(a.target);
      const ids = principal ? principal.policyIds.filter((id) => !grantsOnly.has(a, id)) : [a.target];
      const unit = unitOf(a, ids);
      if (!unit) continue;
      wasThere?.(a);
      const removed = evaluate(a, unit).atoms.filter((x) => REMOVABLE_KINDS.has(x.kind));
      const how = gone.how(a.target);
      for (const f of this.removedFindings(removed, unit)) {
        f.message = f.message.replace(/^Removed: /, `Removed (${how}): `);
        findings.push(f);
      }
    }
    // (a deleted principal's documented managed policies: what they granted, no finding of their own)
    for (const a of grantsOnly.assignments) {
      const unit = unitOf(a, [a.target]);
      if (unit) evaluate(a, unit);
    }
  }

  /** The findings of what the base granted and the head no longer does (`removed`). */
  private removedFindings(atoms: Atom[], baseUnit: Unit): Finding[] {
    return groupAtoms(atoms, { unit: baseUnit, removed: true, catalog: this.catalog, sets: this.grantSets });
  }

  /** The unit through its statements' outcomes, each computed once per distinct statement. */
  /** As runUnit, through statement outcomes. */
  private runUnitMemo(
    unit: Unit,
    base: BaseDocs | undefined,
    findings: Finding[],
    suggestions: SuggestionSink,
    granted: Set<string>,
    byEntry: Map<number, ActionSet>,
    atBase?: Map<number, ActionSet>,
    assigned?: Assignment,
  ): AtBase {
    const memo = this.memo!;
    const occurrences = (u: Unit) => {
      const denies = memo.denies(u);
      return u.members.flatMap((m, mi) =>
        m.doc.statements.map((stmt) => ({ mi, stmt, o: memo.outcome(u, stmt, denies) })),
      );
    };
    const head = occurrences(unit);
    const baseUnit = this.baseUnit(unit, base, assigned);
    // Per occurrence: is each atom new? A statement whose outcome the base also has is wholly old;
    // otherwise its atoms are split by set difference with the base's (made once, only when needed).
    let newness: (o: StatementOutcome) => boolean | undefined | Atom[] = () => undefined;
    if (baseUnit === null) newness = () => true;
    else if (baseUnit) {
      const was = occurrences(baseUnit);
      const inBase = new Set(was.map((x) => x.o));
      const inHead = new Set(head.map((x) => x.o));
      let baseKeys: SetKeys | undefined;
      newness = (o) => {
        if (inBase.has(o)) return false;
        baseKeys ??= new SetKeys(
          was.map((x) => x.o.atoms),
          this.grantCovering(baseUnit),
        );
        const split = o.atoms.flatMap((a) => baseKeys!.split(a));
        if (split.every((a) => a.fresh)) return true;
        if (split.every((a) => !a.fresh)) return false;
        return this.inStatementOrder(split, o.stmt);
      };
      let headKeys: SetKeys | undefined;
      const removed: Atom[] = [];
      for (const { mi, stmt, o } of was) {
        if (!o.removable || inHead.has(o)) continue;
        // (a grant the head still makes on a resource containing it, or without its condition, is not removed)
        // (nor one the head still has filed under another kind or set: Covering)
        headKeys ??= (() => {
          const lists = head.map((x) => x.o.atoms);
          const pattern = (r: string) => this.builder.pattern(r);
          return new SetKeys(lists, new Covering(lists, pattern, this.deniedBy(unit), true), true);
        })();
        for (const x of o.atoms)
          if (REMOVABLE_KINDS.has(x.kind))
            for (const part of headKeys.split(x)) if (part.fresh) removed.push({ ...part, member: mi, stmt });
      }
      if (removed.length) findings.push(...this.removedFindings(removed, baseUnit));
      if (atBase)
        for (const { o } of was)
          for (const [i, set] of o.granted) {
            const had = atBase.get(i);
            atBase.set(i, had ? had.union(set) : set);
          }
    }
    for (const { mi, stmt, o } of head) {
      if (o.atoms.length) for (const f of memo.findings(o, unit, mi, stmt, newness(o))) findings.push(f);
      if (!o.free.isEmpty())
        o.free.forEach((a) => this.grantsFree(actionOfOrdinal(a), unit.members[mi]!.record.id));
      for (const k of o.baselineKeys) granted.add(k);
      for (const [i, set] of o.granted) {
        const had = byEntry.get(i);
        byEntry.set(i, had ? had.union(set) : set);
      }
    }
    unit.members.forEach((m, mi) => {
      const own = head.filter((x) => x.mi === mi);
      const runs = suggestions.shared?.get(m.record.id);
      if (runs) {
        const removable = own.some((x) => x.o.removable);
        const byIndex = new Map(own.map((x) => [x.stmt.index, x.o.minimal]));
        runs.push(sharedRun(m, (stmt) => (removable ? (byIndex.get(stmt.index) ?? null) : null)));
      }
      if (!own.some((x) => x.o.removable)) return;
      if (!this.suggest) {
        suggestions.notMade++;
        return;
      }
      const plans = new Map(own.map((x) => [x.stmt, x.o.minimal]));
      suggestions.list.push(
        memberSuggestion(
          m,
          minimalStatements(m, (stmt) => plans.get(stmt) ?? null),
        ),
      );
    });
    return baseUnit === undefined ? 'unknown' : baseUnit === null ? 'not there' : 'there';
  }

  /**
   * The unit as it was at the base: undefined when there is no base at all, null when the unit did
   * not exist there (everything is new). With its assignment (`assigned`), audited as it was: held
   * to the sets its own grants choose (the features it used, the alternative it fitted), as
   * runDeleted's units are, not to the head's, so that what it lists as removed is what the base
   * had (a review: a change that deleted the OptionalECR statement of Coiled's exact policy listed
   * as removed a leftover-set finding of the ecr feature, which the base used in full). New and
   * removed compare grants, not kinds and sets (Covering), so the two sides may differ in them.
   * Without it (missing-deny), the head's sets.
   */
  private baseUnit(unit: Unit, base?: BaseDocs, assigned?: Assignment): Unit | null | undefined {
    const at = this.unitAtBase(unit, base);
    if (!at || !assigned) return at;
    const choice = chooseSets(
      unit.baseline,
      assigned.sets,
      at.members,
      at.kind,
      this.builder,
      this.grantSets,
      {
        explicit: assigned.explicitSets,
        scope: at.scope,
      },
    );
    return { ...at, activeSets: choice.sets };
  }

  /** baseUnit's members, the head's sets. */
  private unitAtBase(unit: Unit, base?: BaseDocs): Unit | null | undefined {
    const members: UnitMember[] = [];
    // A principal audited as a whole (a pull request's base, not a plan's `before`): its policies
    // at the base are those it held there. A policy attached by the change is new to it, and one
    // detached (a Deny) is no longer beside the others.
    const held = unit.members.every((m) => m.record.before === undefined)
      ? base?.heldBy?.(unit.id)
      : undefined;
    // A plan: the policies the principal holds only through attachments the plan creates were not
    // its before the change (their `before` is the policy's, not the principal's).
    const attachedByChange = new Set(this.principalsNow?.get(unit.id)?.attachedByChange ?? []);
    if (held !== undefined) {
      for (const id of held) {
        const b = base!.get(id);
        if (b?.doc && b.raw && b.record)
          members.push(
            judgedMember(b.record, b.doc, b.raw, unit.baseline.baseline, this.grantees, true).member,
          );
      }
      return members.length === 0 ? null : { ...unit, members };
    }
    let known = false;
    for (const m of unit.members) {
      const r = m.record;
      if (r.before !== undefined) {
        known = true;
        if (r.before === null || attachedByChange.has(r.id)) continue;
        const parsed = parsePolicyDocument(r.before);
        if (parsed.doc && parsed.raw)
          members.push(
            judgedMember(r, parsed.doc, parsed.raw, unit.baseline.baseline, this.grantees, !!m.whole).member,
          );
        continue;
      }
      if (!base) continue;
      known = true;
      const b = base.get(r.id);
      // (a base whose unknown values read as wildcards where the head's are known: its `*` is not
      // everyone, so it holds nothing of the head's: new, and said in a note: unknownOnlyAtBase)
      if (b?.record && unknownOnlyAtBase(b.record, r) !== undefined) continue;
      // (with its record at the base: a removed finding points at the base's line, not the head's)
      if (b?.doc && b.raw)
        members.push(
          judgedMember(b.record ?? r, b.doc, b.raw, unit.baseline.baseline, this.grantees, !!m.whole).member,
        );
    }
    if (!known) return undefined;
    if (members.length === 0) return null;
    return { ...unit, members };
  }
}

/** A unit at the base: not known (no base, or its base not read), not there (added), or there. */
type AtBase = 'unknown' | 'not there' | 'there';

/** A unit's grants (the reference path's verdicts), as grantedByEntry reads them. */
function grantsOf(result: UnitResult) {
  return [...result.verdicts.values()].flatMap((byStmt) =>
    [...byStmt.values()].flatMap((list) =>
      list.map(({ grant }) => ({
        actions: ActionSet.fromActions([grant.action]),
        resource: grant.resource,
        notResource: grant.notResource,
      })),
    ),
  );
}

/** The atoms' actions within a scope (atoms left with none are dropped). */
function inScope(atoms: Atom[], scope: ActionSet): Atom[] {
  const out: Atom[] = [];
  for (const a of atoms) {
    const actions = a.actions?.intersect(scope);
    if (actions === undefined) {
      if (a.action && scope.has(actionOrdinal(a.action) ?? -1)) out.push(a);
    } else if (!actions.isEmpty()) out.push(actions === a.actions ? a : { ...a, actions });
  }
  return out;
}

/** Placeholders of a baseline that stand for the AWS account ID, bound to the configured one. */
function accountBindings(baseline: Baseline, accountId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, meaning] of Object.entries(baseline.placeholders ?? {})) {
    if (!(/account/i.test(name) || /account id/i.test(meaning))) continue;
    out[name] = accountId;
    // A template hole of the vendor's text (`${account_id}`) is read as the placeholder
    // `<${account_id}>` (withPlaceholders): bound in that form too, or the account given would
    // never reach it (and a narrowed resource would be written with the hole).
    if (/^\$?\{\{?[^{}<>]+\}?\}$/.test(name)) out[`<${name}>`] = accountId;
  }
  return out;
}

/** A baseline resource that is one placeholder for a whole ARN (held as `<${…}>`: withPlaceholders). */
const WHOLE_PLACEHOLDER = /^<[^<>]+>$/;
const ANY_RESOURCE = parseArnPattern('*');

/** A text's words, lower case: `instance-profile`, `InstanceProfile` and `instance_profile` alike. */
function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether `words` hold a resource type's name (its words, in a row). */
function namesType(words: readonly string[], type: readonly string[]): boolean {
  if (!type.length) return false;
  for (let i = 0; i + type.length <= words.length; i++)
    if (type.every((w, j) => words[i + j] === w)) return true;
  return false;
}

/**
 * Whether one of the action's resource types meets both patterns (a type without an ARN format,
 * or an action without types, which only `*` grants, is taken as shared).
 */
function sharesType(action: ActionInfo, a: ArnPattern, b: ArnPattern): boolean {
  // Patterns that name no common resource field by field reach no common type either.
  if (disjointFields(a, b)) return false;
  if (action.resourceTypes.length === 0) return true;
  return action.resourceTypes.some((t) => {
    if (!t.arn) return true;
    const format = formatPattern(t.arn);
    return meetsFormat(format, t.arn, a) && meetsFormat(format, t.arn, b);
  });
}
