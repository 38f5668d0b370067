// Reads discovered files and hands each to the parser its content calls for. Every file ends up
// in the report: audited, skipped (not an IAM input) or error (with the reason and the line).
import { readFileSync } from 'node:fs';
import type { LoadedInput } from '../audit/audit.js';
import type { InputResult, SourceFile } from '../types.js';
import type { Discovered } from './discover.js';
import { parseJson } from './json-lines.js';
import type { SourceParser } from './parser.js';
import { authorizationDetailsParser } from './auth-details.js';
import { policyJsonParser } from './policy-json.js';
import { terraformJsonParser } from './tf-json.js';
import { terraformPlanParser } from './tf-plan.js';
import { terraformStateParser } from './tf-state.js';
import { fsHost, HCL_FILE, readHclModules } from './hcl/index.js';

/** Order matters: the most specific shapes first. */
export const PARSERS: SourceParser[] = [
  terraformPlanParser,
  terraformStateParser,
  authorizationDetailsParser,
  terraformJsonParser,
  policyJsonParser,
];

export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

function mb(n: number): string {
  return n < 1024 * 1024 ? `${n} bytes` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Classifies and parses one file's text (pure). The text is kept only for standalone policy files,
 * whose statements' lines are found later; the other parsers find their lines while parsing (and a
 * plan can be hundreds of megabytes).
 */
export function parseSource(file: SourceFile, explicit = false): LoadedInput {
  const loaded = classify(file, explicit);
  if (loaded.result.kind !== 'policy') delete loaded.text;
  return loaded;
}

function classify(file: SourceFile, explicit: boolean): LoadedInput {
  const parsed = parseJson(file.text);
  if (!parsed.ok) {
    const looksJson = /\.(json|tfstate)$/i.test(file.path) || explicit;
    const result: InputResult = {
      path: file.path,
      kind: 'unknown',
      status: looksJson ? 'error' : 'skipped',
      reason: looksJson
        ? `not valid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.message}; expected an IAM policy, a Terraform plan or state (terraform show -json), a *.tf.json file or an authorization-details export: fix the syntax there`
        : 'not a JSON file',
      policies: [],
      errors: looksJson
        ? [
            {
              path: file.path,
              line: parsed.line,
              message: `not valid JSON (column ${parsed.column}): ${parsed.message}`,
            },
          ]
        : [],
    };
    return { result, text: file.text };
  }
  for (const parser of PARSERS) {
    let match = false;
    try {
      match = parser.detect(parsed.value, file.path);
    } catch {
      match = false;
    }
    if (!match) continue;
    try {
      return { result: parser.parse(file, parsed.value), text: file.text };
    } catch (e) {
      return {
        result: {
          path: file.path,
          kind: parser.kind,
          status: 'error',
          reason: `could not be read as ${parser.kind}: ${(e as Error).message}`,
          policies: [],
          errors: [
            { path: file.path, message: `could not be read as ${parser.kind}: ${(e as Error).message}` },
          ],
        },
        text: file.text,
      };
    }
  }
  return {
    result: {
      path: file.path,
      kind: 'unknown',
      status: 'skipped',
      reason: 'not an IAM policy, Terraform plan, state or JSON configuration, or authorization-details file',
      policies: [],
      errors: [],
    },
    text: file.text,
  };
}

/**
 * Reads and parses discovered files (the I/O part of the sources stage). `.tf` / `.tfvars` files
 * are read together, a directory at a time (initHcl must have been awaited when there are some).
 */
export function readInputs(files: Discovered[], maxFileBytes = DEFAULT_MAX_FILE_BYTES): LoadedInput[] {
  const hcl = files.filter((f) => HCL_FILE.test(f.path));
  const loaded = readEach(
    files.filter((f) => !HCL_FILE.test(f.path)),
    maxFileBytes,
  );
  if (hcl.length === 0) return loaded;
  loaded.push(...readHcl(hcl, maxFileBytes));
  return loaded.sort((a, b) => (a.result.path < b.result.path ? -1 : a.result.path > b.result.path ? 1 : 0));
}

/** `.tf` modules: files over the limit or unreadable are errors; the rest are read as modules. */
function readHcl(files: Discovered[], maxFileBytes: number): LoadedInput[] {
  const out: LoadedInput[] = [];
  const texts: { path: string; text: string }[] = [];
  for (const f of files) {
    const r = readEach([f], maxFileBytes, true)[0]!;
    if (r.text === undefined) out.push(r);
    else texts.push({ path: f.path, text: r.text });
  }
  const first = files[0]!;
  const root = first.abs.slice(0, first.abs.length - first.path.length) || '.';
  const explicit = new Set(files.filter((f) => f.explicit).map((f) => f.path));
  for (const result of readHclModules(texts, fsHost(root), explicit)) out.push({ result });
  return out;
}

function readEach(files: Discovered[], maxFileBytes: number, textOnly = false): LoadedInput[] {
  return files.map((f) => {
    if (f.size > maxFileBytes) {
      const reason = `the file is ${mb(f.size)}, over the ${mb(maxFileBytes)} limit (raise it with --max-file-size)`;
      return {
        result: {
          path: f.path,
          kind: 'unknown',
          status: 'error',
          reason,
          policies: [],
          errors: [{ path: f.path, message: reason }],
        },
      };
    }
    let text: string;
    try {
      text = readFileSync(f.abs, 'utf8');
    } catch (e) {
      const reason = `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): check the file's permissions`;
      return {
        result: {
          path: f.path,
          kind: 'unknown',
          status: 'error',
          reason,
          policies: [],
          errors: [{ path: f.path, message: reason }],
        },
      };
    }
    if (textOnly)
      return {
        result: { path: f.path, kind: 'terraform-hcl', status: 'audited', policies: [], errors: [] },
        text,
      };
    return parseSource({ path: f.path, text }, f.explicit);
  });
}
