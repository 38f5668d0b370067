import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinBaselines, findBaseline, parseBaselineYaml } from '../../src/baselines/load.js';
import AjvModule from 'ajv';
import { loadCatalog } from '../../src/policy/catalog.js';
import type { Baseline } from '../../src/core/types.js';

const ROOT = process.cwd();
type AjvClass = typeof AjvModule.default;
const Ajv: AjvClass =
  (AjvModule as unknown as { default?: AjvClass }).default ?? (AjvModule as unknown as AjvClass);
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
    for (const v of [
      'coiled',
      'skypilot',
      'lightly',
      'anyscale',
      'datadog',
      'databricks',
      'cloudzero',
      'spot',
    ])
      expect(yamlFiles).toContain(`${v}.yml`);
    for (const v of ['coiled@2022', 'datadog@2022', 'skypilot@2024', 'skypilot@2023'])
      expect(yamlFiles).toContain(`${v}.yml`);
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
    // Remediation notes belong to sets: each set has its own.
    for (const set of b.sets) expect([set.name, set.remediation]).toEqual([set.name, expect.any(String)]);
    // Alternatives: the default sets name at most one of each choice.
    const choices = b.defaultSets.map((n) => b.sets.find((x) => x.name === n)!.choice).filter(Boolean);
    expect(new Set(choices).size).toBe(choices.length);
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

  it('src/generated/schema-validators.ts is up to date with the schemas', async () => {
    const script = pathToFileURL(join(ROOT, 'scripts/build-schema-validators.mjs')).href;
    const mod = (await import(script)) as { generateValidators: (root?: string) => string };
    const current = readFileSync(join(ROOT, 'src/generated/schema-validators.ts'), 'utf8');
    expect(current === mod.generateValidators(ROOT)).toBe(true); // if not: npm run build:validators
  });

  it('the schemas compile with ajv and describe every property (for editor completion)', () => {
    for (const f of ['baseline.schema.json', 'config.schema.json']) {
      const schema = JSON.parse(readFileSync(join(ROOT, 'schema', f), 'utf8')) as Record<string, unknown>;
      expect(typeof new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(schema)).toBe(
        'function',
      );
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
      ['package-sync', 'optional'],
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
    expect(c.sets[0]!.remediation).toMatch(
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
      'ssm',
    ]);
    expect(s.detect?.names).toContain('skypilot-v1');
    const text = JSON.stringify(s.sets[0]!.statements);
    expect(text).toContain('role/skypilot-v1');
    expect(text).toContain('instance-profile/skypilot-v1');
    expect(s.placeholders?.['<account-ID-without-hyphens>']).toMatch(/account ID/);
    expect(actionsOf(s, 'clone-disk')).toEqual([
      'ec2:CreateImage',
      'ec2:CopyImage',
      'ec2:DeregisterImage',
      'ec2:CreateTags',
    ]);
    expect(actionsOf(builtin('skypilot@2024'), 'clone-disk')).toEqual([
      'ec2:CreateImage',
      'ec2:CopyImage',
      'ec2:DeregisterImage',
    ]);
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

  it('anyscale: initial-setup (setup), steady-state alternatives (ongoing), services (optional)', () => {
    const a = builtin('anyscale');
    expect(a.sets.map((s) => [s.name, s.kind, s.choice])).toEqual([
      ['initial-setup', 'setup', undefined],
      ['steady-state', 'ongoing', 'steady-state'],
      ['steady-state-tf', 'ongoing', 'steady-state'],
      ['steady-state-cloud-id', 'ongoing', 'steady-state'],
      ['steady-state-restricted', 'ongoing', 'steady-state'],
      ['services', 'optional', undefined],
      ['services-v2', 'optional', undefined],
      ['services-v2-cloud-id', 'optional', undefined],
      ['s3-bucket-access', 'optional', undefined],
    ]);
    expect(a.defaultSets).toEqual(['steady-state']);
    expect(Object.keys(a.managedPolicies ?? {})).toEqual(['AmazonEC2ContainerRegistryReadOnly']);
  });

  it('datadog: standard or core, resource collection, optional Trusted Advisor (either API), log-archive and CloudTrail; 2022 kept', () => {
    const d = builtin('datadog');
    expect(d.sets.map((s) => [s.name, s.kind, s.choice])).toEqual([
      ['standard', 'ongoing', 'base-permissions'],
      ['core', 'ongoing', 'base-permissions'],
      ['resource-collection', 'ongoing', undefined],
      ['trusted-advisor', 'optional', undefined],
      ['trusted-advisor-support-api', 'optional', undefined],
      ['manual-setup-page', 'optional', undefined],
      ['log-archive', 'optional', undefined],
      ['cloudtrail', 'optional', undefined],
    ]);
    expect(d.defaultSets).toEqual(['standard', 'resource-collection']);
    expect(d.detect?.accounts).toEqual([
      '464622532012',
      '417141415827',
      '412381753143',
      '065115117704',
      '392588925713',
    ]);
    expect(d.trust?.principals).toContain('arn:aws:iam::464622532012:root');
    expect(d.trust?.condition).toEqual({ StringEquals: { 'sts:ExternalId': ['${external_id}'] } });
    expect(actionsOf(d, 'standard')).toContain('events:CreateEventBus');
    expect(actionsOf(d, 'standard')).not.toContain('lambda:GetPolicy');
    expect(actionsOf(d, 'resource-collection')).toHaveLength(188 + 185 + 173 + 173);
    const old = builtin('datadog@2022');
    expect(old.sets.map((s) => s.name)).toEqual(['integration']);
    expect(actionsOf(old, 'integration')).toContain('lambda:GetPolicy');
  });

  it('databricks and cloudzero: alternatives of one choice, detected by name', () => {
    const d = builtin('databricks');
    expect(d.sets.map((s) => [s.name, s.choice])).toEqual([
      ['managed', 'policy-type'],
      ['customer', 'policy-type'],
      ['restricted', 'policy-type'],
      ['pass-roles', undefined],
      ['root-bucket', undefined],
    ]);
    expect(actionsOf(d, 'managed').length - actionsOf(d, 'customer').length).toBe(26);
    const c = builtin('cloudzero');
    expect(c.sets.map((s) => [s.name, s.choice])).toEqual([
      ['resource-owner', 'account-type'],
      ['master-payer', 'account-type'],
    ]);
    expect(c.defaultSets).toEqual(['resource-owner']);
  });
});

