// The held-out inputs of the benchmark (bench/bench.mjs): a `terraform show -json` plan of N IAM
// policies in which no two statements are the same, so that nothing an engine shares between
// equal statements (a statement memo) can flatter it; and two pathological single policies (one
// with 10,000 condition keys, one with 1,800 resource ARNs under `ec2:*`). Deterministic from a seed.
//
// A diverse policy has 1 to 12 statements. A statement names one service (70%) or two or three,
// drawn from the 40 services below (all in the bundled action catalog, src/generated/catalog-data.ts,
// read here the way src/policy/catalog.ts reads it), and mixes, per service, named actions of the
// catalog with wildcards made from the catalog's own verbs (`ec2:Describe*`, `s3:Get*`, `s3:*`).
// 5% of the policies hold one `NotAction` statement (all but a few services, on `*`), 5% one Deny
// statement. Every statement has resources of its own: ARNs built
// from the catalog's ARN formats of its services with a unique name (a `NotAction` statement keeps
// `Resource: "*"` and gets a condition with a unique value instead); 15% more carry a condition.
// The generator checks that no statement text repeats.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { rng } from './generate.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

/** Bump when the shape of the generated inputs changes (cached inputs are then regenerated). */
export const DIVERSE_VERSION = 1;

const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const PROVIDER = 'registry.terraform.io/hashicorp/aws';

/** Services the statements draw from (those missing from the catalog are skipped). */
const SERVICES = [
  'ec2',
  's3',
  'iam',
  'lambda',
  'dynamodb',
  'sqs',
  'sns',
  'kms',
  'logs',
  'cloudwatch',
  'ecr',
  'ecs',
  'eks',
  'rds',
  'secretsmanager',
  'ssm',
  'states',
  'events',
  'kinesis',
  'firehose',
  'glue',
  'athena',
  'sagemaker',
  'cloudformation',
  'elasticfilesystem',
  'elasticloadbalancing',
  'autoscaling',
  'route53',
  'apigateway',
  'codebuild',
  'codepipeline',
  'batch',
  'redshift',
  'es',
  'elasticache',
  'acm',
  'cognito-idp',
  'xray',
  'backup',
  'sts',
];

/** Verbs wildcards are made of, when the service has actions starting with them. */
const VERBS = [
  'Describe',
  'Get',
  'List',
  'Put',
  'Create',
  'Delete',
  'Update',
  'Tag',
  'Untag',
  'Batch',
  'Start',
  'Stop',
];

/** The services of the bundled catalog with their actions, wildcards and ARN formats. */
function catalogServices() {
  const ts = readFileSync(join(ROOT, 'src', 'generated', 'catalog-data.ts'), 'utf8');
  const from = ts.indexOf('CATALOG_GZIP_BASE64 =');
  const decl = ts.slice(from, ts.indexOf(';', from));
  const b64 = [...decl.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join('');
  const text = gunzipSync(Buffer.from(b64, 'base64')).toString('utf8');
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, nl));
  const bodies = new Map();
  let at = nl + 1;
  for (const [key, , length] of header.services) {
    if (SERVICES.includes(key)) bodies.set(key, JSON.parse(text.slice(at, at + length)));
    at += length;
  }
  const out = [];
  for (const key of SERVICES) {
    const body = bodies.get(key);
    if (!body) continue;
    const actions = body.a.map((a) => a[0]);
    const wildcards = VERBS.filter((v) => actions.some((a) => a.startsWith(v))).map((v) => `${key}:${v}*`);
    // Formats that name something (a variable other than partition, region and account), so every
    // ARN made of them can be unique.
    const formats = body.r
      .map(([, arn]) => arn)
      .filter((arn) => arn.startsWith('arn:') && /\$\{(?!Partition\}|Region\}|Account\})[^}]+\}/.test(arn));
    if (actions.length && formats.length) out.push({ key, actions, wildcards, formats });
  }
  return out;
}

