// The commands of the CLI (src/cli.ts), loaded once the command line names one: the audit, the
// catalog and the baselines are not loaded for --version or --help. What only some runs need is
// imported when they need it, so that the bundle keeps it in chunks of its own, which an audit
// neither reads nor compiles: the fix and merge commands, the Markdown and SARIF renderers.
import { randomUUID } from 'node:crypto';
import { lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, UsageError } from './core/errors.js';
import { runAudit } from './audit/run.js';
import { builtinBaselines, findBaseline } from './baselines/load.js';
import { loadBaselineFile, looksLikePath } from './baselines/resolve.js';
import { loadCatalog } from './policy/catalog.js';
import { inputAt } from './sources/inside.js';
import { jsonReportChunks } from './report/json.js';
import { sarifChunks, writeChunksToFile, writeChunksToStream } from './report/json-stream.js';
import { summaryLine, textReportChunks } from './report/text.js';
import { decide } from './report/verdict.js';
import { isExcess } from './audit/kinds.js';
import { plural } from './report/group.js';
import { escapeLog, escapeLogMessage, visibilise } from './core/escape.js';
import { TOOL_NAME } from './core/version.js';
import {
  baselineFromCwd,
  configRoot,
  failOptions,
  configFrom,
  megabytes,
  workTreeOf,
  outputPath,
  writingOutput,
} from './cli-options.js';
import { guardWarnings } from './core/warnings.js';
import type { Baseline, Report } from './core/types.js';

/** The root's path from its git work tree (`infra`), or undefined at the work tree's root or outside one. */
function fromWorkTree(root: string): string | undefined {
  const work = workTreeOf(root);
  const rel = work === undefined ? '' : relative(work, root);
  return rel === '' ? undefined : rel.split(sep).join('/');
}

/**
 * --output naming a file the audit read as an input: refused before anything is written
 * (inputAt).
 */
function refuseInputAsOutput(output: string, root: string, report: Report): void {
  const hit = inputAt(output, root, report.inputs);
  if (hit)
    throw new UsageError(
      `--output ${output}: is one of the audit's inputs (${hit.path}); the report is not written over it: name another file`,
    );
}

