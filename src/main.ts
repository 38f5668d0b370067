// The GitHub Action: reads the inputs, runs the audit once, then reports it everywhere it can
// (JSON report file, job summary, annotations, SARIF file, the pull request comment or the drift
// tracking issue). The step's result comes ONLY from `fail-on` and `severity-threshold`: a failure
// to comment, summarise or annotate is a warning, never a failed step.
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { ConfigError, runAudit, UsageError } from './audit/run.js';
import { annotate } from './github/annotations.js';
import { log } from './github/log.js';
import { isSha, verifyPullRequest, PullRequestMismatch } from './github/verify-pr.js';
import { formatBytes, readRepoFile } from './sources/safe-read.js';
import { makeBaseReader, type BaseReader } from './github/base.js';
import { COMMENT_MODES, upsertComment, type CommentMode, type Octokit } from './github/comment.js';
import { syncDriftIssue } from './github/issue.js';
import { atLeast, bucketFindings, isExcess } from './report/group.js';
import { jsonReportChunks } from './report/json.js';
import { sarifChunks, writeChunksToFile } from './report/json-stream.js';
import { renderMarkdown } from './report/markdown.js';
import { renderSarif } from './report/sarif.js';
import { parseReportJson } from './report/validate.js';
import { renderText } from './report/text.js';
import { SEVERITIES, type Finding, type Report, type Severity } from './core/types.js';

export type FailOn = 'none' | 'new' | 'any';
export type Mode = 'auto' | 'pull-request' | 'drift' | 'audit';
type EffectiveMode = 'pull-request' | 'drift' | 'audit';

export interface Inputs {
  paths: string[];
  config?: string;
  baseline?: string;
  accountId?: string;
  token?: string;
  comment: CommentMode;
  commentKey: string;
  failOn: FailOn;
  threshold: Severity;
  sarifFile?: string;
  mode: Mode;
  baseRef?: string;
  /** Comment this saved JSON report instead of auditing (the fork recipe's workflow_run job). */
  report?: string;
  /** The pull request to comment on with `report` (from `pr-number` or `pr-number-file`). */
  prNumber?: number;
  /** The commit `report` was made for, when not from `workflow_run.head_sha`. */
  headSha?: string;
}

/** Largest saved report the fork recipe's `report` input reads. */
export const MAX_SAVED_REPORT_BYTES = 256 * 1024 * 1024;

function workspace(): string {
  return resolve(process.env.GITHUB_WORKSPACE || process.cwd());
}

/** An input error: the step fails with this message. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[], fallback: T): T {
  if (value === '') return fallback;
  const v = value.toLowerCase() as T;
  if (!allowed.includes(v)) {
    throw new InputError(
      `Input \`${name}\` must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)}).`,
    );
  }
  return v;
}

/** Reads and validates the inputs (kebab-case names, as in action.yml). */
export function readInputs(root = workspace()): Inputs {
  const get = (name: string) => core.getInput(name).trim();
  // Several lines: one path per line (paths may contain spaces); one line: commas or spaces.
  const rawPaths = core.getInput('paths');
  const paths = (rawPaths.includes('\n') ? rawPaths.split(/\r?\n/) : rawPaths.split(/[\s,]+/))
    .map((p) => p.trim())
    .filter(Boolean);
  const accountId = get('account-id').replace(/-/g, '');
  if (accountId !== '' && !/^\d{12}$/.test(accountId)) {
    throw new InputError(
      `Input \`account-id\` must be a 12-digit AWS account ID (got ${JSON.stringify(get('account-id'))}).`,
    );
  }
  const commentKey = get('comment-key') || 'default';
  if (commentKey.length > 100) throw new InputError('Input `comment-key` must be at most 100 characters.');
  const baseRef = get('base-ref');
  if (baseRef !== '' && (baseRef.startsWith('-') || /[\s:]/.test(baseRef) || baseRef.includes('..'))) {
    throw new InputError(
      `Input \`base-ref\` is not a valid git ref or SHA (got ${JSON.stringify(baseRef)}).`,
    );
  }
  return {
    paths: paths.length > 0 ? paths : ['.'],
    config: get('config') || undefined,
    baseline: get('baseline') || undefined,
    accountId: accountId || undefined,
    token: get('github-token') || undefined,
    comment: oneOf('comment', get('comment'), COMMENT_MODES, 'update'),
    commentKey,
    failOn: oneOf<FailOn>('fail-on', get('fail-on'), ['none', 'new', 'any'], 'new'),
    threshold: oneOf<Severity>('severity-threshold', get('severity-threshold'), SEVERITIES, 'medium'),
    sarifFile: get('sarif-file') || undefined,
    mode: oneOf<Mode>('mode', get('mode'), ['auto', 'pull-request', 'drift', 'audit'], 'auto'),
    baseRef: baseRef || undefined,
    report: get('report') || undefined,
    prNumber: readPrNumber(root, get('pr-number'), get('pr-number-file')),
    headSha: readHeadSha(get('head-sha')),
  };
}

