// A policy under a folder named after a vendor that is another component of the vendor's (the
// Datadog Forwarder Lambda's role, the Datadog Agent's instance role) is not the vendor's
// integration role: reported as not matched, and why, rather than audited against the integration
// role (a review saw the Forwarder's secretsmanager:GetSecretValue, kms:Decrypt and logs writes
// reported as MEDIUM excess to delete, exit 1). Beside them, the integration role's own policy in
// the same folder is still Datadog's. (Policies written by hand, after the review's reproducer.)
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { AGENT_POLICY, FORWARDER_POLICY } from '../helpers/datadog-components.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const FIX = join(process.cwd(), '__tests__/fixtures/baselines');

test("Datadog's Forwarder and Agent policies under infra/datadog are not matched; its integration policy is", async () => {
  const root = mkdtempSync(join(tmpdir(), 'detect-components-'));
  mkdirSync(join(root, 'infra/datadog'), { recursive: true });
  const write = (name: string, doc: unknown) =>
    writeFileSync(join(root, 'infra/datadog', name), JSON.stringify(doc, null, 2));
  write('forwarder-policy.json', FORWARDER_POLICY);
  write('agent-instance-policy.json', AGENT_POLICY);
  writeFileSync(
    join(root, 'infra/datadog/integration-core.json'),
    readFileSync(join(FIX, 'datadog-cfn-inline-core.json')),
  );
  const report = await runAudit({ root, paths: ['.'], now: NOW });
  const byPath = (name: string) => report.policies.find((p) => p.path === `infra/datadog/${name}`)!;
  for (const name of ['forwarder-policy.json', 'agent-instance-policy.json']) {
    const p = byPath(name);
    expect([name, p.status, p.baseline]).toEqual([name, 'not-matched', undefined]);
    expect(p.reason).toMatch(
      /^matches no known vendor baseline \(best candidate: datadog, score 0\.4\d: path "datadog" names datadog, but most of its actions are not datadog's/,
    );
    expect(p.detection?.baseline).toBe('datadog');
  }
  expect(byPath('integration-core.json')).toMatchObject({ status: 'audited', baseline: 'datadog' });
  expect(
    report.findings.filter((f) => f.kind !== 'missing-permission' && !f.path.endsWith('core.json')),
  ).toEqual([]);
});
