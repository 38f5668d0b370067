// Messages a first contact met (a review): `version: 2` read "version must be 1, not a number
// (2)", as if 2 were not a number; an unknown set in `sets:` was reported at the line of its
// audit's `baseline:`, naming that field.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/core/errors.js';

test('a version of the wrong number is named as a number, one of the wrong type by its type', () => {
  expect(() => loadConfig('version: 2\n', '.github/iam-baseline-audit.yml')).toThrow(
    '.github/iam-baseline-audit.yml, line 1: version must be 1, not 2',
  );
  expect(() => loadConfig('version: "1"\n', '.github/iam-baseline-audit.yml')).toThrow(
    /line 1: version must be 1, not a string/,
  );
});

test('an unknown set is reported at its own line, as the set it is', async () => {
  const root = mkdtempSync(join(tmpdir(), 'config-messages-'));
  mkdirSync(join(root, '.github'));
  writeFileSync(
    join(root, '.github/iam-baseline-audit.yml'),
    'version: 1\naudits:\n  - baseline: skypilot\n    sets:\n      - minimal\n      - ongoin\n    policies: ["*.json"]\n',
  );
  writeFileSync(
    join(root, 'p.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' }],
    }),
  );
  const error = await runAudit({ root, paths: ['.'] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(
    /^\.github\/iam-baseline-audit\.yml, line 6: audits\[0\]\.sets\[1\]: baseline skypilot has no set "ongoin"; its sets are: minimal, /,
  );
  // An unknown baseline is still named at its entry.
  writeFileSync(
    join(root, '.github/iam-baseline-audit.yml'),
    'version: 1\naudits:\n  - baseline: skypilott\n    sets: [minimal]\n    policies: ["*.json"]\n',
  );
  const unknown = await runAudit({ root, paths: ['.'] }).catch((e: unknown) => e);
  expect((unknown as Error).message).toMatch(
    /line 3: audits\[0\]\.baseline: unknown baseline "skypilott" \(did you mean skypilot\?\)/,
  );
});
