// *.tf.json: Terraform's meta-arguments `count` and `for_each` make a block's instances, and module
// calls are listed. Before, they were ignored: a policy with `"count": 0` (none made) was a
// CRITICAL finding, a for_each's `${each.value}` was read as not known, and module calls were
// mentioned nowhere (a review's cases; the same file as .tf was read right).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const policy = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

const TF = {
  variable: { enabled: { type: 'bool', default: false } },
  resource: {
    aws_iam_policy: {
      disabled: { count: 0, name: 'disabled', policy: policy('iam:*') },
      emptyEach: { for_each: {}, name: 'none', policy: policy('iam:*') },
      cond: { count: '${var.enabled ? 1 : 0}', name: 'cond', policy: policy('ec2:*') },
      two: { count: 2, name: 'two-${count.index}', policy: policy('sqs:GetQueueUrl') },
      each: {
        for_each: { a: 's3:GetObject', b: 'kms:Decrypt' },
        name: 'each-${each.key}',
        policy: policy('${each.value}'),
      },
    },
  },
  module: {
    vendor: { source: './vendor-mod' },
    reg: { source: 'terraform-aws-modules/iam/aws', version: '5.0.0' },
  },
};

async function audit() {
  const root = mkdtempSync(join(tmpdir(), 'tf-json-instances-'));
  writeFileSync(join(root, 'main.tf.json'), JSON.stringify(TF, null, 2));
  writeFileSync(
    join(root, 'base.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
    }),
  );
  return runAudit({ root, paths: ['main.tf.json'], baseline: './base.json', now: NOW });
}

test('count and for_each make the instances Terraform makes; none made is said, not audited', async () => {
  const report = await audit();
  const audited = report.policies.filter((p) => p.status === 'audited').map((p) => p.address);
  expect(audited.sort()).toEqual(
    [
      'aws_iam_policy.cond',
      'aws_iam_policy.each["a"]',
      'aws_iam_policy.each["b"]',
      'aws_iam_policy.two[0]',
      'aws_iam_policy.two[1]',
    ].sort(),
  );
  // each.value put in: each instance grants its own action, known.
  const actionsOf = (a: string) =>
    report.findings.filter((f) => f.address === a && f.kind === 'excess-action').flatMap((f) => f.actions);
  expect(actionsOf('aws_iam_policy.each["a"]')).toEqual(['s3:GetObject']);
  expect(actionsOf('aws_iam_policy.each["b"]')).toEqual(['kms:Decrypt']);
  // No finding of the blocks with no instance.
  expect(report.findings.some((f) => f.actions.some((a) => a.startsWith('iam:')))).toBe(false);
  const skipped = new Map(report.inputs.filter((i) => i.status === 'skipped').map((i) => [i.path, i.reason]));
  expect(skipped.get('main.tf.json#aws_iam_policy.disabled')).toBe(
    'aws_iam_policy.disabled has no instance: its count is 0, so it grants nothing',
  );
  expect(skipped.get('main.tf.json#aws_iam_policy.emptyEach')).toMatch(/its for_each is empty/);
  // A count not known here: read as one instance, said so.
  const cond = report.findings.find((f) => f.address === 'aws_iam_policy.cond');
  expect(cond?.approximate).toContain(
    'aws_iam_policy.cond: its count (${var.enabled ? 1 : 0}) is not known: read as one instance',
  );
});

test('module calls are listed as not followed, with their source', async () => {
  const report = await audit();
  const skipped = new Map(report.inputs.filter((i) => i.status === 'skipped').map((i) => [i.path, i.reason]));
  expect(skipped.get('main.tf.json#module.reg')).toMatch(
    /^module module\.reg is not followed: module calls of a \*\.tf\.json file are not read \(its source "terraform-aws-modules\/iam\/aws"\)$/,
  );
  expect(skipped.get('main.tf.json#module.vendor')).toMatch(
    /its source "\.\/vendor-mod"; the module's own files/,
  );
});
