// What the action knows of its run: the event's mode, the repository, the pull request and the
// token's client; the addresses a report links to; and the warn-don't-fail rule, attempt(), with
// the messages it writes (registered secrets cut out).
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { Octokit } from './comment.js';
import type { Inputs, Mode } from './inputs.js';
import { log } from './log.js';

export type EffectiveMode = 'pull-request' | 'drift' | 'audit';

export function effectiveMode(mode: Mode, eventName: string): EffectiveMode {
  if (mode !== 'auto') return mode;
  if (eventName === 'pull_request' || eventName === 'pull_request_target') return 'pull-request';
  if (eventName === 'schedule' || eventName === 'workflow_dispatch') return 'drift';
  return 'audit';
}

export interface PullRequest {
  number: number;
  base?: { sha?: string; repo?: { full_name?: string } };
  head?: { sha?: string; repo?: { full_name?: string; fork?: boolean } };
  /** GitHub's merge commit of the pull request (refs/pull/N/merge; once merged, the merge or squash commit). */
  merge_commit_sha?: string | null;
}

export interface RunContext {
  mode: EffectiveMode;
  /** The event that started the run (`pull_request`, `pull_request_target`, `schedule`…). */
  event?: string;
  owner: string;
  repo: string;
  octokit?: Octokit;
  pr?: PullRequest;
  /** The pull request comes from a fork (its token is read-only). */
  isFork: boolean;
}

/** The run's context: a saved report (the fork recipe) is always for a pull request. */
export function runContext(inputs: Inputs): RunContext {
  const ctx = github.context;
  const mode = inputs.report ? 'pull-request' : effectiveMode(inputs.mode, ctx.eventName);
  const repoSlug = process.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repoSlug.includes('/') ? (repoSlug.split('/', 2) as [string, string]) : ['', ''];
  const octokit: Octokit | undefined = inputs.token ? github.getOctokit(inputs.token) : undefined;
  const pr = (inputs.prNumber !== undefined ? { number: inputs.prNumber } : ctx.payload.pull_request) as
    PullRequest | undefined;
  const isFork =
    !!pr &&
    (pr.head?.repo?.fork === true ||
      (!!pr.head?.repo?.full_name && pr.head.repo.full_name !== pr.base?.repo?.full_name));
  return { mode, event: ctx.eventName, owner, repo, octokit, pr, isFork };
}

/** Values registered as secrets: also cut out of every message built from an error (defence in depth: the runner masks them in the log, not in a summary, a comment or an output). */
const secrets = new Set<string>();

/** Registers the `github-token` input as a secret, as given and trimmed. */
export function registerToken(): void {
  const rawToken = core.getInput('github-token');
  if (rawToken) {
    core.setSecret(rawToken);
    secrets.add(rawToken);
    if (rawToken.trim() !== rawToken) secrets.add(rawToken.trim());
  }
}

/** An error's message, registered secrets cut out. */
export function message(err: unknown): string {
  let m = err instanceof Error ? err.message : String(err);
  for (const secret of secrets) if (secret.length >= 4) m = m.split(secret).join('***');
  return m;
}

function errorStatus(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/** Runs one publishing step; its failure is a warning, never the step's result. */
export async function attempt(what: string, fn: () => Promise<void> | void, on403?: string): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const why = on403 !== undefined && errorStatus(err) === 403 ? on403 : message(err);
    log.warning(`Could not ${what}: ${why}`);
  }
}

/** What to do when GitHub answers 403 to a comment or an issue. */
export function forbiddenHint(what: 'comment' | 'issue', isFork: boolean): string {
  if (what === 'issue') {
    return 'the token lacks `issues: write` (add `permissions: issues: write` to the job).';
  }
  return isFork
    ? 'this pull request comes from a fork, where GITHUB_TOKEN is read-only and cannot have `pull-requests: write`. ' +
        'See the README, "Pull requests from forks", for the two-workflow recipe. The job summary has the full report.'
    : 'the token lacks `pull-requests: write` (add `permissions: pull-requests: write` to the job). The job summary has the full report.';
}

/** This run's page (with its attempt), for the drift issue's note of when it was last seen. */
export function runUrl(): string | undefined {
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
export function stableReportUrl(prNumber: number | undefined): string | undefined {
  const { serverUrl } = github.context;
  const repo = process.env.GITHUB_REPOSITORY;
  if (!repo) return undefined;
  if (prNumber !== undefined) return `${serverUrl}/${repo}/pull/${prNumber}/checks`;
  const workflow = /^[^@]*\/\.github\/workflows\/([^/@]+)@/.exec(process.env.GITHUB_WORKFLOW_REF ?? '')?.[1];
  return workflow
    ? `${serverUrl}/${repo}/actions/workflows/${encodeURIComponent(workflow)}`
    : `${serverUrl}/${repo}/actions`;
}
