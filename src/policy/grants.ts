// What a set of policy documents grants, as (action, resource pattern, condition) entries:
// Allow statements expanded against the catalog (NotAction through its complement), kept only where
// the resource can apply to the action's resource types, minus what Deny statements remove.
// Where a Deny only partly overlaps a grant, the grant is kept with a note (never guessed away).

import {
  arnContains,
  denyContains,
  arnFormatToPattern,
  arnIntersects,
  meetsFormat,
  isAll,
  parseArnPattern,
  type ArnPattern,
} from './arn.js';
import type { ActionInfo, Catalog } from './catalog.js';
import type { Condition, PolicyDocument, Statement } from './document.js';
import { denyReach, partialDeny } from './principal.js';
import { conditionNeverHolds } from './condition.js';

/**
 * What a statement without Resource or NotResource applies to in a policy of some resource types
 * (an ECR repository's policy: the repository), and why that reading is approximate.
 */
export interface ImpliedResource {
  arn: string;
  note: string;
}

export interface Grant {
  action: ActionInfo;
  /** Index of the document (in the list given) the statement comes from. */
  doc: number;
  stmt: Statement;
  /** The resource pattern; for NotResource, `*` with `notResource` set. */
  resource: ArnPattern;
  notResource?: string[];
  condition?: Condition;
  /** Why this entry is only an over-approximation (partial Deny, NotResource...). */
  approximate?: string;
}

export interface UnknownPattern {
  doc: number;
  stmt: Statement;
  pattern: string;
  field: 'Action' | 'NotAction';
}

export interface Grants {
  /** action key -> entries, in document/statement order. */
  byAction: Map<string, Grant[]>;
  unknown: UnknownPattern[];
}

const ALL = '*';

export class GrantBuilder {
  private readonly notActionCache = new Map<string, ActionInfo[]>();
  private readonly actionListCache = new Map<string, { actions: ActionInfo[]; unknown: string[] }>();
  private readonly formatCache = new Map<string, ArnPattern>();
  /** resource pattern (raw) -> ARN format -> can the pattern meet the format. */
  private readonly appliesCache = new Map<string, Map<string, boolean>>();
  private readonly patternCache = new Map<string, ArnPattern>();
  /** Per action list (as statementActions returns it): each key -> its position in the list. */
  private readonly keyIndexes = new WeakMap<readonly ActionInfo[], Map<string, number>>();

  constructor(
    readonly catalog: Catalog,
    readonly bindings: Record<string, string> = {},
  ) {}

  /**
   * Lets the parsed resource patterns go (the audit calls it after each unit, see
   * GrantSets.releaseStatements): an organisation's resources are mostly distinct, and a cache held
   * for the run moves them all to the old generation. A pattern seen again is parsed again.
   */
  releasePatterns(): void {
    this.patternCache.clear();
  }

  pattern(raw: string): ArnPattern {
    let p = this.patternCache.get(raw);
    if (!p) {
      // API Gateway's short form in an API's resource policy, `execute-api:/stage/METHOD/path`,
      // names the API the policy is attached to (API Gateway writes it out as
      // arn:…:execute-api:region:account:api-id/… when it saves the policy): read as that path of
      // any API (`arn:*:execute-api:*:*:*/…`), the text kept as written.
      p = /^execute-api:\//.test(raw)
        ? {
            ...parseArnPattern(`arn:*:execute-api:*:*:*${raw.slice('execute-api:'.length)}`, this.bindings),
            raw,
          }
        : parseArnPattern(raw, this.bindings);
      // Resources repeat within a repository, but an organisation's are mostly distinct: bounded.
      if (this.patternCache.size >= 50_000) this.patternCache.clear();
      this.patternCache.set(raw, p);
    }
    return p;
  }

