// What a set of policy documents grants, as (action, resource pattern, condition) entries:
// Allow statements expanded against the catalog (NotAction through its complement), kept only where
// the resource can apply to the action's resource types, minus what Deny statements remove.
// Where a Deny only partly overlaps a grant, the grant is kept with a note (never guessed away).

import { arnContains, arnFormatToPattern, arnIntersects, isAll, parseArnPattern, type ArnPattern } from './arn.js';
import type { ActionInfo, Catalog } from './catalog.js';
import type { Condition, PolicyDocument, Statement } from './document.js';

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
  private readonly formatCache = new Map<string, ArnPattern>();
  private readonly appliesCache = new Map<string, boolean>();
  private readonly patternCache = new Map<string, ArnPattern>();

  constructor(
    readonly catalog: Catalog,
    readonly bindings: Record<string, string> = {},
  ) {}

  pattern(raw: string): ArnPattern {
    let p = this.patternCache.get(raw);
    if (!p) {
      p = parseArnPattern(raw, this.bindings);
      this.patternCache.set(raw, p);
    }
    return p;
  }

  /** The concrete actions a statement names, and the patterns that match nothing. */
  statementActions(stmt: Statement): { actions: readonly ActionInfo[]; unknown: { pattern: string; field: 'Action' | 'NotAction' }[] } {
    const unknown: { pattern: string; field: 'Action' | 'NotAction' }[] = [];
    if (stmt.actions) {
      if (stmt.actions.length === 1) {
        const only = this.catalog.expand(stmt.actions[0]!);
        if (only.length === 0) unknown.push({ pattern: stmt.actions[0]!, field: 'Action' });
        return { actions: only, unknown };
      }
      const seen = new Map<string, ActionInfo>();
      for (const p of stmt.actions) {
        const hits = this.catalog.expand(p);
        if (hits.length === 0) unknown.push({ pattern: p, field: 'Action' });
        for (const a of hits) seen.set(a.key, a);
      }
      return { actions: [...seen.values()], unknown };
    }
    const not = stmt.notActions ?? [];
    const key = not.map((p) => p.toLowerCase()).sort().join('\n');
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
      for (const p of not) if (this.catalog.expand(p).length === 0) unknown.push({ pattern: p, field: 'NotAction' });
    }
    return { actions: list, unknown };
  }

  /**
   * Can a statement's resource pattern apply to this action at all? An action with no resource
   * types is only granted by `*`; otherwise the pattern must meet one of its ARN formats.
   */
  applies(action: ActionInfo, resource: ArnPattern): boolean {
    if (isAll(resource)) return true;
    if (action.resourceTypes.length === 0) return false;
    for (const rt of action.resourceTypes) {
      if (!rt.arn) return true;
      const k = `${rt.arn}\u0000${resource.raw}`;
      let hit = this.appliesCache.get(k);
      if (hit === undefined) {
        let fmt = this.formatCache.get(rt.arn);
        if (!fmt) {
          fmt = arnFormatToPattern(rt.arn);
          this.formatCache.set(rt.arn, fmt);
        }
        hit = arnIntersects(fmt, resource);
        this.appliesCache.set(k, hit);
      }
      if (hit) return true;
    }
    return false;
  }

  /** Builds the grants of documents evaluated together (the policies of one principal). */
  build(docs: PolicyDocument[], options: { resourceRequired?: boolean } = {}): Grants {
    const byAction = new Map<string, Grant[]>();
    const unknown: UnknownPattern[] = [];
    const denies: { doc: number; stmt: Statement; actions: readonly ActionInfo[] }[] = [];
    docs.forEach((doc, d) => {
      for (const stmt of doc.statements) {
        const { actions, unknown: unk } = this.statementActions(stmt);
        for (const u of unk) unknown.push({ doc: d, stmt, ...u });
        if (stmt.effect === 'Deny') {
          denies.push({ doc: d, stmt, actions });
          continue;
        }
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
            : options.resourceRequired === false
              ? [{ p: this.pattern(ALL) }]
              : [];
        for (const action of actions) {
          for (const r of resources) {
            if (!r.not && !this.applies(action, r.p)) continue;
            let list = byAction.get(action.key);
            if (!list) byAction.set(action.key, (list = []));
            list.push({
              action,
              doc: d,
              stmt,
              resource: r.p,
              notResource: r.not,
              condition: stmt.condition,
              approximate: r.approx,
            });
          }
        }
      }
    });
    for (const deny of denies) this.applyDeny(byAction, deny.stmt, deny.actions);
    return { byAction, unknown };
  }

  private applyDeny(byAction: Map<string, Grant[]>, stmt: Statement, actions: readonly ActionInfo[]): void {
    const label = stmt.sid ? `Deny statement ${stmt.sid}` : `the Deny statement #${stmt.index}`;
    const denyPatterns = stmt.resources?.map((r) => this.pattern(r));
    const denyAll = !stmt.notResources && (denyPatterns === undefined || denyPatterns.some(isAll));
    for (const action of actions) {
      const list = byAction.get(action.key);
      if (!list) continue;
      const kept: Grant[] = [];
      for (const g of list) {
        if (stmt.condition || stmt.notResources) {
          const why = stmt.condition ? 'only under its condition' : 'except on its NotResource';
          kept.push({ ...g, approximate: joinNotes(g.approximate, `${label} also denies this ${why}`) });
          continue;
        }
        if (denyAll) continue;
        if (g.notResource) {
          kept.push({ ...g, approximate: joinNotes(g.approximate, `${label} denies part of it`) });
          continue;
        }
        if (denyPatterns!.some((dp) => arnContains(dp, g.resource))) continue;
        if (denyPatterns!.some((dp) => arnIntersects(dp, g.resource)))
          kept.push({ ...g, approximate: joinNotes(g.approximate, `${label} denies part of ${g.resource.raw}`) });
        else kept.push(g);
      }
      if (kept.length) byAction.set(action.key, kept);
      else byAction.delete(action.key);
    }
  }
}

function joinNotes(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}
