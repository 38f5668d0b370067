// Hostile inputs too big to generate per case, each run once through runAudit and every renderer:
// 100,000 levels of nesting in every kind of input and in YAML, 50 MB strings, huge arrays,
// duplicate keys, a byte-order mark, invalid UTF-8 on disk, numbers where strings belong. Each must
// end as a report that accounts for the file with a clear reason (never a crash or a hang).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { runAudit } from '../../src/audit/run.js';
import { loadConfig } from '../../src/config/config.js';
import { parseBaselineYaml } from '../../src/baselines/load.js';
import { MAX_DOCUMENT_DEPTH } from '../../src/policy/document.js';
import type { Report } from '../../src/core/types.js';
import { expectAccountedReport, expectInert, expectNoPollution, renderAll } from './inert.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const DEEP = 100_000;
const deepArray = '['.repeat(DEEP) + ']'.repeat(DEEP);
const deepObject = (key: string, leaf = '1') => `{"${key}":`.repeat(DEEP) + leaf + '}'.repeat(DEEP);

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-extremes-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** Writes the files into a fresh directory and audits it (detection, then the coiled baseline). */
async function audit(
  files: Record<string, string | Buffer>,
  baseline?: string,
): Promise<{ report: Report; root: string }> {
  const root = join(tmp, `case-${n++}`);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  const report = await runAudit({ root, paths: ['.'], baseline, now: NOW });
  expectAccountedReport(report, Object.keys(files));
  expectInert(report);
  return { report, root };
}

const input = (r: Report, path: string) => r.inputs.find((i) => i.path === path)!;
const policiesOf = (r: Report, path: string) => r.policies.filter((p) => p.path === path);
const DEPTH_REASON = new RegExp(`nests values more than ${MAX_DOCUMENT_DEPTH} levels deep; expected`);

const plan = (after: string, extra = '') =>
  `{"format_version":"1.2","resource_changes":[{"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy","name":"p","change":{"actions":["create"],"before":null,"after":${after}${extra}}}]}`;

