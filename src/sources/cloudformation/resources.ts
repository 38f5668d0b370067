// What a template's resources stand for when another value refers to them: `Ref X` and
// `Fn::GetAtt X.Arn` as names and ARN patterns built from X's own properties. A name or id the
// template does not set (CloudFormation makes one up at deploy time) is one value: a placeholder
// (`<name of X>`), which the audit reads as one value, not as every name (GeneratedName).
import { isObject } from '../parser.js';
import { ACCOUNT_PLACEHOLDER, NO_VALUE, Unknown, type EvalHooks, type Evaluator } from './intrinsics.js';

const A = ACCOUNT_PLACEHOLDER;

/** A value of a resource, from its name (read only when used), properties and logical id. */
type Derived = (name: () => string, props: Record<string, unknown>, ev: Evaluator, id: string) => unknown;

interface TypeModel {
  /** The property holding the resource's name. */
  name?: string;
  /** What `Ref` returns: the name, the ARN, or something else (unknown). */
  ref: 'name' | 'arn' | Derived;
  /** The ARN, from the name. */
  arn?: (name: string, props: Record<string, unknown>, ev: Evaluator, id: string) => string;
  /** Attributes other than `Arn`: the ARN, the name, or a function (of the name, read only when used). */
  atts?: Record<string, 'arn' | 'name' | Derived>;
}

/**
 * What CloudFormation makes up at deploy time for a resource (`name`, `key id`): one value, as a
 * placeholder named after the resource (`<name of MyRole>`), which a policy's audit reads as one
 * value (PassRole on `…:role/<name of MyRole>` is PassRole on one role), not as `*`.
 */
export function generated(what: string, logicalId: string): string {
  return `<${what} of ${logicalId.replace(/[<>{}$]/g, '')}>`;
}

function iamPath(props: Record<string, unknown>, ev: Evaluator): string {
  const p = props.Path === undefined ? '/' : ev.str(ev.eval(props.Path));
  return p.startsWith('/') ? p : `/${p}`;
}

const lambdaArn = (n: string) => `arn:aws:lambda:*:${A}:function:${n}`;
const stateMachineArn = (n: string) => `arn:aws:states:*:${A}:stateMachine:${n}`;