function readHeadSha(value: string): string | undefined {
  if (value === '') return undefined;
  if (!isSha(value))
    throw new InputError(
      `Input \`head-sha\` must be a full commit SHA (40 hex digits; got ${JSON.stringify(value.slice(0, 80))}).`,
    );
  return value.toLowerCase();
}

/** `pr-number`, or the first line of `pr-number-file` (an untrusted artifact): digits only. */
function readPrNumber(root: string, value: string, file: string): number | undefined {
  let raw = value;
  if (!raw && file) {
    const read = readRepoFile(root, file, 1024);
    if (!read.ok)
      throw new InputError(
        `Input \`pr-number-file\`: ${JSON.stringify(file.slice(0, 200))} ${read.reason}; expected a file holding the pull request number.`,
      );
    raw = read.text.slice(0, 64).split(/\r?\n/)[0]!.trim();
  }
  if (!raw) return undefined;
  if (!/^[1-9]\d{0,9}$/.test(raw))
    throw new InputError(
      `The pull request number must be digits only (got ${JSON.stringify(raw.slice(0, 20))}).`,
    );
  return Number(raw);
}

export function effectiveMode(mode: Mode, eventName: string): EffectiveMode {
  if (mode !== 'auto') return mode;
  if (eventName === 'pull_request' || eventName === 'pull_request_target') return 'pull-request';
  if (eventName === 'schedule' || eventName === 'workflow_dispatch') return 'drift';
  return 'audit';
}

export interface Verdict {
  excessCount: number;
  newExcessCount: number;
  /** Findings that fail the step. */
  failing: Finding[];
  result: 'pass' | 'fail';
}

/**
 * The step's result, from `fail-on` and `severity-threshold` only: findings at or above the
 * threshold, not ignored and not removed; for `fail-on: new`, only those with `new === true`,
 * or every finding when the audit had no base (no finding carries `new`).
 */
export function decide(report: Report, failOn: FailOn, threshold: Severity): Verdict {
  const b = bucketFindings(report.findings);
  const excessCount = [...b.current, ...b.preexisting].filter(isExcess).length;
  const newExcessCount = b.current.filter(isExcess).length;
  const pool = failOn === 'none' ? [] : failOn === 'any' ? [...b.current, ...b.preexisting] : b.current;
  const failing = pool.filter((f) => atLeast(f.severity, threshold));
  return { excessCount, newExcessCount, failing, result: failing.length > 0 ? 'fail' : 'pass' };
}

