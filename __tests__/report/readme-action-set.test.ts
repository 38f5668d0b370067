// The README's `actionSet` examples ("The JSON report", **Action sets.**) are what the audit writes
// today: each example's policy audited in process against its baseline (a policy JSON file), and
// the finding's `actionSet` looked for, as written, in the README, with the catalog's version. A
// catalog update that changes a count leaves the example stale; this test says which.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../../src/audit/run.js';
import { renderJson } from '../../src/report/json.js';

const here = dirname(fileURLToPath(import.meta.url));
const README = readFileSync(resolve(here, '../../README.md'), 'utf8');
const NOW = new Date('2026-06-01T00:00:00Z');

const policy = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*', ...statement }] });

interface ActionSet {
  patterns: string[];
  except: string[];
  count: number;
}

/** The JSON report's actionSet of the one finding of `granted` beyond a baseline of `baseline`. */
async function actionSet(granted: Record<string, unknown>, baseline: string[]) {
  const root = mkdtempSync(join(tmpdir(), 'iba-readme-'));
  try {
    mkdirSync(join(root, 'iam'));
    writeFileSync(join(root, 'iam/policy.json'), policy(granted));
    writeFileSync(join(root, 'baseline.json'), policy({ Action: baseline }));
    const report = await runAudit({ root, paths: ['iam'], baseline: join(root, 'baseline.json'), now: NOW });
    const json = JSON.parse(renderJson(report)) as {
      catalog: { version: string };
      findings: { actionSet?: ActionSet }[];
    };
    expect(json.findings).toHaveLength(1);
    return { set: json.findings[0]!.actionSet!, catalog: json.catalog.version };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** As the README writes it: JSON with a space after each `:` and `,`. */
const shown = (s: ActionSet) => {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  return `{"patterns": ${list(s.patterns)}, "except": ${list(s.except)}, "count": ${s.count}}`;
};

describe('the README’s actionSet examples', () => {
  it('NotAction iam:*, organizations:* beyond s3:GetObject, with the catalog named', async () => {
    const { set, catalog } = await actionSet({ NotAction: ['iam:*', 'organizations:*'] }, ['s3:GetObject']);
    expect(README).toContain(`\`${shown(set)}\`\nwith catalog ${catalog} `);
  });

  it('ec2:Describe* beyond two of its actions', async () => {
    const { set } = await actionSet({ Action: 'ec2:Describe*' }, [
      'ec2:DescribeImages',
      'ec2:DescribeInstances',
    ]);
    expect(README).toContain(`\`${shown(set)}\``);
  });
});
