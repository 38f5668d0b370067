// Shared by the fuzz suites: how many cases to run, with which seed, and the generators of hostile
// inputs (policies, Terraform plans, state, *.tf.json, authorization details, YAML) that they use.
//
// CI runs a fixed number of cases per property with fixed seeds (failures reproduce). `npm run fuzz`
// sets FUZZ_RUNS (the total over every property, e.g. 200000) and FUZZ_SEED (a number, or `random`):
// each property then runs its share of FUZZ_RUNS. A failure prints the seed and the path to replay it.
import fc from 'fast-check';

/** Cases per property in CI, summed over the fuzz suites: the budget the shares are taken from. */
export const CI_TOTAL_RUNS = 12_000;

const envRuns = Number(process.env.FUZZ_RUNS ?? '');
const scale = Number.isFinite(envRuns) && envRuns > 0 ? envRuns / CI_TOTAL_RUNS : 1;
const envSeed = process.env.FUZZ_SEED;

/** Whether this is a long `npm run fuzz` run (FUZZ_RUNS set) rather than CI. */
export const LONG_RUN = scale !== 1;

/** Cases to run for a property that runs `ciRuns` in CI. */
export function runs(ciRuns: number): number {
  return Math.max(1, Math.round(ciRuns * scale));
}

/** A jest timeout for a property of `ciRuns` cases that each take about `msPerCase`. */
export function timeoutFor(ciRuns: number, msPerCase: number): number {
  return Math.max(60_000, runs(ciRuns) * msPerCase * 3);
}

/** Total cases run so far in this file (the suites report it, to check the CI budget). */
export const counted = { cases: 0 };

/**
 * fc.assert with a fixed seed (one per property, derived from its name) unless FUZZ_SEED says
 * otherwise; on failure the seed and the path are printed with the command that replays it.
 */
export function check<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  ciRuns: number,
): void | Promise<void> {
  const seed =
    envSeed === undefined
      ? seedOf(name)
      : envSeed === 'random'
        ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0
        : Number(envSeed);
  const numRuns = runs(ciRuns);
  counted.cases += numRuns;
  const report = (e: unknown) => {
    const path = /path: "([^"]*)"/.exec(String((e as Error)?.message ?? ''))?.[1];
    console.error(
      `fuzz property "${name}" failed with seed ${seed}${path ? `, path ${path}` : ''}: replay with FUZZ_SEED=${seed} npm test -- fuzz`,
    );
    throw e;
  };
  const params = { seed, numRuns } as const;
  if ('isAsync' in property && property.isAsync()) {
    return (fc.assert(property as fc.IAsyncProperty<Ts>, params) as Promise<void>).catch(report);
  }
  try {
    fc.assert(property as fc.IProperty<Ts>, params);
  } catch (e) {
    report(e);
  }
}

function seedOf(name: string): number {
  let h = 0x1ab5;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h;
}

// ---------------------------------------------------------------------------------------------
// Hostile strings

/** Strings hostile to a Markdown, terminal or SARIF consumer, or to a parser. */
export const HOSTILE_STRINGS: readonly string[] = [
  'a|b||c',
  '| --- | --- |',
  'x`y``z```',
  '</details><details open><summary>pwned</summary>',
  '<details>',
  '<img src=x onerror=alert(1)>',
  '[link](http://evil.example)',
  '![x](http://evil.example/x.png)',
  '@org/team',
  'ping @octocat',
  '#123',
  'owner/repo#1',
  '<!-- iam-baseline-audit:comment key=default -->',
  '<!-- iam-baseline-audit:drift key=default -->',
  '-->',
  'adm\u200Bin\uFEFF',
  'user\u202Etxt.exe',
  '\u2066isolate\u2069',
  '\u001B[31mred\u001B[0m',
  '\u001B]8;;http://evil.example\u0007click\u001B]8;;\u0007',
  '\u009B31m',
  'line1\r\nline2\n- [ ] task',
  '\r',
  'see http://evil.example and www.evil.example',
  '$\\sqrt{x}$',
  '# heading',
  '\\',
  '"',
  "'",
  '${var.x}',
  '%{ if true }x%{ endif }',
  '$${aws:username}',
  '\ud800',
  '\udc00x',
  '\u0000',
  '__proto__',
  'constructor',
  'toString',
  '*',
  '?',
  '**',
  '*?*?*?*?*?*?*?*?',
  'arn:aws:s3:::bucket/*',
  'arn:aws:iam::123456789012:role/coiled-*',
  'arn:aws:iam::aws:policy/AdministratorAccess',
  'arn:aws:iam::aws:policy/aws-service-role/Nope',
  's3:GetObject',
  'iam:PassRole',
  'ec2:*',
  'sts:AssumeRole',
  'Allow',
  'Deny',
  'allow',
  '2012-10-17',
  '',
  ' ',
  'x'.repeat(300),
  '*a'.repeat(200),
];

