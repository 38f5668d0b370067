import { readFileSync } from 'node:fs';
import { resolveManagedPolicy } from '../../src/sources/managed-policies.js';
import { TERRAFORM_POLICY_ATTRIBUTES, scanTemplate } from '../../src/sources/terraform/index.js';
import { isTerraformJson, terraformJsonParser } from '../../src/sources/tf-json.js';
import { terraformPlanParser } from '../../src/sources/tf-plan.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

const DIR = new URL('../fixtures/tf-json/', import.meta.url);

function load(name: string): { text: string; result: InputResult } {
  const text = readFileSync(new URL(name, DIR), 'utf8');
  const json: unknown = JSON.parse(text);
  expect(terraformJsonParser.detect(json, name)).toBe(true);
  expect(terraformPlanParser.detect(json, name)).toBe(false);
  return { text, result: terraformJsonParser.parse({ path: `tf-json/${name}`, text }, json) };
}

function parseObject(obj: unknown): InputResult {
  const text = JSON.stringify(obj, null, 2);
  return terraformJsonParser.parse({ path: 'main.tf.json', text }, JSON.parse(text));
}

function summary(r: InputResult): [string, string, string][] {
  return r.policies.map((p) => [p.id.slice(p.path.length + 1), p.status, p.kind]);
}

function byId(r: InputResult, suffix: string): PolicyRecord {
  const hit = r.policies.find((p) => p.id === `${p.path}#${suffix}`);
  if (!hit) throw new Error(`no record ${suffix}`);
  return hit;
}

function statements(doc: unknown): Record<string, unknown>[] {
  return (doc as { Statement: Record<string, unknown>[] }).Statement;
}

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not found`);
  return text.slice(0, i).split('\n').length;
}

describe('CDKTF output from the corpus', () => {
  it('aws-samples ec2RuntimeMonitor: every policy, interpolations read as wildcards', () => {
    const { text, result } = load('aws-samples-ec2RuntimeMonitor__cdk.tf.json');
    expect(result).toMatchObject({ kind: 'terraform-json', status: 'audited', errors: [] });
    const policies = ['compareTime', 'eventTarget', 'flows', 'init', 'scheduler', 'sfn1', 'sfn2'];
    expect(summary(result)).toEqual([
      ...policies.map((p): [string, string, string] => [`aws_iam_policy.${p}Policy`, 'resolved', 'identity']),
      ...policies.map((p): [string, string, string] => [
        `aws_iam_role.${p}Role#assume_role_policy`,
        'resolved',
        'trust',
      ]),
      ['aws_kms_key.cmk', 'resolved', 'resource'],
      ['arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess', 'resolved', 'identity'],
    ]);
    const compare = byId(result, 'aws_iam_policy.compareTimePolicy');
    expect(compare.name).toBe('compareTime');
    // (the region, a data source's attribute beside known text: one value; the account of
    // aws_caller_identity, not resolved here, and the topic's whole ARN: wildcards)
    expect(compare.approximate).toEqual([
      'interpolations read as wildcards: ${data.aws_caller_identity.callerIdentity.account_id}, ${aws_sns_topic.snsDlqTopic.arn}',
      'read as one value each (a resource of yours, not every one; a value with a wildcard would grant more): ${data.aws_region.currentRegion.name}',
    ]);
    expect(statements(compare.document)[0]).toEqual({
      Effect: 'Allow',
      Action: 'logs:CreateLogGroup',
      Resource: 'arn:aws:logs:<data.aws_region.currentRegion.name>:*:*',
    });
    // An interpolation with quotes and parentheses inside it (trim(trimprefix(...), ":")).
    const event = byId(result, 'aws_iam_policy.eventTargetPolicy');
    expect(statements(event.document)[0]!.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'states:StateMachineQualifier': ['*'] },
    });
    expect(text.split('\n')[event.line! - 1]).toContain('"policy"');
    expect(event.jsonPath).toBe('$.resource.aws_iam_policy.eventTargetPolicy.policy');
    // Roles and their attachments (by reference to resources and to data.aws_iam_policy with an ARN).
    const role = result.principals!.find((p) => p.id === 'aws_iam_role.compareTimeRole')!;
    expect(
      role.policyIds.map((i) => i.slice('tf-json/aws-samples-ec2RuntimeMonitor__cdk.tf.json#'.length)),
    ).toEqual([
      'aws_iam_policy.compareTimePolicy',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
      'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
    ]);
    expect(result.principals).toHaveLength(7);
    expect(result.principals!.every((p) => p.unresolved.length === 0)).toBe(true);
  });

  it('fugue/regula cdktf posts-dev: inline policy with an interpolation, a managed attachment, no lambda permission', () => {
    const { result } = load('regula__cdktf_posts-dev.tf.json');
    expect(summary(result)).toEqual([
      ['aws_iam_role.posts_api_lambda-exec_B42627E0#assume_role_policy', 'resolved', 'trust'],
      ['aws_iam_role.posts_api_lambda-exec_B42627E0#inline_policy[AllowDynamoDB]', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'resolved', 'identity'],
    ]);
    const trust = result.policies[0]!;
    expect(trust.approximate).toBeUndefined();
    expect(trust.name).toBe('sls-example-post-api-lambda-exec-development');
    const inline = result.policies[1]!;
    expect(inline.approximate).toEqual([
      'interpolations read as wildcards: ${aws_dynamodb_table.posts_storage_table_50F8EECB.arn}',
    ]);
    expect(statements(inline.document)[0]!.Resource).toBe('*');
    expect(inline.jsonPath).toBe(
      '$.resource.aws_iam_role["posts_api_lambda-exec_B42627E0"].inline_policy[0].policy',
    );
    const managed = result.policies[2]!;
    expect(managed.document).toEqual(
      resolveManagedPolicy('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')!.document,
    );
    expect(result.principals).toEqual([
      expect.objectContaining({
        id: 'aws_iam_role.posts_api_lambda-exec_B42627E0',
        policyIds: [inline.id, managed.id],
        unresolved: [],
      }),
    ]);
    expect(JSON.stringify(result)).not.toContain('aws_lambda_permission');
  });
});

