// A pull request that deletes a policy: a whole file, or a `.tf` resource. Before, a policy that
// existed only at the base was never evaluated: the excess it had was not listed as removed by the
// change, and the vendor's permissions only it granted were reported missing as before the change
// ("pre-existing"), not as taken away by it (a review: deleting Coiled's ongoing policy passed
// with `✅ No new IAM permissions`).
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit, type BaseRead } from '../src/audit/run.js';
import type { Finding, Report } from '../src/core/types.js';
import { renderMarkdown } from '../src/report/markdown.js';

const NOW = new Date('2026-12-06T00:00:00Z');
const FIX = new URL('./fixtures/', import.meta.url).pathname;
const SETUP = readFileSync(join(FIX, 'baselines/coiled-setup-policy.json'), 'utf8');
const ONGOING = (() => {
  const d = JSON.parse(readFileSync(join(FIX, 'baselines/coiled-ongoing-policy.json'), 'utf8')) as {
    Statement: unknown[];
  };
  d.Statement.push({ Sid: 'Debug', Effect: 'Allow', Action: ['s3:*'], Resource: '*' });
  return JSON.stringify(d, null, 2);
})();
const TF_DIR = join(FIX, 'hcl/coiled-terraform-template');
const IAM_TF = readFileSync(join(TF_DIR, 'iam.tf'), 'utf8');
const VARIABLES_TF = readFileSync(join(TF_DIR, 'variables.tf'), 'utf8');

/** A pull request: the head's files written, the base's read through `readBase` (git's view of it). */
async function pr(
  base: Record<string, string>,
  head: Record<string, string>,
  opts: { baseline?: string; renamed?: Record<string, string> } = {},
): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'pr-deleted-'));
  for (const [path, text] of Object.entries(head)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const renamed = opts.renamed ?? {};
  const moved = new Set(Object.values(renamed));
  const readBase: BaseRead = Object.assign(async (p: string) => base[p], {
    renamedFrom: async (p: string) => renamed[p],
    deleted: async () => Object.keys(base).filter((p) => !(p in head) && !moved.has(p)),
  });
  return runAudit({
    root,
    paths: ['.'],
    accountId: '123456789012',
    baseline: opts.baseline,
    readBase,
    now: NOW,
  });
}

const missing = (r: Report) => r.findings.filter((f) => f.kind === 'missing-permission');
const removed = (r: Report) => r.findings.filter((f) => f.removed);
const actionsOf = (fs: Finding[]) => fs.flatMap((f) => f.actions).sort();

