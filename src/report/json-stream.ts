// Pretty JSON (the bytes of `JSON.stringify(value, null, 2) + '\n'`) made and written in chunks.
// A report can be larger than the longest string V8 can hold (2^29 - 24 characters, 512 MB): before
// schemaVersion 2 wrote long action sets as patterns (src/report/actions.ts), at 40,000 policies
// the findings of `NotAction` statements, each listing some 20,000 actions, made over 512 MB of
// JSON, and one JSON.stringify of the whole report throws `RangeError: Invalid string length`; a
// report of hundreds of thousands of findings still can. Here the containers of the first levels (the report, its arrays) are written
// member by member, and each value below them (one finding, one suggestion, one SARIF result) is
// one JSON.stringify: the longest string ever made is one record, not the report.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { inertJson } from '../core/escape.js';

/**
 * Bytes per chunk by default: few enough system calls, little memory, and each chunk's string and
 * bytes under V8's largest regular object (128 KB): a larger one is mapped from the system each time
 * and unmapped when it dies, and a virtual machine charges each page on first touch (at 1 MB, the
 * JSON report of 5,000 policies touched 60 MB of new pages).
 */
export const DEFAULT_CHUNK_SIZE = 32 * 1024;

/** How a value is laid out; the default keeps every record's own key order. */
export interface JsonShape {
  /** A record's members in the order to write them, each with the shape type of its value. */
  members(record: Record<string, unknown>, type: string): [key: string, value: unknown, type: string][];
  /** A value written whole (at `depth`), as JSON.stringify is to see it. */
  whole(value: unknown, type: string): unknown;
}

const AS_IS: JsonShape = {
  members: (record, type) => Object.keys(record).map((k) => [k, record[k], type]),
  whole: (value) => value,
};

export interface PrettyJsonOptions {
  /** Levels of containers written member by member; a value at this level is one JSON.stringify. */
  depth: number;
  /** Largest chunk in bytes (tests make it small). */
  chunkSize?: number;
  shape?: JsonShape;
  /** The shape type of the top value. */
  type?: string;
  /** For the Actions log: no `::` or `##[` in the text, the same data (core/escape.ts inertJson). */
  inert?: boolean;
}

/** A container to walk member by member; anything else (and anything with toJSON) is one JSON.stringify. */
function walkable(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  return !(value instanceof Number || value instanceof String || value instanceof Boolean);
}

/**
 * JSON.stringify(value, null, 2) with each line after the first indented for `level` (undefined
 * where JSON.stringify gives undefined). A value JSON.stringify writes the same inside an array
 * (a plain object or array, a string, a number, a boolean, null) is written inside `level` arrays,
 * which indents it in the same pass, and cut out; anything else is written alone, then indented.
 */
