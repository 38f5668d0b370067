// The records that flow between the pipeline's stages:
// sources -> policy -> baselines -> audit -> report -> github.
// Every stage is pure; only cli.ts / main.ts and src/github touch the file system or the network.

/** What kind of file an input is, decided by its content (not only its name). */
export type InputKind =
  | 'policy'
  | 'terraform-plan'
  | 'terraform-state'
  | 'terraform-json'
  | 'cloudformation'
  | 'terraform-hcl'
  | 'authorization-details'
  | 'unknown';

/** identity: attached to a role/user/group; resource: bucket/queue/key policy; trust: a role's assume-role policy. */
export type PolicyKind = 'identity' | 'resource' | 'trust';

/**
 * What a resource-based policy of a known resource type can grant at most: AWS applies it to its
 * own resource, so only the actions of these services (a bucket policy's `Action: "*"` grants S3
 * actions, on that bucket and its objects; a key policy's, KMS actions).
 */
export interface GrantScope {
  /** The resource type that holds the policy, as the input names it (`aws_s3_bucket_policy`, `AWS::S3::BucketPolicy`). */
  resourceType: string;
  /** Service prefixes of the catalog (`s3`, `kms`), sorted. */
  services: string[];
}

/** A file handed to the sources stage. `path` is relative to the audit root, with `/` separators. */
export interface SourceFile {
  path: string;
  text: string;
  /**
   * Set where the sources stage let go of a one-line JSON text once it was parsed (a Terraform
   * plan or state, or an authorization-details export, which can be hundreds of megabytes): `text`
   * is then empty, and lines are read off the parsed value, where every value starts on line 1
   * (see locateLines).
   */
  oneLine?: true;
}

/** A problem found while reading an input: it names the file and the place. */
export interface SourceError {
  path: string;
  line?: number;
  /** JSON path of the offending value, e.g. `$.Statement[2].Effect`. */
  jsonPath?: string;
  address?: string;
  message: string;
}

/** One IAM policy found in an input, with where it came from. */
/** Where a `.tf` object was before the `moved` blocks of its root: its address, and its module's directory. */
export interface MovedFrom {
  address: string;
  dir: string;
}

export interface PolicyRecord {
  /** Stable id, unique in a report: `path` for a standalone file, `path#address` (or `path#jsonPath`) otherwise. */
  id: string;
  path: string;
  line?: number;
  /** Terraform address (`module.x.aws_iam_role_policy.y["k"]`) or an ARN/name for authorization details. */
  address?: string;
  /** A `.tf` policy's places before its root's `moved` blocks, nearest first (a pull request's base is read there). */
  movedFrom?: MovedFrom[];
  jsonPath?: string;
  /**
   * While a .tf module is read: the index in the written text of each statement of `document`,
   * when some statements were left out (unknown actions, a Deny of unknown values), so that each
   * keeps its own line.
   */
  statementIndexes?: number[];
  /**
   * Where statements of the document as written were left out when it was read (a Deny of values
   * not known, statements not known): the 0-based position, as written, of each statement of
   * `document`, so that a finding's `statement #N` counts as the file does.
   */
  statementNumbers?: number[];
  kind: PolicyKind;
  /**
   * A resource-based policy whose resource type is known: the services whose actions it can grant
   * (the audit reads only those of a statement's actions). Undefined when the type is unknown.
   */
  grantScope?: GrantScope;
  /** A human name: the policy's, role's or bucket's name where there is one (used by detection). */
  name?: string;
  /** The raw policy document (already JSON-decoded) when resolved. */
  document?: unknown;
  /**
   * For Terraform plans: the document before the change. `null` when the resource is created by the
   * plan (everything is new); undefined when there is no before/after information.
   */
  before?: unknown | null;
  /** The change Terraform plans for this resource, when known. */
  change?: 'create' | 'update' | 'delete' | 'no-op' | 'replace' | 'read';
  status: 'resolved' | 'unresolved';
  /** Why the policy could not be resolved (status `unresolved`). */
  reason?: string;
  /**
   * Set on a policy that grants nothing where the input uses it (a permissions boundary attached to
   * no principal as a policy): why. It is listed as not audited with this reason.
   */
  grantsNothing?: string;
  /**
   * Set where the input attaches the policy to a user or a group that is not in it (a
   * CloudFormation UserPolicy whose user is made elsewhere, a Terraform aws_iam_group_policy whose
   * group is a variable): people hold it, which no trust policy lets anyone assume, so detection
   * reads no other role's trust policy of its file as its own.
   */
  heldByPeople?: true;
  /** Notes on where the document is only an over-approximation (e.g. `${...}` interpolations read as wildcards). */
  approximate?: string[];
  /** 1-based line of each statement, index-aligned with the statements when known. */
  statementLines?: number[];
  /**
   * The file of each statement that is not in the policy's own file (a `.tf` policy rebuilt from
   * an `aws_iam_policy_document` in another file of its module), index-aligned with
   * statementLines; undefined where the statement is in `path`.
   */
  statementFiles?: (string | undefined)[];
}

