// A module that mixes `.tf` and `.tf.json` files: this reader does not combine the `.tf.json`
// declarations with the `.tf` files (each `.tf.json` file is audited on its own), and says so by
// name where a `.tf` value uses one, rather than claiming it is not in the module.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import type { PolicyRecord } from '../../src/core/types.js';

beforeAll(async () => {
  await initHcl();
});

/** The `.tf` policies of a directory of files. */
function policies(files: Record<string, string>): PolicyRecord[] {
  const root = mkdtempSync(join(tmpdir(), 'json-mixed-'));
  for (const [p, text] of Object.entries(files)) writeFileSync(join(root, p), text);
  const tf = Object.keys(files)
    .filter((p) => p.endsWith('.tf'))
    .map((p) => ({ path: p, text: files[p]! }));
  return readHclModules(tf, fsHost(root)).flatMap((r) => r.policies);
}

const NOT_COMBINED =
  "which this reader does not combine with the module's .tf files (it is audited on its own)";

test("a policy document declared in the module's .tf.json file is named there (a review's case)", () => {
  const [p] = policies({
    'doc.tf.json': JSON.stringify({
      data: { aws_iam_policy_document: { d: { statement: [{ actions: ['iam:*'], resources: ['*'] }] } } },
    }),
    'main.tf':
      'resource "aws_iam_policy" "p" {\n  name   = "p"\n  policy = data.aws_iam_policy_document.d.json\n}\n',
  });
  expect(p!.status).toBe('unresolved');
  expect(p!.reason).toBe(
    "policy references data.aws_iam_policy_document.d, which is declared in doc.tf.json: this reader does not combine a module's .tf.json files with its .tf files (doc.tf.json is audited on its own)",
  );
});

test("a local and a variable declared in the module's .tf.json file are named there, not 'not defined' (a review's case)", () => {
  const [p] = policies({
    'variables.tf.json': JSON.stringify({
      variable: { actions: { default: ['iam:*'] } },
      locals: { res: '*' },
    }),
    'main.tf': `resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = concat(["s3:GetObject"], var.actions), Resource = local.res }] })
}
`,
  });
  expect(p!.approximate).toEqual(
    expect.arrayContaining([
      `var.actions is declared in variables.tf.json, ${NOT_COMBINED}: read as unknown`,
      `local.res is declared in variables.tf.json, ${NOT_COMBINED}: read as unknown`,
    ]),
  );
  expect(p!.approximate!.some((n) => n.includes('is not defined in this module'))).toBe(false);
});

test('a local defined nowhere is still said not to be defined', () => {
  const [p] = policies({
    'main.tf': `resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = local.res }] })
}
`,
  });
  expect(p!.approximate).toContain('local.res is not defined in this module: read as unknown');
});
