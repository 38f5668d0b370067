// Deterministic benchmark inputs (see bench/bench.mjs): a repository tree of standalone policy
// files bound to the built-in baselines by a configuration file, and one `terraform show -json`
// plan with IAM policies across nested modules among many non-IAM resources. Everything comes
// from a seeded PRNG: the same seed and scale give byte-identical files.
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

/** Bump when the shape of the generated inputs changes (cached inputs are then regenerated). */
export const GENERATOR_VERSION = 3;

// ---------------------------------------------------------------------------------------------
// PRNG (mulberry32) and helpers

export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    some: (arr, lo, hi) => {
      const n = Math.min(arr.length, r.int(lo, hi));
      const copy = [...arr];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy.slice(0, n);
    },
    hex: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(next() * 16)];
      return s;
    },
  };
  return r;
}

function hash(str) {
  let h = 2166136261;
  for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 16777619);
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const TEAMS = [
  'payments',
  'search',
  'identity',
  'data',
  'ml',
  'growth',
  'platform',
  'ledger',
  'mobile',
  'web',
  'infra',
  'security',
  'analytics',
  'support',
  'billing',
  'catalog',
];
const APPS = [
  'api',
  'worker',
  'ingest',
  'export',
  'scheduler',
  'gateway',
  'indexer',
  'reports',
  'notifier',
  'etl',
  'frontend',
  'batch',
  'stream',
  'auth',
  'cache',
  'audit',
];
const ENVS = ['dev', 'staging', 'prod', 'sandbox'];

/** Service -> [named actions, wildcard patterns, resource ARN builders]. Real catalog actions. */
const SERVICES = {
  s3: {
    named: [
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      's3:ListBucket',
      's3:GetBucketLocation',
      's3:GetObjectVersion',
      's3:PutObjectAcl',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
      's3:GetObjectTagging',
    ],
    wild: ['s3:Get*', 's3:List*', 's3:Put*', 's3:*Object', 's3:*'],
    arn: (r, t, a, e) =>
      r.pick([
        `arn:aws:s3:::${t}-${a}-${e}`,
        `arn:aws:s3:::${t}-${a}-${e}/*`,
        `arn:aws:s3:::${t}-${a}-${e}/home/\${aws:username}/*`,
        `arn:aws:s3:::${t}-shared-${e}/${a}/*`,
        `arn:aws:s3:::\${aws:PrincipalTag/team}-${e}-*`,
      ]),
  },
  dynamodb: {
    named: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DescribeTable',
      'dynamodb:ConditionCheckItem',
    ],
    wild: ['dynamodb:Get*', 'dynamodb:Batch*', 'dynamodb:Describe*', 'dynamodb:*'],
    arn: (r, t, a, e) =>
      r.pick([
        `arn:aws:dynamodb:${r.pick(REGIONS)}:${ACCOUNT}:table/${t}-${a}-${e}`,
        `arn:aws:dynamodb:${r.pick(REGIONS)}:${ACCOUNT}:table/${t}-${a}-${e}/index/*`,
        `arn:aws:dynamodb:*:${ACCOUNT}:table/${t}-*`,
      ]),
  },
  sqs: {
    named: [
      'sqs:SendMessage',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ChangeMessageVisibility',
    ],
    wild: ['sqs:*', 'sqs:Get*'],
    arn: (r, t, a, e) =>
      `arn:aws:sqs:${r.pick(REGIONS)}:${ACCOUNT}:${t}-${a}-${e}${r.chance(0.3) ? '-dlq' : ''}`,
  },
  sns: {
    named: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
    wild: ['sns:*', 'sns:Get*', 'sns:List*'],
    arn: (r, t, a, e) => `arn:aws:sns:${r.pick(REGIONS)}:${ACCOUNT}:${t}-${a}-${e}-events`,
  },
  logs: {
    named: [
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'logs:DescribeLogStreams',
      'logs:GetLogEvents',
      'logs:FilterLogEvents',
    ],
    wild: ['logs:*', 'logs:Describe*', 'logs:Get*'],
    arn: (r, t, a) =>
      r.pick([
        `arn:aws:logs:*:*:log-group:/aws/lambda/${t}-${a}:*`,
        `arn:aws:logs:${r.pick(REGIONS)}:${ACCOUNT}:log-group:/ecs/${t}/${a}:*`,
        '*',
      ]),
  },
  kms: {
    named: [
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:DescribeKey',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
    ],
    wild: ['kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:*'],
    arn: (r) =>
      `arn:aws:kms:${r.pick(REGIONS)}:${ACCOUNT}:key/${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`,
  },
  secretsmanager: {
    named: [
      'secretsmanager:GetSecretValue',
      'secretsmanager:DescribeSecret',
      'secretsmanager:ListSecretVersionIds',
    ],
    wild: ['secretsmanager:Get*', 'secretsmanager:*'],
    arn: (r, t, a, e) => `arn:aws:secretsmanager:${r.pick(REGIONS)}:${ACCOUNT}:secret:${e}/${t}/${a}/*`,
  },
  ssm: {
    named: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:DescribeParameters'],
    wild: ['ssm:GetParameter*', 'ssm:*'],
    arn: (r, t, a, e) => `arn:aws:ssm:${r.pick(REGIONS)}:${ACCOUNT}:parameter/${e}/${t}/${a}/*`,
  },
  ecr: {
    named: [
      'ecr:GetAuthorizationToken',
      'ecr:BatchGetImage',
      'ecr:GetDownloadUrlForLayer',
      'ecr:BatchCheckLayerAvailability',
      'ecr:PutImage',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
    ],
    wild: ['ecr:Get*', 'ecr:Batch*', 'ecr:*'],
    arn: (r, t, a) => r.pick([`arn:aws:ecr:${r.pick(REGIONS)}:${ACCOUNT}:repository/${t}/${a}`, '*']),
  },
  lambda: {
    named: [
      'lambda:InvokeFunction',
      'lambda:GetFunction',
      'lambda:UpdateFunctionCode',
      'lambda:GetFunctionConfiguration',
    ],
    wild: ['lambda:Get*', 'lambda:List*', 'lambda:*'],
    arn: (r, t, a, e) =>
      `arn:aws:lambda:${r.pick(REGIONS)}:${ACCOUNT}:function:${t}-${a}-${e}${r.chance(0.3) ? ':*' : ''}`,
  },
  ec2: {
    named: [
      'ec2:DescribeInstances',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:StartInstances',
      'ec2:StopInstances',
    ],
    wild: ['ec2:Describe*', 'ec2:*NetworkInterface*', 'ec2:Get*', 'ec2:*'],
    arn: (r) =>
      r.pick([
        '*',
        `arn:aws:ec2:${r.pick(REGIONS)}:${ACCOUNT}:instance/*`,
        `arn:aws:ec2:*:${ACCOUNT}:network-interface/*`,
      ]),
  },
  cloudwatch: {
    named: [
      'cloudwatch:PutMetricData',
      'cloudwatch:GetMetricData',
      'cloudwatch:ListMetrics',
      'cloudwatch:DescribeAlarms',
    ],
    wild: ['cloudwatch:Get*', 'cloudwatch:Describe*', 'cloudwatch:*'],
    arn: () => '*',
  },
  sts: {
    named: ['sts:AssumeRole', 'sts:GetCallerIdentity', 'sts:TagSession'],
    wild: ['sts:*'],
    arn: (r, t) =>
      r.pick([
        `arn:aws:iam::${ACCOUNT}:role/${t}-*`,
        `arn:aws:iam::${ACCOUNT}:role/\${aws:PrincipalTag/team}-deployer`,
        '*',
      ]),
  },
  iam: {
    named: ['iam:PassRole', 'iam:GetRole', 'iam:ListRoles', 'iam:CreateServiceLinkedRole'],
    wild: ['iam:Get*', 'iam:List*', 'iam:*'],
    arn: (r, t, a) =>
      r.pick([
        `arn:aws:iam::${ACCOUNT}:role/${t}-${a}-*`,
        `arn:aws:iam::${ACCOUNT}:role/service-role/*`,
        '*',
      ]),
  },
};
const SERVICE_NAMES = Object.keys(SERVICES);

