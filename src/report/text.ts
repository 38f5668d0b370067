// The CLI's default output: grouped like the Markdown report, compact, every value from the
// repository through escapeTerminal() (terminalText: the same, without its passes over a value a
// fast test shows it leaves unchanged), the whole through escapeLog(). Colour only when asked.
// Pure: no I/O.
import type { Finding, Report, Severity } from '../core/types.js';
import { clipShown } from '../core/escape.js';
import { logText, terminalText as t } from './terminal.js';
import {
  actionsText,
  MAX_ACTIONS,
  MAX_MESSAGE_SHOWN,
  messageAddsToActions,
  shownActions,
  shownIsCut,
  shownText,
} from './actions.js';
import {
  addressLabel,
  anyDetected,
  bucketFindings,
  cleanPolicies,
  detectedBaseline,
  detectedOverride,
  detectedText,
  distinctPolicies,
  heldNothing,
  groupFindings,
  isExcess,
  KIND_INFO,
  featureSets,
  inputFiles,
  leftoverWords,
  managedPolicyAdvice,
  MAX_CLEAN_SHOWN,
  approximateText,
  plural,
  severityCounts,
  sharedApproximate,
  sharedNoteLead,
  splitLeftovers,
  removedNote,
  type SharedNote,
  whyNoneAudited,
} from './group.js';

export interface TextOptions {
  /** ANSI colours (the CLI turns them on for a TTY without NO_COLOR). */
  color?: boolean;
}

type Paint = (code: string, s: string) => string;

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '1;31',
  high: '31',
  medium: '33',
  low: '36',
  info: '2',
};

/** Resources shown of a finding (the rest: `…`; the JSON report has them all). */
const MAX_RESOURCES = 10;

/** A finding's actions: listed when few, else the count and the patterns (src/report/actions.ts). */
const actions = (f: Finding) => actionsText(f, t);

const message = (f: Finding) => t(clipShown(f.message, MAX_MESSAGE_SHOWN));

/** Where a finding is: its statement, file and line, and its policy where the heading names another (a principal's member). */
function where(f: Finding, heading: string | undefined): string {
  const parts: string[] = [];
  if (f.address && f.address !== heading) parts.push(t(f.address));
  if (f.statement !== undefined) parts.push(`statement ${t(f.statement)}`);
  parts.push(f.line !== undefined ? `${t(f.path)}:${f.line}` : t(f.path));
  return parts.join(', ');
}

/** Appends a finding's lines to `out`. */
function findingLines(
  out: string[],
  f: Finding,
  paint: Paint,
  indent: string,
  heading: string | undefined,
  shared: SharedNote | undefined,
  cut: { any: boolean },
): void {
  const sev = paint(SEVERITY_COLOR[f.severity], f.severity.toUpperCase().padEnd(8));
  const shown = shownActions(f);
  const many = !shown.listed || shown.count > MAX_ACTIONS;
  const what = shown.count === 0 ? message(f) : shownText(shown, t);
  if (f.resources.length > MAX_RESOURCES || (shown.count > 0 && shownIsCut(shown))) cut.any = true;
  out.push(`${indent}${sev} ${what}  (${where(f, heading)})`);
  const wideOnly = f.resources.length === 1 && f.resources[0] === '*';
  if (f.resources.length > 0 && (!wideOnly || f.kind === 'broader-resource')) {
    out.push(
      `${indent}         on ${f.resources.slice(0, MAX_RESOURCES).map(t).join(', ')}${f.resources.length > MAX_RESOURCES ? ', …' : ''}`,
    );
  }
  if (shown.count > 0 && messageAddsToActions(f, many)) out.push(`${indent}         ${message(f)}`);
  // The policy's shared note is printed once above its findings (sharedApproximate).
  const note = approximateText(f, shared, t);
  if (note) out.push(`${indent}         approximate: ${note}`);
  if (f.ignored)
    out.push(
      `${indent}         ignored: ${t(f.ignored.reason)}${f.ignored.expires ? ` (until ${t(f.ignored.expires)})` : ''}`,
    );
}