/** IAM_BASELINE_AUDIT_TIMINGS=1: the time of each phase of an audit on stderr (bench/bench.mjs reads it). */
const TIMINGS = process.env.IAM_BASELINE_AUDIT_TIMINGS === '1';
let phaseStart = 0;
function timing(phase: string): void {
  if (!TIMINGS) return;
  const now = performance.now();
  process.stderr.write(`timings: ${phase} ${(now - phaseStart).toFixed(1)} ms\n`);
  phaseStart = now;
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function inside(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The directory an audit runs from (report paths are relative to it; its configuration is read).
 * The current directory, when it holds every path and lies in the same git work tree as they do
 * (or neither is in one); else the git work tree that holds them all (the nearest directory with
 * `.git` above their common directory); else their common directory. So `audit ~/repo/iam` from
 * anywhere reports `iam/...` and reads `~/repo/.github/iam-baseline-audit.yml`.
 */
export function auditRoot(cwd: string, paths: string[]): string {
  const abs = paths.map((p) => resolve(cwd, p));
  // A path that does not exist is named as typed (`../iam`, `/srv/iam`), before any root is chosen.
  const missing = paths.filter((_, i) => {
    try {
      lstatSync(abs[i]!);
      return false;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR';
    }
  });
  if (missing.length > 0)
    throw new UsageError(
      `${missing.join(', ')}: no such file or directory: name files or directories that exist (relative to the current directory, or absolute)`,
    );
  const dirs = abs.map((p) => {
    try {
      return statSync(p).isDirectory() ? p : dirname(p);
    } catch {
      return dirname(p); // does not exist: the audit says so
    }
  });
  let common = dirs[0]!;
  while (!dirs.every((d) => inside(common, d))) common = dirname(common);
  const work = workTreeOf(common);
  const holdsAll = abs.every((p) => inside(cwd, p));
  if (holdsAll && (work === undefined || inside(work, cwd))) return cwd;
  return work ?? (holdsAll ? cwd : common);
}

/**
 * Standard output inside a GitHub Actions job is the job's log, where `::command::` lines run: a
 * text or Markdown report printed there is escaped, and framed by `::stop-commands::` with a random
 * token (the runner's own switch for untrusted output). JSON and SARIF are data, kept parseable:
 * written without `::` or `##[` instead (inertJson), and not framed.
 */
async function toStdout(write: () => Promise<void> | void): Promise<void> {
  // The token only where the runner reads commands: a first randomUUID() costs some 5 to 20 ms.
  const token = process.env.GITHUB_ACTIONS === 'true' ? randomUUID() : undefined;
  if (token) process.stdout.write(`::stop-commands::${token}\n`);
  await write();
  if (token) process.stdout.write(`::${token}::\n`);
}

async function audit(argv: string[]): Promise<number> {
  timing('start-up');
  if (TIMINGS) {
    loadCatalog();
    timing('catalog');
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      baseline: { type: 'string', short: 'b' },
      config: { type: 'string', short: 'c' },
      format: { type: 'string', short: 'f', default: 'text' },
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string', default: 'any' },
      'severity-threshold': { type: 'string', default: 'medium' },
      'account-id': { type: 'string' },
      'max-file-size': { type: 'string' },
      'max-policies': { type: 'string' },
      'no-color': { type: 'boolean', default: false },
    },
  });
  const format = values.format!;
  if (!['text', 'markdown', 'json', 'sarif'].includes(format))
    throw new UsageError(`--format must be text, markdown, json or sarif, not "${format}"`);
  const { failOn, threshold } = failOptions(values);
  const accountId = values['account-id'];
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw new UsageError(`--account-id must be a 12-digit AWS account ID, not "${accountId}"`);
  const maxFileBytes = megabytes(values['max-file-size']);
  const output = outputPath(values.output);

  let maxPolicies: number | undefined;
  if (values['max-policies'] !== undefined) {
    const n = Number(values['max-policies']);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(
        `--max-policies takes a whole number of policies, 1 or more, not "${values['max-policies']}"`,
      );
    maxPolicies = n;
  }

  const cwd = process.cwd();
  const named = positionals.length ? positionals : ['.'];
  const root = configRoot(cwd, auditRoot(cwd, named), values.config);
  const report = await runAudit({
    root,
    // As typed when they are relative to the root already; else relative to the root chosen.
    paths: root === cwd ? named : named.map((p) => relative(root, resolve(cwd, p)) || '.'),
    pathsAsTyped: named,
    baseline: baselineFromCwd(values.baseline, cwd, root),
    config: configFrom(cwd, root, values.config),
    accountId,
    maxFileBytes,
    maxPolicies,
    // Text and SARIF show no suggested policy: none is made (the text report says there are some).
    suggestions: format === 'json' || format === 'markdown',
    onPhase: TIMINGS
      ? (phase, ms) => process.stderr.write(`timings:   ${phase} ${ms.toFixed(1)} ms\n`)
      : undefined,
  });

  timing(`audit of ${report.policies.length} policies`);
  if (output) refuseInputAsOutput(output, root, report);
  if (format === 'json' || format === 'sarif') {
    // Written as it is made, in chunks: these reports can outgrow the longest string V8 allows
    // (src/report/json-stream.ts). Rendering and writing are one phase here ('render'). On standard
    // output in an Actions job (the log), the JSON holds no `::` or `##[` and is not framed: still
    // the same data, and still JSON for `> report.json`.
    const inert = !output && process.env.GITHUB_ACTIONS === 'true';
    const chunks =
      format === 'json'
        ? jsonReportChunks(report, { inert })
        : sarifChunks(
            (await import('./report/sarif.js')).renderSarif(report, { pathPrefix: fromWorkTree(root) }),
            { inert },
          );
    if (output) writingOutput(output, () => writeChunksToFile(output, chunks));
    else await writeChunksToStream(process.stdout, chunks);
    timing('render');
    timing('write');
  } else if (format === 'text') {
    // Written as it is made too: the text report of an organisation's plan is tens of megabytes.
    const color = !values['no-color'] && !output && process.stdout.isTTY === true && !process.env.NO_COLOR;
    let last = '';
    const chunks = (function* () {
      for (const c of textReportChunks(report, { color })) {
        if (c) last = c;
        yield Buffer.from(c, 'utf8');
      }
    })();
    if (output) writingOutput(output, () => writeChunksToFile(output, chunks));
    else
      await toStdout(async () => {
        await writeChunksToStream(process.stdout, chunks);
        // On standard output the report ends with a line feed (as out() writes).
        if (!last.endsWith('\n')) process.stdout.write('\n');
      });
    timing('render');
    timing('write');
  } else {
    const rendered = (await import('./report/markdown.js')).renderMarkdown(report, { mode: 'summary' });
    timing('render');
    if (output) writingOutput(output, () => writeFileSync(output, rendered));
    // Markdown in an Actions log: also escaped line by line, as the text report always is.
    else await toStdout(() => out(process.env.GITHUB_ACTIONS === 'true' ? escapeLog(rendered) : rendered));
    timing('write');
  }
  const verdict = decide(report, failOn, threshold);
  // The report went to a file: its counts on standard error, so that a run in a terminal (and an
  // exit status of 1) is not silent. Numbers only, and the path as given, through the log's boundary.
  const informational = verdict.failing.filter((f) => !isExcess(f)).length;
  if (output) {
    const fails =
      verdict.result === 'fail' && informational === 0
        ? `; exit status 1: ${plural(verdict.failing.length, 'finding')} at or above ${threshold}`
        : '';
    process.stderr.write(
      `${TOOL_NAME}: wrote ${escapeLogMessage(`${output} (${format}): ${summaryLine(report).text}`)}${fails}\n`,
    );
  }
  // The headline counts the excess findings, informational ones aside: when they are what fails
  // the run (`--severity-threshold info`), said, or "0 findings" and exit status 1 disagree.
  if (informational > 0)
    process.stderr.write(
      `${TOOL_NAME}: exit status 1: ${plural(verdict.failing.length, 'finding')} at or above ${threshold} (--severity-threshold), ${informational} of them informational\n`,
    );
  return verdict.result === 'fail' ? 1 : 0;
}

