// The report model shared by the renderers (Markdown, text, SARIF) and the action: which findings
// count, which are new, how they are grouped and ordered. Pure: no I/O.
import {
  SEVERITIES,
  type Finding,
  type FindingKind,
  type Report,
  type ReportInput,
  type ReportPolicy,
  type Severity,
} from '../core/types.js';
import { findingActionSet } from '../audit/finding-set.js';
import { isExcess, KIND_ORDER, type KindInfo } from '../audit/kinds.js';
import { isAwsManagedPolicyArn } from '../sources/managed-policies.js';

export { isExcess, KIND_INFO, KIND_ORDER, type KindInfo } from '../audit/kinds.js';

const SEVERITY_RANK = new Map<Severity, number>(SEVERITIES.map((s, i) => [s, i]));

export function severityRank(s: Severity): number {
  return SEVERITY_RANK.get(s) ?? -1;
}

export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

export interface FindingBuckets {
  /** True when at least one finding carries `new`: the audit compared against a base. */
  hasBase: boolean;
  /**
   * New in this change (with a base), or every current finding (without one). Not ignored, not
   * removed. With a base, an excess finding that was not compared (`new` absent: a file the base
   * does not cover, such as a policy file beside a plan that carries its own `before`) counts as
   * new, as it would in an audit without a base: only a comparison can call a finding old.
   */
  current: Finding[];
  /**
   * With a base: findings that the base already had (`new: false`), and the informational ones,
   * which are not compared.
   */
  preexisting: Finding[];
  /** Permissions this change removes (`finding.removed`). */
  removed: Finding[];
  /** Hidden by an ignore rule: listed, never counted. */
  ignored: Finding[];
}

export function bucketFindings(findings: readonly Finding[]): FindingBuckets {
  const hasBase = findings.some((f) => f.new !== undefined);
  const buckets: FindingBuckets = { hasBase, current: [], preexisting: [], removed: [], ignored: [] };
  for (const f of findings) {
    if (f.ignored) buckets.ignored.push(f);
    else if (f.removed) buckets.removed.push(f);
    else if (!hasBase || f.new === true || (f.new === undefined && isExcess(f))) buckets.current.push(f);
    else buckets.preexisting.push(f);
  }
  return buckets;
}

export interface KindGroup {
  kind: FindingKind;
  findings: Finding[];
}

export interface PolicyGroup {
  /** Policy id (or principal id). */
  id: string;
  /** The report's record for the policy, when there is one (a principal's: a member's, for its baseline). */
  policy?: ReportPolicy;
  /**
   * The baseline of the group's findings where it is not the record's: a policy audited against
   * two baselines (two audits of the configuration select it) has a group for each, and the
   * record's sets are the other audit's.
   */
  baseline?: string;
  path: string;
  address?: string;
  kinds: KindGroup[];
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareText(a.statement ?? '', b.statement ?? '') ||
    (actionsKey(a) === actionsKey(b) ? 0 : compareText(joinedActions(a), joinedActions(b)))
  );
}

/** localeCompare, without the collator for equal strings (0 either way). */
function compareText(a: string, b: string): number {
  return a === b ? 0 : a.localeCompare(b);
}

/** What a finding's actions are: their list, or the set they are kept as (src/audit/finding-set.ts). */
function actionsKey(f: Finding): object {
  return findingActionSet(f) ?? f.actions;
}

/** f.actions joined, made once per list or set (a NotAction finding has some 20,000 actions). */
const joined = new WeakMap<object, string>();
function joinedActions(f: Finding): string {
  const key = actionsKey(f);
  let j = joined.get(key);
  if (j === undefined) joined.set(key, (j = f.actions.join(',')));
  return j;
}

/**
 * Groups findings by policy (in the report's policy order, then by id), then by kind (KIND_ORDER),
 * each group sorted by severity (highest first), then line.
 */
