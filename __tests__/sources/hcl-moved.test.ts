// Terraform `moved` blocks: the `.tf` reader gives each file's blocks with whole addresses (the
// module instance's prefix added), and movedFrom reads a head address back to the addresses it
// had at the base (a pull request's base: run.ts).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { movedFrom } from '../../src/audit/run.js';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';

beforeAll(async () => {
  await initHcl();
});

test('the reader gives every moved block of the root and of each module instance, with whole addresses', () => {
  const root = mkdtempSync(join(tmpdir(), 'iba-moved-'));
  const files: Record<string, string> = {
    'main.tf': `module "team" {
  source = "./modules/team"
  count  = 2
}
moved {
  from = module.people
  to   = module.team
}
`,
    'modules/team/iam.tf': `resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
moved {
  from = aws_iam_policy.old [ "x" ]
  to   = aws_iam_policy.p
}
`,
  };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const results = readHclModules([{ path: 'main.tf', text: files['main.tf']! }], fsHost(root));
  const moves = Object.fromEntries(results.filter((r) => r.moves).map((r) => [r.path, r.moves]));
  expect(moves).toEqual({
    'main.tf': [{ from: 'module.people', to: 'module.team' }],
    'modules/team/iam.tf': [
      { from: 'module.team[0].aws_iam_policy.old["x"]', to: 'module.team[0].aws_iam_policy.p' },
      { from: 'module.team[1].aws_iam_policy.old["x"]', to: 'module.team[1].aws_iam_policy.p' },
    ],
  });
});

describe('movedFrom', () => {
  const m = (from: string, to: string) => ({ from, to });

  test('a resource renamed, and its instances with it', () => {
    const moves = [m('aws_iam_policy.a', 'aws_iam_policy.b')];
    expect(movedFrom('aws_iam_policy.b', moves)).toEqual(['aws_iam_policy.a']);
    expect(movedFrom('aws_iam_policy.b[0]', moves)).toEqual(['aws_iam_policy.a[0]']);
    expect(movedFrom('aws_iam_policy.b["k"]', moves)).toEqual(['aws_iam_policy.a["k"]']);
  });

  test('a name that only begins with the moved one is not it', () => {
    expect(movedFrom('aws_iam_policy.bb', [m('aws_iam_policy.a', 'aws_iam_policy.b')])).toEqual([]);
    expect(movedFrom('module.teams.aws_iam_policy.p', [m('module.people', 'module.team')])).toEqual([]);
  });

  test('a module call renamed moves what is in it; a block inside it is read back first', () => {
    const moves = [
      m('module.people', 'module.team'),
      m('module.team.aws_iam_policy.old', 'module.team.aws_iam_policy.p'),
    ];
    expect(movedFrom('module.team.aws_iam_policy.p', moves)).toEqual([
      'module.team.aws_iam_policy.old',
      'module.people.aws_iam_policy.old',
    ]);
  });

  test('a chain is followed back, and a cycle ends', () => {
    expect(
      movedFrom('aws_iam_role.c', [
        m('aws_iam_role.a', 'aws_iam_role.b'),
        m('aws_iam_role.b', 'aws_iam_role.c'),
      ]),
    ).toEqual(['aws_iam_role.b', 'aws_iam_role.a']);
    expect(
      movedFrom('aws_iam_role.a', [
        m('aws_iam_role.a', 'aws_iam_role.b'),
        m('aws_iam_role.b', 'aws_iam_role.a'),
      ]),
    ).toEqual(['aws_iam_role.b']);
  });

  test('an instance key changed; a resource moved into a module', () => {
    expect(movedFrom('aws_iam_policy.p["x"]', [m('aws_iam_policy.p[0]', 'aws_iam_policy.p["x"]')])).toEqual([
      'aws_iam_policy.p[0]',
    ]);
    expect(
      movedFrom('module.iam.aws_iam_policy.p', [m('aws_iam_policy.p', 'module.iam.aws_iam_policy.p')]),
    ).toEqual(['aws_iam_policy.p']);
  });
});
