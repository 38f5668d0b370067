// Whether the checkout is the pull request at all. A `pull_request_target` workflow's checkout is
// the base branch unless told otherwise (actions/checkout's default for that event): audited as if
// it were the pull request, nothing the pull request changes is seen, and a required check passes
// with "0 new" (a review). In pull-request mode the checked-out HEAD must be the pull request's
// head commit, a commit that has it as a parent (GitHub's merge commit refs/pull/N/merge, the
// `pull_request` default), one git knows to descend from it, or the event's `merge_commit_sha`;
// otherwise nothing is audited and the step fails, saying how to check out the head. Not asked:
// other events (push, schedule: no pull request), the fork recipe's `report` (it audits nothing
// here) and an event that names no head commit. A checkout git cannot tell (another user's work
// tree, git's "dubious ownership" in a `container:` job; no `.git`, actions/checkout's download
// without git) fails a `pull_request_target` run too, whose default checkout is the base: taken to
// be the head, it passed with "0 new" (a review); in other pull-request runs (`pull_request`,
// whose default is the merge commit) it is a warning.
import * as core from '@actions/core';
import { commentMarker } from '../report/markdown.js';
import { isAncestor, isSha, readCheckout, type UnknownCheckout } from './checkout.js';
import { upsertComment } from './comment.js';
import { attempt, forbiddenHint, type RunContext } from './context.js';
import type { Inputs } from './inputs.js';
import { log } from './log.js';
import { commentWritten } from './publish.js';

/** How to check out the pull request's head (the step's message, the summary, the comment). */
export const CHECKOUT_HINT =
  "Check out the pull request's head: in a `pull_request` workflow, actions/checkout's default " +
  "(GitHub's merge commit) is; in a `pull_request_target` workflow, give actions/checkout " +
  '`ref: ${{ github.event.pull_request.head.sha }}` with `persist-credentials: false`, or audit ' +
  'in a `pull_request` workflow and comment from a `workflow_run` one (the README\'s "Pull ' +
  'requests from forks").';

const short = (sha: string) => sha.slice(0, 12);

/** Why git cannot tell which commit is checked out, and the fix (git's message is never quoted: it names the runner's paths). */
const UNKNOWN_WHY: Record<UnknownCheckout, string> = {
  'dubious-ownership':
    'git refuses to read the work tree, which another user owns (git\'s "dubious ownership", as in a ' +
    '`container:` job): run `git config --global --add safe.directory "$GITHUB_WORKSPACE"` before this step',
  'no-repository':
    'the workspace is not a git repository (actions/checkout downloads the files alone, without ' +
    '`.git`, when git 2.18 or later is not on the runner): install git before actions/checkout',
  'no-git': 'git is not installed: install it before this step',
  'no-commit': 'no commit is checked out',
  failed: 'git could not read the repository',
};

/**
 * Why the checkout is not the pull request (the message), or undefined when it is, or when this
 * run does not audit a pull request's files, or (not `pull_request_target`, a warning) when git
 * cannot tell.
 */
export async function notThePullRequest(
  root: string,
  inputs: Pick<Inputs, 'report'>,
  context: Pick<RunContext, 'mode' | 'pr' | 'event'>,
): Promise<string | undefined> {
  const { mode, pr } = context;
  if (mode !== 'pull-request' || inputs.report || !pr) return undefined;
  const head = String(pr.head?.sha ?? '').toLowerCase();
  if (!isSha(head)) return undefined;
  const read = await readCheckout(root);
  if ('unknown' in read) {
    const why = UNKNOWN_WHY[read.unknown];
    // (pull_request_target's default checkout is the base: taken to be the head, a pass of "0 new")
    if (context.event === 'pull_request_target')
      return `Nothing of pull request #${pr.number} was audited: which commit is checked out could not be confirmed, as ${why}. A \`pull_request_target\` workflow checks out the base branch unless told otherwise, so a change the pull request makes might not be seen. ${CHECKOUT_HINT}`;
    log.warning(
      `Which commit is checked out could not be confirmed, as ${why}. It is taken to be pull request #${pr.number}'s head (actions/checkout's default); if it is not, the pull request's changes were not audited.`,
    );
    return undefined;
  }
  const checkout = read.commit;
  const merge = String(pr.merge_commit_sha ?? '').toLowerCase();
  if (checkout.sha === head || checkout.parents.includes(head) || (isSha(merge) && checkout.sha === merge))
    return undefined;
  if ((await isAncestor(root, head, checkout.sha)) === true) return undefined;
  const base = String(pr.base?.sha ?? '').toLowerCase();
  const what =
    checkout.sha === base
      ? `its base commit ${short(base)} (a \`pull_request_target\` workflow checks out the base branch unless told otherwise)`
      : `commit ${short(checkout.sha)}, neither its head ${short(head)} nor a merge of it`;
  return `Nothing of pull request #${pr.number} was audited: the checkout is ${what}, so a change it makes could not be seen. ${CHECKOUT_HINT}`;
}

/**
 * The run that audited nothing: the message in the job summary and the pull request's comment
 * (unless `comment: off`), output `result: fail`, and the step failed with it (an error
 * annotation). Never a pass of a required check.
 */
export async function publishNotAudited(
  message: string,
  inputs: Pick<Inputs, 'comment' | 'commentKey'>,
  context: RunContext,
): Promise<void> {
  const title = 'IAM baseline audit';
  // (the message holds SHAs, a number and fixed text only)
  const text = `❌ **Nothing of this pull request was audited.** ${message}`;
  await attempt('write the job summary', async () => {
    await core.summary.addRaw(`### ${title}\n\n${text}\n`, true).write();
  });
  const { octokit, pr, owner, repo, isFork } = context;
  if (inputs.comment !== 'off' && octokit && pr?.number && owner) {
    const issueNumber = pr.number;
    await attempt(
      'comment on the pull request',
      async () => {
        const body = `${commentMarker(inputs.commentKey)}\n### ${title}\n\n${text}\n`;
        const res = await upsertComment(octokit, { owner, repo, issueNumber }, body, {
          mode: inputs.comment,
          key: inputs.commentKey,
        });
        commentWritten(res);
      },
      forbiddenHint('comment', isFork),
    );
  }
  log.fail(message);
}
