// Suggested changes in the pull request: one review whose comments are GitHub suggestions (a
// ```suggestion block replacing exactly the lines concerned) made from the fixes of src/fix, on
// lines inside the pull request's diff only. Sticky: each comment carries a hidden marker with a
// key of its place and content; ours (marker AND author, as for the main comment) are kept when
// still wanted and unchanged, edited when their text changed, deleted when no longer wanted; the
// new ones go out in one review. At most MAX_REVIEW_COMMENTS per run, most severe first.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Finding, InputResult, Report, Severity } from '../core/types.js';
import { escapeMarkdown as md, hiddenMarker } from '../core/escape.js';
import { partGrantsNoMore, type FileFix, type FixPlan } from '../fix/index.js';
import { hclModuleReader } from '../fix/hcl.js';
import { actionCount } from '../audit/finding-set.js';
import { isExcess, plural, severityRank, splitLeftovers } from '../report/group.js';
import { parseSource } from '../sources/index.js';
import { SEVERITY_ICON, type NoSuggestion } from '../report/markdown.js';
import { isAuthor, resolveIdentity, type Octokit } from './comment.js';
import type { LineRange, PrDiff } from './pr-diff.js';
import {
  changeBlock,
  changedRegions,
  planSuggestions,
  replacementLines,
  splitLines,
  suggestionBlock,
  applySuggestions,
  hidesText,
  type PlannedSuggestion,
  type Region,
} from './suggest.js';

/** src/fix's planFixes, or a stand-in (tests). */
export type PlanFixes = (report: Report, read: (path: string) => string | undefined) => FixPlan;

export type ReviewMode = 'suggest' | 'comment' | 'off';
export const REVIEW_MODES: readonly ReviewMode[] = ['suggest', 'comment', 'off'];

/** Most review comments one run keeps on the pull request. */
export const MAX_REVIEW_COMMENTS = 20;
/** A body longer than this is not posted (GitHub refuses 65,536 characters). */
const MAX_BODY = 60_000;
/** Most policies of one file whose fixes are worked out one by one (to say which comment fixes which). */
const MAX_SOLO = 50;

/** One review comment this run wants on the pull request. */
export interface WantedComment {
  /** Fingerprint of its place and change: the sticky key. */
  id: string;
  /** From the repository's top. */
  path: string;
  start: number;
  end: number;
  severity: Severity;
  /** The highest severity of its file's comments: a file's comments are ranked, kept or left out together. */
  rank: Severity;
  body: string;
  /** The lines it replaces, and what replaces them. */
  original: string[];
  replacement: string[];
  findings: Finding[];
}

export interface ReviewPlan {
  /** Every comment wanted, most severe first (the caller keeps MAX_REVIEW_COMMENTS). */
  comments: WantedComment[];
  /** Report paths of findings no comment resolves (they stay in the main comment only). */
  outside: string[];
  /**
   * The files with new findings (those the pull request adds) that no comment resolves, by why:
   * what the main comment says in a line each.
   */
  noSuggestion: NoSuggestion[];
}

export interface PlanInput {
  report: Report;
  /** Report path → the file's text (only files readable and identical to the pull request's head). */
  texts: ReadonlyMap<string, string>;
  diff: PrDiff;
  /** The audit root's place in the repository (`infra/`, or ''). */
  prefix: string;
  planFixes: PlanFixes;
  mode: Exclude<ReviewMode, 'off'>;
  /** The comment key (`comment-key`): one set of review comments per key. */
  key: string;
  /** Reads any other file of the checkout by its report path (a `.tf` module's other files). */
  readOther?: (path: string) => string | undefined;
  /**
   * Checks a file with only part of its fix applied (default: validFile, through the sources stage;
   * a `.tf` file's module read again, as validHclFile).
   */
  validate?: Validate;
}

/** Findings a fix is asked for: counted excess, not ignored, not removed. */
export function fixable(f: Finding): boolean {
  return !f.ignored && !f.removed && isExcess(f);
}

/**
 * What src/fix reads: the files to fix as the head has them, any other (a `.tf` module's other
 * files, read again to verify a rewrite) from the checkout.
 */
function reader(input: PlanInput): (path: string) => string | undefined {
  return (p) => (input.texts.has(p) ? input.texts.get(p) : input.readOther?.(p));
}

