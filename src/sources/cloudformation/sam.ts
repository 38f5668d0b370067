// AWS SAM: the `Policies` of an `AWS::Serverless::Function` (or `StateMachine`), read the way SAM's
// translator reads them: a managed policy name or ARN, an inline policy document, or a SAM policy
// template (`S3ReadPolicy: {BucketName: x}`) expanded from the published template list
// (data/sam/policy_templates.json, compiled into src/generated/sam-policy-templates-data.ts).
import { isObject } from '../parser.js';
import { SAM_POLICY_TEMPLATES } from '../../generated/sam-policy-templates-data.js';
import { INTRINSICS, NO_VALUE, Unknown, asUnknown, hasUnknownPart } from './intrinsics.js';

export { SAM_POLICY_TEMPLATES_SOURCE } from '../../generated/sam-policy-templates-data.js';

/** What one entry of a SAM `Policies` list is. */
export type SamPolicyEntry =
  | { kind: 'managed'; value: unknown }
  | { kind: 'inline'; document: unknown }
  | { kind: 'template'; name: string; document: unknown }
  | { kind: 'error'; name?: string; reason: string }
  | { kind: 'expression'; value: unknown };

/** Classifies one entry (raw or evaluated) of a SAM function's `Policies`. */
export function samPolicyEntry(item: unknown): SamPolicyEntry {
  if (!isObject(item)) return { kind: 'managed', value: item };
  const keys = Object.keys(item);
  if (item.Statement !== undefined) return { kind: 'inline', document: item };
  if (keys.length === 1 && INTRINSICS.has(keys[0]!)) return { kind: 'expression', value: item };
  if (keys.length === 1) {
    const name = keys[0]!;
    const t = Object.hasOwn(SAM_POLICY_TEMPLATES, name) ? SAM_POLICY_TEMPLATES[name] : undefined;
    if (!t)
      return {
        kind: 'error',
        name,
        reason: `${name} is not a SAM policy template (aws-sam-translator's list)`,
      };
    const given = item[name];
    const params: Record<string, unknown> = isObject(given) ? given : {};
    const missing = t.parameters.filter((p) => params[p] === undefined);
    if (missing.length > 0)
      return { kind: 'error', name, reason: `SAM policy template ${name} needs ${missing.join(', ')}` };
    return {
      kind: 'template',
      name,
      document: { Version: '2012-10-17', ...substitute(t.definition, params) },
    };
  }
  return { kind: 'error', reason: 'neither a policy document, a managed policy nor a SAM policy template' };
}

/** The template's Definition with each `{Ref: Parameter}` replaced by the value given for it. */
function substitute(def: unknown, params: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isObject(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof v.Ref === 'string' && Object.hasOwn(params, v.Ref))
      return params[v.Ref];
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    return out;
  };
  return walk(def) as Record<string, unknown>;
}

/** The managed policy SAM attaches for a function's Tracing (in the partition `aws`). */
export const SAM_XRAY_POLICY_ARN = 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess';

/**
 * Whether SAM adds X-Ray for a function's Tracing as it reads it (samTracings): unless it is
 * none or 'Disabled' (an expression it does not resolve, or a value not known here, may trace).
 */
export function samTracesXray(tracing: unknown): boolean {
  return tracing !== undefined && tracing !== null && tracing !== NO_VALUE && tracing !== 'Disabled';
}

/**
 * The managed policies SAM attaches to a function's generated role on its own (aws-sam-translator
 * `_construct_role`): basic execution, or durable execution with a DurableConfig; X-Ray
 * (samTracesXray); VPC access with a VpcConfig (each set as samTruthy tells).
 */
export const SAM_BASIC_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
export const SAM_DURABLE_POLICY_ARN =
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy';
export const SAM_VPC_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

/**
 * The service the role SAM makes trusts when no AssumeRolePolicyDocument is given: a function's
 * (sam_resources.py `_construct_role`: IAMRolePolicies.lambda_assume_role_policy), a state
 * machine's (stepfunctions/generators.py `_construct_role`: stepfunctions_assume_role_policy,
 * always).
 */