/** A condition with values from `r`; `u` makes the value unique where asked. */
const CONDITIONS = [
  (r) => ({ StringEquals: { 'aws:RequestedRegion': r.some(REGIONS, 1, 3) } }),
  (r) => ({ StringLike: { 's3:prefix': [`home/${r.hex(6)}/*`, 'shared/*'] } }),
  (r) => ({ IpAddress: { 'aws:SourceIp': [`10.${r.int(0, 255)}.0.0/16`] } }),
  (r) => ({
    StringEquals: { 'aws:ResourceTag/team': r.chance(0.5) ? '${aws:PrincipalTag/team}' : `team-${r.hex(4)}` },
  }),
  () => ({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }),
  () => ({ Bool: { 'aws:SecureTransport': 'true' } }),
  (r) => ({ ArnLike: { 'aws:SourceArn': `arn:aws:sns:${r.pick(REGIONS)}:${ACCOUNT}:*` } }),
  (r) => ({ NumericLessThan: { 'aws:MultiFactorAuthAge': String(r.int(1, 24) * 600) } }),
  (r) => ({
    StringEqualsIfExists: {
      'ec2:InstanceType': r.some(['t3.micro', 't3.small', 'm5.large', 'c6i.xlarge'], 1, 3),
    },
  }),
  (r) => ({
    StringEquals: {
      'iam:AWSServiceName': r.pick(['spot.amazonaws.com', 'ecs.amazonaws.com', 'autoscaling.amazonaws.com']),
    },
  }),
];

/** An ARN of `format` with every variable filled: a unique name where the format names something. */
function arnOf(r, format, uid) {
  return format.replace(/\$\{([^}]+)\}/g, (_m, v) => {
    if (v === 'Partition') return 'aws';
    if (v === 'Region') return r.pick(REGIONS);
    if (v === 'Account') return ACCOUNT;
    return `${v.replace(/Name$|Id$/, '').toLowerCase() || 'x'}-${uid}`;
  });
}

function makeStatementMaker(r) {
  const services = catalogServices();
  if (services.length < 6) throw new Error(`bench: only ${services.length} services found in the catalog`);
  let uid = 0;
  const nextUid = () => (uid++).toString(36) + r.hex(3);
  /** A statement: `deny` Deny, `notAction` an admin-like NotAction statement. */
  return function statement(si, { deny = false, notAction = false } = {}) {
    const st = {};
    if (r.chance(0.5)) st.Sid = `S${si}`;
    st.Effect = deny ? 'Deny' : 'Allow';
    if (notAction) {
      // An admin-like NotAction statement: everything but a few services, on every resource.
      st.NotAction = r
        .some(services, 1, 4)
        .map((s) =>
          r.chance(0.7) ? `${s.key}:*` : r.pick(s.wildcards.length ? s.wildcards : [`${s.key}:*`]),
        );
      st.Resource = '*';
      st.Condition = { StringEquals: { 'aws:PrincipalTag/cost-center': `cc-${nextUid()}` } };
      return st;
    }
    const svcs = r.some(services, r.chance(0.7) ? 1 : 2, 3);
    const actions = new Set();
    for (const s of svcs) {
      const k = r.int(1, 5);
      for (let j = 0; j < k; j++) {
        const x = r.next();
        if (x < 0.04) actions.add(`${s.key}:*`);
        else if (x < 0.25 && s.wildcards.length) actions.add(r.pick(s.wildcards));
        else actions.add(`${s.key}:${r.pick(s.actions)}`);
      }
    }
    st.Action = actions.size === 1 && r.chance(0.5) ? [...actions][0] : [...actions];
    const resources = [];
    const n = r.int(1, 2);
    for (let j = 0; j < n; j++) resources.push(arnOf(r, r.pick(r.pick(svcs).formats), nextUid()));
    st.Resource = resources.length === 1 && r.chance(0.5) ? resources[0] : resources;
    if (r.chance(0.15)) st.Condition = r.pick(CONDITIONS)(r);
    return st;
  };
}

