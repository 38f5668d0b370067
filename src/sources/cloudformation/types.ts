// The resource types the CloudFormation analyzer reads, its limits, and its model of a resource.
import type { PrincipalRecord } from '../../core/types.js';
import type { JsonPath } from '../../core/json-lines.js';
import type { ResourceLike } from './resources.js';

/**
 * Resource types holding a resource policy, and the property (dotted) that holds it, or the
 * properties when it has more than one (`[]`: each item of a list, a global table's `Replicas`).
 */
export const RESOURCE_POLICY_PROPERTIES: Record<string, string | string[]> = {
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::S3Express::BucketPolicy': 'PolicyDocument',
  'AWS::S3Outposts::BucketPolicy': 'PolicyDocument',
  'AWS::S3::AccessPoint': 'Policy',
  'AWS::S3Outposts::AccessPoint': 'Policy',
  'AWS::S3Express::AccessPoint': 'Policy',
  'AWS::S3::MultiRegionAccessPointPolicy': 'Policy',
  'AWS::S3ObjectLambda::AccessPointPolicy': 'PolicyDocument',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::SQS::QueueInlinePolicy': 'PolicyDocument',
  'AWS::SNS::TopicInlinePolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
  'AWS::KMS::ReplicaKey': 'KeyPolicy',
  'AWS::ECR::Repository': 'RepositoryPolicyText',
  'AWS::ECR::RegistryPolicy': 'PolicyText',
  'AWS::ECR::PublicRepository': 'RepositoryPolicyText',
  'AWS::SecretsManager::ResourcePolicy': 'ResourcePolicy',
  'AWS::Logs::ResourcePolicy': 'PolicyDocument',
  'AWS::Logs::Destination': 'DestinationPolicy',
  'AWS::OpenSearchService::Domain': 'AccessPolicies',
  'AWS::Elasticsearch::Domain': 'AccessPolicies',
  // (its own, and one its OpenAPI definition gives: the x-amazon-apigateway-policy extension)
  'AWS::ApiGateway::RestApi': ['Policy', 'Body.x-amazon-apigateway-policy'],
  'AWS::EFS::FileSystem': 'FileSystemPolicy',
  'AWS::Backup::BackupVault': 'AccessPolicy',
  'AWS::EC2::VPCEndpoint': 'PolicyDocument',
  // (the table's own, and its stream's)
  'AWS::DynamoDB::Table': [
    'ResourcePolicy.PolicyDocument',
    'StreamSpecification.ResourcePolicy.PolicyDocument',
  ],
  'AWS::DynamoDB::GlobalTable': [
    'Replicas[].ResourcePolicy.PolicyDocument',
    'Replicas[].ReplicaStreamSpecification.ResourcePolicy.PolicyDocument',
  ],
  'AWS::Kinesis::ResourcePolicy': 'ResourcePolicy',
  'AWS::Lambda::LayerVersionPermission': '',
  'AWS::CodeArtifact::Domain': 'PermissionsPolicyDocument',
  'AWS::CodeArtifact::Repository': 'PermissionsPolicyDocument',
  'AWS::Glue::ResourcePolicy': 'Policy',
  // (one statement, not a document: policiesOf)
  'AWS::Events::EventBusPolicy': 'Statement',
  'AWS::Events::EventBus': 'Policy',
};

/**
 * Resource policy types -> the services whose actions the policy can grant: AWS applies it to its
 * own resource only (a bucket policy's `Action: "*"` is S3 actions on that bucket and its objects).
 * A type not listed here (a VPC endpoint's policy, which governs the endpoint's service, or a
 * `PolicyDocument` of a type not known) is read as naming any action.
 */
export const RESOURCE_POLICY_SERVICES: Record<string, string[]> = {
  'AWS::S3::BucketPolicy': ['s3'],
  'AWS::S3Express::BucketPolicy': ['s3express'],
  'AWS::S3Outposts::BucketPolicy': ['s3-outposts'],
  'AWS::S3::AccessPoint': ['s3'],
  'AWS::S3Outposts::AccessPoint': ['s3-outposts'],
  'AWS::S3Express::AccessPoint': ['s3express'],
  'AWS::S3::MultiRegionAccessPointPolicy': ['s3'],
  'AWS::S3ObjectLambda::AccessPointPolicy': ['s3-object-lambda'],
  'AWS::SQS::QueuePolicy': ['sqs'],
  'AWS::SNS::TopicPolicy': ['sns'],
  'AWS::SQS::QueueInlinePolicy': ['sqs'],
  'AWS::SNS::TopicInlinePolicy': ['sns'],
  'AWS::KMS::Key': ['kms'],
  'AWS::KMS::ReplicaKey': ['kms'],
  'AWS::ECR::Repository': ['ecr'],
  'AWS::ECR::RegistryPolicy': ['ecr'],
  'AWS::ECR::PublicRepository': ['ecr-public'],
  'AWS::SecretsManager::ResourcePolicy': ['secretsmanager'],
  'AWS::Logs::ResourcePolicy': ['logs'],
  'AWS::Logs::Destination': ['logs'],
  'AWS::OpenSearchService::Domain': ['es'],
  'AWS::Elasticsearch::Domain': ['es'],
  'AWS::ApiGateway::RestApi': ['execute-api'],
  'AWS::Serverless::Api': ['execute-api'],
  'AWS::EFS::FileSystem': ['elasticfilesystem'],
  'AWS::Backup::BackupVault': ['backup'],
  'AWS::DynamoDB::Table': ['dynamodb'],
  'AWS::DynamoDB::GlobalTable': ['dynamodb'],
  'AWS::Kinesis::ResourcePolicy': ['kinesis'],
  'AWS::CodeArtifact::Domain': ['codeartifact'],
  'AWS::CodeArtifact::Repository': ['codeartifact'],
  'AWS::Glue::ResourcePolicy': ['glue'],
  'AWS::Events::EventBusPolicy': ['events'],
  'AWS::Events::EventBus': ['events'],
};

/** Types with a `PolicyDocument` that is not an IAM policy. */
export const NOT_IAM = new Set(['AWS::IoT::Policy', 'AWS::IoT::PolicyPrincipalAttachment']);

export const PRINCIPAL_TYPES: Record<string, PrincipalRecord['type']> = {
  'AWS::IAM::Role': 'role',
  'AWS::IAM::User': 'user',
  'AWS::IAM::Group': 'group',
};

export const SAM_FUNCTIONS = new Set(['AWS::Serverless::Function', 'AWS::Serverless::StateMachine']);

/** Whether a resource of this type holds policies the audit reads (identity, SAM, or a resource policy). */
export function holdsPolicies(type: string): boolean {
  return (
    /^AWS::IAM::(Role|User|Group|Policy|ManagedPolicy|RolePolicy|UserPolicy|GroupPolicy)$/.test(type) ||
    SAM_FUNCTIONS.has(type) ||
    type === 'AWS::Serverless::Api' ||
    type === 'AWS::SSO::PermissionSet' ||
    Object.hasOwn(RESOURCE_POLICY_PROPERTIES, type)
  );
}

/** Longest logical id read (CloudFormation's limit); longer ones would make unbounded ids and messages. */
export const MAX_LOGICAL_ID = 255;

/** Most approximation notes kept on one record. */
export const MAX_NOTES = 8;

export interface Resource extends ResourceLike {
  path: JsonPath;
  condition?: string;
  /** A role SAM makes for a function (`<Function>Role`). */
  implicitFor?: string;
}

export interface PrincipalEntry {
  record: PrincipalRecord;
  resource: Resource;
}
