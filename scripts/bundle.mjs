#!/usr/bin/env node
// Bundles the CLI (and the action, when src/index.ts exists) with @vercel/ncc into committed,
// self-contained files: dist/cli.js and dist/index.js. They run with no node_modules present.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const entries = [
  ['src/cli.ts', 'dist/cli.js', true],
  ['src/index.ts', 'dist/index.js', false],
];
mkdirSync('dist', { recursive: true });
for (const [src, out, executable] of entries) {
  if (!existsSync(src)) continue;
  const tmp = `build/ncc-${out.replace(/\W/g, '_')}`;
  rmSync(tmp, { recursive: true, force: true });
  execFileSync('node', ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', src, '-o', tmp, '--quiet', '--target', 'es2022'], {
    stdio: 'inherit',
  });
  const js = existsSync(`${tmp}/index.mjs`) ? `${tmp}/index.mjs` : `${tmp}/index.js`;
  let code = readFileSync(js, 'utf8');
  if (executable && !code.startsWith('#!')) code = `#!/usr/bin/env node\n${code}`;
  writeFileSync(out, code);
  if (executable) chmodSync(out, 0o755);
  rmSync(tmp, { recursive: true, force: true });
  console.log(`bundled ${src} -> ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}
