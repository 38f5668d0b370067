// Detection: which vendor baseline a policy most likely implements, for repositories without a
// configuration. Only the baselines handed in are candidates (the built-in ones and any configured
// ones), and of each vendor only its latest version: an earlier version that fits the policy
// better lends the vendor its confidence (the policy is the vendor's, of an older release) and is
// named (`earlier`), yet the policy is audited against the latest, whose findings show what the
// vendor no longer asks for (the ECS backend of Coiled's 2022 policy), as a user who keeps an old
// policy wants to know. `--baseline vendor@version` audits against the earlier one.
//
// Evidence, combined as independent signals (confidence = 1 - prod(1 - e)):
// - actions (e = precision x recall x mass factor, 0..1). The policy's Allow `Action` patterns and
//   the baseline's patterns are expanded with the action catalog. Coverage of a pattern = the share
//   of its actions the other side grants, each weighted by the specificity of the other side's
//   pattern granting it (1 / (1 + log10(actions in that pattern)): 1 for a named action, 0.3 for
//   `ec2:Describe*`), and 1 when both sides write the same pattern. Counting patterns, not actions,
//   keeps a wildcard of ~200 actions from outweighing the named actions around it.
//     precision = mean coverage of the policy's patterns by the baseline (any set, optional ones
//                 included): how much of the policy the vendor explains;
//     recall    = best, over the baseline's sets (each alone, all setup+ongoing sets together, the
//                 default sets, and each statement of 20 patterns or more of a set of several:
//                 vendors ship such a set as several policies), of the mean coverage of the set's
//                 patterns by the policy: how much
//                 of the vendor's policy the policy has. An optional set alone counts half
//                 (x0.5): optional features (ECR push/pull, S3 access) are what many tools need;
//     mass      = sum of coverage x distinctiveness over the policy's patterns, where an action's
//                 distinctiveness is 1 - ln(1 + n) / ln(1 + N), n the number of the N AWS managed
//                 policies granting it (s3:GetObject ~0.28, ec2:CreateFleet ~0.63; 0.5 for services
//                 not in the table), a wildcard counting as its most generic covered action;
//     factor    = min(1, mass / 3): an overlap made only of widely granted actions (plain S3
//                 object access, CloudWatch Logs writes) cannot carry a match on its own.
// - names (e = 0.5 when the vendor's actions back it, else 0.4): a detect.names glob matches the
//   policy's name, a part of its Terraform address, a segment of its path, a name in its Resource
//   or Principal ARNs (role/skypilot-v1), or a Sid (lightlyS3Access). A vendor name is a match
//   when the policy is made of the vendor's actions: an action score above 0 with a precision of
//   at least NAME_MIN_PRECISION (most of the policy's patterns are the vendor's). A name with a
//   sliver of the vendor's actions is not: a vendor's other components live under its name too
//   (Datadog's Forwarder Lambda role, its Agent's instance role), and grant their own permissions
//   besides a few of the integration role's (29% and 39% of their patterns); the vendors' own
//   policies, however small (an optional feature's statements, Coiled's log-pull), are 97-100%
//   the vendor's. A name alone is not a match either.
// - Sids (e = 0.3 x the share of the policy's Sids that are also the vendor's Sids).
// - accounts: a vendor account ID in this policy's principal (trust or resource policy, e = 0.95),
//   or in the trust policy of the roles that hold it (a trust policy: of its file; options.trustAccounts, e = 0.7).
// A match needs confidence >= DETECTION_THRESHOLD (0.5); below it only `best` is returned.
//
// Observed on the vendors' own policies (__tests__/baselines/detect.test.ts): each scores 1.0 for
// its vendor, 0.6-0.95 with statements dropped or an unrelated statement added; the best wrong
// vendor scores at most ~0.46 (same vendor, other version) and ~0.40 across vendors (Anyscale's
// setup vs Coiled's: both create VPCs); generic policies (cloudsplaining examples, AWS managed
// S3/ECR/Lambda/IAM policies) at most ~0.32 (ECR push/pull vs Coiled's optional ecr set).
import { gunzipSync } from 'node:zlib';
import {
  ACTION_FREQUENCY_GZIP_BASE64,
  ACTION_FREQUENCY_POLICIES,
  ACTION_FREQUENCY_SERVICES,
  BASELINE_PATTERN_KEYS_CATALOG,
  BASELINE_PATTERN_KEYS_GZIP_BASE64,
} from '../generated/baselines-data.js';
import { loadCatalog } from '../policy/catalog.js';
import type { Baseline, PolicyKind } from '../core/types.js';
import { vendorOf } from './load.js';
import { vendorNames, type VendorNames } from './names.js';

export interface Detection {
  baseline: string;
  /** 0..1 */
  confidence: number;
  evidence: string[];
}

export interface DetectInput {
  name?: string;
  address?: string;
  path: string;
  kind: PolicyKind;
  document?: unknown;
  /**
   * An AWS managed policy: AWS wrote it, under AWS's names and Sids, and the file that attaches it
   * is not its. Only its actions and the trust of the roles that hold it tell a vendor's (a review:
   * AmazonEKSClusterPolicy, attached in Anyscale's module to the EKS cluster role, was held to
   * Anyscale's baseline on the module's folder name and the EC2 and load balancer actions they
   * share, with HIGH findings).
   */
  awsManaged?: boolean;
}

