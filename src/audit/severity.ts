// Severity follows the access level and the action's risk. The table is documented in the README
// ("Severity"): keep the two in step.
import { actionOfOrdinal, actionOrdinal, type ActionInfo } from '../policy/catalog.js';
import type { ActionSet } from '../policy/action-set.js';
import { SEVERITIES, type FindingKind, type Severity } from '../core/types.js';
import { KIND_INFO } from './kinds.js';

/**
 * Actions that let a principal raise its own privileges or act as another principal
 * (after Rhino Security Labs' and Bishop Fox's IAM privilege-escalation catalogues).
 */
const PRIVILEGE_ESCALATION = new Set(
  [
    'iam:PassRole',
    'iam:CreatePolicyVersion',
    'iam:SetDefaultPolicyVersion',
    'iam:AttachUserPolicy',
    'iam:AttachGroupPolicy',
    'iam:AttachRolePolicy',
    'iam:PutUserPolicy',
    'iam:PutGroupPolicy',
    'iam:PutRolePolicy',
    'iam:CreateAccessKey',
    'iam:CreateLoginProfile',
    'iam:UpdateLoginProfile',
    'iam:UpdateAssumeRolePolicy',
    'iam:AddUserToGroup',
    'iam:CreateRole',
    'iam:CreateUser',
    'iam:PutRolePermissionsBoundary',
    'iam:DeleteRolePermissionsBoundary',
    'iam:PutUserPermissionsBoundary',
    'iam:DeleteUserPermissionsBoundary',
    'sts:AssumeRole',
    'sts:AssumeRoleWithWebIdentity',
    'sts:AssumeRoleWithSAML',
    'lambda:CreateFunction',
    'lambda:UpdateFunctionCode',
    'lambda:UpdateFunctionConfiguration',
    'lambda:AddPermission',
    'lambda:InvokeFunction',
    'glue:CreateDevEndpoint',
    'glue:UpdateDevEndpoint',
    'cloudformation:CreateStack',
    'cloudformation:UpdateStack',
    'cloudformation:CreateChangeSet',
    'cloudformation:ExecuteChangeSet',
    'datapipeline:CreatePipeline',
    'ec2:RunInstances',
    'ec2:ModifyInstanceAttribute',
    'ssm:SendCommand',
    'ssm:StartSession',
    'ec2-instance-connect:SendSSHPublicKey',
    'codestar:CreateProject',
    'sagemaker:CreateNotebookInstance',
    'sagemaker:CreatePresignedNotebookInstanceUrl',
    'kms:CreateGrant',
    'kms:PutKeyPolicy',
    's3:PutBucketPolicy',
    'secretsmanager:PutResourcePolicy',
    'organizations:LeaveOrganization',
  ].map((a) => a.toLowerCase()),
);

/** Reads that return secrets or data rather than metadata. */
const SENSITIVE_READ = new Set(
  [
    'secretsmanager:GetSecretValue',
    'ssm:GetParameter',
    'ssm:GetParameters',
    'ssm:GetParametersByPath',
    'kms:Decrypt',
    's3:GetObject',
    's3:GetObjectVersion',
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'ecr:GetAuthorizationToken',
    'sts:GetSessionToken',
    'sts:GetFederationToken',
    'iam:GetAccountAuthorizationDetails',
    'lambda:GetFunction',
    'ec2:GetPasswordData',
  ].map((a) => a.toLowerCase()),
);

export function rank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function maxSeverity(list: Severity[]): Severity {
  let best: Severity = 'info';
  for (const s of list) if (rank(s) > rank(best)) best = s;
  return best;
}

// Per-action results are cached (by the catalog's action ordinal, else by object): a grouped
// finding can hold thousands of actions (NotAction, `*`).
const severityOnAll: Severity[] = [];
const severityOnSome: Severity[] = [];
const riskScores: number[] = [];
const severityOnAllOther = new Map<ActionInfo, Severity>();
const severityOnSomeOther = new Map<ActionInfo, Severity>();
const riskScoresOther = new Map<ActionInfo, number>();

/** The risk of granting one action, on every resource (`*`) or on some. */
export function actionSeverity(action: ActionInfo, onAllResources: boolean): Severity {
  const o = actionOrdinal(action);
  if (o !== undefined) {
    const cache = onAllResources ? severityOnAll : severityOnSome;
    return (cache[o] ??= computeActionSeverity(action, onAllResources));
  }
  const cache = onAllResources ? severityOnAllOther : severityOnSomeOther;
  let s = cache.get(action);
  if (s === undefined) {
    s = computeActionSeverity(action, onAllResources);
    cache.set(action, s);
  }
  return s;
}

/**
 * The highest actionSeverity over `actions` ('info' when there are none): what findingSeverity
 * gives the kinds graded by their actions, without building the list of severities.
 */
export function maxActionSeverity(actions: readonly ActionInfo[], onAllResources: boolean): Severity {
  return highestOf((visit) => actions.some(visit), onAllResources);
}

/** maxActionSeverity of a set's actions. */
export function maxSetSeverity(set: ActionSet, onAllResources: boolean): Severity {
  return highestOf((visit) => set.some((o) => visit(actionOfOrdinal(o))), onAllResources);
}

/** The highest actionSeverity of the actions `each` visits (a visit returns true to stop at the top). */
function highestOf(each: (visit: (a: ActionInfo) => boolean) => void, onAllResources: boolean): Severity {
  let best = 0;
  const top = SEVERITIES.length - 1;
  each((a) => {
    const r = rank(actionSeverity(a, onAllResources));
    if (r > best) best = r;
    return best === top;
  });
  return SEVERITIES[best]!;
}

function computeActionSeverity(action: ActionInfo, onAllResources: boolean): Severity {
  if (PRIVILEGE_ESCALATION.has(action.key)) return onAllResources ? 'critical' : 'high';
  if (action.levels.includes('Permissions management')) return onAllResources ? 'high' : 'medium';
  if (action.levels.includes('Write')) {
    return /^(delete|terminate|remove|destroy|purge|disable|stop|revoke|detach|deregister)/i.test(action.name)
      ? 'high'
      : 'medium';
  }
  if (SENSITIVE_READ.has(action.key)) return 'medium';
  return 'low';
}

/** Sort key: riskiest first (used to pick the examples a grouped finding names). */
export function riskScore(action: ActionInfo): number {
  const o = actionOrdinal(action);
  if (o !== undefined) return (riskScores[o] ??= computeRiskScore(action));
  let r = riskScoresOther.get(action);
  if (r === undefined) {
    r = computeRiskScore(action);
    riskScoresOther.set(action, r);
  }
  return r;
}

function computeRiskScore(action: ActionInfo): number {
  return (
    (PRIVILEGE_ESCALATION.has(action.key) ? 100 : 0) +
    (action.levels.includes('Permissions management') ? 50 : 0) +
    (action.levels.includes('Write') ? 20 : 0) +
    (SENSITIVE_READ.has(action.key) ? 15 : 0) +
    (action.levels.includes('Tagging') ? 5 : 0) +
    (action.levels.includes('Read') ? 2 : 0)
  );
}

/** Severity of a finding of `kind` whose actions have the given severities (see KIND_INFO). */
export function findingSeverity(kind: FindingKind, actionSeverities: Severity[]): Severity {
  const rule = KIND_INFO[kind].severityRule;
  return rule === 'by-actions' ? maxSeverity(actionSeverities) : rule;
}
