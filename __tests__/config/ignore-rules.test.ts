// Ignore rules and the configuration's audits, through the same runAudit() the CLI and the action
// call: a rule covering part of a grouped finding splits it; an expired rule marks what it would
// hide; a rule that matches nothing is named; a configuration without audits leaves policies to
// detection; `--baseline` replaces the audits and keeps the ignore rules; `fix` and the Markdown
// report do not remove silently what a rule keeps.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { findingPart } from '../../src/audit/findings.js';
import { loadCatalog } from '../../src/policy/catalog.js';
import { planFixes } from '../../src/fix/index.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Finding, Report } from '../../src/core/types.js';

const NOW = new Date('2026-12-04T00:00:00Z');
const CONFIG = '.github/iam-baseline-audit.yml';

function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-ignore-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
/** `ec2:Describe*` and a wide PassRole: Coiled names some Describe actions, not all. */
const WIDE = doc({ Sid: 'Wide', Effect: 'Allow', Action: ['ec2:Describe*', 'iam:PassRole'], Resource: '*' });
const COILED_AUDIT = 'audits:\n  - baseline: coiled\n    sets: [ongoing]\n    policies: ["infra/coiled/*"]\n';

async function audit(config: string, files: Record<string, unknown> = {}, baseline?: string) {
  const root = repo({ 'infra/coiled/wide.json': WIDE, [CONFIG]: `version: 1\n${config}`, ...files });
  return { root, report: await runAudit({ root, paths: ['.'], now: NOW, baseline }) };
}

const excessOf = (r: Report) => r.findings.filter((f) => f.kind === 'excess-action');

