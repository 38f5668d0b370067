// CloudFormation, SAM and CDK (`cdk.out/*.template.json`) templates: every IAM policy they hold,
// evaluated offline (src/sources/cloudformation/intrinsics.ts), with its file, line and logical id,
// and the roles, users and groups that hold them.
//
// Addresses: the logical id of a policy resource (`DatadogIntegrationRoleManagedPolicy1`), or the
// logical id and property of a policy held inside another resource (`MyRole.Policies[0]`,
// `MyRole.AssumeRolePolicyDocument`, `MyKey.KeyPolicy`). Principal ids are `<path>#<logical id>`
// (logical ids repeat across templates).
import type {
  InputResult,
  PolicyKind,
  PolicyRecord,
  PrincipalRecord,
  SourceError,
  SourceFile,
} from '../../core/types.js';
import { formatJsonPath, type JsonPath } from '../../core/json-lines.js';
import {
  isAwsManagedPolicyArn,
  isServiceLinkedPolicyArn,
  managedPoliciesInfo,
  managedPolicyByName,
  resolveManagedPolicy,
} from '../managed-policies.js';
import { isObject, type SourceParser, type TextSourceParser } from '../parser.js';
import { boundDocuments } from '../records.js';
import { MAX_DOCUMENT_CHARS, textSize } from '../../policy/document.js';
import { Evaluator, MAX_EVAL_DEPTH, NO_VALUE, Unknown, asUnknown, clipText, describe } from './intrinsics.js';
import { resourceHooks, resourceName, type ResourceLike } from './resources.js';
import { samDeadLetterPolicy, samImplicitManagedPolicies, samPolicyEntry } from './sam.js';
import { isTemplate, jsonTemplate, yamlTemplate, type Template } from './template.js';
import { statementsOf } from '../../policy/raw.js';

/** Resource types holding a resource policy, and the property (dotted) that holds it. */
export const RESOURCE_POLICY_PROPERTIES: Record<string, string> = {
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::S3Express::BucketPolicy': 'PolicyDocument',
  'AWS::S3Outposts::BucketPolicy': 'PolicyDocument',
  'AWS::S3::AccessPoint': 'Policy',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
  'AWS::KMS::ReplicaKey': 'KeyPolicy',
  'AWS::ECR::Repository': 'RepositoryPolicyText',
  'AWS::ECR::RegistryPolicy': 'PolicyText',
  'AWS::SecretsManager::ResourcePolicy': 'ResourcePolicy',
  'AWS::Logs::ResourcePolicy': 'PolicyDocument',
  'AWS::OpenSearchService::Domain': 'AccessPolicies',
  'AWS::Elasticsearch::Domain': 'AccessPolicies',
  'AWS::ApiGateway::RestApi': 'Policy',
  'AWS::EFS::FileSystem': 'FileSystemPolicy',
  'AWS::Backup::BackupVault': 'AccessPolicy',
  'AWS::EC2::VPCEndpoint': 'PolicyDocument',
  'AWS::DynamoDB::Table': 'ResourcePolicy.PolicyDocument',
  'AWS::Kinesis::ResourcePolicy': 'ResourcePolicy',
  'AWS::Lambda::LayerVersionPermission': '',
  'AWS::CodeArtifact::Domain': 'PermissionsPolicyDocument',
  'AWS::CodeArtifact::Repository': 'PermissionsPolicyDocument',
  'AWS::Glue::ResourcePolicy': 'Policy',
  'AWS::Events::EventBusPolicy': '',
};

/** Types with a `PolicyDocument` that is not an IAM policy. */
const NOT_IAM = new Set(['AWS::IoT::Policy', 'AWS::IoT::PolicyPrincipalAttachment']);

const PRINCIPAL_TYPES: Record<string, PrincipalRecord['type']> = {
  'AWS::IAM::Role': 'role',
  'AWS::IAM::User': 'user',
  'AWS::IAM::Group': 'group',
};

const SAM_FUNCTIONS = new Set(['AWS::Serverless::Function', 'AWS::Serverless::StateMachine']);

/** Longest logical id read (CloudFormation's limit); longer ones would make unbounded ids and messages. */
export const MAX_LOGICAL_ID = 255;

/** Most approximation notes kept on one record. */
const MAX_NOTES = 8;

interface Resource extends ResourceLike {
  path: JsonPath;
  condition?: string;
  /** A role SAM makes for a function (`<Function>Role`). */
  implicitFor?: string;
}

interface PrincipalEntry {
  record: PrincipalRecord;
  resource: Resource;
}