  /** The concrete actions a statement names, and the patterns that match nothing. */
  statementActions(stmt: Statement): {
    actions: readonly ActionInfo[];
    unknown: { pattern: string; field: 'Action' | 'NotAction' }[];
  } {
    const unknown: { pattern: string; field: 'Action' | 'NotAction' }[] = [];
    if (stmt.actions) {
      if (stmt.actions.length === 1) {
        const only = this.catalog.expand(stmt.actions[0]!);
        if (only.length === 0) unknown.push({ pattern: stmt.actions[0]!, field: 'Action' });
        return { actions: only, unknown };
      }
      // Statements repeat (a vendor's statements are copied into many policies): cached per list as written.
      const listKey = JSON.stringify(stmt.actions);
      let hit = this.actionListCache.get(listKey);
      if (!hit) {
        const seen = new Map<string, ActionInfo>();
        const unknownPatterns: string[] = [];
        for (const p of stmt.actions) {
          const hits = this.catalog.expand(p);
          if (hits.length === 0) unknownPatterns.push(p);
          for (const a of hits) seen.set(a.key, a);
        }
        hit = { actions: [...seen.values()], unknown: unknownPatterns };
        this.actionListCache.set(listKey, hit);
      }
      for (const p of hit.unknown) unknown.push({ pattern: p, field: 'Action' });
      return { actions: hit.actions, unknown };
    }
    const not = stmt.notActions ?? [];
    const key = not
      .map((p) => p.toLowerCase())
      .sort()
      .join('\n');
    let list = this.notActionCache.get(key);
    if (!list) {
      const excluded = new Set<string>();
      for (const p of not) {
        const hits = this.catalog.expand(p);
        if (hits.length === 0) unknown.push({ pattern: p, field: 'NotAction' });
        for (const a of hits) excluded.add(a.key);
      }
      list = this.catalog.all().filter((a) => !excluded.has(a.key));
      this.notActionCache.set(key, list);
    } else {
      for (const p of not)
        if (this.catalog.expand(p).length === 0) unknown.push({ pattern: p, field: 'NotAction' });
    }
    return { actions: list, unknown };
  }

  /**
   * Each key of an action list (from statementActions) -> its position in the list, made once per
   * list: membership tests on a NotAction complement, and a statement's own order.
   */
  keyIndex(actions: readonly ActionInfo[]): Map<string, number> {
    let m = this.keyIndexes.get(actions);
    if (!m) {
      m = new Map();
      for (let i = 0; i < actions.length; i++) m.set(actions[i]!.key, i);
      this.keyIndexes.set(actions, m);
    }
    return m;
  }

  /**
   * Can a statement's resource pattern apply to this action at all? An action with no resource
   * types is only granted by `*`; otherwise the pattern must meet one of its ARN formats.
   */
  applies(action: ActionInfo, resource: ArnPattern): boolean {
    if (isAll(resource)) return true;
    if (action.resourceTypes.length === 0) return false;
    let cache = this.appliesCache.get(resource.raw);
    if (!cache) this.appliesCache.set(resource.raw, (cache = new Map()));
    for (const rt of action.resourceTypes) {
      if (!rt.arn) return true;
      let hit = cache.get(rt.arn);
      if (hit === undefined) {
        let fmt = this.formatCache.get(rt.arn);
        if (!fmt) {
          fmt = arnFormatToPattern(rt.arn);
          this.formatCache.set(rt.arn, fmt);
        }
        hit = meetsFormat(fmt, rt.arn, resource);
        cache.set(rt.arn, hit);
      }
      if (hit) return true;
    }
    return false;
  }

  /**
   * Whether a NotResource list leaves no resource: it holds `*` (not a vendor placeholder read as
   * `*`, which stands for one value). An Allow with it grants nothing (a Deny with it denies nothing).
   */
  excludesAll(notResources: readonly string[]): boolean {
    return notResources.some((r) => {
      const p = this.pattern(r);
      return isAll(p) && p.unboundPlaceholders.length === 0;
    });
  }