export function groupFindings(findings: readonly Finding[], report: Pick<Report, 'policies'>): PolicyGroup[] {
  const order = new Map(report.policies.map((p, i) => [p.id, i]));
  const byId = new Map<string, ReportPolicy>();
  for (const p of report.policies) if (!byId.has(p.id)) byId.set(p.id, p);
  // By policy and, for a policy audited against two baselines, by baseline.
  const byPolicy = new Map<string, Finding[]>();
  for (const f of findings) {
    // (a finding of the record's baseline, or of none, is the record's group)
    const b = f.baseline !== undefined && f.baseline !== byId.get(f.policy)?.baseline ? f.baseline : '';
    const key = `${f.policy}\u0000${b}`;
    const list = byPolicy.get(key);
    if (list) list.push(f);
    else byPolicy.set(key, [f]);
  }
  // Each policy's place looked up once, not in every comparison.
  const keys = [...byPolicy.keys()]
    .map((key) => ({ key, rank: order.get(key.slice(0, key.indexOf('\u0000'))) ?? Infinity }))
    .sort((a, b) => a.rank - b.rank || a.key.localeCompare(b.key))
    .map((x) => x.key);
  return keys.map((key) => {
    const id = key.slice(0, key.indexOf('\u0000'));
    const list = byPolicy.get(key)!;
    const policy = byId.get(id);
    const b = key.slice(id.length + 1);
    const other = b !== '' && policy !== undefined ? b : undefined;
    // By kind in one pass (each kept in order), then each sorted.
    const byKind = new Map<FindingKind, Finding[]>();
    for (const f of list) {
      const ofKind = byKind.get(f.kind);
      if (ofKind) ofKind.push(f);
      else byKind.set(f.kind, [f]);
    }
    const kinds: KindGroup[] = [];
    for (const kind of KIND_ORDER) {
      const ofKind = byKind.get(kind);
      if (ofKind) kinds.push({ kind, findings: ofKind.length > 1 ? ofKind.sort(compareFindings) : ofKind });
    }
    // A principal audited as a whole: its findings' policy is its id (an address or ARN, or
    // `path#address` where two files hold the same address), no policy's, and its findings name
    // other addresses (its members'); the heading names it, with the baseline of its member
    // policies (each finding names its own member: text and Markdown), not its first member's
    // address. (A finding of a policy that could not be read is `path#address` of that address.)
    const first = list[0]!;
    const own = id.startsWith(`${first.path}#`) ? id.slice(first.path.length + 1) : id;
    if (!policy && id !== first.path && list.some((f) => f.address !== undefined && f.address !== own)) {
      // (a member shared with a principal audited against another baseline has that one's record:
      // the heading names the baseline of the findings, with a member's sets only when it is its)
      const wanted = list.find((f) => f.baseline !== undefined)?.baseline;
      const members = report.policies.filter(
        (p) => p.baseline && list.some((f) => f.path === p.path && f.address === p.address),
      );
      const member = members.find((p) => wanted === undefined || p.baseline === wanted);
      const baseline = member === undefined && wanted !== undefined ? { baseline: wanted } : {};
      // (a role's file is its trust policy's: its members may be in another file, a module's)
      const trust = report.policies.find(
        (p) =>
          p.kind === 'trust' &&
          p.address !== undefined &&
          (`${p.path}#${p.address}` === id || p.address === id),
      );
      if (trust) return { id, policy: member, path: trust.path, address: trust.address, kinds, ...baseline };
      return { id, policy: member, path: first.path, address: own, kinds, ...baseline };
    }
    const g: PolicyGroup = {
      id,
      policy,
      path: policy?.path ?? first.path,
      address: policy?.address ?? first.address,
      kinds,
    };
    if (other !== undefined) g.baseline = other;
    return g;
  });
}

export { addressLabel } from '../core/labels.js';

