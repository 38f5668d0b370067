import { ConfigError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/config/config.js';

const GOOD = `# yaml-language-server: $schema=../schema/config.schema.json
version: 1
account-id: "123456789012"
audits:
  - baseline: coiled
    sets: [ongoing]            # onboarding is done: Setup permissions are now excess
    policies: ["infra/coiled/*.json", "terraform:module.coiled.aws_iam_role_policy.*"]
  - baseline: ./iam/baselines/my-vendor.yml
    policies: ["infra/vendor/*.json"]
baselines: ["./iam/baselines/my-vendor.yml"]
ignore:
  - action: "ec2:DescribeRegions"
    policies: ["infra/coiled/*"]
    reason: "needed by our own tooling"
    expires: 2027-03-01
  - action: "logs:*"
    reason: "log shipping"
`;

function errorOf(text: string): string {
  try {
    loadConfig(text, '.github/iam-baseline-audit.yml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads the documented shape into camelCase', () => {
    const c = loadConfig(GOOD, '.github/iam-baseline-audit.yml');
    expect(c).toEqual({
      version: 1,
      path: '.github/iam-baseline-audit.yml',
      accountId: '123456789012',
      audits: [
        {
          baseline: 'coiled',
          sets: ['ongoing'],
          setLines: [6],
          policies: ['infra/coiled/*.json', 'terraform:module.coiled.aws_iam_role_policy.*'],
          line: 5,
        },
        { baseline: './iam/baselines/my-vendor.yml', policies: ['infra/vendor/*.json'], line: 8 },
      ],
      baselines: ['./iam/baselines/my-vendor.yml'],
      ignore: [
        {
          action: 'ec2:DescribeRegions',
          policies: ['infra/coiled/*'],
          reason: 'needed by our own tooling',
          expires: '2027-03-01',
          line: 12,
        },
        { action: 'logs:*', reason: 'log shipping', line: 16 },
      ],
    });
  });

  it('defaults the optional lists', () => {
    expect(loadConfig('version: 1\n', 'c.yml')).toEqual({
      version: 1,
      path: 'c.yml',
      audits: [],
      baselines: [],
      ignore: [],
    });
  });

  it('normalises an expiry YAML parsed as a date to YYYY-MM-DD', () => {
    const c = loadConfig(
      '%YAML 1.1\n---\nversion: 1\nignore:\n  - action: "s3:*"\n    reason: r\n    expires: 2027-03-01\n',
      'c.yml',
    );
    expect(c.ignore[0]!.expires).toBe('2027-03-01');
  });

  it('a wrong type on line 7 says line 7 and what is expected', () => {
    const text = GOOD.replace(
      '    policies: ["infra/coiled/*.json", "terraform:module.coiled.aws_iam_role_policy.*"]',
      '    policies: "infra/coiled/*.json"',
    );
    const msg = errorOf(text);
    expect(msg).toMatch(
      /^\.github\/iam-baseline-audit\.yml, line 7: audits\[0\]\.policies must be a list, not a string \("infra\/coiled\/\*\.json"\)/,
    );
    expect(msg).toMatch(/expected: Path globs relative to the repository root/);
  });

  // (a review) A list item indented one space short was told "expected a closing quote or bracket".
  it('a list item out of line is told as indentation, not as a missing quote', () => {
    const msg = errorOf('version: 1\naudits:\n  - baseline: coiled\n   policies: [x]\n');
    expect(msg).toMatch(/line 4: .*expected consistent indentation: align the line with its siblings/);
    expect(msg).not.toContain('closing quote');
  });

  it('an ignore without a reason is an error at its line', () => {
    const text = GOOD.replace('    reason: "log shipping"\n', '');
    expect(errorOf(text)).toMatch(
      /line 16: ignore\[1\] is missing "reason" \(expected: Why the permission is kept/,
    );
    expect(errorOf(GOOD.replace('"log shipping"', '"  "'))).toMatch(/line 17: ignore\[1\]\.reason is empty/);
  });

  it('reports unknown keys, wrong versions, account IDs as numbers and impossible dates', () => {
    expect(errorOf(GOOD.replace('baselines: [', 'baseline: ['))).toMatch(
      /line 10: the file has an unknown key "baseline"; expected one of: version, account-id, audits, baselines, ignore/,
    );
    expect(errorOf(GOOD.replace('version: 1', 'version: 2'))).toMatch(/line 2: version must be 1, not 2$/);
    expect(errorOf(GOOD.replace('"123456789012"', '123456789012'))).toMatch(
      /line 3: account-id must be a string, not a number \(123456789012\) \(expected: Your 12-digit AWS account ID, quoted/,
    );
    expect(errorOf(GOOD.replace('2027-03-01', '2027-02-30'))).toMatch(
      /line 15: ignore\[0\]\.expires "2027-02-30" is not a date/,
    );
    expect(errorOf(GOOD.replace('2027-03-01', 'next year'))).toMatch(
      /line 15: ignore\[0\]\.expires is a string \("next year"\), which is not valid \(expected: Last day/,
    );
    expect(errorOf('audits: []\n')).toMatch(/line 1: the file is missing "version"/);
    expect(errorOf('')).toMatch(/line 1: the configuration is empty/);
    expect(errorOf('version: 1\naudits:\n  - baseline: coiled\n')).toMatch(
      /line 3: audits\[0\] is missing "policies"/,
    );
    expect(errorOf('version: 1\nversion: 1\n')).toMatch(/line 2: Map keys must be unique/);
  });
});
