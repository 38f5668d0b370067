// The Markdown report, rendered once: the same body is the pull request comment, the job summary
// and the drift tracking issue (the comment and the issue add their hidden marker). Built for a
// phone and an e-mail notification: short lines, lists instead of tables. Pure: no I/O.
//
// Every value from the repository goes through escapeMarkdown(); size limits are enforced in one
// place, fitToLimit().
import type { Finding, Report, Severity } from '../core/types.js';
import {
  clipShown,
  escapeMarkdown as md,
  fencedBlock,
  fencedBlockNote,
  hiddenMarker,
} from '../core/escape.js';
import { keptByIgnore } from '../audit/report-model.js';
import { denyWasLeftOut } from '../sources/records.js';
import { decide, type FailOn } from './verdict.js';
import {
  actionsText,
  MAX_ACTIONS,
  MAX_DIFF_BYTES,
  MAX_DIFF_LINES,
  MAX_MESSAGE_SHOWN,
  messageAddsToActions,
  omittedDiff,
  requireSuggestions,
  shownActions,
  shownIsCut,
} from './actions.js';
import {
  addressLabel,
  managedPolicyAdvice,
  anyDetected,
  bucketFindings,
  detectedBaseline,
  detectedOverride,
  detectedText,
  cleanPolicies,
  heldNothing,
  distinctPolicies,
  groupFindings,
  isExcess,
  KIND_INFO,
  featureSets,
  inputFiles,
  featuresLeftOut,
  leftoverWords,
  MAX_CLEAN_SHOWN,
  approximateText,
  plural,
  removedNote,
  sharedApproximate,
  sharedNoteLead,
  splitLeftovers,
  type PolicyGroup,
  type SharedNote,
  severityRank,
} from './group.js';

/** GitHub rejects a comment or issue body of 65,536 characters or more. */
export const COMMENT_LIMIT = 65_536;
/** GitHub drops a job summary larger than 1 MiB (counted in bytes). */
export const SUMMARY_LIMIT = 1024 * 1024;

export type MarkdownMode = 'comment' | 'summary' | 'issue';

export interface MarkdownOptions {
  /** The heading; default `IAM baseline audit`. */
  title?: string;
  /** Key of the hidden marker (comment and issue modes). */
  commentKey?: string;
  /** Largest size: characters for a comment or issue, bytes for a summary. Default: GitHub's limit. */
  maxLength?: number;
  /**
   * Where the full report is (the job summary), linked when the body has to be shortened. A stable
   * address (the pull request's checks, the workflow's runs), never one run's, so that a re-run
   * that finds the same writes the same body and the comment is not rewritten.
   */
  summaryUrl?: string;
  /** Default `summary`. */
  mode?: MarkdownMode;
  /**
   * Where a list shortened here is whole (Markdown): by default "the JSON report"; the action's
   * says which of its outputs that is (a review: a reviewer was pointed at a report they could not
   * find).
   */
  wholeListsAt?: string;
  /**
   * The check's outcome (the action's `fail-on` and `severity-threshold`): findings that do not fail
   * it are said so in the headline, with ⚠️ rather than ❌.
   */
  check?: { result: 'pass' | 'fail'; failOn: string; threshold: Severity };
  /**
   * Suggested changes left out of the pull request's review (it holds at most 20 a run): counted
   * in one line.
   */
  moreSuggestions?: number;
  /**
   * New findings the pull request's review has no one-click suggestion for, by why: a line each
   * (the review publisher sets it).
   */
  noSuggestion?: readonly NoSuggestion[];
}

/** Why the review has no one-click suggestion for the new findings of some files. */
export interface NoSuggestion {
  /**
   * `outside-diff`: the change lies outside the pull request's diff; `partly-outside`: part of it
   * does, and the part inside is not valid alone (one change of lines the pull request made and
   * lines it did not); `placeholder`: it would write a baseline placeholder; `not-rewritten`: `fix`
   * cannot rewrite the policy in its file; `too-long`: too long for a review comment.
   */
  why: 'outside-diff' | 'partly-outside' | 'placeholder' | 'not-rewritten' | 'too-long';
  /** The files (report paths), sorted. */
  paths: readonly string[];
  /** With `placeholder`: the placeholder (`<account-ID-without-hyphens>`). */
  placeholder?: string;
}

const MAX_NO_SUGGESTION_PATHS = 3;

