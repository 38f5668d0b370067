import { decide, effectiveMode, InputError, readInputs } from '../../src/main.js';
import { driftReport, pullRequestReport } from '../report/fixtures.js';

describe('effectiveMode', () => {
  it('maps events in auto mode', () => {
    expect(effectiveMode('auto', 'pull_request')).toBe('pull-request');
    expect(effectiveMode('auto', 'pull_request_target')).toBe('pull-request');
    expect(effectiveMode('auto', 'schedule')).toBe('drift');
    expect(effectiveMode('auto', 'workflow_dispatch')).toBe('drift');
    expect(effectiveMode('auto', 'push')).toBe('audit');
    expect(effectiveMode('drift', 'pull_request')).toBe('drift');
    expect(effectiveMode('audit', 'schedule')).toBe('audit');
  });
});

describe('decide: the result comes only from fail-on and severity-threshold', () => {
  it('fail-on new counts only new findings at or above the threshold, never ignored ones', () => {
    // New: ec2:* (critical), iam:PassRole (high), missing ecr (info), CreateTags (ignored).
    const v = decide(pullRequestReport(), 'new', 'medium');
    expect(v).toMatchObject({ excessCount: 4, newExcessCount: 2, result: 'fail' });
    expect(v.failing.map((f) => f.actions[0])).toEqual(['ec2:*', 'iam:PassRole']);
    expect(decide(pullRequestReport(), 'new', 'critical').failing).toHaveLength(1);
  });

  it('fail-on any adds pre-existing findings; none never fails', () => {
    expect(decide(pullRequestReport(), 'any', 'high').failing).toHaveLength(3);
    expect(decide(pullRequestReport(), 'none', 'info').result).toBe('pass');
  });

  it('without a base, fail-on new treats every finding as new', () => {
    const v = decide(driftReport(), 'new', 'medium');
    expect(v.newExcessCount).toBe(v.excessCount);
    expect(v.result).toBe('fail');
  });
});

describe('readInputs', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const set = (inputs: Record<string, string>) => {
    for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  };

  it('has the documented defaults', () => {
    expect(readInputs()).toMatchObject({
      paths: ['.'],
      comment: 'update',
      review: 'suggest',
      commentKey: 'default',
      failOn: 'new',
      threshold: 'medium',
      mode: 'auto',
    });
  });

  it('splits paths by line, or by commas and spaces on one line', () => {
    set({ paths: 'iam/a dir\ninfra/plan.json\n' });
    expect(readInputs().paths).toEqual(['iam/a dir', 'infra/plan.json']);
    set({ paths: 'iam, infra plan.json' });
    expect(readInputs().paths).toEqual(['iam', 'infra', 'plan.json']);
    // (a review) A block of one line (`paths: |` then `my iam/a b.json`) is one path, not three.
    set({ paths: 'my iam/a b.json\n' });
    expect(readInputs().paths).toEqual(['my iam/a b.json']);
  });

  // (a review) Without `report`, `pr-number` posted this run's audit on another pull request.
  it('pr-number only with report; a bad number names its input', () => {
    set({ 'pr-number': '8' });
    expect(() => readInputs()).toThrow(
      /Input `pr-number` \(or `pr-number-file`\) is read only with `report`/,
    );
    set({ report: 'artifact/findings.json' });
    expect(readInputs()).toMatchObject({ prNumber: 8, report: 'artifact/findings.json' });
    set({ 'pr-number': '#8' });
    expect(() => readInputs()).toThrow(/^Input `pr-number`: the pull request number must be digits only/);
  });

  it('rejects invalid values with a clear message', () => {
    set({ 'fail-on': 'sometimes' });
    expect(() => readInputs()).toThrow(
      new InputError('Input `fail-on` must be one of none, new, any (got "sometimes").'),
    );
    process.env['INPUT_FAIL-ON'] = '';
    set({ 'account-id': '1234' });
    expect(() => readInputs()).toThrow(/12-digit AWS account ID/);
    process.env['INPUT_ACCOUNT-ID'] = '1234-5678-9012';
    expect(readInputs().accountId).toBe('123456789012');
    set({ 'base-ref': '--upload-pack=x' });
    expect(() => readInputs()).toThrow(/base-ref/);
    process.env['INPUT_BASE-REF'] = '';
    set({ review: 'COMMENT' });
    expect(readInputs().review).toBe('comment');
    set({ review: 'always' });
    expect(() => readInputs()).toThrow(
      new InputError('Input `review` must be one of suggest, comment, off (got "always").'),
    );
    process.env.INPUT_REVIEW = '';
    set({ comment: 'sometimes' });
    expect(() => readInputs()).toThrow(
      /`comment` must be one of update, new, hide-and-new, delete-and-new, off/,
    );
  });
});
