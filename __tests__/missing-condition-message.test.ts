// A missing-condition finding says whether the statement has no condition or one that does not keep
// to the baseline's: AmazonEC2FullAccess grants iam:CreateServiceLinkedRole under
// `StringEquals iam:AWSServiceName` of six services, SkyPilot's baseline under spot.amazonaws.com
// only. "Granted without the condition" was said of both, though the first has a condition.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

async function missingCondition(condition?: Record<string, unknown>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'missing-condition-'));
  const statement = {
    Effect: 'Allow',
    Action: 'iam:CreateServiceLinkedRole',
    Resource: '*',
    ...(condition ? { Condition: condition } : {}),
  };
  writeFileSync(join(root, 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));
  const report = await runAudit({
    root,
    paths: ['.'],
    baseline: 'skypilot:minimal',
    now: new Date('2026-12-06'),
  });
  return report.findings.filter((f) => f.kind === 'missing-condition').map((f) => f.message);
}

describe("a missing-condition finding's message", () => {
  test('no condition: granted without it', async () => {
    const [m] = await missingCondition();
    expect(m).toContain(
      '1 action granted without the condition the SkyPilot baseline requires (StringEquals iam:AWSServiceName = spot.amazonaws.com): iam:CreateServiceLinkedRole',
    );
  });

  test("a broader condition of its own (AmazonEC2FullAccess's): granted under a condition that does not keep to it", async () => {
    const [m] = await missingCondition({
      StringEquals: {
        'iam:AWSServiceName': [
          'autoscaling.amazonaws.com',
          'ec2scheduled.amazonaws.com',
          'elasticloadbalancing.amazonaws.com',
          'spot.amazonaws.com',
          'spotfleet.amazonaws.com',
          'transitgateway.amazonaws.com',
        ],
      },
    });
    expect(m).toContain(
      '1 action granted under a condition that does not keep to the condition the SkyPilot baseline requires (StringEquals iam:AWSServiceName = spot.amazonaws.com): iam:CreateServiceLinkedRole',
    );
  });

  test('the condition the baseline requires: no finding', async () => {
    expect(await missingCondition({ StringEquals: { 'iam:AWSServiceName': 'spot.amazonaws.com' } })).toEqual(
      [],
    );
  });
});
