// How a finding's actions are stored (the JSON report, SARIF properties, the merged report) and
// shown (text, Markdown), and how a suggestion's diff is bounded. One place for the bounds.
//
// Stored: a finding keeps its full sorted `actions` list up to MAX_LISTED_ACTIONS; a longer set is
// written as `actionSet: {patterns, except, count}`, the shortest exact description of the set
// against the report's catalog (src/policy/compress.ts), and `actions` is left out. A NotAction
// finding's 22,000 actions become `{"patterns": ["*"], "except": ["iam:*", ...], "count": 22004}`.
// This is only done when the report's catalog is the bundled one (the description must expand to
// the set against the catalog the report names); otherwise the list is kept whole.
//
// Shown: up to MAX_ACTIONS concrete actions are listed by name; a larger set is shown by its count
// and its description, each list cut at MAX_SHOWN_PATTERNS with an exact "… and N more".
import type { ActionSet, Finding, Report, Suggestion } from '../core/types.js';
import { catalogInfo, loadCatalog } from '../policy/catalog.js';
import { compressActions, compressSet } from '../policy/compress.js';
import { actionCount, findingActionSet } from '../audit/finding-set.js';
import { diffOnce } from '../audit/minimal.js';
import { plural } from './group.js';
import { KIND_INFO } from '../audit/kinds.js';
import { NEED_CONDITION } from '../audit/findings.js';

/** The JSON report's schema: 2 adds `schemaVersion`, `actionSet` and `diffOmitted` (README). */
export const REPORT_SCHEMA_VERSION = 2;
/** Longest action list a JSON finding keeps as a list; longer sets are written as an `actionSet`. */
export const MAX_LISTED_ACTIONS = 50;
/** Most concrete actions listed by name in text and Markdown; past that, count and patterns. */
export const MAX_ACTIONS = 8;
/** Most patterns (and, separately, exceptions) shown for one finding in text and Markdown. */
export const MAX_SHOWN_PATTERNS = 8;
/** Longest finding message shown in text and Markdown (the JSON report keeps it whole). */
export const MAX_MESSAGE_SHOWN = 600;
/** A suggestion's diff over either bound is summarised, not written or shown in full. */
export const MAX_DIFF_LINES = 2000;
export const MAX_DIFF_BYTES = 200 * 1024;

/**
 * Refuses a report whose suggestions were only counted (runAudit's `suggestions: false`, for text
 * and SARIF) where they would be written or shown: it would read as a report without any.
 */
export function requireSuggestions(report: Report, format: string): void {
  if (report.suggestionsNotMade !== undefined)
    throw new Error(
      `${format} report of an audit made without suggestions (suggestions: false): audit again with them`,
    );
}

/** True when a report's catalog is the one bundled with this build (its patterns expand here). */
export function isBundledCatalog(catalog: Report['catalog']): boolean {
  return catalog.source === catalogInfo.source && catalog.version === catalogInfo.version;
}

/**
 * The finding as written to JSON: `actions` whole when short, else `actionSet` in its place (see
 * the header). A finding read with a foreign catalog's `actionSet` is written with it, as read.
 * Keys keep the finding's order, `actionSet` where `actions` was.
 */
export function storedFinding<F extends Finding>(f: F, catalog: Report['catalog']): Record<string, unknown> {
  let set: ActionSet | undefined;
  if (f.actionSet && actionCount(f) === 0) set = f.actionSet;
  else if (actionCount(f) > MAX_LISTED_ACTIONS && f.kind !== 'unknown-action' && isBundledCatalog(catalog)) {
    const d = describeActions(f);
    if (d) set = { patterns: d.patterns, except: d.except, count: d.count };
  }
  const out: Record<string, unknown> = {};
  // By key, so that `actions` is not read (a kept set's names made) when `actionSet` takes its place.
  for (const k of Object.keys(f)) {
    if (k === 'actionSet') continue;
    if (k === 'actions' && set) out.actionSet = set;
    else out[k] = f[k as keyof F];
  }
  return out;
}