export const SAM_TRUSTED_SERVICE: Readonly<Record<string, string>> = {
  'AWS::Serverless::Function': 'lambda.amazonaws.com',
  'AWS::Serverless::StateMachine': 'states.amazonaws.com',
};

/**
 * A SAM map whose `Type` chooses the policy SAM generates (a DeadLetterQueue, a destination), as
 * evaluated: itself when it is a map with a known Type; NO_VALUE when it gives none (left out, not
 * a map); an Unknown when it or its Type (`what`) is not known.
 */
function withType(v: unknown, what: string): Record<string, unknown> | typeof NO_VALUE | Unknown {
  if (v === NO_VALUE) return NO_VALUE;
  const u = asUnknown(v);
  if (u) return u;
  if (!isObject(v)) return NO_VALUE;
  const tu = asUnknown(v.Type);
  if (tu || hasUnknownPart(v.Type)) return new Unknown(`${what} is not known${tu ? ` (${tu.reason})` : ''}`);
  return v;
}

/**
 * The inline policy SAM adds for a function's DeadLetterQueue (`{Type: SQS|SNS, TargetArn}`), of
 * its value evaluated: NO_VALUE when it gives none (left out, or a Type SAM does not take), an
 * Unknown when its Type is not known.
 */
export function samDeadLetterPolicy(value: unknown): unknown {
  const dlq = withType(value, "the DeadLetterQueue's Type");
  if (dlq === NO_VALUE || dlq instanceof Unknown) return dlq;
  const action = dlq.Type === 'SQS' ? 'sqs:SendMessage' : dlq.Type === 'SNS' ? 'sns:Publish' : undefined;
  if (!action) return NO_VALUE;
  return { Version: '2012-10-17', Statement: [{ Action: action, Resource: dlq.TargetArn, Effect: 'Allow' }] };
}

/** Whether SAM reads a value as an intrinsic function (is_intrinsic: one key, Ref, Condition or Fn::…). */
export function samIntrinsic(v: unknown): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]!.startsWith('Fn::'));
}

const NO_VALUE_REF = { Ref: 'AWS::NoValue' };

function isNoValueRef(v: unknown): boolean {
  return isObject(v) && Object.keys(v).length === 1 && v.Ref === 'AWS::NoValue';
}

function ifArguments(v: unknown): [string, unknown, unknown] | undefined {
  const a = isObject(v) && Object.keys(v).length === 1 ? v['Fn::If'] : undefined;
  return Array.isArray(a) && a.length === 3 && typeof a[0] === 'string' ? [a[0], a[1], a[2]] : undefined;
}

/** Most values samMerge merges in one property (YAML aliases may make a map stand for very many). */
export const MAX_SAM_MERGE_VALUES = 10_000;

/**
 * A function property merged with the template's `Globals.Function` one as SAM merges them
 * (plugins/globals/globals.py): maps key by key, lists joined (the Globals' items first), anything
 * else, an intrinsic function included, the function's own. `resolvesIfs` (AWS::LanguageExtensions
 * first, which resolves an Fn::If before SAM merges): an Fn::If of either merged branch by branch
 * with the other side, AWS::NoValue leaving the other side's value. Undefined when neither is given;
 * an Unknown beyond MAX_SAM_MERGE_VALUES.
 */
export function samMerge(globals: unknown, own: unknown, resolvesIfs: boolean): unknown {
  let budget = MAX_SAM_MERGE_VALUES;
  const merge = (g: unknown, o: unknown): unknown => {
    if (--budget < 0) return undefined;
    if (resolvesIfs) {
      if (isNoValueRef(o)) o = undefined;
      if (isNoValueRef(g)) g = undefined;
      const branch = (gb: unknown, ob: unknown) => merge(gb, ob) ?? NO_VALUE_REF;
      const oi = ifArguments(o);
      if (oi) return { 'Fn::If': [oi[0], branch(g, oi[1]), branch(g, oi[2])] };
      const gi = ifArguments(g);
      if (gi && o !== undefined) return { 'Fn::If': [gi[0], branch(gi[1], o), branch(gi[2], o)] };
    }
    if (o === undefined) return g;
    if (g === undefined) return o;
    if (Array.isArray(g) && Array.isArray(o)) return [...(g as unknown[]), ...(o as unknown[])];
    if (!isObject(g) || !isObject(o) || samIntrinsic(g) || samIntrinsic(o)) return o;
    // (own properties, `__proto__` included, are defined, never assigned)
    return Object.fromEntries([
      ...Object.entries(g).map(([k, v]) => [k, Object.hasOwn(o, k) ? (merge(v, o[k]) ?? NO_VALUE_REF) : v]),
      ...Object.entries(o).filter(([k]) => !Object.hasOwn(g, k)),
    ]);
  };
  const out = merge(globals, own);
  return budget < 0
    ? new Unknown(
        `the function's value merged with the Globals one stands for more than ${MAX_SAM_MERGE_VALUES} values (YAML aliases?): not read`,
      )
    : out;
}