/** A role, user or group, with the policies that make up its effective permissions. */
export interface PrincipalRecord {
  /**
   * Terraform address (`aws_iam_role.coiled`) or the ARN from authorization details; where inputs
   * or root modules hold the same one, made unique (`prod/aws_iam_role.r`,
   * `prod/terraform.tfstate#aws_iam_role.r`), and the address is kept in `address`.
   */
  id: string;
  /**
   * The principal's own address when its id is not it (made unique): what `terraform:` selectors
   * match, with the id.
   */
  address?: string;
  /** A `.tf` principal's places before its root's `moved` blocks, nearest first. */
  movedFrom?: MovedFrom[];
  type: 'role' | 'user' | 'group';
  name?: string;
  path: string;
  line?: number;
  /** Ids of PolicyRecords (inline and attached, and group policies for users) that this principal holds. */
  policyIds: string[];
  /** Attachments that could not be resolved to a policy (e.g. an unknown managed policy ARN). */
  unresolved: { ref: string; reason: string }[];
  /**
   * The principal's permissions boundary, as the input names it (an ARN, or a reference): what it
   * may do is at most what the boundary also allows, which the audit does not work out (a note).
   */
  permissionsBoundary?: string;
  /**
   * Notes on what it holds that is not sure: policies linked because a value not known may choose
   * them (a conditional policy ARN), audited as held.
   */
  approximate?: string[];
  /**
   * Ids of the role's trust policy records, where its reader links them (CloudFormation); without
   * it, a trust record whose address is the principal's id is the role's (Terraform).
   */
  trustIds?: string[];
  /**
   * The services that may assume the role when no trust policy record is its own, as its maker
   * writes them (the role SAM makes for a function: `lambda.amazonaws.com`).
   */
  trustServices?: string[];
  /**
   * In a plan: ids of the policies it holds only through attachments the plan creates (it did not
   * hold them before the change).
   */
  attachedByChange?: string[];
}

/** What one parser made of one file. */
export interface InputResult {
  path: string;
  kind: InputKind;
  status: 'audited' | 'skipped' | 'error';
  reason?: string;
  policies: PolicyRecord[];
  errors: SourceError[];
  principals?: PrincipalRecord[];
  /**
   * Parts of the file listed apart as skipped, each with its reason (a `*.tf.json` resource with
   * no instance, a module call not followed): results of their own, `path#address`, as the `.tf`
   * reader lists them.
   */
  skippedParts?: { address: string; reason: string }[];
}

// ---------------------------------------------------------------------------------------------
// Baselines

export type SetKind = 'setup' | 'ongoing' | 'optional';

/** The kinds of policy a baseline set may be held by (a trust policy is compared with `trust`). */
export type SetPolicyKind = 'identity' | 'resource';

/** Who a baseline's policies are attached to. */
export type BaselinePrincipal = 'user' | 'cross-account-role' | 'instance-role' | 'resource';