class Analyzer {
  readonly policies: PolicyRecord[] = [];
  readonly errors: SourceError[] = [];
  private readonly errorKeys = new Set<string>();
  private readonly resources = new Map<string, Resource>();
  private readonly principals = new Map<string, PrincipalEntry>();
  private readonly recordsOf = new Map<string, PolicyRecord[]>();
  private readonly managed = new Map<string, PolicyRecord>();
  private readonly linePaths: { set: (line: number | undefined) => void; path: JsonPath | undefined }[] = [];
  private readonly cycles = new Set<string>();
  readonly ev: Evaluator;

  constructor(
    readonly file: SourceFile,
    readonly tpl: Template,
    readonly root: Record<string, unknown>,
  ) {
    for (const e of tpl.errors) this.errors.push(e);
    const res = isObject(root.Resources) ? root.Resources : {};
    for (const [id, r] of Object.entries(res)) {
      if (id.length > MAX_LOGICAL_ID) {
        this.error(
          `a logical id of ${id.length} characters (${id.slice(0, 40)}…): CloudFormation allows ${MAX_LOGICAL_ID}; the resource is not read`,
          ['Resources', id],
          undefined,
          false,
        );
        continue;
      }
      if (id.startsWith('Fn::ForEach::')) {
        this.error(
          `${id}: Fn::ForEach (AWS::LanguageExtensions) is not expanded; the resources it makes are not read`,
          ['Resources', id],
        );
        continue;
      }
      if (!isObject(r) || typeof r.Type !== 'string') {
        this.error(`resource ${id} has no Type`, ['Resources', id]);
        continue;
      }
      const props = isObject(r.Properties) ? r.Properties : {};
      const resource: Resource = { logicalId: id, type: r.Type, props, path: ['Resources', id] };
      if (typeof r.Condition === 'string') resource.condition = r.Condition;
      this.resources.set(id, resource);
    }
    for (const r of [...this.resources.values()]) {
      const roleId = `${r.logicalId}Role`;
      if (SAM_FUNCTIONS.has(r.type) && r.props.Role === undefined && !this.resources.has(roleId)) {
        const implicit: Resource = {
          logicalId: roleId,
          type: 'AWS::IAM::Role',
          props: {},
          path: r.path,
          implicitFor: r.logicalId,
        };
        if (r.condition) implicit.condition = r.condition;
        this.resources.set(roleId, implicit);
      }
    }
    this.ev = new Evaluator(
      root,
      resourceHooks(
        this.resources,
        (chain) => this.cycle(chain),
        (message, at) => this.error(message, at),
      ),
      (v) => tpl.originOf(v),
    );
  }

  error(full: string, at: JsonPath | undefined, address?: string, showPath = true): void {
    const message = clipText(full);
    // The same value can be evaluated more than once (a name used by several policies): said once.
    const key = `${message}\u0000${at ? formatJsonPath(at) : ''}`;
    if (this.errorKeys.has(key)) return;
    this.errorKeys.add(key);
    const e: SourceError = { path: this.file.path, message };
    if (at && showPath) e.jsonPath = formatJsonPath(at);
    if (address) e.address = address;
    this.errors.push(e);
    this.linePaths.push({ set: (l) => l !== undefined && (e.line = l), path: at });
  }

  private cycle(chain: string[]): void {
    const key = [...chain.slice(0, -1)].sort().join(' ');
    if (this.cycles.has(key)) return;
    this.cycles.add(key);
    const first = this.resources.get(chain[0]!);
    const at = first
      ? first.path
      : chain[0]!.startsWith('Conditions.')
        ? ['Conditions', chain[0]!.slice(11)]
        : undefined;
    this.error(`circular reference: ${chain.join(' -> ')}; the values on the cycle are read as unknown`, at);
  }

  /** True unless the resource's Condition is false with the parameters' defaults. */
  private exists(r: Resource): boolean {
    if (!r.condition) return true;
    const c = this.ev.condition(r.condition, [...r.path, 'Condition']);
    return c instanceof Unknown ? true : c;
  }

  /** The branch an `Fn::If` takes (itself again, as long as it is one), unevaluated; `NO_VALUE` for `Ref: AWS::NoValue`. */
  private chosen(raw: unknown): unknown {
    let v = raw;
    for (let i = 0; i < 64; i++) {
      if (isObject(v) && Object.keys(v).length === 1 && v.Ref === 'AWS::NoValue') return NO_VALUE;
      const args = isObject(v) && Object.keys(v).length === 1 ? v['Fn::If'] : undefined;
      if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') return v;
      const c = this.ev.condition(args[0], undefined);
      if (c instanceof Unknown) return v;
      v = c ? args[1] : args[2];
    }
    return v;
  }