/** The report with only the suggested minimal policies of `policies` (what src/fix rewrites). */
function withPolicies(report: Report, policies: ReadonlySet<string>): Report {
  return { ...report, suggestions: report.suggestions.filter((s) => policies.has(s.policy)) };
}

/** The old lines a region touches (an insertion: the lines on both sides of it). */
function regionSpan(r: Region): LineRange {
  return r.oldCount > 0
    ? { start: r.oldStart, end: r.oldStart + r.oldCount - 1 }
    : { start: r.oldStart - 1, end: r.oldStart };
}

function touches(regions: readonly Region[], s: LineRange): boolean {
  return regions.some((r) => {
    const span = regionSpan(r);
    return span.start <= s.end && s.start <= span.end;
  });
}

function maxSeverity(findings: readonly Finding[]): Severity {
  let best: Severity = 'info';
  for (const f of findings) if (severityRank(f.severity) > severityRank(best)) best = f.severity;
  return best;
}

const MAX_LISTED = 8;

function listActions(actions: readonly string[]): string {
  const shown = actions.slice(0, MAX_LISTED).map((a) => md(a));
  return (
    shown.join(', ') + (actions.length > MAX_LISTED ? `, … and ${actions.length - MAX_LISTED} more` : '')
  );
}

/** The findings' actions, once each: a finding with few actions first (a wildcard's hundreds last). */
function unionActions(findings: readonly Finding[]): string[] {
  const sorted = [...findings].sort((a, b) => actionCount(a) - actionCount(b));
  return [...new Set(sorted.flatMap((f) => f.actions))];
}

/** `coiled` ongoing: the baseline and the policy's active sets. */
function against(report: Report, findings: readonly Finding[]): string {
  const f = findings[0];
  if (!f?.baseline) return 'the baseline';
  const sets = report.policies.find((p) => p.id === f.policy)?.sets ?? [];
  return `${md(f.baseline)}${sets.length ? ` ${sets.map((s) => md(s, 'text')).join(', ')}` : ''}`;
}

/**
 * What the change does and why, in one line (escaped). `removes`: the change deletes its lines
 * (nothing replaces them): a grant narrowed to nothing is said to be removed, not narrowed.
 */
export function describe(
  report: Report,
  findings: readonly Finding[],
  policies: readonly string[],
  removes = false,
): string {
  const parts: string[] = [];
  const byKind = new Map<string, Finding[]>();
  for (const f of findings) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  for (const [kind, list] of byKind) {
    const actions = unionActions(list);
    const n = actions.length;
    switch (kind) {
      case 'excess-action':
        parts.push(
          `Removes ${plural(n, 'excess action')} (not in ${against(report, list)}): ${listActions(actions)}`,
        );
        break;
      case 'leftover-set':
        // A sentence per set: a step that is over and an optional feature say different things.
        for (const part of splitLeftovers(list)) {
          const those = unionActions(part);
          const named = part[0]!.set ? md(part[0]!.set, 'text') : '';
          parts.push(
            part[0]!.feature
              ? `Removes ${plural(those.length, 'action')} of the optional feature ${named || '(unnamed)'} (keep them only if you use it): ${listActions(those)}`
              : part[0]!.choice !== undefined
                ? `Removes ${plural(those.length, 'action')} that only ${named ? `${named}, another alternative than the one this policy is held to, needs` : 'another alternative needs'}: ${listActions(those)}`
                : `Removes ${plural(those.length, 'leftover action')} that only ${named ? `the inactive ${named} set needs` : 'an inactive set needs'}: ${listActions(those)}`,
          );
        }
        break;
      case 'broader-resource':
        parts.push(
          removes
            ? `Removes ${plural(n, 'action')} granted only where the baseline does not allow ${n === 1 ? 'it' : 'them'}: ${listActions(actions)}`
            : `Narrows the resources of ${plural(n, 'action')} to the baseline's: ${listActions(actions)}`,
        );
        break;
      case 'missing-condition':
        parts.push(
          `Adds the condition the baseline requires for ${plural(n, 'action')}: ${listActions(actions)}`,
        );
        break;
      default:
        parts.push(
          `Resolves ${plural(list.length, 'finding')}: ${list.map((f) => md(f.message, 'text')).join('; ')}`,
        );
    }
  }
  if (parts.length === 0)
    return `Completes the change to ${policies.map((p) => md(p)).join(', ') || 'this policy'} suggested beside it`;
  return parts.join('; ');
}

