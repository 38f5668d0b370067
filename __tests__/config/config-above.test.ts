// Run from a directory inside the repository (`cd infra && audit .`), the repository's
// configuration above it is not read: before, its audits and ignore rules were dropped and nothing
// said so (a review). A note now says which file was not read and how to read it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' }],
});
const CONFIG = 'version: 1\naudits:\n  - baseline: skypilot\n    policies: ["infra/*.json"]\n';
const NOTE =
  /^No configuration read: \.\.\/\.github\/iam-baseline-audit\.yml \(above the audited directory\) is not read from here; /;

function repo(opts: { git: boolean; config: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'config-above-'));
  mkdirSync(join(root, 'infra'));
  mkdirSync(join(root, '.github'));
  if (opts.git) mkdirSync(join(root, '.git'));
  if (opts.config) writeFileSync(join(root, '.github/iam-baseline-audit.yml'), CONFIG);
  writeFileSync(join(root, 'infra/p.json'), POLICY);
  return root;
}

test('audited from a directory below the configuration, in its work tree: a note names it', async () => {
  const root = repo({ git: true, config: true });
  const below = await runAudit({ root: join(root, 'infra'), paths: ['.'], baseline: 'skypilot' });
  expect(below.notes).toContainEqual(expect.stringMatching(NOTE));
  // (from the top, it is read: no note)
  const top = await runAudit({ root, paths: ['infra'] });
  expect((top.notes ?? []).filter((n) => n.startsWith('No configuration read'))).toEqual([]);
});

test('no note without a configuration above, or outside any work tree', async () => {
  for (const opts of [
    { git: true, config: false },
    { git: false, config: true },
  ]) {
    const root = repo(opts);
    const r = await runAudit({ root: join(root, 'infra'), paths: ['.'], baseline: 'skypilot' });
    expect([opts, (r.notes ?? []).filter((n) => n.startsWith('No configuration read'))]).toEqual([opts, []]);
  }
});
