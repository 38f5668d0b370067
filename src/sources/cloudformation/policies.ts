// The policies each resource holds: inline `Policies`, managed policies, resource policies and SAM policies.
import type { PolicyKind, PolicyRecord, PrincipalRecord } from '../../core/types.js';
import { formatJsonPath, type JsonPath } from '../../core/json-lines.js';
import { isObject } from '../parser.js';
import { iamDocument, policyKindOf } from '../../policy/raw.js';
import {
  MAX_EVAL_DEPTH,
  NO_VALUE,
  Unknown,
  asUnknown,
  clipText,
  describe,
  isIntrinsic,
} from './intrinsics.js';
import { TYPE_MODELS, generated, resourceName } from './resources.js';
import {
  SAM_DESTINATION_TYPES,
  SAM_EVENT_DESTINATION_TYPES,
  SAM_EVENT_INLINE_TYPES,
  SAM_EVENT_POLICY_ARNS,
  SAM_PULL_EVENT_TYPES,
  samDeadLetterPolicy,
  samEventDestinationPolicy,
  samEventPolicy,
  samEventPolicyName,
  samDestinationPolicy,
  samIntrinsic,
  samMerge,
  samPolicyEntry,
  samTruthy,
} from './sam.js';
import {
  RESOURCE_POLICY_PROPERTIES,
  RESOURCE_POLICY_SERVICES,
  NOT_IAM,
  PRINCIPAL_TYPES,
  SAM_FUNCTIONS,
  type Resource,
  type PrincipalEntry,
} from './types.js';
import { DocumentAnalyzer } from './documents.js';

/**
 * The fields of a SAM API's Auth.ResourcePolicy other than CustomStatements, from which SAM
 * generates statements of its own (swagger.py add_resource_policy).
 */
const SAM_API_POLICY_FIELDS = [
  'AwsAccountWhitelist',
  'AwsAccountBlacklist',
  'IpRangeWhitelist',
  'IpRangeBlacklist',
  'SourceVpcWhitelist',
  'SourceVpcBlacklist',
  'IntrinsicVpcWhitelist',
  'IntrinsicVpcBlacklist',
  'IntrinsicVpceWhitelist',
  'IntrinsicVpceBlacklist',
];