/** One line: the files the review has no suggestion for, and why. */
export function noSuggestionLine(n: NoSuggestion): string {
  const shown = n.paths.slice(0, MAX_NO_SUGGESTION_PATHS).map((p) => md(p));
  const more = n.paths.length - shown.length;
  const files = shown.join(', ') + (more > 0 ? ` and ${plural(more, 'more file')}` : '');
  const hole = n.placeholder === undefined ? 'a placeholder' : md(n.placeholder);
  const why =
    n.why === 'outside-diff'
      ? "the change is outside this pull request's diff"
      : n.why === 'partly-outside'
        ? "the change also rewrites lines outside this pull request's diff, and its part inside is not valid alone (`iam-baseline-audit fix` makes the whole of it)"
        : n.why === 'placeholder'
          ? `it would write the baseline's placeholder ${hole} into the file: ${n.placeholder !== undefined && /account/i.test(n.placeholder) ? 'set `account-id` when it is the account ID, or narrow it by hand' : 'narrow it to your own value by hand'}`
          : n.why === 'too-long'
            ? 'the change is too long for a review comment'
            : 'the policy cannot be rewritten in its file (`iam-baseline-audit fix --dry-run` says why)';
  return `💡 No one-click suggestion for ${files}: ${why}.`;
}

/** The hidden marker that identifies our sticky comment for `key`. */
export function commentMarker(key = 'default'): string {
  return hiddenMarker('comment', key);
}

/** The hidden marker that identifies our drift tracking issue for `key`. */
export function driftMarker(key = 'default'): string {
  return hiddenMarker('drift', key);
}

/**
 * At most MAX_ACTIONS actions are listed in one finding (src/report/actions.ts). Past that (a
 * wildcard such as `ec2:*` expands to hundreds), the finding shows the count and the shortest exact
 * description in patterns (`s3:*` except 6 actions), cut with a count, then the audit's message,
 * which names the pattern and the riskiest actions; the full set is in the JSON report.
 */
const MAX_RESOURCES = 10;

/** A piece of the body and the number of findings it shows (for the truncation count). */
interface Chunk {
  readonly text: string;
  readonly findings: number;
}

/**
 * A chunk whose text is made when first read: fitToLimit reads only as many as can be shown (a
 * plan of 20,000 policies has some 100,000 findings, of which a comment shows a few hundred).
 */
class LazyChunk implements Chunk {
  private made: string | undefined;
  constructor(
    private readonly make: () => string,
    readonly findings: number,
  ) {}
  get text(): string {
    return (this.made ??= this.make());
  }
}

function list(values: readonly string[], max: number): string {
  const shown = values.slice(0, max).map((v) => md(v));
  const more = values.length > max ? `, … and ${values.length - max} more` : '';
  return shown.join(', ') + more;
}

/** A finding's actions: listed when few, else `**N actions**: patterns except patterns`, bounded. */
const actionsShown = (f: Finding) =>
  actionsText(
    f,
    (v) => md(v),
    (v) => `**${v}**`,
  );

const message = (f: Finding) => md(clipShown(f.message, MAX_MESSAGE_SHOWN), 'text');

function location(f: Finding): string {
  const parts: string[] = [];
  if (f.statement !== undefined) parts.push(`statement ${md(f.statement)}`);
  parts.push(md(f.line !== undefined ? `${f.path}:${f.line}` : f.path));
  return parts.join(' · ');
}

export const SEVERITY_ICON: Record<string, string> = {
  critical: '🟥',
  high: '🔴',
  medium: '🟠',
  low: '🟡',
  info: '⚪',
};

/** One finding as a list item: severity and actions first, then where, then why. */
function findingItem(
  f: Finding,
  policyAddress: string | undefined,
  shared: SharedNote | undefined,
  wholeListsAt: string,
): string {
  // A trailing backslash is a hard line break in CommonMark: short lines everywhere.
  const lines: string[] = [];
  const shown = shownActions(f);
  const many = !shown.listed || shown.count > MAX_ACTIONS;
  const what = shown.count === 0 ? message(f) : actionsShown(f);
  // (shortened: said where the whole list is, once per finding)
  const whole =
    (shown.count > 0 && shownIsCut(shown)) || f.resources.length > MAX_RESOURCES
      ? ` (every one in ${wholeListsAt})`
      : '';
  lines.push(`- ${SEVERITY_ICON[f.severity] ?? ''} **${f.severity}** · ${what}${whole}`);
  lines.push(location(f) + (f.address && f.address !== policyAddress ? ` · ${md(f.address)}` : ''));
  const wideOnly = f.resources.length === 1 && f.resources[0] === '*';
  if (f.resources.length > 0 && (!wideOnly || f.kind === 'broader-resource')) {
    lines.push(`on ${list(f.resources, MAX_RESOURCES)}`);
  }
  if (shown.count > 0 && messageAddsToActions(f, many)) lines.push(message(f));
  // The policy's shared note is shown once under its heading (sharedApproximate).
  const note = approximateText(f, shared, (s) => md(s, 'text'));
  if (note) lines.push(`⚠️ approximate: ${note}`);
  return lines.join('\\\n  ');
}