/** Resource types whose references are modelled. */
export const TYPE_MODELS: Record<string, TypeModel> = {
  'AWS::IAM::Role': {
    name: 'RoleName',
    ref: 'name',
    arn: (n, p, ev) => `arn:aws:iam::${A}:role${iamPath(p, ev)}${n}`,
    atts: { RoleId: () => new Unknown('a role id is made at deploy time') },
  },
  'AWS::IAM::User': {
    name: 'UserName',
    ref: 'name',
    arn: (n, p, ev) => `arn:aws:iam::${A}:user${iamPath(p, ev)}${n}`,
  },
  'AWS::IAM::Group': {
    name: 'GroupName',
    ref: 'name',
    arn: (n, p, ev) => `arn:aws:iam::${A}:group${iamPath(p, ev)}${n}`,
  },
  'AWS::IAM::ManagedPolicy': {
    name: 'ManagedPolicyName',
    ref: 'arn',
    arn: (n, p, ev) => `arn:aws:iam::${A}:policy${iamPath(p, ev)}${n}`,
    atts: { PolicyArn: 'arn' },
  },
  'AWS::IAM::InstanceProfile': {
    name: 'InstanceProfileName',
    ref: 'name',
    arn: (n, p, ev) => `arn:aws:iam::${A}:instance-profile${iamPath(p, ev)}${n}`,
  },
  'AWS::S3::Bucket': {
    name: 'BucketName',
    ref: 'name',
    arn: (n) => `arn:aws:s3:::${n}`,
    atts: {
      DomainName: (n) => `${n()}.s3.amazonaws.com`,
      RegionalDomainName: (n) => `${n()}.s3.*.amazonaws.com`,
      WebsiteURL: (n) => `http://${n()}.s3-website-*.amazonaws.com`,
    },
  },
  'AWS::SQS::Queue': {
    name: 'QueueName',
    ref: (n) => `https://sqs.*.amazonaws.com/${A}/${n()}`,
    arn: (n) => `arn:aws:sqs:*:${A}:${n}`,
    atts: { QueueName: 'name', QueueUrl: (n) => `https://sqs.*.amazonaws.com/${A}/${n()}` },
  },
  'AWS::SNS::Topic': {
    name: 'TopicName',
    ref: 'arn',
    arn: (n) => `arn:aws:sns:*:${A}:${n}`,
    atts: { TopicArn: 'arn', TopicName: 'name' },
  },
  'AWS::Lambda::Function': { name: 'FunctionName', ref: 'name', arn: lambdaArn },
  'AWS::Serverless::Function': { name: 'FunctionName', ref: 'name', arn: lambdaArn },
  'AWS::DynamoDB::Table': {
    name: 'TableName',
    ref: 'name',
    arn: (n) => `arn:aws:dynamodb:*:${A}:table/${n}`,
    atts: { StreamArn: (n) => `arn:aws:dynamodb:*:${A}:table/${n()}/stream/*` },
  },
  'AWS::Serverless::SimpleTable': {
    name: 'TableName',
    ref: 'name',
    arn: (n) => `arn:aws:dynamodb:*:${A}:table/${n}`,
  },
  'AWS::KMS::Key': {
    ref: (_n, _p, _ev, id) => generated('key id', id),
    arn: (_n, _p, _ev, id) => `arn:aws:kms:*:${A}:key/${generated('key id', id)}`,
    atts: { KeyId: (_n, _p, _ev, id) => generated('key id', id) },
  },
  'AWS::KMS::Alias': { name: 'AliasName', ref: 'name' },
  'AWS::Logs::LogGroup': {
    name: 'LogGroupName',
    ref: 'name',
    arn: (n) => `arn:aws:logs:*:${A}:log-group:${n}:*`,
  },
  'AWS::Kinesis::Stream': { name: 'Name', ref: 'name', arn: (n) => `arn:aws:kinesis:*:${A}:stream/${n}` },
  'AWS::KinesisFirehose::DeliveryStream': {
    name: 'DeliveryStreamName',
    ref: 'name',
    arn: (n) => `arn:aws:firehose:*:${A}:deliverystream/${n}`,
  },
  'AWS::StepFunctions::StateMachine': {
    name: 'StateMachineName',
    ref: 'arn',
    arn: stateMachineArn,
    atts: { Name: 'name' },
  },
  'AWS::Serverless::StateMachine': { name: 'Name', ref: 'arn', arn: stateMachineArn, atts: { Name: 'name' } },
  'AWS::ECR::Repository': {
    name: 'RepositoryName',
    ref: 'name',
    arn: (n) => `arn:aws:ecr:*:${A}:repository/${n}`,
  },
  'AWS::SecretsManager::Secret': {
    name: 'Name',
    ref: 'arn',
    arn: (n) => `arn:aws:secretsmanager:*:${A}:secret:${n}-*`,
  },
  'AWS::Events::EventBus': { name: 'Name', ref: 'name', arn: (n) => `arn:aws:events:*:${A}:event-bus/${n}` },
  'AWS::Events::Rule': { name: 'Name', ref: 'name', arn: (n) => `arn:aws:events:*:${A}:rule/${n}` },
  'AWS::SSM::Parameter': {
    name: 'Name',
    ref: 'name',
    atts: { Value: () => new Unknown('an SSM parameter value') },
  },
  'AWS::ECS::Cluster': { name: 'ClusterName', ref: 'name', arn: (n) => `arn:aws:ecs:*:${A}:cluster/${n}` },
  'AWS::Glue::Database': { name: 'DatabaseInput.Name', ref: 'name' },
  'AWS::Athena::WorkGroup': { name: 'Name', ref: 'name' },
  'AWS::CodeBuild::Project': {
    name: 'Name',
    ref: 'name',
    arn: (n) => `arn:aws:codebuild:*:${A}:project/${n}`,
  },
  'AWS::EFS::FileSystem': {
    ref: (_n, _p, _ev, id) => generated('file system id', id),
    arn: (_n, _p, _ev, id) =>
      `arn:aws:elasticfilesystem:*:${A}:file-system/${generated('file system id', id)}`,
  },
  'AWS::ApiGateway::RestApi': {
    ref: () => new Unknown('a REST API id is made at deploy time'),
    atts: { RootResourceId: () => new Unknown('a resource id is made at deploy time') },
  },
  'AWS::ApiGatewayV2::Api': {
    ref: () => new Unknown('an HTTP API id is made at deploy time'),
    atts: { ApiId: () => new Unknown('an HTTP API id is made at deploy time') },
  },
  'AWS::Lambda::Alias': {
    name: 'Name',
    ref: 'arn',
    arn: (n, p, ev) => `${functionArn(p, ev)}:${n}`,
  },
  'AWS::Lambda::Version': {
    ref: 'arn',
    arn: (_n, p, ev) =>
      `${functionArn(p, ev)}:${ev.str(new Unknown('a Lambda version number is made at deploy time'))}`,
    atts: { Version: () => new Unknown('a Lambda version number is made at deploy time') },
  },
};

