// An attachment that names one principal by an instance key not known
// (`role = aws_iam_role.r[var.which].name`): linked to every instance it may be, and each says so,
// so that a role audited as a whole does not tell as exact findings it may not hold. A review saw
// both roles of a for_each get a CRITICAL AdministratorAccess told as exact, though only one holds it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import type { PrincipalRecord } from '../../src/core/types.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const TRUST =
  'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })';

beforeAll(async () => {
  await initHcl();
});

function principals(tf: string): PrincipalRecord[] {
  const root = mkdtempSync(join(tmpdir(), 'unknown-key-'));
  writeFileSync(join(root, 'main.tf'), tf);
  return readHclModules([{ path: 'main.tf', text: tf }], fsHost(root)).flatMap((r) => r.principals ?? []);
}

const ROLES = `
variable "which" { type = string }
resource "aws_iam_role" "r" {
  for_each           = toset(["a", "b"])
  name               = "role-\${each.key}"
  assume_role_policy = ${TRUST}
}
`;

test('a key not known: linked to each instance, noted on each', () => {
  const ps = principals(`${ROLES}
resource "aws_iam_role_policy_attachment" "x" {
  role       = aws_iam_role.r[var.which].name
  policy_arn = "${ADMIN}"
}
`);
  for (const id of ['aws_iam_role.r["a"]', 'aws_iam_role.r["b"]']) {
    const p = ps.find((x) => x.id === id)!;
    expect(p.policyIds).toEqual([`main.tf#${ADMIN}`]);
    expect(p.approximate).toEqual([
      'aws_iam_role_policy_attachment.x names one of aws_iam_role.r["a"], aws_iam_role.r["b"] by its role, which is not known here: audited as held by each',
    ]);
  }
});

test('a literal key, or the instance of the same key, is exact: no note', () => {
  const ps = principals(`${ROLES}
resource "aws_iam_role_policy_attachment" "x" {
  role       = aws_iam_role.r["a"].name
  policy_arn = "${ADMIN}"
}
resource "aws_iam_role_policy_attachment" "each" {
  for_each   = aws_iam_role.r
  role       = each.value.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
`);
  const a = ps.find((x) => x.id === 'aws_iam_role.r["a"]')!;
  const b = ps.find((x) => x.id === 'aws_iam_role.r["b"]')!;
  expect(a.policyIds).toContain(`main.tf#${ADMIN}`);
  expect(b.policyIds).not.toContain(`main.tf#${ADMIN}`);
  expect(a.approximate ?? []).toEqual([]);
  expect(b.approximate ?? []).toEqual([]);
});
