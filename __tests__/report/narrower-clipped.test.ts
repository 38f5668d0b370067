// An excess finding whose actions the baseline grants elsewhere on narrower resources says where
// before it lists them: a long list clipped in the text report ("… (738 more characters)") cut
// that reason off, and "beyond the baseline (the baseline has s3:Abort…" read as a contradiction
// (a review).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { renderText } from '../../src/report/text.js';

test('the inactive set and the reason come before the actions, and survive the clipping', async () => {
  const root = mkdtempSync(join(tmpdir(), 'narrower-'));
  writeFileSync(
    join(root, 'bucket.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::my-bucket/*' }],
    }),
  );
  const r = await runAudit({ root, paths: ['bucket.json'], baseline: 'lightly' });
  const excess = r.findings.find(
    (f) => f.kind === 'excess-action' && f.message.includes('narrower resources'),
  );
  expect(excess?.message).toMatch(
    /beyond the Lightly baseline \(its inactive set "[^"]+" grants on narrower resources: s3:[A-Za-z]+, /,
  );
  const line = renderText(r)
    .split('\n')
    .find((l) => l.includes('beyond the Lightly baseline'));
  expect(line).toMatch(/\(its inactive set "[^"]+" grants on narrower resources: s3:/);
});