/**
 * Whether SAM finds a property set (`if self.VpcConfig:`): Python's truth of the value as SAM
 * reads it (none, an empty map, list or text, false and 0 are not; an intrinsic function, or a
 * value not known here, is).
 */
export function samTruthy(v: unknown): boolean {
  if (asUnknown(v)) return true;
  if (v === undefined || v === null || v === NO_VALUE || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** The destination Types SAM takes in an EventInvokeConfig, each with its part of the policy's name. */
export const SAM_DESTINATION_TYPES: Readonly<Record<string, string>> = {
  SQS: 'SQS',
  SNS: 'SNS',
  EventBridge: 'EventBridge',
  Lambda: 'Lambda',
  S3Bucket: 'S3',
};

/**
 * The inline policy SAM adds for one destination of a function's EventInvokeConfig
 * (`DestinationConfig.OnSuccess|OnFailure: {Type, Destination}`; aws-sam-translator
 * `_validate_and_inject_resource`), of its value evaluated: NO_VALUE when it gives none (left out,
 * a Type SAM does not take, no Destination where SAM needs one: SAM rejects those), an Unknown when
 * its Type is not known. An SQS or SNS destination without a Destination is the queue or topic SAM
 * makes (`made`); an S3 bucket's objects are its ARN and `/*` (`text`: a value as text, as Fn::Join
 * reads it).
 */
export function samDestinationPolicy(
  dest: unknown,
  made: (type: 'SQS' | 'SNS') => string,
  text: (v: unknown) => string,
): unknown {
  const typed = withType(dest, "the destination's Type");
  if (typed === NO_VALUE || typed instanceof Unknown) return typed;
  const type = typed.Type;
  if (typeof type !== 'string' || !Object.hasOwn(SAM_DESTINATION_TYPES, type)) return NO_VALUE;
  let arn = typed.Destination;
  if (arn === undefined || arn === null) {
    if (type !== 'SQS' && type !== 'SNS') return NO_VALUE;
    arn = made(type);
  }
  const allow = (Action: string, Resource: unknown) => ({ Action, Effect: 'Allow', Resource });
  const statements =
    type === 'SQS'
      ? [allow('sqs:SendMessage', arn)]
      : type === 'SNS'
        ? [allow('sns:publish', arn)]
        : type === 'EventBridge'
          ? [allow('events:PutEvents', arn)]
          : type === 'Lambda'
            ? [allow('lambda:InvokeFunction', arn)]
            : [allow('s3:PutObject', `${text(arn)}/*`), allow('s3:ListBucket', arn)];
  return { Statement: statements };
}

/**
 * The managed policy SAM attaches to a function's generated role for an event of each Type
 * (aws-sam-translator model/eventsources/pull.py, get_policy_arn of Kinesis, DynamoDB, SQS, MSK);
 * an SNS event with an SqsSubscription gets the SQS one (push.py SNS._inject_sqs_event_source_mapping).
 */
export const SAM_EVENT_POLICY_ARNS: Readonly<Record<string, string>> = {
  SQS: 'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole',
  Kinesis: 'arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole',
  DynamoDB: 'arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole',
  MSK: 'arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole',
};

/** The event Types SAM gives an inline policy of their own (pull.py get_policy_statements). */
export const SAM_EVENT_INLINE_TYPES: ReadonlySet<string> = new Set([
  'MSK',
  'MQ',
  'SelfManagedKafka',
  'DocumentDB',
]);

/** The event Types that take a DestinationConfig whose OnFailure SAM makes a policy for (PullEventSource). */
export const SAM_PULL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'SQS',
  'Kinesis',
  'DynamoDB',
  ...SAM_EVENT_INLINE_TYPES,
]);

