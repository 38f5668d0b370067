// (a review) With the account given (`--account-id`, `account-id`), a missing-permission finding
// still showed the baseline's resource with its placeholder (`arn:aws:ec2:*:<account-ID-without-
// hyphens>:instance/*`): shown with the account now, as a fix would write it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' }],
});

async function missingResources(accountId?: string): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'missing-account-'));
  writeFileSync(join(root, 'p.json'), POLICY);
  const r = await runAudit({
    root,
    paths: ['p.json'],
    baseline: 'skypilot',
    ...(accountId ? { accountId } : {}),
  });
  return r.findings.filter((f) => f.kind === 'missing-permission').flatMap((f) => f.resources);
}

test('missing-permission resources name the account given, not the placeholder', async () => {
  const without = await missingResources();
  expect(without).toContain('arn:aws:ec2:*:<account-ID-without-hyphens>:instance/*');
  const withId = await missingResources('123456789012');
  expect(withId).toContain('arn:aws:ec2:*:123456789012:instance/*');
  expect(withId.join('\n')).not.toContain('<account-ID-without-hyphens>');
  expect(withId).toHaveLength(without.length);
});
