// The Terraform resource types that hold, attach or name IAM policies.
import type { PolicyKind, PrincipalRecord } from '../../core/types.js';

/** How a resource type takes part in IAM: one declarative entry per type. */
export interface ResourceType {
  /**
   * Attributes holding a policy document: the kind of policy, and whether a resource may lack it
   * (then it holds no policy). `inline_policy[].policy` is the `policy` of each `inline_policy` block.
   * `services`: for a resource policy, the services whose actions it can grant (AWS applies a bucket
   * policy to S3 actions only, whatever its `Action` names); none where the resource does not say
   * (a VPC endpoint's policy governs the service the endpoint is for). `servicesFrom`: the attribute
   * naming the bucket or access point whose service, when it is known, narrows `services` to one (an
   * access point of an S3 on Outposts bucket grants `s3-outposts` actions). `block[].attr` is the
   * `attr` of the one `block` block (a multi-Region access point policy's `details`). `setBy`: see
   * SetBy.
   */
  policies?: Record<
    string,
    { kind: PolicyKind; optional?: boolean; services?: string[]; servicesFrom?: string; setBy?: SetBy }
  >;
  /** A principal (role, user or group) that policies attach to. */
  principal?: PrincipalRecord['type'];
  /** An inline policy of a principal: the attribute naming the principal, and its type. */
  inlineFor?: [string, PrincipalRecord['type']];
  /** Attaches managed policies: the attribute with the policy ARN(s), and the attributes naming principals. */
  attaches?: { arn: string; targets: [string, PrincipalRecord['type']][] };
}

/**
 * A resource type of its own that sets this policy of a resource (aws_kms_key_policy, a key's
 * `policy`): `type`, its attribute naming the resource (`target`: a key id or ARN), and the
 * resource's attributes that value may be (`ids`). In the AWS provider the resource's own
 * attribute is Optional and Computed: where its configuration does not set it, it holds the policy
 * read at refresh, that the other resource manages (and may change or delete in a plan).
 */
export interface SetBy {
  type: string;
  target: string;
  ids: string[];
}

/** aws_kms_key_policy sets the key policy of any key: its key_id is the key's id or ARN. */
const KEY_POLICY: SetBy = { type: 'aws_kms_key_policy', target: 'key_id', ids: ['key_id', 'arn', 'id'] };

/**
 * The services of an S3 access point's actions, of a bucket, an S3 on Outposts bucket or a directory
 * bucket (S3 Express): the bucket's name or ARN, or the access point's ARN, tells which when known.
 */
const S3_ACCESS_POINTS = ['s3', 's3-outposts', 's3express'];

/**
 * Every resource type read. The `aws_iam_policy_document` data source (`data.` key) is resolved
 * where a policy attribute references it; on its own (referenced by nothing in the input) it is a
 * record of its own, its kind read from its statements (policy/raw.ts). `aws_lambda_permission` is
 * not a policy document and is not read.
 */
