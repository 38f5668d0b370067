// A report that shows no suggested policy (text, SARIF) is audited without making them
// (`suggestions: false`): everything else must come out as when they are made, and the report must
// still say how many policies would have one.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit, type AuditRequest } from '../../src/audit/run.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import type { Report } from '../../src/core/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');
const FIXTURES = join(HERE, '..', 'fixtures');
const NOW = new Date('2026-12-01T00:00:00Z');

const CASES: [string, Omit<AuditRequest, 'paths'> & { paths?: string[] }][] = [
  ['the bundled example', { root: join(REPO, 'examples', 'demo-repo') }],
  ['plan fixtures (SkyPilot)', { root: join(FIXTURES, 'tf-plan'), baseline: 'skypilot:minimal' }],
  ['state fixtures (Coiled)', { root: join(FIXTURES, 'tf-state'), baseline: 'coiled' }],
  ['HCL fixtures (SkyPilot)', { root: join(FIXTURES, 'hcl'), baseline: 'skypilot:minimal' }],
  ['CloudFormation fixtures (Coiled)', { root: join(FIXTURES, 'cloudformation'), baseline: 'coiled' }],
];

/** The report without what the option changes, for comparison. */
function rest(r: Report): unknown {
  const others: Partial<Report> = { ...r };
  delete others.suggestions;
  delete others.suggestionsNotMade;
  return JSON.parse(JSON.stringify(others)) as unknown;
}

describe('suggestions: false', () => {
  const made: Report[] = [];
  it.each(CASES)('%s: the same report, suggestions counted, not made', async (_, req) => {
    for (const reference of [false, true]) {
      const base = { paths: ['.'], now: NOW, reference, ...req };
      const withThem = await runAudit(base);
      const without = await runAudit({ ...base, suggestions: false });
      expect(without.suggestions).toEqual([]);
      expect(without.suggestionsNotMade).toBe(withThem.suggestions.length);
      expect(withThem.suggestionsNotMade).toBeUndefined();
      expect(rest(without)).toEqual(rest(withThem));
      // What text and SARIF show is the same.
      expect(renderText(without)).toBe(renderText(withThem));
      expect(JSON.stringify(renderSarif(without))).toBe(JSON.stringify(renderSarif(withThem)));
      if (!reference) made.push(withThem);
    }
  });

  it('covers reports with suggestions and without', () => {
    expect(made.some((r) => r.suggestions.length > 0)).toBe(true);
    expect(made.filter((r) => r.suggestions.length > 0).length).toBeGreaterThanOrEqual(3);
  });

  it('says in the text report that there are suggestions, and not when there are none', () => {
    const line = 'Suggested minimal policies: see the Markdown or JSON report.';
    const report = made.find((r) => r.suggestions.length > 0)!;
    const counted: Report = { ...report, suggestions: [], suggestionsNotMade: report.suggestions.length };
    expect(renderText(counted)).toContain(line);
    expect(renderText({ ...counted, suggestionsNotMade: 0 })).not.toContain(line);
  });
});