function errorStatus(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/** Values registered as secrets: also cut out of every message built from an error (defence in depth: the runner masks them in the log, not in a summary, a comment or an output). */
const secrets = new Set<string>();

function message(err: unknown): string {
  let m = err instanceof Error ? err.message : String(err);
  for (const secret of secrets) if (secret.length >= 4) m = m.split(secret).join('***');
  return m;
}

function runUrl(): string | undefined {
  const { serverUrl, runId } = github.context;
  const repo = process.env.GITHUB_REPOSITORY;
  if (!repo || !runId) return undefined;
  const attempt = Number(process.env.GITHUB_RUN_ATTEMPT ?? '1');
  return `${serverUrl}/${repo}/actions/runs/${runId}${attempt > 1 ? `/attempts/${attempt}` : ''}`;
}

/**
 * Where a shortened comment or issue points for the full report: an address that stays the same
 * from run to run (the pull request's checks, the workflow's runs), so that an unchanged audit
 * writes a byte-identical body and nothing is rewritten.
 */
function stableReportUrl(prNumber: number | undefined): string | undefined {
  const { serverUrl } = github.context;
  const repo = process.env.GITHUB_REPOSITORY;
  if (!repo) return undefined;
  if (prNumber !== undefined) return `${serverUrl}/${repo}/pull/${prNumber}/checks`;
  const workflow = /^[^@]*\/\.github\/workflows\/([^/@]+)@/.exec(process.env.GITHUB_WORKFLOW_REF ?? '')?.[1];
  return workflow
    ? `${serverUrl}/${repo}/actions/workflows/${encodeURIComponent(workflow)}`
    : `${serverUrl}/${repo}/actions`;
}

function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'default';
}

/** Writes a JSON file as it is made, in chunks: a report can outgrow the longest string V8 allows. */
async function writeJsonFile(path: string, chunks: Iterable<Uint8Array>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  writeChunksToFile(path, chunks);
}

function forbiddenHint(what: 'comment' | 'issue', isFork: boolean): string {
  if (what === 'issue') {
    return 'the token lacks `issues: write` (add `permissions: issues: write` to the job).';
  }
  return isFork
    ? 'this pull request comes from a fork, where GITHUB_TOKEN is read-only and cannot have `pull-requests: write`. ' +
        'See the README, "Pull requests from forks", for the two-workflow recipe. The job summary has the full report.'
    : 'the token lacks `pull-requests: write` (add `permissions: pull-requests: write` to the job). The job summary has the full report.';
}

/** Runs one publishing step; its failure is a warning, never the step's result. */
async function attempt(what: string, fn: () => Promise<void> | void, on403?: string): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const why = on403 !== undefined && errorStatus(err) === 403 ? on403 : message(err);
    log.warning(`Could not ${what}: ${why}`);
  }
}

