// Policy selectors of the configuration, and ignore rules.
//
// Selectors:
// - path globs, matched against the policy's path (relative to the repository root, `/`
//   separators, a leading `./` ignored): `*` matches within one path segment, `**` any number of
//   segments (zero included), `?` one character other than `/`. A selector that matches a
//   directory selects everything below it (`infra/coiled` = `infra/coiled/**`).
// - `terraform:<glob>`: matched against the policy's Terraform address, where `*` matches any run
//   of characters (dots and brackets included) and `?` one character:
//   `terraform:module.coiled.aws_iam_role_policy.*`. It also matches when the glob matches the id
//   of a principal that holds the policy (`terraform:aws_iam_role.coiled`).
// - `cloudformation:<path glob>#<logical id glob>` (or `cloudformation:<logical id glob>`, any
//   template): the template's path as a path glob, and the logical id as a glob (`*` any run of
//   characters) against the policy's address (`MyRole.Policies[0]`), its resource's logical id
//   (`MyRole`) and the logical ids of the principals holding it:
//   `cloudformation:infra/datadog.yaml#DatadogIntegrationRole`, `cloudformation:**#Datadog*`.
//
// Matching is linear-time in practice and never builds a regular expression from input: segments
// are compared with src/policy/glob.ts (split at `*`, leftmost match of each fixed piece), and
// `**` is handled the same way one level up, on whole path segments.
import { actionMatcher, compileGlob, type Glob } from '../policy/glob.js';

const TERRAFORM = 'terraform:';
const CLOUDFORMATION = 'cloudformation:';

interface PathPattern {
  /**
   * The segment globs between `**`s. The pattern always ends with an implicit `/**` (a directory
   * selects everything below it), so only the start can be anchored.
   */
  chunks: Glob[][];
  /** True unless the pattern starts with `**`: the first chunk must match at the first segment. */
  anchoredStart: boolean;
}

const pathCache = new Map<string, PathPattern>();
const tfCache = new Map<string, Glob>();

function normalisePath(p: string): string {
  let s = p.split('\\').join('/');
  while (s.startsWith('./')) s = s.slice(2);
  while (s.startsWith('/')) s = s.slice(1);
  return s;
}

function compilePath(selector: string): PathPattern {
  let p = pathCache.get(selector);
  if (p) return p;
  const segs = normalisePath(selector)
    .split('/')
    .filter((x) => x !== '');
  segs.push('**');
  const chunks: Glob[][] = [];
  let current: Glob[] = [];
  for (const seg of segs) {
    if (seg === '**') {
      if (current.length > 0) chunks.push(current);
      current = [];
    } else {
      current.push(compileGlob(seg));
    }
  }
  p = { chunks, anchoredStart: segs[0] !== '**' };
  pathCache.set(selector, p);
  return p;
}

function chunkAt(chunk: Glob[], parts: string[], at: number): boolean {
  for (let i = 0; i < chunk.length; i++) if (!chunk[i]!.matches(parts[at + i]!)) return false;
  return true;
}

/**
 * Path glob match on whole segments: the first chunk anchored at the start (unless the pattern
 * starts with `**`), each further chunk at its leftmost fit after the previous one. Leftmost is
 * optimal because a chunk has a fixed number of segments (the argument of src/policy/glob.ts).
 */
function matchPath(p: PathPattern, path: string): boolean {
  const parts = normalisePath(path).split('/');
  let pos = 0;
  for (let i = 0; i < p.chunks.length; i++) {
    const c = p.chunks[i]!;
    if (i === 0 && p.anchoredStart) {
      if (c.length > parts.length || !chunkAt(c, parts, 0)) return false;
      pos = c.length;
      continue;
    }
    let found = -1;
    for (let at = pos; at + c.length <= parts.length; at++) {
      if (chunkAt(c, parts, at)) {
        found = at;
        break;
      }
    }
    if (found < 0) return false;
    pos = found + c.length;
  }
  return pos > 0 || p.chunks.length === 0;
}

function tfGlob(glob: string): Glob {
  let g = tfCache.get(glob);
  if (!g) {
    g = compileGlob(glob);
    tfCache.set(glob, g);
  }
  return g;
}

/**
 * True when a selector selects the policy: a path glob against `policy.path`, `terraform:<glob>`
 * against `policy.address` and the ids of the principals holding the policy, or
 * `cloudformation:<path glob>#<logical id glob>` against the template path and logical ids.
 */
export function matchesSelector(
  selector: string,
  policy: { path: string; address?: string },
  principalIds?: string[],
): boolean {
  const sel = selector.trim();
  if (sel.startsWith(TERRAFORM)) {
    const g = tfGlob(sel.slice(TERRAFORM.length).trim());
    if (policy.address !== undefined && g.matches(policy.address)) return true;
    return (principalIds ?? []).some((id) => g.matches(id));
  }
  if (sel.startsWith(CLOUDFORMATION))
    return matchesCloudFormation(sel.slice(CLOUDFORMATION.length).trim(), policy, principalIds);
  if (sel === '') return false;
  return matchPath(compilePath(sel), policy.path);
}