/**
 * The shortest exact description of a finding's actions against the bundled catalog (undefined
 * when one is not the catalog's): read off the set a large finding keeps, without listing it.
 */
function describeActions(f: Finding): ReturnType<typeof compressActions> {
  const kept = findingActionSet(f);
  return kept ? compressSet(kept, loadCatalog()) : compressActions(f.actions, loadCatalog());
}

/** Lines and UTF-8 bytes of a diff. */
export function diffSize(diff: string): { lines: number; bytes: number } {
  let lines = 0;
  for (let at = diff.indexOf('\n'); at >= 0; at = diff.indexOf('\n', at + 1)) lines++;
  if (diff.length > 0 && !diff.endsWith('\n')) lines++;
  return { lines, bytes: Buffer.byteLength(diff, 'utf8') };
}

/** True when a diff is over MAX_DIFF_LINES or MAX_DIFF_BYTES. */
export function diffTooLarge(diff: string): boolean {
  if (diff.length > MAX_DIFF_BYTES) return true; // at least as many bytes as UTF-16 units
  const { lines, bytes } = diffSize(diff);
  return lines > MAX_DIFF_LINES || bytes > MAX_DIFF_BYTES;
}

/** The note that stands for a diff too large to write or show. */
export function omittedDiffNote(size: { lines: number; bytes: number }): string {
  return `diff not included: ${size.lines.toLocaleString('en-US')} lines, ${size.bytes.toLocaleString('en-US')} bytes (over ${MAX_DIFF_LINES.toLocaleString('en-US')} lines or ${MAX_DIFF_BYTES.toLocaleString('en-US')} bytes); \`minimal\` is the whole suggested policy`;
}

/** The suggestion as written to JSON: a diff over the bounds is replaced by a note and its size. */
export function storedSuggestion(s: Suggestion): Record<string, unknown> {
  if (s.diffOmitted) return { ...s };
  // Read once and not kept on the suggestion (diffOnce): a spread would read it again.
  const diff = diffOnce(s);
  if (diffTooLarge(diff)) {
    const size = diffSize(diff);
    const out: Record<string, unknown> = {
      policy: s.policy,
      minimal: s.minimal,
      diff: omittedDiffNote(size),
      diffOmitted: size,
    };
    if (s.approximate) out.approximate = s.approximate;
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(s)) out[k] = k === 'diff' ? diff : (s as unknown as Record<string, unknown>)[k];
  return out;
}

