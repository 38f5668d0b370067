// (a review of scale) Each `aws_iam_role.r[each.key]` and each instance of a module call evaluated
// the `for_each` it is an instance of again: N keys cost N evaluations of it, so a `for_each` of
// 400 keys over a nested `for` took minutes. Counted here (not timed): each block's instances are
// evaluated once per module instance, however many keys refer to them.
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import { Instance } from '../../src/sources/hcl/module.js';

beforeAll(async () => {
  await initHcl();
});

function tf(keys: number): string {
  return `
locals {
  roles = [for i in range(${keys}) : { name = "r\${i}", actions = ["s3:GetObject"] }]
}
resource "aws_iam_role" "r" {
  for_each           = { for r in local.roles : r.name => r }
  name               = each.key
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_policy" "p" {
  for_each = { for r in local.roles : r.name => r }
  name     = each.key
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = each.value.actions, Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  for_each   = { for r in local.roles : r.name => r }
  role       = aws_iam_role.r[each.key].name
  policy_arn = aws_iam_policy.p[each.key].arn
}
module "m" {
  for_each = toset([for r in local.roles : r.name])
  source   = "./child"
  name     = each.key
}
`;
}

const CHILD = `
variable "name" {}
resource "aws_iam_role" "c" {
  name               = var.name
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
`;

function evaluations(keys: number): { count: number; policies: number; principals: number } {
  const root = mkdtempSync(join(tmpdir(), 'instances-once-'));
  const main = tf(keys);
  writeFileSync(join(root, 'main.tf'), main);
  mkdirSync(join(root, 'child'));
  writeFileSync(join(root, 'child/main.tf'), CHILD);
  const spy = jest.spyOn(
    Instance.prototype as unknown as { evaluateInstances: () => unknown },
    'evaluateInstances',
  );
  try {
    const results = readHclModules([{ path: 'main.tf', text: main }], fsHost(root));
    const policies = results.flatMap((r) => r.policies).length;
    const principals = results.flatMap((r) => r.principals ?? []).length;
    return { count: spy.mock.calls.length, policies, principals };
  } finally {
    spy.mockRestore();
  }
}

test('a for_each of N keys is evaluated once per module instance, not once per key that names an instance', () => {
  const small = evaluations(10);
  const large = evaluations(80);
  expect([small.policies, large.policies]).toEqual([30, 240]);
  expect(large.principals).toBeGreaterThan(small.principals);
  // Once per block of each module instance: the root's blocks, then one more for the one block of
  // each instance of the module call (70 more instances), never once per key that refers to one.
  expect(large.count - small.count).toBe(70);
});
