// A policy held to no vendor's baseline that grants every action on every resource is said in the
// notes: the audit judges it not at all, and a reviewer should know it is there (a first-contact
// review: an administrator policy passed in silence, listed only among the policies not audited).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const doc = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

it('names the policies held to no baseline that grant every action on every resource, and no other', async () => {
  const root = mkdtempSync(join(tmpdir(), 'admin-note-'));
  writeFileSync(join(root, 'admin.json'), doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
  writeFileSync(join(root, 'poweruser.json'), doc({ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }));
  // Not every action, or not on every resource, or under a condition: not said.
  writeFileSync(join(root, 'app.json'), doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
  writeFileSync(
    join(root, 'mfa.json'),
    doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    }),
  );
  writeFileSync(
    join(root, 'bucket.json'),
    doc({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/*' }),
  );
  const report = await runAudit({ root, paths: ['.'] });
  const notes = (report.notes ?? []).filter((n) => n.includes('every action'));
  expect(notes).toEqual([
    "2 policies held to no vendor's baseline grant every action, or all but some, on every resource, with no condition: admin.json, poweruser.json. This audit compares policies with vendors' baselines only, and judges them not at all.",
  ]);
});