export const RESOURCE_TYPES: Record<string, ResourceType> = {
  aws_iam_policy: { policies: { policy: { kind: 'identity' } } },
  aws_iam_role_policy: { policies: { policy: { kind: 'identity' } }, inlineFor: ['role', 'role'] },
  aws_iam_user_policy: { policies: { policy: { kind: 'identity' } }, inlineFor: ['user', 'user'] },
  aws_iam_group_policy: { policies: { policy: { kind: 'identity' } }, inlineFor: ['group', 'group'] },
  aws_iam_role: {
    principal: 'role',
    policies: { assume_role_policy: { kind: 'trust' }, 'inline_policy[].policy': { kind: 'identity' } },
  },
  aws_ssoadmin_permission_set_inline_policy: { policies: { inline_policy: { kind: 'identity' } } },
  aws_s3_bucket_policy: { policies: { policy: { kind: 'resource', services: ['s3'] } } },
  aws_s3_bucket: {
    policies: {
      policy: {
        kind: 'resource',
        optional: true,
        services: ['s3'],
        setBy: { type: 'aws_s3_bucket_policy', target: 'bucket', ids: ['bucket', 'id'] },
      },
    },
  },
  aws_s3control_bucket_policy: { policies: { policy: { kind: 'resource', services: ['s3-outposts'] } } },
  aws_sns_topic_policy: { policies: { policy: { kind: 'resource', services: ['sns'] } } },
  aws_sns_topic: {
    policies: {
      policy: {
        kind: 'resource',
        optional: true,
        services: ['sns'],
        setBy: { type: 'aws_sns_topic_policy', target: 'arn', ids: ['arn', 'id'] },
      },
    },
  },
  aws_sqs_queue_policy: { policies: { policy: { kind: 'resource', services: ['sqs'] } } },
  aws_sqs_queue: {
    policies: {
      policy: {
        kind: 'resource',
        optional: true,
        services: ['sqs'],
        setBy: { type: 'aws_sqs_queue_policy', target: 'queue_url', ids: ['url', 'id'] },
      },
    },
  },
  aws_kms_key: {
    policies: { policy: { kind: 'resource', optional: true, services: ['kms'], setBy: KEY_POLICY } },
  },
  aws_kms_key_policy: { policies: { policy: { kind: 'resource', services: ['kms'] } } },
  aws_kms_replica_key: {
    policies: { policy: { kind: 'resource', optional: true, services: ['kms'], setBy: KEY_POLICY } },
  },
  aws_kms_external_key: {
    policies: { policy: { kind: 'resource', optional: true, services: ['kms'], setBy: KEY_POLICY } },
  },
  aws_s3_access_point: {
    policies: {
      policy: {
        kind: 'resource',
        optional: true,
        services: S3_ACCESS_POINTS,
        servicesFrom: 'bucket',
        setBy: { type: 'aws_s3control_access_point_policy', target: 'access_point_arn', ids: ['arn'] },
      },
    },
  },
  aws_s3control_access_point_policy: {
    policies: { policy: { kind: 'resource', services: S3_ACCESS_POINTS, servicesFrom: 'access_point_arn' } },
  },
  aws_s3control_multi_region_access_point_policy: {
    policies: { 'details[].policy': { kind: 'resource', services: ['s3'] } },
  },
  aws_s3control_object_lambda_access_point_policy: {
    policies: { policy: { kind: 'resource', services: ['s3-object-lambda'] } },
  },
  aws_kinesis_resource_policy: { policies: { policy: { kind: 'resource', services: ['kinesis'] } } },
  aws_ecr_repository_policy: { policies: { policy: { kind: 'resource', services: ['ecr'] } } },
  aws_ecr_registry_policy: { policies: { policy: { kind: 'resource', services: ['ecr'] } } },
  aws_ecrpublic_repository_policy: { policies: { policy: { kind: 'resource', services: ['ecr-public'] } } },
  aws_secretsmanager_secret_policy: {
    policies: { policy: { kind: 'resource', services: ['secretsmanager'] } },
  },
  aws_secretsmanager_secret: {
    policies: {
      policy: {
        kind: 'resource',
        optional: true,
        services: ['secretsmanager'],
        setBy: { type: 'aws_secretsmanager_secret_policy', target: 'secret_arn', ids: ['arn', 'id'] },
      },
    },
  },
  aws_glacier_vault: { policies: { access_policy: { kind: 'resource', services: ['glacier'] } } },
  aws_glacier_vault_lock: { policies: { policy: { kind: 'resource', services: ['glacier'] } } },
  aws_elasticsearch_domain_policy: { policies: { access_policies: { kind: 'resource', services: ['es'] } } },
  aws_elasticsearch_domain: {
    policies: {
      access_policies: {
        kind: 'resource',
        optional: true,
        services: ['es'],
        setBy: { type: 'aws_elasticsearch_domain_policy', target: 'domain_name', ids: ['domain_name'] },
      },
    },
  },
  aws_opensearch_domain_policy: { policies: { access_policies: { kind: 'resource', services: ['es'] } } },
  aws_opensearch_domain: {
    policies: {
      access_policies: {
        kind: 'resource',
        optional: true,
        services: ['es'],
        setBy: { type: 'aws_opensearch_domain_policy', target: 'domain_name', ids: ['domain_name'] },
      },
    },
  },
  aws_cloudwatch_log_resource_policy: {
    policies: { policy_document: { kind: 'resource', services: ['logs'] } },
  },
  aws_cloudwatch_log_destination_policy: {
    policies: { access_policy: { kind: 'resource', services: ['logs'] } },
  },
  aws_cloudwatch_event_bus_policy: { policies: { policy: { kind: 'resource', services: ['events'] } } },
  aws_efs_file_system_policy: { policies: { policy: { kind: 'resource', services: ['elasticfilesystem'] } } },
  aws_backup_vault_policy: { policies: { policy: { kind: 'resource', services: ['backup'] } } },
  aws_api_gateway_rest_api_policy: { policies: { policy: { kind: 'resource', services: ['execute-api'] } } },
  aws_api_gateway_rest_api: {
    policies: {
      policy: {
        kind: 'resource',
        optional: true,
        services: ['execute-api'],
        setBy: { type: 'aws_api_gateway_rest_api_policy', target: 'rest_api_id', ids: ['id'] },
      },
    },
  },
  aws_dynamodb_resource_policy: { policies: { policy: { kind: 'resource', services: ['dynamodb'] } } },
  aws_glue_resource_policy: { policies: { policy: { kind: 'resource', services: ['glue'] } } },
  aws_vpc_endpoint_policy: { policies: { policy: { kind: 'resource' } } },
  aws_vpc_endpoint: {
    policies: {
      policy: {
        kind: 'resource',
        optional: true,
        setBy: { type: 'aws_vpc_endpoint_policy', target: 'vpc_endpoint_id', ids: ['id'] },
      },
    },
  },
  aws_codeartifact_domain_permissions_policy: {
    policies: { policy_document: { kind: 'resource', services: ['codeartifact'] } },
  },
  aws_codeartifact_repository_permissions_policy: {
    policies: { policy_document: { kind: 'resource', services: ['codeartifact'] } },
  },
  'data.aws_iam_policy_document': { policies: { json: { kind: 'identity' } } },
  aws_iam_user: { principal: 'user' },
  aws_iam_group: { principal: 'group' },
  aws_iam_role_policy_attachment: { attaches: { arn: 'policy_arn', targets: [['role', 'role']] } },
  aws_iam_user_policy_attachment: { attaches: { arn: 'policy_arn', targets: [['user', 'user']] } },
  aws_iam_group_policy_attachment: { attaches: { arn: 'policy_arn', targets: [['group', 'group']] } },
  aws_iam_policy_attachment: {
    attaches: {
      arn: 'policy_arn',
      targets: [
        ['roles', 'role'],
        ['users', 'user'],
        ['groups', 'group'],
      ],
    },
  },
  aws_iam_role_policy_attachments_exclusive: {
    attaches: { arn: 'policy_arns', targets: [['role_name', 'role']] },
  },
  aws_iam_user_policy_attachments_exclusive: {
    attaches: { arn: 'policy_arns', targets: [['user_name', 'user']] },
  },
  aws_iam_group_policy_attachments_exclusive: {
    attaches: { arn: 'policy_arns', targets: [['group_name', 'group']] },
  },
};

