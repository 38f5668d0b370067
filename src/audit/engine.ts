// Compares what a unit (one policy, or the policies of one principal) grants with the active sets
// of a baseline, and produces findings. Pure: documents in, findings and suggestions out.
//
// Work happens per "atom" (kind, action, resource, set) so that new-vs-base and before-vs-after
// can be decided per permission; atoms are then grouped into the findings people read
// (src/audit/findings.ts).

import {
  arnContains,
  arnCoveredWithin,
  arnFormatToPattern,
  arnWitness,
  WITNESS_OTHER,
  arnIntersects,
  isAll,
  parseArnPattern,
  meetsFormat,
  type ArnPattern,
} from '../policy/arn.js';
import { actionOfOrdinal, actionOrdinal, type ActionInfo, type ResourceTypeRef } from '../policy/catalog.js';
import { conditionForService, conditionImplies } from '../policy/condition.js';
import { isTrustAction } from '../policy/raw.js';
import { preview, type Condition, type PolicyDocument, type Statement } from '../policy/document.js';
import { GrantBuilder, type Grant, type ImpliedResource } from '../policy/grants.js';
import type { ActionSet } from '../policy/action-set.js';
import { noPermissionSet } from '../policy/no-permission.js';
import type { Baseline, FindingKind, PolicyKind, PolicyRecord } from '../core/types.js';

// ---------------------------------------------------------------------------------------------
// Baselines compiled to grants

export interface BaselineEntry {
  set: string;
  setKind: string;
  stmt: Statement;
  /** The resource; of a NotResource statement, every resource but its list (an ExceptPattern). */
  resource: ArnPattern;
  condition?: Condition;
  /**
   * The entry is read into the baseline, not written in it: the vendor names an action that has no
   * resource types (it can only be granted on `*`) in a statement whose resources cannot grant it,
   * so the baseline allows it on `*`, as AWS needs it granted. A policy that keeps the vendor's
   * statement as written is not told the action is missing.
   */
  implied?: true;
}

export interface CompiledBaseline {
  baseline: Baseline;
  /** action key -> entries over every set. */
  byAction: Map<string, BaselineEntry[]>;
  /** Per set: the action entries (patterns as written) of its Allow statements, for missing-permission. */
  setStatements: Map<string, Statement[]>;
  /** Per set: its Deny statements (Action and Resource), for missing-deny. */
  setDenies: Map<string, Statement[]>;
}

/**
 * Marks a condition value that stands for the user's own value (any value of that key is fine but
 * one that lets every value through: src/policy/condition.ts).
 */
export const PLACEHOLDER_VALUE = '<placeholder>';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Vendors write examples where the user's values go (`arn:aws:s3:::datalake`, `21.21.21.0/24`).
 * Those listed as placeholders become `<...>` placeholders in resources (any value, or the bound
 * one) and PLACEHOLDER_VALUE in conditions, so a policy with the user's real values matches.
 */
/**
 * Baseline resources as a message shows them (sorted, joined with `, `): a template hole of the
 * vendor's text, held as `<${…}>` or `<{…}>` to be read as a placeholder (withPlaceholders), is
 * written back as the vendor wrote it (`{package_sync_bucket_prefix}`).
 */
export function shownResources(resources: readonly string[]): string {
  return resources.map(shownResource).join(', ');
}

export function shownResource(raw: string): string {
  return raw.replace(/<(\$?\{\{?[^{}<>]+\}?\})>/g, '$1');
}

export function withPlaceholders(
  statements: unknown[],
  placeholders: Record<string, string> | undefined,
): unknown[] {
  // Template holes the vendor's source fills in at deploy time (`${anyscale_cloud_id}`,
  // `{package_sync_bucket_prefix}`, `{{BillingBucketName}}`), listed as placeholders: any value,
  // wherever they appear.
  const holes = Object.keys(placeholders ?? {}).filter(
    (k) => /^\$?\{\{?[^{}<>]+\}?\}$/.test(k) && !/^\{[A-Z][A-Z0-9_]*\}$/.test(k),
  );
  const examples = Object.keys(placeholders ?? {}).filter(
    (k) => !/^<.*>$/.test(k) && !/^\{[A-Z][A-Z0-9_]*\}$/.test(k) && !holes.includes(k),
  );
  const isPlaceholder = (v: string) =>
    /^<[^<>]+>$/.test(v) ||
    /^\{[A-Z][A-Z0-9_]*\}$/.test(v) ||
    examples.includes(v) ||
    holes.some((h) => v.includes(h));
  if (
    !examples.length &&
    !holes.length &&
    !statements.some((st) => JSON.stringify(st).match(/"<[^"<>]+>"|"\{[A-Z][A-Z0-9_]*\}"/))
  )
    return statements;
  // Whole ARN segments only (bounded by : / or the ends), longest first.
  const seg = examples
    .sort((a, b) => b.length - a.length)
    .map((e) => ({ e, re: new RegExp(`(^|[:/])${escapeRe(e)}(?=$|[:/])`, 'g') }));
  const resource = (r: unknown) =>
    typeof r === 'string'
      ? seg.reduce(
          (acc, { e, re }) => acc.replace(re, (_m, pre: string) => `${pre}<${e}>`),
          holes.reduce((acc, h) => acc.split(h).join(`<${h}>`), r),
        )
      : r;
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
          cond[op][key] = list.map((x) =>
            typeof x === 'string' && isPlaceholder(x) ? PLACEHOLDER_VALUE : x,
          );
        }
      }
      st.Condition = cond;
    }
    return st;
  });
}

export function compileBaseline(
  baseline: Baseline,
  builder: GrantBuilder,
  parse: (raw: unknown) => PolicyDocument,
): CompiledBaseline {
  const byAction = new Map<string, BaselineEntry[]>();
  const setStatements = new Map<string, Statement[]>();
  const setDenies = new Map<string, Statement[]>();
  for (const set of baseline.sets) {
    const doc = parse({
      Version: '2012-10-17',
      Statement: withPlaceholders(set.statements, baseline.placeholders),
    });
    setStatements.set(
      set.name,
      doc.statements.filter((s) => s.effect === 'Allow'),
    );
    const denies = doc.statements.filter(
      (s) => s.effect === 'Deny' && s.actions && s.resources && !s.notResources,
    );
    if (denies.length) setDenies.set(set.name, denies);
    const grants = builder.build([doc], { resourceRequired: false });
    // A NotResource statement's entries: every resource but its list, one pattern per list.
    const excepts = new Map<string[], ExceptPattern>();
    const resourceOf = (g: Grant): ArnPattern => {
      if (!g.notResource) return g.resource;
      let p = excepts.get(g.notResource);
      if (!p) excepts.set(g.notResource, (p = exceptPattern(g.notResource.map((r) => builder.pattern(r)))));
      return p;
    };
    for (const [key, list] of grants.byAction) {
      let out = byAction.get(key);
      if (!out) byAction.set(key, (out = []));
      const service = key.slice(0, key.indexOf(':'));
      for (const g of list)
        out.push({
          set: set.name,
          setKind: set.kind,
          stmt: g.stmt,
          resource: resourceOf(g),
          // (compared as the condition of this action's service: its own alias of a tag key)
          condition: g.condition && conditionForService(g.condition, service),
        });
    }
    for (const e of impliedEntries(doc, builder)) {
      const entry: BaselineEntry = { set: set.name, setKind: set.kind, ...e.entry };
      const out = byAction.get(e.key);
      if (out) out.push(entry);
      else byAction.set(e.key, [entry]);
    }
  }
  return { baseline, byAction, setStatements, setDenies };
}

/**
 * The actions a baseline's Allow statements name by their exact name on resources they cannot
 * apply to because the action has no resource types (Coiled's `ec2:DescribePlacementGroups` on
 * its placement groups, CloudZero's `logs:DescribeLogGroups` on a log group): AWS grants such an
 * action only on `*`, so the vendor's intent is read as `*` (see BaselineEntry.implied). Names
 * reached through a wildcard are not: `logs:Describe*` on a log group does not say the vendor
 * wants every list action of the service.
 */
