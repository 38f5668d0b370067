// What a reference to a resource's attribute stands for when the resource is not created yet:
// `aws_iam_role.x.arn` is `arn:aws:iam::<account-ID-without-hyphens>:role/<its name>`, the account
// a placeholder and each unknown part of the name one value (a placeholder too), except what
// stands for every instance (`count.index`, `each.*` not known) and the region, which stay
// unknown within their segment.
import { ACCOUNT_PLACEHOLDER } from '../../policy/arn.js';
import { concatParts, isObj, OneValue, Tmpl, Unknown, type Value } from './values.js';

/**
 * The account of a resource's ARN: the account placeholder, as CloudFormation's (bound to the
 * configured account id, else one value read as any); for a resource of another provider
 * configuration (`provider = aws.other`, maybe another account), unknown. Unknown, read as a
 * wildcard within its segment, is named after the reference the configuration wrote
 * (`aws_iam_role.x.arn's account`), which is what a report's note lists; so is the region.
 */
const account = (ref: string, otherProvider: boolean): Piece =>
  otherProvider ? new Unknown(`${ref}.arn's account`) : ACCOUNT_PLACEHOLDER;
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

/**
 * What Terraform or AWS makes up for an instance: one value (of an instance not known,
 * `aws_iam_role.w[*]`, each instance's own: compared one resource at a time, the same answer).
 */
function madeUp(ref: string, what: string): Unknown {
  return new OneValue(`${ref}.${what}`);
}

/** The iteration values of a resource's instance. */
const ITERATION = /^(count\.index|each\.key|each\.value)$/;

/**
 * A piece of a resource's name with each unknown part (a variable, another resource's name) as one
 * value: a name holds no wildcard.
 */
function oneValued(p: Piece, depth = 0): Piece {
  if (p instanceof OneValue || typeof p === 'string') return p;
  // `count.index`, `each.key`, `each.value` of an instance not known (a splat over an unknown
  // count, a key not known): they stand for every instance, so stay wildcards.
  if (p instanceof Unknown && ITERATION.test(p.text)) return p;
  if (p instanceof Unknown)
    return p.pattern !== undefined && depth < 8 ? oneValued(p.pattern, depth + 1) : new OneValue(p.text);
  return concatParts(p.parts.map((x) => oneValued(x, depth + 1)));
}

/**
 * The name; for a name_prefix, the prefix and one value (`app-<aws_iam_role.x.name>`); else one
 * value Terraform makes up. Unknown parts stand for one value each (oneValued).
 */
function nameOf(
  values: { [k: string]: Value },
  key: string,
  ref: string,
  prefixKey = `${key}_prefix`,
): Piece {
  const made = madeUp(ref, key);
  const n = attr(values, key);
  if (n !== undefined) return oneValued(n);
  const p = attr(values, prefixKey);
  if (p !== undefined) return concatParts([oneValued(p), made]);
  return made;
}

function iamPath(values: { [k: string]: Value }): Piece {
  const p = attr(values, 'path');
  return p === undefined ? '/' : p;
}

function pattern(parts: Piece[]): string | Tmpl {
  const c = concatParts(parts);
  return c instanceof Unknown ? new Tmpl([c]) : c;
}

/** Builds a resource's known attributes from its values, its reference and its ARN's account. */
type Builder = (
  values: { [k: string]: Value },
  ref: string,
  acct: Piece,
) => Record<string, Piece | (() => Piece)>;

const iam =
  (kind: string): Builder =>
  (v, ref, acct) => {
    const name = nameOf(v, 'name', ref);
    return {
      arn: () => pattern(['arn:', PARTITION, ':iam::', acct, `:${kind}`, iamPath(v), name]),
      name,
      id:
        kind === 'policy'
          ? () => pattern(['arn:', PARTITION, ':iam::', acct, `:${kind}`, iamPath(v), name])
          : name,
    };
  };

const regional =
  (service: string, sep: string, key = 'name', suffix: Piece[] = []): Builder =>
  (v, ref, acct) => {
    const name = nameOf(v, key, ref);
    return {
      arn: () =>
        pattern([`arn:${PARTITION}:${service}:`, region(ref), ':', acct, `:${sep}`, name, ...suffix]),
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
  aws_sns_topic: (v, ref, acct) => {
    const name = nameOf(v, 'name', ref);
    const arn = () => pattern([`arn:${PARTITION}:sns:`, region(ref), ':', acct, ':', name]);
    return { arn, id: arn, name };
  },
  aws_kms_key: (_v, ref, acct) => ({
    arn: () => pattern([`arn:${PARTITION}:kms:`, region(ref), ':', acct, ':key/', madeUp(ref, 'key_id')]),
  }),
  aws_kms_alias: regional('kms', '', 'name'),
  aws_secretsmanager_secret: (v, ref, acct) => {
    const name = nameOf(v, 'name', ref);
    const arn = () =>
      pattern([
        `arn:${PARTITION}:secretsmanager:`,
        region(ref),
        ':',
        acct,
        ':secret:',
        name,
        '-',
        madeUp(ref, 'suffix'),
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
  aws_iam_openid_connect_provider: (v, ref, acct) => {
    const url = attr(v, 'url');
    const host = typeof url === 'string' ? url.replace(/^https:\/\//, '') : new Unknown(`${ref}.url`);
    return { arn: () => pattern(['arn:', PARTITION, ':iam::', acct, ':oidc-provider/', host]) };
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
  otherProvider = false,
): Unknown {
  const builder = Object.hasOwn(RESOURCE_ATTRIBUTES, type) ? RESOURCE_ATTRIBUTES[type] : undefined;
  const obj = isObj(values) ? values : {};
  if (builder) {
    const table = builder(obj, ref, account(ref, otherProvider));
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
