// A resource with count or for_each named as a whole (`for_each = aws_iam_policy.p`, then
// `policy_arn = each.value.arn`): its instances, each with its ARN, so that each attachment links
// its own policy. Before, `each.value.arn` was "an expression this file does not define", the
// attachments were unresolved and the user held none of the policies.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';

beforeAll(async () => {
  await initHcl();
});

function read(tf: string) {
  const root = mkdtempSync(join(tmpdir(), 'for-each-resource-'));
  writeFileSync(join(root, 'main.tf'), tf);
  return readHclModules([{ path: 'main.tf', text: tf }], fsHost(root));
}

const POLICIES = `
resource "aws_iam_user" "u" { name = "ci" }

resource "aws_iam_policy" "p" {
  for_each = { read = ["s3:GetObject"], admin = ["iam:*"] }
  name     = "ci-\${each.key}"
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = each.value, Resource = "*" }] })
}

resource "aws_iam_policy" "c" {
  count  = 2
  name   = "ci-\${count.index}"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }] })
}
`;

test('for_each over a for_each resource: each.value.arn is that instance', () => {
  const results = read(`${POLICIES}
resource "aws_iam_user_policy_attachment" "each" {
  for_each   = aws_iam_policy.p
  user       = aws_iam_user.u.name
  policy_arn = each.value.arn
}
`);
  const user = results.flatMap((r) => r.principals ?? []).find((p) => p.id === 'aws_iam_user.u')!;
  expect([...user.policyIds].sort()).toEqual([
    'main.tf#aws_iam_policy.p["admin"]',
    'main.tf#aws_iam_policy.p["read"]',
  ]);
  expect(user.unresolved).toEqual([]);
  expect(user.approximate ?? []).toEqual([]);
  const unresolved = results.flatMap((r) => r.policies).filter((p) => p.status === 'unresolved');
  expect(unresolved).toEqual([]);
});

test('count over a counted resource (a list of its instances), and for_each over its names', () => {
  const results = read(`${POLICIES}
resource "aws_iam_user_policy_attachment" "byindex" {
  count      = length(aws_iam_policy.c)
  user       = aws_iam_user.u.name
  policy_arn = aws_iam_policy.c[count.index].arn
}
resource "aws_iam_user_policy_attachment" "byname" {
  for_each   = { for k, v in aws_iam_policy.p : k => v.arn if k == "read" }
  user       = aws_iam_user.u.name
  policy_arn = each.value
}
`);
  const user = results.flatMap((r) => r.principals ?? []).find((p) => p.id === 'aws_iam_user.u')!;
  expect([...user.policyIds].sort()).toEqual([
    'main.tf#aws_iam_policy.c[0]',
    'main.tf#aws_iam_policy.c[1]',
    'main.tf#aws_iam_policy.p["read"]',
  ]);
  expect(user.unresolved).toEqual([]);
});