describe('ignore rules', () => {
  it('a rule for one action of a grouped finding hides that action and keeps the rest reported', async () => {
    const { report: plain } = await audit(COILED_AUDIT);
    const [whole] = excessOf(plain);
    expect(whole!.actions).toContain('ec2:DescribeAddresses');
    const n = whole!.actions.length;

    const { report } = await audit(
      `${COILED_AUDIT}ignore:\n  - action: ec2:describeaddresses\n    reason: our own inventory job\n`,
    );
    const parts = excessOf(report);
    expect(parts).toHaveLength(2);
    const hidden = parts.find((f) => f.ignored)!;
    const rest = parts.find((f) => !f.ignored)!;
    expect(hidden.actions).toEqual(['ec2:DescribeAddresses']);
    expect(hidden.ignored).toEqual({ reason: 'our own inventory job' });
    expect(hidden.message).toMatch(
      /^1 action \(from ec2:Describe\*\) beyond the Coiled baseline: ec2:DescribeAddresses$/,
    );
    expect(rest.actions).toEqual(whole!.actions.filter((a) => a !== 'ec2:DescribeAddresses'));
    expect(rest.message.startsWith(`${n - 1} actions (from ec2:Describe*`)).toBe(true);
    expect(rest.message).not.toContain('ec2:DescribeAddresses,');
    // Everything else of the finding is kept; counted: the rest, not the hidden part.
    for (const part of [hidden, rest]) {
      expect(part.statement).toBe(whole!.statement);
      expect(part.resources).toEqual(whole!.resources);
      expect(part.line).toBe(whole!.line);
    }
    expect(report.summary.findings).toBe(plain.summary.findings);
    expect(report.notes ?? []).not.toContainEqual(expect.stringMatching(/matches no finding/));
  });

  it("a rule covering a finding's riskiest action lowers the rest's severity to what is left", async () => {
    const { report } = await audit(`${COILED_AUDIT}ignore:\n  - action: "iam:*"\n    reason: r\n`, {
      'infra/coiled/mixed.json': doc({
        Sid: 'Mixed',
        Effect: 'Allow',
        Action: ['iam:CreateUser', 's3:ListAllMyBuckets'],
        Resource: '*',
      }),
    });
    const mixed = report.findings.filter(
      (f) => f.path === 'infra/coiled/mixed.json' && f.kind === 'excess-action',
    );
    const hidden = mixed.find((f) => f.ignored)!;
    const rest = mixed.find((f) => !f.ignored)!;
    expect(hidden.actions).toEqual(['iam:CreateUser']);
    expect(rest.actions).toEqual(['s3:ListAllMyBuckets']);
    expect(['critical', 'high']).toContain(hidden.severity);
    expect(rest.severity).toBe('low');
    expect(rest.accessLevels).toEqual(['List']);
  });

  it('a rule covering every action hides the whole finding, and later rules that cover it are in use', async () => {
    const { report } = await audit(
      `${COILED_AUDIT}ignore:\n  - action: "ec2:*"\n    reason: first\n  - action: "ec2:Describe*"\n    reason: second\n`,
    );
    const [f] = excessOf(report);
    expect(f!.ignored).toEqual({ reason: 'first' });
    expect(excessOf(report)).toHaveLength(1);
    expect(report.notes ?? []).not.toContainEqual(expect.stringMatching(/matches no finding/));
  });

  it('an expired rule hides nothing and marks the part that holds its actions', async () => {
    const { report } = await audit(
      `${COILED_AUDIT}ignore:\n  - action: ec2:DescribeVolumes\n    reason: old job\n    expires: 2025-01-01\n  - action: ec2:DescribeAddresses\n    reason: inventory\n`,
    );
    const rest = excessOf(report).find((f) => !f.ignored)!;
    expect(rest.actions).toContain('ec2:DescribeVolumes');
    expect(rest.message).toMatch(
      /\(an ignore rule for ec2:DescribeVolumes expired on 2025-01-01: "old job"\)$/,
    );
    expect(excessOf(report).find((f) => f.ignored)!.message).not.toMatch(/expired/);
    expect(report.notes).toContainEqual(expect.stringMatching(/ec2:DescribeVolumes expired on 2025-01-01/));
  });

  it('a rule that matches no finding in the policies it selects is named with its line; one for policies not audited is not', async () => {
    const { report } = await audit(
      `${COILED_AUDIT}ignore:\n  - action: "sqs:*"\n    reason: gone\n  - action: iam:PassRole\n    policies: ["infra/other/*"]\n    reason: elsewhere\n  - action: iam:PassRole\n    policies: ["infra/coiled/*"]\n    reason: here\n`,
    );
    expect(report.notes).toContainEqual(
      `The ignore rule for sqs:* (${CONFIG}, line 7) matches no finding in the policies audited: remove it if its permission is gone.`,
    );
    // infra/other/* holds no audited policy: nothing to say of its rule.
    expect(report.notes).not.toContainEqual(expect.stringMatching(/line 9\)/));
    expect(report.findings.filter((f) => f.ignored).map((f) => [f.kind, f.actions])).toEqual([
      ['broader-resource', ['iam:PassRole']],
    ]);
  });

  it('a rule covering part of an informational finding hides nothing and is not in use', async () => {
    const { report } = await audit(`${COILED_AUDIT}ignore:\n  - action: "ec2:Create*"\n    reason: r\n`);
    const missing = report.findings.filter((f) => f.kind === 'missing-permission');
    expect(missing.some((f) => f.actions.some((a) => a.startsWith('ec2:Create')))).toBe(true);
    expect(missing.every((f) => !f.ignored)).toBe(true);
    expect(report.notes).not.toContainEqual(expect.stringMatching(/covers \d+ of the/));
    expect(report.notes).toContainEqual(expect.stringMatching(/rule for ec2:Create\* .* matches no finding/));
  });

  it("a split part's message names only its own patterns and inactive-set actions", async () => {
    const own = `id: my-vendor
name: My Vendor
date: '2026-01-01'
default-sets: [ongoing]
sets:
  - name: ongoing
    kind: ongoing
    statements:
      - { Effect: Allow, Action: [ec2:DescribeInstances], Resource: '*' }
  - name: setup
    kind: setup
    statements:
      - { Effect: Allow, Action: [s3:DeleteObject, s3:GetObject], Resource: 'arn:aws:s3:::setup/*' }
`;
    const root = repo({
      'iam/p.json': doc({
        Sid: 'W',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:GetObject', 'sqs:Send*'],
        Resource: '*',
      }),
      'my-vendor.yml': own,
      [CONFIG]:
        'version: 1\nbaselines: [my-vendor.yml]\naudits:\n  - baseline: my-vendor\n    policies: [iam]\nignore:\n  - action: s3:DeleteObject\n    reason: r\n',
    });
    const report = await runAudit({ root, paths: ['.'], now: NOW });
    const excess = excessOf(report);
    const hidden = excess.find((f) => f.ignored)!;
    const rest = excess.find((f) => !f.ignored)!;
    expect(hidden.message).toBe(
      '1 action beyond the My Vendor baseline (its inactive set "setup" grants on narrower resources: s3:DeleteObject): s3:DeleteObject',
    );
    expect(rest.message).toMatch(
      /^2 actions \(from s3:GetObject, sqs:Send\*\) beyond the My Vendor baseline \(its inactive set "setup" grants on narrower resources: s3:GetObject\): /,
    );
  });

  it('a permission a plan removes is not split or hidden: it is gone', async () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_iam_policy.coiled',
          type: 'aws_iam_policy',
          name: 'coiled',
          change: {
            actions: ['update'],
            before: {
              name: 'coiled-ongoing',
              policy: JSON.stringify(
                doc({ Effect: 'Allow', Action: ['iam:PassRole', 'iam:GetRole'], Resource: '*' }),
              ),
            },
            after: {
              name: 'coiled-ongoing',
              policy: JSON.stringify(
                doc({ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }),
              ),
            },
          },
        },
      ],
    };
    const root = repo({
      'plan.json': plan,
      [CONFIG]: 'version: 1\nignore:\n  - action: iam:PassRole\n    reason: r\n',
    });
    const report = await runAudit({ root, paths: ['.'], now: NOW, baseline: 'coiled:ongoing' });
    const removed = report.findings.filter((f) => f.removed);
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.some((f) => f.actions.includes('iam:PassRole'))).toBe(true);
    expect(removed.every((f) => !f.ignored)).toBe(true);
  });

  it('a selector naming a role hides the findings of the policies the role holds', async () => {
    const tf = `resource "aws_iam_role" "coiled" {
  name               = "coiled"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy" "wide" {
  role   = aws_iam_role.coiled.id
  policy = jsonencode(${JSON.stringify(WIDE)})
}
`;
    const root = repo({
      'infra/main.tf': tf,
      [CONFIG]:
        'version: 1\nignore:\n  - action: iam:PassRole\n    policies: ["terraform:aws_iam_role.coiled"]\n    reason: r\n',
    });
    const report = await runAudit({ root, paths: ['.'], now: NOW, baseline: 'coiled:ongoing' });
    const pass = report.findings.filter((f) => f.actions.includes('iam:PassRole'));
    expect(pass.length).toBeGreaterThan(0);
    expect(pass.every((f) => f.ignored)).toBe(true);
  });
});

