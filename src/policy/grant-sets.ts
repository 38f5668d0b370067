// What an Allow statement grants, as a few classes (resource, condition, note) -> set of actions:
// the statement's actions expanded once per action list as an ActionSet (NotAction as the
// complement), kept per resource only where the resource can apply to the action's resource types,
// minus what the Deny statements beside it remove. Where a Deny only partly overlaps, the
// overlapping actions stay with a note (never guessed away). The same answers as GrantBuilder.build
// (src/policy/grants.ts), which makes one object per (action, resource): a statement with `ec2:*`
// over 1,800 ARNs is 1,800 classes here, not 1.2 million grants.
import {
  arnFormatFields,
  arnFormatToPattern,
  arnIntersects,
  meetsFormat,
  arnResourcePrefix,
  arnServiceField,
  formatMatcher,
  type LiteralMatcher,
  isAll,
  denyContains,
  isLiteral,
  type ArnPattern,
} from './arn.js';
import { ActionSet } from './action-set.js';
import { actionOfOrdinal, actionOrdinal, type Catalog } from './catalog.js';
import type { Condition, Statement } from './document.js';
import { withinNotResource, type GrantBuilder, type ImpliedResource } from './grants.js';
import { denyReach, partialDeny } from './principal.js';
import { conditionNeverHolds } from './condition.js';

export interface GrantClass {
  stmt: Statement;
  /** The resource pattern; for NotResource, `*` with `notResource` set. */
  resource: ArnPattern;
  /** Position of the resource in the statement's Resource list (0 for NotResource or none). */
  resourcePos: number;
  notResource?: string[];
  condition?: Condition;
  /** Why this class is only an over-approximation (partial Deny, NotResource...). */
  approximate?: string;
  actions: ActionSet;
}

export interface StatementSet {
  actions: ActionSet;
  /** Each pattern's actions, in the order of the list (an Action list's; none for NotAction). */
  parts?: readonly ActionSet[];
  unknown: { pattern: string; field: 'Action' | 'NotAction' }[];
}

/** Per catalog: every action as a set, and per service the actions by ARN format of their resource types. */
interface CatalogIndex {
  all?: ActionSet;
  /** The actions of lists of services, by the list (serviceActions). */
  byServices?: Map<string, ActionSet>;
  /** Every service's actions (made when a set too large to walk needs its services). */
  serviceSets?: { svc: string; actions: ActionSet }[];
  /** Every service's formats together (see GrantSets.globalFormats). */
  global?: ServiceFormats;
  services: Map<string, ServiceFormats>;
  /**
   * Every ARN format met so far, by a dense id: its text, its pattern (parsed when a resource is
   * first checked against it: most formats of the catalog never are) and its service field.
   */
  formatIds: Map<string, number>;
  formatTexts: string[];
  formatPatterns: (ArnPattern | undefined)[];
  /** Its matcher (formatMatcher), made when a literal resource is first checked against it. */
  formatMatchers: (LiteralMatcher | undefined)[];
  formatServices: (string | undefined)[];
  /** Its resource prefix (arnResourcePrefix), and the prefix's first character code (-1 for none). */
  formatPrefixes: (string | null)[];
  formatFirst: number[];
  /** Per action ordinal: the ids of its resource types' formats, -1 for a type without one. */
  formatsOfAction: (Int32Array | undefined)[];
  /**
   * Per action ordinal, what applicable reads first, in one flat array (FORMAT_* below): most actions
   * have no resource type or exactly one, read here without the list's own object.
   */
  formatCodes: Int32Array;
}

/** formatCodes: not read yet; no resource type; several (formatsOfAction has them); else the one id + FORMAT_ONE. */
const FORMAT_UNKNOWN = 0;
const FORMAT_NONE = 1;
const FORMAT_MANY = 2;
/** The code of a single id (-1, a type without a format, gives 3). */
const FORMAT_ONE = 4;

interface ServiceFormats {
  /** Actions with a resource type that has no ARN format (any resource applies). */
  formatless: ActionSet;
  /** By the format's service field (arnServiceField; '' when it is not fixed): its formats. */
  byTarget: Map<string, Formats>;
}

/** What applicable's checks read of a resource, and the call's stamp. */
interface Check {
  resource: ArnPattern;
  service: string | undefined;
  /** firstCode of its resource prefix. */
  first: number;
  literal: boolean;
  stamp: number;
}

