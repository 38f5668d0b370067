// policy/raw.ts: the one wrapper list, kind rule and statement walker every source uses.
import {
  findPolicyDocument,
  heldDocument,
  policyKindOf,
  statementPaths,
  statementsOf,
} from '../../src/policy/raw.js';

const P = { AWS: 'arn:aws:iam::123456789012:root' };

describe('findPolicyDocument', () => {
  const doc = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
  };
  it.each([
    ['bare', doc],
    ['PolicyVersion > Document', { PolicyVersion: { Document: doc, VersionId: 'v1' } }],
    ['Policy', { Policy: doc }],
    ['PolicyDocument', { PolicyDocument: doc }],
    ['policyDocument', { policyDocument: doc }],
  ])('follows the %s wrapper', (_, json) => {
    expect(findPolicyDocument(json)).toBe(doc);
  });
  it('takes a JSON string naming statements for a document, and not other strings', () => {
    expect(findPolicyDocument({ Policy: JSON.stringify(doc) })).toEqual({ Statement: [] });
    expect(findPolicyDocument({ Policy: encodeURIComponent(JSON.stringify(doc)) })).toEqual({
      Statement: [],
    });
    expect(findPolicyDocument({ document: 'readme.md' })).toBeUndefined();
  });
  it('does not take `aws iam get-policy` metadata (no statements) for a document', () => {
    expect(
      findPolicyDocument({ Policy: { PolicyName: 'p', Arn: 'arn:aws:iam::1:policy/p' } }),
    ).toBeUndefined();
    expect(findPolicyDocument([doc])).toBeUndefined();
    expect(findPolicyDocument({ a: { b: { c: { d: doc } } } })).toBeUndefined();
  });
});

describe('statementsOf and statementPaths', () => {
  it('read a list, a single statement and no statement alike', () => {
    const one = { Effect: 'Allow' };
    expect(statementsOf({ Statement: [one, one] })).toEqual([one, one]);
    expect(statementsOf({ Statement: one })).toEqual([one]);
    expect(statementsOf({})).toEqual([]);
    expect(statementsOf('text')).toEqual([]);
    expect(statementPaths({ Statement: [one, one] }, ['Doc'])).toEqual([
      ['Doc', 'Statement', 0],
      ['Doc', 'Statement', 1],
    ]);
    expect(statementPaths({ Statement: one })).toEqual([['Statement']]);
    expect(statementPaths({})).toEqual([]);
  });
});

describe('policyKindOf', () => {
  const kind = (...Statement: object[]) => policyKindOf({ Version: '2012-10-17', Statement });
  it('identity when no statement names a principal', () => {
    expect(kind({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' })).toBe('identity');
    expect(policyKindOf({})).toBe('identity');
    expect(policyKindOf(undefined)).toBe('identity');
  });
  it.each([
    'sts:AssumeRole',
    'sts:AssumeRoleWithSAML',
    'sts:AssumeRoleWithWebIdentity',
    'sts:TagSession',
    'sts:SetSourceIdentity',
    'sts:SetContext',
    'sts:*',
    'sts:Assume*',
  ])('trust for %s with a principal and no Resource', (a) => {
    expect(kind({ Effect: 'Allow', Principal: P, Action: a })).toBe('trust');
    expect(kind({ Effect: 'Allow', NotPrincipal: P, Action: [a, 'sts:AssumeRole'] })).toBe('trust');
  });
  it('resource when a statement with principals has a Resource or NotResource', () => {
    expect(
      kind({ Effect: 'Allow', Principal: P, Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::1:role/r' }),
    ).toBe('resource');
    expect(kind({ Effect: 'Allow', Principal: P, Action: 'sts:AssumeRole', NotResource: '*' })).toBe(
      'resource',
    );
  });
  it('resource for other actions, actions of other services or no action', () => {
    expect(kind({ Effect: 'Allow', Principal: P, Action: 's3:GetObject', Resource: '*' })).toBe('resource');
    expect(kind({ Effect: 'Allow', Principal: P, Action: 'sts:GetCallerIdentity' })).toBe('resource');
    expect(kind({ Effect: 'Allow', Principal: P, Action: '*' })).toBe('resource');
    expect(kind({ Effect: 'Allow', Principal: P, NotAction: 's3:*' })).toBe('resource');
  });
  it('resource when a trust statement sits beside a statement without principals', () => {
    expect(
      kind(
        { Effect: 'Allow', Principal: P, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Action: 'sts:AssumeRole' },
      ),
    ).toBe('resource');
  });
});

describe('heldDocument', () => {
  const doc = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
    ],
  };
  it('decodes a document held as JSON text or URL-encoded JSON text in a wrapper', () => {
    expect(heldDocument({ Policy: JSON.stringify(doc) })).toEqual(doc);
    expect(heldDocument({ PolicyVersion: { Document: encodeURIComponent(JSON.stringify(doc)) } })).toEqual(
      doc,
    );
    expect(heldDocument(doc)).toBe(doc);
  });
  it('gives nothing for text that is not a document', () => {
    expect(heldDocument({ Policy: 'not json' })).toBeUndefined();
    expect(heldDocument({ document: 'readme.md' })).toBeUndefined();
    expect(heldDocument({ Policy: '[]' })).toBeUndefined();
  });
});
