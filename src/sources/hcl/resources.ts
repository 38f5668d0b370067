// What a reference to a resource's attribute stands for when the resource is not created yet:
// `aws_iam_role.x.arn` is `arn:aws:iam::<account>:role/<its name>`, with the unknown parts (the
// account, a `${var.n}` in the name) kept unknown within their segment only.
import { concatParts, isObj, Tmpl, Unknown, type Value } from './values.js';

/**
 * The account and region of a resource's ARN: unknown, each read as a wildcard within its segment,
 * and named after the reference the configuration wrote (`aws_iam_role.x.arn's account`), which is
 * what a report's note lists.
 */
const account = (ref: string) => new Unknown(`${ref}.arn's account`);
const region = (ref: string) => new Unknown(`${ref}.arn's region`);
export const PARTITION = 'aws';

type Piece = string | Unknown | Tmpl;

/** A configured attribute as a string piece, or undefined when not set. */
function attr(values: { [k: string]: Value }, name: string): Piece | undefined {
  const v = values[name];
  if (typeof v === 'string' || v instanceof Unknown || v instanceof Tmpl) return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** The name, or `<prefix>*` for a name_prefix, or unknown. */
function nameOf(
  values: { [k: string]: Value },
  key: string,
  ref: string,
  prefixKey = `${key}_prefix`,
): Piece {
  const n = attr(values, key);
  if (n !== undefined) return n;
  const p = attr(values, prefixKey);
  if (p !== undefined) return concatParts([p, new Unknown(`${ref}.${key}`)]);
  return new Unknown(`${ref}.${key}`);
}

function iamPath(values: { [k: string]: Value }): Piece {
  const p = attr(values, 'path');
  return p === undefined ? '/' : p;
}

function pattern(parts: Piece[]): string | Tmpl {
  const c = concatParts(parts);
  return c instanceof Unknown ? new Tmpl([c]) : c;
}

type Builder = (values: { [k: string]: Value }, ref: string) => Record<string, Piece | (() => Piece)>;

const iam =
  (kind: string): Builder =>
  (v, ref) => {
    const name = nameOf(v, 'name', ref);
    return {
      arn: () => pattern(['arn:', PARTITION, ':iam::', account(ref), `:${kind}`, iamPath(v), name]),
      name,
      id:
        kind === 'policy'
          ? () => pattern(['arn:', PARTITION, ':iam::', account(ref), `:${kind}`, iamPath(v), name])
          : name,
    };
  };

const regional =
  (service: string, sep: string, key = 'name', suffix: Piece[] = []): Builder =>
  (v, ref) => {
    const name = nameOf(v, key, ref);
    return {
      arn: () =>
        pattern([`arn:${PARTITION}:${service}:`, region(ref), ':', account(ref), `:${sep}`, name, ...suffix]),
      [key]: name,
    };
  };

/** Resource type -> the attributes whose value is known from the configuration. */
export const RESOURCE_ATTRIBUTES: Record<string, Builder> = {
  aws_iam_role: iam('role'),
  aws_iam_user: iam('user'),
  aws_iam_group: iam('group'),
  aws_iam_policy: iam('policy'),
  aws_iam_instance_profile: iam('instance-profile'),
  aws_s3_bucket: (v, ref) => {
    const b = nameOf(v, 'bucket', ref);
    return { arn: () => pattern([`arn:${PARTITION}:s3:::`, b]), bucket: b, id: b };
  },
  aws_sqs_queue: regional('sqs', ''),
  aws_sns_topic: (v, ref) => {
    const name = nameOf(v, 'name', ref);
    const arn = () => pattern([`arn:${PARTITION}:sns:`, region(ref), ':', account(ref), ':', name]);
    return { arn, id: arn, name };
  },
  aws_kms_key: (_v, ref) => ({
    arn: () =>
      pattern([
        `arn:${PARTITION}:kms:`,
        region(ref),
        ':',
        account(ref),
        ':key/',
        new Unknown(`${ref}.key_id`),
      ]),
  }),
  aws_kms_alias: regional('kms', '', 'name'),
  aws_secretsmanager_secret: (v, ref) => {
    const name = nameOf(v, 'name', ref);
    const arn = () =>
      pattern([
        `arn:${PARTITION}:secretsmanager:`,
        region(ref),
        ':',
        account(ref),
        ':secret:',
        name,
        '-',
        new Unknown(`${ref}.suffix`),
      ]);
    return { arn, id: arn, name };
  },
  aws_dynamodb_table: regional('dynamodb', 'table/'),
  aws_lambda_function: regional('lambda', 'function:', 'function_name'),
  aws_cloudwatch_log_group: regional('logs', 'log-group:'),
  aws_ecr_repository: regional('ecr', 'repository/'),
  aws_ecs_cluster: regional('ecs', 'cluster/'),
  aws_sfn_state_machine: regional('states', 'stateMachine:'),
  aws_kinesis_stream: regional('kinesis', 'stream/'),
  aws_kinesis_firehose_delivery_stream: regional('firehose', 'deliverystream/'),
  aws_iam_openid_connect_provider: (v, ref) => {
    const url = attr(v, 'url');
    const host = typeof url === 'string' ? url.replace(/^https:\/\//, '') : new Unknown(`${ref}.url`);
    return { arn: () => pattern(['arn:', PARTITION, ':iam::', account(ref), ':oidc-provider/', host]) };
  },
};

/**
 * The value of `<type>.<name>.<attribute>` (`canonical` is the reference as written, with a known
 * index): an Unknown that names the reference (so that links between resources are kept) and,
 * when the configuration tells, the pattern it stands for inside policies.
 */
export function resourceAttribute(
  type: string,
  values: Value,
  attribute: string,
  canonical: string,
  ref: string,
  scope?: string,
): Unknown {
  const builder = Object.hasOwn(RESOURCE_ATTRIBUTES, type) ? RESOURCE_ATTRIBUTES[type] : undefined;
  const obj = isObj(values) ? values : {};
  if (builder) {
    const table = builder(obj, ref);
    if (Object.hasOwn(table, attribute)) {
      const a = table[attribute]!;
      const p = typeof a === 'function' ? a() : a;
      return new Unknown(canonical, p instanceof Unknown ? new Tmpl([p]) : p, scope);
    }
  }
  // A configured attribute is what it says (`aws_s3_bucket.b.bucket`).
  const configured = attr(obj, attribute);
  if (configured !== undefined && attribute !== 'arn' && attribute !== 'id')
    return new Unknown(canonical, configured instanceof Unknown ? new Tmpl([configured]) : configured, scope);
  return new Unknown(canonical, undefined, scope);
}
