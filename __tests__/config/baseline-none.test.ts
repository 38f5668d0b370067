// `baseline: none` in an audit of the configuration: the policies it selects are no vendor's. A
// reviewer facing a false detection (a policy of theirs taken for a vendor's) had no way to say so
// but to accept each finding (a first-contact review).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { ConfigError } from '../../src/core/errors.js';

const NOW = new Date('2026-12-08T00:00:00Z');
// SkyPilot's actions under SkyPilot's name: detected as SkyPilot's.
const POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:TerminateInstances', 'ec2:DescribeInstances', 'ec2:CreateTags'],
      Resource: '*',
    },
    { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/skypilot-v1' },
  ],
};

function repo(config?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'baseline-none-'));
  mkdirSync(join(root, 'infra'));
  writeFileSync(join(root, 'infra/launcher.json'), JSON.stringify(POLICY, null, 2));
  if (config !== undefined) {
    mkdirSync(join(root, '.github'));
    writeFileSync(join(root, '.github/iam-baseline-audit.yml'), config);
  }
  return root;
}

test('a policy an audit holds to no baseline is not detected, and says why', async () => {
  const detected = await runAudit({ root: repo(), paths: ['.'], now: NOW });
  expect(detected.policies[0]).toMatchObject({ status: 'audited', baseline: 'skypilot' });
  const none = await runAudit({
    root: repo('version: 1\naudits:\n  - baseline: none\n    policies: ["infra/launcher.json"]\n'),
    paths: ['.'],
    now: NOW,
  });
  expect(none.policies[0]).toMatchObject({
    status: 'not-matched',
    reason: 'held to no baseline by the configuration (audits[0]: baseline none)',
  });
  expect(none.findings).toEqual([]);
});

test('an audit naming a baseline for the same policy still audits it', async () => {
  const r = await runAudit({
    root: repo(
      'version: 1\naudits:\n  - baseline: none\n    policies: ["infra/*"]\n  - baseline: coiled\n    policies: ["infra/launcher.json"]\n',
    ),
    paths: ['.'],
    now: NOW,
  });
  expect(r.policies[0]).toMatchObject({ status: 'audited', baseline: 'coiled' });
});

test('baseline none selecting nothing is noted; with sets, an error at its line', async () => {
  const r = await runAudit({
    root: repo('version: 1\naudits:\n  - baseline: none\n    policies: ["elsewhere/*"]\n'),
    paths: ['.'],
    now: NOW,
  });
  expect(r.notes).toContain('Audit #1 (baseline none) selects no policy: elsewhere/*');
  // (the policy no audit selects is detected)
  expect(r.policies[0]).toMatchObject({ status: 'audited', baseline: 'skypilot' });
  await expect(
    runAudit({
      root: repo('version: 1\naudits:\n  - baseline: none\n    sets: [setup]\n    policies: ["infra/*"]\n'),
      paths: ['.'],
      now: NOW,
    }),
  ).rejects.toThrow(ConfigError);
});
