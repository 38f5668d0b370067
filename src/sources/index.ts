// Reads discovered files and hands each to the parser its content calls for. Every file ends up
// in the report: audited, skipped (not an IAM input) or error (with the reason and the line).
import { posix } from 'node:path';
import type { LoadedInput, PolicyRecord } from '../core/types.js';
import type { InputResult, SourceFile } from '../core/types.js';
import { canonicalKey } from './terraform/values.js';
import type { Discovered } from './discover.js';
import { onOneLine, parseJson } from '../core/json-lines.js';
import { readRepoFile } from './safe-read.js';
import type { SourceParser, TextSourceParser } from './parser.js';
import { authorizationDetailsParser } from './auth-details.js';
import { cloudFormationJsonParser, cloudFormationYamlParser } from './cloudformation/index.js';
import {
  jsonOnceRendered,
  miscasedPolicy,
  policyJsonParser,
  templateMarks,
  templateText,
} from './policy-json.js';
import { terraformJsonParser } from './tf-json.js';
import { terraformPlanParser } from './tf-plan.js';
import { terraformStateParser } from './tf-state.js';
import { fsHost, HCL_FILE, readHclModules, readsOf, type FileRead } from './hcl/index.js';
import { collectGarbage } from '../core/memory.js';

/**
 * Files of this many bytes or more get full collections of their own (readEach, classify): once
 * read (the bytes), once parsed (a one-line text) and once read out (the text and JSON tree of a
 * plan of 100 MB are some 250 MB, which the next file should not be parsed on top of). Smaller
 * ones are left to the collection after all are parsed (audit/run.ts): a collection costs tens of
 * milliseconds, and the parsed policies of a plan of 30 MB still hold most of its tree.
 */
export const LARGE_FILE = 64 * 1024 * 1024;

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

/**
 * Does this text (which did not parse as JSON) clearly try to be an IAM input: an IAM statement's
 * keys, or the top-level keys of a Terraform plan or state or an authorization-details export?
 */
export function looksLikeIam(text: string): boolean {
  // NULs dropped first: a UTF-16 policy is still a policy (in an encoding we say we cannot read).
  return /"(?:Statement|Effect|NotAction|NotResource|resource_changes|planned_values|terraform_version|RoleDetailList|UserDetailList|GroupDetailList)"\s*:/.test(
    text.includes('\u0000') ? text.replace(/\u0000/g, '') : text,
  );
}

/**
 * Whether a template whose name does not say JSON (`policy.tpl`, Discovered.byContent) is an input:
 * a JSON document as written (it begins with `{` or `[`, or is one `${jsonencode(…)}`) that is JSON,
 * or holds an IAM policy's keys (maybe with `${...}`, `%{ if }`). Scripts, manifests and Helm or Go
 * templates are not, though they hold a policy's keys (a user-data script writing a policy, a Helm
 * helper beginning `{{- define`): passed over as a `.sh` file is (a review: they failed the check
 * as JSON that does not parse).
 */