/** Hostile text that is still fine as a file name (no `/`, no NUL, at most ~200 bytes). */
export const HOSTILE_FILE_NAMES: readonly string[] = [
  '<img src=x onerror=alert(1)>',
  'a|b||c',
  '`x`',
  '[link](http:evil)',
  '@org team',
  '#123',
  'owner repo#1',
  '<!-- iam-baseline-audit:comment key=default -->',
  'adm\u200Bin',
  'user\u202Etxt',
  '\u001B[31mred\u001B[0m',
  'line1\nline2',
  'cr\rlf',
  '*',
  '$x',
  '%41',
  ' lead',
  'ünïcödé',
  '😀',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom('*', '?', 'a', 's3', ':', '/', '$', '{', '}', 'Get', '-'), { maxLength: 16 })
      .map((xs) => xs.join('')),
  },
);

/** encodeURIComponent, with lone surrogates (which it refuses) replaced first. */
export function urlEncode(s: string): string {
  return encodeURIComponent(
    s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );
}

// ---------------------------------------------------------------------------------------------
// JSON values

/** Any JSON value, small, with hostile strings and keys (including `__proto__`). */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    hostileString,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** A good value most of the time, anything else (wrong types, null, numbers for strings) sometimes. */
export function maybe<T>(good: fc.Arbitrary<T>, wrongWeight = 1): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 5, arbitrary: good }, { weight: wrongWeight, arbitrary: anyJson });
}

/** A string or a list of strings, as IAM writes fields. */
function stringOrList(s: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(s, fc.array(s, { maxLength: 4 }));
}

/** Rarely of the wrong type (for the fields that decide whether anything is read at all). */
function rarelyWrong<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: anyJson });
}

/** An object built from fields (optional unless listed in `required`), plus stray keys. */
function recordOf(
  fields: Record<string, fc.Arbitrary<unknown>>,
  required: string[] = [],
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      fc.record(fields, { requiredKeys: required }),
      fc.dictionary(hostileString, anyJson, { maxKeys: 1 }),
      fc.boolean(),
    )
    .map(([known, stray, withStray]) => (withStray ? { ...stray, ...known } : known));
}

// ---------------------------------------------------------------------------------------------
// IAM policy documents

export const actionPattern: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    's3:GetObject',
    's3:Get*',
    's3:*',
    'ec2:*',
    'ec2:Describe*',
    'iam:PassRole',
    'iam:*',
    '*',
    'sts:AssumeRole',
    'logs:PutLogEvents',
    'ec2:RunInstances',
    'ec2:CreateTags',
    'S3:getobject',
    'nosuch:Thing',
    's3:NoSuch*',
  ),
  hostileString,
);

export const resourcePattern: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '*',
    'arn:aws:s3:::bucket',
    'arn:aws:s3:::bucket/*',
    'arn:aws:ec2:*:*:instance/*',
    'arn:aws:iam::*:role/coiled-*',
    'arn:aws:s3:::${aws:username}/*',
    'arn:aws:s3:::<bucket>/*',
    'arn:*:*:*:*:*',
  ),
  hostileString,
);