export interface BaselineSet {
  name: string;
  kind: SetKind;
  description?: string;
  /** What to do with permissions found only in this set (shown with the findings of this set). */
  remediation?: string;
  /**
   * Sets with the same choice are alternatives (Lightly's minimum, delegated or user access): one
   * of them is active, the one the policy implements, never several stacked.
   */
  choice?: string;
  /**
   * An alternative this set comes with (YAML `only-with`): active only where that alternative is
   * the one chosen (Datadog's resource-collection policies come only with `standard`).
   */
  onlyWith?: string;
  /**
   * The kinds of policy the set is for (YAML `policy-kinds`); all when absent. A set for
   * `resource` policies only (Databricks' root bucket policy) is not held by an identity policy:
   * it would excuse S3 grants on any bucket there.
   */
  policyKinds?: SetPolicyKind[];
  /** IAM statements exactly as the vendor documents them. */
  statements: unknown[];
}

export interface Baseline {
  /** `coiled`, or `coiled@2022` for an earlier version; for a file given on the command line, its path. */
  id: string;
  name: string;
  version?: string;
  /** The date the policy was taken from the vendor's documents (YYYY-MM-DD). */
  date?: string;
  sources?: string[];
  sets: BaselineSet[];
  defaultSets: string[];
  /** Placeholders used in the statements, such as `<account-ID-without-hyphens>`, with their meaning. */
  placeholders?: Record<string, string>;
  /** One line for the PR comment on what to do with leftover Setup permissions. */
  remediation?: string;
  /** Which principals the baseline's policies are for (user, cross-account role, instance role...). */
  principals?: BaselinePrincipal[];
  notes?: string;
  detect?: BaselineDetect;
  /**
   * AWS managed policies the vendor documents attaching to its principal, beside its own policy
   * (Datadog's SecurityAudit for Cloud Security Management): by name (`SecurityAudit`,
   * `job-function/ViewOnlyAccess`), what for. Such an attachment is not held to the statements.
   */
  managedPolicies?: Record<string, string>;
  /**
   * The role the vendor assumes in your account, as the vendor documents its trust policy: the
   * principals it names and the condition on their statement (an external ID). Trust policies that
   * let one of them, or any account, assume a role are compared with it (audit/trust.ts).
   */
  trust?: BaselineTrust;
}

export interface BaselineTrust {
  /** The vendor's principals: `arn:aws:iam::ACCOUNT:root` (any principal of the account), a role ARN, or a service. */
  principals: string[];
  /** The condition the vendor documents on their statement (operator, key, values); a placeholder value stands for yours. */
  condition?: Record<string, Record<string, string[]>>;
}

export interface BaselineDetect {
  /** Globs on policy, role, bucket or instance profile names (`coiled-*`, `skypilot-v1`). */
  names?: string[];
  /** AWS account IDs of the vendor, seen in a trust policy's principal. */
  accounts?: string[];
  /**
   * false: the policy's actions alone do not tell it is this vendor's (YAML `actions-alone`), as
   * they are a generic shape (Unity Catalog's S3 read and write): a name, a Sid or the vendor's
   * account must back them.
   */
  actionsAlone?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Findings and the report

export type FindingKind =
  | 'excess-action'
  | 'leftover-set'
  | 'broader-resource'
  | 'missing-condition'
  | 'broader-trust'
  | 'broader-principal'
  | 'missing-deny'
  | 'missing-permission'
  | 'unknown-action'
  | 'invalid-policy';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/**
 * An exact description of a set of concrete actions by IAM wildcard patterns (src/policy/compress.ts):
 * the actions `patterns` match, less those `except` matches, against one catalog; `count` of them.
 */
export interface ActionSet {
  /** `*`, `service:*`, `service:Prefix*` or `service:Action`. */
  patterns: string[];
  except: string[];
  count: number;
}

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** PolicyRecord id (or principal id when a principal is audited as a whole). */
  policy: string;
  /** Sid, or `#index` (0-based) of the statement. */
  statement?: string;
  /** Concrete actions in canonical spelling (or the raw pattern, for unknown-action), sorted. */
  actions: string[];
  /**
   * Only on a finding read from a saved report (schemaVersion 2) made with another catalog than the
   * bundled one, whose actions the report gives as patterns: the report's description, kept as
   * given (never re-expanded against a different catalog). `actions` is then empty, and
   * `actionSet.count` is the report's count. Audits never set it.
   */
  actionSet?: ActionSet;
  resources: string[];
  /** The baseline set involved (leftover-set: the inactive set that has the action). */
  set?: string;
  /** Set when `set` is an optional set: the finding is about that optional feature, not a finished step. */
  feature?: string;
  /**
   * Set when `set` is one of the baseline's alternatives (sets of one choice, such as Databricks'
   * policy types) and not the one this policy is held to: the choice's name. The finding is about
   * another alternative, not a finished step.
   */
  choice?: string;
  /** The remediation note of the finding's own set (or, for a setup set, of the baseline). */
  remediation?: string;
  baseline?: string;
  /** In a pull request or a plan: true when the base did not have it. */
  new?: boolean;
  /** For a plan: the permission was in `before` and is gone from `after`. */
  removed?: boolean;
  path: string;
  line?: number;
  address?: string;
  /** Access levels of the actions (List, Read, Tagging, Write, Permissions management). */
  accessLevels?: string[];
  /** Set when the answer is not exact: why (condition not comparable, unknown Terraform value, partial Deny...). */
  approximate?: string;
  /** Set when an ignore rule in the configuration hides it (the finding stays in the JSON report). */
  ignored?: { reason: string; expires?: string };
  message: string;
}