  /**
   * Builds the grants of documents evaluated together (the policies of one principal).
   * `services`: only their actions are granted (a resource policy of a known type; the actions of
   * other services its statements name are not, and are not reported as unknown either).
   */
  build(
    docs: PolicyDocument[],
    options: {
      resourceRequired?: boolean;
      services?: ReadonlySet<string>;
      impliedResource?: ImpliedResource;
    } = {},
  ): Grants {
    const services = options.services;
    const byAction = new Map<string, Grant[]>();
    const unknown: UnknownPattern[] = [];
    const denies: { doc: number; stmt: Statement; actions: readonly ActionInfo[] }[] = [];
    docs.forEach((doc, d) => {
      for (const stmt of doc.statements) {
        const { actions: named, unknown: unk } = this.statementActions(stmt);
        for (const u of unk) unknown.push({ doc: d, stmt, ...u });
        if (stmt.effect === 'Deny') {
          denies.push({ doc: d, stmt, actions: named });
          continue;
        }
        // A condition no request can meet (every condition of a statement must hold): it grants nothing.
        if (stmt.condition && conditionNeverHolds(stmt.condition)) continue;
        // A NotResource that holds `*` leaves no resource: it grants nothing.
        if (stmt.notResources && this.excludesAll(stmt.notResources)) continue;
        const actions = services ? named.filter((a) => services.has(a.service)) : named;
        const resources: { p: ArnPattern; not?: string[]; approx?: string }[] = stmt.notResources
          ? [
              {
                p: this.pattern(ALL),
                not: stmt.notResources,
                approx: `NotResource: read as every resource except ${stmt.notResources.join(', ')}`,
              },
            ]
          : stmt.resources
            ? stmt.resources.map((r) => ({ p: this.pattern(r) }))
            : options.impliedResource
              ? [{ p: this.pattern(options.impliedResource.arn), approx: options.impliedResource.note }]
              : options.resourceRequired === false
                ? [{ p: this.pattern(ALL) }]
                : [];
        // One resource that applies to every action (`*`, NotResource): no per-action check.
        const everywhere =
          resources.length === 1 && (resources[0]!.not !== undefined || isAll(resources[0]!.p));
        for (const action of actions) {
          for (const r of resources) {
            if (!everywhere && !r.not && !this.applies(action, r.p)) continue;
            const grant: Grant = {
              action,
              doc: d,
              stmt,
              resource: r.p,
              notResource: r.not,
              condition: stmt.condition,
              approximate: r.approx,
            };
            const list = byAction.get(action.key);
            if (list) list.push(grant);
            else byAction.set(action.key, [grant]);
          }
        }
      }
    });
    for (const deny of denies) this.applyDeny(byAction, deny.stmt, deny.actions);
    return { byAction, unknown };
  }

  private applyDeny(byAction: Map<string, Grant[]>, stmt: Statement, actions: readonly ActionInfo[]): void {
    const label = stmt.sid ? `Deny statement ${stmt.sid}` : `the Deny statement #${stmt.written}`;
    const denyPatterns = stmt.resources?.map((r) => this.pattern(r));
    const denyAll =
      !stmt.notResources &&
      (denyPatterns === undefined ||
        denyPatterns.some((p) => isAll(p) && p.unboundPlaceholders.length === 0));
    // An unconditional Deny with NotResource: a grant it reaches is narrowed exactly where it can be.
    const notPatterns =
      stmt.notResources && !stmt.condition ? stmt.notResources.map((r) => this.pattern(r)) : undefined;
    const within = new Map<string, ArnPattern[] | undefined>();
    const cache = new Map<string, 'all' | 'part' | 'none'>();
    // Each granted action is handled on its own, so going through the smaller side is the same:
    // the granted actions when the Deny names more actions (NotAction) than the policy grants.
    let keys: Iterable<string>;
    if (actions.length > byAction.size) {
      const denied = this.keyIndex(actions);
      keys = [...byAction.keys()].filter((k) => denied.has(k));
    } else keys = actions.map((a) => a.key);
    for (const key of keys) {
      const list = byAction.get(key);
      if (!list) continue;
      const kept: Grant[] = [];
      for (const g of list) {
        const reach = denyReach(g.stmt, stmt);
        if (reach === 'none') {
          kept.push(g);
          continue;
        }
        const why = partialDeny(stmt, reach);
        if (why && notPatterns && reach === 'all' && !g.notResource) {
          let narrowed = within.get(g.resource.raw);
          if (!within.has(g.resource.raw))
            within.set(g.resource.raw, (narrowed = withinNotResource(g.resource, notPatterns)));
          if (narrowed) {
            for (const p of narrowed) if (this.applies(g.action, p)) kept.push({ ...g, resource: p });
            continue;
          }
        }
        // One comparison per (Deny statement, resource), whatever the number of actions.
        const overlapOf = (): 'all' | 'part' | 'none' => {
          let overlap = cache.get(g.resource.raw);
          if (overlap === undefined) {
            overlap = denyAll
              ? 'all'
              : denyPatterns
                ? denyPatterns.some((dp) => denyContains(dp, g.resource))
                  ? 'all'
                  : denyPatterns.some((dp) => arnIntersects(dp, g.resource))
                    ? 'part'
                    : 'none'
                : // (NotResource: a grant within one of its entries is out of the Deny's reach)
                  stmt.notResources!.some((r) => denyContains(this.pattern(r), g.resource))
                  ? 'none'
                  : 'part';
            cache.set(g.resource.raw, overlap);
          }
          return overlap;
        };
        if (why) {
          // A Deny on other resources does not reach the grant, whatever its condition (a review:
          // a conditional Deny of another bucket made an exact finding "approximate").
          if (!g.notResource && overlapOf() === 'none') kept.push(g);
          else kept.push({ ...g, approximate: joinNotes(g.approximate, `${label} also denies this ${why}`) });
          continue;
        }
        if (denyAll) continue;
        if (g.notResource) {
          kept.push({ ...g, approximate: joinNotes(g.approximate, `${label} denies part of it`) });
          continue;
        }
        const overlap = overlapOf();
        if (overlap === 'all') continue;
        if (overlap === 'part')
          kept.push({
            ...g,
            approximate: joinNotes(g.approximate, `${label} denies part of ${g.resource.raw}`),
          });
        else kept.push(g);
      }
      if (kept.length) byAction.set(key, kept);
      else byAction.delete(key);
    }
  }
}

