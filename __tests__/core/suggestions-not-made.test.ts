// A report that shows no suggested policy (text, SARIF) is audited without making them
// (`suggestions: false`): everything else must come out as when they are made, and the report must
// still say how many policies would have one.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit, type AuditRequest } from '../../src/audit/run.js';
import { jsonReportChunks, renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import type { Report } from '../../src/core/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');
const FIXTURES = join(HERE, '..', 'fixtures');
const NOW = new Date('2026-12-01T00:00:00Z');

const CASES: [string, Omit<AuditRequest, 'paths'> & { paths?: string[] }][] = [
  ['the bundled example', { root: join(REPO, 'examples', 'demo-repo') }],
  ['plan fixtures (SkyPilot)', { root: join(FIXTURES, 'tf-plan'), baseline: 'skypilot:minimal' }],
  ['state fixtures (Coiled)', { root: join(FIXTURES, 'tf-state'), baseline: 'coiled' }],
  ['HCL fixtures (SkyPilot)', { root: join(FIXTURES, 'hcl'), baseline: 'skypilot:minimal' }],
  ['CloudFormation fixtures (Coiled)', { root: join(FIXTURES, 'cloudformation'), baseline: 'coiled' }],
];

/** The report without what the option changes, for comparison. */
function rest(r: Report): unknown {
  const others: Partial<Report> = { ...r };
  delete others.suggestions;
  delete others.suggestionsNotMade;
  return JSON.parse(JSON.stringify(others)) as unknown;
}

/** A role of three inline policies, audited together as one unit (each policy gets its suggestion). */
function roleOfThree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'iba-suggest-'));
  const policy = (name: string, actions: string[]) => ({
    PolicyName: name,
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
    },
  });
  const auth = {
    UserDetailList: [],
    GroupDetailList: [],
    Policies: [],
    RoleDetailList: [
      {
        Path: '/',
        RoleName: 'coiled-role',
        RoleId: 'AROAEXAMPLECOILED001',
        Arn: 'arn:aws:iam::123456789012:role/coiled-role',
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
        RolePolicyList: [
          policy('one', ['ec2:RunInstances', 'iam:CreateUser']),
          policy('two', ['ec2:DescribeInstances', 's3:DeleteBucket']),
          policy('three', ['ec2:CreateTags', 'dynamodb:DeleteTable']),
        ],
        AttachedManagedPolicies: [],
      },
    ],
  };
  writeFileSync(join(dir, 'auth.json'), JSON.stringify(auth, null, 2));
  mkdirSync(join(dir, '.github'));
  writeFileSync(
    join(dir, '.github', 'iam-baseline-audit.yml'),
    ['version: 1', 'audits:', '  - baseline: coiled', '    policies: ["auth.json"]', ''].join('\n'),
  );
  return dir;
}

/** Runs `req` with and without suggestions, on both paths, and checks what the option changes. */
async function compare(req: AuditRequest): Promise<Report> {
  let made: Report | undefined;
  for (const reference of [false, true]) {
    const base = { now: NOW, reference, ...req };
    const withThem = await runAudit(base);
    const without = await runAudit({ ...base, suggestions: false });
    expect(without.suggestions).toEqual([]);
    expect(without.suggestionsNotMade).toBe(withThem.suggestions.length);
    expect(withThem.suggestionsNotMade).toBeUndefined();
    expect(rest(without)).toEqual(rest(withThem));
    // What text and SARIF show is the same.
    expect(renderText(without)).toBe(renderText(withThem));
    expect(JSON.stringify(renderSarif(without))).toBe(JSON.stringify(renderSarif(withThem)));
    made ??= withThem;
  }
  return made!;
}

describe('suggestions: false', () => {
  const made: Report[] = [];
  it.each(CASES)('%s: the same report, suggestions counted, not made', async (_, req) => {
    made.push(await compare({ paths: ['.'], ...req }));
  });

  it('covers reports with suggestions and without', () => {
    expect(made.filter((r) => r.suggestions.length > 0).length).toBeGreaterThanOrEqual(3);
  });

  it('counts each policy of a unit of several (a role of three inline policies)', async () => {
    const dir = roleOfThree();
    try {
      const report = await compare({ root: dir, paths: ['.'] });
      expect(report.suggestions).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts the same with a base revision (findings new or not)', async () => {
    const root = join(REPO, 'examples', 'demo-repo');
    // A base without the files: everything is new.
    const none = await compare({ root, paths: ['.'], readBase: () => Promise.resolve(undefined) });
    expect(none.suggestions.length).toBeGreaterThan(0);
    expect(none.findings.some((f) => f.new === true)).toBe(true);
  });

  it('says in the text report that there are suggestions, and not when there are none', async () => {
    const line = 'Suggested minimal policies: see the Markdown or JSON report.';
    const report = await runAudit({
      root: join(REPO, 'examples', 'demo-repo'),
      paths: ['.'],
      now: NOW,
      suggestions: false,
    });
    expect(report.suggestionsNotMade).toBeGreaterThan(0);
    expect(renderText(report)).toContain(line);
    expect(renderText({ ...report, suggestionsNotMade: 0 })).not.toContain(line);
  });

  it('is refused by the JSON and Markdown renderers, which would show no suggestion', async () => {
    const report = await runAudit({
      root: join(REPO, 'examples', 'demo-repo'),
      paths: ['.'],
      now: NOW,
      suggestions: false,
    });
    expect(() => renderJson(report)).toThrow(/without suggestions/);
    expect(() => jsonReportChunks(report)).toThrow(/without suggestions/);
    expect(() => renderMarkdown(report)).toThrow(/without suggestions/);
  });
});