describe('the configuration decides which baseline, else detection', () => {
  it('a configuration with only ignore rules leaves every policy to detection, as without one', async () => {
    const { report } = await audit('ignore:\n  - action: ec2:DescribeAddresses\n    reason: r\n');
    const wide = report.policies.find((p) => p.path === 'infra/coiled/wide.json')!;
    expect(wide).toMatchObject({ status: 'audited', baseline: 'coiled' });
    expect(wide.detection?.evidence.length).toBeGreaterThan(0);
    expect(report.findings.filter((f) => f.ignored).map((f) => f.actions)).toEqual([
      ['ec2:DescribeAddresses'],
    ]);
  });

  it('a policy no audit selects is matched by detection', async () => {
    const skypilot = doc({
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:TerminateInstances'],
      Resource: '*',
    });
    const { report } = await audit(COILED_AUDIT, { 'infra/skypilot/skypilot-v1-policy.json': skypilot });
    expect(report.policies.find((p) => p.path === 'infra/coiled/wide.json')!.baseline).toBe('coiled');
    const other = report.policies.find((p) => p.path === 'infra/skypilot/skypilot-v1-policy.json')!;
    expect(other.detection).toBeDefined();
    expect(other.reason ?? '').not.toMatch(/no audit in the configuration/);
  });

  it('a baseline given on the command line replaces the audits and keeps the ignore rules', async () => {
    const { report } = await audit(
      `audits:\n  - baseline: datadog\n    policies: ["infra/**"]\nignore:\n  - action: ec2:DescribeAddresses\n    reason: r\n`,
      {},
      'coiled:ongoing',
    );
    expect(report.policies.find((p) => p.path === 'infra/coiled/wide.json')!.baseline).toBe('coiled');
    expect(report.findings.some((f) => f.ignored && f.actions.includes('ec2:DescribeAddresses'))).toBe(true);
    expect(report.notes).toContainEqual(
      expect.stringMatching(/its audits are not used, since the baseline coiled:ongoing was given/),
    );
  });
});