function expand(argv: string[]): number {
  // No options of its own: `--` ends the (none) options, and anything else that looks like one is a
  // usage error, not a pattern that matches nothing.
  const { positionals: patterns } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (!patterns.length) throw new UsageError('expand needs at least one action pattern, e.g. "s3:Get*"');
  const catalog = loadCatalog();
  const seen = new Set<string>();
  let unknown = 0;
  for (const p of patterns) {
    const hits = catalog.expand(p);
    if (!hits.length) {
      process.stderr.write(`${p}: matches no action in the AWS catalog (${catalog.date})\n`);
      unknown++;
    }
    for (const a of hits) seen.add(a.full);
  }
  const list = [...seen].sort((a, b) =>
    a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
  );
  if (list.length) out(list.join('\n'));
  return unknown ? 1 : 0;
}

/** Largest baseline file `baselines show` reads (as an audit's configuration reader does). */
const MAX_BASELINE_FILE = 16 * 1024 * 1024;

/** A baseline file, read and checked as `--baseline FILE` reads it; a ConfigError names what is wrong. */
function baselineFromFile(path: string): Baseline {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile())
      throw new ConfigError(`${path}: not a file; expected a baseline YAML or policy JSON file`);
    size = st.size;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${path}: no such file; expected a baseline YAML or policy JSON file`);
  }
  if (size > MAX_BASELINE_FILE)
    throw new ConfigError(
      `${path}: ${size} bytes, over the ${MAX_BASELINE_FILE} read; expected a baseline file`,
    );
  return loadBaselineFile(readFileSync(path, 'utf8'), path);
}

function baselinesCommand(argv: string[]): number {
  const { positionals: args } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const [sub, id] = args;
  if (args.length > (sub === 'show' ? 2 : 1))
    throw new UsageError(`baselines ${sub ?? ''}: unexpected "${args[sub === 'show' ? 2 : 1]}"`);
  const all = builtinBaselines();
  if (sub === 'list') {
    // id and date in columns, then the name; the sets on a line of their own (names and set lists
    // are long: "SkyPilot (2023 docs, before the spot service-linked-role statement)").
    const idWidth = Math.max(...all.map((b) => b.id.length));
    const lines = all.map(
      (b) =>
        `${b.id.padEnd(idWidth)}  ${(b.date ?? '').padEnd(10)}  ${b.name}\n` +
        `${' '.repeat(idWidth + 2)}sets: ${b.sets.map((s) => (b.defaultSets.includes(s.name) ? `${s.name}*` : s.name)).join(', ')}`,
    );
    out(`${lines.join('\n')}\n(* = active by default)`);
    return 0;
  }
  if (sub === 'show') {
    if (!id) throw new UsageError('baselines show needs an id, e.g. "baselines show coiled"');
    // A file (`./iam/my-vendor.yml`): checked as an audit loads it, then shown; how to try one's own.
    const b = looksLikePath(id) ? baselineFromFile(id) : findBaseline(id, all);
    if (!b)
      throw new UsageError(
        `no built-in baseline "${id}"; known: ${all.map((x) => x.id).join(', ')} (or give a baseline file's path, such as ./iam/my-vendor.yml)`,
      );
    const catalog = loadCatalog();
    const lines = [
      `${b.name} (${b.id})${b.version ? ` version ${b.version}` : ''}, taken ${b.date ?? 'on an unknown date'}`,
    ];
    for (const s of b.sources ?? []) lines.push(`  source: ${s}`);
    if (b.remediation) lines.push(`  remediation: ${b.remediation}`);
    if (b.trust) {
      const condition = Object.entries(b.trust.condition ?? {}).flatMap(([op, keys]) =>
        Object.entries(keys).map(([k, v]) => `${op} ${k} = ${v.join(', ')}`),
      );
      lines.push(
        `  trust: ${b.trust.principals.join(', ')}${condition.length ? ` (condition: ${condition.join('; ')})` : ''}`,
      );
    }
    for (const set of b.sets) {
      const actions = new Set<string>();
      for (const st of set.statements as { Action?: string | string[] }[]) {
        const list = Array.isArray(st.Action) ? st.Action : st.Action ? [st.Action] : [];
        for (const p of list) {
          const hits = catalog.expand(p);
          if (hits.length === 0) actions.add(`${p} (unknown)`);
          else if (hits.length === 1) actions.add(hits[0]!.full);
          else actions.add(`${p} (${hits.length} actions)`);
        }
      }
      lines.push(
        '',
        `set ${set.name} [${set.kind}]${b.defaultSets.includes(set.name) ? ' (default)' : ''}${set.policyKinds ? ` (${set.policyKinds.join(' and ')} policies only)` : ''}: ${set.description ?? ''}`,
      );
      for (const a of [...actions].sort()) lines.push(`  ${a}`);
    }
    if (b.notes) lines.push('', ...b.notes.trim().split(/\r\n|\r|\n/));
    // A baseline file is the repository's text: each line shown with its control characters
    // visible, and no line read as a workflow command in an Actions log.
    out(escapeLog(lines.map(visibilise).join('\n')));
    return 0;
  }
  throw new UsageError('baselines takes "list" or "show ID"');
}

