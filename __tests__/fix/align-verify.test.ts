// The pieces fix relies on to be safe: the alignment of minimal statements with the written ones,
// and the read-back check that refuses any text that is not the minimal policy.
import { alignStatements, derivable } from '../../src/fix/align.js';
import { planFixes, sameStatements, verifyRecords } from '../../src/fix/index.js';
import type { PolicyRecord, Report } from '../../src/core/types.js';
import { audit, readIn, repo } from './helpers.js';

const A = { Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' };
const B = { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' };
const D = { Effect: 'Deny', Action: 'iam:*', Resource: '*' };

describe('alignStatements', () => {
  it('keeps equal statements, drops the missing, rewrites the narrowed, splits into parts', () => {
    const partA = { ...A, Action: ['s3:GetObject'] };
    expect(alignStatements([A, B, D], [partA, D])).toEqual([
      { kind: 'rewrite', parts: [partA] },
      { kind: 'drop' },
      { kind: 'keep' },
    ]);
    const p1 = { ...A, Action: ['s3:GetObject'] };
    const p2 = { ...A, Sid: 'A2', Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::b/*' };
    expect(alignStatements([A, B], [p1, p2, B])).toEqual([
      { kind: 'rewrite', parts: [p1, p2] },
      { kind: 'keep' },
    ]);
  });

  it('prefers keeping a statement as written over rewriting its neighbour into it', () => {
    const B2 = { ...B, Action: 'ec2:DescribeRegions' };
    expect(alignStatements([B, B2], [B2])).toEqual([{ kind: 'drop' }, { kind: 'keep' }]);
  });

  it('gives a wildcard statement its expanded names, not its neighbour with a Condition (the review: fix refused, "the statement\'s Condition would be removed")', () => {
    const wild = { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' };
    const guarded = {
      Effect: 'Allow',
      Action: ['iam:GetRole'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    };
    const named = { ...wild, Action: ['ec2:DescribeImages', 'ec2:DescribeInstances'] };
    const narrowed = { ...guarded, Resource: 'arn:*:iam::*:role/coiled-*' };
    expect(alignStatements([wild, guarded], [named, narrowed])).toEqual([
      { kind: 'rewrite', parts: [named] },
      { kind: 'rewrite', parts: [narrowed] },
    ]);
    // A part without the Condition its statement has is no rewrite of it (the minimal policy keeps it).
    expect(derivable(named, guarded)).toBe(false);
  });

  it('refuses what is not a rewrite: another Effect, a Deny changed, a key that is not Sid/Action/Resource/Condition', () => {
    expect(derivable({ ...B, Effect: 'Deny' }, B)).toBe(false);
    expect(derivable({ ...D, Action: 'iam:GetUser' }, D)).toBe(false);
    expect(derivable({ ...B, Principal: '*' }, B)).toBe(false);
    expect(
      alignStatements([A], [{ Effect: 'Allow', Action: 'x:Y', Resource: '*', NotPrincipal: '*' }]),
    ).toBeUndefined();
  });
});

describe('verification', () => {
  const rec = (id: string, document: unknown): PolicyRecord => ({
    id,
    path: 'p',
    kind: 'identity',
    status: 'resolved',
    document,
  });
  const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
  const suggestion = (policy: string, minimal: unknown) => ({ policy, minimal, diff: '' });

  it('accepts the minimal policy read back (also as the data source renders it) and nothing else', () => {
    const before = [rec('x', doc(A, B)), rec('y', doc(B))];
    const fixed = [suggestion('x', doc({ ...A, Action: ['s3:GetObject'] }))];
    expect(() =>
      verifyRecords(before, [rec('x', doc({ ...A, Action: ['s3:GetObject'] })), rec('y', doc(B))], fixed),
    ).not.toThrow();
    expect(() =>
      verifyRecords(before, [rec('x', doc({ ...A, Action: 's3:GetObject' })), rec('y', doc(B))], fixed),
    ).not.toThrow();
    // the fixed policy is not the minimal one
    expect(() => verifyRecords(before, [rec('x', doc(A)), rec('y', doc(B))], fixed)).toThrow(/minimal/);
    // another policy of the file changed
    expect(() =>
      verifyRecords(before, [rec('x', doc({ ...A, Action: ['s3:GetObject'] })), rec('y', doc(A))], fixed),
    ).toThrow(/another policy/);
    // a policy went missing
    expect(() => verifyRecords(before, [rec('x', doc({ ...A, Action: ['s3:GetObject'] }))], fixed)).toThrow();
    expect(sameStatements([{ Action: ['b', 'a'] }], [{ Action: ['a', 'b'] }])).toBe(true);
    expect(sameStatements([{ Action: ['a'] }], [{ Action: ['a', 'b'] }])).toBe(false);
  });

  it('a suggestion that does not match the file (a report from another revision) is listed, and nothing is written', async () => {
    const text = JSON.stringify(doc(A, B), null, 2);
    const root = repo({ 'p.json': text });
    const report: Report = await audit(root, 'coiled:ongoing');
    const forged: Report = {
      ...report,
      suggestions: [
        suggestion('p.json', doc({ Effect: 'Allow', Action: 'x:Y', Resource: '*', Principal: '*' })),
      ],
    };
    const plan = planFixes(forged, readIn(root));
    expect(plan.files).toEqual([]);
    expect(plan.notFixed).toEqual([
      { policy: 'p.json', path: 'p.json', reason: expect.stringMatching(/could not be matched/) },
    ]);
    // and a file that cannot be read
    const gone = planFixes(forged, () => undefined);
    expect(gone.notFixed.map((n) => n.reason)).toEqual(['the file could not be read again']);
  });
});

describe('changedRanges', () => {
  it('gives each changed region as lines of the file before, with the new lines, and rebuilds the file', async () => {
    const { changedRanges } = await import('../../src/fix/index.js');
    const before = ['a', 'b', 'c', 'd', 'e', ''].join('\n');
    const after = ['a', 'B', 'c', 'e', 'f', ''].join('\n');
    const ranges = changedRanges({ path: 'x', before, after, policies: [] });
    expect(ranges).toEqual([
      { start: 2, end: 2, lines: ['B'] },
      { start: 4, end: 4, lines: [] },
      { start: 6, end: 5, lines: ['f'] },
    ]);
    // applying the ranges bottom-up to the old lines gives the new text
    const lines = before.split('\n');
    for (const r of [...ranges].reverse()) lines.splice(r.start - 1, r.end - r.start + 1, ...r.lines);
    expect(lines.join('\n')).toBe(after);
    // an insertion at the top
    expect(changedRanges({ path: 'x', before: 'a\nb\n', after: 'z\na\nb\n', policies: [] })).toEqual([
      { start: 1, end: 0, lines: ['z'] },
    ]);
  });
});