export function templateIsInput(text: string): boolean {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  const shaped = /^(?:\{(?!\{)|\[|\$\{\s*jsonencode\s*\()/.test(start);
  return shaped && (looksLikeIam(text) || parseJson(text).ok);
}

/** Characters of a file's start read to tell binary data from text (as git does, 8,000). */
const BINARY_SAMPLE = 8000;

/**
 * Whether a text is binary data decoded as UTF-8: a NUL in its first 8,000 characters (as git
 * tells), or more than 1% of them bytes that are not UTF-8 (U+FFFD once decoded).
 */
export function isBinary(text: string): boolean {
  const sample = text.length > BINARY_SAMPLE ? text.slice(0, BINARY_SAMPLE) : text;
  if (sample.includes('\u0000')) return true;
  let bad = 0;
  for (let i = 0; i < sample.length; i++) if (sample.charCodeAt(i) === 0xfffd) bad++;
  return bad * 100 > sample.length;
}

/**
 * Classifies and parses one file's text (pure, unless `release`). The text is kept only for
 * standalone policy files, whose statements' lines are found later; the other parsers find their
 * lines while parsing (and a plan can be hundreds of megabytes). With `release`, the caller hands
 * `file` over: a one-line plan, state or authorization-details export has its `text` emptied (and
 * `oneLine` set) once its JSON is parsed, so that the text is not held while the tree is walked.
 */
export function parseSource(file: SourceFile, explicit = false, release = false): LoadedInput {
  const loaded = classify(file, explicit, release);
  if (loaded.result.kind !== 'policy') delete loaded.text;
  return loaded;
}

function classify(file: SourceFile, explicit: boolean, release: boolean): LoadedInput {
  const text = classifyText(file);
  if (text) return text;
  const parsed = parseJson(file.text);
  if (!parsed.ok) {
    // Binary data (an archive, an image, random bytes named `.json`): not text, whatever `${` or
    // `%{` its bytes happen to hold; never quoted.
    if (isBinary(file.text) && !looksLikeIam(file.text)) {
      const result: InputResult = {
        path: file.path,
        kind: 'unknown',
        status: explicit ? 'error' : 'skipped',
        reason: explicit
          ? 'not a text file (binary data): expected an IAM policy, a Terraform plan or state, a *.tf.json file or an authorization-details export as JSON text'
          : 'not a text file (binary data)',
        policies: [],
        errors: explicit ? [{ path: file.path, message: 'not a text file (binary data)' }] : [],
      };
      return { result, text: file.text };
    }
    // A template that is not JSON until rendered (`%{ if … }` directives, a bare `${...}`): not a
    // policy as written. Skipped, never an error: the policy is what it renders.
    const marks = templateMarks(file.text);
    if ((marks.interpolations.length || marks.directives.length) && jsonOnceRendered(file.text, marks))
      return {
        result: {
          path: file.path,
          kind: 'unknown',
          status: 'skipped',
          reason: `${templateText(marks)}, ${NOT_A_POLICY_AS_WRITTEN} (not valid JSON at line ${parsed.line} until rendered): audit what it renders, such as the .tf file that calls templatefile() or the rendered JSON`,
          policies: [],
          errors: [],
        },
        text: file.text,
      };
    // Broken JSON is an error only where the file was named, or clearly tries to be an IAM input;
    // other JSON (JSON with comments such as tsconfig.json, game data, app configs) is not ours.
    const tries = explicit || looksLikeIam(file.text);
    const result: InputResult = {
      path: file.path,
      kind: 'unknown',
      status: tries ? 'error' : 'skipped',
      reason: tries
        ? `not valid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.message}; expected an IAM policy, a Terraform plan or state (terraform show -json, or a terraform.tfstate file), a *.tf.json file or an authorization-details export: fix the syntax there`
        : /\.(json|tfstate)$/i.test(file.path)
          ? 'not valid JSON, and nothing in it looks like an IAM policy or a Terraform or AWS export'
          : 'not a JSON file',
      policies: [],
      errors: tries
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
    // The file's text is read no more: a one-line plan (as `terraform show -json` writes it) is
    // let go before its JSON tree is walked, when the caller handed the file over (`release`).
    if (release && parser.linesFromValue && onOneLine(file.text)) {
      const large = file.text.length >= LARGE_FILE;
      file.text = '';
      file.oneLine = true;
      // A large text is freed only by a full collection: done now, before the walk adds to the heap.
      if (large) collectGarbage();
    }
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
  const miscased = miscasedPolicy(parsed.value);
  if (miscased) {
    const at = file.text.search(/"statement"\s*:/i);
    const line = at < 0 ? 1 : file.text.slice(0, at).split('\n').length;
    return {
      result: {
        path: file.path,
        kind: 'policy',
        status: 'error',
        reason: miscased,
        policies: [],
        errors: [{ path: file.path, line, message: miscased }],
      },
      text: file.text,
    };
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

/**
 * Reads and parses discovered files (the I/O part of the sources stage), each through the safe
 * reader. `.tf` / `.tfvars` files are read together, a directory at a time (initHcl must have been
 * awaited when there are some).
 */
export function readInputs(
  root: string,
  files: Discovered[],
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
): LoadedInput[] {
  const hcl = files.filter((f) => HCL_FILE.test(f.path));
  const loaded = readEach(
    root,
    files.filter((f) => !HCL_FILE.test(f.path)),
    maxFileBytes,
  );
  if (hcl.length === 0) return loaded;
  const host = fsHost(root);
  loaded.push(...readHcl(hcl, maxFileBytes, root, host));
  readThrough(loaded, host);
  return loaded.sort((a, b) => (a.result.path < b.result.path ? -1 : a.result.path > b.result.path ? 1 : 0));
}

/** `.tf` modules: files over the limit or unreadable are errors; the rest are read as modules. */
function readHcl(
  files: Discovered[],
  maxFileBytes: number,
  root: string,
  host: ReturnType<typeof fsHost>,
): LoadedInput[] {
  const out: LoadedInput[] = [];
  const texts: { path: string; text: string }[] = [];
  for (const f of files) {
    const r = readEach(root, [f], maxFileBytes, true)[0]!;
    if (r.text === undefined) out.push(r);
    else texts.push({ path: f.path, text: r.text });
  }
  const explicit = new Set(files.filter((f) => f.explicit).map((f) => f.path));
  for (const result of readHclModules(texts, host, explicit)) out.push({ result });
  return out;
}

/**
 * A policy file a `.tf` module reads with file() (`policy = file("coiled-permissions.json")`) is
 * that module's policy: audited there, once, and listed here as skipped with the reason. Only
 * where a `.tf` policy that read the file (by its path) is the same document; a file read for
 * another purpose stays. A template read with templatefile() (or as a `data "template_file"`'s
 * template, FileRead.via) is skipped the same way when every templatefile() of it was rendered
 * and one of them into a `.tf` policy (read as it renders, the file's `${...}` are no policy's);
 * a use not rendered, or none, leaves it audited on its own.
 */
/** How the reason of a template that is JSON only once rendered says so (parseSource). */
const NOT_A_POLICY_AS_WRITTEN = 'not a policy as written';

function readThrough(
  loaded: LoadedInput[],
  host: { filesRead: ReadonlySet<string>; reads: readonly FileRead[] },
): void {
  // The inputs read through a module: usually none, and then no document is keyed. (With the
  // templates that are no policy until rendered, skipped: where a `.tf` renders them, that says
  // so, not "audit what it renders" beside the policy it renders, audited; a review.)
  const read = loaded.filter(
    ({ result: r }) =>
      r.kind !== 'terraform-hcl' &&
      ((r.status === 'audited' && r.policies.length > 0) ||
        (r.status === 'skipped' && r.policies.length === 0 && r.reason?.includes(NOT_A_POLICY_AS_WRITTEN))) &&
      host.filesRead.has(posix.normalize(r.path)),
  );
  if (read.length === 0) return;
  // The `.tf` policies whose values read each file, and how (by the path the function read).
  const readers = new Map<string, { rec: PolicyRecord; fn: FileRead['fn']; via?: string }[]>();
  const byDocument = new Map<string, PolicyRecord>();
  for (const l of loaded)
    if (l.result.kind === 'terraform-hcl')
      for (const p of l.result.policies) {
        for (const r of readsOf(p)) {
          const by = readers.get(r.path) ?? readers.set(r.path, []).get(r.path)!;
          if (!by.some((b) => b.rec === p && b.fn === r.fn))
            by.push(r.via ? { rec: p, fn: r.fn, via: r.via } : { rec: p, fn: r.fn });
        }
        const key = p.document === undefined ? undefined : canonicalKey(p.document);
        if (key !== undefined && !byDocument.has(key)) byDocument.set(key, p);
      }
  const keys = new Map<PolicyRecord, string | undefined>();
  const keyOf = (p: PolicyRecord) => {
    if (!keys.has(p)) keys.set(p, p.document === undefined ? undefined : canonicalKey(p.document));
    return keys.get(p);
  };
  const usesOf = new Map<string, FileRead[]>();
  for (const u of host.reads) (usesOf.get(u.path) ?? usesOf.set(u.path, []).get(u.path)!).push(u);
  for (const { result: r } of read) {
    const path = posix.normalize(r.path);
    const uses = usesOf.get(path) ?? [];
    const by = readers.get(path) ?? [];
    // file(): a `.tf` policy that read this file holds each of its documents. (When no policy is
    // known to have read it, e.g. read where a module's argument is given, the same document.)
    const viaFile = by.filter((b) => b.fn === 'file').map((b) => b.rec);
    const pool = by.length ? viaFile : uses.some((u) => u.fn === 'file') ? undefined : [];
    let same: PolicyRecord | undefined;
    const asFile = r.policies.every((p) => {
      const key = keyOf(p);
      const hit =
        key === undefined ? undefined : pool ? pool.find((x) => keyOf(x) === key) : byDocument.get(key);
      same ??= hit;
      return hit !== undefined;
    });
    const templates = uses.filter((u) => u.fn === 'templatefile');
    const renderers = by.filter((b) => b.fn === 'templatefile');
    const rendered = renderers.map((b) => b.rec);
    const asTemplate =
      templates.length > 0 &&
      templates.every((u) => u.rendered) &&
      rendered.length > 0 &&
      rendered.every((x) => x.status === 'resolved') &&
      (asFile || uses.every((u) => u.fn === 'templatefile'));
    if (asTemplate) {
      const t = rendered[0]!;
      const via = renderers[0]!.via;
      r.reason = `rendered by ${t.path} ${t.address ?? t.id} with ${via ?? 'templatefile()'}${templates.length > 1 || rendered.length > 1 ? ' (as every use of it)' : ''}: its policy is audited there, as rendered`;
    } else if (asFile && same) {
      r.reason = `read by ${same.path} ${same.address ?? same.id} with file(): its policy is audited there`;
    } else continue;
    r.status = 'skipped';
    r.policies = [];
  }
}

function readEach(root: string, files: Discovered[], maxFileBytes: number, textOnly = false): LoadedInput[] {
  return files.flatMap((f) => {
    const loaded = readOne(root, f, maxFileBytes, textOnly);
    return loaded ? withSkippedParts(loaded) : [];
  });
}

/** An input and, listed apart, the parts of it that are skipped (InputResult.skippedParts). */
function withSkippedParts(loaded: LoadedInput): LoadedInput[] {
  const parts = loaded.result.skippedParts;
  if (!parts?.length) return [loaded];
  delete loaded.result.skippedParts;
  return [
    loaded,
    ...parts.map(({ address, reason }) => ({
      result: {
        path: `${loaded.result.path}#${address}`,
        kind: loaded.result.kind,
        status: 'skipped' as const,
        reason,
        policies: [],
        errors: [],
      },
    })),
  ];
}

/** One file read and parsed; undefined for a template that is not an input (Discovered.byContent). */
function readOne(
  root: string,
  f: Discovered,
  maxFileBytes: number,
  textOnly: boolean,
): LoadedInput | undefined {
  const read = readRepoFile(root, f.abs, maxFileBytes);
  if (!read.ok) {
    const reason = read.code === 'too-large' ? `${read.reason} (raise it with --max-file-size)` : read.reason;
    return {
      result: {
        path: f.path,
        kind: 'unknown',
        status: read.code === 'not-a-file' || read.code === 'outside' ? 'skipped' : 'error',
        reason,
        policies: [],
        errors:
          read.code === 'not-a-file' || read.code === 'outside' ? [] : [{ path: f.path, message: reason }],
      },
    };
  }
  if (textOnly)
    return {
      result: { path: f.path, kind: 'terraform-hcl', status: 'audited', policies: [], errors: [] },
      text: read.text,
    };
  if (f.byContent && !templateIsInput(read.text)) return undefined;
  const large = read.size >= LARGE_FILE;
  // A large file's bytes (a buffer outside the heap) are garbage once decoded, but only a full
  // collection frees them: done now, so that the file is not parsed on top of a second copy.
  if (large) collectGarbage();
  // Handed over: parseSource may let go of the text (see classify), so nothing here keeps it.
  const file: SourceFile = { path: f.path, text: read.text };
  read.text = '';
  const loaded = parseSource(file, f.explicit, true);
  // A large file's text and JSON tree are garbage once its policies are read out: collected now,
  // so that the next file is not parsed on top of them (see core/memory.ts).
  if (large) collectGarbage();
  return loaded;
}