describe('100,000 levels of nesting', () => {
  const files: Record<string, string> = {
    'deep/array.json': deepArray,
    'deep/object.json': deepObject('a'),
    'deep/statement.json': `{"Version":"2012-10-17","Statement":${deepArray}}`,
    'deep/condition.json': `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::077742499581:root"},"Condition":{"StringEquals":{"x":${deepArray}}}}]}`,
    'deep/principal.json': `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":${deepObject('AWS')}}]}`,
    'deep/effect.json': `{"Version":"2012-10-17","Statement":[{"Effect":${deepArray},"Action":"s3:GetObject","Resource":"*"}]}`,
    'deep/plan-policy.json': plan(
      `{"policy":${JSON.stringify(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"a":{"b":${deepArray}}}}]}`)}}`,
    ),
    'deep/plan-unknown.json': plan(
      '{"policy":"{\\"Statement\\":[]}"}',
      `,"after_unknown":${deepArray},"after_sensitive":${deepObject('policy', 'true')}`,
    ),
    'deep/plan-modules.json': `{"format_version":"1.2","planned_values":{"root_module":${'{"child_modules":['.repeat(20_000)}{}${']}'.repeat(20_000)}}}`,
    'deep/state.json': `{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"aws_iam_policy.p","type":"aws_iam_policy","name":"p","values":{"policy":${deepObject('Statement')}}}]}}}`,
    'deep/main.tf.json': `{"resource":{"aws_iam_policy":{"p":{"policy":${deepObject('x')}}}}}`,
    'deep/dynamic.tf.json': `{"data":{"aws_iam_policy_document":{"d":{"dynamic":{"statement":{"for_each":[1],"content":${deepObject('c')}}}}}},"resource":{"aws_iam_policy":{"p":{"policy":"\${data.aws_iam_policy_document.d.json}"}}}}`,
    'deep/auth.json': `{"RoleDetailList":[{"Arn":"arn:aws:iam::1:role/r","RoleName":"r","AssumeRolePolicyDocument":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::077742499581:root"},"Action":"sts:AssumeRole","Condition":${deepObject('x')}}]},"RolePolicyList":[{"PolicyName":"p","PolicyDocument":${JSON.stringify(encodeURIComponent(`{"Statement":${deepArray}}`))}}]}]}`,
  };

  it('every input ends in the report with a clear reason, and nothing crashes (detection, then a baseline)', async () => {
    for (const baseline of [undefined, 'coiled']) {
      const { report } = await audit(files, baseline);
      // Standalone policy files nested too deeply are inputs in error, naming the depth limit.
      for (const f of [
        'deep/statement.json',
        'deep/condition.json',
        'deep/principal.json',
        'deep/effect.json',
      ]) {
        expect(input(report, f)).toMatchObject({
          status: 'error',
          reason: expect.stringMatching(DEPTH_REASON),
        });
        expect(policiesOf(report, f)).toEqual([
          expect.objectContaining({ status: 'unresolved', reason: expect.stringMatching(DEPTH_REASON) }),
        ]);
        expect(
          report.findings.some(
            (x) => x.path === f && x.kind === 'invalid-policy' && DEPTH_REASON.test(x.message),
          ),
        ).toBe(true);
      }
      // Inside plans, state, *.tf.json and authorization details: the policy is unresolved, the file is read.
      for (const f of ['deep/plan-policy.json', 'deep/state.json', 'deep/main.tf.json', 'deep/auth.json']) {
        expect(input(report, f).status).toBe('audited');
        const deep = policiesOf(report, f).filter((p) => DEPTH_REASON.test(p.reason ?? ''));
        expect(deep.length).toBeGreaterThan(0);
        expect(deep.every((p) => p.status === 'unresolved')).toBe(true);
        // ...with an error that names the file and the place.
        expect(
          report.findings.some(
            (x) =>
              x.path === f &&
              x.kind === 'invalid-policy' &&
              x.line !== undefined &&
              DEPTH_REASON.test(x.message),
          ),
        ).toBe(true);
      }
      expect(
        policiesOf(report, 'deep/dynamic.tf.json').find((p) => p.address === 'aws_iam_policy.p')!.reason,
      ).toMatch(/its dynamic "statement" block nests values more than 64 levels deep/);
      // Deep values that are not policies are harmless and read as usual.
      expect(input(report, 'deep/plan-unknown.json').status).toBe('audited');
      expect(input(report, 'deep/plan-modules.json').status).toBe('audited');
      expect(input(report, 'deep/array.json')).toMatchObject({ status: 'skipped' });
    }
  });

  it('deep YAML in the configuration or a baseline is a ConfigError naming the file, the line and the limit', () => {
    const flow = `version: 1\naudits: ${deepArray}\n`;
    const block = `${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}x\n`;
    const compact = `${'- '.repeat(5000)}x\n`;
    for (const text of [flow, block, compact]) {
      expect(() => loadConfig(text, 'cfg.yml')).toThrow(ConfigError);
      expect(() => loadConfig(text, 'cfg.yml')).toThrow(
        /^cfg\.yml, line \d+: mappings and lists are nested more than 64 levels deep; expected/,
      );
      expect(() => parseBaselineYaml(text, 'b.yml')).toThrow(
        /^b\.yml, line \d+: mappings and lists are nested more than 64 levels deep/,
      );
    }
    // Twice in a row (the YAML library once ran out of memory on a second deep document).
    expect(() => loadConfig(block, 'cfg.yml')).toThrow(ConfigError);
    // Aliases that loop or explode are refused too.
    expect(() => loadConfig('version: 1\nbaselines: &a [*a]\n', 'c.yml')).toThrow(
      /^c\.yml, line 2: its aliases \(\*name\) nest values more than 64 levels deep/,
    );
    const laughs = [
      'a: &a [x,x,x,x,x,x,x,x,x]',
      ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
      'version: 1',
    ].join('\n');
    expect(() => loadConfig(laughs, 'c.yml')).toThrow(
      /^c\.yml, line \d+: its aliases \(\*name\) expand to too many values/,
    );
  });
});