/**
 * A usage error's message; Node's own for an unknown option (`Unknown option '--x'. To specify a
 * positional argument starting with a '-', place it at the end of the command after '--', as in
 * '-- "--x"`, its last quote unbalanced) said shortly.
 */
function usageMessage(e: Error): string {
  const unknown =
    (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' &&
    /^Unknown option '(.*?)'\./.exec(e.message);
  if (unknown)
    return `unknown option "${unknown[1]}" (a path that begins with "-" goes after "--": -- "${unknown[1]}")`;
  // (node's parser says `Option '-b, --baseline <value>' argument missing`)
  const missing =
    (e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' &&
    /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(e.message);
  if (missing) return `${missing[1]} needs a value (${missing[1]} VALUE)`;
  return e.message;
}

/** Runs `audit`, `fix`, `expand`, `baselines` or `merge`; usage and configuration errors give exit status 2. */
export async function runCommand(command: string, rest: string[]): Promise<number> {
  guardWarnings();
  try {
    if (command === 'audit') return await audit(rest);
    if (command === 'expand') return expand(rest);
    if (command === 'baselines') return baselinesCommand(rest);
    if (command === 'merge') return await (await import('./cli-merge.js')).mergeCommand(rest, toStdout);
    if (command === 'fix') return await (await import('./cli-fix.js')).fixCommand(rest, toStdout, auditRoot);
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof ConfigError ||
      (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      // The message may quote the repository (a file name, a reason): escaped for the terminal.
      process.stderr.write(`${TOOL_NAME}: ${escapeLogMessage(usageMessage(e as Error))}\n`);
      if ((e instanceof UsageError && e.usageHint) || !(e instanceof UsageError || e instanceof ConfigError))
        process.stderr.write(`Run "${TOOL_NAME} --help" for usage.\n`);
      return 2;
    }
    throw e;
  }
}
