import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../src/core/errors.js';
import { baselineFromPolicyJson, builtinBaselines, parseBaselineYaml } from '../../src/baselines/load.js';
import { resolveBaselineSpec, splitSpec } from '../../src/baselines/resolve.js';

const MY_VENDOR = `# yaml-language-server: $schema=../../schema/baseline.schema.json
id: my-vendor
name: My Vendor
default-sets: [ongoing]
sets:
  - name: setup
    kind: setup
    statements:
      - Sid: Setup
        Effect: Allow
        Action: ["iam:CreateRole"]
        Resource: "*"
  - name: ongoing
    kind: ongoing
    statements:
      - Effect: Allow
        Action: s3:GetObject
        Resource: "arn:aws:s3:::my-bucket/*"
`;

const POLICY = JSON.stringify(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] },
  null,
  2,
);

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseBaselineYaml', () => {
  it('reads a user-defined baseline, kebab-case keys to camelCase', () => {
    const b = parseBaselineYaml(MY_VENDOR, 'iam/baselines/my-vendor.yml');
    expect(b.id).toBe('my-vendor');
    expect(b.defaultSets).toEqual(['ongoing']);
    expect(b.sets.map((s) => s.kind)).toEqual(['setup', 'ongoing']);
  });

  it('uses the path as id when the file has none', () => {
    const b = parseBaselineYaml(MY_VENDOR.replace('id: my-vendor\n', ''), 'iam/x.yml');
    expect(b.id).toBe('iam/x.yml');
    expect(b.name).toBe('My Vendor');
  });

  it('names the file, the line and what is expected', () => {
    const wrongKind = MY_VENDOR.replace('kind: ongoing', 'kind: always');
    expect(errorOf(() => parseBaselineYaml(wrongKind, 'b.yml'))).toMatch(
      /^b\.yml, line 14: sets\[1\]\.kind must be one of: setup, ongoing, optional/,
    );
    const unknownKey = MY_VENDOR.replace('    kind: setup\n', '    kind: setup\n    statemnts: []\n');
    expect(errorOf(() => parseBaselineYaml(unknownKey, 'b.yml'))).toMatch(
      /line 8: sets\[0\] has an unknown key "statemnts"; expected one of: name, kind, description, remediation, choice, only-with, policy-kinds, statements/,
    );
    const noAction = MY_VENDOR.replace('        Action: s3:GetObject\n', '');
    expect(errorOf(() => parseBaselineYaml(noAction, 'b.yml'))).toMatch(
      /line 16: sets\[1\]\.statements\[0\] needs one of: Action, NotAction/,
    );
    const badDefault = MY_VENDOR.replace('default-sets: [ongoing]', 'default-sets: [ongoin]');
    expect(errorOf(() => parseBaselineYaml(badDefault, 'b.yml'))).toMatch(
      /line 4: default set "ongoin" is not a set of this baseline \(expected one of: setup, ongoing\)/,
    );
    const dup = MY_VENDOR.replace('  - name: ongoing', '  - name: setup');
    expect(errorOf(() => parseBaselineYaml(dup, 'b.yml'))).toMatch(
      /line 13: duplicate set name "setup" \(also sets\[0\]\)/,
    );
    // only-with names an alternative (a set with a choice)
    const onlyWith = MY_VENDOR.replace('    kind: setup\n', '    kind: setup\n    only-with: ongoing\n');
    expect(errorOf(() => parseBaselineYaml(onlyWith, 'b.yml'))).toMatch(
      /^b\.yml, line 8: only-with "ongoing" is not an alternative of this baseline \(a set with a choice; expected one of: none\)/,
    );
    const withChoice = onlyWith.replace('    kind: ongoing\n', '    kind: ongoing\n    choice: plan\n');
    expect(parseBaselineYaml(withChoice, 'b.yml').sets[0]!.onlyWith).toBe('ongoing');
    expect(errorOf(() => parseBaselineYaml('sets: [\n', 'b.yml'))).toMatch(/^b\.yml, line \d+: /);
    const wrongType = MY_VENDOR.replace('default-sets: [ongoing]', 'default-sets: ongoing');
    expect(errorOf(() => parseBaselineYaml(wrongType, 'b.yml'))).toMatch(
      /line 4: default-sets must be a list, not a string \("ongoing"\) \(expected: The sets treated as needed/,
    );
  });
});

describe('baselineFromPolicyJson', () => {
  it('makes a one-set baseline named policy', () => {
    const b = baselineFromPolicyJson(POLICY, 'policies/minimal.json');
    expect(b).toMatchObject({ id: 'policies/minimal.json', name: 'minimal.json', defaultSets: ['policy'] });
    expect(b.sets).toHaveLength(1);
    expect(b.sets[0]).toMatchObject({ name: 'policy', kind: 'ongoing' });
    expect(b.sets[0]!.statements).toHaveLength(1);
  });

  it('reports syntax errors with the line and non-policies', () => {
    expect(errorOf(() => baselineFromPolicyJson('{\n  "Statement": [\n  }\n', 'p.json'))).toMatch(
      /^p\.json, line 3: not valid JSON/,
    );
    expect(errorOf(() => baselineFromPolicyJson('{\n "a": 1,\n}', 'p.json'))).toMatch(
      /^p\.json, line 3: not valid JSON/,
    );
    expect(errorOf(() => baselineFromPolicyJson('{"a": 1}', 'p.json'))).toMatch(
      /expected an IAM policy document/,
    );
  });
});