const CONDITIONS = [
  () => ({ StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } }),
  () => ({ StringLike: { 's3:prefix': ['home/${aws:username}/*', 'shared/*'] } }),
  () => ({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }),
  () => ({ StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } }),
  () => ({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }),
  () => ({ Bool: { 'aws:SecureTransport': 'true' } }),
  () => ({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }),
  () => ({ ArnLike: { 'aws:SourceArn': `arn:aws:sns:*:${ACCOUNT}:*` } }),
  () => ({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }),
  () => ({ StringEqualsIfExists: { 'ec2:InstanceType': ['t3.micro', 't3.small', 'm5.large'] } }),
];

const DENIES = [
  () => ({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Action: 's3:*',
    Resource: '*',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }),
  () => ({
    Sid: 'DenyOutsideRegions',
    Effect: 'Deny',
    NotAction: ['iam:*', 'sts:*', 'cloudfront:*', 'route53:*', 'support:*'],
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
  }),
  () => ({
    Sid: 'DenyWithoutMFA',
    Effect: 'Deny',
    NotAction: ['iam:ChangePassword', 'iam:GetUser', 'iam:ListMFADevices', 'sts:GetSessionToken'],
    Resource: '*',
    Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  }),
  () => ({
    Effect: 'Deny',
    Action: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:DeleteRolePermissionsBoundary'],
    Resource: '*',
  }),
  () => ({
    Effect: 'Deny',
    Action: ['s3:DeleteBucket', 's3:PutBucketPolicy'],
    Resource: 'arn:aws:s3:::*-prod*',
  }),
];