/** The ARN of the function a Lambda alias or version is of (its `FunctionName`: a name or an ARN). */
function functionArn(props: Record<string, unknown>, ev: Evaluator): string {
  const f = ev.str(ev.eval(props.FunctionName));
  return f.startsWith('arn:') ? f : lambdaArn(f);
}

function propAt(props: Record<string, unknown>, dotted: string): unknown {
  let v: unknown = props;
  for (const k of dotted.split('.')) v = isObject(v) ? v[k] : undefined;
  return v;
}

export interface ResourceLike {
  logicalId: string;
  type: string;
  props: Record<string, unknown>;
}

/** The name a resource gets: its name property evaluated, or one CloudFormation makes up (generated). */
export function resourceName(r: ResourceLike, ev: Evaluator): string {
  const model = TYPE_MODELS[r.type];
  const prop = model?.name;
  if (!prop) return generated('id', r.logicalId);
  const raw = propAt(r.props, prop);
  if (raw === undefined) return generated('name', r.logicalId);
  return ev.guard(
    r.logicalId,
    () => {
      // `RoleName: !If [HasName, !Ref Name, !Ref AWS::NoValue]`: not set, so made up.
      const v = ev.eval(raw);
      return v === NO_VALUE ? generated('name', r.logicalId) : ev.str(v);
    },
    () => ev.str(new Unknown(`${r.logicalId}'s name refers to itself`)),
  );
}

/** Hooks that let the evaluator see the template's resources. */
export function resourceHooks(
  resources: Map<string, ResourceLike>,
  onCycle: (chain: string[]) => void,
  onProblem: EvalHooks['problem'],
): EvalHooks {
  return {
    ref(id, ev) {
      const r = resources.get(id);
      if (!r) return undefined;
      const model = TYPE_MODELS[r.type];
      if (!model) return new Unknown(`Ref ${id}: what a ${r.type} reference stands for is not modelled`);
      if (model.ref === 'name') return resourceName(r, ev);
      if (model.ref === 'arn')
        return model.arn ? model.arn(resourceName(r, ev), r.props, ev, r.logicalId) : undefined;
      return model.ref(() => resourceName(r, ev), r.props, ev, r.logicalId);
    },
    getAtt(id, attr, ev) {
      const r = resources.get(id);
      if (!r) return undefined;
      const model = TYPE_MODELS[r.type];
      const how = attr === 'Arn' ? 'arn' : model?.atts?.[attr];
      if (!model || how === undefined)
        return new Unknown(`Fn::GetAtt ${id}.${attr}: that attribute of a ${r.type} is not modelled`);
      if (how === 'arn') {
        if (!model.arn)
          return new Unknown(`Fn::GetAtt ${id}.${attr}: the ARN of a ${r.type} is not modelled`);
        return model.arn(resourceName(r, ev), r.props, ev, r.logicalId);
      }
      if (how === 'name') return resourceName(r, ev);
      return how(() => resourceName(r, ev), r.props, ev, r.logicalId);
    },
    cycle: onCycle,
    problem: onProblem,
  };
}
