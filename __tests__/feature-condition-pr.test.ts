// A pull request that adds an inactive feature's condition to a grant that lacked it (a review):
// the grant is narrowed, and its finding (now without the caveat) is not new; the reverse, a
// change that drops the condition, is.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Report } from '../src/core/types.js';

const BUCKET = 'arn:aws:s3:::lightly-bucket';
const TWO = ['s3:PutBucketPolicy', 's3:DeleteBucket'];
const IP = { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } };
const doc = (condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: TWO, Resource: BUCKET, ...(condition ? { Condition: condition } : {}) },
    ],
  });

async function pr(base: string, head: string): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'feature-condition-pr-'));
  writeFileSync(join(root, 'p.json'), head);
  return runAudit({ root, paths: ['p.json'], baseline: 'lightly', readBase: async () => base });
}

const leftovers = (r: Report) => r.findings.filter((f) => f.kind === 'leftover-set' && !f.removed);

test("the feature's condition added: nothing new", async () => {
  const r = await pr(doc(), doc(IP));
  expect(leftovers(r).length).toBeGreaterThan(0);
  expect(leftovers(r).filter((f) => f.new === true)).toEqual([]);
});

test("the feature's condition dropped: the grant without it is new", async () => {
  const r = await pr(doc(IP), doc());
  expect(leftovers(r).filter((f) => f.new === true).length).toBeGreaterThan(0);
});

// (a third review) Another condition swapped for the feature's: the grant is no narrower (the head
// allows what the base's condition denied), so it is new.
test("another condition swapped for the feature's: new", async () => {
  const r = await pr(doc({ Bool: { 'aws:SecureTransport': 'true' } }), doc(IP));
  expect(leftovers(r).filter((f) => f.new === true).length).toBeGreaterThan(0);
});
