// The fork recipe's second half (a `workflow_run` job) comments a report that a fork's run saved,
// on the pull request number that run saved beside it. Both come from the fork, so the number is
// checked against GitHub before anything is written: the pull request must be open and its head
// commit must be the commit the saved report was made for (`workflow_run.head_sha`). Otherwise a
// fork could name another pull request and rewrite its comment ("❌ 1 new finding" into "✅").
import type { Octokit } from './comment.js';

/** The pull request cannot be verified: the step fails with this message and writes nothing. */
export class PullRequestMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PullRequestMismatch';
  }
}

export interface VerifyTarget {
  owner: string;
  repo: string;
  number: number;
  /** The commit the report was made for (the triggering run's head). */
  headSha: string;
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;

export function isSha(value: string): boolean {
  return SHA.test(value);
}

/** Resolves when pull request `number` is open and its head is `headSha`; throws PullRequestMismatch otherwise. */
export async function verifyPullRequest(octokit: Octokit, t: VerifyTarget): Promise<void> {
  let pr: { state?: string; head?: { sha?: string } };
  try {
    ({ data: pr } = await octokit.rest.pulls.get({ owner: t.owner, repo: t.repo, pull_number: t.number }));
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    throw new PullRequestMismatch(
      status === 404
        ? `pull request #${t.number} does not exist in ${t.owner}/${t.repo}: refusing to comment`
        : `cannot read pull request #${t.number} to check it (${typeof status === 'number' ? `HTTP ${status}` : 'no answer'}): refusing to comment (the token needs \`pull-requests: read\`)`,
    );
  }
  if (pr.state !== 'open')
    throw new PullRequestMismatch(
      `pull request #${t.number} is ${pr.state === 'closed' ? 'closed' : 'not open'}: refusing to comment on it`,
    );
  const head = String(pr.head?.sha ?? '');
  if (head.toLowerCase() !== t.headSha.toLowerCase())
    throw new PullRequestMismatch(
      `pull request #${t.number}'s head is ${head.slice(0, 12) || 'unknown'}, not ${t.headSha.slice(0, 12)}, the commit the saved report was made for: refusing to comment (the saved number names another pull request, or the pull request moved on since; the next run comments it)`,
    );
}
