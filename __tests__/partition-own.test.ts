// (a review) A GovCloud policy written as the vendor documents it, its ARNs in `aws-us-gov`, was
// "broader" than the baseline's `arn:aws:` ARNs on each of them, and the vendor's permissions were
// told missing. A policy applies in its own partition only: its ARNs are the vendor's there.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

async function findings(partition: string) {
  const root = mkdtempSync(join(tmpdir(), 'partition-'));
  writeFileSync(
    join(root, 'p.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [`arn:${partition}:s3:::in-bucket/*`, `arn:${partition}:s3:::in-bucket`],
        },
      ],
    }),
  );
  const r = await runAudit({ root, paths: ['p.json'], baseline: 'lightly:minimum' });
  return r.findings.map((f) => [f.kind, f.actions, f.resources.map((x) => x.replace(partition, 'P'))]);
}

test('the same policy in GovCloud, China and the commercial partition: the same findings', async () => {
  const commercial = await findings('aws');
  expect(commercial.length).toBeGreaterThan(0);
  expect(commercial.some(([kind]) => kind === 'broader-resource' || kind === 'missing-permission')).toBe(
    false,
  );
  expect(await findings('aws-us-gov')).toEqual(commercial);
  expect(await findings('aws-cn')).toEqual(commercial);
});