describe('Terraform JSON forms (written for this project)', () => {
  const { text, result } = load('written__forms.tf.json');

  it('lists every policy with its status and kind', () => {
    expect(result.errors).toEqual([]);
    expect(summary(result)).toEqual([
      ['aws_iam_policy.templated', 'resolved', 'identity'],
      ['aws_iam_role.app#assume_role_policy', 'resolved', 'trust'],
      ['aws_iam_role.other#assume_role_policy', 'unresolved', 'trust'],
      ['aws_iam_role.other#inline_policy[own]', 'resolved', 'identity'],
      ['aws_iam_role_policy.reader', 'resolved', 'identity'],
      ['aws_iam_role_policy.encoded', 'unresolved', 'identity'],
      ['aws_iam_role_policy.from_file', 'unresolved', 'identity'],
      ['aws_iam_role_policy.dynamic', 'unresolved', 'identity'],
      ['aws_s3_bucket_policy.data', 'resolved', 'resource'],
      ['data.aws_iam_policy_document.standalone', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'resolved', 'identity'],
    ]);
  });

  it('gives unresolved policies a reason', () => {
    expect(byId(result, 'aws_iam_role.other#assume_role_policy').reason).toBe(
      'assume_role_policy references data.aws_iam_policy_document.missing, which is not in this file',
    );
    expect(byId(result, 'aws_iam_role_policy.encoded').reason).toMatch(
      /^policy is computed by jsonencode\(\.\.\.\), which is not evaluated/,
    );
    expect(byId(result, 'aws_iam_role_policy.from_file').reason).toBe(
      'policy is computed by file(...), which is not evaluated (${file("policies/app.json")})',
    );
    expect(byId(result, 'aws_iam_role_policy.dynamic').reason).toBe(
      'policy references data.aws_iam_policy_document.from_variable, which has statements that are not known (dynamic "statement" over ${var.statements})',
    );
  });

  it('resolves a policy that is only a reference to a data source in the same file, with statement lines', () => {
    const reader = byId(result, 'aws_iam_role_policy.reader');
    expect(reader.approximate).toEqual([
      'rebuilt from data.aws_iam_policy_document.reader; interpolations read as wildcards: ${aws_s3_bucket.data.arn}',
    ]);
    expect(statements(reader.document)).toEqual([
      { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['*', '*/*'] },
      {
        Sid: 'Kms',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      },
      // dynamic "statement" over a literal list
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' },
      { Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: '*' },
    ]);
    const content = lineOf(text, '"content": { "actions": ["${statement.value}"]');
    expect(reader.statementLines).toEqual([
      lineOf(text, '"sid": "Read"') - 1,
      lineOf(text, '"sid": "Kms"') - 1,
      content,
      content,
    ]);
    expect(reader.line).toBe(lineOf(text, '"policy": "${data.aws_iam_policy_document.reader.json}"'));
  });

  it('reads a data source whose statement and principals are single objects', () => {
    const app = byId(result, 'aws_iam_role.app#assume_role_policy');
    expect(app.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } },
      ],
    });
    expect(app.approximate).toBeUndefined();
    expect(app.statementLines).toEqual([
      lineOf(text, '"statement": {\n            "actions": ["sts:AssumeRole"]'),
    ]);
  });

  it('replaces interpolations inside policy strings with * and notes them (a variable in what is not an ARN as written: not one value)', () => {
    const templated = byId(result, 'aws_iam_policy.templated');
    expect(statements(templated.document)).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: '*/uploads/*/*' },
    ]);
    expect(templated.approximate).toEqual([
      'interpolations read as wildcards: ${aws_s3_bucket.data.arn}, ${var.env}',
    ]);
    const bucket = byId(result, 'aws_s3_bucket_policy.data');
    expect(bucket.name).toBe('coiled-data-${var.env}');
    // A Deny's unknown resource is left out (read as `*/*` it would deny more than it may), and
    // the Deny with it, said so.
    expect(statements(bucket.document)).toEqual([]);
    expect(bucket.approximate?.join(' ')).toContain("left out: a Deny's resources that are not known");
  });

  it('reads $${...} as a literal ${...} (an IAM policy variable), exactly', () => {
    const own = byId(result, 'aws_iam_role.other#inline_policy[own]');
    expect(own.approximate).toBeUndefined();
    expect(statements(own.document)[0]!.Resource).toBe('arn:aws:s3:::home/${aws:username}/*');
    expect(own.jsonPath).toBe('$.resource.aws_iam_role[1].other.inline_policy.policy');
  });

  it('links roles to inline policies (by reference or name) and attachments (resources, data.aws_iam_policy by name)', () => {
    const F = 'tf-json/written__forms.tf.json#';
    const roles = Object.fromEntries(
      result.principals!.map((p) => [p.id, p.policyIds.map((i) => i.slice(F.length))]),
    );
    expect(roles).toEqual({
      'aws_iam_role.app': [
        'aws_iam_role_policy.reader',
        'aws_iam_role_policy.encoded',
        'aws_iam_role_policy.from_file',
        'aws_iam_policy.templated',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ],
      'aws_iam_role.other': [
        'aws_iam_role.other#inline_policy[own]',
        'aws_iam_role_policy.dynamic',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ],
    });
    expect(result.principals!.find((p) => p.id === 'aws_iam_role.app')!.name).toBe('coiled-app');
  });

  it('keeps an unused aws_iam_policy_document as a record of its own', () => {
    const s = byId(result, 'data.aws_iam_policy_document.standalone');
    expect(statements(s.document)).toEqual([{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }]);
    expect(s.statementLines).toEqual([lineOf(text, '"statement": [{ "actions": ["logs:PutLogEvents"]')]);
  });
});