export async function run(): Promise<void> {
  const rawToken = core.getInput('github-token');
  if (rawToken) {
    core.setSecret(rawToken);
    secrets.add(rawToken);
    if (rawToken.trim() !== rawToken) secrets.add(rawToken.trim());
  }

  const root = workspace();
  let inputs: Inputs;
  try {
    inputs = readInputs(root);
  } catch (err) {
    log.fail(message(err));
    return;
  }

  const ctx = github.context;
  const mode = inputs.report ? 'pull-request' : effectiveMode(inputs.mode, ctx.eventName);
  const repoSlug = process.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repoSlug.includes('/') ? (repoSlug.split('/', 2) as [string, string]) : ['', ''];
  const octokit: Octokit | undefined = inputs.token ? github.getOctokit(inputs.token) : undefined;
  const pr = (inputs.prNumber !== undefined ? { number: inputs.prNumber } : ctx.payload.pull_request) as
    | {
        number: number;
        base?: { sha?: string; repo?: { full_name?: string } };
        head?: { repo?: { full_name?: string; fork?: boolean } };
      }
    | undefined;
  const isFork =
    !!pr &&
    (pr.head?.repo?.fork === true ||
      (!!pr.head?.repo?.full_name && pr.head.repo.full_name !== pr.base?.repo?.full_name));

  // The base, for `new` on each finding (pull-request mode only).
  let readBase: BaseReader | undefined;
  if (mode === 'pull-request' && !inputs.report) {
    const ref = inputs.baseRef ?? pr?.base?.sha;
    if (ref) {
      readBase = makeBaseReader({ root, ref, octokit, owner, repo });
      log.info(`Comparing with the base ${ref}.`);
    } else {
      log.warning(
        'No base commit (not a pull_request event and no `base-ref`): every finding is treated as new.',
      );
    }
  }

  let report: Report;
  if (inputs.report) {
    const saved = await readSavedReport(root, inputs, octokit, owner, repo);
    if (!saved) return;
    report = saved;
  } else
    try {
      report = await runAudit({
        root,
        paths: inputs.paths,
        baseline: inputs.baseline,
        config: inputs.config,
        accountId: inputs.accountId,
        readBase,
      });
    } catch (err) {
      log.fail(
        err instanceof ConfigError
          ? `Configuration error: ${err.message}`
          : err instanceof UsageError
            ? `Input \`paths\`: ${err.message}`
            : `The audit failed: ${message(err)}`,
      );
      return;
    }

  const verdict = decide(report, inputs.failOn, inputs.threshold);
  log.untrusted(renderText(report, { color: true }));

  // The JSON report: always.
  const findingsFile = join(
    resolve(process.env.RUNNER_TEMP || root),
    'iam-baseline-audit',
    `report-${safeName(inputs.commentKey)}.json`,
  );
  await attempt('write the JSON report', async () => {
    await writeJsonFile(findingsFile, jsonReportChunks(report));
    core.setOutput('findings-file', findingsFile);
  });

  // The job summary: always, also when commenting is impossible.
  const title = mode === 'drift' ? 'IAM baseline drift' : 'IAM baseline audit';
  await attempt('write the job summary', async () => {
    await core.summary.addRaw(renderMarkdown(report, { mode: 'summary', title }), true).write();
  });

  // Annotations point at files of this checkout: not for a report saved by another run.
  if (!inputs.report)
    await attempt('annotate the findings', () => {
      const counts = annotate(report.findings, core, { preexistingAsNotice: inputs.failOn !== 'any' });
      if (counts.dropped > 0)
        log.info(`${counts.dropped} more findings were not annotated (GitHub shows 10 per level and step).`);
    });

  if (inputs.sarifFile) {
    const sarifPath = isAbsolute(inputs.sarifFile) ? inputs.sarifFile : join(root, inputs.sarifFile);
    await attempt(`write the SARIF file ${inputs.sarifFile}`, async () => {
      const server = ctx.serverUrl || 'https://github.com';
      const actionRepo = process.env.GITHUB_ACTION_REPOSITORY;
      const sarif = renderSarif(report, actionRepo ? { informationUri: `${server}/${actionRepo}` } : {});
      await writeJsonFile(sarifPath, sarifChunks(sarif));
      core.setOutput('sarif-file', sarifPath);
    });
  }

  if (mode === 'pull-request' && inputs.comment !== 'off') {
    if (!octokit)
      log.warning('No `github-token`: the pull request comment is skipped (the job summary has the report).');
    else if (!pr?.number || !owner)
      log.warning('Not a pull request event: there is no pull request to comment on.');
    else {
      const issueNumber = pr.number;
      await attempt(
        'comment on the pull request',
        async () => {
          const body = renderMarkdown(report, {
            mode: 'comment',
            commentKey: inputs.commentKey,
            summaryUrl: stableReportUrl(issueNumber),
            title,
          });
          const res = await upsertComment(octokit, { owner, repo, issueNumber }, body, {
            mode: inputs.comment,
            key: inputs.commentKey,
            createIfMissing: verdict.newExcessCount > 0,
          });
          log.info(`Pull request comment: ${res.action}${res.url ? ` (${res.url})` : ''}.`);
          if (res.id !== undefined) core.setOutput('comment-id', String(res.id));
          if (res.url) core.setOutput('comment-url', res.url);
        },
        forbiddenHint('comment', isFork),
      );
    }
  }

  if (mode === 'drift') {
    if (!octokit || !owner)
      log.warning('No `github-token` or repository: the drift tracking issue is skipped.');
    else {
      const key = inputs.commentKey;
      await attempt(
        'update the drift tracking issue',
        async () => {
          const res = await syncDriftIssue(
            octokit,
            { owner, repo },
            {
              key,
              title: `IAM permissions beyond the vendor baselines${key !== 'default' ? ` (${key})` : ''}`,
              body: renderMarkdown(report, {
                mode: 'issue',
                commentKey: key,
                summaryUrl: stableReportUrl(undefined),
                title,
              }),
              hasFindings: verdict.excessCount > 0,
              runUrl: runUrl(),
            },
          );
          log.info(`Drift tracking issue: ${res.action}${res.url ? ` (${res.url})` : ''}.`);
          if (res.number !== undefined) core.setOutput('issue-number', String(res.number));
          if (res.url) core.setOutput('issue-url', res.url);
        },
        forbiddenHint('issue', false),
      );
    }
  }

  core.setOutput('excess-count', String(verdict.excessCount));
  core.setOutput('new-excess-count', String(verdict.newExcessCount));
  core.setOutput('result', verdict.result);
  if (verdict.result === 'fail') {
    const scope = inputs.failOn === 'new' ? 'new ' : '';
    log.fail(
      `${verdict.failing.length} ${scope}finding${verdict.failing.length === 1 ? '' : 's'} at or above ${inputs.threshold} ` +
        `(fail-on: ${inputs.failOn}, severity-threshold: ${inputs.threshold}).`,
    );
  }
}

