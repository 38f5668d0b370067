// fix on real repositories: the demo repository (baselines detected, no configuration), Datadog's
// CloudFormation integration role against datadog@2022, Coiled's Terraform template with an
// excess action added, and a *.tf.json policy built from interpolations (listed, not rewritten).
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planFixes } from '../../src/fix/index.js';
import { runAudit } from '../../src/audit/run.js';
import { audit, excess, fixAndReaudit, NOW, readIn, repo } from './helpers.js';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
const DEMO = new URL('../../examples/demo-repo/', import.meta.url).pathname;

function copy(dir: string): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-fixfx-'));
  cpSync(dir, root, { recursive: true });
  return root;
}

/** Lines of `after` that are not lines of `before`, and the reverse (as multisets, in order). */
function lineChanges(before: string, after: string): { added: string[]; removed: string[] } {
  const count = (t: string) => {
    const m = new Map<string, number>();
    for (const l of t.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const a = count(before);
  const b = count(after);
  const added: string[] = [];
  const removed: string[] = [];
  for (const [l, n] of b) for (let i = n - (a.get(l) ?? 0); i > 0; i--) added.push(l);
  for (const [l, n] of a) for (let i = n - (b.get(l) ?? 0); i > 0; i--) removed.push(l);
  return { added, removed };
}

describe('fix on real repositories', () => {
  it('the configured account ID fills the baseline placeholder a narrowed resource has', async () => {
    const root = copy(DEMO);
    const report = await runAudit({
      root,
      paths: ['infra/skypilot'],
      accountId: '123456789012',
      baseline: 'skypilot:minimal',
      now: NOW,
    });
    const plan = planFixes(report, readIn(root));
    expect(plan.notFixed).toEqual([]);
    const fixed = plan.files.find((f) => f.path === 'infra/skypilot/skypilot-user-policy.json')!;
    expect(fixed.after).toContain('arn:aws:ec2:*:123456789012:instance/*');
    expect(fixed.after).not.toMatch(/<account-ID-without-hyphens>/);
    writeFileSync(join(root, fixed.path), fixed.after);
    const again = await runAudit({
      root,
      paths: ['infra/skypilot'],
      accountId: '123456789012',
      baseline: 'skypilot:minimal',
      now: NOW,
    });
    expect(excess(again).filter((f) => f.path === fixed.path)).toEqual([]);
  });

  it('the demo repository: every fixable policy fixed, no excess left in them, the invalid file untouched', async () => {
    const root = copy(DEMO);
    const texts = Object.fromEntries(
      ['coiled', 'skypilot', 'lightly', 'legacy'].flatMap((d) =>
        readdirSync(join(root, 'infra', d)).map((f) => [
          `infra/${d}/${f}`,
          readFileSync(join(root, 'infra', d, f), 'utf8'),
        ]),
      ),
    );
    const { before, plan, after } = await fixAndReaudit(root);
    expect(excess(before).length).toBeGreaterThan(0);
    // Coiled's Setup policy is all leftover: there is no minimal policy to write, only one to
    // delete. SkyPilot's minimal policy narrows resources to the baseline's account placeholder:
    // never written into a file (no account-id is configured here; see the next test).
    expect(plan.notFixed).toEqual([
      {
        policy: 'infra/coiled/coiled-setup-policy.json',
        path: 'infra/coiled/coiled-setup-policy.json',
        reason: 'every statement would be removed: delete the policy (or detach it) instead',
      },
      {
        policy: 'infra/skypilot/skypilot-user-policy.json',
        path: 'infra/skypilot/skypilot-user-policy.json',
        placeholder: '<account-ID-without-hyphens>',
        reason:
          'the rewrite would write <account-ID-without-hyphens> into the file, a placeholder for a value the file does not write that way: pass --account-id (or set `account-id` in the configuration) when it is the account ID, or narrow it by hand',
      },
    ]);
    const fixedPaths = plan.files.map((f) => f.path);
    expect(fixedPaths).toEqual(expect.arrayContaining(['infra/coiled/coiled-ongoing-policy.json']));
    // only the excess is gone: the audit after fix has none in the fixed files (a missing
    // permission is not fix's to add)
    expect(excess(after).filter((f) => fixedPaths.includes(f.path))).toEqual([]);
    expect(
      excess(after)
        .filter((f) => !fixedPaths.includes(f.path))
        .map((f) => f.path),
    ).toEqual(
      excess(before)
        .filter((f) => !fixedPaths.includes(f.path))
        .map((f) => f.path),
    );
    expect(readFileSync(join(root, 'infra/legacy/ci-deploy-policy.json'), 'utf8')).toBe(
      texts['infra/legacy/ci-deploy-policy.json'],
    );
    // a fixed file only loses lines or changes lines of the policy; it gains none it did not have in another form
    for (const f of plan.files) {
      const { added } = lineChanges(f.before, f.after);
      const beforeLines = new Set(f.before.split('\n').map((l) => l.trim().replace(/,$/, '')));
      for (const l of added) {
        // an added line is a condition or resource the baseline asks for, or an existing line re-punctuated
        if (!beforeLines.has(l.trim().replace(/,$/, '')))
          expect(l).toMatch(/Condition|Resource|arn:|"[A-Za-z]+:[A-Za-z]+"|[{}\]]/);
      }
    }
    expect(planFixes(after, readIn(root)).files).toEqual([]);
  });

  it("Datadog's CloudFormation integration role against datadog@2022: the managed policies and the inline policy rewritten in the template", async () => {
    const text = readFileSync(
      join(FIXTURES, 'cloudformation/datadog__datadog_integration_role.yaml'),
      'utf8',
    );
    const root = repo({
      'infra/datadog.yaml': text,
      '.github/iam-baseline-audit.yml': [
        'version: 1',
        'audits:',
        '  - baseline: datadog@2022',
        '    policies: ["cloudformation:infra/*.yaml#DatadogIntegrationRole"]',
        '',
      ].join('\n'),
    });
    const { before, plan, after } = await fixAndReaudit(root);
    expect(excess(before).length).toBeGreaterThan(0);
    const fixed = readFileSync(join(root, 'infra/datadog.yaml'), 'utf8');
    expect(plan.files.map((f) => f.path)).toEqual(['infra/datadog.yaml']);
    // the audit after fix has no excess in the policies fix rewrote
    const rewritten = new Set(plan.files.flatMap((f) => f.policies));
    expect(excess(after).filter((f) => rewritten.has(f.policy))).toEqual([]);
    // what was not rewritten says why
    for (const n of plan.notFixed) expect(n.reason).toMatch(/\S/);
    // the template outside the policies: the parameters, conditions and outputs are byte-identical
    const cut = (t: string, from: string) => t.slice(0, t.indexOf(from));
    expect(cut(fixed, 'Resources:')).toBe(cut(text, 'Resources:'));
    expect(fixed.slice(fixed.indexOf('\nOutputs:'))).toBe(text.slice(text.indexOf('\nOutputs:')));
    const { removed, added } = lineChanges(text, fixed);
    expect(removed.length).toBeGreaterThan(0);
    expect(added.length).toBeLessThanOrEqual(removed.length);
  });

  it("Coiled's Terraform template with an excess action: the data source's statement rewritten in place", async () => {
    const root = copy(join(FIXTURES, 'hcl/coiled-terraform-template'));
    const iam = readFileSync(join(root, 'iam.tf'), 'utf8');
    const withExcess = iam.replace(
      '      "ec2:CreateFleet",\n',
      '      "ec2:CreateFleet",\n      "iam:CreateUser",\n',
    );
    expect(withExcess).not.toBe(iam);
    writeFileSync(join(root, 'iam.tf'), withExcess);
    const before = await audit(root, 'coiled:ongoing');
    expect(excess(before).some((f) => f.actions.includes('iam:CreateUser'))).toBe(true);
    const plan = planFixes(before, readIn(root));
    const fix = plan.files.find((f) => f.path === 'iam.tf');
    expect(fix).toBeDefined();
    for (const f of plan.files) writeFileSync(join(root, f.path), f.after);
    const after = await audit(root, 'coiled:ongoing');
    expect(excess(after).some((f) => f.actions.includes('iam:CreateUser'))).toBe(false);
    const fixed = readFileSync(join(root, 'iam.tf'), 'utf8');
    expect(fixed).not.toContain('iam:CreateUser');
    // every line outside the policies' edited statements is unchanged
    const { removed } = lineChanges(withExcess, fixed);
    expect(removed).toContain('      "iam:CreateUser",');
    for (const n of plan.notFixed) expect(n.reason).toMatch(/\S/);
  });

  it('*.tf.json: an interpolation in a part that stays is kept as written; in the part that changes, the policy is listed', async () => {
    const doc = (action: unknown, resource: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
      });
    const text = JSON.stringify(
      {
        resource: {
          aws_iam_policy: {
            kept: {
              name: 'kept',
              policy: doc(['ec2:DescribeInstances', 'iam:CreateUser'], '${aws_s3_bucket.b.arn}'),
            },
            // (an action wholly unknown leaves the policy unresolved: a part of one is read as a wildcard)
            changed: {
              name: 'changed',
              policy: doc(['ec2:DescribeInstances', 'iam:Create${var.what}'], '*'),
            },
          },
        },
      },
      null,
      2,
    );
    const root = repo({ 'main.tf.json': text });
    const report = await audit(root, 'coiled:ongoing');
    expect(report.suggestions.map((s) => s.policy).sort()).toEqual([
      'main.tf.json#aws_iam_policy.changed',
      'main.tf.json#aws_iam_policy.kept',
    ]);
    const plan = planFixes(report, readIn(root));
    expect(plan.files.map((f) => f.policies)).toEqual([['main.tf.json#aws_iam_policy.kept']]);
    const after = JSON.parse(plan.files[0]!.after);
    expect(JSON.parse(after.resource.aws_iam_policy.kept.policy).Statement[0]).toEqual({
      Effect: 'Allow',
      Action: ['ec2:DescribeInstances'],
      Resource: '${aws_s3_bucket.b.arn}',
    });
    expect(after.resource.aws_iam_policy.changed).toEqual(JSON.parse(text).resource.aws_iam_policy.changed);
    expect(plan.notFixed).toEqual([
      {
        policy: 'main.tf.json#aws_iam_policy.changed',
        path: 'main.tf.json',
        reason: expect.stringMatching(/not literal/),
      },
    ]);
  });
});