function policyHeading(g: PolicyGroup, shared: SharedNote | undefined): string {
  const parts = [`##### 📄 ${md(g.path)}`];
  const label = addressLabel(g);
  if (label) parts.push(md(label));
  let line = parts.join(' · ');
  const p = g.policy;
  // (a detected baseline says so, with its confidence and strongest evidence: detectedText)
  const detected = detectedBaseline(p, g.baseline ?? p?.baseline);
  const guess = detected ? ` · ${detectedText(detected, (s) => md(s, 'text'))}` : '';
  if (g.baseline) line += `\nBaseline ${md(g.baseline)}${guess}`;
  else if (p?.baseline) {
    line += `\nBaseline ${md(p.baseline)}`;
    if (p.sets && p.sets.length > 0) line += ` (${p.sets.map((s) => md(s)).join(', ')})`;
    line += guess;
    if (p.features?.length) line += ` · optional features in use: ${p.features.map((s) => md(s)).join(', ')}`;
  }
  // Under the baseline's line, a hard line break (a trailing backslash); else a paragraph of its own.
  const managed = managedPolicyAdvice(g);
  if (managed) line += `${g.baseline || p?.baseline ? '\\' : ''}\n🔧 ${managed}`;
  if (shared)
    line += `${g.baseline || p?.baseline ? '\\' : ''}\n⚠️ ${sharedNoteLead(shared)}: ${md(shared.text, 'text')}`;
  return line;
}

/** The notes of the findings' own sets; for a report without them, the baselines' notes. */
function remediationFor(report: Report, findings: readonly Finding[]): string[] {
  const out: string[] = [];
  const own = [...new Set(findings.map((f) => f.remediation).filter((r): r is string => !!r))];
  if (own.length) return own.map((r) => md(r, 'text'));
  for (const id of [...new Set(findings.map((f) => f.baseline).filter((b): b is string => !!b))]) {
    const b = report.baselines.find((x) => x.id === id);
    if (b?.remediation) out.push(`${md(b.name || b.id, 'text')}: ${md(b.remediation, 'text')}`);
  }
  return out;
}

/** A group's highest severity, as a rank (severityRank: info 0 … critical 4). */
function topSeverity(g: PolicyGroup): number {
  let top = 0;
  for (const k of g.kinds) for (const f of k.findings) top = Math.max(top, severityRank(f.severity));
  return top;
}

/**
 * Findings grouped by policy, then kind: one chunk per heading and per finding. The policies with
 * the most severe findings first (in the report's order among equals): a comment or an issue cut to
 * GitHub's limit keeps the critical ones.
 */
function groupChunks(report: Report, findings: readonly Finding[], wholeListsAt: string): Chunk[] {
  const chunks: Chunk[] = [];
  const groups = groupFindings(findings, report)
    .map((g, i) => ({ g, i, top: topSeverity(g) }))
    .sort((a, b) => b.top - a.top || a.i - b.i)
    .map((x) => x.g);
  for (const g of groups) {
    // Found when the group's heading or a finding is first made (not for a group past the limit).
    let found: { note: SharedNote | undefined } | undefined;
    const shared = () => (found ??= { note: sharedApproximate(g) }).note;
    chunks.push(new LazyChunk(() => policyHeading(g, shared()), 0));
    for (const { kind, findings: ofKind } of g.kinds) {
      const info = KIND_INFO[kind];
      if (kind !== 'leftover-set') {
        chunks.push({ text: `**${info.title}** (${ofKind.length}): ${info.advice}.`, findings: 0 });
        for (const f of ofKind)
          chunks.push(new LazyChunk(() => findingItem(f, g.address, shared(), wholeListsAt), 1));
        continue;
      }
      // Setup sets and unchosen alternatives are over: delete; optional sets are features: keep if used.
      for (const part of splitLeftovers(ofKind)) {
        const sets = [...new Set(part.map((f) => f.set).filter((s): s is string => !!s))];
        const named = sets.length > 0 ? ` ${sets.map((s) => md(s)).join(', ')}` : '';
        const words = leftoverWords(part[0]!, info);
        let head = `**${words.title}**${named} (${part.length}): ${words.advice}.`;
        for (const r of remediationFor(report, part)) head += `\\\n${r}`;
        const inUse = featureSets(part, g);
        if (inUse !== undefined)
          head += `\\\nIn use? Hold the policy to it too, ${md(`sets: [${inUse.replace(/,/g, ', ')}]`)} in its audit of the configuration (or ${md(`--baseline ${g.policy!.baseline}:${inUse}`)}), and audit again: what the feature allows then passes, and what goes beyond it is still reported.`;
        chunks.push({ text: head, findings: 0 });
        for (const f of part)
          chunks.push(new LazyChunk(() => findingItem(f, g.address, shared(), wholeListsAt), 1));
      }
    }
  }
  return chunks;
}