export interface DetectOptions {
  /** Vendor account IDs seen in the trust policies of the roles that hold the policy (a trust policy: of its file). */
  trustAccounts?: string[];
  /** Score every vendor in full, none left out by its bound (for the test that the bound changes nothing). */
  exhaustive?: boolean;
}

/** Confidence at or above which a policy is taken as the vendor's. */
export const DETECTION_THRESHOLD = 0.5;
/**
 * How much better an older version must fit for the report to name it (the latest is used all the
 * same): a difference that rounds away at the two decimals shown ("0.52, against 0.52") is noise,
 * and a policy that fits two versions alike follows neither on purpose.
 */
export const OLDER_VERSION_NOTE_MARGIN = 0.01;
const NAME_WEIGHT = 0.5;
const NAME_ONLY_WEIGHT = 0.4;
/** The share of a policy's action patterns that must be the vendor's for its name to make a match. */
const NAME_MIN_PRECISION = 0.5;
const SID_WEIGHT = 0.3;
const SELF_ACCOUNT_WEIGHT = 0.95;
const TRUST_ACCOUNT_WEIGHT = 0.7;
const MASS_FOR_FULL_WEIGHT = 3;
const OPTIONAL_REFERENCE_WEIGHT = 0.5;
const UNKNOWN_DISTINCTIVENESS = 0.5;
/** A statement of a set with at least this many action patterns is also a reference on its own. */
const STATEMENT_REFERENCE_PATTERNS = 20;

// ---------------------------------------------------------------------------------------------
// How generic an action is

let frequencyServices: Set<string> | undefined;
/** Each service's part of the table as packed (`action=count,action,...`), decoded on first use. */
let frequencyText: Map<string, string[]> | undefined;
/** Each service's decoded part: action key -> count. */
const frequencyOf = new Map<string, Map<string, number>>();

/** How many AWS managed policies grant each action of a service (absent: none). */
function serviceFrequency(svc: string): Map<string, number> {
  let freq = frequencyOf.get(svc);
  if (freq) return freq;
  if (!frequencyText) {
    frequencyText = new Map();
    const text = gunzipSync(Buffer.from(ACTION_FREQUENCY_GZIP_BASE64, 'base64')).toString('utf8');
    for (const line of text.split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon);
      const parts = frequencyText.get(name);
      if (parts) parts.push(line.slice(colon + 1));
      else frequencyText.set(name, [line.slice(colon + 1)]);
    }
  }
  freq = new Map();
  for (const part of frequencyText.get(svc) ?? [])
    for (const item of part.split(',')) {
      if (!item) continue;
      const eq = item.indexOf('=');
      const name = eq < 0 ? item : item.slice(0, eq);
      freq.set(`${svc}:${name}`, eq < 0 ? 1 : parseInt(item.slice(eq + 1), 36));
    }
  frequencyOf.set(svc, freq);
  return freq;
}

/** 1 for an action no AWS managed policy grants, ~0.25 for the most common ones. */
export function distinctiveness(key: string): number {
  frequencyServices ??= new Set(ACTION_FREQUENCY_SERVICES);
  const svc = key.slice(0, key.indexOf(':'));
  if (!frequencyServices.has(svc)) return UNKNOWN_DISTINCTIVENESS;
  const n = serviceFrequency(svc).get(key) ?? 0;
  return 1 - Math.log(1 + n) / Math.log(1 + ACTION_FREQUENCY_POLICIES);
}

// ---------------------------------------------------------------------------------------------
// Documents

interface Pattern {
  text: string;
  keys: readonly string[];
  /** A number of its own among the patterns of the process (interned: one object per text). */
  id: number;
}

/** What a policy's pattern says of a prepared baseline (patternEvidence). */
interface PatternEvidence {
  /** Its coverage by the baseline. */
  c: number;
  /** The distinctiveness of its most generic covered action (1 when not covered). */
  d: number;
}

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function statementsOf(doc: unknown): Record<string, unknown>[] {
  let d = doc;
  if (typeof d === 'string') {
    try {
      d = JSON.parse(d);
    } catch {
      return [];
    }
  }
  const st = (d as { Statement?: unknown } | null)?.Statement;
  return asList(st).filter(
    (s): s is Record<string, unknown> => typeof s === 'object' && s !== null && !Array.isArray(s),
  );
}

/** The action keys a pattern (lower case, trimmed) expands to, per pattern: shared, never changed. */
const patternKeys = new WeakMap<object, Map<string, readonly string[]>>();
/** The patterns made so far, per catalog and text: one object per text, shared, never changed. */
const interned = new WeakMap<object, Map<string, Pattern>>();
let patternCount = 0;

/**
 * The built-in baselines' `Action` patterns with the keys they expand to, as expanded at build
 * time (scripts/build-baselines.mjs), when the catalog is the one they were expanded with (else
 * empty): detection of a policy then builds only the services the policy itself names, not the
 * 180 the baselines name. A test checks them against Catalog.expand.
 */
