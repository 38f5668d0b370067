import { getOctokit } from '@actions/github';
import {
  GITHUB_ACTIONS_BOT,
  isAuthor,
  resolveIdentity,
  upsertComment,
  type Octokit,
} from '../../src/github/comment.js';
import { commentMarker } from '../../src/report/markdown.js';
import { BOT, FakeGitHub } from './fake-github.js';

const target = { owner: 'o', repo: 'r', issueNumber: 7 };

describe('upsertComment against a fake GitHub', () => {
  let gh: FakeGitHub;
  let octokit: Octokit;

  beforeEach(async () => {
    gh = await new FakeGitHub().start();
    octokit = getOctokit('test-token', { baseUrl: gh.url });
  });
  afterEach(() => gh.stop());

  const body = (text: string, key = 'default') => `${commentMarker(key)}\n${text}`;

  it('creates the comment on the first run, updates it on the second, writes nothing when unchanged', async () => {
    const first = await upsertComment(octokit, target, body('one'), { mode: 'update' });
    expect(first.action).toBe('created');
    expect(first.id).toBeDefined();
    expect(first.url).toContain('#issuecomment-');

    gh.reset();
    const second = await upsertComment(octokit, target, body('two'), { mode: 'update' });
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      `PATCH /repos/o/r/issues/comments/${first.id}`,
    ]);
    expect(gh.comments).toHaveLength(1);

    gh.reset();
    const third = await upsertComment(octokit, target, body('two'), { mode: 'update' });
    expect(third).toMatchObject({ action: 'unchanged', id: first.id });
    expect(gh.writes()).toEqual([]);
  });

  it('two of ours after a race: the latest is updated, the older one deleted (only ours)', async () => {
    const older = gh.addComment(7, body('from the run that lost the race'));
    const latest = gh.addComment(7, body('from the run that won it'));
    const forged = gh.addComment(7, body('a copy by someone else'), { login: 'mallory', type: 'User' });
    gh.reset();
    const res = await upsertComment(octokit, target, body('now'), { mode: 'update' });
    expect(res).toMatchObject({ action: 'updated', id: latest.id });
    expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      `DELETE /repos/o/r/issues/comments/${older.id}`,
      `PATCH /repos/o/r/issues/comments/${latest.id}`,
    ]);
    expect(gh.comments.map((c) => c.id)).toEqual([latest.id, forged.id]);

    // Unchanged since: nothing to write, and the duplicate stays gone.
    gh.reset();
    const again = await upsertComment(octokit, target, body('now'), { mode: 'update' });
    expect(again).toMatchObject({ action: 'unchanged', id: latest.id });
    expect(gh.writes()).toEqual([]);
  });

  it('a duplicate that cannot be deleted does not stop the update', async () => {
    const older = gh.addComment(7, body('older'));
    const latest = gh.addComment(7, body('latest'));
    gh.failures.push({ method: 'DELETE', path: new RegExp(`/issues/comments/${older.id}$`), status: 403 });
    const res = await upsertComment(octokit, target, body('now'), { mode: 'update' });
    expect(res).toMatchObject({ action: 'updated', id: latest.id });
  });

  it('adds the marker when the body lacks it', async () => {
    await upsertComment(octokit, target, 'plain', { mode: 'update', key: 'k1' });
    expect(gh.comments[0]!.body).toBe(`${commentMarker('k1')}\nplain`);
  });

  it('never takes a comment by someone else that copies the marker for ours', async () => {
    const forged = gh.addComment(7, body('forged by the PR author'), { login: 'mallory', type: 'User' });
    const res = await upsertComment(octokit, target, body('ours'), { mode: 'update' });
    expect(res.action).toBe('created');
    expect(forged.body).toBe(body('forged by the PR author'));
    expect(gh.writes().map((w) => w.method)).toEqual(['POST']);
  });

  it('keeps one sticky comment per key', async () => {
    await upsertComment(octokit, target, body('a', 'job-a'), { mode: 'update', key: 'job-a' });
    await upsertComment(octokit, target, body('b', 'job-b'), { mode: 'update', key: 'job-b' });
    await upsertComment(octokit, target, body('a2', 'job-a'), { mode: 'update', key: 'job-a' });
    expect(gh.comments.map((c) => c.body)).toEqual([body('a2', 'job-a'), body('b', 'job-b')]);
  });

  it('finds ours past the first page of comments (Link header pagination)', async () => {
    for (let i = 0; i < 250; i++) gh.addComment(7, `chatter ${i}`, { login: `user${i}`, type: 'User' });
    const ours = gh.addComment(7, body('old'));
    for (let i = 0; i < 20; i++) gh.addComment(7, `more ${i}`, { login: 'someone', type: 'User' });
    gh.reset();
    const res = await upsertComment(octokit, target, body('new'), { mode: 'update' });
    expect(res).toMatchObject({ action: 'updated', id: ours.id });
    const pages = gh.requests
      .filter((r) => r.method === 'GET' && r.path.endsWith('/comments'))
      .map((r) => r.query.page ?? '1');
    expect(pages).toEqual(['1', '2', '3']);
  });

  it('new: posts every time', async () => {
    await upsertComment(octokit, target, body('x'), { mode: 'new' });
    await upsertComment(octokit, target, body('x'), { mode: 'new' });
    expect(gh.comments).toHaveLength(2);
  });

  it('hide-and-new: minimizes the previous one as OUTDATED, then posts', async () => {
    const old = gh.addComment(7, body('old'));
    const res = await upsertComment(octokit, target, body('new'), { mode: 'hide-and-new' });
    expect(res.action).toBe('created');
    expect(old.minimized).toBe(true);
    const mutation = gh.requests.find(
      (r) => r.path === '/graphql' && /minimizeComment/.test(JSON.stringify(r.body)),
    )!;
    expect(JSON.stringify(mutation.body)).toContain('OUTDATED');
    expect((mutation.body as { variables: { id: string } }).variables.id).toBe(old.node_id);
    expect(gh.comments).toHaveLength(2);
  });

  it('delete-and-new: deletes ours (only ours), then posts', async () => {
    gh.addComment(7, body('old 1'));
    gh.addComment(7, body('old 2'));
    const theirs = gh.addComment(7, body('theirs'), { login: 'mallory', type: 'User' });
    await upsertComment(octokit, target, body('new'), { mode: 'delete-and-new' });
    expect(gh.comments.map((c) => c.body)).toEqual([theirs.body, body('new')]);
  });

  it('off: no request at all', async () => {
    expect(await upsertComment(octokit, target, body('x'), { mode: 'off' })).toEqual({ action: 'skipped' });
    expect(gh.requests).toEqual([]);
  });

  it('createIfMissing: false writes nothing on a pull request without our comment, but updates an existing one', async () => {
    expect(
      (await upsertComment(octokit, target, body('clean'), { mode: 'update', createIfMissing: false }))
        .action,
    ).toBe('skipped');
    expect(gh.writes()).toEqual([]);
    gh.addComment(7, body('had findings'));
    expect(
      (await upsertComment(octokit, target, body('clean'), { mode: 'update', createIfMissing: false }))
        .action,
    ).toBe('updated');
  });

  it('surfaces a 403 on create to the caller (the action turns it into a warning)', async () => {
    gh.failures.push({ method: 'POST', path: /\/issues\/7\/comments$/, status: 403 });
    await expect(upsertComment(octokit, target, body('x'), { mode: 'update' })).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe('resolveIdentity', () => {
  let gh: FakeGitHub;
  let octokit: Octokit;
  beforeEach(async () => {
    gh = await new FakeGitHub().start();
    octokit = getOctokit('test-token', { baseUrl: gh.url });
  });
  afterEach(() => gh.stop());

  it('uses GET /user when allowed', async () => {
    gh.identity = { login: 'octocat', type: 'User' };
    gh.userEndpoint = 'ok';
    expect(await resolveIdentity(octokit)).toBe('octocat');
  });

  it('falls back to GraphQL viewer when /user answers 403', async () => {
    gh.identity = { login: 'my-app[bot]', type: 'Bot' };
    gh.viewer = 'ok';
    expect(await resolveIdentity(octokit)).toBe('my-app');
  });

  it('falls back to github-actions[bot] when neither is allowed (GITHUB_TOKEN)', async () => {
    expect(await resolveIdentity(octokit)).toBe(GITHUB_ACTIONS_BOT);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /user', 'POST /graphql']);
  });

  it('matches a bot whose GraphQL login lacks the [bot] suffix, never a user of that name', () => {
    expect(isAuthor(BOT, 'github-actions[bot]')).toBe(true);
    expect(isAuthor({ login: 'my-app[bot]', type: 'Bot' }, 'my-app')).toBe(true);
    expect(isAuthor({ login: 'my-app[bot]', type: 'User' }, 'my-app')).toBe(false);
    expect(isAuthor({ login: 'mallory', type: 'User' }, 'github-actions[bot]')).toBe(false);
    expect(isAuthor(null, 'x')).toBe(false);
  });
});
