// The review publisher (pull-request mode, unless `review: off`): reads the pull request's diff and
// the changed files, plans the fixes (src/fix), and keeps the review comments of suggested changes
// in step (src/github/review.ts). Every failure is a warning, never the step's result.
import { posix } from 'node:path';
import { planFixes } from '../fix/index.js';
import { readRepoFile } from '../sources/safe-read.js';
import { attempt, forbiddenHint, message } from './context.js';
import { log } from './log.js';
import { visibilise } from '../core/escape.js';
import { pullRequestDiff, readAtCommit, repoPrefix, type PrDiff } from './pr-diff.js';
import type { Publication } from './publish.js';
import {
  fixable,
  MAX_REVIEW_COMMENTS,
  planReview,
  selectComments,
  syncReview,
  type PlanFixes,
} from './review.js';

/** Largest file a suggested change is made for. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

function status(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/**
 * The review of suggested changes. Not for the fork recipe (`report`): its checkout is the base
 * branch, not the pull request's files, and the saved report comes from the fork, so its lines
 * cannot be checked against the files; its findings stay in the main comment.
 */
export async function publishReview(pub: Publication, plan: PlanFixes = planFixes): Promise<void> {
  const { root, inputs, context, report } = pub;
  const { mode, octokit, pr, owner, repo, isFork } = context;
  if (mode !== 'pull-request' || inputs.review === 'off') return;
  if (inputs.report) {
    log.info(
      'Suggested changes: not made from a saved report (the fork recipe); the comment lists the findings.',
    );
    return;
  }
  if (!octokit || !pr?.number || !owner) return;
  const headSha = pr.head?.sha;
  if (!headSha) {
    log.info('Suggested changes: the event names no head commit; none are made.');
    return;
  }
  const reviewMode = inputs.review;
  const hint = forbiddenHint('comment', isFork);
  await attempt(
    'suggest changes in the pull request',
    async () => {
      const withFindings = [...new Set(report.findings.filter(fixable).map((f) => f.path))];
      // No finding: no diff to read, only our earlier suggestions to remove.
      const { diff, source } =
        withFindings.length > 0
          ? await pullRequestDiff({
              root,
              base: pr.base?.sha,
              head: headSha,
              octokit,
              owner,
              repo,
              pull: pr.number,
            })
          : { diff: new Map() as PrDiff, source: 'none' };
      const prefix = await repoPrefix(root);
      // The files the pull request changed that hold a finding, or (`.tf`) are in the module of
      // one (a policy document may be in another file of its module): read as the audit read them,
      // and used only when they are the pull request's head (a merge commit may differ).
      const hcl = report.inputs.filter((i) => i.kind === 'terraform-hcl').map((i) => i.path);
      const hclDirs = new Set(withFindings.filter((p) => hcl.includes(p)).map((p) => posix.dirname(p)));
      const paths = [...new Set([...withFindings, ...hcl.filter((p) => hclDirs.has(posix.dirname(p)))])]
        .filter((p) => (diff.get(prefix + p)?.length ?? 0) > 0)
        .sort();
      const texts = new Map<string, string>();
      for (const path of paths) {
        const here = readRepoFile(root, path, MAX_FILE_BYTES);
        if (!here.ok) continue;
        const atHead = await readAtCommit({
          root,
          sha: headSha,
          path: prefix + path,
          octokit,
          owner,
          repo,
          maxBytes: MAX_FILE_BYTES,
        });
        if (atHead === here.text) texts.set(path, here.text);
        else
          log.info(
            `Suggested changes: ${visibilise(path)} in the checkout is not the pull request's head; none for it.`,
          );
      }
      const readOther = (p: string) => {
        const r = readRepoFile(root, p, MAX_FILE_BYTES);
        return r.ok ? r.text : undefined;
      };
      const planned = planReview({
        report,
        texts,
        diff,
        prefix,
        planFixes: plan,
        readOther,
        mode: reviewMode,
        key: inputs.commentKey,
      });
      const { kept: wanted, left: more } = selectComments(planned.comments, MAX_REVIEW_COMMENTS);
      const res = await syncReview(octokit, { owner, repo, pull: pr.number, headSha }, wanted, {
        key: inputs.commentKey,
        onError: (what, err) =>
          log.warning(`Could not ${what}: ${status(err) === 403 ? hint : message(err)}`),
      });
      pub.moreSuggestions = more;
      pub.noSuggestion = planned.noSuggestion;
      log.info(
        `Suggested changes (diff from ${source}): ${wanted.length} wanted` +
          (more > 0 ? ` (${more} more left out)` : '') +
          `; ${res.created} posted, ${res.updated} updated, ${res.deleted} deleted, ${res.unchanged} unchanged.`,
      );
      for (const n of planned.noSuggestion)
        log.info(
          `Suggested changes: none for ${n.paths.map(visibilise).join(', ')} (${n.why}${n.placeholder ? `: ${visibilise(n.placeholder)}` : ''}).`,
        );
    },
    hint,
  );
}
