// Without `"Version": "2012-10-17"` AWS reads a policy as 2008-10-17, where `${aws:username}` is
// literal text (a review: such a policy was read as the variable, in silence). Said in a note,
// naming the policies; a policy with the Version, or a Terraform-style `${…}` with no `:`, is not.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const statement = (resource: string, condition?: unknown) => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

it('names the policies whose variables are literal text for want of the 2012-10-17 Version', async () => {
  const root = mkdtempSync(join(tmpdir(), 'literal-variable-'));
  const write = (name: string, doc: unknown) => writeFileSync(join(root, name), JSON.stringify(doc));
  write('home.json', { Statement: [statement('arn:aws:s3:::home/${aws:username}/*')] });
  write('old.json', {
    Version: '2008-10-17',
    Statement: [
      statement('arn:aws:s3:::team/*', { StringEquals: { 's3:prefix': '${aws:PrincipalTag/team}' } }),
    ],
  });
  write('ok.json', { Version: '2012-10-17', Statement: [statement('arn:aws:s3:::home/${aws:username}/*')] });
  write('plain.json', { Statement: [statement('arn:aws:s3:::reports/*')] });
  const report = await runAudit({ root, paths: ['.'] });
  expect((report.notes ?? []).filter((n) => n.startsWith('Policy variables'))).toEqual([
    'Policy variables without "Version": "2012-10-17" (AWS then reads the policy as 2008-10-17, where a variable such as ${aws:username} is literal text, not the caller\'s value): home.json, old.json. Add "Version": "2012-10-17"; the audit reads them as variables.',
  ]);
});