const condition: fc.Arbitrary<unknown> = fc.dictionary(
  fc.constantFrom(
    'StringEquals',
    'StringLike',
    'ArnLike',
    'IpAddress',
    'Bool',
    'Null',
    'ForAnyValue:StringLike',
    'StringEqualsIfExists',
    'Nope',
    '__proto__',
  ),
  maybe(
    fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'aws:SourceIp',
          'ec2:ResourceTag/owner',
          'aws:PrincipalTag/team',
          'sts:ExternalId',
          '__proto__',
        ),
        hostileString,
      ),
      maybe(stringOrList(hostileString)),
      { maxKeys: 2 },
    ),
  ),
  { maxKeys: 2 },
);

const principal: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant('*'),
  fc.dictionary(
    fc.constantFrom('AWS', 'Service', 'Federated', 'Other', '__proto__'),
    stringOrList(
      fc.oneof(fc.constantFrom('arn:aws:iam::077742499581:root', 'ec2.amazonaws.com', '*'), hostileString),
    ),
    { maxKeys: 2 },
  ),
);

export const statement: fc.Arbitrary<unknown> = recordOf({
  Sid: maybe(hostileString),
  Effect: maybe(fc.constantFrom('Allow', 'Allow', 'Deny', 'allow')),
  Action: maybe(stringOrList(actionPattern)),
  NotAction: maybe(stringOrList(actionPattern), 2),
  Resource: maybe(stringOrList(resourcePattern)),
  NotResource: maybe(stringOrList(resourcePattern), 2),
  Principal: maybe(principal, 2),
  Condition: maybe(condition, 2),
});

/** A policy document object (most of the time), hostile in every field. */
export const policyDocument: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: recordOf({
      Version: maybe(fc.constantFrom('2012-10-17', '2008-10-17')),
      Id: maybe(hostileString),
      Statement: maybe(fc.oneof(fc.array(statement, { maxLength: 4 }), statement)),
    }).map((d) => ('Statement' in d ? d : { ...d, Statement: [] })),
  },
  { weight: 1, arbitrary: anyJson },
);

/** The wrappers and encodings policies come in. */
export const wrappedPolicy: fc.Arbitrary<unknown> = fc
  .tuple(
    policyDocument,
    fc.constantFrom('plain', 'PolicyVersion', 'Document', 'string', 'urlencoded', 'PolicyDocument'),
  )
  .map(([doc, how]) => {
    switch (how) {
      case 'PolicyVersion':
        return { PolicyVersion: { Document: doc, VersionId: 'v1', IsDefaultVersion: true } };
      case 'Document':
        return { Document: doc };
      case 'PolicyDocument':
        return { PolicyDocument: doc };
      case 'string':
        return { PolicyDocument: JSON.stringify(doc) };
      case 'urlencoded':
        return { PolicyDocument: urlEncode(JSON.stringify(doc) ?? '') };
      default:
        return doc;
    }
  });

/** A policy as a Terraform attribute holds it: a JSON string (sometimes broken), an object, or anything. */
const policyAttribute: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: policyDocument.map((d) => JSON.stringify(d) ?? 'null') },
  { weight: 1, arbitrary: policyDocument.map((d) => (JSON.stringify(d) ?? '').slice(0, 20)) },
  { weight: 1, arbitrary: policyDocument },
  { weight: 1, arbitrary: hostileString },
);

// ---------------------------------------------------------------------------------------------
// Terraform

const RESOURCE_TYPES = [
  'aws_iam_policy',
  'aws_iam_role_policy',
  'aws_iam_user_policy',
  'aws_iam_role',
  'aws_iam_user',
  'aws_iam_group',
  'aws_s3_bucket_policy',
  'aws_sqs_queue',
  'aws_kms_key',
  'aws_iam_role_policy_attachment',
  'aws_iam_policy_attachment',
  'aws_iam_user_group_membership',
  'aws_iam_group_membership',
  'aws_iam_role_policy_attachments_exclusive',
  'aws_lambda_function',
];

