// A part of a fix is posted as suggested changes only when the file with just that part applied
// grants no more than it did: a fix that renames a NotResource to Resource (outside the pull
// request's diff) and deletes one of its items (inside) must not be posted as the deletion alone,
// which drops an exclusion. On a reviewer's input (partial/sky.json, a PR that added only the
// snap-0prod line), with the fix the old code made of it, and with the fix made now.
import { readFileSync } from 'node:fs';
import { runAudit } from '../../src/audit/run.js';
import { planFixes } from '../../src/fix/index.js';
import { planReview, type PlanFixes } from '../../src/github/review.js';
import { applySuggestions } from '../../src/github/suggest.js';
import { ACCOUNT, probes, widened } from '../helpers/no-wider.js';
import { NOW, readIn, repo } from '../fix/helpers.js';

const INPUT = new URL('../fix/review-inputs/partial/sky.json', import.meta.url).pathname;
const before = readFileSync(INPUT, 'utf8');
const NOT = before.indexOf('"NotResource": [');
/** The line of `text` inside the NotResource list (1-based). */
const lineOf = (text: string) => {
  const from = before.slice(0, NOT).split('\n').length - 1;
  return before.split('\n').findIndex((l, i) => i >= from && l.includes(text)) + 1;
};

/**
 * The fix the old code made: NotResource renamed to Resource, one item deleted (the reviewer's
 * snap-0prod, which names no real snapshot: a snapshot ARN has no account; or security-group/*, not
 * next to the renamed key, so its deletion is a suggestion of its own).
 */
const oldFix = (item: string) =>
  before.slice(0, NOT) +
  before
    .slice(NOT)
    .replace('"NotResource": [', '"Resource": [')
    .replace(new RegExp(`\\n\\s*"[^"]*${item}",`), '');

async function review(plan: PlanFixes, line: number) {
  const root = repo({ 'sky.json': before });
  const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', accountId: ACCOUNT, now: NOW });
  return planReview({
    report,
    texts: new Map([['sky.json', before]]),
    diff: new Map([['sky.json', [{ start: line, end: line }]]]),
    prefix: '',
    planFixes: plan,
    mode: 'suggest',
    key: 'default',
    readOther: readIn(root),
  });
}

const tagging = probes(
  ['ec2:CreateTags', 'ec2:DeleteTags'],
  ['instance/i-1', 'volume/vol-1', 'snapshot/snap-0prod', 'security-group/sg-1', 'image/ami-1'].map(
    (t) => `arn:aws:ec2:us-east-1:${ACCOUNT}:${t}`,
  ),
);

describe('suggested changes that are part of a larger fix', () => {
  it.each(['snapshot/snap-0prod', 'security-group/\\*'])(
    'the deletion of the NotResource item %s is not posted alone (the old fix of the file)',
    async (item) => {
      const after = oldFix(item);
      expect(after).not.toBe(before);
      const stale: PlanFixes = (report) => ({
        files: [{ path: 'sky.json', before, after, policies: report.policies.map((p) => p.id) }],
        notFixed: [],
      });
      const { comments } = await review(stale, lineOf(item.replace('\\', '')));
      const applied = applySuggestions(before, comments);
      expect(await widened(JSON.parse(before), JSON.parse(applied), tagging)).toEqual([]);
      expect(comments).toEqual([]);
    },
  );

  it('with the fix made now: whatever is posted grants no more once committed', async () => {
    for (const line of [lineOf('snapshot/snap-0prod'), lineOf('"NotResource"')]) {
      const { comments } = await review(planFixes, line);
      const applied = applySuggestions(before, comments);
      expect(await widened(JSON.parse(before), JSON.parse(applied), tagging)).toEqual([]);
    }
  });
});