/** Joins chunks: list items of one group stay one list; other chunks are separate blocks. */
/**
 * The chunks' pieces, in order, whose concatenation is joinChunks(): each chunk's text after its
 * separator (none at the start, one line break between two list items, else a blank line).
 */
function* joinedPieces(chunks: Iterable<Chunk>): Generator<string> {
  let empty = true;
  let prevItem = false;
  for (const c of chunks) {
    const item = c.text.startsWith('- ');
    yield empty ? c.text : (item && prevItem ? '\n' : '\n\n') + c.text;
    if (c.text !== '') empty = false;
    prevItem = item;
  }
}

function joinChunks(chunks: readonly Chunk[]): string {
  let out = '';
  for (const piece of joinedPieces(chunks)) out += piece;
  return out;
}

function details(summaryHtml: string, body: string): string {
  return `<details>\n<summary>${summaryHtml}</summary>\n\n${body}\n\n</details>`;
}

function verdict(report: Report, check?: MarkdownOptions['check']): string {
  const b = bucketFindings(report.findings);
  const counted = b.current.filter(isExcess);
  // The same counts as the collapsed pre-existing section below (preexistingTitle): what is
  // informational (missing permissions) is told apart, as the outputs and the text report do.
  const before = b.preexisting.filter(isExcess).length;
  const newInfo = b.current.length - counted.length;
  // New excess an ignore rule hides (one the change may add itself): said, never only collapsed.
  const newIgnored = b.ignored.filter((f) => f.new === true && isExcess(f)).length;
  const audited = report.policies.filter((p) => p.status === 'audited').length;
  if (counted.length > 0) {
    const n = b.hasBase ? `${plural(counted.length, 'new finding')}` : plural(counted.length, 'finding');
    const more = [
      ...(b.hasBase && before > 0 ? [`${before} pre-existing`] : []),
      ...(b.hasBase && newInfo > 0 ? [`${newInfo} new informational`] : []),
      ...(newIgnored > 0 ? [`${newIgnored} new ignored`] : []),
    ];
    const extra = more.length ? ` (and ${more.join(', ')})` : '';
    // (a role's trust policy gives findings about who may assume it, not what it may do)
    const trusts = new Set(report.policies.filter((p) => p.kind === 'trust').map((p) => p.id));
    // (a file or policy that cannot be read is no permission: said apart)
    const unread = counted.filter((f) => f.kind === 'invalid-policy').length;
    const read = counted.filter((f) => f.kind !== 'invalid-policy');
    const ofTrust = read.filter((f) => trusts.has(f.policy)).length;
    const what =
      unread === counted.length
        ? 'invalid or unreadable files or policies'
        : (ofTrust === 0
            ? 'permissions beyond the vendor baselines'
            : ofTrust === read.length
              ? 'trust beyond what the vendors document'
              : 'permissions and trust beyond the vendor baselines') +
          (unread > 0 ? `, and ${unread} invalid or unreadable` : '');
    // (findings the check lets pass: said, or ❌ beside a green check reads as a failure)
    const passes =
      check?.result === 'pass'
        ? check.failOn === 'none'
          ? ' (`fail-on: none`: the check passes)'
          : ` (none that fails the check: below the \`severity-threshold\` of ${check.threshold})`
        : '';
    return `${passes ? '⚠️' : '❌'} **${n}** in ${plural(distinctPolicies(counted), 'policy', 'policies')}: ${what}${extra}${passes}`;
  }
  if (audited === 0 && report.findings.length === 0) {
    return `⚠️ **No IAM policy was audited** (${plural(inputFiles(report), 'input')}, ${plural(report.policies.length, 'policy', 'policies')} found)`;
  }
  // Nothing new counted, yet the check fails: informational findings at or above a
  // `severity-threshold` of info (the fail rule counts them there, as the CLI does), or the base's
  // findings under `fail-on: any`. Said, or ✅/⚠️ beside a red check.
  // (or `fail-on: any`: the findings the base had; said which, from the fail rule itself)
  let infoFails = '';
  if (check?.result === 'fail') {
    const failing = decide(report, check.failOn as FailOn, check.threshold).failing;
    const preexisting = failing.filter(isExcess).length;
    const informational = failing.length - preexisting;
    const why = [
      ...(preexisting
        ? [`${plural(preexisting, 'pre-existing finding')} (\`fail-on: ${check.failOn}\`)`]
        : []),
      ...(informational
        ? [
            `${plural(informational, 'informational finding')} (\`severity-threshold: ${check.threshold}\` counts them)`,
          ]
        : []),
    ];
    infoFails = `, but the check fails${why.length ? ` on ${why.join(' and ')}` : ''}`;
  }
  if (b.hasBase) {
    const extra =
      (before > 0 ? ` · ${plural(before, 'pre-existing finding')}` : '') +
      (newInfo > 0
        ? ` · ${plural(newInfo, 'new informational finding')} (vendor permissions this change takes away)`
        : '') +
      (newIgnored > 0 ? ` · ${plural(newIgnored, 'new finding')} ignored by the configuration` : '');
    // (a change that takes away what a vendor needs passes, but may break the integration)
    return `${infoFails ? '❌' : newInfo > 0 ? '⚠️' : '✅'} **No new IAM permissions beyond the vendor baselines**${infoFails}${extra}`;
  }
  return `${infoFails ? '❌' : '✅'} **No IAM permissions beyond the vendor baselines**${infoFails}`;
}