/** Lines of one policy's findings gathered before they are yielded as one block. */
const BLOCK_LINES = 64;

function* groups(
  report: Report,
  findings: readonly Finding[],
  paint: Paint,
  indent: string,
  cut: { any: boolean },
): Generator<string> {
  // One policy's lines at a time, joined: a yield per policy, not per line (and a yield per
  // BLOCK_LINES lines of a policy with many findings, so that no block is a large object).
  for (const g of groupFindings(findings, report)) {
    let out: string[] = [];
    const shared = sharedApproximate(g);
    const lines = (f: Finding) => {
      findingLines(out, f, paint, `${indent}    `, g.address, shared, cut);
      if (out.length < BLOCK_LINES) return undefined;
      const block = out.join('\n');
      out = [];
      return block;
    };
    let head = `${indent}${paint('1', t(g.path))}`;
    const label = addressLabel(g);
    if (label) head += ` ${t(label)}`;
    // (a detected baseline says so, with its confidence and strongest evidence: detectedText)
    const detected = detectedBaseline(g.policy, g.baseline ?? g.policy?.baseline);
    const guess = detected ? `; ${detectedText(detected, t)}` : '';
    if (g.baseline) head += paint('2', ` (baseline ${t(g.baseline)}${guess})`);
    else if (g.policy?.baseline)
      head += paint(
        '2',
        ` (baseline ${t(g.policy.baseline)}${g.policy.sets?.length ? `: ${g.policy.sets.map(t).join(', ')}` : ''}${guess}${g.policy.features?.length ? `; optional features in use: ${g.policy.features.map(t).join(', ')}` : ''})`,
      );
    out.push(head);
    const managed = managedPolicyAdvice(g);
    if (managed) out.push(`${indent}  ${managed}`);
    if (shared) out.push(`${indent}  ${sharedNoteLead(shared)}: ${t(shared.text)}`);
    for (const { kind, findings: ofKind } of g.kinds) {
      const info = KIND_INFO[kind];
      if (kind !== 'leftover-set') {
        out.push(`${indent}  ${info.title}: ${info.advice}`);
        for (const f of ofKind) {
          const block = lines(f);
          if (block !== undefined) yield block;
        }
        continue;
      }
      // Setup sets and unchosen alternatives are over: delete; optional sets are features: keep if used.
      for (const part of splitLeftovers(ofKind)) {
        const sets = [...new Set(part.map((f) => f.set).filter((s): s is string => !!s))];
        const named = sets.length > 0 ? ` ${sets.map((s) => `"${t(s)}"`).join(', ')}` : '';
        const words = leftoverWords(part[0]!, info);
        let line = `${indent}  ${words.title}${named}: ${words.advice}`;
        // The notes of the findings' own sets; for a report without them, the baselines' notes.
        const own = [...new Set(part.map((f) => f.remediation).filter((r): r is string => !!r))];
        for (const r of own) line += `\n${indent}  ${t(r)}`;
        if (!own.length)
          for (const id of new Set(part.map((f) => f.baseline).filter((b): b is string => !!b))) {
            const r = report.baselines.find((b) => b.id === id)?.remediation;
            if (r) line += `\n${indent}  ${t(r)}`;
          }
        const inUse = featureSets(part, g);
        if (inUse !== undefined)
          line += `\n${indent}  In use? Hold the policy to it too, sets: [${t(inUse.replace(/,/g, ', '))}] in its audit of the configuration (or --baseline ${t(`${g.policy!.baseline}:${inUse}`)}), and audit again: what the feature allows then passes, and what goes beyond it is still reported.`;
        out.push(line);
        for (const f of part) {
          const block = lines(f);
          if (block !== undefined) yield block;
        }
      }
    }
    if (out.length > 0) yield out.join('\n');
  }
}