const tfName = fc.oneof(fc.constantFrom('a', 'b', 'coiled', 'this'), hostileString);
const tfType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...RESOURCE_TYPES) },
  { weight: 1, arbitrary: hostileString },
);

const arnValue = fc.oneof(
  fc.constantFrom(
    'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    'arn:aws:iam::123456789012:policy/a',
    'arn:aws:iam::aws:policy/NoSuchPolicy',
    'arn:aws:iam::aws:policy/aws-service-role/X',
  ),
  hostileString,
);

/** Attribute values of a Terraform resource: the policy attributes and the linking ones. */
const tfValues: fc.Arbitrary<Record<string, unknown>> = recordOf(
  {
    name: maybe(tfName),
    policy: policyAttribute,
    assume_role_policy: maybe(policyAttribute),
    inline_policy: maybe(
      fc.array(recordOf({ name: maybe(tfName), policy: policyAttribute }), { maxLength: 2 }),
    ),
    role: maybe(fc.oneof(tfName, fc.constant('${aws_iam_role.a.name}'))),
    user: maybe(tfName),
    users: maybe(fc.array(tfName, { maxLength: 2 })),
    groups: maybe(fc.array(tfName, { maxLength: 2 })),
    policy_arn: maybe(fc.oneof(arnValue, fc.constant('${aws_iam_policy.a.arn}'))),
    policy_arns: maybe(fc.array(arnValue, { maxLength: 2 })),
    managed_policy_arns: maybe(fc.array(arnValue, { maxLength: 2 })),
    bucket: maybe(tfName),
    json: maybe(policyAttribute),
    statement: maybe(
      fc.array(
        recordOf({
          sid: maybe(hostileString),
          effect: maybe(fc.constantFrom('Allow', 'Deny')),
          actions: maybe(fc.array(actionPattern, { maxLength: 3 })),
          resources: maybe(fc.array(resourcePattern, { maxLength: 2 })),
          principals: maybe(
            fc.array(
              recordOf({
                type: maybe(fc.constantFrom('AWS', 'Service', '*', '__proto__')),
                identifiers: maybe(fc.array(hostileString, { maxLength: 2 })),
              }),
              { maxLength: 1 },
            ),
          ),
          condition: maybe(
            fc.array(
              recordOf({
                test: maybe(fc.constantFrom('StringEquals', 'StringLike', '__proto__')),
                variable: maybe(fc.oneof(fc.constant('__proto__'), hostileString)),
                values: maybe(fc.array(hostileString, { maxLength: 2 })),
              }),
              { maxLength: 1 },
            ),
          ),
        }),
        { maxLength: 2 },
      ),
    ),
    source_policy_documents: maybe(fc.array(policyAttribute, { maxLength: 1 })),
    dynamic: maybe(
      recordOf({
        statement: maybe(
          recordOf({
            for_each: maybe(fc.array(hostileString, { maxLength: 3 })),
            iterator: maybe(hostileString),
            content: maybe(
              recordOf({
                actions: maybe(
                  fc.array(fc.constantFrom('${statement.value}', 's3:GetObject'), { maxLength: 2 }),
                ),
                resources: maybe(fc.array(resourcePattern, { maxLength: 1 })),
              }),
            ),
          }),
        ),
      }),
    ),
  },
  ['policy'],
);

/** Markers as after_unknown / after_sensitive write them (true, or a tree of them). */
const markers: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({}),
  fc.constant(true),
  fc.record({ policy: fc.boolean() }, { requiredKeys: [] }),
  fc.record({ name: fc.boolean(), policy: fc.boolean(), json: fc.boolean() }, { requiredKeys: [] }),
  anyJson,
);

