// A policy audited against two baselines is rewritten to remove only what every audit of it calls
// excess, never to one baseline's minimal policy (a review: policy.json audited against Coiled and
// SkyPilot lost Coiled's logs:PutLogEvents, the last suggestion applied winning). The same for
// one file that two .tf policies read with file(), each audited against its own baseline; and the
// fix names each of those policies.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import type { Report } from '../../src/core/types.js';
import { planFixes } from '../../src/fix/index.js';
import { NOW, readIn, repo } from './helpers.js';

const ACCOUNT = '123456789012';

/** The actions every Allow statement of a JSON policy names (lower-cased). */
function actionsOf(text: string): Set<string> {
  const doc = JSON.parse(text) as { Statement: { Effect: string; Action: string | string[] }[] };
  return new Set(
    doc.Statement.filter((s) => s.Effect === 'Allow')
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
      .map((a) => a.toLowerCase()),
  );
}

const missing = (r: Report) =>
  new Set(
    r.findings
      .filter((f) => f.kind === 'missing-permission')
      .flatMap((f) => (f.actions ?? []).map((a) => `${f.baseline} ${a} ${(f.resources ?? []).join(',')}`)),
  );

async function fixTwice(files: Record<string, string>) {
  const root = repo(files);
  const before = await runAudit({ root, paths: ['.'], now: NOW });
  const plan = planFixes(before, readIn(root));
  for (const f of plan.files) writeFileSync(join(root, f.path), f.after);
  const after = await runAudit({ root, paths: ['.'], now: NOW });
  const newlyMissing = [...missing(after)].filter((m) => !missing(before).has(m));
  return { before, plan, after, newlyMissing, read: readIn(root) };
}

const POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['ec2:DescribeInstances', 'ec2:RunInstances', 'logs:PutLogEvents', 'iam:CreateUser'],
        Resource: '*',
      },
    ],
  },
  null,
  2,
);

describe('a policy audited against two baselines', () => {
  it('one policy, two audits (Coiled, SkyPilot): keeps what either needs, removes what both call excess', async () => {
    const { before, plan, newlyMissing, read } = await fixTwice({
      'policy.json': POLICY,
      '.github/iam-baseline-audit.yml': `version: 1\naccount-id: "${ACCOUNT}"\naudits:\n  - baseline: coiled\n    policies: ["policy.json"]\n  - baseline: skypilot\n    policies: ["policy.json"]\n`,
    });
    // (one suggestion for the policy, the report's and the fix's)
    expect(before.suggestions.filter((s) => s.policy === 'policy.json')).toHaveLength(1);
    expect(plan.notFixed).toEqual([]);
    const after = actionsOf(read('policy.json')!);
    expect(after.has('logs:putlogevents')).toBe(true);
    expect(after.has('ec2:describeinstances')).toBe(true);
    expect(after.has('ec2:runinstances')).toBe(true);
    // (excess for both)
    expect(after.has('iam:createuser')).toBe(false);
    expect(newlyMissing).toEqual([]);
  });

  it('one file read by two .tf policies with file(): both named, what either needs kept', async () => {
    const tf = ['a', 'b']
      .map(
        (n) =>
          `resource "aws_iam_policy" "${n}" {\n  name   = "team-${n}"\n  policy = file("\${path.module}/policy.json")\n}\n`,
      )
      .join('');
    const { plan, newlyMissing, read } = await fixTwice({
      'main.tf': tf,
      'policy.json': POLICY,
      '.github/iam-baseline-audit.yml': `version: 1\naccount-id: "${ACCOUNT}"\naudits:\n  - baseline: coiled\n    policies: ["terraform:aws_iam_policy.a"]\n  - baseline: skypilot\n    policies: ["terraform:aws_iam_policy.b"]\n`,
    });
    const after = actionsOf(read('policy.json')!);
    expect(after.has('logs:putlogevents')).toBe(true);
    expect(after.has('ec2:runinstances')).toBe(true);
    expect(after.has('iam:createuser')).toBe(false);
    expect(newlyMissing).toEqual([]);
    const fixed = plan.files.find((f) => f.path === 'policy.json');
    expect([...(fixed?.policies ?? [])].sort()).toEqual([
      'main.tf#aws_iam_policy.a',
      'main.tf#aws_iam_policy.b',
    ]);
  });
});
