// A policy variable's default (`${aws:username, 'public'}`) is not read: the variable stays
// unknown, as without one. A request without the key (an assumed role's session has no
// aws:username) gets the default's resource, which the comparison does not see; a review found the
// grant exact and the policy clean with nothing said. It is said: on the findings, or in a note.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const policy = (resource: string, action = 's3:GetObject') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });

async function audit(text: string) {
  const root = mkdtempSync(join(tmpdir(), 'variable-default-'));
  writeFileSync(join(root, 'p.json'), text);
  writeFileSync(join(root, 'baseline.json'), policy('arn:aws:s3:::home/${aws:username}/*'));
  return runAudit({
    root,
    paths: ['p.json'],
    baseline: join(root, 'baseline.json'),
    now: new Date('2026-12-07T00:00:00Z'),
  });
}

const NOTE = /policy variables with a default value \(\$\{aws:username, 'public'\}\) are read without it/;

describe("a policy variable's default value", () => {
  it('a clean policy read so: a note says the default is not compared', async () => {
    const r = await audit(policy("arn:aws:s3:::home/${aws:username, 'public'}/*"));
    expect(r.findings).toEqual([]);
    expect(r.notes).toContainEqual(expect.stringMatching(new RegExp(`^p\\.json: ${NOTE.source}`)));
  });

  it('a finding of such a policy says it too', async () => {
    const r = await audit(policy("arn:aws:s3:::home/${aws:username, 'public'}/*", 's3:DeleteObject'));
    const excess = r.findings.filter((f) => f.kind === 'excess-action');
    expect(excess.map((f) => f.actions)).toEqual([['s3:DeleteObject']]);
    expect(excess[0]!.approximate).toMatch(NOTE);
  });

  it('without a default: nothing said', async () => {
    const r = await audit(policy('arn:aws:s3:::home/${aws:username}/*'));
    expect(r.findings).toEqual([]);
    expect((r.notes ?? []).join('\n')).not.toMatch(/default value/);
  });
});