const resourceChange: fc.Arbitrary<unknown> = maybe(
  fc
    .tuple(
      tfType,
      tfName,
      fc.option(fc.oneof(fc.integer({ min: 0, max: 2 }), hostileString), { nil: undefined }),
      fc.constantFrom('managed', 'managed', 'data'),
      fc.option(fc.constantFrom('module.m', 'module.m["k"]', 'module.a.module.b'), { nil: undefined }),
    )
    .chain(([type, name, index, mode, module]) => {
      const local = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
      const address = `${module ? `${module}.` : ''}${local}${index === undefined ? '' : typeof index === 'number' ? `[${index}]` : `[${JSON.stringify(index)}]`}`;
      return recordOf(
        {
          address: rarelyWrong(fc.constant(address)),
          type: rarelyWrong(fc.constant(mode === 'data' ? 'aws_iam_policy_document' : type)),
          name: rarelyWrong(fc.constant(name)),
          mode: maybe(fc.constant(mode)),
          index: maybe(fc.constant(index)),
          module_address: maybe(fc.constant(module)),
          deposed: fc.constant(undefined),
          change: rarelyWrong(
            recordOf(
              {
                actions: rarelyWrong(
                  fc.constantFrom(
                    ['create'],
                    ['update'],
                    ['delete'],
                    ['no-op'],
                    ['read'],
                    ['delete', 'create'],
                    ['forget'],
                    ['bogus'],
                  ),
                ),
                before: maybe(fc.oneof(fc.constant(null), tfValues)),
                after: rarelyWrong(fc.oneof({ weight: 5, arbitrary: tfValues }, fc.constant(null))),
                after_unknown: markers,
                after_sensitive: markers,
                before_sensitive: markers,
              },
              ['actions', 'after'],
            ),
          ),
        },
        ['address', 'type', 'name', 'change'],
      );
    }),
);