/** The review comment's body: marker, one line of what and why, then the suggestion (or the change shown). */
export function commentBody(options: {
  key: string;
  id: string;
  severity: Severity;
  headline: string;
  original: readonly string[];
  replacement: readonly string[];
  start: number;
  end: number;
  mode: Exclude<ReviewMode, 'off'>;
}): string {
  const { key, id, severity, headline, original, replacement, start, end, mode } = options;
  const head = `${hiddenMarker('suggestion', key, id)}\n${SEVERITY_ICON[severity] ?? ''} **${severity}** · ${headline}`;
  // (a suggestion is the file's text as it is, applied with one click: text with characters a
  // reviewer cannot see, such as a bidi override that reorders a line, is shown as a change instead,
  // each such character written out)
  const hidden = mode === 'suggest' && hidesText(replacement, start);
  if (mode === 'suggest' && !hidden) return `${head}\n\n${suggestionBlock(replacement)}\n`;
  const lines = start === end ? `line ${start}` : `lines ${start}–${end}`;
  const why = hidden
    ? ' (shown rather than offered as a suggestion: the lines hold characters that cannot be seen, such as bidirectional controls, written out here as `\\uXXXX`)'
    : '';
  return `${head}\n\nSuggested change to ${lines}${why}:\n\n${changeBlock(original, replacement)}\n`;
}

function fingerprint(
  path: string,
  s: { start: number; end: number },
  original: string[],
  replacement: string[],
): string {
  return createHash('sha256')
    .update(JSON.stringify(['v1', path, s.start, s.end, original, replacement]))
    .digest('hex')
    .slice(0, 24);
}

/** The regions of `path` in a fix, or undefined when the fix does not touch it. */
function regionsOf(result: { files: FileFix[] }, path: string, text: string): Region[] | undefined {
  const file = result.files.find((f) => f.path === path);
  if (!file || file.before !== text || file.before === file.after) return undefined;
  return changedRegions(file.before, file.after);
}

/**
 * Is `after` still a valid file of the same kind, with every policy `before` had still there and
 * read? (For a fix applied only in part.) The default: the sources stage reads both.
 */
export type Validate = (path: string, before: string, after: string) => boolean;

/**
 * The default Validate of a policy file: the sources stage reads `after` as the same kind of input,
 * without a new error, and every policy it read in `before` is still there and read. Terraform
 * `.tf` modules are read a directory at a time, not file by file: never valid here (see
 * validHclFile, which reads the file's module).
 */
export function validFile(path: string, before: string, after: string): boolean {
  try {
    const a = parseSource({ path, text: before }, true).result;
    if (a.status !== 'audited' || a.kind === 'terraform-hcl' || a.kind === 'unknown') return false;
    const b = parseSource({ path, text: after }, true).result;
    if (b.kind !== a.kind || b.status !== 'audited' || b.errors.length > a.errors.length) return false;
    const read = new Set(b.policies.filter((p) => p.status === 'resolved').map((p) => p.id));
    return a.policies.every((p) => p.status !== 'resolved' || read.has(p.id));
  } catch {
    return false;
  }
}

/** A `.tf` file's module read again with the file's text given (each text read once). */
type ModuleWith = (text: string) => InputResult[];

function moduleWith(report: Report, read: (path: string) => string | undefined, path: string): ModuleWith {
  const readModule = hclModuleReader(report, read);
  const memo = new Map<string, InputResult[]>();
  return (text) => {
    let r = memo.get(text);
    if (!r) {
      r = readModule({ [path]: text });
      memo.set(text, r);
    }
    return r;
  };
}

/**
 * The Validate of a `.tf` file, whose policies its module makes: the module (its other files as
 * `read` has them) read again with `after` in the file's place (src/sources/hcl, as the audit
 * reads it) has no new error nor input in error (a syntax error leaves the file out), and every
 * policy read with `before` is still there and read.
 */
