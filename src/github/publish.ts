// The publishers: each writes the report to one place (the JSON report file, the job summary,
// annotations, the SARIF file, the pull request comment, the drift tracking issue). Each runs
// through attempt(): its failure is a warning, never the step's result.
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { Report } from '../core/types.js';
import { jsonReportChunks } from '../report/json.js';
import { sarifChunks, writeChunksToFile } from '../report/json-stream.js';
import { renderMarkdown, type NoSuggestion } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { isExcess } from '../report/group.js';
import type { Verdict } from '../report/verdict.js';
import { annotate } from './annotations.js';
import { upsertComment, type CommentResult } from './comment.js';
import { attempt, forbiddenHint, runUrl, stableReportUrl, type RunContext } from './context.js';
import type { Inputs } from './inputs.js';
import { syncDriftIssue } from './issue.js';
import { log } from './log.js';
import { publishReview } from './publish-review.js';

/** Where the action's shortened lists are whole: its JSON report, which the workflow can upload. */
const WHOLE_LISTS_AT = "the JSON report, the step's `findings-file` output";

/** What every publisher is given. */
export interface Publication {
  root: string;
  inputs: Inputs;
  context: RunContext;
  report: Report;
  verdict: Verdict;
  /** The heading of the Markdown report. */
  title: string;
  /** Set by the review publisher: suggested changes left out of the review (over the limit). */
  moreSuggestions?: number;
  /** Set by the review publisher: why the new findings of some files have no suggested change. */
  noSuggestion?: readonly NoSuggestion[];
}

function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'default';
}

/** Writes a JSON file as it is made, in chunks: a report can outgrow the longest string V8 allows. */
async function writeJsonFile(path: string, chunks: Iterable<Uint8Array>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  writeChunksToFile(path, chunks);
}

/** The JSON report, in RUNNER_TEMP: always (output `findings-file`). */
export async function publishJsonReport({ root, inputs, report }: Publication): Promise<void> {
  const findingsFile = join(
    resolve(process.env.RUNNER_TEMP || root),
    'iam-baseline-audit',
    `report-${safeName(inputs.commentKey)}.json`,
  );
  await attempt('write the JSON report', async () => {
    await writeJsonFile(findingsFile, jsonReportChunks(report));
    core.setOutput('findings-file', findingsFile);
  });
}

/** The job summary: always, also when commenting is impossible. */
export async function publishSummary({ report, title, inputs, verdict }: Publication): Promise<void> {
  await attempt('write the job summary', async () => {
    const check = { result: verdict.result, failOn: inputs.failOn, threshold: inputs.threshold };
    await core.summary
      .addRaw(renderMarkdown(report, { mode: 'summary', title, check, wholeListsAt: WHOLE_LISTS_AT }), true)
      .write();
  });
}

/** Annotations point at files of this checkout: not for a report saved by another run. */
export async function publishAnnotations({ inputs, report, verdict }: Publication): Promise<void> {
  if (inputs.report) return;
  await attempt('annotate the findings', () => {
    const counts = annotate(report.findings, core, {
      preexistingAsNotice: inputs.failOn !== 'any',
      failing: verdict.failing,
    });
    if (counts.dropped > 0)
      log.info(`${counts.dropped} more findings were not annotated (GitHub shows 10 per level and step).`);
  });
}

/** Where `sarif-file` writes: relative to the repository root, or absolute. */
export function sarifPathOf(root: string, file: string): string {
  return isAbsolute(file) ? file : join(root, file);
}

/** The SARIF file, when `sarif-file` names one (output `sarif-file`). */
export async function publishSarif({ root, inputs, report }: Publication): Promise<void> {
  if (!inputs.sarifFile) return;
  const sarifPath = sarifPathOf(root, inputs.sarifFile);
  await attempt(`write the SARIF file ${inputs.sarifFile}`, async () => {
    const server = github.context.serverUrl || 'https://github.com';
    const actionRepo = process.env.GITHUB_ACTION_REPOSITORY;
    const sarif = renderSarif(report, actionRepo ? { informationUri: `${server}/${actionRepo}` } : {});
    await writeJsonFile(sarifPath, sarifChunks(sarif));
    core.setOutput('sarif-file', sarifPath);
  });
}

/** The sticky pull request comment (pull-request mode, unless `comment: off`). */
export async function publishComment({
  inputs,
  context,
  report,
  verdict,
  title,
  moreSuggestions,
  noSuggestion,
}: Publication): Promise<void> {
  const { mode, octokit, pr, owner, repo, isFork } = context;
  if (mode !== 'pull-request' || inputs.comment === 'off') return;
  if (!octokit) {
    log.warning('No `github-token`: the pull request comment is skipped (the job summary has the report).');
    return;
  }
  if (!pr?.number || !owner) {
    log.warning('Not a pull request event: there is no pull request to comment on.');
    return;
  }
  const issueNumber = pr.number;
  await attempt(
    'comment on the pull request',
    async () => {
      const body = renderMarkdown(report, {
        mode: 'comment',
        commentKey: inputs.commentKey,
        summaryUrl: stableReportUrl(issueNumber),
        title,
        check: { result: verdict.result, failOn: inputs.failOn, threshold: inputs.threshold },
        moreSuggestions,
        noSuggestion,
        wholeListsAt: WHOLE_LISTS_AT,
      });
      const res = await upsertComment(octokit, { owner, repo, issueNumber }, body, {
        mode: inputs.comment,
        key: inputs.commentKey,
        // A change that adds excess, or takes away a permission the vendor needs (informational:
        // it never fails the check, but the integration may break), or adds excess an ignore rule
        // hides (one the change may add itself: a review): worth a comment.
        createIfMissing: verdict.newExcessCount > 0 || takesAway(report) || hidesNew(report),
      });
      commentWritten(res);
    },
    forbiddenHint('comment', isFork),
  );
}

/** What became of the pull request's comment: the log line and the `comment-id` / `comment-url` outputs. */
export function commentWritten(res: CommentResult): void {
  log.info(`Pull request comment: ${res.action}${res.url ? ` (${res.url})` : ''}.`);
  if (res.id !== undefined) core.setOutput('comment-id', String(res.id));
  if (res.url) core.setOutput('comment-url', res.url);
}

/** Whether the change takes away a permission the vendor needs (a new missing-permission finding). */
function takesAway(report: Report): boolean {
  return report.findings.some(
    (f) => f.kind === 'missing-permission' && f.new === true && !f.ignored && !f.removed,
  );
}

/** Whether an ignore rule hides excess the change adds (the comment says so: "… new ignored"). */
function hidesNew(report: Report): boolean {
  return report.findings.some((f) => f.new === true && !!f.ignored && !f.removed && isExcess(f));
}

/** The drift tracking issue (drift mode): opened, updated or closed. */
export async function publishDriftIssue({
  inputs,
  context,
  report,
  verdict,
  title,
}: Publication): Promise<void> {
  const { mode, octokit, owner, repo } = context;
  if (mode !== 'drift') return;
  if (!octokit || !owner) {
    log.warning('No `github-token` or repository: the drift tracking issue is skipped.');
    return;
  }
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
            wholeListsAt: WHOLE_LISTS_AT,
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

/**
 * Every publisher, in this order: JSON report, summary, annotations, SARIF, the review of
 * suggested changes (before the comment, which counts the ones left out), comment, drift issue.
 */
export const PUBLISHERS: readonly ((p: Publication) => Promise<void>)[] = [
  publishJsonReport,
  publishSummary,
  publishAnnotations,
  publishSarif,
  publishReview,
  publishComment,
  publishDriftIssue,
];