/** The report's lines, in order (a line may hold line breaks of ours: a remediation under its title). */
function* reportLines(report: Report, options: TextOptions): Generator<string> {
  const paint: Paint = options.color ? (code, s) => `\u001B[${code}m${s}\u001B[0m` : (_code, s) => s;
  const b = bucketFindings(report.findings);
  // Whether a finding's actions or resources were shown shortened: then said where they are whole.
  const cut = { any: false };

  if (b.current.length > 0) {
    yield paint('1', b.hasBase ? 'New in this change:' : 'Findings:');
    yield* groups(report, b.current, paint, '  ', cut);
  }
  if (b.preexisting.length > 0) {
    yield paint('1', `Pre-existing (${b.preexisting.length}):`);
    yield* groups(report, b.preexisting, paint, '  ', cut);
  }
  if (b.removed.length > 0) {
    yield paint('1', `Removed by this change (${plural(b.removed.length, 'finding')}):`);
    for (const f of b.removed) yield `  ${actions(f)}  (${where(f, undefined)}, ${t(removedNote(f))})`;
  }
  if (b.ignored.length > 0) {
    yield paint('1', `Ignored (${b.ignored.length}):`);
    yield* groups(report, b.ignored, paint, '  ', cut);
  }
  // Audited with nothing to report: named, so that a policy that was checked is seen to be.
  const clean = cleanPolicies(report);
  if (clean.length > 0) {
    yield paint('1', `Audited, no findings (${clean.length}):`);
    for (const p of clean.slice(0, MAX_CLEAN_SHOWN)) {
      const label = addressLabel(p);
      const detected = detectedBaseline(p);
      const guess = detected ? `; ${detectedText(detected, t, false)}` : '';
      yield `  ${t(p.path)}${label ? ` ${t(label)}` : ''}${p.baseline ? paint('2', ` (baseline ${t(p.baseline)}${p.sets?.length ? `: ${p.sets.map(t).join(', ')}` : ''}${guess})`) : ''}`;
    }
    if (clean.length > MAX_CLEAN_SHOWN) yield `  … and ${clean.length - MAX_CLEAN_SHOWN} more`;
  }
  // Once, under the policies: what "detected" means, and how to name a baseline instead.
  if (anyDetected(report))
    yield paint(
      '2',
      detectedOverride((s) => s),
    );
  const notAudited = [
    ...report.policies
      .filter((p) => p.status !== 'audited')
      .map((p) => {
        const label = addressLabel(p);
        return `  ${t(p.path)}${label ? ` ${t(label)}` : ''}: ${p.status}${p.reason ? ` (${t(p.reason)})` : ''}`;
      }),
    ...report.inputs
      .filter((i) => i.status !== 'audited')
      .map((i) => `  ${t(i.path)}: ${i.status}${i.reason ? ` (${t(i.reason)})` : ''}`),
    // Read, and nothing in it to audit (a plan without IAM resources): said, not left out.
    ...report.inputs.filter(heldNothing).map((i) => `  ${t(i.path)}: ${t(i.reason!)}`),
  ];
  // One by one: a plan of a whole estate leaves tens of thousands of policies not audited (trust
  // policies among them), more than a call's arguments can hold.
  if (notAudited.length > 0) {
    yield paint('1', 'Not audited:');
    yield* notAudited;
  }
  if (report.notes && report.notes.length > 0) {
    yield paint('1', 'Notes:');
    for (const n of report.notes) yield `  ${t(n)}`;
  }
  // A suggestion is made only for a policy with something to remove: no diff is read here (a
  // diff is made on first read, and the text report shows none).
  if (report.suggestions.length > 0 || (report.suggestionsNotMade ?? 0) > 0) {
    yield paint('2', 'Suggested minimal policies: see the Markdown or JSON report.');
  }
  if (cut.any)
    yield paint(
      '2',
      'Lists shortened here (a count, or "… and N more") are whole in the JSON report (--format json).',
    );

  const headline = summaryLine(report);
  if (headline.tone === 'nothing') {
    yield paint('33', headline.text);
    if (report.policies.length > 0)
      yield `  None was held to a baseline: ${whyNoneAudited(report.policies)}.`;
    return;
  }
  yield headline.tone === 'findings' ? paint('1', headline.text) : paint('32', headline.text);
}