/** The pre-existing section's title: its findings, the informational ones told apart. */
function preexistingTitle(preexisting: readonly Finding[]): string {
  const excess = preexisting.filter(isExcess).length;
  const info = preexisting.length - excess;
  if (excess === 0) return `${plural(info, 'pre-existing informational finding')} (already in the base)`;
  return `${plural(excess, 'pre-existing finding')}${info > 0 ? ` and ${info} informational` : ''} (already in the base)`;
}

function removedSection(removed: readonly Finding[]): string {
  // (each item a finding, the place of what it was: of the policy before the change)
  // With its severity and resources: a grant narrowed in place has the same actions, statement
  // and line as the finding still there, which names the narrower resources.
  const items = removed.map((f) => {
    const on = f.resources.length > 0 ? ` · on ${list(f.resources, MAX_RESOURCES)}` : '';
    return `- ${SEVERITY_ICON[f.severity] ?? ''} **${f.severity}** · ${actionsShown(f)} · ${location(f)}${on} (${md(removedNote(f), 'text')})`;
  });
  return details(`🗑️ ${plural(removed.length, 'finding')} removed by this change`, items.join('\n'));
}

function ignoredSection(ignored: readonly Finding[]): string {
  const items = ignored.map((f) => {
    const why = f.ignored!;
    const until = why.expires ? ` (until ${md(why.expires)})` : '';
    return `- **${f.severity}** · ${shownActions(f).count > 0 ? actionsShown(f) : md(f.kind)} · ${location(f)}\\\n  ignored: ${md(why.reason, 'text')}${until}`;
  });
  return details(`🙈 ${plural(ignored.length, 'ignored finding')} (not counted)`, items.join('\n'));
}

/** A suggestion's diff in a block, with a line under it when the block shows `<!--` otherwise. */
function diffBlock(diff: string): string {
  const note = fencedBlockNote(diff);
  return fencedBlock(diff, 'diff') + (note === undefined ? '' : `\n\n${note}`);
}

/**
 * One section per suggestion, made when read (its diff is made on first read: see fitToLimit); a
 * suggestion with an empty diff makes an empty section, which is left out.
 */