const moduleValues: fc.Arbitrary<unknown> = fc.letrec<{ m: unknown }>((tie) => ({
  m: rarelyWrong(
    recordOf({
      address: maybe(fc.constantFrom('module.m', 'module.x["k"]')),
      resources: rarelyWrong(
        fc.array(
          rarelyWrong(
            fc.tuple(tfType, tfName).chain(([type, name]) =>
              recordOf(
                {
                  address: rarelyWrong(fc.constant(`${type}.${name}`)),
                  type: rarelyWrong(fc.constant(type)),
                  name: rarelyWrong(fc.constant(name)),
                  mode: maybe(fc.constantFrom('managed', 'managed', 'data')),
                  values: rarelyWrong(tfValues),
                  sensitive_values: markers,
                  deposed_key: fc.constant(undefined),
                },
                ['address', 'type', 'name', 'values'],
              ),
            ),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      ),
      child_modules: fc.oneof(
        { depthSize: 'small' },
        fc.constant(undefined),
        fc.array(tie('m'), { maxLength: 2 }),
      ),
    }),
  ),
})).m;

export const terraformPlan: fc.Arbitrary<unknown> = recordOf({
  format_version: fc.constantFrom('1.2', '1.0'),
  resource_changes: maybe(fc.array(resourceChange, { maxLength: 5 })),
  planned_values: maybe(recordOf({ root_module: moduleValues })),
  prior_state: maybe(recordOf({ values: maybe(recordOf({ root_module: moduleValues })) })),
  configuration: maybe(
    recordOf({
      root_module: maybe(
        recordOf({
          resources: maybe(
            fc.array(
              recordOf({
                address: maybe(
                  fc.constantFrom('aws_iam_policy.a', 'aws_iam_role.a', 'data.aws_iam_policy_document.d'),
                ),
                expressions: maybe(
                  recordOf({
                    policy: maybe(
                      recordOf({
                        references: maybe(
                          fc.array(
                            fc.constantFrom(
                              'data.aws_iam_policy_document.d.json',
                              'data.aws_iam_policy_document.d',
                              'aws_iam_role.a.name',
                              'var.x',
                            ),
                            { maxLength: 2 },
                          ),
                        ),
                      }),
                    ),
                  }),
                ),
              }),
              { maxLength: 3 },
            ),
          ),
        }),
      ),
    }),
  ),
}).map((p) => ({ format_version: '1.2', ...p, resource_changes: p.resource_changes ?? [] }));

const shownState: fc.Arbitrary<unknown> = recordOf(
  {
    format_version: fc.constantFrom('1.0'),
    values: rarelyWrong(recordOf({ root_module: moduleValues }, ['root_module'])),
  },
  ['values'],
).map((s) => ({ format_version: '1.0', values: s.values ?? null, ...s }));

/** A step of a raw state's sensitive_attributes path, as Terraform writes it or not. */
const sensitiveStep = fc.oneof(
  fc.record({
    type: fc.constant('get_attr'),
    value: fc.oneof(fc.constantFrom('policy', 'inline_policy', 'name', '__proto__'), hostileString),
  }),
  fc.record({
    type: fc.constant('index'),
    value: fc.record({
      value: fc.oneof(fc.nat(3), fc.constant(1e9), hostileString, anyJson),
      type: fc.oneof(fc.constantFrom('number', 'string'), anyJson),
    }),
  }),
  anyJson,
);

/** A raw state file (terraform.tfstate), format version 4 (rarely another). */
const rawState: fc.Arbitrary<unknown> = recordOf(
  {
    version: rarelyWrong(fc.constant(4)),
    resources: rarelyWrong(
      fc.array(
        recordOf(
          {
            module: maybe(fc.oneof(fc.constantFrom('module.m', 'module.m["a"].module.n'), hostileString)),
            mode: rarelyWrong(fc.constantFrom('managed', 'data')),
            type: tfType,
            name: tfName,
            instances: rarelyWrong(
              fc.array(
                recordOf({
                  index_key: maybe(fc.oneof(fc.nat(3), tfName)),
                  attributes: rarelyWrong(tfValues),
                  sensitive_attributes: maybe(
                    fc.array(fc.array(sensitiveStep, { maxLength: 3 }), { maxLength: 2 }),
                  ),
                  // Rarely (undefined is left out of the text).
                  deposed: fc.oneof(
                    { weight: 6, arbitrary: fc.constant(undefined) },
                    { weight: 1, arbitrary: fc.constant('00000001') },
                  ),
                }),
                { maxLength: 2 },
              ),
            ),
          },
          ['mode', 'type', 'name', 'instances'],
        ),
        { maxLength: 4 },
      ),
    ),
  },
  ['version', 'resources'],
).map((s) => ({ terraform_version: '1.6.6', lineage: '5c1d7a0e', ...s }));

export const terraformState: fc.Arbitrary<unknown> = fc.oneof(shownState, rawState);

export const terraformJson: fc.Arbitrary<unknown> = recordOf({
  resource: maybe(
    fc.oneof(
      fc.dictionary(
        tfType,
        maybe(
          fc.dictionary(tfName, maybe(fc.oneof(tfValues, fc.array(tfValues, { maxLength: 2 }))), {
            maxKeys: 3,
          }),
        ),
        { maxKeys: 3 },
      ),
      fc.array(fc.dictionary(tfType, fc.dictionary(tfName, tfValues, { maxKeys: 2 }), { maxKeys: 2 }), {
        maxLength: 2,
      }),
    ),
  ),
  data: maybe(
    fc.record(
      {
        aws_iam_policy_document: maybe(fc.dictionary(tfName, maybe(tfValues), { maxKeys: 3 })),
        aws_iam_policy: maybe(fc.dictionary(tfName, maybe(tfValues), { maxKeys: 1 })),
      },
      { requiredKeys: [] },
    ),
  ),
  provider: fc.constant({ aws: { region: 'eu-west-1' } }),
});

// ---------------------------------------------------------------------------------------------
// Authorization details

const inlineList = maybe(
  fc.array(
    recordOf({
      PolicyName: maybe(tfName),
      PolicyDocument: maybe(
        fc.oneof(
          policyDocument,
          policyAttribute,
          policyAttribute.map((s) => (typeof s === 'string' ? urlEncode(s) : s)),
        ),
      ),
    }),
    { maxLength: 2 },
  ),
);
const attachedList = maybe(
  fc.array(recordOf({ PolicyName: maybe(tfName), PolicyArn: maybe(arnValue) }), { maxLength: 2 }),
);

export const authorizationDetails: fc.Arbitrary<unknown> = recordOf({
  RoleDetailList: maybe(
    fc.array(
      maybe(
        recordOf({
          Arn: maybe(fc.oneof(fc.constant('arn:aws:iam::1:role/coiled'), hostileString)),
          RoleName: maybe(tfName),
          AssumeRolePolicyDocument: maybe(fc.oneof(policyDocument, policyAttribute)),
          RolePolicyList: inlineList,
          AttachedManagedPolicies: attachedList,
        }),
      ),
      { maxLength: 3 },
    ),
  ),
  UserDetailList: maybe(
    fc.array(
      maybe(
        recordOf({
          Arn: maybe(hostileString),
          UserName: maybe(tfName),
          UserPolicyList: inlineList,
          AttachedManagedPolicies: attachedList,
          GroupList: maybe(fc.array(tfName, { maxLength: 2 })),
        }),
      ),
      { maxLength: 2 },
    ),
  ),
  GroupDetailList: maybe(
    fc.array(
      maybe(
        recordOf({
          Arn: maybe(hostileString),
          GroupName: maybe(tfName),
          GroupPolicyList: inlineList,
          AttachedManagedPolicies: attachedList,
        }),
      ),
      { maxLength: 2 },
    ),
  ),
  Policies: maybe(
    fc.array(
      maybe(
        recordOf({
          Arn: maybe(arnValue),
          PolicyName: maybe(tfName),
          DefaultVersionId: maybe(fc.constantFrom('v1', 'v2')),
          PolicyVersionList: maybe(
            fc.array(
              recordOf({
                Document: maybe(fc.oneof(policyDocument, policyAttribute)),
                VersionId: maybe(fc.constantFrom('v1', 'v2')),
                IsDefaultVersion: maybe(fc.boolean()),
              }),
              { maxLength: 2 },
            ),
          ),
        }),
      ),
      { maxLength: 2 },
    ),
  ),
}).map((d) => (Object.keys(d).some((k) => k.endsWith('List')) ? d : { RoleDetailList: [], ...d }));

// ---------------------------------------------------------------------------------------------
// Files

export type Kind = 'policy' | 'plan' | 'state' | 'tfjson' | 'auth' | 'any';

export const valueOfKind: Record<Kind, fc.Arbitrary<unknown>> = {
  policy: wrappedPolicy,
  plan: terraformPlan,
  state: terraformState,
  tfjson: terraformJson,
  auth: authorizationDetails,
  any: anyJson,
};

/**
 * JSON text of a value, sometimes damaged the way hostile files are: a byte-order mark, a
 * duplicated key, a cut, a stray character, CRLF line ends, or comments.
 */
export function textOf(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc
    .tuple(
      value,
      fc.constantFrom('plain', 'plain', 'pretty', 'bom', 'dupkey', 'cut', 'stray', 'crlf', 'comment'),
      fc.nat(),
    )
    .map(([v, how, n]) => {
      const plain = JSON.stringify(v) ?? 'null';
      switch (how) {
        case 'pretty':
          return JSON.stringify(v, null, 2) ?? 'null';
        case 'bom':
          return `\uFEFF${plain}`;
        case 'dupkey':
          // The same key twice in the first object: JSON.parse keeps the last.
          return plain.startsWith('{') ? `{"Statement":"first",${plain.slice(1)}`.replace(/,}$/, '}') : plain;
        case 'cut':
          return plain.slice(0, n % (plain.length + 1));
        case 'stray': {
          const at = n % (plain.length + 1);
          return `${plain.slice(0, at)}${'}]",:\u0000'[n % 6]}${plain.slice(at)}`;
        }
        case 'crlf':
          return (JSON.stringify(v, null, 1) ?? 'null').replace(/\n/g, '\r\n');
        case 'comment':
          return `// comment\n${plain}`;
        default:
          return plain;
      }
    });
}

export const fileText: Record<Kind, fc.Arbitrary<string>> = Object.fromEntries(
  Object.entries(valueOfKind).map(([k, v]) => [k, textOf(v)]),
) as Record<Kind, fc.Arbitrary<string>>;

export const anyFileText: fc.Arbitrary<string> = fc.oneof(
  fileText.policy,
  fileText.plan,
  fileText.state,
  fileText.tfjson,
  fileText.auth,
  fileText.any,
);

// ---------------------------------------------------------------------------------------------
// YAML (configuration and baselines)

const yamlScalar = fc.oneof(
  fc.constantFrom(
    '1',
    '"1"',
    'coiled',
    'coiled@2022',
    'null',
    '~',
    'true',
    '2027-03-01',
    '2027-02-30',
    '0x1F',
    '.inf',
    '"\\u0000"',
    '!!str x',
    '!!binary aGk=',
    '!js/function x',
    '&a x',
    '*a',
    '*nope',
    '"',
    "'",
    '{',
    '[',
    '|',
    '>',
    '? x',
    '- ',
    ':',
    '#c',
    '@x',
    '`x`',
    '%YAML 1.2',
  ),
  hostileString.map((s) => JSON.stringify(s)),
  hostileString,
);

/** A YAML text shaped like a configuration or a baseline, with hostile values and syntax. */
export const hostileYaml: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('version: 1', 'version: 2', 'version: "1"', '', 'version:'),
      fc.array(
        fc.tuple(
          fc.constantFrom('baseline', 'sets', 'policies', 'policy', 'x'),
          fc.oneof(
            yamlScalar,
            yamlScalar.map((v) => `[${v}]`),
          ),
        ),
        { maxLength: 3 },
      ),
      fc.array(
        fc.tuple(fc.constantFrom('action', 'reason', 'expires', 'policies', '__proto__'), yamlScalar),
        { maxLength: 4 },
      ),
      fc.constantFrom(
        '',
        'account-id: 123456789012',
        'account-id: "123456789012"',
        'baselines: ["./b.yml"]',
        'baselines: &a [*a]',
        'x: &a [1]\ny: [*a, *a]',
        '---\nversion: 1',
        '\t- tab',
      ),
    )
    .map(([v, audit, ignore, extra]) =>
      [
        v,
        'audits:',
        `  - ${audit.map(([k, x]) => `${k}: ${x}`).join('\n    ') || '{}'}`,
        'ignore:',
        `  - ${ignore.map(([k, x]) => `${k}: ${x}`).join('\n    ') || '{}'}`,
        extra,
      ].join('\n'),
    ),
  fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.constantFrom(
            'id',
            'name',
            'sets',
            'default-sets',
            'kind',
            'statements',
            'placeholders',
            'detect',
          ),
          yamlScalar,
        ),
        { maxLength: 6 },
      ),
      fc.nat({ max: 6 }),
    )
    .map(([pairs, indent]) =>
      pairs.map(([k, v], i) => `${' '.repeat((i * indent) % 7)}${k}: ${v}`).join('\n'),
    ),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  anyJson.map((v) => JSON.stringify(v) ?? ''),
);

/** A baseline YAML with valid structure and hostile statements (it loads, then the engine uses it). */
export const hostileBaselineYaml: fc.Arbitrary<string> = fc
  .tuple(fc.array(statement, { minLength: 1, maxLength: 3 }), hostileString)
  .map(([statements, name]) =>
    JSON.stringify({
      id: 'fuzz-vendor',
      name: name || 'fuzz',
      'default-sets': ['ongoing'],
      sets: [
        {
          name: 'ongoing',
          kind: 'ongoing',
          statements: statements.filter((s) => s !== null && typeof s === 'object' && !Array.isArray(s)),
        },
      ],
    }),
  );
