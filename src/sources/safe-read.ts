// The one way the tool reads a file it was pointed at by the repository or the workflow: the
// configuration, baselines, .gitignore, every input, the fork recipe's saved report and PR number.
// A pull request controls these files, so each read checks that the path is a regular file (not a
// FIFO that blocks, a socket or a device such as /dev/zero that never ends), that a symbolic link
// does not lead out of the repository, and reads at most `maxBytes` bytes whatever the file claims.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  statSync,
  type Stats,
} from 'node:fs';
import { resolve } from 'node:path';
import { escapesRoot } from './inside.js';

export type SafeReadFailure = 'missing' | 'outside' | 'not-a-file' | 'too-large' | 'unreadable';

export type SafeRead =
  { ok: true; text: string; size: number } | { ok: false; code: SafeReadFailure; reason: string };

/** Bytes as people read them: `812 bytes`, `3.4 MB`. */
export function formatBytes(n: number): string {
  return n < 1024 * 1024 ? `${n} bytes` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** What a non-regular file is, for the reason given. */
export function fileTypeOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function fail(code: SafeReadFailure, reason: string): SafeRead {
  return { ok: false, code, reason };
}

/**
 * Reads `p` (relative to `root`, or absolute) as UTF-8, safely. Never throws for the file's sake:
 * every refusal comes back with a reason that names no absolute path.
 */
export function readRepoFile(root: string, p: string, maxBytes: number): SafeRead {
  const abs = resolve(root, p);
  let st: Stats;
  try {
    lstatSync(abs);
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail('missing', 'no such file or directory');
    if (code === 'ELOOP') return fail('outside', 'a symbolic link that loops');
    return fail('unreadable', `cannot be read (${code ?? 'error'}): check the file's permissions`);
  }
  const escape = escapesRoot(root, p);
  if (escape) return fail('outside', escape);
  if (!st.isFile())
    return fail('not-a-file', `${fileTypeOf(st)}, not a regular file: only regular files are read`);
  if (st.size > maxBytes)
    return fail('too-large', `the file is ${formatBytes(st.size)}, over the ${formatBytes(maxBytes)} limit`);
  let fd: number;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, open does not hang.
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return fail(
      'unreadable',
      `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): check the file's permissions`,
    );
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile())
      return fail('not-a-file', `${fileTypeOf(opened)}, not a regular file: only regular files are read`);
    // Read at most maxBytes + 1 bytes, whatever the size said (a file can grow, /proc files say 0):
    // into one buffer of the size stated (and one byte more, to see the end), then, should the
    // file hold more, in chunks of a megabyte.
    const cap = maxBytes + 1;
    const first = Buffer.allocUnsafe(Math.min(cap, opened.size + 1));
    const chunks: Buffer[] = [];
    let total = 0;
    let buf = first;
    let used = 0;
    for (;;) {
      if (used === buf.length) {
        chunks.push(buf);
        buf = Buffer.allocUnsafe(Math.min(cap - total, 1 << 20));
        used = 0;
        if (buf.length === 0) break;
      }
      let n: number;
      try {
        n = readSync(fd, buf, used, buf.length - used, null);
      } catch (e) {
        return fail(
          'unreadable',
          `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): check the file's permissions`,
        );
      }
      if (n === 0) break;
      used += n;
      total += n;
    }
    if (used > 0) chunks.push(buf.subarray(0, used));
    if (total > maxBytes) return fail('too-large', `the file is over the ${formatBytes(maxBytes)} limit`);
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
    return { ok: true, text: bytes.toString('utf8'), size: total };
  } finally {
    closeSync(fd);
  }
}