/**
 * The report's last line, its counts: findings by severity, of how many policies and inputs, new,
 * informational and ignored; or that no policy was found or audited. Numbers only (nothing from the
 * repository), so the CLI can also print it on standard error when the report goes to a file.
 */
export function summaryLine(report: Report): { text: string; tone: 'findings' | 'clean' | 'nothing' } {
  const b = bucketFindings(report.findings);
  const counted = [...b.current, ...b.preexisting].filter(isExcess);
  const bySeverity = severityCounts(counted);
  let summary = `${plural(counted.length, 'finding')}${bySeverity ? ` (${bySeverity})` : ''}`;
  // As the Markdown headline counts: the policies with a finding, of those read.
  const withFindings = distinctPolicies(counted);
  // Read: the policies of the report, and a document that could not be read as one (an invalid
  // policy's finding names it, and it is not among the policies).
  const ids = new Set(report.policies.map((p) => p.id));
  // (a principal audited as a whole names its id, not a policy's: its policies are among them)
  const unread = new Set(
    counted.filter((f) => f.kind === 'invalid-policy' && !ids.has(f.policy)).map((f) => f.policy),
  ).size;
  const read = report.policies.length + unread;
  const within = counted.length > 0 && withFindings < read ? `${withFindings} of ` : '';
  // (said, as the JSON report's summary counts only the policies read: a review found the two
  // numbers apart with nothing to tell why)
  const notRead = unread ? ` (${unread} could not be read)` : '';
  summary += ` in ${within}${plural(read, 'policy', 'policies')}${notRead} from ${plural(inputFiles(report), 'input')}`;
  if (b.hasBase) summary += `; ${b.current.filter(isExcess).length} new`;
  // Not counted above: informational findings (missing permissions) and ignored ones.
  const informational = [...b.current, ...b.preexisting].length - counted.length;
  const aside = [
    ...(informational > 0 ? [`${informational} informational`] : []),
    ...(b.ignored.length > 0 ? [`${b.ignored.length} ignored`] : []),
  ];
  if (aside.length) summary += ` (and ${aside.join(', ')})`;
  // (as the Markdown headline says: no finding because nothing was held to a baseline is not clean)
  const audited = report.policies.filter((p) => p.status === 'audited').length;
  if (audited === 0 && report.findings.length === 0 && report.policies.length === 0)
    return { text: `No IAM policy found: ${summary}`, tone: 'nothing' };
  if (audited === 0 && report.findings.length === 0)
    return { text: `No IAM policy was audited: ${summary}`, tone: 'nothing' };
  return { text: summary, tone: counted.length > 0 ? 'findings' : 'clean' };
}

/**
 * Characters of lines gathered into one chunk: the many small strings of a large report die young.
 * Kept well under V8's largest regular object (128 KB; a chunk holding one `…` is two bytes a
 * character): a larger chunk is a large object, mapped from the system when made and unmapped
 * when it dies, and a virtual machine charges each of its pages on first touch. At 64 K characters,
 * the text report of 5,000 policies touched 40 MB of new pages and took a third longer to render.
 */
const CHUNK_CHARS = 16 * 1024;

/**
 * The text report in chunks of whole lines, each ending with a line break: renderText's text when
 * joined, made as they are consumed (a caller can write each as it comes). Each chunk goes through
 * escapeLog, the terminal and Actions-log boundary: no line of ours starts with `::` or holds `##[`,
 * and no value can form one where it starts a line (a remediation, a note, a path in "Not
 * audited"). escapeLog works line by line, so chunk by chunk is the same as on the whole text (a
 * chunk never ends with a carriage return, which escapeLog would join to the next line feed).
 */
export function* textReportChunks(report: Report, options: TextOptions = {}): Generator<string> {
  let lines: string[] = [];
  let size = 0;
  for (const line of reportLines(report, options)) {
    lines.push(line);
    size += line.length;
    if (size >= CHUNK_CHARS && !line.endsWith('\r')) {
      yield `${logText(lines.join('\n'))}\n`;
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) yield `${logText(lines.join('\n'))}\n`;
}

export function renderText(report: Report, options: TextOptions = {}): string {
  return [...textReportChunks(report, options)].join('');
}
