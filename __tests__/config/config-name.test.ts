// A configuration under a name that is not read (a review: `.github/iam-baseline-audit.yaml`, or
// `.iam-baseline-audit.yml` at the root) was skipped as "a YAML file that is not a CloudFormation
// template", and the audit went on without it: "No IAM policy was audited", exit 0, a green check
// that held nothing to the repository's own baselines. It is an error naming the file read.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, runAudit } from '../../src/audit/run.js';

const CONFIG = 'version: 1\naudits:\n  - baseline: skypilot\n    policies: ["*.json"]\n';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }],
});

function repo(configName: string | undefined): string {
  const root = mkdtempSync(join(tmpdir(), 'config-name-'));
  mkdirSync(join(root, '.github'));
  if (configName) writeFileSync(join(root, configName), CONFIG);
  writeFileSync(join(root, 'p.json'), POLICY);
  return root;
}

describe('a configuration file under another name', () => {
  it.each(['.github/iam-baseline-audit.yaml', '.iam-baseline-audit.yml', 'iam-baseline-audit.yaml'])(
    '%s is an error that names the file read',
    async (name) => {
      const run = runAudit({ root: repo(name), paths: ['.'], now: new Date('2026-12-07T00:00:00Z') });
      await expect(run).rejects.toBeInstanceOf(ConfigError);
      await expect(
        runAudit({ root: repo(name), paths: ['.'], now: new Date('2026-12-07T00:00:00Z') }),
      ).rejects.toThrow(
        `${name}: not read: the configuration is read from .github/iam-baseline-audit.yml only`,
      );
    },
  );

  it('the right name is read, and a near name beside it is not an error', async () => {
    const root = repo('.github/iam-baseline-audit.yml');
    writeFileSync(join(root, '.github/iam-baseline-audit.yaml'), CONFIG);
    const r = await runAudit({ root, paths: ['p.json'], now: new Date('2026-12-07T00:00:00Z') });
    expect(r.policies.map((p) => [p.status, p.baseline])).toEqual([['audited', 'skypilot']]);
  });

  it('a directory of a near name is not a configuration', async () => {
    const root = repo(undefined);
    mkdirSync(join(root, 'iam-baseline-audit.yml'));
    const r = await runAudit({
      root,
      paths: ['p.json'],
      baseline: 'skypilot',
      now: new Date('2026-12-07T00:00:00Z'),
    });
    expect(r.policies.map((p) => p.status)).toEqual(['audited']);
  });

  it('the --config option reads any name', async () => {
    const root = repo('.github/iam-baseline-audit.yaml');
    const r = await runAudit({
      root,
      paths: ['p.json'],
      config: '.github/iam-baseline-audit.yaml',
      now: new Date('2026-12-07T00:00:00Z'),
    });
    expect(r.policies.map((p) => p.status)).toEqual(['audited']);
  });
});
