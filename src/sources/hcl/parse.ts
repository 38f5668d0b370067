// Parses `.tf` files with tree-sitter's HCL grammar (the Terraform dialect), compiled to
// WebAssembly: web-tree-sitter's runtime (tree-sitter.wasm) and the grammar
// (tree-sitter-terraform.wasm). Loading them is asynchronous and done once (initHcl); parsing is
// synchronous after that. The bundle ships both .wasm files beside dist/cli.js
// (scripts/bundle.mjs); from the sources they are read from node_modules. web-tree-sitter itself is
// imported by initHcl, not here: an audit with no `.tf` file neither loads nor compiles it (the
// bundle keeps it in a chunk of its own).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Parser, Node } from 'web-tree-sitter';

export type { Node };

export const RUNTIME_WASM = 'tree-sitter.wasm';
export const GRAMMAR_WASM = 'tree-sitter-terraform.wasm';

/** Where each .wasm file may be: beside the running bundle, or in a node_modules above it. */
function locate(name: string, pkg: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  const tried: string[] = [];
  for (;;) {
    for (const candidate of [join(dir, name), join(dir, 'node_modules', pkg, name)]) {
      if (existsSync(candidate)) return candidate;
      tried.push(candidate);
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(
    `the HCL parser's ${name} is not found (looked beside the program and in node_modules): reinstall the tool`,
  );
}

let parser: Parser | undefined;
let loading: Promise<Parser> | undefined;

/** Loads the parser (once; later calls return at once). */
export function initHcl(): Promise<Parser> {
  if (parser) return Promise.resolve(parser);
  loading ??= (async () => {
    const { Language, Parser } = await import('web-tree-sitter');
    const wasmBinary = readFileSync(locate(RUNTIME_WASM, 'web-tree-sitter'));
    await Parser.init({ wasmBinary });
    const lang = await Language.load(
      readFileSync(locate(GRAMMAR_WASM, '@tree-sitter-grammars/tree-sitter-hcl')),
    );
    const p = new Parser();
    p.setLanguage(lang);
    parser = p;
    return p;
  })();
  return loading;
}

export function hclReady(): boolean {
  return parser !== undefined;
}

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

export interface ParsedHcl {
  path: string;
  text: string;
  root: Node;
  /** Syntax errors (the first few), each with its 1-based line and column. */
  problems: SyntaxProblem[];
}

const MAX_PROBLEMS = 5;

function describe(n: Node): SyntaxProblem {
  const line = n.startPosition.row + 1;
  const column = n.startPosition.column + 1;
  if (n.isMissing)
    return { line, column, message: `expected ${n.type === '' ? 'more' : `"${n.type}"`} here` };
  const shown = n.text.split('\n')[0]!.trim().slice(0, 40);
  return { line, column, message: shown ? `unexpected "${shown}"` : 'unexpected end of the file' };
}

/** Parses one file (initHcl must have finished). Never throws on bad input: see `problems`. */
export function parseHcl(path: string, text: string): ParsedHcl {
  if (!parser) throw new Error('the HCL parser is not loaded (initHcl was not awaited)');
  const tree = parser.parse(text);
  if (!tree) throw new Error(`${path}: the HCL parser gave no tree`);
  const root = tree.rootNode;
  const problems: SyntaxProblem[] = [];
  if (root.hasError) {
    const stack: Node[] = [root];
    while (stack.length && problems.length < MAX_PROBLEMS) {
      const n = stack.pop()!;
      if (n.isError || n.isMissing) {
        problems.push(describe(n));
        continue;
      }
      if (!n.hasError) continue;
      for (let i = n.childCount - 1; i >= 0; i--) stack.push(n.child(i)!);
    }
    if (problems.length === 0) problems.push({ line: 1, column: 1, message: 'not valid HCL' });
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
  }
  return { path, text, root, problems };
}

/** Named children without comments. */
export function kids(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** All children (named and anonymous) without comments. */
export function allKids(n: Node): Node[] {
  return n.children.filter((c): c is Node => c !== null && c.type !== 'comment');
}

export function lineOf(n: Node): number {
  return n.startPosition.row + 1;
}