describe('what a rule keeps is not removed silently', () => {
  it('fix leaves the policy as written and says why; the Markdown suggestion says what to keep', async () => {
    const { root, report } = await audit(
      `${COILED_AUDIT}ignore:\n  - action: ec2:DescribeAddresses\n    reason: inventory\n`,
    );
    expect(report.suggestions.map((s) => s.policy)).toContain('infra/coiled/wide.json');
    const read = (p: string) => readFileSync(join(root, p), 'utf8');
    const plan = planFixes(report, read);
    expect(plan.files).toEqual([]);
    // Without the rule, the same policy is rewritten.
    const { report: plain } = await audit(COILED_AUDIT);
    expect(planFixes(plain, read).files.map((f) => f.path)).toEqual(['infra/coiled/wide.json']);
    expect(plan.notFixed).toContainEqual({
      policy: 'infra/coiled/wide.json',
      path: 'infra/coiled/wide.json',
      reason:
        'an ignore rule keeps an action of it (ec2:DescribeAddresses) that its minimal policy removes: edit it by hand',
    });
    const md = renderMarkdown(report);
    expect(md).toContain('It also removes what an ignore rule keeps (`ec2:DescribeAddresses`)');
  });
});

describe('findingPart', () => {
  const catalog = loadCatalog();
  const base: Finding = {
    kind: 'broader-resource',
    severity: 'critical',
    policy: 'p.json',
    actions: ['iam:PassRole', 's3:GetObject'],
    resources: ['arn:aws:s3:::a: b'],
    path: 'p.json',
    accessLevels: ['Read', 'Write'],
    message:
      'Removed: 2 actions granted on arn:aws:s3:::a: b, broader than the X baseline allows (arn:aws:s3:::c): iam:PassRole, s3:GetObject',
  };

  it('makes the count, examples, severity and access levels again, whatever the resource holds', () => {
    const part = findingPart(base, ['s3:GetObject'], catalog)!;
    expect(part.message).toBe(
      'Removed: 1 action granted on arn:aws:s3:::a: b, broader than the X baseline allows (arn:aws:s3:::c): s3:GetObject',
    );
    expect(part.actions).toEqual(['s3:GetObject']);
    expect(part.accessLevels).toEqual(['Read']);
    expect(part.severity).not.toBe('critical');
    expect(base.actions).toHaveLength(2); // the original is not changed
  });

  it('refuses kinds it cannot split, unknown actions and empty parts', () => {
    expect(findingPart({ ...base, kind: 'missing-permission' }, ['s3:GetObject'], catalog)).toBeUndefined();
    expect(findingPart(base, ['s3:NoSuchAction'], catalog)).toBeUndefined();
    expect(findingPart(base, [], catalog)).toBeUndefined();
  });
});