/** A suggestion's diff size when it is not shown in full (omitted by the report, or over the bounds). */
export function omittedDiff(s: Suggestion): { lines: number; bytes: number } | undefined {
  if (s.diffOmitted) return s.diffOmitted;
  return diffTooLarge(s.diff) ? diffSize(s.diff) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Shown

/** A finding's actions as the renderers show them. */
export interface ShownActions {
  /** How many actions. */
  count: number;
  /** Concrete names (a short list, or a set no pattern describes better) or patterns; `*` is every action. */
  patterns: string[];
  except: string[];
  /** True when `patterns` are the concrete actions themselves. */
  listed: boolean;
  /** True when the set is a saved report's description against another catalog (count as the report gives it). */
  fromReport: boolean;
}

/** The actions of a finding to show: the list when short, else its count and shortest description. */
export function shownActions(f: Finding): ShownActions {
  if (f.actionSet && f.actions.length === 0) {
    const s = f.actionSet;
    return { count: s.count, patterns: s.patterns, except: s.except, listed: false, fromReport: true };
  }
  const count = actionCount(f);
  const list = (): ShownActions => ({
    count,
    patterns: f.actions,
    except: [],
    listed: true,
    fromReport: false,
  });
  if (count <= MAX_ACTIONS || f.kind === 'unknown-action') return list();
  // Against the bundled catalog: exact for the names it has (a name it lacks keeps the list). Only
  // a description at most half as long as the list is worth showing instead of the count alone.
  const d = describeActions(f);
  if (!d || 2 * (d.patterns.length + d.except.length) > count) return list();
  return { count: d.count, patterns: d.patterns, except: d.except, listed: false, fromReport: false };
}

/** Whether shownText shortens the set: a count alone, or a description cut with `… and N more`. */
export function shownIsCut(s: ShownActions): boolean {
  if (s.listed) return s.count > MAX_ACTIONS;
  const every = s.patterns.length === 1 && s.patterns[0] === '*';
  return (!every && s.patterns.length > MAX_SHOWN_PATTERNS) || s.except.length > MAX_SHOWN_PATTERNS;
}

/** `a, b, c, … and 4 more`: at most `max` items, the rest counted. */
export function cutList(values: readonly string[], max: number, format: (v: string) => string): string {
  const shown = values.slice(0, max).map(format);
  return values.length > max ? `${shown.join(', ')}, … and ${values.length - max} more` : shown.join(', ');
}

/**
 * The description of a set of more than MAX_ACTIONS actions, bounded: `every action except
 * iam:*, organizations:*`, `s3:* except s3:GetObject, …`, `ec2:Describe*, s3:Get*, … and 3 more`,
 * `a:Get*, …, … and 565 more; except a:GetX, …`.
 */
export function describeShown(s: ShownActions, format: (v: string) => string): string {
  const every = s.patterns.length === 1 && s.patterns[0] === '*';
  // Broadest first (whole services, then prefixes, then single actions), so that a cut list still
  // names what matters most: `every action except iam:*, …` rather than 40 single ec2 actions first.
  const patterns = s.listed ? s.patterns : broadestFirst(s.patterns);
  let out = every ? 'every action' : cutList(patterns, MAX_SHOWN_PATTERNS, format);
  // After a cut list, a semicolon: "… and 5 more; except x" (not "5 more except x").
  const cut = !every && s.patterns.length > MAX_SHOWN_PATTERNS;
  if (s.except.length > 0)
    out += `${cut ? ';' : ''} except ${cutList(broadestFirst(s.except), MAX_SHOWN_PATTERNS, format)}`;
  return out;
}

/** `svc:*` patterns, then `svc:Prefix*`, then single actions; in their order otherwise. */
function broadestFirst(patterns: readonly string[]): string[] {
  const rank = (p: string) => (p === '*' || p.endsWith(':*') ? 0 : p.endsWith('*') ? 1 : 2);
  return patterns
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.p);
}

/**
 * A finding's actions for text and Markdown: listed when at most MAX_ACTIONS; else the count and
 * the shortest exact description (`22004 actions: every action except iam:*, …`), or the count
 * alone when no pattern describes the set better than its list (the audit's message then names the
 * riskiest actions). Bounded either way.
 */
export function actionsText(
  f: Finding,
  format: (v: string) => string,
  bold: (v: string) => string = (v) => v,
): string {
  return shownText(shownActions(f), format, bold);
}

/** actionsText for the finding's shownActions(), made already. */
export function shownText(
  s: ShownActions,
  format: (v: string) => string,
  bold: (v: string) => string = (v) => v,
): string {
  if (s.listed && s.count <= MAX_ACTIONS) return s.patterns.map(format).join(', ');
  const count = bold(countShown(s));
  return s.listed ? count : `${count}: ${describeShown(s, format)}`;
}

/** `22004 actions` (with a note when the count is a saved report's, from another catalog). */
export function countShown(s: ShownActions): string {
  return `${plural(s.count, 'action')}${s.fromReport ? ' (as counted by the report’s catalog)' : ''}`;
}

/**
 * Whether a finding's message says more than its listed actions: always for a long or unlisted
 * set, else by kind (KIND_INFO), and for an optional feature's actions granted on broader
 * resources than the feature allows (a `leftover-set` whose message names those resources), or
 * for a leftover set's actions its set grants only under a condition the statement does not keep
 * to (the message names the condition).
 */
export function messageAddsToActions(f: Finding, many: boolean): boolean {
  return (
    many ||
    !KIND_INFO[f.kind].messageRepeatsActions ||
    (f.kind === 'leftover-set' &&
      ((f.feature !== undefined && f.message.includes(', broader than the optional feature "')) ||
        f.message.includes(NEED_CONDITION)))
  );
}