export function prebuiltPatternKeys(catalogVersion: string): Map<string, readonly string[]> {
  const keys = new Map<string, readonly string[]>();
  if (catalogVersion !== BASELINE_PATTERN_KEYS_CATALOG) return keys;
  const text = gunzipSync(Buffer.from(BASELINE_PATTERN_KEYS_GZIP_BASE64, 'base64')).toString('utf8');
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const list = line.slice(tab + 1);
    keys.set(line.slice(0, tab), list ? list.split(',') : []);
  }
  return keys;
}

function allowPatterns(statements: unknown[]): Pattern[] {
  const catalog = loadCatalog();
  let keysOf = patternKeys.get(catalog);
  if (!keysOf) patternKeys.set(catalog, (keysOf = prebuiltPatternKeys(catalog.version)));
  let made = interned.get(catalog);
  if (!made) interned.set(catalog, (made = new Map()));
  const seen = new Set<string>();
  const out: Pattern[] = [];
  for (const s of statements) {
    const st = s as Record<string, unknown>;
    if (st.Effect !== 'Allow') continue;
    for (const a of asList(st.Action)) {
      if (typeof a !== 'string') continue;
      const text = a.trim().toLowerCase();
      if (!text || seen.has(text)) continue;
      seen.add(text);
      let p = made.get(text);
      if (!p) {
        let keys = keysOf.get(text);
        if (!keys) keysOf.set(text, (keys = catalog.expand(text).map((x) => x.key)));
        made.set(text, (p = { text, keys, id: patternCount++ }));
      }
      out.push(p);
    }
  }
  return out;
}

function sidsOf(statements: unknown[]): string[] {
  const out: string[] = [];
  for (const s of statements) {
    const sid = (s as { Sid?: unknown }).Sid;
    if (typeof sid === 'string' && sid.trim()) out.push(sid.trim());
  }
  return out;
}

/** 12-digit account IDs in the Allow statements' Principal (AWS) values. */
function principalAccounts(statements: Record<string, unknown>[]): string[] {
  const out = new Set<string>();
  for (const st of statements) {
    if (st.Effect !== 'Allow') continue;
    const p = st.Principal;
    const values =
      typeof p === 'string'
        ? [p]
        : p && typeof p === 'object'
          ? asList((p as Record<string, unknown>).AWS)
          : [];
    for (const v of values) {
      if (typeof v !== 'string') continue;
      const s = v.trim();
      if (/^\d{12}$/.test(s)) out.add(s);
      else if (s.startsWith('arn:')) {
        const acct = s.split(':')[4];
        if (acct && /^\d{12}$/.test(acct)) out.add(acct);
      }
    }
  }
  return [...out];
}

/** Resource names in an ARN: `arn:aws:iam::1:role/skypilot-v1` -> [skypilot-v1]; S3 -> bucket and key parts. */
function arnNames(arn: string): string[] {
  const parts = arn.split(':');
  if (parts.length < 6) return [];
  const resource = parts.slice(5).join(':');
  const tokens = resource.split(/[/:]/).filter((t) => t && t !== '*');
  // Drop the resource type (`role/`, `instance-profile/`) except for S3, whose ARNs start with the bucket.
  return parts[2] === 's3' ? tokens : tokens.slice(tokens.length > 1 ? 1 : 0);
}

interface NameSource {
  text: string;
  where: string;
}

/** The names a policy carries that a vendor's globs match (per VendorNames). */
interface NameHits {
  /** As evidence shows them: `path "skypilot" matches *skypilot*`. */
  said: string[];
  /** The first: `path "skypilot"`. */
  first?: string;
}

function nameHitsOf(names: readonly NameSource[], globs: VendorNames, lower: readonly string[]): NameHits {
  const said: string[] = [];
  let first: string | undefined;
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    const g = globs.matchLower(lower[i]!);
    const name = `${n.where} "${n.text}"`;
    if (g && !said.some((h) => h.startsWith(name))) {
      said.push(`${name} matches ${g}`);
      first ??= name;
    }
  }
  return first === undefined ? { said } : { said, first };
}

