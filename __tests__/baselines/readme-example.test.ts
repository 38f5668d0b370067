// The baseline format's example in baselines/README.md is what a user copies to write their own:
// it must load as written (a review found its `default-sets: [ongoing]` named a set it lacked).
import { readFileSync } from 'node:fs';
import { parseBaselineYaml } from '../../src/baselines/load.js';

describe('the example of baselines/README.md', () => {
  it('loads as a baseline, with the sets it names', () => {
    const readme = readFileSync('baselines/README.md', 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const text of blocks) {
      const b = parseBaselineYaml(text, 'iam/baselines/my-vendor.yml');
      expect(b.defaultSets?.every((name) => b.sets.some((s) => s.name === name))).toBe(true);
    }
  });
});
