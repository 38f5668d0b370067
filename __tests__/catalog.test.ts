import { actionOfOrdinal, actionOrdinal, loadCatalog } from '../src/policy/catalog.js';

describe('catalog', () => {
  const catalog = loadCatalog();

  it('holds every service and action with canonical spelling', () => {
    expect(catalog.size).toBeGreaterThan(15000);
    expect(catalog.lookup('S3:getobject')?.full).toBe('s3:GetObject');
    expect(catalog.lookup('iam:Passrole')?.full).toBe('iam:PassRole');
    expect(catalog.serviceName('s3')).toMatch(/S3/);
  });

  it('splits compound access levels into a list', () => {
    expect(catalog.lookup('iam:PutRolePolicy')?.levels).toEqual(['Write', 'Permissions management']);
    expect(catalog.lookup('ec2:CreateTags')?.levels).toContain('Tagging');
  });

  it('keeps resource types with ARN formats and condition keys', () => {
    const get = catalog.lookup('s3:GetObject')!;
    const object = get.resourceTypes.find((r) => r.name === 'object');
    expect(object?.arn).toContain(':s3:::');
    expect(get.conditionKeys.length).toBeGreaterThan(3);
    expect(catalog.lookup('ec2:DescribeInstances')?.resourceTypes).toEqual([]);
  });

  it('expands wildcards case-insensitively and caches them', () => {
    const gets = catalog.expand('S3:get*');
    expect(gets.length).toBeGreaterThan(30);
    expect(gets.every((a) => a.key.startsWith('s3:get'))).toBe(true);
    expect(catalog.expand('s3:get*')).toBe(gets);
    expect(catalog.expand('*').length).toBe(catalog.size);
    expect(catalog.expand('s3:GetObjec?').map((a) => a.full)).toEqual(['s3:GetObject']);
    expect(catalog.expand('nosuchservice:*')).toEqual([]);
    expect(catalog.expand('*:GetObject').map((a) => a.full)).toContain('s3:GetObject');
  });

  it('states its version as a date', () => {
    expect(catalog.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('action ordinals', () => {
  test('each catalog action has its own, invisible to JSON, spreads and equality', () => {
    const all = loadCatalog().all();
    const seen = new Set<number>();
    for (const a of all) {
      const o = actionOrdinal(a);
      expect(o).toBeDefined();
      expect(seen.has(o!)).toBe(false);
      seen.add(o!);
      expect(actionOfOrdinal(o!)).toBe(a);
    }
    const a = loadCatalog().lookup('s3:GetObject')!;
    const copy = { ...a };
    expect(actionOrdinal(copy)).toBeUndefined();
    expect(copy).toEqual(a);
    expect(Object.keys(a)).toEqual([
      'service',
      'name',
      'full',
      'key',
      'levels',
      'resourceTypes',
      'conditionKeys',
    ]);
    expect(JSON.parse(JSON.stringify(a))).toEqual(copy);
    expect(actionOrdinal({ ...copy, key: 's3:getobject' })).toBeUndefined();
  });
});
