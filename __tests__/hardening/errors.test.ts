// Errors people can act on: every error a user sees names the file, the place (a line, or a JSON
// path inside the file), what was expected, and what to do. Source errors are checked as the report
// shows them (invalid-policy findings); configuration and baseline errors as the ConfigError the
// CLI prints and the action fails with.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { runAudit } from '../../src/audit/run.js';
import { baselineFromPolicyJson, builtinBaselines, parseBaselineYaml } from '../../src/baselines/load.js';
import { resolveBaselineSpec } from '../../src/baselines/resolve.js';
import { loadConfig } from '../../src/config/config.js';
import type { Finding, Report } from '../../src/core/types.js';

/** Words that say what to do. */
const TO_DO =
  /\b(remove|fix|quote|regenerate|export|rename|add|shorten|split|check|raise|write|name|delete|align|replace|give|use|audit)\b/i;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-errors-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
async function errorsOf(files: Record<string, string>): Promise<{ report: Report; errors: Finding[] }> {
  const root = join(tmp, `case-${n++}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  const report = await runAudit({
    root,
    paths: ['.'],
    baseline: 'coiled',
    now: new Date('2026-06-01T00:00:00Z'),
  });
  return { report, errors: report.findings.filter((f) => f.kind === 'invalid-policy') };
}

/** What a source error lacks, as the report shows it (file, place, what was expected, what to do). */
function lacks(f: Finding, file: string): string[] {
  const out: string[] = [];
  if (f.path !== file) out.push('the file');
  if (f.line === undefined && !/^\$/.test(f.message)) out.push('the place');
  if (!/\bexpected\b/.test(f.message)) out.push('what was expected');
  if (!TO_DO.test(f.message.replace(/^.*?expected/, ''))) out.push('what to do');
  return out;
}

function expectActionable(f: Finding, file: string): void {
  expect([`${f.path}:${f.line ?? '-'}: ${f.message}`, lacks(f, file)]).toEqual([
    `${f.path}:${f.line ?? '-'}: ${f.message}`,
    [],
  ]);
}

const doc = (...statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

describe('source errors name the file, the place, what was expected and what to do', () => {
  const CASES: Record<string, string> = {
    'policy/fields.json': doc(
      { Sid: ['x'], Effect: 'allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Actions: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', NotAction: 'iam:*', Resource: '*', NotResource: 'x' },
      { Effect: 'Allow', Action: [1], Resource: { arn: 'x' }, Condition: [] },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { k: [{}] } } },
      { Effect: 'Allow', Action: `s3:${'x'.repeat(300)}`, Resource: `arn:aws:s3:::${'y'.repeat(3000)}` },
      5,
    ),
    'policy/proto.json':
      '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"__proto__": {"a": "b"}, "StringEquals": {"__proto__": "x"}}}]}',
    'policy/top.json': JSON.stringify({ Version: '2013-01-01', Statement: [], Extra: 1 }),
    'policy/dup.json':
      '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Action": "iam:*", "Resource": "*"}]}',
    'policy/deep.json': `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"a":{"b":${'['.repeat(100)}${']'.repeat(100)}}}}]}`,
    'policy/huge.json': doc({
      Effect: 'Allow',
      Action: Array.from({ length: 20_000 }, (_, i) => `s3:Get${i}`),
      Resource: '*',
    }),
    'tf/plan.json': JSON.stringify({
      format_version: '1.2',
      resource_changes: [
        7,
        { address: 'aws_iam_policy.a', type: 'aws_iam_policy' },
        { address: 'aws_iam_policy.b', type: 'aws_iam_policy', name: 'b' },
        {
          address: 'aws_iam_policy.c',
          type: 'aws_iam_policy',
          name: 'c',
          change: { actions: ['explode'], after: { policy: '{"Statement":[]}' } },
        },
        {
          address: 'aws_iam_policy.c',
          type: 'aws_iam_policy',
          name: 'c',
          change: { actions: ['create'], after: { policy: '{"Statement":[]}' } },
        },
        {
          address: 'aws_iam_policy.d',
          type: 'aws_iam_policy',
          name: 'd',
          change: { actions: ['create'], after: { policy: 5 } },
        },
        {
          address: 'aws_iam_policy.e',
          type: 'aws_iam_policy',
          name: 'e',
          change: { actions: ['create'], after: { policy: '[1]' } },
        },
        {
          address: 'aws_iam_policy.f',
          type: 'aws_iam_policy',
          name: 'f',
          change: { actions: ['create'], after: { policy: '{"Statement":[],"Statement":[]}' } },
        },
      ],
      planned_values: { root_module: { resources: 'x', child_modules: [5] } },
    }),
    'tf/bad-top.json': JSON.stringify({ format_version: '1.2', resource_changes: 'x', planned_values: 1 }),
    'tf/state.json': JSON.stringify({ format_version: '1.0', values: 7 }),
    'tf/main.tf.json': JSON.stringify({
      resource: {
        aws_iam_policy: [5, { p: 'x' }],
        aws_iam_role: {
          r: {
            name: 'r',
            inline_policy: [
              { name: 'same', policy: '{"Statement":[]}' },
              { name: 'same', policy: '{"Statement":[]}' },
            ],
          },
        },
      },
    }),
    'aws/details.json': JSON.stringify({
      RoleDetailList: [
        5,
        { RoleName: null },
        {
          Arn: 'arn:aws:iam::1:role/r',
          RolePolicyList: [
            { PolicyDocument: {} },
            { PolicyName: 'p', PolicyDocument: 7 },
            { PolicyName: 'q', PolicyDocument: '%E0%A4%A' },
            { PolicyName: 'r', PolicyDocument: '{"Statement": [' },
          ],
          AttachedManagedPolicies: [{}],
          GroupPolicyList: 1,
        },
        { Arn: 'arn:aws:iam::1:role/r', RolePolicyList: 'x' },
      ],
      UserDetailList: [{ UserName: 'u', GroupList: 'g' }],
      Policies: [
        { PolicyName: 'nope' },
        { Arn: 'arn:aws:iam::1:policy/p', PolicyVersionList: [{ IsDefaultVersion: true, Document: {} }] },
        { Arn: 'arn:aws:iam::1:policy/p' },
      ],
    }),
    'aws/not-an-object.json': '{"UserDetailList": 5, "RoleDetailList": []}',
  };

  it('every error in the report, for every kind of input', async () => {
    const { report, errors } = await errorsOf(CASES);
    // Each broken file produced errors, each actionable.
    const lacking: string[] = [];
    for (const file of Object.keys(CASES)) {
      const mine = errors.filter((f) => f.path === file);
      expect([file, mine.length > 0]).toEqual([file, true]);
      for (const f of mine) {
        const l = lacks(f, file);
        if (l.length > 0) lacking.push(`${f.path}:${f.line ?? '-'}: ${f.message}  <- lacks ${l.join(', ')}`);
      }
    }
    expect(lacking).toEqual([]);
    // Inputs in error say what to do too.
    for (const i of report.inputs.filter((x) => x.status === 'error'))
      expect([i.path, /\bexpected\b/.test(i.reason ?? '')]).toEqual([i.path, true]);
  });

  // Messages that existing tests pin word for word (so this work could not extend them); each
  // still names the file and the place. The lead can extend them with the tests named below.
  const PINNED: [string, string, string][] = [
    [
      'resource has no address, type or name',
      '{"format_version":"1.0","values":{"root_module":{"resources":[{"mode":"managed"}]}}}',
      '__tests__/sources/tf-state.test.ts, "reports resources it cannot read"',
    ],
    [
      'resource is not an object',
      '{"format_version":"1.0","values":{"root_module":{"resources":[5]}}}',
      '__tests__/sources/tf-state.test.ts, "reports resources it cannot read"',
    ],
    [
      'child_modules is not an array',
      '{"format_version":"1.0","values":{"root_module":{"child_modules":"x"}}}',
      '__tests__/sources/tf-state.test.ts, "reports resources it cannot read"',
    ],
    [
      'is defined more than once',
      '{"resource":[{"aws_iam_policy":{"a":{"policy":"{}"}}},{"aws_iam_policy":{"a":{"policy":"{}"}}}]}',
      '__tests__/sources/tf-json.test.ts, "defined more than once"',
    ],
    [
      'the policy document is not a JSON object',
      '{"RoleDetailList":[{"Arn":"arn:aws:iam::1:role/r","RolePolicyList":[{"PolicyName":"p","PolicyDocument":"[1]"}]}]}',
      '__tests__/sources/auth-details.test.ts, decodePolicyDocument',
    ],
    [
      'is not valid JSON',
      '{"format_version":"1.2","resource_changes":[{"address":"aws_iam_policy.p","type":"aws_iam_policy","name":"p","change":{"actions":["create"],"after":{"policy":"{x"}}}]}',
      '__tests__/sources/tf-plan.test.ts, "never copies a sensitive value"',
    ],
  ];
  for (const [what, text, pinnedBy] of PINNED) {
    it.failing(`"${what}" says what was expected and what to do (pinned by ${pinnedBy})`, async () => {
      const { errors } = await errorsOf({ 'pinned/file.json': text });
      const f = errors.find((e) => e.message.includes(what))!;
      expect(f).toBeDefined();
      expectActionable(f, 'pinned/file.json');
    });
  }
});

describe('configuration and baseline errors name the file, the line, what was expected and what to do', () => {
  const expectConfigError = (f: () => unknown, file: string) => {
    let message = '';
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    for (const line of message.split('\n')) {
      if (/^\(\d+ more\)$/.test(line)) continue;
      expect([line, line.startsWith(`${file}, line `)]).toEqual([line, true]);
      expect([line, /\b(expected|must be|needs one of)\b/.test(line)]).toEqual([line, true]);
    }
    // Values from the file never reach a terminal raw (no control characters, one line each).
    expect(message).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E]/);
  };

  const CONFIGS = [
    '',
    'version: 2\n',
    'version: 1\nversion: 1\n',
    'version: 1\naudits:\n  - baseline: coiled\n    policies: "iam/*"\n',
    'version: 1\naudits:\n  - baseline: coiled\n',
    'version: 1\nunknown: x\n',
    'version: 1\nignore:\n  - action: "s3:*"\n    reason: "  "\n',
    'version: 1\nignore:\n  - action: "s3:*"\n    reason: r\n    expires: 2027-02-30\n',
    'version: 1\nignore:\n  - action: "s3:*"\n    reason: r\n    expires: "\u001b[31m\\n2027"\n',
    'version: 1\n---\nversion: 1\n',
    'version: 1\n\tbaselines: []\n',
    'version: 1\naudits: [\n',
    'version: 1\nbaselines: *nope\n',
    'version: 1\nbaselines: &a [*a]\n',
    'version: 1\n"bad\\nkey\\u202e": 1\n',
    `version: 1\naudits: ${'['.repeat(200)}${']'.repeat(200)}\n`,
    'version: 1\nbaselines: ["/proc/self/environ"]\n',
    'version: 1\nbaselines: ["iam/../../../home/runner/.aws/credentials"]\n',
    'version: 1\naudits:\n  - baseline: ../outside.json:policy\n    policies: ["iam/*"]\n',
  ];
  it.each(CONFIGS.map((c, i) => [i, c]))('configuration #%i', (_i, text) => {
    expectConfigError(
      () => loadConfig(text as string, '.github/iam-baseline-audit.yml'),
      '.github/iam-baseline-audit.yml',
    );
  });

  const VENDOR =
    'id: my-vendor\nname: My vendor\ndefault-sets: [ongoing]\nsets:\n  - name: ongoing\n    kind: ongoing\n    statements:\n      - Effect: Allow\n        Action: s3:GetObject\n        Resource: "*"\n';
  const BASELINES = [
    VENDOR.replace('kind: ongoing', 'kind: forever'),
    VENDOR.replace('default-sets: [ongoing]', 'default-sets: [ongoin]'),
    `${VENDOR}  - name: ongoing\n    kind: setup\n    statements: []\n`,
    VENDOR.replace('name: My vendor', 'name: [1]'),
    'sets: 5\n',
  ];
  it.each(BASELINES.map((b, i) => [i, b]))('baseline YAML #%i', (_i, text) => {
    expectConfigError(() => parseBaselineYaml(text as string, 'iam/vendor.yml'), 'iam/vendor.yml');
  });

  it.each([
    ['{"Statement": [', 'not valid JSON'],
    ['[1]', 'expected an IAM policy document'],
    ['{"Statement": [5]}', '$.Statement[0] must be an object'],
    [
      `{"Statement": [{"Condition": ${'['.repeat(100)}${']'.repeat(100)}}]}`,
      'nests values more than 64 levels deep',
    ],
  ])('policy JSON as a baseline: %s', (text, what) => {
    expectConfigError(() => baselineFromPolicyJson(text, 'b/min.json'), 'b/min.json');
    expect(() => baselineFromPolicyJson(text, 'b/min.json')).toThrow(what);
  });

  it('an unknown baseline or set lists the choices', () => {
    const builtins = builtinBaselines();
    const read = () => undefined;
    expect(() => resolveBaselineSpec('cooled', read, builtins)).toThrow(
      /unknown baseline "cooled" \(did you mean coiled\?\): built-in baselines are .*; or give a path/,
    );
    expect(() => resolveBaselineSpec('coiled:setpu', read, builtins)).toThrow(
      /has no set "setpu"; its sets are: setup, .* \(expected one of them\)/,
    );
    expect(() => resolveBaselineSpec('./nope.yml', read, builtins)).toThrow(
      /baseline file \.\/nope\.yml not found \(expected a baseline YAML or policy JSON file/,
    );
    expect(() => resolveBaselineSpec('\u001b[31mx\n', read, builtins)).toThrow(
      /unknown baseline "\\x1b\[31mx"/,
    );
  });
});