describe('baselines/README.md lists each built-in baseline as its file says', () => {
  // The table is written by hand: a review found rows with an earlier date, source and sets.
  const rows = new Map(
    readFileSync(join(ROOT, 'baselines/README.md'), 'utf8')
      .split('\n')
      .filter((l) => /^\| [a-z0-9@.-]+\.yml \|/.test(l))
      .map((l) => {
        const [file, id, sets, date, source] = l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, ''));
        return [file!, { id: id!, sets: sets!, date: date!, source: source! }];
      }),
  );

  it.each(builtinBaselines().map((b) => b.id))('%s', (id) => {
    const b = builtin(id);
    const row = rows.get(`${id}.yml`)!;
    expect(row).toBeDefined();
    expect([row.id, row.date]).toEqual([`\`${id}\``, b.date]);
    // Every commit of the baseline's version is named in the source column.
    for (const commit of (b.version ?? '').match(/(?<=@ )[0-9a-f]{7,40}/g) ?? [])
      expect([commit, row.source]).toEqual([commit, expect.stringContaining(commit)]);
    // Every set, and no other, by name; the defaults in bold; the optional ones in the last group.
    // (parenthetical remarks aside, but for the kinds "(setup)" and "(optional)")
    const bare = row.sets.replace(/\((?!optional\)|setup\))[^)]*\)/g, '');
    const named = [...bare.matchAll(/(?<![A-Za-z0-9-])[a-z0-9]+(?:-[a-z0-9]+)*(?![A-Za-z0-9-])/g)].map(
      (m) => m[0],
    );
    const choices = new Set(b.sets.flatMap((s) => (s.choice ? [s.choice] : [])));
    const isSet = (n: string) => b.sets.some((s) => s.name === n);
    expect(
      [
        ...new Set(named.filter((n) => isSet(n) || !(choices.has(n) || ['setup', 'optional'].includes(n)))),
      ].sort(),
    ).toEqual(b.sets.map((s) => s.name).sort());
    expect([...row.sets.matchAll(/\*\*([a-z0-9-]+)\*\*/g)].map((m) => m[1]).sort()).toEqual(
      [...(b.defaultSets ?? [])].sort(),
    );
    const optional = b.sets.filter((s) => s.kind === 'optional').map((s) => s.name);
    if (optional.length) {
      const last = row.sets.slice(row.sets.lastIndexOf(';') + 1);
      expect(last).toMatch(/\(optional\)$/);
      for (const o of optional)
        expect([o, last]).toEqual([o, expect.stringMatching(new RegExp(`(^|[ ,])${o}([ ,]|$)`))]);
    }
  });
});

