// Functions at their edges, as Terraform computes them (go-cty's stdlib): range() counting down
// (its step -1 when the limit is below the start), substr() with a negative offset (from the end)
// or length (the rest), element() wrapping around in both directions, slice() refusing indexes out
// of the list, split() on "" by character; what Terraform refuses is its error inside try(), else
// not known, never a value of JavaScript's making.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callFunction, insideTry, type FnCtx } from '../../src/sources/hcl/functions.js';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import { Unknown, type Value } from '../../src/sources/hcl/values.js';

beforeAll(async () => {
  await initHcl();
});

const ctx: FnCtx = {
  moduleDir: '.',
  readFile: () => undefined,
  renderTemplate: () => new Unknown('template'),
};
const call = (name: string, ...args: Value[]) => callFunction(name, args, `${name}(...)`, ctx);
const inTry = (name: string, ...args: Value[]) => insideTry(() => call(name, ...args));

describe('range()', () => {
  test("counts down when the limit is below the start, with a step of -1 (a review's case)", () => {
    expect(call('range', 3, 0)).toEqual([3, 2, 1]);
    expect(call('range', -3)).toEqual([0, -1, -2]);
    expect(call('range', 10, 0, -4)).toEqual([10, 6, 2]);
    expect(call('range', 3)).toEqual([0, 1, 2]);
    expect(call('range', 1, 4)).toEqual([1, 2, 3]);
    expect(call('range', 0, 1, 0.25)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(call('range', 2, 2)).toEqual([]);
  });

  test('a step against the direction, or 0, is an error', () => {
    expect(() => call('range', 0, 3, -1)).toThrow(
      'range: the limit is greater than the start with a negative step',
    );
    expect(() => call('range', 3, 0, 1)).toThrow(
      'range: the limit is less than the start with a positive step',
    );
    expect(() => call('range', 0, 3, 0)).toThrow('range: the step is zero');
  });
});

describe('substr()', () => {
  test('a negative offset counts from the end; a negative length takes the rest', () => {
    expect(call('substr', 'team-analytics-prod', -4, 4)).toBe('prod');
    expect(call('substr', 'team-analytics-prod', -4, 2)).toBe('pr');
    expect(call('substr', 'team-analytics-prod', 5, -1)).toBe('analytics-prod');
    expect(call('substr', 'team-analytics-prod', -30, 4)).toBe('team');
    expect(call('substr', 'hello', 1, 0)).toBe('');
    expect(call('substr', 'hello', 10, 2)).toBe('');
    expect(call('substr', 'hello', 0, 99)).toBe('hello');
  });
});

describe('element() and slice()', () => {
  test('element() wraps around, a negative index from the end', () => {
    expect(call('element', ['a', 'b', 'c'], 3)).toBe('a');
    expect(call('element', ['a', 'b', 'c'], -1)).toBe('c');
    expect(call('element', ['a', 'b', 'c'], -4)).toBe('c');
    expect(() => inTry('element', [], 0)).toThrow('element: the list is empty');
  });

  test('slice() takes indexes within the list; others are refused, not counted from the end', () => {
    expect(call('slice', ['a', 'b', 'c'], 1, 3)).toEqual(['b', 'c']);
    expect(() => inTry('slice', ['a', 'b', 'c'], -1, 2)).toThrow('slice: the start index is negative');
    expect(() => inTry('slice', ['a', 'b', 'c'], 1, 4)).toThrow(
      'slice: the end index is past the end of the list',
    );
    expect(() => inTry('slice', ['a', 'b', 'c'], 2, 1)).toThrow(
      'slice: the start index is after the end index',
    );
    expect(call('slice', ['a', 'b', 'c'], 0, -1)).toBeInstanceOf(Unknown);
  });

  test('split() on "" gives each character; max() of nothing is refused', () => {
    expect(call('split', '', 'ab😀')).toEqual(['a', 'b', '😀']);
    expect(() => inTry('max')).toThrow('max: no number given');
  });
});

test("a policy built with them is the one Terraform deploys (a review's case)", async () => {
  const root = mkdtempSync(join(tmpdir(), 'fn-edges-'));
  const text = `
locals {
  full   = "team-analytics-prod"
  env    = substr(local.full, -4, 4)
  shards = [for i in range(3, 0) : "arn:aws:s3:::shard-\${i}"]
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      { Sid = "Env", Effect = "Allow", Action = "s3:ListBucket", Resource = "arn:aws:s3:::data-\${local.env}" },
      { Sid = "Shards", Effect = "Allow", Action = "s3:GetObject", Resource = local.shards },
    ]
  })
}
`;
  writeFileSync(join(root, 'main.tf'), text);
  const [result] = readHclModules([{ path: 'main.tf', text }], fsHost(root));
  expect(result!.policies[0]!.document).toEqual({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Env', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::data-prod' },
      {
        Sid: 'Shards',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:::shard-3', 'arn:aws:s3:::shard-2', 'arn:aws:s3:::shard-1'],
      },
    ],
  });
  expect(result!.policies[0]!.approximate).toBeUndefined();
});
