// A catalog id variable is one segment (no `/` or `:`) except where the service's ids hold them
// (src/policy/arn.ts: FREE_IDS): a secret named `beta/db` (Secrets Manager names take `/`), a
// Bedrock foundation model with its version (`…-v1:0`). Read as one segment, a policy naming such
// a resource met no format of the action, so the action applied to nothing and was never reported
// (a review found `secretsmanager:DescribeSecret` on `secret:beta/*` silent).
import { arnFormatToPattern, meetsFormat, parseArnPattern } from '../src/policy/arn.js';
import type { Finding } from '../src/core/types.js';
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';

const SECRET = 'arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}';
const MODEL = 'arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}';
const INSTANCE = 'arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}';

const meets = (format: string, resource: string) =>
  meetsFormat(arnFormatToPattern(format), format, parseArnPattern(resource));

const baseline = oneSetBaseline([{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }]);
const excess = (fs: Finding[]) =>
  [...new Set(fs.filter((f) => f.kind === 'excess-action').flatMap((f) => f.actions))].sort();

describe('ids that hold a / or a :', () => {
  test('a secret named with a / meets the secret format', () => {
    expect(meets(SECRET, 'arn:aws:secretsmanager:us-east-1:111122223333:secret:beta/*')).toBe(true);
    expect(
      meets(SECRET, 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db/password-AbCdEf'),
    ).toBe(true);
  });

  test('a Bedrock foundation model with its version meets the model format', () => {
    expect(
      meets(MODEL, 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0'),
    ).toBe(true);
  });

  test("other ids stay one segment (an instance's id holds no /)", () => {
    expect(meets(INSTANCE, 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc')).toBe(true);
    expect(meets(INSTANCE, 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc/x')).toBe(false);
  });

  test('the grants are reported', () => {
    const secrets = auditDocument(
      doc({
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:beta/*',
      }),
      baseline,
    );
    expect(excess(secrets.findings)).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    const models = auditDocument(
      doc({
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      }),
      baseline,
    );
    expect(excess(models.findings)).toEqual(['bedrock:InvokeModel']);
  });
});
