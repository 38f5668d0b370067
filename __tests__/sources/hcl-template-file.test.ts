// Policy templates that are not named `.json.tpl`, and the hashicorp/template provider's
// `data "template_file"` (a first-contact review): a `policies/instancecombined_policy.tpl` of
// plain IAM JSON was in no list ("no inputs found"), and `policy = data.template_file.x.rendered`
// was unresolved while its template was audited on its own, without the Terraform address. The
// real files are in fixtures/templates/vkishore-test-tf and fixtures/hcl/qubole-customer-success-aws
// (see the fixtures README).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import type { PolicyRecord, Report } from '../../src/core/types.js';
import { discover } from '../../src/sources/discover.js';
import { initHcl } from '../../src/sources/hcl/index.js';
import { readInputs } from '../../src/sources/index.js';

const FIX = new URL('../fixtures/', import.meta.url).pathname;
const NOW = new Date('2026-12-07T00:00:00Z');

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A repository in a temporary directory: a fixture folder copied, and files written. */
function repo(files: Record<string, string>, fixture?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-tpl-'));
  roots.push(root);
  if (fixture) cpSync(join(FIX, fixture), root, { recursive: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const audit = (root: string, paths = ['.']) => runAudit({ root, paths, baseline: 'skypilot', now: NOW });
const inputs = (r: Report) => r.inputs.map((i) => [i.path, i.status, i.reason]);
const policy = (r: Report, id: string) => r.policies.find((p) => p.id === id);
/** The policies as read (their documents), by id. */
async function records(root: string): Promise<Map<string, PolicyRecord>> {
  await initHcl();
  const loaded = readInputs(root, discover(root, ['.']).files);
  return new Map(loaded.flatMap((l) => l.result.policies).map((p) => [p.id, p]));
}
const resources = (p: PolicyRecord | undefined) =>
  (p?.document as { Statement: { Resource: unknown }[] } | undefined)?.Statement.map((s) => s.Resource);

const POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::${bucket}/*' }],
  },
  null,
  2,
);

describe('a policy template named .tpl, .tftpl or .tmpl', () => {
  it('is read on its own (the fixture alone, and beside a .tf that does not read it)', async () => {
    const alone = await audit(repo({}, 'templates/vkishore-test-tf/policies'));
    expect(inputs(alone)).toEqual([['instancecombined_policy.tpl', 'audited', undefined]]);
    expect(alone.policies.map((p) => p.id)).toEqual(['instancecombined_policy.tpl']);

    const beside = await audit(repo({}, 'templates/vkishore-test-tf'));
    expect(inputs(beside)).toContainEqual(['policies/instancecombined_policy.tpl', 'audited', undefined]);
    expect(beside.policies.map((p) => p.id)).toContain('policies/instancecombined_policy.tpl');
  });

  it('is read whatever its template extension, with its interpolations as wildcards', async () => {
    const root = repo({ 'a.tpl': POLICY, 'b.tftpl': POLICY, 'c.tmpl': POLICY });
    const r = await audit(root);
    expect(inputs(r)).toEqual([
      ['a.tpl', 'audited', undefined],
      ['b.tftpl', 'audited', undefined],
      ['c.tmpl', 'audited', undefined],
    ]);
    const read = await records(root);
    expect([...read.keys()]).toEqual(['a.tpl', 'b.tftpl', 'c.tmpl']);
    for (const p of read.values())
      expect(p.approximate).toEqual(['a template: interpolations read as wildcards: ${bucket}']);
  });

  it('passes over templates that are no input (scripts, Helm helpers), listing a JSON one', async () => {
    const root = repo({
      'user_data.tpl': '#!/bin/bash\necho "${cluster_name}" > /etc/cluster\n',
      'charts/app/templates/_helpers.tpl': '{{- define "app.name" -}}\n{{ .Chart.Name }}\n{{- end }}\n',
      'nginx.conf.tmpl': 'server {\n  listen ${port};\n  %{ if tls }ssl on;%{ endif }\n}\n',
      'containers.tpl': '[{"name": "app", "image": "${image}"}]',
      'policy.tpl': POLICY,
      // Holding a policy's keys, yet no JSON document: a script that writes a policy, a Helm
      // helper that renders one (a review: each failed the check as JSON that does not parse).
      'userdata.sh.tpl':
        '#!/bin/bash\ncat > /tmp/p.json <<JSON\n{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${bucket}/*"}]}\nJSON\naws iam put-role-policy --role-name x --policy-name y --policy-document file:///tmp/p.json\n',
      'chart/templates/_policy.tpl':
        '{{- define "chart.policy" -}}\n{ "Version": "2012-10-17", "Statement": [ {"Effect": "Allow", "Action": {{ .Values.actions | toJson }}, "Resource": "arn:aws:s3:::{{ .Values.bucket }}/*"} ] }\n{{- end -}}\n',
    });
    const r = await audit(root);
    expect(inputs(r)).toEqual([
      [
        'containers.tpl',
        'skipped',
        'not an IAM policy, Terraform plan, state or JSON configuration, or authorization-details file',
      ],
      ['policy.tpl', 'audited', undefined],
    ]);
  });

  // No policy until rendered (a `%{ if }` directive): told as rendered where a `.tf` renders it,
  // not "audit what it renders" beside the policy it renders, audited (a review).
  it('no JSON until rendered, and rendered by a .tf policy: said so', async () => {
    const root = repo({
      'main.tf':
        'resource "aws_iam_policy" "p" {\n  name   = "p"\n  policy = templatefile("${path.module}/policy.tmpl", { extra = true })\n}\n',
      'policy.tmpl':
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}%{ if extra },\n    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}%{ endif }\n  ]\n}\n',
    });
    const r = await audit(root);
    expect(inputs(r)).toContainEqual([
      'policy.tmpl',
      'skipped',
      'rendered by main.tf aws_iam_policy.p with templatefile(): its policy is audited there, as rendered',
    ]);
    expect(policy(r, 'main.tf#aws_iam_policy.p')?.status).toBe('audited');
  });

  it('is skipped as rendered where a templatefile() of it renders a .tf policy, not audited twice', async () => {
    const root = repo({
      'main.tf':
        'resource "aws_iam_policy" "p" {\n  name   = "p"\n  policy = templatefile("${path.module}/policies/p.tpl", { bucket = "data" })\n}\n',
      'policies/p.tpl': POLICY,
    });
    const r = await audit(root);
    expect(inputs(r)).toContainEqual([
      'policies/p.tpl',
      'skipped',
      'rendered by main.tf aws_iam_policy.p with templatefile(): its policy is audited there, as rendered',
    ]);
    expect(r.policies.map((p) => p.id)).toEqual(['main.tf#aws_iam_policy.p']);
  });
});

describe('data "template_file"', () => {
  it("renders Qubole's templates (Terraform 0.11: a vars block), each policy with its address", async () => {
    const root = repo({}, 'hcl/qubole-customer-success-aws');
    const r = await audit(root);
    const read = await records(root);
    const compute = read.get('policies.tf#aws_iam_policy.computepolicy');
    expect(compute).toMatchObject({ status: 'resolved', address: 'aws_iam_policy.computepolicy' });
    expect(compute?.approximate).toBeUndefined();
    expect(JSON.stringify(compute?.document)).toContain('ec2:RequestSpotInstances');
    // (the policy where it is assigned, its statement where it is written: in the template)
    expect(compute).toMatchObject({
      line: 15,
      statementLines: [4],
      statementFiles: ['policies/compute-policy.json.tpl'],
    });
    // (var.defaultBucket is declared in a file the fixture does not have: not known, a wildcard)
    const s3 = read.get('policies.tf#aws_iam_policy.s3policy');
    expect(s3?.status).toBe('resolved');
    expect(resources(s3)).toEqual([
      [
        'arn:aws:s3:::<var.defaultBucket>/*',
        'arn:aws:s3:::<var.defaultBucket>',
        'arn:aws:s3:::paid-qubole',
        'arn:aws:s3:::paid-qubole/*',
      ],
    ]);
    expect(read.get('role/iam.tf#aws_iam_policy.qubole-crossaccount-policy')?.status).toBe('resolved');
    const trust = [...read.values()].find((p) => p.address === 'aws_iam_role.qdsrole' && p.kind === 'trust');
    expect(trust?.status).toBe('resolved');
    expect(JSON.stringify(trust?.document)).toContain('sts:ExternalId');
    expect(policy(r, 'policies.tf#aws_iam_policy.computepolicy')?.status).toBe('audited');
    // Each template: rendered by the policy that uses it, audited there only.
    const by = (file: string, address: string, data: string) =>
      `rendered by ${file} ${address} with ${data}: its policy is audited there, as rendered`;
    expect(inputs(r).filter(([p]) => String(p).endsWith('.tpl'))).toEqual([
      [
        'policies/compute-policy.json.tpl',
        'skipped',
        by('policies.tf', 'aws_iam_policy.computepolicy', 'data.template_file.computePolicy'),
      ],
      [
        'policies/storage-policy.json.tpl',
        'skipped',
        by('policies.tf', 'aws_iam_policy.s3policy', 'data.template_file.storagePolicy'),
      ],
      [
        'role/cross_account_role.json.tpl',
        'skipped',
        by('role/iam.tf', 'aws_iam_role.qdsrole', 'data.template_file.crossAccountPolicy'),
      ],
      [
        'role/iam_role.json.tpl',
        'skipped',
        by('role/iam.tf', 'aws_iam_policy.qubole-crossaccount-policy', 'data.template_file.rolePolicy'),
      ],
    ]);
    expect(r.policies.filter((p) => p.path.endsWith('.tpl'))).toEqual([]);
  });

  it('renders its vars (a map), an inline template, and an instance of a count', async () => {
    const root = repo({
      'main.tf': [
        'data "template_file" "p" {',
        '  template = file("${path.module}/policy.json.tpl")',
        '  vars = {',
        '    bucket = "data"',
        '  }',
        '}',
        'data "template_file" "inline" {',
        '  template = <<EOF',
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::$${bucket}/*"}]}',
        'EOF',
        '  vars = { bucket = "logs" }',
        '}',
        'data "template_file" "each" {',
        '  count    = 2',
        '  template = file("${path.module}/policy.json.tpl")',
        '  vars     = { bucket = "b${count.index}" }',
        '}',
        'resource "aws_iam_policy" "a" {',
        '  name   = "a"',
        '  policy = data.template_file.p.rendered',
        '}',
        'resource "aws_iam_role_policy" "i" {',
        '  role   = "r"',
        '  policy = "${data.template_file.inline.rendered}"',
        '}',
        'resource "aws_iam_policy" "c" {',
        '  name   = "c"',
        '  policy = data.template_file.each[1].rendered',
        '}',
        '',
      ].join('\n'),
      'policy.json.tpl': POLICY,
    });
    const r = await audit(root);
    const read = await records(root);
    expect(resources(read.get('main.tf#aws_iam_policy.a'))).toEqual(['arn:aws:s3:::data/*']);
    expect(resources(read.get('main.tf#aws_iam_role_policy.i'))).toEqual(['arn:aws:s3:::logs/*']);
    expect(resources(read.get('main.tf#aws_iam_policy.c'))).toEqual(['arn:aws:s3:::b1/*']);
    // (the file's lines: the statement where it is written in the template)
    expect(read.get('main.tf#aws_iam_policy.a')).toMatchObject({
      statementLines: [4],
      statementFiles: ['policy.json.tpl'],
    });
    expect(inputs(r)).toContainEqual([
      'policy.json.tpl',
      'skipped',
      'rendered by main.tf aws_iam_policy.a with data.template_file.p (as every use of it): its policy is audited there, as rendered',
    ]);
  });

  it('is unresolved with the reason when its vars or its template are not known, its file audited on its own', async () => {
    const r = await audit(
      repo({
        'main.tf': [
          'variable "vars" {}',
          'variable "template" {}',
          'data "template_file" "unknown_vars" {',
          '  template = file("${path.module}/policy.json.tpl")',
          '  vars     = var.vars',
          '}',
          'data "template_file" "lacking" {',
          '  template = file("${path.module}/policy.json.tpl")',
          '  vars     = { other = "x" }',
          '}',
          'data "template_file" "unknown_template" {',
          '  template = var.template',
          '}',
          'resource "aws_iam_policy" "a" {',
          '  name   = "a"',
          '  policy = data.template_file.unknown_vars.rendered',
          '}',
          'resource "aws_iam_policy" "b" {',
          '  name   = "b"',
          '  policy = data.template_file.lacking.rendered',
          '}',
          'resource "aws_iam_policy" "c" {',
          '  name   = "c"',
          '  policy = data.template_file.unknown_template.rendered',
          '}',
          'data "template_file" "cycle" {',
          '  template = file("${path.module}/policy.json.tpl")',
          '  vars     = { bucket = data.template_file.cycle.rendered }',
          '}',
          'resource "aws_iam_policy" "d" {',
          '  name   = "d"',
          '  policy = data.template_file.cycle.rendered',
          '}',
          '',
        ].join('\n'),
        'policy.json.tpl': POLICY,
      }),
    );
    expect(policy(r, 'main.tf#aws_iam_policy.a')).toMatchObject({
      status: 'unresolved',
      reason:
        'policy could not be evaluated: data.template_file.unknown_vars: its vars are not known here (var.vars) (main.tf:5)',
    });
    expect(policy(r, 'main.tf#aws_iam_policy.b')).toMatchObject({
      status: 'unresolved',
      reason: expect.stringMatching(
        /^policy could not be evaluated: data\.template_file\.lacking \(template policy\.json\.tpl\): bucket is not one of the template's variables/,
      ),
    });
    expect(policy(r, 'main.tf#aws_iam_policy.c')).toMatchObject({
      status: 'unresolved',
      reason:
        'policy could not be evaluated: data.template_file.unknown_template: its template is not known here (var.template) (main.tf:12)',
    });
    expect(policy(r, 'main.tf#aws_iam_policy.d')).toMatchObject({
      status: 'unresolved',
      reason: expect.stringContaining('data.template_file.cycle refers to itself'),
    });
    // Not rendered: the template is audited on its own, as for a templatefile() not rendered.
    expect(inputs(r)).toContainEqual(['policy.json.tpl', 'audited', undefined]);
    expect(r.policies.map((p) => p.id)).toContain('policy.json.tpl');
  });
});
