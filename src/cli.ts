// The command-line shell over the same runAudit() the action uses.
//   iam-baseline-audit audit [PATH...] [--baseline B] [--config FILE] [--format text|markdown|json|sarif]
//                            [--output FILE] [--fail-on none|any] [--severity-threshold LEVEL] [--account-id ID]
//   iam-baseline-audit expand PATTERN...
//   iam-baseline-audit baselines list | show ID[@VERSION]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from './audit/errors.js';
import { findingsAtOrAbove } from './audit/report-model.js';
import { runAudit } from './audit/run.js';
import { builtinBaselines, findBaseline } from './baselines/load.js';
import { loadCatalog } from './policy/catalog.js';
import { renderJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { renderSarif } from './report/sarif.js';
import { renderText } from './report/text.js';
import { SEVERITIES, type Severity } from './types.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

const USAGE = `${TOOL_NAME} ${TOOL_VERSION}: audit AWS IAM policies against the minimal baselines vendors document.

Usage:
  ${TOOL_NAME} audit [PATH...] [options]   audit files and directories (default: .)
  ${TOOL_NAME} expand PATTERN...           print the actions an IAM action pattern matches
  ${TOOL_NAME} baselines list              list the built-in baselines
  ${TOOL_NAME} baselines show ID[@VERSION] show a baseline's sets, actions and sources

Audit options:
  --baseline B              a built-in id (coiled, coiled@2022), a baseline YAML/JSON file or a
                            policy JSON file, optionally followed by :set,set (active sets)
  --config FILE             configuration (default: .github/iam-baseline-audit.yml when present)
  --format F                text (default), markdown, json or sarif
  --output FILE             write the report to FILE instead of standard output
  --fail-on none|any        exit 1 when a finding reaches the threshold (default: any)
  --severity-threshold S    info, low, medium (default), high or critical
  --account-id ID           bind account placeholders of vendor documents to this account
  --max-file-size MB        skip (with an error) files larger than this (default: 256)
  --max-policies N          audit at most N policies; files past it are errors (default: 200000)
  --no-color                plain text output

Exit status: 0 no finding reaches the threshold; 1 one does; 2 usage or configuration error.
With no --baseline and no configuration, each policy is matched to the vendor baseline it most
likely implements (detection), and audited against its default sets.
`;

class UsageError extends Error {}

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
  const failOn = values['fail-on']!;
  if (!['none', 'any'].includes(failOn)) throw new UsageError(`--fail-on must be none or any, not "${failOn}"`);
  const threshold = values['severity-threshold'] as Severity;
  if (!SEVERITIES.includes(threshold))
    throw new UsageError(`--severity-threshold must be one of ${SEVERITIES.join(', ')}, not "${threshold}"`);
  const accountId = values['account-id'];
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw new UsageError(`--account-id must be a 12-digit AWS account ID, not "${accountId}"`);
  let maxFileBytes: number | undefined;
  if (values['max-file-size'] !== undefined) {
    const mb = Number(values['max-file-size']);
    if (!Number.isFinite(mb) || mb <= 0) throw new UsageError('--max-file-size takes a number of megabytes');
    maxFileBytes = Math.round(mb * 1024 * 1024);
  }

  let maxPolicies: number | undefined;
  if (values['max-policies'] !== undefined) {
    const n = Number(values['max-policies']);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError('--max-policies takes a whole number of policies');
    maxPolicies = n;
  }

  const report = await runAudit({
    root: process.cwd(),
    paths: positionals.length ? positionals : ['.'],
    baseline: values.baseline,
    config: values.config,
    accountId,
    maxFileBytes,
    maxPolicies,
  });

  timing(`audit of ${report.policies.length} policies`);
  const color = !values['no-color'] && !values.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const rendered =
    format === 'json'
      ? renderJson(report)
      : format === 'sarif'
        ? `${JSON.stringify(renderSarif(report), null, 2)}\n`
        : format === 'markdown'
          ? renderMarkdown(report, { mode: 'summary' })
          : renderText(report, { color });
  timing('render');
  if (values.output) writeFileSync(values.output, rendered);
  else out(rendered);
  timing('write');
  const failing = findingsAtOrAbove(report, threshold);
  return failOn === 'any' && failing.length > 0 ? 1 : 0;
}

function expand(patterns: string[]): number {
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
  const list = [...seen].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  if (list.length) out(list.join('\n'));
  return unknown ? 1 : 0;
}

function baselinesCommand(args: string[]): number {
  const [sub, id] = args;
  const all = builtinBaselines();
  if (sub === 'list') {
    const lines = all.map((b) => `${b.id.padEnd(16)} ${b.name.padEnd(28)} ${b.date ?? ''}  sets: ${b.sets.map((s) => (b.defaultSets.includes(s.name) ? `${s.name}*` : s.name)).join(', ')}`);
    out(`${lines.join('\n')}\n(* = active by default)`);
    return 0;
  }
  if (sub === 'show') {
    if (!id) throw new UsageError('baselines show needs an id, e.g. "baselines show coiled"');
    const b = findBaseline(id, all);
    if (!b) throw new UsageError(`no built-in baseline "${id}"; known: ${all.map((x) => x.id).join(', ')}`);
    const catalog = loadCatalog();
    const lines = [`${b.name} (${b.id})${b.version ? ` version ${b.version}` : ''}, taken ${b.date ?? 'on an unknown date'}`];
    for (const s of b.sources ?? []) lines.push(`  source: ${s}`);
    if (b.remediation) lines.push(`  remediation: ${b.remediation}`);
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
      lines.push('', `set ${set.name} [${set.kind}]${b.defaultSets.includes(set.name) ? ' (default)' : ''}: ${set.description ?? ''}`);
      for (const a of [...actions].sort()) lines.push(`  ${a}`);
    }
    if (b.notes) lines.push('', b.notes.trim());
    out(lines.join('\n'));
    return 0;
  }
  throw new UsageError('baselines takes "list" or "show ID"');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case '--version':
      case '-v':
      case 'version':
        out(TOOL_VERSION);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out(USAGE);
        return command === undefined ? 2 : 0;
      case 'audit':
        return await audit(rest);
      case 'expand':
        return expand(rest);
      case 'baselines':
        return baselinesCommand(rest);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${TOOL_NAME}: ${(e as Error).message}\n`);
      if (e instanceof UsageError || !(e instanceof ConfigError)) process.stderr.write(`Run "${TOOL_NAME} --help" for usage.\n`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${TOOL_NAME}: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);
