// The JSON report writes each suggestion's diff without keeping it on the suggestion
// (src/audit/minimal.ts diffOnce): the diffs are counted through the module that makes them.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const actual = await import('../../src/core/unified-diff.js');
const made = jest.fn(actual.unifiedDiff);
jest.unstable_mockModule('../../src/core/unified-diff.js', () => ({ ...actual, unifiedDiff: made }));

const { runAudit } = await import('../../src/audit/run.js');
const { diffOnce } = await import('../../src/audit/minimal.js');
const { renderJson } = await import('../../src/report/json.js');

describe('suggestion diffs written to JSON', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iba-diff-once-'));
    made.mockClear();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are the diffs the suggestions give, made for the report and not kept on the suggestions', async () => {
    writeFileSync(
      join(dir, 'p.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['ec2:*', 's3:GetObject'], Resource: '*' }],
      }),
    );
    const report = await runAudit({ root: dir, paths: ['.'], baseline: 'skypilot:minimal' });
    const n = report.suggestions.length;
    expect(n).toBeGreaterThan(0);
    expect(made).toHaveBeenCalledTimes(0); // made on first read only
    const written = JSON.parse(renderJson(report)) as { suggestions: { diff: string }[] };
    expect(made).toHaveBeenCalledTimes(n);
    // Read again through the accessor: made again (the report's were not kept), the same text, and
    // kept from then on, as any reader of `diff` expects.
    const read = report.suggestions.map((s) => s.diff);
    expect(made).toHaveBeenCalledTimes(2 * n);
    expect(read).toEqual(written.suggestions.map((s) => s.diff));
    expect(read[0]).toContain('\n-');
    report.suggestions.forEach((s) => s.diff);
    expect(made).toHaveBeenCalledTimes(2 * n);
    // Once read (kept), the report writes the kept diff: nothing made again, the same bytes.
    const again = renderJson(report);
    expect(made).toHaveBeenCalledTimes(2 * n);
    expect(again).toBe(renderJson({ ...report, suggestions: report.suggestions.map((s) => ({ ...s })) }));
  });

  it("gives a saved report's suggestion (a plain object) its diff as it is", () => {
    const s = { policy: 'p', minimal: {}, diff: '--- a\n+++ b\n' };
    expect(diffOnce(s)).toBe(s.diff);
  });
});