interface FormatEntry {
  format: string;
  /** The format's dense id (GrantSets.formatId), so that a check does not look it up by text. */
  id: number;
  actions: ActionSet;
}

/** Formats, and the same by the first character of their resource prefix ('' for none). */
interface Formats {
  all: FormatEntry[];
  byFirst: Map<string, FormatEntry[]>;
}

function formats(list: FormatEntry[], prefix: (format: string) => string | null): Formats {
  const byFirst = new Map<string, FormatEntry[]>();
  for (const e of list) {
    const first = prefix(e.format)?.[0] ?? '';
    (byFirst.get(first) ?? byFirst.set(first, []).get(first)!).push(e);
  }
  return { all: list, byFirst };
}

const indexes = new WeakMap<Catalog, CatalogIndex>();

function indexOf(catalog: Catalog): CatalogIndex {
  let ix = indexes.get(catalog);
  if (!ix)
    indexes.set(
      catalog,
      (ix = {
        services: new Map(),
        formatIds: new Map(),
        formatTexts: [],
        formatPatterns: [],
        formatMatchers: [],
        formatServices: [],
        formatPrefixes: [],
        formatFirst: [],
        formatsOfAction: [],
        formatCodes: new Int32Array(1024),
      }),
    );
  return ix;
}

/** Entries kept in the per-pattern cache before it is emptied. */
const PATTERN_CACHE = 50_000;

/**
 * Literal resources up to this length meet a format through its matcher (formatMatcher): real
 * ARNs are shorter; a longer, possibly hostile one goes through the intersection's programme,
 * whose cost is bounded by the product of the lengths.
 */
const MATCHER_MAX_LENGTH = 256;

/** Sets under this size are checked action by action; larger ones through their services' formats. */
const PER_ACTION_LIMIT = 48;

/** The first character code of a resource prefix, -1 for none (null or empty). */
function firstCode(prefix: string | null): number {
  return prefix ? prefix.charCodeAt(0) : -1;
}

/** The unknown patterns of a list that has none (shared: do not change it). */
const NO_UNKNOWN: StatementSet['unknown'] = [];

export class GrantSets {
  private readonly patterns = new Map<string, ActionSet>();
  private byStatement = new WeakMap<Statement, StatementSet>();
  private readonly index: CatalogIndex;

  constructor(readonly builder: GrantBuilder) {
    this.index = indexOf(builder.catalog);
  }

  get catalog(): Catalog {
    return this.builder.catalog;
  }

  /**
   * Lets the statements' sets go (the audit calls it after each unit). Kept for the whole run, they
   * would outlive two scavenges and move to V8's old generation, to stay until a full collection;
   * let go after their unit, most die young. A statement seen again is expanded again (the same set).
   */
  releaseStatements(): void {
    this.byStatement = new WeakMap<Statement, StatementSet>();
    this.builder.releasePatterns();
  }

  /** Every action of the catalog. */
  all(): ActionSet {
    return (this.index.all ??= ActionSet.fromActions(this.catalog.all()));
  }

  /** Every action of these services (service prefixes, as the catalog keys them), cached per list. */
  serviceActions(services: Iterable<string>): ActionSet {
    const list = [...new Set(services)].sort();
    const key = list.join(',');
    const cache = (this.index.byServices ??= new Map());
    let hit = cache.get(key);
    if (!hit) {
      hit = ActionSet.unionOf(list.map((svc) => ActionSet.fromActions(this.catalog.actionsOf(svc))));
      cache.set(key, hit);
    }
    return hit;
  }

  /** One pattern's actions (cached per pattern as written). */
  private pattern(p: string): ActionSet {
    let hit = this.patterns.get(p);
    if (!hit) {
      hit = p.trim() === '*' ? this.all() : ActionSet.fromActions(this.catalog.expand(p));
      if (this.patterns.size >= PATTERN_CACHE) this.patterns.clear();
      this.patterns.set(p, hit);
    }
    return hit;
  }

