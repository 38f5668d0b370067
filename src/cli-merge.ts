// `iam-baseline-audit merge REPORT.json... [--repo NAME=FILE]... [--format markdown|json|text]
// [--output FILE] [--missing-file FILE] [--max-length N]`: the JSON reports of many repositories
// combined into one (src/report/merge.ts).
// Each file is read with the safe reader (a regular file, at most --max-file-size) and checked
// with the saved-report reader (parseReportJson), like the action's `report` input.
//
// The repository of a report: NAME from `--repo NAME=FILE`; else the name of the folder that holds
// the file (`reports/acme-api/report.json` is `acme-api`), which is what actions/download-artifact
// makes of one artifact per repository.
//
// --missing-file names the repositories that gave no report, one a line: the Markdown lists them
// within its size limit (--max-length, less than 65,536 when the caller adds to it, as the
// organisation workflow adds its issue's marker), so that nothing is appended to it afterwards.
import { writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './core/errors.js';
import { TOOL_NAME, TOOL_VERSION } from './core/version.js';
import {
  mergedFindingsAtOrAbove,
  mergeReports,
  renderMergedJson,
  renderMergedMarkdown,
  renderMergedText,
  type MergeInput,
} from './report/merge.js';
import { parseReportJson, ReportError } from './report/validate.js';
import { readRepoFile } from './sources/safe-read.js';
import { escapeLog, inertJson } from './core/escape.js';
import { failOptions, megabytes, outputPath, writingOutput } from './cli-options.js';

/** Default largest report read: far above a real one (a report of 10,000 findings is ~10 MB). */
const DEFAULT_MAX_MB = 64;
/** Longest repository name kept (GitHub's owner/name is at most 39 + 1 + 100 characters). */
const MAX_NAME = 200;
/** --max-length bounds: room for the fixed parts; a job summary's 1 MiB. */
const MIN_LENGTH = 1000;
const MAX_LENGTH = 1024 * 1024;

function repositoryName(raw: string, file: string): string {
  const name = raw.trim();
  if (name === '') throw new UsageError(`${file}: the repository name is empty`);
  if (name.length > MAX_NAME)
    throw new UsageError(`${file}: the repository name is over ${MAX_NAME} characters`);
  return name;
}

/** A file the user names, read safely; a usage error naming it when it cannot be. */
function readNamedFile(file: string, maxBytes: number): string {
  const abs = resolve(process.cwd(), file);
  // The root is the file's own folder: any path the user names is read, but a symbolic link is
  // followed only within that folder.
  const read = readRepoFile(dirname(abs), basename(abs), maxBytes);
  if (!read.ok) throw new UsageError(`${file}: ${read.reason}`);
  return read.text;
}

/** Reads and checks one report; a usage error that names the file and why it is not a report. */
function readReport(file: string, maxBytes: number): MergeInput['report'] {
  const text = readNamedFile(file, maxBytes);
  try {
    return parseReportJson(text);
  } catch (e) {
    if (e instanceof ReportError)
      throw new UsageError(
        `${file}: ${otherReport(text) ?? `not an ${TOOL_NAME} JSON report (${e.message})`}`,
        {
          usageHint: false,
        },
      );
    throw e;
  }
}

/** What a file that is not an audit's JSON report is, where it is one of ours in another form. */
function otherReport(text: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.repositories) && o.summary && typeof o.summary === 'object')
    return `a merged report (the output of merge), which is not merged again: merge the repositories' own JSON reports (audit --format json)`;
  if (Array.isArray(o.runs) && (typeof o.$schema === 'string' || o.version === '2.1.0'))
    return `a SARIF file, not the JSON report: merge reads the reports of audit --format json`;
  return undefined;
}

/** --missing-file: one repository a line; blank lines are skipped, a name twice is listed once. */
function readMissing(file: string | undefined, maxBytes: number): string[] {
  if (file === undefined) return [];
  const names = readNamedFile(file, maxBytes)
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => repositoryName(line, file));
  return [...new Set(names)];
}

/** --max-length N: a whole number of characters within the bounds, or undefined (the default). */
function maxLength(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_LENGTH || n > MAX_LENGTH)
    throw new UsageError(
      `--max-length takes a number of characters from ${MIN_LENGTH} to ${MAX_LENGTH}, not "${value}"`,
    );
  return n;
}

export async function mergeCommand(
  argv: string[],
  toStdout: (write: () => Promise<void> | void) => Promise<void>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      repo: { type: 'string', short: 'r', multiple: true },
      format: { type: 'string', short: 'f', default: 'text' },
      output: { type: 'string', short: 'o' },
      title: { type: 'string' },
      'fail-on': { type: 'string', default: 'any' },
      'severity-threshold': { type: 'string', default: 'medium' },
      'max-file-size': { type: 'string' },
      'missing-file': { type: 'string' },
      'max-length': { type: 'string' },
    },
  });
  const format = values.format!;
  if (!['text', 'markdown', 'json'].includes(format))
    throw new UsageError(`--format must be markdown, json or text, not "${format}"`);
  const { failOn, threshold } = failOptions(values);
  const maxBytes = megabytes(values['max-file-size']) ?? DEFAULT_MAX_MB * 1024 * 1024;
  const output = outputPath(values.output);
  const markdownLimit = maxLength(values['max-length']);

  const named: { name: string; file: string }[] = [];
  for (const r of values.repo ?? []) {
    const eq = r.indexOf('=');
    if (eq < 0) throw new UsageError(`--repo takes NAME=FILE, not "${r}"`);
    const file = r.slice(eq + 1);
    if (file === '') throw new UsageError(`--repo ${r}: no file after "="`);
    named.push({ name: repositoryName(r.slice(0, eq), file), file });
  }
  for (const file of positionals) {
    named.push({ name: repositoryName(basename(dirname(resolve(process.cwd(), file))), file), file });
  }
  if (named.length === 0)
    throw new UsageError('merge needs at least one JSON report (REPORT.json or --repo NAME=FILE)');
  const seen = new Map<string, string>();
  for (const { name, file } of named) {
    const other = seen.get(name);
    if (other !== undefined)
      throw new UsageError(
        `two reports for the repository "${name}" (${other} and ${file}): name them with --repo NAME=FILE`,
      );
    seen.set(name, file);
  }

  const inputs: MergeInput[] = named.map(({ name, file }) => ({
    repository: name,
    report: readReport(file, maxBytes),
  }));
  const missing = readMissing(values['missing-file'], maxBytes);
  const merged = mergeReports(inputs, { name: TOOL_NAME, version: TOOL_VERSION }, missing);
  const rendered =
    format === 'json'
      ? renderMergedJson(merged)
      : format === 'markdown'
        ? renderMergedMarkdown(merged, {
            ...(values.title !== undefined ? { title: values.title } : {}),
            ...(markdownLimit !== undefined ? { maxLength: markdownLimit } : {}),
          })
        : renderMergedText(merged);
  const inActions = process.env.GITHUB_ACTIONS === 'true';
  if (output) writingOutput(output, () => writeFileSync(output, rendered));
  // JSON in an Actions log: the same data without `::` or `##[`, not framed (as the audit's).
  else if (format === 'json') process.stdout.write(inActions ? inertJson(rendered) : rendered);
  else
    await toStdout(() => {
      // Markdown and text in an Actions log: escaped line by line, as the audit's are.
      process.stdout.write(inActions ? escapeLog(rendered) : rendered);
    });
  return failOn === 'any' && mergedFindingsAtOrAbove(merged, threshold).length > 0 ? 1 : 0;
}