const ENTRIES = Object.entries(RESOURCE_TYPES);

/** Resource type -> attribute -> the kind of policy it holds (derived from RESOURCE_TYPES). */
export const TERRAFORM_POLICY_ATTRIBUTES: Record<string, Record<string, PolicyKind>> = Object.fromEntries(
  ENTRIES.filter(([, e]) => e.policies).map(([t, e]) => [
    t,
    Object.fromEntries(Object.entries(e.policies!).map(([a, p]) => [a, p.kind])),
  ]),
);

export const POLICY_DOCUMENT_DATA_SOURCE = 'aws_iam_policy_document';

/** The attributes of an aws_iam_policy_document that take other documents (the older `*_json` too), in the order they are merged. */
export const DOCUMENT_ATTRIBUTES = [
  ['source_policy_documents', 'source'],
  ['source_json', 'source'],
  ['override_policy_documents', 'override'],
  ['override_json', 'override'],
] as const;

/** Attributes that are optional (a resource without them holds no policy), `type.attribute`. */
export const OPTIONAL_ATTRIBUTES = new Set(
  ENTRIES.flatMap(([t, e]) =>
    Object.entries(e.policies ?? {})
      .filter(([, p]) => p.optional)
      .map(([a]) => `${t}.${a}`),
  ),
);

