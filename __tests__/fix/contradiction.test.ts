// A condition no request can meet is never written: a part whose needed condition contradicts the
// written one (StringEquals owner = coiled needed, StringNotEquals owner = coiled written) is
// dropped, as the README says, not written with both (a review: Coiled's TerminateInstances). And
// a statement whose conditions cannot all hold grants nothing: the audit tells the permission
// missing instead of taking it as granted.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import type { Report } from '../../src/core/types.js';
import { planFixes } from '../../src/fix/index.js';
import { conditionNeverHolds } from '../../src/policy/condition.js';
import { NOW, readIn, repo } from './helpers.js';

const policy = (condition: Record<string, unknown>) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Destroy',
          Effect: 'Allow',
          Action: ['ec2:TerminateInstances', 'ec2:RunInstances'],
          Resource: '*',
          Condition: condition,
        },
      ],
    },
    null,
    2,
  );

const missingActions = (r: Report) =>
  r.findings.filter((f) => f.kind === 'missing-permission').flatMap((f) => f.actions ?? []);

describe('a condition that can never hold', () => {
  it('fix drops the part instead of writing StringEquals and StringNotEquals on one key', async () => {
    const root = repo({ 'c.json': policy({ StringNotEquals: { 'ec2:ResourceTag/owner': 'coiled' } }) });
    const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
    const plan = planFixes(report, readIn(root));
    const after = plan.files.find((f) => f.path === 'c.json')?.after;
    expect(after).toBeDefined();
    const doc = JSON.parse(after!) as {
      Statement: { Action: unknown; Condition?: Record<string, unknown> }[];
    };
    for (const st of doc.Statement) {
      expect(JSON.stringify(st.Action)).not.toContain('TerminateInstances');
      expect(Object.keys(st.Condition ?? {})).not.toContain('StringEquals');
    }
    // (what was granted is kept: RunInstances under the written condition)
    expect(JSON.stringify(doc.Statement)).toContain('ec2:RunInstances');
    writeFileSync(join(root, 'c.json'), after!);
    const again = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
    expect(missingActions(again)).toContain('ec2:TerminateInstances');
  });

  it('the audit reads a statement whose conditions exclude each other as granting nothing', async () => {
    const root = repo({
      'c.json': policy({
        StringNotEquals: { 'ec2:ResourceTag/owner': 'coiled' },
        StringEquals: { 'ec2:ResourceTag/owner': 'coiled' },
      }),
    });
    const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
    expect(missingActions(report)).toContain('ec2:TerminateInstances');
    expect(missingActions(report)).toContain('ec2:RunInstances');
  });

  it('values a .tf module does not know are not one another: the grant is still audited (a review: excess was missed)', async () => {
    const tf = `variable "team" {}
variable "other_team" {}
resource "aws_iam_policy" "extra" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "TeamOnly"
      Effect   = "Allow"
      Action   = "ec2:DeleteSnapshot"
      Resource = "*"
      Condition = {
        StringEquals    = { "aws:ResourceTag/team" = var.team }
        StringNotEquals = { "aws:ResourceTag/team" = var.other_team }
      }
    }]
  })
}
`;
    const report = await runAudit({
      root: repo({ 'main.tf': tf }),
      paths: ['.'],
      baseline: 'coiled',
      now: NOW,
    });
    expect(
      report.findings.some((f) => f.kind === 'excess-action' && f.actions.includes('ec2:DeleteSnapshot')),
    ).toBe(true);
  });

  // (a review) An IpAddress range inside the NotIpAddress one of the same key holds for no request.
  it('conditionNeverHolds: IpAddress within NotIpAddress of the same key', () => {
    const ip = (a: string[], n: string[], key = 'aws:SourceIp') => ({
      IpAddress: { 'aws:SourceIp': a },
      NotIpAddress: { [key]: n },
    });
    expect(conditionNeverHolds(ip(['10.0.0.0/8'], ['10.0.0.0/8']))).toBe(true);
    expect(conditionNeverHolds(ip(['10.1.0.0/16', '10.2.3.4'], ['10.0.0.0/8']))).toBe(true);
    expect(conditionNeverHolds(ip(['10.0.0.0/8'], ['10.1.0.0/16']))).toBe(false);
    expect(conditionNeverHolds(ip(['10.0.0.0/8', '192.168.0.0/16'], ['10.0.0.0/8']))).toBe(false);
    expect(conditionNeverHolds(ip(['10.0.0.0/8'], ['10.0.0.0/8'], 'aws:VpcSourceIp'))).toBe(false);
    expect(
      conditionNeverHolds({
        IpAddressIfExists: { 'aws:SourceIp': ['10.0.0.0/8'] },
        NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] },
      }),
    ).toBe(false);
  });

  it('conditionNeverHolds: only what it can tell', () => {
    const key = 'ec2:ResourceTag/owner';
    expect(
      conditionNeverHolds({ StringEquals: { [key]: ['coiled'] }, StringNotEquals: { [key]: ['coiled'] } }),
    ).toBe(true);
    // A pattern is not judged: a value a template does not know yet is read as one (`${var.team}`
    // as `*`), and two such values are not one another's (a review: excess was missed).
    expect(
      conditionNeverHolds({ StringEquals: { [key]: ['coiled'] }, StringNotLike: { [key]: ['coil*'] } }),
    ).toBe(false);
    for (const [a, b] of [
      ['*', '*'],
      ['team-*', 'team-*'],
      ['${aws:username}', '${aws:username}'],
    ])
      expect(conditionNeverHolds({ StringLike: { [key]: [a] }, StringNotLike: { [key]: [b] } })).toBe(false);
    expect(conditionNeverHolds({ StringEquals: { [key]: ['*'] }, StringNotEquals: { [key]: ['*'] } })).toBe(
      false,
    );
    // (another value may still be there, the key may be missing, or the case may differ)
    expect(
      conditionNeverHolds({
        StringEquals: { [key]: ['coiled', 'x'] },
        StringNotEquals: { [key]: ['coiled'] },
      }),
    ).toBe(false);
    expect(
      conditionNeverHolds({
        StringEqualsIfExists: { [key]: ['coiled'] },
        StringNotEquals: { [key]: ['coiled'] },
      }),
    ).toBe(false);
    expect(
      conditionNeverHolds({
        StringEqualsIgnoreCase: { [key]: ['coiled'] },
        StringNotEquals: { [key]: ['coiled'] },
      }),
    ).toBe(false);
    expect(
      conditionNeverHolds({
        StringEquals: { [key]: ['coiled'] },
        StringNotEquals: { 'aws:RequestTag/owner': ['coiled'] },
      }),
    ).toBe(false);
  });
});