function cap(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** An application's identity policy: named actions and wildcards over a few services. */
function appPolicy(r, team, app, env) {
  const statements = [];
  const n = r.int(1, 6);
  for (const svc of r.some(SERVICE_NAMES, n, n)) {
    const S = SERVICES[svc];
    const actions = [...r.some(S.named, 1, 5), ...(r.chance(0.35) ? [r.pick(S.wild)] : [])];
    const resources = [];
    for (let i = r.int(1, 3); i > 0; i--) resources.push(S.arn(r, team, app, env));
    const st = {};
    if (r.chance(0.7)) st.Sid = `${cap(app)}${cap(svc)}${r.int(1, 9)}`;
    st.Effect = 'Allow';
    st.Action = actions.length === 1 && r.chance(0.5) ? actions[0] : actions;
    st.Resource = [...new Set(resources)].length === 1 ? resources[0] : [...new Set(resources)];
    if (r.chance(0.25)) st.Condition = r.pick(CONDITIONS)();
    statements.push(st);
  }
  if (r.chance(0.02))
    statements.push({
      Sid: 'PowerUser',
      Effect: 'Allow',
      NotAction: ['iam:*', 'organizations:*', 'account:*'],
      Resource: '*',
    });
  if (r.chance(0.005)) statements.push({ Effect: 'Allow', Action: '*', Resource: '*' });
  if (r.chance(0.2)) statements.push(r.pick(DENIES)());
  return { Version: '2012-10-17', Statement: statements };
}

const VENDOR_ACCOUNTS = {
  coiled: '077742499581',
  datadog: '464622532012',
  lightly: '916419735646',
  anyscale: '525325868955',
};

function trustPolicy(r, vendor) {
  const st = {
    Effect: 'Allow',
    Action: r.chance(0.3) ? ['sts:AssumeRole', 'sts:TagSession'] : 'sts:AssumeRole',
  };
  if (vendor && VENDOR_ACCOUNTS[vendor]) {
    st.Principal = { AWS: `arn:aws:iam::${VENDOR_ACCOUNTS[vendor]}:root` };
    st.Condition = { StringEquals: { 'sts:ExternalId': r.hex(24) } };
  } else if (r.chance(0.6)) {
    st.Principal = {
      Service: r.pick([
        'lambda.amazonaws.com',
        'ecs-tasks.amazonaws.com',
        'ec2.amazonaws.com',
        'states.amazonaws.com',
      ]),
    };
  } else {
    st.Principal = { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` };
    st.Action = 'sts:AssumeRoleWithWebIdentity';
    st.Condition = {
      StringLike: { 'token.actions.githubusercontent.com:sub': `repo:example/${r.pick(APPS)}:*` },
    };
  }
  return { Version: '2012-10-17', Statement: [st] };
}

function bucketPolicy(r, bucket) {
  const statements = [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'AllowReaders',
      Effect: 'Allow',
      Principal: {
        AWS: [
          `arn:aws:iam::${ACCOUNT}:role/${r.pick(TEAMS)}-${r.pick(APPS)}-reader`,
          `arn:aws:iam::${ACCOUNT}:root`,
        ],
      },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    },
  ];
  if (r.chance(0.4))
    statements.push({
      Sid: 'AllowCloudFront',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket}/*`,
      Condition: {
        StringEquals: {
          'AWS:SourceArn': `arn:aws:cloudfront::${ACCOUNT}:distribution/E${r.hex(12).toUpperCase()}`,
        },
      },
    });
  return { Version: '2012-10-17', Statement: statements };
}

// ---------------------------------------------------------------------------------------------
// Vendor policies, from baselines/*.yml

let vendorCache;

/** The built-in baselines as written: id, sets (name, kind, statements), default sets, placeholders. */
export function vendorBaselines() {
  if (!vendorCache) {
    const dir = join(ROOT, 'baselines');
    vendorCache = readdirSync(dir)
      .filter((f) => f.endsWith('.yml'))
      .sort()
      .map((f) => {
        const y = parseYaml(readFileSync(join(dir, f), 'utf8'));
        return {
          id: y.id,
          sets: y.sets,
          defaultSets: y['default-sets'] ?? [],
          placeholders: Object.keys(y.placeholders ?? {}),
        };
      });
  }
  return vendorCache;
}

function substitute(value, r, bucket) {
  if (typeof value === 'string')
    return value
      .replaceAll('<account-ID-without-hyphens>', ACCOUNT)
      .replaceAll('{YOUR_BUCKET}', bucket)
      .replaceAll('datalake', bucket)
      .replaceAll('projects/farm-animals', `datasets/${r.pick(APPS)}`)
      .replaceAll('21.21.21.0/24', '10.20.0.0/16')
      .replaceAll('vpc-111bbb22', `vpc-${r.hex(8)}`);
  if (Array.isArray(value)) return value.map((v) => substitute(v, r, bucket));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, r, bucket)]));
  return value;
}