describe('50 MB strings (once)', () => {
  it('a 50 MB Resource, Sid, plan address and tf.json template: audited or refused with the reason, renderings stay small', async () => {
    const big = 'x'.repeat(50 * 1024 * 1024);
    const { report } = await audit(
      {
        'big/resource.json': JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: big.slice(0, 1000),
              Effect: 'Allow',
              Action: 'iam:PassRole',
              Resource: `arn:aws:s3:::${big}`,
            },
          ],
        }),
        'big/plan.json': JSON.stringify({
          format_version: '1.2',
          resource_changes: [
            {
              address: `aws_iam_policy.${big}`,
              type: 'aws_iam_policy',
              name: big,
              change: {
                actions: ['create'],
                before: null,
                after: { policy: '{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}' },
              },
            },
          ],
        }),
        'big/main.tf.json': JSON.stringify({ resource: { aws_iam_policy: { p: { policy: `\${${big}}` } } } }),
      },
      'coiled',
    );
    // The policy is too large for AWS: not read, said so.
    expect(policiesOf(report, 'big/resource.json')[0]).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/holds more than 131072 characters; expected a policy AWS accepts/),
    });
    // The plan's policy is audited under a shortened (still unique) address.
    const p = policiesOf(report, 'big/plan.json')[0]!;
    expect(p.status).toBe('audited');
    expect(p.address!.length).toBeLessThan(400);
    expect(p.address).toMatch(/^aws_iam_policy\.x+…\(52428815 characters, sha256 [0-9a-f]{16}\)$/);
    expect(report.findings.some((f) => f.path === 'big/plan.json' && /from iam:\*/.test(f.message))).toBe(
      true,
    );
    expect(policiesOf(report, 'big/main.tf.json')[0]!.reason!.length).toBeLessThan(300);
    const r = renderAll(report);
    for (const [name, text] of Object.entries(r))
      expect([name, text.length < 1_000_000]).toEqual([name, true]);
  }, 120_000);
});

