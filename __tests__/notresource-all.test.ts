// An Allow whose NotResource holds `*` leaves no resource, so it grants nothing: no finding (not a
// broader resource), and it counts for nothing the baseline needs. (iam-simulate: ImplicitlyDenied.)
// The equivalent Deny denies nothing. Through the Auditor, on both paths (the set engine and the
// reference), and the grant builders themselves.
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';
import { loadCatalog } from '../src/policy/catalog.js';
import { GrantBuilder } from '../src/policy/grants.js';
import { GrantSets } from '../src/policy/grant-sets.js';
import { parsePolicyDocument } from '../src/policy/document.js';

const baseline = oneSetBaseline([
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket-a/*' },
]);
const own = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket-a/*' };

describe.each([true, false])('an Allow with NotResource "*" (set engine: %s)', (memo) => {
  it('grants nothing: no finding beside the grant the baseline allows (F9)', () => {
    const out = auditDocument(
      doc(own, { Effect: 'Allow', Action: 's3:GetObject', NotResource: '*' }),
      baseline,
      { memo },
    );
    expect(out.findings).toEqual([]);
  });

  it('grants nothing when `*` is one of its NotResource values, whatever its actions', () => {
    const out = auditDocument(
      doc(own, { Effect: 'Allow', Action: ['s3:*', 'iam:PassRole'], NotResource: ['arn:aws:s3:::x', '*'] }),
      baseline,
      { memo },
    );
    expect(out.findings).toEqual([]);
  });

  it('is no grant of what the baseline needs: the permission is reported missing', () => {
    const out = auditDocument(doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: '*' }), baseline, {
      memo,
    });
    expect(out.findings.map((f) => [f.kind, f.actions])).toEqual([['missing-permission', ['s3:GetObject']]]);
  });

  it('a NotResource of a narrower pattern still grants (every resource but it): broader-resource', () => {
    const out = auditDocument(
      doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::bucket-b/*' }),
      baseline,
      { memo },
    );
    expect(out.findings.map((f) => f.kind)).toEqual(['broader-resource']);
  });

  it('a Deny with NotResource "*" denies nothing', () => {
    const out = auditDocument(
      doc(own, { Effect: 'Deny', Action: 's3:GetObject', NotResource: '*' }),
      baseline,
      { memo },
    );
    expect(out.findings).toEqual([]);
  });
});

describe('the grant builders', () => {
  const catalog = loadCatalog();
  const builder = new GrantBuilder(catalog);
  const parsed = parsePolicyDocument(doc({ Effect: 'Allow', Action: 's3:*', NotResource: '*' })).doc!;
  const stmt = parsed.statements;
  it('the reference builds no grant of an Allow with NotResource "*"', () => {
    expect(builder.build([parsed]).byAction.size).toBe(0);
  });
  it('the set engine makes no class of it', () => {
    expect(new GrantSets(builder).classes(stmt[0]!, [])).toEqual([]);
  });
});
