// A baseline's statements are checked as the file is loaded. A review found that the audit read
// them as written and dropped what it could not read: a set over a policy's size limit (128 K
// characters) granted nothing, so every grant was "excess" or "only in the inactive setup set";
// a misspelt condition operator made a correct policy "not keep to the condition"; a statement
// whose condition value was a mapping disappeared; an ARN without its fields matched nothing. Each
// turned a mistake in the baseline into findings about the policy, without a word.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/policy/catalog.js';
import { ConfigError } from '../../src/core/errors.js';
import {
  baselineFromPolicyJson,
  builtinBaselines,
  parseBaselineYaml,
  setStatementProblem,
} from '../../src/baselines/load.js';
import { runAudit } from '../../src/audit/run.js';

function baselineYaml(statements: string): string {
  return [
    'id: acme',
    'name: Acme',
    'sets:',
    '  - name: ongoing',
    '    kind: ongoing',
    '    statements:',
    statements,
  ].join('\n');
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('a baseline set whose statements would be misread is refused, at its line', () => {
  it.each([
    [
      'a misspelt condition operator',
      [
        '      - Effect: Allow',
        '        Action: ec2:TerminateInstances',
        '        Resource: "*"',
        '        Condition:',
        '          StringEqual:',
        '            aws:ResourceTag/owner: acme',
      ],
      /line 11: set "ongoing", condition operator "StringEqual" is not an IAM condition operator/,
    ],
    [
      'Null with IfExists (AWS has no NullIfExists)',
      [
        '      - Effect: Allow',
        '        Action: ec2:TerminateInstances',
        '        Resource: "*"',
        '        Condition:',
        '          NullIfExists:',
        '            aws:ResourceTag/owner: "false"',
      ],
      /line 11: .*"NullIfExists" is not an IAM condition operator/,
    ],
    [
      'a condition value that is a mapping',
      [
        '      - Effect: Allow',
        '        Action: ec2:TerminateInstances',
        '        Resource: "*"',
        '        Condition:',
        '          StringEquals:',
        '            aws:ResourceTag/owner: {a: 1}',
      ],
      /line 12: set "ongoing", condition values must be strings, numbers or booleans, got an object/,
    ],
    [
      'an ARN without its fields',
      [
        '      - Effect: Allow',
        '        Action: ec2:TerminateInstances',
        "        Resource: 'arn:aws:ec2:instance/*'",
      ],
      /line 9: .*resource "arn:aws:ec2:instance\/\*" is not an ARN/,
    ],
    [
      'a URL for an ARN',
      ['      - Effect: Allow', '        Action: s3:GetObject', "        Resource: ['s3://bucket/*']"],
      /line 9: .*resource "s3:\/\/bucket\/\*" is not an ARN/,
    ],
    [
      'a placeholder not closed',
      [
        '      - Effect: Allow',
        '        Action: s3:GetObject',
        "        Resource: 'arn:aws:s3:::{YOUR_BUCKET/*'",
      ],
      /line 9: .*opens a placeholder it does not close/,
    ],
    [
      'an empty Action list',
      ['      - Effect: Allow', '        Action: []', '        Resource: "*"'],
      /line 8: .*Action is an empty list/,
    ],
    [
      'an Allow without Resource',
      ['      - Effect: Allow', '        Action: s3:GetObject'],
      /line 7: .*an Allow statement has neither Resource nor NotResource/,
    ],
  ])('%s', (_what, lines, message) => {
    const text = baselineYaml(lines.join('\n'));
    expect(errorOf(() => parseBaselineYaml(text, 'iam/acme.yml'))).toMatch(message);
  });

  it('names the place in a policy JSON given as a baseline too', () => {
    const text = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
          {
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: '*',
            Condition: { StringLikes: { 'aws:x': 'y' } },
          },
        ],
      },
      null,
      2,
    );
    expect(errorOf(() => baselineFromPolicyJson(text, 'base.json'))).toMatch(
      /^base\.json, line 1[0-9]: condition operator "StringLikes" is not an IAM condition operator/,
    );
  });

  it('accepts what the vendors write: every operator form, placeholders, ARNs with policy variables', () => {
    const text = baselineYaml(
      [
        '      - Effect: Allow',
        '        Action: [s3:GetObject]',
        "        Resource: ['arn:aws:s3:::{YOUR_BUCKET}/*', '<bucket-arn>', 'arn:aws:s3:::home/${aws:username}/*']",
        '        Condition:',
        '          ForAnyValue:StringLikeIfExists:',
        '            aws:TagKeys: [a*]',
        '          Null:',
        '            aws:ResourceTag/x: "false"',
        '          ArnNotLikeIfExists:',
        '            aws:SourceArn: "arn:aws:iam::*:role/x"',
        '      - Effect: Deny',
        '        NotAction: iam:*',
        '        NotResource: "*"',
      ].join('\n'),
    );
    const statements = parseBaselineYaml(text, 'iam/acme.yml').sets[0]!.statements;
    expect(statements).toHaveLength(2);
    // A bare `Null:` is YAML's null: read as the key written, IAM's operator.
    expect(Object.keys((statements[0] as { Condition: object }).Condition)).toEqual([
      'ForAnyValue:StringLikeIfExists',
      'Null',
      'ArnNotLikeIfExists',
    ]);
  });

  it('every built-in baseline passes the same check', () => {
    const problems = builtinBaselines().flatMap((b) =>
      b.sets.flatMap((s) => {
        const p = setStatementProblem(s.statements, b.placeholders);
        return p ? [`${b.id} ${s.name} ${JSON.stringify(p)}`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });
});

describe('a baseline set larger than a policy may be', () => {
  it('is read whole: its statements allow what they list', async () => {
    const catalog = loadCatalog();
    const many = catalog
      .all()
      .map((a) => a.full)
      .filter((name) => name !== 'ecs:UpdateService')
      .slice(0, 4500);
    const text = baselineYaml(
      [
        '      - Effect: Allow',
        '        Action: ecs:UpdateService',
        '        Resource: "*"',
        '      - Effect: Allow',
        '        Action:',
        ...many.map((a) => `          - ${a}`),
        '        Resource: arn:aws:s3:::nothing-here/*',
      ].join('\n'),
    );
    expect(text.length).toBeGreaterThan(128 * 1024);
    const root = mkdtempSync(join(tmpdir(), 'big-set-'));
    writeFileSync(join(root, 'big.yml'), text);
    writeFileSync(
      join(root, 'p.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ecs:UpdateService', Resource: '*' }],
      }),
    );
    const r = await runAudit({
      root,
      paths: ['p.json'],
      baseline: './big.yml',
      now: new Date('2026-12-07T00:00:00Z'),
    });
    expect(r.policies.map((p) => p.status)).toEqual(['audited']);
    expect(r.findings.filter((f) => f.kind !== 'missing-permission')).toEqual([]);
  });
});