describe('Terraform JSON edge cases', () => {
  it('detects *.tf.json by its top-level blocks', () => {
    expect(isTerraformJson({ resource: {} }, 'main.tf.json')).toBe(true);
    expect(isTerraformJson({ '//': 'x', terraform: {} }, 'infra/cdk.tf.json')).toBe(true);
    // Terraform reads JSON configuration only from *.tf.json: another file is Terraform JSON only
    // when it declares AWS resources or data sources (an app config with `output` is not).
    expect(isTerraformJson({ output: { path: 'dist' }, variable: 'x' }, 'app/config.json')).toBe(false);
    expect(isTerraformJson({ resource: {} }, 'config.json')).toBe(false);
    expect(isTerraformJson({ resource: { aws_iam_policy: { p: {} } } }, 'generated.json')).toBe(true);
    expect(isTerraformJson({ data: [{ aws_iam_policy_document: {} }] }, 'x.json')).toBe(true);
    expect(isTerraformJson({ format_version: '1.0', values: {} })).toBe(false);
    expect(isTerraformJson({ Version: '2012-10-17', Statement: [] })).toBe(false);
    expect(isTerraformJson({ RoleDetailList: [], output: {} })).toBe(false);
  });

  it('reads resource as an array of objects, skips // keys and reports duplicates with their place', () => {
    const policy =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
    const r = parseObject({
      resource: [
        { '//': { note: 'comment' }, aws_iam_policy: { a: { '//': 'comment', policy } } },
        { aws_iam_policy: [{ b: { policy } }, { a: { policy } }] },
        {
          '// another': 1,
          aws_sns_topic_policy: { t: { arn: 'arn:aws:sns:us-east-1:123456789012:alerts', policy } },
        },
      ],
    });
    expect(summary(r)).toEqual([
      ['aws_iam_policy.a', 'resolved', 'identity'],
      ['aws_iam_policy.b', 'resolved', 'identity'],
      ['aws_sns_topic_policy.t', 'resolved', 'resource'],
    ]);
    expect(r.policies[2]!.name).toBe('alerts');
    expect(r.errors).toEqual([
      expect.objectContaining({
        jsonPath: '$.resource[1].aws_iam_policy[1].a',
        message: 'aws_iam_policy.a is defined more than once',
      }),
    ]);
    expect(r.errors[0]!.line).toBeGreaterThan(1);
  });

  it('a policy that is a variable or an unknown data source is unresolved with the reason', () => {
    const r = parseObject({
      resource: {
        aws_iam_policy: {
          v: { policy: '${var.policy}' },
          w: { policy: '${data.aws_iam_policy_document.nope.json}' },
          x: { policy: '${var.a ? var.b : var.c}' },
          y: { policy: '{"Statement": ${jsonencode(local.statements)}}' },
        },
      },
    });
    expect(r.policies.map((p) => p.reason)).toEqual([
      'policy is the value of var.policy, which has no value in the files read (its value is given when Terraform runs: by -var, -var-file or the calling module)',
      'policy references data.aws_iam_policy_document.nope, which is not in this file',
      'policy is computed by an expression that is not evaluated (${var.a ? var.b : var.c})',
      'policy is a template that is not a JSON object once its interpolations read as wildcards (${jsonencode(local.statements)})',
    ]);
  });

  it('leaves out the statements and conditions of a policy template that are not known, said so', () => {
    const r = parseObject({
      resource: {
        aws_iam_policy: {
          a: {
            policy:
              '{"Statement": ["${var.first}", {"Effect": "Allow", "Action": "iam:*", "Resource": "*", "Condition": {"${var.op}": {"aws:SourceVpc": "vpc-1"}}}, {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"${var.key}": "x"}}}]}',
          },
        },
      },
    });
    const a = byId(r, 'aws_iam_policy.a');
    expect(statements(a.document)).toEqual([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    expect(a.approximate).toEqual([
      "left out: a Deny's condition that is not known (a Deny is never read broader than written: that would hide what the policy grants); findings it might remove are still reported",
      "left out: statements that are not known (${var.first}); the policy's other statements are audited",
      'left out: conditions that are not known (${var.op}); their statements are audited as granted without them',
    ]);
  });

  it('reports a block that is neither an object nor an array, and audits the rest', () => {
    const r = parseObject({
      resource: 7,
      data: { aws_iam_policy_document: { d: { statement: { actions: ['s3:*'] } } } },
    });
    expect(r.status).toBe('audited');
    expect(r.errors.map((e) => e.jsonPath)).toEqual(['$.resource']);
    expect(summary(r)).toEqual([['data.aws_iam_policy_document.d', 'resolved', 'identity']]);
    expect(terraformJsonParser.parse({ path: 'x', text: '"x"' }, 'x')).toMatchObject({ status: 'error' });
  });

  it('merges source_policy_documents with the statements that override them by Sid', () => {
    const r = parseObject({
      data: {
        aws_iam_policy_document: {
          base: { statement: { sid: 'A', actions: ['s3:GetObject'], resources: ['*'] } },
          combined: {
            source_policy_documents: [
              '${data.aws_iam_policy_document.base.json}',
              '{"Statement":[{"Sid":"C","Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}',
            ],
            statement: [
              { sid: 'A', actions: ['s3:PutObject'], resources: ['*'] },
              { sid: 'B', actions: ['sqs:*'], resources: ['*'] },
            ],
          },
        },
      },
      resource: { aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.combined.json}' } } },
    });
    expect(summary(r)).toEqual([['aws_iam_policy.p', 'resolved', 'identity']]);
    expect(statements(r.policies[0]!.document)).toEqual([
      { Sid: 'C', Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
      { Sid: 'A', Effect: 'Allow', Action: 's3:PutObject', Resource: '*' },
      { Sid: 'B', Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
    ]);
    expect(r.policies[0]!.statementLines).toHaveLength(3);
  });

  it('zero policies is audited, with the reason', () => {
    const r = parseObject({
      terraform: { required_providers: {} },
      resource: { aws_s3_bucket: { b: { bucket: 'b' } } },
    });
    expect(r).toMatchObject({ status: 'audited', reason: 'no IAM policies in this file', policies: [] });
  });

  it('scans templates with quotes, nested braces and escapes', () => {
    expect(scanTemplate('a${x["}"]}b$${c}%%{d}${f("${g}")}').parts).toEqual([
      { literal: 'a' },
      { expr: 'x["}"]', raw: '${x["}"]}', directive: false },
      { literal: 'b${c}%{d}' },
      { expr: 'f("${g}")', raw: '${f("${g}")}', directive: false },
    ]);
    expect(scanTemplate('${unterminated').error).toMatch(/unterminated/);
  });

  it('exports the table of policy-holding resource types', () => {
    expect(TERRAFORM_POLICY_ATTRIBUTES.aws_iam_role).toEqual({
      assume_role_policy: 'trust',
      'inline_policy[].policy': 'identity',
    });
    expect(TERRAFORM_POLICY_ATTRIBUTES.aws_cloudwatch_log_resource_policy).toEqual({
      policy_document: 'resource',
    });
    expect('aws_lambda_permission' in TERRAFORM_POLICY_ATTRIBUTES).toBe(false);
  });
});