describe('every set of every built-in baseline equals its source document', () => {
  const fx = (f: string) => {
    const d = JSON.parse(readFileSync(join(ROOT, '__tests__/fixtures/baselines', f), 'utf8')) as {
      Statement: unknown;
    };
    return Array.isArray(d.Statement) ? d.Statement : [d.Statement];
  };
  const split = JSON.parse(
    readFileSync(
      join(ROOT, '__tests__/fixtures/baselines/lightly-docs-aws-s3-permission-split.json'),
      'utf8',
    ),
  ) as Record<string, { Statement: unknown[] }>;
  const ssm = JSON.parse(
    readFileSync(join(ROOT, '__tests__/fixtures/baselines/skypilot-aws-optional-ssm-34478f4.json'), 'utf8'),
  ) as { user_or_role_actions: string[] };
  const optional24 = JSON.parse(
    readFileSync(join(ROOT, '__tests__/fixtures/baselines/skypilot-optional-statements.json'), 'utf8'),
  ) as Record<string, unknown[]>;
  const anyPartition = (statements: unknown[]) =>
    JSON.parse(JSON.stringify(statements).replaceAll('arn:aws:', 'arn:${aws_partition}:')) as unknown[];
  /** baseline -> set -> its source statements (in order). */
  const SOURCES: Record<string, Record<string, () => unknown[]>> = {
    datadog: {
      // The inline policy of the template at 0417aa87 less its Trusted Advisor actions, which are
      // a set of their own, as are those of the template before it (1e903ee3).
      standard: () => {
        const [st] = fx('datadog-cfn-inline-standard-full-0417aa87.json') as { Action: string[] }[];
        return [{ ...st, Action: st!.Action.filter((a) => !a.startsWith('trustedadvisor:')) }];
      },
      'trusted-advisor': () => {
        const [st] = fx('datadog-cfn-inline-standard-full-0417aa87.json') as { Action: string[] }[];
        return [{ ...st, Action: st!.Action.filter((a) => a.startsWith('trustedadvisor:')) }];
      },
      'trusted-advisor-support-api': () => {
        const [st] = fx('datadog-cfn-inline-standard-full.json') as { Action: string[] }[];
        return [{ ...st, Action: st!.Action.filter((a) => a.startsWith('support:')) }];
      },
      // The manual setup page's actions that neither template's lists grant (each a name there).
      'manual-setup-page': () => {
        const catalog = loadCatalog();
        const lists = [
          ...fx('datadog-cfn-inline-standard-full-0417aa87.json'),
          ...fx('datadog-cfn-inline-standard-full.json'),
          ...[1, 2, 3, 4].flatMap((i) => fx(`datadog-cfn-managed-policy-${i}-resource-collection.json`)),
        ] as { Action: string[] }[];
        const granted = new Set(
          lists.flatMap((s) => s.Action.flatMap((p) => catalog.expand(p).map((a) => a.full))),
        );
        const [docs] = fx('datadog-docs-aws-permissions-0c0d2aac.json') as {
          Action: string[];
          Effect: string;
        }[];
        return [
          {
            Effect: 'Allow',
            Resource: '*',
            Action: docs!.Action.filter((p) => catalog.expand(p).some((a) => !granted.has(a.full))),
          },
        ];
      },
      core: () => fx('datadog-cfn-inline-core.json'),
      'resource-collection': () =>
        [1, 2, 3, 4].flatMap((i) => fx(`datadog-cfn-managed-policy-${i}-resource-collection.json`)),
      'log-archive': () => fx('datadog-cfn-macro-log-archive-policy.json'),
      cloudtrail: () => fx('datadog-cfn-macro-cloudtrail-policy.json'),
    },
    'datadog@2022': { integration: () => fx('datadog-integration.json') },
    skypilot: {
      minimal: () => fx('skypilot-aws-minimal-34478f4.json'),
      'auto-create-role': () => fx('skypilot-aws-optional-auto-create-role-34478f4.json'),
      'clone-disk': () => fx('skypilot-aws-optional-clone-disk-34478f4.json'),
      'open-ports': () => fx('skypilot-aws-optional-open-ports-34478f4.json'),
      's3-access': () => fx('skypilot-aws-optional-s3-access-34478f4.json'),
      'storage-buckets': () => fx('skypilot-aws-optional-storage-buckets-34478f4.json'),
      // Prose only: the action the page names, with Resource "*" (ours, see the set's description).
      ssm: () => [{ Effect: 'Allow', Action: ssm.user_or_role_actions, Resource: '*' }],
    },
    'skypilot@2024': {
      minimal: () => fx('skypilot-minimal.json'),
      'auto-create-role': () => optional24.auto_create_iam_role_replaces_last_two_rules!,
      'clone-disk': () => optional24.clone_disk_from!,
      'open-ports': () => optional24.open_ports!,
      's3-access': () => optional24.s3_access!,
      'storage-buckets': () => optional24.s3_bucket_create_delete_sky_storage!,
    },
    lightly: {
      'split-buckets': () => [
        ...split.input_bucket_readonly!.Statement,
        ...split.lightly_bucket_readwrite!.Statement,
      ],
      minimum: () => fx('lightly-restrict-ip.json').slice(1),
      'delegated-access': () => fx('lightly-delegated-access.json'),
      'user-access': () => fx('lightly-user-access.json'),
      'restrict-ip': () => fx('lightly-restrict-ip.json').slice(0, 1),
      'restrict-vpc': () => fx('lightly-restrict-vpc.json').slice(0, 1),
    },
    anyscale: {
      'initial-setup': () => fx('anyscale-initial-setup.json'),
      'steady-state': () => fx('anyscale-steady-state.json'),
      'steady-state-tf': () => fx('anyscale-tf-steady-state-unrestricted.json'),
      'steady-state-cloud-id': () => fx('anyscale-tf-steady-state-cloud-id-restricted.json'),
      'steady-state-restricted': () => fx('anyscale-client-ec2-restricted.json'),
      services: () => fx('anyscale-services.json'),
      'services-v2': () => fx('anyscale-tf-services-v2-unrestricted.json'),
      'services-v2-cloud-id': () => fx('anyscale-tf-services-v2-cloud-id-restricted.json'),
      // The module's template, plain JSON (the hcl fixture, a copy of the shared one).
      's3-bucket-access': () =>
        (
          JSON.parse(
            readFileSync(
              join(ROOT, '__tests__/fixtures/hcl/anyscale-aws-anyscale-iam/s3-bucket-access.tmpl'),
              'utf8',
            ),
          ) as { Statement: unknown[] }
        ).Statement,
    },
    coiled: {
      setup: () => fx('coiled-setup-policy.json'),
      'package-sync': () => fx('coiled-cli-package-sync-statements.json'),
    },
    'coiled@2022': {},
    // The fixtures are written for partition aws; the sets for any (the data source's aws_partition).
    // Go, not JSON: data_aws_unity_catalog_policy.go @ d1cc6720 (the statements it writes, its
    // inputs as placeholders); sample-data from Databricks' example module (uc_cross_account_role.tf
    // @ 09913182), its region's bucket a placeholder.
    'databricks-unity-catalog': {
      storage: () => [
        {
          Effect: 'Allow',
          Action: [
            's3:GetObject',
            's3:PutObject',
            's3:DeleteObject',
            's3:ListBucket',
            's3:GetBucketLocation',
          ],
          Resource: ['arn:${aws_partition}:s3:::${bucket}/*', 'arn:${aws_partition}:s3:::${bucket}'],
        },
        {
          Effect: 'Allow',
          Action: ['sts:AssumeRole'],
          Resource: ['arn:${aws_partition}:iam::${aws_account_id}:role/${role_name}'],
        },
      ],
      'file-events': () => {
        const csms = ['arn:${aws_partition}:sqs:*:*:csms-*', 'arn:${aws_partition}:sns:*:*:csms-*'];
        return [
          {
            Sid: 'ManagedFileEventsSetupStatement',
            Effect: 'Allow',
            Action: [
              's3:GetBucketNotification',
              's3:PutBucketNotification',
              'sns:ListSubscriptionsByTopic',
              'sns:GetTopicAttributes',
              'sns:SetTopicAttributes',
              'sns:CreateTopic',
              'sns:TagResource',
              'sns:Publish',
              'sns:Subscribe',
              'sqs:CreateQueue',
              'sqs:DeleteMessage',
              'sqs:ReceiveMessage',
              'sqs:SendMessage',
              'sqs:GetQueueUrl',
              'sqs:GetQueueAttributes',
              'sqs:SetQueueAttributes',
              'sqs:TagQueue',
              'sqs:ChangeMessageVisibility',
              'sqs:PurgeQueue',
            ],
            Resource: ['arn:${aws_partition}:s3:::${bucket}', ...csms],
          },
          {
            Sid: 'ManagedFileEventsListStatement',
            Effect: 'Allow',
            Action: ['sqs:ListQueues', 'sqs:ListQueueTags', 'sns:ListTopics'],
            Resource: csms,
          },
          {
            Sid: 'ManagedFileEventsTeardownStatement',
            Effect: 'Allow',
            Action: ['sns:Unsubscribe', 'sns:DeleteTopic', 'sqs:DeleteQueue'],
            Resource: csms,
          },
        ];
      },
      kms: () => [
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'],
          Resource: ['arn:${aws_partition}:kms:${kms_region}:${aws_account_id}:key/${kms_key_id}'],
        },
      ],
      'sample-data': () => [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:GetBucketLocation'],
          Resource: [
            'arn:aws:s3:::databricks-datasets-${datasets_region}/*',
            'arn:aws:s3:::databricks-datasets-${datasets_region}',
          ],
        },
      ],
    },
    databricks: {
      managed: () => anyPartition(fx('databricks-crossaccount-policy-managed.json')),
      customer: () => anyPartition(fx('databricks-crossaccount-policy-customer.json')),
      restricted: () => anyPartition(fx('databricks-crossaccount-policy-restricted.json')),
      // Go, not JSON: data_aws_crossaccount_policy.go lines 164-172 with pass_roles as a placeholder.
      'pass-roles': () => [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '${pass_roles}' }],
      // Go, not JSON: data_aws_bucket_policy.go @ 2ffe50d9 lines 28-45 (the statement it writes),
      // with the bucket and Databricks' account of the partition as placeholders.
      'root-bucket': () => [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:${aws_partition}:iam::${databricks_aws_account}:root' },
          Action: [
            's3:GetObject',
            's3:GetObjectVersion',
            's3:PutObject',
            's3:DeleteObject',
            's3:ListBucket',
            's3:GetBucketLocation',
          ],
          Resource: ['arn:${aws_partition}:s3:::${bucket}/*', 'arn:${aws_partition}:s3:::${bucket}'],
        },
      ],
    },
    spot: { account: () => fx('spot-help-spot-policy-in-aws-634bd82f.json') },
    cloudzero: {
      'resource-owner': () => fx('cloudzero-policies-resource_owner.json'),
      'master-payer': () => fx('cloudzero-policies-master_payer.json'),
    },
  };

  it.each(Object.keys(SOURCES))('%s: each set, statement for statement', (id) => {
    const b = builtin(id);
    for (const [set, source] of Object.entries(SOURCES[id]!))
      expect([set, b.sets.find((s) => s.name === set)?.statements]).toEqual([set, source()]);
  });

  it('coiled: ongoing and its optional sets are the client ongoing document, split; coiled@2022 the 0.0.40 template', () => {
    const c = builtin('coiled');
    const sets = (b: Baseline, ...names: string[]) =>
      names.flatMap((n) => b.sets.find((s) => s.name === n)!.statements);
    // ongoing also holds the Network statement of Coiled's Terraform template, an alternative form.
    const template = ['Network'];
    const own = sets(c, 'ongoing', 'log-pull', 'ecr', 'persistent-data').filter(
      (s) => !template.includes((s as { Sid?: string }).Sid ?? ''),
    );
    expect(new Set(own)).toEqual(new Set(fx('coiled-ongoing-policy.json')));
    expect(sets(c, 'ongoing').filter((s) => template.includes((s as { Sid?: string }).Sid ?? ''))).toEqual(
      fx('coiled-terraform-template-ongoing.json').filter((s) =>
        template.includes((s as { Sid?: string }).Sid ?? ''),
      ),
    );
    expect(sets(builtin('coiled@2022'), 'setup', 'ongoing')).toEqual(fx('coiled-v0.0.40-template.json'));
  });

  it('every built-in set is covered above', () => {
    const covered = (b: Baseline, set: string) =>
      SOURCES[b.id]?.[set] !== undefined ||
      (b.id === 'coiled' && ['ongoing', 'log-pull', 'ecr', 'persistent-data'].includes(set)) ||
      b.id === 'coiled@2022' ||
      b.id === 'skypilot@2023';
    const missing = builtinBaselines().flatMap((b) =>
      b.sets.filter((s) => !covered(b, s.name)).map((s) => `${b.id}:${s.name}`),
    );
    expect(missing).toEqual([]);
  });
});