export function validHclFile(report: Report, read: (path: string) => string | undefined): Validate {
  return (path, before, after) => validModule(moduleWith(report, read, path), before, after);
}

function validModule(module: ModuleWith, before: string, after: string): boolean {
  try {
    const a = module(before);
    const b = module(after);
    const errors = (rs: InputResult[]) => rs.reduce((n, r) => n + r.errors.length, 0);
    const failed = (rs: InputResult[]) => rs.filter((r) => r.status === 'error').length;
    if (errors(b) > errors(a) || failed(b) > failed(a)) return false;
    const read = new Set(
      b
        .flatMap((r) => r.policies)
        .filter((p) => p.status === 'resolved')
        .map((p) => p.id),
    );
    return a.flatMap((r) => r.policies).every((p) => p.status !== 'resolved' || read.has(p.id));
  } catch {
    return false;
  }
}

/** Which of the file's policies each suggestion changes (each policy's fix worked out alone). */
function policiesBySuggestion(
  input: PlanInput,
  file: FileFix,
  planned: readonly PlannedSuggestion[],
): Map<PlannedSuggestion, string[]> {
  const out = new Map<PlannedSuggestion, string[]>();
  if (file.policies.length === 1 || file.policies.length > MAX_SOLO) {
    for (const s of planned) out.set(s, [...file.policies]);
    return out;
  }
  const read = reader(input);
  for (const s of planned) out.set(s, []);
  for (const policy of file.policies) {
    const regions =
      regionsOf(
        input.planFixes(withPolicies(input.report, new Set([policy])), read),
        file.path,
        file.before,
      ) ?? [];
    for (const s of planned) if (touches(regions, s)) out.get(s)!.push(policy);
  }
  return out;
}

/** The suggestions of `planned` that are postable, when applying only those leaves a valid file that grants no more. */
function validPart(
  input: PlanInput,
  file: FileFix,
  planned: readonly PlannedSuggestion[],
): PlannedSuggestion[] {
  const part = planned.filter((s) => s.postable);
  if (part.length === 0 || part.length === planned.length) return part;
  const lines = splitLines(file.before);
  const after = applySuggestions(
    file.before,
    part.map((s) => ({ start: s.start, end: s.end, replacement: replacementLines(lines, s) })),
  );
  // A `.tf` file's policies are read by its module: the module is read again with the part applied.
  const hcl = input.report.inputs.some((i) => i.path === file.path && i.kind === 'terraform-hcl');
  const module = hcl ? moduleWith(input.report, reader(input), file.path) : undefined;
  const records = module && ((text: string) => module(text).flatMap((r) => r.policies));
  const valid = input.validate
    ? input.validate(file.path, file.before, after)
    : module
      ? validModule(module, file.before, after)
      : validFile(file.path, file.before, after);
  // Valid, and no wider than the file was: a part may undo half of a change (delete an item of a
  // NotResource list the rest of the fix renames to Resource), which grants more alone.
  return valid && partGrantsNoMore(file.path, file.before, after, file.after, records) ? part : [];
}

/**
 * The review comments for one file's fix, placed inside the diff. When part of the fix falls
 * outside the diff: the part inside, if applying it alone leaves a valid file; else the fixes of
 * the file's policies that lie wholly inside the diff (recomputed without the others).
 */
