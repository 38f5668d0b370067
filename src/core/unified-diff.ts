// A unified line diff, byte for byte the one `diff` (jsdiff 9) makes with
// createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, options), in a
// fraction of the time: the same Myers search (jsdiff's variant, step by step: the same choice
// between an insertion and a deletion on each diagonal, the same pruning at the edges of the edit
// graph, the same reuse of a diagonal's path from an earlier round), but over lines interned as
// integers, with the paths' components in typed arrays instead of one object per step. The hunks
// are built as jsdiff builds them and written by jsdiff's own formatPatch (headers, file-name
// quoting). A search that would outgrow its arrays (a pathological pair of long texts) is left to
// jsdiff itself. __tests__/core/unified-diff.test.ts compares the two on random texts. Pure.
import {
  createTwoFilesPatch,
  formatPatch,
  type HeaderOptions,
  type StructuredPatch,
  type StructuredPatchHunk,
} from 'diff';

/**
 * jsdiff's line tokens: each line with its `\n` or `\r\n`; the last without when the text has none.
 * (jsdiff splits on `/(\n|\r\n)/` and joins each line to its separator: the same cuts, after each
 * `\n`, made here by slicing.)
 */
export function lineTokens(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    out.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

const COMMON = 0;
const ADDED = 1;
const REMOVED = 2;
/** No path on a diagonal (jsdiff's `undefined`); an old position is never below -1. */
const NONE = -2;
/** Components kept at most (12 bytes each) before the search is left to jsdiff. */
const MAX_COMPONENTS = 8_000_000;

/** A run of common, added or removed lines, in order. */
interface Run {
  type: number;
  count: number;
}

/**
 * The runs jsdiff's diffLines gives for the two token lists (its change objects, in order), or
 * undefined when the search would take more than MAX_COMPONENTS components.
 */
function lineRuns(oldTokens: readonly string[], newTokens: readonly string[]): Run[] | undefined {
  // Tokens as integers: equal lines, equal ids.
  const ids = new Map<string, number>();
  const intern = (tokens: readonly string[]) => {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      let id = ids.get(token);
      if (id === undefined) ids.set(token, (id = ids.size));
      out[i] = id;
    }
    return out;
  };
  const a = intern(oldTokens);
  const b = intern(newTokens);
  const oldLen = a.length;
  const newLen = b.length;

  // Components: jsdiff's {count, added, removed, previousComponent} objects, by index (-1: none).
  // (jsdiff's extractCommon and addToPath are written out in the loop below.)
  const c = components;
  c.reset();

  // bestPath by diagonal (oldPos - newPos), offset: each path's old position and last component.
  const maxEditLength = newLen + oldLen;
  const offset = maxEditLength + 2;
  const length = 2 * offset + 1;
  if (scratchOld.length < length || scratchOld.length > 4 * length + 65536) {
    scratchOld = new Int32Array(length);
    scratchLast = new Int32Array(length);
  }
  const pathOld = scratchOld;
  const pathLast = scratchLast;
  pathOld.fill(NONE, 0, length);

  // The seed: the common start (jsdiff's extractCommon on diagonal 0).
  let oldPos = -1;
  let newPos = -1;
  let baseLast = -1;
  while (newPos + 1 < newLen && oldPos + 1 < oldLen && a[oldPos + 1] === b[newPos + 1]) {
    newPos++;
    oldPos++;
  }
  if (oldPos >= 0) baseLast = c.add(oldPos + 1, COMMON, -1);
  let last = -2; // the finished path's last component; -2 while searching
  if (oldPos + 1 >= oldLen && newPos + 1 >= newLen) last = baseLast;
  else {
    pathOld[offset] = oldPos;
    pathLast[offset] = baseLast;
  }
  let minDiagonal = -Infinity;
  let maxDiagonal = Infinity;
  for (let editLength = 1; last === -2 && editLength <= maxEditLength; editLength++) {
    // The upper bound is read on every step, as jsdiff does (a path can lower it during the round).
    for (
      let diagonal = Math.max(minDiagonal, -editLength);
      diagonal <= Math.min(maxDiagonal, editLength);
      diagonal += 2
    ) {
      const d = diagonal + offset;
      const removeOld = pathOld[d - 1]!;
      const addOld = pathOld[d + 1]!;
      if (removeOld !== NONE) pathOld[d - 1] = NONE;
      let canAdd = false;
      if (addOld !== NONE) {
        const addNewPos = addOld - diagonal;
        canAdd = 0 <= addNewPos && addNewPos < newLen;
      }
      const canRemove = removeOld !== NONE && removeOld + 1 < oldLen;
      if (!canAdd && !canRemove) {
        pathOld[d] = NONE;
        continue;
      }
      // addToPath: one more line added (from the diagonal above) or removed (from the one below).
      let fromLast: number;
      let type: number;
      if (!canRemove || (canAdd && removeOld < addOld)) {
        fromLast = pathLast[d + 1]!;
        type = ADDED;
        oldPos = addOld;
      } else {
        fromLast = pathLast[d - 1]!;
        type = REMOVED;
        oldPos = removeOld + 1;
      }
      baseLast =
        fromLast >= 0 && c.type[fromLast] === type
          ? c.add(c.count[fromLast]! + 1, type, c.prev[fromLast]!)
          : c.add(1, type, fromLast);
      if (c.used > MAX_COMPONENTS) return undefined;
      // extractCommon: along the diagonal while lines are equal.
      newPos = oldPos - diagonal;
      const from = oldPos;
      while (newPos + 1 < newLen && oldPos + 1 < oldLen && a[oldPos + 1] === b[newPos + 1]) {
        newPos++;
        oldPos++;
      }
      if (oldPos > from) baseLast = c.add(oldPos - from, COMMON, baseLast);
      if (oldPos + 1 >= oldLen && newPos + 1 >= newLen) {
        last = baseLast;
        break;
      }
      pathOld[d] = oldPos;
      pathLast[d] = baseLast;
      if (oldPos + 1 >= oldLen) maxDiagonal = Math.min(maxDiagonal, diagonal - 1);
      if (newPos + 1 >= newLen) minDiagonal = Math.max(minDiagonal, diagonal + 1);
    }
  }
  if (last === -2) return undefined; // not reached: a path ends within newLen + oldLen edits
  const runs: Run[] = [];
  for (let k = last; k >= 0; k = c.prev[k]!) runs.push({ type: c.type[k]!, count: c.count[k]! });
  return runs.reverse();
}