/**
 * An input read in full that holds no policy and says why (`no IAM policies in this file`: a plan,
 * state or template without IAM resources). Listed with the inputs not audited, so that every
 * input has a line; `.tf` files of a module (variables, outputs) give no reason and are not listed.
 */
export function heldNothing(i: ReportInput): boolean {
  return i.status === 'audited' && i.policies.length === 0 && i.reason !== undefined;
}

/** Counts per severity, highest first, as `2 high, 1 medium`. */
export function severityCounts(findings: readonly Finding[]): string {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return [...SEVERITIES]
    .reverse()
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
}

/**
 * The files an audit read (its inputs, less the entries of one policy of a file: a Terraform
 * block with no instance, `file.tf#address`, listed as skipped): "from 3 inputs", not 904 (a review).
 */
export function inputFiles(report: Pick<Report, 'inputs'>): number {
  const paths = new Set(report.inputs.map((i) => i.path));
  // (an entry `file#address` whose file is an input itself; a file named `p#1.json` is one)
  const ofAFile = (p: string) => {
    for (let at = p.indexOf('#'); at > 0; at = p.indexOf('#', at + 1))
      if (paths.has(p.slice(0, at))) return true;
    return false;
  };
  return [...paths].filter((p) => !ofAFile(p)).length;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function distinctPolicies(findings: readonly Finding[]): number {
  // By policy, file and address: a role audited as a whole counts each of its policies, not itself.
  // Nested tables of the fields as they are, not a key made of them per finding.
  const seen = new Map<string, Map<string, Set<string>>>();
  let n = 0;
  for (const f of findings) {
    let byPath = seen.get(f.policy);
    if (!byPath) seen.set(f.policy, (byPath = new Map()));
    let addresses = byPath.get(f.path);
    if (!addresses) byPath.set(f.path, (addresses = new Set()));
    const address = f.address ?? '';
    if (!addresses.has(address)) {
      addresses.add(address);
      n++;
    }
  }
  return n;
}

/**
 * Leftover-set findings in parts, one per set, each kept in order: first the sets of a step that
 * is over (setup sets), then the unchosen alternatives (`choice`), then the optional features
 * (`feature`), which are kept if the feature is used; within each, the sets in the order of their
 * first finding (the findings come sorted, most severe first). So each set's heading and note sit
 * above its own findings.
 */
export function splitLeftovers(findings: readonly Finding[]): Finding[][] {
  const over = new Map<string, Finding[]>();
  const alternatives = new Map<string, Finding[]>();
  const features = new Map<string, Finding[]>();
  for (const f of findings) {
    const into = f.feature ? features : f.choice !== undefined ? alternatives : over;
    const key = f.set ?? '';
    const part = into.get(key);
    if (part) part.push(f);
    else into.set(key, [f]);
  }
  return [...over.values(), ...alternatives.values(), ...features.values()];
}

/** The title and advice of a part of leftover-set findings (splitLeftovers): its kind's, by what the set is. */
/**
 * The optional features a policy's minimal policy leaves out, per policy: those of its findings
 * (not ignored, not removed) about a feature it grants only in part, or more widely than the
 * feature allows. A suggestion and `fix` name them.
 */
export function featuresLeftOut(findings: readonly Finding[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of findings)
    if (f.feature && !f.ignored && !f.removed)
      (out.get(f.policy) ?? out.set(f.policy, new Set()).get(f.policy)!).add(f.feature);
  return out;
}

/**
 * For a group of optional-feature findings, how to say the features are in use: the sets the
 * policy is held to with the features added (`ongoing,ecr`), for an audit's `sets:` in the
 * configuration; undefined for other findings, or a group whose policy's sets are not known.
 */
export function featureSets(part: readonly Finding[], g: PolicyGroup): string | undefined {
  const features = [...new Set(part.map((f) => f.feature).filter((x): x is string => !!x))];
  const held = g.baseline === undefined ? g.policy?.sets : undefined;
  if (features.length === 0 || !held?.length || !g.policy?.baseline) return undefined;
  return [...new Set([...held, ...(g.policy?.features ?? []), ...features])].join(',');
}

export function leftoverWords(first: Finding, info: KindInfo): { title: string; advice: string } {
  if (first.feature && info.feature) return info.feature;
  if (first.choice !== undefined && info.alternative) return info.alternative;
  return info;
}

/**
 * The approximate note the findings of one policy share, shown once above them instead of on each
 * (a Terraform policy rebuilt from a template repeats its list of interpolations read as wildcards
 * on every finding): the note most of them carry whole (the shortest of those), when at least two
 * do, as their note or as its last part (the engine writes a policy's note after a finding's own, joined
 * by "; "). `all`: every finding of the group carries it.
 */
export interface SharedNote {
  text: string;
  all: boolean;
}

export function sharedApproximate(g: PolicyGroup): SharedNote | undefined {
  let total = 0;
  const notes = new Set<string>();
  for (const k of g.kinds)
    for (const f of k.findings) {
      total++;
      if (f.approximate !== undefined) notes.add(f.approximate);
    }
  if (notes.size === 0) return undefined;
  // The note most findings carry (the shortest of those): a policy's missing permissions share one
  // that its other findings do not. Of many distinct notes, only the shortest is weighed.
  const candidates = [...notes].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  let best: SharedNote | undefined;
  let most = 1;
  for (const text of candidates.slice(0, MAX_SHARED_CANDIDATES)) {
    let carry = 0;
    for (const k of g.kinds) for (const f of k.findings) if (carries(f.approximate, text)) carry++;
    if (carry > most) {
      most = carry;
      best = { text, all: carry === total };
    }
  }
  return best;
}

/** sharedApproximate weighs at most so many distinct notes of one policy. */
const MAX_SHARED_CANDIDATES = 16;

const carries = (note: string | undefined, shared: string): boolean =>
  note !== undefined && (note === shared || note.endsWith(`; ${shared}`));

/**
 * A finding's approximate note with the policy's shared note taken out: `own`, what is left of
 * it (undefined when nothing), and `shared`, whether it carries the shared note.
 */
export function ownApproximate(
  f: Finding,
  shared: SharedNote | undefined,
): { own: string | undefined; shared: boolean } {
  if (!shared || !carries(f.approximate, shared.text)) return { own: f.approximate, shared: false };
  const own = f.approximate!.slice(0, f.approximate!.length - shared.text.length);
  return { own: own === '' ? undefined : own.slice(0, -2), shared: true };
}

/** The words that lead a policy's shared note, above its findings. */
export function sharedNoteLead(shared: SharedNote): string {
  return `approximate, ${shared.all ? 'every finding below' : 'the findings below that say so'}`;
}

/**
 * A finding's approximate note as its line shows it, with `esc` the renderer's escaping: its own
 * part, and "as noted above" where it carries a shared note that not every finding does; undefined
 * when there is nothing to say (no note, or only the shared note every finding carries).
 */
export function approximateText(
  f: Finding,
  shared: SharedNote | undefined,
  esc: (s: string) => string,
): string | undefined {
  if (!f.approximate) return undefined;
  const { own, shared: carries } = ownApproximate(f, shared);
  if (carries && !shared!.all) return own ? `${esc(own)}; and as noted above` : 'as noted above';
  return own && esc(own);
}

/**
 * The audited policies with no finding of any kind (not even an ignored or informational one), in
 * the report's order: what a report names as audited clean, so that a policy that was checked is
 * seen to be. A finding counts for its policy id and for the policy it points at (a principal's
 * finding names the member policy by path and address).
 */
export function cleanPolicies(report: Pick<Report, 'policies' | 'findings'>): ReportPolicy[] {
  const ids = new Set<string>();
  for (const p of report.policies) ids.add(p.id);
  const withFindings = new Set<string>();
  // Members named by path and address: only a principal's findings need it (their id is no policy's).
  // By address alone too where no other policy has that address, else by address and folder: a
  // finding's path is its statement's file, which for a policy read through file() is not the
  // policy's.
  const members = new Set<string>();
  const addresses = new Set<string>();
  const dir = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
  for (const f of report.findings) {
    withFindings.add(f.policy);
    if (!ids.has(f.policy)) {
      members.add(`${f.path}\u0000${f.address ?? ''}`);
      if (f.address !== undefined) {
        addresses.add(f.address);
        members.add(`${dir(f.path)}/\u0000${f.address}`);
      }
    }
  }
  const seen = new Map<string, number>();
  if (addresses.size)
    for (const p of report.policies)
      if (p.address !== undefined) seen.set(p.address, (seen.get(p.address) ?? 0) + 1);
  return report.policies.filter(
    (p) =>
      p.status === 'audited' &&
      !withFindings.has(p.id) &&
      (members.size === 0 ||
        (!members.has(`${p.path}\u0000${p.address ?? ''}`) &&
          (p.address === undefined ||
            (seen.get(p.address) === 1
              ? !addresses.has(p.address)
              : !members.has(`${dir(p.path)}/\u0000${p.address}`))))),
  );
}

/** Clean policies a report names, at most: the rest are counted. */
export const MAX_CLEAN_SHOWN = 20;

/**
 * Where a removed finding was, said of the policy before the change (its path and line are the
 * base's, or a plan's `before`), and what deleted it when the change deleted its policy (the audit
 * writes `Removed (infra/a.json was deleted): …`).
 */
export function removedNote(f: Finding): string {
  const deleted = /^Removed \(([^)]*)\): /.exec(f.message)?.[1];
  return deleted ? `before the change; ${deleted}` : 'before the change';
}