  /** Items of a list property: each raw item with its path, or the evaluated items of an expression. */
  private items(raw: unknown, path: JsonPath): { value: unknown; path: JsonPath }[] {
    if (raw === undefined) return [];
    if (Array.isArray(raw)) return raw.map((value, i) => ({ value, path: [...path, i] }));
    if (isObject(raw) && Object.keys(raw).length === 1 && /^(Fn::|Ref$)/.test(Object.keys(raw)[0]!)) {
      const v = this.ev.eval(raw);
      if (v === NO_VALUE) return [];
      if (Array.isArray(v)) return v.map((value, i) => ({ value, path: [...path, i] }));
      return [{ value: v, path }];
    }
    return [{ value: raw, path }];
  }

  private lineOf(rec: { line?: number }, path: JsonPath | undefined): void {
    this.linePaths.push({ set: (l) => l !== undefined && (rec.line = l), path });
  }

  private addRecord(owner: string, rec: PolicyRecord): void {
    this.policies.push(rec);
    const list = this.recordsOf.get(owner) ?? [];
    list.push(rec);
    this.recordsOf.set(owner, list);
  }

  /** One policy document: evaluated, its unknown parts read as `*` (noted), its statements' lines kept. */
  docRecord(o: {
    owner: string;
    address: string;
    kind: PolicyKind;
    name?: string;
    raw: unknown;
    path: JsonPath;
    /** The source path when the document is not in the template (a SAM policy template). */
    statementsAt?: JsonPath;
  }): PolicyRecord | undefined {
    this.ev.begin();
    let doc = this.ev.eval(o.raw);
    if (doc === NO_VALUE) return undefined;
    const rec: PolicyRecord = {
      id: `${this.file.path}#${o.address}`,
      path: this.file.path,
      jsonPath: formatJsonPath(o.path),
      address: o.address,
      kind: o.kind,
      status: 'unresolved',
    };
    if (o.name) rec.name = o.name;
    this.lineOf(rec, o.path);
    const fail = (reason: string) => {
      rec.reason = clipText(reason);
      this.addRecord(o.owner, rec);
      return rec;
    };
    const u = asUnknown(doc);
    if (u) return fail(u.reason);
    if (typeof doc === 'string') {
      try {
        doc = JSON.parse(doc) as unknown;
      } catch {
        return fail('the policy is a string that is not JSON');
      }
    }
    if (!isObject(doc)) return fail(`the policy is ${describe(doc)}, not a policy document`);
    if (textSize(doc, MAX_DOCUMENT_CHARS) > MAX_DOCUMENT_CHARS)
      return fail(
        `the policy holds more than ${MAX_DOCUMENT_CHARS} characters, more than AWS accepts (YAML aliases?): not read`,
      );
    const st = doc.Statement;
    const su = asUnknown(st);
    if (su) return fail(`its Statement is not known: ${su.reason}`);
    const list = statementsOf(doc);
    for (let i = 0; i < list.length; i++) {
      const x = asUnknown(list[i]);
      if (x) return fail(`statement ${i} is not known: ${x.reason}`);
    }
    const statementPaths = list.map((s) =>
      o.statementsAt ? o.statementsAt : typeof s === 'object' && s !== null ? this.where(s) : undefined,
    );
    rec.document = this.finalize(doc);
    rec.status = 'resolved';
    const notes = [...this.ev.approximations];
    if (notes.length > 0)
      rec.approximate =
        notes.length > MAX_NOTES
          ? [...notes.slice(0, MAX_NOTES), `and ${notes.length - MAX_NOTES} more`]
          : notes;
    const lines: (number | undefined)[] = new Array<number | undefined>(statementPaths.length);
    statementPaths.forEach((p, i) => this.linePaths.push({ set: (l) => (lines[i] = l), path: p ?? o.path }));
    rec.statementLines = lines as number[];
    this.addRecord(o.owner, rec);
    return rec;
  }

  private where(v: object): JsonPath | undefined {
    return this.tpl.originOf(v) ?? this.ev.madeFrom.get(v);
  }

  /** Unknown values left in a document read as `*`, with their reasons noted (deeper than any policy: left as is). */
  private finalize(v: unknown, depth = 0): unknown {
    if (asUnknown(v)) return this.ev.str(v);
    if (depth > MAX_EVAL_DEPTH) return v;
    if (Array.isArray(v)) return v.map((x) => this.finalize(x, depth + 1));
    if (isObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.finalize(x, depth + 1);
      return out;
    }
    return v;
  }

  private text(raw: unknown): string | undefined {
    if (raw === undefined) return undefined;
    this.ev.begin();
    const v = this.ev.eval(raw);
    return v === NO_VALUE ? undefined : this.ev.str(v);
  }

