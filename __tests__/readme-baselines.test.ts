// The README's table of built-in baselines names every set of each (a review found Databricks'
// pass-roles and Anyscale's s3-bucket-access missing from it) and each baseline's date.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinBaselines } from '../src/baselines/load.js';

const here = dirname(fileURLToPath(import.meta.url));
const README = readFileSync(resolve(here, '../README.md'), 'utf8');

describe("the README's baselines table", () => {
  const rows = new Map(
    README.split('\n')
      .filter((l) => /^\| `[^`]+` \|/.test(l))
      .map((l) => [/^\| `([^`]+)`/.exec(l)![1]!, l]),
  );

  it.each(builtinBaselines().map((b) => [b.id, b] as const))(
    '%s: a row with every set and the date',
    (id, b) => {
      const row = rows.get(id);
      expect(row).toBeDefined();
      const cells = row!.split(' | ');
      const sets = cells[2]!;
      for (const s of b.sets)
        expect([id, s.name, new RegExp(`(^|[\\s*:,(])${s.name}(?=[*,;\\s)]|$)`).test(sets)]).toEqual([
          id,
          s.name,
          true,
        ]);
      if (b.date) expect(row).toContain(` ${b.date} `);
    },
  );
});
