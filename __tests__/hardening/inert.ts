// What "rendered inert" means, as assertions shared by the injection tests and the fuzz suites:
// whatever the repository put in a report, the comment, the job summary, the terminal output and
// the SARIF file carry no markup, mention, reference, link, hidden or reordering character,
// terminal escape or forged marker of their own.
import type { LoadedInput } from '../../src/core/types.js';
import { MAX_DOCUMENT_DEPTH, nestingDepth } from '../../src/policy/document.js';
import { MARKER_PREFIX } from '../../src/core/escape.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import type { Report } from '../../src/core/types.js';
import { outsideCode } from '../report/golden.js';

/**
 * The lines the GitHub Actions runner would act on as workflow commands, read as the runner reads
 * its log: lines end at `\n`, `\r` or `\r\n`; a line whose text (after white space, and after
 * colour codes, to be safe) starts with `::` is a command, and so is any line with `##[`.
 * `::stop-commands::` is deliberately not honoured here: the escaping must hold on its own.
 */
export function workflowCommands(log: string): string[] {
  return log
    .split(/\r\n|\r|\n/)
    .filter((line) => /^(?:\s|\u001B\[[0-9;]*m)*::/.test(line) || line.includes('##['));
}

/**
 * Zero-width, bidirectional and other format characters (Unicode tags among them), variation
 * selectors (but the emoji presentation selector after a symbol of ours, `⚠️`), line separators
 * and the characters that render blank.
 */
export const INVISIBLE =
  /(?<![\u2190-\u21FF\u2600-\u27BF\u2B00-\u2BFF])\uFE0F|[\p{Cf}\u{E0100}-\u{E01EF}\uFE00-\uFE0E\u180B-\u180D\u180F\u2028\u2029\u034F\u115F\u1160\u3164\uFFA0\u2800]/u;
/** C0 and C1 control characters (ESC included) other than the newline. */
export const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The only HTML the Markdown renderer writes itself. */
const OUR_TAGS = /<\/?(?:details|summary|sub|code)>|<details open>/g;

export interface Rendered {
  comment: string;
  summary: string;
  text: string;
  colored: string;
  sarif: string;
  json: string;
}

/** Every rendering of a report (comment, summary, text with and without colour, SARIF, JSON). */
export function renderAll(report: Report): Rendered {
  return {
    comment: renderMarkdown(report, { mode: 'comment' }),
    summary: renderMarkdown(report, { mode: 'summary' }),
    text: renderText(report),
    colored: renderText(report, { color: true }),
    sarif: `${JSON.stringify(renderSarif(report), null, 2)}\n`,
    json: renderJson(report),
  };
}

/** Throws when anything has added a property to a built-in prototype (prototype pollution). */
export function expectNoPollution(): void {
  for (const [name, proto] of [
    ['Object', Object.prototype],
    ['Array', Array.prototype],
    ['String', String.prototype],
    ['Function', Function.prototype],
  ] as const) {
    const extra: string[] = [];
    for (const k in proto) extra.push(k);
    if (extra.length > 0) throw new Error(`${name}.prototype was polluted with: ${extra.join(', ')}`);
  }
}

/** A description of near(text, re) for the first match of `re` in `text`. */
function near(text: string, re: RegExp): string {
  const m = re.exec(text);
  return m ? JSON.stringify(text.slice(Math.max(0, m.index - 60), m.index + 60)) : '';
}

/**
 * What makes a Markdown rendering not inert (empty when it is): markup, mentions, references,
 * links, raw HTML other than ours, hidden or control characters, unbalanced `<details>`, and a
 * number of our hidden markers other than `markers` (when 1, it must come first).
 */
export function markdownProblems(name: string, md: string, markers: 0 | 1): string[] {
  const problems: string[] = [];
  const expectNot = (what: string, text: string, re: RegExp) => {
    if (re.test(text)) problems.push(`${what}: ${re} near ${near(text, re)}`);
  };
  const found = md.split(MARKER_PREFIX).length - 1;
  if (markers === 1 && (found !== 1 || !md.startsWith(MARKER_PREFIX)))
    problems.push(`${name}: ${found} markers (expected exactly one, first)`);
  if (markers === 0 && found !== 0) problems.push(`${name}: ${found} markers (expected none)`);
  expectNot(name, md, INVISIBLE);
  expectNot(name, md, CONTROL_BUT_NEWLINE);
  expectNot(name, md, LONE_SURROGATE);
  // A `<summary>` line is raw HTML inside a `<details>` block, where GitHub reads no Markdown
  // (backticks there are literal): checked as HTML, then left out of the Markdown checks.
  const summaries = md.split('\n').filter((l) => /^<summary>.*<\/summary>$/.test(l));
  for (const l of summaries) {
    expectNot(
      `${name} (summary HTML)`,
      l.replace(/^<summary>|<\/summary>$/g, '').replace(/<\/?code>/g, ''),
      /[<[\]]/,
    );
    expectNot(`${name} (summary mention)`, l, /@(?!&#8203;)/);
    expectNot(`${name} (summary autolink)`, l, /:\/\/|www\./i);
  }
  const outside = outsideCode(
    md
      .split('\n')
      .filter((l) => !/^<summary>.*<\/summary>$/.test(l))
      .join('\n'),
  );
  const html = outside
    .replace(OUR_TAGS, '')
    .replace(/^<!-- iam-baseline-audit:(?:comment|drift) key=[A-Za-z0-9_.%-]+ -->$/m, '');
  expectNot(`${name} (raw HTML)`, html, /</);
  expectNot(`${name} (mention)`, outside, /@(?!&#8203;)/);
  expectNot(`${name} (reference)`, outside.replace(/&#?\w+;/g, '§'), /#\d/);
  expectNot(`${name} (link or image)`, outside, /\]\(/);
  expectNot(`${name} (autolink)`, outside, /:\/\/|www\./i);
  const open = outside.split(/<details(?: open)?>/).length;
  const close = outside.split('</details>').length;
  if (open !== close) problems.push(`${name}: ${open - 1} <details> for ${close - 1} </details>`);
  return problems;
}

/** Throws, saying what and where, unless every rendering of the report is inert. */
export function expectInert(report: Report, rendered: Rendered = renderAll(report)): void {
  expectNoPollution();
  const problems: string[] = [];
  const near = (text: string, re: RegExp): string => {
    const m = re.exec(text);
    return m ? JSON.stringify(text.slice(Math.max(0, m.index - 60), m.index + 60)) : '';
  };
  const expectNot = (what: string, text: string, re: RegExp) => {
    if (re.test(text)) problems.push(`${what}: ${re} near ${near(text, re)}`);
  };

  problems.push(...markdownProblems('comment', rendered.comment, 1));
  problems.push(...markdownProblems('summary', rendered.summary, 0));

  for (const [name, text] of [
    ['text', rendered.text],
    ['colored text', rendered.colored.replace(/\u001B\[[0-9;]*m/g, '')],
  ] as const) {
    expectNot(name, text, CONTROL_BUT_NEWLINE);
    expectNot(name, text, INVISIBLE);
  }
  // The text report is what the action prints to its log: no workflow command in it at all.
  for (const [name, text] of [
    ['text', rendered.text],
    ['colored text', rendered.colored],
  ] as const)
    for (const cmd of workflowCommands(text))
      problems.push(`${name}: a workflow command: ${JSON.stringify(cmd)}`);

  const sarif = JSON.parse(rendered.sarif) as {
    runs: {
      results: {
        message: { text: string };
        locations: {
          physicalLocation: { artifactLocation: { uri: string } };
          logicalLocations?: { fullyQualifiedName: string }[];
        }[];
      }[];
    }[];
  };
  for (const r of sarif.runs[0]!.results) {
    expectNot('sarif message', r.message.text, CONTROL_BUT_NEWLINE);
    expectNot('sarif message', r.message.text, /\n/);
    expectNot('sarif message', r.message.text, INVISIBLE);
    // Unescaped brackets would form SARIF embedded links `[text](id)`.
    expectNot('sarif message (embedded link)', r.message.text.replace(/\\[\\[\]]/g, ''), /[[\]]/);
    expectNot(
      'sarif uri',
      r.locations[0]!.physicalLocation.artifactLocation.uri,
      /[\s<>|`"\u0000-\u001F\u007F-\u009F]/,
    );
    for (const l of r.locations[0]!.logicalLocations ?? [])
      expectNot('sarif logical location', l.fullyQualifiedName, CONTROL_BUT_NEWLINE);
  }

  // The JSON report is data: it parses back to the same report.
  const back = JSON.parse(rendered.json) as Report;
  if (back.findings.length !== report.findings.length || back.policies.length !== report.policies.length)
    problems.push('json: the report does not parse back whole');

  if (problems.length > 0) throw new Error(`not inert:\n  ${problems.join('\n  ')}`);
}

/**
 * Throws unless the report accounts for every input: each file once, with a status (and a reason
 * when it is not audited), every policy an input lists in report.policies with a status (and a
 * reason when it is not audited), and each finding naming its file and saying something.
 */
export function expectAccountedReport(report: Report, files?: readonly string[]): void {
  const problems: string[] = [];
  const paths = report.inputs.map((i) => i.path);
  if (new Set(paths).size !== paths.length) problems.push(`an input is listed twice: ${paths.join(', ')}`);
  if (files) {
    for (const f of files)
      if (!paths.includes(f)) problems.push(`${JSON.stringify(f)} is not in report.inputs`);
    for (const p of paths)
      if (!files.includes(p)) problems.push(`report.inputs has ${JSON.stringify(p)}, which was not audited`);
  }
  const policies = new Map(report.policies.map((p) => [p.id, p]));
  for (const i of report.inputs) {
    if (!['audited', 'skipped', 'error'].includes(i.status)) problems.push(`${i.path}: status ${i.status}`);
    if (i.status === 'error' && !i.reason?.trim()) problems.push(`${i.path}: an error without a reason`);
    for (const id of i.policies) {
      const p = policies.get(id);
      if (!p) problems.push(`${i.path}: policy ${JSON.stringify(id)} is not in report.policies`);
      else if (p.status !== 'audited' && !p.reason?.trim())
        problems.push(`${id}: ${p.status} without a reason`);
    }
  }
  const underInputs = new Set(report.inputs.flatMap((i) => i.policies));
  for (const p of report.policies) {
    if (p.status !== 'audited' && !p.reason?.trim()) problems.push(`${p.id}: ${p.status} without a reason`);
    if (!underInputs.has(p.id)) problems.push(`${p.id} is listed under no input`);
  }
  for (const f of report.findings) {
    if (!f.path || !f.message.trim())
      problems.push(`a finding without a path or a message: ${JSON.stringify(f).slice(0, 200)}`);
  }
  if (report.summary.inputs !== report.inputs.length)
    problems.push('summary.inputs does not count the inputs');
  if (problems.length > 0)
    throw new Error(`the report does not account for its inputs:\n  ${problems.join('\n  ')}`);
}

const STATUSES = new Set(['audited', 'skipped', 'error']);

/** Throws (with what is wrong) unless a parsed input accounts for itself. */
export function expectAccounted(path: string, loaded: LoadedInput): void {
  expectNoPollution();
  const r = loaded.result;
  const fail = (why: string) => {
    throw new Error(`${path}: ${why}\n${JSON.stringify(r, null, 1)?.slice(0, 2000)}`);
  };
  if (r.path !== path) fail(`result.path is ${JSON.stringify(r.path)}`);
  if (!STATUSES.has(r.status)) fail(`status ${r.status}`);
  if (r.status === 'error' && !r.reason?.trim()) fail('an input in error has no reason');
  const ids = new Set<string>();
  for (const p of r.policies) {
    if (!p.id || ids.has(p.id)) fail(`policy id ${JSON.stringify(p.id)} is empty or repeated`);
    ids.add(p.id);
    if (p.path !== path) fail(`policy ${p.id} has path ${p.path}`);
    if (p.status === 'unresolved' && !p.reason?.trim()) fail(`unresolved policy ${p.id} has no reason`);
    if (p.status === 'resolved' && p.document === undefined) fail(`resolved policy ${p.id} has no document`);
    // Nothing handed downstream is deeper than a policy can be (so it always serialises).
    if (nestingDepth(p.document, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH) fail(`policy ${p.id} is too deep`);
    if (nestingDepth(p.before, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH)
      fail(`policy ${p.id} before is too deep`);
  }
  for (const e of r.errors) {
    if (e.path !== path) fail(`error with path ${e.path}`);
    if (!e.message.trim()) fail('an error with an empty message');
  }
  for (const pr of r.principals ?? []) {
    for (const id of pr.policyIds)
      if (!ids.has(id)) fail(`principal ${pr.id} holds ${id}, which is not listed`);
    for (const u of pr.unresolved)
      if (!u.reason.trim()) fail(`principal ${pr.id}: unresolved ${u.ref} without a reason`);
  }
  JSON.stringify(r);
}
