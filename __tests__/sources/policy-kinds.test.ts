// The same policy document must get the same kind (identity, resource, trust) whether it is a
// standalone .json file or a Terraform aws_iam_policy_document (issue 15: the two classifiers,
// policyKindOf in sources/policy-json.ts and guessKind in sources/terraform.ts, disagree), and the
// `{"Policy": …}` wrapper named in policy-json.ts's header must be read. Fixtures:
// __tests__/fixtures/policy-kinds/ (each .json file is one of the data sources of written__kinds.tf.json).
// One rule (policyKindOf in policy/raw.ts) now classifies both: the pairs that disagreed before
// issue 15 assert the kind the rule gives (see policy/raw.ts for why).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSource } from '../../src/sources/index.js';
import type { PolicyKind } from '../../src/core/types.js';

const DIR = new URL('../fixtures/policy-kinds/', import.meta.url).pathname;

function parse(name: string) {
  return parseSource({ path: name, text: readFileSync(join(DIR, name), 'utf8') }).result;
}

function jsonKind(name: string): PolicyKind | undefined {
  return parse(name).policies[0]?.kind;
}

const tfKinds = new Map(
  parse('written__kinds.tf.json').policies.map((p) => [p.address!.replace(/^.*\./, ''), p.kind] as const),
);

/** [the standalone file, the data source of written__kinds.tf.json with the same statements, the kind] */
const PAIRS = {
  agreeing: [['written__assume-role.json', 'assume_role']],
  // Disagreed before issue 15 (policyKindOf and guessKind): sts:* names only STS actions, which on a
  // role are the assume/session ones; sts:SetContext is a trust-policy action (trusted identity
  // propagation); a Resource is prohibited in a role trust policy, so the document is a resource policy.
  disagreeing: [
    ['written__sts-star.json', 'sts_star', 'trust'],
    ['written__sts-setcontext.json', 'sts_setcontext', 'trust'],
    ['written__assume-role-with-resource.json', 'assume_role_with_resource', 'resource'],
  ],
} as const;

describe('one kind per document, whatever the input format', () => {
  it('reads every fixture (four data sources, one policy per file)', () => {
    expect([...tfKinds.keys()].sort()).toEqual([
      'assume_role',
      'assume_role_with_resource',
      'sts_setcontext',
      'sts_star',
    ]);
    for (const [file] of [...PAIRS.agreeing, ...PAIRS.disagreeing])
      expect(parse(file).policies).toHaveLength(1);
  });

  it.each(PAIRS.agreeing)('%s and data.aws_iam_policy_document.%s: both trust', (file, address) => {
    expect(jsonKind(file)).toBe('trust');
    expect(tfKinds.get(address)).toBe('trust');
  });

  it.each(PAIRS.disagreeing)('%s and data.aws_iam_policy_document.%s: both %s', (file, address, kind) => {
    expect(jsonKind(file)).toBe(kind);
    expect(tfKinds.get(address)).toBe(kind);
  });
});

describe('the {"Policy": …} wrapper', () => {
  it('is read as a policy document, as the header of sources/policy-json.ts says', () => {
    const result = parse('written__policy-wrapper.json');
    expect(result.kind).toBe('policy');
    expect(result.status).toBe('audited');
    expect(result.policies.map((p) => p.kind)).toEqual(['identity']);
  });

  it('is read when it holds the document as JSON text (aws s3api get-bucket-policy), its kind from the statements', () => {
    const text = readFileSync(join(DIR, 'written__assume-role-with-resource.json'), 'utf8');
    const result = parseSource({ path: 'bucket-policy.json', text: JSON.stringify({ Policy: text }) }).result;
    expect(result.kind).toBe('policy');
    expect(result.status).toBe('audited');
    expect(result.policies.map((p) => p.kind)).toEqual(['resource']);
  });
});