function suggestionSections(report: Report): (() => string)[] {
  const order = new Map(report.policies.map((p, i) => [p.id, i]));
  const kept = keptByIgnore(report);
  const inFile = new Set(report.policies.filter((p) => p.address).map((p) => p.id));
  const featuresOf = featuresLeftOut(report.findings);
  return [...report.suggestions]
    .sort(
      (a, b) =>
        (order.get(a.policy) ?? Infinity) - (order.get(b.policy) ?? Infinity) ||
        a.policy.localeCompare(b.policy),
    )
    .map((s) => () => {
      if (s.diff.trim() === '') return '';
      // A diff over the bounds (a policy of thousands of lines) is summarised, not shown.
      const omitted = omittedDiff(s);
      const body = omitted
        ? `The diff is ${omitted.lines.toLocaleString('en-US')} lines (${omitted.bytes.toLocaleString('en-US')} bytes), over the ${MAX_DIFF_LINES.toLocaleString('en-US')} lines or ${MAX_DIFF_BYTES.toLocaleString('en-US')} bytes shown here: the minimal policy is in the JSON report (\`suggestions[].minimal\`).`
        : diffBlock(s.diff);
      // Nothing of the policy is kept: the advice is to delete it, as `fix` says.
      const ignored = kept.get(s.policy);
      const denyLeftOut = denyWasLeftOut(s.approximate);
      const advice =
        (s.approximate?.length ? asRead(s.approximate, denyLeftOut) : '') +
        (ignored
          ? `It also removes what an ignore rule keeps (${list(ignored, 8)}): keep those when you apply it (\`fix\` leaves this policy as written).\n\n`
          : keepsNothing(s.minimal)
            ? denyLeftOut
              ? 'Every statement read would be removed: keep only the Deny statements that were left out.\n\n'
              : 'Every statement of this policy would be removed: delete the policy (or detach it) instead.\n\n'
            : '');
      // What it leaves out that the report calls optional: the reader decides, not the suggestion.
      const dropped = featuresOf.get(s.policy);
      const features = dropped?.size
        ? `It leaves out the optional ${dropped.size === 1 ? 'feature' : 'features'} ${[...dropped].map((x) => md(x)).join(', ')}: if you use ${dropped.size === 1 ? 'it' : 'them'}, name ${dropped.size === 1 ? 'it' : 'them'} among the sets this policy is held to and audit again (the suggestion then keeps what ${dropped.size === 1 ? 'it needs' : 'they need'}).\n\n`
        : '';
      // A policy inside a file (a .tf resource, a template's) is diffed as read, in JSON.
      const asJson =
        inFile.has(s.policy) && !omitted
          ? "The policy as read, in JSON (not a patch to the file): `iam-baseline-audit fix --dry-run` writes the change in the file's own form where it can.\n\n"
          : '';
      // A policy of no statement is no policy IAM takes: the advice alone, no diff to it.
      const deleteIt = !ignored && !denyLeftOut && keepsNothing(s.minimal);
      return details(
        `💡 Suggested minimal policy: <code>${md(s.policy, 'html')}</code>`,
        deleteIt ? (features + advice).trimEnd() : features + advice + asJson + body,
      );
    });
}

/**
 * The advice on a suggestion made from a policy read otherwise than written: how (its notes), and
 * that a Deny left out is not in it (a Deny dropped would widen what every policy of the principal
 * grants).
 */
function asRead(notes: readonly string[], denyLeftOut: boolean): string {
  const how = notes.map((n) => md(n)).join('; ');
  return denyLeftOut
    ? `⚠️ Made from the policy as read, not as written (${how}). The Deny statements left out are not in it: keep them as written when you apply it.\n\n`
    : `⚠️ Made from the policy as read, not as written (${how}): compare it with the file when you apply it.\n\n`;
}

/** A suggested policy without any statement. */
function keepsNothing(minimal: unknown): boolean {
  const st = (minimal as { Statement?: unknown } | null)?.Statement;
  return Array.isArray(st) && st.length === 0;
}

/** The audited policies with no finding, named (a bounded list), so that a check is seen to be made. */
function cleanSection(report: Report): string | undefined {
  const clean = cleanPolicies(report);
  if (clean.length === 0) return undefined;
  const items = clean.slice(0, MAX_CLEAN_SHOWN).map((p) => {
    const label = addressLabel(p);
    const where = [md(p.line !== undefined ? `${p.path}:${p.line}` : p.path), label ? md(label) : ''].filter(
      Boolean,
    );
    const detected = detectedBaseline(p);
    const against = p.baseline
      ? `: baseline ${md(p.baseline)}${p.sets?.length ? ` (${p.sets.map((s) => md(s)).join(', ')})` : ''}${detected ? ` · ${detectedText(detected, (s) => md(s, 'text'), false)}` : ''}`
      : '';
    return `- ${where.join(' · ')}${against}`;
  });
  if (clean.length > MAX_CLEAN_SHOWN) items.push(`- … and ${clean.length - MAX_CLEAN_SHOWN} more`);
  return details(`${plural(clean.length, 'policy', 'policies')} audited with no findings`, items.join('\n'));
}

/** Files skipped for one reason listed one by one, at most; past it, a count and these first. */
const SKIPPED_LISTED = 3;