function impliedEntries(
  doc: PolicyDocument,
  builder: GrantBuilder,
): { key: string; entry: Omit<BaselineEntry, 'set' | 'setKind'> }[] {
  const out: { key: string; entry: Omit<BaselineEntry, 'set' | 'setKind'> }[] = [];
  for (const stmt of doc.statements) {
    if (stmt.effect !== 'Allow' || !stmt.resources || stmt.notResources) continue;
    const patterns = stmt.resources.map((r) => builder.pattern(r));
    if (patterns.some(isAll)) continue;
    const seen = new Set<string>();
    for (const name of stmt.actions ?? []) {
      if (/[*?]/.test(name)) continue;
      const action = builder.catalog.lookup(name.trim());
      if (!action || action.resourceTypes.length > 0 || seen.has(action.key)) continue;
      seen.add(action.key);
      const entry: Omit<BaselineEntry, 'set' | 'setKind'> = {
        stmt,
        resource: builder.pattern('*'),
        implied: true,
      };
      if (stmt.condition) entry.condition = conditionForService(stmt.condition, action.service);
      out.push({ key: action.key, entry });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Units and atoms

export interface UnitMember {
  record: PolicyRecord;
  doc: PolicyDocument;
  /** The document object as written, unwrapped and decoded (for the minimal-policy diff). */
  raw: Record<string, unknown>;
  /**
   * The whole document, where `doc` holds only the statements judged against the baseline (a
   * resource policy's statements that grant only other principals than the vendor are not:
   * grantees.ts); undefined where `doc` is the whole document. Every member has the field (one shape).
   */
  whole: PolicyDocument | undefined;
  /**
   * Statements its suggested policy keeps as written (grantees.ts: those for other principals,
   * and those that name the vendor with others); undefined when none. Every member has the field.
   */
  asWritten: ReadonlySet<Statement> | undefined;
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
  /**
   * A resource policy of a known type (PolicyRecord.grantScope): only these actions of its
   * statements are granted, and compared; undefined for every other unit.
   */
  scope?: UnitScope;
}

/** What the policies of a unit can grant at most: the actions of their resource's services. */
export interface UnitScope {
  /** The services' actions. */
  actions: ActionSet;
  /**
   * Those that apply to some resource type (not `s3:ListAllMyBuckets`): what the policy can grant,
   * and so what it is told of as missing.
   */
  onResources: ActionSet;
  services: ReadonlySet<string>;
  /** Its part of an outcome key (see StatementMemo). */
  key: string;
  /** How a finding says it (`aws_s3_bucket_policy can grant only s3 actions`). */
  note: string;
  /**
   * What a statement without Resource applies to, in a policy of these types (an ECR
   * repository's, whose statements name none: the repository); undefined where AWS requires one.
   */
  impliedResource?: ImpliedResource;
}

/** A resource the baseline allows an action on, with the condition it requires there. */
export interface ResourceNeed {
  resource: string;
  /** Of a NotResource statement (resource `*`): the resources it leaves out. */
  except?: string[];
  condition?: Condition;
}

/** A pattern's text with each placeholder bound to a value (ArnPattern.bindings) written as it. */
function boundRaw(p: ArnPattern): string {
  let raw = p.raw;
  if (!p.bindings) return raw;
  // Longest first: `<${account_id}>` before the `${account_id}` it holds.
  for (const k of Object.keys(p.bindings).sort((a, b) => b.length - a.length))
    if (raw.includes(k)) raw = raw.split(k).join(p.bindings[k]!);
  return raw;
}

/** The (resource, condition) pairs of baseline entries, sorted by resource then condition, distinct. */
export function resourceNeeds(
  entries: readonly { resource: ArnPattern; condition?: Condition }[],
): ResourceNeed[] {
  const seen = new Map<string, ResourceNeed>();
  for (const e of entries) {
    const key = `${e.resource.raw}\u0000${e.condition ? JSON.stringify(e.condition) : ''}`;
    if (!seen.has(key)) {
      // (written with its bound placeholders as their values, `--account-id`'s account: the
      // text a narrowed resource is written with)
      const except = exceptOf(e.resource);
      const resource = except ? '*' : boundRaw(e.resource);
      const need: ResourceNeed = except ? { resource, except: except.map(boundRaw) } : { resource };
      if (e.condition) need.condition = e.condition;
      seen.set(key, need);
    }
  }
  return [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, n]) => n);
}

export type Verdict =
  | { kind: 'ok' }
  /** An action that needs no permission (src/policy/no-permission.ts), beyond the baseline: no finding, not kept. */
  | { kind: 'no-permission' }
  | { kind: 'excess-action' | 'leftover-set'; set?: string }
  | { kind: 'broader-resource'; allowed: string[]; needs: ResourceNeed[] }
  | { kind: 'missing-condition'; need: Condition; approximate: boolean };

export interface Atom {
  kind: FindingKind;
  member: number;
  stmt?: Statement;
  action?: ActionInfo;
  /** A set of actions in place of `action`: the atom stands for one atom per action of the set. */
  actions?: ActionSet;
  /** Whether the atom is new (set by the set-based path; see groupAtoms). */
  fresh?: boolean;
  /** The raw pattern for unknown-action. */
  pattern?: string;
  resource?: string;
  set?: string;
  approximate?: string;
  /** broader-resource: where the baseline allows it. missing-condition: the condition it needs. */
  detail?: string;
  /**
   * leftover-set: the condition (conditionText) under which the inactive set grants these actions,
   * when the statement does not keep to it (the set grants them under no condition the statement's
   * implies): said in the message, so that a user of the set is not told to keep the grant as it is.
   * missing-deny: why the policy's own Deny statements do not deny what the baseline's does (the
   * finding's words: `this policy has no Deny of them`, or which of its Deny statements falls short).
   */
  need?: string;
  message?: string;
}

export interface UnitResult {
  atoms: Atom[];
  /** Keys of every action the unit grants (after Deny). */
  granted: Set<string>;
  /** How many keys `granted` holds, and a membership test that does not build the Set. */
  grantedCount?: number;
  grantedHas?: (key: string) => boolean;
  /** The keys of `granted`, without building the Set. */
  grantedKeys?: () => Iterable<string>;
  /** member -> statement index -> entries for the minimal policy. */
  verdicts: Map<number, Map<number, { grant: Grant; verdict: Verdict }[]>>;
  /**
   * The grants of actions that need no permission (src/policy/no-permission.ts) where the
   * baseline does not allow them: no atom (the report's notes say so), by member.
   */
  free: { member: number; action: ActionInfo }[];
}

/** resourceCover per pair of pattern objects (patterns are cached per text by their builder). */
const containsCache = new WeakMap<ArnPattern, WeakMap<ArnPattern, Cover>>();

/**
 * Whether a baseline resource covers a granted one: `unsure` where this could not be decided
 * exactly (a search that gave up: see fillPlaceholders), which the audit reads as not covered
 * and says so (UNSURE_RESOURCE) rather than pass.
 */
export type Cover = 'yes' | 'no' | 'unsure';

/** The note of a finding whose resource could not be compared with the baseline's exactly. */
export const UNSURE_RESOURCE =
  "whether the resource is within the baseline's could not be decided exactly: read as broader";

function covers(entry: BaselineEntry, g: Grant): boolean {
  return coversForAction(
    entry.resource,
    g.resource,
    g.action,
    g.notResource !== undefined,
    g.notResource && exceptOf(entry.resource) ? notResourcePatterns(g.notResource) : undefined,
  );
}

/**
 * The resource of a baseline entry from a NotResource statement: every resource but those of its
 * list (Databricks' RunInstances on all but its tagged types). To a check that does not know it,
 * it reads as `*` (its tokens are `*`'s); its `raw` is `NotResource [a, b]`, as a finding shows it.
 */
export interface ExceptPattern extends ArnPattern {
  readonly except: readonly ArnPattern[];
}

export function exceptPattern(list: readonly ArnPattern[]): ExceptPattern {
  return { ...parseArnPattern('*'), raw: `NotResource [${list.map((p) => p.raw).join(', ')}]`, except: list };
}

/** The excluded resources of an entry's resource (ExceptPattern), or undefined. */
export function exceptOf(p: ArnPattern): readonly ArnPattern[] | undefined {
  return (p as Partial<ExceptPattern>).except;
}

/** A grant's NotResource list, parsed once per list. */
const notResourceParsed = new WeakMap<readonly string[], ArnPattern[]>();

export function notResourcePatterns(list: readonly string[]): ArnPattern[] {
  let hit = notResourceParsed.get(list);
  if (!hit) notResourceParsed.set(list, (hit = list.map((r) => parseArnPattern(r))));
  return hit;
}

/** Whether an excluded pattern meets a granted resource, read field by field as AWS reads an ARN. */
function excludedMeets(x: ArnPattern, granted: ArnPattern): boolean {
  return isAll(granted) || (arnIntersects(x, granted) && !disjointFields(x, granted));
}

/**
 * The cover of a granted resource by an entry of every resource but `except`: a NotResource grant
 * when it excludes at least those (each of them within one of its own, `grantExcept`); any other,
 * when none of them meets it.
 */
function exceptCover(
  except: readonly ArnPattern[],
  granted: ArnPattern,
  notResource: boolean,
  grantExcept: readonly ArnPattern[] | undefined,
): Cover {
  if (notResource)
    return grantExcept !== undefined && except.every((x) => grantExcept.some((u) => excludesAll(u, x)))
      ? 'yes'
      : 'no';
  return except.some((x) => excludedMeets(x, granted)) ? 'no' : 'yes';
}

/**
 * Whether a grant's excluded pattern `u` holds every resource of a baseline's excluded pattern
 * `x`. The baseline's placeholders of where the policy applies (its partition, region, account:
 * ENVIRONMENT_PLACEHOLDER), unless bound, stand for the user's own values: read as the grant's
 * text in those fields (Databricks' `arn:${aws_partition}:ec2:${region}:…:image/*` is held by the
 * vendor's own `arn:aws:ec2:${region}:…:image/*`).
 */
function excludesAll(u: ArnPattern, x: ArnPattern): boolean {
  if (arnContains(u, x) === true) return true;
  const theirs = rawFields(x.raw);
  const mine = rawFields(u.raw);
  if (!theirs || !mine) return false;
  let changed = false;
  for (const i of [1, 3, 4]) {
    const f = theirs[i]!;
    if (/^<[^<>]*>$/.test(f) && ENVIRONMENT_PLACEHOLDER.test(f) && x.bindings?.[f] === undefined) {
      theirs[i] = mine[i]!;
      changed = true;
    }
  }
  return changed && arnContains(u, parseArnPattern(theirs.join(':'), x.bindings)) === true;
}

/** An ARN's text as written in six fields (the resource part whole), or undefined for text that is not one. */
function rawFields(raw: string): string[] | undefined {
  const parts = raw.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * exceptCover of a NotResource grant by a baseline's NotResource entry, per action: the grant is
 * within it when it excludes every resource of the action's own types that the baseline excludes.
 * An excluded pattern that names no resource of those types is left out: Databricks' restricted
 * policy excludes `arn:…:ec2:${region}:${aws_account_id}:image/*` from RunInstances, which names
 * no AMI (an image's ARN has no account field), so a copy without that entry grants no more. An
 * action with no resource types is requested on `*`, which neither list excludes; a type with no
 * format could be excluded, and keeps every pattern.
 */
function exceptCoverForTypes(
  except: readonly ArnPattern[],
  grantExcept: readonly ArnPattern[],
  types: readonly ResourceTypeRef[],
): Cover {
  const relevant = except.filter((x) =>
    types.some((t) => !t.arn || meetsFormat(formatPattern(t.arn), t.arn, x)),
  );
  return relevant.every((x) => grantExcept.some((u) => excludesAll(u, x))) ? 'yes' : 'no';
}

/** exceptCoverForTypes for the action of an ordinal, kept per baseline entry, grant and resource types. */
export function exceptCoverOf(
  except: readonly ArnPattern[],
  grantExcept: readonly ArnPattern[],
  ordinal: number,
): Cover {
  let byGrant = exceptTypesCache.get(except);
  if (!byGrant) exceptTypesCache.set(except, (byGrant = new WeakMap()));
  let byTypes = byGrant.get(grantExcept);
  if (!byTypes) byGrant.set(grantExcept, (byTypes = new Map()));
  const id = typesIdOf(ordinal);
  let c = byTypes.get(id);
  if (c === undefined)
    byTypes.set(id, (c = exceptCoverForTypes(except, grantExcept, actionOfOrdinal(ordinal).resourceTypes)));
  return c;
}
const exceptTypesCache = new WeakMap<
  readonly ArnPattern[],
  WeakMap<readonly ArnPattern[], Map<number, Cover>>
>();

/**
 * exceptCover per action: the resources of the action's own types that the granted pattern
 * reaches are all allowed when no excluded pattern meets both such a type and the grant
 * (`ec2:TerminateInstances` on `*` reaches instances only, which excluding images leaves). An
 * action with no resource types is requested on `*`, which no ARN excludes; a type with no format
 * could be excluded, and is read as excluded.
 */
function exceptTypes(
  except: readonly ArnPattern[],
  granted: ArnPattern,
  types: readonly ResourceTypeRef[],
): Cover {
  if (types.length === 0) return 'yes';
  for (const t of types) {
    if (!t.arn) return 'no';
    const format = formatPattern(t.arn);
    if (!meetsFormat(format, t.arn, granted)) continue;
    if (except.some((x) => meetsFormat(format, t.arn, x) && excludedMeets(x, granted))) return 'no';
  }
  return 'yes';
}

/**
 * Does a baseline resource cover a granted one for this action? Either it covers the granted
 * pattern (coversResource), or it covers every resource of the action's own types that the
 * granted pattern reaches (coversTypes): `s3:GetObject` on `arn:aws:s3:::*` reaches objects only,
 * which `arn:aws:s3:::*\/*` covers; `ec2:TerminateInstances` on `*` reaches instances only.
 */
export function coversForAction(
  baseline: ArnPattern,
  granted: ArnPattern,
  action: ActionInfo,
  notResource: boolean,
  grantExcept?: readonly ArnPattern[],
): boolean {
  return coverage(baseline, granted, action, notResource, grantExcept) === 'yes';
}

/**
 * coversForAction, with `unsure` where it could not be decided exactly (see Cover). `grantExcept`:
 * a NotResource grant's list, parsed, for a baseline entry of a NotResource statement.
 */
export function coverage(
  baseline: ArnPattern,
  granted: ArnPattern,
  action: ActionInfo,
  notResource: boolean,
  grantExcept?: readonly ArnPattern[],
): Cover {
  const direct = resourceCover(baseline, granted, notResource, grantExcept);
  if (direct === 'yes') return direct;
  if (notResource) {
    const except = exceptOf(baseline);
    return except && grantExcept ? exceptCoverForTypes(except, grantExcept, action.resourceTypes) : direct;
  }
  const except = exceptOf(baseline);
  if (except) return exceptTypes(except, granted, action.resourceTypes);
  const typed = coversTypes(baseline, granted, action.resourceTypes);
  if (typed === 'yes') return 'yes';
  let unsure = direct === 'unsure' || typed === 'unsure';
  // A policy applies in its own partition: `arn:*:…` is compared in the baseline's.
  const own = inPartitionOf(baseline, granted);
  if (own !== granted) {
    const d = resourceCover(baseline, own, false);
    if (d === 'yes') return 'yes';
    const t = coversTypes(baseline, own, action.resourceTypes);
    if (t === 'yes') return 'yes';
    unsure ||= d === 'unsure' || t === 'unsure';
  }
  return unsure ? 'unsure' : 'no';
}

/**
 * The coverage of one granted resource by one baseline resource that does not cover it as a
 * pattern, per action (coverage), kept by the action's resource types: the loops of classify.ts
 * ask it for each action an entry shares with a grant.
 */
export class PairCoverage {
  private readonly byTypes = new Map<number, Cover>();
  constructor(
    private readonly baseline: ArnPattern,
    private readonly granted: ArnPattern,
  ) {}
  /** coverage for the action of this ordinal. */
  of(ordinal: number): Cover {
    const id = typesIdOf(ordinal);
    let c = this.byTypes.get(id);
    if (c === undefined) {
      c = coverage(this.baseline, this.granted, actionOfOrdinal(ordinal), false);
      this.byTypes.set(id, c);
    }
    return c;
  }
}

/**
 * The PairCoverage of a granted resource (not a NotResource) by a baseline resource, or undefined
 * when the baseline resource covers it as a pattern (coversResource: every action covered). Made
 * per loop, not kept: one per pair would hold memory for every grant of a large input.
 */
export function pairCoverage(baseline: ArnPattern, granted: ArnPattern): PairCoverage | undefined {
  return resourceCover(baseline, granted, false) === 'yes' ? undefined : new PairCoverage(baseline, granted);
}

/** A small number per distinct list of resource types (typesKey), by action ordinal. */
const typesIds = new Map<string, number>();
const typesIdByOrdinal: number[] = [];

function typesIdOf(ordinal: number): number {
  const known = typesIdByOrdinal[ordinal];
  if (known !== undefined) return known;
  const key = typesKey(actionOfOrdinal(ordinal).resourceTypes);
  let id = typesIds.get(key);
  if (id === undefined) typesIds.set(key, (id = typesIds.size));
  typesIdByOrdinal[ordinal] = id;
  return id;
}

/** The key of a list of resource types: their ARN formats. */
function typesKey(types: readonly ResourceTypeRef[]): string {
  let key = typesKeys.get(types);
  if (key === undefined) typesKeys.set(types, (key = types.map((t) => t.arn).join('\n')));
  return key;
}

/**
 * Whether some baseline entry's coverage of a grant of this action could not be decided exactly
 * (coverage): the finding made of the grant says so (UNSURE_RESOURCE).
 */
export function unsureCover(
  entries: readonly { resource: ArnPattern }[],
  granted: ArnPattern,
  action: ActionInfo,
  notResource: boolean,
): boolean {
  return entries.some((e) => coverage(e.resource, granted, action, notResource) === 'unsure');
}

/**
 * `granted` with a partition of `*`, or of another partition than the baseline's, read in the
 * baseline's literal one (itself otherwise). A policy applies in its own partition only: a GovCloud
 * policy's `arn:aws-us-gov:s3:::bucket` is the bucket the vendor's `arn:aws:s3:::bucket` names there
 * (a review: each of its ARNs was "broader" than the baseline's), and a grant in a partition the
 * policy is not in grants nothing.
 */
const partitionBound = new WeakMap<ArnPattern, Map<string, ArnPattern>>();
const PARTITION = /^aws(-[a-z]+)*$/;

export function inPartitionOf(baseline: ArnPattern, granted: ArnPattern): ArnPattern {
  const text = granted.canonical;
  const partition = literalFields(baseline)[1];
  if (!partition) return granted;
  let rest: string;
  if (text.startsWith('arn:*:')) rest = text.slice('arn:*:'.length);
  else {
    const own = literalFields(granted)[1];
    if (!own || own === partition || !PARTITION.test(own) || !PARTITION.test(partition)) return granted;
    rest = text.slice(`arn:${own}:`.length);
  }
  let byPartition = partitionBound.get(granted);
  if (!byPartition) partitionBound.set(granted, (byPartition = new Map()));
  let p = byPartition.get(partition);
  if (!p) byPartition.set(partition, (p = parseArnPattern(`arn:${partition}:${rest}`, granted.bindings)));
  return p;
}

/** coversTypes per (baseline, granted) pair and list of resource types (by their formats). */
const typesCache = new WeakMap<ArnPattern, WeakMap<ArnPattern, Map<string, Cover>>>();
/** The key of a list of resource types: their ARN formats. */
const typesKeys = new WeakMap<readonly ResourceTypeRef[], string>();
/** Catalog formats (some with fields bound), parsed once per text. */
const formats = new Map<string, ArnPattern>();

export function formatPattern(text: string): ArnPattern {
  let p = formats.get(text);
  if (!p) formats.set(text, (p = arnFormatToPattern(text)));
  return p;
}
/** A format field that is one variable (`${Region}`, `${AccountId}`). */
const FORMAT_VARIABLE = /^\$\{[A-Za-z]+\}$/;

/**
 * The ARN fields of a pattern that are literal text, by position (`arn:aws:ec2:*:111122223333:*`
 * -> partition `aws`, service `ec2`, account `111122223333`; a bound placeholder counts as its
 * value). An ARN the pattern matches has these values there, unless an earlier field's trailing
 * `*` reaches past a colon (AWS allows it) and the ARN's own resource part holds the same text
 * between colons again (`…:111122223333:…` in a resource name): a name no resource type here
 * takes in practice, which this reading sets aside.
 */
function literalFields(p: ArnPattern): (string | undefined)[] {
  const fields = arnFields(p);
  return fields ? fields.slice(0, 5).map(literalField) : [];
}

/** A pattern's text split at `:` when it is an ARN of six fields or more, else undefined. */
function arnFields(p: ArnPattern): string[] | undefined {
  const fields = p.canonical.split(':');
  return fields[0] === 'arn' && fields.length >= 6 ? fields : undefined;
}

/** A field as literal text, or undefined when it holds a wildcard, variable or placeholder. */
const literalField = (f: string): string | undefined => (/[*?$<>{}]/.test(f) ? undefined : f);

/**
 * Whether two patterns, read field by field as AWS reads an ARN (literalFields), name no common
 * resource: a literal field of the first five that differs, or resource parts whose literal starts
 * (to the first wildcard) differ (`volume/` and `instance/`). False when this cannot tell.
 */
export function disjointFields(a: ArnPattern, b: ArnPattern): boolean {
  const fa = arnFields(a);
  const fb = arnFields(b);
  if (!fa || !fb) return false;
  for (let i = 1; i < 5; i++) {
    const x = literalField(fa[i]!);
    const y = literalField(fb[i]!);
    if (x !== undefined && y !== undefined && x !== y) return true;
  }
  const start = (fields: string[]) => {
    const rest = fields.slice(5).join(':');
    const end = rest.search(/[*?$<>{}]/);
    return end < 0 ? rest : rest.slice(0, end);
  };
  const ra = start(fa);
  const rb = start(fb);
  return !ra.startsWith(rb) && !rb.startsWith(ra);
}

/**
 * Does `baseline` cover every resource of the action's types that `granted` reaches? For each type
 * whose format meets the granted pattern, every ARN both the granted pattern and the format match
 * must be matched by the baseline's (arnCoveredWithin, or with the baseline's placeholders filled:
 * fillPlaceholders): `arn:aws:s3:::coiled-data-*` reaches objects only as `coiled-data-…/…`, which
 * `arn:aws:s3:::coiled-data-*\/*` covers. A policy applies only in its own partition: a granted
 * pattern that does not name it (`*`) takes the baseline's (the format's partition is bound to
 * it). `yes` when the pattern reaches no type of the action at all (it grants nothing the baseline
 * lacks); `no` when a type it reaches has no format.
 */
function coversTypes(baseline: ArnPattern, granted: ArnPattern, types: readonly ResourceTypeRef[]): Cover {
  if (types.length === 0) return 'no';
  const key = typesKey(types);
  let byGranted = typesCache.get(baseline);
  if (!byGranted) typesCache.set(baseline, (byGranted = new WeakMap()));
  let byTypes = byGranted.get(granted);
  if (!byTypes) byGranted.set(granted, (byTypes = new Map()));
  let hit = byTypes.get(key);
  if (hit !== undefined) return hit;
  // The types the granted pattern reaches (a type without a format: unknown, not covered).
  // (A placeholder of the granted text, the vendor's template pasted as it is, keeps to its own
  // field there, as in the grant builder: placeholderFieldsMeet.)
  const reached = types.filter((t) => !t.arn || meetsFormat(formatPattern(t.arn), t.arn, granted));
  if (reached.length === 0) {
    // None: the grant reaches nothing the baseline lacks (a pattern that met a format only
    // through a wildcard over the partition, read in the baseline's partition).
    hit = 'yes';
  } else if (reached.some((t) => !t.arn)) {
    hit = 'no';
  } else {
    const own = literalFields(granted);
    const partition = own[1] ?? literalFields(baseline)[1];
    hit = 'yes';
    for (const t of reached) {
      const fields = t.arn.split(':');
      if (partition !== undefined && fields[1] !== undefined && FORMAT_VARIABLE.test(fields[1]))
        fields[1] = partition;
      // (First the format with the granted pattern's literal region and account too, which holds
      // every ARN both match: covered, then, without the search.)
      if (valuePlaceholders(baseline) === 0) {
        const bound = [...fields];
        for (const i of [3, 4])
          if (own[i] !== undefined && bound[i] !== undefined && FORMAT_VARIABLE.test(bound[i]!))
            bound[i] = own[i]!;
        if (arnContains(baseline, formatPattern(bound.join(':')))) continue;
      }
      const c = fillPlaceholders(baseline, granted, formatPattern(fields.join(':')));
      if (c === 'no') {
        hit = 'no';
        break;
      }
      if (c === 'unsure') hit = 'unsure';
    }
  }
  byTypes.set(key, hit);
  return hit;
}

/**
 * Whether a granted resource reaches some resource a baseline resource names (a NotResource grant
 * and `*` reach every one), read field by field as AWS reads an ARN (disjointFields): the test of
 * a grant the active sets need part of (broader-resource, narrowed), as against one they need
 * nothing of (excess, or an inactive set's leftover).
 */
export function reachesResource(baseline: ArnPattern, granted: ArnPattern, notResource: boolean): boolean {
  if (notResource || isAll(granted)) return true;
  // (every resource but a list: reached unless the grant is within one of them)
  const except = exceptOf(baseline);
  if (except) return !except.some((x) => arnContains(x, granted) === true);
  if (isAll(baseline)) return true;
  return arnIntersects(baseline, granted) && !disjointFields(baseline, granted);
}

/** Does a baseline resource cover a granted one (a NotResource grant only under `*`)? Cached per pair. */
export function coversResource(
  baseline: ArnPattern,
  granted: ArnPattern,
  notResource: boolean,
  grantExcept?: readonly ArnPattern[],
): boolean {
  return resourceCover(baseline, granted, notResource, grantExcept) === 'yes';
}

/** coversResource, with `unsure` where it could not be decided exactly (see Cover). */
function resourceCover(
  baseline: ArnPattern,
  granted: ArnPattern,
  notResource: boolean,
  grantExcept?: readonly ArnPattern[],
): Cover {
  const except = exceptOf(baseline);
  if (except) return exceptCover(except, granted, notResource, grantExcept);
  if (notResource) return isAll(baseline) ? 'yes' : 'no';
  let byInner = containsCache.get(baseline);
  if (!byInner) containsCache.set(baseline, (byInner = new WeakMap()));
  let hit = byInner.get(granted);
  if (hit === undefined) {
    hit = fillPlaceholders(baseline, granted);
    byInner.set(granted, hit);
  }
  return hit;
}

/** Containment checks tried for a baseline resource's placeholders before the answer is `unsure`. */
const PLACEHOLDER_CHECKS = 4096;
/**
 * Placeholders of where a policy applies rather than of what it names (the account, the region,
 * the partition): read as any value, as before (an account is bound with `--account-id`).
 */
const ENVIRONMENT_PLACEHOLDER = /account|region|partition/i;
/** The value given a placeholder found in both patterns (then its index and a `-`). */
const SAME_VALUE = 'placeholder-value-';
/** The literal end of a text: what follows its last wildcard, `$`, or placeholder bracket. */
const LITERAL_TAIL = /[^*?$<>{}]*$/;
/** The literal start of a text: what comes before its first wildcard, `$`, or placeholder bracket. */
const LITERAL_HEAD = /^[^*?$<>{}]*/;
/** Characters a value may hold once escaped (`${*}`, `${?}`, `${$}`). */
const ESCAPABLE = /[*?$]/g;
/** Characters a value may not hold (they could open a placeholder once written into a pattern; WITNESS_OTHER). */
const NO_VALUE = /[<>{}\u0002]/;

/**
 * A vendor placeholder (`{YOUR_BUCKET}`, `<${anyscale_cluster_role_arn}>`, Lightly's `<datalake>`)
 * stands for one value the user chooses, not for every value: `arn:aws:s3:::{YOUR_BUCKET}/*`
 * covers `arn:aws:s3:::data/*` (the bucket `data`) but not `arn:aws:s3:::*` nor
 * `arn:aws:s3:::data-*`; `arn:aws:s3:::<datalake>/<projects/farm-animals>/*` covers
 * `arn:aws:s3:::data/images/*` but not `arn:aws:s3:::*\/*\/*` nor `arn:aws:s3:::*\/projects/*`.
 * So a baseline resource covers a granted one (within `within`, an ARN format, when given: every
 * ARN both match; see coversTypes) when some literal value of each placeholder, the same at each
 * of its places, makes the baseline's text cover it. Each value is a part of one string the
 * granted pattern matches (arnWitness; every string it matches holds the value, so one string
 * gives every candidate), right after the baseline's literal text before the placeholder and
 * right before its literal text after it; the placeholders are filled in the order the baseline
 * writes them, each fill kept only while the text with the rest read as `*` still covers the
 * granted one. Account, region and partition placeholders keep the `*` reading (an account is
 * bound with `--account-id`: README). `unsure` when the search gives up (PLACEHOLDER_CHECKS
 * containment checks, or a search of arnCoveredWithin), which the audit reports rather than pass.
 * (Which resource types a resource with placeholders reaches is not lenient: each keeps to its
 * own ARN field, placeholderFieldsMeet.)
 */
function fillPlaceholders(baseline: ArnPattern, granted: ArnPattern, within?: ArnPattern): Cover {
  const contained = (outer: ArnPattern, inner: ArnPattern): boolean | undefined =>
    within ? arnCoveredWithin(outer, inner, within) : arnContains(outer, inner);
  // With every placeholder read as `*` (which covers any value's text), a first answer.
  const loose = contained(baseline, granted);
  if (loose === false) return 'no';
  const keys = baseline.unboundPlaceholders.filter((k) => !ENVIRONMENT_PLACEHOLDER.test(k));
  if (keys.length === 0) return loose === undefined ? 'unsure' : 'yes';
  let checks = 0;
  // Fills keys[i…] of the baseline text `text` (the earlier ones written as their values).
  const fill = (text: string, own: ArnPattern, witness: string, i: number): Cover => {
    if (i === keys.length) return 'yes';
    const key = keys[i]!;
    const at = text.indexOf(key);
    if (at < 0) return fill(text, own, witness, i + 1);
    const before = text.slice(0, at);
    const after = text.slice(at + key.length);
    const tail = LITERAL_TAIL.exec(before)![0];
    const head = LITERAL_HEAD.exec(after)![0];
    let unsure = false;
    for (let start = 0; start < witness.length; start++) {
      if (before === '' ? start > 0 : !witness.startsWith(tail, start - tail.length) || start < tail.length)
        continue;
      for (let end = start + 1; end <= witness.length; end++) {
        if (NO_VALUE.test(witness[end - 1]!)) break;
        if (after === '' ? end < witness.length : !witness.startsWith(head, end)) continue;
        if (++checks > PLACEHOLDER_CHECKS) return 'unsure';
        const v = witness.slice(start, end).replace(ESCAPABLE, (c) => `\${${c}}`);
        const filled = text.split(key).join(v);
        const c = contained(parseArnPattern(filled, baseline.bindings), own);
        if (c === false) continue;
        const r = c === undefined ? 'unsure' : fill(filled, own, witness, i + 1);
        if (r === 'yes') return 'yes';
        if (r === 'unsure') unsure = true;
      }
    }
    return unsure ? 'unsure' : 'no';
  };
  const search = (text: string, g: ArnPattern): Cover => {
    // A granted text with placeholders of its own (the account of a CloudFormation or Terraform
    // resource's ARN, a template pasted as it is) stands for one value at each: each is written as
    // a literal value no ARN holds, and the text is compared as any other. So
    // `arn:aws:iam::<account-ID-without-hyphens>:role/x` fills `${cluster_role_arn}` with its
    // whole text, while `…:role/*` (every role of the account) fills it with no value.
    const own = g.unboundPlaceholders.length > 0 ? ownValues(g) : g;
    const witness = within ? arnWitness(own, within) : directWitness(own);
    if (witness === null) return 'yes';
    if (witness === undefined) return 'unsure';
    return fill(text, own, witness, 0);
  };
  // The vendor's own text, placeholder and all (a policy pasted before it was filled in): the same
  // value in both. (A hole of the vendor's text, `${cloud_id}` or `{{BillingBucketName}}`, is the
  // placeholder `<${cloud_id}>` here: see withPlaceholders.)
  let sameB = baseline.raw;
  let sameG = granted.raw;
  let same = false;
  keys.forEach((key, i) => {
    const hole = key.startsWith('<') && key.endsWith('>') ? key.slice(1, -1) : undefined;
    if (!sameG.includes(key) && !(hole && sameG.includes(hole))) return;
    same = true;
    const value = `${SAME_VALUE}${i}-`;
    for (const k of hole ? [key, hole] : [key]) {
      sameB = sameB.split(k).join(value);
      sameG = sameG.split(k).join(value);
    }
  });
  let unsure = false;
  if (same) {
    const g = parseArnPattern(sameG, granted.bindings);
    const r = contained(parseArnPattern(sameB, baseline.bindings), g) === false ? 'no' : search(sameB, g);
    if (r === 'yes') return 'yes';
    unsure = r === 'unsure';
  }
  const r = search(baseline.raw, granted);
  return r === 'yes' ? 'yes' : unsure || r === 'unsure' ? 'unsure' : 'no';
}

/**
 * One string a pattern matches: its literal characters, and WITNESS_OTHER for each wildcard or
 * policy variable (a character no pattern writes), as arnWitness gives one.
 */
function directWitness(p: ArnPattern): string {
  return p.tokens.map((t) => (t.kind === 'char' ? t.ch : WITNESS_OTHER)).join('');
}

/** Stands for the value of a granted text's own placeholder (a character no ARN holds, then its index). */
const OWN_VALUE = '\u0001';

/**
 * The granted text with each of its placeholders written as a value of its own (fillPlaceholders);
 * a bound one (the configured account) keeps its value.
 */
function ownValues(granted: ArnPattern): ArnPattern {
  let raw = granted.raw;
  granted.unboundPlaceholders.forEach((k, i) => {
    raw = raw.split(k).join(`${OWN_VALUE}${i}${OWN_VALUE}`);
  });
  return parseArnPattern(raw, granted.bindings);
}

/** A grant without a condition, for the condition cache. */
const NO_CONDITION: Condition = {};
/** conditionImplies(have, need).result per pair of condition objects (both come from parsed statements). */
const impliesCache = new WeakMap<Condition, WeakMap<Condition, 'yes' | 'no' | 'unknown'>>();

export function implies(have: Condition | undefined, need: Condition | undefined): 'yes' | 'no' | 'unknown' {
  if (!need) return 'yes';
  let byHave = impliesCache.get(need);
  if (!byHave) impliesCache.set(need, (byHave = new WeakMap()));
  const h = have ?? NO_CONDITION;
  let r = byHave.get(h);
  if (r === undefined) {
    r = conditionImplies(have, need).result;
    byHave.set(h, r);
  }
  return r;
}

export function conditionText(c: Condition): string {
  return Object.entries(c)
    .map(([op, keys]) =>
      Object.entries(keys)
        .map(([k, v]) => `${op} ${k} = ${v.join(', ')}`)
        .join('; '),
    )
    .join('; ');
}

/** The note of a finding whose condition this tool cannot compare with the baseline's exactly. */
export const UNSURE_CONDITION =
  'the policy has a condition on the same key that this tool cannot compare exactly';

export const SET_KIND_ORDER: Record<string, number> = { setup: 0, ongoing: 1, optional: 2 };

/**
 * How exactly a baseline resource names a granted one it covers, lower first: the same text (a
 * partition of `*` read as the grant's), then the most literal characters (a placeholder is a
 * wildcard: `*` is the least exact), then the fewest placeholders of a value the user chooses
 * (`{package_sync_bucket_prefix}`; not the account, region or partition), then the fewest
 * wildcards. So `arn:*:s3:::coiled-data-*` explains a grant on `arn:aws:s3:::coiled-data-*` better
 * than `arn:*:s3:::{package_sync_bucket_prefix}-*`, whose placeholder accepts `coiled-data`.
 */
export function resourceExactness(baseline: ArnPattern, granted: ArnPattern): number {
  let rank = exactnessCache.get(baseline);
  if (rank === undefined) {
    let literal = 0;
    let wildcards = 0;
    for (const t of baseline.tokens)
      if (t.kind === 'char') literal++;
      else wildcards++;
    const holes = valuePlaceholders(baseline);
    // (literal characters, placeholders, wildcards), each bounded, as one number.
    rank =
      1 +
      (4095 - Math.min(literal, 4095)) * 2 ** 20 +
      Math.min(holes, 1023) * 1024 +
      Math.min(wildcards, 1023);
    exactnessCache.set(baseline, rank);
  }
  const b = baseline.canonical;
  const g = granted.canonical;
  const same =
    b === g ||
    (b.startsWith('arn:*:') && g.startsWith('arn:') && b.slice(6) === g.slice(g.indexOf(':', 4) + 1));
  return same ? 0 : rank;
}

const exactnessCache = new WeakMap<ArnPattern, number>();

/** How many placeholders of a value the user chooses (not the account, region or partition) a pattern has. */
export function valuePlaceholders(p: ArnPattern): number {
  let n = 0;
  for (const k of p.unboundPlaceholders) if (!ENVIRONMENT_PLACEHOLDER.test(k)) n++;
  return n;
}

/**
 * The inactive set a grant is reported against: setup sets first, then, with `granted` (the
 * entries cover it), of optional sets (features) the entry that names its resource most exactly
 * (resourceExactness), then one whose condition the grant (under `have`) keeps to (conditionMiss:
 * s3:PutBucketPolicy under Lightly's aws:SourceVpc condition is its restrict-vpc feature's, not
 * restrict-ip's, which would want aws:SourceIp), then by set name.
 */
function pickInactive(
  entries: BaselineEntry[],
  granted?: ArnPattern,
  have?: Condition,
): BaselineEntry | undefined {
  if (entries.length <= 1) return entries[0];
  return [...entries].sort((a, b) => {
    const features = granted !== undefined && a.setKind === 'optional' && b.setKind === 'optional';
    return (
      (SET_KIND_ORDER[a.setKind] ?? 3) - (SET_KIND_ORDER[b.setKind] ?? 3) ||
      (features ? resourceExactness(a.resource, granted) - resourceExactness(b.resource, granted) : 0) ||
      (features ? conditionMiss(have, a.condition) - conditionMiss(have, b.condition) : 0) ||
      a.set.localeCompare(b.set)
    );
  })[0];
}

/** 0 when a grant under `have` keeps to the condition `need` (or there is none), else 1. */
export function conditionMiss(have: Condition | undefined, need: Condition | undefined): number {
  return implies(have, need) === 'yes' ? 0 : 1;
}

/** A baseline's entries for one action, split by the active sets (computed once per action and sets). */
interface ActionEntries {
  active: BaselineEntry[];
  inactive: BaselineEntry[];
  /** pickInactive(inactive). */
  elsewhere: BaselineEntry | undefined;
}

const NO_ENTRIES: ActionEntries = { active: [], inactive: [], elsewhere: undefined };
/** Per baseline and active sets: entries by action ordinal, and by key for actions without one. */
/**
 * The sets of a baseline that a policy of this kind does not hold (`policy-kinds`: Databricks'
 * root-bucket set, a bucket policy's, for an identity policy): neither active nor inactive for
 * it, so what only they have is excess there, not a "leftover" of them.
 */
export function setsNotFor(baseline: CompiledBaseline, kind: PolicyKind): ReadonlySet<string> {
  if (kind === 'trust') return NONE;
  let out: Set<string> | undefined;
  for (const s of baseline.baseline.sets)
    if (s.policyKinds && !(s.policyKinds as readonly string[]).includes(kind))
      (out ??= new Set()).add(s.name);
  return out ?? NONE;
}
const NONE: ReadonlySet<string> = new Set();

const entryCache = new WeakMap<
  CompiledBaseline,
  Map<string, { byOrdinal: ActionEntries[]; byKey: Map<string, ActionEntries> }>
>();

function entriesLookup(
  baseline: CompiledBaseline,
  activeSets: string[],
  kind: PolicyKind,
): (action: ActionInfo, key: string) => ActionEntries {
  let bySets = entryCache.get(baseline);
  if (!bySets) entryCache.set(baseline, (bySets = new Map()));
  // (the sets a policy of its kind does not hold are not inactive either: setsNotFor)
  const notFor = setsNotFor(baseline, kind);
  const setsKey = [...new Set(activeSets)].sort().join('\u0000') + (notFor.size ? `\u0001${kind}` : '');
  let cache = bySets.get(setsKey);
  if (!cache) bySets.set(setsKey, (cache = { byOrdinal: [], byKey: new Map() }));
  const { byOrdinal, byKey } = cache;
  const active = new Set(activeSets);
  const make = (key: string): ActionEntries => {
    const entries = baseline.byAction.get(key);
    if (!entries) return NO_ENTRIES;
    const inactive = entries.filter((x) => !active.has(x.set) && !notFor.has(x.set));
    return { active: entries.filter((x) => active.has(x.set)), inactive, elsewhere: pickInactive(inactive) };
  };
  return (action, key) => {
    const o = actionOrdinal(action);
    if (o !== undefined && action.key === key) return (byOrdinal[o] ??= make(key));
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = make(key)));
    return e;
  };
}

// Verdicts without parameters are shared (nothing mutates a verdict).
const VERDICT_OK: Verdict = { kind: 'ok' };
const VERDICT_EXCESS: Verdict = { kind: 'excess-action' };
export const VERDICT_NO_PERMISSION: Verdict = { kind: 'no-permission' };

/** The atom of a pattern that matches no action of the catalog. */
export function unknownActionAtom(
  member: number,
  stmt: Statement,
  u: { pattern: string; field: 'Action' | 'NotAction' },
): Atom {
  return {
    kind: 'unknown-action',
    member,
    stmt,
    pattern: u.pattern,
    message: `${u.field} ${u.pattern} matches no action in the AWS catalog (a typo, or an action that was retired)`,
  };
}

/**
 * The atom of a statement AWS rejects where a resource is required: an Allow with neither Resource
 * nor NotResource; in a resource policy (a bucket's, a key's), a statement with neither Principal
 * nor NotPrincipal; in an identity policy (one the input attaches to a role, user or group, or
 * creates as a managed policy), a statement that names a Principal or NotPrincipal, which IAM
 * refuses ("Policy document should not specify a principal"). Its grants are still judged: never
 * fewer findings for a policy that is wrong.
 */
export function invalidStatementAtom(
  member: number,
  stmt: Statement,
  kind: PolicyKind,
  scope: UnitScope | undefined,
  asWritten: boolean,
): Atom | undefined {
  // A role's trust policy given as its permissions (a common slip: hashicorp/terraform#13449):
  // who may assume the role, with no Resource. Said as that, rather than as two separate faults.
  if (
    kind === 'identity' &&
    stmt.principal !== undefined &&
    !stmt.resources &&
    !stmt.notResources &&
    stmt.actions !== undefined &&
    stmt.actions.length > 0 &&
    stmt.actions.every(isTrustAction)
  )
    return {
      kind: 'invalid-policy',
      member,
      stmt,
      message:
        "the statement is a trust policy's (who may assume a role: a Principal, sts actions, no Resource), which AWS rejects in an identity policy: it rejects the policy; give it as the role's trust policy (assume_role_policy, AssumeRolePolicyDocument) instead",
    };
  if (stmt.effect === 'Allow' && !stmt.resources && !stmt.notResources && !scope?.impliedResource)
    return {
      kind: 'invalid-policy',
      member,
      stmt,
      message:
        'the statement has neither Resource nor NotResource, which AWS rejects in this kind of policy; it grants nothing',
    };
  if (kind === 'resource' && stmt.principal === undefined && stmt.notPrincipal === undefined)
    return {
      kind: 'invalid-policy',
      member,
      stmt,
      message:
        'the statement has neither Principal nor NotPrincipal, which AWS requires in a resource policy: it rejects the policy; name whom it grants to',
    };
  const notArn = kind === 'identity' ? notAnArn(stmt.resources ?? stmt.notResources, asWritten) : undefined;
  if (notArn !== undefined) {
    const field = stmt.resources ? 'Resource' : 'NotResource';
    const made = GENERATED_NAME.exec(notArn);
    const advice = made
      ? `a Ref of ${made[2]} gives its ${made[1]}: use Fn::GetAtt ${made[2]}.Arn (or the ARN built with Fn::Sub)`
      : 'write the resource ARN (for a bucket: arn:aws:s3:::my-bucket, not its name)';
    return {
      kind: 'invalid-policy',
      member,
      stmt,
      message: `${field} ${preview(notArn, 80)} is not an ARN: AWS rejects the policy (a resource must be an ARN or *); ${advice}`,
    };
  }
  if (kind === 'identity' && (stmt.principal !== undefined || stmt.notPrincipal !== undefined)) {
    const field = stmt.principal !== undefined ? 'Principal' : 'NotPrincipal';
    return {
      kind: 'invalid-policy',
      member,
      stmt,
      message: `the statement names a ${field}, which AWS rejects in an identity policy (a policy of a role, user or group applies to whoever holds it): it rejects the policy; remove the ${field}`,
    };
  }
  return undefined;
}

/**
 * The first entry of a Resource or NotResource list that AWS rejects in an identity policy as not
 * an ARN ("Resource my-bucket must be in ARN format or \"*\""): a bucket's or topic's name, an
 * empty text, or a name CloudFormation makes (`!Ref Bucket`, read as `<name of Bucket>`). Only
 * what is certainly not an ARN: an entry that begins with a wildcard, a policy variable or a
 * Terraform value read as one value (`<var.bucket_arn>/*`) may stand for one. `ARN:` in upper case
 * is not judged. Text is judged only in a policy as written (`asWritten`: a policy file); in a
 * template or a module, it may be a variable's or a parameter's default (`""`, `REPLACE_ME`),
 * replaced when it is deployed: only CloudFormation's made names are judged there.
 */
function notAnArn(list: readonly string[] | undefined, asWritten: boolean): string | undefined {
  if (!list) return undefined;
  for (const r of list) {
    if (r === '*' || /^arn:/i.test(r)) continue;
    if (GENERATED_NAME.test(r)) return r;
    if (!asWritten || /^[<*?$]/.test(r)) continue;
    return r;
  }
  return undefined;
}

/**
 * Whether every policy of a unit is written as it is read (a policy file, not a resource of a
 * template or a module whose values may be defaults: PolicyRecord.address).
 */
export function writtenAsRead(unit: Unit): boolean {
  return unit.members.every((m) => m.record.address === undefined);
}

/** A name or id CloudFormation makes at deploy time, as the template reader writes it (generated()). */
const GENERATED_NAME = /^<([a-z ]+) of ([^<>]*)>/;

/** Evaluates one unit against its baseline: the permission-level atoms and the per-grant verdicts. */
export function evaluateUnit(unit: Unit, builder: GrantBuilder): UnitResult {
  const atoms: Atom[] = [];
  const verdicts: UnitResult['verdicts'] = new Map();
  const entriesOf = entriesLookup(unit.baseline, unit.activeSets, unit.kind);
  const resourceRequired = unit.kind !== 'trust';
  const grants = builder.build(
    unit.members.map((m) => m.doc),
    { resourceRequired, services: unit.scope?.services, impliedResource: unit.scope?.impliedResource },
  );
  const unitNote = unit.approximate?.length ? unit.approximate.join('; ') : undefined;

  for (const u of grants.unknown) atoms.push(unknownActionAtom(u.doc, u.stmt, u));
  if (resourceRequired) {
    const asWritten = writtenAsRead(unit);
    unit.members.forEach((m, i) => {
      for (const s of m.doc.statements) {
        const invalid = invalidStatementAtom(i, s, unit.kind, unit.scope, asWritten);
        if (invalid) atoms.push(invalid);
      }
    });
  }

  // The verdict list of the last (document, statement) seen: grants come in runs of one statement.
  let lastDoc = -1;
  let lastStmt = -1;
  let lastList: { grant: Grant; verdict: Verdict }[] = [];
  const record = (g: Grant, verdict: Verdict) => {
    if (g.doc !== lastDoc || g.stmt.index !== lastStmt) {
      let byStmt = verdicts.get(g.doc);
      if (!byStmt) verdicts.set(g.doc, (byStmt = new Map()));
      let list = byStmt.get(g.stmt.index);
      if (!list) byStmt.set(g.stmt.index, (list = []));
      lastDoc = g.doc;
      lastStmt = g.stmt.index;
      lastList = list;
    }
    lastList.push({ grant: g, verdict });
  };
  let lastNot: string[] | undefined;
  let lastNotText = '';
  const notResourceText = (list: string[]) => {
    if (list !== lastNot) {
      lastNot = list;
      lastNotText = `NotResource: ${list.join(', ')}`;
    }
    return lastNotText;
  };

  const noPermission = noPermissionSet(builder.catalog);
  const free: UnitResult['free'] = [];
  for (const [key, list] of grants.byAction) {
    const { active: activeEntries, inactive: inactiveEntries, elsewhere } = entriesOf(list[0]!.action, key);
    // An action that needs no permission, beyond the baseline: granting it changes nothing.
    const o = actionOrdinal(list[0]!.action);
    const needsNone = o !== undefined && noPermission.has(o);
    for (const g of list) {
      // Most grants are within the baseline: decide that before making any atom.
      let unknownCheck: BaselineEntry | undefined;
      let noCheck: BaselineEntry | undefined;
      let anyCovering = false;
      let ok = false;
      for (const e of activeEntries) {
        if (!covers(e, g)) continue;
        anyCovering = true;
        const c = implies(g.condition, e.condition);
        if (c === 'yes') {
          ok = true;
          break;
        }
        if (c === 'unknown') unknownCheck ??= e;
        else noCheck ??= e;
      }
      if (ok) {
        record(g, VERDICT_OK);
        continue;
      }
      if (needsNone) {
        record(g, VERDICT_NO_PERMISSION);
        free.push({ member: g.doc, action: g.action });
        continue;
      }
      const base: Atom = {
        kind: 'excess-action',
        member: g.doc,
        stmt: g.stmt,
        action: g.action,
        resource: g.notResource ? notResourceText(g.notResource) : g.resource.raw,
        // (UNSURE_RESOURCE: an entry's coverage of the resource was not decided exactly, read as not covered)
        approximate: joinNotes(
          joinNotes(g.approximate, unitNote),
          !g.notResource &&
            (unsureCover(activeEntries, g.resource, g.action, false) ||
              unsureCover(inactiveEntries, g.resource, g.action, false))
            ? UNSURE_RESOURCE
            : undefined,
        ),
      };
      if (activeEntries.length === 0) {
        // Leftover only where the inactive set grants it on this resource; beyond that it is excess.
        const covering = inactiveEntries.length ? inactiveEntries.filter((e) => covers(e, g)) : [];
        const inactive = covering.length ? pickInactive(covering, g.resource, g.condition) : undefined;
        if (inactive) {
          atoms.push(leftoverAtom(base, inactive.set, covering, g.condition));
          record(g, { kind: 'leftover-set', set: inactive.set });
        } else {
          if (elsewhere?.setKind === 'optional') {
            // An optional feature's action on broader resources than the feature's: reported
            // against the feature, with the resources it allows (of features that have it, all
            // of them then, one that grants it under a condition the grant keeps to, if any).
            const kept = inactiveEntries.filter((e) => conditionMiss(g.condition, e.condition) === 0);
            const feature = (kept.length ? pickInactive(kept) : undefined) ?? elsewhere;
            const own = inactiveEntries.filter((e) => e.set === feature.set);
            const allowed = [...new Set(own.map((e) => e.resource.raw))].sort();
            atoms.push(
              leftoverAtom({ ...base, detail: shownResources(allowed) }, feature.set, own, g.condition),
            );
            record(g, { kind: 'leftover-set', set: feature.set });
            continue;
          }
          // In no set at all, or only in inactive sets on other resources (said in the message).
          atoms.push(elsewhere ? { ...base, detail: elsewhere.set } : base);
          record(g, VERDICT_EXCESS);
        }
        continue;
      }
      if (!anyCovering) {
        // Leftover only where no active entry meets the resource: a grant that reaches resources
        // the active sets need (`*` where they need `instance/*`) is needed there, whatever an
        // inactive set also allows on it (another alternative's or a feature's `*`), and is
        // narrowed to them, never deleted as the inactive set's.
        const covering = activeEntries.some((e) => reachesResource(e.resource, g.resource, !!g.notResource))
          ? []
          : inactiveEntries.filter((e) => covers(e, g));
        const inactive = covering.length ? pickInactive(covering, g.resource, g.condition) : undefined;
        if (inactive) {
          atoms.push(leftoverAtom(base, inactive.set, covering, g.condition));
          record(g, { kind: 'leftover-set', set: inactive.set });
          continue;
        }
        const allowed = [...new Set(activeEntries.map((e) => e.resource.raw))].sort();
        const needs = resourceNeeds(activeEntries);
        atoms.push({
          ...base,
          kind: 'broader-resource',
          set: activeEntries[0]!.set,
          detail: shownResources(allowed),
        });
        record(g, { kind: 'broader-resource', allowed, needs });
        continue;
      }
      const e = unknownCheck ?? noCheck!;
      const approx = unknownCheck !== undefined;
      atoms.push({
        ...base,
        kind: 'missing-condition',
        set: e.set,
        detail: conditionText(e.condition!),
        approximate: joinNotes(base.approximate, approx ? UNSURE_CONDITION : undefined),
      });
      record(g, { kind: 'missing-condition', need: e.condition!, approximate: approx });
    }
  }

  // `granted` is made on first read: the audit only asks whether keys are in it (grantedHas), and a
  // NotAction statement grants some 20,000 actions.
  const byAction = grants.byAction;
  let granted: Set<string> | undefined;
  const result = {
    atoms,
    verdicts,
    free,
    grantedCount: byAction.size,
    grantedHas: (key: string) => byAction.has(key),
    grantedKeys: (): Iterable<string> => byAction.keys(),
  } as Omit<UnitResult, 'granted'> as UnitResult;
  Object.defineProperty(result, 'granted', {
    enumerable: true,
    configurable: true,
    get: () => (granted ??= new Set(byAction.keys())),
    set: (value: Set<string>) => {
      granted = value;
    },
  });
  return result;
}

/**
 * The keys a unit grants that the baseline has (how much of each set a unit grants decides
 * which unit a missing permission is reported on), through the smaller side: a NotAction
 * statement grants some 20,000 actions.
 */
export function grantedBaselineKeys(result: UnitResult, baseline: CompiledBaseline): string[] {
  const out: string[] = [];
  const byAction = baseline.byAction;
  if (result.grantedHas && (result.grantedCount ?? Infinity) > byAction.size) {
    for (const k of byAction.keys()) if (result.grantedHas(k)) out.push(k);
  } else for (const k of result.grantedKeys?.() ?? result.granted) if (byAction.has(k)) out.push(k);
  return out;
}

/**
 * The leftover-set atom of a grant that `set` has (its `entries` among `entries`: those that cover
 * the grant, or for a feature's broader resources those of the action), with the condition the set
 * grants it under when the grant keeps to none of the set's (see unmetCondition).
 */
function leftoverAtom(
  base: Atom,
  set: string,
  entries: readonly BaselineEntry[],
  have: Condition | undefined,
): Atom {
  const unmet = unmetCondition(
    entries.filter((e) => e.set === set),
    have,
  );
  if (!unmet) return { ...base, kind: 'leftover-set', set };
  return {
    ...base,
    kind: 'leftover-set',
    set,
    need: conditionText(unmet.condition),
    approximate: joinNotes(base.approximate, unmet.unsure ? UNSURE_CONDITION : undefined),
  };
}

/**
 * Of a set's entries for an action (in the baseline's order), the condition a grant under `have`
 * does not keep to, when it keeps to none: the first entry it cannot be compared with (unsure),
 * else the first; undefined when an entry has no condition or one `have` implies (as
 * missing-condition decides for the active sets).
 */
function unmetCondition(
  entries: readonly { condition?: Condition }[],
  have: Condition | undefined,
): { condition: Condition; unsure: boolean } | undefined {
  let unknown: Condition | undefined;
  let no: Condition | undefined;
  for (const e of entries) {
    const c = implies(have, e.condition);
    if (c === 'yes') return undefined;
    if (c === 'unknown') unknown ??= e.condition;
    else no ??= e.condition;
  }
  if (unknown) return { condition: unknown, unsure: true };
  return no ? { condition: no, unsure: false } : undefined;
}

export function joinNotes(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return `${a}; ${b}`;
}
