// `iam-baseline-audit fix [PATH...] [--baseline B] [--config FILE] [--dry-run]`: the same audit as
// `audit`, then each policy with a suggestion rewritten to its minimal policy in its file
// (src/fix/). --dry-run prints the unified diffs and writes nothing; otherwise each changed file is
// written atomically (a temporary file in the same directory, with the file's mode, renamed over
// it), and only when it still holds the text the fix was planned on. Everything printed that comes
// from the repository (paths, addresses, logical ids, reasons, diffs) goes through the terminal/log
// escaping: each value made visible (one line) before the line holding it is built, so no value can
// add a line of its own.
import { randomBytes } from 'node:crypto';
import { chmodSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { runAudit } from './audit/run.js';
import { UsageError } from './core/errors.js';
import { escapeLog, escapeTerminal, visibilise } from './core/escape.js';
import { planFixes, type FileFix } from './fix/index.js';
import { encodeText, readRepoFile, type TextEncoding } from './sources/safe-read.js';
import { DEFAULT_MAX_FILE_BYTES } from './sources/index.js';
import { baselineFromCwd, configFrom, configRoot, megabytes } from './cli-options.js';
import { featuresLeftOut, whyNoneAudited } from './report/group.js';

/** Rounds of audit and fix in one run (see fixCommand). */
const MAX_ROUNDS = 3;

type ToStdout = (write: () => Promise<void> | void) => Promise<void>;

/** A value from the repository within a line: one line, visible, never a workflow command. */
const v = (value: string): string => escapeTerminal(value);

/**
 * Prints lines built by this command: every value from the repository in them went through `v`
 * (or, in a diff, each line through visibilise), so each line here is one of ours; escapeLog
 * then keeps any from starting a workflow command.
 */
function out(text: string): void {
  const safe = escapeLog(text);
  process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/**
 * The unified diff of one file's fix (`a/PATH` -> `b/PATH`, 3 lines of context), as printed: after
 * a `diff a/PATH b/PATH` line (no line of the file can start with `diff`: each starts with ` `,
 * `+`, `-` or `\`, so where a file's diff starts cannot be forged by a removed `-- a/x` line),
 * with the path made visible in the headers and each line of the file made visible (a `\r`, an
 * escape sequence, a tab: `\r`, `\x1b`, `\t`, as in the Markdown's diffs), lines split at `\n`
 * (and `\r\n`) only, as the diff splits them.
 */
export function fileDiff(f: FileFix): string {
  const path = v(f.path);
  // Names of our own for the library's headers, which are replaced: a path's newline would split them.
  const lines = createTwoFilesPatch('a', 'b', f.before, f.after, undefined, undefined, { context: 3 }).split(
    '\n',
  );
  const hunks = lines.findIndex((line) => line.startsWith('@@'));
  const body = (hunks === -1 ? [] : lines.slice(hunks)).map((line) => visibilise(line.replace(/\r$/, '')));
  return [`diff a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, ...body].join('\n');
}

/**
 * Writes `text` to `file` atomically: a temporary file next to it (same directory, so the rename
 * stays on one file system) with the file's permission bits, then renamed over it. A symbolic link
 * is followed (the file it points to is replaced, the link stays).
 */
export function writeAtomically(file: string, text: string, encoding?: TextEncoding): void {
  const target = realpathSync(file);
  const mode = statSync(target).mode & 0o7777;
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, encodeText(text, encoding), { mode, flag: 'wx' });
    chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export async function fixCommand(
  argv: string[],
  toStdout: ToStdout,
  auditRoot: (cwd: string, paths: string[]) => string,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      baseline: { type: 'string', short: 'b' },
      config: { type: 'string', short: 'c' },
      'dry-run': { type: 'boolean', default: false },
      'account-id': { type: 'string' },
      'max-file-size': { type: 'string' },
    },
  });
  const accountId = values['account-id'];
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw new UsageError(`--account-id must be a 12-digit AWS account ID, not "${accountId}"`);
  const maxFileBytes = megabytes(values['max-file-size']) ?? DEFAULT_MAX_FILE_BYTES;
  const cwd = process.cwd();
  const named = positionals.length ? positionals : ['.'];
  const root = configRoot(cwd, auditRoot(cwd, named), values.config);
  const audit = () =>
    runAudit({
      root,
      paths: root === cwd ? named : named.map((p) => relative(root, resolve(cwd, p)) || '.'),
      pathsAsTyped: named,
      baseline: baselineFromCwd(values.baseline, cwd, root),
      config: configFrom(cwd, root, values.config),
      accountId,
      maxFileBytes,
    });
  // Each file's encoding as read: a UTF-16 file is written back in UTF-16.
  const encodings = new Map<string, TextEncoding | undefined>();
  const read = (p: string): string | undefined => {
    const r = readRepoFile(root, p, maxFileBytes);
    if (!r.ok) return undefined;
    encodings.set(p, r.encoding);
    return r.text;
  };
  const dryRun = values['dry-run']!;
  const lines: string[] = [];
  const diffs: string[] = [];
  const fixedFiles = new Map<string, Set<string>>();
  // Files a fix was planned for and that could not be written (the last reason of each).
  const notWritten = new Map<string, string>();
  const first = await audit();
  let plan = planFixes(first, read);
  // (nothing held to a baseline is not "nothing to fix": said as the audit's reports say it)
  const audited = first.policies.filter((p) => p.status === 'audited').length;
  const nothing = audited
    ? 'nothing to fix: no policy grants more than its baseline allows'
    : `nothing to fix: no policy was held to a baseline (${whyNoneAudited(first.policies)}; \`audit\` lists each with the reason)`;
  // One round is enough (a narrowed resource carries its condition); as a safety net the files
  // written are audited and fixed again, a few rounds at most, so that one `fix` leaves nothing a
  // second would change.
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let written = 0;
    for (const f of plan.files) {
      if (dryRun) {
        diffs.push(fileDiff(f));
        lines.push(`would fix ${inFile(f.path, f.policies)}`);
        continue;
      }
      // Written only when the file still holds the text the fix was planned on.
      if (read(f.path) !== f.before) {
        notWritten.set(f.path, 'the file changed while it was being fixed; run fix again');
        continue;
      }
      try {
        writeAtomically(join(root, f.path), f.after, encodings.get(f.path));
        written++;
        notWritten.delete(f.path);
        const set = fixedFiles.get(f.path) ?? new Set<string>();
        f.policies.forEach((id) => set.add(id));
        fixedFiles.set(f.path, set);
      } catch (e) {
        notWritten.set(f.path, (e as Error).message);
      }
    }
    if (dryRun || written === 0) break;
    const next = planFixes(await audit(), read);
    // only what the rewrite itself asks for next: files this run wrote
    const files = next.files.filter((f) => fixedFiles.has(f.path));
    if (files.length === 0) {
      plan = { files: [], notFixed: next.notFixed };
      break;
    }
    plan = { files, notFixed: next.notFixed };
  }
  for (const [path, ids] of fixedFiles) lines.push(`fixed ${inFile(path, [...ids])}`);
  for (const [path, why] of notWritten) lines.push(`not written ${v(path)}: ${v(why)}`);
  for (const n of plan.notFixed) lines.push(`not fixed ${v(n.policy)}: ${v(n.reason)}`);
  // Optional features the report says to keep if used: a fix leaves them out (the audit takes a
  // feature granted only in part as not in use), said per policy fixed, with how to keep them.
  const fixedIds = new Set(
    dryRun ? plan.files.flatMap((f) => f.policies) : [...fixedFiles.values()].flatMap((s) => [...s]),
  );
  const features = [...featuresLeftOut(first.findings)].filter(([policy]) => fixedIds.has(policy));
  for (const [policy, names] of features)
    lines.push(
      `${dryRun ? 'would leave out' : 'left out'} in ${v(policy)}: the optional ${names.size === 1 ? 'feature' : 'features'} ${[...names].map(v).join(', ')}; if you use ${names.size === 1 ? 'it' : 'them'}, name ${names.size === 1 ? 'it' : 'them'} among the audit's sets (sets: in the configuration) and fix again${dryRun ? '' : ' (restore the statements first)'}`,
    );
  // Names that match no action are kept as written (which action was meant is not guessed): said,
  // or "nothing to fix" would leave them unmentioned.
  const unknown = new Map<string, Set<string>>();
  for (const f of first.findings) {
    if (f.kind !== 'unknown-action' || f.ignored || f.removed) continue;
    const set = unknown.get(f.policy) ?? new Set<string>();
    for (const a of f.actions) set.add(a);
    unknown.set(f.policy, set);
  }
  for (const [policy, names] of unknown)
    lines.push(
      `left as written ${v(policy)}: ${[...names].map(v).join(', ')} ${names.size === 1 ? 'matches' : 'match'} no action in the AWS catalog: fix the spelling or delete ${names.size === 1 ? 'it' : 'them'} (fix does not guess which action was meant)`,
    );
  const written = fixedFiles.size;
  if (!dryRun && written === 0 && notWritten.size === 0 && plan.notFixed.length === 0) lines.push(nothing);
  else if (dryRun && plan.files.length === 0 && plan.notFixed.length === 0) lines.push(nothing);
  else if (!dryRun)
    lines.push(
      `${written} file${written === 1 ? '' : 's'} fixed${notWritten.size ? `, ${notWritten.size} file${notWritten.size === 1 ? '' : 's'} not written` : ''}, ${plan.notFixed.length} polic${plan.notFixed.length === 1 ? 'y' : 'ies'} not fixed`,
    );
  await toStdout(() => {
    for (const d of diffs) out(d);
    out(lines.join('\n'));
  });
  // A fix that could not be written failed; a policy that cannot be fixed is only listed.
  return notWritten.size > 0 ? 1 : 0;
}

/**
 * A file and the policies fixed in it, each by its place in the file (`main.tf: aws_kms_key.logs`);
 * a policy file that is one policy is named once (`iam/p.json`, not `iam/p.json: iam/p.json`).
 */
function inFile(path: string, ids: readonly string[]): string {
  const own = ids
    .filter((id) => id !== path)
    .map((id) => (id.startsWith(`${path}#`) ? id.slice(path.length + 1) : id));
  return own.length ? `${v(path)}: ${own.map(v).join(', ')}` : v(path);
}