function notAuditedSection(report: Report, wholeListsAt: string): string | undefined {
  const items: string[] = [];
  for (const p of report.policies) {
    if (p.status === 'audited') continue;
    const label = addressLabel(p);
    const where = [md(p.line !== undefined ? `${p.path}:${p.line}` : p.path), label ? md(label) : ''].filter(
      Boolean,
    );
    items.push(`- ${where.join(' · ')}: ${p.status}${p.reason ? ` (${md(p.reason, 'text')})` : ''}`);
  }
  // Files skipped for one reason (a repository's workflows, manifests and package files: YAML
  // that is not a template, JSON that is not IAM), past a few: one line with a count and the
  // first of them, every one in the JSON report (a review: hundreds of lines of them).
  const skipped = new Map<string, string[]>();
  for (const i of report.inputs)
    if (i.status === 'skipped') {
      const reason = i.reason ?? '';
      (skipped.get(reason) ?? skipped.set(reason, []).get(reason)!).push(i.path);
    }
  let count = items.length;
  for (const i of report.inputs) {
    if (heldNothing(i)) {
      items.push(`- ${md(i.path)}: ${md(i.reason!, 'text')}`);
      count++;
    }
    if (i.status === 'audited') continue;
    count++;
    const why = i.reason ? ` (${md(i.reason, 'text')})` : '';
    const same = i.status === 'skipped' ? skipped.get(i.reason ?? '')! : undefined;
    if (same && same.length > SKIPPED_LISTED) {
      // (at the place of the first of them)
      if (same[0] === i.path)
        items.push(
          `- ${same.length} files skipped${why}: ${same
            .slice(0, SKIPPED_LISTED)
            .map((x) => md(x))
            .join(', ')} and ${same.length - SKIPPED_LISTED} more (every one in ${wholeListsAt})`,
        );
      continue;
    }
    items.push(`- ${md(i.path)}: ${i.status === 'error' ? 'error' : 'skipped'}${why}`);
  }
  if (items.length === 0) return undefined;
  return details(`${plural(count, 'policy or input', 'policies and inputs')} not audited`, items.join('\n'));
}

/**
 * A note as Markdown text, its commands (`--baseline skypilot@2023`) in code spans: copied as they
 * are, where text would carry the zero-width space that breaks a mention after `@`.
 */
function noteText(note: string): string {
  const parts = note.split(COMMAND_IN_NOTE);
  return parts.map((p, i) => (i % 2 === 1 ? md(p) : md(p, 'text'))).join('');
}
/** `--baseline SPEC` in a note, without the punctuation that ends its sentence. */
const COMMAND_IN_NOTE = /(--baseline [A-Za-z0-9@:,._/-]+?)(?=[.,;:)]*(?:\s|$))/;

