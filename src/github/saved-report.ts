// The fork recipe's `workflow_run` half: comment a report saved by the pull request's own
// (read-only) run, once the pull request it names is verified to be open at its commit.
import * as github from '@actions/github';
import type { Report } from '../core/types.js';
import { parseReportJson } from '../report/validate.js';
import { formatBytes, readRepoFile } from '../sources/safe-read.js';
import type { Octokit } from './comment.js';
import { message } from './context.js';
import type { Inputs } from './inputs.js';
import { log } from './log.js';
import { isSha, PullRequestMismatch, verifyPullRequest } from './verify-pr.js';

/** Largest saved report the fork recipe's `report` input reads. */
export const MAX_SAVED_REPORT_BYTES = 256 * 1024 * 1024;

/**
 * The saved report, once the pull request it names is verified to be open at the commit the
 * report was made for. Fails the step (and returns undefined) otherwise: nothing from the fork is
 * run, and nothing is written to GitHub.
 */
export async function readSavedReport(
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
