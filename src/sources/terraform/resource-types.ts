// The Terraform resource types that hold, attach or name IAM policies.
import type { PolicyKind, PrincipalRecord } from '../../core/types.js';

/**
 * Resource type -> attribute -> the kind of policy it holds. `inline_policy[].policy` is the
 * `policy` of each `inline_policy` block. The `aws_iam_policy_document` data source (DATA_SOURCE key)
 * is resolved where a policy attribute references it; on its own (referenced by nothing in the
 * input) it is a record of its own, its kind guessed from its statements.
 * `aws_lambda_permission` is not a policy document and is not read.
 */
export const TERRAFORM_POLICY_ATTRIBUTES = {
  aws_iam_policy: { policy: 'identity' },
  aws_iam_role_policy: { policy: 'identity' },
  aws_iam_user_policy: { policy: 'identity' },
  aws_iam_group_policy: { policy: 'identity' },
  aws_iam_role: { assume_role_policy: 'trust', 'inline_policy[].policy': 'identity' },
  aws_ssoadmin_permission_set_inline_policy: { inline_policy: 'identity' },
  aws_s3_bucket_policy: { policy: 'resource' },
  aws_s3_bucket: { policy: 'resource' },
  aws_s3control_bucket_policy: { policy: 'resource' },
  aws_sns_topic_policy: { policy: 'resource' },
  aws_sns_topic: { policy: 'resource' },
  aws_sqs_queue_policy: { policy: 'resource' },
  aws_sqs_queue: { policy: 'resource' },
  aws_kms_key: { policy: 'resource' },
  aws_ecr_repository_policy: { policy: 'resource' },
  aws_ecr_registry_policy: { policy: 'resource' },
  aws_ecrpublic_repository_policy: { policy: 'resource' },
  aws_secretsmanager_secret_policy: { policy: 'resource' },
  aws_secretsmanager_secret: { policy: 'resource' },
  aws_glacier_vault: { access_policy: 'resource' },
  aws_elasticsearch_domain_policy: { access_policies: 'resource' },
  aws_elasticsearch_domain: { access_policies: 'resource' },
  aws_opensearch_domain_policy: { access_policies: 'resource' },
  aws_opensearch_domain: { access_policies: 'resource' },
  aws_cloudwatch_log_resource_policy: { policy_document: 'resource' },
  aws_cloudwatch_event_bus_policy: { policy: 'resource' },
  aws_efs_file_system_policy: { policy: 'resource' },
  aws_backup_vault_policy: { policy: 'resource' },
  aws_api_gateway_rest_api_policy: { policy: 'resource' },
  aws_dynamodb_resource_policy: { policy: 'resource' },
  aws_glue_resource_policy: { policy: 'resource' },
  aws_vpc_endpoint_policy: { policy: 'resource' },
  aws_vpc_endpoint: { policy: 'resource' },
  aws_codeartifact_domain_permissions_policy: { policy_document: 'resource' },
  aws_codeartifact_repository_permissions_policy: { policy_document: 'resource' },
  'data.aws_iam_policy_document': { json: 'identity' },
} as const satisfies Record<string, Record<string, PolicyKind>>;

export const POLICY_DOCUMENT_DATA_SOURCE = 'aws_iam_policy_document';

/** Attributes that are optional (a resource without them holds no policy), `type.attribute`. */
export const OPTIONAL_ATTRIBUTES = new Set([
  'aws_s3_bucket.policy',
  'aws_sns_topic.policy',
  'aws_sqs_queue.policy',
  'aws_kms_key.policy',
  'aws_secretsmanager_secret.policy',
  'aws_vpc_endpoint.policy',
  'aws_elasticsearch_domain.access_policies',
  'aws_opensearch_domain.access_policies',
]);

export const PRINCIPAL_TYPES: Record<string, PrincipalRecord['type']> = {
  aws_iam_role: 'role',
  aws_iam_user: 'user',
  aws_iam_group: 'group',
};

/** Inline policy resources: the attribute naming their principal. */
export const INLINE_POLICY_TARGETS: Record<string, [string, PrincipalRecord['type']]> = {
  aws_iam_role_policy: ['role', 'role'],
  aws_iam_user_policy: ['user', 'user'],
  aws_iam_group_policy: ['group', 'group'],
};

/** Attachment resources: the attribute with the policy ARN(s), and the attributes naming principals. */
export const ATTACHMENTS: Record<string, { arn: string; targets: [string, PrincipalRecord['type']][] }> = {
  aws_iam_role_policy_attachment: { arn: 'policy_arn', targets: [['role', 'role']] },
  aws_iam_user_policy_attachment: { arn: 'policy_arn', targets: [['user', 'user']] },
  aws_iam_group_policy_attachment: { arn: 'policy_arn', targets: [['group', 'group']] },
  aws_iam_policy_attachment: {
    arn: 'policy_arn',
    targets: [
      ['roles', 'role'],
      ['users', 'user'],
      ['groups', 'group'],
    ],
  },
  aws_iam_role_policy_attachments_exclusive: { arn: 'policy_arns', targets: [['role_name', 'role']] },
  aws_iam_user_policy_attachments_exclusive: { arn: 'policy_arns', targets: [['user_name', 'user']] },
  aws_iam_group_policy_attachments_exclusive: { arn: 'policy_arns', targets: [['group_name', 'group']] },
};

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
];