/** Resource policy attributes (`type.attribute`) -> the services whose actions the policy can grant. */
export const GRANT_SERVICES = new Map(
  ENTRIES.flatMap(([t, e]) =>
    Object.entries(e.policies ?? {})
      .filter(([, p]) => p.services)
      .map(([a, p]): [string, string[]] => [`${t}.${a}`, [...p.services!].sort()]),
  ),
);

/** Policy attributes (`type.attribute`) that a resource of another type may set (SetBy). */
export const SET_BY = new Map(
  ENTRIES.flatMap(([t, e]) =>
    Object.entries(e.policies ?? {})
      .filter(([, p]) => p.setBy)
      .map(([a, p]): [string, SetBy] => [`${t}.${a}`, p.setBy!]),
  ),
);

/** Resource policy attributes (`type.attribute`) -> the attribute whose bucket or access point narrows their services. */
export const SERVICES_FROM = new Map(
  ENTRIES.flatMap(([t, e]) =>
    Object.entries(e.policies ?? {})
      .filter(([, p]) => p.servicesFrom)
      .map(([a, p]): [string, string] => [`${t}.${a}`, p.servicesFrom!]),
  ),
);

/**
 * Resource types of the AWS provider whose policy document is not an IAM policy: not read, and not
 * listed as a type not read (an AWS IoT Core policy governs what devices may do, as CloudFormation's
 * AWS::IoT::Policy, cloudformation/types.ts NOT_IAM).
 */
export const NOT_IAM_TYPES = new Set(['aws_iot_policy']);

/**
 * Attribute names that may hold a policy document (`policy`, `access_policy`, `policy_document`): on
 * a resource type not in RESOURCE_TYPES, one that holds an IAM policy document is listed as not read.
 */
export const POLICY_ATTRIBUTE_NAME = /(^|_)policy(_document)?$/;

/** Principal resource types. */
export const PRINCIPAL_TYPES: Record<string, PrincipalRecord['type']> = Object.fromEntries(
  ENTRIES.filter(([, e]) => e.principal).map(([t, e]) => [t, e.principal!]),
);

/** Inline policy resources: the attribute naming their principal. */
export const INLINE_POLICY_TARGETS: Record<string, [string, PrincipalRecord['type']]> = Object.fromEntries(
  ENTRIES.filter(([, e]) => e.inlineFor).map(([t, e]) => [t, e.inlineFor!]),
);

/** Attachment resources: the attribute with the policy ARN(s), and the attributes naming principals. */
export const ATTACHMENTS: Record<string, { arn: string; targets: [string, PrincipalRecord['type']][] }> =
  Object.fromEntries(ENTRIES.filter(([, e]) => e.attaches).map(([t, e]) => [t, e.attaches!]));

/** Attributes that give a human name to a policy-holding resource, in order of preference. */
export const NAME_ATTRIBUTES = [
  'name',
  'bucket',
  'policy_name',
  'domain_name',
  'repository',
  'repository_name',
  'arn',
  'queue_url',
  'secret_arn',
  'vault_name',
  'event_bus_name',
  'file_system_id',
  'backup_vault_name',
  'resource_arn',
  'domain',
  'vpc_endpoint_id',
  'access_point_arn',
  'destination_name',
  'key_id',
];
