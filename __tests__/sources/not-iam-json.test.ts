// JSON with a `Statement` key that is not IAM's (a rule engine's data, a SQL runner's config) was
// read as a policy: a review got four invalid-policy findings, and a failing check, from one such
// file. A document is read as IAM when its Version is IAM's, it has no statement, or a statement
// has a key of an IAM statement; other files are skipped with the reason, never a finding.
import { parseSource } from '../../src/sources/index.js';

const parse = (text: string) => parseSource({ path: 'data.json', text }).result;

describe('JSON with a Statement that is not an IAM policy', () => {
  it.each([
    ['a string', '{"Statement": "this is a SQL statement, not IAM", "Effect": "none"}'],
    ['objects without IAM keys', '{"Statement": [{"Id": 1, "Sql": "select 1"}, {"Id": 2}]}'],
    ['numbers', '{"Statement": [1, 2, 3]}'],
  ])('%s: skipped, no policy', (_what, text) => {
    const r = parse(text);
    expect(r.status).toBe('skipped');
    expect(r.policies).toEqual([]);
  });

  it.each([
    ['an IAM Version with a broken Statement', '{"Version": "2012-10-17", "Statement": "s3:GetObject"}'],
    [
      'a statement with a key of IAM (a mistake in case)',
      '{"Statement": [{"effect": "Allow", "action": "s3:*"}]}',
    ],
    ['no statement at all', '{"Statement": []}'],
    ['one statement, not in a list', '{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}'],
    [
      'a list of statements in a list (a missing flatten)',
      '{"Statement": [[{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]]}',
    ],
    ['misspelt keys', '{"Statement": [{"Efect": "Allow", "Actions": "s3:*", "Resources": "*"}]}'],
    ['actions for statements', '{"Statement": ["s3:*"]}'],
    ['a template', '{"Statement": "${jsonencode(statements)}"}'],
    ['a Version that is a template', '{"Version": "${version}", "Statement": [{"Sid": "x"}]}'],
  ])('%s: read as a policy', (_what, text) => {
    const r = parse(text);
    expect(r.status).toBe('audited');
    expect(r.policies).toHaveLength(1);
  });
});

// (a review) `{"version": …, "statement": [{"effect": …}]}` was skipped as "not an IAM policy": IAM's
// element names are case-sensitive and AWS rejects it. An error of the file, at its line, now; a
// lower-case `statement` that is not IAM's is still skipped.
describe('a policy whose element names are in the wrong case', () => {
  it('is an error of the file, saying which names, at the statement line', () => {
    const text =
      '{\n  "version": "2012-10-17",\n  "statement": [\n    {"effect": "Allow", "action": "s3:GetObject", "resource": "*"}\n  ]\n}\n';
    const r = parse(text);
    expect(r.status).toBe('error');
    expect(r.kind).toBe('policy');
    const message =
      'IAM element names are case-sensitive: "version" must be "Version", "statement" must be "Statement" (and so must each statement\'s: "Effect", "Action", "Resource"); AWS rejects the policy as written';
    expect(r.reason).toBe(message);
    expect(r.errors).toEqual([{ path: 'data.json', line: 3, message }]);
  });

  it.each([
    ['a SQL statement', '{"statement": "select 1", "version": 2}'],
    ['no statements', '{"statement": []}'],
    ['objects without IAM keys', '{"statement": [{"id": 1, "sql": "select 1"}]}'],
  ])('%s in lower case: still skipped', (_what, text) => {
    expect(parse(text).status).toBe('skipped');
  });
});