/**
 * Why no policy of a report was audited, in a few words and with what to do: how many matched no
 * baseline (pass one), how many could not be read (their reasons are listed) or are invalid.
 */
export function whyNoneAudited(policies: readonly ReportPolicy[]): string {
  const count = (s: ReportPolicy['status']) => policies.filter((p) => p.status === s).length;
  // (a role's trust policy is held to a vendor's trust only beside the vendor's permissions)
  const trusts = policies.filter((p) => p.status === 'not-matched' && p.kind === 'trust').length;
  const unmatched = count('not-matched') - trusts;
  const unresolved = count('unresolved');
  const invalid = count('invalid');
  const parts: string[] = [];
  if (unmatched)
    parts.push(
      `${plural(unmatched, 'policy', 'policies')} matched no baseline (a vendor's? name its baseline: --baseline NAME, or the configuration)`,
    );
  if (trusts)
    parts.push(
      `${plural(trusts, 'trust policy', 'trust policies')} (who may assume a role: held to a vendor's trust only beside its permissions)`,
    );
  if (unresolved)
    parts.push(`${plural(unresolved, 'policy', 'policies')} could not be read as written (see why above)`);
  if (invalid)
    parts.push(`${plural(invalid, 'policy', 'policies')} ${invalid === 1 ? 'is' : 'are'} not valid`);
  return parts.join('; ');
}

