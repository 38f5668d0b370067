import fc from 'fast-check';
import { ignoreApplies, matchesSelector, ruleCoversAction } from '../../src/config/select.js';

const at = (path: string, address?: string) => (address === undefined ? { path } : { path, address });

describe('matchesSelector: path globs', () => {
  it.each([
    ['infra/coiled/*.json', 'infra/coiled/ongoing.json', true],
    ['infra/coiled/*.json', 'infra/coiled/ongoing.yml', false],
    ['infra/coiled/*.json', 'infra/other/ongoing.json', false],
    ['infra/*/setup.json', 'infra/coiled/setup.json', true],
    ['infra/*.json', 'infra/coiled/setup.json', false],
    ['infra/**/*.json', 'infra/setup.json', true],
    ['infra/**/*.json', 'infra/a/b/c/setup.json', true],
    ['**/coiled/*.json', 'deep/er/coiled/x.json', true],
    ['**/coiled/*.json', 'coiled/x.json', true],
    ['**/*.tfplan.json', 'plans/prod.tfplan.json', true],
    ['infra/coiled', 'infra/coiled/ongoing.json', true],
    ['infra/coiled/', 'infra/coiled/sub/x.json', true],
    ['infra/coil', 'infra/coiled/x.json', false],
    ['./infra/coiled/*.json', 'infra/coiled/x.json', true],
    ['infra/coiled/?.json', 'infra/coiled/a.json', true],
    ['infra/coiled/?.json', 'infra/coiled/ab.json', false],
    ['infra/**', 'infra/x.json', true],
    ['**', 'anything/at/all.json', true],
    ['Infra/coiled/*.json', 'infra/coiled/x.json', false],
  ])('%s vs %s -> %s', (sel, path, want) => {
    expect(matchesSelector(sel, at(path))).toBe(want);
  });

  it('matches the path of a policy inside a file, not its address', () => {
    expect(
      matchesSelector('plans/*.json', at('plans/prod.json', 'module.coiled.aws_iam_role_policy.ongoing')),
    ).toBe(true);
  });

  it('takes linear time on adversarial selectors (no backtracking)', () => {
    const sel = `${'**/a/'.repeat(200)}b`;
    const path = Array(400).fill('a').join('/') + '/c';
    const t0 = Date.now();
    expect(matchesSelector(sel, at(path))).toBe(false);
    expect(Date.now() - t0).toBeLessThan(500);
    const star = `${'*a'.repeat(2000)}b`;
    const t1 = Date.now();
    expect(matchesSelector(star, at('a'.repeat(20000)))).toBe(false);
    expect(Date.now() - t1).toBeLessThan(500);
  });

  it('agrees with a reference matcher on random paths', () => {
    // Reference: a regular expression built from trusted test patterns only.
    const toRe = (g: string) =>
      new RegExp(
        '^' +
          g
            .split('/')
            .map((seg) =>
              seg === '**'
                ? '(?:[^/]+/)*'
                : seg.replace(/\./g, '\\.').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '/',
            )
            .join('') +
          '(?:[^/]+/)*$',
      );
    const seg = fc.constantFrom('a', 'b', 'ab', 'x.json');
    const gseg = fc.constantFrom('a', 'b', '*', '**', '?', 'a*', '*.json');
    fc.assert(
      fc.property(
        fc.array(gseg, { minLength: 1, maxLength: 5 }),
        fc.array(seg, { minLength: 1, maxLength: 6 }),
        (g, p) => {
          const glob = g.join('/');
          const path = p.join('/');
          expect(matchesSelector(glob, at(path))).toBe(toRe(glob).test(path + '/'));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('matchesSelector: terraform', () => {
  it('globs the Terraform address', () => {
    const a = 'module.coiled.aws_iam_role_policy.ongoing';
    expect(matchesSelector('terraform:module.coiled.aws_iam_role_policy.*', at('plan.json', a))).toBe(true);
    expect(
      matchesSelector(
        'terraform:module.coiled.aws_iam_role_policy.*',
        at('plan.json', 'module.coiled.aws_iam_policy.x'),
      ),
    ).toBe(false);
    expect(
      matchesSelector(
        'terraform:module.coiled.*',
        at('plan.json', 'module.coiled.module.inner.aws_iam_policy.x["k"]'),
      ),
    ).toBe(true);
    expect(
      matchesSelector(
        'terraform:aws_iam_role_policy.ongoing',
        at('main.tf.json', 'aws_iam_role_policy.ongoing'),
      ),
    ).toBe(true);
    expect(matchesSelector('terraform:aws_iam_role_policy.ongoing', at('aws_iam_role_policy.ongoing'))).toBe(
      false,
    );
  });

  it('matches a principal id holding the policy', () => {
    expect(
      matchesSelector('terraform:aws_iam_role.coiled', at('plan.json', 'aws_iam_role_policy.x'), [
        'aws_iam_role.coiled',
      ]),
    ).toBe(true);
    expect(matchesSelector('terraform:aws_iam_role.coiled', at('plan.json', 'aws_iam_role.coiled'))).toBe(
      true,
    );
    expect(
      matchesSelector('terraform:aws_iam_role.coiled', at('plan.json', 'aws_iam_role_policy.x'), [
        'aws_iam_role.other',
      ]),
    ).toBe(false);
  });
});

describe('ignore rules', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const finding = { actions: ['ec2:DescribeRegions'], path: 'infra/coiled/ongoing.json' };

  it('applies when the action pattern covers every action and a selector selects the policy', () => {
    expect(ignoreApplies({ action: 'ec2:describeregions', reason: 'r' }, finding, now)).toBe('applies');
    expect(
      ignoreApplies({ action: 'ec2:Describe*', policies: ['infra/coiled/*'], reason: 'r' }, finding, now),
    ).toBe('applies');
    expect(
      ignoreApplies({ action: 'ec2:Describe*', policies: ['infra/other/*'], reason: 'r' }, finding, now),
    ).toBe('no');
    expect(
      ignoreApplies(
        { action: 'ec2:Describe*', reason: 'r' },
        { ...finding, actions: ['ec2:DescribeRegions', 'ec2:RunInstances'] },
        now,
      ),
    ).toBe('no');
    expect(ignoreApplies({ action: 's3:*', reason: 'r' }, finding, now)).toBe('no');
    expect(ignoreApplies({ action: '*', reason: 'r' }, { ...finding, actions: [] }, now)).toBe('applies');
    expect(ignoreApplies({ action: 'ec2:*', reason: 'r' }, { ...finding, actions: [] }, now)).toBe('no');
  });

  it('matches terraform selectors against the address and principals', () => {
    const f = {
      actions: ['iam:PassRole'],
      path: 'plan.json',
      address: 'module.coiled.aws_iam_role_policy.ongoing',
      principalIds: ['module.coiled.aws_iam_role.this'],
    };
    expect(
      ignoreApplies({ action: 'iam:PassRole', policies: ['terraform:module.coiled.*'], reason: 'r' }, f, now),
    ).toBe('applies');
    expect(
      ignoreApplies(
        { action: 'iam:PassRole', policies: ['terraform:module.coiled.aws_iam_role.this'], reason: 'r' },
        f,
        now,
      ),
    ).toBe('applies');
  });

  it('is expired after its expiry day (UTC), applies on the day itself', () => {
    expect(
      ignoreApplies({ action: 'ec2:DescribeRegions', reason: 'r', expires: '2026-11-21' }, finding, now),
    ).toBe('expired');
    expect(
      ignoreApplies({ action: 'ec2:DescribeRegions', reason: 'r', expires: '2026-11-22' }, finding, now),
    ).toBe('applies');
    expect(
      ignoreApplies({ action: 'ec2:DescribeRegions', reason: 'r', expires: '2027-03-01' }, finding, now),
    ).toBe('applies');
    // An expired rule that would not apply anyway is just 'no'.
    expect(ignoreApplies({ action: 's3:GetObject', reason: 'r', expires: '2020-01-01' }, finding, now)).toBe(
      'no',
    );
  });

  it('covers actions with IAM wildcards, case-insensitively', () => {
    expect(ruleCoversAction({ action: 'EC2:Describe*' }, 'ec2:DescribeRegions')).toBe(true);
    expect(ruleCoversAction({ action: 'ec2:Describe?egions' }, 'ec2:DescribeRegions')).toBe(true);
    expect(ruleCoversAction({ action: 'ec2:Describe' }, 'ec2:DescribeRegions')).toBe(false);
  });
});