export class PolicyAnalyzer extends DocumentAnalyzer {
  protected principal(r: Resource): PrincipalEntry | undefined {
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
  protected inlinePolicies(r: Resource): void {
    const base = [...r.path, 'Properties', 'Policies'];
    const raw = r.props.Policies;
    if (isIntrinsic(raw)) return this.policiesExpression(r, raw, base);
    this.items(raw, base).forEach((it, i) => {
      const address = `${r.logicalId}.Policies[${i}]`;
      const item = it.value;
      if (isIntrinsic(item)) {
        // An entry an expression makes (`!If [C, {PolicyName, PolicyDocument}, !Ref AWS::NoValue]`):
        // read as a document, so that a condition not known is read both ways (docRecord).
        this.ev.begin(true);
        const all = this.readings(() => this.ev.eval(item));
        this.ev.endMarking();
        // Named only when the name is the same whatever the conditions not known (or known only
        // by the parameters' defaults) choose.
        const name = this.sameName(all.readings.map((x) => x.value));
        this.docRecord({
          owner: r.logicalId,
          address,
          kind: 'identity',
          ...(name ? { name } : {}),
          raw: item,
          path: it.path,
          entry: true,
        });
        return;
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

  /**
   * `Policies` an expression makes (`!If [C, [...], [...]]`): each entry read as a document, each
   * branch of a condition not known (docRecord), as many entries as the longest list of any.
   */
  private policiesExpression(r: Resource, raw: unknown, base: JsonPath): void {
    this.ev.begin(true);
    const lists = this.readings(() => this.ev.eval(raw));
    this.ev.endMarking();
    const count = (l: unknown) => (Array.isArray(l) ? l.length : l === NO_VALUE ? 0 : 1);
    const n = Math.max(0, ...lists.readings.map((x) => count(x.value)));
    const first = lists.readings[0]!.value;
    const nth = (l: unknown, i: number) => (Array.isArray(l) ? l[i] : i === 0 ? l : undefined);
    for (let i = 0; i < n; i++) {
      const name = this.sameName(lists.readings.map((x) => nth(x.value, i)));
      this.docRecord({
        owner: r.logicalId,
        address: `${r.logicalId}.Policies[${i}]`,
        kind: 'identity',
        ...(name ? { name } : {}),
        raw,
        path: Array.isArray(first) ? [...base, i] : base,
        entry: true,
        evaluate: () => {
          const l = this.ev.eval(raw);
          return Array.isArray(l) ? (i < l.length ? l[i] : NO_VALUE) : i === 0 ? l : NO_VALUE;
        },
      });
    }
  }

  /**
   * The PolicyName of a `Policies` entry read in each of these readings (those with no entry
   * there, or AWS::NoValue, left out), when it is one and the same; else none.
   */
  private sameName(entries: unknown[]): string | undefined {
    const names = new Set<string | undefined>();
    for (const e of entries) {
      if (e === undefined || e === NO_VALUE) continue;
      names.add(isObject(e) ? this.text(e.PolicyName) : undefined);
    }
    const [name] = names;
    return names.size === 1 ? name : undefined;
  }

  protected unresolved(owner: string, address: string, kind: PolicyKind, path: JsonPath, full: string): void {
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

  /**
   * The SAM connectors of a resource: an AWS::Serverless::Connector, or each of its embedded
   * `Connectors` (a map of them), with its address, where it is written and its source's logical id.
   */
  protected samConnectors(r: Resource): { address: string; path: JsonPath; source?: string }[] {
    if (r.type === 'AWS::Serverless::Connector') {
      const source = r.props.Source;
      const id = isObject(source) && typeof source.Id === 'string' ? source.Id : undefined;
      return [{ address: r.logicalId, path: r.path, ...(id ? { source: id } : {}) }];
    }
    const all = isObject(this.root.Resources) ? this.root.Resources[r.logicalId] : undefined;
    const embedded = isObject(all) ? all.Connectors : undefined;
    if (!isObject(embedded)) return [];
    return Object.keys(embedded).map((name) => ({
      address: `${r.logicalId}.Connectors.${name}`,
      path: [...r.path, 'Connectors', name],
      source: r.logicalId,
    }));
  }

  /** Records of every policy a resource holds. */
  policiesOf(r: Resource): void {
    const P = [...r.path, 'Properties'];
    const t = r.type;
    // (the API SAM makes for Api events takes the Globals' Auth, resource policy included)
    if (r.implicitFor && r.logicalId === 'ServerlessRestApi' && isObject(this.root.Globals))
      return this.samApiResourcePolicy(
        r,
        `${r.logicalId}.Auth.ResourcePolicy`,
        isObject(this.root.Globals.Api) ? this.root.Globals.Api.Auth : undefined,
        ['Globals', 'Api', 'Auth'],
      );
    if (r.implicitFor) return;
    // A SAM connector's policy (model/connector, connector_profiles/profiles.json: on its source's
    // role, or a resource policy of its destination) is not generated here: unresolved, naming it,
    // so that what it may grant is not left out silently (linked to its source's role: principals).
    for (const c of this.samConnectors(r))
      this.unresolved(
        r.logicalId,
        c.address,
        'identity',
        c.path,
        `the policy SAM generates for this connector${c.source ? ` (source ${c.source})` : ''} from its connector profiles is not read`,
      );
    if (t === 'AWS::Serverless::Connector') return;
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
    } else if (t === 'AWS::SSO::PermissionSet') {
      // (its InlinePolicy, a document or its JSON text; its managed policies: linkPrincipals)
      const name = this.text(r.props.Name);
      if (r.props.InlinePolicy !== undefined)
        this.docRecord({
          owner: r.logicalId,
          address: `${r.logicalId}.InlinePolicy`,
          kind: 'identity',
          ...(name && name !== '*' ? { name } : {}),
          raw: r.props.InlinePolicy,
          path: [...P, 'InlinePolicy'],
        });
    } else if (SAM_FUNCTIONS.has(t)) {
      this.samPolicies(r);
      this.samEventApiPolicies(r);
    } else if (t === 'AWS::Serverless::Api') {
      // (its Auth merged with the Globals one, as SAM merges them, unless IgnoreGlobals leaves it
      // out: globals.py, samGlobals)
      const globals = this.samGlobals(r, 'Api').Auth;
      const auth = samMerge(globals, r.props.Auth, this.languageExtensions());
      const at = r.props.Auth !== undefined ? [...P, 'Auth'] : ['Globals', 'Api', 'Auth'];
      this.samApiResourcePolicy(r, `${r.logicalId}.Auth.ResourcePolicy`, auth, at);
      // (a policy its OpenAPI definition gives, which SAM keeps, adding Auth's statements to it)
      this.resourcePolicyAt(r, ['DefinitionBody', 'x-amazon-apigateway-policy'], r.props, P, []);
    } else if (!NOT_IAM.has(t) && !t.startsWith('AWS::IAM::')) {
      const own = Object.hasOwn(RESOURCE_POLICY_PROPERTIES, t) ? RESOURCE_POLICY_PROPERTIES[t]! : undefined;
      const props = own !== undefined ? (Array.isArray(own) ? own : [own]) : [];
      if (own === undefined && r.props.PolicyDocument !== undefined) props.push('PolicyDocument');
      // (an event bus policy written the old way, Action and Principal, is not read: said so)
      if (
        t === 'AWS::Events::EventBusPolicy' &&
        r.props.Statement === undefined &&
        r.props.Action !== undefined
      )
        return this.unresolved(
          r.logicalId,
          r.logicalId,
          'resource',
          P,
          'an event bus policy given as Action and Principal (not Statement) is not read',
        );
      for (const prop of props) this.resourcePolicyAt(r, prop.split('.'), r.props, P, []);
      if (own === undefined) this.unreadPolicies(r, P);
    }
  }

  /**
   * A resource type not known here (RESOURCE_POLICY_PROPERTIES) with an IAM policy document (some
   * statement has an Effect) in a property named like a policy (`Policy`, `AccessPolicy`,
   * `PolicyText`: POLICY_PROPERTY_NAME), at the top or in an object or list one level down, other
   * than its `PolicyDocument` (read above): not audited, but listed as unresolved with the reason,
   * as the Terraform reader lists such a resource (unreadPolicies there), so that what it may grant
   * is not left out silently (an MSK cluster policy, a CodeBuild resource policy, an AWS Transfer
   * user's session policy). A value an intrinsic function makes counts when its text names a
   * Statement and an Effect.
   */
  private unreadPolicies(r: Resource, P: JsonPath): void {
    const found: { keys: JsonPath; kind: PolicyKind }[] = [];
    const check = (keys: JsonPath, v: unknown) => {
      const kind = unreadPolicyKind(v);
      if (kind) found.push({ keys, kind });
    };
    for (const [k, v] of Object.entries(r.props)) {
      if (k === 'PolicyDocument') continue;
      if (POLICY_PROPERTY_NAME.test(k)) check([k], v);
      else if ((isObject(v) || Array.isArray(v)) && !isIntrinsic(v))
        (Array.isArray(v) ? v : [v]).forEach((b, i) => {
          if (!isObject(b) || isIntrinsic(b)) return;
          for (const [j, w] of Object.entries(b))
            if (POLICY_PROPERTY_NAME.test(j)) check(Array.isArray(v) ? [k, i, j] : [k, j], w);
        });
    }
    for (const { keys, kind } of found) {
      const label = keys
        .map((x) => (typeof x === 'number' ? `[${x}]` : `.${x}`))
        .join('')
        .slice(1);
      this.unresolved(
        r.logicalId,
        `${r.logicalId}.${label}`,
        kind,
        [...P, ...keys],
        `resource type ${r.type} is not read: its ${label} holds an IAM policy document, not audited`,
      );
    }
  }

  /**
   * The resource policy of `r` at `keys` (a dotted property; `X[]`: each item of the list X) of
   * `raw`, written at `path` (`walked`: the keys so far, for its address): a record when it is
   * given, unresolved (with why) where what holds it is not known, nothing when it is not given.
   * An intrinsic function on the way (`StreamSpecification: !If [C, {...}, !Ref AWS::NoValue]`)
   * is evaluated with the document (docRecord: each branch of a condition not known), the rest of
   * the way picked from what it gives.
   */
  private resourcePolicyAt(
    r: Resource,
    keys: string[],
    raw: unknown,
    path: JsonPath,
    walked: string[],
  ): void {
    const address = (ks: string[]) =>
      ks.length === 1 && ['PolicyDocument', 'ResourcePolicy', 'Statement'].includes(ks[0]!)
        ? r.logicalId
        : `${r.logicalId}.${ks.join('.')}`;
    const unknown = asUnknown(raw);
    if (unknown)
      return this.unresolved(r.logicalId, address([...walked, ...keys]), 'resource', path, unknown.reason);
    const intrinsic = isIntrinsic(raw);
    // (`X[]` as two steps for what an expression gives: X, then each item of it)
    const steps = (ks: string[]) => ks.flatMap((k) => (k.endsWith('[]') ? [k.slice(0, -2), '[]'] : [k]));
    if (keys.length > 0 && intrinsic)
      return this.resourcePoliciesGiven(r, steps(keys), raw, path, walked, address);
    if (keys.length > 0) {
      const [k, ...rest] = keys as [string, ...string[]];
      const list = k.endsWith('[]') ? k.slice(0, -2) : undefined;
      if (!isObject(raw) || raw[list ?? k] === undefined) return;
      if (list === undefined) return this.resourcePolicyAt(r, rest, raw[k], [...path, k], [...walked, k]);
      const items = raw[list];
      // (a list an expression makes, `Replicas: !If [C, [...], [...]]`: each branch's items)
      if (isIntrinsic(items))
        return this.resourcePoliciesGiven(
          r,
          ['[]', ...steps(rest)],
          items,
          [...path, list],
          [...walked, list],
          address,
        );
      return void this.items(items, [...path, list]).forEach((it, i) =>
        this.resourcePolicyAt(r, rest, it.value, it.path, [...walked, `${list}[${i}]`]),
      );
    }
    const t = r.type;
    this.docRecord({
      owner: r.logicalId,
      address: address(walked),
      kind: 'resource',
      name: r.logicalId,
      raw,
      path,
      ...this.resourceScope(t),
      // (an event bus policy's Statement is the one statement of its policy)
      ...(t === 'AWS::Events::EventBusPolicy' ? { evaluate: () => this.statementsAsDocument(raw) } : {}),
    });
  }

  /**
   * The resource policy SAM writes into an API's definition (`x-amazon-apigateway-policy`, the
   * RestApi's policy) from an `Auth.ResourcePolicy` (`auth`, written at `at`): its
   * CustomStatements, read as the policy's statements. The statements SAM generates from its other
   * fields (SAM_API_POLICY_FIELDS: account, IP range and VPC allow and block lists, on the API's
   * methods) are not: the record says so (approximate), or, with no CustomStatements, is
   * unresolved, naming them.
   */
  private samApiResourcePolicy(r: Resource, address: string, auth: unknown, at: JsonPath): void {
    if (auth === undefined || auth === NO_VALUE) return;
    const u = asUnknown(auth);
    if (u) return this.unresolved(r.logicalId, address, 'resource', at, u.reason);
    if (!isObject(auth) || samIntrinsic(auth) || auth.ResourcePolicy === undefined) return;
    const rp = auth.ResourcePolicy;
    const rpAt = [...at, 'ResourcePolicy'];
    if (!isObject(rp) || samIntrinsic(rp))
      return this.unresolved(
        r.logicalId,
        address,
        'resource',
        rpAt,
        `an Auth.ResourcePolicy that is ${describe(rp)}: SAM reads only a map there`,
      );
    const others = SAM_API_POLICY_FIELDS.filter((k) => rp[k] !== undefined);
    const notRead = `the statements SAM generates for its ${others.join(', ')} (on the API's methods) are not read`;
    const custom = rp.CustomStatements;
    if (custom === undefined) {
      if (others.length > 0) this.unresolved(r.logicalId, address, 'resource', rpAt, notRead);
      return;
    }
    const rec = this.docRecord({
      owner: r.logicalId,
      address,
      kind: 'resource',
      name: r.logicalId,
      raw: custom,
      path: [...rpAt, 'CustomStatements'],
      ...this.resourceScope('AWS::ApiGateway::RestApi'),
      // (one statement or a list of them: SAM's _add_custom_statement)
      evaluate: () => this.statementsAsDocument(custom),
    });
    if (rec && others.length > 0) (rec.approximate ??= []).push(`${notRead}: only its CustomStatements are`);
  }

  /**
   * The resource policy an `Api` event of a SAM function or state machine adds to its API
   * (`Auth.ResourcePolicy`, as an API's own: samApiResourcePolicy), one record for each event.
   */
  private samEventApiPolicies(r: Resource): void {
    for (const e of this.samEvents(r)) {
      const way = e.ways.find((w) => w.type === 'Api' && w.props.Auth !== undefined);
      if (!way) continue;
      const at = [...r.path, 'Properties', 'Events', e.name, 'Properties', 'Auth'];
      this.samApiResourcePolicy(r, `${r.logicalId}.Events.${e.name}.Auth.ResourcePolicy`, way.props.Auth, at);
    }
  }

  /**
   * The resource policies at `steps` (keys, `[]`: each item of a list) of what the intrinsic
   * function `raw` (written at `path`, `walked` the keys so far) gives, each read as a document
   * (docRecord: each branch of a condition not known, noted): one record for each place, `X[i]`,
   * that any reading of the expression gives (readings()), so that an Fn::If choosing a whole list
   * (`Replicas: !If [C, [...], [...]]`) has the items of both its lists audited, not its true
   * branch's only.
   */
  private resourcePoliciesGiven(
    r: Resource,
    steps: string[],
    raw: unknown,
    path: JsonPath,
    walked: string[],
    address: (ks: string[]) => string,
  ): void {
    // The value at `steps` with these indices (one for each `[]`: a value that is not a list is
    // read as its one item, as items() reads it); NO_VALUE where there is none.
    const pick = (v: unknown, at: readonly number[]): unknown => {
      let n = 0;
      for (const k of steps) {
        if (v === NO_VALUE || asUnknown(v)) return v;
        if (k === '[]') {
          const i = at[n++]!;
          v = Array.isArray(v) ? (i < v.length ? v[i] : NO_VALUE) : i === 0 ? v : NO_VALUE;
          continue;
        }
        if (!isObject(v) || v[k] === undefined) return NO_VALUE;
        v = v[k];
      }
      return v;
    };
    // The indices each `[]` may take in a value (a list's items, past which the way goes on).
    const places = (v: unknown, from: number, at: number[], out: number[][]): void => {
      for (let s = from; s < steps.length; s++) {
        if (v === NO_VALUE) return;
        if (asUnknown(v)) break;
        const k = steps[s]!;
        if (k === '[]') {
          const list = Array.isArray(v) ? v : [v];
          list.forEach((x, i) => places(x, s + 1, [...at, i], out));
          return;
        }
        if (!isObject(v) || v[k] === undefined) return;
        v = v[k];
      }
      // (not known on the way: one place, its first item for each `[]` left, unresolved below)
      const lists = steps.filter((k) => k === '[]').length;
      out.push([...at, ...new Array<number>(lists - at.length).fill(0)]);
    };
    this.ev.begin(true);
    const found = this.readings(() => {
      const out: number[][] = [];
      places(this.ev.eval(raw), 0, [], out);
      return out;
    });
    this.ev.endMarking();
    const all = new Map<string, number[]>();
    for (const x of found.readings) for (const at of x.value) all.set(at.join(','), at);
    const ordered = [...all.values()].sort((a, b) => {
      const i = a.findIndex((n, k) => n !== b[k]);
      return i < 0 ? 0 : a[i]! - b[i]!;
    });
    for (const at of ordered) {
      let n = 0;
      const named = steps.map((k) => (k === '[]' ? `[${at[n++]!}]` : k));
      const ks = [...walked, ...named].reduce<string[]>(
        (acc, k) =>
          k.startsWith('[') && acc.length > 0 ? [...acc.slice(0, -1), `${acc.at(-1)!}${k}`] : [...acc, k],
        [],
      );
      this.docRecord({
        owner: r.logicalId,
        address: address(ks),
        kind: 'resource',
        name: r.logicalId,
        raw,
        path,
        ...this.resourceScope(r.type),
        evaluate: () => pick(this.ev.eval(raw), at),
      });
    }
  }

  /** Statements (one, or a list) as the document that holds them; a value not known as it is. */
  private statementsAsDocument(raw: unknown): unknown {
    const s = this.ev.eval(raw);
    return s === NO_VALUE || asUnknown(s) ? s : { Version: '2012-10-17', Statement: s };
  }

  /** The services a resource policy of this type can grant actions of, when the type is known. */
  private resourceScope(t: string): { grantScope?: { resourceType: string; services: string[] } } {
    const services = Object.hasOwn(RESOURCE_POLICY_SERVICES, t) ? RESOURCE_POLICY_SERVICES[t] : undefined;
    return services ? { grantScope: { resourceType: t, services: [...services] } } : {};
  }

  /** One entry of a SAM function's Policies, as a record (a managed policy: linkPrincipals). */
  private samEntry(r: Resource, it: { value: unknown; path: JsonPath }, i: number): void {
    const address = `${r.logicalId}.Policies[${i}]`;
    let e = samPolicyEntry(it.value);
    // An entry chosen by an Fn::If whose condition is not known: read with each branch, as a
    // document is (an inline policy or a SAM policy template of either; a managed policy of
    // either is attached in linkPrincipals).
    if (e.kind === 'expression' && this.alternatives(e.value).length > 1) {
      const expr = e.value;
      return void this.docRecord({
        owner: r.logicalId,
        address,
        kind: 'identity',
        raw: expr,
        path: it.path,
        evaluate: () => {
          const v = this.ev.eval(expr);
          if (v === NO_VALUE || asUnknown(v)) return v;
          const x = samPolicyEntry(v);
          // (a SAM policy template's document holds intrinsic functions of its own; a branch that
          // is not a policy makes the entry unresolved, saying which)
          if (x.kind === 'error') return new Unknown(x.reason);
          return x.kind === 'template'
            ? this.ev.eval(x.document)
            : x.kind === 'inline'
              ? x.document
              : NO_VALUE;
        },
      });
    }
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
  }

  protected samPolicies(r: Resource): void {
    // SAM ignores Policies when the function names its own Role; a Role an Fn::If whose condition
    // is not known may leave out (AWS::NoValue) makes them audited, said so.
    let noRole: string[] | undefined = [];
    if (r.props.Role !== undefined) {
      const roles = this.alternatives(r.props.Role);
      noRole = roles.some((x) => x.value === NO_VALUE)
        ? [...new Set(roles.flatMap((x) => x.conditions))]
        : undefined;
      if (!noRole) return;
    }
    const roleNote =
      noRole.length > 0
        ? `used only when the function's Role is not given, which an Fn::If ${this.ifChoice(noRole)} decides: audited as used`
        : undefined;
    const base = [...r.path, 'Properties', 'Policies'];
    const raw = r.props.Policies;
    // (Policies chosen whole by an Fn::If whose condition is not known: the entries of both lists)
    const entries =
      typeof raw === 'string' || (isObject(raw) && raw.Statement !== undefined)
        ? [{ value: raw, path: base, conditions: [] as string[] }]
        : this.listsOf(raw, base).flatMap((l) =>
            this.items(l.value, l.path).map((it) => ({ ...it, conditions: l.conditions })),
          );
    entries.forEach((it, i) => {
      const before = this.policies.length;
      this.samEntry(r, it, i);
      const notes: string[] = [];
      if (it.conditions.length > 0)
        notes.push(
          `in a Policies list chosen by an Fn::If ${this.ifChoice(it.conditions)}: audited as given`,
        );
      if (roleNote) notes.push(roleNote);
      if (notes.length)
        for (const rec of this.policies.slice(before)) (rec.approximate ??= []).push(...notes);
    });
    // (its own merged with the Globals one, as SAM merges them: samMerged; chosen by an Fn::If, or
    // its Type or TargetArn: the branch of a condition known, the policy of each branch that gives
    // one where it is not known, read as a document is: docRecord)
    const implicit = this.policies.length;
    const dlq = r.type === 'AWS::Serverless::Function' ? this.samMerged(r, 'DeadLetterQueue') : undefined;
    if (dlq) {
      this.docRecord({
        owner: r.logicalId,
        address: `${r.logicalId}.DeadLetterQueue`,
        kind: 'identity',
        name: 'DeadLetterQueuePolicy',
        raw: dlq.value,
        path: dlq.path,
        statementsAt: dlq.path,
        evaluate: () => samDeadLetterPolicy(this.ev.eval(dlq.value)),
      });
    }
    if (r.type === 'AWS::Serverless::Function') {
      this.samDestinations(r);
      this.samEventPolicies(r);
    }
    // (SAM adds them to the role it makes, as the Policies)
    if (roleNote) for (const rec of this.policies.slice(implicit)) (rec.approximate ??= []).push(roleNote);
    // (a function's own merged with the Globals one, a property of both: globals.py; a state
    // machine has none, stepfunctions/generators.py: its role's trust, samDefaultTrust)
    const trust =
      r.type === 'AWS::Serverless::Function' ? this.samMerged(r, 'AssumeRolePolicyDocument') : undefined;
    if (trust)
      this.docRecord({
        owner: r.logicalId,
        address: `${r.logicalId}.AssumeRolePolicyDocument`,
        kind: 'trust',
        raw: trust.value,
        path: trust.path,
      });
  }

  /**
   * The inline policies SAM adds for a function's EventInvokeConfig destinations, one record each
   * (samDestinationPolicy), its own merged with the Globals one (samMerged), each chosen by an Fn::If
   * read as the DeadLetterQueue's is. Without AWS::LanguageExtensions, SAM reads none from an
   * EventInvokeConfig or DestinationConfig an intrinsic function makes (translator 1.110.0).
   */
  private samDestinations(r: Resource): void {
    const config = this.samMerged(r, 'EventInvokeConfig');
    if (!config) return;
    const v = config.value;
    if (!this.languageExtensions() && (samIntrinsic(v) || (isObject(v) && samIntrinsic(v.DestinationConfig))))
      return;
    for (const on of ['OnSuccess', 'OnFailure']) {
      const keys = ['DestinationConfig', on];
      const at = this.samPlace(r, 'EventInvokeConfig', keys) ?? config.path;
      // (named as SAM names it when its Type is the same in every reading that gives one)
      this.ev.begin(true);
      const types = new Set(
        this.readings(() => this.samPick(v, [...keys, 'Type']))
          .readings.map((x) => x.value)
          .filter((x) => x !== NO_VALUE),
      );
      this.ev.endMarking();
      const [type] = types;
      const part =
        types.size === 1 && typeof type === 'string' && Object.hasOwn(SAM_DESTINATION_TYPES, type)
          ? SAM_DESTINATION_TYPES[type]
          : undefined;
      const prefix = `${r.logicalId}EventInvokeConfig${on}`;
      this.docRecord({
        owner: r.logicalId,
        address: `${r.logicalId}.EventInvokeConfig.${keys.join('.')}`,
        kind: 'identity',
        ...(part ? { name: `${prefix}${part}Policy` } : {}),
        raw: v,
        path: at,
        statementsAt: at,
        evaluate: () =>
          samDestinationPolicy(
            this.samPick(v, keys),
            (t) => {
              const id = `${prefix}${t === 'SQS' ? 'Queue' : 'Topic'}`;
              const model = TYPE_MODELS[t === 'SQS' ? 'AWS::SQS::Queue' : 'AWS::SNS::Topic']!;
              return model.arn!(generated('name', id), {}, this.ev, id);
            },
            (x) => this.ev.str(x),
          ),
      });
    }
  }

  /**
   * The inline policies SAM adds to a function's generated role for its Events (aws-sam-translator
   * model/eventsources/pull.py): an MSK, MQ, SelfManagedKafka or DocumentDB event's own
   * (samEventPolicy), and an OnFailure destination's (samEventDestinationPolicy), one record each,
   * read as a document is (docRecord: an Fn::If AWS::LanguageExtensions resolves first, with each
   * branch of a condition not known). Events is not a Globals property.
   */
  private samEventPolicies(r: Resource): void {
    // (SAM's _link_policy adds no policy whose document the role already has: two events failing
    // to the same destination give one; compared as written, as SAM compares them)
    const linked = new Set<string>();
    for (const e of this.samEvents(r)) {
      const at = [...r.path, 'Properties', 'Events', e.name];
      const id = `${r.logicalId}${e.name}`;
      const types = new Set(e.ways.flatMap((w) => (w.type === undefined ? [] : [w.type])));
      const [type] = types;
      if ([...types].some((t) => SAM_EVENT_INLINE_TYPES.has(t))) {
        const notes: string[] = [];
        const props = e.ways.find((w) => w.type === type)?.props ?? {};
        const rec = this.docRecord({
          owner: r.logicalId,
          address: `${r.logicalId}.Events.${e.name}`,
          kind: 'identity',
          ...(types.size === 1 ? { name: samEventPolicyName(type!, props, id) } : {}),
          raw: r.props.Events,
          path: at,
          statementsAt: at,
          evaluate: () => {
            const now = this.samEventNow(r, e.name);
            if (!now) return NO_VALUE;
            const doc = samEventPolicy(now.type, now.props, notes);
            return doc === NO_VALUE || asUnknown(doc) ? doc : this.ev.eval(doc);
          },
        });
        if (rec) for (const n of new Set(notes)) (rec.approximate ??= []).push(n);
      }
      if (![...types].some((t) => SAM_PULL_EVENT_TYPES.has(t))) continue;
      if (!e.ways.some((w) => w.props.DestinationConfig !== undefined)) continue;
      const failure = e.ways.map((w) => w.props.DestinationConfig).find(isObject)?.OnFailure;
      const part =
        isObject(failure) &&
        typeof failure.Type === 'string' &&
        Object.hasOwn(SAM_EVENT_DESTINATION_TYPES, failure.Type)
          ? SAM_EVENT_DESTINATION_TYPES[failure.Type]
          : undefined;
      const written = isObject(failure) ? [...at, 'Properties', 'DestinationConfig', 'OnFailure'] : at;
      const written1 =
        e.ways.length === 1 && e.ways[0]!.conditions.length === 0 ? e.ways[0]!.props : undefined;
      const doc = written1 ? samEventDestinationPolicy(written1) : undefined;
      if (isObject(doc)) {
        const text = JSON.stringify(doc);
        if (linked.has(text)) continue;
        linked.add(text);
      }
      this.docRecord({
        owner: r.logicalId,
        address: `${r.logicalId}.Events.${e.name}.DestinationConfig.OnFailure`,
        kind: 'identity',
        ...(part ? { name: `${id}${part}Policy` } : {}),
        raw: r.props.Events,
        path: written,
        statementsAt: written,
        evaluate: () => {
          const now = this.samEventNow(r, e.name);
          if (!now || !SAM_PULL_EVENT_TYPES.has(now.type)) return NO_VALUE;
          const doc = samEventDestinationPolicy(now.props);
          return doc === NO_VALUE || asUnknown(doc) ? doc : this.ev.eval(doc);
        },
      });
    }
  }

  /**
   * A SAM function's Events as SAM reads them, each with the ways it may be: its Type (undefined
   * where it has none SAM reads), Properties, the managed policy SAM attaches for it
   * (SAM_EVENT_POLICY_ARNS) and the conditions not known that choose the way. SAM reads a map of
   * maps with a Type as text; with AWS::LanguageExtensions first, the branch an Fn::If takes,
   * each branch of a condition not known (alternatives).
   */
  protected samEvents(r: Resource): {
    name: string;
    ways: { type?: string; props: Record<string, unknown>; arn?: string; conditions: string[] }[];
  }[] {
    const le = this.languageExtensions();
    const alts = (v: unknown) => (le ? this.alternatives(v) : [{ value: v, conditions: [] as string[] }]);
    const out = new Map<
      string,
      { name: string; ways: ReturnType<PolicyAnalyzer['samEvents']>[number]['ways'] }
    >();
    for (const events of alts(r.props.Events)) {
      if (!isObject(events.value) || samIntrinsic(events.value)) continue;
      for (const [name, raw] of Object.entries(events.value)) {
        const e = out.get(name) ?? { name, ways: [] };
        out.set(name, e);
        for (const event of alts(raw))
          for (const type of isObject(event.value)
            ? alts(event.value.Type)
            : [{ value: undefined, conditions: [] }]) {
            const conditions = [...new Set([...events.conditions, ...event.conditions, ...type.conditions])];
            const props =
              isObject(event.value) && isObject(event.value.Properties) ? event.value.Properties : {};
            if (typeof type.value !== 'string') {
              e.ways.push({ props, conditions });
              continue;
            }
            const t = type.value;
            if (t !== 'SNS') {
              const arn = Object.hasOwn(SAM_EVENT_POLICY_ARNS, t) ? SAM_EVENT_POLICY_ARNS[t] : undefined;
              e.ways.push({ type: t, props, ...(arn ? { arn } : {}), conditions });
              continue;
            }
            // (an SNS event with an SqsSubscription reads the queue SAM subscribes as an SQS event does)
            for (const sub of alts(props.SqsSubscription)) {
              const set = sub.value !== NO_VALUE && samTruthy(sub.value);
              e.ways.push({
                type: t,
                props,
                ...(set ? { arn: SAM_EVENT_POLICY_ARNS.SQS } : {}),
                conditions: [...new Set([...conditions, ...sub.conditions])],
              });
            }
          }
      }
    }
    return [...out.values()];
  }

  /**
   * One event of a SAM function as SAM reads it in the reading under way (docRecord): with
   * AWS::LanguageExtensions, its Fn::Ifs resolved (samResolveIfs); undefined when it has no Type
   * SAM reads.
   */
  private samEventNow(
    r: Resource,
    name: string,
  ): { type: string; props: Record<string, unknown> } | undefined {
    const le = this.languageExtensions();
    const events = le ? this.samResolveIfs(r.props.Events) : r.props.Events;
    if (!isObject(events) || samIntrinsic(events) || !Object.hasOwn(events, name)) return undefined;
    const event = events[name];
    if (!isObject(event) || typeof event.Type !== 'string') return undefined;
    return { type: event.Type, props: isObject(event.Properties) ? event.Properties : {} };
  }

  /**
   * A value with each Fn::If replaced by the branch it takes, as AWS::LanguageExtensions resolves
   * them before SAM reads it (AWS::NoValue left out): the branch of a condition not known is the
   * one of the reading under way (its Fn::If evaluated: docRecord reads each); other intrinsic
   * functions are left as written.
   */
  private samResolveIfs(v: unknown, depth = 0): unknown {
    if (depth > MAX_EVAL_DEPTH) return v;
    if (Array.isArray(v)) return v.map((x) => this.samResolveIfs(x, depth + 1)).filter((x) => x !== NO_VALUE);
    if (!isObject(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && v.Ref === 'AWS::NoValue') return NO_VALUE;
    const args = keys.length === 1 ? v['Fn::If'] : undefined;
    if (Array.isArray(args) && args.length === 3 && typeof args[0] === 'string') {
      const taken = this.ev.eval({ 'Fn::If': [args[0], true, false] });
      return typeof taken === 'boolean' ? this.samResolveIfs(taken ? args[1] : args[2], depth + 1) : v;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = this.samResolveIfs(x, depth + 1);
      // (own properties, `__proto__` included, are defined, never assigned)
      if (y !== NO_VALUE)
        Object.defineProperty(out, k, { value: y, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /**
   * The value at `keys` in a raw value, evaluated: an intrinsic function on the way is evaluated
   * (what it gives is read on), NO_VALUE where there is none.
   */
  private samPick(raw: unknown, keys: string[]): unknown {
    let v = raw;
    let evaluated = false;
    for (const k of keys) {
      if (!evaluated && samIntrinsic(v)) {
        v = this.ev.eval(v);
        evaluated = true;
      }
      if (v === NO_VALUE || asUnknown(v)) return v;
      if (!isObject(v) || v[k] === undefined) return NO_VALUE;
      v = v[k];
    }
    return evaluated ? v : this.ev.eval(v);
  }

  /**
   * Where a SAM function's property is written down to `keys`: the function's own, else the Globals'
   * one; undefined when neither is written as maps that far.
   */
  private samPlace(r: Resource, name: string, keys: string[]): JsonPath | undefined {
    const globals = this.samGlobals(r, 'Function');
    const has = (v: unknown) => {
      for (const k of keys) {
        if (!isObject(v) || samIntrinsic(v) || v[k] === undefined) return false;
        v = v[k];
      }
      return true;
    };
    if (has(r.props[name])) return [...r.path, 'Properties', name, ...keys];
    if (has(globals[name])) return ['Globals', 'Function', name, ...keys];
    return undefined;
  }

  /**
   * Whether SAM finds a function property set (`if self.VpcConfig:` in `_construct_role`: its value
   * merged with the Globals one, samMerged, as written: an intrinsic function is set whatever it
   * gives, samTruthy), each way it may be with the conditions not known that choose it. With
   * AWS::LanguageExtensions first, which resolves what it can, the branch an Fn::If takes (each
   * branch of a condition not known), evaluated.
   */
  protected samSet(r: Resource, name: string): { set: boolean; conditions: string[] }[] {
    const raw = this.samMerged(r, name)?.value;
    if (!this.languageExtensions()) return [{ set: samTruthy(raw), conditions: [] }];
    return this.alternatives(raw).map((a) => {
      if (a.value === NO_VALUE || a.value === undefined) return { set: false, conditions: a.conditions };
      this.ev.begin();
      return { set: samTruthy(this.ev.eval(a.value)), conditions: a.conditions };
    });
  }

  /**
   * The values SAM may read as a function's Tracing when it decides on X-Ray (samTracesXray), each
   * with the conditions not known that choose it. SAM resolves a Ref to a parameter there and
   * nothing else: an Fn::If is an expression, never 'Disabled', whatever its condition. With
   * AWS::LanguageExtensions first, which resolves what it can, the branch an Fn::If takes (each
   * branch of a condition not known), the Globals' Tracing where the function's leaves it out
   * (samMerged).
   */
  protected samTracings(r: Resource): { value: unknown; conditions: string[] }[] {
    const raw = this.samMerged(r, 'Tracing')?.value;
    if (raw === undefined) return [];
    // (text with a part not known, `!Sub '${Mode}'`, is not known either)
    const read = (v: unknown) => {
      this.ev.begin();
      const x = this.ev.eval(v);
      return typeof x === 'string' && this.ev.approximations.size > 0
        ? new Unknown([...this.ev.approximations].join('; '))
        : x;
    };
    if (!this.languageExtensions())
      return [{ value: this.parameterRef(raw) ? read(raw) : raw, conditions: [] }];
    return this.alternatives(raw).map((a) => ({
      value: a.value === NO_VALUE ? NO_VALUE : read(a.value),
      conditions: a.conditions,
    }));
  }

  /** Whether a value is a Ref to a parameter of the template. */
  private parameterRef(v: unknown): boolean {
    return (
      isObject(v) &&
      Object.keys(v).length === 1 &&
      typeof v.Ref === 'string' &&
      isObject(this.root.Parameters) &&
      Object.hasOwn(this.root.Parameters, v.Ref)
    );
  }
}

/**
 * Property names that may hold a policy document on a resource type not known here (`Policy`,
 * `AccessPolicy`, `ResourcePolicy`, `PolicyText`, `SessionPolicy`), as the Terraform reader's
 * POLICY_ATTRIBUTE_NAME.
 */
const POLICY_PROPERTY_NAME = /Policy(Document|Text)?$/;

/**
 * The kind of the IAM policy document a property's value holds (iamDocument), or undefined for
 * none. A value an intrinsic function makes (`!Sub` of a JSON text) is read as one when its text
 * names a Statement and an Effect: a resource policy when it names a Principal.
 */
function unreadPolicyKind(v: unknown): PolicyKind | undefined {
  if (isIntrinsic(v)) {
    const text = JSON.stringify(v);
    if (!/Statement/.test(text) || !/Effect/.test(text)) return undefined;
    return /Principal/.test(text) ? 'resource' : 'identity';
  }
  const doc = iamDocument(v);
  return doc ? policyKindOf(doc) : undefined;
}