describe('huge arrays, duplicate keys, byte-order marks, invalid UTF-8, numbers for strings', () => {
  it('200,000 statements or actions: a document larger than AWS allows is refused with the reason', async () => {
    const many = Array.from({ length: 200_000 }, (_, i) => `s3:Get${i}*`);
    const { report } = await audit({
      'huge/actions.json': JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: many, Resource: '*' }],
      }),
      'huge/statements.json': JSON.stringify({
        Version: '2012-10-17',
        Statement: Array(200_000).fill({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      }),
      'huge/principals.tf.json': JSON.stringify({
        data: {
          aws_iam_policy_document: {
            d: {
              statement: [
                {
                  actions: ['sts:AssumeRole'],
                  principals: [{ type: 'AWS', identifiers: Array(200_000).fill('arn:aws:iam::1:root') }],
                },
              ],
            },
          },
        },
      }),
    });
    for (const f of ['huge/actions.json', 'huge/statements.json'])
      expect(policiesOf(report, f)[0]).toMatchObject({
        status: 'invalid',
        reason: expect.stringMatching(/more than 131072 characters/),
      });
    expect(input(report, 'huge/principals.tf.json').status).not.toBe('error');
  }, 120_000);

  it('a key given twice is an error at its line (JSON.parse reads the last; AWS may read another)', async () => {
    const text =
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Effect": "Deny",\n      "Action": "iam:*",\n      "Resource": "*"\n    }\n  ]\n}\n';
    const planText = plan(
      `{"policy":${JSON.stringify('{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Action":"iam:*","Resource":"*"}]}')}}`,
    );
    const auth = JSON.stringify({
      RoleDetailList: [
        {
          Arn: 'arn:aws:iam::1:role/r',
          RoleName: 'r',
          RolePolicyList: [
            {
              PolicyName: 'p',
              PolicyDocument: encodeURIComponent(
                '{"Statement":[],"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
              ),
            },
          ],
        },
      ],
    });
    const { report } = await audit({
      'dup/policy.json': text,
      'dup/plan.json': planText,
      'dup/auth.json': auth,
    });
    const dup = (path: string) =>
      report.findings.filter((f) => f.path === path && /duplicate key/.test(f.message));
    expect(dup('dup/policy.json')).toEqual([
      expect.objectContaining({
        kind: 'invalid-policy',
        line: 6,
        message: expect.stringMatching(
          /^\$\.Statement\[0\]\.Effect: duplicate key "Effect" in the same object: .*expected each key once: remove the others$/,
        ),
      }),
    ]);
    expect(dup('dup/plan.json')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          'at $.Statement[0].Action of the policy text: duplicate key "Action"',
        ),
      }),
    ]);
    expect(dup('dup/auth.json')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('at $.Statement of the policy text: duplicate key "Statement"'),
      }),
    ]);
  });

  it('byte-order marks, invalid UTF-8, UTF-16 and Latin-1 files', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Caf\u00e9', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
    };
    const json = JSON.stringify(policy);
    const invalid = Buffer.concat([
      Buffer.from(json.slice(0, 45)),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
      Buffer.from(json.slice(45)),
    ]);
    const { report } = await audit(
      {
        'enc/bom.json': `\uFEFF${json}`,
        'enc/invalid-utf8.json': invalid,
        'enc/utf16.json': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]),
        'enc/latin1.json': Buffer.from(json, 'latin1'),
        'enc/nul.json': Buffer.from([0x00, 0x00, 0x7b, 0x7d]),
      },
      'coiled',
    );
    expect(input(report, 'enc/bom.json').status).toBe('audited');
    expect(input(report, 'enc/invalid-utf8.json').status).toBe('audited'); // the bytes read as U+FFFD inside a string
    expect(input(report, 'enc/latin1.json').status).toBe('audited');
    // UTF-16 with a byte-order mark (Windows PowerShell 5's redirect) is read as its text: the same
    // findings as the UTF-8 file, its Sid's "é" included.
    expect(input(report, 'enc/utf16.json').status).toBe('audited');
    const of = (path: string) =>
      report.findings
        // (missing permissions are the group's, told once: on one of its policies)
        .filter((f) => f.path === path && f.kind !== 'missing-permission')
        .map((f) => [f.kind, f.statement, f.actions]);
    expect(of('enc/utf16.json')).toEqual(of('enc/bom.json'));
    expect(of('enc/utf16.json')).toContainEqual(['broader-resource', 'Caf\u00e9', ['iam:PassRole']]);
    // Bytes with nothing of IAM in them are not an input: skipped with the reason, no finding.
    expect(input(report, 'enc/nul.json')).toMatchObject({
      status: 'skipped',
      reason: 'not a text file (binary data)',
    });
    expect(report.findings.filter((f) => f.path === 'enc/nul.json')).toEqual([]);
  });

  it('numbers, nulls, booleans and objects where strings belong: problems that name the place and what is expected', async () => {
    const { report } = await audit(
      {
        'types/policy.json': JSON.stringify({
          Version: 2012,
          Statement: [
            { Sid: { name: 5 }, Effect: 'Allow', Action: [123, 's3:GetObject'], Resource: 1e308 },
            { Effect: null, Action: 's3:GetObject', Resource: '*' },
            { Effect: 'Allow', Action: { s3: 'GetObject' }, Resource: ['*', false] },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: 7 } },
          ],
        }),
        'types/plan.json':
          '{"format_version":"1.2","resource_changes":[{"address":7,"type":"aws_iam_policy","name":"p","change":{}},{"address":"aws_iam_policy.q","type":"aws_iam_policy","name":"q","change":{"actions":"create","after":{"policy":42}}}]}',
        'types/auth.json':
          '{"RoleDetailList":[{"Arn":5,"RoleName":null},{"Arn":"arn:aws:iam::1:role/r","RolePolicyList":[{"PolicyName":1,"PolicyDocument":{}}],"AttachedManagedPolicies":"x"}],"Policies":[{"Arn":7}]}',
      },
      'coiled',
    );
    const messages = report.findings.filter((f) => f.kind === 'invalid-policy').map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\$\.Version: Version must be "2012-10-17" or "2008-10-17", got 2012; expected "2012-10-17"/,
        ),
        expect.stringMatching(
          /^\$\.Statement\[0\]\.Sid: Sid must be a string, got an object; expected a name/,
        ),
        expect.stringMatching(
          /^\$\.Statement\[0\]\.Action\[0\]: Action entries must be strings, got a number; expected a string such as "s3:GetObject"/,
        ),
        expect.stringMatching(
          /^\$\.Statement\[0\]\.Resource: Resource must be a string or an array of strings, got a number; expected/,
        ),
        expect.stringMatching(
          /^\$\.Statement\[1\]\.Effect: Effect must be "Allow" or "Deny" \(case-sensitive\), got null; expected one of the two: fix it/,
        ),
        expect.stringMatching(
          /^\$\.Statement\[2\]\.Action: Action must be a string or an array of strings, got an object; expected/,
        ),
        expect.stringMatching(
          /^\$\.Statement\[3\]\.Condition\.StringEquals: condition operator "StringEquals" must map keys to values, got a number; expected/,
        ),
        expect.stringMatching(
          /^\$\.resource_changes\[0\]: resource change has no address, type or name; expected strings/,
        ),
        expect.stringMatching(
          /^\$\.resource_changes\[1\]\.change\.actions: unrecognised change\.actions; expected one of/,
        ),
        expect.stringMatching(/^\$\.RoleDetailList\[0\]: role entry has neither Arn nor RoleName; expected/),
        expect.stringMatching(
          /^\$\.RoleDetailList\[1\]\.RolePolicyList\[0\]: inline policy has no PolicyName; expected/,
        ),
        expect.stringMatching(
          /^\$\.RoleDetailList\[1\]\.AttachedManagedPolicies: AttachedManagedPolicies is not an array, got a string; expected/,
        ),
        expect.stringMatching(/^\$\.Policies\[0\]: policy entry has no Arn; expected/),
      ]),
    );
    expect(policiesOf(report, 'types/plan.json').find((p) => p.address === 'aws_iam_policy.q')).toMatchObject(
      {
        status: 'unresolved',
        reason: expect.stringMatching(
          /^policy is not a JSON document, got a number; expected the policy as a JSON string/,
        ),
      },
    );
  });

  it('keys named __proto__ anywhere (policies, plans, *.tf.json, YAML) never change a prototype', async () => {
    const proto = (v: string) => `{"__proto__": ${v}}`;
    const { report } = await audit(
      {
        'proto/policy.json': `{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"__proto__": {"polluted": "yes"}, "StringEquals": {"__proto__": ["yes"]}}, "Principal": ${proto('{"AWS": "*"}')}}]}`,
        'proto/main.tf.json': JSON.stringify({
          data: {
            aws_iam_policy_document: {
              d: {
                statement: [
                  {
                    actions: ['s3:GetObject'],
                    resources: ['*'],
                    principals: [{ type: '__proto__', identifiers: ['x'] }],
                    condition: [{ test: '__proto__', variable: 'polluted', values: ['yes'] }],
                  },
                ],
              },
            },
          },
        }),
        'proto/plan.json': JSON.stringify({
          format_version: '1.2',
          resource_changes: [
            {
              address: 'data.aws_iam_policy_document.d',
              mode: 'data',
              type: 'aws_iam_policy_document',
              name: 'd',
              change: {
                actions: ['read'],
                before: null,
                after: {
                  statement: [
                    {
                      actions: ['sqs:*'],
                      resources: ['*'],
                      condition: [{ test: '__proto__', variable: 'polluted', values: ['yes'] }],
                    },
                  ],
                },
                after_unknown: { json: true },
              },
            },
          ],
        }),
      },
      'coiled',
    );
    expectNoPollution();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(
      report.findings.some(
        (f) =>
          f.path === 'proto/policy.json' &&
          /condition operator "__proto__" is not an IAM condition operator/.test(f.message),
      ),
    ).toBe(true);
    expect(() =>
      loadConfig(
        'version: 1\n__proto__: {polluted: yes}\nignore:\n  - {action: "s3:*", reason: r, __proto__: {polluted: yes}}\n',
        'c.yml',
      ),
    ).toThrow(/unknown key "__proto__"/);
    expectNoPollution();
  });
});
