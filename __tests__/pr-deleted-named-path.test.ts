// (a review) A pull request that deletes the policy its `paths` names (`paths: iam`, the only file
// of `iam` deleted) failed the check with "iam: no such file or directory", and its comment kept
// the ❌ of the run before. The path was there at the base: what it granted is removed.
import { runAudit, UsageError } from '../src/audit/run.js';
import { pullRequest } from './helpers/pr.js';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Extra', Effect: 'Allow', Action: ['ec2:CreateFleet', 'sqs:DeleteQueue'], Resource: '*' },
  ],
});

test.each([['iam'], ['iam/coiled-policy.json']])(
  'paths: %s, deleted by the pull request: audited, its findings removed, a note says why',
  async (path) => {
    const { root, readBase } = pullRequest(
      'pr-deleted-named-',
      { 'iam/coiled-policy.json': POLICY, 'README.md': 'x' },
      { 'README.md': 'x' },
    );
    const r = await runAudit({ root, paths: [path], baseline: 'coiled', readBase });
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.removed === true)).toBe(true);
    expect(r.notes).toContainEqual(`${path}: deleted by this change; what it granted is counted as removed.`);
  },
);

test('a path that was not there at the base either: still a usage error', async () => {
  const { root, readBase } = pullRequest('pr-deleted-named-', { 'README.md': 'x' }, { 'README.md': 'x' });
  await expect(runAudit({ root, paths: ['iam'], baseline: 'coiled', readBase })).rejects.toThrow(UsageError);
});

// (a review) The same with the path still there (`paths: .`, or a directory that keeps a
// README): the last policy deleted left "no inputs found", a failed step, and the ❌ comment of
// the run before. What the base granted there is removed; a change that deletes nothing the
// audit would read is still told that nothing is there.
test.each([
  ['.', { 'README.md': 'x' }],
  ['iam', { 'iam/README.md': 'x' }],
])('paths: %s, the last policy deleted by the pull request: its findings removed', async (path, head) => {
  const { root, readBase } = pullRequest(
    'pr-deleted-last-',
    { 'iam/coiled-policy.json': POLICY, 'iam/README.md': 'x', 'README.md': 'x' },
    head,
  );
  const r = await runAudit({ root, paths: [path], baseline: 'coiled', readBase });
  expect(r.findings.length).toBeGreaterThan(0);
  expect(r.findings.every((f) => f.removed === true)).toBe(true);
  expect(r.notes).toContainEqual(
    'No policy is left to audit: this change deletes iam/coiled-policy.json; what the base granted there is counted as removed.',
  );
});

// (a review of the above: deleting a settings file under `paths`, no policy at the base, passed)
test('a change that deletes only files that held no policy at the base: still "no inputs found"', async () => {
  const { root, readBase } = pullRequest(
    'pr-deleted-last-',
    { 'cfg/settings.json': '{"a": 1}', 'cfg/main.tf': 'locals {\n  a = 1\n}\n', 'README.md': 'x' },
    { 'README.md': 'x' },
  );
  await expect(runAudit({ root, paths: ['.'], baseline: 'coiled', readBase })).rejects.toThrow(
    /no inputs found in \./,
  );
});

test('a change that deletes no file the audit would read: still "no inputs found"', async () => {
  const { root, readBase } = pullRequest(
    'pr-deleted-last-',
    { 'docs/notes.md': 'x', 'README.md': 'x' },
    { 'README.md': 'x' },
  );
  await expect(runAudit({ root, paths: ['.'], baseline: 'coiled', readBase })).rejects.toThrow(
    /no inputs found in \./,
  );
});

test('the last .tf policy deleted: its findings removed', async () => {
  const tf = `resource "aws_iam_policy" "coiled" {
  name   = "coiled"
  policy = ${JSON.stringify(POLICY)}
}
`;
  const { root, readBase } = pullRequest(
    'pr-deleted-last-tf-',
    { 'iam/main.tf': tf, 'README.md': 'x' },
    { 'README.md': 'x' },
  );
  const r = await runAudit({ root, paths: ['.'], baseline: 'coiled', readBase });
  expect(r.findings.length).toBeGreaterThan(0);
  expect(r.findings.every((f) => f.removed === true)).toBe(true);
  expect(r.notes).toContainEqual(
    'No policy is left to audit: this change deletes iam/main.tf; what the base granted there is counted as removed.',
  );
});