function planFile(input: PlanInput, file: FileFix): WantedComment[] | 'too-long' | 'partly-outside' {
  const { report, diff, prefix, mode, key } = input;
  const repoPath = prefix + file.path;
  const hunks = diff.get(repoPath) ?? [];
  const text = file.before;
  const lines = splitLines(text);
  if (hunks.length === 0 || input.texts.get(file.path) !== text) return [];

  let fix = file;
  let planned = planSuggestions(lines.length, changedRegions(text, file.after), hunks);
  let chosen = validPart(input, fix, planned);
  if (chosen.length === 0 && file.policies.length > 1) {
    // Policy by policy: keep those whose whole fix is inside the diff.
    const read = reader(input);
    const inside = new Set<string>();
    for (const policy of file.policies) {
      const regions = regionsOf(
        input.planFixes(withPolicies(report, new Set([policy])), read),
        file.path,
        text,
      );
      if (regions && planSuggestions(lines.length, regions, hunks).every((s) => s.postable))
        inside.add(policy);
    }
    const again =
      inside.size > 0
        ? input.planFixes(withPolicies(report, inside), read).files.find((f) => f.path === file.path)
        : undefined;
    if (again && again.before === text && again.after !== text) {
      const p = planSuggestions(lines.length, changedRegions(text, again.after), hunks);
      if (p.every((s) => s.postable)) {
        fix = again;
        planned = p;
        chosen = p;
      }
    }
  }
  // (some of the fix inside the diff, but not valid alone: said so, not "outside the diff")
  if (chosen.length === 0) return planned.some((s) => s.postable) ? 'partly-outside' : [];

  // Which findings each comment resolves: a policy's findings, each to the first of the policy's
  // changes that ends at or after the finding's line (a statement's change lies below its start).
  const byPolicy = policiesBySuggestion(input, fix, planned);
  const attributed = new Map<PlannedSuggestion, Finding[]>(planned.map((s) => [s, []]));
  for (const policy of fix.policies) {
    const own = planned.filter((s) => byPolicy.get(s)!.includes(policy));
    if (own.length === 0) continue;
    for (const f of report.findings) {
      if (f.policy !== policy || !fixable(f)) continue;
      const target = own.find((s) => s.end >= (f.line ?? 0)) ?? own[own.length - 1]!;
      attributed.get(target)!.push(f);
    }
  }

  const out: WantedComment[] = [];
  for (const s of chosen) {
    const original = lines.slice(s.start - 1, s.end);
    const replacement = replacementLines(lines, s);
    const findings = attributed.get(s)!;
    const severity = maxSeverity(findings);
    const id = fingerprint(repoPath, s, original, replacement);
    const body = commentBody({
      key,
      id,
      severity,
      headline: describe(report, findings, byPolicy.get(s)!, replacement.length === 0),
      original,
      replacement,
      start: s.start,
      end: s.end,
      mode,
    });
    // Too long for GitHub: the file's fix is not posted in part (the rest might not be valid alone).
    if (body.length > MAX_BODY) return 'too-long';
    out.push({
      id,
      path: repoPath,
      start: s.start,
      end: s.end,
      severity,
      rank: severity,
      body,
      original,
      replacement,
      findings,
    });
  }
  return out;
}

/** Every review comment wanted, most severe first (then by path and line). */
export function planReview(input: PlanInput): ReviewPlan {
  // The policies whose fix may land in a file the caller could read as the head has it: their own
  // file, or (a `.tf` policy) another file of their module, where its policy document may be.
  const dirs = new Set([...input.texts.keys()].map((p) => posix.dirname(p)));
  const hcl = new Set(input.report.inputs.filter((i) => i.kind === 'terraform-hcl').map((i) => i.path));
  const candidates = input.report.findings.filter(
    (f) => fixable(f) && (input.texts.has(f.path) || (hcl.has(f.path) && dirs.has(posix.dirname(f.path)))),
  );
  const policies = new Set(candidates.map((f) => f.policy));
  const { files, notFixed } = input.planFixes(withPolicies(input.report, policies), reader(input));
  const comments: WantedComment[] = [];
  const placed = new Set<string>();
  const tooLong = new Set<string>();
  const partly = new Set<string>();
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!input.texts.has(file.path)) continue;
    const planned = planFile(input, file);
    if (planned === 'too-long' || planned === 'partly-outside') {
      for (const p of file.policies) (planned === 'too-long' ? tooLong : partly).add(p);
      continue;
    }
    for (const c of planned) for (const f of c.findings) placed.add(f.path);
    comments.push(...planned);
  }
  const paths = new Set(candidates.map((f) => f.path));
  // A file's comments, applied together, make its valid fix: they share the file's rank.
  const rank = new Map<string, Severity>();
  for (const c of comments) {
    const r = rank.get(c.path);
    if (r === undefined || severityRank(c.severity) > severityRank(r)) rank.set(c.path, c.severity);
  }
  for (const c of comments) c.rank = rank.get(c.path)!;
  comments.sort(
    (a, b) =>
      severityRank(b.rank) - severityRank(a.rank) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      a.start - b.start,
  );
  return {
    comments,
    outside: [...paths].filter((p) => !placed.has(p)).sort(),
    noSuggestion: noSuggestion(candidates, comments, files, notFixed, tooLong, partly),
  };
}