/**
 * Where an unconditional Deny with NotResource leaves a grant on `resource` of an action it names:
 * only on `resource` ∩ each pattern of the NotResource list (the Deny removes the action everywhere
 * else). The intersections, without one another's subsets, in the list's order (empty: the Deny
 * removes the grant); undefined when one of them is not a pattern the ARN algebra gives exactly
 * (two patterns that overlap with neither containing the other), or a policy variable or an
 * unbound placeholder is involved: the grant then stays with the Deny's note.
 */
export function withinNotResource(
  resource: ArnPattern,
  notResource: readonly ArnPattern[],
): ArnPattern[] | undefined {
  if (!exactPattern(resource)) return undefined;
  // The intersections kept, in order (null: one a later one contains), and a trie of their
  // literal prefixes: a pattern contains another only if its literal prefix (the text before its
  // first wildcard) begins the other's, so each is compared only with those on its prefix's path
  // (a review: every one compared with every other, 4,000 NotResource entries took 8.5 s).
  const out: (ArnPattern | null)[] = [];
  const trie = new PrefixTrie();
  for (const r of notResource) {
    if (!exactPattern(r)) return undefined;
    let meet: ArnPattern;
    if (arnContains(r, resource)) meet = resource;
    else if (arnContains(resource, r)) meet = r;
    else if (!arnIntersects(resource, r)) continue;
    else return undefined;
    const prefix = literalPrefix(meet);
    if (trie.onPath(prefix, (i) => arnContains(out[i]!, meet))) continue;
    for (const i of trie.under(prefix, (i) => arnContains(meet, out[i]!))) out[i] = null;
    trie.add(prefix, out.length);
    out.push(meet);
  }
  return out.filter((p): p is ArnPattern => p !== null);
}

/** The text of a pattern's tokens before its first wildcard (or variable). */
function literalPrefix(p: ArnPattern): string {
  let s = '';
  for (const t of p.tokens) {
    if (t.kind !== 'char') break;
    s += t.ch;
  }
  return s;
}

/** Ids by the literal prefix they were added with, for withinNotResource. */
class PrefixTrie {
  private readonly root: TrieNode = { next: new Map(), ids: [] };

  add(prefix: string, id: number): void {
    let n = this.root;
    for (const ch of prefix) {
      let c = n.next.get(ch);
      if (!c) n.next.set(ch, (c = { next: new Map(), ids: [] }));
      n = c;
    }
    n.ids.push(id);
  }

  /** Whether an id added with a prefix of `prefix` (itself included) passes `test`. */
  onPath(prefix: string, test: (id: number) => boolean): boolean {
    let n: TrieNode | undefined = this.root;
    for (const ch of prefix) {
      if (n.ids.some(test)) return true;
      n = n.next.get(ch);
      if (!n) return false;
    }
    return n.ids.some(test);
  }

  /** Takes out, and returns, the ids added with a prefix that begins with `prefix` that pass `test`. */
  under(prefix: string, test: (id: number) => boolean): number[] {
    let n: TrieNode | undefined = this.root;
    for (const ch of prefix) {
      n = n.next.get(ch);
      if (!n) return [];
    }
    const out: number[] = [];
    const stack = [n];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.ids.length) {
        const kept: number[] = [];
        for (const id of node.ids) (test(id) ? out : kept).push(id);
        node.ids = kept;
      }
      for (const c of node.next.values()) stack.push(c);
    }
    return out;
  }
}

interface TrieNode {
  next: Map<string, TrieNode>;
  ids: number[];
}

/** A pattern read as written: no policy variable, no unbound placeholder read as `*`. */
function exactPattern(p: ArnPattern): boolean {
  return p.variables.length === 0 && p.unboundPlaceholders.length === 0;
}

function joinNotes(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}
