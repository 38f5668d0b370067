// The baseline library's acceptance, through the same runAudit() the CLI and the action call.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import { builtinBaselines } from '../src/baselines/load.js';
import type { Finding, Report } from '../src/core/types.js';

const SRC = new URL('./fixtures/baselines/', import.meta.url).pathname;
const NOW = new Date('2026-11-22T00:00:00Z');

function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-acc-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const vendor = (name: string) =>
  JSON.parse(readFileSync(join(SRC, name), 'utf8')) as { Statement: Record<string, unknown>[] };
const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
const excessLike = (r: Report) => r.findings.filter((f) => f.kind !== 'missing-permission');
const actionsOf = (fs: Finding[]) => [...new Set(fs.flatMap((f) => f.actions))].sort();

async function audit(files: Record<string, unknown>, baseline: string, accountId?: string): Promise<Report> {
  return runAudit({ root: repo(files), paths: ['.'], baseline, accountId, now: NOW });
}

describe('built-in baselines', () => {
  it.each(builtinBaselines().map((b) => [b.id, b] as const))(
    '%s: its own documented policy audits clean with all its sets active',
    async (id, b) => {
      const sets = b.sets.map((s) => s.name).join(',');
      const files: Record<string, unknown> = {};
      for (const s of b.sets) files[`${s.name}.json`] = doc(s.statements);
      const report = await audit(files, `${id}:${sets}`);
      expect(report.findings).toEqual([]);
      expect(report.policies.every((p) => p.status === 'audited' && p.baseline === id)).toBe(true);
    },
  );

  it("Coiled's Setup and Ongoing together, with sets [ongoing], report every Setup-only action as leftover-set and nothing else", async () => {
    const setup = vendor('coiled-setup-policy.json');
    const ongoing = vendor('coiled-ongoing-policy.json');
    const report = await audit(
      { 'coiled.json': doc([...setup.Statement, ...ongoing.Statement]) },
      'coiled:ongoing,log-pull,ecr,persistent-data',
    );
    const found = excessLike(report);
    expect(found.map((f) => f.kind)).toEqual(['leftover-set']);
    expect(found[0]!.set).toBe('setup');
    const ongoingActions = new Set(
      ongoing.Statement.flatMap((s) => s.Action as string[]).map((a) => a.toLowerCase()),
    );
    const setupOnly = (setup.Statement[0]!.Action as string[])
      .filter((a) => !ongoingActions.has(a.toLowerCase()))
      .sort();
    expect(found[0]!.actions).toEqual(setupOnly);
  });

  it("Lightly's delegated-access policy against lightly:minimum: Get, Put and Delete are excess, ListBucket is not", async () => {
    const report = await audit(
      { 'lightly.json': vendor('lightly-delegated-access.json') },
      'lightly:minimum',
    );
    const found = excessLike(report);
    expect(actionsOf(found)).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    expect(found.every((f) => f.kind === 'excess-action' || f.kind === 'leftover-set')).toBe(true);
  });

  it("SkyPilot's minimal policy plus the auto-create-role additions against skypilot:minimal", async () => {
    const minimal = vendor('skypilot-minimal.json');
    const optional = JSON.parse(
      readFileSync(join(SRC, 'skypilot-optional-statements.json'), 'utf8'),
    ) as Record<string, unknown[]>;
    const policy = doc([...minimal.Statement, ...optional.auto_create_iam_role_replaces_last_two_rules!]);
    const report = await audit({ 'sky.json': policy }, 'skypilot:minimal');
    // The page's **Optional** role-creation block: a feature in use (it was a setup set, and its
    // four Create/Attach actions were reported for deletion).
    expect(actionsOf(excessLike(report))).toEqual([]);
    expect(report.policies[0]!.features).toEqual(['auto-create-role']);

    const widened = structuredClone(policy);
    const run = widened.Statement.find(
      (s) =>
        (s as { Action?: unknown }).Action === 'ec2:RunInstances' &&
        Array.isArray((s as { Resource?: unknown }).Resource),
    ) as { Resource: unknown };
    run.Resource = '*';
    const report2 = await audit({ 'sky.json': widened }, 'skypilot:minimal', '123456789012');
    const broader = report2.findings.filter((f) => f.kind === 'broader-resource');
    expect(broader.map((f) => f.actions)).toEqual([['ec2:RunInstances']]);
    expect(broader[0]!.resources).toEqual(['*']);
  });

  it("Coiled's destructive statement without its tag condition reports missing-condition", async () => {
    const ongoing = vendor('coiled-ongoing-policy.json');
    const stripped = ongoing.Statement.map((s) => {
      if (s.Sid !== 'OngoingDestructive') return s;
      const rest: Record<string, unknown> = { ...s };
      delete rest.Condition;
      return rest;
    });
    const report = await audit(
      { 'coiled.json': doc(stripped) },
      'coiled:ongoing,log-pull,ecr,persistent-data',
    );
    const found = excessLike(report);
    expect(found.map((f) => f.kind)).toEqual(['missing-condition']);
    expect(found[0]!.statement).toBe('OngoingDestructive');
    expect(found[0]!.actions).toContain('ec2:TerminateInstances');
  });

  it('detects the vendor of each own policy with no configuration', async () => {
    const report = await runAudit({
      root: repo({
        'a/coiled-ongoing.json': vendor('coiled-ongoing-policy.json'),
        'b/sky.json': vendor('skypilot-minimal.json'),
        'c/anyscale.json': vendor('anyscale-steady-state.json'),
        'd/datadog.json': vendor('datadog-integration.json'),
        'e/lightly.json': vendor('lightly-delegated-access.json'),
      }),
      paths: ['.'],
      now: NOW,
    });
    const byPath = Object.fromEntries(report.policies.map((p) => [p.path, p.baseline]));
    expect(byPath).toEqual({
      'a/coiled-ongoing.json': 'coiled',
      'b/sky.json': 'skypilot',
      'c/anyscale.json': 'anyscale',
      'd/datadog.json': 'datadog',
      'e/lightly.json': 'lightly',
    });
    expect(report.policies.every((p) => p.detection && p.detection.evidence.length > 0)).toBe(true);
  });
});
