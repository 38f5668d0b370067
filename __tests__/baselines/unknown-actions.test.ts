// Your own baseline with a typo in an action (`s3:GetObjekt`): it grants nothing, so the policy's
// s3:GetObject reads as excess, and before nothing said why (a review). The report now names it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }],
});

async function audit(baseline: string) {
  const root = mkdtempSync(join(tmpdir(), 'unknown-actions-'));
  writeFileSync(join(root, 'app.json'), policy);
  writeFileSync(join(root, 'mine.yml'), baseline);
  return runAudit({ root, paths: ['app.json'], baseline: join(root, 'mine.yml') });
}

const yaml = (actions: string[]) =>
  `id: mine\nname: Mine\nsets:\n  - name: main\n    kind: ongoing\n    statements:\n      - Effect: Allow\n        Action: [${actions.join(', ')}]\n        Resource: "*"\n`;

test('an action of your baseline that matches no action in the catalog is named in the notes', async () => {
  const r = await audit(yaml(['s3:GetObjekt', 's3:ListBucket', 'ec2:DescribeInstancez']));
  expect(r.notes).toContainEqual(
    expect.stringMatching(
      /^Baseline mine, set main: s3:GetObjekt, ec2:DescribeInstancez match no action in the AWS catalog \(a typo, or an action that was retired\): the baseline grants nothing for them; fix it in the baseline\.$/,
    ),
  );
});

test('a baseline whose actions all exist gets no such note; nor do the built-in ones', async () => {
  const r = await audit(yaml(['s3:GetObject', 's3:List*']));
  expect((r.notes ?? []).filter((n) => n.includes('match'))).toEqual([]);
  const root = mkdtempSync(join(tmpdir(), 'unknown-actions-'));
  writeFileSync(join(root, 'app.json'), policy);
  for (const b of [
    'coiled',
    'datadog',
    'skypilot',
    'anyscale',
    'lightly',
    'databricks',
    'cloudzero',
    'spot',
  ]) {
    const builtin = await runAudit({ root, paths: ['app.json'], baseline: b });
    expect([b, (builtin.notes ?? []).filter((n) => n.includes('no action in the AWS catalog'))]).toEqual([
      b,
      [],
    ]);
  }
});

test("your own baseline file that takes a built-in's id is checked too", async () => {
  const r = await audit(yaml(['s3:GetObjekt']).replace('id: mine', 'id: coiled'));
  expect(r.notes).toContainEqual(
    expect.stringMatching(/^Baseline .*, set main: s3:GetObjekt matches no action/),
  );
});