  private principal(r: Resource): PrincipalEntry | undefined {
    const type = PRINCIPAL_TYPES[r.type];
    if (!type) return undefined;
    let p = this.principals.get(r.logicalId);
    if (!p) {
      const record: PrincipalRecord = {
        id: `${this.file.path}#${r.logicalId}`,
        type,
        path: this.file.path,
        policyIds: [],
        unresolved: [],
      };
      const name = resourceName(r, this.ev);
      if (name !== '*') record.name = name;
      this.lineOf(record, r.path);
      p = { record, resource: r };
      this.principals.set(r.logicalId, p);
    }
    return p;
  }

  /** Inline `Policies` of a role, user or group (and of nothing else). */
  private inlinePolicies(r: Resource): void {
    const base = [...r.path, 'Properties', 'Policies'];
    this.items(r.props.Policies, base).forEach((it, i) => {
      const address = `${r.logicalId}.Policies[${i}]`;
      let item = it.value;
      if (isObject(item) && Object.keys(item).length === 1 && /^(Fn::|Ref$)/.test(Object.keys(item)[0]!)) {
        this.ev.begin();
        item = this.ev.eval(item);
        if (item === NO_VALUE) return;
      }
      const u = asUnknown(item);
      if (u || !isObject(item)) {
        this.unresolved(
          r.logicalId,
          address,
          'identity',
          it.path,
          u ? u.reason : `a policy entry that is ${describe(item)}`,
        );
        return;
      }
      const name = this.text(item.PolicyName);
      const rec = this.docRecord({
        owner: r.logicalId,
        address,
        kind: 'identity',
        ...(name ? { name } : {}),
        raw: item.PolicyDocument,
        path: item.PolicyDocument !== undefined ? [...it.path, 'PolicyDocument'] : it.path,
      });
      if (rec && item.PolicyDocument === undefined) {
        rec.status = 'unresolved';
        rec.reason = 'the entry has no PolicyDocument';
      }
    });
  }

  private unresolved(owner: string, address: string, kind: PolicyKind, path: JsonPath, full: string): void {
    const reason = clipText(full);
    const rec: PolicyRecord = {
      id: `${this.file.path}#${address}`,
      path: this.file.path,
      jsonPath: formatJsonPath(path),
      address,
      kind,
      status: 'unresolved',
      reason,
    };
    this.lineOf(rec, path);
    this.addRecord(owner, rec);
  }

  /** Records of every policy a resource holds. */
  policiesOf(r: Resource): void {
    const P = [...r.path, 'Properties'];
    const t = r.type;
    if (r.implicitFor) return;
    if (t === 'AWS::IAM::Role') {
      const name = resourceName(r, this.ev);
      if (r.props.AssumeRolePolicyDocument !== undefined)
        this.docRecord({
          owner: r.logicalId,
          address: `${r.logicalId}.AssumeRolePolicyDocument`,
          kind: 'trust',
          ...(name !== '*' ? { name } : {}),
          raw: r.props.AssumeRolePolicyDocument,
          path: [...P, 'AssumeRolePolicyDocument'],
        });
      this.inlinePolicies(r);
    } else if (t === 'AWS::IAM::User' || t === 'AWS::IAM::Group') {
      this.inlinePolicies(r);
    } else if (
      t === 'AWS::IAM::Policy' ||
      t === 'AWS::IAM::ManagedPolicy' ||
      t === 'AWS::IAM::RolePolicy' ||
      t === 'AWS::IAM::UserPolicy' ||
      t === 'AWS::IAM::GroupPolicy'
    ) {
      const name = this.text(
        t === 'AWS::IAM::ManagedPolicy' ? r.props.ManagedPolicyName : r.props.PolicyName,
      );
      this.docRecord({
        owner: r.logicalId,
        address: r.logicalId,
        kind: 'identity',
        ...(name && name !== '*' ? { name } : {}),
        raw: r.props.PolicyDocument,
        path: [...P, 'PolicyDocument'],
      });
    } else if (SAM_FUNCTIONS.has(t)) {
      this.samPolicies(r);
    } else if (!NOT_IAM.has(t) && !t.startsWith('AWS::IAM::')) {
      const prop = Object.hasOwn(RESOURCE_POLICY_PROPERTIES, t)
        ? RESOURCE_POLICY_PROPERTIES[t]!
        : r.props.PolicyDocument !== undefined
          ? 'PolicyDocument'
          : '';
      if (!prop) return;
      let raw: unknown = r.props;
      for (const k of prop.split('.')) raw = isObject(raw) ? raw[k] : undefined;
      if (raw === undefined) return;
      this.docRecord({
        owner: r.logicalId,
        address:
          prop === 'PolicyDocument' || prop === 'ResourcePolicy' ? r.logicalId : `${r.logicalId}.${prop}`,
        kind: 'resource',
        name: r.logicalId,
        raw,
        path: [...P, ...prop.split('.')],
      });
    }
  }