export function stringifyAt(value: unknown, level: number): string | undefined {
  if (level === 0) return JSON.stringify(value, null, 2) as string | undefined;
  const t = typeof value;
  const wraps =
    value === null ||
    t === 'string' ||
    t === 'number' ||
    t === 'boolean' ||
    (t === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function');
  if (!wraps) {
    const s = JSON.stringify(value, null, 2) as string | undefined;
    // JSON.stringify escapes newlines inside strings: every '\n' of its output is between lines.
    return s === undefined ? s : s.replace(/\n/g, `\n${'  '.repeat(level)}`);
  }
  let wrapped = value;
  for (let i = 0; i < level; i++) wrapped = [wrapped];
  const s = JSON.stringify(wrapped, null, 2);
  // Opened: `[` and a line break indented one level more, per level; closed the other way round.
  return s.slice(level * (level + 3), s.length - level * (level + 1));
}

/** The pieces of `value` at `level` (its first line unindented, the others indented for that level). */
function* pieces(
  value: unknown,
  level: number,
  type: string,
  depth: number,
  shape: JsonShape,
): Generator<string> {
  if (level >= depth || !walkable(value)) {
    // undefined for an array item JSON.stringify cannot write (undefined, a function): it writes null.
    yield stringifyAt(shape.whole(value, type), level) ?? 'null';
    return;
  }
  const inner = `\n${'  '.repeat(level + 1)}`;
  const close = `\n${'  '.repeat(level)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    for (let i = 0; i < value.length; i++) {
      yield i === 0 ? `[${inner}` : `,${inner}`;
      yield* pieces(value[i], level + 1, type, depth, shape);
    }
    yield `${close}]`;
    return;
  }
  let first = true;
  for (const [key, member, memberType] of shape.members(value as Record<string, unknown>, type)) {
    if (!walkable(member) || level + 1 >= depth) {
      // Members JSON.stringify leaves out (undefined, functions, symbols) give undefined here.
      const s = stringifyAt(shape.whole(member, memberType), level + 1);
      if (s === undefined) continue;
      yield `${first ? '{' : ','}${inner}${JSON.stringify(key)}: ${s}`;
    } else {
      yield `${first ? '{' : ','}${inner}${JSON.stringify(key)}: `;
      yield* pieces(member, level + 1, memberType, depth, shape);
    }
    first = false;
  }
  yield first ? '{}' : `${close}}`;
}

/**
 * `JSON.stringify(value, null, 2) + '\n'` as UTF-8 chunks of `chunkSize` bytes (the last one
 * shorter), made as they are consumed: the whole text is never in memory. Byte for byte the same.
 */
export function* prettyJsonChunks(value: unknown, options: PrettyJsonOptions): Generator<Buffer> {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const shape = options.shape ?? AS_IS;
  let buffered: string[] = [];
  let length = 0;
  let rest = Buffer.alloc(0); // bytes made and not yet a whole chunk
  function* flush(last: boolean): Generator<Buffer> {
    const made = Buffer.from(buffered.join(''), 'utf8');
    const bytes = rest.length > 0 ? Buffer.concat([rest, made]) : made;
    buffered = [];
    length = 0;
    // Cut on byte boundaries: the receiver concatenates bytes, so a character split between two
    // chunks is whole again in the output.
    let at = 0;
    for (; bytes.length - at >= chunkSize; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
    rest = bytes.subarray(at);
    if (last && rest.length > 0) yield rest;
  }
  for (const made of pieces(value, 0, options.type ?? '', options.depth, shape)) {
    const piece = options.inert ? inertJson(made) : made;
    buffered.push(piece);
    length += piece.length;
    if (length >= chunkSize) yield* flush(false);
  }
  buffered.push('\n');
  yield* flush(true);
}

/** Writes chunks to a file (created or truncated), one at a time. */
export function writeChunksToFile(path: string, chunks: Iterable<Uint8Array>): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of chunks) {
      // writeSync may write less than it is given (a full disk, a pipe): write the rest.
      for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes chunks to a stream (standard output), waiting for it to drain: one chunk queued at a time.
 * A stream that is closed on the way (the reader of a pipe went away: `| head`) ends the writing:
 * the rest is neither made nor written, and its error is left to the stream's own listener (cli.ts).
 */
export async function writeChunksToStream(stream: Writable, chunks: Iterable<Uint8Array>): Promise<void> {
  for (const chunk of chunks) {
    if (stream.destroyed) return;
    if (!stream.write(chunk)) await drainedOrClosed(stream);
  }
}

/** Resolves when the stream drains, closes or fails (never rejects: see writeChunksToStream). */
function drainedOrClosed(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

/**
 * A SARIF log (renderSarif) as chunks: its results are at the fourth level (log, runs, the run,
 * results), each written whole; a result gives its finding's actions as the JSON report does, so
 * the log grows as the JSON report does.
 */
export function sarifChunks(
  log: object,
  options: { chunkSize?: number; inert?: boolean } = {},
): Generator<Buffer> {
  return prettyJsonChunks(log, { depth: 4, ...options });
}