describe('a policy deleted by the change', () => {
  const base = { 'infra/coiled-setup.json': SETUP, 'infra/coiled-ongoing.json': ONGOING };

  test('the vendor permissions only it granted are taken away by the change (new), not missing before it', async () => {
    const r = await pr(base, { 'infra/coiled-setup.json': SETUP });
    const m = missing(r);
    expect(m.length).toBeGreaterThan(0);
    expect(m.filter((f) => f.new !== true)).toEqual([]);
    for (const f of m) expect(f.message).toContain('that this change takes away (granted before it');
    expect(actionsOf(m)).toEqual(expect.arrayContaining(['iam:GetRole', 'ec2:DescribeInstances']));
  });

  test('its excess is removed by the change, said to be deleted with its file, at its line at the base', async () => {
    const r = await pr(base, { 'infra/coiled-setup.json': SETUP });
    const gone = removed(r).filter((f) => f.path === 'infra/coiled-ongoing.json');
    expect(gone.map((f) => f.statement)).toContain('Debug');
    const debug = gone.find((f) => f.statement === 'Debug')!;
    expect(debug.message).toMatch(
      /^Removed \(infra\/coiled-ongoing\.json was deleted\): \d+ actions \(from s3:\*\)/,
    );
    // (its statement's `{`, the line before its Sid: the Sid's 0-based index)
    expect(debug.line).toBe(ONGOING.split('\n').findIndex((l) => l.includes('"Debug"')));
    expect(debug.new).toBeUndefined();
    // The comment counts findings, each said to be the policy's before the change, and deleted.
    // (the Markdown's escapes of text undone)
    const md = renderMarkdown(r, { mode: 'comment' }).replace(/\\([-.])/g, '$1');
    expect(md).toContain(`🗑️ ${removed(r).length} findings removed by this change`);
    expect(md).toMatch(
      new RegExp(
        `\`infra/coiled-ongoing\\.json:${debug.line}\` · on .* \\(before the change; infra/coiled-ongoing\\.json was deleted\\)`,
      ),
    );
  });

  test("a deleted setup policy's leftover setup actions are removed, nothing new", async () => {
    const r = await pr(base, { 'infra/coiled-ongoing.json': ONGOING });
    const gone = removed(r);
    expect(gone.some((f) => f.kind === 'leftover-set' && f.path === 'infra/coiled-setup.json')).toBe(true);
    for (const f of gone) expect(f.message).toMatch(/^Removed \(infra\/coiled-setup\.json was deleted\): /);
    expect(r.findings.filter((f) => f.new === true)).toEqual([]);
  });

  test('a renamed file deletes nothing', async () => {
    const r = await pr(
      base,
      { 'iam/setup.json': SETUP, 'infra/coiled-ongoing.json': ONGOING },
      {
        renamed: { 'iam/setup.json': 'infra/coiled-setup.json' },
      },
    );
    expect(removed(r)).toEqual([]);
    expect(r.findings.filter((f) => f.new === true)).toEqual([]);
  });

  test('a `.tf` resource deleted: what it granted is taken away, its excess removed, naming its address', async () => {
    // The setup policy document, policy and attachment of Coiled's template deleted (onboarding over).
    const lines = IAM_TF.split('\n');
    const cut = (from: string, n: number) => {
      const at = lines.findIndex((l) => l.startsWith(from));
      expect(at).toBeGreaterThanOrEqual(0);
      let end = at;
      for (let depth = 0, i = at; i < lines.length; i++) {
        depth += (lines[i]!.match(/{/g) ?? []).length - (lines[i]!.match(/}/g) ?? []).length;
        if (depth === 0) {
          end = i;
          break;
        }
      }
      lines.splice(at, end - at + 1, ...Array<string>(n).fill(''));
    };
    cut('data "aws_iam_policy_document" "setup_permissions"', 0);
    cut('resource "aws_iam_policy" "setup"', 0);
    cut('resource "aws_iam_role_policy_attachment" "setup"', 0);
    const head = lines.join('\n');
    expect(head).not.toContain('aws_iam_policy.setup');
    const files = { 'infra/variables.tf': VARIABLES_TF };
    const r = await pr(
      { ...files, 'infra/iam.tf': IAM_TF },
      { ...files, 'infra/iam.tf': head },
      { baseline: 'coiled' },
    );
    const getRole = missing(r).filter((f) => f.actions.includes('iam:GetRole'));
    expect(getRole.length).toBeGreaterThan(0);
    for (const f of getRole) {
      expect(f.new).toBe(true);
      expect(f.message).toContain('that this change takes away');
    }
    const gone = removed(r);
    expect(gone.length).toBeGreaterThan(0);
    for (const f of gone) {
      expect(f.address).toBe('aws_iam_policy.setup');
      expect(f.message).toMatch(/^Removed \(aws_iam_policy\.setup was deleted from infra\/iam\.tf\): /);
    }
  });

  test("a statement edited away is removed at its line at the base, not at the head's", async () => {
    const head = JSON.parse(ONGOING) as { Statement: { Sid?: string }[] };
    head.Statement = head.Statement.filter((st) => st.Sid !== 'Debug');
    const r = await pr(base, { ...base, 'infra/coiled-ongoing.json': JSON.stringify(head, null, 2) });
    const debug = removed(r).find((f) => f.statement === 'Debug')!;
    expect(debug.message).toMatch(/^Removed: /);
    expect(debug.line).toBe(ONGOING.split('\n').findIndex((l) => l.includes('"Debug"')));
  });
});

// (a review) A JSON policy moved as it was into a `.tf` file's jsonencode() (whose keys Terraform
// sorts): the renames and `.tf` moves do not pair the two, so every finding of it was new (and the
// check failed) and every one removed.
describe('a policy moved as it was from a JSON file into a .tf file', () => {
  const ongoing = JSON.parse(ONGOING) as Record<string, unknown>;
  /** jsonencode() of a value: its objects' keys sorted, as Terraform writes them. */
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  const tf = (doc: unknown) => `resource "aws_iam_policy" "ongoing" {
  name   = "coiled-ongoing"
  policy = jsonencode(${JSON.stringify(sorted(doc), null, 2).replace(/"([A-Za-z]+)":/g, '$1 =')})
}
`;
  const base = { 'infra/coiled-setup.json': SETUP, 'infra/coiled-ongoing.json': ONGOING };

  test('is the same policy: nothing of it is new or removed', async () => {
    const r = await pr(base, { 'infra/coiled-setup.json': SETUP, 'infra/ongoing.tf': tf(ongoing) });
    const moved = r.findings.filter((f) => f.path === 'infra/ongoing.tf');
    expect(moved.some((f) => f.statement === 'Debug')).toBe(true);
    expect(r.findings.filter((f) => f.new === true)).toEqual([]);
    expect(removed(r)).toEqual([]);
  });

  test('moved and changed: it is new, and the JSON file deleted', async () => {
    const changed = structuredClone(ongoing) as { Statement: Record<string, unknown>[] };
    changed.Statement.push({ Sid: 'More', Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    const r = await pr(base, { 'infra/coiled-setup.json': SETUP, 'infra/ongoing.tf': tf(changed) });
    expect(r.findings.some((f) => f.new === true && f.statement === 'More')).toBe(true);
    expect(removed(r).some((f) => f.path === 'infra/coiled-ongoing.json')).toBe(true);
  });
});

// (a review) The AWS provider's aws_iam_policy_document writes a list of one item as the item, and
// its lists of actions in its own order: the same document, which was not paired (every finding
// new, and the same ones removed).
describe('a policy moved as it was from a JSON file into an aws_iam_policy_document', () => {
  const json = JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Debug', Effect: 'Allow', Action: ['s3:*'], Resource: ['*'] },
        { Sid: 'Run', Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:DescribeInstances'], Resource: '*' },
      ],
    },
    null,
    2,
  );
  const tf = `data "aws_iam_policy_document" "coiled" {
  statement {
    sid       = "Debug"
    actions   = ["s3:*"]
    resources = ["*"]
  }
  statement {
    sid       = "Run"
    actions   = ["ec2:DescribeInstances", "ec2:RunInstances"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "coiled" {
  name   = "coiled-ongoing"
  policy = data.aws_iam_policy_document.coiled.json
}
`;

  test('is the same policy: nothing of it is new or removed', async () => {
    const r = await pr(
      { 'infra/coiled-ongoing.json': json },
      { 'infra/coiled.tf': tf },
      { baseline: 'coiled' },
    );
    expect(r.findings.some((f) => f.path === 'infra/coiled.tf' && f.statement === 'Debug')).toBe(true);
    expect(r.findings.filter((f) => f.new === true)).toEqual([]);
    expect(removed(r)).toEqual([]);
  });
});

