// A review suggestion never writes a baseline placeholder, also into a file that already holds the
// same placeholder text (SkyPilot's policy pasted as published); the main comment says why there is
// no suggestion. On a reviewer's input: the pull request sets the first statement's Resource to *.
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { runAudit } from '../../src/audit/run.js';
import { planFixes } from '../../src/fix/index.js';
import { hunkRanges } from '../../src/github/pr-diff.js';
import { planReview } from '../../src/github/review.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { BASELINES, NOW, readIn, repo } from '../fix/helpers.js';

const PLACEHOLDER = '<account-ID-without-hyphens>';
const base = readFileSync(`${BASELINES}skypilot-aws-minimal-34478f4.json`, 'utf8');
const doc = JSON.parse(base) as { Statement: { Resource?: unknown }[] };
doc.Statement[0]!.Resource = '*';
const head = `${JSON.stringify(doc, null, 2)}\n`;

async function review(accountId?: string) {
  const root = repo({ 'sky.json': head });
  const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot', accountId, now: NOW });
  const plan = planReview({
    report,
    texts: new Map([['sky.json', head]]),
    diff: new Map([
      ['sky.json', hunkRanges(createTwoFilesPatch('a', 'b', base, head, '', '', { context: 3 }))],
    ]),
    prefix: '',
    planFixes,
    mode: 'suggest',
    key: 'default',
    readOther: readIn(root),
  });
  return { report, plan };
}

it('without account-id: no suggestion writes the placeholder, and the comment says why', async () => {
  expect(head).toContain(PLACEHOLDER);
  const { report, plan } = await review();
  for (const c of plan.comments) expect(c.replacement.join('\n')).not.toContain(PLACEHOLDER);
  expect(plan.comments).toEqual([]);
  expect(plan.noSuggestion).toEqual([{ why: 'placeholder', placeholder: PLACEHOLDER, paths: ['sky.json'] }]);
  const comment = renderMarkdown(report, { mode: 'comment', noSuggestion: plan.noSuggestion });
  expect(comment).toMatch(
    /No one-click suggestion for `sky\.json`: it would write the baseline's placeholder .*set `account-id`/,
  );
});

it('with account-id: the suggestion writes the account', async () => {
  const { plan } = await review('123456789012');
  expect(plan.comments.length).toBeGreaterThan(0);
  const written = plan.comments.flatMap((c) => c.replacement).join('\n');
  expect(written).toContain(':123456789012:');
  expect(written).not.toContain(PLACEHOLDER);
  expect(plan.noSuggestion).toEqual([]);
});