  private samPolicies(r: Resource): void {
    // SAM ignores Policies when the function names its own Role.
    if (r.props.Role !== undefined) return;
    const base = [...r.path, 'Properties', 'Policies'];
    const raw = r.props.Policies;
    const entries =
      typeof raw === 'string' || (isObject(raw) && raw.Statement !== undefined)
        ? [{ value: raw, path: base }]
        : this.items(raw, base);
    entries.forEach((it, i) => {
      const address = `${r.logicalId}.Policies[${i}]`;
      let e = samPolicyEntry(it.value);
      if (e.kind === 'expression') {
        this.ev.begin();
        const v = this.ev.eval(e.value);
        if (v === NO_VALUE) return;
        const u = asUnknown(v);
        if (u) return this.unresolved(r.logicalId, address, 'identity', it.path, u.reason);
        e = samPolicyEntry(v);
        if (e.kind === 'expression') return;
      }
      if (e.kind === 'managed') return; // attached in linkPrincipals
      if (e.kind === 'error') return this.unresolved(r.logicalId, address, 'identity', it.path, e.reason);
      if (e.kind === 'inline')
        return void this.docRecord({
          owner: r.logicalId,
          address,
          kind: 'identity',
          raw: e.document,
          path: it.path,
        });
      this.docRecord({
        owner: r.logicalId,
        address,
        kind: 'identity',
        name: e.name,
        raw: e.document,
        path: it.path,
        statementsAt: it.path,
      });
    });
    const dlq =
      r.type === 'AWS::Serverless::Function' ? samDeadLetterPolicy(r.props.DeadLetterQueue) : undefined;
    if (dlq)
      this.docRecord({
        owner: r.logicalId,
        address: `${r.logicalId}.DeadLetterQueue`,
        kind: 'identity',
        name: 'DeadLetterQueuePolicy',
        raw: dlq,
        path: [...r.path, 'Properties', 'DeadLetterQueue'],
        statementsAt: [...r.path, 'Properties', 'DeadLetterQueue'],
      });
    if (r.props.AssumeRolePolicyDocument !== undefined)
      this.docRecord({
        owner: r.logicalId,
        address: `${r.logicalId}.AssumeRolePolicyDocument`,
        kind: 'trust',
        raw: r.props.AssumeRolePolicyDocument,
        path: [...r.path, 'Properties', 'AssumeRolePolicyDocument'],
      });
  }

  /** A SAM function property, or the template's `Globals.Function` one, evaluated. */
  private samProperty(r: Resource, name: string): unknown {
    const globals =
      isObject(this.root.Globals) && isObject(this.root.Globals.Function) ? this.root.Globals.Function : {};
    const raw = r.props[name] !== undefined ? r.props[name] : globals[name];
    if (raw === undefined) return undefined;
    this.ev.begin();
    const v = this.ev.eval(raw);
    return v === NO_VALUE ? undefined : v instanceof Unknown ? 'unknown' : v;
  }

