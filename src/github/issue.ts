// The drift tracking issue (scheduled runs): one open issue per key, found by hidden marker AND
// author, labelled `iam-baseline-audit`. Created when the audit has findings, updated when they
// change (no write when unchanged), closed with a short comment when the audit is clean.
//
// A closed issue is history: when drift comes back after a close, a NEW issue is opened that links
// the previous one (rather than reopening it), so each episode of drift has its own thread and a
// human's "closed as not planned" is never overridden.
import { driftMarker } from '../report/markdown.js';
import { isAuthor, resolveIdentity, type Octokit } from './comment.js';

export const DRIFT_LABEL = 'iam-baseline-audit';

export interface RepoTarget {
  owner: string;
  repo: string;
}

export interface DriftOptions {
  /** One tracking issue per key. */
  key?: string;
  /** The issue's title. */
  title: string;
  /** The rendered report (renderMarkdown mode `issue`, which carries the marker). */
  body: string;
  /** True when the audit has findings that the issue should track. */
  hasFindings: boolean;
  /** Linked in the closing comment (the run's URL). */
  runUrl?: string;
  identity?: string;
}

export interface DriftResult {
  number?: number;
  url?: string;
  /** `declined`: the last issue was closed as not planned, and the findings are the same. */
  action: 'created' | 'updated' | 'unchanged' | 'closed' | 'skipped' | 'declined';
}

interface ApiIssue {
  number: number;
  html_url: string;
  state?: string;
  state_reason?: string | null;
  body?: string | null;
  user: { login?: string; type?: string } | null;
  pull_request?: unknown;
}

/** Links the previous (closed) tracking issue at the end of the body. */
function withPrevious(body: string, previous: number): string {
  return `${body.trimEnd()}\n\nPreviously tracked in #${previous}.\n`;
}

function normalise(body: string): string {
  return body.replace(/\r\n/g, '\n').trim();
}

/** Creates the label when it is missing; false when that was not possible (no write access...). */
export async function ensureLabel(octokit: Octokit, target: RepoTarget): Promise<boolean> {
  try {
    await octokit.rest.issues.getLabel({ ...target, name: DRIFT_LABEL });
    return true;
  } catch {
    try {
      await octokit.rest.issues.createLabel({
        ...target,
        name: DRIFT_LABEL,
        color: 'd93f0b',
        description: 'IAM permissions beyond the vendor baselines (iam-baseline-audit)',
      });
      return true;
    } catch {
      return false;
    }
  }
}

export async function syncDriftIssue(
  octokit: Octokit,
  target: RepoTarget,
  options: DriftOptions,
): Promise<DriftResult> {
  const marker = driftMarker(options.key);
  const body = options.body.startsWith(marker) ? options.body : `${marker}\n${options.body}`;
  const identity = options.identity ?? (await resolveIdentity(octokit));
  const issues = (await octokit.paginate(octokit.rest.issues.listForRepo, {
    ...target,
    state: 'all',
    labels: DRIFT_LABEL,
    per_page: 100,
  })) as ApiIssue[];
  const isOurs = (i: ApiIssue) =>
    // (a body that starts with the marker, as ours always do: another bot issue may quote it)
    !i.pull_request && (i.body ?? '').startsWith(marker) && isAuthor(i.user, identity);
  const ours = issues.filter(isOurs).sort((a, b) => b.number - a.number);
  let open = ours.find((i) => i.state === 'open');
  if (!open) {
    // The label may have been removed by hand (or could not be created): look at our open issues.
    try {
      const mine = (await octokit.paginate(octokit.rest.issues.listForRepo, {
        ...target,
        state: 'open',
        creator: identity,
        per_page: 100,
      })) as ApiIssue[];
      open = mine.filter(isOurs).sort((a, b) => b.number - a.number)[0];
    } catch {
      // `creator` not accepted for this identity: the labelled issues were all we could find.
    }
  }

  if (!options.hasFindings) {
    if (!open) return { action: 'skipped' };
    const note = `✅ The audit is clean again${options.runUrl ? ` ([run](${options.runUrl}))` : ''}: closing.`;
    // Closed first: should that fail, the next run tries again, and the note is not said twice.
    await octokit.rest.issues.update({
      ...target,
      issue_number: open.number,
      body,
      state: 'closed',
      state_reason: 'completed',
    });
    await octokit.rest.issues.createComment({ ...target, issue_number: open.number, body: note });
    return { number: open.number, url: open.html_url, action: 'closed' };
  }

  if (open) {
    const kept = /\n\nPreviously tracked in #(\d+)\.\s*$/.exec(open.body ?? '');
    const desired = kept ? withPrevious(body, Number(kept[1])) : body;
    if (normalise(open.body ?? '') === normalise(desired))
      return { number: open.number, url: open.html_url, action: 'unchanged' };
    await octokit.rest.issues.update({
      ...target,
      issue_number: open.number,
      body: desired,
      title: options.title,
    });
    return { number: open.number, url: open.html_url, action: 'updated' };
  }

  const previous = ours[0];
  // Closed by someone as not planned, with the same findings: their decision stands (a new issue
  // each run would overrule it); findings that change open a new one.
  if (
    previous?.state === 'closed' &&
    previous.state_reason === 'not_planned' &&
    normalise((previous.body ?? '').replace(/\n\nPreviously tracked in #\d+\.\s*$/, '')) === normalise(body)
  )
    return { number: previous.number, url: previous.html_url, action: 'declined' };
  const fullBody = previous ? withPrevious(body, previous.number) : body;
  const labelled = await ensureLabel(octokit, target);
  const { data } = await octokit.rest.issues.create({
    ...target,
    title: options.title,
    body: fullBody,
    ...(labelled ? { labels: [DRIFT_LABEL] } : {}),
  });
  return { number: data.number, url: data.html_url, action: 'created' };
}