/**
 * jsdiff's path components, {count, added, removed, previousComponent}, as three growing arrays:
 * one set for the process (a search runs to its end without yielding), emptied for each search.
 */
class Components {
  count = new Int32Array(1024);
  type = new Uint8Array(1024);
  prev = new Int32Array(1024);
  used = 0;

  add(count: number, type: number, prev: number): number {
    if (this.used === this.count.length) this.grow();
    const at = this.used++;
    this.count[at] = count;
    this.type[at] = type;
    this.prev[at] = prev;
    return at;
  }

  private grow(): void {
    const size = 2 * this.count.length;
    const count = new Int32Array(size);
    count.set(this.count);
    this.count = count;
    const type = new Uint8Array(size);
    type.set(this.type);
    this.type = type;
    const prev = new Int32Array(size);
    prev.set(this.prev);
    this.prev = prev;
  }

  /** Empties the set, and gives back the memory of a search that took much of it. */
  reset(): void {
    this.used = 0;
    if (this.count.length > 65536) {
      this.count = new Int32Array(1024);
      this.type = new Uint8Array(1024);
      this.prev = new Int32Array(1024);
    }
  }
}

const components = new Components();

/** Per-diagonal scratch of at least `length` entries, filled with `value` over that length. */
let scratchOld = new Int32Array(0);
let scratchLast = new Int32Array(0);

