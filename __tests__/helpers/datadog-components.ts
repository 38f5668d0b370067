// Two of Datadog's components besides its integration role, as a repository keeps them under
// infra/datadog (a review's reproducer, written by hand): the Forwarder Lambda's role (secrets,
// KMS, logs writes, one S3 bucket, tag:GetResources) and the Agent's instance role (a few EC2 and
// ECS reads). Detection must not audit them against the integration role.
export const FORWARDER_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::my-log-bucket/*' },
    {
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:DdApiKeySecret-*',
    },
    { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: '*' },
    { Effect: 'Allow', Action: ['tag:GetResources'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: '*',
    },
  ],
};

export const AGENT_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'ec2:DescribeInstances',
        'ec2:DescribeTags',
        'ecs:ListClusters',
        'ecs:DescribeContainerInstances',
      ],
      Resource: '*',
    },
  ],
};