/** The name of the inline policy SAM gives an event of a Type (`id`: the function's and event's ids joined). */
export function samEventPolicyName(type: string, props: Record<string, unknown>, id: string): string {
  return type === 'MQ'
    ? props.DynamicPolicyName === true
      ? `${id}AMQPolicy`
      : 'SamAutoGeneratedAMQPolicy'
    : type === 'MSK'
      ? 'MSKExecutionRolePolicy'
      : type === 'DocumentDB'
        ? 'SamAutoGeneratedDocumentDBPolicy'
        : 'SelfManagedKafkaExecutionRolePolicy';
}

const allowed = (Action: unknown, Resource: unknown) => ({ Action, Effect: 'Allow', Resource });
const ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

/** Python's truth of a value SAM reads as written (an intrinsic function is a map: true). */
function truthy(v: unknown): boolean {
  return samTruthy(v === NO_VALUE ? undefined : v);
}

/**
 * The inline policy SAM adds for an event of a Type (pull.py get_policy_statements of MSK, MQ,
 * SelfManagedKafka, DocumentDB), built from its Properties as SAM reads them (intrinsic functions
 * left as written: the document is evaluated as CloudFormation would): NO_VALUE when it adds none
 * (another Type, no statement, or Properties SAM rejects), an Unknown when a value that decides it
 * is not known. `notes`: what SAM may add that is not read.
 */
