// Reads discovered files and hands each to the parser its content calls for. Every file ends up
// in the report: audited, skipped (not an IAM input) or error (with the reason and the line).
import { readFileSync } from 'node:fs';
import type { LoadedInput } from '../audit/audit.js';
import type { InputResult, SourceFile } from '../types.js';
import type { Discovered } from './discover.js';
import { parseJson } from './json-lines.js';
import type { SourceParser, TextSourceParser } from './parser.js';
import { authorizationDetailsParser } from './auth-details.js';
import { cloudFormationJsonParser, cloudFormationYamlParser } from './cloudformation/index.js';
import { policyJsonParser } from './policy-json.js';
import { terraformJsonParser } from './tf-json.js';
import { terraformPlanParser } from './tf-plan.js';
import { terraformStateParser } from './tf-state.js';

/** Order matters: the most specific shapes first. */
export const PARSERS: SourceParser[] = [
  terraformPlanParser,
  terraformStateParser,
  authorizationDetailsParser,
  terraformJsonParser,
  cloudFormationJsonParser,
  policyJsonParser,
];

/** Parsers of text formats other than JSON, offered a file before JSON is tried. */
export const TEXT_PARSERS: TextSourceParser[] = [cloudFormationYamlParser];

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
  const text = classifyText(file);
  if (text) return text;
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

/** The text (non-JSON) parsers' hook: the result of the first that claims the file. */
function classifyText(file: SourceFile): LoadedInput | undefined {
  for (const parser of TEXT_PARSERS) {
    if (!parser.claims(file)) continue;
    try {
      return { result: parser.parse(file), text: file.text };
    } catch (e) {
      const message = `could not be read as ${parser.kind}: ${(e as Error).message}`;
      return {
        result: {
          path: file.path,
          kind: parser.kind,
          status: 'error',
          reason: message,
          policies: [],
          errors: [{ path: file.path, message }],
        },
        text: file.text,
      };
    }
  }
  return undefined;
}

/** Reads and parses discovered files (the I/O part of the sources stage). */
export function readInputs(files: Discovered[], maxFileBytes = DEFAULT_MAX_FILE_BYTES): LoadedInput[] {
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
    return parseSource({ path: f.path, text }, f.explicit);
  });
}
