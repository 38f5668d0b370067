import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinBaselines, findBaseline, parseBaselineYaml } from '../../src/baselines/load.js';
import { validatorFor } from '../../src/config/yaml-schema.js';
import { loadCatalog } from '../../src/policy/catalog.js';
import type { Baseline } from '../../src/types.js';

const ROOT = process.cwd();
const yamlFiles = readdirSync(join(ROOT, 'baselines'))
  .filter((f) => f.endsWith('.yml'))
  .sort();

function actionsOf(b: Baseline, set: string): string[] {
  const s = b.sets.find((x) => x.name === set);
  if (!s) throw new Error(`${b.id} has no set ${set}`);
  return s.statements.flatMap((st) => {
    const a = (st as { Action?: string | string[] }).Action;
    return a === undefined ? [] : Array.isArray(a) ? a : [a];
  });
}

function builtin(id: string): Baseline {
  const b = findBaseline(id, builtinBaselines());
  if (!b) throw new Error(`no built-in ${id}`);
  return b;
}

describe('built-in baseline files', () => {
  it('has one file per vendor, earlier versions as id@version siblings', () => {
    for (const v of ['coiled', 'skypilot', 'lightly', 'anyscale', 'datadog'])
      expect(yamlFiles).toContain(`${v}.yml`);
    expect(yamlFiles).toContain('coiled@2022.yml');
  });

  it.each(yamlFiles)('%s validates against schema/baseline.schema.json', (f) => {
    const text = readFileSync(join(ROOT, 'baselines', f), 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=../schema/baseline.schema.json')).toBe(true);
    const b = parseBaselineYaml(text, `baselines/${f}`);
    expect(b.id).toBe(f.replace(/\.yml$/, ''));
    expect(b.name).toBeTruthy();
    expect(b.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(b.sources?.length).toBeGreaterThan(0);
    expect(b.defaultSets.length).toBeGreaterThan(0);
    expect(b.remediation).toBeTruthy();
    expect(b.detect?.names?.length).toBeGreaterThan(0);
  });

  it('every action in every built-in baseline is in the action catalog', () => {
    const catalog = loadCatalog();
    for (const b of builtinBaselines())
      for (const s of b.sets)
        for (const a of actionsOf(b, s.name))
          expect([b.id, s.name, a, catalog.expand(a).length > 0]).toEqual([b.id, s.name, a, true]);
  });

  it('src/generated/baselines-data.ts is up to date with the YAML files and schemas', async () => {
    const script = pathToFileURL(join(ROOT, 'scripts/build-baselines.mjs')).href;
    const mod = (await import(script)) as { generate: (root?: string) => string };
    const fresh = mod.generate(ROOT);
    const current = readFileSync(join(ROOT, 'src/generated/baselines-data.ts'), 'utf8');
    expect(current === fresh).toBe(true); // if not: node scripts/build-baselines.mjs
  });

  it('the schemas compile with ajv and describe every property (for editor completion)', () => {
    for (const f of ['baseline.schema.json', 'config.schema.json']) {
      const schema = JSON.parse(readFileSync(join(ROOT, 'schema', f), 'utf8')) as Record<string, unknown>;
      expect(typeof validatorFor(schema)).toBe('function');
      const missing: string[] = [];
      const walk = (node: unknown, path: string) => {
        if (!node || typeof node !== 'object') return;
        const props = (node as { properties?: Record<string, unknown> }).properties;
        for (const [k, v] of Object.entries(props ?? {})) {
          const ref = (v as { $ref?: string }).$ref;
          const target = ref
            ? (schema.definitions as Record<string, unknown>)[ref.replace('#/definitions/', '')]
            : v;
          if (
            typeof (v as { description?: unknown }).description !== 'string' &&
            typeof (target as { description?: unknown }).description !== 'string'
          )
            missing.push(`${path}.${k}`);
          walk(v, `${path}.${k}`);
        }
        for (const [k, v] of Object.entries(
          (node as { definitions?: Record<string, unknown> }).definitions ?? {},
        ))
          walk(v, `${path}#${k}`);
        walk((node as { items?: unknown }).items, `${path}[]`);
      };
      walk(schema, f);
      expect(missing).toEqual([]);
    }
  });
});

describe('built-in baseline content', () => {
  it('lists the baselines with camelCase keys', () => {
    const ids = builtinBaselines().map((b) => b.id);
    expect(ids).toEqual(
      expect.arrayContaining(['coiled', 'coiled@2022', 'skypilot', 'lightly', 'anyscale', 'datadog']),
    );
    expect(builtin('coiled').defaultSets).toEqual(['ongoing']);
    expect(findBaseline('COILED@2022', builtinBaselines())?.id).toBe('coiled@2022');
    expect(findBaseline('nope', builtinBaselines())).toBeUndefined();
  });

  it('coiled: setup (29 actions, creates the VPC) and ongoing from the current client, optional sets apart', () => {
    const c = builtin('coiled');
    expect(c.sets.map((s) => [s.name, s.kind])).toEqual([
      ['setup', 'setup'],
      ['ongoing', 'ongoing'],
      ['log-pull', 'optional'],
      ['ecr', 'optional'],
      ['persistent-data', 'optional'],
    ]);
    const setup = actionsOf(c, 'setup');
    expect(setup).toHaveLength(29);
    expect(setup).toEqual(
      expect.arrayContaining([
        'ec2:CreateVpc',
        'ec2:CreateSubnet',
        'iam:CreateRole',
        'iam:CreateInstanceProfile',
      ]),
    );
    const ongoing = actionsOf(c, 'ongoing');
    expect(ongoing).toEqual(
      expect.arrayContaining([
        'ec2:RunInstances',
        'ec2:AuthorizeSecurityGroupEgress',
        'iam:PassRole',
        'ec2:CreateFleet',
      ]),
    );
    expect(ongoing).not.toContain('ecr:PutImage');
    expect(actionsOf(c, 'ecr')).toHaveLength(14);
    expect(actionsOf(c, 'log-pull')).toEqual(['logs:GetLogEvents', 'logs:FilterLogEvents']);
    expect(c.remediation).toMatch(
      /Setup permissions can be removed once Coiled has created its network resources and roles/,
    );
    expect(c.notes).toMatch(/task role named after your Coiled\s+account/);
  });

  it('coiled: the OngoingDestructive statement keeps its owner=coiled tag condition verbatim', () => {
    const st = builtin('coiled')
      .sets.find((s) => s.name === 'ongoing')!
      .statements.find((s) => (s as { Sid?: string }).Sid === 'OngoingDestructive');
    expect(st).toEqual({
      Sid: 'OngoingDestructive',
      Effect: 'Allow',
      Resource: '*',
      Action: [
        'ec2:DeleteFleets',
        'ec2:DeleteLaunchTemplate',
        'ec2:DeleteLaunchTemplateVersions',
        'ec2:DeleteSecurityGroup',
        'ec2:TerminateInstances',
      ],
      Condition: { StringEquals: { 'ec2:ResourceTag/owner': 'coiled' } },
    });
  });

  it('coiled@2022: the 0.0.40 docs template with Setup (37) and Ongoing (60) Sids', () => {
    const c = builtin('coiled@2022');
    expect(c.version).toBe('docs 0.0.40');
    expect(actionsOf(c, 'setup')).toHaveLength(37);
    expect(actionsOf(c, 'ongoing')).toHaveLength(60);
    expect(c.sets.map((s) => (s.statements[0] as { Sid: string }).Sid)).toEqual(['Setup', 'Ongoing']);
  });

  it('each baseline equals its source document statement for statement', () => {
    const fx = (f: string) =>
      JSON.parse(readFileSync(join(ROOT, '__tests__/fixtures/baselines', f), 'utf8')) as {
        Statement: unknown[];
      };
    const all = (b: Baseline, ...sets: string[]) =>
      sets.flatMap((n) => b.sets.find((s) => s.name === n)!.statements);
    expect(all(builtin('coiled'), 'setup')).toEqual(fx('coiled-setup-policy.json').Statement);
    const ongoingDoc = fx('coiled-ongoing-policy.json').Statement;
    expect(new Set(all(builtin('coiled'), 'ongoing', 'log-pull', 'ecr', 'persistent-data'))).toEqual(
      new Set(ongoingDoc),
    );
    expect(all(builtin('coiled@2022'), 'setup', 'ongoing')).toEqual(
      fx('coiled-v0.0.40-template.json').Statement,
    );
    expect(all(builtin('skypilot'), 'minimal')).toEqual(fx('skypilot-minimal.json').Statement);
    expect(all(builtin('lightly'), 'delegated-access')).toEqual(
      fx('lightly-delegated-access.json').Statement,
    );
    expect(all(builtin('lightly'), 'user-access')).toEqual(fx('lightly-user-access.json').Statement);
    expect(all(builtin('anyscale'), 'initial-setup')).toEqual(fx('anyscale-initial-setup.json').Statement);
    expect(all(builtin('anyscale'), 'steady-state')).toEqual(fx('anyscale-steady-state.json').Statement);
    expect(all(builtin('anyscale'), 'services')).toEqual(fx('anyscale-services.json').Statement);
    expect(all(builtin('datadog'), 'integration')).toEqual(fx('datadog-integration.json').Statement);
  });

  it('skypilot: minimal by default, optional sets, skypilot-v1 role and instance profile', () => {
    const s = builtin('skypilot');
    expect(s.defaultSets).toEqual(['minimal']);
    expect(s.sets.map((x) => x.name)).toEqual([
      'minimal',
      'auto-create-role',
      'clone-disk',
      'open-ports',
      's3-access',
      'storage-buckets',
    ]);
    expect(s.detect?.names).toContain('skypilot-v1');
    const text = JSON.stringify(s.sets[0]!.statements);
    expect(text).toContain('role/skypilot-v1');
    expect(text).toContain('instance-profile/skypilot-v1');
    expect(s.placeholders?.['<account-ID-without-hyphens>']).toMatch(/account ID/);
    expect(actionsOf(s, 'clone-disk')).toEqual(['ec2:CreateImage', 'ec2:CopyImage', 'ec2:DeregisterImage']);
    // The older page lacks the spot service-linked role statement.
    expect(actionsOf(builtin('skypilot@2023'), 'minimal')).not.toContain('iam:CreateServiceLinkedRole');
    expect(actionsOf(s, 'minimal')).toContain('iam:CreateServiceLinkedRole');
  });

  it('lightly: minimum is only s3:ListBucket; IP and VPC restrictions are optional sets with their conditions', () => {
    const l = builtin('lightly');
    expect(actionsOf(l, 'minimum')).toEqual(['s3:ListBucket']);
    expect(actionsOf(l, 'delegated-access').sort()).toEqual([
      's3:DeleteObject',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
    expect(l.detect?.accounts).toEqual(['916419735646']);
    const ip = l.sets.find((s) => s.name === 'restrict-ip')!;
    expect(ip.kind).toBe('optional');
    expect((ip.statements[0] as { Condition: unknown }).Condition).toEqual({
      IpAddress: { 'aws:SourceIp': ['21.21.21.0/24'] },
    });
    const vpc = l.sets.find((s) => s.name === 'restrict-vpc')!;
    expect((vpc.statements[0] as { Condition: unknown }).Condition).toEqual({
      StringEquals: { 'aws:SourceVpc': 'vpc-111bbb22' },
    });
    expect(l.notes).toMatch(/sets: \[minimum, restrict-ip\]/);
  });

  it('anyscale: initial-setup (setup), steady-state (ongoing, default), services (optional)', () => {
    const a = builtin('anyscale');
    expect(a.sets.map((s) => [s.name, s.kind])).toEqual([
      ['initial-setup', 'setup'],
      ['steady-state', 'ongoing'],
      ['services', 'optional'],
    ]);
    expect(a.defaultSets).toEqual(['steady-state']);
  });

  it('datadog: integration (ongoing, default), detected by account 464622532012', () => {
    const d = builtin('datadog');
    expect(d.sets.map((s) => [s.name, s.kind])).toEqual([['integration', 'ongoing']]);
    expect(d.defaultSets).toEqual(['integration']);
    expect(d.detect?.accounts).toEqual(['464622532012']);
    expect(actionsOf(d, 'integration')).toContain('ec2:Describe*');
  });
});