export interface ReportInput {
  path: string;
  kind: InputKind;
  status: 'audited' | 'skipped' | 'error';
  reason?: string;
  /** Ids of the policies found in this input. */
  policies: string[];
}

export interface ReportPolicy {
  id: string;
  path: string;
  line?: number;
  address?: string;
  kind: PolicyKind;
  baseline?: string;
  sets?: string[];
  /** Optional sets of the baseline this policy grants as documented: features taken as in use. */
  features?: string[];
  status: 'audited' | 'unresolved' | 'not-matched' | 'invalid';
  reason?: string;
  /** How the baseline was chosen: configuration, the command line, or detection (with its evidence). */
  detection?: { baseline: string; confidence: number; evidence: string[] };
}

export interface Suggestion {
  policy: string;
  /** What the policy grants intersected with the active baseline. */
  minimal: unknown;
  /** Unified diff of the original document against the minimal one. */
  diff: string;
  /**
   * Only on a suggestion read from a saved report (schemaVersion 2) whose diff was over the report's
   * bound: the diff's size; `diff` then holds a one-line note instead of the diff.
   */
  diffOmitted?: { lines: number; bytes: number };
  /**
   * Where the policy was read otherwise than written (PolicyRecord.approximate: values not known
   * read as wildcards, a Deny left out...): the suggestion is made from the policy as read.
   */
  approximate?: string[];
}

export interface Report {
  tool: { name: string; version: string };
  catalog: { source: string; version: string };
  /** The baselines used, with the sets made active and the vendor's remediation note for leftover sets. */
  baselines: {
    id: string;
    name: string;
    version?: string;
    date?: string;
    sets: string[];
    remediation?: string;
    sources?: string[];
  }[];
  /** Notes on the audit as a whole (expired ignores, stale baselines, unresolved selectors...). */
  notes?: string[];
  inputs: ReportInput[];
  policies: ReportPolicy[];
  findings: Finding[];
  suggestions: Suggestion[];
  /**
   * Only when the audit was asked not to make suggestions (`suggestions: false`, for a format that
   * shows none: text, SARIF): how many policies would have one. `suggestions` is then empty.
   */
  suggestionsNotMade?: number;
  summary: {
    inputs: number;
    policies: number;
    findings: number;
    byKind: Partial<Record<FindingKind, number>>;
    bySeverity: Partial<Record<Severity, number>>;
  };
}

/** An input as the sources stage hands it on: its result, and its text while lines are still needed. */
export interface LoadedInput {
  result: InputResult;
  text?: string;
}