/**
 * What to do with an AWS managed policy's findings, said once above them: it cannot be edited (a
 * first-contact review: "delete them" under SecurityAudit, which no one can). None where the
 * group has only missing permissions.
 */
export function managedPolicyAdvice(g: PolicyGroup): string | undefined {
  const address = g.address ?? g.policy?.address;
  if (!address || !isAwsManagedPolicyArn(address)) return undefined;
  if (g.kinds.every((k) => k.kind === 'missing-permission')) return undefined;
  return 'An AWS managed policy cannot be edited: to remove what it grants beyond the baseline, detach it and attach a policy of your own with what the baseline needs (the suggested minimal policy, in the Markdown and JSON reports).';
}

/**
 * The detection behind a policy's baseline, when the baseline was detected (neither a
 * configuration's audit nor `--baseline` named it): the record's detection, where it is of the
 * baseline shown (`baseline`, default the record's) and the policy was audited against it.
 * Undefined for a named baseline, and for a policy not audited (its detection is the best
 * candidate, which its reason already gives).
 */
export function detectedBaseline(
  p: ReportPolicy | undefined,
  baseline: string | undefined = p?.baseline,
): NonNullable<ReportPolicy['detection']> | undefined {
  const d = p?.detection;
  if (!d || p.status !== 'audited' || baseline === undefined || d.baseline !== baseline) return undefined;
  return d;
}

