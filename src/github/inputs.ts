// The action's inputs (kebab-case names, as in action.yml): read and validated once. An invalid
// input is an InputError, which fails the step with its message.
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { SEVERITIES, type Severity } from '../core/types.js';
import { readRepoFile } from '../sources/safe-read.js';
import { FAIL_ON, type FailOn } from '../report/verdict.js';
import { COMMENT_MODES, type CommentMode } from './comment.js';
import { REVIEW_MODES, type ReviewMode } from './review.js';
import { isSha } from './verify-pr.js';

export type { FailOn } from '../report/verdict.js';
export type Mode = 'auto' | 'pull-request' | 'drift' | 'audit';

export interface Inputs {
  paths: string[];
  config?: string;
  baseline?: string;
  accountId?: string;
  token?: string;
  comment: CommentMode;
  /** The review of suggested changes (pull-request mode): `suggest`, `comment` or `off`. */
  review: ReviewMode;
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

/** The checked-out repository: GITHUB_WORKSPACE, else the current directory. */
export function workspace(): string {
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
  // Several lines: one path per line (paths may contain spaces); one line: commas or spaces. (A
  // YAML block of one line, `paths: |` then `my iam`, ends with a line break that the trimmed
  // value loses: read untrimmed, it is one path a line.)
  const rawPaths = core.getInput('paths', { trimWhitespace: false });
  const paths = (
    rawPaths.trim().includes('\n') || /\n\s*$/.test(rawPaths)
      ? rawPaths.split(/\r?\n/)
      : rawPaths.split(/[\s,]+/)
  )
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
  const report = get('report') || undefined;
  const prNumber = readPrNumber(root, get('pr-number'), get('pr-number-file'));
  // (without a saved report, a number would post this run's audit on another pull request, unchecked)
  if (prNumber !== undefined && !report)
    throw new InputError(
      'Input `pr-number` (or `pr-number-file`) is read only with `report`, in the second workflow of the fork recipe: remove it, or give the saved report.',
    );
  return {
    paths: paths.length > 0 ? paths : ['.'],
    config: get('config') || undefined,
    baseline: get('baseline') || undefined,
    accountId: accountId || undefined,
    token: get('github-token') || undefined,
    comment: oneOf('comment', get('comment'), COMMENT_MODES, 'update'),
    review: oneOf<ReviewMode>('review', get('review'), REVIEW_MODES, 'suggest'),
    commentKey,
    failOn: oneOf<FailOn>('fail-on', get('fail-on'), FAIL_ON, 'new'),
    threshold: oneOf<Severity>('severity-threshold', get('severity-threshold'), SEVERITIES, 'medium'),
    sarifFile: get('sarif-file') || undefined,
    mode: oneOf<Mode>('mode', get('mode'), ['auto', 'pull-request', 'drift', 'audit'], 'auto'),
    baseRef: baseRef || undefined,
    report,
    prNumber,
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
      `${value ? 'Input `pr-number`' : `Input \`pr-number-file\` (${JSON.stringify(file.slice(0, 200))})`}: the pull request number must be digits only (got ${JSON.stringify(raw.slice(0, 20))}).`,
    );
  return Number(raw);
}