function nameSources(policy: DetectInput, statements: Record<string, unknown>[]): NameSource[] {
  const out: NameSource[] = [];
  if (policy.name) out.push({ text: policy.name, where: 'policy name' });
  if (policy.address) {
    if (policy.address.startsWith('arn:'))
      for (const t of arnNames(policy.address)) out.push({ text: t, where: 'ARN' });
    // A Terraform address, or a template's logical id.
    else for (const t of policy.address.split(/[.[\]"]+/)) if (t) out.push({ text: t, where: 'address' });
  }
  const segs = policy.path.split('/').filter(Boolean);
  segs.forEach((s, i) =>
    out.push({ text: i === segs.length - 1 ? s.replace(/\.[^.]*$/, '') : s, where: 'path' }),
  );
  for (const st of statements) {
    for (const el of ['Resource', 'NotResource']) {
      for (const r of asList(st[el]))
        if (typeof r === 'string' && r.startsWith('arn:'))
          for (const t of arnNames(r)) out.push({ text: t, where: 'resource' });
    }
    const p = st.Principal;
    if (p && typeof p === 'object') {
      for (const v of asList((p as Record<string, unknown>).AWS)) {
        if (typeof v === 'string' && v.startsWith('arn:'))
          for (const t of arnNames(v)) out.push({ text: t, where: 'principal' });
      }
    }
    const sid = st.Sid;
    if (typeof sid === 'string' && sid) out.push({ text: sid, where: 'Sid' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Baselines, prepared once

interface Reference {
  label: string;
  patterns: Pattern[];
  /** 1 for the core (setup/ongoing) sets, OPTIONAL_REFERENCE_WEIGHT for an optional set alone. */
  weight: number;
}

interface PreparedBaseline {
  /**
   * patternEvidence per policy pattern, by Pattern.id (held by the baseline, not the pattern: a
   * configured baseline is parsed again on each run, and goes with its run).
   */
  evidence: Map<number, PatternEvidence>;
  /** touchedBy per policy pattern, by Pattern.id. */
  touches: Map<number, readonly Pattern[]>;
  union: Set<string>;
  /** Per action: the specificity of the most specific baseline pattern granting it. */
  specificity: Map<string, number>;
  /** The baseline's patterns as written (lower case). */
  texts: Set<string>;
  refs: Reference[];
  sids: Set<string>;
  names: VendorNames;
  accounts: Set<string>;
  /** actionScore per policy pattern list (see PolicyPatterns.key) and scoreOnly. */
  byPolicy: Map<string, ActionScore>;
  /** The patterns of refs that grant each action key. */
  patternsByKey: Map<string, Pattern[]>;
}

const prepared = new WeakMap<Baseline, Map<string, PreparedBaseline>>();

/**
 * The baseline's references for a policy of this kind: its sets that kind holds (`policy-kinds`),
 * so that an identity policy is not scored against a bucket policy's set (Databricks' root-bucket
 * set made the datasets policy of a Unity Catalog role look like the workspace's), nor a bucket
 * policy against an identity policy's.
 */
function prepare(whole: Baseline, kind: PolicyKind = 'identity'): PreparedBaseline {
  const held =
    kind === 'trust' ? whole.sets : whole.sets.filter((s) => !s.policyKinds || s.policyKinds.includes(kind));
  const key = held.length === whole.sets.length ? '' : kind;
  let byKind = prepared.get(whole);
  if (!byKind) prepared.set(whole, (byKind = new Map()));
  let p = byKind.get(key);
  if (p) return p;
  const b: Baseline =
    key === ''
      ? whole
      : {
          ...whole,
          sets: held,
          defaultSets: whole.defaultSets.filter((n) => held.some((s) => s.name === n)),
        };
  const union = new Set<string>();
  const specificity = new Map<string, number>();
  const texts = new Set<string>();
  const refs: Reference[] = [];
  const sids = new Set<string>();
  const core = b.sets.filter((s) => s.kind !== 'optional');
  const byName = new Map<string, Pattern[]>();
  for (const s of b.sets) {
    const pats = allowPatterns(s.statements);
    byName.set(s.name, pats);
    addPatterns(pats, texts, union, specificity);
    for (const sid of sidsOf(s.statements)) sids.add(sid.toLowerCase());
  }
  const merge = (names: string[]): Pattern[] => {
    const m = new Map<string, Pattern>();
    for (const n of names) for (const pt of byName.get(n) ?? []) m.set(pt.text, pt);
    return [...m.values()];
  };
  for (const s of b.sets) {
    refs.push({
      label: `set ${s.name}`,
      patterns: byName.get(s.name) ?? [],
      weight: s.kind === 'optional' ? OPTIONAL_REFERENCE_WEIGHT : 1,
    });
    // A large statement of a set of several is a reference of its own: vendors ship such a set as
    // several policies (Datadog's resource collection is four managed policies, one statement each).
    if (s.statements.length > 1)
      s.statements.forEach((st, i) => {
        const patterns = allowPatterns([st]);
        if (patterns.length >= STATEMENT_REFERENCE_PATTERNS)
          refs.push({
            label: `set ${s.name} statement #${i}`,
            patterns,
            weight: s.kind === 'optional' ? OPTIONAL_REFERENCE_WEIGHT : 1,
          });
      });
  }
  if (core.length > 1)
    refs.push({
      label: `sets ${core.map((s) => s.name).join('+')}`,
      patterns: merge(core.map((s) => s.name)),
      weight: 1,
    });
  const defaults = b.defaultSets.filter((n) => core.some((s) => s.name === n));
  if (defaults.length > 1 && defaults.length < core.length)
    refs.push({ label: `sets ${defaults.join('+')}`, patterns: merge(defaults), weight: 1 });
  p = {
    evidence: new Map(),
    touches: new Map(),
    union,
    specificity,
    texts,
    refs: refs.filter((r) => r.patterns.length > 0),
    sids,
    names: vendorNames(b.detect?.names ?? []),
    accounts: new Set(b.detect?.accounts ?? []),
    byPolicy: new Map(),
    patternsByKey: new Map(),
  };
  const indexed = new Set<Pattern>();
  for (const r of p.refs) indexPatterns(r.patterns, indexed, p.patternsByKey);
  byKind.set(key, p);
  return p;
}

// The loops over action keys of prepare, in functions of their own: prepare runs once per baseline
// and stays cold, and V8 optimises these small loops instead of compiling all of prepare (which,
// for a small audit, finished on a background thread after the report and delayed the exit by
// about 20 ms).

/** Adds patterns' texts, and their keys with the most specific pattern's specificity. */
function addPatterns(
  pats: readonly Pattern[],
  texts: Set<string>,
  union: Set<string>,
  specificity: Map<string, number>,
): void {
  for (const pt of pats) {
    texts.add(pt.text);
    const sp = patternSpecificity(pt);
    for (const k of pt.keys) {
      union.add(k);
      if ((specificity.get(k) ?? 0) < sp) specificity.set(k, sp);
    }
  }
}

/** Lists each pattern not indexed yet under each of its keys. */
function indexPatterns(
  patterns: readonly Pattern[],
  indexed: Set<Pattern>,
  byKey: Map<string, Pattern[]>,
): void {
  for (const q of patterns) {
    if (indexed.has(q)) continue;
    indexed.add(q);
    for (const k of new Set(q.keys)) {
      const list = byKey.get(k);
      if (list) list.push(q);
      else byKey.set(k, [q]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Scoring

export interface ActionScore {
  precision: number;
  recall: number;
  /** The reference (set or sets) the recall was best against. */
  reference?: string;
  mass: number;
  score: number;
}

/**
 * How specific a pattern is: 1 for one action, less for a wildcard (`ec2:Describe*`, ~200 actions:
 * 0.3). A match through a broad wildcard is weaker evidence than one through named actions.
 */
function patternSpecificity(p: Pattern): number {
  return 1 / (1 + Math.log10(Math.max(1, p.keys.length)));
}

/**
 * Share of a pattern's actions that the other side grants, each weighted by how specifically the
 * other side grants it; a pattern both sides write the same way counts fully.
 */
function coverage(p: Pattern, otherTexts: Set<string>, otherSpecificity: Map<string, number>): number {
  if (p.keys.length === 0) return 0;
  if (otherTexts.has(p.text)) return 1;
  let n = 0;
  for (const k of p.keys) n += otherSpecificity.get(k) ?? 0;
  return n / p.keys.length;
}

interface PolicyPatterns {
  patterns: Pattern[];
  /** The patterns' texts in order, joined: the key of actionScore's cache (made on first use). */
  key?: string;
  /** The patterns' texts, and per action the most specific pattern's specificity (made on first use). */
  sides?: { texts: Set<string>; specificity: Map<string, number> };
}

const policyPatterns = (patterns: Pattern[]): PolicyPatterns => ({ patterns });

function policyKey(pp: PolicyPatterns): string {
  return (pp.key ??= pp.patterns.map((p) => p.text).join('\n'));
}

function policySides(pp: PolicyPatterns): { texts: Set<string>; specificity: Map<string, number> } {
  if (pp.sides) return pp.sides;
  const texts = new Set<string>();
  const specificity = new Map<string, number>();
  for (const p of pp.patterns) {
    texts.add(p.text);
    const sp = patternSpecificity(p);
    for (const k of p.keys) if ((specificity.get(k) ?? 0) < sp) specificity.set(k, sp);
  }
  return (pp.sides = { texts, specificity });
}

const NONE: readonly Pattern[] = [];

/**
 * A policy pattern's coverage by the baseline and the distinctiveness of its most generic covered
 * action: they depend on the pattern alone, so they are computed once per pattern and baseline.
 */
function patternEvidence(p: Pattern, b: PreparedBaseline): PatternEvidence {
  let e = b.evidence.get(p.id);
  if (!e) {
    const c = coverage(p, b.texts, b.specificity);
    let d = 1;
    if (c !== 0) for (const k of p.keys) if (b.union.has(k)) d = Math.min(d, distinctiveness(k));
    b.evidence.set(p.id, (e = { c, d }));
  }
  return e;
}

/** The baseline's patterns that grant one of a policy pattern's actions, once per pattern and baseline. */
function touchedBy(p: Pattern, b: PreparedBaseline): readonly Pattern[] {
  let t = b.touches.get(p.id);
  if (!t) {
    const touched = new Set<Pattern>();
    for (const k of p.keys) for (const q of b.patternsByKey.get(k) ?? NONE) touched.add(q);
    b.touches.set(p.id, (t = touched.size > 0 ? [...touched] : NONE));
  }
  return t;
}

/** The precision and the distinctive mass of a policy's patterns against a baseline (see ActionScore). */
function precisionAndMass(
  pats: readonly Pattern[],
  b: PreparedBaseline,
): { precision: number; mass: number } {
  let covered = 0;
  let mass = 0;
  for (const p of pats) {
    const { c, d } = patternEvidence(p, b);
    if (c === 0) continue;
    covered += c;
    mass += c * d;
  }
  return { precision: pats.length === 0 ? 0 : covered / pats.length, mass };
}

/**
 * The action evidence of a policy's patterns against a prepared baseline. With `scoreOnly`, the
 * recall is not computed when the score is 0 anyway (no pattern covered, or no mass).
 */
function actionScore(pp: PolicyPatterns, b: PreparedBaseline, scoreOnly = false): ActionScore {
  // A function of the policy's patterns (in order) and the baseline: policies repeat their action
  // lists (one module per team), so it is computed once per list.
  const key = `${scoreOnly ? 1 : 0}\u0000${policyKey(pp)}`;
  let hit = b.byPolicy.get(key);
  if (!hit) b.byPolicy.set(key, (hit = computeActionScore(pp, b, scoreOnly)));
  return hit;
}

/** Per pattern id, the coverage by the policy of a baseline pattern the policy touches (else -1). */
let coverageOf = new Float64Array(0);

function computeActionScore(pp: PolicyPatterns, b: PreparedBaseline, scoreOnly: boolean): ActionScore {
  const pats = pp.patterns;
  if (pats.length === 0) return { precision: 0, recall: 0, mass: 0, score: 0 };
  const { precision, mass } = precisionAndMass(pats, b);
  if (scoreOnly && (precision === 0 || mass === 0)) return { precision, recall: 0, mass, score: 0 };
  // A baseline pattern none of whose actions the policy grants has coverage 0 (one the policy
  // writes the same way is the policy's own pattern: it grants its actions): only the others are
  // computed, once each, and each reference sums them in its own order.
  if (coverageOf.length < patternCount) coverageOf = new Float64Array(patternCount * 2).fill(-1);
  const { texts, specificity } = policySides(pp);
  const touched: Pattern[] = [];
  for (const p of pats)
    for (const q of touchedBy(p, b))
      if (coverageOf[q.id]! < 0) {
        coverageOf[q.id] = coverage(q, texts, specificity);
        touched.push(q);
      }
  let recall = 0;
  let best = 0;
  let reference: string | undefined;
  for (const r of b.refs) {
    let sum = 0;
    for (const q of r.patterns) {
      const c = coverageOf[q.id]!;
      if (c >= 0) sum += c;
    }
    const rec = sum / r.patterns.length;
    if (rec * r.weight > best) {
      best = rec * r.weight;
      recall = rec;
      reference = r.label;
    }
  }
  for (const q of touched) coverageOf[q.id] = -1;
  const score = precision * best * Math.min(1, mass / MASS_FOR_FULL_WEIGHT);
  return { precision, recall, ...(reference ? { reference } : {}), mass, score };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const round = (x: number) => Math.round(x * 1000) / 1000;

interface Candidate {
  baseline: Baseline;
  confidence: number;
  evidence: string[];
  /** A vendor name matched (`path "datadog"`), without the vendor's actions to back it (see NAME_MIN_PRECISION). */
  unbackedName?: string;
}

/** What a policy shows of one baseline before its action recall: all but the recall is exact. */
interface Clues {
  baseline: Baseline;
  pb: PreparedBaseline;
  precision: number;
  mass: number;
  nameHits: NameHits;
  sidHits: string[];
  self: string[];
  trust: string[];
}

interface PolicyClues {
  pp: PolicyPatterns;
  sids: string[];
  names: NameSource[];
  /** The names' texts in lower case. */
  lowerNames: string[];
  /** The names that match, per vendor's globs (versions share them). */
  nameHits: Map<VendorNames, NameHits>;
  selfAccounts: string[];
  trustAccounts: string[];
  kind: PolicyKind;
}

function cluesOf(b: Baseline, p: PolicyClues): Clues {
  const pb = prepare(b, p.kind);
  const { precision, mass } = precisionAndMass(p.pp.patterns, pb);
  let nameHits = p.nameHits.get(pb.names);
  if (!nameHits) p.nameHits.set(pb.names, (nameHits = nameHitsOf(p.names, pb.names, p.lowerNames)));
  const sidHits =
    p.sids.length > 0 && pb.sids.size > 0 ? p.sids.filter((s) => pb.sids.has(s.toLowerCase())) : [];
  const self = p.selfAccounts.filter((x) => pb.accounts.has(x));
  const trust = self.length > 0 ? [] : p.trustAccounts.filter((x) => pb.accounts.has(x));
  return { baseline: b, pb, precision, mass, nameHits, sidHits, self, trust };
}

/** The evidence of the names, Sids and accounts, in the order they combine (after the actions'). */
function otherSignals(c: Clues, sids: number, backed: boolean): number[] {
  const signals: number[] = [];
  if (c.nameHits.said.length > 0) signals.push(backed ? NAME_WEIGHT : NAME_ONLY_WEIGHT);
  if (c.sidHits.length > 0) signals.push(SID_WEIGHT * (c.sidHits.length / sids));
  if (c.self.length > 0) signals.push(SELF_ACCOUNT_WEIGHT);
  else if (c.trust.length > 0) signals.push(TRUST_ACCOUNT_WEIGHT);
  return signals;
}

function combine(signals: readonly number[]): number {
  let rest = 1;
  for (const s of signals) rest *= 1 - Math.min(1, Math.max(0, s));
  return round(1 - rest);
}

/** How far above its bound a confidence may be taken to be, for rounding's sake. */
const BOUND_SLACK = 1e-9;

/**
 * A confidence the baseline's cannot exceed (by more than BOUND_SLACK): its score with a recall
 * of 1 (the most it can be), the rest exact. Combining is monotone in each signal, and so is the
 * rounding.
 */
function confidenceBound(c: Clues, p: PolicyClues): number {
  const acted = c.precision > 0 && c.mass > 0;
  const bound = acted ? c.precision * Math.min(1, c.mass / MASS_FOR_FULL_WEIGHT) : 0;
  const others = otherSignals(c, p.sids.length, acted && c.precision >= NAME_MIN_PRECISION);
  return combine(acted ? [bound, ...others] : others);
}

function score(c: Clues, p: PolicyClues): Candidate {
  const { baseline: b, pb } = c;
  const evidence: string[] = [];
  const signals: number[] = [];

  const a = actionScore(p.pp, pb, true);
  if (a.score > 0) {
    signals.push(a.score);
    evidence.push(
      `actions: ${pct(a.precision)} of the policy's action patterns are in ${b.id}; it has ${pct(a.recall)} of ${a.reference ?? 'the baseline'}; distinctive overlap ${a.mass.toFixed(1)} (score ${a.score.toFixed(2)})`,
    );
  }

  let unbackedName: string | undefined;
  // A vendor name backed by the vendor's actions (most of the policy is theirs) is a match; a
  // name with a sliver of them (another component of the vendor's), or alone, is not.
  const backed = a.score > 0 && a.precision >= NAME_MIN_PRECISION;
  const hits = c.nameHits.said;
  if (hits.length > 0) {
    if (!backed && a.precision > 0) unbackedName = c.nameHits.first;
    evidence.push(
      `name: ${hits.slice(0, 3).join('; ')}${hits.length > 3 ? ` (+${hits.length - 3} more)` : ''}${
        backed || a.precision === 0
          ? ''
          : ` (but ${pct(1 - a.precision)} of the policy's action patterns are not the vendor's: a name is a match only for a policy made mostly of ${b.id}'s actions)`
      }`,
    );
  }
  if (c.sidHits.length > 0)
    evidence.push(
      `Sids: ${c.sidHits.length}/${p.sids.length} are ${b.id}'s (${c.sidHits.slice(0, 4).join(', ')}${c.sidHits.length > 4 ? ', ...' : ''})`,
    );
  if (c.self.length > 0)
    evidence.push(`account: the principal ${c.self.join(', ')} is ${b.name}'s AWS account`);
  else if (c.trust.length > 0)
    evidence.push(
      `account: a trust policy of the same role or file lets ${b.name}'s AWS account (${c.trust.join(', ')}) assume it`,
    );
  signals.push(...otherSignals(c, p.sids.length, backed));

  let confidence = combine(signals);
  // A baseline whose actions are a generic shape: without a name, a Sid or the vendor's account
  // beside them, the actions are no match (a review: every S3 read-write policy was Unity Catalog's).
  if (
    b.detect?.actionsAlone === false &&
    signals.length === (a.score > 0 ? 1 : 0) &&
    confidence >= DETECTION_THRESHOLD
  ) {
    confidence = round(DETECTION_THRESHOLD - 0.01);
    evidence.push(
      `actions alone are not ${b.id}'s (a generic shape): a name, a Sid or its account must back them`,
    );
  }
  return { baseline: b, confidence, evidence, ...(unbackedName !== undefined ? { unbackedName } : {}) };
}

function isLatest(b: Baseline, group: Baseline[]): boolean {
  const plain = group.find((x) => !x.id.includes('@'));
  if (plain) return plain === b;
  const newest = [...group].sort(
    (x, y) => (y.date ?? '').localeCompare(x.date ?? '') || x.id.localeCompare(y.id),
  )[0];
  return newest === b;
}

/**
 * Detects the vendor baseline a policy implements. `match` is set when the best candidate's
 * confidence reaches DETECTION_THRESHOLD; `best` is always the best candidate (when any evidence
 * at all was found), so a report can say "not matched (best: X, score)".
 */
export function detectBaseline(
  policy: DetectInput,
  baselines: Baseline[],
  options?: DetectOptions,
): {
  match?: Detection;
  best?: Detection;
  /**
   * With a match: an earlier version of the same vendor's baseline that fits the policy better
   * (by OLDER_VERSION_NOTE_MARGIN at least; the best of them), whose confidence the match carries.
   * The match is the latest version all the same; a report names this one, what the latest no
   * longer asks for, and how to audit against it.
   */
  earlier?: { baseline: string; confidence: number; currentConfidence: number };
  /**
   * Without a match: the best candidate's name matched the policy (the name: `path "datadog"`),
   * with too few of its actions (a vendor's other component, under its name). A report says why
   * it is not that vendor's.
   */
  nameWithoutActions?: string;
} {
  const statements = statementsOf(policy.document);
  const names = policy.awsManaged ? [] : nameSources(policy, statements);
  const clues: PolicyClues = {
    // A trust policy grants sts:AssumeRole, not the vendor's actions: only names and accounts count.
    pp: policyPatterns(policy.kind === 'trust' ? [] : allowPatterns(statements)),
    sids: policy.kind === 'trust' || policy.awsManaged ? [] : sidsOf(statements),
    names,
    lowerNames: names.map((n) => n.text.toLowerCase()),
    nameHits: new Map(),
    selfAccounts: policy.kind === 'identity' ? [] : principalAccounts(statements),
    trustAccounts: options?.trustAccounts ?? [],
    kind: policy.kind,
  };

  const groups = new Map<string, Baseline[]>();
  for (const b of baselines) {
    const v = vendorOf(b.id);
    const g = groups.get(v);
    if (g) g.push(b);
    else groups.set(v, [b]);
  }
  /** Each vendor's candidate, by the vendor's place in the list of baselines. */
  const chosen: Candidate[] = [];
  /** Per chosen candidate (a latest version): the earlier version that fits better. */
  const closer = new Map<Candidate, Candidate>();
  /** Per candidate in closer: the latest version's own confidence. */
  const scoredLatest = new Map<Candidate, number>();
  // Every vendor's confidence has a bound computed without the action recall, the costly part
  // (a walk of the baseline's patterns the policy touches). Vendors are scored exactly from the
  // highest bound down, until a bound is below the best confidence found: no vendor left can be
  // the top one (nor tie with it). The outcome is the one of scoring them all: the candidates are
  // compared in the list's order, as when all were scored (topCandidate keeps the first of a tie
  // that localeCompare cannot break, such as two paths of configured baselines with no id, one
  // NFC and one NFD).
  const byBound = [...groups.values()]
    .map((group, order) => {
      const cl = group.map((b) => cluesOf(b, clues));
      return { group, order, cl, bound: Math.max(...cl.map((c) => confidenceBound(c, clues))) };
    })
    .sort((x, y) => y.bound - x.bound);
  let top: Candidate | undefined;
  for (const { group, order, cl, bound } of byBound) {
    if (!options?.exhaustive && (bound <= 0 || (top && bound + BOUND_SLACK < top.confidence))) break;
    const scored = cl.map((c) => score(c, clues));
    const latest = scored.find((c) => isLatest(c.baseline, group)) ?? scored[0]!;
    let older: Candidate | undefined;
    for (const c of scored)
      if (
        c !== latest &&
        c.confidence >= latest.confidence + OLDER_VERSION_NOTE_MARGIN &&
        c.confidence > (older ?? latest).confidence
      )
        older = c;
    if (!older) {
      chosen[order] = latest;
      top = topCandidate(chosen.filter((c) => c !== undefined));
      continue;
    }
    // The vendor's, as sure as its best version says; audited against the latest.
    const pick: Candidate = {
      ...latest,
      confidence: older.confidence,
      evidence: [
        ...(older.confidence >= DETECTION_THRESHOLD && latest.confidence < DETECTION_THRESHOLD
          ? older.evidence.map((e) => `${older.baseline.id}: ${e}`)
          : latest.evidence),
        `an earlier version: ${older.baseline.id} fits it better (${older.confidence.toFixed(2)}) than the current ${latest.baseline.id} (${latest.confidence.toFixed(2)}); audited against the current one`,
      ],
    };
    if (older.unbackedName !== undefined) pick.unbackedName = older.unbackedName;
    else delete pick.unbackedName;
    closer.set(pick, older);
    scoredLatest.set(pick, latest.confidence);
    chosen[order] = pick;
    top = topCandidate(chosen.filter((c) => c !== undefined));
  }
  if (!top) return {};
  const best: Detection = { baseline: top.baseline.id, confidence: top.confidence, evidence: top.evidence };
  if (top.confidence < DETECTION_THRESHOLD)
    return top.unbackedName !== undefined ? { best, nameWithoutActions: top.unbackedName } : { best };
  const older = closer.get(top);
  if (!older) return { match: best, best };
  const current = scoredLatest.get(top)!;
  return {
    match: best,
    best,
    earlier: { baseline: older.baseline.id, confidence: older.confidence, currentConfidence: current },
  };
}

/**
 * The first of the candidates sorted by confidence (highest first), then by id (localeCompare),
 * when its confidence is above 0; else undefined. One pass, and ids are compared only on a tie
 * above 0 (most vendors tie at 0): the first localeCompare of a process costs about 10 ms.
 */
export function topCandidate<T extends { confidence: number; baseline: { id: string } }>(
  candidates: readonly T[],
): T | undefined {
  let top: T | undefined;
  for (const c of candidates)
    if (
      c.confidence > 0 &&
      (!top ||
        c.confidence > top.confidence ||
        (c.confidence === top.confidence && c.baseline.id.localeCompare(top.baseline.id) < 0))
    )
      top = c;
  return top;
}

/** Action evidence alone, for tuning and tests. */
export function actionEvidence(document: unknown, baseline: Baseline): ActionScore {
  return actionScore(policyPatterns(allowPatterns(statementsOf(document))), prepare(baseline));
}
