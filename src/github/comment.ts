// The sticky pull request comment. Ours is found by its hidden marker AND its author (the token's
// own identity), so a comment by someone else that copies the marker is never taken for ours,
// nor one of the same identity (another workflow's) that quotes it after its start.
// The octokit client is a parameter: tests hand in one aimed at a fake server.
import type { getOctokit } from '@actions/github';
import { commentMarker } from '../report/markdown.js';

export type Octokit = ReturnType<typeof getOctokit>;

export type CommentMode = 'update' | 'new' | 'hide-and-new' | 'delete-and-new' | 'off';
export const COMMENT_MODES: readonly CommentMode[] = [
  'update',
  'new',
  'hide-and-new',
  'delete-and-new',
  'off',
];

export interface IssueTarget {
  owner: string;
  repo: string;
  /** The pull request's (or issue's) number. */
  issueNumber: number;
}

export interface CommentResult {
  id?: number;
  url?: string;
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
}

/** The login GitHub shows as the author of comments made with the default GITHUB_TOKEN. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

function status(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/**
 * The login of the token's own identity: `GET /user` (a personal or OAuth token), else GraphQL
 * `viewer { login }` (GitHub App user tokens), else `github-actions[bot]` (the installation token
 * GITHUB_TOKEN, for which both answer 403 "Resource not accessible by integration").
 */
export async function resolveIdentity(octokit: Octokit): Promise<string> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    if (data?.login) return data.login;
  } catch {
    // 401/403 for installation tokens: try GraphQL.
  }
  try {
    const res = await octokit.graphql<{ viewer?: { login?: string } }>('query { viewer { login } }');
    if (res?.viewer?.login) return res.viewer.login;
  } catch {
    // Not allowed either: the default token.
  }
  return GITHUB_ACTIONS_BOT;
}

interface ApiUser {
  login?: string;
  type?: string;
}

/** Is `user` the identity? GraphQL names a bot `name` where REST says `name[bot]`. */
export function isAuthor(user: ApiUser | null | undefined, identity: string): boolean {
  if (!user?.login) return false;
  if (user.login === identity) return true;
  return user.type === 'Bot' && user.login === `${identity}[bot]`;
}

function normalise(body: string): string {
  return body.replace(/\r\n/g, '\n').trim();
}

interface ApiComment {
  id: number;
  node_id: string;
  html_url: string;
  body?: string | null;
  user: ApiUser | null;
}

/** Our comments for `key` on the issue, oldest first (every page). */
export async function findOurComments(
  octokit: Octokit,
  target: IssueTarget,
  marker: string,
  identity: string,
): Promise<ApiComment[]> {
  const all = (await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  })) as ApiComment[];
  // (a body that starts with the marker, as ours always do: the token's identity, the shared
  // github-actions[bot], also posts other workflows' comments, which may quote it: a review found
  // a plan's comment quoting the marker edited, and deleted as a duplicate)
  return all.filter((c) => (c.body ?? '').startsWith(marker) && isAuthor(c.user, identity));
}

export interface CommentOptions {
  mode: CommentMode;
  /** Comment key: one sticky comment per key (several jobs can each have theirs). */
  key?: string;
  /** The token's identity, when already known (else resolved with resolveIdentity). */
  identity?: string;
  /**
   * Post a comment when none of ours exists yet (default true). The action passes false when the
   * pull request adds no finding: a clean pull request gets no comment, but an existing comment is
   * still brought up to date (it then says the findings are gone).
   */
  createIfMissing?: boolean;
}

/**
 * Creates, updates or replaces our comment, per mode:
 * - `update`: edit ours in place; when several of ours are there (two runs raced), the latest is
 *   kept and the older ones deleted; no write when unchanged.
 * - `new`: always post a new comment.
 * - `hide-and-new`: minimize the latest of ours as OUTDATED, then post; no write when unchanged.
 * - `delete-and-new`: delete all of ours, then post; no write when the latest is unchanged.
 * - `off`: nothing.
 * The body gets the hidden marker for `key` at the top if it does not carry it yet.
 * With `createIfMissing: false` and none of ours on the pull request, nothing is written.
 */
export async function upsertComment(
  octokit: Octokit,
  target: IssueTarget,
  body: string,
  options: CommentOptions,
): Promise<CommentResult> {
  if (options.mode === 'off') return { action: 'skipped' };
  const marker = commentMarker(options.key);
  const full = body.startsWith(marker) ? body : `${marker}\n${body}`;
  const create = async (): Promise<CommentResult> => {
    const { data } = await octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      body: full,
    });
    return { id: data.id, url: data.html_url, action: 'created' };
  };
  const createIfMissing = options.createIfMissing ?? true;
  if (options.mode === 'new' && createIfMissing) return create();

  const identity = options.identity ?? (await resolveIdentity(octokit));
  const ours = await findOurComments(octokit, target, marker, identity);
  const latest = ours[ours.length - 1];
  if (!latest && !createIfMissing) return { action: 'skipped' };
  if (options.mode === 'new') return create();
  // Sticky means one: two runs that raced (a push while the last run posted) may each have posted
  // one. The latest is kept and brought up to date; the older ones, stale, are deleted.
  // (best effort: a duplicate that cannot be deleted does not stop the update)
  if (options.mode === 'update') await deleteComments(octokit, target, ours.slice(0, -1), true);
  if (latest && normalise(latest.body ?? '') === normalise(full)) {
    return { id: latest.id, url: latest.html_url, action: 'unchanged' };
  }

  switch (options.mode) {
    case 'update': {
      if (!latest) return create();
      const { data } = await octokit.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: latest.id,
        body: full,
      });
      return { id: data.id, url: data.html_url, action: 'updated' };
    }
    case 'hide-and-new': {
      if (latest) {
        await octokit.graphql(
          'mutation($id: ID!) { minimizeComment(input: { subjectId: $id, classifier: OUTDATED }) { minimizedComment { isMinimized } } }',
          { id: latest.node_id },
        );
      }
      return create();
    }
    case 'delete-and-new': {
      await deleteComments(octokit, target, ours);
      return create();
    }
  }
}

/** Deletes the comments (one already gone, 404, is fine; with `bestEffort`, any failure is). */
async function deleteComments(
  octokit: Octokit,
  target: IssueTarget,
  list: readonly { id: number }[],
  bestEffort = false,
): Promise<void> {
  for (const c of list) {
    try {
      await octokit.rest.issues.deleteComment({ owner: target.owner, repo: target.repo, comment_id: c.id });
    } catch (err) {
      if (!bestEffort && status(err) !== 404) throw err;
    }
  }
}