  /**
   * A pattern list's actions, each pattern's, and the patterns that match nothing. Not cached per
   * list: statementSet keeps it per statement, and a key per list (the list's text, hashed and
   * compared) costs more than the union of a few cached pattern sets.
   */
  private patternSet(patterns: string[]): StatementSet {
    const parts: ActionSet[] = new Array<ActionSet>(patterns.length);
    let unknown: StatementSet['unknown'] | undefined;
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i]!;
      const one = (parts[i] = this.pattern(p));
      if (one.isEmpty()) (unknown ??= []).push({ pattern: p, field: 'Action' });
    }
    return { actions: ActionSet.unionOf(parts), parts, unknown: unknown ?? NO_UNKNOWN };
  }

  /**
   * The actions a statement names (NotAction: every other action), and the patterns that match
   * nothing. Kept per statement object (held weakly; a statement's lists do not change once read),
   * so the memo's Deny checks and classes() do not rebuild a NotAction complement each time. Shared:
   * do not change it.
   */
  statementSet(stmt: Statement): StatementSet {
    let hit = this.byStatement.get(stmt);
    if (!hit) {
      if (stmt.actions) hit = this.patternSet(stmt.actions);
      else {
        const named = this.patternSet(stmt.notActions ?? []);
        // (a NotAction complement keeps no parts)
        hit = {
          actions: this.all().minus(named.actions),
          parts: undefined,
          unknown: named.unknown.map((u) => ({ pattern: u.pattern, field: 'NotAction' as const })),
        };
      }
      this.byStatement.set(stmt, hit);
    }
    return hit;
  }

  private serviceFormats(service: string): ServiceFormats {
    let s = this.index.services.get(service);
    if (!s) {
      const formatless: number[] = [];
      const byFormat = new Map<string, number[]>();
      for (const a of this.catalog.actionsOf(service)) {
        const o = actionOrdinal(a)!;
        for (const rt of a.resourceTypes) {
          if (!rt.arn) formatless.push(o);
          else (byFormat.get(rt.arn) ?? byFormat.set(rt.arn, []).get(rt.arn)!).push(o);
        }
      }
      const byTarget = new Map<string, FormatEntry[]>();
      for (const [format, ordinals] of byFormat) {
        const id = this.formatId(format);
        const target = this.index.formatServices[id] ?? '';
        (byTarget.get(target) ?? byTarget.set(target, []).get(target)!).push({
          format,
          id,
          actions: ActionSet.fromOrdinals(ordinals),
        });
      }
      s = {
        formatless: ActionSet.fromOrdinals(formatless),
        byTarget: new Map([...byTarget].map(([t, list]) => [t, formats(list, (f) => this.prefix(f))])),
      };
      this.index.services.set(service, s);
    }
    return s;
  }

  /**
   * The actions of `actions` that the resource pattern can apply to: an action with no resource
   * types only under `*`; otherwise the pattern must meet one of its ARN formats (GrantBuilder.applies).
   */
  applicable(actions: ActionSet, resource: ArnPattern): ActionSet {
    if (isAll(resource)) return actions;
    const service = arnServiceField(resource) ?? undefined;
    const check = this.begin(resource, service);
    if (actions.size <= PER_ACTION_LIMIT) {
      // Action by action, each format checked once per call.
      const kept: number[] = [];
      let size = 0;
      actions.forEach((o) => {
        size++;
        const code = this.formatCode(o);
        if (code === FORMAT_NONE) return;
        if (code !== FORMAT_MANY) {
          const id = code - FORMAT_ONE;
          if (id < 0 || this.meets(id, check)) kept.push(o);
          return;
        }
        const ids = this.formatsOf(o);
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!;
          if (id < 0 || this.meets(id, check)) {
            kept.push(o);
            return;
          }
        }
      });
      return kept.length === size ? actions : ActionSet.fromOrdinals(kept);
    }
    if (this.index.all) {
      // The whole catalog is built (a NotAction or `*` was expanded): its formats, all services at once.
      const g = this.globalFormats();
      const ok = [g.formatless];
      for (const list of this.candidates(g, service, resource))
        for (const { id, actions: those } of list)
          if (those.intersects(actions) && this.meets(id, check)) ok.push(those);
      return actions.intersect(ActionSet.unionOf(ok));
    }
    const ok: ActionSet[] = [];
    for (const svc of this.servicesOf(actions)) {
      const f = this.serviceFormats(svc);
      ok.push(f.formatless);
      for (const list of this.candidates(f, service, resource))
        for (const { id, actions: those } of list)
          if (those.intersects(actions) && this.meets(id, check)) ok.push(those);
    }
    return actions.intersect(ActionSet.unionOf(ok));
  }

  /** A format's dense id (see CatalogIndex.formatIds). */
  private formatId(arn: string): number {
    const ix = this.index;
    let id = ix.formatIds.get(arn);
    if (id === undefined) {
      id = ix.formatTexts.length;
      const { service, resourcePrefix } = arnFormatFields(arn);
      ix.formatIds.set(arn, id);
      ix.formatTexts.push(arn);
      ix.formatPatterns.push(undefined);
      ix.formatMatchers.push(undefined);
      ix.formatServices.push(service ?? undefined);
      ix.formatPrefixes.push(resourcePrefix);
      ix.formatFirst.push(firstCode(resourcePrefix));
    }
    return id;
  }

  /** An action's code in CatalogIndex.formatCodes, made on first need. */
  private formatCode(ordinal: number): number {
    let codes = this.index.formatCodes;
    if (ordinal >= codes.length) {
      const grown = new Int32Array(Math.max(ordinal + 1, codes.length * 2));
      grown.set(codes);
      this.index.formatCodes = codes = grown;
    }
    let code = codes[ordinal]!;
    if (code === FORMAT_UNKNOWN) {
      const ids = this.formatsOf(ordinal);
      code = ids.length === 0 ? FORMAT_NONE : ids.length === 1 ? ids[0]! + FORMAT_ONE : FORMAT_MANY;
      codes[ordinal] = code;
    }
    return code;
  }

  /** The format ids of an action's resource types (-1: a type without a format). */
  private formatsOf(ordinal: number): Int32Array {
    const all = this.index.formatsOfAction;
    // Grown in blocks, filled: an array written at a far index first would turn into a dictionary.
    if (ordinal >= all.length)
      for (let n = Math.max(ordinal + 1, all.length * 2, 1024); all.length < n;) all.push(undefined);
    let ids = all[ordinal];
    if (!ids) {
      const rts = actionOfOrdinal(ordinal).resourceTypes;
      ids = new Int32Array(rts.length);
      for (let i = 0; i < rts.length; i++) {
        const arn = rts[i]!.arn;
        ids[i] = arn ? this.formatId(arn) : -1;
      }
      all[ordinal] = ids;
    }
    return ids;
  }

  /** Per call of applicable: which format ids were checked (stamp) and the answer (bit). */
  private metStamp = new Int32Array(256);
  private metValue = new Uint8Array(256);
  private stamp = 0;

  /** Starts a call of applicable: a new stamp, and what the checks read of the resource. */
  private begin(resource: ArnPattern, service: string | undefined): Check {
    if (++this.stamp === 0x7fffffff) {
      this.metStamp.fill(0);
      this.stamp = 1;
    }
    return {
      resource,
      service,
      first: firstCode(arnResourcePrefix(resource)),
      literal: isLiteral(resource),
      stamp: this.stamp,
    };
  }

  /**
   * Can the resource meet the format (arnIntersects), once per format and call. A fixed service
   * field or a first character of the resource part that differs from the format's cannot (the
   * intersection's own first answers, without it); a resource of literal text meets a format
   * through the format's matcher (a catalog format is trusted text; see formatMatcher).
   */
  private meets(id: number, c: Check): boolean {
    if (id >= this.metStamp.length) {
      const n = Math.max(id + 1, this.metStamp.length * 2);
      const stamps = new Int32Array(n);
      stamps.set(this.metStamp);
      const values = new Uint8Array(n);
      values.set(this.metValue);
      this.metStamp = stamps;
      this.metValue = values;
    }
    if (this.metStamp[id] === c.stamp) return this.metValue[id] === 1;
    const ix = this.index;
    const other = c.service === undefined ? undefined : ix.formatServices[id];
    const theirs = ix.formatFirst[id]!;
    let hit: boolean;
    if ((other !== undefined && other !== c.service) || (c.first >= 0 && theirs >= 0 && c.first !== theirs))
      hit = false;
    else {
      const format = (ix.formatPatterns[id] ??= arnFormatToPattern(ix.formatTexts[id]!));
      hit =
        c.literal && c.resource.raw.length <= MATCHER_MAX_LENGTH
          ? (ix.formatMatchers[id] ??= formatMatcher(format)).test(c.resource.raw)
          : meetsFormat(format, ix.formatTexts[id]!, c.resource);
    }
    this.metStamp[id] = c.stamp;
    this.metValue[id] = hit ? 1 : 0;
    return hit;
  }

  private prefix(format: string): string | null {
    return this.index.formatPrefixes[this.formatId(format)]!;
  }

  /**
   * The formats that can meet a resource: with a fixed service field, only those of that service (or
   * of no literal one); with a resource prefix, only those whose prefix starts alike (or have none).
   */
  private candidates(f: ServiceFormats, service: string | undefined, resource: ArnPattern): FormatEntry[][] {
    const targets =
      service === undefined ? [...f.byTarget.values()] : [f.byTarget.get(service), f.byTarget.get('')];
    const first = arnResourcePrefix(resource)?.[0];
    const out: FormatEntry[][] = [];
    for (const t of targets) {
      if (!t) continue;
      if (first === undefined) out.push(t.all);
      else {
        const none = t.byFirst.get('');
        const same = t.byFirst.get(first);
        if (none) out.push(none);
        if (same) out.push(same);
      }
    }
    return out;
  }

  /** serviceFormats of every service merged (the catalog must be built). */
  private globalFormats(): ServiceFormats {
    if (!this.index.global) {
      let formatless = ActionSet.EMPTY;
      const byTarget = new Map<string, Map<string, ActionSet>>();
      for (const svc of this.catalog.services()) {
        const f = this.serviceFormats(svc);
        formatless = formatless.union(f.formatless);
        for (const [target, list] of f.byTarget) {
          const into = byTarget.get(target) ?? byTarget.set(target, new Map()).get(target)!;
          for (const { format, actions } of list.all)
            into.set(format, (into.get(format) ?? ActionSet.EMPTY).union(actions));
        }
      }
      this.index.global = {
        formatless,
        byTarget: new Map(
          [...byTarget].map(([t, m]) => [
            t,
            formats(
              [...m].map(([format, actions]) => ({ format, id: this.formatId(format), actions })),
              (f) => this.prefix(f),
            ),
          ]),
        ),
      };
    }
    return this.index.global;
  }

  /** The services a set has actions of: by its members when few, else by each service's set. */
  private servicesOf(actions: ActionSet): string[] {
    if (actions.size <= 4096) {
      const services: string[] = [];
      let last = '';
      actions.forEach((o) => {
        const svc = actionOfOrdinal(o).service;
        if (svc !== last && !services.includes(svc)) services.push(svc);
        last = svc;
      });
      return services;
    }
    this.index.serviceSets ??= this.catalog
      .services()
      .map((svc) => ({ svc, actions: ActionSet.fromActions(this.catalog.actionsOf(svc)) }));
    return this.index.serviceSets.filter((x) => x.actions.intersects(actions)).map((x) => x.svc);
  }

  /**
   * The classes an Allow statement grants, after the Deny statements given (in their order).
   * `resourceRequired: false` (trust policies) reads a statement without Resource as `*`;
   * `impliedResource` reads it as that ARN pattern (an ECR repository's policy, whose statements
   * name no Resource: the repository it is attached to), approximate by `impliedNote`.
   * `scope`: the most the policy can grant (a resource policy of a known type: its services'
   * actions, serviceActions); the statement's actions are intersected with it.
   */
  classes(
    stmt: Statement,
    denies: readonly Statement[],
    options: { resourceRequired?: boolean; scope?: ActionSet; impliedResource?: ImpliedResource } = {},
  ): GrantClass[] {
    if (stmt.effect !== 'Allow') return [];
    // A condition no request can meet (every condition of a statement must hold): it grants nothing.
    if (stmt.condition && conditionNeverHolds(stmt.condition)) return [];
    // A NotResource that holds `*` leaves no resource: it grants nothing.
    if (stmt.notResources && this.builder.excludesAll(stmt.notResources)) return [];
    const b = this.builder;
    const named = this.statementSet(stmt).actions;
    const actions = options.scope ? named.intersect(options.scope) : named;
    if (actions.isEmpty()) return [];
    // Entries of one shape (see the classes below).
    const resources: { p: ArnPattern; pos: number; not: string[] | undefined; approx: string | undefined }[] =
      stmt.notResources
        ? [
            {
              p: b.pattern('*'),
              pos: 0,
              not: stmt.notResources,
              approx: `NotResource: read as every resource except ${stmt.notResources.join(', ')}`,
            },
          ]
        : stmt.resources
          ? stmt.resources.map((r, pos) => ({ p: b.pattern(r), pos, not: undefined, approx: undefined }))
          : options.impliedResource
            ? [
                {
                  p: b.pattern(options.impliedResource.arn),
                  pos: 0,
                  not: undefined,
                  approx: options.impliedResource.note,
                },
              ]
            : options.resourceRequired === false
              ? [{ p: b.pattern('*'), pos: 0, not: undefined, approx: undefined }]
              : [];
    const everywhere = resources.length === 1 && (resources[0]!.not !== undefined || isAll(resources[0]!.p));
    let classes: GrantClass[] = [];
    for (const r of resources) {
      const kept = everywhere || r.not ? actions : this.applicable(actions, r.p);
      if (kept.isEmpty()) continue;
      // Every field, undefined where it has no value: one shape for every class (see classify).
      classes.push({
        stmt,
        resource: r.p,
        resourcePos: r.pos,
        notResource: r.not,
        condition: stmt.condition || undefined,
        approximate: r.approx || undefined,
        actions: kept,
      });
    }
    for (const d of denies) if (d.effect === 'Deny') classes = this.deny(classes, d);
    return classes;
  }

  /**
   * Whether a Deny's resources leave `resource` out: none of its Resource patterns meets it, or one
   * of its NotResource entries holds it (the Deny applies to none of it).
   */
  private outOfReach(stmt: Statement, denyPatterns: ArnPattern[] | undefined, resource: ArnPattern): boolean {
    if (denyPatterns) return !denyPatterns.some((dp) => arnIntersects(dp, resource));
    return (stmt.notResources ?? []).some((r) => denyContains(this.builder.pattern(r), resource));
  }

  private deny(classes: GrantClass[], stmt: Statement): GrantClass[] {
    const denied = this.statementSet(stmt).actions;
    const label = stmt.sid ? `Deny statement ${stmt.sid}` : `the Deny statement #${stmt.written}`;
    const denyPatterns = stmt.resources?.map((r) => this.builder.pattern(r));
    const denyAll =
      !stmt.notResources &&
      (denyPatterns === undefined ||
        denyPatterns.some((p) => isAll(p) && p.unboundPlaceholders.length === 0));
    // An unconditional Deny with NotResource: a class it reaches is narrowed exactly where it can be.
    const notPatterns =
      stmt.notResources && !stmt.condition
        ? stmt.notResources.map((r) => this.builder.pattern(r))
        : undefined;
    const out: GrantClass[] = [];
    const noted = (c: GrantClass, actions: ActionSet, note: string): GrantClass => ({
      ...c,
      actions,
      approximate: c.approximate ? `${c.approximate}; ${note}` : note,
    });
    for (const c of classes) {
      const reach = denyReach(c.stmt, stmt);
      const hit = reach === 'none' ? ActionSet.EMPTY : c.actions.intersect(denied);
      if (hit.isEmpty()) {
        out.push(c);
        continue;
      }
      const rest = c.actions.minus(hit);
      const keep = () => {
        if (!rest.isEmpty()) out.push({ ...c, actions: rest });
      };
      const why = partialDeny(stmt, reach);
      if (why && notPatterns && reach === 'all' && !c.notResource) {
        const narrowed = withinNotResource(c.resource, notPatterns);
        if (narrowed) {
          if (narrowed.length === 1 && narrowed[0] === c.resource) {
            out.push(c);
            continue;
          }
          keep();
          for (const p of narrowed) {
            const kept = this.applicable(hit, p);
            if (!kept.isEmpty()) out.push({ ...c, resource: p, actions: kept });
          }
          continue;
        }
      }
      if (why) {
        // A Deny on other resources does not reach the class, whatever its condition (a review: a
        // conditional Deny of another bucket made an exact finding "approximate").
        if (!c.notResource && !denyAll && this.outOfReach(stmt, denyPatterns, c.resource)) {
          out.push(c);
          continue;
        }
        keep();
        out.push(noted(c, hit, `${label} also denies this ${why}`));
        continue;
      }
      if (denyAll) {
        keep();
        continue;
      }
      if (c.notResource) {
        keep();
        out.push(noted(c, hit, `${label} denies part of it`));
        continue;
      }
      if (denyPatterns!.some((dp) => denyContains(dp, c.resource))) keep();
      else if (denyPatterns!.some((dp) => arnIntersects(dp, c.resource))) {
        keep();
        out.push(noted(c, hit, `${label} denies part of ${c.resource.raw}`));
      } else out.push(c);
    }
    return out;
  }
}