/**
 * Why the new findings no comment resolves have none, by file: their policy's fix would write a
 * baseline placeholder, or cannot be made in the file, or is too long for a comment, or (the fix
 * is made) lies outside the pull request's diff, or partly, its part inside not valid alone. A finding the base had is not said again (the
 * comment lists it apart), nor a file that has a comment. A file is listed once, for its first
 * reason in that order.
 */
function noSuggestion(
  candidates: readonly Finding[],
  comments: readonly WantedComment[],
  files: readonly FileFix[],
  notFixed: FixPlan['notFixed'],
  tooLong: ReadonlySet<string>,
  partly: ReadonlySet<string>,
): NoSuggestion[] {
  // (a file some comment is for is not listed: its other findings' fixes are in the comment's list)
  const placed = new Set(comments.flatMap((c) => c.findings.map((f) => f.path)));
  const fixed = new Set(files.flatMap((f) => f.policies));
  const refused = new Map<string, (typeof notFixed)[number]>();
  for (const n of notFixed) if (!refused.has(n.policy)) refused.set(n.policy, n);
  const byKey = new Map<string, NoSuggestion & { paths: string[] }>();
  const order: NoSuggestion['why'][] = [
    'placeholder',
    'not-rewritten',
    'too-long',
    'partly-outside',
    'outside-diff',
  ];
  const chosen = new Map<string, { why: NoSuggestion['why']; placeholder?: string }>();
  for (const f of candidates) {
    if (f.new === false || placed.has(f.path)) continue;
    const n = refused.get(f.policy);
    const why: { why: NoSuggestion['why']; placeholder?: string } | undefined = n
      ? n.placeholder !== undefined
        ? { why: 'placeholder', placeholder: n.placeholder }
        : { why: 'not-rewritten' }
      : tooLong.has(f.policy)
        ? { why: 'too-long' }
        : partly.has(f.policy)
          ? { why: 'partly-outside' }
          : fixed.has(f.policy)
            ? { why: 'outside-diff' }
            : undefined;
    if (!why) continue;
    const was = chosen.get(f.path);
    if (!was || order.indexOf(why.why) < order.indexOf(was.why)) chosen.set(f.path, why);
  }
  for (const [path, why] of chosen) {
    const key = `${why.why}\u0000${why.placeholder ?? ''}`;
    const entry = byKey.get(key) ?? byKey.set(key, { ...why, paths: [] }).get(key)!;
    entry.paths.push(path);
  }
  return [...byKey.values()]
    .map((n) => ({ ...n, paths: n.paths.sort() }))
    .sort(
      (a, b) =>
        order.indexOf(a.why) - order.indexOf(b.why) ||
        ((a.placeholder ?? '') < (b.placeholder ?? '')
          ? -1
          : (a.placeholder ?? '') > (b.placeholder ?? '')
            ? 1
            : 0),
    );
}

/**
 * The comments one run posts: whole files, most severe first, while they fit in `max` (a file's
 * comments are never split: applied in part, a fix may not be valid). The rest are counted.
 */
export function selectComments(
  comments: readonly WantedComment[],
  max = MAX_REVIEW_COMMENTS,
): { kept: WantedComment[]; left: number } {
  const kept: WantedComment[] = [];
  let left = 0;
  const files: WantedComment[][] = [];
  for (const c of comments) {
    const last = files[files.length - 1];
    if (last && last[0]!.path === c.path) last.push(c);
    else files.push([c]);
  }
  for (const file of files) {
    if (kept.length + file.length <= max) kept.push(...file);
    else left += file.length;
  }
  return { kept, left };
}

// ---------------------------------------------------------------------------------------------
// Keeping the review comments in step

export interface ReviewTarget {
  owner: string;
  repo: string;
  pull: number;
  /** The pull request's head commit: the new review is made on it. */
  headSha: string;
}

interface ApiReviewComment {
  id: number;
  body?: string | null;
  path?: string;
  line?: number | null;
  user: { login?: string; type?: string } | null;
}

