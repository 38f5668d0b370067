// A resource's notes go where its attributes are read, each attribute's own: a policy that names
// its role's id is not approximate for what the role's tags or trust policy leave unknown (a
// first-contact review saw a HIGH excess finding "approximate" for a local used only in the
// role's tags and trust), and a second policy reading the role hears what the first did (before,
// every note went to whichever policy read the role first: a policy on the role's ARN, whose name
// is not known, was told nothing).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

const TF = `
resource "aws_iam_role" "r" {
  name = "app-\${local.env}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::414351767826:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = local.external_id } }
    }]
  })
  tags = { Name = "\${local.tag_prefix}-role" }
}
resource "aws_iam_role_policy" "by_id" {
  name = "by-id"
  role = aws_iam_role.r.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:DeleteBucket", Resource = "*" }]
  })
}
resource "aws_iam_policy" "on_arn" {
  name = "on-arn"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "s3:DeleteBucket"], Resource = aws_iam_role.r.arn }]
  })
}
`;

test("a resource's notes go where the attributes they concern are read", async () => {
  const root = mkdtempSync(join(tmpdir(), 'hcl-attribute-notes-'));
  writeFileSync(join(root, 'main.tf'), TF);
  const r = await runAudit({
    root,
    paths: ['.'],
    baseline: 'skypilot',
    now: new Date('2026-12-07T00:00:00Z'),
  });
  const notesOf = (address: string) =>
    [
      ...new Set(
        r.findings
          .filter((f) => f.address === address && f.kind !== 'missing-permission')
          .map((f) => f.approximate ?? ''),
      ),
    ].sort();
  const env = 'local.env is not defined in this module: read as unknown';
  // The role's id is its name: what the name leaves unknown, not its tags or trust policy.
  expect(notesOf('aws_iam_role_policy.by_id')).toEqual([env]);
  // The role's ARN is made of its name too: told, though another policy read the role first.
  expect(notesOf('aws_iam_policy.on_arn')).toEqual([env]);
});

// Through a module's output: what the output's value leaves unknown in the module is told where
// it is read, the module named (a review: a policy on `module.m.arn` was told nothing).
test("a module output's notes go where it is read", async () => {
  const root = mkdtempSync(join(tmpdir(), 'hcl-attribute-notes-module-'));
  mkdirSync(join(root, 'mod'));
  writeFileSync(
    join(root, 'mod', 'main.tf'),
    `
resource "aws_iam_role" "r" {
  name               = "role-\${local.name}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  tags               = { team = local.team }
}
output "arn" { value = aws_iam_role.r.arn }
`,
  );
  writeFileSync(
    join(root, 'main.tf'),
    `
module "m" { source = "./mod" }
resource "aws_iam_policy" "q" {
  name   = "q"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "s3:DeleteBucket"], Resource = module.m.arn }] })
}
`,
  );
  const r = await runAudit({
    root,
    paths: ['.'],
    baseline: 'skypilot',
    now: new Date('2026-12-07T00:00:00Z'),
  });
  const notes = [
    ...new Set(
      r.findings
        .filter((f) => f.address === 'aws_iam_policy.q' && f.kind !== 'missing-permission')
        .map((f) => f.approximate),
    ),
  ];
  expect(notes).toEqual(['in module.m: local.name is not defined in this module: read as unknown']);
});