/**
 * The fork recipe's `workflow_run` half: the saved report, once the pull request it names is
 * verified to be open at the commit the report was made for. Fails the step (and returns
 * undefined) otherwise: nothing from the fork is run, and nothing is written to GitHub.
 */
async function readSavedReport(
  root: string,
  inputs: Inputs,
  octokit: Octokit | undefined,
  owner: string,
  repo: string,
): Promise<Report | undefined> {
  const file = inputs.report!;
  const shown = JSON.stringify(file.slice(0, 200));
  if (inputs.prNumber === undefined) {
    log.fail('Input `report` needs `pr-number` or `pr-number-file`: the pull request to comment on.');
    return undefined;
  }
  const headSha =
    inputs.headSha ?? (github.context.payload.workflow_run as { head_sha?: unknown } | undefined)?.head_sha;
  if (typeof headSha !== 'string' || !isSha(headSha)) {
    log.fail(
      'Input `report`: cannot check that the saved report belongs to the pull request it names: run this step on a `workflow_run` event (its `head_sha` is the commit the report was made for) or give `head-sha`.',
    );
    return undefined;
  }
  if (!octokit || !owner) {
    log.fail(
      'Input `report`: a `github-token` and a repository are needed to check the pull request it names.',
    );
    return undefined;
  }
  try {
    await verifyPullRequest(octokit, { owner, repo, number: inputs.prNumber, headSha });
  } catch (err) {
    log.fail(
      err instanceof PullRequestMismatch
        ? `Input \`pr-number\`: ${err.message}.`
        : `Input \`pr-number\`: ${message(err)}`,
    );
    return undefined;
  }
  const read = readRepoFile(root, file, MAX_SAVED_REPORT_BYTES);
  if (!read.ok) {
    log.fail(
      read.code === 'too-large'
        ? `Input \`report\`: ${shown}: ${read.reason} (${formatBytes(MAX_SAVED_REPORT_BYTES)} is the most this action reads); audit fewer paths per job, or raise nothing and split the audit with \`comment-key\`.`
        : `Input \`report\`: ${shown}: ${read.reason}.`,
    );
    return undefined;
  }
  try {
    return parseReportJson(read.text);
  } catch (err) {
    log.fail(`Input \`report\`: ${shown} is not a report of this action: ${message(err)}`);
    return undefined;
  }
}