const EXTRAS = [
  () => ({ Sid: 'TeamExtras', Effect: 'Allow', Action: ['s3:*'], Resource: '*' }),
  () => ({ Sid: 'DebugAccess', Effect: 'Allow', Action: ['ec2:*', 'ssm:StartSession'], Resource: '*' }),
  () => ({ Sid: 'PassAnyRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }),
  () => ({ Effect: 'Allow', Action: ['logs:*', 'cloudwatch:*'], Resource: '*' }),
  () => ({
    Sid: 'Secrets',
    Effect: 'Allow',
    Action: 'secretsmanager:GetSecretValue',
    Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:\${aws:PrincipalTag/team}/*`,
  }),
  () => ({ Sid: 'Admin', Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }),
];

/** A vendor's policy as teams write it: the vendor's statements, often with additions or a removal. */
export function vendorPolicy(r, vendor) {
  const core = vendor.sets.filter((s) => s.kind !== 'optional');
  const optional = vendor.sets.filter((s) => s.kind === 'optional');
  const chosen = r.chance(0.5)
    ? vendor.sets.filter((s) => vendor.defaultSets.includes(s.name))
    : [...core, ...r.some(optional, 0, 2)];
  const bucket = `${r.pick(TEAMS)}-${r.pick(APPS)}-data`;
  let statements = chosen.flatMap((s) =>
    s.statements.map((st) => substitute(structuredClone(st), r, bucket)),
  );
  if (r.chance(0.3)) {
    // Drop one action (a missing permission)
    const st = r.pick(statements.filter((s) => Array.isArray(s.Action) && s.Action.length > 1));
    if (st) st.Action.splice(r.int(0, st.Action.length - 1), 1);
  }
  if (r.chance(0.6)) {
    // Weighted: broad service wildcards are common, an admin-like NotAction grant rare.
    const w = r.next();
    statements.push(EXTRAS[w < 0.25 ? 0 : w < 0.45 ? 1 : w < 0.65 ? 2 : w < 0.85 ? 3 : w < 0.97 ? 4 : 5]());
  }
  if (r.chance(0.25)) statements.push(r.pick(DENIES)());
  if (r.chance(0.15))
    statements = statements.map((s) =>
      s.Effect === 'Allow' && !s.Condition && r.chance(0.3) ? { ...s, Condition: r.pick(CONDITIONS)() } : s,
    );
  return { Version: '2012-10-17', Statement: statements };
}

function render(r, doc) {
  const style = r.next();
  if (style < 0.55) return `${JSON.stringify(doc, null, 2)}\n`;
  if (style < 0.8) return `${JSON.stringify(doc, null, 4)}\n`;
  if (style < 0.92) return JSON.stringify(doc);
  // The AWS CLI's `get-policy-version` output.
  return `${JSON.stringify({ PolicyVersion: { Document: doc, VersionId: `v${r.int(1, 5)}`, IsDefaultVersion: true, CreateDate: '2024-03-01T10:00:00+00:00' } }, null, 4)}\n`;
}

// ---------------------------------------------------------------------------------------------
// The repository tree

/**
 * `files` standalone policy files: 50% vendor policies (vendors/<id>/...), 35% application
 * policies (teams/...), 10% trust policies (roles/...), 5% bucket policies (buckets/...).
 * Returns { files, bytes }.
 */
export function generateRepo(dir, { seed, files }) {
  rmSync(dir, { recursive: true, force: true });
  const vendors = vendorBaselines();
  const r = rng(seed);
  let bytes = 0;
  const made = new Set();
  const write = (rel, text) => {
    const abs = join(dir, rel);
    const d = dirname(abs);
    if (!made.has(d)) {
      mkdirSync(d, { recursive: true });
      made.add(d);
    }
    writeFileSync(abs, text);
    bytes += Buffer.byteLength(text);
  };
  const dirName = (id) => id.replace('@', '-');
  for (let i = 0; i < files; i++) {
    const kind = r.next();
    const team = r.pick(TEAMS);
    const app = r.pick(APPS);
    const env = r.pick(ENVS);
    const n = String(i).padStart(6, '0');
    if (kind < 0.5) {
      const v = vendors[i % vendors.length];
      write(`vendors/${dirName(v.id)}/${team}-${env}/${app}-${n}.json`, render(r, vendorPolicy(r, v)));
    } else if (kind < 0.85) {
      write(`teams/${team}/${app}/${env}/policy-${n}.json`, render(r, appPolicy(r, team, app, env)));
    } else if (kind < 0.95) {
      const vendor = r.chance(0.2) ? r.pick(Object.keys(VENDOR_ACCOUNTS)) : undefined;
      write(
        `roles/${team}/${vendor ?? app}-${env}-${n}/trust-policy.json`,
        render(r, trustPolicy(r, vendor)),
      );
    } else {
      const bucket = `${team}-${app}-${env}-${n}`;
      write(`buckets/${team}/${bucket}/bucket-policy.json`, render(r, bucketPolicy(r, bucket)));
    }
  }
  // The configuration: each vendor directory held to its baseline.
  const audits = vendors.map((v, i) => {
    const core = v.sets.filter((s) => s.kind !== 'optional').map((s) => s.name);
    const sets = i % 2 === 0 ? v.defaultSets : core;
    return `  - baseline: ${v.id}\n    sets: [${sets.join(', ')}]\n    policies: ["vendors/${dirName(v.id)}/**"]\n`;
  });
  const config = `# Generated by bench/generate.mjs\nversion: 1\naccount-id: "${ACCOUNT}"\naudits:\n${audits.join('')}ignore:\n  - action: "ec2:DescribeRegions"\n    reason: "used by our own tooling"\n`;
  write('.github/iam-baseline-audit.yml', config);
  return { files, bytes };
}

// ---------------------------------------------------------------------------------------------
// The Terraform plan

const MANAGED = [
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
  'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
  'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
];

/** Non-IAM resources of a service, as the AWS provider plans them. */
function otherResources(r, team, app, env) {
  const name = `${team}-${app}-${env}`;
  const tags = {
    Team: team,
    App: app,
    Environment: env,
    ManagedBy: 'terraform',
    CostCenter: `cc-${r.int(1000, 9999)}`,
  };
  const out = [];
  out.push([
    'aws_lambda_function',
    'this',
    {
      architectures: ['arm64'],
      code_signing_config_arn: null,
      dead_letter_config: [],
      description: `${app} for ${team}`,
      environment: [
        {
          variables: Object.fromEntries(
            Array.from({ length: r.int(4, 14) }, (_, i) => [
              `${app.toUpperCase()}_SETTING_${i}`,
              r.hex(r.int(8, 40)),
            ]),
          ),
        },
      ],
      ephemeral_storage: [{ size: 512 }],
      file_system_config: [],
      filename: null,
      function_name: name,
      handler: 'index.handler',
      image_config: [],
      image_uri: null,
      kms_key_arn: null,
      layers: [],
      logging_config: [
        {
          application_log_level: '',
          log_format: 'Text',
          log_group: `/aws/lambda/${name}`,
          system_log_level: '',
        },
      ],
      memory_size: r.pick([128, 256, 512, 1024]),
      package_type: 'Zip',
      publish: false,
      replace_security_groups_on_destroy: null,
      replacement_security_group_ids: null,
      reserved_concurrent_executions: -1,
      runtime: r.pick(['nodejs20.x', 'python3.12', 'java21']),
      s3_bucket: `${team}-artifacts-${env}`,
      s3_key: `${app}/${r.hex(40)}.zip`,
      s3_object_version: null,
      skip_destroy: false,
      snap_start: [],
      source_code_hash: r.hex(44),
      tags,
      tags_all: tags,
      timeout: r.pick([3, 30, 60, 900]),
      timeouts: null,
      tracing_config: [{ mode: 'PassThrough' }],
      vpc_config: [
        {
          ipv6_allowed_for_dual_stack: false,
          security_group_ids: [`sg-${r.hex(17)}`],
          subnet_ids: [`subnet-${r.hex(17)}`, `subnet-${r.hex(17)}`],
        },
      ],
    },
  ]);
  out.push([
    'aws_cloudwatch_log_group',
    'this',
    {
      kms_key_id: '',
      log_group_class: 'STANDARD',
      name: `/aws/lambda/${name}`,
      name_prefix: '',
      retention_in_days: r.pick([7, 14, 30, 90]),
      skip_destroy: false,
      tags,
      tags_all: tags,
    },
  ]);
  const rule = (port) => ({
    cidr_blocks: [r.pick(['10.0.0.0/8', '0.0.0.0/0', '172.16.0.0/12'])],
    description: `port ${port}`,
    from_port: port,
    ipv6_cidr_blocks: [],
    prefix_list_ids: [],
    protocol: 'tcp',
    security_groups: [],
    self: false,
    to_port: port,
  });
  out.push([
    'aws_security_group',
    'this',
    {
      description: `${name} security group`,
      egress: [{ ...rule(0), protocol: '-1', to_port: 0 }],
      ingress: Array.from({ length: r.int(1, 6) }, () => rule(r.pick([22, 80, 443, 5432, 6379, 8080, 9090]))),
      name,
      name_prefix: '',
      revoke_rules_on_delete: false,
      tags,
      tags_all: tags,
      timeouts: null,
      vpc_id: `vpc-${r.hex(17)}`,
    },
  ]);
  if (r.chance(0.5))
    out.push([
      'aws_dynamodb_table',
      'this',
      {
        attribute: [
          { name: 'pk', type: 'S' },
          { name: 'sk', type: 'S' },
        ],
        billing_mode: 'PAY_PER_REQUEST',
        deletion_protection_enabled: env === 'prod',
        global_secondary_index: [],
        hash_key: 'pk',
        import_table: [],
        local_secondary_index: [],
        name,
        point_in_time_recovery: [{ enabled: true }],
        range_key: 'sk',
        read_capacity: 0,
        replica: [],
        restore_date_time: null,
        restore_source_name: null,
        restore_to_latest_time: null,
        server_side_encryption: [],
        stream_enabled: false,
        table_class: 'STANDARD',
        tags,
        tags_all: tags,
        timeouts: null,
        ttl: [{ attribute_name: 'expires', enabled: true }],
        write_capacity: 0,
      },
    ]);
  if (r.chance(0.5))
    out.push([
      'aws_sqs_queue',
      'this',
      {
        content_based_deduplication: false,
        deduplication_scope: '',
        delay_seconds: 0,
        fifo_queue: false,
        fifo_throughput_limit: '',
        kms_data_key_reuse_period_seconds: 300,
        kms_master_key_id: null,
        max_message_size: 262144,
        message_retention_seconds: 345600,
        name,
        name_prefix: '',
        receive_wait_time_seconds: 20,
        redrive_allow_policy: '',
        redrive_policy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}-dlq`,
          maxReceiveCount: 5,
        }),
        sqs_managed_sse_enabled: true,
        tags,
        tags_all: tags,
        timeouts: null,
        visibility_timeout_seconds: 30,
      },
    ]);
  for (let i = r.int(2, 8); i > 0; i--)
    out.push([
      `aws_ssm_parameter`,
      `setting_${i}`,
      {
        allowed_pattern: '',
        data_type: 'text',
        description: `setting ${i} of ${name}`,
        insecure_value: null,
        key_id: '',
        name: `/${env}/${team}/${app}/setting_${i}`,
        overwrite: null,
        tags,
        tags_all: tags,
        tier: 'Standard',
        type: 'String',
        value: r.hex(r.int(10, 60)),
      },
    ]);
  if (r.chance(0.3))
    out.push([
      'aws_instance',
      'this',
      {
        ami: `ami-${r.hex(17)}`,
        associate_public_ip_address: false,
        credit_specification: [],
        disable_api_stop: false,
        disable_api_termination: env === 'prod',
        ebs_optimized: true,
        get_password_data: false,
        hibernation: null,
        iam_instance_profile: name,
        instance_type: r.pick(['t3.micro', 'm5.large', 'c6g.xlarge']),
        key_name: null,
        launch_template: [],
        metadata_options: [
          {
            http_endpoint: 'enabled',
            http_put_response_hop_limit: 1,
            http_tokens: 'required',
            instance_metadata_tags: 'disabled',
          },
        ],
        monitoring: true,
        root_block_device: [
          {
            delete_on_termination: true,
            encrypted: true,
            tags: null,
            volume_size: r.pick([20, 50, 100]),
            volume_type: 'gp3',
          },
        ],
        source_dest_check: true,
        subnet_id: `subnet-${r.hex(17)}`,
        tags,
        tags_all: tags,
        timeouts: null,
        user_data: r.hex(40),
        user_data_replace_on_change: false,
        volume_tags: null,
        vpc_security_group_ids: [`sg-${r.hex(17)}`],
      },
    ]);
  return out;
}

const UNKNOWN = {
  aws_iam_role: {
    arn: true,
    create_date: true,
    id: true,
    inline_policy: true,
    managed_policy_arns: true,
    name_prefix: true,
    tags_all: true,
    unique_id: true,
  },
  aws_iam_policy: { arn: true, attachment_count: true, id: true, policy_id: true, tags_all: true },
  aws_iam_role_policy: { id: true },
  aws_iam_role_policy_attachment: { id: true },
  aws_s3_bucket_policy: { id: true },
};

/**
 * A service module instance's resources: [type, name, values, index?] plus, per resource, the
 * change (create, update with a different `before`, no-op).
 */
function serviceResources(seed, team, app, env, vendor) {
  const r = rng(hash(`${seed}:${team}:${app}:${env}`));
  const name = vendor ? `${vendor.id.replace('@', '-')}-${team}-${env}` : `${team}-${app}-${env}`;
  const res = [];
  const doc = vendor ? vendorPolicy(r, vendor) : appPolicy(r, team, app, env);
  const inline = appPolicy(r, team, app, env);
  const tags = { Team: team, App: app, Environment: env };
  res.push([
    'aws_iam_role',
    'this',
    {
      assume_role_policy: JSON.stringify(
        trustPolicy(r, vendor && VENDOR_ACCOUNTS[vendor.id] ? vendor.id : undefined),
      ),
      description: `Role of ${name}`,
      force_detach_policies: false,
      max_session_duration: 3600,
      name,
      path: '/',
      permissions_boundary: null,
      tags,
      tags_all: tags,
    },
  ]);
  res.push([
    'aws_iam_role_policy',
    'inline',
    { name: `${name}-inline`, name_prefix: null, policy: JSON.stringify(inline), role: name },
  ]);
  res.push([
    'aws_iam_policy',
    'this',
    {
      description: `Permissions of ${name}`,
      name,
      name_prefix: null,
      path: '/',
      policy: JSON.stringify(doc),
      tags,
      tags_all: tags,
    },
  ]);
  res.push([
    'aws_iam_role_policy_attachment',
    'this',
    { policy_arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`, role: name },
  ]);
  if (r.chance(0.25))
    res.push(['aws_iam_role_policy_attachment', 'managed', { policy_arn: r.pick(MANAGED), role: name }, 0]);
  if (r.chance(0.35)) {
    const bucket = `${name}-data`;
    res.push([
      'aws_s3_bucket',
      'data',
      {
        bucket,
        bucket_prefix: null,
        force_destroy: false,
        object_lock_enabled: false,
        tags,
        tags_all: tags,
        timeouts: null,
      },
      0,
    ]);
    res.push([
      'aws_s3_bucket_policy',
      'data',
      { bucket, policy: JSON.stringify(bucketPolicy(r, bucket)) },
      0,
    ]);
  }
  if (!vendor) for (const o of otherResources(r, team, app, env)) res.push(o);
  // The change of each resource: 60% create, 25% update (the policy changed), 15% no-op.
  return res.map(([type, rname, values, index]) => {
    const c = r.next();
    const action = c < 0.6 ? 'create' : c < 0.85 ? 'update' : 'no-op';
    let before = null;
    if (action !== 'create') {
      before = { ...values };
      if (action === 'update' && typeof values.policy === 'string') {
        const d = JSON.parse(values.policy);
        d.Statement = d.Statement.slice(0, Math.max(1, d.Statement.length - 1));
        before.policy = JSON.stringify(d);
      } else if (action === 'update') before.tags = { ...(values.tags ?? {}), Owner: 'old-owner' };
    }
    return { type, name: rname, values, index, action, before };
  });
}

class Out {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.buf = [];
    this.len = 0;
    this.bytes = 0;
  }
  w(s) {
    this.buf.push(s);
    this.len += s.length;
    if (this.len > 1 << 20) this.flush();
  }
  flush() {
    if (!this.buf.length) return;
    const b = Buffer.from(this.buf.join(''));
    writeSync(this.fd, b);
    this.bytes += b.length;
    this.buf = [];
    this.len = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

const PROVIDER = 'registry.terraform.io/hashicorp/aws';

function sensitiveOf(values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (Array.isArray(v)) out[k] = v.map((x) => (x && typeof x === 'object' ? {} : false));
    else if (v && typeof v === 'object') out[k] = {};
  }
  return out;
}

/**
 * A `terraform show -json` plan (compact, as Terraform prints it) of about `targetBytes`:
 * module.team["t"].module.service["s"] instances (plus vendor modules at the root), each with a
 * role (trust policy), an inline policy, a managed policy and its attachment, sometimes a bucket
 * policy and an AWS managed policy attachment, and non-IAM resources; planned_values,
 * resource_changes (before/after), prior_state for what exists, and configuration.
 */
export function generatePlan(path, { seed, services }) {
  mkdirSync(dirname(path), { recursive: true });
  const vendors = vendorBaselines();
  const r = rng(seed);
  const pv = new Out(`${path}.pv`);
  const rc = new Out(`${path}.rc`);
  const ps = new Out(`${path}.ps`);
  let firstRc = true;
  let firstPsModule = true;

  // team -> list of [app-env, vendor?]
  const teams = new Map();
  for (let i = 0; i < services; i++) {
    const team = TEAMS[i % TEAMS.length];
    const vendor = r.chance(0.12) ? vendors[r.int(0, vendors.length - 1)] : undefined;
    const key = `${r.pick(APPS)}-${r.pick(ENVS)}-${String(i).padStart(5, '0')}`;
    if (!teams.has(team)) teams.set(team, []);
    teams.get(team).push([key, vendor]);
  }

  const resourceJson = (mod, x) => {
    const idx = x.index !== undefined ? `[${x.index}]` : '';
    const address = `${mod}.${x.type}.${x.name}${idx}`;
    const o = { address, mode: 'managed', type: x.type, name: x.name };
    if (x.index !== undefined) o.index = x.index;
    o.provider_name = PROVIDER;
    o.schema_version = 0;
    return { o, address };
  };

  pv.w('{"resources":[],"child_modules":[');
  let firstTeam = true;
  for (const [team, list] of teams) {
    const teamMod = `module.team[${JSON.stringify(team)}]`;
    pv.w(`${firstTeam ? '' : ','}{"address":${JSON.stringify(teamMod)},"child_modules":[`);
    firstTeam = false;
    const priorChildren = [];
    list.forEach(([key, vendor], si) => {
      const [app, env] = key.split('-');
      const svcMod = `${teamMod}.module.service[${JSON.stringify(key)}]`;
      const resources = serviceResources(seed, team, app, env, vendor);
      const pvRes = [];
      const psRes = [];
      for (const x of resources) {
        const { o, address } = resourceJson(svcMod, x);
        pvRes.push(JSON.stringify({ ...o, values: x.values, sensitive_values: sensitiveOf(x.values) }));
        if (x.before)
          psRes.push(JSON.stringify({ ...o, values: x.before, sensitive_values: sensitiveOf(x.before) }));
        const change = {
          address,
          module_address: svcMod,
          mode: 'managed',
          type: x.type,
          name: x.name,
          ...(x.index !== undefined ? { index: x.index } : {}),
          provider_name: PROVIDER,
          change: {
            actions: [x.action],
            before: x.before,
            after: x.values,
            after_unknown: x.action === 'create' ? (UNKNOWN[x.type] ?? { id: true, arn: true }) : {},
            before_sensitive: x.before ? sensitiveOf(x.before) : false,
            after_sensitive: sensitiveOf(x.values),
          },
        };
        rc.w(`${firstRc ? '' : ','}${JSON.stringify(change)}`);
        firstRc = false;
      }
      pv.w(`${si ? ',' : ''}{"resources":[${pvRes.join(',')}],"address":${JSON.stringify(svcMod)}}`);
      if (psRes.length)
        priorChildren.push(`{"resources":[${psRes.join(',')}],"address":${JSON.stringify(svcMod)}}`);
    });
    pv.w('],"resources":[]}');
    if (priorChildren.length) {
      ps.w(
        `${firstPsModule ? '' : ','}{"address":${JSON.stringify(teamMod)},"resources":[],"child_modules":[${priorChildren.join(',')}]}`,
      );
      firstPsModule = false;
    }
  }
  pv.w(']}');
  pv.close();
  rc.close();
  ps.close();

  // configuration: one module block per module call (shared by every instance).
  const ref = (...refs) => ({ references: refs });
  const cfgRes = (type, name, expressions, extra = {}) => ({
    address: `${type}.${name}`,
    mode: 'managed',
    type,
    name,
    provider_config_key: 'aws',
    expressions,
    schema_version: 0,
    ...extra,
  });
  const serviceModule = {
    resources: [
      cfgRes('aws_iam_role', 'this', {
        assume_role_policy: {},
        description: {},
        name: ref('local.name'),
        tags: ref('local.tags'),
      }),
      cfgRes('aws_iam_role_policy', 'inline', {
        name: {},
        policy: ref('var.inline_statements', 'local.name'),
        role: ref('aws_iam_role.this.name', 'aws_iam_role.this'),
      }),
      cfgRes('aws_iam_policy', 'this', {
        description: {},
        name: ref('local.name'),
        policy: ref('var.statements'),
        tags: ref('local.tags'),
      }),
      cfgRes('aws_iam_role_policy_attachment', 'this', {
        policy_arn: ref('aws_iam_policy.this.arn', 'aws_iam_policy.this'),
        role: ref('aws_iam_role.this.name', 'aws_iam_role.this'),
      }),
      cfgRes(
        'aws_iam_role_policy_attachment',
        'managed',
        {
          policy_arn: ref('var.managed_policy_arn'),
          role: ref('aws_iam_role.this.name', 'aws_iam_role.this'),
        },
        { count_expression: ref('var.managed_policy_arn') },
      ),
      cfgRes(
        'aws_s3_bucket',
        'data',
        { bucket: {}, tags: ref('local.tags') },
        { count_expression: ref('var.bucket') },
      ),
      cfgRes(
        'aws_s3_bucket_policy',
        'data',
        {
          bucket: ref('aws_s3_bucket.data[0].id', 'aws_s3_bucket.data[0]', 'aws_s3_bucket.data'),
          policy: {},
        },
        { count_expression: ref('var.bucket') },
      ),
      cfgRes('aws_lambda_function', 'this', {
        function_name: ref('local.name'),
        handler: { constant_value: 'index.handler' },
        role: ref('aws_iam_role.this.arn', 'aws_iam_role.this'),
      }),
      cfgRes('aws_cloudwatch_log_group', 'this', { name: {}, retention_in_days: ref('var.retention') }),
      cfgRes('aws_security_group', 'this', { name: ref('local.name'), vpc_id: ref('var.vpc_id') }),
      cfgRes('aws_dynamodb_table', 'this', { name: ref('local.name') }),
      cfgRes('aws_sqs_queue', 'this', { name: ref('local.name') }),
      cfgRes('aws_instance', 'this', { ami: ref('var.ami'), iam_instance_profile: ref('local.name') }),
      ...Array.from({ length: 8 }, (_, i) =>
        cfgRes('aws_ssm_parameter', `setting_${i + 1}`, { name: {}, value: {} }),
      ),
    ],
    variables: {
      statements: {},
      inline_statements: {},
      managed_policy_arn: { default: null },
      bucket: { default: null },
      retention: { default: 14 },
      vpc_id: {},
      ami: {},
    },
  };
  const configuration = {
    provider_config: {
      aws: { name: 'aws', full_name: PROVIDER, expressions: { region: { constant_value: 'us-east-1' } } },
    },
    root_module: {
      module_calls: {
        team: {
          source: './modules/team',
          for_each_expression: ref('local.teams'),
          module: {
            module_calls: {
              service: {
                source: '../service',
                for_each_expression: ref('var.services'),
                module: serviceModule,
              },
            },
          },
        },
      },
    },
  };

  const out = new Out(path);
  out.w(`{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":`);
  out.flush();
  const copy = (part) => {
    const fd = openSync(part, 'r');
    const chunk = Buffer.allocUnsafe(8 << 20);
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) writeSync(out.fd, chunk, 0, n);
    closeSync(fd);
    rmSync(part);
  };
  copy(`${path}.pv`);
  out.w('},"resource_changes":[');
  out.flush();
  copy(`${path}.rc`);
  out.w(
    '],"prior_state":{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[],"child_modules":[',
  );
  out.flush();
  copy(`${path}.ps`);
  out.w(
    `]}}},"configuration":${JSON.stringify(configuration)},"relevant_attributes":[],"timestamp":"2026-01-15T10:00:00Z","applyable":true,"complete":true,"errored":false}`,
  );
  out.close();
  return { bytes: statSync(path).size };
}