class Out {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.buf = [];
    this.len = 0;
  }
  w(s) {
    this.buf.push(s);
    this.len += s.length;
    if (this.len > 1 << 20) this.flush();
  }
  flush() {
    if (!this.buf.length) return;
    writeSync(this.fd, Buffer.from(this.buf.join('')));
    this.buf = [];
    this.len = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Writes the diverse plan of `policies` policies to `path`: `aws_iam_policy.p[i]` (count), each in
 * planned_values and in resource_changes (create), as `terraform show -json` prints a plan that
 * creates them (compact, one line). Returns { bytes, statements }.
 */
export function generateDiversePlan(path, { seed, policies }) {
  mkdirSync(dirname(path), { recursive: true });
  const r = rng(seed ^ 0x5eed_d1);
  const statement = makeStatementMaker(r);
  const seen = new Set();
  let statements = 0;
  const docs = [];
  for (let i = 0; i < policies; i++) {
    const n = r.int(1, 12);
    // 5% of the policies hold one NotAction statement, 5% one Deny statement.
    const notAt = r.chance(0.05) ? r.int(0, n - 1) : -1;
    const denyAt = r.chance(0.05) ? r.int(0, n - 1) : -1;
    const list = [];
    for (let j = 0; j < n; j++) {
      const st = statement(j, { deny: j === denyAt, notAction: j === notAt });
      const text = JSON.stringify({ ...st, Sid: undefined }); // the content, whatever its Sid
      if (seen.has(text)) throw new Error(`bench: the diverse generator repeated a statement: ${text}`);
      seen.add(text);
      list.push(st);
    }
    statements += n;
    docs.push(JSON.stringify({ Version: '2012-10-17', Statement: list }));
  }
  const values = (i) => ({
    name: `diverse-${String(i).padStart(6, '0')}`,
    name_prefix: null,
    path: '/',
    description: `generated policy ${i}`,
    policy: docs[i],
    tags: null,
  });
  const out = new Out(path);
  out.w('{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{"resources":[');
  for (let i = 0; i < policies; i++) {
    const v = values(i);
    out.w(
      `${i ? ',' : ''}${JSON.stringify({
        address: `aws_iam_policy.p[${i}]`,
        mode: 'managed',
        type: 'aws_iam_policy',
        name: 'p',
        index: i,
        provider_name: PROVIDER,
        schema_version: 0,
        values: v,
        sensitive_values: { tags_all: {} },
      })}`,
    );
  }
  out.w(']}},"resource_changes":[');
  for (let i = 0; i < policies; i++) {
    out.w(
      `${i ? ',' : ''}${JSON.stringify({
        address: `aws_iam_policy.p[${i}]`,
        mode: 'managed',
        type: 'aws_iam_policy',
        name: 'p',
        index: i,
        provider_name: PROVIDER,
        change: {
          actions: ['create'],
          before: null,
          after: values(i),
          after_unknown: { arn: true, id: true, policy_id: true, tags_all: true },
          before_sensitive: false,
          after_sensitive: { tags_all: {} },
        },
      })}`,
    );
  }
  const configuration = {
    provider_config: {
      aws: { name: 'aws', full_name: PROVIDER, expressions: { region: { constant_value: 'us-east-1' } } },
    },
    root_module: {
      resources: [
        {
          address: 'aws_iam_policy.p',
          mode: 'managed',
          type: 'aws_iam_policy',
          name: 'p',
          provider_config_key: 'aws',
          expressions: { name: {}, path: { constant_value: '/' }, policy: {} },
          schema_version: 0,
          count_expression: { constant_value: policies },
        },
      ],
    },
  };
  out.w(
    `],"configuration":${JSON.stringify(configuration)},"relevant_attributes":[],"timestamp":"2026-01-15T10:00:00Z","applyable":true,"complete":true,"errored":false}`,
  );
  out.close();
  return { bytes: statSync(path).size, statements };
}

/** One policy file whose one Allow statement has `keys` condition keys (short, so AWS's size holds). */
export function generateConditionKeysPolicy(path, { keys }) {
  mkdirSync(dirname(path), { recursive: true });
  const cond = {};
  for (let i = 0; i < keys; i++) cond[`k${i.toString(36)}`] = 'v';
  // iam:CreateServiceLinkedRole is one the skypilot baseline grants only under a condition
  // (iam:AWSServiceName), so the audit compares, merges and writes back the 10,000 keys.
  const doc = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:CreateServiceLinkedRole', 'ec2:RunInstances'],
        Resource: '*',
        Condition: { StringEquals: cond },
      },
    ],
  };
  const text = JSON.stringify(doc);
  const fd = openSync(path, 'w');
  writeSync(fd, text);
  closeSync(fd);
  return { bytes: Buffer.byteLength(text) };
}

/** One policy file granting `ec2:*` on `arns` instance ARNs. */
export function generateManyArnsPolicy(path, { arns }) {
  mkdirSync(dirname(path), { recursive: true });
  const list = [];
  for (let i = 0; i < arns; i++)
    list.push(`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-${i.toString(16).padStart(17, '0')}`);
  const text = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: list }],
  });
  const fd = openSync(path, 'w');
  writeSync(fd, text);
  closeSync(fd);
  return { bytes: Buffer.byteLength(text) };
}