export interface SyncResult {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

/** The id in our marker at the start of `body`, when it is ours for `key`. */
export function markerId(body: string, key: string): string | undefined {
  const prefix = hiddenMarker('suggestion', key, '').replace(/ id= -->$/, ' id=');
  if (!body.startsWith(prefix)) return undefined;
  const m = /^([A-Za-z0-9_.%-]+) -->/.exec(body.slice(prefix.length));
  return m?.[1];
}

function normalise(body: string): string {
  return body.replace(/\r\n/g, '\n').trim();
}

function status(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/**
 * Makes our review comments on the pull request the `wanted` ones: unchanged ones untouched, the
 * changed ones edited, the new ones posted in one review, ours no longer wanted deleted. Nothing is
 * written when nothing changed. `onError` is told of each failed write (the others still run).
 */
export async function syncReview(
  octokit: Octokit,
  target: ReviewTarget,
  wanted: readonly WantedComment[],
  options: { key: string; identity?: string; onError: (what: string, err: unknown) => void },
): Promise<SyncResult> {
  const { owner, repo, pull } = target;
  const identity = options.identity ?? (await resolveIdentity(octokit));
  const all = (await octokit.paginate(octokit.rest.pulls.listReviewComments, {
    owner,
    repo,
    pull_number: pull,
    per_page: 100,
  })) as ApiReviewComment[];
  const ours = all
    .map((c) => ({ c, id: markerId(c.body ?? '', options.key) }))
    .filter(
      (x): x is { c: ApiReviewComment; id: string } => x.id !== undefined && isAuthor(x.c.user, identity),
    );

  const result: SyncResult = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
  const used = new Set<ApiReviewComment>();
  const toCreate: WantedComment[] = [];
  const toUpdate: { c: ApiReviewComment; w: WantedComment }[] = [];
  for (const w of wanted) {
    // An outdated comment (`line: null`) no longer sits on the lines it is about: posted again.
    const match = ours.find(
      (o) => o.id === w.id && !used.has(o.c) && o.c.path === w.path && o.c.line != null,
    );
    if (!match) {
      toCreate.push(w);
      continue;
    }
    used.add(match.c);
    if (normalise(match.c.body ?? '') === normalise(w.body)) result.unchanged++;
    else toUpdate.push({ c: match.c, w });
  }

  for (const { c, w } of toUpdate) {
    try {
      await octokit.rest.pulls.updateReviewComment({ owner, repo, comment_id: c.id, body: w.body });
      result.updated++;
    } catch (err) {
      options.onError('update a suggested change', err);
    }
  }
  const place = (w: WantedComment) => ({
    path: w.path,
    line: w.end,
    side: 'RIGHT' as const,
    ...(w.start < w.end ? { start_line: w.start, start_side: 'RIGHT' as const } : {}),
  });
  if (toCreate.length > 0) {
    try {
      await octokit.rest.pulls.createReview({
        owner,
        repo,
        pull_number: pull,
        commit_id: target.headSha,
        event: 'COMMENT',
        body: `**IAM baseline audit**: ${plural(toCreate.length, 'suggested change')} to the permissions beyond the vendor baselines.`,
        comments: toCreate.map((w) => ({ ...place(w), body: w.body })),
      });
      result.created += toCreate.length;
    } catch (err) {
      // 422: GitHub refused a line (its diff differs from the checkout's): each comment on its own,
      // so that one refused line does not cost the others.
      if (status(err) !== 422 || toCreate.length === 1) options.onError('post the suggested changes', err);
      else {
        let refused: unknown;
        let refusedCount = 0;
        for (const w of toCreate) {
          try {
            await octokit.rest.pulls.createReviewComment({
              owner,
              repo,
              pull_number: pull,
              commit_id: target.headSha,
              body: w.body,
              ...place(w),
            });
            result.created++;
          } catch (e) {
            refused ??= e;
            refusedCount++;
          }
        }
        if (refusedCount > 0)
          options.onError(
            `post ${plural(refusedCount, 'suggested change')} (GitHub refused the lines)`,
            refused,
          );
      }
    }
  }
  for (const { c } of ours) {
    if (used.has(c)) continue;
    try {
      await octokit.rest.pulls.deleteReviewComment({ owner, repo, comment_id: c.id });
      result.deleted++;
    } catch (err) {
      if (status(err) !== 404) options.onError('delete an outdated suggested change', err);
    }
  }
  return result;
}
