import { getOctokit } from '@actions/github';
import type { Octokit } from '../../src/github/comment.js';
import { DRIFT_LABEL, syncDriftIssue } from '../../src/github/issue.js';
import { driftMarker } from '../../src/report/markdown.js';
import { FakeGitHub } from './fake-github.js';

const target = { owner: 'o', repo: 'r' };

describe('syncDriftIssue against a fake GitHub', () => {
  let gh: FakeGitHub;
  let octokit: Octokit;

  beforeEach(async () => {
    gh = await new FakeGitHub().start();
    octokit = getOctokit('test-token', { baseUrl: gh.url });
  });
  afterEach(() => gh.stop());

  const body = (text: string) => `${driftMarker('nightly')}\n${text}`;
  const sync = (text: string, hasFindings: boolean) =>
    syncDriftIssue(octokit, target, {
      key: 'nightly',
      title: 'Drift',
      body: body(text),
      hasFindings,
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });

  it('creates a labelled issue (and the label) when there are findings', async () => {
    const res = await sync('3 findings', true);
    expect(res.action).toBe('created');
    expect(gh.labels.has(DRIFT_LABEL)).toBe(true);
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]).toMatchObject({
      title: 'Drift',
      state: 'open',
      labels: [DRIFT_LABEL],
      body: body('3 findings'),
    });
  });

  it('updates it when the findings change, writes nothing when they do not', async () => {
    await sync('3 findings', true);
    gh.reset();
    expect((await sync('3 findings', true)).action).toBe('unchanged');
    expect(gh.writes()).toEqual([]);
    expect((await sync('4 findings', true)).action).toBe('updated');
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]!.body).toBe(body('4 findings'));
  });

  it('closes it with a short comment when the audit is clean; nothing to do when already clean', async () => {
    const created = await sync('3 findings', true);
    const res = await sync('clean', false);
    expect(res).toMatchObject({ action: 'closed', number: created.number });
    expect(gh.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(gh.comments.map((c) => c.body)).toEqual([
      '✅ The audit is clean again ([run](https://github.com/o/r/actions/runs/1)): closing.',
    ]);
    gh.reset();
    expect((await sync('clean', false)).action).toBe('skipped');
    expect(gh.writes()).toEqual([]);
  });

  it('opens a new issue linking the closed one when drift comes back, and keeps that link stable', async () => {
    const first = await sync('3 findings', true);
    await sync('clean', false);
    const again = await sync('2 findings', true);
    expect(again.action).toBe('created');
    expect(again.number).not.toBe(first.number);
    const issue = gh.issues.find((i) => i.number === again.number)!;
    expect(issue.body).toContain(`Previously tracked in #${first.number}.`);
    gh.reset();
    expect((await sync('2 findings', true)).action).toBe('unchanged');
    expect(gh.writes()).toEqual([]);
  });

  // (a review) Closing failed after the note was posted: each later run posted the note again.
  it('closes before it comments: a close that fails leaves no note, and the next run says it once', async () => {
    const created = await sync('3 findings', true);
    gh.failures.push({
      method: 'PATCH',
      path: new RegExp(`/issues/${created.number}$`),
      status: 500,
      times: 1,
    });
    await expect(sync('clean', false)).rejects.toThrow();
    expect(gh.comments).toEqual([]);
    expect((await sync('clean', false)).action).toBe('closed');
    expect(gh.comments).toHaveLength(1);
  });

  // (a review) An issue someone closed as not planned was opened again, as a new one, every run.
  it('an issue closed as not planned stays closed while the findings are the same', async () => {
    const created = await sync('3 findings', true);
    gh.issues[0]!.state = 'closed';
    gh.issues[0]!.state_reason = 'not_planned';
    gh.reset();
    expect(await sync('3 findings', true)).toMatchObject({ action: 'declined', number: created.number });
    expect(gh.writes()).toEqual([]);
    const again = await sync('4 findings', true);
    expect(again.action).toBe('created');
    expect(gh.issues.find((i) => i.number === again.number)!.body).toContain(
      `Previously tracked in #${created.number}.`,
    );
  });

  it('ignores an issue by someone else that carries our marker', async () => {
    gh.labels.add(DRIFT_LABEL);
    const forged = gh.addIssue({
      title: 'x',
      body: body('forged'),
      labels: [DRIFT_LABEL],
      user: { login: 'mallory', type: 'User' },
    });
    await sync('clean', false);
    expect(forged.state).toBe('open');
    await sync('3 findings', true);
    expect(forged.body).toBe(body('forged'));
    expect(gh.issues).toHaveLength(2);
  });

  it('still finds our open issue when its label was removed', async () => {
    const created = await sync('3 findings', true);
    gh.issues[0]!.labels = [];
    const res = await sync('4 findings', true);
    expect(res).toMatchObject({ action: 'updated', number: created.number });
    expect(gh.issues).toHaveLength(1);
  });

  it('creates the issue without the label when the label cannot be created', async () => {
    gh.failures.push({ method: 'POST', path: /\/labels$/, status: 403 });
    const res = await sync('3 findings', true);
    expect(res.action).toBe('created');
    expect(gh.issues[0]!.labels).toEqual([]);
  });
});
