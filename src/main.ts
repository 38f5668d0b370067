// The GitHub Action: reads the inputs, runs the audit once, then reports it everywhere it can
// (src/github/publish.ts: JSON report file, job summary, annotations, SARIF file, the pull request
// comment or the drift tracking issue). The step's result comes ONLY from `fail-on` and
// `severity-threshold` (report/verdict.ts, shared with the CLI): a failure to comment, summarise
// or annotate is a warning, never a failed step.
import * as core from '@actions/core';
import { ConfigError, runAudit, UsageError } from './audit/run.js';
import { SELECTS_NO_POLICY } from './audit/assign.js';
import type { Report } from './core/types.js';
import { BaseRefError, makeBaseReader, type BaseReader } from './github/base.js';
import { message, registerToken, runContext, type RunContext } from './github/context.js';
import { notThePullRequest, publishNotAudited } from './github/head-check.js';
import { readInputs, workspace, type Inputs } from './github/inputs.js';
import { log, setResult } from './github/log.js';
import { guardWarnings } from './core/warnings.js';
import { PUBLISHERS, sarifPathOf } from './github/publish.js';
import { inputAt } from './sources/inside.js';
import { readSavedReport } from './github/saved-report.js';
import { decide } from './report/verdict.js';
import { renderText } from './report/text.js';

export { effectiveMode } from './github/context.js';
export { InputError, readInputs, type FailOn, type Inputs, type Mode } from './github/inputs.js';
export { MAX_SAVED_REPORT_BYTES } from './github/saved-report.js';
export { decide, type Verdict } from './report/verdict.js';

/** The base, for `new` on each finding (pull-request mode only). */
function baseReader(root: string, inputs: Inputs, context: RunContext): BaseReader | undefined {
  if (context.mode !== 'pull-request' || inputs.report) return undefined;
  // (the event's base: compared at the merge base of it and the checkout, as the pull request's
  // diff is; a `base-ref` given is the commit to compare with, as it is)
  const ref = inputs.baseRef ?? context.pr?.base?.sha;
  if (!ref) {
    log.warning(
      'No base commit (not a pull_request event and no `base-ref`): every finding is treated as new.',
    );
    return undefined;
  }
  const { octokit, owner, repo } = context;
  const pull = context.pr?.number;
  const reader = makeBaseReader({
    root,
    ref,
    octokit,
    owner,
    repo,
    pull,
    onUnknownChanges: (why) => log.warning(why),
    mergeBase: inputs.baseRef === undefined,
    onNote: (note, level) => (level === 'warning' ? log.warning(note) : log.info(note)),
  });
  log.info(`Comparing with the base ${ref}.`);
  return reader;
}

/** The report: audited here, or (the fork recipe) saved by another run. Undefined: the step failed. */
async function obtainReport(root: string, inputs: Inputs, context: RunContext): Promise<Report | undefined> {
  const readBase = baseReader(root, inputs, context);
  if (inputs.report) return readSavedReport(root, inputs, context.octokit, context.owner, context.repo);
  try {
    const { paths, baseline, config, accountId } = inputs;
    return await runAudit({ root, paths, baseline, config, accountId, readBase });
  } catch (err) {
    log.fail(
      err instanceof ConfigError
        ? `Configuration error: ${err.message}`
        : err instanceof BaseRefError
          ? err.message
          : err instanceof UsageError
            ? `Input \`paths\`: ${err.message}`
            : `The audit failed: ${message(err)}`,
    );
    return undefined;
  }
}

/**
 * A warning (an annotation on the run) when the audit held no policy to a baseline, or an audit of
 * the configuration selects none: a required check that audits nothing passes green, and a moved
 * folder would turn it into a no-op unseen (a review: the only traces were notes in the report).
 */
function warnNothingAudited(report: Report): void {
  for (const note of report.notes ?? [])
    if (SELECTS_NO_POLICY.test(note)) log.warning(`${note} (check its \`policies\`).`);
  if (report.policies.length > 0 && !report.policies.some((p) => p.status === 'audited'))
    log.warning(
      `No IAM policy was held to a baseline (${report.policies.length} found): name their baseline (the \`baseline\` input, or an audit in the configuration), or this check passes without auditing anything.`,
    );
}

export async function run(): Promise<void> {
  guardWarnings();
  registerToken();
  const root = workspace();
  let inputs: Inputs;
  try {
    inputs = readInputs(root);
  } catch (err) {
    log.fail(message(err));
    return;
  }
  const context = runContext(inputs);
  // A checkout that is not the pull request (pull_request_target's default): nothing to audit.
  const notAudited = await notThePullRequest(root, inputs, context);
  if (notAudited) {
    await publishNotAudited(notAudited, inputs, context);
    return;
  }
  const report = await obtainReport(root, inputs, context);
  if (!report) return;

  // (the CLI refuses an --output that names an input alike: the policy would be replaced by
  // SARIF; refused before anything is published, a comment included)
  const sarifOver =
    inputs.sarifFile && !inputs.report
      ? inputAt(sarifPathOf(root, inputs.sarifFile), root, report.inputs)
      : undefined;
  if (sarifOver) {
    log.fail(
      `Input \`sarif-file\`: ${inputs.sarifFile} is one of the audit's inputs (${sarifOver.path}); the SARIF file is not written over it: name another file.`,
    );
    return;
  }
  const verdict = decide(report, inputs.failOn, inputs.threshold);
  log.untrusted(renderText(report, { color: true }));
  // (a saved report's notes are the fork's: not made warnings of this run)
  if (!inputs.report) warnNothingAudited(report);
  const title = context.mode === 'drift' ? 'IAM baseline drift' : 'IAM baseline audit';
  // One publication for all: the review publisher notes there what the comment then counts.
  const publication = { root, inputs, context, report, verdict, title };
  for (const publish of PUBLISHERS) await publish(publication);

  core.setOutput('excess-count', String(verdict.excessCount));
  core.setOutput('new-excess-count', String(verdict.newExcessCount));
  setResult(verdict.result);
  // A saved report (the fork recipe's `workflow_run` half): the pull request's own run is the check,
  // and this step comments what it found. `fail-on` and `severity-threshold`, the check's as the
  // pull request's run has them, make the comment's verdict (and `result`), not this step's failure
  // (a review: the recipe's `fail-on: none` here made the comment say "the check passes" of a run
  // that failed).
  if (inputs.report) {
    if (verdict.result === 'fail')
      log.info(
        `The pull request's check fails on this report (fail-on: ${inputs.failOn}, severity-threshold: ${inputs.threshold}); this step, which only comments it, does not.`,
      );
    return;
  }
  if (verdict.result === 'fail') {
    const n = verdict.failing.length;
    const scope = inputs.failOn === 'new' ? 'new ' : '';
    log.fail(
      `${n} ${scope}finding${n === 1 ? '' : 's'} at or above ${inputs.threshold} ` +
        `(fail-on: ${inputs.failOn}, severity-threshold: ${inputs.threshold}).`,
    );
  }
}