/** jsdiff's diffLinesResultToPatch (structuredPatch), from the runs and the two token lists. */
function hunksOf(
  runs: readonly Run[],
  oldTokens: readonly string[],
  newTokens: readonly string[],
  context: number,
) {
  // Each run's lines (jsdiff's change values split again into lines: the tokens themselves).
  const diff: { added: boolean; removed: boolean; lines: string[] }[] = [];
  let oldPos = 0;
  let newPos = 0;
  for (const run of runs) {
    if (run.type === REMOVED) {
      diff.push({ added: false, removed: true, lines: oldTokens.slice(oldPos, oldPos + run.count) });
      oldPos += run.count;
    } else {
      diff.push({
        added: run.type === ADDED,
        removed: false,
        lines: newTokens.slice(newPos, newPos + run.count),
      });
      newPos += run.count;
      if (run.type === COMMON) oldPos += run.count;
    }
  }
  diff.push({ added: false, removed: false, lines: [] });
  const contextLines = (lines: readonly string[]) => lines.map((entry) => ' ' + entry);
  const hunks: StructuredPatchHunk[] = [];
  let oldRangeStart = 0;
  let newRangeStart = 0;
  let curRange: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (let i = 0; i < diff.length; i++) {
    const current = diff[i]!;
    const lines = current.lines;
    if (current.added || current.removed) {
      if (!oldRangeStart) {
        const prev = diff[i - 1];
        oldRangeStart = oldLine;
        newRangeStart = newLine;
        if (prev) {
          curRange = context > 0 ? contextLines(prev.lines.slice(-context)) : [];
          oldRangeStart -= curRange.length;
          newRangeStart -= curRange.length;
        }
      }
      for (const line of lines) curRange.push((current.added ? '+' : '-') + line);
      if (current.added) newLine += lines.length;
      else oldLine += lines.length;
    } else {
      if (oldRangeStart) {
        if (lines.length <= context * 2 && i < diff.length - 2) {
          for (const line of contextLines(lines)) curRange.push(line);
        } else {
          const contextSize = Math.min(lines.length, context);
          for (const line of contextLines(lines.slice(0, contextSize))) curRange.push(line);
          hunks.push({
            oldStart: oldRangeStart,
            oldLines: oldLine - oldRangeStart + contextSize,
            newStart: newRangeStart,
            newLines: newLine - newRangeStart + contextSize,
            lines: curRange,
          });
          oldRangeStart = 0;
          newRangeStart = 0;
          curRange = [];
        }
      }
      oldLine += lines.length;
      newLine += lines.length;
    }
  }
  for (const hunk of hunks) {
    for (let i = 0; i < hunk.lines.length; i++) {
      if (hunk.lines[i]!.endsWith('\n')) hunk.lines[i] = hunk.lines[i]!.slice(0, -1);
      else {
        hunk.lines.splice(i + 1, 0, '\\ No newline at end of file');
        i++;
      }
    }
  }
  return hunks;
}

/**
 * createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, options) of jsdiff
 * 9, byte for byte (see the header), for its options `context` (default 4) and `headerOptions`
 * (INCLUDE_HEADERS by default; FILE_HEADERS_ONLY leaves out the `====` line).
 */
export function unifiedDiff(
  oldName: string,
  newName: string,
  oldText: string,
  newText: string,
  options: { context?: number; headerOptions?: HeaderOptions } = {},
): string {
  const context = options.context ?? 4;
  const oldTokens = lineTokens(oldText);
  const newTokens = lineTokens(newText);
  const runs = lineRuns(oldTokens, newTokens);
  if (!runs)
    return createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, {
      context,
      headerOptions: options.headerOptions,
    });
  const patch: StructuredPatch = {
    oldFileName: oldName,
    newFileName: newName,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: hunksOf(runs, oldTokens, newTokens, context),
  };
  return formatPatch(patch, options.headerOptions);
}