export function samEventPolicy(type: unknown, props: Record<string, unknown>, notes: string[]): unknown {
  const sac = props.SourceAccessConfigurations;
  const kmsId = props.SecretsManagerKmsKeyId;
  for (const v of [sac, kmsId]) {
    const u = asUnknown(v);
    if (u) return u;
  }
  // (SAM takes the key id as text only: _get_kms_decrypt_policy, validate_secrets_manager_kms_key_id)
  if (truthy(kmsId) && typeof kmsId !== 'string') return NO_VALUE;
  const kmsArn = {
    'Fn::Sub': `arn:\${AWS::Partition}:kms:\${AWS::Region}:\${AWS::AccountId}:key/${String(kmsId)}`,
  };
  const kms = (action: unknown) => (truthy(kmsId) ? [allowed(action, kmsArn)] : []);
  let statements: unknown[];
  if (type === 'MQ' || type === 'DocumentDB') {
    const uri = basicAuthUri(sac, type === 'MQ' ? ['BASIC_AUTH', 'VIRTUAL_HOST'] : ['BASIC_AUTH']);
    if (uri === NO_VALUE || uri instanceof Unknown) return uri;
    const secret = allowed(['secretsmanager:GetSecretValue'], uri);
    if (type === 'MQ')
      statements = [secret, allowed(['mq:DescribeBroker'], props.Broker), ...kms('kms:Decrypt')];
    else {
      const rds = (what: string) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:rds:\${AWS::Region}:\${AWS::AccountId}:${what}:*`,
      });
      statements = [
        secret,
        allowed(['rds:DescribeDBClusterParameters'], rds('cluster-pg')),
        allowed(['rds:DescribeDBSubnetGroups'], rds('subgrp')),
        allowed(['rds:DescribeDBClusters'], props.Cluster),
        allowed(ENI_ACTIONS, '*'),
        ...kms(['kms:Decrypt']),
      ];
    }
  } else if (type === 'MSK') {
    const registry = schemaRegistryStatements(props.SchemaRegistryConfig, notes);
    if (registry === NO_VALUE || registry instanceof Unknown) return registry;
    statements = [...registry];
    // (each CLIENT_CERTIFICATE_TLS_AUTH with a URI; a list SAM cannot read gives none)
    if (Array.isArray(sac))
      for (const conf of sac) {
        if (!isObject(conf)) continue;
        const u = asUnknown(conf.Type) ?? asUnknown(conf.URI);
        if (u) return u;
        if (conf.Type === 'CLIENT_CERTIFICATE_TLS_AUTH' && truthy(conf.URI))
          statements.push(allowed(['secretsmanager:GetSecretValue'], conf.URI));
      }
    if (statements.length === 0) return NO_VALUE;
  } else if (type === 'SelfManagedKafka') {
    // (pull.py SelfManagedKafka.get_policy_statements: `len(self.Topics) != 1` of the value as
    // written, so an intrinsic function, a map of one key, is one topic: `Topics: !Ref Param`)
    const topics = props.Topics;
    const one = Array.isArray(topics) ? topics.length === 1 : samIntrinsic(topics);
    if (!truthy(props.KafkaBootstrapServers) || !one || !truthy(sac)) return NO_VALUE;
    const auth = kafkaAuth(sac);
    if (auth === NO_VALUE || auth instanceof Unknown) return auth;
    const registry = schemaRegistryStatements(props.SchemaRegistryConfig, notes);
    if (registry === NO_VALUE || registry instanceof Unknown) return registry;
    const secret = auth.uri === undefined ? [] : [allowed(['secretsmanager:GetSecretValue'], auth.uri)];
    statements = [
      ...secret,
      // (a SERVER_ROOT_CA_CERTIFICATE gives the auth mechanism's secret again: generate_policy_document
      // passes authentication_uri for it; with none, a statement without a Resource IAM rejects)
      ...(auth.rootCa ? secret : []),
      ...(auth.vpc ? [allowed(ENI_ACTIONS, '*')] : []),
      ...kms(['kms:Decrypt']),
      ...registry,
    ];
  } else return NO_VALUE;
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * The BASIC_AUTH URI of an MQ or DocumentDB event's SourceAccessConfigurations
 * (_validate_source_access_configurations): NO_VALUE where SAM rejects them.
 */
function basicAuthUri(sac: unknown, types: string[]): unknown {
  if (!Array.isArray(sac) || sac.length === 0) return NO_VALUE;
  let uri: unknown;
  for (const conf of sac) {
    if (!isObject(conf)) return NO_VALUE;
    const u = asUnknown(conf.Type);
    if (u) return u;
    if (typeof conf.Type !== 'string' || !types.includes(conf.Type)) return NO_VALUE;
    if (conf.Type !== 'BASIC_AUTH') continue;
    if (uri !== undefined || !truthy(conf.URI)) return NO_VALUE;
    uri = conf.URI;
  }
  return uri ?? NO_VALUE;
}

const KAFKA_AUTH = [
  'SASL_SCRAM_256_AUTH',
  'SASL_SCRAM_512_AUTH',
  'BASIC_AUTH',
  'CLIENT_CERTIFICATE_TLS_AUTH',
];

/** A SelfManagedKafka event's SourceAccessConfigurations as SAM reads them (get_secret_key): NO_VALUE where it rejects them. */
function kafkaAuth(
  sac: unknown,
): { uri?: unknown; rootCa: boolean; vpc: boolean } | typeof NO_VALUE | Unknown {
  if (!Array.isArray(sac)) return NO_VALUE;
  let uri: unknown;
  let rootCa = false;
  let subnet = false;
  let group = false;
  for (const conf of sac) {
    if (!isObject(conf)) return NO_VALUE;
    const u = asUnknown(conf.Type);
    if (u) return u;
    // (validate_uri: set, and text or an intrinsic function)
    const good =
      truthy(conf.URI) && (typeof conf.URI === 'string' || isObject(conf.URI) || asUnknown(conf.URI));
    if (!good) return NO_VALUE;
    if (conf.Type === 'VPC_SUBNET') subnet = true;
    else if (conf.Type === 'VPC_SECURITY_GROUP') group = true;
    else if (typeof conf.Type === 'string' && KAFKA_AUTH.includes(conf.Type)) {
      if (uri !== undefined) return NO_VALUE;
      uri = conf.URI;
    } else if (conf.Type === 'SERVER_ROOT_CA_CERTIFICATE') rootCa = true;
    else return NO_VALUE;
  }
  if (subnet !== group) return NO_VALUE;
  return { ...(uri !== undefined ? { uri } : {}), rootCa: rootCa && uri !== undefined, vpc: subnet };
}

/**
 * The statements SAM adds for an MSK or SelfManagedKafka event's SchemaRegistryConfig
 * (get_schema_registry_permissions): its AccessConfigs' secrets, and the registry and its schemas
 * when it reads the registry's name from SchemaRegistryURI (an ARN as text, or an Fn::Sub's text:
 * get_registry_name). NO_VALUE where SAM rejects it.
 */
function schemaRegistryStatements(config: unknown, notes: string[]): unknown[] | typeof NO_VALUE | Unknown {
  if (!truthy(config)) return [];
  const u = asUnknown(config);
  if (u) return u;
  if (!isObject(config)) return NO_VALUE;
  for (const k of ['SchemaRegistryURI', 'EventRecordFormat', 'SchemaValidationConfigs'])
    if (!Object.hasOwn(config, k)) return NO_VALUE;
  if (config.EventRecordFormat !== 'JSON' && config.EventRecordFormat !== 'SOURCE') return NO_VALUE;
  if (!Array.isArray(config.SchemaValidationConfigs)) return NO_VALUE;
  const access = config.AccessConfigs ?? [];
  if (truthy(access) && !Array.isArray(access)) return NO_VALUE;
  const out: unknown[] = [];
  for (const c of Array.isArray(access) ? access : []) {
    if (!isObject(c) || !Object.hasOwn(c, 'Type') || !Object.hasOwn(c, 'URI')) return NO_VALUE;
    out.push(allowed(['secretsmanager:GetSecretValue'], c.URI));
  }
  const uri = config.SchemaRegistryURI;
  // (SAM resolves an Fn::Sub's Refs to parameters first, AWS::Region and AWS::Partition included,
  // each without a colon; another pseudo parameter's `${AWS::…}` splits the ARN where it reads
  // the name, unless SAM is given its value: not known here)
  const sub = isObject(uri) && typeof uri['Fn::Sub'] === 'string' ? uri['Fn::Sub'] : undefined;
  const text = (typeof uri === 'string' ? uri : (sub ?? '')).replace(/\$\{AWS::(Region|Partition)\}/g, 'x');
  const parts = text.split(':');
  const name =
    text.startsWith('arn') && parts.length >= 6 && parts[5]!.startsWith('registry/')
      ? parts[5]!.slice('registry/'.length)
      : undefined;
  if (name === undefined && sub !== undefined && text.includes('${AWS::'))
    notes.push(
      "the schema registry's name SAM may read from its SchemaRegistryURI (an Fn::Sub of a pseudo parameter) is not read: the glue:GetRegistry and glue:GetSchemaVersion it would grant are not audited",
    );
  if (name !== undefined)
    out.push(
      allowed(['glue:GetRegistry'], uri),
      allowed(
        ['glue:GetSchemaVersion'],
        [{ 'Fn::Sub': `arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:schema/${name}/*` }],
      ),
    );
  return out;
}

/**
 * The inline policy SAM adds for an event's `DestinationConfig.OnFailure` (pull.py to_cloudformation:
 * Type SQS, SNS or S3; Kafka, or none, gives none): NO_VALUE when it adds none, an Unknown when its
 * Type is not known.
 */
export function samEventDestinationPolicy(props: Record<string, unknown>): unknown {
  const config = props.DestinationConfig;
  const u = asUnknown(config);
  if (u) return u;
  if (!truthy(config) || !isObject(config)) return NO_VALUE;
  const failure = withType(config.OnFailure, "the OnFailure destination's Type");
  if (failure === NO_VALUE || failure instanceof Unknown) return failure;
  const arn = failure.Destination;
  const statements =
    failure.Type === 'SQS'
      ? [allowed('sqs:SendMessage', arn)]
      : failure.Type === 'SNS'
        ? [allowed('sns:publish', arn)]
        : failure.Type === 'S3'
          ? [allowed('s3:PutObject', { 'Fn::Join': ['/', [arn, '*']] }), allowed('s3:ListBucket', arn)]
          : undefined;
  return statements ? { Statement: statements } : NO_VALUE;
}

/** The part of the OnFailure policy's name SAM gives each destination Type (IAMRolePolicies). */
export const SAM_EVENT_DESTINATION_TYPES: Readonly<Record<string, string>> = {
  SQS: 'SQS',
  SNS: 'SNS',
  S3: 'S3',
};