describe('resolveBaselineSpec', () => {
  const builtins = builtinBaselines();
  const files: Record<string, string> = {
    './iam/my-vendor.yml': MY_VENDOR,
    'iam/my-vendor.yml': MY_VENDOR,
    './policies/minimal.json': POLICY,
    './iam/sets.json': JSON.stringify({
      id: 'json-vendor',
      sets: [
        {
          name: 'run',
          kind: 'ongoing',
          statements: [{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' }],
        },
      ],
    }),
  };
  const read = (p: string) => files[p];

  it('resolves built-in ids with their default sets', () => {
    expect(resolveBaselineSpec('coiled', read, builtins)).toMatchObject({
      baseline: { id: 'coiled' },
      sets: ['ongoing'],
    });
    expect(resolveBaselineSpec('Datadog', read, builtins).sets).toEqual(['standard', 'resource-collection']);
  });

  it('takes :set,set after an id or a path', () => {
    expect(resolveBaselineSpec('coiled@2022:setup,ongoing', read, builtins)).toMatchObject({
      baseline: { id: 'coiled@2022' },
      sets: ['setup', 'ongoing'],
    });
    expect(resolveBaselineSpec('coiled:ongoing', read, builtins).sets).toEqual(['ongoing']);
    expect(resolveBaselineSpec('lightly:minimum,restrict-ip', read, builtins).sets).toEqual([
      'minimum',
      'restrict-ip',
    ]);
    expect(resolveBaselineSpec('./iam/my-vendor.yml:setup', read, builtins)).toMatchObject({
      baseline: { id: 'my-vendor' },
      sets: ['setup'],
    });
    expect(resolveBaselineSpec('coiled:ONGOING', read, builtins).sets).toEqual(['ongoing']);
  });

  it('reads YAML baselines, JSON baselines with sets, and policy JSON files', () => {
    expect(resolveBaselineSpec('./iam/my-vendor.yml', read, builtins).sets).toEqual(['ongoing']);
    expect(resolveBaselineSpec('iam/my-vendor.yml', read, builtins).baseline.id).toBe('my-vendor');
    expect(resolveBaselineSpec('./policies/minimal.json', read, builtins)).toMatchObject({
      baseline: { id: './policies/minimal.json' },
      sets: ['policy'],
    });
    // No default-sets: every set is active.
    expect(resolveBaselineSpec('./iam/sets.json', read, builtins)).toMatchObject({
      baseline: { id: 'json-vendor' },
      sets: ['run'],
    });
  });

  it('lists the valid choices for an unknown id, file or set', () => {
    expect(errorOf(() => resolveBaselineSpec('cooled', read, builtins))).toMatch(
      /unknown baseline "cooled" \(did you mean coiled\?\): built-in baselines are .*coiled, coiled@2022.*datadog/,
    );
    expect(errorOf(() => resolveBaselineSpec('coiled:setpu', read, builtins))).toMatch(
      /baseline coiled has no set "setpu"; its sets are: setup, ongoing, log-pull, ecr, persistent-data/,
    );
    expect(errorOf(() => resolveBaselineSpec('./nope.yml', read, builtins))).toMatch(
      /baseline file \.\/nope\.yml not found/,
    );
    expect(errorOf(() => resolveBaselineSpec('coiled:', read, builtins))).toMatch(/no sets after ":"/);
  });

  it('splits only a trailing list of set names', () => {
    expect(splitSpec('coiled@2022:setup, ongoing')).toEqual({
      base: 'coiled@2022',
      sets: ['setup', 'ongoing'],
    });
    expect(splitSpec('./dir/x.yml')).toEqual({ base: './dir/x.yml' });
    expect(splitSpec('./a:b/x.yml')).toEqual({ base: './a:b/x.yml' });
  });
});

describe('scripts/build-baselines.mjs', () => {
  it('fails with file, line and message when a YAML file does not validate', async () => {
    const root = mkdtempSync(join(tmpdir(), 'baselines-'));
    try {
      mkdirSync(join(root, 'schema'));
      mkdirSync(join(root, 'baselines'));
      for (const f of ['baseline.schema.json', 'config.schema.json'])
        copyFileSync(join('schema', f), join(root, 'schema', f));
      writeFileSync(
        join(root, 'baselines', 'my-vendor.yml'),
        MY_VENDOR.replace('kind: ongoing', 'kind: always'),
      );
      writeFileSync(
        join(root, 'baselines', 'other.yml'),
        MY_VENDOR.replace('id: my-vendor', 'id: other').replace('s3:GetObject', 's3:GetObjekt'),
      );
      const mod = (await import(pathToFileURL(join(process.cwd(), 'scripts/build-baselines.mjs')).href)) as {
        generate: (root: string) => string;
      };
      let message = '';
      try {
        mod.generate(root);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(
        /baselines\/my-vendor\.yml:14:11: sets\[1\]\.kind must be one of: setup, ongoing, optional/,
      );
      expect(message).toMatch(/baselines\/other\.yml:17:17: unknown action "s3:GetObjekt"/);
      expect(message).toMatch(
        /baselines\/other\.yml:1:1: a built-in baseline needs "date"|baselines\/other\.yml:\d+:\d+: a built-in baseline needs "date"/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