/** `cloudformation:` selectors: `<path glob>#<logical id glob>`, or a logical id glob alone. */
function matchesCloudFormation(
  spec: string,
  policy: { path: string; address?: string },
  principalIds?: string[],
): boolean {
  const hash = spec.lastIndexOf('#');
  const pathGlob = hash >= 0 ? spec.slice(0, hash).trim() : '';
  const idGlob = (hash >= 0 ? spec.slice(hash + 1) : spec).trim() || '*';
  if (pathGlob !== '' && !matchPath(compilePath(pathGlob), policy.path)) return false;
  const g = tfGlob(idGlob);
  // Principal ids of templates are `<path>#<logical id>`; policy addresses are logical ids.
  const local = (id: string) => (id.startsWith(`${policy.path}#`) ? id.slice(policy.path.length + 1) : id);
  const candidates: string[] = [];
  if (policy.address !== undefined) {
    const a = local(policy.address);
    candidates.push(a, a.split('.')[0]!);
  }
  for (const id of principalIds ?? []) candidates.push(local(id));
  return candidates.some((c) => g.matches(c));
}

/** True when any of the selectors selects the policy. */
export function matchesAnySelector(
  selectors: readonly string[],
  policy: { path: string; address?: string },
  principalIds?: string[],
): boolean {
  return selectors.some((s) => matchesSelector(s, policy, principalIds));
}

// ---------------------------------------------------------------------------------------------
// Ignore rules

export interface IgnoreRuleLike {
  /** IAM action pattern, case-insensitive (`ec2:DescribeRegions`, `logs:*`). */
  action: string;
  /** Selectors; absent: every policy. */
  policies?: string[];
  reason: string;
  /** Last day the rule applies (YYYY-MM-DD, UTC). */
  expires?: string;
}

export interface FindingLike {
  /** Concrete actions of the finding; the rule must cover all of them. */
  actions: string[];
  path: string;
  /**
   * The file the policy itself is written in, when the finding points into another (a `.tf`
   * policy read with file() or templatefile(), a statement of a policy document in another file):
   * a path selector selects either.
   */
  policyPath?: string;
  address?: string;
  /** Ids of the principals holding the policy, for `terraform:` selectors on principals. */
  principalIds?: string[];
}

/** True when the rule's action pattern covers the action (IAM wildcards, case-insensitive). */
export function ruleCoversAction(rule: { action: string }, action: string): boolean {
  return actionMatcher(rule.action)(action);
}

/** `YYYY-MM-DD` of a date in UTC. */
function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Whether an ignore rule hides a finding: 'applies' when its action pattern covers every action of
 * the finding (a finding without actions only by `*`) and its selectors select the policy;
 * 'expired' when it would apply but `expires` is before `now` (UTC day); 'no' otherwise.
 */
export function ignoreApplies(
  rule: IgnoreRuleLike,
  finding: FindingLike,
  now: Date,
): 'applies' | 'expired' | 'no' {
  const c = ignoreCoverage(rule, finding, now);
  return c.covered === 'all' ? (c.expired ? 'expired' : 'applies') : 'no';
}

/**
 * What an ignore rule covers of a finding whose policy its selectors select: `all` of its actions
 * (a finding without actions only by `*`), `some` of them (`actions`: those, in the finding's
 * order), or `none` (also when the selectors do not select the policy). `expired` when `expires`
 * is before `now` (UTC day).
 */
export function ignoreCoverage(
  rule: IgnoreRuleLike,
  finding: FindingLike,
  now: Date,
): { covered: 'all' | 'some' | 'none'; actions?: string[]; expired: boolean } {
  const expired = rule.expires !== undefined && rule.expires < utcDay(now);
  const none = { covered: 'none' as const, expired };
  const all = finding.actions;
  const actions = all.filter((a) => ruleCoversAction(rule, a));
  const covered =
    all.length === 0
      ? rule.action.trim() === '*'
        ? 'all'
        : 'none'
      : actions.length === all.length
        ? 'all'
        : actions.length > 0
          ? 'some'
          : 'none';
  if (covered === 'none') return none;
  if (rule.policies && rule.policies.length > 0) {
    const policy = {
      path: finding.path,
      ...(finding.address !== undefined ? { address: finding.address } : {}),
    };
    if (
      !matchesAnySelector(rule.policies, policy, finding.principalIds) &&
      !(
        finding.policyPath !== undefined &&
        finding.policyPath !== finding.path &&
        matchesAnySelector(rule.policies, { ...policy, path: finding.policyPath }, finding.principalIds)
      )
    )
      return none;
  }
  return covered === 'some' ? { covered, actions, expired } : { covered, expired };
}