function footer(report: Report): string {
  const baselines = report.baselines.map((b) => {
    const v = [b.version ? md(b.version) : '', b.date ? `(${md(b.date, 'text')})` : '']
      .filter(Boolean)
      .join(' ');
    return `${md(b.id)}${v ? ` ${v}` : ''}`;
  });
  const parts = [
    `${md(report.tool.name, 'text')} ${md(report.tool.version, 'text')}`,
    `catalog ${md(report.catalog.source)} ${md(report.catalog.version, 'text')}`,
  ];
  if (baselines.length > 0)
    parts.push(`${baselines.length === 1 ? 'baseline' : 'baselines'} ${baselines.join(', ')}`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\/[^\s<>()[\]"'`]+$/i.test(url)) return undefined;
  return url;
}

/**
 * The only place where size limits are enforced. Past the limit: keep the head (marker, title,
 * verdict) and the new findings, drop the rest and point to the full report; if even the new
 * findings do not fit, keep as many as fit and count the others.
 *
 * What cannot be shown is not made: the findings' chunks and the other sections (`rest`, each made
 * when called; a suggestion's diff is made when its section is) are read in order only while what
 * is read so far can still fit. Every part is added after a line break, so the measure of the text
 * so far is the sum of its parts' (no surrogate pair is split between two parts), and the text can
 * only grow: once the beginning of a candidate is over the limit, the whole of it is.
 */
function fitToLimit(
  head: string,
  findings: Chunk[],
  rest: (() => string)[],
  tail: string,
  limit: number,
  measure: (s: string) => number,
  pointer: string,
): string {
  const assemble = (parts: string[]) => parts.filter((p) => p !== '').join('\n\n') + '\n';
  // The findings joined as joinChunks does, while head + "\n\n" + them (how both the whole report
  // and the shortened one begin) is under the limit.
  let joined = '';
  let size = measure(head) + 2;
  let allRead = true;
  for (const piece of joinedPieces(findings)) {
    joined += piece;
    size += measure(piece);
    if (size >= limit) {
      allRead = false;
      break;
    }
  }
  if (allRead) {
    // The whole report, section by section while it fits.
    let full = joined === '' ? head : `${head}\n\n${joined}`;
    let fullSize = measure(full);
    for (const part of [...rest, () => tail]) {
      if (fullSize >= limit) break;
      const text = part();
      if (text === '') continue;
      full += `\n\n${text}`;
      fullSize += measure(`\n\n${text}`);
    }
    if (fullSize + measure('\n') < limit) return `${full}\n`;
    const short = assemble([head, joined, pointer, tail]);
    if (measure(short) < limit) return short;
  }
  const total = findings.reduce((n, c) => n + c.findings, 0);
  // Reserve room for the longest possible "not shown" line.
  const reserve = measure(assemble([head, `… and ${total} more findings not shown.`, pointer, tail])) + 16;
  const kept: Chunk[] = [];
  let keptSize = 0;
  for (const c of findings) {
    const add = measure(c.text) + 2;
    if (reserve + keptSize + add >= limit) break;
    kept.push(c);
    keptSize += add;
  }
  while (kept.length > 0 && kept[kept.length - 1]!.findings === 0) kept.pop();
  const shown = kept.reduce((n, c) => n + c.findings, 0);
  const more = `**… and ${plural(total - shown, 'more finding')} not shown.**`;
  const out = assemble([head, joinChunks(kept), more, pointer, tail]);
  if (measure(out) < limit) return out;
  // A pathological head (a huge title): cut hard, on a line boundary (nothing left under a limit of 0).
  let cut = out;
  while (cut !== '' && measure(cut) >= limit) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return cut.slice(0, cut.lastIndexOf('\n') + 1);
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  requireSuggestions(report, 'a Markdown');
  const mode = options.mode ?? 'summary';
  const limit = options.maxLength ?? (mode === 'summary' ? SUMMARY_LIMIT : COMMENT_LIMIT);
  const measure = mode === 'summary' ? (s: string) => Buffer.byteLength(s, 'utf8') : (s: string) => s.length;
  const b = bucketFindings(report.findings);
  const wholeListsAt = options.wholeListsAt ?? 'the JSON report';

  const headParts: string[] = [];
  if (mode === 'comment') headParts.push(commentMarker(options.commentKey));
  if (mode === 'issue') headParts.push(driftMarker(options.commentKey));
  headParts.push(`### ${md(options.title ?? 'IAM baseline audit', 'text')}`);
  const head = `${headParts.join('\n')}\n\n${verdict(report, options.check)}`;

  const findingChunks: Chunk[] = [];
  if (b.current.length > 0) {
    findingChunks.push({ text: b.hasBase ? '#### New in this change' : '#### Findings', findings: 0 });
    for (const chunk of groupChunks(report, b.current, wholeListsAt)) findingChunks.push(chunk);
  }

  // The other sections, each made only if the report can still show it (see fitToLimit).
  const rest: (() => string)[] = [];
  if (options.moreSuggestions && options.moreSuggestions > 0) {
    const n = options.moreSuggestions;
    rest.push(
      () =>
        `💡 ${plural(n, 'more suggested change')} ${n === 1 ? 'was' : 'were'} not posted in the review (at most 20 a run): the suggested minimal policies below have them all, or run \`iam-baseline-audit fix\` locally.`,
    );
  }
  for (const n of options.noSuggestion ?? []) if (n.paths.length > 0) rest.push(() => noSuggestionLine(n));
  // Once, under the findings: what "detected" means, and how to name a baseline instead.
  if (anyDetected(report)) rest.push(() => `🔎 ${detectedOverride((s) => md(s), true)}`);
  if (b.preexisting.length > 0) {
    rest.push(() =>
      details(preexistingTitle(b.preexisting), joinChunks(groupChunks(report, b.preexisting, wholeListsAt))),
    );
  }
  if (b.removed.length > 0) rest.push(() => removedSection(b.removed));
  rest.push(...suggestionSections(report));
  rest.push(() => cleanSection(report) ?? '');
  rest.push(() => notAuditedSection(report, wholeListsAt) ?? '');
  if (b.ignored.length > 0) rest.push(() => ignoredSection(b.ignored));
  if (report.notes && report.notes.length > 0) {
    const notes = report.notes;
    rest.push(() => `**Notes**\n\n${notes.map((n) => `- ${noteText(n)}`).join('\n')}`);
  }

  const url = options.summaryUrl ? safeUrl(options.summaryUrl) : undefined;
  const where = mode === 'issue' ? 'an issue' : 'a comment';
  const pointer =
    mode === 'summary'
      ? '📄 Shortened to fit the job summary: the full report is in the JSON report (`findings-file`).'
      : url
        ? `📄 Shortened to fit ${where}: pre-existing findings, suggested policies and the rest are in the job summary of the [latest run](${url}).`
        : `📄 Shortened to fit ${where}: the full report is in the job summary of the latest run.`;
  return fitToLimit(head, findingChunks, rest, footer(report), limit, measure, pointer);
}
