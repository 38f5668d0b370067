// Property-based fuzzing of the CloudFormation reader: templates made of the resource types it
// reads, whose values are random nests of intrinsic functions over a small pool of names (so that
// references hit parameters, resources, conditions, missing names and cycles), written as JSON and
// as YAML with short-form tags. Properties: nothing throws, the result accounts for every policy
// (ids unique, every unresolved one with a reason), messages stay bounded, and the next stage reads
// every resolved document.
import fc from 'fast-check';
import YAML from 'yaml';
import { preparePolicies } from '../../src/audit/audit.js';
import { parseSource } from '../../src/sources/index.js';
import { expectAccounted } from '../hardening/inert.js';
import { check, hostileString, timeoutFor } from './support.js';

const NAMES = ['P1', 'P2', 'R1', 'R2', 'B1', 'M1', 'C1', 'C2', 'Missing', 'AWS::AccountId', 'AWS::NoValue'];
const TYPES = [
  'AWS::IAM::Role',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SQS::Queue',
  'AWS::KMS::Key',
  'AWS::Serverless::Function',
];

const name = fc.constantFrom(...NAMES);
const scalar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('s3:GetObject', '*', 'arn:aws:s3:::b/*', 'Allow', 'true', 'x') },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
);

/** A value: scalars, lists, maps and intrinsic functions over the name pool. */
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }),
    name.map((n) => ({ Ref: n })),
    fc.tuple(name, fc.constantFrom('Arn', 'RoleId', 'Nope')).map(([n, a]) => ({ 'Fn::GetAtt': [n, a] })),
    fc
      .tuple(name, name)
      .map(([a, b]) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::\${${a}}/\${${b}.Arn}` })),
    fc.tuple(tie('v'), tie('v')).map(([a, b]) => ({ 'Fn::Join': ['', [a, b]] })),
    fc.tuple(name, tie('v'), tie('v')).map(([c, a, b]) => ({ 'Fn::If': [c, a, b] })),
    fc.tuple(fc.integer({ min: -1, max: 3 }), tie('v')).map(([i, l]) => ({ 'Fn::Select': [i, l] })),
    tie('v').map((v) => ({ 'Fn::Split': [',', v] })),
    fc.tuple(name, tie('v')).map(([m, k]) => ({ 'Fn::FindInMap': [m, k, 'k'] })),
    tie('v').map((v) => ({ 'Fn::ImportValue': v })),
    fc.constant({ 'Fn::Transform': { Name: 'Macro' } }),
    fc.constant({ 'Fn::Bogus': 1 }),
  ),
})).v;

const statement = fc.record(
  { Effect: fc.oneof(fc.constant('Allow'), value), Action: value, Resource: value, Principal: value },
  { requiredKeys: ['Effect', 'Action'] },
);
const document = fc.oneof(
  { weight: 4, arbitrary: fc.record({ Statement: fc.oneof(fc.array(statement, { maxLength: 3 }), value) }) },
  { weight: 1, arbitrary: value },
);

const resource = fc
  .tuple(fc.constantFrom(...TYPES), document, value, fc.option(name))
  .map(([Type, doc, v, cond]) => {
    const Properties: Record<string, unknown> = {
      PolicyDocument: doc,
      KeyPolicy: doc,
      AssumeRolePolicyDocument: doc,
      Policies: [{ PolicyName: v, PolicyDocument: doc }, v, { S3ReadPolicy: { BucketName: v } }],
      ManagedPolicyArns: [v, { Ref: 'P1' }, 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      Roles: [{ Ref: 'R1' }, v],
      Groups: [v],
      RoleName: v,
      BucketName: v,
      Bucket: { Ref: 'B1' },
    };
    return cond === null ? { Type, Properties } : { Type, Condition: cond, Properties };
  });

const template = fc
  .record({
    Parameters: fc.dictionary(
      name,
      fc.record(
        { Type: fc.constantFrom('String', 'CommaDelimitedList'), Default: value },
        { requiredKeys: ['Type'] },
      ),
      { maxKeys: 3 },
    ),
    Mappings: fc.dictionary(
      name,
      fc.dictionary(fc.constantFrom('x', 'y'), fc.dictionary(fc.constant('k'), value, { maxKeys: 1 }), {
        maxKeys: 2,
      }),
      { maxKeys: 2 },
    ),
    Conditions: fc.dictionary(
      name,
      fc.oneof(
        fc.tuple(value, value).map(([a, b]) => ({ 'Fn::Equals': [a, b] })),
        name.map((n) => ({ 'Fn::Not': [{ Condition: n }] })),
        fc
          .array(
            name.map((n) => ({ Condition: n })),
            { minLength: 1, maxLength: 3 },
          )
          .map((c) => ({ 'Fn::Or': c })),
      ),
      { maxKeys: 3 },
    ),
    Resources: fc.dictionary(name, resource, { minKeys: 1, maxKeys: 5 }),
  })
  .map((t) => ({ AWSTemplateFormatVersion: '2010-09-09', ...t }));

/** YAML with the long forms of one random function in each map rewritten as a short-form tag. */
function toYaml(t: unknown): string {
  const doc = new YAML.Document(t, { aliasDuplicateObjects: false });
  YAML.visit(doc, {
    Map(_, node) {
      if (node.items.length !== 1) return;
      const key = node.items[0]!.key as YAML.Scalar;
      const k = String(key.value);
      const short = k === 'Ref' ? '!Ref' : k.startsWith('Fn::') ? `!${k.slice(4)}` : undefined;
      if (!short) return;
      const inner = node.items[0]!.value as YAML.Node;
      if (YAML.isNode(inner) && !YAML.isAlias(inner)) {
        inner.tag = short;
        return inner;
      }
      return;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function accounted(path: string, text: string): void {
  const loaded = parseSource({ path, text });
  expectAccounted(path, loaded);
  const r = loaded.result;
  for (const e of r.errors)
    if (e.message.length > 400) throw new Error(`a message of ${e.message.length} characters`);
  for (const p of r.policies)
    if (p.status === 'unresolved' && (!p.reason || p.reason.length > 400))
      throw new Error(`${p.id}: reason ${p.reason}`);
  for (const p of preparePolicies([loaded]).values())
    for (const f of p.problems) if (!f.message.trim()) throw new Error('a problem without a message');
}

describe('CloudFormation templates of random intrinsic functions', () => {
  it(
    'JSON: never throws, and the result accounts for every policy',
    () => {
      check(
        'cloudformation json',
        fc.property(template, (t) => accounted('cfn/stack.template.json', JSON.stringify(t))),
        400,
      );
    },
    timeoutFor(400, 20),
  );

  it(
    'YAML with short-form tags: never throws, and the result accounts for every policy',
    () => {
      check(
        'cloudformation yaml',
        fc.property(template, (t) => accounted('cfn/stack.yaml', toYaml(t))),
        200,
      );
    },
    timeoutFor(200, 40),
  );

  it('the generator reaches the evaluator: a good share of templates yield resolved policies', () => {
    const samples = fc.sample(template, { numRuns: 100, seed: 11 });
    let resolved = 0;
    let tagged = 0;
    for (const t of samples) {
      const text = toYaml(t);
      if (/ !(Ref|Sub|If|GetAtt|Join)\b/.test(text)) tagged++;
      const r = parseSource({ path: 'cfn/stack.yaml', text }).result;
      if (r.policies.some((p) => p.status === 'resolved')) resolved++;
    }
    expect(resolved).toBeGreaterThan(100 * 0.3);
    expect(tagged).toBeGreaterThan(100 * 0.3);
  });
});