  /** A managed policy (an ARN or a SAM managed policy name) -> record ids, or why not. */
  private managedIds(
    raw: unknown,
    path: JsonPath,
  ): { ids: string[]; unresolved: { ref: string; reason: string }[] } {
    // `Ref: X` to a managed policy of this template (also as a branch of Fn::If): its record, whatever its name.
    raw = this.chosen(raw);
    if (raw === NO_VALUE) return { ids: [], unresolved: [] };
    if (isObject(raw) && typeof raw.Ref === 'string' && Object.keys(raw).length === 1) {
      const target = this.resources.get(raw.Ref);
      if (target?.type === 'AWS::IAM::ManagedPolicy') {
        if (!this.exists(target)) return { ids: [], unresolved: [] };
        return { ids: (this.recordsOf.get(target.logicalId) ?? []).map((x) => x.id), unresolved: [] };
      }
    }
    this.ev.begin();
    const v = raw === undefined ? undefined : this.ev.eval(raw);
    if (v === NO_VALUE || v === undefined) return { ids: [], unresolved: [] };
    const u = asUnknown(v);
    if (u) return { ids: [], unresolved: [{ ref: formatJsonPath(path), reason: u.reason }] };
    if (Array.isArray(v)) {
      const out = { ids: [] as string[], unresolved: [] as { ref: string; reason: string }[] };
      v.forEach((x, i) => {
        const got = this.managedIds(x, [...path, i]);
        out.ids.push(...got.ids);
        out.unresolved.push(...got.unresolved);
      });
      return out;
    }
    if (typeof v !== 'string')
      return {
        ids: [],
        unresolved: [{ ref: formatJsonPath(path), reason: `${describe(v)} is not a policy ARN` }],
      };
    let arn = v.trim();
    if (!arn.startsWith('arn:')) {
      const mp = managedPolicyByName(arn);
      if (!mp)
        return {
          ids: [],
          unresolved: [{ ref: arn, reason: 'not an AWS managed policy name the bundled snapshot has' }],
        };
      arn = mp.arn;
    }
    if (isAwsManagedPolicyArn(arn)) {
      const m = resolveManagedPolicy(arn);
      if (!m)
        return {
          ids: [],
          unresolved: [
            {
              ref: arn,
              reason: isServiceLinkedPolicyArn(arn)
                ? 'an aws-service-role/ policy (for service-linked roles only) is not in the bundled snapshot'
                : `not in the bundled snapshot of AWS managed policies (${managedPoliciesInfo.source}@${managedPoliciesInfo.version})`,
            },
          ],
        };
      let rec = this.managed.get(m.arn);
      if (!rec) {
        rec = {
          id: `${this.file.path}#${m.arn}`,
          path: this.file.path,
          address: m.arn,
          kind: 'identity',
          name: m.name,
          document: m.document,
          status: 'resolved',
        };
        this.lineOf(rec, path);
        this.managed.set(m.arn, rec);
        this.policies.push(rec);
      }
      return { ids: [rec.id], unresolved: [] };
    }
    const mm = /^arn:[^:]*:iam::[^:]*:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!mm) return { ids: [], unresolved: [{ ref: arn, reason: 'not a policy ARN' }] };
    const name = mm[1]!;
    const hits = [...this.resources.values()].filter(
      (x) => x.type === 'AWS::IAM::ManagedPolicy' && !name.includes('*') && resourceName(x, this.ev) === name,
    );
    const ids = hits.flatMap((h) => (this.recordsOf.get(h.logicalId) ?? []).map((x) => x.id));
    if (ids.length > 0) return { ids, unresolved: [] };
    return {
      ids: [],
      unresolved: [{ ref: arn, reason: `customer managed policy ${name} is not defined in this template` }],
    };
  }

  /** Principals of a type named by a list property (`Roles: [!Ref MyRole, name]`). */
  private targets(raw: unknown, path: JsonPath, type: PrincipalRecord['type']): PrincipalEntry[] {
    const out: PrincipalEntry[] = [];
    for (const it of this.items(raw, path)) {
      const v = this.chosen(it.value);
      if (v === NO_VALUE) continue;
      if (isObject(v) && typeof v.Ref === 'string' && Object.keys(v).length === 1) {
        const r = this.resources.get(v.Ref);
        if (r && PRINCIPAL_TYPES[r.type] === type) {
          if (this.exists(r)) out.push(this.principal(r)!);
          continue;
        }
      }
      const name = this.text(v);
      if (!name || name.includes('*')) continue;
      for (const r of this.resources.values())
        if (PRINCIPAL_TYPES[r.type] === type && this.exists(r) && resourceName(r, this.ev) === name)
          out.push(this.principal(r)!);
    }
    return out;
  }

  private attach(
    p: PrincipalEntry,
    got: { ids: string[]; unresolved: { ref: string; reason: string }[] },
  ): void {
    p.record.policyIds.push(...got.ids);
    for (const u of got.unresolved)
      p.record.unresolved.push({ ref: clipText(u.ref, 200), reason: clipText(u.reason) });
  }

  linkPrincipals(live: Resource[]): void {
    for (const r of live) {
      const P = [...r.path, 'Properties'];
      const own = (this.recordsOf.get(r.logicalId) ?? []).filter((x) => x.kind === 'identity');
      if (PRINCIPAL_TYPES[r.type]) {
        const p = this.principal(r)!;
        p.record.policyIds.push(...own.map((x) => x.id));
        for (const it of this.items(r.props.ManagedPolicyArns, [...P, 'ManagedPolicyArns']))
          this.attach(p, this.managedIds(it.value, it.path));
        if (r.type === 'AWS::IAM::User')
          for (const g of this.targets(r.props.Groups, [...P, 'Groups'], 'group')) this.member(p, g);
      }
      if (SAM_FUNCTIONS.has(r.type)) {
        const roleRes = this.resources.get(`${r.logicalId}Role`);
        let role: PrincipalEntry | undefined;
        if (roleRes?.implicitFor === r.logicalId) role = this.principal(roleRes);
        else {
          const targets = this.targets([r.props.Role], [...P, 'Role'], 'role');
          role = targets[0];
          if (!role) {
            // Its Role is an ARN or name from elsewhere: the function's policies are not used by SAM.
            continue;
          }
        }
        if (!role) continue;
        role.record.policyIds.push(...own.map((x) => x.id));
        if (roleRes?.implicitFor === r.logicalId) {
          const props =
            r.props.VpcConfig === undefined && this.samProperty(r, 'VpcConfig') !== undefined
              ? { ...r.props, VpcConfig: true }
              : r.props;
          for (const arn of samImplicitManagedPolicies(props, r.type, this.samProperty(r, 'Tracing')))
            this.attach(role, this.managedIds(arn, [...P]));
          const raw = r.props.Policies;
          const entries =
            typeof raw === 'string'
              ? [{ value: raw, path: [...P, 'Policies'] }]
              : this.items(raw, [...P, 'Policies']);
          for (const it of entries) {
            let e = samPolicyEntry(it.value);
            if (e.kind === 'expression') {
              const v = this.ev.eval(e.value);
              if (v === NO_VALUE || asUnknown(v)) continue;
              e = samPolicyEntry(v);
            }
            if (e.kind === 'managed') this.attach(role, this.managedIds(e.value, it.path));
          }
        }
      }
      const attach: [string, PrincipalRecord['type']][] =
        r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy'
          ? [
              ['Roles', 'role'],
              ['Users', 'user'],
              ['Groups', 'group'],
            ]
          : r.type === 'AWS::IAM::RolePolicy'
            ? [['RoleName', 'role']]
            : r.type === 'AWS::IAM::UserPolicy'
              ? [['UserName', 'user']]
              : r.type === 'AWS::IAM::GroupPolicy'
                ? [['GroupName', 'group']]
                : [];
      for (const [prop, type] of attach) {
        const raw = r.props[prop];
        for (const p of this.targets(
          Array.isArray(raw) || raw === undefined ? raw : [raw],
          [...P, prop],
          type,
        ))
          p.record.policyIds.push(...own.map((x) => x.id));
      }
      if (r.type === 'AWS::IAM::UserToGroupAddition') {
        const groups = this.targets([r.props.GroupName], [...P, 'GroupName'], 'group');
        for (const u of this.targets(r.props.Users, [...P, 'Users'], 'user'))
          for (const g of groups) this.member(u, g);
      }
    }
  }

  private readonly memberships: [PrincipalEntry, PrincipalEntry][] = [];
  private member(u: PrincipalEntry, g: PrincipalEntry): void {
    this.memberships.push([u, g]);
  }

  finish(): InputResult {
    for (const [u, g] of this.memberships) {
      u.record.policyIds.push(...g.record.policyIds);
      u.record.unresolved.push(
        ...g.record.unresolved.map((x) => ({ ref: `${g.record.id}: ${x.ref}`, reason: x.reason })),
      );
    }
    for (const p of this.principals.values()) p.record.policyIds = [...new Set(p.record.policyIds)];
    const lines = this.tpl.linesOf(this.linePaths.map((x) => x.path));
    this.linePaths.forEach((x, i) => x.set(lines[i]));
    for (const rec of this.policies)
      if (rec.statementLines) rec.statementLines = rec.statementLines.map((l) => l ?? rec.line ?? 1);
    const result: InputResult = {
      path: this.file.path,
      kind: 'cloudformation',
      status: 'audited',
      policies: this.policies,
      errors: this.errors,
      principals: [...this.principals.values()].map((p) => p.record),
    };
    if (this.policies.length === 0) result.reason = 'no IAM policies in this template';
    return boundDocuments(result);
  }

  run(): InputResult {
    this.dependencyCycles();
    const live = [...this.resources.values()].filter((r) => this.exists(r));
    // Every record first (in the template's order): principals and attachments refer to them.
    for (const r of live) this.policiesOf(r);
    this.linkPrincipals(live);
    return this.finish();
  }

  /** Resources that depend on each other in a circle (Ref, Fn::GetAtt, Fn::Sub, DependsOn): CloudFormation rejects them. */
  private dependencyCycles(): void {
    const ids = [...this.resources.keys()];
    const deps = new Map<string, Set<string>>();
    const res = isObject(this.root.Resources) ? this.root.Resources : {};
    for (const id of ids) {
      const out = new Set<string>();
      const def = res[id];
      const stack: unknown[] = [def];
      // YAML aliases share values: each one is walked once.
      const seen = new Set<object>();
      while (stack.length > 0) {
        const v = stack.pop();
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) continue;
          seen.add(v);
        }
        if (Array.isArray(v)) for (const x of v) stack.push(x);
        else if (isObject(v)) {
          for (const [k, x] of Object.entries(v)) {
            if (k === 'Ref' && typeof x === 'string') out.add(x);
            else if (k === 'Fn::GetAtt')
              out.add(typeof x === 'string' ? x.split('.')[0]! : Array.isArray(x) ? String(x[0]) : '');
            else if (k === 'Fn::Sub') {
              const s = typeof x === 'string' ? x : Array.isArray(x) && typeof x[0] === 'string' ? x[0] : '';
              for (const m of s.matchAll(/\$\{([^!}][^}.]*)/g)) out.add(m[1]!.trim());
            } else if (k === 'DependsOn' && v === def)
              for (const d of Array.isArray(x) ? x : [x]) if (typeof d === 'string') out.add(d);
            stack.push(x);
          }
        }
      }
      deps.set(id, new Set([...out].filter((d) => res[d] !== undefined)));
    }
    // Tarjan's strongly connected components, iteratively.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const st: string[] = [];
    for (const start of ids) {
      if (idx.has(start) || !res[start]) continue;
      const work: [string, string[]][] = [];
      const visit = (n: string) => {
        idx.set(n, index);
        low.set(n, index++);
        st.push(n);
        onStack.add(n);
        work.push([n, [...(deps.get(n) ?? [])]]);
      };
      visit(start);
      while (work.length > 0) {
        const [n, rest] = work[work.length - 1]!;
        if (rest.length > 0) {
          const m = rest.shift()!;
          if (!idx.has(m)) visit(m);
          else if (onStack.has(m)) low.set(n, Math.min(low.get(n)!, idx.get(m)!));
          continue;
        }
        work.pop();
        if (work.length > 0) {
          const parent = work[work.length - 1]![0];
          low.set(parent, Math.min(low.get(parent)!, low.get(n)!));
        }
        if (low.get(n) === idx.get(n)) {
          const comp: string[] = [];
          let x: string;
          do {
            x = st.pop()!;
            onStack.delete(x);
            comp.push(x);
          } while (x !== n);
          if (comp.length > 1 || deps.get(n)?.has(n)) {
            comp.sort();
            this.error(
              `circular dependency between resources ${comp.join(', ')} (through Ref, Fn::GetAtt, Fn::Sub or DependsOn): CloudFormation rejects this template; break the cycle`,
              ['Resources', comp[0]!],
            );
          }
        }
      }
    }
  }
}

