// Terraform `moved` blocks: each policy and principal a root module evaluates gets the places it
// had before its root's blocks (PolicyRecord.movedFrom: the address, and the directory of its
// module's files), which a pull request's base is read at (run.ts); movedFrom reads an address
// back through one root's blocks.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputResult } from '../../src/core/types.js';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import {
  MAX_MOVE_STEPS,
  movedFrom,
  moveIndex,
  validMove,
  type WholeMove,
} from '../../src/sources/hcl/moves.js';

beforeAll(async () => {
  await initHcl();
});

const policy = (name: string) => `resource "aws_iam_policy" "${name}" {
  name   = "${name}"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
`;

function read(files: Record<string, string>, roots: string[]): InputResult[] {
  const root = mkdtempSync(join(tmpdir(), 'iba-moved-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return readHclModules(
    roots.map((p) => ({ path: p, text: files[p]! })),
    fsHost(root),
  );
}

const movedOf = (results: InputResult[]) =>
  Object.fromEntries(results.flatMap((r) => r.policies).map((p) => [p.id, p.movedFrom]));

test('a policy of a module instance is read back through the blocks of its module and of the root calling it', () => {
  const results = read(
    {
      'main.tf':
        'module "team" {\n  source = "./modules/team"\n  count  = 2\n}\nmoved {\n  from = module.people\n  to   = module.team\n}\n',
      'modules/team/iam.tf': `${policy('p')}moved {\n  from = aws_iam_policy.old [ "x" ]\n  to   = aws_iam_policy.p\n}\n`,
    },
    ['main.tf'],
  );
  expect(movedOf(results)).toEqual({
    'modules/team/iam.tf#module.team[0].aws_iam_policy.p': [
      { address: 'module.team[0].aws_iam_policy.old["x"]', dir: 'modules/team' },
      { address: 'module.people[0].aws_iam_policy.old["x"]', dir: 'modules/team' },
    ],
    'modules/team/iam.tf#module.team[1].aws_iam_policy.p': [
      { address: 'module.team[1].aws_iam_policy.old["x"]', dir: 'modules/team' },
      { address: 'module.people[1].aws_iam_policy.old["x"]', dir: 'modules/team' },
    ],
  });
});

test("one root's blocks move none of another root's policies", () => {
  const results = read(
    {
      'envs/prod/main.tf': `${policy('b')}moved {\n  from = aws_iam_policy.a\n  to   = aws_iam_policy.b\n}\n`,
      'envs/dev/main.tf': policy('b'),
    },
    ['envs/prod/main.tf', 'envs/dev/main.tf'],
  );
  expect(movedOf(results)).toEqual({
    'envs/dev/main.tf#aws_iam_policy.b': undefined,
    'envs/prod/main.tf#aws_iam_policy.b': [{ address: 'aws_iam_policy.a', dir: 'envs/prod' }],
  });
});

test('a block whose `from` is still declared (Terraform refuses it), or a data source, moves nothing', () => {
  const results = read(
    {
      'main.tf': `${policy('admin')}${policy('evil')}moved {\n  from = aws_iam_policy.admin\n  to   = aws_iam_policy.evil\n}\nmoved {\n  from = data.aws_iam_policy_document.a\n  to   = data.aws_iam_policy_document.b\n}\n`,
    },
    ['main.tf'],
  );
  expect(movedOf(results)).toEqual({
    'main.tf#aws_iam_policy.admin': undefined,
    'main.tf#aws_iam_policy.evil': undefined,
  });
  // (an instance key changed keeps its resource declared: that block applies)
  expect(
    validMove(
      { from: 'aws_iam_policy.p[0]', to: 'aws_iam_policy.p["k"]' },
      new Map([['aws_iam_policy.p', 1]]),
    ),
  ).toBe(true);
  expect(validMove({ from: 'module.a', to: 'module.b' }, new Map([['module.a', 1]]))).toBe(false);
  // (out of a module still called: that module no longer declares it)
  expect(
    validMove({ from: 'module.a.aws_iam_policy.p', to: 'aws_iam_policy.p' }, new Map([['module.a', 1]])),
  ).toBe(true);
});

describe('movedFrom', () => {
  const m = (from: string, to: string, dir = '.', fromChild = from.startsWith('module.')): WholeMove => ({
    from,
    to,
    dir,
    fromChild,
  });
  const back = (address: string, moves: WholeMove[], dir = '.') =>
    movedFrom(address, dir, moveIndex(moves)).map((x) => x.address);

  test('a resource renamed, and its instances with it', () => {
    const moves = [m('aws_iam_policy.a', 'aws_iam_policy.b')];
    expect(back('aws_iam_policy.b', moves)).toEqual(['aws_iam_policy.a']);
    expect(back('aws_iam_policy.b[0]', moves)).toEqual(['aws_iam_policy.a[0]']);
    expect(back('aws_iam_policy.b["k"]', moves)).toEqual(['aws_iam_policy.a["k"]']);
  });

  test('a name that only begins with the moved one is not it', () => {
    expect(back('aws_iam_policy.bb', [m('aws_iam_policy.a', 'aws_iam_policy.b')])).toEqual([]);
    expect(back('module.teams.aws_iam_policy.p', [m('module.people', 'module.team')])).toEqual([]);
  });

  test('a module call renamed moves what is in it; a block inside it is read back first', () => {
    const moves = [
      m('module.people', 'module.team'),
      m('module.team.aws_iam_policy.old', 'module.team.aws_iam_policy.p'),
    ];
    expect(back('module.team.aws_iam_policy.p', moves)).toEqual([
      'module.team.aws_iam_policy.old',
      'module.people.aws_iam_policy.old',
    ]);
  });

  test('a chain is followed back, and a cycle ends', () => {
    expect(
      back('aws_iam_role.c', [m('aws_iam_role.a', 'aws_iam_role.b'), m('aws_iam_role.b', 'aws_iam_role.c')]),
    ).toEqual(['aws_iam_role.b', 'aws_iam_role.a']);
    expect(
      back('aws_iam_role.a', [m('aws_iam_role.a', 'aws_iam_role.b'), m('aws_iam_role.b', 'aws_iam_role.a')]),
    ).toEqual(['aws_iam_role.b']);
  });

  test('a block whose `from` holds its `to` is read back a bounded number of times, fast', () => {
    const moves: WholeMove[] = [];
    for (let i = 0; i < 1000; i++) moves.push(m('module.a.module.a', 'module.a'));
    const out = back('module.a.aws_iam_policy.p', moves);
    expect(out.length).toBe(MAX_MOVE_STEPS);
    expect(out[0]).toBe('module.a.module.a.aws_iam_policy.p');
  });

  test("an instance key changed; a resource moved into a module is looked for in the declaring module's directory", () => {
    expect(back('aws_iam_policy.p["x"]', [m('aws_iam_policy.p[0]', 'aws_iam_policy.p["x"]')])).toEqual([
      'aws_iam_policy.p[0]',
    ]);
    expect(
      movedFrom(
        'module.iam.aws_iam_policy.p',
        'modules/iam',
        moveIndex([m('aws_iam_policy.p', 'module.iam.aws_iam_policy.p', 'infra')]),
      ),
    ).toEqual([{ address: 'aws_iam_policy.p', dir: 'infra' }]);
  });
});