/** Characters of a detection's evidence a heading shows at most (the JSON report has it whole). */
export const MAX_EVIDENCE_SHOWN = 160;

/** `value` cut to `max` characters and `…` (not inside a surrogate pair). */
function clipped(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const c = value.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

/**
 * The kinds of detection evidence (src/baselines/detect.ts), strongest first: the vendor's AWS
 * account, a vendor's name, the policy's actions, its Sids. An item of an earlier version's
 * evidence starts with that version's id (`coiled@2022: actions: …`).
 */
const CLUE_KINDS = ['account', 'name', 'actions', 'Sids'] as const;
const CLUE = /^(?:[^\s:]+@[^\s:]+: )?(account|name|actions|Sids): /;

/**
 * How a heading says its baseline was detected, with `esc` the renderer's escaping (every
 * evidence string goes through it): `detected, confidence 0.51`, and with `evidence` its strongest
 * item (CLUE_KINDS; else its first) up to its first `; ` (`actions: 73% of the policy's action
 * patterns are in skypilot`), clipped, then the other kinds of clue it has (`; also name, Sids`):
 * a match on actions alone says no more. The JSON report has the evidence whole. One wording for
 * text and Markdown.
 */
export function detectedText(
  d: NonNullable<ReportPolicy['detection']>,
  esc: (s: string) => string,
  evidence = true,
): string {
  const out = `detected, confidence ${d.confidence.toFixed(2)}`;
  if (!evidence || d.evidence.length === 0) return out;
  const kinds = new Map<string, string>();
  for (const e of d.evidence) {
    const kind = CLUE.exec(e)?.[1];
    if (kind !== undefined && !kinds.has(kind)) kinds.set(kind, e);
  }
  const strongest = CLUE_KINDS.find((k) => kinds.has(k));
  const shown = strongest === undefined ? d.evidence[0]! : kinds.get(strongest)!;
  if (shown === '') return out;
  const cut = shown.indexOf('; ');
  const also = CLUE_KINDS.filter((k) => k !== strongest && kinds.has(k));
  return `${out} — ${esc(clipped(cut > 0 ? shown.slice(0, cut) : shown, MAX_EVIDENCE_SHOWN))}${also.length ? `; also ${also.join(', ')}` : ''}`;
}

/** Whether a report has a policy audited against a detected baseline (detectedBaseline). */
export function anyDetected(report: Pick<Report, 'policies'>): boolean {
  return report.policies.some((p) => detectedBaseline(p) !== undefined);
}

/**
 * The line a report gives once, under the policies, where a baseline was detected: what
 * "detected" means and how to name the baseline instead (README, Configuration). Words of ours
 * only; `code` sets a name in the renderer's code style; `action`: the Markdown report, read in a
 * workflow, names the action's `baseline` input beside `--baseline`.
 */
export function detectedOverride(code: (s: string) => string, action = false): string {
  const every = action
    ? `the action's ${code('baseline')} input (${code('--baseline ID')})`
    : code('--baseline ID');
  return `Detected baselines are inferred from the policies: to name one instead, add an audit to ${code('.github/iam-baseline-audit.yml')} (${code('audits: [{baseline: ID, policies: [PATH]}]')}; ${code('baseline: none')} for a policy that is no vendor's), or give every policy one with ${every}.`;
}
