#!/usr/bin/env node
// Bundles the CLI (and the action, when src/index.ts exists) with @vercel/ncc into committed,
// self-contained files: dist/cli.js and dist/index.js, and the chunks they load. They run with no
// node_modules present.
//
// Chunks: what the entries load with import() (the audit, @actions/*, yaml) is emitted by ncc
// as separate files, which Node reads and compiles only when they are imported, so `--version`
// and the action's first log line do not wait for 3 MB of code (src/cli.ts, src/index.ts). ncc
// names them `<id>.index.js` for every entry; here they become `<entry>.<id>.js` (cli.421.js,
// index.421.js), so the two entries' chunks cannot overwrite each other, and the chunks of an
// earlier build are removed, so dist/ holds exactly what a fresh build makes.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';

const entries = [
  ['src/cli.ts', 'dist/cli.js', true],
  ['src/index.ts', 'dist/index.js', false],
];
const CHUNK = /^(\d+)\.index\.js$/;
/**
 * WebAssembly the `.tf` parser loads (src/sources/hcl/parse.ts reads them beside the bundle, by
 * these names). ncc also emits web-tree-sitter's runtime under a hashed name, because the library
 * refers to it with `new URL(..., import.meta.url)`; the parser hands the bytes over itself, so that
 * copy is not shipped.
 */
const WASM = [
  ['node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm'],
  [
    'node_modules/@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
    'dist/tree-sitter-terraform.wasm',
  ],
];
/** The chunk file name in the webpack runtime of an entry (its one template). */
const TEMPLATE = 'return "" + chunkId + ".index.js";';

/**
 * web-tree-sitter's ES module build runs `const { createRequire } = await import("module")` in Node;
 * webpack's interop turns that into a namespace without createRequire (node:module exports a
 * function, whose properties it does not copy). The bundled call is put back to a real import.
 */
const TREE_SITTER_IMPORT =
  /const \{ createRequire \} = await Promise\.resolve\(\/\* import\(\) \*\/\)\.then\(__webpack_require__\.t\.bind\(__webpack_require__, \d+, \d+\)\);/g;
const TREE_SITTER_FIXED = 'const { createRequire } = await import("node:module");';

mkdirSync('dist', { recursive: true });
for (const [src, out, executable] of entries) {
  if (!existsSync(src)) continue;
  const name = out.replace(/^dist\//, '').replace(/\.js$/, '');
  for (const f of readdirSync('dist'))
    if (f.startsWith(`${name}.`) && /^\w+\.\d+\.js$/.test(f)) rmSync(`dist/${f}`);
  const tmp = `build/ncc-${out.replace(/\W/g, '_')}`;
  rmSync(tmp, { recursive: true, force: true });
  execFileSync(
    'node',
    ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', src, '-o', tmp, '--quiet', '--target', 'es2022'],
    {
      stdio: 'inherit',
    },
  );
  const main = existsSync(`${tmp}/index.mjs`) ? 'index.mjs' : 'index.js';
  const chunks = [];
  for (const f of readdirSync(tmp)) {
    if (f === main || f === 'package.json') continue; // package.json: {"type": "module"}, which the repository's has
    if (f.endsWith('.wasm')) continue; // shipped by name below (WASM)
    const m = CHUNK.exec(f);
    if (!m) throw new Error(`bundle: ncc emitted ${tmp}/${f}, which this script does not know how to ship`);
    chunks.push([f, `${name}.${m[1]}.js`]);
  }
  let code = readFileSync(`${tmp}/${main}`, 'utf8');
  if (chunks.length) {
    if (code.split(TEMPLATE).length !== 2)
      throw new Error(
        `bundle: ${out}: the chunk file name template (${TEMPLATE}) is not found once; ncc changed?`,
      );
    code = code.replace(TEMPLATE, `return ${JSON.stringify(`${name}.`)} + chunkId + ".js";`);
  }
  if (executable && !code.startsWith('#!')) code = `#!/usr/bin/env node\n${code}`;
  writeFileSync(out, code);
  if (executable) chmodSync(out, 0o755);
  let size = code.length;
  let fixed = 0;
  for (const [from, to] of chunks) {
    const chunk = readFileSync(`${tmp}/${from}`, 'utf8').replace(TREE_SITTER_IMPORT, () => {
      fixed++;
      return TREE_SITTER_FIXED;
    });
    writeFileSync(`dist/${to}`, chunk);
    size += chunk.length;
  }
  if (fixed !== 1)
    throw new Error(
      `bundle: ${out}: web-tree-sitter's import of node:module found ${fixed} times in the chunks, expected once; web-tree-sitter or ncc changed?`,
    );
  rmSync(tmp, { recursive: true, force: true });
  for (const [from, to] of WASM) copyFileSync(from, to);
  console.log(
    `bundled ${src} -> ${out} (${(code.length / 1024).toFixed(0)} KiB` +
      (chunks.length
        ? `; ${chunks.length} chunks, ${(size / 1024).toFixed(0)} KiB in all: ${chunks.map(([, to]) => to).join(', ')})`
        : ')'),
  );
}