/** Reads one template (already parsed) into records. */
export function analyzeTemplate(file: SourceFile, tpl: Template): InputResult {
  if (!isObject(tpl.value))
    return {
      path: file.path,
      kind: 'cloudformation',
      status: 'skipped',
      reason: 'not a template',
      policies: [],
      errors: [],
    };
  return new Analyzer(file, tpl, tpl.value).run();
}

/** CloudFormation templates in JSON (and CDK's `cdk.out/*.template.json`). */
export const cloudFormationJsonParser: SourceParser = {
  kind: 'cloudformation',
  detect: (json) => isTemplate(json),
  parse: (file, json) => analyzeTemplate(file, jsonTemplate(file.text, json)),
};

const YAML_PATH = /\.(ya?ml|template)$/i;

/** CloudFormation and SAM templates in YAML; any other YAML file is skipped. */
export const cloudFormationYamlParser: TextSourceParser = {
  kind: 'cloudformation',
  claims(file) {
    if (!YAML_PATH.test(file.path)) return false;
    // A `.template` file in JSON goes the JSON way.
    const first = /^\uFEFF?\s*(\S)/.exec(file.text)?.[1];
    return first !== '{' && first !== '[';
  },
  parse(file) {
    const skipped = (reason: string): InputResult => ({
      path: file.path,
      kind: 'unknown',
      status: 'skipped',
      reason,
      policies: [],
      errors: [],
    });
    // Cheap test first: a template has a top-level Resources or AWSTemplateFormatVersion key.
    if (!/^["']?(AWSTemplateFormatVersion|Resources)["']?\s*:/m.test(file.text))
      return skipped('a YAML file that is not a CloudFormation template');
    const read = yamlTemplate(file.text, file.path);
    if (!read.ok) {
      // Only what looks like a template is an error: other YAML (several documents, Helm templates) is skipped.
      const looksLikeTemplate =
        /^["']?AWSTemplateFormatVersion["']?\s*:/m.test(file.text) ||
        /\bType["']?\s*:\s*["']?AWS::\w+::\w+/.test(file.text);
      if (!looksLikeTemplate)
        return skipped(
          `a YAML file that is not a CloudFormation template (it does not read as one: ${read.message})`,
        );
      const message = `not valid YAML at line ${read.line}: ${read.message}`;
      return {
        path: file.path,
        kind: 'cloudformation',
        status: 'error',
        reason: `${message}; expected a CloudFormation or SAM template: fix the syntax there`,
        policies: [],
        errors: [{ path: file.path, line: read.line, message }],
      };
    }
    if (!isTemplate(read.template.value)) return skipped('a YAML file that is not a CloudFormation template');
    return analyzeTemplate(file, read.template);
  },
};