// A `.tf` resource renamed with a `moved` block (Terraform's refactoring: the object is kept,
// under its new address) is the same policy. Before, it was read as a policy deleted and one
// added: every finding of it new (and `fail-on: new` failed on excess that was there before),
// the vendor permissions it granted "taken away", its excess "removed".
describe('a .tf resource renamed with a moved block', () => {
  const files = { 'infra/variables.tf': VARIABLES_TF };
  /** The head: `aws_iam_policy.setup` renamed to `coiled_setup` (and, with `role`, the role too), `iam:DeletePolicy` added to it. */
  const renamed = (opts: { moved: boolean; role?: boolean; into?: string }) => {
    let head = IAM_TF.replace(
      'resource "aws_iam_policy" "setup" {',
      'resource "aws_iam_policy" "coiled_setup" {',
    )
      .replace('policy_arn = aws_iam_policy.setup.arn', 'policy_arn = aws_iam_policy.coiled_setup.arn')
      .replace('actions   = ["iam:GetPolicy"]', 'actions   = ["iam:GetPolicy", "iam:DeletePolicy"]');
    if (opts.role)
      head = head
        .replace(
          'resource "aws_iam_role" "coiled_control_plane_role" {',
          'resource "aws_iam_role" "control_plane" {',
        )
        .replaceAll('aws_iam_role.coiled_control_plane_role.', 'aws_iam_role.control_plane.');
    expect(head).toContain('"iam:DeletePolicy"');
    expect(head).not.toContain('aws_iam_policy.setup.');
    const moves = opts.moved
      ? `${opts.into ?? ''}\nmoved {\n  from = aws_iam_policy.setup\n  to   = aws_iam_policy.coiled_setup\n}\n` +
        (opts.role
          ? 'moved {\n  from = aws_iam_role.coiled_control_plane_role\n  to   = aws_iam_role.control_plane\n}\n'
          : '')
      : '';
    return { ...files, 'infra/iam.tf': head, 'infra/moved.tf': moves };
  };

  test.each([
    ['the policy', false],
    ['the policy and the role holding it', true],
  ])('%s renamed: only what the change added is new; nothing is removed or taken away', async (_, role) => {
    const r = await pr({ ...files, 'infra/iam.tf': IAM_TF }, renamed({ moved: true, role }), {
      baseline: 'coiled',
    });
    const ofSetup = r.findings.filter((f) => f.address === 'aws_iam_policy.coiled_setup');
    expect(ofSetup.length).toBeGreaterThan(1);
    const fresh = ofSetup.filter((f) => f.new === true);
    expect(fresh.flatMap((f) => f.actions)).toEqual(['iam:DeletePolicy']);
    expect(removed(r)).toEqual([]);
    expect(missing(r).filter((f) => f.new === true)).toEqual([]);
  });

  test('without the moved block, the rename is a deletion and an addition (as Terraform plans it)', async () => {
    const r = await pr({ ...files, 'infra/iam.tf': IAM_TF }, renamed({ moved: false }), {
      baseline: 'coiled',
    });
    const ofSetup = r.findings.filter((f) => f.address === 'aws_iam_policy.coiled_setup');
    expect(ofSetup.filter((f) => f.new !== true)).toEqual([]);
    expect(removed(r).length).toBeGreaterThan(0);
  });
});
