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
import { escapesRoot, inVersionControl } from './inside.js';

export type SafeReadFailure = 'missing' | 'outside' | 'not-a-file' | 'too-large' | 'unreadable';

/** A file's text encoding other than UTF-8 (which may have a BOM): UTF-16 with a BOM, or plain ASCII text as UTF-16. */
export type TextEncoding = 'utf-16le' | 'utf-16be';

export type SafeRead =
  | { ok: true; text: string; size: number; encoding?: TextEncoding }
  | { ok: false; code: SafeReadFailure; reason: string };

/**
 * The encoding of a file's bytes when it is UTF-16 (Windows PowerShell 5 writes `>` redirects so:
 * an `aws iam ...` export saved there): a byte-order mark, or, without one, text that starts as
 * ASCII with a zero byte beside each character. Else undefined (read as UTF-8).
 */
export function utf16Of(bytes: Uint8Array): TextEncoding | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const n = Math.min(bytes.length, 64) & ~1;
  if (n < 4) return undefined;
  let le = true;
  let be = true;
  for (let i = 0; i < n; i += 2) {
    const a = bytes[i]!;
    const b = bytes[i + 1]!;
    le &&= b === 0 && a !== 0 && a < 0x80;
    be &&= a === 0 && b !== 0 && b < 0x80;
  }
  return le ? 'utf-16le' : be ? 'utf-16be' : undefined;
}

/** The text of a file's bytes: UTF-16 (utf16Of) decoded without its byte-order mark, else UTF-8. */
export function decodeText(bytes: Buffer): { text: string; encoding?: TextEncoding } {
  const encoding = utf16Of(bytes);
  if (!encoding) return { text: bytes.toString('utf8') };
  let le = bytes.subarray(0, bytes.length & ~1);
  if (encoding === 'utf-16be') {
    le = Buffer.from(le);
    le.swap16();
  }
  return { text: new TextDecoder('utf-16le').decode(le), encoding };
}

/** A text as the bytes of `encoding` (UTF-16 with a byte-order mark), or UTF-8. */
export function encodeText(text: string, encoding?: TextEncoding): Buffer {
  if (!encoding) return Buffer.from(text, 'utf8');
  const bytes = Buffer.from(`\uFEFF${text}`, 'utf16le');
  if (encoding === 'utf-16be') bytes.swap16();
  return bytes;
}

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
 * Reads `p` (relative to `root`, or absolute) as UTF-8 (or UTF-16: decodeText), safely. Never throws for the file's sake:
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
  const escape = escapesRoot(root, p) ?? inVersionControl(root, p);
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
    // UTF-8 (nearly every file); UTF-16 decoded, and said, so that a fix writes it back so.
    if (total >= 2 && (bytes[0]! >= 0xfe || bytes[0] === 0 || bytes[1] === 0)) {
      const { text, encoding } = decodeText(bytes);
      return encoding ? { ok: true, text, size: total, encoding } : { ok: true, text, size: total };
    }
    return { ok: true, text: bytes.toString('utf8'), size: total };
  } finally {
    closeSync(fd);
  }
}
